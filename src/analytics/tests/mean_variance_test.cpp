// Mean-variance optimisation against closed forms (unconstrained minimum variance, Merton's
// target-return frontier, the tangency portfolio), hand computations, and on random problems
// with every constraint type through the KKT residuals.
#include <gtest/gtest.h>

#include <random>

#include "analytics/mean_variance.hpp"

namespace alphintra::analytics {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kInf = std::numeric_limits<double>::infinity();

MatrixXd randomCovariance(std::mt19937& rng, int n) {
  std::normal_distribution<double> z;
  MatrixXd b(n + 5, n);
  for (int i = 0; i < n + 5; ++i)
    for (int j = 0; j < n; ++j) b(i, j) = z(rng) * (0.1 + 0.01 * j);
  return b.transpose() * b / (n + 5);
}

VectorXd randomReturns(std::mt19937& rng, int n) {
  std::uniform_real_distribution<double> u(0.01, 0.15);
  VectorXd mu(n);
  for (int i = 0; i < n; ++i) mu(i) = u(rng);
  return mu;
}

PortfolioConstraints unconstrained(int n) {
  PortfolioConstraints c;
  c.lower = VectorXd::Constant(n, -kInf);
  return c;
}

TEST(MeanVariance, UnconstrainedMinimumVarianceIsTheClosedForm) {
  std::mt19937 rng(1);
  for (int n : {2, 5, 20, 60}) {
    const MatrixXd s = randomCovariance(rng, n);
    auto p = minimumVariance(s, VectorXd(), unconstrained(n));
    ASSERT_TRUE(p.ok()) << p.error().message;
    const VectorXd inv1 = s.ldlt().solve(VectorXd::Ones(n));
    const VectorXd expected = inv1 / inv1.sum();
    EXPECT_LT((p->weights - expected).cwiseAbs().maxCoeff(), 1e-10) << n;
    EXPECT_LE(p->kkt.max(), 1e-9);
  }
}

TEST(MeanVariance, TargetReturnIsMertonsClosedForm) {
  std::mt19937 rng(2);
  const int n = 8;
  const MatrixXd s = randomCovariance(rng, n);
  const VectorXd mu = randomReturns(rng, n);
  const VectorXd a = s.ldlt().solve(VectorXd::Ones(n));
  const VectorXd b = s.ldlt().solve(mu);
  Eigen::Matrix2d m;
  m << a.sum(), b.sum(), mu.dot(a), mu.dot(b);
  for (double target : {0.02, 0.08, 0.3}) {
    const Eigen::Vector2d coef = m.inverse() * Eigen::Vector2d(1, target);
    const VectorXd expected = coef(0) * a + coef(1) * b;
    auto p = targetReturnPortfolio(s, mu, target, unconstrained(n));
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_LT((p->weights - expected).cwiseAbs().maxCoeff(), 1e-10) << target;
    EXPECT_NEAR(p->expectedReturn, target, 1e-12);
  }
}

TEST(MeanVariance, UnconstrainedMaximumSharpeIsTheTangencyPortfolio) {
  std::mt19937 rng(3);
  const int n = 10;
  const MatrixXd s = randomCovariance(rng, n);
  const VectorXd mu = randomReturns(rng, n);
  const double rf = 0.01;
  const VectorXd z = s.ldlt().solve((mu.array() - rf).matrix());
  const VectorXd expected = z / z.sum();
  auto p = maximumSharpe(s, mu, rf, unconstrained(n));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_LT((p->weights - expected).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LE(p->kkt.max(), 1e-9);
}

TEST(MeanVariance, LongOnlyTwoAssetsByHand) {
  // Uncorrelated variances 0.04 and 0.01: w = (1/0.04, 1/0.01)/125 = (0.2, 0.8); capping the
  // second asset at 0.7 moves the rest to the first.
  MatrixXd s(2, 2);
  s << 0.04, 0, 0, 0.01;
  PortfolioConstraints c;
  auto p = minimumVariance(s, VectorXd(), c);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->weights(0), 0.2, 1e-14);
  EXPECT_NEAR(p->weights(1), 0.8, 1e-14);
  c.upper = VectorXd::Constant(2, 0.7);
  p = minimumVariance(s, VectorXd(), c);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->weights(0), 0.3, 1e-14);
  EXPECT_NEAR(p->weights(1), 0.7, 1e-14);
}

PortfolioConstraints allConstraints(std::mt19937& rng, int n) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  PortfolioConstraints c;
  c.lower = VectorXd::Constant(n, 0.0);
  c.lower(0) = -0.1;  // one short position allowed
  c.upper = VectorXd::Constant(n, 0.25);
  AssetGroup tech{"tech", {}, -kInf, 0.3};
  AssetGroup energy{"energy", {}, 0.1, 0.4};
  for (int i = 0; i < n; ++i) {
    if (i % 3 == 0) tech.assets.push_back(i);
    if (i % 3 == 1) energy.assets.push_back(i);
  }
  c.groups = {tech, energy};
  VectorXd current(n);
  for (int i = 0; i < n; ++i) current(i) = u(rng);
  c.turnover = TurnoverLimit{current / current.sum(), 0.8};
  return c;
}

