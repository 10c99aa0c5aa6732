#include "analytics/mean_variance.hpp"

#include <fmt/format.h>

#include <cmath>

namespace alphintra::analytics {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kInf = std::numeric_limits<double>::infinity();

std::optional<Error> checkInputs(const MatrixXd& cov, const VectorXd& mu, const PortfolioConstraints& c,
                                 bool needReturns) {
  const Index n = cov.rows();
  if (n == 0 || cov.cols() != n) return makeError("covariance", "must be a non-empty square matrix");
  if (needReturns && mu.size() == 0) return makeError("expected_returns", "is required for this objective");
  if (mu.size() && mu.size() != n) {
    return makeError("expected_returns",
                     fmt::format("has {} entries but the covariance matrix has {} assets", mu.size(), n));
  }
  if (mu.size() && !mu.allFinite()) return makeError("expected_returns", "must contain finite numbers only");
  if (c.lower.size() && c.lower.size() != n) return makeError("lower", fmt::format("must have {} entries", n));
  if (c.upper.size() && c.upper.size() != n) return makeError("upper", fmt::format("must have {} entries", n));
  for (Index i = 0; i < n; ++i) {
    const double lo = c.lower.size() ? c.lower(i) : 0.0;
    const double hi = c.upper.size() ? c.upper(i) : kInf;
    if (std::isnan(lo) || std::isnan(hi) || lo > hi) {
      return makeError("lower", fmt::format("asset {}: lower bound {} is above upper bound {}", i, lo, hi));
    }
  }
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    const auto& group = c.groups[g];
    const std::string field = fmt::format("groups[{}]", g);
    if (group.assets.empty()) return makeError(field + ".assets", "must name at least one asset");
    for (Index a : group.assets) {
      if (a < 0 || a >= n) return makeError(field + ".assets", fmt::format("asset index {} is out of range", a));
    }
    if (group.lower > group.upper) return makeError(field, "min is above max");
  }
  if (c.turnover) {
    if (c.turnover->current.size() != n) {
      return makeError("turnover.current", fmt::format("must have {} entries (one per asset)", n));
    }
    if (!(c.turnover->limit >= 0)) return makeError("turnover.max", "must be a number >= 0");
  }
  return std::nullopt;
}

double lowerOf(const PortfolioConstraints& c, Index i) { return c.lower.size() ? c.lower(i) : 0.0; }
double upperOf(const PortfolioConstraints& c, Index i) { return c.upper.size() ? c.upper(i) : kInf; }

OptimalPortfolio describe(const MatrixXd& cov, const VectorXd& mu, double rf, VectorXd w, const QpSolution& qp) {
  OptimalPortfolio out;
  out.weights = std::move(w);
  out.expectedReturn = mu.size() ? mu.dot(out.weights) : 0.0;
  out.volatility = std::sqrt(std::max(0.0, out.weights.dot(cov * out.weights)));
  out.sharpe = out.volatility > 0 ? (out.expectedReturn - rf) / out.volatility : 0.0;
  out.kkt = qp.kkt;
  out.iterations = qp.iterations;
  return out;
}

Error renamed(Error e, const std::string& infeasibleField) {
  if (e.field == "constraints" && !infeasibleField.empty()) e.field = infeasibleField;
  return e;
}

// Solves `problem` and returns the weights (the first n variables, divided by kappa if homogeneous).
Result<QpSolution> solve(const QpProblem& problem) { return solveQp(problem); }

// min or max of mu'w over the feasible set: a linear program.
Result<double> extremeReturn(const MatrixXd& cov, const VectorXd& mu, const PortfolioConstraints& c, bool maximise) {
  QpProblem p = portfolioProblem(cov, c, false, VectorXd());
  p.Q.setZero();
  p.c.head(mu.size()) = maximise ? VectorXd(-mu) : mu;
  auto s = solve(p);
  if (!s) return s.error();
  return mu.dot(s->x.head(mu.size()));
}

}  // namespace

