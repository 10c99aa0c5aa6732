// The bound-constrained fast path (bound_qp.hpp): KKT residuals recomputed from the problem on
// seeded random problems up to 500 assets with a factor covariance, agreement with the general
// active-set solver, and the degenerate cases (singular covariance, ties, every bound binding,
// fixed variables, infeasible budgets, equal-weight optima).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <random>

#include "analytics/bound_qp.hpp"
#include "analytics/mean_variance.hpp"
#include "analytics/qp_solver.hpp"

namespace alphintra::analytics {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Daily covariance B B' + D: a market factor every asset loads on, `factors - 1` more, and specific
// variances; the long-only bound binds for most assets.
MatrixXd factorCovariance(Index n, int factors, std::uint64_t seed, bool specific = true) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> beta(0.5, 1.5);
  std::normal_distribution<double> loading(0.0, 0.005);
  std::uniform_real_distribution<double> idio(1e-5, 1e-3);
  MatrixXd b(n, factors);
  for (Index i = 0; i < n; ++i) {
    b(i, 0) = 0.01 * beta(rng);
    for (Index k = 1; k < factors; ++k) b(i, k) = loading(rng);
  }
  MatrixXd cov = b * b.transpose();
  if (specific) {
    for (Index i = 0; i < n; ++i) cov(i, i) += idio(rng);
  }
  return cov;
}

QpProblem budgetProblem(const MatrixXd& cov, VectorXd lower, VectorXd upper) {
  QpProblem p;
  const Index n = cov.rows();
  p.Q = cov;
  p.c = VectorXd::Zero(n);
  p.A = MatrixXd::Ones(1, n);
  p.b = VectorXd::Ones(1);
  p.lower = std::move(lower);
  p.upper = std::move(upper);
  return p;
}

void expectKkt(const QpProblem& p, const QpSolution& s, double tolerance, const std::string& label) {
  const KktResiduals k = kktResiduals(p, s);
  EXPECT_LE(k.stationarity, tolerance) << label;
  EXPECT_LE(k.primal, tolerance) << label;
  EXPECT_LE(k.dual, tolerance) << label;
  EXPECT_LE(k.complementarity, tolerance) << label;
  EXPECT_EQ(k.max(), s.kkt.max()) << label;
}

TEST(BoundQp, LongOnlyFactorCovarianceUpTo500AssetsSatisfiesKkt) {
  for (const Index n : {5, 40, 150, 500}) {
    const MatrixXd cov = factorCovariance(n, 10, 100 + static_cast<std::uint64_t>(n));
    const QpProblem p = budgetProblem(cov, VectorXd::Zero(n), VectorXd());
    const BoundQpOutcome fast = solveBoundQp(p);
    ASSERT_EQ(fast.status, BoundQpStatus::Solved) << n << ": " << fast.reason;
    expectKkt(p, fast.solution, 1e-9, fmt::format("n={}", n));
    EXPECT_NEAR(fast.solution.x.sum(), 1.0, 1e-12);
    // The long-only bound binds for some assets, and the answer beats every single asset and
    // the equal-weight portfolio.
    const Index held = (fast.solution.x.array() > 1e-12).count();
    if (n >= 40) {
      EXPECT_LT(held, n);
      EXPECT_GT(held, 1);
    }
    const double variance = fast.solution.x.dot(cov * fast.solution.x);
    EXPECT_LE(variance, cov.diagonal().minCoeff() * (1 + 1e-12));
    EXPECT_LE(variance, cov.sum() / static_cast<double>(n * n));
  }
}

