// Risk-based allocations that need no expected returns.
//
// Equal risk contribution (ERC, Maillard, Roncalli & Teïletche 2010), or any risk budget b
// (b_i > 0, sum b = 1): long-only weights with w_i (Sigma w)_i / (w' Sigma w) = b_i. Solved as the
// strictly convex log-barrier problem of Spinu (2013) / Roncalli: min 1/2 y'Sigma y - sum b_i log y_i
// over y > 0, whose unique minimiser satisfies y_i (Sigma y)_i = b_i; w = y / sum y. Newton's
// method with a step shortened to keep y > 0 and a backtracking line search; stops when the
// largest relative deviation of the risk contributions from b is below 1e-13 (quadratic
// convergence, typically under 15 iterations). Needs a positive-definite covariance.
//
// Hierarchical risk parity (HRP, López de Prado 2016, "Building diversified portfolios that
// outperform out of sample", J. Portfolio Management 42(4)):
//   1. correlation distance d_ij = sqrt((1 - rho_ij)/2), then the Euclidean distance between the
//      columns of d (the paper's d~, what its code passes to scipy's linkage);
//   2. single-linkage agglomerative clustering on d~ (ties merge the lowest pair of cluster ids);
//   3. quasi-diagonalisation: the leaves in dendrogram order, each merge listing its first
//      (lower-id) child first, as scipy's linkage order does;
//   4. recursive bisection of that order into halves (the first half gets the smaller half when
//      the count is odd, as in the paper's code): each half's variance is that of its
//      inverse-variance portfolio, and the halves split their parent's weight by
//      alpha = 1 - V_1/(V_1 + V_2) for the first half.
// Needs positive variances. Pure functions; any thread.
#pragma once

#include <Eigen/Dense>

#include <vector>

#include "core/result.hpp"

namespace alphintra::analytics {

struct RiskBudgetPortfolio {
  Eigen::VectorXd weights;            // sum to 1, all > 0
  Eigen::VectorXd riskContributions;  // w_i (Sigma w)_i / (w' Sigma w), sum to 1
  double volatility = 0;
  int iterations = 0;
};

// `budgets` empty: equal risk contribution (1/n each).
Result<RiskBudgetPortfolio> riskBudgetPortfolio(const Eigen::MatrixXd& covariance, const Eigen::VectorXd& budgets);

struct HierarchicalPortfolio {
  Eigen::VectorXd weights;
  std::vector<Eigen::Index> order;  // the quasi-diagonal leaf order
  // One row per merge, scipy's layout: [first cluster id, second cluster id, distance, size];
  // leaves are 0..n-1, the cluster made by row r is n + r.
  Eigen::MatrixXd linkage;
  Eigen::VectorXd riskContributions;
  double volatility = 0;
};

Result<HierarchicalPortfolio> hierarchicalRiskParity(const Eigen::MatrixXd& covariance);

}  // namespace alphintra::analytics
