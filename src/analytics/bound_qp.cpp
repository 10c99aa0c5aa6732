#include "analytics/bound_qp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace alphintra::analytics {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kInf = std::numeric_limits<double>::infinity();
// A new diagonal pivot below this fraction of the diagonal entry counts as singular.
constexpr double kPivotTolerance = 1e-12;

enum class State : std::uint8_t { Free, AtLower, AtUpper };

double infNorm(const VectorXd& v) { return v.size() ? v.lpNorm<Eigen::Infinity>() : 0.0; }

// The lower Cholesky factor of M_FF, M = Q + rho a a', for the free variables in `order()`.
// The factor lives in the top-left corner of an n x n buffer; only its lower triangle is read.
class FreeFactor {
 public:
  FreeFactor(const MatrixXd& q, const VectorXd& a, double rho) : q_(q), a_(a), rho_(rho), l_(q.rows(), q.rows()) {}

  Index size() const { return static_cast<Index>(order_.size()); }
  const std::vector<Index>& order() const { return order_; }

  // Appends variable j as the last row; false (nothing changed) when the block would not be
  // positive definite.
  bool append(Index j) {
    const Index f = size();
    VectorXd column(f);
    for (Index k = 0; k < f; ++k) column(k) = m(order_[static_cast<std::size_t>(k)], j);
    l_.topLeftCorner(f, f).triangularView<Eigen::Lower>().solveInPlace(column);
    const double diagonal = m(j, j);
    const double pivot = diagonal - column.squaredNorm();
    if (!(diagonal > 0) || !(pivot > kPivotTolerance * diagonal)) return false;
    l_.row(f).head(f) = column.transpose();
    l_(f, f) = std::sqrt(pivot);
    order_.push_back(j);
    return true;
  }

  // Removes the variable at position k: the trailing block absorbs the removed column by a
  // rank-one update, then rows and columns after k shift up and left by one.
  void remove(Index k) {
    const Index f = size();
    const Index t = f - k - 1;
    VectorXd v = l_.col(k).segment(k + 1, t);
    for (Index i = 0; i < t; ++i) {
      const Index d = k + 1 + i;
      const double old = l_(d, d);
      const double r = std::hypot(old, v(i));
      const double cosine = r / old;
      const double sine = v(i) / old;
      l_(d, d) = r;
      const Index below = t - i - 1;
      if (below > 0) {
        auto col = l_.col(d).segment(d + 1, below);
        auto rest = v.segment(i + 1, below);
        col = (col + sine * rest) / cosine;
        rest = cosine * rest - sine * col;
      }
    }
    for (Index j = k; j + 1 < f; ++j) l_.col(j).segment(k, f - k) = l_.col(j + 1).segment(k, f - k);
    for (Index i = k; i + 1 < f; ++i) l_.row(i).head(f - 1) = l_.row(i + 1).head(f - 1);
    order_.erase(order_.begin() + k);
  }

  // Refactors M_FF from scratch; false when it is not positive definite.
  bool rebuild() {
    std::vector<Index> variables = std::move(order_);
    order_.clear();
    for (Index j : variables) {
      if (!append(j)) return false;
    }
    return true;
  }

  // rhs := M_FF^{-1} rhs.
  void solveInPlace(VectorXd& rhs) const {
    const Index f = size();
    const auto lff = l_.topLeftCorner(f, f).triangularView<Eigen::Lower>();
    lff.solveInPlace(rhs);
    lff.transpose().solveInPlace(rhs);
  }

 private:
  double m(Index i, Index j) const { return q_(i, j) + (a_.size() ? rho_ * a_(i) * a_(j) : 0.0); }

  const MatrixXd& q_;
  const VectorXd& a_;
  double rho_;
  MatrixXd l_;
  std::vector<Index> order_;
};

struct Bounds {
  VectorXd lo;
  VectorXd hi;
};

bool isSymmetric(const MatrixXd& m) {
  for (Index j = 0; j < m.cols(); ++j) {
    for (Index i = j + 1; i < m.rows(); ++i) {
      if (m(i, j) != m(j, i)) return false;
    }
  }
  return true;
}

BoundQpOutcome notHandled(std::string reason) {
  BoundQpOutcome out;
  out.status = BoundQpStatus::NotHandled;
  out.reason = std::move(reason);
  return out;
}

