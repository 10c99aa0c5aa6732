#include "analytics/performance.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace alphintra::analytics {
namespace {

std::optional<Error> checkFinite(std::span<const double> values, const char* field) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) return makeError(fmt::format("{}[{}]", field, i), "must be a finite number");
  }
  return std::nullopt;
}

double mean(std::span<const double> values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

// Sample standard deviation (divisor n - 1).
double sampleStdDev(std::span<const double> values) {
  const double m = mean(values);
  double sum = 0;
  for (double v : values) sum += (v - m) * (v - m);
  return std::sqrt(sum / static_cast<double>(values.size() - 1));
}

struct WinLoss {
  std::optional<double> winRate;
  std::optional<double> profitFactor;
};

// A zero is neither a win nor a loss, but counts in the win rate's denominator.
WinLoss winLoss(std::span<const double> outcomes) {
  WinLoss out;
  if (outcomes.empty()) return out;
  std::size_t wins = 0;
  double grossProfit = 0;
  double grossLoss = 0;
  for (double v : outcomes) {
    if (v > 0) {
      ++wins;
      grossProfit += v;
    } else if (v < 0) {
      grossLoss -= v;
    }
  }
  out.winRate = static_cast<double>(wins) / static_cast<double>(outcomes.size());
  if (grossLoss > 0) out.profitFactor = grossProfit / grossLoss;
  return out;
}

}  // namespace

Drawdown maxDrawdown(std::span<const double> equity) {
  Drawdown out;
  if (equity.empty()) return out;
  double peak = equity[0];
  std::size_t peakIndex = 0;
  double troughPeak = 0;
  for (std::size_t t = 0; t < equity.size(); ++t) {
    if (equity[t] >= peak) {  // at or above the peak: not under water, and the latest peak
      peak = equity[t];
      peakIndex = t;
      continue;
    }
    const double depth = 1.0 - equity[t] / peak;
    if (depth > out.depth) {
      out.depth = depth;
      out.start = peakIndex;
      out.trough = t;
      troughPeak = peak;
    }
  }
  if (!out.trough) return out;
  for (std::size_t t = *out.trough + 1; t < equity.size(); ++t) {
    if (equity[t] >= troughPeak) {
      out.recovery = t;
      break;
    }
  }
  out.duration = (out.recovery ? *out.recovery : equity.size() - 1) - *out.start;
  return out;
}

Result<PerformanceReport> computePerformance(const PerformanceInput& input) {
  if (!std::isfinite(input.periodsPerYear) || input.periodsPerYear <= 0) {
    return makeError("periods_per_year", fmt::format("must be > 0, got {}", input.periodsPerYear));
  }
  if (!std::isfinite(input.riskFreeRate) || input.riskFreeRate <= -1) {
    return makeError("risk_free_rate", fmt::format("must be > -1, got {}", input.riskFreeRate));
  }
  if (!input.returns.empty() && !input.equity.empty()) {
    return makeError("equity", "give either returns or equity, not both");
  }

  std::vector<double> returns;
  std::vector<double> equity;
  if (!input.equity.empty()) {
    if (input.equity.size() < 3) {
      return makeError("equity", fmt::format("needs at least 3 values (2 periods), got {}", input.equity.size()));
    }
    for (std::size_t i = 0; i < input.equity.size(); ++i) {
      const double e = input.equity[i];
      if (!std::isfinite(e) || e <= 0)
        return makeError(fmt::format("equity[{}]", i), fmt::format("must be > 0, got {}", e));
    }
    equity = input.equity;
    returns.reserve(equity.size() - 1);
    for (std::size_t t = 1; t < equity.size(); ++t) returns.push_back(equity[t] / equity[t - 1] - 1.0);
  } else {
    if (input.returns.size() < 2) {
      return makeError("returns", fmt::format("needs at least 2 returns, got {}", input.returns.size()));
    }
    for (std::size_t i = 0; i < input.returns.size(); ++i) {
      const double r = input.returns[i];
      if (!std::isfinite(r) || r <= -1)
        return makeError(fmt::format("returns[{}]", i), fmt::format("must be > -1, got {}", r));
    }
    returns = input.returns;
    equity.reserve(returns.size() + 1);
    equity.push_back(1.0);
    for (double r : returns) equity.push_back(equity.back() * (1.0 + r));
  }

  const std::size_t n = returns.size();
  const double ppy = input.periodsPerYear;
  PerformanceReport out;
  out.periods = n;
  out.years = static_cast<double>(n) / ppy;
  const double growth = equity.back() / equity.front();
  out.totalReturn = growth - 1.0;
  out.cagr = std::pow(growth, 1.0 / out.years) - 1.0;
  out.annualizedVolatility = sampleStdDev(returns) * std::sqrt(ppy);

  const double riskFreePerPeriod = std::pow(1.0 + input.riskFreeRate, 1.0 / ppy) - 1.0;
  std::vector<double> excess(n);
  double downsideSquares = 0;
  for (std::size_t t = 0; t < n; ++t) {
    excess[t] = returns[t] - riskFreePerPeriod;
    if (excess[t] < 0) downsideSquares += excess[t] * excess[t];
  }
  const double meanExcess = mean(excess);
  const double excessStdDev = sampleStdDev(excess);
  if (excessStdDev > 0) out.sharpe = meanExcess / excessStdDev * std::sqrt(ppy);
  const double downsidePerPeriod = std::sqrt(downsideSquares / static_cast<double>(n));
  out.downsideDeviation = downsidePerPeriod * std::sqrt(ppy);
  if (downsidePerPeriod > 0) out.sortino = meanExcess / downsidePerPeriod * std::sqrt(ppy);

  out.maxDrawdown = maxDrawdown(equity);
  if (out.maxDrawdown.depth > 0) out.calmar = out.cagr / out.maxDrawdown.depth;

  WinLoss wl;
  if (input.tradePnls) {
    if (input.tradePnls->empty()) return makeError("trades", "must not be empty when given");
    if (auto e = checkFinite(*input.tradePnls, "trades")) return *e;
    out.winBasis = WinBasis::Trades;
    wl = winLoss(*input.tradePnls);
  } else {
    wl = winLoss(returns);
  }
  out.winRate = wl.winRate;
  out.profitFactor = wl.profitFactor;

  if (input.positions) {
    const auto& w = *input.positions;
    if (w.size() != n) {
      return makeError("positions",
                       fmt::format("has {} values but there are {} periods (one position per return)", w.size(), n));
    }
    if (auto e = checkFinite(w, "positions")) return *e;
    Exposure x;
    std::size_t inMarket = 0;
    double gross = 0;
    double traded = 0;
    double previous = 0;
    for (double wt : w) {
      if (wt != 0) ++inMarket;
      gross += std::abs(wt);
      traded += std::abs(wt - previous);
      previous = wt;
    }
    x.timeInMarket = static_cast<double>(inMarket) / static_cast<double>(n);
    x.averageGrossExposure = gross / static_cast<double>(n);
    x.annualizedTurnover = traded / out.years;
    out.exposure = x;
  }
  return out;
}

}  // namespace alphintra::analytics
