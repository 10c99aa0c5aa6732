#include "analytics/barone_adesi_whaley.hpp"

#include <cmath>

#include "analytics/normal_distribution.hpp"

namespace alphintra::analytics {
namespace {

constexpr double kCriticalPriceTolerance = 1e-6;
constexpr int kMaxIterations = 200;

struct Quadratic {
  double n = 0;   // 2b / sigma^2
  double m = 0;   // 2r / sigma^2
  double mk = 0;  // M / K with K = 1 - e^{-rT}; its r -> 0 limit is 2 / (sigma^2 T)
};

Quadratic quadratic(const CarryInputs& in) {
  const double variance = in.volatility * in.volatility;
  Quadratic q;
  q.n = 2.0 * in.carry / variance;
  q.m = 2.0 * in.rate / variance;
  const double k = -std::expm1(-in.rate * in.expiry);
  q.mk = std::abs(in.rate * in.expiry) > 1e-12 ? q.m / k : 2.0 / (variance * in.expiry);
  return q;
}

double d1At(const CarryInputs& in, double s) {
  const double stdDev = in.volatility * std::sqrt(in.expiry);
  return (std::log(s / in.strike) + in.carry * in.expiry) / stdDev + 0.5 * stdDev;
}

double europeanAt(const CarryInputs& in, double s) {
  CarryInputs at = in;
  at.spot = s;
  return blackScholesPrice(at);
}

// Newton iteration for the critical price, seeded as in the paper. `sign` is +1 for calls, -1 for puts.
double criticalPrice(const CarryInputs& in, const Quadratic& q, double qExponent, double sign) {
  const double t = in.expiry;
  const double stdDev = in.volatility * std::sqrt(t);
  const double carryDiscount = std::exp((in.carry - in.rate) * t);
  const double k = in.strike;
  // Seed: the perpetual critical price, pulled towards the strike for finite expiry.
  const double qInfinite = 0.5 * (-(q.n - 1.0) + sign * std::sqrt((q.n - 1.0) * (q.n - 1.0) + 4.0 * q.m));
  const double sInfinite = k / (1.0 - 1.0 / qInfinite);
  double s = 0;
  if (sign > 0) {
    const double h = -(in.carry * t + 2.0 * stdDev) * k / (sInfinite - k);
    s = k + (sInfinite - k) * (1.0 - std::exp(h));
  } else {
    const double h = (in.carry * t - 2.0 * stdDev) * k / (k - sInfinite);
    s = sInfinite + (k - sInfinite) * std::exp(h);
  }
  for (int i = 0; i < kMaxIterations; ++i) {
    const double d1 = d1At(in, s);
    const double cdf = normalCdf(sign * d1);
    const double lhs = sign * (s - k);
    const double rhs = europeanAt(in, s) + sign * (1.0 - carryDiscount * cdf) * s / qExponent;
    if (std::abs(lhs - rhs) / k <= kCriticalPriceTolerance) break;
    // bi: the slope of the right-hand side in S.
    const double slope = sign * carryDiscount * cdf * (1.0 - 1.0 / qExponent) +
                         sign * (1.0 - sign * carryDiscount * normalPdf(d1) / stdDev) / qExponent;
    s = sign > 0 ? (k + rhs - slope * s) / (1.0 - slope) : (k - rhs + slope * s) / (1.0 + slope);
    if (!(s > 0.0) || !std::isfinite(s)) break;  // no interior boundary: the caller prices as European
  }
  return s;
}

}  // namespace

double baroneAdesiWhaleyPrice(const CarryInputs& in) noexcept {
  const double european = blackScholesPrice(in);
  // Early exercise is never optimal for a call when b >= r (no dividend to capture), nor for a
  // put when r <= 0 (nothing is earned on the strike received early).
  if (in.type == OptionType::Call ? in.carry >= in.rate : in.rate <= 0.0) return european;
  const Quadratic q = quadratic(in);
  const double sign = in.type == OptionType::Call ? 1.0 : -1.0;
  const double qExponent = 0.5 * (-(q.n - 1.0) + sign * std::sqrt((q.n - 1.0) * (q.n - 1.0) + 4.0 * q.mk));
  const double critical = criticalPrice(in, q, qExponent, sign);
  if (!(critical > 0.0) || !std::isfinite(critical)) return european;
  const bool exerciseNow = sign > 0 ? in.spot >= critical : in.spot <= critical;
  if (exerciseNow) return sign * (in.spot - in.strike);
  const double carryDiscount = std::exp((in.carry - in.rate) * in.expiry);
  const double a = sign * (critical / qExponent) * (1.0 - carryDiscount * normalCdf(sign * d1At(in, critical)));
  return european + a * std::pow(in.spot / critical, qExponent);
}

}  // namespace alphintra::analytics
