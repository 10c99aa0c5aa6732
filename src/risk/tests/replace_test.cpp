// checkReplace: pure reductions always pass (kill switch, halt, reducing-only, every limit
// broken) and take no rate token; other replaces are checked like new orders, with per-order
// limits on the order after the replace and position/exposure rules on what it adds.
#include <gtest/gtest.h>

#include "risk/rules.hpp"
#include "risk/tests/risk_test_util.hpp"

namespace alphintra::risk {
namespace {

using testing::expectBreaks;
using testing::expectPasses;
using testing::Scenario;

// A live buy of 800 @ 50.00 on a cash account, counted in the exposure facts; by default the
// replace below changes nothing (a no-op reduction).
struct ReplaceScenario : Scenario {
  ReplaceFacts replace;

  ReplaceScenario() {
    exposure.openBuy = Quantity::fromRaw(800);
    exposure.openOrders = 1;
    exposure.requiredFunds = 0;
    replace.change = order;
    replace.change.quantity = Quantity::zero();
    replace.change.notional = 0;
    replace.orderQuantity = Quantity::fromRaw(800);
    replace.orderNotional = 4'000'000;
  }

  RiskVerdict checkReplacement() {
    return checkReplace(replace, exposure, account, instrument, state, killSwitch, bucket, now);
  }
};

TEST(RiskReplace, ReductionAlwaysPasses) {
  ReplaceScenario s;
  s.replace.change.quantity = Quantity::fromRaw(-300);
  s.replace.orderQuantity = Quantity::fromRaw(500);
  s.replace.orderNotional = 2'500'000;
  ASSERT_TRUE(isReduction(s.replace));
  s.killSwitch = true;
  s.state = TradingState::Halted;
  s.replace.change.restricted = true;
  s.instrument.maxOrderQuantity = 1;
  s.account.maxOrderNotional = 1;
  s.account.maxOpenOrders = 1;
  s.exposure.availableFunds = -1;
  expectPasses(s.checkReplacement());
  s.state = TradingState::ReducingOnly;
  expectPasses(s.checkReplacement());
}

TEST(RiskReplace, ReductionTakesNoRateToken) {
  ReplaceScenario s;
  s.account.orderRatePerSecond = 1;
  s.bucket.configure(1, 0);
  s.replace.change.quantity = Quantity::fromRaw(-100);
  for (int i = 0; i < 10; ++i) expectPasses(s.checkReplacement());
  EXPECT_EQ(s.bucket.tokensAt(s.now), 1u);
}

TEST(RiskReplace, PriceChangeIsBlockedByKillSwitchAndHalt) {
  ReplaceScenario s;
  s.replace.priceChanged = true;
  s.replace.change.price = Price::fromRaw(4990);
  ASSERT_FALSE(isReduction(s.replace));
  s.killSwitch = true;
  expectBreaks(s.checkReplacement(), RiskRule::KillSwitch, RiskUnit::None, 0, 0);
  s.killSwitch = false;
  s.state = TradingState::Halted;
  expectBreaks(s.checkReplacement(), RiskRule::TradingHalted, RiskUnit::None, 0, 0);
  s.state = TradingState::Active;
  expectPasses(s.checkReplacement());
}

TEST(RiskReplace, PriceChangeIsCollared) {
  ReplaceScenario s;
  s.account.collarTicks = 10;
  s.replace.priceChanged = true;
  s.replace.change.price = Price::fromRaw(5010);
  expectPasses(s.checkReplacement());
  s.replace.change.price = Price::fromRaw(5011);
  expectBreaks(s.checkReplacement(), RiskRule::PriceCollarTicks, RiskUnit::Ticks, 10, 11);
}

TEST(RiskReplace, MaxOrderQuantityAppliesToTheWholeOrderAfterTheReplace) {
  ReplaceScenario s;
  s.instrument.maxOrderQuantity = 1000;
  s.replace.change.quantity = Quantity::fromRaw(200);  // 800 -> 1000
  s.replace.orderQuantity = Quantity::fromRaw(1000);
  expectPasses(s.checkReplacement());
  s.replace.change.quantity = Quantity::fromRaw(400);  // 800 -> 1200: the increase alone is below 1000
  s.replace.orderQuantity = Quantity::fromRaw(1200);
  expectBreaks(s.checkReplacement(), RiskRule::MaxOrderQuantity, RiskUnit::Quantity, 1000, 1200);
}

TEST(RiskReplace, MaxOrderNotionalAppliesToTheWholeOrder) {
  ReplaceScenario s;
  s.account.maxOrderNotional = 5'000'000;
  s.replace.change.quantity = Quantity::fromRaw(200);
  s.replace.change.notional = 1'000'000;
  s.replace.orderQuantity = Quantity::fromRaw(1000);
  s.replace.orderNotional = 5'000'000;
  expectPasses(s.checkReplacement());
  s.replace.orderNotional = 5'000'001;
  expectBreaks(s.checkReplacement(), RiskRule::MaxOrderNotional, RiskUnit::Money, 5'000'000, 5'000'001);
}

TEST(RiskReplace, PositionAndExposureRulesSeeOnlyTheIncrease) {
  ReplaceScenario s;
  s.instrument.maxLongPosition = 1000;  // openBuy 800 already holds the old order
  s.account.maxGrossExposure = 5'000'000;
  s.exposure.grossExposure = 4'000'000;
  s.replace.change.quantity = Quantity::fromRaw(200);
  s.replace.change.notional = 1'000'000;
  s.replace.orderQuantity = Quantity::fromRaw(1000);
  expectPasses(s.checkReplacement());
  s.replace.change.quantity = Quantity::fromRaw(201);
  s.replace.orderQuantity = Quantity::fromRaw(1001);
  expectBreaks(s.checkReplacement(), RiskRule::MaxLongPosition, RiskUnit::Quantity, 1000, 1001);
  s.instrument.maxLongPosition = 0;
  s.replace.change.notional = 1'000'001;
  expectBreaks(s.checkReplacement(), RiskRule::MaxGrossExposure, RiskUnit::Money, 5'000'000, 5'000'001);
}

TEST(RiskReplace, DoesNotCountAsAnotherOpenOrder) {
  ReplaceScenario s;
  s.account.maxOpenOrders = 1;  // the replaced order is the one open order
  s.replace.change.quantity = Quantity::fromRaw(100);
  s.replace.orderQuantity = Quantity::fromRaw(900);
  expectPasses(s.checkReplacement());
}

TEST(RiskReplace, BuyingPowerSeesAdditionalFunds) {
  ReplaceScenario s;
  s.replace.priceChanged = true;
  s.replace.change.price = Price::fromRaw(5100);
  s.exposure.requiredFunds = 80'000;  // 800 x 1.00 more
  s.exposure.availableFunds = 80'000;
  expectPasses(s.checkReplacement());
  s.exposure.availableFunds = 79'999;
  expectBreaks(s.checkReplacement(), RiskRule::BuyingPower, RiskUnit::Money, 79'999, 80'000);
}

TEST(RiskReplace, ReducingOnlyChecksTheIncreaseWithTheOpenOrders) {
  ReplaceScenario s;
  s.state = TradingState::ReducingOnly;
  s.exposure.position = Quantity::fromRaw(-1000);  // short 1000, open buy 800 reduces it
  s.replace.change.quantity = Quantity::fromRaw(200);
  s.replace.orderQuantity = Quantity::fromRaw(1000);
  expectPasses(s.checkReplacement());
  s.replace.change.quantity = Quantity::fromRaw(201);
  expectBreaks(s.checkReplacement(), RiskRule::ReducingOnly, RiskUnit::Quantity, 200, 201);
  // A re-price keeps the quantity: allowed while the open orders still only reduce.
  s.replace.change.quantity = Quantity::zero();
  s.replace.priceChanged = true;
  expectPasses(s.checkReplacement());
  s.exposure.position = Quantity::fromRaw(-700);  // fills elsewhere: the 800 would now flip
  expectBreaks(s.checkReplacement(), RiskRule::ReducingOnly, RiskUnit::Quantity, 0, 0);
}

TEST(RiskReplace, NonReducingReplaceTakesARateToken) {
  ReplaceScenario s;
  s.account.orderRatePerSecond = 1;
  s.replace.priceChanged = true;
  expectPasses(s.checkReplacement());
  expectBreaks(s.checkReplacement(), RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 1, 1);
}

}  // namespace
}  // namespace alphintra::risk
