// The report table behind OrderStatusRequest: the last report of each order, found by order id
// and by every ClOrdID the order carried, per account; a hash collision between two keys never
// gives a wrong answer (a hash that sends every key to the same slot forces the overflow path);
// retire() drops exactly the finished, old orders below the engine's window with their ClOrdIDs,
// checked against a model under random traffic with both hashes.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
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
  t.remember(report(1, 7, "A", 0), Timestamp{});
  t.remember(report(2, 7, "B", 0), Timestamp{});
  t.remember(report(3, 8, "A", 0), Timestamp{});   // the same ClOrdID in another account is another order
  t.remember(report(1, 7, "A", 5), Timestamp{});   // a fill: the last report replaces the first
  t.remember(report(2, 7, "B2", 0), Timestamp{});  // a replace: the order now carries B2, and B still finds it
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
  for (std::uint64_t k = 1; k <= 50'000; ++k) t.remember(report(k, 1 + k % 3, "C" + std::to_string(k), 0), Timestamp{});
  for (std::uint64_t k = 1; k <= 50'000; k += 97) {
    const engine::ExecutionReport* r = t.byClientId(AccountId{1 + k % 3}, id("C" + std::to_string(k)));
    ASSERT_NE(r, nullptr) << k;
    EXPECT_EQ(r->orderId, OrderId{k});
    EXPECT_EQ(t.byClientId(AccountId{1 + (k + 1) % 3}, id("C" + std::to_string(k))), nullptr);
  }
}

std::uint64_t fewSlots(AccountId account, const ClientOrderId& key) noexcept {
  return 1 + (key.hash() ^ account.value()) % 5;  // many keys share each of five slots
}

void checkRetirement(ReportTable::KeyHash hash, std::uint64_t seed) {
  ReportTable t(hash);
  struct Order {
    engine::ExecutionReport last;
    Timestamp time;
  };
  std::map<std::uint64_t, Order> orders;                                  // the model: order id → last report
  std::map<std::pair<std::uint64_t, std::string>, std::uint64_t> owners;  // (account, ClOrdID) → latest order
  std::set<std::pair<std::uint64_t, std::string>> everKey;
  std::mt19937_64 rng(seed);
  std::uint64_t nextOrder = 1;
  std::uint64_t nextKey = 1;
  std::int64_t now = 1'000;
  const oms::OrdStatus statuses[] = {oms::OrdStatus::PartiallyFilled, oms::OrdStatus::Filled,
                                     oms::OrdStatus::Canceled,        oms::OrdStatus::Rejected,
                                     oms::OrdStatus::Expired,         oms::OrdStatus::Replaced};
  const auto send = [&](engine::ExecutionReport r) {
    now += static_cast<std::int64_t>(rng() % 5);
    t.remember(r, Timestamp{now});
    orders[r.orderId.value()] = Order{r, Timestamp{now}};
    const auto key = std::make_pair(r.account.value(), std::string(r.clientOrderId.view()));
    owners[key] = r.orderId.value();
    everKey.insert(key);
  };
  for (int round = 0; round < 30; ++round) {
    for (int n = 0; n < 400; ++n) {
      if (orders.empty() || rng() % 3 == 0) {
        // A new order; now and then with a ClOrdID a retired order had (the engine frees them).
        std::string key = "K" + std::to_string(rng() % 8 == 0 && nextKey > 10 ? rng() % nextKey : nextKey++);
        const std::uint64_t account = 1 + rng() % 3;
        if (const auto it = owners.find({account, key}); it != owners.end() && orders.contains(it->second)) {
          key = "K" + std::to_string(nextKey++);  // in use: the engine would refuse it
        }
        engine::ExecutionReport r = report(nextOrder++, account, key, 0);
        r.status = oms::OrdStatus::New;
        send(r);
      } else {
        auto it = orders.lower_bound(rng() % nextOrder);
        if (it == orders.end()) it = orders.begin();
        engine::ExecutionReport r = it->second.last;
        r.status = statuses[rng() % std::size(statuses)];
        if (r.status == oms::OrdStatus::Replaced) {
          r.status = oms::OrdStatus::New;  // the order now carries a new ClOrdID; the old one still finds it
          r.clientOrderId = id("K" + std::to_string(nextKey++));
        }
        r.cumQuantity = Quantity::fromRaw(r.cumQuantity.raw() + 1);
        send(r);
      }
    }
    const Timestamp cutoff{now - static_cast<std::int64_t>(rng() % 800)};
    const std::uint64_t below = 1 + rng() % nextOrder;
    std::size_t expected = 0;
    for (auto it = orders.begin(); it != orders.end();) {
      const oms::OrdStatus st = it->second.last.status;
      const bool finished = st == oms::OrdStatus::Filled || st == oms::OrdStatus::Canceled ||
                            st == oms::OrdStatus::Rejected || st == oms::OrdStatus::Expired;
      if (it->first < below && finished && it->second.time < cutoff) {
        it = orders.erase(it);
        ++expected;
      } else {
        ++it;
      }
    }
    ASSERT_EQ(t.retire(cutoff, below), expected) << "round " << round;
    ASSERT_EQ(t.size(), orders.size());
    for (std::uint64_t o = 1; o < nextOrder; ++o) {
      const engine::ExecutionReport* r = t.byOrderId(o);
      const auto it = orders.find(o);
      ASSERT_EQ(r != nullptr, it != orders.end()) << o;
      if (r != nullptr) {
        EXPECT_EQ(r->cumQuantity, it->second.last.cumQuantity);
      }
    }
    for (const auto& key : everKey) {
      const engine::ExecutionReport* r = t.byClientId(AccountId{key.first}, id(key.second));
      const auto owner = owners.find(key);
      const bool kept = owner != owners.end() && orders.contains(owner->second);
      ASSERT_EQ(r != nullptr, kept) << key.first << " " << key.second;
      if (r != nullptr) {
        EXPECT_EQ(r->orderId, OrderId{owner->second});
      }
    }
  }
}

TEST(ReportTable, RetireDropsExactlyTheRetiredOrdersWithTheirClientIds) {
  checkRetirement(&ReportTable::defaultHash, 1);
  checkRetirement(&ReportTable::defaultHash, 2);
}

TEST(ReportTable, RetireKeepsCollidingKeysFindable) {
  checkRetirement(&fewSlots, 3);
  checkRetirement(&sameSlotForAll, 4);
}

}  // namespace
}  // namespace alphintra::api::fix
