#include "backtest/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace alphintra::backtest {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDayNs = 86'400e9;
}  // namespace

double inferPeriodsPerYear(const std::vector<EquityPoint>& equity) noexcept {
  if (equity.size() < 2) return 252;
  std::vector<std::int64_t> gaps;
  gaps.reserve(equity.size() - 1);
  for (std::size_t i = 1; i < equity.size(); ++i) gaps.push_back(equity[i].time - equity[i - 1].time);
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  const double median = static_cast<double>(gaps[gaps.size() / 2]);
  if (median <= 0) return 252;
  if (median >= 20 * 3600e9) return 252;
  return 252.0 * 6.5 * 3600e9 / median;
}

std::vector<double> periodReturns(const std::vector<EquityPoint>& equity, double initialEquity) {
  std::vector<double> r;
  r.reserve(equity.size());
  double previous = initialEquity;
  for (const EquityPoint& p : equity) {
    r.push_back(previous != 0 ? p.equity / previous - 1 : 0.0);
    previous = p.equity;
  }
  return r;
}

Metrics computeMetrics(const BacktestResult& result, double periodsPerYear) {
  Metrics m;
  const auto& eq = result.equity;
  m.initialEquity = result.initialEquity;
  m.finalEquity = result.finalEquity;
  m.fills = result.fills.size();
  m.trades = result.trades.size();
  m.bars = eq.size();
  m.periodsPerYear = periodsPerYear > 0 ? periodsPerYear : inferPeriodsPerYear(eq);
  m.totalReturn = m.initialEquity != 0 ? m.finalEquity / m.initialEquity - 1 : kNaN;
  m.years = eq.size() >= 2 ? static_cast<double>(eq.back().time - eq.front().time) / (365.25 * kDayNs) : 0;
  m.cagr = m.years > 0 && m.finalEquity > 0 && m.initialEquity > 0
               ? std::pow(m.finalEquity / m.initialEquity, 1.0 / m.years) - 1
               : kNaN;

  const std::vector<double> r = periodReturns(eq, m.initialEquity);
  const double n = static_cast<double>(r.size());
  double mean = 0;
  for (double x : r) mean += x;
  mean = r.empty() ? 0 : mean / n;
  double ss = 0;
  double down = 0;
  for (double x : r) {
    ss += (x - mean) * (x - mean);
    if (x < 0) down += x * x;
  }
  const double sd = r.size() > 1 ? std::sqrt(ss / (n - 1)) : kNaN;
  const double dd = r.empty() ? kNaN : std::sqrt(down / n);
  const double annual = std::sqrt(m.periodsPerYear);
  m.annualVolatility = sd * annual;
  m.sharpe = sd > 0 ? mean / sd * annual : kNaN;
  m.sortino = dd > 0 ? mean / dd * annual : kNaN;

  double peak = m.initialEquity;
  Timestamp peakTime = eq.empty() ? Timestamp{} : eq.front().time;
  std::size_t peakIndex = 0;
  bool underwater = false;
  for (std::size_t k = 0; k < eq.size(); ++k) {
    const double e = eq[k].equity;
    if (e >= peak) {
      if (underwater) {
        const double days = static_cast<double>(eq[k].time - peakTime) / kDayNs;
        if (days > m.maxDrawdownDays) m.maxDrawdownDays = days;
        m.maxDrawdownBars = std::max(m.maxDrawdownBars, k - peakIndex);
      }
      underwater = false;
      peak = e;
      peakTime = eq[k].time;
      peakIndex = k;
      continue;
    }
    underwater = true;
    if (peak > 0) m.maxDrawdown = std::max(m.maxDrawdown, 1 - e / peak);
  }
  if (underwater) {
    const double days = static_cast<double>(eq.back().time - peakTime) / kDayNs;
    if (days > m.maxDrawdownDays) m.maxDrawdownDays = days;
    m.maxDrawdownBars = std::max(m.maxDrawdownBars, eq.size() - 1 - peakIndex);
  }
  m.calmar = m.maxDrawdown > 0 ? m.cagr / m.maxDrawdown : kNaN;

  double wins = 0;
  double gains = 0;
  double losses = 0;
  for (const RoundTrip& t : result.trades) {
    if (t.pnl > 0) {
      ++wins;
      gains += t.pnl;
    } else {
      losses -= t.pnl;
    }
  }
  m.winRate = result.trades.empty() ? kNaN : wins / static_cast<double>(result.trades.size());
  m.profitFactor = losses > 0 ? gains / losses : kNaN;

  double sumEquity = 0;
  std::size_t invested = 0;
  for (const EquityPoint& p : eq) {
    sumEquity += p.equity;
    if (std::abs(p.grossExposure) > 1e-9) ++invested;
  }
  const double meanEquity = eq.empty() ? 0 : sumEquity / static_cast<double>(eq.size());
  m.turnover = meanEquity > 0 && m.years > 0 ? result.tradedNotional / meanEquity / m.years : kNaN;
  m.exposure = eq.empty() ? kNaN : static_cast<double>(invested) / static_cast<double>(eq.size());
  return m;
}

}  // namespace alphintra::backtest
