// The Barone-Adesi–Whaley (1987) quadratic approximation of American vanilla options under the
// generalized Black–Scholes dynamics (cost of carry b, discount rate r), as in Haug (2007) 3.1:
//   C = c(S) + A2 (S/S*)^q2 for S < S*, else S - K   (puts mirror it with q1 and S** below K).
// The critical price S* solves the smooth-pasting condition by the paper's Newton iteration from
// its seed, stopped as published (Barone-Adesi & Whaley, Haug, QuantLib) at |LHS - RHS| / K <=
// 1e-6: the approximation is defined with that stopping rule, and the value moves with it at
// about the same order for far out-of-the-money options, so we keep it to agree with the
// references. A call with b >= r and a put with r <= 0 are never exercised early and are priced
// as European; so is any case where the iteration finds no positive critical price. Accuracy against the true American
// value is that of the approximation (typically 1e-3 relative), not of the arithmetic.
#pragma once

#include "analytics/black_scholes.hpp"

namespace alphintra::analytics {

double baroneAdesiWhaleyPrice(const CarryInputs& in) noexcept;

}  // namespace alphintra::analytics
