// A dense convex quadratic-programming solver (primal active-set method, Nocedal & Wright,
// "Numerical Optimization", 2nd ed., algorithm 16.3), for the portfolio problems of this module:
//
//   minimise  1/2 x'Qx + c'x   subject to  A x = b,  G x <= h,  lower <= x <= upper.
//
// Q must be symmetric positive semi-definite; it may be singular (turnover's auxiliary
// variables, the homogenised maximum-Sharpe problem and linear programs have zero curvature):
// in a working subspace where the reduced Hessian is singular and the gradient has a component in
// its null space, the step is the steepest-descent direction within that null space, taken to the
// nearest blocking constraint (no blocking constraint: the problem is unbounded).
// Phase 1 finds a feasible start by minimising the sum of artificial variables (a linear program
// solved by the same iteration); a positive optimum means the constraints are infeasible.
// Each iteration refactors the working set (QR) and the reduced Hessian (eigen-decomposition), so
// an iteration costs O(n^3): fine for a few hundred variables, not for thousands. The common
// portfolio shape (budget plus bounds) takes the O(n |F|)-per-iteration path of bound_qp.hpp.
// The equality rows must be linearly independent. Pure function; any thread.
#pragma once

#include <Eigen/Dense>

#include "core/result.hpp"

namespace alphintra::analytics {

struct QpProblem {
  Eigen::MatrixXd Q;      // n x n, symmetric positive semi-definite
  Eigen::VectorXd c;      // n
  Eigen::MatrixXd A;      // me x n (me may be 0)
  Eigen::VectorXd b;      // me
  Eigen::MatrixXd G;      // mi x n (mi may be 0)
  Eigen::VectorXd h;      // mi
  Eigen::VectorXd lower;  // n, or empty for none; -infinity where unbounded
  Eigen::VectorXd upper;  // n, or empty for none; +infinity where unbounded
};

// The Karush–Kuhn–Tucker conditions at (x, y, mu, zl, zu), each as a max-norm residual:
//   stationarity     ||Qx + c + A'y + G'mu - zl + zu||
//   primal           max(|Ax - b|, (Gx - h)+, (lower - x)+, (x - upper)+)
//   dual             max((-mu)+, (-zl)+, (-zu)+)
//   complementarity  max(|mu_i (h - Gx)_i|, |zl_i (x - lower)_i|, |zu_i (upper - x)_i|)
struct KktResiduals {
  double stationarity = 0;
  double primal = 0;
  double dual = 0;
  double complementarity = 0;
  double max() const;
};

struct QpSolution {
  Eigen::VectorXd x;
  Eigen::VectorXd y;   // equality multipliers (free sign)
  Eigen::VectorXd mu;  // G-row multipliers, >= 0
  Eigen::VectorXd zl;  // lower-bound multipliers, >= 0 (0 where the bound is infinite)
  Eigen::VectorXd zu;  // upper-bound multipliers, >= 0
  double objective = 0;
  int iterations = 0;  // phase 1 and phase 2 together
  KktResiduals kkt;
};

// Errors: field "constraints" when infeasible (the message gives the smallest total violation
// found), "objective" when unbounded below, "" for malformed input or the iteration limit.
// Problems with at most one equality row, bounds and no G rows go to the bound-constrained fast
// path of bound_qp.hpp first; what it does not handle falls through to solveQpGeneral.
Result<QpSolution> solveQp(const QpProblem& problem);

// The dense active-set method alone (no fast path), for any problem of the form above.
Result<QpSolution> solveQpGeneral(const QpProblem& problem);

// Recomputes the residuals of a solution from the problem, independently of the solver.
KktResiduals kktResiduals(const QpProblem& problem, const QpSolution& solution);

}  // namespace alphintra::analytics
