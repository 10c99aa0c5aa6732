#include "analytics/black_litterman.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "analytics/covariance.hpp"

namespace alphintra::analytics {

Result<BlackLittermanResult> blackLitterman(const BlackLittermanInput& in) {
  using Eigen::Index;
  using Eigen::MatrixXd;
  using Eigen::VectorXd;
  if (auto e = checkCovariance(in.covariance, /*definite=*/true, "covariance")) return *e;
  const Index n = in.covariance.rows();
  if (in.marketWeights.size() != n) {
    return makeError("market_weights",
                     fmt::format("has {} entries but the covariance matrix has {} assets", in.marketWeights.size(), n));
  }
  if (!in.marketWeights.allFinite()) return makeError("market_weights", "must contain finite numbers only");
  if (!(in.riskAversion > 0) || !std::isfinite(in.riskAversion)) {
    return makeError("risk_aversion", fmt::format("must be > 0, got {}", in.riskAversion));
  }
  if (!(in.tau > 0) || !std::isfinite(in.tau)) return makeError("tau", fmt::format("must be > 0, got {}", in.tau));

  BlackLittermanResult out;
  const MatrixXd tauSigma = in.tau * in.covariance;
  out.equilibriumReturns = in.riskAversion * in.covariance * in.marketWeights;
  out.omega = VectorXd(static_cast<Index>(in.views.size()));

  // The views that carry information (confidence > 0).
  std::vector<std::size_t> used;
  for (std::size_t k = 0; k < in.views.size(); ++k) {
    const auto& v = in.views[k];
    const std::string field = fmt::format("views[{}]", k);
    if (v.pick.size() != n) {
      return makeError(field, fmt::format("names assets outside the {} of the covariance matrix", n));
    }
    if (!v.pick.allFinite() || v.pick.cwiseAbs().maxCoeff() == 0) {
      return makeError(field, "the view's portfolio must have at least one non-zero, finite weight");
    }
    if (!std::isfinite(v.value)) return makeError(field + ".return", "must be a finite number");
    const double base = v.pick.dot(tauSigma * v.pick);
    double omega = base;
    if (in.uncertainty == ViewUncertainty::Idzorek) {
      if (!(v.confidence >= 0 && v.confidence <= 1)) {
        return makeError(field + ".confidence", fmt::format("must be between 0 and 1, got {}", v.confidence));
      }
      omega = v.confidence == 0 ? std::numeric_limits<double>::infinity() : base * (1 - v.confidence) / v.confidence;
    }
    out.omega(static_cast<Index>(k)) = omega;
    if (std::isfinite(omega)) used.push_back(k);
  }

  const auto k = static_cast<Index>(used.size());
  if (k == 0) {
    out.posteriorReturns = out.equilibriumReturns;
    out.meanCovariance = tauSigma;
    out.posteriorCovariance = in.covariance + tauSigma;
    return out;
  }
  MatrixXd p(k, n);
  VectorXd q(k);
  VectorXd omega(k);
  for (Index r = 0; r < k; ++r) {
    const auto& v = in.views[used[static_cast<std::size_t>(r)]];
    p.row(r) = v.pick.transpose();
    q(r) = v.value;
    omega(r) = out.omega(static_cast<Index>(used[static_cast<std::size_t>(r)]));
  }
  const MatrixXd sigmaPt = tauSigma * p.transpose();  // n x k
  MatrixXd middle = p * sigmaPt;
  middle.diagonal() += omega;
  const Eigen::LDLT<MatrixXd> solver(middle);
  if (solver.info() != Eigen::Success || !(solver.vectorD().array() > 1e-14 * middle.diagonal().maxCoeff()).all()) {
    return makeError("views", "the views are linearly dependent (certain views that repeat or contradict each other)");
  }
  out.posteriorReturns = out.equilibriumReturns + sigmaPt * solver.solve(q - p * out.equilibriumReturns);
  out.meanCovariance = tauSigma - sigmaPt * solver.solve(sigmaPt.transpose());
  out.meanCovariance = 0.5 * (out.meanCovariance + out.meanCovariance.transpose());
  out.posteriorCovariance = in.covariance + out.meanCovariance;
  return out;
}

}  // namespace alphintra::analytics
