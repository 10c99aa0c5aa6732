// Market-risk portfolios: the positions that Value-at-Risk (var.hpp) and stress testing
// (stress.hpp) revalue, the matrices of risk-factor returns and covariances they read, and the
// revaluation of one position under a move of its underlying.
//
// A position is a quantity of an instrument whose price moves with one risk factor (a column of
// the returns or covariance matrix). Linear positions (equity, FX, futures, crypto, bonds) gain
// quantity * multiplier * price * return; option positions are repriced in full with the
// analytics pricing functions (pricing.hpp), the position's price being the option's underlying
// (spot, or the forward for black76). Factor returns are simple (arithmetic) returns of that price
// over one day: the shocked price is price * (1 + return). Units: money in the currency of the
// prices; docs/analytics-risk.md has the conventions.
//
// Types live in namespace `risk` so that they do not collide with other analytics features.
// Plain values; every function is reentrant and safe to call from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/option.hpp"
#include "core/result.hpp"

namespace alphintra::analytics::risk {

// The asset class of a position's price (of the underlying, for an option): stress scenarios
// shock prices per asset class.
enum class AssetClass : std::uint8_t { Equity = 0, Fx = 1, Rates = 2, Crypto = 3, Commodity = 4 };

constexpr std::string_view toString(AssetClass c) noexcept {
  switch (c) {
    case AssetClass::Equity: return "equity";
    case AssetClass::Fx: return "fx";
    case AssetClass::Rates: return "rates";
    case AssetClass::Crypto: return "crypto";
    case AssetClass::Commodity: return "commodity";
  }
  return "";
}

struct Position {
  std::string id;  // how results name it
  AssetClass assetClass = AssetClass::Equity;
  double quantity = 0;               // signed: negative is short
  double price = 0;                  // > 0; the instrument's price, or the option's underlying
  double multiplier = 1;             // > 0; contract size
  std::size_t factor = 0;            // index of the risk factor (column) that moves `price`
  std::optional<double> duration;    // rates only: modified duration in years, for yield shocks
  std::optional<OptionSpec> option;  // set for an option position; option->underlying is ignored
};

// A dense row-major matrix of doubles: returns (one row per scenario, one column per factor)
// or a covariance (factors x factors).
struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> data;  // rows * cols values, row after row

  Matrix() = default;
  Matrix(std::size_t r, std::size_t c) : rows(r), cols(c), data(r * c, 0.0) {}
  double& operator()(std::size_t r, std::size_t c) { return data[r * cols + c]; }
  double operator()(std::size_t r, std::size_t c) const { return data[r * cols + c]; }
  std::span<const double> row(std::size_t r) const { return {data.data() + r * cols, cols}; }
};

// Checks every position against the number of risk factors: price, multiplier and quantity
// finite (price, multiplier > 0), factor in range, the option valid (pricing.hpp's validate).
// The error field is "positions[i].<member>" ("positions[i].option.<member>" for the option).
std::optional<Error> validatePositions(std::span<const Position> positions, std::size_t factorCount);

// The value of an option position's option (per unit, before quantity and multiplier) with the
// underlying at `underlying`. At or below zero the option is worth its limit as the underlying
// goes to zero: 0 for a call; for a put the discounted strike (European) or the strike (American).
double optionValue(OptionSpec option, double underlying) noexcept;

// A portfolio prepared for repeated revaluation: today's option values computed once.
class Revaluer {
 public:
  explicit Revaluer(std::span<const Position> positions);

  std::span<const Position> positions() const noexcept { return positions_; }

  // Today's value of position i (quantity * multiplier * price, or * option value).
  double value(std::size_t i) const noexcept;
  // Sum of value(i).
  double portfolioValue() const noexcept;

  // P&L of position i when its price moves by the simple return `r` (shocked price
  // price * (1 + r)); options repriced in full, everything else held.
  double pnl(std::size_t i, double r) const noexcept;

  // Delta-equivalent money exposure of position i to its factor's return: d(value)/d(r).
  // quantity * multiplier * price for a linear position, * option delta for an option (American
  // options: central difference with a 1e-4 relative bump).
  double exposure(std::size_t i) const noexcept;

  // Money exposure of the portfolio per factor (size factorCount).
  std::vector<double> factorExposures(std::size_t factorCount) const;

  bool hasOptions() const noexcept { return hasOptions_; }

 private:
  std::span<const Position> positions_;
  std::vector<double> baseOptionValue_;  // per position; 0 for linear ones
  bool hasOptions_ = false;
};

}  // namespace alphintra::analytics::risk
