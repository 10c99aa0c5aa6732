// Test helper for the tick backtest: one run of a TimedStrategy over hand-built events on the
// instrument AAA, and the L3 book most tests start from.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <vector>

#include "backtest/tests/scripted_strategy.hpp"
#include "backtest/tests/tick_script.hpp"
#include "backtest/tick_backtester.hpp"

namespace alphintra::backtest::testing {

inline const InstrumentId kAaa{1};

struct Run {
  std::unique_ptr<TickBacktester> backtester;  // owns the strategy
  Result<BacktestResult> result = makeError("run", "not run");
  TimedStrategy* strategy = nullptr;
  TickStats stats;
  std::size_t ownOrders = 0;
};

inline Run runTick(std::vector<marketdata::MarketEvent> events, std::map<std::int64_t, TimedStrategy::Action> actions,
                   ReplayDepth depth, TickOptions options = {}) {
  options.account.initialCash = 1'000'000;
  Run run;
  run.backtester =
      std::make_unique<TickBacktester>(std::vector<Instrument>{stock(1, "AAA")}, std::vector{depth}, options);
  auto s = std::make_unique<TimedStrategy>(std::move(actions));
  run.strategy = s.get();
  EXPECT_TRUE(run.backtester->addStrategy(std::move(s), {}, "timed").ok());
  MemoryEventSource source(std::move(events));
  run.result = run.backtester->run(source);
  run.stats = run.backtester->stats();
  run.ownOrders = run.backtester->venue().ownOrders(0);
  return run;
}

inline TimedStrategy::Action send(strategy::OrderRequest request) {
  return [request](strategy::StrategyContext& c, TimedStrategy& s) { s.handles.push_back(c.submit(request)); };
}

// An L3 book: asks 100.10 × 100 (order 1) and 100.20 × 200 (order 2), bid 99.90 × 100 (order 3).
inline std::vector<marketdata::MarketEvent> l3Book() {
  return {orderEvent(1, marketdata::BookAction::Add, 1, Side::Sell, 10010, 100),
          orderEvent(2, marketdata::BookAction::Add, 2, Side::Sell, 10020, 200),
          orderEvent(3, marketdata::BookAction::Add, 3, Side::Buy, 9990, 100)};
}

}  // namespace alphintra::backtest::testing
