// The Cox–Ross–Rubinstein (1979) binomial tree for European and American vanilla options under
// the generalized Black–Scholes dynamics (cost of carry b, discount rate r).
//   u = e^{sigma sqrt(dt)}, d = 1/u, dt = T / steps, one-step discount e^{-r dt};
//   up-probability: TreeProbability::Textbook  p = (e^{b dt} - d) / (u - d)
//                   TreeProbability::LogDrift  p = 1/2 + (b - sigma^2/2) sqrt(dt) / (2 sigma)
// American exercise is checked at every node, the root included. Node prices are S0 e^{j dx}
// (not repeated products) so that rounding does not drift along the tree.
// Cost O(steps^2) time, O(steps) memory.
#pragma once

#include "analytics/black_scholes.hpp"
#include "core/result.hpp"

namespace alphintra::analytics {

// Fails (field "steps") when the up-probability leaves [0, 1]: too few steps for the carry and
// volatility (|b| sqrt(dt) must stay below about sigma).
Result<double> coxRossRubinsteinPrice(const CarryInputs& in, ExerciseStyle style, int steps,
                                      TreeProbability probability);

}  // namespace alphintra::analytics
