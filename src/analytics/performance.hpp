// Performance statistics of one return series: total return, CAGR, volatility, Sharpe, Sortino,
// maximum drawdown (depth, duration, start/trough/recovery), Calmar, win rate, profit factor,
// and exposure/turnover when the positions are given. Every formula, with its convention, is in
// docs/analytics-reporting.md; this file owns the numbers, reporting_json.hpp the JSON edge.
//
// Inputs are simple (not log) per-period returns; an equity curve is converted by
// r_t = E_t / E_{t-1} - 1. Index t of the equity curve is the value after t periods (index 0 is
// the start), which is how drawdown indices are reported for both kinds of input.
// Doubles throughout: analytics never touches the order path. Pure functions, no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/result.hpp"

namespace alphintra::analytics {

// Exactly one of `returns` and `equity` is given.
struct PerformanceInput {
  std::vector<double> returns;                   // simple returns, each > -1; at least 2
  std::vector<double> equity;                    // or equity values, each > 0; at least 3
  double periodsPerYear = 252;                   // > 0
  double riskFreeRate = 0;                       // per year, compounded: per period (1+rf)^(1/ppy) - 1
  std::optional<std::vector<double>> tradePnls;  // closed-trade P&Ls: win rate / profit factor basis
  std::optional<std::vector<double>> positions;  // signed weight held during period t, one per return
};

struct Drawdown {
  double depth = 0;                     // 1 - trough / peak, >= 0 (0.25 = a 25% fall)
  std::optional<std::size_t> start;     // equity index of the peak before the trough
  std::optional<std::size_t> trough;    // equity index of the lowest point
  std::optional<std::size_t> recovery;  // first equity index back at or above the peak
  std::size_t duration = 0;             // periods from start to recovery, or to the last index if not recovered
};

struct Exposure {
  double timeInMarket = 0;          // share of periods with a non-zero position
  double averageGrossExposure = 0;  // mean |position|
  double annualizedTurnover = 0;    // sum |w_t - w_{t-1}| (w_0 = 0) per year
};

enum class WinBasis : std::uint8_t { Periods = 0, Trades = 1 };

// std::nullopt where a ratio is undefined (a zero denominator); see the docs for each.
struct PerformanceReport {
  std::size_t periods = 0;
  double years = 0;
  double totalReturn = 0;
  double cagr = 0;
  double annualizedVolatility = 0;
  double downsideDeviation = 0;  // annualized
  std::optional<double> sharpe;
  std::optional<double> sortino;
  Drawdown maxDrawdown;
  std::optional<double> calmar;
  WinBasis winBasis = WinBasis::Periods;
  std::optional<double> winRate;
  std::optional<double> profitFactor;
  std::optional<Exposure> exposure;
};

// Validates the input (errors name the JSON field: "returns[3]", "positions", ...) and computes.
Result<PerformanceReport> computePerformance(const PerformanceInput& input);

// The maximum drawdown of an equity curve (values > 0; exposed for tests).
Drawdown maxDrawdown(std::span<const double> equity);

}  // namespace alphintra::analytics
