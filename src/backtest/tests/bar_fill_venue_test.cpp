// The bar fill model through the whole path (strategy → engine → BarFillVenue → engine →
// strategy): an order decided on a close fills at the next bar's open, slipped by ticks or
// basis points; limit orders fill at the open when marketable, at the limit when the bar's
// range reaches it, rest otherwise (IOC: one bar only); a volume share splits fills across bars;
// fees come from the account's schedule.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "backtest/backtester.hpp"
#include "backtest/bar_fill_venue.hpp"
#include "backtest/spec.hpp"
#include "backtest/tests/scripted_strategy.hpp"

namespace alphintra::backtest {
namespace {

using testing::bar;
using testing::ScriptedStrategy;

const InstrumentId kAaa{1};

std::vector<marketdata::Bar> fourBars() {
  return {bar(1, 0, 10000, 10100, 9900, 10050), bar(1, 1, 10200, 10300, 9800, 10100),
          bar(1, 2, 10150, 10400, 10100, 10300), bar(1, 3, 10500, 10600, 10450, 10550)};
}

struct Run {
  BacktestResult result;
  ScriptedStrategy* strategy = nullptr;
};

Run run(ScriptedStrategy::Script script, BacktestOptions options = {}, std::vector<marketdata::Bar> bars = fourBars()) {
  Backtester bt({testing::stock(1, "AAA")}, options);
  auto s = std::make_unique<ScriptedStrategy>(std::move(script));
  Run r;
  r.strategy = s.get();
  EXPECT_TRUE(bt.addStrategy(std::move(s), {}, "test").ok());
  MemoryBarSource source(std::move(bars));
  auto result = bt.run(source);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  r.result = std::move(result).value();
  return r;
}

// run() destroys the backtester; the strategy's records must be read before that.
// The venue on its own: a ClockTick must advance exactly the instruments whose new bar meets
// resting orders (takeDue), in the order they were added, whatever order their bars came in.
TEST(BarFill, OnlyInstrumentsWithOrdersAndABarAreDue) {
  BarFillVenue venue(FillModel{});
  for (std::uint64_t id : {1, 2, 3}) venue.addInstrument(testing::stock(id, "S" + std::to_string(id)));
  std::vector<book::Event> events;
  std::vector<InstrumentId> due;
  EXPECT_TRUE(venue.takeDue(due));
  EXPECT_TRUE(due.empty());
  EXPECT_FALSE(venue.mayRest(0) || venue.mayRest(1) || venue.mayRest(2));
  book::NewOrder order;
  order.type = book::OrderType::Market;
  order.quantity = Quantity::fromRaw(10);
  order.id = OrderId{11};
  venue.submit(InstrumentId{3}, order, Timestamp{testing::kStart}, events);
  order.id = OrderId{12};
  venue.submit(InstrumentId{1}, order, Timestamp{testing::kStart}, events);
  // The backtester calls openBar only where an order may rest.
  EXPECT_TRUE(venue.mayRest(0));
  EXPECT_FALSE(venue.mayRest(1));
  EXPECT_TRUE(venue.mayRest(2));
  // Bars arrive 3, 2, 1 (index 2, 1, 0): instrument 2 has no order, so no tick needs it.
  EXPECT_TRUE(venue.openBar(2, bar(3, 1, 10000, 10000, 10000, 10000)));
  EXPECT_FALSE(venue.openBar(1, bar(2, 1, 10000, 10000, 10000, 10000)));
  EXPECT_TRUE(venue.openBar(0, bar(1, 1, 10000, 10000, 10000, 10000)));
  due.clear();
  ASSERT_TRUE(venue.takeDue(due));
  EXPECT_EQ(due, (std::vector<InstrumentId>{InstrumentId{1}, InstrumentId{3}}));
  for (InstrumentId id : due) {
    events.clear();
    venue.advanceTime(id, Timestamp{testing::kStart + testing::kDay}, events);
    const bool traded = std::any_of(events.begin(), events.end(),
                                    [](const book::Event& e) { return e.type == book::EventType::Trade; });
    EXPECT_TRUE(traded) << "instrument " << id.value() << ": the market order fills at the open";
  }
  due.clear();
  venue.takeDue(due);
  EXPECT_TRUE(due.empty());  // nothing rests any more
  // The next bar finds nothing resting and clears the hint.
  EXPECT_FALSE(venue.openBar(0, bar(1, 2, 10000, 10000, 10000, 10000)));
  EXPECT_FALSE(venue.mayRest(0));
}

// The last close (risk's reference for market orders) and the resting orders survive a
// snapshot, and the restored venue knows where orders rest.
TEST(BarFill, LastClosesAndRestingOrdersSurviveASnapshot) {
  BarFillVenue venue(FillModel{});
  for (std::uint64_t id : {1, 2}) venue.addInstrument(testing::stock(id, "S" + std::to_string(id)));
  venue.setLast(0, Price::fromRaw(10100));
  venue.setLast(1, Price::fromRaw(20200));
  book::NewOrder order;
  order.type = book::OrderType::Limit;
  order.price = Price::fromRaw(9000);
  order.quantity = Quantity::fromRaw(10);
  order.id = OrderId{5};
  std::vector<book::Event> events;
  venue.submit(InstrumentId{2}, order, Timestamp{testing::kStart}, events);
  std::vector<std::byte> bytes;
  ByteWriter out(bytes);
  venue.save(out);

  BarFillVenue restored(FillModel{});
  for (std::uint64_t id : {1, 2}) restored.addInstrument(testing::stock(id, "S" + std::to_string(id)));
  ByteReader in(bytes);
  ASSERT_TRUE(restored.load(in));
  EXPECT_EQ(restored.last(0).raw(), 10100);
  EXPECT_EQ(restored.topOfBook(InstrumentId{2}).lastTradePrice.raw(), 20200);
  EXPECT_FALSE(restored.mayRest(0));
  EXPECT_TRUE(restored.mayRest(1));
  EXPECT_EQ(restored.restingOrders(1), 1u);
}

TEST(BarFill, MarketOrderDecidedOnACloseFillsAtTheNextOpen) {
  std::vector<strategy::Fill> fills;
  Backtester bt({testing::stock(1, "AAA")}, {});
  auto s =
      std::make_unique<ScriptedStrategy>([](std::size_t i, strategy::InstrumentSlot, strategy::StrategyContext& c) {
        if (i == 0) c.submit(testing::market(kAaa, Side::Buy, 10));
      });
  auto* strategy = s.get();
  ASSERT_TRUE(bt.addStrategy(std::move(s), {}, "t").ok());
  MemoryBarSource source(fourBars());
  auto result = bt.run(source);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->fills.size(), 1u);
  EXPECT_EQ(result->fills[0].price.raw(), 10200);  // day 1's open
  EXPECT_EQ(result->fills[0].time, Timestamp{testing::kStart + testing::kDay});
  ASSERT_EQ(strategy->fills.size(), 1u);
  EXPECT_EQ(strategy->fills[0].price.raw(), 10200);
  // Updates: New (at day 0's close), then the trade.
  ASSERT_GE(strategy->updates.size(), 2u);
  EXPECT_EQ(strategy->updates[0].execType, oms::ExecType::New);
  EXPECT_EQ(strategy->updates[1].execType, oms::ExecType::Trade);
  EXPECT_EQ(strategy->updates[1].status, oms::OrdStatus::Filled);
}

TEST(BarFill, SlippageInTicksAndBasisPointsMovesAgainstTheOrder) {
  BacktestOptions ticks;
  ticks.fill.slippageTicks = 3;
  auto buy = run(
      [](std::size_t i, strategy::InstrumentSlot, strategy::StrategyContext& c) {
        if (i == 0) c.submit(testing::market(kAaa, Side::Buy, 10));
        if (i == 1) c.submit(testing::market(kAaa, Side::Sell, 10));
      },
      ticks);
  ASSERT_EQ(buy.result.fills.size(), 2u);
  EXPECT_EQ(buy.result.fills[0].price.raw(), 10203);
  EXPECT_EQ(buy.result.fills[1].price.raw(), 10147);
  BacktestOptions bps;
  bps.fill.slippageBps = 5;  // 5 bp of 102.00 = 0.051 → rounded up to 6 ticks
  auto slipped = run(
      [](std::size_t i, strategy::InstrumentSlot, strategy::StrategyContext& c) {
        if (i == 0) c.submit(testing::market(kAaa, Side::Buy, 10));
      },
      bps);
  ASSERT_EQ(slipped.result.fills.size(), 1u);
  EXPECT_EQ(slipped.result.fills[0].price.raw(), 10206);
}

TEST(BarFill, GtdOrdersTradeInTheBarsBeforeTheirTimeThenExpire) {
  const auto gtd = [](strategy::OrderRequest r, std::int64_t expireAt) {
    r.timeInForce = book::TimeInForce::GTD;
    r.expireTime = Timestamp{expireAt};
    return r;
  };
  // The backtester outlives the checks: run() would destroy the strategy with it.
  Backtester bt({testing::stock(1, "AAA")}, {});
  auto owned =
      std::make_unique<ScriptedStrategy>([&](std::size_t i, strategy::InstrumentSlot, strategy::StrategyContext& c) {
        if (i != 0) return;
        // Day 1 starts before its time: its low 98.00 reaches 98.50, a fill at the limit.
        c.submit(gtd(testing::limit(kAaa, Side::Buy, 2, 9850), testing::kStart + testing::kDay + 1));
        // Never reached on day 1; day 2 starts at its time: expired then, never filled.
        c.submit(gtd(testing::limit(kAaa, Side::Buy, 3, 9700), testing::kStart + 2 * testing::kDay));
        // Already past, and an expire time on a GTC order: both refused.
        c.submit(gtd(testing::limit(kAaa, Side::Buy, 4, 9700), testing::kStart));
        strategy::OrderRequest gtc = testing::limit(kAaa, Side::Buy, 5, 9700);
        gtc.expireTime = Timestamp{testing::kStart + 3 * testing::kDay};
        c.submit(gtc);
      });
  ScriptedStrategy* strategy = owned.get();
  ASSERT_TRUE(bt.addStrategy(std::move(owned), {}, "gtd").ok());
  MemoryBarSource source(fourBars());
  auto result = bt.run(source);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->fills.size(), 1u);
  EXPECT_EQ(result->fills[0].quantity.raw(), 2);
  EXPECT_EQ(result->fills[0].price.raw(), 9850);
  const auto& u = strategy->updates;
  const auto last = [&](strategy::OrderHandle h) {
    const auto it = std::find_if(u.rbegin(), u.rend(), [&](const auto& x) { return x.handle == h; });
    return it == u.rend() ? oms::ExecType::OrderStatus : it->execType;
  };
  EXPECT_EQ(last(1), oms::ExecType::Trade);
  EXPECT_EQ(last(2), oms::ExecType::Expired);
  const auto expired = std::find_if(
      u.begin(), u.end(), [](const auto& x) { return x.handle == 2 && x.execType == oms::ExecType::Expired; });
  ASSERT_NE(expired, u.end());
  EXPECT_EQ(expired->status, oms::OrdStatus::Expired);
  for (const strategy::OrderHandle h : {3u, 4u}) {
    EXPECT_EQ(last(h), oms::ExecType::Rejected) << "handle " << h;
    const auto rej = std::find_if(u.begin(), u.end(), [&](const auto& x) { return x.handle == h; });
    EXPECT_EQ(rej->rejectCode, static_cast<std::uint8_t>(book::RejectReason::InvalidExpireTime));
  }
}

