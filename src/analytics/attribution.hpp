// Single-period Brinson–Fachler attribution by sector: the active return R_p - R_b split into
// allocation, selection and interaction effects per sector (formulas and conventions in
// docs/analytics-reporting.md). With both weight sets summing to the same total, the three
// effects add up to R_p - R_b exactly in algebra (to rounding in doubles).
// Pure functions, no shared state.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"

namespace alphintra::analytics {

// The tolerance on |sum of weights - 1| for each weight set.
inline constexpr double kWeightSumTolerance = 1e-6;

struct SectorInput {
  std::string name;
  double portfolioWeight = 0;
  double benchmarkWeight = 0;
  double portfolioReturn = 0;
  double benchmarkReturn = 0;
};

struct SectorEffects {
  std::string name;
  double allocation = 0;   // (w_p - w_b)(R_b,i - R_b)
  double selection = 0;    // w_b (R_p,i - R_b,i)
  double interaction = 0;  // (w_p - w_b)(R_p,i - R_b,i)
  double total = 0;        // the sum of the three
};

struct Attribution {
  double portfolioReturn = 0;  // R_p = sum w_p,i R_p,i
  double benchmarkReturn = 0;  // R_b = sum w_b,i R_b,i
  double activeReturn = 0;     // R_p - R_b
  std::vector<SectorEffects> sectors;
  SectorEffects totals;  // name empty; each effect summed over the sectors
};

// Errors name the JSON field: "sectors", "portfolio_weights", "benchmark_returns[2]", ...
Result<Attribution> brinsonFachler(const std::vector<SectorInput>& sectors);

}  // namespace alphintra::analytics
