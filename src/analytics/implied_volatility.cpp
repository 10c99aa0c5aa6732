#include "analytics/implied_volatility.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "analytics/normal_distribution.hpp"

namespace alphintra::analytics {
namespace {

constexpr double kInitialLow = 1e-6;
constexpr double kInitialHigh = 10.0;
constexpr double kLowest = 1e-12;
constexpr double kHighest = 1000.0;
constexpr double kRelativeTolerance = 1e-15;
constexpr int kMaxIterations = 300;

// The undiscounted out-of-the-money option of the pair as a function of volatility.
struct TimeValue {
  OptionType otmType;
  double forward, strike, sqrtT;

  double at(double sigma) const { return blackForwardPrice(otmType, forward, strike, sigma * sqrtT); }
  // d log(value) / d sigma = vega / value.
  double logSlope(double sigma, double value) const {
    const double stdDev = sigma * sqrtT;
    const double d1 = std::log(forward / strike) / stdDev + 0.5 * stdDev;
    return forward * normalPdf(d1) * sqrtT / value;
  }
};

}  // namespace

Result<ImpliedVolatility> solveImpliedVolatility(const CarryInputs& in, double price, std::string_view priceField) {
  const std::string field{priceField};
  const double discount = std::exp(-in.rate * in.expiry);
  const double forward = in.spot * std::exp(in.carry * in.expiry);
  const bool call = in.type == OptionType::Call;
  const double intrinsic = std::max(call ? forward - in.strike : in.strike - forward, 0.0);
  const double lower = discount * intrinsic;
  const double upper = discount * (call ? forward : in.strike);
  if (!std::isfinite(price)) return makeError(field, "must be a finite number");
  // Compared undiscounted, as the solver sees it: a price whose time value rounds away is at the bound.
  const double undiscounted = price / discount;
  if (!(undiscounted > intrinsic)) {
    return makeError(field, fmt::format("{} is at or below the no-arbitrage lower bound {} (the discounted intrinsic "
                                        "value); no volatility reproduces it",
                                        price, lower));
  }
  if (!(undiscounted < (call ? forward : in.strike))) {
    return makeError(field, fmt::format("{} is at or above the no-arbitrage upper bound {} (the discounted {}); no "
                                        "volatility reproduces it",
                                        price, upper, call ? "forward" : "strike"));
  }
  const double target = undiscounted - intrinsic;  // time value, undiscounted
  const TimeValue tv{forward >= in.strike ? OptionType::Put : OptionType::Call, forward, in.strike,
                     std::sqrt(in.expiry)};
  const double logTarget = std::log(target);

  // Bracket the root: g(sigma) = log(tv(sigma)) - log(target) is increasing.
  double lo = kInitialLow;
  double hi = kInitialHigh;
  while (tv.at(lo) >= target) {
    if (lo <= kLowest) {
      return makeError(field, fmt::format("{} implies a volatility below {:g}; it is too close to the lower bound {}",
                                          price, kLowest, lower));
    }
    hi = lo;
    lo = std::max(lo * 1e-2, kLowest);
  }
  while (tv.at(hi) <= target) {
    if (hi >= kHighest) {
      return makeError(field, fmt::format("{} implies a volatility above {:g}; it is too close to the upper bound {}",
                                          price, kHighest, upper));
    }
    lo = hi;
    hi = std::min(hi * 4.0, kHighest);
  }

  // Start where the vega of the normalized price peaks, which Newton on the log approaches from either side.
  const double moneyness = std::abs(std::log(forward / in.strike));
  double sigma = std::sqrt(2.0 * moneyness / in.expiry);
  if (!(sigma > lo && sigma < hi)) sigma = std::sqrt(lo * hi);
  double lastStep = hi - lo;
  int iterations = 0;
  while (iterations < kMaxIterations) {
    ++iterations;
    const double value = tv.at(sigma);
    const double g = value > 0.0 ? std::log(value) - logTarget : -std::numeric_limits<double>::infinity();
    if (g == 0.0) break;
    (g < 0.0 ? lo : hi) = sigma;
    double next = 0;
    const double slope = value > 0.0 ? tv.logSlope(sigma, value) : 0.0;
    const double newton = slope > 0.0 ? sigma - g / slope : std::numeric_limits<double>::quiet_NaN();
    if (newton > lo && newton < hi && std::abs(newton - sigma) <= 0.5 * lastStep) {
      next = newton;
    } else {
      // Bisect, geometrically while the bracket spans decades.
      next = hi > 4.0 * lo ? std::sqrt(lo * hi) : 0.5 * (lo + hi);
    }
    lastStep = std::abs(next - sigma);
    sigma = next;
    if (lastStep <= kRelativeTolerance * sigma || hi - lo <= kRelativeTolerance * hi) break;
  }
  return ImpliedVolatility{sigma, iterations};
}

}  // namespace alphintra::analytics