TEST(BarFill, LimitOrdersFillAtTheOpenOrAtTheLimitOrRest) {
  auto r = run([](std::size_t i, strategy::InstrumentSlot, strategy::StrategyContext& c) {
    if (i == 0) {
      c.submit(testing::limit(kAaa, Side::Buy, 1, 10300));  // open 102.00 ≤ 103: fills at the open
      c.submit(testing::limit(kAaa, Side::Buy, 2, 9850));   // low 98.00 reaches 98.50: at the limit
      c.submit(testing::limit(kAaa, Side::Buy, 3, 9700));   // never reached: rests to the end
      c.submit(testing::limit(kAaa, Side::Sell, 4, 10400, book::TimeInForce::IOC));  // high 103: cancelled
      c.submit(testing::limit(kAaa, Side::Sell, 5, 10350));                          // day 2's high 104 reaches it
    }
  });
  ASSERT_EQ(r.result.fills.size(), 3u);
  EXPECT_EQ(r.result.fills[0].quantity.raw(), 1);
  EXPECT_EQ(r.result.fills[0].price.raw(), 10200);
  EXPECT_EQ(r.result.fills[1].quantity.raw(), 2);
  EXPECT_EQ(r.result.fills[1].price.raw(), 9850);
  EXPECT_EQ(r.result.fills[2].quantity.raw(), 5);
  EXPECT_EQ(r.result.fills[2].price.raw(), 10350);
  EXPECT_EQ(r.result.fills[2].time, Timestamp{testing::kStart + 2 * testing::kDay});
}