TEST(BoundQp, AgreesWithTheGeneralSolverOnRandomBoundedProblems) {
  std::mt19937 rng(7);
  std::normal_distribution<double> z;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 30; ++trial) {
    const Index n = 3 + trial * 2;
    MatrixXd cov;
    if (trial % 3 == 0) {
      cov = factorCovariance(n, 3, static_cast<std::uint64_t>(trial));
    } else {
      MatrixXd b(n + 2, n);
      for (Index i = 0; i < b.rows(); ++i)
        for (Index j = 0; j < n; ++j) b(i, j) = z(rng);
      cov = b.transpose() * b / static_cast<double>(n);
    }
    QpProblem p = budgetProblem(cov, VectorXd(n), VectorXd(n));
    p.c = VectorXd(n);
    for (Index i = 0; i < n; ++i) {
      p.c(i) = 0.2 * z(rng);
      p.lower(i) = trial % 2 ? -0.2 * u(rng) : 0.0;
      p.upper(i) = trial % 4 == 1 ? kInf : 0.05 + 0.5 * u(rng);
    }
    if (p.upper.sum() < 1.05) p.upper.array() += (1.05 - p.upper.sum()) / static_cast<double>(n);
    const BoundQpOutcome fast = solveBoundQp(p);
    ASSERT_EQ(fast.status, BoundQpStatus::Solved) << trial << ": " << fast.reason;
    expectKkt(p, fast.solution, 1e-9, fmt::format("trial {}", trial));
    auto general = solveQpGeneral(p);
    ASSERT_TRUE(general.ok()) << general.error().message;
    EXPECT_LE((fast.solution.x - general->x).lpNorm<Eigen::Infinity>(), 1e-8) << trial;
    EXPECT_NEAR(fast.solution.y(0), general->y(0), 1e-8) << trial;
  }
}

TEST(BoundQp, NoEqualityRowAndUnboundedVariables) {
  std::mt19937 rng(11);
  std::normal_distribution<double> z;
  for (int trial = 0; trial < 10; ++trial) {
    const Index n = 4 + trial;
    MatrixXd b(n + 1, n);
    for (Index i = 0; i < b.rows(); ++i)
      for (Index j = 0; j < n; ++j) b(i, j) = z(rng);
    QpProblem p;
    p.Q = b.transpose() * b;
    p.c = VectorXd(n);
    for (Index i = 0; i < n; ++i) p.c(i) = 3 * z(rng);
    p.lower = VectorXd::Constant(n, -0.5);
    p.upper = VectorXd::Constant(n, 0.5);
    p.lower(0) = -kInf;
    p.upper(0) = kInf;  // a variable with no bounds starts free
    p.upper(1) = kInf;
    const BoundQpOutcome fast = solveBoundQp(p);
    ASSERT_EQ(fast.status, BoundQpStatus::Solved) << trial << ": " << fast.reason;
    expectKkt(p, fast.solution, 1e-9, fmt::format("trial {}", trial));
    auto general = solveQpGeneral(p);
    ASSERT_TRUE(general.ok());
    EXPECT_LE((fast.solution.x - general->x).lpNorm<Eigen::Infinity>(), 1e-8) << trial;
  }
}

TEST(BoundQp, SingularCovarianceWhoseNullSpaceTheBudgetFixesIsSolvedExactly) {
  // Q = I - 11'/n is singular (Q 1 = 0), but the budget pins the null direction: the optimum is
  // the equal-weight portfolio with zero variance.
  const Index n = 12;
  const MatrixXd q = MatrixXd::Identity(n, n) - MatrixXd::Constant(n, n, 1.0 / static_cast<double>(n));
  const QpProblem p = budgetProblem(q, VectorXd::Zero(n), VectorXd());
  const BoundQpOutcome fast = solveBoundQp(p);
  ASSERT_EQ(fast.status, BoundQpStatus::Solved) << fast.reason;
  for (Index i = 0; i < n; ++i) EXPECT_NEAR(fast.solution.x(i), 1.0 / static_cast<double>(n), 1e-12);
  expectKkt(p, fast.solution, 1e-12, "centring matrix");
}

