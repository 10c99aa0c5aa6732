// Covariance estimators against hand computations and a literal, loop-by-loop transcription of
// the Ledoit–Wolf papers' formulas (an independent reference for the vectorised code).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "analytics/covariance.hpp"

namespace alphintra::analytics {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

MatrixXd randomReturns(int t, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0.0, 0.01);
  MatrixXd common(t, 1);
  MatrixXd r(t, n);
  for (int k = 0; k < t; ++k) {
    const double m = z(rng);
    for (int i = 0; i < n; ++i) r(k, i) = 0.0005 * i + (i % 2 ? 1.5 : -0.2 * i) * m + z(rng) * (1 + 0.2 * i);
  }
  return r;
}

TEST(Covariance, SampleMatchesHandComputation) {
  // Means (2, 3); deviations (-1,-1), (0,1), (1,0); S = 1/2 [[2,1],[1,2]].
  MatrixXd r(3, 2);
  r << 1, 2, 2, 4, 3, 3;
  auto s = sampleCovariance(r);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR((*s)(0, 0), 1.0, 1e-15);
  EXPECT_NEAR((*s)(0, 1), 0.5, 1e-15);
  EXPECT_NEAR((*s)(1, 0), 0.5, 1e-15);
  EXPECT_NEAR((*s)(1, 1), 1.0, 1e-15);
}

TEST(Covariance, EwmaMatchesHandComputation) {
  // lambda = 0.5, T = 3: weights 1/7, 2/7, 4/7 (newest last); returns 1, 2, 4: mean 3,
  // variance (4 + 2*1 + 4*1)/7 = 10/7.
  MatrixXd r(3, 1);
  r << 1, 2, 4;
  auto s = ewmaCovariance(r, 0.5);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR((*s)(0, 0), 10.0 / 7.0, 1e-14);
  EXPECT_EQ(ewmaCovariance(r, 1.0).error().field, "lambda");
  EXPECT_EQ(ewmaCovariance(r, 0.0).error().field, "lambda");
}

TEST(Covariance, EwmaTendsToMaximumLikelihoodSampleAsLambdaGoesToOne) {
  const MatrixXd r = randomReturns(50, 3, 7);
  auto e = ewmaCovariance(r, 1 - 1e-9);
  auto s = sampleCovariance(r);
  ASSERT_TRUE(e.ok() && s.ok());
  EXPECT_LT((*e - *s * 49.0 / 50.0).cwiseAbs().maxCoeff(), 1e-10);
}

TEST(Covariance, ScaledIdentityShrinkageMatchesHandComputation) {
  // x = (1,0), (0,1), (-1,-1): S = 1/3 [[2,1],[1,2]], mu = 2/3, d^2 = 1/9, bbar^2 = 4/27 > d^2,
  // so the intensity is clipped at 1 and the estimate is (2/3) I.
  MatrixXd r(3, 2);
  r << 1, 0, 0, 1, -1, -1;
  auto lw = ledoitWolfCovariance(r, ShrinkageTarget::ScaledIdentity);
  ASSERT_TRUE(lw.ok());
  EXPECT_NEAR(lw->shrinkage, 1.0, 1e-15);
  EXPECT_NEAR(lw->covariance(0, 0), 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(lw->covariance(0, 1), 0.0, 1e-15);
}

// The papers' estimators, written out with explicit sums over observations.
double referenceConstantCorrelation(const MatrixXd& r) {
  const int t = static_cast<int>(r.rows());
  const int n = static_cast<int>(r.cols());
  VectorXd mean = r.colwise().mean();
  auto y = [&](int k, int i) { return r(k, i) - mean(i); };
  MatrixXd s = MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      for (int k = 0; k < t; ++k) s(i, j) += y(k, i) * y(k, j);
      s(i, j) /= t;
    }
  double rbar = 0;
  for (int i = 0; i < n - 1; ++i)
    for (int j = i + 1; j < n; ++j) rbar += s(i, j) / std::sqrt(s(i, i) * s(j, j));
  rbar = 2 * rbar / ((n - 1) * n);
  double piHat = 0, gammaHat = 0, rhoHat = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double pij = 0;
      for (int k = 0; k < t; ++k) pij += std::pow(y(k, i) * y(k, j) - s(i, j), 2);
      pij /= t;
      piHat += pij;
      const double f = i == j ? s(i, i) : rbar * std::sqrt(s(i, i) * s(j, j));
      gammaHat += std::pow(f - s(i, j), 2);
      if (i == j) {
        rhoHat += pij;
      } else {
        double thIi = 0, thJj = 0;
        for (int k = 0; k < t; ++k) {
          thIi += (y(k, i) * y(k, i) - s(i, i)) * (y(k, i) * y(k, j) - s(i, j));
          thJj += (y(k, j) * y(k, j) - s(j, j)) * (y(k, i) * y(k, j) - s(i, j));
        }
        thIi /= t;
        thJj /= t;
        rhoHat += rbar / 2 * (std::sqrt(s(j, j) / s(i, i)) * thIi + std::sqrt(s(i, i) / s(j, j)) * thJj);
      }
    }
  const double kappa = (piHat - rhoHat) / gammaHat;
  return std::max(0.0, std::min(1.0, kappa / t));
}

