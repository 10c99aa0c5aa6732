// The tick backtest with the matching engine in the loop, on hand-built L3 and L2 streams whose
// fills are worked out by hand: crossing orders take the replayed best prices, queue position
// (exact at L3, estimated at L2) decides when a resting order fills, latency changes what an
// order meets, a cancel that arrives in time prevents a fill, fees come from the account.
#include <gtest/gtest.h>

#include "backtest/tests/scripted_strategy.hpp"
#include "backtest/tests/tick_run.hpp"
#include "backtest/tests/tick_script.hpp"
#include "backtest/tick_backtester.hpp"
#include "engine/engine.hpp"

namespace alphintra::backtest {
namespace {

using marketdata::BookAction;
using testing::levelEvent;
using testing::orderEvent;
using testing::quoteEvent;
using testing::TimedStrategy;
using testing::tradeEvent;

using testing::kAaa;
using testing::l3Book;
using testing::runTick;
using testing::send;

TEST(TickBacktest, CrossingOrderFillsAtTheReplayedBestPricesAndPaysTheTakerFee) {
  auto events = l3Book();
  // Order 2 is deleted later with the 200 shares the feed knows; we left it 50: it goes. The
  // feed then executes order 1, which we consumed whole: skipped.
  events.push_back(orderEvent(20, BookAction::Delete, 2, Side::Sell, 10020, 200));
  events.push_back(orderEvent(21, BookAction::Fill, 1, Side::Sell, 10010, 100));
  TickOptions options;
  options.account.takerFeePpm = 1000;  // 0.1 %
  options.account.makerFeePpm = 0;
  auto run = runTick(events, {{10, send(testing::limit(kAaa, Side::Buy, 250, 10020))}}, ReplayDepth::L3, options);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  const auto& fills = run.result->fills;
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].price.raw(), 10010);
  EXPECT_EQ(fills[0].quantity.raw(), 100);
  EXPECT_EQ(fills[0].fee.raw(), 1001);  // 100 × 100.10 × 0.001 = 10.01
  EXPECT_EQ(fills[1].price.raw(), 10020);
  EXPECT_EQ(fills[1].quantity.raw(), 150);
  EXPECT_EQ(fills[1].fee.raw(), 1503);  // 150 × 100.20 × 0.001 = 15.03
  EXPECT_EQ(fills[0].time.nanos(), testing::kT0 + 10);
  EXPECT_EQ(run.stats.skippedMessages, 1u);
  EXPECT_EQ(run.ownOrders, 0u);
  EXPECT_EQ(run.strategy->fills.size(), 2u);
  // The ledger booked the fills and fees: 250 long, cash 1,000,000 − 25,040 − 25.04.
  const oms::Position* held = run.backtester->engine().ledger().position(AccountId{1}, kAaa);
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->quantity().raw(), 250);
  EXPECT_EQ(held->fees().raw(), 2504);
}

// A backtester runs once: its engine and replayed books keep the first run's state, so a second
// run() is an error naming "run" rather than a run that does not start from scratch.
TEST(TickBacktest, ASecondRunIsRefused) {
  auto run = runTick(l3Book(), {{10, send(testing::limit(kAaa, Side::Buy, 100, 10010))}}, ReplayDepth::L3);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  MemoryEventSource again(l3Book());
  auto second = run.backtester->run(again);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().field, "run");
}

