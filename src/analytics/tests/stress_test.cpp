// Stress testing (stress.hpp): linear P&L by hand, option P&L as the difference of two prices
// from pricing.hpp (itself checked against QuantLib in quantlib_reference_test.cpp), and the
// built-in scenarios' documented shock sizes (docs/analytics-risk.md).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "analytics/pricing.hpp"
#include "analytics/stress.hpp"

namespace alphintra::analytics::risk {
namespace {

Position linear(AssetClass c, double quantity, double price) {
  Position p;
  p.id = "p";
  p.assetClass = c;
  p.quantity = quantity;
  p.price = price;
  return p;
}

double priceOf(OptionSpec o, double underlying) {
  o.underlying = underlying;
  auto v = price(o);
  EXPECT_TRUE(v) << v.error().message;
  return v ? v->price : 0.0;
}

TEST(Stress, BuiltInScenariosHaveTheDocumentedShocks) {
  const auto all = builtInScenarios();
  ASSERT_EQ(all.size(), 3u);
  const StressScenario* lehman = findBuiltInScenario("2008-lehman");
  const StressScenario* covid = findBuiltInScenario("2020-covid-march");
  const StressScenario* rates = findBuiltInScenario("2022-rates");
  ASSERT_TRUE(lehman && covid && rates);
  EXPECT_EQ(findBuiltInScenario("1987-black-monday"), nullptr);
  // docs/analytics-risk.md, "Built-in scenarios".
  EXPECT_DOUBLE_EQ(lehman->shocks.equity, -0.30);
  EXPECT_DOUBLE_EQ(lehman->shocks.fx, -0.10);
  EXPECT_DOUBLE_EQ(lehman->shocks.rates, -0.0075);
  EXPECT_DOUBLE_EQ(lehman->shocks.crypto, -0.60);
  EXPECT_DOUBLE_EQ(lehman->shocks.commodity, -0.30);
  EXPECT_DOUBLE_EQ(lehman->shocks.vol, 0.40);
  EXPECT_DOUBLE_EQ(covid->shocks.equity, -0.34);
  EXPECT_DOUBLE_EQ(covid->shocks.fx, -0.06);
  EXPECT_DOUBLE_EQ(covid->shocks.rates, -0.0080);
  EXPECT_DOUBLE_EQ(covid->shocks.crypto, -0.50);
  EXPECT_DOUBLE_EQ(covid->shocks.commodity, -0.55);
  EXPECT_DOUBLE_EQ(covid->shocks.vol, 0.45);
  EXPECT_DOUBLE_EQ(rates->shocks.equity, -0.25);
  EXPECT_DOUBLE_EQ(rates->shocks.fx, -0.15);
  EXPECT_DOUBLE_EQ(rates->shocks.rates, 0.0250);
  EXPECT_DOUBLE_EQ(rates->shocks.crypto, -0.65);
  EXPECT_DOUBLE_EQ(rates->shocks.commodity, 0.20);
  EXPECT_DOUBLE_EQ(rates->shocks.vol, 0.15);
}

TEST(Stress, LinearPositionsMoveByTheirAssetClassShock) {
  Position bond = linear(AssetClass::Rates, 10, 98.5);
  bond.duration = 7.0;
  Position future = linear(AssetClass::Commodity, 3, 80);
  future.multiplier = 1000;
  const std::vector<Position> book{linear(AssetClass::Equity, 100, 450), linear(AssetClass::Fx, -1e6, 1.08),
                                   linear(AssetClass::Crypto, 2, 60'000), future, bond};
  const StressScenario s{"mine",
                         {.equity = -0.2, .fx = 0.05, .rates = 0.01, .crypto = -0.5, .commodity = 0.1, .vol = 0}};
  auto r = stress(book, s);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->positionPnl.size(), 5u);
  EXPECT_NEAR(r->positionPnl[0], -9000.0, 1e-9);    // 100 * 450 * -20%
  EXPECT_NEAR(r->positionPnl[1], -54000.0, 1e-9);   // -1e6 * 1.08 * 5%
  EXPECT_NEAR(r->positionPnl[2], -60'000.0, 1e-9);  // 2 * 60000 * -50%
  EXPECT_NEAR(r->positionPnl[3], 24'000.0, 1e-9);   // 3 * 1000 * 80 * 10%
  EXPECT_NEAR(r->positionPnl[4], -68.95, 1e-9);     // -10 * 98.5 * 7 * 1%
  EXPECT_NEAR(r->pnl, -9000.0 - 54000.0 - 60000.0 + 24000.0 - 68.95, 1e-8);
}

TEST(Stress, OptionPnlIsTheRepricingDifference) {
  OptionSpec o;
  o.model = Model::BlackScholesMerton;
  o.type = OptionType::Put;
  o.strike = 4000;
  o.expiry = 0.5;
  o.rate = 0.04;
  o.yield = 0.015;
  o.volatility = 0.18;
  Position p = linear(AssetClass::Equity, -7, 4200);
  p.multiplier = 50;
  p.option = o;
  for (const StressScenario& s : builtInScenarios()) {
    auto r = stress(std::vector<Position>{p}, s);
    ASSERT_TRUE(r);
    OptionSpec shocked = o;
    shocked.volatility += s.shocks.vol;
    shocked.rate += s.shocks.rates;
    const double expected = -7 * 50 * (priceOf(shocked, 4200 * (1 + s.shocks.equity)) - priceOf(o, 4200));
    EXPECT_NEAR(r->pnl, expected, 1e-9 * std::abs(expected)) << s.name;
    EXPECT_LT(r->pnl, 0.0) << s.name;  // short puts lose in every crash
  }
  // American options (BAW) and a vol shock below zero, floored at kMinStressVolatility.
  o.style = ExerciseStyle::American;
  o.method = AmericanMethod::BaroneAdesiWhaley;
  p.option = o;
  auto r = stress(std::vector<Position>{p}, StressScenario{"calm", {.vol = -0.5}});
  ASSERT_TRUE(r);
  OptionSpec floored = o;
  floored.volatility = kMinStressVolatility;
  EXPECT_NEAR(r->pnl, -350 * (priceOf(floored, 4200) - priceOf(o, 4200)), 1e-9);
}

TEST(Stress, RatesPositionsNeedADurationAndShocksMustKeepPricesPositive) {
  auto r = stress(std::vector<Position>{linear(AssetClass::Equity, 1, 10), linear(AssetClass::Rates, 1, 100)},
                  *findBuiltInScenario("2022-rates"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "positions[1].duration");
  auto crash = stress(std::vector<Position>{linear(AssetClass::Equity, 1, 10)}, StressScenario{"x", {.equity = -1.0}});
  ASSERT_FALSE(crash);
  EXPECT_EQ(crash.error().field, "equity");
}

}  // namespace
}  // namespace alphintra::analytics::risk
