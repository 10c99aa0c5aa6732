// The report table behind OrderStatusRequest: the last report of each order, found by order id
// and by every ClOrdID the order carried, per account; a hash collision between two keys never
// gives a wrong answer (a hash that sends every key to the same slot forces the overflow path).
#include <gtest/gtest.h>

#include <string>

#include "api/fix/report_table.hpp"

namespace alphintra::api::fix {
namespace {

engine::ExecutionReport report(std::uint64_t order, std::uint64_t account, std::string_view clOrdId, std::int64_t cum) {
  engine::ExecutionReport r{};
  r.orderId = OrderId{order};
  r.account = AccountId{account};
  r.clientOrderId = ClientOrderId::fromTrusted(clOrdId);
  r.cumQuantity = Quantity::fromRaw(cum);
  return r;
}

ClientOrderId id(std::string_view text) { return ClientOrderId::fromTrusted(text); }

std::uint64_t sameSlotForAll(AccountId, const ClientOrderId&) noexcept { return 42; }

void checkTable(ReportTable& t) {
  t.remember(report(1, 7, "A", 0));
  t.remember(report(2, 7, "B", 0));
  t.remember(report(3, 8, "A", 0));   // the same ClOrdID in another account is another order
  t.remember(report(1, 7, "A", 5));   // a fill: the last report replaces the first
  t.remember(report(2, 7, "B2", 0));  // a replace: the order now carries B2, and B still finds it
  EXPECT_EQ(t.size(), 3u);

  ASSERT_NE(t.byOrderId(1), nullptr);
  EXPECT_EQ(t.byOrderId(1)->cumQuantity.raw(), 5);
  EXPECT_EQ(t.byOrderId(9), nullptr);
  EXPECT_EQ(t.byOrderId(0), nullptr);

  ASSERT_NE(t.byClientId(AccountId{7}, id("A")), nullptr);
  EXPECT_EQ(t.byClientId(AccountId{7}, id("A"))->orderId, OrderId{1});
  EXPECT_EQ(t.byClientId(AccountId{7}, id("A"))->cumQuantity.raw(), 5);
  ASSERT_NE(t.byClientId(AccountId{8}, id("A")), nullptr);
  EXPECT_EQ(t.byClientId(AccountId{8}, id("A"))->orderId, OrderId{3});
  ASSERT_NE(t.byClientId(AccountId{7}, id("B")), nullptr);
  EXPECT_EQ(t.byClientId(AccountId{7}, id("B"))->orderId, OrderId{2});
  EXPECT_EQ(t.byClientId(AccountId{7}, id("B"))->clientOrderId, id("B2"));
  ASSERT_NE(t.byClientId(AccountId{7}, id("B2")), nullptr);
  EXPECT_EQ(t.byClientId(AccountId{7}, id("B2"))->orderId, OrderId{2});
  EXPECT_EQ(t.byClientId(AccountId{8}, id("B")), nullptr);
  EXPECT_EQ(t.byClientId(AccountId{7}, id("C")), nullptr);
}

TEST(ReportTable, FindsTheLastReportByOrderIdAndByEveryClientId) {
  ReportTable t;
  checkTable(t);
}

TEST(ReportTable, KeysSharingAHashSlotAreTold) {
  ReportTable t(&sameSlotForAll);
  checkTable(t);
}

TEST(ReportTable, ManyOrdersStayFindable) {
  ReportTable t;
  for (std::uint64_t k = 1; k <= 50'000; ++k) t.remember(report(k, 1 + k % 3, "C" + std::to_string(k), 0));
  for (std::uint64_t k = 1; k <= 50'000; k += 97) {
    const engine::ExecutionReport* r = t.byClientId(AccountId{1 + k % 3}, id("C" + std::to_string(k)));
    ASSERT_NE(r, nullptr) << k;
    EXPECT_EQ(r->orderId, OrderId{k});
    EXPECT_EQ(t.byClientId(AccountId{1 + (k + 1) % 3}, id("C" + std::to_string(k))), nullptr);
  }
}

}  // namespace
}  // namespace alphintra::api::fix
