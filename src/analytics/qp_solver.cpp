#include "analytics/qp_solver.hpp"

#include "analytics/bound_qp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace alphintra::analytics {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kInf = std::numeric_limits<double>::infinity();

// The problem with every inequality (G rows, finite bounds) as a row of C x <= d.
struct Standard {
  MatrixXd Q;
  VectorXd c;
  MatrixXd A;
  VectorXd b;
  MatrixXd C;
  VectorXd d;
};

enum class Status : std::uint8_t { Optimal, Unbounded, IterationLimit };

struct ActiveSetOutcome {
  Status status = Status::Optimal;
  VectorXd x;
  VectorXd y;   // equality multipliers
  VectorXd mu;  // multipliers of the rows of C
  int iterations = 0;
};

double infNorm(const VectorXd& v) { return v.size() ? v.lpNorm<Eigen::Infinity>() : 0.0; }

// Primal active-set iteration from a feasible x with an empty working set.
ActiveSetOutcome activeSet(const Standard& p, VectorXd x, int maxIterations) {
  const Index n = p.Q.rows();
  const Index me = p.A.rows();
  const Index mi = p.C.rows();
  const double qScale = p.Q.size() ? p.Q.cwiseAbs().rowwise().sum().maxCoeff() : 0.0;
  const double eigTol = 1e-11 * qScale;
  std::vector<Index> working;
  std::vector<char> inWorking(static_cast<std::size_t>(mi), 0);
  VectorXd rowNorm(mi);
  for (Index i = 0; i < mi; ++i) rowNorm(i) = p.C.row(i).norm();
  bool subspaceOptimal = false;  // the last step was a full Newton step within the working set

  ActiveSetOutcome out;
  for (int it = 0; it < maxIterations; ++it) {
    out.iterations = it + 1;
    const auto k = me + static_cast<Index>(working.size());
    MatrixXd normals(n, k);
    if (me) normals.leftCols(me) = p.A.transpose();
    for (std::size_t j = 0; j < working.size(); ++j)
      normals.col(me + static_cast<Index>(j)) = p.C.row(working[j]).transpose();
    const VectorXd g = p.Q * x + p.c;
    const Eigen::HouseholderQR<MatrixXd> qr(normals);

    VectorXd step = VectorXd::Zero(n);
    bool newton = true;
    bool moving = false;
    if (!subspaceOptimal && n > k) {
      const MatrixXd basis = qr.householderQ();
      const MatrixXd z = basis.rightCols(n - k);
      const VectorXd gz = z.transpose() * g;
      const MatrixXd reduced = z.transpose() * p.Q * z;
      const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(reduced);
      const VectorXd coef = eig.eigenvectors().transpose() * gz;
      const VectorXd& lambda = eig.eigenvalues();
      double nullPart = 0;
      for (Index i = 0; i < lambda.size(); ++i) {
        if (lambda(i) <= eigTol) nullPart = std::max(nullPart, std::abs(coef(i)));
      }
      VectorXd pz = VectorXd::Zero(n - k);
      if (nullPart > 1e-14 * (1 + infNorm(g))) {
        newton = false;  // descend along the zero-curvature directions
        for (Index i = 0; i < lambda.size(); ++i) {
          if (lambda(i) <= eigTol) pz -= coef(i) * eig.eigenvectors().col(i);
        }
      } else {
        for (Index i = 0; i < lambda.size(); ++i) {
          if (lambda(i) > eigTol) pz -= coef(i) / lambda(i) * eig.eigenvectors().col(i);
        }
      }
      step = z * pz;
      moving = infNorm(step) > 1e-15 * (1 + infNorm(x));
    }

    if (!moving) {
      // Optimal in the working subspace: the multipliers decide.
      const VectorXd lambda = k ? VectorXd(qr.solve(-g)) : VectorXd();
      Index drop = -1;
      double mostNegative = -1e-12 * (1 + infNorm(g));
      for (std::size_t j = 0; j < working.size(); ++j) {
        const double m = lambda(me + static_cast<Index>(j));
        if (m < mostNegative) {
          mostNegative = m;
          drop = static_cast<Index>(j);
        }
      }
      if (drop < 0) {
        out.x = x;
        out.y = lambda.head(me);
        out.mu = VectorXd::Zero(mi);
        for (std::size_t j = 0; j < working.size(); ++j) {
          out.mu(working[j]) = std::max(0.0, lambda(me + static_cast<Index>(j)));
        }
        return out;
      }
      inWorking[static_cast<std::size_t>(working[static_cast<std::size_t>(drop)])] = 0;
      working.erase(working.begin() + drop);
      subspaceOptimal = false;
      continue;
    }

    // Ratio test: the nearest constraint outside the working set that the step would cross.
    double alpha = newton ? 1.0 : kInf;
    Index blocking = -1;
    const double stepNorm = step.norm();
    for (Index i = 0; i < mi; ++i) {
      if (inWorking[static_cast<std::size_t>(i)]) continue;
      const double rate = p.C.row(i).dot(step);
      if (rate <= 1e-12 * rowNorm(i) * stepNorm) continue;
      const double slack = std::max(0.0, p.d(i) - p.C.row(i).dot(x));
      const double a = slack / rate;
      if (a < alpha) {
        alpha = a;
        blocking = i;
      }
    }
    if (blocking < 0 && !newton) {
      out.status = Status::Unbounded;
      return out;
    }
    x += alpha * step;
    if (blocking >= 0) {
      working.push_back(blocking);
      inWorking[static_cast<std::size_t>(blocking)] = 1;
      subspaceOptimal = false;
    } else {
      subspaceOptimal = true;
    }
  }
  out.status = Status::IterationLimit;
  return out;
}

