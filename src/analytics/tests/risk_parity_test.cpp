// Risk parity: equal (and budgeted) risk contributions to 1e-10, the two-asset closed form
// (weights proportional to 1/volatility), and hierarchical risk parity on a block-diagonal
// correlation matrix whose allocation follows by hand from the paper's recursive bisection.
#include <gtest/gtest.h>

#include <random>

#include "analytics/risk_parity.hpp"

namespace alphintra::analytics {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

TEST(RiskParity, EqualRiskContributionsOnRandomCovariances) {
  std::mt19937 rng(12);
  std::normal_distribution<double> z;
  for (int n : {3, 10, 50}) {
    MatrixXd b(n + 10, n);
    for (int i = 0; i < n + 10; ++i)
      for (int j = 0; j < n; ++j) b(i, j) = z(rng) * (0.05 + 0.01 * j) + 0.02 * (i % 3);
    const MatrixXd s = b.transpose() * b / (n + 10);
    auto p = riskBudgetPortfolio(s, VectorXd());
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_NEAR(p->weights.sum(), 1.0, 1e-14);
    EXPECT_GT(p->weights.minCoeff(), 0.0);
    // Risk contributions recomputed here from the weights.
    const VectorXd rc = p->weights.cwiseProduct(s * p->weights) / p->weights.dot(s * p->weights);
    EXPECT_LT((rc.array() - 1.0 / n).abs().maxCoeff(), 1e-10) << n;
    EXPECT_LT(p->iterations, 50);
  }
}

TEST(RiskParity, TwoAssetsAreInverseVolatility) {
  MatrixXd s(2, 2);
  s << 0.04, -0.018, -0.018, 0.09;  // vols 0.2 and 0.3, correlation -0.3
  auto p = riskBudgetPortfolio(s, VectorXd());
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->weights(0), 0.6, 1e-13);
  EXPECT_NEAR(p->weights(1), 0.4, 1e-13);
}

TEST(RiskParity, RiskBudgets) {
  MatrixXd s(3, 3);
  s << 0.04, 0.01, 0.0, 0.01, 0.09, 0.02, 0.0, 0.02, 0.0225;
  VectorXd budgets(3);
  budgets << 0.5, 0.3, 0.2;
  auto p = riskBudgetPortfolio(s, budgets);
  ASSERT_TRUE(p.ok());
  const VectorXd rc = p->weights.cwiseProduct(s * p->weights) / p->weights.dot(s * p->weights);
  EXPECT_LT((rc - budgets).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_EQ(riskBudgetPortfolio(s, VectorXd::Constant(3, 0.5)).error().field, "budgets");
}

TEST(HierarchicalRiskParity, BlockDiagonalByHand) {
  // Two uncorrelated blocks {0,1} (correlation 0.5) and {2,3} (correlation 0.3). The clustering
  // joins each block first, so bisection splits the blocks, then each block into its assets:
  // inside a block, inverse variance; across, alpha = V_2/(V_1 + V_2) with V the variance of
  // each block's inverse-variance portfolio.
  const VectorXd vol = (VectorXd(4) << 0.1, 0.2, 0.15, 0.25).finished();
  MatrixXd corr = MatrixXd::Identity(4, 4);
  corr(0, 1) = corr(1, 0) = 0.5;
  corr(2, 3) = corr(3, 2) = 0.3;
  const MatrixXd s = vol.asDiagonal() * corr * vol.asDiagonal();
  auto p = hierarchicalRiskParity(s);
  ASSERT_TRUE(p.ok()) << p.error().message;

  auto ivp = [](double v1, double v2) { return std::pair{(1 / v1) / (1 / v1 + 1 / v2), (1 / v2) / (1 / v1 + 1 / v2)}; };
  const auto [a0, a1] = ivp(0.01, 0.04);
  const auto [b2, b3] = ivp(0.0225, 0.0625);
  const double v1 = a0 * a0 * 0.01 + a1 * a1 * 0.04 + 2 * a0 * a1 * 0.5 * 0.1 * 0.2;
  const double v2 = b2 * b2 * 0.0225 + b3 * b3 * 0.0625 + 2 * b2 * b3 * 0.3 * 0.15 * 0.25;
  const double alpha = v2 / (v1 + v2);
  EXPECT_NEAR(p->weights(0), alpha * a0, 1e-15);
  EXPECT_NEAR(p->weights(1), alpha * a1, 1e-15);
  EXPECT_NEAR(p->weights(2), (1 - alpha) * b2, 1e-15);
  EXPECT_NEAR(p->weights(3), (1 - alpha) * b3, 1e-15);
  EXPECT_NEAR(p->weights.sum(), 1.0, 1e-15);
  // The dendrogram: {0,1} at distance |d_0 - d_1| = sqrt(0.5^2 + 0.5^2), {2,3}, then the root.
  EXPECT_EQ(p->linkage(0, 0), 0);
  EXPECT_EQ(p->linkage(0, 1), 1);
  EXPECT_NEAR(p->linkage(0, 2), std::sqrt(0.5), 1e-15);
  EXPECT_EQ(p->linkage(1, 0), 2);
  EXPECT_EQ(p->linkage(1, 1), 3);
  EXPECT_EQ(p->linkage(2, 3), 4);
  EXPECT_EQ(p->order, (std::vector<Eigen::Index>{0, 1, 2, 3}));
}

TEST(HierarchicalRiskParity, QuasiDiagonalisationGroupsCorrelatedAssets) {
  // Assets 0 and 2 are highly correlated, 1 and 3 too: the order must put them side by side.
  const VectorXd vol = (VectorXd(4) << 0.1, 0.2, 0.15, 0.25).finished();
  MatrixXd corr = MatrixXd::Identity(4, 4);
  corr(0, 2) = corr(2, 0) = 0.9;
  corr(1, 3) = corr(3, 1) = 0.8;
  const MatrixXd s = vol.asDiagonal() * corr * vol.asDiagonal();
  auto p = hierarchicalRiskParity(s);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->order, (std::vector<Eigen::Index>{0, 2, 1, 3}));
  EXPECT_NEAR(p->weights.sum(), 1.0, 1e-15);
  EXPECT_GT(p->weights.minCoeff(), 0.0);
}

}  // namespace
}  // namespace alphintra::analytics
