// Value-at-Risk and Expected Shortfall (var.hpp), checked against hand-computed values, closed
// forms, Python's statistics.NormalDist (an independent inverse normal, Wichura's AS241) and
// QuantLib (GeneralStatistics::percentile for the empirical quantile convention, the inverse
// Student-t distribution).
//
// Tolerances: closed forms 1e-12 relative; Monte Carlo with 200,000 paths against the closed
// form: VaR 1%, ES 1.5% (the 99% quantile's standard error is about 0.4% at that size, ES's
// about 0.5%); Student-t VaR against the t quantile 2%.
#include <gtest/gtest.h>

#include <ql/math/distributions/normaldistribution.hpp>
#include <ql/math/distributions/studenttdistribution.hpp>
#include <ql/math/statistics/generalstatistics.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "analytics/pricing.hpp"
#include "analytics/var.hpp"

namespace alphintra::analytics::risk {
namespace {

Position equity(double quantity, double price, std::size_t factor = 0) {
  Position p;
  p.id = "eq";
  p.assetClass = AssetClass::Equity;
  p.quantity = quantity;
  p.price = price;
  p.factor = factor;
  return p;
}

OptionSpec call(double strike, double expiry, double rate, double vol) {
  OptionSpec o;
  o.model = Model::BlackScholesMerton;
  o.type = OptionType::Call;
  o.strike = strike;
  o.expiry = expiry;
  o.rate = rate;
  o.volatility = vol;
  return o;
}

Matrix column(const std::vector<double>& values) {
  Matrix m(values.size(), 1);
  for (std::size_t i = 0; i < values.size(); ++i) m(i, 0) = values[i];
  return m;
}

Matrix covariance2(double s1, double s2, double rho) {
  Matrix c(2, 2);
  c(0, 0) = s1 * s1;
  c(1, 1) = s2 * s2;
  c(0, 1) = c(1, 0) = rho * s1 * s2;
  return c;
}

void expectRelative(double actual, double expected, double tolerance) {
  EXPECT_NEAR(actual, expected, tolerance * std::abs(expected)) << "relative tolerance " << tolerance;
}

TEST(TailConvention, KIsTheCeilingOfNTimesAlpha) {
  EXPECT_EQ(tailCount(100, 0.99), 1u);  // 100 * 0.01 is 1.0000000000000009 in doubles: still 1
  EXPECT_EQ(tailCount(250, 0.99), 3u);  // 2.5 -> 3
  EXPECT_EQ(tailCount(1000, 0.975), 25u);
  EXPECT_EQ(tailCount(1001, 0.975), 26u);
  EXPECT_EQ(tailCount(10, 0.95), 1u);  // 0.5 -> 1
  EXPECT_EQ(tailCount(5, 0.01), 5u);   // 4.95 -> 5, capped at n
  EXPECT_EQ(tailCount(3, 0.999), 1u);  // at least one
}

TEST(HistoricalVar, HandComputedTwentyScenarios) {
  // 1000 of exposure; worst returns -5%, -3%, -2%: at 90%, k = ceil(20 * 0.1) = 2.
  const std::vector<double> r{0.01,  -0.03, 0.02, 0.0,   0.005, -0.05, 0.015,  0.0,   -0.02, 0.01,
                              0.012, 0.003, 0.0,  -0.01, 0.02,  0.004, -0.004, 0.007, 0.001, 0.002};
  const std::vector<Position> book{equity(10, 100)};
  auto one = historicalVar(book, column(r), {0.90, 1});
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_NEAR(one->var, 30.0, 1e-12);                // -(-0.03 * 1000)
  EXPECT_NEAR(one->expectedShortfall, 40.0, 1e-12);  // (50 + 30) / 2
  EXPECT_EQ(one->tailCount, 2u);
  EXPECT_EQ(one->scenarios, 20u);
  EXPECT_NEAR(one->portfolioValue, 1000.0, 1e-12);

  // 95%: k = 1, the worst scenario; 4 days scale every return by 2.
  auto four = historicalVar(book, column(r), {0.95, 4});
  ASSERT_TRUE(four);
  EXPECT_NEAR(four->var, 100.0, 1e-12);
  EXPECT_NEAR(four->expectedShortfall, 100.0, 1e-12);

  // A short position loses on the up moves: worst are +2%, +2%.
  auto shortBook = historicalVar(std::vector<Position>{equity(-10, 100)}, column(r), {0.90, 1});
  ASSERT_TRUE(shortBook);
  EXPECT_NEAR(shortBook->var, 20.0, 1e-12);
  EXPECT_NEAR(shortBook->expectedShortfall, 20.0, 1e-12);
}

TEST(HistoricalVar, QuantileMatchesQuantLibsEmpiricalPercentile) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> n(0.0, 0.01);
  for (std::size_t scenarios : {999u, 1001u, 250u}) {
    Matrix returns(scenarios, 2);
    for (double& x : returns.data) x = n(rng);
    const std::vector<Position> book{equity(100, 50, 0), equity(-30, 120, 1)};
    for (double confidence : {0.99, 0.975, 0.95}) {
      auto v = historicalVar(book, returns, {confidence, 1});
      ASSERT_TRUE(v);
      QuantLib::GeneralStatistics stats;
      for (std::size_t s = 0; s < scenarios; ++s) stats.add(5000 * returns(s, 0) - 3600 * returns(s, 1));
      EXPECT_NEAR(v->var, -stats.percentile(1.0 - confidence), 1e-9) << scenarios << " at " << confidence;
    }
  }
}

TEST(HistoricalVar, OptionsAreRevaluedInFull) {
  Position p = equity(3, 100);
  p.option = call(100, 0.5, 0.03, 0.25);
  p.multiplier = 10;
  const std::vector<double> r{-0.10, 0.05, -0.02, 0.0};
  auto v = historicalVar(std::vector<Position>{p}, column(r), {0.75, 1});  // k = 1: the -10% scenario
  ASSERT_TRUE(v);
  OptionSpec o = *p.option;
  o.underlying = 100;
  const double before = price(o)->price;
  o.underlying = 90;
  const double after = price(o)->price;
  EXPECT_NEAR(v->var, -30.0 * (after - before), 1e-10);
  EXPECT_NEAR(v->portfolioValue, 30.0 * before, 1e-10);
}

TEST(InverseNormal, MatchesPythonStatisticsNormalDist) {
  // statistics.NormalDist().inv_cdf(p), Python 3 (Wichura's AS241, full double precision).
  const std::vector<std::pair<double, double>> reference{{1e-10, -6.361340902404056}, {0.001, -3.090232306167813},
                                                         {0.01, -2.3263478740408408}, {0.025, -1.9599639845400538},
                                                         {0.05, -1.6448536269514726}, {0.5, 0.0},
                                                         {0.975, 1.9599639845400536}, {0.99, 2.3263478740408408}};
  for (auto [p, z] : reference) EXPECT_NEAR(inverseNormalCdf(p), z, 2e-15 * std::max(1.0, std::abs(z))) << p;
  const QuantLib::InverseCumulativeNormal ql;
  for (double p = 0.0005; p < 1.0; p += 0.0137) EXPECT_NEAR(inverseNormalCdf(p), ql(p), 1e-8) << p;
}

TEST(ParametricVar, DeltaNormalMatchesTheClosedForm) {
  // sigma_p^2 = e1^2 s1^2 + e2^2 s2^2 + 2 rho e1 e2 s1 s2 with e = (1e6, -5e5), s = (2%, 1%), rho = 0.3.
  const std::vector<Position> book{equity(10'000, 100, 0), equity(-5'000, 100, 1)};
  auto v = parametricVar(book, covariance2(0.02, 0.01, 0.3), {0.99, 10});
  ASSERT_TRUE(v) << v.error().message;
  // Python: sd = 19104.9731745428; VaR10 = z * sd * sqrt(10); ES10 = sd * sqrt(10) * phi(z) / 0.01.
  expectRelative(v->volatility, 19104.9731745428 * std::sqrt(10.0), 1e-12);
  expectRelative(v->var, 140546.84156304738, 1e-12);
  expectRelative(v->expectedShortfall, 161019.52976958206, 1e-12);
  expectRelative(v->z, 2.3263478740408408, 1e-14);
}

TEST(ParametricVar, OptionsEnterThroughTheirDelta) {
  Position p = equity(2, 100);
  p.option = call(105, 1.0, 0.05, 0.2);
  Matrix c(1, 1);
  c(0, 0) = 0.015 * 0.015;
  auto v = parametricVar(std::vector<Position>{p}, c, {0.99, 1});
  ASSERT_TRUE(v);
  OptionSpec o = *p.option;
  o.underlying = 100;
  const double delta = price(o)->greeks->delta;
  expectRelative(v->var, 2.3263478740408408 * 2 * 100 * delta * 0.015, 1e-12);
}

TEST(CornishFisher, ReducesToNormalWithoutSkewOrExcessKurtosis) {
  const std::vector<Position> book{equity(10'000, 100, 0), equity(-5'000, 100, 1)};
  auto normal = parametricVar(book, covariance2(0.02, 0.01, 0.3), {0.99, 10});
  auto cf = parametricVar(book, covariance2(0.02, 0.01, 0.3), {0.99, 10}, {true, {0.0, 0.0}});
  ASSERT_TRUE(normal && cf);
  EXPECT_DOUBLE_EQ(cf->var, normal->var);
  EXPECT_NEAR(cf->expectedShortfall, normal->expectedShortfall, 1e-12 * normal->expectedShortfall);
}

TEST(CornishFisher, MatchesHandComputedValues) {
  // z = -2.3263478740408408, S = -0.5, K = 3:
  // z + (z^2-1) S/6 + (z^3-3z) K/24 - (2z^3-5z) S^2/36 = -3.301284492180553 (Python).
  EXPECT_NEAR(cornishFisherQuantile(-2.3263478740408408, -0.5, 3.0), -3.301284492180553, 1e-14);
  // ES: phi(z)/alpha [1 + S z/6 + K (z^2-1)/24 + S^2 (1-2z^2)/36] = 4.469906383019425; the mean of
  // the quantile over the tail by a 2e6-point midpoint rule in Python gives 4.46990599.
  EXPECT_NEAR(cornishFisherShortfall(0.01, -0.5, 3.0), 4.469906383019425, 1e-12);
  // The same midpoint integral here, with QuantLib's inverse normal (accurate to ~1e-9).
  const QuantLib::InverseCumulativeNormal ql;
  const int m = 200'000;
  double sum = 0;
  for (int i = 0; i < m; ++i) sum += cornishFisherQuantile(ql((i + 0.5) / m * 0.01), -0.5, 3.0);
  EXPECT_NEAR(cornishFisherShortfall(0.01, -0.5, 3.0), -sum / m, 1e-4);

  // Through parametricVar: one position, sigma 1% of 1e6 of exposure.
  Matrix c(1, 1);
  c(0, 0) = 1e-4;
  auto v = parametricVar(std::vector<Position>{equity(10'000, 100)}, c, {0.99, 1}, {true, {-0.5, 3.0}});
  ASSERT_TRUE(v);
  expectRelative(v->var, 3.301284492180553 * 10'000, 1e-12);
  expectRelative(v->expectedShortfall, 4.469906383019425 * 10'000, 1e-12);
}

TEST(CornishFisher, MomentsOfTheDeltaPnlSeries) {
  // P&L = 1000 r for r = (-0.03, 0.01, 0.01, 0.01): deviations (-30, 10, 10, 10) around 0 (mean 0),
  // m2 = 300, m3 = (-27000 + 3000) / 4 = -6000, m4 = (810000 + 30000) / 4 = 210000:
  // skewness = -6000 / 300^1.5 = -1.1547005383792515, excess kurtosis = 210000 / 90000 - 3 = -2/3.
  auto m = portfolioMoments(std::vector<Position>{equity(10, 100)}, column({-0.03, 0.01, 0.01, 0.01}));
  ASSERT_TRUE(m);
  EXPECT_NEAR(m->skewness, -1.1547005383792515, 1e-12);
  EXPECT_NEAR(m->excessKurtosis, -2.0 / 3.0, 1e-12);
}

TEST(ComponentVar, ComponentsSumToTheVarAndMarginalsAreDerivatives) {
  Matrix c(3, 3);
  const double s[] = {0.02, 0.01, 0.03};
  const double rho[3][3] = {{1, 0.3, -0.2}, {0.3, 1, 0.5}, {-0.2, 0.5, 1}};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) c(i, j) = rho[i][j] * s[i] * s[j];
  }
  Position opt = equity(-40, 100, 2);
  opt.option = call(95, 0.25, 0.02, 0.3);
  std::vector<Position> book{equity(1000, 50, 0), equity(-200, 80, 1), equity(300, 20, 2), opt};
  for (bool cf : {false, true}) {
    auto v = parametricVar(book, c, {0.99, 5}, {cf, {-0.4, 2.0}});
    ASSERT_TRUE(v);
    double sum = 0;
    for (const ComponentVar& k : v->components) sum += k.component;
    EXPECT_NEAR(sum, v->var, 1e-10 * v->var);
    // Marginal VaR of the first position: d VaR / d exposure by a central difference in quantity.
    const double h = 1e-3;
    std::vector<Position> up = book, down = book;
    up[0].quantity += h;
    down[0].quantity -= h;
    auto vu = parametricVar(up, c, {0.99, 5}, {cf, {-0.4, 2.0}});
    auto vd = parametricVar(down, c, {0.99, 5}, {cf, {-0.4, 2.0}});
    const double marginal = (vu->var - vd->var) / (2 * h * 50);
    EXPECT_NEAR(v->components[0].marginal, marginal, 1e-6 * std::abs(marginal));
  }
}

TEST(Covariance, RejectsNonPositiveDefiniteAndAsymmetric) {
  const std::vector<Position> book{equity(1, 1, 0), equity(1, 1, 1)};
  auto singular = parametricVar(book, covariance2(0.02, 0.01, 1.0), {0.99, 1});
  ASSERT_FALSE(singular);
  EXPECT_EQ(singular.error().field, "covariance");
  EXPECT_NE(singular.error().message.find("positive definite"), std::string::npos);
  Matrix asym = covariance2(0.02, 0.01, 0.3);
  asym(0, 1) *= 1.1;
  auto a = parametricVar(book, asym, {0.99, 1});
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("symmetric"), std::string::npos);
  auto conf = parametricVar(book, covariance2(0.02, 0.01, 0.3), {1.0, 1});
  ASSERT_FALSE(conf);
  EXPECT_EQ(conf.error().field, "confidence");
}

TEST(SampleCovariance, UnbiasedEstimator) {
  Matrix r(3, 2);
  const double v[] = {0.01, 0.02, -0.01, 0.0, 0.03, 0.01};
  std::copy(std::begin(v), std::end(v), r.data.begin());
  auto c = sampleCovariance(r);
  ASSERT_TRUE(c);
  // means (0.01, 0.01); deviations (0, 0.01), (-0.02, -0.01), (0.02, 0): sums / 2.
  EXPECT_NEAR((*c)(0, 0), 0.0008 / 2, 1e-18);
  EXPECT_NEAR((*c)(1, 1), 0.0002 / 2, 1e-18);
  EXPECT_NEAR((*c)(0, 1), 0.0002 / 2, 1e-18);
}

TEST(MonteCarloVar, ConvergesToParametricForALinearNormalPortfolio) {
  const std::vector<Position> book{equity(10'000, 100, 0), equity(-5'000, 100, 1)};
  const Matrix c = covariance2(0.02, 0.01, 0.3);
  auto closed = parametricVar(book, c, {0.99, 10});
  MonteCarloSettings mc;
  mc.simulations = 200'000;
  mc.seed = 20240601;
  mc.threads = 4;
  auto sim = monteCarloVar(book, c, {0.99, 10}, mc);
  ASSERT_TRUE(closed && sim) << sim.error().message;
  EXPECT_NEAR(sim->var, closed->var, 0.01 * closed->var);
  EXPECT_NEAR(sim->expectedShortfall, closed->expectedShortfall, 0.015 * closed->expectedShortfall);
  EXPECT_EQ(sim->scenarios, 200'000u);
  EXPECT_EQ(sim->tailCount, 2000u);
}

TEST(MonteCarloVar, IdenticalForAnyThreadCountAndDifferentPerSeed) {
  Position opt = equity(5, 100, 1);
  opt.option = call(100, 0.5, 0.03, 0.25);
  const std::vector<Position> book{equity(100, 50, 0), opt};
  const Matrix c = covariance2(0.02, 0.015, 0.4);
  MonteCarloSettings mc;
  mc.simulations = 3 * kMonteCarloBlock + 17;  // a partial last block
  mc.seed = 99;
  mc.distribution = ShockDistribution::StudentT;
  mc.dof = 6;
  mc.threads = 1;
  auto one = simulatePnl(book, c, {0.99, 1}, mc);
  ASSERT_TRUE(one);
  for (unsigned threads : {2u, 3u, 8u, 64u}) {
    mc.threads = threads;
    auto many = simulatePnl(book, c, {0.99, 1}, mc);
    ASSERT_TRUE(many);
    EXPECT_EQ(*many, *one) << threads << " threads";  // bit for bit
  }
  mc.seed = 100;
  auto other = simulatePnl(book, c, {0.99, 1}, mc);
  ASSERT_TRUE(other);
  EXPECT_NE(*other, *one);
}

TEST(MonteCarloVar, StudentTailsAreHeavierAndMatchTheTQuantile) {
  const std::vector<Position> book{equity(10'000, 100)};
  Matrix c(1, 1);
  c(0, 0) = 0.01 * 0.01;
  MonteCarloSettings mc;
  mc.simulations = 200'000;
  mc.seed = 5;
  mc.threads = 3;
  auto normal = monteCarloVar(book, c, {0.99, 1}, mc);
  mc.distribution = ShockDistribution::StudentT;
  mc.dof = 4;
  auto t = monteCarloVar(book, c, {0.99, 1}, mc);
  ASSERT_TRUE(normal && t);
  EXPECT_GT(t->var, normal->var);
  EXPECT_GT(t->expectedShortfall, normal->expectedShortfall * 1.05);
  // Standardized t: VaR = -t_4^{-1}(0.01) sqrt((4 - 2) / 4) * sigma * exposure.
  const double quantile = -QuantLib::InverseCumulativeStudent(4, 1e-12)(0.01) * std::sqrt(0.5);
  EXPECT_NEAR(t->var, quantile * 0.01 * 1e6, 0.02 * quantile * 0.01 * 1e6);
  auto bad = monteCarloVar(book, c, {0.99, 1}, MonteCarloSettings{ShockDistribution::StudentT, 2.0, 1000, 1, 1});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "dof");
}

TEST(MonteCarloVar, OptionPositionIsRevaluedInFull) {
  // One factor, a long call: P&L is increasing in the return, so the VaR is the loss at the
  // return's quantile, sigma sqrt(h) Phi^{-1}(1%).
  Position p = equity(10, 100);
  p.option = call(100, 0.25, 0.01, 0.3);
  Matrix c(1, 1);
  c(0, 0) = 0.02 * 0.02;
  MonteCarloSettings mc;
  mc.simulations = 200'000;
  mc.seed = 11;
  mc.threads = 2;
  auto v = monteCarloVar(std::vector<Position>{p}, c, {0.99, 4}, mc);
  ASSERT_TRUE(v);
  OptionSpec o = *p.option;
  o.underlying = 100;
  const double before = price(o)->price;
  o.underlying = 100 * (1 - 2.3263478740408408 * 0.02 * 2);
  const double loss = 10 * (before - price(o)->price);
  EXPECT_NEAR(v->var, loss, 0.01 * loss);
  // Delta-normal overstates the loss of a long call (convexity).
  auto dn = parametricVar(std::vector<Position>{p}, c, {0.99, 4});
  EXPECT_GT(dn->var, v->var);
}

}  // namespace
}  // namespace alphintra::analytics::risk
