#include "analytics/risk_parity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "analytics/covariance.hpp"

namespace alphintra::analytics {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

VectorXd contributions(const MatrixXd& cov, const VectorXd& w) {
  const VectorXd marginal = cov * w;
  return w.cwiseProduct(marginal) / w.dot(marginal);
}

}  // namespace

Result<RiskBudgetPortfolio> riskBudgetPortfolio(const MatrixXd& cov, const VectorXd& budgetsIn) {
  if (auto e = checkCovariance(cov, /*definite=*/true, "covariance")) return *e;
  const Index n = cov.rows();
  VectorXd b = budgetsIn.size() ? budgetsIn : VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  if (b.size() != n) return makeError("budgets", fmt::format("must have {} entries (one per asset)", n));
  if (!b.allFinite() || (b.array() <= 0).any()) return makeError("budgets", "must all be positive numbers");
  if (std::abs(b.sum() - 1) > 1e-12) return makeError("budgets", fmt::format("must sum to 1, got {}", b.sum()));

  // Start from the inverse-volatility portfolio, scaled so that y'Sigma y = 1 (the solution has
  // y'Sigma y = sum b = 1).
  VectorXd y = cov.diagonal().cwiseSqrt().cwiseInverse();
  y /= std::sqrt(y.dot(cov * y));
  auto objective = [&](const VectorXd& v) { return 0.5 * v.dot(cov * v) - b.dot(v.array().log().matrix()); };
  RiskBudgetPortfolio out;
  for (int it = 1; it <= 100; ++it) {
    out.iterations = it;
    const VectorXd sy = cov * y;
    const VectorXd grad = sy - b.cwiseQuotient(y);
    MatrixXd hess = cov;
    hess.diagonal() += b.cwiseQuotient(y.cwiseProduct(y));
    const VectorXd step = -hess.llt().solve(grad);
    double t = 1;
    for (Index i = 0; i < n; ++i) {
      if (step(i) < 0) t = std::min(t, -0.95 * y(i) / step(i));
    }
    const double f0 = objective(y);
    const double slope = grad.dot(step);
    while (t > 1e-12 && objective(y + t * step) > f0 + 1e-4 * t * slope) t *= 0.5;
    y += t * step;
    const VectorXd w = y / y.sum();
    const VectorXd rc = contributions(cov, w);
    if ((rc - b).cwiseQuotient(b).cwiseAbs().maxCoeff() < 1e-13) break;
  }
  out.weights = y / y.sum();
  out.riskContributions = contributions(cov, out.weights);
  out.volatility = std::sqrt(out.weights.dot(cov * out.weights));
  if ((out.riskContributions - b).cwiseQuotient(b).cwiseAbs().maxCoeff() > 1e-10) {
    return makeError("covariance", "risk budgeting did not converge (is the covariance matrix badly conditioned?)");
  }
  return out;
}

