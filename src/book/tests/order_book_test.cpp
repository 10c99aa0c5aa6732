// Focused unit tests of OrderBook behaviour that the golden scenarios do not show well:
// queries, pool reuse across heavy churn, growth past the expected sizes, and the
// time-never-goes-backwards rule. Order-type semantics are covered by tests/golden/book/*.scn
// and the differential test against the reference book.
#include "book/order_book.hpp"

#include <gtest/gtest.h>

namespace alphintra::book {
namespace {

Instrument testInstrument() {
  InstrumentSpec spec;
  spec.id = 1;
  spec.symbol = "TEST";
  spec.pricePrecision = 2;
  spec.tickSize = "0.01";
  return *Instrument::create(spec);
}

NewOrder limit(std::uint64_t id, Side side, std::int64_t price, std::int64_t qty, std::uint64_t account = 1) {
  NewOrder o;
  o.id = OrderId{id};
  o.account = AccountId{account};
  o.side = side;
  o.price = Price::fromRaw(price);
  o.quantity = Quantity::fromRaw(qty);
  return o;
}

TEST(OrderBook, RestsAndReportsTopOfBookDepthAndOrders) {
  OrderBook book(testInstrument());
  std::vector<Event> events;
  book.submit(limit(1, Side::Buy, 10000, 5), Timestamp{1}, events);
  book.submit(limit(2, Side::Buy, 10000, 7), Timestamp{2}, events);
  book.submit(limit(3, Side::Buy, 9990, 1), Timestamp{3}, events);
  book.submit(limit(4, Side::Sell, 10010, 3), Timestamp{4}, events);

  const TopOfBook top = book.topOfBook();
  EXPECT_EQ(top.bidPrice.raw(), 10000);
  EXPECT_EQ(top.bidQuantity.raw(), 12);
  EXPECT_EQ(top.bidOrders, 2u);
  EXPECT_EQ(top.askPrice.raw(), 10010);
  EXPECT_EQ(top.sequence, 4u);
  EXPECT_FALSE(top.lastTradePrice.isDefined());

  std::vector<LevelView> depth;
  book.depth(Side::Buy, 10, depth);
  ASSERT_EQ(depth.size(), 2u);
  EXPECT_EQ(depth[0].price.raw(), 10000);
  EXPECT_EQ(depth[1].price.raw(), 9990);

  std::vector<OrderView> orders;
  book.orders(Side::Buy, orders);
  ASSERT_EQ(orders.size(), 3u);
  EXPECT_EQ(orders[0].id, OrderId{1});  // time priority within the level
  EXPECT_EQ(orders[1].id, OrderId{2});
  EXPECT_EQ(orders[2].id, OrderId{3});
  EXPECT_EQ(book.restingOrders(), 4u);
  EXPECT_EQ(book.levelCount(), 3u);
}

TEST(OrderBook, ReduceByKeepsTheQueuePlaceOrCancelsAtTheOpenQuantity) {
  OrderBook book(testInstrument());
  std::vector<Event> events;
  book.submit(limit(1, Side::Buy, 10000, 10), Timestamp{1}, events);
  book.submit(limit(2, Side::Buy, 10000, 7), Timestamp{2}, events);

  events.clear();
  book.reduceBy(OrderId{1}, Quantity::fromRaw(4), Timestamp{3}, events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::Replaced);
  EXPECT_EQ(events[0].quantity.raw(), 6);
  EXPECT_EQ(events[0].leavesQuantity.raw(), 6);
  std::vector<OrderView> orders;
  book.orders(Side::Buy, orders);
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[0].id, OrderId{1});  // still first in its level
  EXPECT_EQ(orders[0].leavesQuantity.raw(), 6);
  EXPECT_EQ(book.topOfBook().bidQuantity.raw(), 13);

  events.clear();
  book.reduceBy(OrderId{1}, Quantity::fromRaw(6), Timestamp{4}, events);  // all that is open
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::Cancelled);
  EXPECT_FALSE(book.find(OrderId{1}).has_value());

  events.clear();
  book.reduceBy(OrderId{2}, Quantity::fromRaw(0), Timestamp{5}, events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::Rejected);
  EXPECT_EQ(events[0].reason, static_cast<std::uint8_t>(RejectReason::InvalidQuantity));
  EXPECT_EQ(book.find(OrderId{2})->leavesQuantity.raw(), 7);

  events.clear();
  book.reduceBy(OrderId{1}, Quantity::fromRaw(1), Timestamp{6}, events);  // gone already
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::Rejected);
  EXPECT_EQ(events[0].reason, static_cast<std::uint8_t>(RejectReason::UnknownOrder));
}