// onBook carries the five best levels a side and comes only when one of them changed: an order
// added or cancelled below the fifth level shows nothing new.
TEST(TickBacktest, BookUpdatesComeWhenTheFiveLevelsShownChange) {
  std::vector<marketdata::MarketEvent> events;
  for (std::uint64_t k = 0; k < 6; ++k) {  // bids 99.90, 99.80, ..., 99.40: six levels
    events.push_back(orderEvent(static_cast<std::int64_t>(k + 1), BookAction::Add, 10 + k, Side::Buy,
                                9990 - 10 * static_cast<std::int64_t>(k), 100));
  }
  events.push_back(orderEvent(7, BookAction::Add, 20, Side::Sell, 10010, 300));
  events.push_back(orderEvent(8, BookAction::Add, 21, Side::Buy, 9940, 50));       // sixth level grows: unseen
  events.push_back(orderEvent(9, BookAction::Add, 22, Side::Buy, 9900, 70));       // below the sixth: unseen
  events.push_back(orderEvent(10, BookAction::Delete, 21, Side::Buy, 9940, 50));   // unseen
  events.push_back(orderEvent(11, BookAction::Add, 23, Side::Buy, 9950, 25));      // fifth level grows
  events.push_back(orderEvent(12, BookAction::Delete, 10, Side::Buy, 9990, 100));  // best bid goes: 99.40 moves up
  auto run = runTick(events, {}, ReplayDepth::L3);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  const auto& books = run.strategy->books;
  // The six adds of levels 1–5 and the ask, the fifth level's growth, the best bid's delete.
  ASSERT_EQ(books.size(), 8u);
  std::vector<std::int64_t> times;
  for (const auto& b : books) times.push_back(b.exchangeTime.nanos() - testing::kT0);
  EXPECT_EQ(times, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 7, 11, 12}));
  const strategy::BookUpdate& grown = books[6];
  EXPECT_EQ(grown.bids[4].price.raw(), 9950);
  EXPECT_EQ(grown.bids[4].quantity.raw(), 125);
  EXPECT_EQ(grown.asks[0].price.raw(), 10010);
  EXPECT_FALSE(grown.asks[1].price.isDefined());  // one ask level only
  const strategy::BookUpdate& last = books[7];
  EXPECT_EQ(last.bids[0].price.raw(), 9980);
  EXPECT_EQ(last.bids[4].price.raw(), 9940);  // the sixth level came into view
  EXPECT_EQ(last.bids[4].quantity.raw(), 100);
}

// A strategy that answers a quote with an order (no latency) changes the book before onBook of
// the same event is built: that onBook shows the order.
class JoinOnFirstBid final : public strategy::Strategy {
 public:
  std::string_view name() const noexcept override { return "join_on_first_bid"; }
  void onQuote(const strategy::QuoteTick& q, strategy::InstrumentSlot) override {
    if (sent || !q.bidPrice.isDefined()) return;
    sent = true;
    (void)context().submit(testing::limit(kAaa, Side::Buy, 50, q.bidPrice.raw() + 10));
  }
  void onBook(const strategy::BookUpdate& b, strategy::InstrumentSlot) override { books.push_back(b); }
  bool sent = false;
  std::vector<strategy::BookUpdate> books;
};

TEST(TickBacktest, BookUpdateShowsAnOrderSentFromTheQuoteOfTheSameEvent) {
  TickOptions options;
  options.account.initialCash = 1'000'000;
  TickBacktester bt({testing::stock(1, "AAA")}, {ReplayDepth::L3}, options);
  auto s = std::make_unique<JoinOnFirstBid>();
  JoinOnFirstBid* strategy = s.get();
  ASSERT_TRUE(bt.addStrategy(std::move(s), {}, "join").ok());
  MemoryEventSource source(testing::l3Book());  // the bid 99.90 arrives third
  auto result = bt.run(source);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_TRUE(strategy->sent);
  ASSERT_EQ(strategy->books.size(), 3u);
  const strategy::BookUpdate& last = strategy->books.back();
  EXPECT_EQ(last.bids[0].price.raw(), 10000);  // ours, sent while the bid's quote was heard
  EXPECT_EQ(last.bids[0].quantity.raw(), 50);
  EXPECT_EQ(last.bids[1].price.raw(), 9990);
  EXPECT_EQ(last.bids[1].quantity.raw(), 100);
}

TEST(TickBacktest, L3QueuePositionIsExact) {
  auto events = l3Book();
  // We join the 99.90 bid behind order 3 at t=10 (50 shares); order 4 joins behind us at t=11.
  events.push_back(orderEvent(11, BookAction::Add, 4, Side::Buy, 9990, 100));
  // The feed executes order 3 (ahead of us): nothing for us.
  events.push_back(orderEvent(12, BookAction::Fill, 3, Side::Buy, 9990, 100));
  // The feed executes 30 of order 4 (behind us): the aggressor met us first.
  events.push_back(orderEvent(13, BookAction::Fill, 4, Side::Buy, 9990, 30));
  TickOptions options;
  options.account.makerFeePpm = 200;  // 2 bp
  auto run = runTick(events, {{10, send(testing::limit(kAaa, Side::Buy, 50, 9990))}}, ReplayDepth::L3, options);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  const auto& fills = run.result->fills;
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].time.nanos(), testing::kT0 + 13);
  EXPECT_EQ(fills[0].quantity.raw(), 30);
  EXPECT_EQ(fills[0].price.raw(), 9990);
  EXPECT_EQ(fills[0].fee.raw(), 60);  // 30 × 99.90 × 0.0002 = 0.5994 → 0.60
  EXPECT_EQ(run.ownOrders, 1u);       // 20 shares still rest
}

