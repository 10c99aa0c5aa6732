// VaR backtesting: Kupiec's (1995) proportion-of-failures test and the Basel Committee's (1996)
// traffic-light zones.
//
// Over n days with x exceptions (days whose loss exceeded the VaR) and expected exception
// probability p = 1 - confidence, Kupiec's likelihood ratio is
//   LR = -2 ln[(1 - p)^(n - x) p^x] + 2 ln[(1 - x/n)^(n - x) (x/n)^x]       (0 ln 0 = 0)
// asymptotically chi-square with 1 degree of freedom under H0 (the VaR is right), so its
// p-value is P(chi2_1 > LR) = erfc(sqrt(LR / 2)). H0 is rejected when p-value < significance.
// The traffic light uses the binomial(n, p) distribution function at x: green below 95%, yellow
// below 99.99%, red from there (for n = 250, p = 1%: green 0-4, yellow 5-9, red 10 or more).
//
// Pure functions; reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/result.hpp"

namespace alphintra::analytics::risk {

enum class TrafficLight : std::uint8_t { Green = 0, Yellow = 1, Red = 2 };

constexpr std::string_view toString(TrafficLight t) noexcept {
  switch (t) {
    case TrafficLight::Green: return "green";
    case TrafficLight::Yellow: return "yellow";
    case TrafficLight::Red: return "red";
  }
  return "";
}

struct KupiecResult {
  std::size_t observations = 0;   // n
  std::size_t exceptions = 0;     // x
  double expectedExceptions = 0;  // n p
  double exceptionRate = 0;       // x / n
  double likelihoodRatio = 0;     // LR
  double pValue = 0;              // P(chi2_1 > LR)
  bool reject = false;            // pValue < significance
  double binomialCdf = 0;         // P(X <= x), X ~ binomial(n, p)
  TrafficLight zone = TrafficLight::Green;
};

// n >= 1, x <= n, confidence and significance in (0, 1). Errors name "observations",
// "exceptions", "confidence", "significance".
Result<KupiecResult> kupiecTest(std::size_t observations, std::size_t exceptions, double confidence,
                                double significance = 0.05);

// Counts the exceptions of a P&L series against its VaR series (positive numbers, losses): day t
// is an exception when pnl[t] < -var[t]. A `var` of one value applies to every day. Errors name
// "pnl", "var", "var[t]".
Result<std::size_t> countExceptions(std::span<const double> pnl, std::span<const double> var);

// P(chi2_1 > x) = erfc(sqrt(x / 2)).
double chiSquare1Survival(double x) noexcept;

// P(X <= x) for X ~ binomial(n, p), 0 < p < 1.
double binomialCdf(std::size_t x, std::size_t n, double p) noexcept;

}  // namespace alphintra::analytics::risk