TEST(BoundQp, RankDeficientFactorCovarianceGoesThroughSolveQp) {
  // Three factors, no specific risk: rank 3 with 30 assets, so optima need not be unique. Whether
  // the fast path takes it or hands it to the general solver, solveQp meets the KKT conditions
  // and the two solvers reach the same variance.
  const Index n = 30;
  const MatrixXd cov = factorCovariance(n, 3, 5, false);
  const QpProblem p = budgetProblem(cov, VectorXd::Zero(n), VectorXd::Constant(n, 0.2));
  const BoundQpOutcome fast = solveBoundQp(p);
  EXPECT_NE(fast.status, BoundQpStatus::Infeasible);
  auto s = solveQp(p);
  ASSERT_TRUE(s.ok()) << s.error().message;
  expectKkt(p, *s, 1e-9, "rank 3");
  auto general = solveQpGeneral(p);
  ASSERT_TRUE(general.ok());
  EXPECT_NEAR(s->objective, general->objective, 1e-12);
}

TEST(BoundQp, TiedAssetsSplitWithoutBreakingTheFactor) {
  // Assets 0 and 1 are the same asset twice (identical rows and columns): any split between them
  // is optimal; the solver must hold the pair at the right total.
  const Index n = 6;
  MatrixXd cov = factorCovariance(n, 2, 9);
  cov.row(1) = cov.row(0);
  cov.col(1) = cov.col(0);
  const QpProblem p = budgetProblem(cov, VectorXd::Zero(n), VectorXd());
  auto s = solveQp(p);
  ASSERT_TRUE(s.ok()) << s.error().message;
  expectKkt(p, *s, 1e-9, "ties");
  auto general = solveQpGeneral(p);
  ASSERT_TRUE(general.ok());
  EXPECT_NEAR(s->objective, general->objective, 1e-14);
  EXPECT_NEAR(s->x(0) + s->x(1), general->x(0) + general->x(1), 1e-8);
}

TEST(BoundQp, EveryBoundBindingAndFixedVariables) {
  const Index n = 8;
  const MatrixXd cov = factorCovariance(n, 2, 21);
  // Upper bounds summing to exactly 1: the only feasible portfolio is x = upper.
  const double w = 1.0 / static_cast<double>(n);
  const QpProblem all = budgetProblem(cov, VectorXd::Zero(n), VectorXd::Constant(n, w));
  const BoundQpOutcome fast = solveBoundQp(all);
  ASSERT_EQ(fast.status, BoundQpStatus::Solved) << fast.reason;
  for (Index i = 0; i < n; ++i) EXPECT_NEAR(fast.solution.x(i), w, 1e-15);
  expectKkt(all, fast.solution, 1e-12, "all binding");

  // Two variables fixed (lower == upper), one of them at a weight the optimum would not choose.
  QpProblem fixed = budgetProblem(cov, VectorXd::Zero(n), VectorXd::Constant(n, 0.6));
  fixed.lower(2) = fixed.upper(2) = 0.3;
  fixed.lower(5) = fixed.upper(5) = 0.0;
  const BoundQpOutcome f = solveBoundQp(fixed);
  ASSERT_EQ(f.status, BoundQpStatus::Solved) << f.reason;
  EXPECT_EQ(f.solution.x(2), 0.3);
  EXPECT_EQ(f.solution.x(5), 0.0);
  expectKkt(fixed, f.solution, 1e-9, "fixed");
  auto general = solveQpGeneral(fixed);
  ASSERT_TRUE(general.ok());
  EXPECT_LE((f.solution.x - general->x).lpNorm<Eigen::Infinity>(), 1e-8);
}

TEST(BoundQp, EqualWeightOptimum) {
  // Uncorrelated assets of equal variance: the minimum-variance portfolio holds all equally.
  const Index n = 50;
  const QpProblem p = budgetProblem(0.04 * MatrixXd::Identity(n, n), VectorXd::Zero(n), VectorXd());
  const BoundQpOutcome fast = solveBoundQp(p);
  ASSERT_EQ(fast.status, BoundQpStatus::Solved) << fast.reason;
  for (Index i = 0; i < n; ++i) EXPECT_NEAR(fast.solution.x(i), 1.0 / static_cast<double>(n), 1e-14);
  EXPECT_NEAR(fast.solution.y(0), -0.04 / static_cast<double>(n), 1e-15);
}