// The starting vertex: every bounded variable on the bound nearest 0, then the budget filled
// greedily (cheapest variance per unit of budget first). Returns the residual b - a'x left over.
double startingVertex(const MatrixXd& q, const VectorXd& a, double b, const Bounds& bd, VectorXd& x,
                      std::vector<State>& state, Index& anchor) {
  const Index n = q.rows();
  anchor = -1;
  for (Index i = 0; i < n; ++i) {
    const bool finiteLo = std::isfinite(bd.lo(i));
    const bool finiteHi = std::isfinite(bd.hi(i));
    const auto s = static_cast<std::size_t>(i);
    if (!finiteLo && !finiteHi) {
      x(i) = 0;
      state[s] = State::Free;
    } else if (finiteLo && (!finiteHi || std::abs(bd.lo(i)) <= std::abs(bd.hi(i)))) {
      x(i) = bd.lo(i);
      state[s] = State::AtLower;
    } else {
      x(i) = bd.hi(i);
      state[s] = State::AtUpper;
    }
  }
  if (a.size() == 0) return 0.0;
  double residual = b - a.dot(x);
  for (Index i = 0; i < n; ++i) {
    if (state[static_cast<std::size_t>(i)] == State::Free && a(i) != 0) {
      x(i) += residual / a(i);  // an unbounded variable absorbs the whole budget
      anchor = i;
      return 0.0;
    }
  }
  std::vector<Index> candidates;
  for (Index i = 0; i < n; ++i) {
    if (a(i) != 0) candidates.push_back(i);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](Index i, Index j) { return q(i, i) / (a(i) * a(i)) < q(j, j) / (a(j) * a(j)); });
  for (Index i : candidates) {
    if (residual == 0) break;
    const double want = residual / a(i);
    const double room = want > 0 ? bd.hi(i) - x(i) : x(i) - bd.lo(i);
    anchor = i;
    if (std::abs(want) < room) {
      x(i) += want;
      state[static_cast<std::size_t>(i)] = State::Free;
      residual = 0;
    } else {
      x(i) = want > 0 ? bd.hi(i) : bd.lo(i);
      state[static_cast<std::size_t>(i)] = want > 0 ? State::AtUpper : State::AtLower;
      residual = b - a.dot(x);
    }
  }
  if (anchor < 0 && !candidates.empty()) anchor = candidates.front();
  return residual;
}

}  // namespace

