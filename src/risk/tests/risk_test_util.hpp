// Shared test fixture for the risk rules: a baseline order that passes every rule, which each
// test then bends until exactly one rule breaks (or sits exactly at its limit).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

#include "risk/rules.hpp"

namespace alphintra::risk::testing {

// Buy 100 @ 50.00 (price precision 2, tick 0.01), reference 50.00, notional $5,000.00 in cents,
// on a cash account with $100,000.00 free, no limits, Active, no kill switch, unlimited rate.
struct Scenario {
  OrderFacts order;
  ExposureFacts exposure;
  AccountLimits account;
  InstrumentLimits instrument;
  TradingState state = TradingState::Active;
  bool killSwitch = false;
  TokenBucket bucket;
  Timestamp now = Timestamp::fromSeconds(1'700'000'000);

  Scenario() {
    order.side = Side::Buy;
    order.hasLimitPrice = true;
    order.price = Price::fromRaw(5000);
    order.quantity = Quantity::fromRaw(100);
    order.referencePrice = Price::fromRaw(5000);
    order.tickSize = Price::fromRaw(1);
    order.notional = 500'000;
    exposure.accountType = AccountType::Cash;
    exposure.availableFunds = 10'000'000;
    exposure.requiredFunds = 500'000;
    exposure.equity = 10'000'000;
  }

  RiskVerdict check() { return checkNewOrder(order, exposure, account, instrument, state, killSwitch, bucket, now); }
};

inline void expectBreaks(const RiskVerdict& v, RiskRule rule, RiskUnit unit, std::int64_t limit, std::int64_t value) {
  EXPECT_EQ(v.rule, rule) << "got " << toString(v.rule) << ", expected " << toString(rule);
  EXPECT_EQ(v.unit, unit) << toString(v.unit);
  EXPECT_EQ(v.limit, limit);
  EXPECT_EQ(v.value, value);
  EXPECT_FALSE(v.passed());
}

inline void expectPasses(const RiskVerdict& v) {
  EXPECT_TRUE(v.passed()) << describe(v);
  EXPECT_EQ(v, RiskVerdict{});
}

}  // namespace alphintra::risk::testing