TEST(TickBacktest, L3ExecutionAtAWorsePriceFillsOurBetterOrder) {
  auto events = l3Book();
  events.push_back(orderEvent(12, BookAction::Fill, 3, Side::Buy, 9990, 60));  // a sell hit 99.90
  auto run = runTick(events, {{10, send(testing::limit(kAaa, Side::Buy, 100, 10000))}}, ReplayDepth::L3);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  ASSERT_EQ(run.result->fills.size(), 1u);
  EXPECT_EQ(run.result->fills[0].price.raw(), 10000);  // at our own price
  EXPECT_EQ(run.result->fills[0].quantity.raw(), 60);  // up to the execution's size
}

TEST(TickBacktest, LatencyShiftsWhatTheOrderMeets) {
  auto events = l3Book();
  events.push_back(orderEvent(110, BookAction::Delete, 1, Side::Sell, 10010, 100));
  const auto buy = testing::limit(kAaa, Side::Buy, 100, 10010);
  auto immediate = runTick(events, {{10, send(buy)}}, ReplayDepth::L3);
  ASSERT_TRUE(immediate.result.ok());
  ASSERT_EQ(immediate.result->fills.size(), 1u);  // reaches the ask before it is deleted
  TickOptions slow;
  slow.latencyNanos = 250;
  auto late = runTick(events, {{10, send(buy)}}, ReplayDepth::L3, slow);
  ASSERT_TRUE(late.result.ok());
  EXPECT_TRUE(late.result->fills.empty());  // arrives at 260: the ask was deleted at 110
  EXPECT_EQ(late.ownOrders, 1u);            // it rests as the new best bid
}

TEST(TickBacktest, CancelThatArrivesBeforeTheExecutionPreventsTheFill) {
  TickOptions options;
  options.latencyNanos = 100;
  const auto cancelFirst = [](strategy::StrategyContext& c, TimedStrategy& s) { c.cancel(s.handles.at(0)); };
  for (const std::int64_t executionAt : {250, 350}) {
    auto events = l3Book();
    events.push_back(orderEvent(5, BookAction::Add, 4, Side::Buy, 9990, 100));  // behind order 3
    // Our 99.95 bid (sent at 10, live at 110) is ahead of both; the feed executes order 3.
    events.push_back(orderEvent(executionAt, BookAction::Fill, 3, Side::Buy, 9990, 40));
    auto run = runTick(events, {{10, send(testing::limit(kAaa, Side::Buy, 50, 9995))}, {200, cancelFirst}},
                       ReplayDepth::L3, options);
    ASSERT_TRUE(run.result.ok()) << run.result.error().message;
    if (executionAt == 250) {  // the cancel arrives at 300: too late
      ASSERT_EQ(run.result->fills.size(), 1u);
      EXPECT_EQ(run.result->fills[0].quantity.raw(), 40);
      EXPECT_EQ(run.result->fills[0].price.raw(), 9995);
    } else {
      EXPECT_TRUE(run.result->fills.empty());
    }
    EXPECT_EQ(run.ownOrders, 0u);
  }
}

TEST(TickBacktest, L2QueueEstimateDecidesWhenARestingOrderFills) {
  std::vector<marketdata::MarketEvent> events = {
      levelEvent(1, Side::Buy, 9990, 300), levelEvent(2, Side::Sell, 10010, 300),
      // We join 99.90 behind 300 at t=10.
      tradeEvent(20, 9990, 200, Side::Sell),  // 100 ahead left
      levelEvent(21, Side::Buy, 9990, 100),   // the trade shows in the level: no change
      tradeEvent(30, 9990, 150, Side::Sell),  // 100 ahead, then 50 for us
      tradeEvent(40, 9990, 80, Side::Sell),   // the other 50
  };
  auto run = runTick(events, {{10, send(testing::limit(kAaa, Side::Buy, 100, 9990))}}, ReplayDepth::L2);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  const auto& fills = run.result->fills;
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].time.nanos(), testing::kT0 + 30);
  EXPECT_EQ(fills[0].quantity.raw(), 50);
  EXPECT_EQ(fills[1].time.nanos(), testing::kT0 + 40);
  EXPECT_EQ(fills[1].quantity.raw(), 50);
}

