#include "analytics/covariance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace alphintra::analytics {
namespace {

std::optional<Error> checkReturns(const Eigen::MatrixXd& returns) {
  if (returns.cols() < 1) return makeError("returns", "must have at least one asset (column)");
  if (returns.rows() < 2) {
    return makeError("returns", fmt::format("needs at least 2 observations (rows), got {}", returns.rows()));
  }
  if (!returns.allFinite()) return makeError("returns", "must contain finite numbers only");
  return std::nullopt;
}

// The demeaned returns and the maximum-likelihood covariance (1/T).
struct Centered {
  Eigen::MatrixXd x;
  Eigen::MatrixXd s;
};

Centered center(const Eigen::MatrixXd& returns) {
  const auto t = static_cast<double>(returns.rows());
  Centered out;
  out.x = returns.rowwise() - returns.colwise().mean();
  out.s = out.x.transpose() * out.x / t;
  return out;
}

ShrunkCovariance constantCorrelation(const Centered& c) {
  const Eigen::Index n = c.s.rows();
  const auto t = static_cast<double>(c.x.rows());
  const Eigen::VectorXd sd = c.s.diagonal().cwiseSqrt();
  double rbar = 0;
  if (n > 1) {
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < n; ++j) {
        if (i != j) rbar += c.s(i, j) / (sd(i) * sd(j));
      }
    }
    rbar /= static_cast<double>(n * (n - 1));
  }
  ShrunkCovariance out;
  out.target = rbar * sd * sd.transpose();
  out.target.diagonal() = c.s.diagonal();

  // pi-hat: sum over i,j of the asymptotic variances of sqrt(T)*s_ij.
  const Eigen::MatrixXd x2 = c.x.cwiseProduct(c.x);  // (x_ti)^2
  const Eigen::MatrixXd piMat = x2.transpose() * x2 / t - c.s.cwiseProduct(c.s);
  const double piHat = piMat.sum();
  // rho-hat: the diagonal part plus the covariance terms of the target's off-diagonal entries.
  // theta_ii,ij = 1/T sum_t (x_ti^2 - s_ii)(x_ti x_tj - s_ij) = 1/T sum_t x_ti^3 x_tj - s_ii s_ij.
  const Eigen::MatrixXd x3 = x2.cwiseProduct(c.x);
  const Eigen::MatrixXd theta = x3.transpose() * c.x / t - c.s.diagonal().asDiagonal() * c.s;  // theta(i,j)
  double rhoHat = piMat.diagonal().sum();
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      if (i == j) continue;
      rhoHat += rbar / 2 * (sd(j) / sd(i) * theta(i, j) + sd(i) / sd(j) * theta(j, i));
    }
  }
  const double gammaHat = (out.target - c.s).squaredNorm();
  const double kappa = gammaHat > 0 ? (piHat - rhoHat) / gammaHat : 0.0;
  out.shrinkage = std::clamp(kappa / t, 0.0, 1.0);
  out.covariance = out.shrinkage * out.target + (1 - out.shrinkage) * c.s;
  return out;
}

ShrunkCovariance scaledIdentity(const Centered& c) {
  const Eigen::Index n = c.s.rows();
  const auto t = static_cast<double>(c.x.rows());
  const auto nd = static_cast<double>(n);
  const double mu = c.s.trace() / nd;
  ShrunkCovariance out;
  out.target = mu * Eigen::MatrixXd::Identity(n, n);
  // The paper's norm is ||A||^2 = tr(A A')/N.
  const double d2 = (c.s - out.target).squaredNorm() / nd;
  double b2bar = 0;
  for (Eigen::Index k = 0; k < c.x.rows(); ++k) {
    const Eigen::VectorXd xk = c.x.row(k).transpose();
    b2bar += (xk * xk.transpose() - c.s).squaredNorm() / nd;
  }
  b2bar /= t * t;
  const double b2 = std::min(b2bar, d2);
  out.shrinkage = d2 > 0 ? b2 / d2 : 0.0;
  out.covariance = out.shrinkage * out.target + (1 - out.shrinkage) * c.s;
  return out;
}

}  // namespace

Result<Eigen::MatrixXd> sampleCovariance(const Eigen::MatrixXd& returns) {
  if (auto e = checkReturns(returns)) return *e;
  const Eigen::MatrixXd x = returns.rowwise() - returns.colwise().mean();
  return Eigen::MatrixXd(x.transpose() * x / static_cast<double>(returns.rows() - 1));
}

Result<Eigen::MatrixXd> ewmaCovariance(const Eigen::MatrixXd& returns, double lambda) {
  if (!(lambda > 0 && lambda < 1)) {
    return makeError("lambda", fmt::format("must be strictly between 0 and 1, got {}", lambda));
  }
  if (auto e = checkReturns(returns)) return *e;
  const Eigen::Index t = returns.rows();
  Eigen::VectorXd w(t);
  for (Eigen::Index k = 0; k < t; ++k) w(k) = std::pow(lambda, static_cast<double>(t - 1 - k));
  w /= w.sum();
  const Eigen::RowVectorXd mean = w.transpose() * returns;
  const Eigen::MatrixXd x = returns.rowwise() - mean;
  return Eigen::MatrixXd(x.transpose() * w.asDiagonal() * x);
}

Result<ShrunkCovariance> ledoitWolfCovariance(const Eigen::MatrixXd& returns, ShrinkageTarget target) {
  if (auto e = checkReturns(returns)) return *e;
  const Centered c = center(returns);
  if ((c.s.diagonal().array() <= 0).any()) {
    return makeError("returns", "every asset needs a non-zero variance for Ledoit-Wolf shrinkage");
  }
  return target == ShrinkageTarget::ConstantCorrelation ? constantCorrelation(c) : scaledIdentity(c);
}

std::optional<Error> checkCovariance(const Eigen::MatrixXd& matrix, bool definite, const std::string& field) {
  if (matrix.rows() == 0) return makeError(field, "must not be empty");
  if (matrix.rows() != matrix.cols()) {
    return makeError(field, fmt::format("must be square, got {} rows and {} columns", matrix.rows(), matrix.cols()));
  }
  if (!matrix.allFinite()) return makeError(field, "must contain finite numbers only");
  const double scale = std::max(matrix.cwiseAbs().maxCoeff(), 1e-300);
  for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      if (std::abs(matrix(i, j) - matrix(j, i)) > 1e-10 * scale) {
        return makeError(field, fmt::format("must be symmetric: [{}][{}] = {} but [{}][{}] = {}", i, j, matrix(i, j), j,
                                            i, matrix(j, i)));
      }
    }
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(matrix, Eigen::EigenvaluesOnly);
  const double largest = eig.eigenvalues().maxCoeff();
  const double smallest = eig.eigenvalues().minCoeff();
  if (largest <= 0) return makeError(field, "must be positive semi-definite with a positive eigenvalue");
  if (definite && smallest <= 1e-12 * largest) {
    return makeError(field, fmt::format("must be positive definite; its smallest eigenvalue is {}", smallest));
  }
  if (smallest < -1e-10 * largest) {
    return makeError(field, fmt::format("must be positive semi-definite; it has the negative eigenvalue {}", smallest));
  }
  return std::nullopt;
}

}  // namespace alphintra::analytics
