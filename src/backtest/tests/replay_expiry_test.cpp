// GTD and Day orders in the tick replay, by hand: a GTD order (resting at L2, or a stop waiting
// at the replay venue) expires once the replay reaches its expire time, and is never filled
// after; an expire time already past is refused, as the matching engine refuses it.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "backtest/tests/scripted_strategy.hpp"
#include "backtest/tests/tick_run.hpp"
#include "backtest/tests/tick_script.hpp"
#include "backtest/tick_backtester.hpp"

namespace alphintra::backtest {
namespace {

using testing::kAaa;
using testing::levelEvent;
using testing::runTick;
using testing::send;
using testing::TimedStrategy;
using testing::tradeEvent;

strategy::OrderRequest gtd(strategy::OrderRequest r, std::int64_t expireAt) {
  r.timeInForce = book::TimeInForce::GTD;
  r.expireTime = Timestamp(testing::kT0 + expireAt);
  return r;
}

std::int64_t count(const TimedStrategy& s, strategy::OrderHandle h, oms::ExecType t) {
  return std::count_if(s.updates.begin(), s.updates.end(),
                       [&](const auto& u) { return u.handle == h && u.execType == t; });
}

std::vector<marketdata::MarketEvent> l2Book() {
  return {levelEvent(1, Side::Sell, 10010, 100), levelEvent(2, Side::Buy, 9990, 100)};
}

TEST(ReplayExpiry, AGtdOrderAtL2ExpiresAtItsTimeAndIsNotFilledAfter) {
  auto events = l2Book();
  events.push_back(levelEvent(40, Side::Buy, 9990, 120));   // the first event past the expiry
  events.push_back(tradeEvent(50, 9990, 500, Side::Sell));  // would have filled the order
  auto run = runTick(events, {{10, send(gtd(testing::limit(kAaa, Side::Buy, 10, 9990), 30))}}, ReplayDepth::L2);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  EXPECT_EQ(count(*run.strategy, 1, oms::ExecType::New), 1);
  EXPECT_EQ(count(*run.strategy, 1, oms::ExecType::Expired), 1);
  EXPECT_EQ(run.strategy->updates.back().status, oms::OrdStatus::Expired);
  EXPECT_TRUE(run.result->fills.empty());
  EXPECT_EQ(run.ownOrders, 0u);
}

TEST(ReplayExpiry, AGtdOrderAtL2TradesLikeAnyOtherBeforeItsTime) {
  auto events = l2Book();
  events.push_back(tradeEvent(20, 9990, 150, Side::Sell));  // 100 ahead of us, then our 10
  events.push_back(levelEvent(40, Side::Buy, 9990, 50));
  auto run = runTick(events, {{10, send(gtd(testing::limit(kAaa, Side::Buy, 10, 9990), 30))}}, ReplayDepth::L2);
  ASSERT_TRUE(run.result.ok()) << run.result.error().message;
  ASSERT_EQ(run.result->fills.size(), 1u);
  EXPECT_EQ(run.result->fills[0].quantity.raw(), 10);
  EXPECT_EQ(count(*run.strategy, 1, oms::ExecType::Expired), 0);  // filled before it could expire
}

TEST(ReplayExpiry, AnExpireTimeAlreadyPastOrOnANonGtdOrderIsRefused) {
  std::map<std::int64_t, TimedStrategy::Action> actions;
  actions[10] = send(gtd(testing::limit(kAaa, Side::Buy, 10, 9990), 5));  // 5 < 10: past
  strategy::OrderRequest dayWithExpiry = testing::limit(kAaa, Side::Buy, 10, 9990, book::TimeInForce::Day);
  dayWithExpiry.expireTime = Timestamp(testing::kT0 + 100);
  actions[11] = send(dayWithExpiry);
  for (const ReplayDepth depth : {ReplayDepth::L2, ReplayDepth::L3}) {
    auto events = depth == ReplayDepth::L2 ? l2Book() : testing::l3Book();
    events.push_back(tradeEvent(100, 10000, 1, Side::Buy));  // the clock runs past the orders
    auto run = runTick(events, actions, depth);
    ASSERT_TRUE(run.result.ok()) << run.result.error().message;
    for (const strategy::OrderHandle h : {1u, 2u}) {
      ASSERT_EQ(count(*run.strategy, h, oms::ExecType::Rejected), 1) << "handle " << h;
    }
    const auto rejected = std::find_if(run.strategy->updates.begin(), run.strategy->updates.end(),
                                       [](const auto& u) { return u.execType == oms::ExecType::Rejected; });
    EXPECT_EQ(rejected->rejectCode, static_cast<std::uint8_t>(book::RejectReason::InvalidExpireTime));
    EXPECT_EQ(run.ownOrders, 0u);
  }
}

TEST(ReplayExpiry, AWaitingGtdStopExpiresAndNeverTriggers) {
  for (const ReplayDepth depth : {ReplayDepth::L2, ReplayDepth::L3}) {
    auto events = depth == ReplayDepth::L2 ? l2Book() : testing::l3Book();
    events.push_back(tradeEvent(50, 10010, 10, Side::Buy));  // reaches the stop, after its expiry
    strategy::OrderRequest stop = testing::market(kAaa, Side::Buy, 20);
    stop.type = book::OrderType::Stop;
    stop.stopPrice = Price::fromRaw(10010);
    auto run = runTick(events, {{10, send(gtd(stop, 30))}}, depth);
    ASSERT_TRUE(run.result.ok()) << run.result.error().message;
    EXPECT_EQ(count(*run.strategy, 1, oms::ExecType::Expired), 1);
    EXPECT_TRUE(run.result->fills.empty());
  }
}

}  // namespace
}  // namespace alphintra::backtest
