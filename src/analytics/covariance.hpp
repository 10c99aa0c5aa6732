// Covariance estimators for portfolio construction, from a returns matrix with one row per
// observation (period) and one column per asset:
//   * sample: the unbiased estimator, 1/(T-1) sum (r_t - mean)(r_t - mean)';
//   * exponentially weighted (RiskMetrics-style): weights lambda^(T-1-t) normalised to sum 1, the
//     newest row weighing most, around the weighted mean; no small-sample correction;
//   * Ledoit–Wolf shrinkage delta*F + (1-delta)*S of the maximum-likelihood sample covariance S
//     (1/T normalisation, as in the papers) towards either
//       - the constant-correlation target F (Ledoit & Wolf 2004, "Honey, I shrunk the sample
//         covariance matrix", J. Portfolio Management 30(4)): F_ii = S_ii,
//         F_ij = rbar*sqrt(S_ii*S_jj) with rbar the mean off-diagonal sample correlation; or
//       - the scaled identity F = mu*I, mu = tr(S)/N (Ledoit & Wolf 2004, "A well-conditioned
//         estimator for large-dimensional covariance matrices", J. Multivariate Analysis 88).
//     The optimal intensity delta is the papers' consistent estimator, clipped to [0, 1].
// Also the checks every consumer of a covariance matrix makes (square, symmetric, positive
// semi-definite or definite), so that a bad matrix is reported with the field it came from.
// Doubles throughout; pure functions, no state, callable from any thread.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace alphintra::analytics {

enum class ShrinkageTarget : std::uint8_t { ConstantCorrelation = 0, ScaledIdentity = 1 };

struct ShrunkCovariance {
  Eigen::MatrixXd covariance;  // delta*target + (1-delta)*sample (sample with 1/T)
  Eigen::MatrixXd target;
  double shrinkage = 0;  // delta in [0, 1]
};

// Returns: T x N, T >= 2 observations. Errors name the field "returns" (or "lambda").
Result<Eigen::MatrixXd> sampleCovariance(const Eigen::MatrixXd& returns);
Result<Eigen::MatrixXd> ewmaCovariance(const Eigen::MatrixXd& returns, double lambda);
Result<ShrunkCovariance> ledoitWolfCovariance(const Eigen::MatrixXd& returns, ShrinkageTarget target);

// Checks that `matrix` is a usable covariance matrix: finite, square, symmetric (to 1e-10
// relative), and positive semi-definite (smallest eigenvalue >= -1e-10 * largest) or, with
// `definite`, positive definite (smallest eigenvalue > 1e-12 * largest). The error names `field`.
std::optional<Error> checkCovariance(const Eigen::MatrixXd& matrix, bool definite, const std::string& field);

}  // namespace alphintra::analytics