Result<HierarchicalPortfolio> hierarchicalRiskParity(const MatrixXd& cov) {
  if (auto e = checkCovariance(cov, /*definite=*/false, "covariance")) return *e;
  const Index n = cov.rows();
  if ((cov.diagonal().array() <= 0).any()) return makeError("covariance", "every asset needs a positive variance");
  const VectorXd sd = cov.diagonal().cwiseSqrt();
  const MatrixXd corr = sd.cwiseInverse().asDiagonal() * cov * sd.cwiseInverse().asDiagonal();
  const MatrixXd dist = ((1.0 - corr.array()) / 2.0).cwiseMax(0.0).sqrt().matrix();
  MatrixXd dd(n, n);  // Euclidean distance between columns of dist
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < n; ++j) dd(i, j) = (dist.col(i) - dist.col(j)).norm();
  }

  // Single linkage, naive O(n^3): cluster distance = min over members; merge the closest pair.
  HierarchicalPortfolio out;
  out.linkage = MatrixXd::Zero(std::max<Index>(n - 1, 0), 4);
  std::vector<Index> id(static_cast<std::size_t>(n));  // cluster id of active slot
  std::vector<Index> size(static_cast<std::size_t>(n), 1);
  std::vector<char> active(static_cast<std::size_t>(n), 1);
  for (Index i = 0; i < n; ++i) id[static_cast<std::size_t>(i)] = i;
  MatrixXd cd = dd;  // distances between active slots
  std::vector<std::pair<Index, Index>> children(static_cast<std::size_t>(std::max<Index>(n - 1, 0)));
  for (Index r = 0; r + 1 < n; ++r) {
    Index bi = -1, bj = -1;
    double best = std::numeric_limits<double>::infinity();
    for (Index i = 0; i < n; ++i) {
      if (!active[static_cast<std::size_t>(i)]) continue;
      for (Index j = i + 1; j < n; ++j) {
        if (!active[static_cast<std::size_t>(j)]) continue;
        const double d = cd(i, j);
        const Index lo = std::min(id[static_cast<std::size_t>(i)], id[static_cast<std::size_t>(j)]);
        const Index bestLo = bi < 0 ? 0 : std::min(id[static_cast<std::size_t>(bi)], id[static_cast<std::size_t>(bj)]);
        if (d < best || (d == best && lo < bestLo)) {
          best = d;
          bi = i;
          bj = j;
        }
      }
    }
    const Index a = std::min(id[static_cast<std::size_t>(bi)], id[static_cast<std::size_t>(bj)]);
    const Index c = std::max(id[static_cast<std::size_t>(bi)], id[static_cast<std::size_t>(bj)]);
    const Index merged = size[static_cast<std::size_t>(bi)] + size[static_cast<std::size_t>(bj)];
    out.linkage.row(r) << static_cast<double>(a), static_cast<double>(c), best, static_cast<double>(merged);
    children[static_cast<std::size_t>(r)] = {a, c};
    for (Index k = 0; k < n; ++k) cd(bi, k) = cd(k, bi) = std::min(cd(bi, k), cd(bj, k));
    active[static_cast<std::size_t>(bj)] = 0;
    id[static_cast<std::size_t>(bi)] = n + r;
    size[static_cast<std::size_t>(bi)] = merged;
  }

  // Quasi-diagonal order: depth-first through the tree, first child first.
  std::function<void(Index)> visit = [&](Index node) {
    if (node < n) {
      out.order.push_back(node);
      return;
    }
    const auto& [first, second] = children[static_cast<std::size_t>(node - n)];
    visit(first);
    visit(second);
  };
  visit(n == 1 ? 0 : 2 * n - 2);

  // Recursive bisection.
  auto clusterVariance = [&](const std::vector<Index>& items) {
    VectorXd ivp(static_cast<Index>(items.size()));
    for (std::size_t k = 0; k < items.size(); ++k) ivp(static_cast<Index>(k)) = 1.0 / cov(items[k], items[k]);
    ivp /= ivp.sum();
    double v = 0;
    for (std::size_t a = 0; a < items.size(); ++a) {
      for (std::size_t c = 0; c < items.size(); ++c) {
        v += ivp(static_cast<Index>(a)) * ivp(static_cast<Index>(c)) * cov(items[a], items[c]);
      }
    }
    return v;
  };
  out.weights = VectorXd::Ones(n);
  std::vector<std::vector<Index>> pending{out.order};
  while (!pending.empty()) {
    std::vector<std::vector<Index>> next;
    for (const auto& cluster : pending) {
      if (cluster.size() < 2) continue;
      const auto half = static_cast<std::ptrdiff_t>(cluster.size() / 2);
      std::vector<Index> first(cluster.begin(), cluster.begin() + half);
      std::vector<Index> second(cluster.begin() + half, cluster.end());
      const double v1 = clusterVariance(first);
      const double v2 = clusterVariance(second);
      const double alpha = 1 - v1 / (v1 + v2);
      for (Index i : first) out.weights(i) *= alpha;
      for (Index i : second) out.weights(i) *= 1 - alpha;
      next.push_back(std::move(first));
      next.push_back(std::move(second));
    }
    pending = std::move(next);
  }
  out.riskContributions = contributions(cov, out.weights);
  out.volatility = std::sqrt(out.weights.dot(cov * out.weights));
  return out;
}

}  // namespace alphintra::analytics
