#include "analytics/kupiec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace alphintra::analytics::risk {
namespace {

double xlogy(double x, double y) noexcept { return x == 0.0 ? 0.0 : x * std::log(y); }

}  // namespace

double chiSquare1Survival(double x) noexcept { return x <= 0.0 ? 1.0 : std::erfc(std::sqrt(0.5 * x)); }

double binomialCdf(std::size_t x, std::size_t n, double p) noexcept {
  if (x >= n) return 1.0;
  const auto nn = static_cast<double>(n);
  const double logP = std::log(p);
  const double logQ = std::log1p(-p);
  double sum = 0;
  for (std::size_t k = 0; k <= x; ++k) {
    const auto kk = static_cast<double>(k);
    sum += std::exp(std::lgamma(nn + 1.0) - std::lgamma(kk + 1.0) - std::lgamma(nn - kk + 1.0) + kk * logP +
                    (nn - kk) * logQ);
  }
  return std::min(sum, 1.0);
}

Result<KupiecResult> kupiecTest(std::size_t observations, std::size_t exceptions, double confidence,
                                double significance) {
  if (observations < 1) return makeError("observations", "must be >= 1");
  if (exceptions > observations) {
    return makeError("exceptions", fmt::format("must be <= observations ({}), got {}", observations, exceptions));
  }
  if (!std::isfinite(confidence) || confidence <= 0.0 || confidence >= 1.0) {
    return makeError("confidence", fmt::format("must be strictly between 0 and 1, got {}", confidence));
  }
  if (!std::isfinite(significance) || significance <= 0.0 || significance >= 1.0) {
    return makeError("significance", fmt::format("must be strictly between 0 and 1, got {}", significance));
  }
  const auto n = static_cast<double>(observations);
  const auto x = static_cast<double>(exceptions);
  const double p = 1.0 - confidence;
  const double rate = x / n;
  const double logNull = xlogy(n - x, 1.0 - p) + xlogy(x, p);
  const double logAlt = xlogy(n - x, 1.0 - rate) + xlogy(x, rate);
  KupiecResult out;
  out.observations = observations;
  out.exceptions = exceptions;
  out.expectedExceptions = n * p;
  out.exceptionRate = rate;
  out.likelihoodRatio = std::max(0.0, -2.0 * (logNull - logAlt));
  out.pValue = chiSquare1Survival(out.likelihoodRatio);
  out.reject = out.pValue < significance;
  out.binomialCdf = binomialCdf(exceptions, observations, p);
  // A 1e-12 tolerance keeps a CDF that is exactly a threshold in theory on the documented side.
  out.zone = out.binomialCdf < 0.95 - 1e-12     ? TrafficLight::Green
             : out.binomialCdf < 0.9999 - 1e-12 ? TrafficLight::Yellow
                                                : TrafficLight::Red;
  return out;
}

Result<std::size_t> countExceptions(std::span<const double> pnl, std::span<const double> var) {
  if (pnl.empty()) return makeError("pnl", "must hold at least one day");
  if (var.size() != 1 && var.size() != pnl.size()) {
    return makeError("var",
                     fmt::format("must hold one value or one per day of pnl ({}), got {}", pnl.size(), var.size()));
  }
  std::size_t count = 0;
  for (std::size_t t = 0; t < pnl.size(); ++t) {
    const double v = var.size() == 1 ? var[0] : var[t];
    if (!std::isfinite(pnl[t]))
      return makeError(fmt::format("pnl[{}]", t), fmt::format("must be finite, got {}", pnl[t]));
    if (!std::isfinite(v)) {
      return makeError(var.size() == 1 ? std::string{"var"} : fmt::format("var[{}]", t),
                       fmt::format("must be finite, got {}", v));
    }
    if (pnl[t] < -v) ++count;
  }
  return count;
}

}  // namespace alphintra::analytics::risk