std::optional<Error> checkShapes(const QpProblem& p) {
  const Index n = p.Q.rows();
  if (n == 0 || p.Q.cols() != n) return makeError("", "Q must be a non-empty square matrix");
  if (p.c.size() != n) return makeError("", "c must have one entry per variable");
  if (p.A.rows() != p.b.size() || (p.A.rows() && p.A.cols() != n)) return makeError("", "A and b do not match");
  if (p.G.rows() != p.h.size() || (p.G.rows() && p.G.cols() != n)) return makeError("", "G and h do not match");
  if ((p.lower.size() && p.lower.size() != n) || (p.upper.size() && p.upper.size() != n)) {
    return makeError("", "the bounds must have one entry per variable");
  }
  if (!p.Q.allFinite() || !p.c.allFinite() || !p.A.allFinite() || !p.b.allFinite() || !p.G.allFinite() ||
      !p.h.allFinite()) {
    return makeError("", "the problem must contain finite numbers only");
  }
  for (Index i = 0; i < p.lower.size(); ++i) {
    if (std::isnan(p.lower(i)) || p.lower(i) == kInf) return makeError("constraints", "a lower bound is NaN or +inf");
  }
  for (Index i = 0; i < p.upper.size(); ++i) {
    if (std::isnan(p.upper(i)) || p.upper(i) == -kInf) return makeError("constraints", "an upper bound is NaN or -inf");
    if (p.lower.size() && p.lower(i) > p.upper(i)) {
      return makeError("constraints", fmt::format("variable {} has lower bound {} above its upper bound {}", i,
                                                  p.lower(i), p.upper(i)));
    }
  }
  if (p.A.rows()) {
    Eigen::ColPivHouseholderQR<MatrixXd> qr(p.A);
    qr.setThreshold(1e-12);
    if (qr.rank() < p.A.rows()) return makeError("constraints", "the equality constraints are linearly dependent");
  }
  return std::nullopt;
}

}  // namespace

double KktResiduals::max() const { return std::max({stationarity, primal, dual, complementarity}); }

