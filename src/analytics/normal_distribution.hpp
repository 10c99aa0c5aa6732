// The standard normal density and distribution function. The distribution is taken from erfc so
// that it keeps full relative precision in the lower tail (N(-30) ~ 5e-198), where deep
// out-of-the-money prices and implied volatilities live; 1 - N(x) is never formed.
#pragma once

#include <cmath>
#include <numbers>

namespace alphintra::analytics {

inline double normalPdf(double x) noexcept {
  return std::exp(-0.5 * x * x) * (std::numbers::inv_sqrtpi / std::numbers::sqrt2);
}

inline double normalCdf(double x) noexcept { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

}  // namespace alphintra::analytics