BoundQpOutcome solveBoundQp(const QpProblem& p) {
  const Index n = p.Q.rows();
  if (p.G.rows() > 0) return notHandled("general inequality rows");
  if (p.A.rows() > 1) return notHandled("more than one equality row");
  const bool budget = p.A.rows() == 1;
  // Q itself when symmetric (the usual case: no n x n copy), else its symmetric part.
  MatrixXd symmetricPart;
  if (!isSymmetric(p.Q)) symmetricPart = 0.5 * (p.Q + p.Q.transpose());
  const MatrixXd& q = symmetricPart.size() ? symmetricPart : p.Q;
  const VectorXd a = budget ? VectorXd(p.A.row(0).transpose()) : VectorXd();
  const double b = budget ? p.b(0) : 0.0;
  Bounds bd{p.lower.size() ? p.lower : VectorXd::Constant(n, -kInf),
            p.upper.size() ? p.upper : VectorXd::Constant(n, kInf)};
  const double meanDiagonal = q.diagonal().cwiseAbs().mean();
  const double rho = budget ? (meanDiagonal > 0 ? meanDiagonal : 1.0) / a.cwiseAbs2().maxCoeff() : 0.0;

  VectorXd x(n);
  std::vector<State> state(static_cast<std::size_t>(n));
  Index anchor = -1;
  const double residual = startingVertex(q, a, b, bd, x, state, anchor);
  if (std::abs(residual) > 1e-9 * (1 + std::abs(b))) {
    BoundQpOutcome out;
    out.status = BoundQpStatus::Infeasible;
    out.reason = fmt::format(
        "the constraints are infeasible: no point satisfies them all (the smallest total violation is {:.6g})",
        std::abs(residual));
    return out;
  }
  if (anchor >= 0) state[static_cast<std::size_t>(anchor)] = State::Free;

  FreeFactor factor(q, a, rho);
  for (Index i = 0; i < n; ++i) {
    if (state[static_cast<std::size_t>(i)] == State::Free && !factor.append(i)) {
      return notHandled("the starting free block is singular");
    }
  }
  VectorXd g = q * x + p.c;
  const double zTolerance = 1e-12 * std::max(1.0, infNorm(g));
  double lambda = 0;  // the budget multiplier
  bool fullStep = false;
  int iterations = 0;
  const int maxIterations = static_cast<int>(10 * n + 100);
  VectorXd step, toBudget;
  for (;; ++iterations) {
    if (iterations == maxIterations) return notHandled("iteration limit");
    const auto& order = factor.order();
    const Index f = factor.size();
    if (fullStep || f == 0) {
      // Optimal on this free set (after a full step the last solve's lambda is exact there, since
      // a_F'p = 0 makes Q_FF p = M_FF p): free the bound variable with the most negative multiplier.
      Index enter = -1;
      double mostNegative = -zTolerance;
      for (Index i = 0; i < n; ++i) {
        const State s = state[static_cast<std::size_t>(i)];
        if (s == State::Free || bd.lo(i) == bd.hi(i)) continue;
        const double z = g(i) + (budget ? lambda * a(i) : 0.0);
        const double signedZ = s == State::AtLower ? z : -z;
        if (signedZ < mostNegative) {
          mostNegative = signedZ;
          enter = i;
        }
      }
      if (enter < 0) break;
      if (!factor.append(enter)) return notHandled("a zero-curvature direction (singular free block)");
      state[static_cast<std::size_t>(enter)] = State::Free;
      fullStep = false;
      continue;
    }

    // Newton step on the free block with the budget held: M p + lambda a_F = -g_F, a_F'p = 0.
    step.resize(f);
    for (Index k = 0; k < f; ++k) step(k) = g(order[static_cast<std::size_t>(k)]);
    factor.solveInPlace(step);
    if (budget) {
      toBudget.resize(f);
      for (Index k = 0; k < f; ++k) toBudget(k) = a(order[static_cast<std::size_t>(k)]);
      VectorXd aF = toBudget;
      factor.solveInPlace(toBudget);
      lambda = -aF.dot(step) / aF.dot(toBudget);
      step += lambda * toBudget;
    }
    step = -step;

    // Ratio test over the free variables.
    double alpha = 1.0;
    Index blocking = -1;
    for (Index k = 0; k < f; ++k) {
      const Index i = order[static_cast<std::size_t>(k)];
      double limit = kInf;
      if (step(k) < 0 && std::isfinite(bd.lo(i))) limit = std::max(0.0, x(i) - bd.lo(i)) / -step(k);
      if (step(k) > 0 && std::isfinite(bd.hi(i))) limit = std::max(0.0, bd.hi(i) - x(i)) / step(k);
      if (limit < alpha) {
        alpha = limit;
        blocking = k;
      }
    }
    for (Index k = 0; k < f; ++k) {
      const Index i = order[static_cast<std::size_t>(k)];
      const double move = alpha * step(k);
      x(i) += move;
      g += move * q.col(i);
    }
    if (blocking >= 0) {
      const Index i = order[static_cast<std::size_t>(blocking)];
      const bool down = step(blocking) < 0;
      x(i) = down ? bd.lo(i) : bd.hi(i);
      state[static_cast<std::size_t>(i)] = down ? State::AtLower : State::AtUpper;
      factor.remove(blocking);
      fullStep = false;
    } else {
      fullStep = true;
    }
  }

  // Polish: a fresh factor, then a Newton correction of the free block on the exact residuals
  // (stationarity on F with Q, and the budget), using M: with M dx + a_F d' = -r, a_F'dx = -e,
  // the Q-system's multiplier change is d' - rho e.
  if (!factor.rebuild()) return notHandled("the final free block is singular");
  const auto& order = factor.order();
  const Index f = factor.size();
  if (f > 0) {
    g.noalias() = q * x + p.c;
    VectorXd r(f), aF(f);
    for (Index k = 0; k < f; ++k) {
      const Index i = order[static_cast<std::size_t>(k)];
      aF(k) = budget ? a(i) : 0.0;
      r(k) = g(i) + lambda * aF(k);
    }
    VectorXd dx = r;
    factor.solveInPlace(dx);
    if (budget) {
      const double e = a.dot(x) - b;
      VectorXd ma = aF;
      factor.solveInPlace(ma);
      const double d = (e - aF.dot(dx)) / aF.dot(ma);
      dx += d * ma;
      lambda += d - rho * e;
    }
    for (Index k = 0; k < f; ++k) x(order[static_cast<std::size_t>(k)]) -= dx(k);
  }
  g.noalias() = q * x + p.c;

  BoundQpOutcome out;
  out.status = BoundQpStatus::Solved;
  QpSolution& s = out.solution;
  s.x = x;
  s.y = budget ? VectorXd::Constant(1, lambda) : VectorXd(0);
  s.mu = VectorXd(0);
  s.zl = VectorXd::Zero(n);
  s.zu = VectorXd::Zero(n);
  for (Index i = 0; i < n; ++i) {
    const State st = state[static_cast<std::size_t>(i)];
    if (st == State::Free) continue;
    const double z = g(i) + (budget ? lambda * a(i) : 0.0);
    if (std::isfinite(bd.lo(i)) && (st == State::AtLower || bd.lo(i) == bd.hi(i))) s.zl(i) = std::max(0.0, z);
    if (std::isfinite(bd.hi(i)) && (st == State::AtUpper || bd.lo(i) == bd.hi(i))) s.zu(i) = std::max(0.0, -z);
  }
  s.objective = 0.5 * x.dot(g + p.c);  // g = Qx + c
  s.iterations = iterations;
  s.kkt = kktResiduals(p, s);
  const double scale = std::max(1.0, q.cwiseAbs().rowwise().sum().maxCoeff() * infNorm(x) + infNorm(p.c));
  if (!(s.kkt.max() <= 1e-9 * scale)) {
    return notHandled(fmt::format("the KKT residual {:.3g} is above the tolerance", s.kkt.max()));
  }
  return out;
}

}  // namespace alphintra::analytics