TEST(TickBacktest, L2MarketableOrderWalksTheDisplayedLevels) {
  std::vector<marketdata::MarketEvent> events = {
      levelEvent(1, Side::Sell, 10010, 100), levelEvent(2, Side::Sell, 10020, 200), levelEvent(3, Side::Buy, 9990, 100),
      levelEvent(20, Side::Buy, 9990, 200)};  // timers fire up to the last event
  auto run = runTick(events, {{10, send(testing::market(kAaa, Side::Buy, 250))}}, ReplayDepth::L2);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  const auto& fills = run.result->fills;
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].price.raw(), 10010);
  EXPECT_EQ(fills[0].quantity.raw(), 100);
  EXPECT_EQ(fills[1].price.raw(), 10020);
  EXPECT_EQ(fills[1].quantity.raw(), 150);
}

// The queue ahead under each model after cancels in the level (no trades).
std::int64_t aheadAfterCancels(QueueModel model) {
  ReplayVenueOptions o;
  o.queue = model;
  ReplayVenue venue(o);
  venue.addInstrument(testing::stock(1, "AAA"));
  const auto level = [&](std::int64_t size) { return levelEvent(1, Side::Buy, 9990, size).body.level; };
  venue.onLevel(0, level(300));
  std::vector<book::Event> out;
  book::NewOrder order;
  order.id = OrderId{1};
  order.account = AccountId{1};
  order.side = Side::Buy;
  order.price = Price::fromRaw(9990);
  order.quantity = Quantity::fromRaw(100);
  venue.submit(kAaa, order, Timestamp{testing::kT0}, out);
  EXPECT_EQ(venue.queueAhead(0, OrderId{1}).raw(), 300);  // behind all that shows
  venue.onLevel(0, level(500));                           // 200 join behind us
  EXPECT_EQ(venue.queueAhead(0, OrderId{1}).raw(), 300);
  venue.onLevel(0, level(400));  // 100 cancelled somewhere in the level
  return venue.queueAhead(0, OrderId{1}).raw();
}

TEST(TickBacktest, QueueModelsTreatCancelsDifferently) {
  EXPECT_EQ(aheadAfterCancels(QueueModel::Pessimistic), 300);   // only trades move us
  EXPECT_EQ(aheadAfterCancels(QueueModel::Proportional), 240);  // 300 − 100 × 300 / 500
}

TEST(TickBacktest, L1QuotesAndTradesFillAtTheTouch) {
  std::vector<marketdata::MarketEvent> events = {
      quoteEvent(1, 9990, 200, 10010, 200), tradeEvent(20, 9990, 150, Side::Sell),  // 50 ahead of us left
      quoteEvent(21, 9990, 50, 10010, 200),                                         // the level shows it
      tradeEvent(30, 9990, 120, Side::Sell),                                        // 50 ahead, 70 for us
  };
  auto run = runTick(events, {{10, send(testing::limit(kAaa, Side::Buy, 100, 9990))}}, ReplayDepth::L2);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  ASSERT_EQ(run.result->fills.size(), 1u);
  EXPECT_EQ(run.result->fills[0].quantity.raw(), 70);
  // The strategy heard the quotes that changed the touch and both prints.
  EXPECT_EQ(run.strategy->trades.size(), 2u);
}

TEST(TickBacktest, EventsOutOfOrderAreAnErrorNamingTheInstrument) {
  // A merged source keeps order; this one is built unsorted on purpose through a custom source.
  class Unsorted final : public EventSource {
   public:
    Result<std::size_t> read(std::span<marketdata::MarketEvent> out) override {
      if (done_) return std::size_t{0};
      done_ = true;
      out[0] = tradeEvent(20, 100, 1, Side::Buy);
      out[1] = tradeEvent(10, 100, 1, Side::Buy);
      return std::size_t{2};
    }
    bool done_ = false;
  } source;
  TickBacktester bt({testing::stock(1, "AAA")}, {ReplayDepth::L2}, {});
  ASSERT_TRUE(
      bt.addStrategy(std::make_unique<TimedStrategy>(std::map<std::int64_t, TimedStrategy::Action>{}), {}, "").ok());
  auto r = bt.run(source);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "data");
  EXPECT_NE(r.error().message.find("instrument 1"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace alphintra::backtest
