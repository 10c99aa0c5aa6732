// Stress testing: the P&L of a portfolio (risk_portfolio.hpp) under a scenario of shocks per
// asset class, built in (stylized historical episodes) or defined by the user.
//
// A scenario shocks, per asset class, the prices of equity, FX, crypto and commodity (futures)
// by a relative move (-0.30: down 30%), interest rates by an absolute yield change (-0.01: down
// 100 bp), and option volatilities by an absolute change (+0.20: up 20 vol points). Linear
// positions gain quantity * multiplier * price * move; a rates position's price moves by
// -duration * yield change (its `duration` is required). Option positions are repriced in full
// with pricing.hpp: underlying shocked by its asset class's move, volatility by the vol shock
// (floored at kMinStressVolatility), the option's `rate` (domestic rate for FX) by the rates
// shock; the dividend yield, foreign rate and expiry are held (an instantaneous shock).
// The built-in shock sizes, and where they come from, are listed in docs/analytics-risk.md.
//
// Pure functions over plain values; reentrant.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/risk_portfolio.hpp"
#include "core/result.hpp"

namespace alphintra::analytics::risk {

struct StressShocks {
  double equity = 0;     // relative price move
  double fx = 0;         // relative price move
  double rates = 0;      // absolute yield change (decimal: 0.01 = 100 bp)
  double crypto = 0;     // relative price move
  double commodity = 0;  // relative price move (commodities and their futures)
  double vol = 0;        // absolute implied-volatility change (decimal: 0.10 = 10 vol points)
};

struct StressScenario {
  std::string name;
  StressShocks shocks;
};

inline constexpr double kMinStressVolatility = 1e-4;

// "2008-lehman", "2020-covid-march", "2022-rates", in that order.
std::span<const StressScenario> builtInScenarios() noexcept;
const StressScenario* findBuiltInScenario(std::string_view name) noexcept;

// Relative price move of a position under a scenario: its asset class's move, or
// -duration * rates for a rates position. Requires the duration for rates.
double priceMove(const Position& position, const StressShocks& shocks) noexcept;

struct StressResult {
  std::string scenario;
  double pnl = 0;                   // sum of positionPnl
  std::vector<double> positionPnl;  // one per position, in order
};

// Validates the positions (stress does not use factor indices; a rates position needs a duration:
// error "positions[i].duration") and the shocks (finite; a relative move > -1: error on the
// asset class, "equity", ..., which the JSON layer prefixes with the scenario).
Result<StressResult> stress(std::span<const Position> positions, const StressScenario& scenario);

}  // namespace alphintra::analytics::risk
