// Performance statistics against hand-computed series: each expected value below is derived in
// the comment next to it from the formulas in docs/analytics-reporting.md, not from the code.
#include <gtest/gtest.h>

#include <cmath>

#include "analytics/performance.hpp"

namespace alphintra::analytics {
namespace {

constexpr double kTol = 1e-12;

PerformanceReport compute(PerformanceInput in) {
  auto r = computePerformance(in);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().field + ": " + r.error().message);
  return r.ok() ? *r : PerformanceReport{};
}

// r = +3%, -1%, +3%, -1% monthly: mean 1%, deviations +-2%, sample variance 0.0016/3,
// so annualized volatility sqrt(0.0016/3 * 12) = 0.08 exactly.
PerformanceInput monthly() {
  PerformanceInput in;
  in.returns = {0.03, -0.01, 0.03, -0.01};
  in.periodsPerYear = 12;
  return in;
}

TEST(Performance, ReturnsVolatilitySharpeSortinoWithoutRiskFree) {
  const PerformanceReport r = compute(monthly());
  EXPECT_EQ(r.periods, 4u);
  EXPECT_NEAR(r.years, 1.0 / 3.0, kTol);
  // (1.03 * 0.99)^2 - 1 = 1.0197^2 - 1
  EXPECT_NEAR(r.totalReturn, 1.0197 * 1.0197 - 1.0, kTol);
  // over 1/3 year: 1.0197^(2*3) - 1
  EXPECT_NEAR(r.cagr, std::pow(1.0197, 6) - 1.0, kTol);
  EXPECT_NEAR(r.annualizedVolatility, 0.08, kTol);
  // Sharpe = 0.01 * 12 / 0.08
  ASSERT_TRUE(r.sharpe);
  EXPECT_NEAR(*r.sharpe, 1.5, kTol);
  // downside: two periods at -1%: sqrt((2 * 0.0001) / 4) per period, * sqrt(12) = sqrt(6e-4);
  // Sortino = 0.12 / sqrt(6e-4) = 2 sqrt(6)
  EXPECT_NEAR(r.downsideDeviation, std::sqrt(6e-4), kTol);
  ASSERT_TRUE(r.sortino);
  EXPECT_NEAR(*r.sortino, 2 * std::sqrt(6.0), 1e-11);
  // win rate 2 of 4 periods; profit factor (0.03 + 0.03) / (0.01 + 0.01)
  EXPECT_EQ(r.winBasis, WinBasis::Periods);
  EXPECT_NEAR(*r.winRate, 0.5, kTol);
  EXPECT_NEAR(*r.profitFactor, 3.0, 1e-12);
  EXPECT_FALSE(r.exposure);
}

TEST(Performance, RiskFreeRateIsCompoundedToThePeriod) {
  PerformanceInput in = monthly();
  in.riskFreeRate = std::pow(1.005, 12) - 1;  // 0.5% a month
  const PerformanceReport r = compute(in);
  // excess = 2.5%, -1.5%, 2.5%, -1.5%: mean 0.5%, same deviation: 0.005 * 12 / 0.08
  EXPECT_NEAR(*r.sharpe, 0.75, 1e-12);
  // downside: sqrt(2 * 0.015^2 / 4 * 12) = sqrt(0.00135); Sortino = 0.06 / sqrt(0.00135) = sqrt(8/3)
  EXPECT_NEAR(r.downsideDeviation, std::sqrt(0.00135), 1e-12);
  EXPECT_NEAR(*r.sortino, std::sqrt(8.0 / 3.0), 1e-11);
  EXPECT_NEAR(r.annualizedVolatility, 0.08, kTol);  // volatility is of the raw returns
}

TEST(Performance, MaxDrawdownStartTroughRecoveryAndCalmar) {
  PerformanceInput in;
  in.equity = {100, 120, 90, 60, 90, 120, 130, 117};
  in.periodsPerYear = 1;
  const PerformanceReport r = compute(in);
  // peak 120 at index 1, trough 60 at index 3 (depth 1 - 60/120), back to 120 at index 5;
  // the later fall 130 -> 117 (10%) is smaller.
  EXPECT_NEAR(r.maxDrawdown.depth, 0.5, kTol);
  EXPECT_EQ(r.maxDrawdown.start, 1u);
  EXPECT_EQ(r.maxDrawdown.trough, 3u);
  EXPECT_EQ(r.maxDrawdown.recovery, 5u);
  EXPECT_EQ(r.maxDrawdown.duration, 4u);
  EXPECT_NEAR(r.totalReturn, 0.17, kTol);
  EXPECT_NEAR(r.cagr, std::pow(1.17, 1.0 / 7.0) - 1, kTol);
  EXPECT_NEAR(*r.calmar, (std::pow(1.17, 1.0 / 7.0) - 1) / 0.5, kTol);
}

TEST(Performance, DrawdownNotRecoveredRunsToTheEnd) {
  const Drawdown d = maxDrawdown(std::vector<double>{100, 80, 90, 95});
  EXPECT_NEAR(d.depth, 0.2, kTol);
  EXPECT_EQ(d.start, 0u);
  EXPECT_EQ(d.trough, 1u);
  EXPECT_FALSE(d.recovery);
  EXPECT_EQ(d.duration, 3u);
}

TEST(Performance, DrawdownStartsAtTheLatestPeakAndRecoversAtEqual) {
  const Drawdown d = maxDrawdown(std::vector<double>{100, 100, 90, 100});
  EXPECT_EQ(d.start, 1u);
  EXPECT_EQ(d.trough, 2u);
  EXPECT_EQ(d.recovery, 3u);
  EXPECT_EQ(d.duration, 2u);
}

TEST(Performance, NoDrawdownLeavesRatiosUndefined) {
  PerformanceInput in;
  in.equity = {1, 2, 3};
  in.periodsPerYear = 1;
  const PerformanceReport r = compute(in);
  EXPECT_EQ(r.maxDrawdown.depth, 0);
  EXPECT_FALSE(r.maxDrawdown.start);
  EXPECT_FALSE(r.maxDrawdown.trough);
  EXPECT_EQ(r.maxDrawdown.duration, 0u);
  EXPECT_FALSE(r.calmar);
  EXPECT_FALSE(r.sortino);       // no period below the risk-free rate
  EXPECT_FALSE(r.profitFactor);  // no losing period
  EXPECT_NEAR(*r.winRate, 1.0, kTol);
}

TEST(Performance, ConstantReturnsHaveNoSharpe) {
  PerformanceInput in;
  in.returns = {0.01, 0.01, 0.01};
  const PerformanceReport r = compute(in);
  EXPECT_EQ(r.annualizedVolatility, 0);
  EXPECT_FALSE(r.sharpe);
}

TEST(Performance, WinRateAndProfitFactorFromTrades) {
  PerformanceInput in = monthly();
  in.tradePnls = std::vector<double>{100, -50, 0, 200, -25};
  const PerformanceReport r = compute(in);
  EXPECT_EQ(r.winBasis, WinBasis::Trades);
  EXPECT_NEAR(*r.winRate, 0.4, kTol);       // 2 wins of 5 trades (the zero is not a win)
  EXPECT_NEAR(*r.profitFactor, 4.0, kTol);  // 300 / 75
}

TEST(Performance, ExposureAndTurnover) {
  PerformanceInput in = monthly();
  in.positions = std::vector<double>{1, 1, 0, -0.5};
  const PerformanceReport r = compute(in);
  ASSERT_TRUE(r.exposure);
  EXPECT_NEAR(r.exposure->timeInMarket, 0.75, kTol);
  EXPECT_NEAR(r.exposure->averageGrossExposure, 0.625, kTol);  // (1 + 1 + 0 + 0.5) / 4
  // |1 - 0| + |1 - 1| + |0 - 1| + |-0.5 - 0| = 2.5 over 1/3 year
  EXPECT_NEAR(r.exposure->annualizedTurnover, 7.5, 1e-12);
}

TEST(Performance, EquityAndReturnsAgree) {
  PerformanceInput a;
  a.equity = {100, 103, 101.97, 105.0291};
  a.periodsPerYear = 12;
  PerformanceInput b;
  b.returns = {0.03, -0.01, 0.03};
  b.periodsPerYear = 12;
  const PerformanceReport x = compute(a);
  const PerformanceReport y = compute(b);
  EXPECT_NEAR(x.totalReturn, y.totalReturn, 1e-12);
  EXPECT_NEAR(x.annualizedVolatility, y.annualizedVolatility, 1e-12);
  EXPECT_NEAR(*x.sharpe, *y.sharpe, 1e-9);
  EXPECT_EQ(x.maxDrawdown.trough, y.maxDrawdown.trough);
}

std::string errorField(const PerformanceInput& in) {
  auto r = computePerformance(in);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "<accepted>" : r.error().field;
}

TEST(Performance, ErrorsNameTheField) {
  PerformanceInput in = monthly();
  in.returns[1] = -1.0;
  EXPECT_EQ(errorField(in), "returns[1]");
  in = monthly();
  in.returns.resize(1);
  EXPECT_EQ(errorField(in), "returns");
  in = monthly();
  in.periodsPerYear = 0;
  EXPECT_EQ(errorField(in), "periods_per_year");
  in = monthly();
  in.positions = std::vector<double>{1, 1};
  EXPECT_EQ(errorField(in), "positions");
  in = monthly();
  in.tradePnls = std::vector<double>{};
  EXPECT_EQ(errorField(in), "trades");
  in = PerformanceInput{};
  in.equity = {100, 0, 100};
  EXPECT_EQ(errorField(in), "equity[1]");
  in = monthly();
  in.riskFreeRate = -1;
  EXPECT_EQ(errorField(in), "risk_free_rate");
}

}  // namespace
}  // namespace alphintra::analytics