TEST(BoundQp, InfeasibleBudgetsAreReportedWithTheViolation) {
  const Index n = 4;
  const MatrixXd cov = factorCovariance(n, 2, 3);
  // Lower bounds summing to 1.2 > 1.
  const QpProblem high = budgetProblem(cov, VectorXd::Constant(n, 0.3), VectorXd());
  const BoundQpOutcome fast = solveBoundQp(high);
  EXPECT_EQ(fast.status, BoundQpStatus::Infeasible);
  EXPECT_NE(fast.reason.find("0.2"), std::string::npos) << fast.reason;
  auto s = solveQp(high);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "constraints");
  auto general = solveQpGeneral(high);
  ASSERT_FALSE(general.ok());
  EXPECT_EQ(general.error().field, "constraints");

  // Upper bounds summing to 0.8 < 1.
  const QpProblem low = budgetProblem(cov, VectorXd::Zero(n), VectorXd::Constant(n, 0.2));
  const BoundQpOutcome f = solveBoundQp(low);
  EXPECT_EQ(f.status, BoundQpStatus::Infeasible);
  EXPECT_NE(f.reason.find("0.2"), std::string::npos) << f.reason;

  // Through the portfolio API the field is the one it documents.
  PortfolioConstraints c;
  c.lower = VectorXd::Constant(n, 0.3);
  auto mv = minimumVariance(cov, VectorXd(), c);
  ASSERT_FALSE(mv.ok());
  EXPECT_EQ(mv.error().field, "constraints");
}

TEST(BoundQp, HandsBackWhatItDoesNotCover) {
  const Index n = 3;
  QpProblem lp;
  lp.Q = MatrixXd::Zero(n, n);
  lp.c = VectorXd(n);
  lp.c << -1, -2, 0;
  lp.lower = VectorXd::Zero(n);
  lp.upper = VectorXd::Ones(n);
  lp.A = MatrixXd::Ones(1, n);
  lp.b = VectorXd::Ones(1);
  // Zero curvature: from the start x = e_0 the multipliers ask to free x_1, along a direction
  // with no curvature; that is the general solver's job, and solveQp reaches x = e_1.
  EXPECT_EQ(solveBoundQp(lp).status, BoundQpStatus::NotHandled);
  auto s = solveQp(lp);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_NEAR(s->x(1), 1.0, 1e-12);
  EXPECT_NEAR(s->objective, -2.0, 1e-12);

  QpProblem rows = lp;
  rows.Q = MatrixXd::Identity(n, n);
  rows.G = MatrixXd::Ones(1, n);
  rows.h = VectorXd::Constant(1, 3);
  EXPECT_EQ(solveBoundQp(rows).status, BoundQpStatus::NotHandled);
}

TEST(BoundQp, MinimumVarianceOf500AssetsTakesTheFastPath) {
  const Index n = 500;
  const MatrixXd cov = factorCovariance(n, 10, 2024);
  auto mv = minimumVariance(cov, VectorXd(), PortfolioConstraints{});
  ASSERT_TRUE(mv.ok()) << mv.error().message;
  EXPECT_LE(mv->kkt.max(), 1e-9);
  // The general solver adds one bound per iteration and would need about n of them; the fast
  // path frees roughly one variable per two iterations from a one-asset start.
  const Index held = (mv->weights.array() > 1e-12).count();
  EXPECT_LE(mv->iterations, 4 * held + 20);
  EXPECT_GE(mv->weights.minCoeff(), 0.0);
}

}  // namespace
}  // namespace alphintra::analytics
