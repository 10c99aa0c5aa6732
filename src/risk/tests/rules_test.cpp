// checkNewOrder: every rule breaks (rule, unit, limit, value asserted) and passes exactly at its
// limit; the documented rule order; reducing-only; fail-closed handling of bad inputs; 128-bit
// arithmetic with extreme values; the rate token taken last; no allocation; names and describe().
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "bench/alloc_counter.hpp"
#include "risk/rules.hpp"
#include "risk/tests/risk_test_util.hpp"

namespace alphintra::risk {
namespace {

using testing::expectBreaks;
using testing::expectPasses;
using testing::Scenario;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

TEST(RiskRules, BaselinePasses) {
  Scenario s;
  expectPasses(s.check());
}

// ---------------------------------------------------------------------------------------------
// 1-4: operator stops and the restricted list

TEST(RiskRules, KillSwitchBlocks) {
  Scenario s;
  s.killSwitch = true;
  expectBreaks(s.check(), RiskRule::KillSwitch, RiskUnit::None, 0, 0);
  s.killSwitch = false;
  expectPasses(s.check());
}

TEST(RiskRules, HaltedBlocks) {
  Scenario s;
  s.state = TradingState::Halted;
  expectBreaks(s.check(), RiskRule::TradingHalted, RiskUnit::None, 0, 0);
  s.state = TradingState::Active;
  expectPasses(s.check());
}

TEST(RiskRules, UnknownTradingStateCountsAsHalted) {
  Scenario s;
  s.state = static_cast<TradingState>(7);
  expectBreaks(s.check(), RiskRule::TradingHalted, RiskUnit::None, 0, 0);
}

TEST(RiskRules, ReducingOnlyAcceptsReducingSellWhenLong) {
  Scenario s;
  s.state = TradingState::ReducingOnly;
  s.exposure.position = Quantity::fromRaw(500);
  s.order.side = Side::Sell;
  s.order.quantity = Quantity::fromRaw(200);
  expectPasses(s.check());
  s.order.quantity = Quantity::fromRaw(500);  // exactly flat: still reducing
  expectPasses(s.check());
}

TEST(RiskRules, ReducingOnlyRejectsFlip) {
  Scenario s;
  s.state = TradingState::ReducingOnly;
  s.exposure.position = Quantity::fromRaw(500);
  s.order.side = Side::Sell;
  s.order.quantity = Quantity::fromRaw(501);
  expectBreaks(s.check(), RiskRule::ReducingOnly, RiskUnit::Quantity, 500, 501);
}

TEST(RiskRules, ReducingOnlyCountsOpenOrdersOnTheSameSide) {
  Scenario s;
  s.state = TradingState::ReducingOnly;
  s.exposure.position = Quantity::fromRaw(500);
  s.exposure.openSell = Quantity::fromRaw(200);
  s.exposure.openBuy = Quantity::fromRaw(10'000);  // the other side does not matter
  s.order.side = Side::Sell;
  s.order.quantity = Quantity::fromRaw(300);
  expectPasses(s.check());
  s.order.quantity = Quantity::fromRaw(400);
  expectBreaks(s.check(), RiskRule::ReducingOnly, RiskUnit::Quantity, 300, 400);
}

TEST(RiskRules, ReducingOnlyRejectsGrowingAndFlatPositions) {
  Scenario s;
  s.state = TradingState::ReducingOnly;
  s.exposure.position = Quantity::fromRaw(500);
  s.order.side = Side::Buy;  // adds to a long
  expectBreaks(s.check(), RiskRule::ReducingOnly, RiskUnit::Quantity, 0, 100);
  s.exposure.position = Quantity::zero();  // nothing to reduce
  expectBreaks(s.check(), RiskRule::ReducingOnly, RiskUnit::Quantity, 0, 100);
  s.exposure.position = Quantity::fromRaw(-100);  // buy 100 closes a short of 100
  expectPasses(s.check());
}

TEST(RiskRules, GlobalReducingOnlyOverridesAnActiveAccount) {
  Scenario s;
  s.state = effectiveState(TradingState::ReducingOnly, TradingState::Active);
  expectBreaks(s.check(), RiskRule::ReducingOnly, RiskUnit::Quantity, 0, 100);
}

TEST(RiskRules, RestrictedInstrument) {
  Scenario s;
  s.order.restricted = true;
  expectBreaks(s.check(), RiskRule::RestrictedInstrument, RiskUnit::None, 0, 0);
}

// ---------------------------------------------------------------------------------------------
// 5-8: the order itself

TEST(RiskRules, MaxOrderQuantity) {
  Scenario s;
  s.instrument.maxOrderQuantity = 1000;
  s.order.quantity = Quantity::fromRaw(1000);
  expectPasses(s.check());
  s.order.quantity = Quantity::fromRaw(1500);
  expectBreaks(s.check(), RiskRule::MaxOrderQuantity, RiskUnit::Quantity, 1000, 1500);
}

TEST(RiskRules, MaxOrderNotional) {
  Scenario s;
  s.account.maxOrderNotional = 500'000;
  expectPasses(s.check());
  s.order.notional = 500'001;
  expectBreaks(s.check(), RiskRule::MaxOrderNotional, RiskUnit::Money, 500'000, 500'001);
}

TEST(RiskRules, NegativeLimitFailsClosed) {
  Scenario s;
  s.instrument.maxOrderQuantity = -1;  // invalid (checkLimits refuses it), never "no limit"
  expectBreaks(s.check(), RiskRule::MaxOrderQuantity, RiskUnit::Quantity, -1, 100);
}

TEST(RiskRules, PriceCollarPercentAtBoundaryAndAbove) {
  Scenario s;
  s.account.collarBasisPoints = 500;  // 5% of 100.00 = 5.00
  s.order.referencePrice = Price::fromRaw(10'000);
  s.order.price = Price::fromRaw(10'500);
  expectPasses(s.check());
  s.order.price = Price::fromRaw(9'500);
  expectPasses(s.check());
  s.order.price = Price::fromRaw(10'501);
  expectBreaks(s.check(), RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 500, 501);
  s.order.price = Price::fromRaw(9'499);
  expectBreaks(s.check(), RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 500, 501);
}

TEST(RiskRules, PriceCollarPercentReportsBasisPointsRoundedUp) {
  Scenario s;
  s.account.collarBasisPoints = 100;  // 1% of 30.00 = 0.30
  s.order.referencePrice = Price::fromRaw(3'000);
  s.order.price = Price::fromRaw(3'030);
  expectPasses(s.check());
  s.order.price = Price::fromRaw(3'031);  // 31 / 3000 = 103.33 bp
  expectBreaks(s.check(), RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 100, 104);
}

TEST(RiskRules, PriceCollarPercentUsesMagnitudeOfNegativeReference) {
  Scenario s;
  s.account.collarBasisPoints = 1000;  // 10% of |-20.00| = 2.00
  s.order.referencePrice = Price::fromRaw(-2'000);
  s.order.price = Price::fromRaw(-1'800);
  expectPasses(s.check());
  s.order.price = Price::fromRaw(-2'201);
  expectBreaks(s.check(), RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 1000, 1005);
}

TEST(RiskRules, PriceCollarsSkippedWithoutReferenceOrLimitPrice) {
  Scenario s;
  s.account.collarBasisPoints = 1;
  s.account.collarTicks = 1;
  s.order.price = Price::fromRaw(1'000'000);
  s.order.referencePrice = Price::undefined();
  expectPasses(s.check());
  s.order.referencePrice = Price::fromRaw(5000);
  s.order.hasLimitPrice = false;  // market order: price is not a limit
  expectPasses(s.check());
  s.order.hasLimitPrice = true;
  s.order.price = Price::undefined();
  expectPasses(s.check());
}

TEST(RiskRules, ZeroReferenceSkipsOnlyThePercentCollar) {
  Scenario s;
  s.account.collarBasisPoints = 1;
  s.order.referencePrice = Price::zero();
  s.order.price = Price::fromRaw(3);
  expectPasses(s.check());
  s.account.collarTicks = 2;
  expectBreaks(s.check(), RiskRule::PriceCollarTicks, RiskUnit::Ticks, 2, 3);
}

TEST(RiskRules, PriceCollarTicks) {
  Scenario s;
  s.account.collarTicks = 10;
  s.order.tickSize = Price::fromRaw(5);
  s.order.referencePrice = Price::fromRaw(5000);
  s.order.price = Price::fromRaw(5050);  // 10 ticks
  expectPasses(s.check());
  s.order.price = Price::fromRaw(4950);
  expectPasses(s.check());
  s.order.price = Price::fromRaw(5051);  // 10.2 ticks, reported rounded up
  expectBreaks(s.check(), RiskRule::PriceCollarTicks, RiskUnit::Ticks, 10, 11);
  s.order.price = Price::fromRaw(4900);
  expectBreaks(s.check(), RiskRule::PriceCollarTicks, RiskUnit::Ticks, 10, 20);
}

TEST(RiskRules, PriceCollarTicksWithInvalidTickFailsClosed) {
  Scenario s;
  s.account.collarTicks = 10;
  s.order.tickSize = Price::zero();
  s.order.price = Price::fromRaw(5000);  // at the reference: no deviation, passes
  expectPasses(s.check());
  s.order.price = Price::fromRaw(5001);
  expectBreaks(s.check(), RiskRule::PriceCollarTicks, RiskUnit::Ticks, 10, kMax);
}

TEST(RiskRules, PercentCollarIsCheckedBeforeTicks) {
  Scenario s;
  s.account.collarBasisPoints = 10;  // 0.1% of 50.00 = 0.05
  s.account.collarTicks = 2;
  s.order.price = Price::fromRaw(5010);
  expectBreaks(s.check(), RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 10, 20);
  s.account.collarBasisPoints = 0;
  expectBreaks(s.check(), RiskRule::PriceCollarTicks, RiskUnit::Ticks, 2, 10);
}

// ---------------------------------------------------------------------------------------------
// 9-11: open orders and positions

TEST(RiskRules, MaxOpenOrdersCountsThisOrder) {
  Scenario s;
  s.account.maxOpenOrders = 10;
  s.exposure.openOrders = 9;
  expectPasses(s.check());
  s.exposure.openOrders = 10;
  expectBreaks(s.check(), RiskRule::MaxOpenOrders, RiskUnit::Count, 10, 11);
}

TEST(RiskRules, MaxLongPositionIsWorstCase) {
  Scenario s;
  s.instrument.maxLongPosition = 1000;
  s.exposure.position = Quantity::fromRaw(500);
  s.exposure.openBuy = Quantity::fromRaw(300);
  s.exposure.openSell = Quantity::fromRaw(400);  // sells do not offset the worst long case
  s.order.quantity = Quantity::fromRaw(200);
  expectPasses(s.check());
  s.order.quantity = Quantity::fromRaw(201);
  expectBreaks(s.check(), RiskRule::MaxLongPosition, RiskUnit::Quantity, 1000, 1001);
}

TEST(RiskRules, MaxLongPositionIgnoresSells) {
  Scenario s;
  s.instrument.maxLongPosition = 100;
  s.exposure.position = Quantity::fromRaw(5000);  // above the (lowered) limit
  s.order.side = Side::Sell;
  expectPasses(s.check());
}

TEST(RiskRules, MaxShortPositionIsWorstCase) {
  Scenario s;
  s.exposure.accountType = AccountType::Margin;
  s.instrument.maxShortPosition = 1000;
  s.exposure.position = Quantity::fromRaw(-500);
  s.exposure.openSell = Quantity::fromRaw(300);
  s.order.side = Side::Sell;
  s.order.quantity = Quantity::fromRaw(200);
  expectPasses(s.check());
  s.order.quantity = Quantity::fromRaw(201);
  expectBreaks(s.check(), RiskRule::MaxShortPosition, RiskUnit::Quantity, 1000, 1001);
  s.order.side = Side::Buy;  // a buy never checks the short limit
  expectPasses(s.check());
}

TEST(RiskRules, NakedShortOnCashAccounts) {
  Scenario s;
  s.order.side = Side::Sell;
  s.exposure.position = Quantity::fromRaw(500);
  s.exposure.openSell = Quantity::fromRaw(200);
  s.order.quantity = Quantity::fromRaw(300);
  expectPasses(s.check());
  s.order.quantity = Quantity::fromRaw(301);
  expectBreaks(s.check(), RiskRule::NakedShort, RiskUnit::Quantity, 300, 301);
  s.exposure.accountType = AccountType::Margin;  // margin accounts may short
  expectPasses(s.check());
}

TEST(RiskRules, NakedShortReportsZeroSellableWhenAlreadyOversold) {
  Scenario s;
  s.order.side = Side::Sell;
  s.exposure.position = Quantity::fromRaw(100);
  s.exposure.openSell = Quantity::fromRaw(200);
  s.order.quantity = Quantity::fromRaw(1);
  expectBreaks(s.check(), RiskRule::NakedShort, RiskUnit::Quantity, 0, 1);
}

TEST(RiskRules, UnknownAccountTypeIsHeldToCashRules) {
  Scenario s;
  s.exposure.accountType = static_cast<AccountType>(9);
  s.order.side = Side::Sell;
  expectBreaks(s.check(), RiskRule::NakedShort, RiskUnit::Quantity, 0, 100);
}

// ---------------------------------------------------------------------------------------------
// 12-15: exposure, funds, leverage

TEST(RiskRules, MaxGrossExposureAddsThisOrder) {
  Scenario s;
  s.account.maxGrossExposure = 1'000'000;
  s.exposure.grossExposure = 500'000;
  expectPasses(s.check());
  s.order.notional = 500'001;
  expectBreaks(s.check(), RiskRule::MaxGrossExposure, RiskUnit::Money, 1'000'000, 1'000'001);
  s.order.side = Side::Sell;  // an order never lowers gross exposure here
  s.exposure.accountType = AccountType::Margin;
  expectBreaks(s.check(), RiskRule::MaxGrossExposure, RiskUnit::Money, 1'000'000, 1'000'001);
}

TEST(RiskRules, MaxNetExposure) {
  Scenario s;
  s.account.maxNetExposure = 1'000'000;
  s.exposure.netExposure = 500'000;
  expectPasses(s.check());
  s.order.notional = 500'001;
  expectBreaks(s.check(), RiskRule::MaxNetExposure, RiskUnit::Money, 1'000'000, 1'000'001);
}

TEST(RiskRules, MaxNetExposureOnTheShortSide) {
  Scenario s;
  s.exposure.accountType = AccountType::Margin;
  s.account.maxNetExposure = 1'000'000;
  s.exposure.netExposure = 100'000;
  s.order.side = Side::Sell;
  s.order.notional = 1'100'000;  // net -1,000,000
  expectPasses(s.check());
  s.order.notional = 1'100'001;
  expectBreaks(s.check(), RiskRule::MaxNetExposure, RiskUnit::Money, 1'000'000, 1'000'001);
}

TEST(RiskRules, MaxNetExposureLetsOrdersThatReduceItThrough) {
  Scenario s;
  s.exposure.accountType = AccountType::Margin;
  s.account.maxNetExposure = 1'000'000;
  s.exposure.netExposure = 2'000'000;  // above a lowered limit
  s.order.side = Side::Sell;
  s.order.notional = 500'000;  // 1,500,000: still above, but lower
  expectPasses(s.check());
  s.order.side = Side::Buy;
  expectBreaks(s.check(), RiskRule::MaxNetExposure, RiskUnit::Money, 1'000'000, 2'500'000);
  s.order.side = Side::Sell;
  s.order.notional = 4'000'001;  // flips to -2,000,001: further from zero than before
  expectBreaks(s.check(), RiskRule::MaxNetExposure, RiskUnit::Money, 1'000'000, 2'000'001);
}

TEST(RiskRules, BuyingPowerOnCashAccounts) {
  Scenario s;
  s.exposure.availableFunds = 500'000;
  s.exposure.requiredFunds = 500'000;
  expectPasses(s.check());
  s.exposure.availableFunds = 499'999;
  expectBreaks(s.check(), RiskRule::BuyingPower, RiskUnit::Money, 499'999, 500'000);
}

TEST(RiskRules, MarginOnMarginAccounts) {
  Scenario s;
  s.exposure.accountType = AccountType::Margin;
  s.exposure.requiredFunds = 75'000;
  s.exposure.availableFunds = 75'000;
  expectPasses(s.check());
  s.exposure.availableFunds = -10;
  expectBreaks(s.check(), RiskRule::Margin, RiskUnit::Money, -10, 75'000);
}

TEST(RiskRules, OrderConsumingNoFundsPassesEvenWithNegativeFunds) {
  Scenario s;
  s.order.side = Side::Sell;
  s.exposure.position = Quantity::fromRaw(100);
  s.exposure.requiredFunds = 0;
  s.exposure.availableFunds = -5'000;
  expectPasses(s.check());
}

TEST(RiskRules, MaxLeverageOnMarginAccounts) {
  Scenario s;
  s.exposure.accountType = AccountType::Margin;
  s.account.maxLeverageHundredths = 300;  // 3.00x
  s.exposure.equity = 1'000'000;
  s.exposure.grossExposure = 2'500'000;
  s.order.notional = 500'000;  // exactly 3.00x
  expectPasses(s.check());
  s.order.notional = 500'001;  // 3.000001x, reported rounded up
  expectBreaks(s.check(), RiskRule::MaxLeverage, RiskUnit::Ratio, 300, 301);
  s.order.notional = 1'500'000;
  expectBreaks(s.check(), RiskRule::MaxLeverage, RiskUnit::Ratio, 300, 400);
}

TEST(RiskRules, MaxLeverageWithoutPositiveEquityBreaks) {
  Scenario s;
  s.exposure.accountType = AccountType::Margin;
  s.account.maxLeverageHundredths = 300;
  s.exposure.equity = 0;
  expectBreaks(s.check(), RiskRule::MaxLeverage, RiskUnit::Money, 0, 0);
  s.exposure.equity = -5;
  expectBreaks(s.check(), RiskRule::MaxLeverage, RiskUnit::Money, 0, -5);
}

TEST(RiskRules, MaxLeverageIgnoredOnCashAccounts) {
  Scenario s;
  s.account.maxLeverageHundredths = 100;
  s.exposure.equity = 0;
  s.exposure.grossExposure = 5'000'000;
  expectPasses(s.check());
}

// ---------------------------------------------------------------------------------------------
// 16: order rate, taken last

TEST(RiskRules, OrderRateAfterBurst) {
  Scenario s;
  s.account.orderRatePerSecond = 2;
  expectPasses(s.check());
  expectPasses(s.check());
  expectBreaks(s.check(), RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 2, 2);
  s.now = s.now + 500'000'000;  // half a second: one token back
  expectPasses(s.check());
  expectBreaks(s.check(), RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 2, 2);
}

TEST(RiskRules, OrderRateReportsConfiguredBurst) {
  Scenario s;
  s.account.orderRatePerSecond = 5;
  s.account.orderBurst = 1;
  expectPasses(s.check());
  expectBreaks(s.check(), RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 5, 1);
}

TEST(RiskRules, RejectedOrderTakesNoRateToken) {
  Scenario s;
  s.account.orderRatePerSecond = 1;
  s.bucket.configure(1, 0);  // as the engine's bucket would be after earlier orders
  s.instrument.maxOrderQuantity = 10;
  for (int i = 0; i < 5; ++i) {
    expectBreaks(s.check(), RiskRule::MaxOrderQuantity, RiskUnit::Quantity, 10, 100);
  }
  EXPECT_EQ(s.bucket.tokensAt(s.now), 1u);
  s.instrument.maxOrderQuantity = 0;
  expectPasses(s.check());  // the one token is still there
  expectBreaks(s.check(), RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 1, 1);
}

TEST(RiskRules, LimitChangeReconfiguresTheBucket) {
  Scenario s;
  s.account.orderRatePerSecond = 1;
  expectPasses(s.check());
  expectBreaks(s.check(), RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 1, 1);
  s.account.orderRatePerSecond = 0;  // limit removed
  expectPasses(s.check());
  expectPasses(s.check());
}

// ---------------------------------------------------------------------------------------------
// Rule order: start with a scenario that breaks every rule, then cure the reported rule one at
// a time; the verdicts must come out in the documented order.

struct Step {
  RiskRule expected;
  std::function<void(Scenario&)> cure;
};

void expectOrder(Scenario s, const std::vector<Step>& steps) {
  const TokenBucket bucketBefore = s.bucket;
  for (const Step& step : steps) {
    const RiskVerdict v = s.check();
    ASSERT_EQ(v.rule, step.expected) << "got " << toString(v.rule) << " expected " << toString(step.expected);
    EXPECT_EQ(s.bucket, bucketBefore) << "a rejection before the rate rule must not touch the bucket";
    step.cure(s);
  }
  expectPasses(s.check());
}

// Everything broken except the account-type specific rules, which `type` decides.
Scenario everythingBroken(AccountType type) {
  Scenario s;
  s.killSwitch = true;
  s.state = TradingState::Halted;
  s.order.side = Side::Sell;
  s.order.restricted = true;
  s.order.quantity = Quantity::fromRaw(100);
  s.order.price = Price::fromRaw(6000);  // 20% and 1000 ticks off the reference
  s.exposure.accountType = type;
  s.exposure.position = Quantity::zero();
  s.exposure.openOrders = 5;
  s.exposure.grossExposure = 1'000'000;
  s.exposure.netExposure = 0;
  s.exposure.requiredFunds = 100'000;
  s.exposure.availableFunds = 10;
  s.exposure.equity = 10'000;
  s.instrument.maxOrderQuantity = 50;
  s.instrument.maxShortPosition = 50;
  s.account.maxOrderNotional = 400'000;
  s.account.collarBasisPoints = 100;
  s.account.collarTicks = 10;
  s.account.maxOpenOrders = 5;
  s.account.maxGrossExposure = 1'000'000;
  s.account.maxNetExposure = 400'000;
  s.account.maxLeverageHundredths = 100;
  s.account.orderRatePerSecond = 1;
  s.bucket.configure(1, 0);
  EXPECT_TRUE(s.bucket.tryTake(s.now));  // the only token is gone: the rate rule breaks too
  return s;
}

std::vector<Step> commonHead() {
  return {
      {RiskRule::KillSwitch, [](Scenario& s) { s.killSwitch = false; }},
      {RiskRule::TradingHalted, [](Scenario& s) { s.state = TradingState::ReducingOnly; }},
      {RiskRule::ReducingOnly, [](Scenario& s) { s.state = TradingState::Active; }},
      {RiskRule::RestrictedInstrument, [](Scenario& s) { s.order.restricted = false; }},
      {RiskRule::MaxOrderQuantity, [](Scenario& s) { s.instrument.maxOrderQuantity = 0; }},
      {RiskRule::MaxOrderNotional, [](Scenario& s) { s.account.maxOrderNotional = 0; }},
      {RiskRule::PriceCollarPercent, [](Scenario& s) { s.account.collarBasisPoints = 0; }},
      {RiskRule::PriceCollarTicks, [](Scenario& s) { s.account.collarTicks = 0; }},
      {RiskRule::MaxOpenOrders, [](Scenario& s) { s.account.maxOpenOrders = 0; }},
      {RiskRule::MaxShortPosition, [](Scenario& s) { s.instrument.maxShortPosition = 0; }},
  };
}

TEST(RiskRuleOrder, CashAccount) {
  std::vector<Step> steps = commonHead();
  steps.push_back({RiskRule::NakedShort, [](Scenario& s) { s.exposure.position = Quantity::fromRaw(100); }});
  steps.push_back({RiskRule::MaxGrossExposure, [](Scenario& s) { s.account.maxGrossExposure = 0; }});
  steps.push_back({RiskRule::MaxNetExposure, [](Scenario& s) { s.account.maxNetExposure = 0; }});
  steps.push_back({RiskRule::BuyingPower, [](Scenario& s) { s.exposure.availableFunds = 1'000'000; }});
  // Leverage is a margin-account rule: not in the cash chain although its limit is broken.
  steps.push_back({RiskRule::OrderRate, [](Scenario& s) { s.now = s.now + 1'000'000'000; }});
  expectOrder(everythingBroken(AccountType::Cash), steps);
}

TEST(RiskRuleOrder, MarginAccount) {
  std::vector<Step> steps = commonHead();
  // Naked short is a cash-account rule: skipped.
  steps.push_back({RiskRule::MaxGrossExposure, [](Scenario& s) { s.account.maxGrossExposure = 0; }});
  steps.push_back({RiskRule::MaxNetExposure, [](Scenario& s) { s.account.maxNetExposure = 0; }});
  steps.push_back({RiskRule::Margin, [](Scenario& s) { s.exposure.availableFunds = 1'000'000; }});
  steps.push_back({RiskRule::MaxLeverage, [](Scenario& s) { s.account.maxLeverageHundredths = 0; }});
  steps.push_back({RiskRule::OrderRate, [](Scenario& s) { s.now = s.now + 1'000'000'000; }});
  expectOrder(everythingBroken(AccountType::Margin), steps);
}

// ---------------------------------------------------------------------------------------------
// reducesPosition and effectiveState

TEST(ReducesPosition, Definition) {
  const auto q = [](std::int64_t v) { return Quantity::fromRaw(v); };
  // Sells against a long.
  EXPECT_TRUE(reducesPosition(Side::Sell, q(100), q(500), q(0)));
  EXPECT_TRUE(reducesPosition(Side::Sell, q(500), q(500), q(0)));   // to flat
  EXPECT_FALSE(reducesPosition(Side::Sell, q(501), q(500), q(0)));  // flips
  EXPECT_TRUE(reducesPosition(Side::Sell, q(300), q(500), q(200)));
  EXPECT_FALSE(reducesPosition(Side::Sell, q(301), q(500), q(200)));  // with open sells, flips
  EXPECT_FALSE(reducesPosition(Side::Sell, q(1), q(0), q(0)));        // flat: opens a short
  EXPECT_FALSE(reducesPosition(Side::Sell, q(1), q(-10), q(0)));      // grows a short
  // Buys against a short.
  EXPECT_TRUE(reducesPosition(Side::Buy, q(100), q(-100), q(0)));
  EXPECT_FALSE(reducesPosition(Side::Buy, q(101), q(-100), q(0)));
  EXPECT_FALSE(reducesPosition(Side::Buy, q(60), q(-100), q(50)));
  EXPECT_FALSE(reducesPosition(Side::Buy, q(1), q(10), q(0)));  // grows a long
  // Negative inputs never loosen the test; Side::None is never reducing.
  EXPECT_FALSE(reducesPosition(Side::Sell, q(200), q(100), q(-1000)));
  EXPECT_TRUE(reducesPosition(Side::Sell, q(-5), q(100), q(0)));  // read as 0
  EXPECT_FALSE(reducesPosition(Side::None, q(1), q(100), q(0)));
  // Extreme values do not overflow.
  EXPECT_FALSE(reducesPosition(Side::Buy, q(kMax), q(kMin + 1), q(kMax)));
  EXPECT_TRUE(reducesPosition(Side::Sell, q(kMax), q(kMax), q(0)));
  EXPECT_FALSE(reducesPosition(Side::Sell, q(kMax), q(kMax), q(1)));
}

TEST(EffectiveState, MostRestrictiveWins) {
  using S = TradingState;
  const S all[] = {S::Active, S::ReducingOnly, S::Halted};
  for (S g : all) {
    for (S a : all) {
      const S expected = static_cast<S>(std::max(static_cast<int>(g), static_cast<int>(a)));
      EXPECT_EQ(effectiveState(g, a), expected) << toString(g) << " + " << toString(a);
    }
  }
  EXPECT_EQ(effectiveState(static_cast<S>(42), S::Active), S::Halted);
  static_assert(effectiveState(S::ReducingOnly, S::Active) == S::ReducingOnly);
}

// ---------------------------------------------------------------------------------------------
// Extreme values: nothing overflows (UBSan would abort), verdicts are exact, reports saturate.

TEST(RiskOverflow, PositionLimitsWithExtremeQuantities) {
  Scenario s;
  s.exposure.accountType = AccountType::Margin;
  s.instrument.maxLongPosition = kMax;
  s.exposure.position = Quantity::fromRaw(kMax);
  s.exposure.openBuy = Quantity::fromRaw(kMax);
  s.order.quantity = Quantity::fromRaw(kMax);
  expectBreaks(s.check(), RiskRule::MaxLongPosition, RiskUnit::Quantity, kMax, kMax);  // 3 * kMax, saturated
  s.order.side = Side::Sell;
  s.instrument.maxShortPosition = kMax;
  s.exposure.position = Quantity::fromRaw(kMin + 1);
  s.exposure.openSell = Quantity::fromRaw(kMax);
  expectBreaks(s.check(), RiskRule::MaxShortPosition, RiskUnit::Quantity, kMax, kMax);
  s.exposure.position = Quantity::fromRaw(kMax);  // a full sell of a maximal long: flat, fine
  s.exposure.openSell = Quantity::zero();
  expectPasses(s.check());
}

TEST(RiskOverflow, ExposureAndLeverageWithExtremeMoney) {
  Scenario s;
  s.exposure.accountType = AccountType::Margin;
  s.account.maxGrossExposure = kMax;
  s.exposure.grossExposure = kMax;
  s.order.notional = 1;
  expectBreaks(s.check(), RiskRule::MaxGrossExposure, RiskUnit::Money, kMax, kMax);
  s.order.notional = 0;
  expectPasses(s.check());

  s.account.maxGrossExposure = 0;
  s.account.maxNetExposure = kMax;
  s.exposure.netExposure = kMin;
  s.order.side = Side::Sell;
  s.order.notional = kMax;
  expectBreaks(s.check(), RiskRule::MaxNetExposure, RiskUnit::Money, kMax, kMax);

  s.account.maxNetExposure = 0;
  s.account.maxLeverageHundredths = std::numeric_limits<std::uint32_t>::max();
  s.exposure.grossExposure = kMax;
  s.exposure.equity = 1;
  expectBreaks(s.check(), RiskRule::MaxLeverage, RiskUnit::Ratio, std::numeric_limits<std::uint32_t>::max(), kMax);
  s.exposure.equity = kMax;  // leverage just over 2.00x: fine under a huge limit
  expectPasses(s.check());
}

TEST(RiskOverflow, CollarsWithExtremePrices) {
  Scenario s;
  s.account.collarBasisPoints = std::numeric_limits<std::uint32_t>::max();
  s.account.collarTicks = std::numeric_limits<std::uint32_t>::max();
  s.order.referencePrice = Price::fromRaw(1);
  s.order.price = Price::fromRaw(kMax);
  expectBreaks(s.check(), RiskRule::PriceCollarPercent, RiskUnit::BasisPoints,
               std::numeric_limits<std::uint32_t>::max(), kMax);
  s.account.collarBasisPoints = 0;
  s.order.referencePrice = Price::fromRaw(kMin + 1);
  s.order.tickSize = Price::fromRaw(1);
  expectBreaks(s.check(), RiskRule::PriceCollarTicks, RiskUnit::Ticks, std::numeric_limits<std::uint32_t>::max(), kMax);
}

TEST(RiskOverflow, OrderLimitsWithExtremeValues) {
  Scenario s;
  s.instrument.maxOrderQuantity = kMax;
  s.account.maxOrderNotional = kMax;
  s.account.maxOpenOrders = std::numeric_limits<std::uint32_t>::max();
  s.exposure.openOrders = std::numeric_limits<std::uint32_t>::max();
  s.order.quantity = Quantity::fromRaw(kMax);
  s.order.notional = kMax;
  expectBreaks(s.check(), RiskRule::MaxOpenOrders, RiskUnit::Count, std::numeric_limits<std::uint32_t>::max(),
               std::int64_t{std::numeric_limits<std::uint32_t>::max()} + 1);
}

TEST(RiskRules, NegativeNotionalIsReadAsZero) {
  Scenario s;
  s.account.maxGrossExposure = 1'000;
  s.exposure.grossExposure = 1'000;
  s.order.notional = -1'000'000;  // must not lower the gross figure below the limit
  expectPasses(s.check());
  s.exposure.grossExposure = 1'001;
  expectBreaks(s.check(), RiskRule::MaxGrossExposure, RiskUnit::Money, 1'000, 1'001);
}

// ---------------------------------------------------------------------------------------------
// No allocation on the order path.

TEST(RiskRules, CheckNewOrderDoesNotAllocate) {
  Scenario s;
  s.account.orderRatePerSecond = 1'000;
  s.account.maxGrossExposure = 1'000'000'000;
  s.account.collarBasisPoints = 100;
  s.instrument.maxLongPosition = 1'000'000;
  s.state = TradingState::Active;
  int passed = 0;
  const std::uint64_t before = bench::allocationCount();
  for (int i = 0; i < 10'000; ++i) {
    s.now = s.now + 100'000;  // 0.1 ms apart: the bucket runs dry now and then
    s.order.side = (i % 2 == 0) ? Side::Buy : Side::Sell;
    s.exposure.accountType = (i % 3 == 0) ? AccountType::Margin : AccountType::Cash;
    passed += s.check().passed() ? 1 : 0;
  }
  EXPECT_EQ(bench::allocationCount() - before, 0u);
  EXPECT_GT(passed, 0);
  EXPECT_LT(passed, 10'000);
}

// ---------------------------------------------------------------------------------------------
// Names, parsing, describe

TEST(RiskNames, WireValuesAreFixed) {
  static_assert(sizeof(RiskRule) == 1 && sizeof(RiskUnit) == 1 && sizeof(TradingState) == 1 &&
                sizeof(AccountType) == 1);
  EXPECT_EQ(static_cast<int>(RiskRule::None), 0);
  EXPECT_EQ(static_cast<int>(RiskRule::MaxOrderQuantity), 1);
  EXPECT_EQ(static_cast<int>(RiskRule::PriceCollarPercent), 9);
  EXPECT_EQ(static_cast<int>(RiskRule::OrderRate), 12);
  EXPECT_EQ(static_cast<int>(RiskRule::KillSwitch), 17);
  EXPECT_EQ(static_cast<int>(RiskRule::MaxLeverage), 18);
  EXPECT_EQ(static_cast<int>(RiskUnit::Ratio), 8);
  EXPECT_EQ(static_cast<int>(TradingState::Halted), 2);
  EXPECT_EQ(static_cast<int>(AccountType::Margin), 2);
}

TEST(RiskNames, EveryRuleAndUnitHasADistinctName) {
  std::vector<std::string> names;
  for (int r = 0; r <= 18; ++r) names.emplace_back(toString(static_cast<RiskRule>(r)));
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_NE(names[i], "unknown") << i;
    for (std::size_t j = i + 1; j < names.size(); ++j) EXPECT_NE(names[i], names[j]);
  }
  EXPECT_EQ(toString(static_cast<RiskRule>(19)), "unknown");
  EXPECT_EQ(toString(RiskRule::MaxOrderQuantity), "max_order_quantity");
  EXPECT_EQ(toString(RiskRule::PriceCollarTicks), "price_collar_ticks");
  for (int u = 0; u <= 8; ++u) EXPECT_NE(toString(static_cast<RiskUnit>(u)), "unknown") << u;
  EXPECT_EQ(toString(RiskUnit::BasisPoints), "basis_points");
  EXPECT_EQ(toString(static_cast<RiskUnit>(9)), "unknown");
}

TEST(RiskNames, TradingStateAndAccountTypeRoundTrip) {
  for (TradingState s : {TradingState::Active, TradingState::ReducingOnly, TradingState::Halted}) {
    EXPECT_EQ(parseTradingState(toString(s)), s);
  }
  EXPECT_EQ(toString(TradingState::ReducingOnly), "reducing_only");
  EXPECT_EQ(parseTradingState("Halted"), std::nullopt);  // names are lower case, exactly
  EXPECT_EQ(parseTradingState(""), std::nullopt);
  EXPECT_EQ(parseTradingState("reducing only"), std::nullopt);
  EXPECT_EQ(parseAccountType("cash"), AccountType::Cash);
  EXPECT_EQ(parseAccountType("margin"), AccountType::Margin);
  EXPECT_EQ(parseAccountType("MARGIN"), std::nullopt);
  EXPECT_EQ(toString(AccountType::Cash), "cash");
}

TEST(RiskDescribe, Sentences) {
  EXPECT_EQ(describe(RiskVerdict{}), "passed");
  EXPECT_EQ(describe({RiskRule::MaxOrderQuantity, RiskUnit::Quantity, 1000, 1500}),
            "max order quantity: value 1500 exceeds limit 1000 (quantity)");
  EXPECT_EQ(describe({RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 500, 501}),
            "price collar percent: value 501 exceeds limit 500 (basis points)");
  EXPECT_EQ(describe({RiskRule::BuyingPower, RiskUnit::Money, -10, 75000}),
            "buying power: value 75000 exceeds limit -10 (money)");
  EXPECT_EQ(describe({RiskRule::KillSwitch, RiskUnit::None, 0, 0}), "kill switch: new orders are blocked");
  EXPECT_EQ(describe({RiskRule::TradingHalted, RiskUnit::None, 0, 0}), "trading halted: new orders are blocked");
  EXPECT_EQ(describe({RiskRule::RestrictedInstrument, RiskUnit::None, 0, 0}),
            "restricted instrument: the account may not trade it");
  EXPECT_EQ(describe({RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 10, 20}),
            "order rate: burst of 20 orders used up, refills at limit 10 (orders per second)");
  EXPECT_EQ(describe({RiskRule::MaxLeverage, RiskUnit::Money, 0, -5}),
            "max leverage: equity -5 is not positive (money)");
  EXPECT_EQ(describe({RiskRule::MaxLeverage, RiskUnit::Ratio, 300, 301}),
            "max leverage: value 301 exceeds limit 300 (ratio)");
}

}  // namespace
}  // namespace alphintra::risk
