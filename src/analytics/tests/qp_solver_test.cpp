// The QP solver against a published example (Nocedal & Wright, example 16.4) and on random
// convex problems with every constraint type, checked through the KKT conditions recomputed
// from the problem (kktResiduals) and against random feasible points.
#include <gtest/gtest.h>

#include <random>

#include "analytics/qp_solver.hpp"

namespace alphintra::analytics {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(QpSolver, NocedalWrightExample16_4) {
  // min (x1-1)^2 + (x2-2.5)^2 s.t. x1 - 2x2 + 2 >= 0, -x1 - 2x2 + 6 >= 0, -x1 + 2x2 + 2 >= 0,
  // x >= 0. Solution (1.4, 1.7).
  QpProblem p;
  p.Q = 2 * MatrixXd::Identity(2, 2);
  p.c = VectorXd(2);
  p.c << -2, -5;
  p.G = MatrixXd(3, 2);
  p.G << -1, 2, 1, 2, 1, -2;
  p.h = VectorXd(3);
  p.h << 2, 6, 2;
  p.lower = VectorXd::Zero(2);
  auto s = solveQp(p);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_NEAR(s->x(0), 1.4, 1e-12);
  EXPECT_NEAR(s->x(1), 1.7, 1e-12);
  EXPECT_LE(s->kkt.max(), 1e-12);
  // Only the first constraint is active; its multiplier is 0.8 (gradient (0.8, -1.6)).
  EXPECT_NEAR(s->mu(0), 0.8, 1e-12);
  EXPECT_EQ(s->mu(1), 0.0);
}

struct RandomQp {
  QpProblem problem;
  VectorXd feasible;
};

// A random convex QP (Q possibly singular) with equality, general inequality and bound
// constraints, built around a known feasible point.
RandomQp randomProblem(std::mt19937& rng, int n, bool singular) {
  std::normal_distribution<double> z;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  RandomQp r;
  QpProblem& p = r.problem;
  const int rank = singular ? n / 2 : n + 3;
  MatrixXd b(rank, n);
  for (int i = 0; i < rank; ++i)
    for (int j = 0; j < n; ++j) b(i, j) = z(rng);
  p.Q = b.transpose() * b / rank;
  p.c = VectorXd(n);
  for (int j = 0; j < n; ++j) p.c(j) = z(rng);
  r.feasible = VectorXd(n);
  for (int j = 0; j < n; ++j) r.feasible(j) = u(rng);
  p.A = MatrixXd(2, n);
  for (int j = 0; j < n; ++j) {
    p.A(0, j) = 1;
    p.A(1, j) = z(rng);
  }
  p.b = p.A * r.feasible;
  const int mi = n / 2;
  p.G = MatrixXd(mi, n);
  for (int i = 0; i < mi; ++i)
    for (int j = 0; j < n; ++j) p.G(i, j) = z(rng);
  p.h = p.G * r.feasible + VectorXd::Constant(mi, 0.1);
  p.lower = VectorXd::Zero(n);
  p.upper = VectorXd::Constant(n, 1.5);
  p.upper(0) = kInf;
  return r;
}

TEST(QpSolver, RandomProblemsSatisfyKktTo1e9) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 4 + trial % 30;
    RandomQp r = randomProblem(rng, n, trial % 2 == 1);
    auto s = solveQp(r.problem);
    ASSERT_TRUE(s.ok()) << trial << ": " << s.error().message;
    const KktResiduals k = kktResiduals(r.problem, *s);
    EXPECT_LE(k.stationarity, 1e-9) << trial;
    EXPECT_LE(k.primal, 1e-9) << trial;
    EXPECT_LE(k.dual, 1e-9) << trial;
    EXPECT_LE(k.complementarity, 1e-9) << trial;
    EXPECT_EQ(k.max(), s->kkt.max());
    // No feasible point on the segment towards the known feasible point does better.
    const auto& p = r.problem;
    auto f = [&](const VectorXd& x) { return 0.5 * x.dot(p.Q * x) + p.c.dot(x); };
    for (double t : {1e-4, 0.01, 0.3, 1.0}) {
      const VectorXd x = (1 - t) * s->x + t * r.feasible;
      EXPECT_GE(f(x), s->objective - 1e-10) << trial;
    }
  }
}

TEST(QpSolver, KktResidualsDetectAWrongSolution) {
  std::mt19937 rng(3);
  RandomQp r = randomProblem(rng, 8, false);
  auto s = solveQp(r.problem);
  ASSERT_TRUE(s.ok());
  QpSolution wrong = *s;
  wrong.x(1) += 1e-6;
  EXPECT_GT(kktResiduals(r.problem, wrong).max(), 1e-7);
  wrong = *s;
  wrong.zl(2) = -1e-3;
  EXPECT_GT(kktResiduals(r.problem, wrong).dual, 1e-4);
}

TEST(QpSolver, ReportsInfeasibleAndUnbounded) {
  QpProblem p;
  p.Q = MatrixXd::Identity(2, 2);
  p.c = VectorXd::Zero(2);
  p.A = MatrixXd::Ones(1, 2);
  p.b = VectorXd::Ones(1);
  p.G = MatrixXd::Ones(1, 2);
  p.h = VectorXd::Constant(1, 0.5);
  p.lower = VectorXd::Zero(2);
  auto s = solveQp(p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "constraints");

  QpProblem lp;
  lp.Q = MatrixXd::Zero(2, 2);
  lp.c = VectorXd(2);
  lp.c << -1, 0;
  lp.lower = VectorXd::Zero(2);
  auto u = solveQp(lp);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().field, "objective");
}

TEST(QpSolver, SolvesLinearPrograms) {
  // max x1 + 2 x2 s.t. x1 + x2 <= 4, x1 + 3 x2 <= 6, x >= 0: vertex (3, 1), value 5.
  QpProblem lp;
  lp.Q = MatrixXd::Zero(2, 2);
  lp.c = VectorXd(2);
  lp.c << -1, -2;
  lp.G = MatrixXd(2, 2);
  lp.G << 1, 1, 1, 3;
  lp.h = VectorXd(2);
  lp.h << 4, 6;
  lp.lower = VectorXd::Zero(2);
  auto s = solveQp(lp);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->x(0), 3, 1e-12);
  EXPECT_NEAR(s->x(1), 1, 1e-12);
  EXPECT_LE(s->kkt.max(), 1e-12);
}

}  // namespace
}  // namespace alphintra::analytics
