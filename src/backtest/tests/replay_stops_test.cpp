// Stop and stop-limit orders in the tick replay, worked out by hand: they wait outside the
// replayed book until a print reaches their stop price, then enter it as market / limit orders
// under the same id (reported Triggered by the OMS); cancel, replace and the checks on entry.
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
using testing::TimedStrategy;
using testing::tradeEvent;

using testing::kAaa;
using testing::l3Book;
using testing::runTick;
using testing::send;

strategy::OrderRequest stop(Side side, std::int64_t qty, std::int64_t stopPrice, std::int64_t limit = 0) {
  strategy::OrderRequest r = testing::market(kAaa, side, qty);
  r.type = limit == 0 ? book::OrderType::Stop : book::OrderType::StopLimit;
  r.stopPrice = Price::fromRaw(stopPrice);
  if (limit != 0) r.price = Price::fromRaw(limit);
  return r;
}

TEST(ReplayStops, ABuyStopWaitsForAPrintAtItsPriceThenTakesTheBook) {
  auto events = l3Book();
  events.push_back(tradeEvent(20, 10000, 10, Side::Buy));  // below the stop: nothing
  events.push_back(tradeEvent(30, 10010, 10, Side::Buy));  // at the stop: triggers
  auto run = runTick(events, {{10, send(stop(Side::Buy, 150, 10010))}}, ReplayDepth::L3);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  const auto& fills = run.result->fills;
  ASSERT_EQ(fills.size(), 2u);  // a market order: 100 at 100.10, 50 at 100.20
  EXPECT_EQ(fills[0].time.nanos(), testing::kT0 + 30);
  EXPECT_EQ(fills[0].price.raw(), 10010);
  EXPECT_EQ(fills[0].quantity.raw(), 100);
  EXPECT_EQ(fills[1].price.raw(), 10020);
  EXPECT_EQ(fills[1].quantity.raw(), 50);
  // New at t=10, then the fills; never a second New.
  const auto& u = run.strategy->updates;
  ASSERT_GE(u.size(), 3u);
  EXPECT_EQ(u[0].status, oms::OrdStatus::New);
  EXPECT_EQ(std::count_if(u.begin(), u.end(), [](const auto& x) { return x.execType == oms::ExecType::New; }), 1);
  EXPECT_EQ(u.back().status, oms::OrdStatus::Filled);
  EXPECT_EQ(run.backtester->engine().ledger().position(AccountId{1}, kAaa)->quantity().raw(), 150);
}

TEST(ReplayStops, ASellStopLimitRestsAtItsLimitOnceTriggered) {
  auto events = l3Book();
  events.push_back(tradeEvent(20, 9995, 10, Side::Sell));  // above the stop (99.90): nothing
  events.push_back(tradeEvent(30, 9980, 10, Side::Sell));  // below: triggers a sell limit at 99.95
  // The limit rests on the ask side (99.95 is above the 99.90 bid); a replayed buy then takes it.
  events.push_back(orderEvent(40, BookAction::Add, 4, Side::Buy, 9995, 30));
  events.push_back(orderEvent(41, BookAction::Fill, 4, Side::Buy, 9995, 30));
  auto run = runTick(events, {{10, send(stop(Side::Sell, 40, 9990, 9995))}}, ReplayDepth::L3);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  const auto& fills = run.result->fills;
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].price.raw(), 9995);
  EXPECT_EQ(fills[0].quantity.raw(), 30);
  EXPECT_EQ(run.backtester->venue().ownOrders(0), 1u);  // 10 still rest at 99.95
}

TEST(ReplayStops, AWaitingStopIsCancelledOrReplacedAndABadOneIsRefused) {
  auto events = l3Book();
  events.push_back(tradeEvent(30, 10010, 10, Side::Buy));  // would trigger the first stop
  events.push_back(tradeEvent(50, 10020, 10, Side::Buy));  // reaches the replaced stop
  std::map<std::int64_t, TimedStrategy::Action> actions;
  actions[10] = send(stop(Side::Buy, 20, 10010));
  actions[11] = send(stop(Side::Buy, 20, 10015));  // a second stop, at 100.15
  actions[12] = send(stop(Side::Buy, 20, 0));      // no stop price: refused
  actions[20] = [](strategy::StrategyContext& c, TimedStrategy& s) { c.cancel(s.handles[0]); };
  actions[21] = [](strategy::StrategyContext& c, TimedStrategy& s) {
    c.replace(s.handles[1], Quantity::fromRaw(30), Price::undefined());  // more shares, same stop
  };
  auto run = runTick(events, actions, ReplayDepth::L3);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  const auto& u = run.strategy->updates;
  const auto find = [&](strategy::OrderHandle h, oms::ExecType t) {
    return std::count_if(u.begin(), u.end(), [&](const auto& x) { return x.handle == h && x.execType == t; });
  };
  EXPECT_EQ(find(1, oms::ExecType::Canceled), 1);
  EXPECT_EQ(find(2, oms::ExecType::Replaced), 1);
  EXPECT_EQ(find(3, oms::ExecType::Rejected), 1);
  // Only the replaced stop traded, when the print at 100.20 reached 100.15: 30 at 100.10.
  const auto& fills = run.result->fills;
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].quantity.raw(), 30);
  EXPECT_EQ(fills[0].time.nanos(), testing::kT0 + 50);
}