TEST(OrderBook, QuantityAheadCountsTheLevelQueueInFrontOfAnOrder) {
  OrderBook book(testInstrument());
  std::vector<Event> events;
  const AccountId feed{9};
  book.submit(limit(1, Side::Sell, 10010, 5, 1), Timestamp{1}, events);
  book.submit(limit(2, Side::Sell, 10010, 8, 9), Timestamp{2}, events);
  book.submit(limit(3, Side::Sell, 10010, 3, 2), Timestamp{3}, events);
  book.submit(limit(4, Side::Sell, 10010, 6, 9), Timestamp{4}, events);
  book.submit(limit(5, Side::Sell, 10000, 2, 1), Timestamp{5}, events);  // a better price: another level

  EXPECT_EQ(book.quantityAhead(OrderId{1}, feed), 0);  // first in its queue
  EXPECT_EQ(book.quantityAhead(OrderId{2}, feed), 5);
  EXPECT_EQ(book.quantityAhead(OrderId{4}, feed), 8);          // 5 + 3, not the excluded account's 8
  EXPECT_EQ(book.quantityAhead(OrderId{4}, AccountId{}), 16);  // nothing excluded
  EXPECT_EQ(book.quantityAhead(OrderId{5}, feed), 0);
  EXPECT_EQ(book.quantityAhead(OrderId{77}, feed), -1);  // unknown

  // A replace that grows order 1 sends it to the back of its level.
  ReplaceOrder r;
  r.id = OrderId{1};
  r.quantity = Quantity::fromRaw(9);
  book.replace(r, Timestamp{6}, events);
  EXPECT_EQ(book.quantityAhead(OrderId{1}, feed), 3);
  EXPECT_EQ(book.quantityAhead(OrderId{4}, feed), 3);
}

TEST(OrderBook, PoolsAreReusedAndGrowPastTheExpectedSize) {
  BookOptions options;
  options.expectedOrders = 4;
  options.expectedLevels = 2;
  OrderBook book(testInstrument(), options);
  std::vector<Event> events;
  // 2,000 resting orders over 500 levels: far beyond the expected sizes.
  for (std::uint64_t i = 1; i <= 2000; ++i) {
    book.submit(limit(i, Side::Buy, 10000 - static_cast<std::int64_t>(i % 500), 1), Timestamp{1}, events);
  }
  EXPECT_EQ(book.restingOrders(), 2000u);
  EXPECT_EQ(book.levelCount(), 500u);
  // Cancel all, then fill the book again: everything must still be found.
  for (std::uint64_t i = 1; i <= 2000; ++i) book.cancel(OrderId{i}, Timestamp{2}, events);
  EXPECT_EQ(book.restingOrders(), 0u);
  EXPECT_EQ(book.levelCount(), 0u);
  for (std::uint64_t i = 3000; i < 3100; ++i) book.submit(limit(i, Side::Sell, 10100, 2), Timestamp{3}, events);
  for (std::uint64_t i = 3000; i < 3100; ++i) ASSERT_TRUE(book.find(OrderId{i}).has_value());
  events.clear();
  book.submit(limit(5000, Side::Buy, 10100, 200), Timestamp{4}, events);
  std::int64_t traded = 0;
  for (const Event& e : events) traded += e.type == EventType::Trade ? e.quantity.raw() : 0;
  EXPECT_EQ(traded, 200);
  EXPECT_EQ(book.restingOrders(), 0u);
}

TEST(OrderBook, SequenceIsGapFreeAndTimeNeverGoesBackwards) {
  OrderBook book(testInstrument());
  std::vector<Event> events;
  book.submit(limit(1, Side::Buy, 10000, 5), Timestamp{100}, events);
  book.submit(limit(1, Side::Buy, 10000, 5), Timestamp{50}, events);  // duplicate, earlier time
  book.cancel(OrderId{1}, Timestamp{200}, events);
  ASSERT_EQ(events.size(), 3u);
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].sequence, i + 1);
  EXPECT_EQ(events[1].type, EventType::Rejected);
  EXPECT_EQ(events[1].reason, static_cast<std::uint8_t>(RejectReason::DuplicateOrderId));
  EXPECT_EQ(events[1].time, Timestamp{100});  // processed at the latest time seen
  EXPECT_EQ(events[2].time, Timestamp{200});
}

TEST(OrderBook, FindReportsFilledAndLeavesQuantities) {
  OrderBook book(testInstrument());
  std::vector<Event> events;
  book.submit(limit(1, Side::Sell, 10000, 10), Timestamp{1}, events);
  book.submit(limit(2, Side::Buy, 10000, 4), Timestamp{2}, events);
  const auto view = book.find(OrderId{1});
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->filledQuantity.raw(), 4);
  EXPECT_EQ(view->leavesQuantity.raw(), 6);
  EXPECT_TRUE(view->resting);
  EXPECT_FALSE(book.find(OrderId{2}).has_value());  // fully filled: finished
  EXPECT_EQ(book.lastTradePrice().raw(), 10000);
}

}  // namespace
}  // namespace alphintra::book