TEST(Covariance, ConstantCorrelationShrinkageMatchesPublishedFormula) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const MatrixXd r = randomReturns(1000, 5, seed);
    auto lw = ledoitWolfCovariance(r, ShrinkageTarget::ConstantCorrelation);
    ASSERT_TRUE(lw.ok());
    const double reference = referenceConstantCorrelation(r);
    EXPECT_NEAR(lw->shrinkage, reference, 1e-12) << seed;
    EXPECT_GT(lw->shrinkage, 0.0);
    EXPECT_LT(lw->shrinkage, 1.0);
    const MatrixXd s = (r.rowwise() - r.colwise().mean()).transpose() * (r.rowwise() - r.colwise().mean()) / 1000.0;
    // The target keeps the variances, so the estimate does too.
    EXPECT_LT((lw->covariance.diagonal() - s.diagonal()).cwiseAbs().maxCoeff(), 1e-15);
    EXPECT_LT((lw->covariance - (reference * lw->target + (1 - reference) * s)).cwiseAbs().maxCoeff(), 1e-12);
  }
}

TEST(Covariance, ScaledIdentityShrinkageMatchesPublishedFormula) {
  const MatrixXd r = randomReturns(30, 6, 11);
  const int t = 30, n = 6;
  const MatrixXd x = r.rowwise() - r.colwise().mean();
  const MatrixXd s = x.transpose() * x / t;
  const double mu = s.trace() / n;
  double d2 = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) d2 += std::pow(s(i, j) - (i == j ? mu : 0.0), 2) / n;
  double b2 = 0;
  for (int k = 0; k < t; ++k)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) b2 += std::pow(x(k, i) * x(k, j) - s(i, j), 2) / n;
  b2 /= double(t) * t;
  auto lw = ledoitWolfCovariance(r, ShrinkageTarget::ScaledIdentity);
  ASSERT_TRUE(lw.ok());
  EXPECT_NEAR(lw->shrinkage, std::min(b2, d2) / d2, 1e-13);
  EXPECT_NEAR(lw->covariance.trace(), s.trace(), 1e-15);
}

TEST(Covariance, ChecksNameTheField) {
  MatrixXd r(1, 2);
  r << 1, 2;
  EXPECT_EQ(sampleCovariance(r).error().field, "returns");
  MatrixXd bad(2, 2);
  bad << 1, 2, 2, 1;  // eigenvalues 3 and -1
  ASSERT_TRUE(checkCovariance(bad, false, "covariance").has_value());
  EXPECT_NE(checkCovariance(bad, false, "covariance")->message.find("negative eigenvalue"), std::string::npos);
  MatrixXd asym(2, 2);
  asym << 1, 0.1, 0.2, 1;
  EXPECT_TRUE(checkCovariance(asym, false, "c").has_value());
  MatrixXd singular(2, 2);
  singular << 1, 1, 1, 1;
  EXPECT_FALSE(checkCovariance(singular, false, "c").has_value());
  EXPECT_TRUE(checkCovariance(singular, true, "c").has_value());
}

}  // namespace
}  // namespace alphintra::analytics
