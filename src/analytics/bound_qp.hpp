// The fast path of the QP solver for the common portfolio shape: a convex QP with at most one
// equality row (the budget), simple bounds, and no general inequality rows:
//
//   minimise  1/2 x'Qx + c'x   subject to  a'x = b (optional),  lower <= x <= upper.
//
// Method: a primal active-set on the bounds (Gill, Murray & Wright, "Practical Optimization",
// §5.2) that starts at a vertex and frees one variable per iteration, so the free set stays as
// small as the solution's support. The start fills the budget greedily, cheapest variance per unit
// of budget first, leaving at most one variable strictly between its bounds; when that cannot meet
// the budget the constraints are infeasible and the error is exact. The Hessian of the free block
// is M_FF with M = Q + rho a a' (equal to Q on the budget's null space, so the steps and the
// multipliers are those of Q, but positive definite whenever the equality-constrained subproblem
// has a unique solution); its Cholesky factor is updated by one row when a variable is freed and
// by a rank-one update when one is fixed at a bound, O(|F|^2) per change, never refactored inside
// the loop. The gradient is updated in O(n |F|) per step. At the end the factor is rebuilt, the
// KKT system is solved once more for the free block (iterative refinement) and the residuals are
// checked.
// Invariant: the free set always holds a variable with a nonzero budget coefficient, so the
// working set (budget plus fixed bounds) stays linearly independent.
// Not handled (status NotHandled, the caller runs the general solver): general inequality rows,
// more than one equality row, a singular free block (zero-curvature directions, e.g. linear
// programs), the iteration limit, or a final KKT residual above the tolerance.
// Pure function; any thread.
#pragma once

#include <string>

#include "analytics/qp_solver.hpp"

namespace alphintra::analytics {

enum class BoundQpStatus : std::uint8_t { Solved, Infeasible, NotHandled };

struct BoundQpOutcome {
  BoundQpStatus status = BoundQpStatus::NotHandled;
  QpSolution solution;  // when Solved
  std::string reason;   // when Infeasible (the error message) or NotHandled (why)
};

// `problem` must already have passed the shape checks of solveQp (finite data, matching sizes,
// lower <= upper, an equality row that is not zero).
BoundQpOutcome solveBoundQp(const QpProblem& problem);

}  // namespace alphintra::analytics