QpProblem portfolioProblem(const MatrixXd& cov, const PortfolioConstraints& c, bool homogeneous,
                           const VectorXd& excess) {
  const Index n = cov.rows();
  const Index nt = c.turnover ? n : 0;
  const Index nv = n + nt + (homogeneous ? 1 : 0);
  const Index kappa = n + nt;  // column of kappa when homogeneous
  QpProblem p;
  if (nv == n) {
    p.Q = cov;
  } else {
    p.Q = MatrixXd::Zero(nv, nv);
    p.Q.topLeftCorner(n, n) = cov;
  }
  p.c = VectorXd::Zero(nv);
  p.lower = VectorXd::Constant(nv, -kInf);
  p.upper = VectorXd::Constant(nv, kInf);

  std::vector<VectorXd> eqRows, ineqRows;
  std::vector<double> eqRhs, ineqRhs;
  auto row = [&] { return VectorXd::Zero(nv).eval(); };
  // Adds a . x <= rhs, homogenised (a . y - rhs*kappa <= 0) when needed.
  auto addIneq = [&](VectorXd a, double rhs) {
    if (homogeneous) {
      a(kappa) -= rhs;
      rhs = 0;
    }
    ineqRows.push_back(std::move(a));
    ineqRhs.push_back(rhs);
  };

  {
    VectorXd budget = row();
    budget.head(n).setOnes();
    if (homogeneous) {
      budget(kappa) = -1;
      eqRows.push_back(budget);
      eqRhs.push_back(0);
      VectorXd scale = row();
      scale.head(n) = excess;
      eqRows.push_back(scale);
      eqRhs.push_back(1);
      p.lower(kappa) = 0;
    } else {
      eqRows.push_back(budget);
      eqRhs.push_back(1);
    }
  }
  for (Index i = 0; i < n; ++i) {
    const double lo = lowerOf(c, i);
    const double hi = upperOf(c, i);
    if (!homogeneous || lo == 0) {
      p.lower(i) = homogeneous ? 0.0 : lo;
    } else if (std::isfinite(lo)) {
      VectorXd a = row();
      a(i) = -1;
      addIneq(a, -lo);
    }
    if (!homogeneous || hi == 0) {
      p.upper(i) = homogeneous ? 0.0 : hi;
    } else if (std::isfinite(hi)) {
      VectorXd a = row();
      a(i) = 1;
      addIneq(a, hi);
    }
  }
  for (const auto& g : c.groups) {
    VectorXd a = row();
    for (Index i : g.assets) a(i) = 1;
    if (std::isfinite(g.upper)) addIneq(a, g.upper);
    if (std::isfinite(g.lower)) addIneq(-a, -g.lower);
  }
  if (c.turnover) {
    for (Index i = 0; i < n; ++i) {
      p.lower(n + i) = 0;
      VectorXd up = row();
      up(i) = 1;
      up(n + i) = -1;
      addIneq(up, c.turnover->current(i));  // w - t <= current
      VectorXd down = row();
      down(i) = -1;
      down(n + i) = -1;
      addIneq(down, -c.turnover->current(i));  // -w - t <= -current
    }
    VectorXd total = row();
    total.segment(n, n).setOnes();
    addIneq(total, c.turnover->limit);
  }
  p.A = MatrixXd(static_cast<Index>(eqRows.size()), nv);
  p.b = VectorXd(static_cast<Index>(eqRows.size()));
  for (std::size_t k = 0; k < eqRows.size(); ++k) {
    p.A.row(static_cast<Index>(k)) = eqRows[k].transpose();
    p.b(static_cast<Index>(k)) = eqRhs[k];
  }
  p.G = MatrixXd(static_cast<Index>(ineqRows.size()), nv);
  p.h = VectorXd(static_cast<Index>(ineqRows.size()));
  for (std::size_t k = 0; k < ineqRows.size(); ++k) {
    p.G.row(static_cast<Index>(k)) = ineqRows[k].transpose();
    p.h(static_cast<Index>(k)) = ineqRhs[k];
  }
  return p;
}

Result<OptimalPortfolio> minimumVariance(const MatrixXd& cov, const VectorXd& mu, const PortfolioConstraints& c,
                                         double rf) {
  if (auto e = checkInputs(cov, mu, c, false)) return *e;
  auto s = solve(portfolioProblem(cov, c, false, VectorXd()));
  if (!s) return s.error();
  return describe(cov, mu, rf, s->x.head(cov.rows()), *s);
}

