// Black–Litterman against a hand computation, the textbook precision form, and the limiting
// cases of Idzorek's confidences (100%: the view holds exactly; 0%: the prior).
#include <gtest/gtest.h>

#include <random>

#include "analytics/black_litterman.hpp"

namespace alphintra::analytics {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

BlackLittermanInput twoAssets() {
  BlackLittermanInput in;
  in.covariance = MatrixXd(2, 2);
  in.covariance << 0.04, 0.01, 0.01, 0.09;
  in.marketWeights = VectorXd(2);
  in.marketWeights << 0.6, 0.4;
  in.riskAversion = 2.5;
  in.tau = 0.05;
  return in;
}

TEST(BlackLitterman, TwoAssetsByHand) {
  // pi = 2.5 * (0.028, 0.042) = (0.07, 0.105). View: asset 0 returns 10%. tau Sigma p' =
  // (0.002, 0.0005); p tau Sigma p' = omega = 0.002; mu = pi + (0.002, 0.0005) * 0.03 / 0.004.
  BlackLittermanInput in = twoAssets();
  in.views.push_back(PortfolioView{VectorXd::Unit(2, 0), 0.10, 0.5});
  auto r = blackLitterman(in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NEAR(r->equilibriumReturns(0), 0.07, 1e-15);
  EXPECT_NEAR(r->equilibriumReturns(1), 0.105, 1e-15);
  EXPECT_NEAR(r->omega(0), 0.002, 1e-17);
  EXPECT_NEAR(r->posteriorReturns(0), 0.085, 1e-15);
  EXPECT_NEAR(r->posteriorReturns(1), 0.10875, 1e-15);
  // M = tau Sigma - (0.002, 0.0005)(0.002, 0.0005)'/0.004.
  EXPECT_NEAR(r->meanCovariance(0, 0), 0.002 - 0.001, 1e-17);
  EXPECT_NEAR(r->meanCovariance(0, 1), 0.0005 - 0.00025, 1e-17);
  EXPECT_NEAR(r->meanCovariance(1, 1), 0.0045 - 0.0000625, 1e-17);
  EXPECT_NEAR(r->posteriorCovariance(1, 1), 0.09 + 0.0045 - 0.0000625, 1e-16);
}

TEST(BlackLitterman, MatchesTheTextbookPrecisionForm) {
  std::mt19937 rng(9);
  std::normal_distribution<double> z;
  const int n = 5;
  MatrixXd b(n + 3, n);
  for (int i = 0; i < n + 3; ++i)
    for (int j = 0; j < n; ++j) b(i, j) = 0.1 * z(rng);
  BlackLittermanInput in;
  in.covariance = b.transpose() * b / (n + 3);
  in.marketWeights = VectorXd::Constant(n, 1.0 / n);
  in.riskAversion = 3;
  in.tau = 0.025;
  in.uncertainty = ViewUncertainty::Idzorek;
  VectorXd relative = VectorXd::Zero(n);
  relative(1) = 1;
  relative(3) = -1;
  in.views = {PortfolioView{VectorXd::Unit(n, 0), 0.08, 0.7}, PortfolioView{relative, 0.02, 0.25}};
  auto r = blackLitterman(in);
  ASSERT_TRUE(r.ok());
  MatrixXd p(2, n);
  p.row(0) = in.views[0].pick.transpose();
  p.row(1) = in.views[1].pick.transpose();
  VectorXd q(2);
  q << 0.08, 0.02;
  const MatrixXd omegaInv = r->omega.cwiseInverse().asDiagonal();
  const MatrixXd tsInv = (in.tau * in.covariance).inverse();
  const MatrixXd precision = tsInv + p.transpose() * omegaInv * p;
  const VectorXd expected = precision.ldlt().solve(tsInv * r->equilibriumReturns + p.transpose() * omegaInv * q);
  EXPECT_LT((r->posteriorReturns - expected).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((r->meanCovariance - MatrixXd(precision.inverse())).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(BlackLitterman, FullConfidenceHoldsTheViewAndZeroConfidenceGivesThePrior) {
  BlackLittermanInput in = twoAssets();
  in.uncertainty = ViewUncertainty::Idzorek;
  VectorXd relative(2);
  relative << 1, -1;
  in.views = {PortfolioView{relative, 0.03, 1.0}};
  auto certain = blackLitterman(in);
  ASSERT_TRUE(certain.ok());
  EXPECT_NEAR(certain->posteriorReturns(0) - certain->posteriorReturns(1), 0.03, 1e-16);
  EXPECT_EQ(certain->omega(0), 0.0);

  in.views[0].confidence = 0;
  auto none = blackLitterman(in);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->posteriorReturns, none->equilibriumReturns);
  EXPECT_LT((none->posteriorCovariance - (1 + in.tau) * in.covariance).cwiseAbs().maxCoeff(), 1e-16);
}

TEST(BlackLitterman, IdzorekConfidenceTiltsWeightsByThatFraction) {
  // Idzorek's calibration: the unconstrained weights (delta Sigma)^-1 mu move from the market
  // weights by c times the move of a 100%-confident view.
  MatrixXd s(3, 3);
  s << 0.04, 0.006, 0.01, 0.006, 0.0225, 0.003, 0.01, 0.003, 0.09;
  BlackLittermanInput in;
  in.covariance = s;
  in.marketWeights = VectorXd(3);
  in.marketWeights << 0.5, 0.3, 0.2;
  in.uncertainty = ViewUncertainty::Idzorek;
  VectorXd pick(3);
  pick << 0, 1, -1;
  auto weights = [&](double c) {
    in.views = {PortfolioView{pick, 0.04, c}};
    auto r = blackLitterman(in);
    EXPECT_TRUE(r.ok());
    return VectorXd((in.riskAversion * s).ldlt().solve(r->posteriorReturns));
  };
  const VectorXd full = weights(1.0) - in.marketWeights;
  ASSERT_GT(full.norm(), 1e-3);
  EXPECT_LT((weights(0.0) - in.marketWeights).norm(), 1e-14);
  for (double c : {0.1, 0.3, 0.5, 0.9}) {
    EXPECT_LT((weights(c) - in.marketWeights - c * full).cwiseAbs().maxCoeff(), 1e-12) << c;
  }
  // He–Litterman's omega is Idzorek's at 50%.
  in.views = {PortfolioView{pick, 0.04, 0.5}};
  auto idz = blackLitterman(in);
  in.uncertainty = ViewUncertainty::HeLitterman;
  auto he = blackLitterman(in);
  ASSERT_TRUE(idz.ok() && he.ok());
  EXPECT_NEAR(idz->omega(0), he->omega(0), 1e-18);
}

TEST(BlackLitterman, ErrorsNameTheField) {
  BlackLittermanInput in = twoAssets();
  in.marketWeights = VectorXd::Ones(3);
  EXPECT_EQ(blackLitterman(in).error().field, "market_weights");
  in = twoAssets();
  in.uncertainty = ViewUncertainty::Idzorek;
  in.views = {PortfolioView{VectorXd::Unit(2, 0), 0.1, 1.5}};
  EXPECT_EQ(blackLitterman(in).error().field, "views[0].confidence");
  in.views = {PortfolioView{VectorXd::Unit(2, 0), 0.1, 1.0}, PortfolioView{VectorXd::Unit(2, 0), 0.2, 1.0}};
  EXPECT_EQ(blackLitterman(in).error().field, "views");
}

}  // namespace
}  // namespace alphintra::analytics
