// Performance statistics of a backtest, from its equity curve (one point per bar time), its
// round trips and its traded notional. Definitions (returns r_k = E_k / E_{k−1} − 1, with E_0
// the initial equity before the first bar; P = periods per year):
//   total return       E_n / E_0 − 1
//   CAGR               (E_n / E_0)^(1 / years) − 1, years = (t_n − t_1) / 365.25 days
//   annual volatility  sample standard deviation of r × √P
//   Sharpe             mean(r) / sd(r) × √P (risk-free rate 0)
//   Sortino            mean(r) / √(Σ min(r, 0)² / n) × √P
//   max drawdown       max over k of 1 − E_k / max_{j≤k} E_j (a fraction); its duration is
//                      the longest time from a peak to the first point back at that peak (or
//                      to the end when never recovered), in days and in bars
//   Calmar             CAGR / max drawdown
//   win rate           round trips with P&L > 0 / round trips
//   profit factor      Σ winning P&L / |Σ losing P&L|
//   turnover           traded notional / mean equity / years (annualized, one side counted)
//   exposure           fraction of bars that end with a position open
// A figure that is undefined (no trades, zero variance, no loss) is NaN and written as null.
// P: given, or inferred from the median bar spacing (≥ 20 hours: 252 trading days; else
// 252 × 6.5 hours / spacing).
#pragma once

#include <cstddef>
#include <vector>

#include "backtest/backtester.hpp"

namespace alphintra::backtest {

struct Metrics {
  double initialEquity = 0;
  double finalEquity = 0;
  double totalReturn = 0;
  double cagr = 0;
  double annualVolatility = 0;
  double sharpe = 0;
  double sortino = 0;
  double maxDrawdown = 0;
  double maxDrawdownDays = 0;
  std::size_t maxDrawdownBars = 0;
  double calmar = 0;
  double winRate = 0;
  double profitFactor = 0;
  double turnover = 0;
  double exposure = 0;
  std::size_t trades = 0;
  std::size_t fills = 0;
  std::size_t bars = 0;
  double years = 0;
  double periodsPerYear = 0;
};

double inferPeriodsPerYear(const std::vector<EquityPoint>& equity) noexcept;

Metrics computeMetrics(const BacktestResult& result, double periodsPerYear = 0);

// Per-period simple returns of the curve (the first against the initial equity).
std::vector<double> periodReturns(const std::vector<EquityPoint>& equity, double initialEquity);

}  // namespace alphintra::backtest