KktResiduals kktResiduals(const QpProblem& p, const QpSolution& s) {
  const Index n = p.Q.rows();
  KktResiduals r;
  VectorXd grad = p.Q * s.x + p.c;
  if (p.A.rows()) grad += p.A.transpose() * s.y;
  if (p.G.rows()) grad += p.G.transpose() * s.mu;
  if (s.zl.size()) grad -= s.zl;
  if (s.zu.size()) grad += s.zu;
  r.stationarity = infNorm(grad);
  if (p.A.rows()) r.primal = infNorm(p.A * s.x - p.b);
  if (p.G.rows()) {
    const VectorXd slack = p.h - p.G * s.x;
    r.primal = std::max(r.primal, std::max(0.0, -slack.minCoeff()));
    r.dual = std::max(r.dual, std::max(0.0, -s.mu.minCoeff()));
    r.complementarity = std::max(r.complementarity, infNorm(s.mu.cwiseProduct(slack)));
  }
  for (Index i = 0; i < n; ++i) {
    const double zl = s.zl.size() ? s.zl(i) : 0.0;
    const double zu = s.zu.size() ? s.zu(i) : 0.0;
    r.dual = std::max({r.dual, -zl, -zu});
    if (p.lower.size() && std::isfinite(p.lower(i))) {
      r.primal = std::max(r.primal, p.lower(i) - s.x(i));
      r.complementarity = std::max(r.complementarity, std::abs(zl * (s.x(i) - p.lower(i))));
    } else if (zl != 0) {
      r.complementarity = kInf;  // a multiplier on a bound that does not exist
    }
    if (p.upper.size() && std::isfinite(p.upper(i))) {
      r.primal = std::max(r.primal, s.x(i) - p.upper(i));
      r.complementarity = std::max(r.complementarity, std::abs(zu * (p.upper(i) - s.x(i))));
    } else if (zu != 0) {
      r.complementarity = kInf;
    }
  }
  return r;
}

Result<QpSolution> solveQp(const QpProblem& problem) {
  if (auto e = checkShapes(problem)) return *e;
  BoundQpOutcome fast = solveBoundQp(problem);
  if (fast.status == BoundQpStatus::Solved) return std::move(fast.solution);
  if (fast.status == BoundQpStatus::Infeasible) return makeError("constraints", fast.reason);
  return solveQpGeneral(problem);
}

