// The built-in strategies' decisions, driven bar by bar with a recording context: which orders
// they send, when, and of what size, against hand-worked series.
#include <gtest/gtest.h>

#include <cmath>

#include "strategy/market_maker.hpp"
#include "strategy/mean_reversion.hpp"
#include "strategy/momentum.hpp"
#include "strategy/pairs_trading.hpp"
#include "strategy/registry.hpp"
#include "strategy/sma_cross.hpp"
#include "strategy/tests/fake_context.hpp"

namespace alphintra::strategy {
namespace {

using testing::bar;
using testing::FakeContext;

std::unique_ptr<Strategy> make(std::string_view name, std::vector<std::string> params) {
  return makeStrategy(name, Parameters::parse(params).value()).value();
}

TEST(SmaCross, BuysOnTheCrossUpAndSellsOnTheCrossDown) {
  FakeContext ctx({testing::equity(1)});
  auto s = make("sma_cross", {"fast=2", "slow=3", "quantity=10"});
  s->bind(ctx);
  s->onStart();
  // closes 10 10 10: fast = slow → flat, nothing sent; 13: fast 11.5 > slow 11 → buy 10.
  const std::int64_t closes[] = {1000, 1000, 1000, 1300, 1400, 900, 800};
  std::vector<std::size_t> sentAfter;
  for (std::int64_t d = 0; d < 7; ++d) {
    s->onBar(bar(1, d, closes[d]), 0);
    sentAfter.push_back(ctx.sent.size());
  }
  EXPECT_EQ(sentAfter, (std::vector<std::size_t>{0, 0, 0, 1, 1, 2, 2}));
  ASSERT_EQ(ctx.sent.size(), 2u);
  EXPECT_EQ(ctx.sent[0].side, Side::Buy);
  EXPECT_EQ(ctx.sent[0].quantity.raw(), 10);
  // Bar 5: fast (14 + 9) / 2 = 11.5 < slow (13 + 14 + 9) / 3 = 12 → flat: sell 10.
  EXPECT_EQ(ctx.sent[1].side, Side::Sell);
  EXPECT_EQ(ctx.sent[1].quantity.raw(), 10);
  EXPECT_EQ(ctx.position(0).raw(), 0);
}

TEST(SmaCross, AllowShortFlipsThroughZero) {
  FakeContext ctx({testing::equity(1)});
  auto s = make("sma_cross", {"fast=1", "slow=2", "quantity=5", "allow_short=true"});
  s->bind(ctx);
  s->onStart();
  for (std::int64_t d = 0; d < 4; ++d) s->onBar(bar(1, d, d % 2 == 0 ? 1000 : 1100), 0);
  // d1: 11 > 10.5 → +5; d2: 10 < 10.5 → −5 (sell 10); d3: → +5 (buy 10)
  ASSERT_EQ(ctx.sent.size(), 3u);
  EXPECT_EQ(ctx.sent[1].quantity.raw(), 10);
  EXPECT_EQ(ctx.sent[2].quantity.raw(), 10);
  EXPECT_EQ(ctx.position(0).raw(), 5);
}

TEST(Momentum, FollowsTheSignOfTheLookbackReturn) {
  FakeContext ctx({testing::equity(1)});
  auto s = make("momentum", {"lookback=2", "quantity=1"});
  s->bind(ctx);
  s->onStart();
  const std::int64_t closes[] = {100, 90, 110, 105, 80};
  for (std::int64_t d = 0; d < 5; ++d) s->onBar(bar(1, d, closes[d]), 0);
  // d2: 110 > 100 → +1; d3: 105 > 90 → hold; d4: 80 < 110 → −1
  ASSERT_EQ(ctx.sent.size(), 2u);
  EXPECT_EQ(ctx.position(0).raw(), -1);
}

TEST(MeanReversion, EntersBeyondTheBandAndExitsNearTheMean) {
  FakeContext ctx({testing::equity(1)});
  auto s = make("mean_reversion", {"window=4", "entry_z=1.5", "exit_z=0.5", "quantity=1"});
  s->bind(ctx);
  s->onStart();
  // 100 100 100 60: mean 90, sd sqrt(300) ≈ 17.3, z ≈ −1.73 → long. Then back to 100 100 100:
  // window 100 100 60 100: mean 90, z 0.577 > −0.5 → flat.
  for (std::int64_t c : {100, 100, 100, 60}) s->onBar(bar(1, 0, c), 0);
  EXPECT_EQ(ctx.position(0).raw(), 1);
  s->onBar(bar(1, 0, 100), 0);
  EXPECT_EQ(ctx.position(0).raw(), 0);
}

TEST(Pairs, HedgesWithTheRegressionSlope) {
  FakeContext ctx({testing::equity(1, 0), testing::equity(2, 0)});
  auto strategy = PairsTrading::create(
                      Parameters::parse({"window=5", "z_window=5", "entry_z=1.2", "exit_z=0.1", "quantity=10"}).value())
                      .value();
  auto* pairs = static_cast<PairsTrading*>(strategy.get());
  pairs->bind(ctx);
  pairs->onStart();
  // Y ≈ 2X with noise; the last Y jumps far above the line (slope of the last window 6.6, z 1.98).
  const std::int64_t xs[] = {10, 11, 12, 13, 14, 15, 16, 17, 18};
  const std::int64_t ys[] = {20, 23, 24, 25, 28, 31, 32, 33, 60};
  for (std::int64_t d = 0; d < 9; ++d) {
    pairs->onBar(bar(1, d, ys[d]), 0);
    EXPECT_TRUE(ctx.sent.empty() || d == 8) << d;
    pairs->onBar(bar(2, d, xs[d]), 1);
  }
  // Residual of the last point is the largest of the window → z > 1.2 → sell Y, buy b·X.
  ASSERT_EQ(ctx.sent.size(), 2u);
  EXPECT_EQ(ctx.position(0).raw(), -10);
  EXPECT_NEAR(pairs->hedgeRatio(), 6.6, 1e-9);
  EXPECT_EQ(ctx.position(1).raw(), static_cast<std::int64_t>(std::floor(pairs->hedgeRatio() * 10 + 1e-9)));
}

TEST(MarketMaker, AvellanedaStoikovQuotesByHand) {
  MarketMaker::Settings s;
  s.gamma = 0.5;
  s.k = 2.0;
  s.horizon = 4.0;
  const Instrument in = testing::equity(1);
  // variance 0.01: r = 100 − 2 × 0.5 × 0.01 × 4 = 99.96; δ = 0.5 × 0.01 × 4 + 4 × ln(1.25)
  const auto q = MarketMaker::quotes(s, 100.0, 2.0, 0.01, in);
  EXPECT_NEAR(q.reservation, 99.96, 1e-12);
  EXPECT_NEAR(q.spread, 0.02 + 4 * std::log(1.25), 1e-12);
  const double half = q.spread / 2;
  EXPECT_EQ(q.bid.raw(), static_cast<std::int64_t>(std::floor((99.96 - half) * 100)));
  EXPECT_EQ(q.ask.raw(), static_cast<std::int64_t>(std::ceil((99.96 + half) * 100)));
  // Long inventory lowers both quotes; short raises them.
  const auto flat = MarketMaker::quotes(s, 100.0, 0.0, 0.01, in);
  EXPECT_LT(q.bid, flat.bid);
  EXPECT_GT(MarketMaker::quotes(s, 100.0, -2.0, 0.01, in).ask, flat.ask);
}

TEST(MarketMaker, QuotesBothSidesAndStopsBuyingAtMaxInventory) {
  FakeContext ctx({testing::equity(1)});
  auto s = make("market_maker", {"vol_window=2", "quantity=1", "max_inventory=1"});
  s->bind(ctx);
  s->onStart();
  for (std::int64_t c : {10000, 10010, 10000}) s->onBar(bar(1, 0, c), 0);
  ASSERT_EQ(ctx.sent.size(), 2u);
  EXPECT_EQ(ctx.sent[0].side, Side::Buy);
  EXPECT_EQ(ctx.sent[1].side, Side::Sell);
  EXPECT_LT(ctx.sent[0].price, ctx.sent[1].price);
  ctx.setPosition(0, Quantity::fromRaw(1));
  s->onBar(bar(1, 0, 10005), 0);
  EXPECT_EQ(ctx.cancelled.size(), 2u);
  ASSERT_EQ(ctx.sent.size(), 3u);  // only an ask
  EXPECT_EQ(ctx.sent[2].side, Side::Sell);
}

}  // namespace
}  // namespace alphintra::strategy