void expectFeasible(const OptimalPortfolio& p, const PortfolioConstraints& c) {
  const double tol = 1e-9;
  EXPECT_NEAR(p.weights.sum(), 1.0, tol);
  for (Eigen::Index i = 0; i < p.weights.size(); ++i) {
    EXPECT_GE(p.weights(i), c.lower(i) - tol);
    EXPECT_LE(p.weights(i), c.upper(i) + tol);
  }
  for (const auto& g : c.groups) {
    double sum = 0;
    for (auto i : g.assets) sum += p.weights(i);
    EXPECT_LE(sum, g.upper + tol) << g.name;
    EXPECT_GE(sum, g.lower - tol) << g.name;
  }
  if (c.turnover) {
    EXPECT_LE((p.weights - c.turnover->current).cwiseAbs().sum(), c.turnover->limit + tol);
  }
}

TEST(MeanVariance, RandomProblemsWithAllConstraintTypesSatisfyKkt) {
  std::mt19937 rng(4);
  for (int trial = 0; trial < 12; ++trial) {
    const int n = 8 + 3 * trial;
    const MatrixXd s = randomCovariance(rng, n);
    const VectorXd mu = randomReturns(rng, n);
    const PortfolioConstraints c = allConstraints(rng, n);
    auto mv = minimumVariance(s, mu, c, 0.005);
    ASSERT_TRUE(mv.ok()) << trial << ": " << mv.error().message;
    EXPECT_LE(mv->kkt.max(), 1e-9) << trial;
    expectFeasible(*mv, c);
    auto ms = maximumSharpe(s, mu, 0.005, c);
    ASSERT_TRUE(ms.ok()) << trial << ": " << ms.error().message;
    EXPECT_LE(ms->kkt.max(), 1e-9) << trial;
    expectFeasible(*ms, c);
    EXPECT_GE(ms->sharpe, mv->sharpe - 1e-12);
    auto tr = targetReturnPortfolio(s, mu, 0.5 * (mv->expectedReturn + ms->expectedReturn), c);
    ASSERT_TRUE(tr.ok()) << trial << ": " << tr.error().message;
    EXPECT_LE(tr->kkt.max(), 1e-9) << trial;
    expectFeasible(*tr, c);
    EXPECT_GE(tr->volatility, mv->volatility - 1e-12);
  }
}

TEST(MeanVariance, FrontierIsMonotoneAndMaximumSharpeBeatsEveryPoint) {
  std::mt19937 rng(5);
  const int n = 12;
  const MatrixXd s = randomCovariance(rng, n);
  const VectorXd mu = randomReturns(rng, n);
  const PortfolioConstraints c = allConstraints(rng, n);
  const double rf = 0.01;
  auto frontier = efficientFrontier(s, mu, 15, c, rf);
  ASSERT_TRUE(frontier.ok()) << frontier.error().message;
  ASSERT_EQ(frontier->size(), 15u);
  auto ms = maximumSharpe(s, mu, rf, c);
  ASSERT_TRUE(ms.ok());
  for (std::size_t k = 0; k < frontier->size(); ++k) {
    const auto& p = (*frontier)[k];
    expectFeasible(p, c);
    EXPECT_LE(p.kkt.max(), 1e-9);
    EXPECT_LE(p.sharpe, ms->sharpe + 1e-9);
    if (k) {
      EXPECT_GT(p.expectedReturn, (*frontier)[k - 1].expectedReturn);
      EXPECT_GE(p.volatility, (*frontier)[k - 1].volatility - 1e-12);
    }
  }
}

TEST(MeanVariance, TargetRiskHitsTheTarget) {
  std::mt19937 rng(6);
  const int n = 6;
  const MatrixXd s = randomCovariance(rng, n);
  const VectorXd mu = randomReturns(rng, n);
  PortfolioConstraints c;
  auto mv = minimumVariance(s, mu, c);
  ASSERT_TRUE(mv.ok());
  const double target = mv->volatility * 1.2;
  auto p = targetRiskPortfolio(s, mu, target, c);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_NEAR(p->volatility, target, 1e-10);
  // It is the frontier portfolio at its own return.
  auto same = targetReturnPortfolio(s, mu, p->expectedReturn, c);
  ASSERT_TRUE(same.ok());
  EXPECT_NEAR(same->volatility, p->volatility, 1e-10);
  EXPECT_EQ(targetRiskPortfolio(s, mu, mv->volatility * 0.5, c).error().field, "target_risk");
}

TEST(MeanVariance, ErrorsNameTheField) {
  MatrixXd s = MatrixXd::Identity(3, 3) * 0.04;
  VectorXd mu(3);
  mu << 0.05, 0.06, 0.07;
  PortfolioConstraints c;
  c.upper = VectorXd::Constant(3, 0.2);  // 3 * 0.2 < 1
  EXPECT_EQ(minimumVariance(s, mu, c).error().field, "constraints");
  EXPECT_EQ(targetReturnPortfolio(s, mu, 0.5, PortfolioConstraints{}).error().field, "target_return");
  EXPECT_EQ(maximumSharpe(s, mu, 0.1, PortfolioConstraints{}).error().field, "risk_free_rate");
  EXPECT_EQ(maximumSharpe(s, VectorXd::Ones(2), 0.0, PortfolioConstraints{}).error().field, "expected_returns");
}

}  // namespace
}  // namespace alphintra::analytics