TEST(BarFill, AVolumeShareSplitsFillsAcrossBarsInArrivalOrder) {
  // Each bar trades 1,000; a 1% share lets 10 fill per bar, all orders together, first come first.
  BacktestOptions capped;
  capped.fill.maxVolumeShare = 0.01;
  std::vector<strategy::OrderUpdate> updates;
  Backtester bt({testing::stock(1, "AAA")}, capped);
  auto s =
      std::make_unique<ScriptedStrategy>([](std::size_t i, strategy::InstrumentSlot, strategy::StrategyContext& c) {
        if (i == 0) {
          c.submit(testing::market(kAaa, Side::Buy, 25));                               // 10, 10, then 5
          c.submit(testing::limit(kAaa, Side::Buy, 4, 10300, book::TimeInForce::IOC));  // nothing left: cancelled
          c.submit(testing::limit(kAaa, Side::Buy, 5, 10600, book::TimeInForce::FOK));  // never all 5: cancelled
        }
      });
  auto* strategy = s.get();
  ASSERT_TRUE(bt.addStrategy(std::move(s), {}, "t").ok());
  MemoryBarSource source(fourBars());
  auto result = bt.run(source);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->fills.size(), 3u);
  const std::int64_t quantities[] = {10, 10, 5};
  const std::int64_t prices[] = {10200, 10150, 10500};  // the opens of days 1, 2 and 3
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(result->fills[k].quantity.raw(), quantities[k]);
    EXPECT_EQ(result->fills[k].price.raw(), prices[k]);
    EXPECT_EQ(result->fills[k].time, Timestamp{testing::kStart + static_cast<std::int64_t>(k + 1) * testing::kDay});
  }
  std::vector<oms::OrdStatus> market;
  int cancelled = 0;
  for (const auto& u : strategy->updates) {
    if (u.execType == oms::ExecType::Trade) market.push_back(u.status);
    if (u.execType == oms::ExecType::Canceled) ++cancelled;
  }
  EXPECT_EQ(market, (std::vector<oms::OrdStatus>{oms::OrdStatus::PartiallyFilled, oms::OrdStatus::PartiallyFilled,
                                                 oms::OrdStatus::Filled}));
  EXPECT_EQ(cancelled, 2);  // the IOC and the FOK
}

