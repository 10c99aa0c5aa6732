// Implied volatility of a European option under the generalized Black–Scholes formula.
//
// Every price strictly inside the no-arbitrage bounds
//     D max(F - K, 0) < call < D F,        D max(K - F, 0) < put < D K
// (F the forward, D the discount factor) has exactly one volatility, and the solver finds it:
// the price is first reduced to its time value, which is the undiscounted price of the
// out-of-the-money option of the pair (by put–call parity), so deep in-the-money inputs are
// solved on a well-conditioned function. Newton steps on log(time value) are kept inside a
// bracket that starts at [1e-6, 10] and widens (down to 1e-12, up to 1000) when the root lies
// outside; a step that leaves the bracket or does not halve the error is replaced by bisection.
// Convergence: the volatility changes by less than 1e-15 relative, or the bracket closes.
//
// Errors name the field "price" (outside the bounds, or a volatility beyond [1e-12, 1000]).
#pragma once

#include "analytics/black_scholes.hpp"
#include "core/result.hpp"

namespace alphintra::analytics {

// `in.volatility` is ignored. Assumes the other inputs are valid; `priceField` names the price in errors.
Result<ImpliedVolatility> solveImpliedVolatility(const CarryInputs& in, double price,
                                                 std::string_view priceField = "price");

}  // namespace alphintra::analytics
