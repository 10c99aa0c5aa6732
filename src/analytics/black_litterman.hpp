// Black–Litterman expected returns (Black & Litterman 1992; He & Litterman 1999, "The intuition
// behind Black-Litterman model portfolios"; Idzorek 2005, "A step-by-step guide to the
// Black-Litterman model").
//
//   prior        pi = delta * Sigma * w_mkt               (reverse optimisation)
//   views        P mu = q + e,  e ~ N(0, Omega), Omega diagonal
//   posterior    mu_BL = pi + tau Sigma P' (P tau Sigma P' + Omega)^-1 (q - P pi)
//                M     = tau Sigma - tau Sigma P' (P tau Sigma P' + Omega)^-1 P tau Sigma
//                Sigma_BL = Sigma + M                     (covariance of returns, He–Litterman)
// This is algebraically the textbook precision form
//   mu_BL = [(tau Sigma)^-1 + P' Omega^-1 P]^-1 [(tau Sigma)^-1 pi + P' Omega^-1 q],
// but stays defined when a view is certain (omega_k = 0): the posterior then satisfies that view
// exactly.
// Omega, one variance per view k with pick row p_k:
//   * He–Litterman: omega_k = p_k (tau Sigma) p_k';
//   * Idzorek: a confidence c_k in [0, 1] per view; omega_k = p_k (tau Sigma) p_k' (1 - c_k)/c_k.
//     This is the exact solution of Idzorek's calibration for one view: the unconstrained optimal
//     weights (delta Sigma)^-1 mu(omega) then move from w_mkt by exactly c_k times the tilt of a
//     100%-confident view. c_k = 1 gives omega_k = 0 (view held exactly); c_k = 0 gives an
//     infinite omega_k: the view is dropped and the posterior mean is the prior.
// Pure functions; any thread.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

#include "core/result.hpp"

namespace alphintra::analytics {

struct PortfolioView {
  Eigen::VectorXd pick;     // p_k: one entry per asset; absolute view = unit vector, relative = +1/-1
  double value = 0;         // q_k
  double confidence = 0.5;  // Idzorek only, in [0, 1]
};

enum class ViewUncertainty : std::uint8_t { HeLitterman = 0, Idzorek = 1 };

struct BlackLittermanInput {
  Eigen::MatrixXd covariance;     // Sigma, positive definite
  Eigen::VectorXd marketWeights;  // w_mkt
  double riskAversion = 2.5;      // delta
  double tau = 0.05;
  std::vector<PortfolioView> views;
  ViewUncertainty uncertainty = ViewUncertainty::HeLitterman;
};

struct BlackLittermanResult {
  Eigen::VectorXd equilibriumReturns;   // pi
  Eigen::VectorXd posteriorReturns;     // mu_BL
  Eigen::MatrixXd posteriorCovariance;  // Sigma + M
  Eigen::MatrixXd meanCovariance;       // M, the posterior covariance of the mean
  Eigen::VectorXd omega;                // per view; +infinity for a view with confidence 0
};

Result<BlackLittermanResult> blackLitterman(const BlackLittermanInput& input);

}  // namespace alphintra::analytics