TEST(ReplayStops, AtL2AStopTriggersOnThePrintsToo) {
  std::vector<marketdata::MarketEvent> events = {
      levelEvent(1, Side::Sell, 10010, 100), levelEvent(2, Side::Buy, 9990, 100), tradeEvent(30, 9990, 5, Side::Sell)};
  auto run = runTick(events, {{10, send(stop(Side::Sell, 20, 9990))}}, ReplayDepth::L2);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  ASSERT_EQ(run.result->fills.size(), 1u);
  EXPECT_EQ(run.result->fills[0].price.raw(), 9990);  // a market sell into the displayed bid
  EXPECT_EQ(run.result->fills[0].quantity.raw(), 20);
}

TEST(ReplayStops, OurOwnTradeIsAPrintThatTriggersAWaitingStop) {
  // No replayed print ever reaches 100.10: our own market buy at t=20 trades there, and the
  // buy stop waiting at 100.10 triggers on that trade and takes the rest of the book.
  auto events = l3Book();
  events.push_back(tradeEvent(40, 10000, 10, Side::Buy));  // a later replayed print (below the stop)
  std::map<std::int64_t, TimedStrategy::Action> actions;
  actions[10] = send(stop(Side::Buy, 150, 10010));
  actions[20] = send(testing::market(kAaa, Side::Buy, 50));
  auto run = runTick(events, actions, ReplayDepth::L3);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  const auto& fills = run.result->fills;
  ASSERT_EQ(fills.size(), 3u);
  EXPECT_EQ(fills[0].quantity.raw(), 50);  // ours, at 100.10
  EXPECT_EQ(fills[0].price.raw(), 10010);
  EXPECT_EQ(fills[1].quantity.raw(), 50);  // the stop: what is left at 100.10 ...
  EXPECT_EQ(fills[1].price.raw(), 10010);
  EXPECT_EQ(fills[2].quantity.raw(), 100);  // ... and 100 at 100.20
  EXPECT_EQ(fills[2].price.raw(), 10020);
  for (const auto& f : fills) EXPECT_EQ(f.time.nanos(), testing::kT0 + 20);
  EXPECT_EQ(run.backtester->engine().ledger().position(AccountId{1}, kAaa)->quantity().raw(), 200);
}

TEST(ReplayStops, AtL2OurOwnTradeTriggersAWaitingStopToo) {
  std::vector<marketdata::MarketEvent> events = {levelEvent(1, Side::Sell, 10010, 100),
                                                 levelEvent(2, Side::Buy, 9990, 100),
                                                 levelEvent(60, Side::Sell, 10010, 100)};  // the clock runs on
  std::map<std::int64_t, TimedStrategy::Action> actions;
  actions[10] = send(stop(Side::Sell, 20, 9990));
  actions[20] = send(testing::market(kAaa, Side::Sell, 10));  // trades at 99.90: reaches the stop
  auto run = runTick(events, actions, ReplayDepth::L2);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  const auto& fills = run.result->fills;
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].quantity.raw(), 10);
  EXPECT_EQ(fills[1].quantity.raw(), 20);
  EXPECT_EQ(fills[1].price.raw(), 9990);
  EXPECT_EQ(run.backtester->venue().ownOrders(0), 0u);
}

TEST(ReplayStops, AStopThatOurTradesDoNotReachKeepsWaiting) {
  auto events = l3Book();
  events.push_back(orderEvent(60, BookAction::Add, 9, Side::Buy, 9000, 10));  // the clock runs on
  std::map<std::int64_t, TimedStrategy::Action> actions;
  actions[10] = send(stop(Side::Buy, 20, 10020));
  actions[20] = send(testing::market(kAaa, Side::Buy, 50));  // trades at 100.10 only
  auto run = runTick(events, actions, ReplayDepth::L3);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  ASSERT_EQ(run.result->fills.size(), 1u);
  const auto& u = run.strategy->updates;
  EXPECT_EQ(std::count_if(u.begin(), u.end(),
                          [](const auto& x) { return x.handle == 1 && x.execType == oms::ExecType::Trade; }),
            0);
}

}  // namespace
}  // namespace alphintra::backtest
