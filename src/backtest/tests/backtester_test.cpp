// The backtester end to end: a run whose fills, cash, equity curve and round trips are worked
// out by hand; sma_cross against an independent plain loop of the same rule (the vectorized
// computation: position from the crossover at each close, filled at the next open, no costs)
// to 1e-9 in final equity; byte-identical reports from two runs; clear errors for bad data.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "backtest/backtester.hpp"
#include "backtest/report.hpp"
#include "backtest/statistics.hpp"
#include "backtest/tests/scripted_strategy.hpp"
#include "engine/engine.hpp"
#include "strategy/registry.hpp"

namespace alphintra::backtest {
namespace {

using testing::bar;
using testing::kDay;
using testing::kStart;
using testing::ScriptedStrategy;

TEST(Backtester, TradesAndProfitByHand) {
  // Buy 100 on day 0's close, sell 100 on day 2's close: fills at day 1's open (50.00) and
  // day 3's open (53.00), taker fee 0.1% of each fill.
  const std::vector<marketdata::Bar> bars = {bar(1, 0, 4900, 5000, 4800, 4950), bar(1, 1, 5000, 5200, 4950, 5100),
                                             bar(1, 2, 5150, 5300, 5100, 5250), bar(1, 3, 5300, 5400, 5200, 5350)};
  BacktestOptions options;
  options.account.initialCash = 10'000;
  options.account.takerFeePpm = 1000;
  Backtester bt({testing::stock(1, "AAA")}, options);
  ASSERT_TRUE(bt.addStrategy(std::make_unique<ScriptedStrategy>(
                                 [](std::size_t i, strategy::InstrumentSlot, strategy::StrategyContext& c) {
                                   if (i == 0) c.submit(testing::market(InstrumentId{1}, Side::Buy, 100));
                                   if (i == 2) c.submit(testing::market(InstrumentId{1}, Side::Sell, 100));
                                 }),
                             {}, "hand")
                  .ok());
  MemoryBarSource source(bars);
  auto r = bt.run(source);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->fills.size(), 2u);
  EXPECT_EQ(r->fills[0].price.raw(), 5000);
  EXPECT_EQ(r->fills[0].fee.raw(), 500);  // 5000.00 × 0.001
  EXPECT_EQ(r->fills[1].price.raw(), 5300);
  EXPECT_EQ(r->fills[1].fee.raw(), 530);
  // Equity at each close: day 0 10,000; day 1: cash 10,000 − 5,000 − 5 = 4,995 + 100 × 51 = 10,095;
  // day 2: 4,995 + 5,250 = 10,245; day 3: 4,995 + 5,300 − 5.30 = 10,289.70.
  ASSERT_EQ(r->equity.size(), 4u);
  EXPECT_NEAR(r->equity[0].equity, 10'000, 1e-9);
  EXPECT_NEAR(r->equity[1].equity, 10'095, 1e-9);
  EXPECT_NEAR(r->equity[1].cash, 4'995, 1e-9);
  EXPECT_NEAR(r->equity[2].equity, 10'245, 1e-9);
  EXPECT_NEAR(r->equity[3].equity, 10'289.70, 1e-9);
  EXPECT_NEAR(r->finalEquity, 10'289.70, 1e-9);  // the ledger's own valuation agrees
  // One round trip: long 100 from 50 to 53, P&L 300 − 10.30 fees.
  ASSERT_EQ(r->trades.size(), 1u);
  EXPECT_EQ(r->trades[0].direction, Side::Buy);
  EXPECT_NEAR(r->trades[0].entryPrice, 50.0, 1e-12);
  EXPECT_NEAR(r->trades[0].exitPrice, 53.0, 1e-12);
  EXPECT_NEAR(r->trades[0].pnl, 289.70, 1e-9);
  EXPECT_EQ(r->trades[0].entryTime, Timestamp{kStart + kDay});
  EXPECT_EQ(r->trades[0].exitTime, Timestamp{kStart + 3 * kDay});
  // The engine holds the same books: flat, cash 10,289.70.
  const oms::Position* p = bt.engine().ledger().position(AccountId{1}, InstrumentId{1});
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->isFlat());
  const Metrics m = computeMetrics(*r);
  EXPECT_NEAR(m.totalReturn, 0.02897, 1e-12);
  EXPECT_EQ(m.trades, 1u);
  EXPECT_NEAR(m.winRate, 1.0, 0);
  EXPECT_NEAR(m.exposure, 0.5, 0);  // positions held at the closes of days 1 and 2
}

// The same trades on a future of 50 USD a point: every amount is 50 times the price move.
TEST(Backtester, FuturesAreValuedWithTheirContractMultiplier) {
  const std::vector<marketdata::Bar> bars = {bar(1, 0, 4900, 5000, 4800, 4950), bar(1, 1, 5000, 5200, 4950, 5100),
                                             bar(1, 2, 5150, 5300, 5100, 5250), bar(1, 3, 5300, 5400, 5200, 5350)};
  InstrumentSpec spec;
  spec.id = 1;
  spec.symbol = "FUT";
  spec.assetClass = AssetClass::Future;
  spec.multiplier = "50";
  BacktestOptions options;
  options.account.initialCash = 100'000;
  Backtester bt({Instrument::create(spec).value()}, options);
  ASSERT_TRUE(bt.addStrategy(std::make_unique<ScriptedStrategy>(
                                 [](std::size_t i, strategy::InstrumentSlot, strategy::StrategyContext& c) {
                                   if (i == 0) c.submit(testing::market(InstrumentId{1}, Side::Buy, 2));
                                   if (i == 2) c.submit(testing::market(InstrumentId{1}, Side::Sell, 2));
                                 }),
                             {}, "futures")
                  .ok());
  MemoryBarSource source(bars);
  auto r = bt.run(source);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->fills.size(), 2u);
  EXPECT_NEAR(r->fills[0].notional, 5'000, 1e-9);  // 2 × 50.00 × 50
  // Day 1: 100,000 + 2 × (51.00 − 50.00) × 50 = 100,100; day 2 at 52.50: 100,250; sold at 53.00.
  ASSERT_EQ(r->equity.size(), 4u);
  EXPECT_NEAR(r->equity[1].equity, 100'100, 1e-9);
  EXPECT_NEAR(r->equity[1].cash, 100'000, 1e-9);  // settles like a future: no notional paid
  EXPECT_NEAR(r->equity[2].equity, 100'250, 1e-9);
  EXPECT_NEAR(r->equity[3].cash, 100'300, 1e-9);  // the realized 300
  EXPECT_NEAR(r->finalEquity, 100'300, 1e-9);
  ASSERT_EQ(r->trades.size(), 1u);
  EXPECT_NEAR(r->trades[0].entryPrice, 50.0, 1e-12);  // prices stay per point
  EXPECT_NEAR(r->trades[0].pnl, 300, 1e-9);
  const oms::Position* p = bt.engine().ledger().position(AccountId{1}, InstrumentId{1});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->realizedPnl().raw(), 30'000);
}

// A random walk in cents for `n` days, several instruments.
std::vector<marketdata::Bar> walk(std::size_t instruments, std::size_t days, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 150.0);
  std::vector<marketdata::Bar> bars;
  for (std::size_t i = 0; i < instruments; ++i) {
    std::int64_t close = 10'000;
    for (std::size_t d = 0; d < days; ++d) {
      const std::int64_t open = std::max<std::int64_t>(100, close + static_cast<std::int64_t>(step(rng) / 3));
      close = std::max<std::int64_t>(100, open + static_cast<std::int64_t>(step(rng)));
      bars.push_back(bar(i + 1, static_cast<std::int64_t>(d), open, std::max(open, close) + 20,
                         std::max<std::int64_t>(1, std::min(open, close) - 20), close));
    }
  }
  return bars;
}

// The rule as a plain loop over one instrument's bars: SMAs recomputed from scratch at every
// close, the target position from their order, traded at the next open; equity in cents.
double vectorized(const std::vector<marketdata::Bar>& bars, std::size_t fast, std::size_t slow, std::int64_t qty,
                  bool allowShort) {
  std::int64_t cashCents = 0;
  std::int64_t position = 0;
  std::int64_t target = 0;
  for (std::size_t t = 0; t < bars.size(); ++t) {
    if (position != target) {  // decided at t − 1's close, filled at t's open
      cashCents -= (target - position) * bars[t].open.raw();
      position = target;
    }
    if (t + 1 >= slow) {
      double fastSum = 0;
      double slowSum = 0;
      for (std::size_t k = t + 1 - fast; k <= t; ++k) fastSum += static_cast<double>(bars[k].close.raw());
      for (std::size_t k = t + 1 - slow; k <= t; ++k) slowSum += static_cast<double>(bars[k].close.raw());
      const double f = fastSum / static_cast<double>(fast);
      const double s = slowSum / static_cast<double>(slow);
      target = f > s ? qty : (allowShort && f < s ? -qty : 0);
    }
  }
  return static_cast<double>(cashCents + position * bars.back().close.raw()) / 100.0;
}

TEST(Backtester, SmaCrossEqualsAPlainLoopOfTheSameRule) {
  for (bool allowShort : {false, true}) {
    const auto bars = walk(3, 2000, allowShort ? 11 : 5);
    BacktestOptions options;
    options.account.initialCash = 1'000'000;
    Backtester bt({testing::stock(1, "A"), testing::stock(2, "B"), testing::stock(3, "C")}, options);
    auto params = strategy::Parameters::parse({"fast=7", "slow=25", "quantity=50",
                                               std::string("allow_short=") + (allowShort ? "true" : "false")})
                      .value();
    ASSERT_TRUE(bt.addStrategy(strategy::makeStrategy("sma_cross", params).value(), {}, "sma").ok());
    MemoryBarSource source(bars);
    auto r = bt.run(source);
    ASSERT_TRUE(r.ok()) << r.error().message;
    double expected = 1'000'000;
    for (std::uint64_t id = 1; id <= 3; ++id) {
      std::vector<marketdata::Bar> mine;
      for (const auto& b : bars) {
        if (b.instrument.value() == id) mine.push_back(b);
      }
      expected += vectorized(mine, 7, 25, 50, allowShort);
    }
    EXPECT_NEAR(r->finalEquity, expected, 1e-9) << "allow_short " << allowShort;
    EXPECT_NEAR(r->equity.back().equity, expected, 1e-6);  // the curve's mirror agrees with the ledger
    EXPECT_GT(r->fills.size(), 50u);                       // the rule really traded
    EXPECT_EQ(r->strategies[0].rejects, 0u);
  }
}

std::string readAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Hands the bars out a few at a time and holds none in place: the backtester's streaming path,
// where a group of bars of one time is split across reads.
class TrickleSource final : public BarSource {
 public:
  TrickleSource(std::vector<marketdata::Bar> bars, std::size_t batch) : bars_(std::move(bars)), batch_(batch) {
    std::stable_sort(bars_.begin(), bars_.end(),
                     [](const marketdata::Bar& a, const marketdata::Bar& b) { return a.start < b.start; });
  }
  Result<std::size_t> read(std::span<marketdata::Bar> out) override {
    const std::size_t n = std::min({out.size(), batch_, bars_.size() - next_});
    std::copy_n(bars_.begin() + static_cast<std::ptrdiff_t>(next_), n, out.begin());
    next_ += n;
    return n;
  }

 private:
  std::vector<marketdata::Bar> bars_;
  std::size_t batch_;
  std::size_t next_ = 0;
};

TEST(Backtester, SameInputsGiveByteIdenticalReports) {
  // Run 0 reads the bars in place (MemoryBarSource), runs 1 and 2 stream them in reads of 3 and
  // 1,000 bars (groups of 4 split across reads); all three must write the same bytes.
  const auto bars = walk(4, 600, 3);
  std::vector<std::string> outputs;
  std::vector<std::uint64_t> hashes;
  for (int run = 0; run < 3; ++run) {
    BacktestOptions options;
    options.fill.slippageBps = 2;
    options.account.takerFeePpm = 500;
    Backtester bt({testing::stock(1, "A"), testing::stock(2, "B"), testing::stock(3, "C"), testing::stock(4, "D")},
                  options);
    ASSERT_TRUE(bt.addStrategy(strategy::makeStrategy("sma_cross", {}).value(), {}, "sma").ok());
    ASSERT_TRUE(bt.addStrategy(strategy::makeStrategy("mean_reversion", {}).value(), {}, "mr").ok());
    MemoryBarSource memory(bars);
    TrickleSource trickle(bars, run == 1 ? 3 : 1000);
    auto r = run == 0 ? bt.run(memory) : bt.run(trickle);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto dir =
        std::filesystem::temp_directory_path() / ("bt_det_" + std::to_string(::getpid()) + "_" + std::to_string(run));
    ASSERT_TRUE(writeReports(dir, *r, computeMetrics(*r)).ok());
    std::string all;
    for (const char* f : {"metrics.json", "equity.csv", "trades.csv", "fills.csv"}) all += readAll(dir / f);
    outputs.push_back(all);
    hashes.push_back(bt.engine().stateHash());
    std::filesystem::remove_all(dir);
  }
  EXPECT_GT(outputs[0].size(), 1000u);
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_EQ(outputs[0], outputs[2]);
  EXPECT_EQ(hashes[0], hashes[1]);
  EXPECT_EQ(hashes[0], hashes[2]);
}

// A backtester runs once: a second run() on the same object is an error naming "run".
TEST(Backtester, ASecondRunIsRefused) {
  const auto bars = walk(2, 50, 5);
  Backtester bt({testing::stock(1, "A"), testing::stock(2, "B")}, BacktestOptions{});
  ASSERT_TRUE(bt.addStrategy(strategy::makeStrategy("sma_cross", {}).value(), {}, "sma").ok());
  MemoryBarSource first(bars);
  ASSERT_TRUE(bt.run(first).ok());
  MemoryBarSource second(bars);
  auto r = bt.run(second);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "run");
}

// Strategies sharing instruments each hear every bar and trade from their own account: together
// they make exactly the fills and final equity each makes alone (no volume limit, so one's orders
// do not change the other's fills).
TEST(Backtester, StrategiesSharingInstrumentsTradeAsTheyWouldAlone) {
  const auto bars = walk(3, 400, 7);
  const auto runWith = [&](const std::vector<std::string>& names) {
    Backtester bt({testing::stock(1, "A"), testing::stock(2, "B"), testing::stock(3, "C")}, {});
    for (const std::string& n : names) {
      EXPECT_TRUE(bt.addStrategy(strategy::makeStrategy(n, {}).value(), {}, n).ok());
    }
    MemoryBarSource source(bars);
    auto r = bt.run(source);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return std::move(r).value();
  };
  const BacktestResult both = runWith({"sma_cross", "mean_reversion"});
  ASSERT_EQ(both.strategies.size(), 2u);
  for (std::uint32_t k = 0; k < 2; ++k) {
    const BacktestResult alone = runWith({k == 0 ? "sma_cross" : "mean_reversion"});
    std::vector<FillRecord> mine;
    for (const FillRecord& f : both.fills) {
      if (f.strategy == k) mine.push_back(f);
    }
    ASSERT_EQ(mine.size(), alone.fills.size()) << both.strategies[k].label;
    ASSERT_FALSE(mine.empty()) << both.strategies[k].label << " should trade on this walk";
    for (std::size_t i = 0; i < mine.size(); ++i) {
      EXPECT_EQ(mine[i].time, alone.fills[i].time);
      EXPECT_EQ(mine[i].instrument, alone.fills[i].instrument);
      EXPECT_EQ(mine[i].side, alone.fills[i].side);
      EXPECT_EQ(mine[i].quantity, alone.fills[i].quantity);
      EXPECT_EQ(mine[i].price, alone.fills[i].price);
    }
    EXPECT_DOUBLE_EQ(both.strategies[k].finalEquity, alone.strategies[0].finalEquity);
  }
}

TEST(Backtester, BadDataIsAnErrorNamingWhatWasWrong) {
  {
    Backtester bt({testing::stock(1, "A")}, {});
    ASSERT_TRUE(bt.addStrategy(strategy::makeStrategy("sma_cross", {}).value(), {}, "s").ok());
    MemoryBarSource source({bar(1, 0, 100, 100, 100, 100), bar(7, 1, 100, 100, 100, 100)});
    auto r = bt.run(source);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("instrument 7"), std::string::npos);
  }
  {
    // Ids far apart (no direct table: the hash index finds them), one of them unknown.
    Backtester bt({testing::stock(5, "A"), testing::stock(9'000'000'000, "B")}, {});
    ASSERT_TRUE(bt.addStrategy(strategy::makeStrategy("sma_cross", {}).value(), {}, "s").ok());
    MemoryBarSource source({bar(5, 0, 100, 100, 100, 100), bar(9'000'000'000, 0, 100, 100, 100, 100),
                            bar(8'999'999'999, 1, 100, 100, 100, 100)});
    auto r = bt.run(source);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("instrument 8999999999"), std::string::npos) << r.error().message;
  }
  for (bool streamed : {false, true}) {  // time going backwards, read in place and streamed
    Backtester bt({testing::stock(1, "A"), testing::stock(2, "B")}, {});
    ASSERT_TRUE(bt.addStrategy(strategy::makeStrategy("sma_cross", {}).value(), {}, "s").ok());
    std::vector<marketdata::Bar> bars = {bar(1, 0, 100, 100, 100, 100), bar(2, 0, 100, 100, 100, 100),
                                         bar(1, 2, 100, 100, 100, 100), bar(2, 1, 100, 100, 100, 100)};
    // MemoryBarSource would sort them: this source hands them over as they are, in place or one by one.
    struct Unsorted final : BarSource {
      std::vector<marketdata::Bar> bars;
      std::size_t next = 0;
      bool inPlace = false;
      Result<std::size_t> read(std::span<marketdata::Bar> out) override {
        const std::size_t n = std::min<std::size_t>({out.size(), 1, bars.size() - next});
        std::copy_n(bars.begin() + static_cast<std::ptrdiff_t>(next), n, out.begin());
        next += n;
        return n;
      }
      std::span<const marketdata::Bar> held() const noexcept override {
        return inPlace ? std::span<const marketdata::Bar>(bars) : std::span<const marketdata::Bar>();
      }
    } source;
    source.bars = bars;
    source.inPlace = !streamed;
    auto r = bt.run(source);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("out of time order"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("instrument 2"), std::string::npos) << r.error().message;
  }
  {
    Backtester bt({testing::stock(1, "A")}, {});
    EXPECT_FALSE(bt.addStrategy(strategy::makeStrategy("pairs", {}).value(), {}, "p").ok());  // needs two
    EXPECT_FALSE(bt.addStrategy(strategy::makeStrategy("sma_cross", {}).value(), {InstrumentId{9}}, "p").ok());
  }
}

}  // namespace
}  // namespace alphintra::backtest
