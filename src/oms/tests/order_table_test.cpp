// OrderTable: gap-free ids, lookup by (account, client order id) including ids registered by
// replaces, equal client ids of different accounts kept apart, growth past the reserved size,
// and a restore that rebuilds the index.
#include <gtest/gtest.h>

#include "oms/order_table.hpp"

namespace alphintra::oms {
namespace {

OrderRequest request(std::uint64_t account, std::string_view clientId) {
  OrderRequest r;
  r.account = AccountId{account};
  r.instrument = InstrumentId{1};
  r.clientOrderId = ClientOrderId::fromTrusted(clientId);
  r.quantity = Quantity::fromRaw(100);
  r.price = Price::fromRaw(1000);
  return r;
}

TEST(OrderTable, HandsOutGapFreeIdsAndFindsByClientId) {
  OrderTable t(4);
  for (int i = 0; i < 1000; ++i) {  // well past the reserved size: the index grows
    const OmsOrder& o = t.create(request(1 + i % 3, "c" + std::to_string(i)), Timestamp(i));
    EXPECT_EQ(o.id.value(), static_cast<std::uint64_t>(i + 1));
  }
  for (int i = 0; i < 1000; ++i) {
    OmsOrder* o = t.findByClientId(AccountId{static_cast<std::uint64_t>(1 + i % 3)},
                                   ClientOrderId::fromTrusted("c" + std::to_string(i)));
    ASSERT_NE(o, nullptr) << i;
    EXPECT_EQ(o->id.value(), static_cast<std::uint64_t>(i + 1));
  }
  EXPECT_EQ(t.findByClientId(AccountId{2}, ClientOrderId::fromTrusted("c0")), nullptr);  // c0 belongs to account 1
  EXPECT_EQ(t.find(OrderId{1001}), nullptr);
  EXPECT_EQ(t.find(OrderId{0}), nullptr);
}

TEST(OrderTable, SameClientIdInTwoAccountsAreTwoOrders) {
  OrderTable t;
  t.create(request(1, "same"), Timestamp(1));
  t.create(request(2, "same"), Timestamp(2));
  EXPECT_EQ(t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("same"))->id.value(), 1u);
  EXPECT_EQ(t.findByClientId(AccountId{2}, ClientOrderId::fromTrusted("same"))->id.value(), 2u);
}

TEST(OrderTable, ReplacementIdsFindTheOrderAndSurviveRestore) {
  OrderTable t;
  t.create(request(1, "first"), Timestamp(1));
  t.create(request(1, "other"), Timestamp(2));
  t.indexClientId(AccountId{1}, ClientOrderId::fromTrusted("second"), OrderId{1});
  EXPECT_EQ(t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("second"))->id.value(), 1u);
  EXPECT_EQ(t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("first"))->id.value(), 1u);

  OrderTable restored;
  ChunkedVector<OmsOrder> copy;
  for (const OmsOrder& o : t.all()) copy.push_back(o);
  restored.restore(std::move(copy), t.replacementIds());
  EXPECT_EQ(restored.size(), 2u);
  EXPECT_EQ(restored.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("second"))->id.value(), 1u);
  EXPECT_EQ(restored.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("other"))->id.value(), 2u);
  EXPECT_EQ(restored.nextOrderId().value(), 3u);
}

TEST(OrderTable, AveragePriceIsExactAndRounded) {
  OmsOrder o;
  EXPECT_FALSE(o.averagePrice().isDefined());
  o.cumQuantity = Quantity::fromRaw(3);
  o.cumNotional = 1000 * 1 + 1001 * 2;  // fills 1@1000, 2@1001 → 1000.67
  EXPECT_EQ(o.averagePrice().raw(), 1001);
}

}  // namespace
}  // namespace alphintra::oms