TEST(BarFill, WithoutAVolumeShareEveryOrderFillsWhole) {
  auto r = run([](std::size_t i, strategy::InstrumentSlot, strategy::StrategyContext& c) {
    if (i == 0) c.submit(testing::market(kAaa, Side::Buy, 5000));  // five times the bar's volume
  });
  ASSERT_EQ(r.result.fills.size(), 1u);
  EXPECT_EQ(r.result.fills[0].quantity.raw(), 5000);
}

TEST(BarFill, TheConfigsVolumeShareIsCheckedAndApplied) {
  const auto dir = std::filesystem::temp_directory_path() / ("bar_fill_spec_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto load = [&](const std::string& fill) {
    std::ofstream(dir / "run.toml") << "[fill]\n"
                                    << fill << "\n[[instrument]]\nsymbol = \"AAA\"\ndata = \"aaa.csv\"\n"
                                    << "[[strategy]]\nname = \"sma_cross\"\n";
    return loadConfig(dir / "run.toml");
  };
  auto good = load("max_volume_share = 0.25");
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good->options.fill.maxVolumeShare, 0.25);
  for (const char* bad : {"max_volume_share = 1.5", "max_volume_share = -0.1"}) {
    auto refused = load(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().field, "fill.max_volume_share") << bad;
  }
  auto mistyped = load("max_volume_share = \"half\"");
  ASSERT_FALSE(mistyped.ok());
  EXPECT_NE(mistyped.error().field.find("max_volume_share"), std::string::npos) << mistyped.error().field;
  std::filesystem::remove_all(dir);
}

TEST(BarFill, FeesComeFromTheAccountSchedule) {
  BacktestOptions options;
  options.account.takerFeePpm = 1000;  // 10 bp
  auto r = run(
      [](std::size_t i, strategy::InstrumentSlot, strategy::StrategyContext& c) {
        if (i == 0) c.submit(testing::market(kAaa, Side::Buy, 10));
      },
      options);
  ASSERT_EQ(r.result.fills.size(), 1u);
  EXPECT_EQ(r.result.fills[0].fee.raw(), 102);  // 10 × 102.00 × 0.001 = 1.02
  // Final equity: 1,000,000 − 1020.00 − 1.02 + 10 × 105.50
  EXPECT_NEAR(r.result.finalEquity, 1'000'000 - 1020.0 - 1.02 + 1055.0, 1e-9);
}

}  // namespace
}  // namespace alphintra::backtest