Result<OptimalPortfolio> targetReturnPortfolio(const MatrixXd& cov, const VectorXd& mu, double target,
                                               const PortfolioConstraints& c, double rf) {
  if (auto e = checkInputs(cov, mu, c, true)) return *e;
  QpProblem p = portfolioProblem(cov, c, false, VectorXd());
  p.A.conservativeResize(p.A.rows() + 1, Eigen::NoChange);
  p.A.row(p.A.rows() - 1).setZero();
  p.A.row(p.A.rows() - 1).head(cov.rows()) = mu.transpose();
  p.b.conservativeResize(p.b.size() + 1);
  p.b(p.b.size() - 1) = target;
  auto s = solve(p);
  if (!s) {
    Error e = s.error();
    if (e.field == "constraints") {
      auto lo = extremeReturn(cov, mu, c, false);
      auto hi = extremeReturn(cov, mu, c, true);
      if (!lo || !hi) return e;  // the constraints themselves are infeasible
      return makeError("target_return",
                       fmt::format("no portfolio satisfying the constraints has expected return {}; attainable "
                                   "returns are [{}, {}]",
                                   target, *lo, *hi));
    }
    if (e.field == "") {
      // Equality rows dependent: mu is a multiple of the budget row (all expected returns equal).
      return makeError("target_return", e.message);
    }
    return e;
  }
  return describe(cov, mu, rf, s->x.head(cov.rows()), *s);
}

Result<OptimalPortfolio> maximumSharpe(const MatrixXd& cov, const VectorXd& mu, double rf,
                                       const PortfolioConstraints& c) {
  if (auto e = checkInputs(cov, mu, c, true)) return *e;
  const VectorXd excess = mu.array() - rf;
  auto s = solve(portfolioProblem(cov, c, true, excess));
  if (!s) {
    if (s.error().field == "constraints") {
      auto mv = minimumVariance(cov, mu, c, rf);
      if (!mv) return mv.error();
      return makeError("risk_free_rate",
                       fmt::format("no portfolio satisfying the constraints has an expected return above the "
                                   "risk-free rate {}",
                                   rf));
    }
    return s.error();
  }
  const Index n = cov.rows();
  const double kappa = s->x(s->x.size() - 1);
  if (!(kappa > 1e-14)) return makeError("", "maximum Sharpe: degenerate solution (kappa = 0)");
  return describe(cov, mu, rf, s->x.head(n) / kappa, *s);
}

Result<OptimalPortfolio> targetRiskPortfolio(const MatrixXd& cov, const VectorXd& mu, double target,
                                             const PortfolioConstraints& c, double rf) {
  if (auto e = checkInputs(cov, mu, c, true)) return *e;
  if (!(target > 0)) return makeError("target_risk", fmt::format("must be > 0, got {}", target));
  auto mv = minimumVariance(cov, mu, c, rf);
  if (!mv) return mv.error();
  if (target < mv->volatility * (1 - 1e-12)) {
    return makeError("target_risk",
                     fmt::format("is below the volatility of the minimum-variance portfolio, {}", mv->volatility));
  }
  auto top = extremeReturn(cov, mu, c, true);
  if (!top) {
    return makeError("target_risk",
                     "the expected return is unbounded on the feasible set; add bounds (e.g. lower/upper) to use "
                     "target_risk");
  }
  auto best = targetReturnPortfolio(cov, mu, *top, c, rf);
  if (!best) return best.error();
  if (best->volatility <= target) return best;
  double lo = mv->expectedReturn;
  double hi = *top;
  OptimalPortfolio at = *mv;
  for (int i = 0; i < 200 && hi - lo > 1e-15 * (1 + std::abs(hi)); ++i) {
    const double mid = 0.5 * (lo + hi);
    auto p = targetReturnPortfolio(cov, mu, mid, c, rf);
    if (!p) return p.error();
    if (p->volatility <= target) {
      lo = mid;
      at = *p;
    } else {
      hi = mid;
    }
    if (std::abs(p->volatility - target) <= 1e-12 * target) return p;
  }
  return at;
}

Result<std::vector<OptimalPortfolio>> efficientFrontier(const MatrixXd& cov, const VectorXd& mu, int points,
                                                        const PortfolioConstraints& c, double rf) {
  if (auto e = checkInputs(cov, mu, c, true)) return *e;
  if (points < 2 || points > 1000)
    return makeError("points", fmt::format("must be between 2 and 1000, got {}", points));
  auto mv = minimumVariance(cov, mu, c, rf);
  if (!mv) return mv.error();
  auto top = extremeReturn(cov, mu, c, true);
  if (!top) {
    return makeError("objective",
                     "the expected return is unbounded on the feasible set; add bounds to trace the frontier");
  }
  std::vector<OptimalPortfolio> out;
  const double lo = mv->expectedReturn;
  const double hi = std::max(*top, lo);
  for (int k = 0; k < points; ++k) {
    if (k == 0) {
      out.push_back(*mv);
      continue;
    }
    const double target = lo + (hi - lo) * k / (points - 1);
    auto p = targetReturnPortfolio(cov, mu, target, c, rf);
    if (!p) return renamed(p.error(), "");
    out.push_back(*p);
  }
  return out;
}

}  // namespace alphintra::analytics