Result<QpSolution> solveQpGeneral(const QpProblem& problem) {
  if (auto e = checkShapes(problem)) return *e;
  const Index n = problem.Q.rows();
  const Index me = problem.A.rows();
  const Index mg = problem.G.rows();

  // Standard form: C rows are G, then finite upper bounds, then finite lower bounds.
  std::vector<Index> upperRows, lowerRows;
  for (Index i = 0; i < n; ++i) {
    if (problem.upper.size() && std::isfinite(problem.upper(i))) upperRows.push_back(i);
    if (problem.lower.size() && std::isfinite(problem.lower(i))) lowerRows.push_back(i);
  }
  const auto nu = static_cast<Index>(upperRows.size());
  const auto nl = static_cast<Index>(lowerRows.size());
  Standard s;
  s.Q = 0.5 * (problem.Q + problem.Q.transpose());
  s.c = problem.c;
  s.A = me ? problem.A : MatrixXd(0, n);
  s.b = me ? problem.b : VectorXd(0);
  s.C = MatrixXd::Zero(mg + nu + nl, n);
  s.d = VectorXd::Zero(mg + nu + nl);
  if (mg) {
    s.C.topRows(mg) = problem.G;
    s.d.head(mg) = problem.h;
  }
  for (Index j = 0; j < nu; ++j) {
    s.C(mg + j, upperRows[static_cast<std::size_t>(j)]) = 1;
    s.d(mg + j) = problem.upper(upperRows[static_cast<std::size_t>(j)]);
  }
  for (Index j = 0; j < nl; ++j) {
    s.C(mg + nu + j, lowerRows[static_cast<std::size_t>(j)]) = -1;
    s.d(mg + nu + j) = -problem.lower(lowerRows[static_cast<std::size_t>(j)]);
  }

  // Start: 0 moved into the bounds.
  VectorXd x0 = VectorXd::Zero(n);
  if (problem.lower.size()) x0 = x0.cwiseMax(problem.lower);
  if (problem.upper.size()) x0 = x0.cwiseMin(problem.upper);
  const VectorXd eqResidual = me ? VectorXd(s.b - s.A * x0) : VectorXd(0);
  const VectorXd gViolation = mg ? VectorXd((problem.G * x0 - problem.h).cwiseMax(0.0)) : VectorXd(0);
  const double scale = 1 + std::max(infNorm(s.b), infNorm(s.d.head(mg)));
  int iterations = 0;
  const int maxIterations = static_cast<int>(20 * (n + me + s.C.rows()) + 100);

  if (infNorm(eqResidual) > 1e-13 * scale || infNorm(gViolation) > 0) {
    // Phase 1: min sum(a) over (x, a), A x + diag(sign r) a_e = b, G x - a_g <= h, bounds, a >= 0.
    std::vector<Index> violated;
    for (Index i = 0; i < mg; ++i) {
      if (gViolation(i) > 0) violated.push_back(i);
    }
    const auto nv = static_cast<Index>(violated.size());
    const Index n1 = n + me + nv;
    const Index rows = s.C.rows();
    Standard f;
    f.Q = MatrixXd::Zero(n1, n1);
    f.c = VectorXd::Zero(n1);
    f.c.tail(me + nv).setOnes();
    f.A = MatrixXd::Zero(me, n1);
    f.b = s.b;
    if (me) f.A.leftCols(n) = s.A;
    for (Index i = 0; i < me; ++i) f.A(i, n + i) = eqResidual(i) >= 0 ? 1.0 : -1.0;
    f.C = MatrixXd::Zero(rows + me + nv, n1);
    f.d = VectorXd::Zero(rows + me + nv);
    f.C.topLeftCorner(rows, n) = s.C;
    f.d.head(rows) = s.d;
    for (Index j = 0; j < nv; ++j) f.C(violated[static_cast<std::size_t>(j)], n + me + j) = -1;
    for (Index j = 0; j < me + nv; ++j) f.C(rows + j, n + j) = -1;
    VectorXd z0(n1);
    z0.head(n) = x0;
    z0.segment(n, me) = eqResidual.cwiseAbs();
    for (Index j = 0; j < nv; ++j) z0(n + me + j) = gViolation(violated[static_cast<std::size_t>(j)]);
    const ActiveSetOutcome phase1 = activeSet(f, z0, static_cast<int>(20 * (n1 + f.C.rows()) + 100));
    iterations += phase1.iterations;
    if (phase1.status != Status::Optimal) {
      return makeError("", "phase 1 (finding a feasible point) did not converge");
    }
    const double violation = phase1.x.tail(me + nv).sum();
    if (violation > 1e-9 * scale) {
      return makeError("constraints",
                       fmt::format("the constraints are infeasible: no point satisfies them all (the smallest total "
                                   "violation is {:.6g})",
                                   violation));
    }
    x0 = phase1.x.head(n);
  }

  const ActiveSetOutcome phase2 = activeSet(s, x0, maxIterations);
  iterations += phase2.iterations;
  if (phase2.status == Status::Unbounded) {
    return makeError("objective", "the objective is unbounded below on the feasible set");
  }
  if (phase2.status == Status::IterationLimit) {
    return makeError("", fmt::format("the QP solver stopped at its iteration limit ({})", maxIterations));
  }
  QpSolution out;
  out.x = phase2.x;
  out.y = phase2.y;
  out.mu = phase2.mu.head(mg);
  out.zl = VectorXd::Zero(n);
  out.zu = VectorXd::Zero(n);
  for (Index j = 0; j < nu; ++j) out.zu(upperRows[static_cast<std::size_t>(j)]) = phase2.mu(mg + j);
  for (Index j = 0; j < nl; ++j) out.zl(lowerRows[static_cast<std::size_t>(j)]) = phase2.mu(mg + nu + j);
  out.objective = 0.5 * out.x.dot(s.Q * out.x) + s.c.dot(out.x);
  out.iterations = iterations;
  out.kkt = kktResiduals(problem, out);
  return out;
}

}  // namespace alphintra::analytics
