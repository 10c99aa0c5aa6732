// Statistics against values worked out by hand for a four-day curve.
#include <gtest/gtest.h>

#include <cmath>

#include "backtest/report.hpp"
#include "backtest/statistics.hpp"
#include "backtest/tests/scripted_strategy.hpp"

namespace alphintra::backtest {
namespace {

BacktestResult curve() {
  BacktestResult r;
  r.initialEquity = 100;
  const double values[] = {110, 99, 121, 121};
  for (int d = 0; d < 4; ++d) {
    EquityPoint p;
    p.time = Timestamp{testing::kStart + d * testing::kDay};
    p.equity = values[d];
    p.grossExposure = d < 2 ? 50 : 0;
    r.equity.push_back(p);
  }
  r.finalEquity = 121;
  RoundTrip win;
  win.pnl = 30;
  RoundTrip loss;
  loss.pnl = -10;
  r.trades = {win, loss, win};
  r.tradedNotional = 440;
  return r;
}

TEST(Statistics, HandWorkedCurve) {
  const Metrics m = computeMetrics(curve());
  EXPECT_DOUBLE_EQ(m.periodsPerYear, 252);  // daily spacing
  EXPECT_NEAR(m.totalReturn, 0.21, 1e-12);
  // returns 0.1, −0.1, 0.2222…, 0
  const double r[] = {0.1, -0.1, 121.0 / 99 - 1, 0};
  const double mean = (r[0] + r[1] + r[2] + r[3]) / 4;
  double ss = 0;
  for (double x : r) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / 3);
  EXPECT_NEAR(m.annualVolatility, sd * std::sqrt(252.0), 1e-12);
  EXPECT_NEAR(m.sharpe, mean / sd * std::sqrt(252.0), 1e-12);
  EXPECT_NEAR(m.sortino, mean / std::sqrt(0.01 / 4) * std::sqrt(252.0), 1e-12);
  EXPECT_NEAR(m.maxDrawdown, 0.1, 1e-12);  // 110 → 99
  EXPECT_DOUBLE_EQ(m.maxDrawdownDays, 2);  // peak day 0, back above it on day 2
  EXPECT_EQ(m.maxDrawdownBars, 2u);
  EXPECT_NEAR(m.years, 3 / 365.25, 1e-15);
  EXPECT_NEAR(m.cagr, std::pow(1.21, 365.25 / 3) - 1, 1e-6 * std::pow(1.21, 365.25 / 3));
  EXPECT_NEAR(m.calmar, m.cagr / 0.1, 1e-6 * m.calmar);
  EXPECT_NEAR(m.winRate, 2.0 / 3, 1e-15);
  EXPECT_NEAR(m.profitFactor, 6.0, 1e-15);
  EXPECT_NEAR(m.exposure, 0.5, 0);
  EXPECT_NEAR(m.turnover, 440 / ((110 + 99 + 121 + 121) / 4.0) / m.years, 1e-9);
}

TEST(Statistics, UndefinedFiguresAreNaNAndWrittenAsNull) {
  BacktestResult r;
  r.initialEquity = r.finalEquity = 100;
  const Metrics m = computeMetrics(r);
  EXPECT_TRUE(std::isnan(m.winRate));
  EXPECT_TRUE(std::isnan(m.profitFactor));
  const std::string json = metricsJson(r, m);
  EXPECT_NE(json.find("\"win_rate\": null"), std::string::npos);
  EXPECT_NE(json.find("\"total_return\": 0,"), std::string::npos);
}

TEST(Report, FormatsTimesAsIsoUtc) {
  EXPECT_EQ(formatTime(Timestamp{testing::kStart}), "2024-01-01T00:00:00Z");
  EXPECT_EQ(formatTime(Timestamp{951'782'400'000'000'000 + 1}), "2000-02-29T00:00:00.000000001Z");
  EXPECT_EQ(formatTime(Timestamp{0}), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace alphintra::backtest
