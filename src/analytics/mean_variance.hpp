// Mean-variance portfolio optimisation (Markowitz) on the QP solver of qp_solver.hpp.
//
// Every portfolio is fully invested (budget: sum of weights = 1). Optional constraints:
//   * per-asset bounds lower_i <= w_i <= upper_i (long-only is lower = 0);
//   * groups (sectors): lower_g <= sum_{i in g} w_i <= upper_g;
//   * turnover: sum |w_i - current_i| <= limit, linearised with auxiliary variables t_i >= 0,
//     t_i >= w_i - current_i, t_i >= current_i - w_i, sum t_i <= limit.
// Objectives:
//   * minimum variance: min 1/2 w'Sw;
//   * target return: min 1/2 w'Sw with mu'w = target (equality);
//   * maximum Sharpe ratio (mu - rf)'w / sqrt(w'Sw): the homogenisation of Cornuéjols & Tütüncü
//     ("Optimization Methods in Finance", §8.2): with w = y/kappa, kappa >= 0,
//     min 1/2 y'Sy s.t. (mu - rf)'y = 1, sum y = kappa, and every constraint above multiplied
//     through by kappa (all of them are linear, so all stay linear). Exact, one QP; needs a
//     feasible portfolio with expected return above rf;
//   * target risk: the highest-return portfolio with volatility <= target. On the efficient
//     frontier volatility grows with return, so this bisects the target return between the
//     minimum-variance portfolio and the maximum-return portfolio (a linear program) until the
//     volatility matches to 1e-12 relative; a target above the maximum-return portfolio's
//     volatility returns that portfolio;
//   * efficient frontier: N target-return portfolios at evenly spaced returns from the
//     minimum-variance return to the maximum attainable return.
// Each result carries the KKT residuals of the QP that produced it (for maximum Sharpe, those of
// the homogenised problem). Errors name the request field ("target_return", "constraints", ...).
// Pure functions; any thread.
#pragma once

#include <Eigen/Dense>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "analytics/qp_solver.hpp"
#include "core/result.hpp"

namespace alphintra::analytics {

struct AssetGroup {
  std::string name;
  std::vector<Eigen::Index> assets;
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
};

struct TurnoverLimit {
  Eigen::VectorXd current;  // current weights
  double limit = 0;         // max sum |w - current|
};

struct PortfolioConstraints {
  Eigen::VectorXd lower;  // per asset; empty: 0 (long-only)
  Eigen::VectorXd upper;  // per asset; empty: +infinity
  std::vector<AssetGroup> groups;
  std::optional<TurnoverLimit> turnover;
};

struct OptimalPortfolio {
  Eigen::VectorXd weights;
  double expectedReturn = 0;  // mu'w (0 when no expected returns were given)
  double volatility = 0;      // sqrt(w'Sw)
  double sharpe = 0;          // (mu'w - rf)/volatility
  KktResiduals kkt;
  int iterations = 0;
};

// `expectedReturns` may be empty for minimum variance. `riskFree` only enters the Sharpe ratio.
Result<OptimalPortfolio> minimumVariance(const Eigen::MatrixXd& covariance, const Eigen::VectorXd& expectedReturns,
                                         const PortfolioConstraints& constraints, double riskFree = 0);
Result<OptimalPortfolio> targetReturnPortfolio(const Eigen::MatrixXd& covariance,
                                               const Eigen::VectorXd& expectedReturns, double targetReturn,
                                               const PortfolioConstraints& constraints, double riskFree = 0);
Result<OptimalPortfolio> maximumSharpe(const Eigen::MatrixXd& covariance, const Eigen::VectorXd& expectedReturns,
                                       double riskFree, const PortfolioConstraints& constraints);
Result<OptimalPortfolio> targetRiskPortfolio(const Eigen::MatrixXd& covariance, const Eigen::VectorXd& expectedReturns,
                                             double targetVolatility, const PortfolioConstraints& constraints,
                                             double riskFree = 0);
Result<std::vector<OptimalPortfolio>> efficientFrontier(const Eigen::MatrixXd& covariance,
                                                        const Eigen::VectorXd& expectedReturns, int points,
                                                        const PortfolioConstraints& constraints, double riskFree = 0);

// The QP for a given objective, exposed for tests: variables are w (n), then t (n) if a turnover
// limit is set, then kappa if `homogeneous`.
QpProblem portfolioProblem(const Eigen::MatrixXd& covariance, const PortfolioConstraints& constraints, bool homogeneous,
                           const Eigen::VectorXd& excessReturns);

}  // namespace alphintra::analytics
