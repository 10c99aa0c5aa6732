#include "analytics/portfolio_json.hpp"

#include <fmt/format.h>
#include <Eigen/Dense>

#include <array>
#include <limits>
#include <optional>
#include <string>

#include "analytics/black_litterman.hpp"
#include "analytics/covariance.hpp"
#include "analytics/json_reader.hpp"
#include "analytics/mean_variance.hpp"
#include "analytics/risk_parity.hpp"

namespace alphintra::analytics {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr double kInf = std::numeric_limits<double>::infinity();

Error notAnObject(const json& request) {
  return makeError("", fmt::format("the request must be a JSON object, got {}", typeName(request)));
}

// A member that MemberReader has no reader for (arrays, objects): marks it used, returns it.
const json* member(MemberReader& in, const json& object, const char* name) {
  in.allow(name);
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::optional<VectorXd> toVector(MemberReader& in, const json& value, const std::string& field,
                                 bool nullIsInfinity = false, double nullValue = 0) {
  if (!value.is_array()) {
    in.setError(makeError(field, fmt::format("must be an array of numbers, got {}", typeName(value))));
    return std::nullopt;
  }
  VectorXd out(static_cast<Index>(value.size()));
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (nullIsInfinity && value[i].is_null()) {
      out(static_cast<Index>(i)) = nullValue;
    } else if (value[i].is_number()) {
      out(static_cast<Index>(i)) = value[i].get<double>();
    } else {
      in.setError(
          makeError(fmt::format("{}[{}]", field, i), fmt::format("must be a number, got {}", typeName(value[i]))));
      return std::nullopt;
    }
  }
  return out;
}

std::optional<MatrixXd> toMatrix(MemberReader& in, const json& value, const std::string& field) {
  if (!value.is_array() || value.empty()) {
    in.setError(makeError(field, fmt::format("must be a non-empty array of rows (arrays of numbers), got {}",
                                             value.is_array() ? "an empty array" : typeName(value))));
    return std::nullopt;
  }
  const std::size_t cols = value[0].is_array() ? value[0].size() : 0;
  MatrixXd out(static_cast<Index>(value.size()), static_cast<Index>(cols));
  for (std::size_t r = 0; r < value.size(); ++r) {
    const std::string rowField = fmt::format("{}[{}]", field, r);
    if (!value[r].is_array()) {
      in.setError(makeError(rowField, fmt::format("must be an array of numbers, got {}", typeName(value[r]))));
      return std::nullopt;
    }
    if (value[r].size() != cols || cols == 0) {
      in.setError(makeError(
          rowField, fmt::format("has {} entries; every row must have {} (the first row's)", value[r].size(), cols)));
      return std::nullopt;
    }
    auto row = toVector(in, value[r], rowField);
    if (!row) return std::nullopt;
    out.row(static_cast<Index>(r)) = row->transpose();
  }
  return out;
}

std::optional<VectorXd> readVector(MemberReader& in, const json& object, const char* name, bool required) {
  const json* value = member(in, object, name);
  if (!value) {
    if (required) in.setError(makeError(name, "is required"));
    return std::nullopt;
  }
  return toVector(in, *value, name);
}

std::optional<MatrixXd> readMatrix(MemberReader& in, const json& object, const char* name) {
  const json* value = member(in, object, name);
  if (!value) {
    in.setError(makeError(name, "is required"));
    return std::nullopt;
  }
  return toMatrix(in, *value, name);
}

// A covariance matrix that is square and positive semi-definite (or definite).
std::optional<MatrixXd> readCovariance(MemberReader& in, const json& object, bool definite) {
  auto cov = readMatrix(in, object, "covariance");
  if (!cov) return std::nullopt;
  if (auto e = checkCovariance(*cov, definite, "covariance")) {
    in.setError(*e);
    return std::nullopt;
  }
  return cov;
}

bool checkSize(MemberReader& in, const std::optional<VectorXd>& v, Index n, const char* name) {
  if (v && v->size() != n) {
    in.setError(makeError(name, fmt::format("has {} entries but the covariance matrix has {} assets", v->size(), n)));
    return false;
  }
  return true;
}

// Runs `read` on the nested object `value` with its own MemberReader; errors get `prefix.`.
template <typename Read>
void nested(MemberReader& outer, const json& value, const std::string& prefix, Read read) {
  if (!value.is_object()) {
    outer.setError(makeError(prefix, fmt::format("must be an object, got {}", typeName(value))));
    return;
  }
  MemberReader in(value);
  read(in);
  in.rejectUnknown();
  if (in.error()) {
    Error e = *in.error();
    e.field = e.field.empty() ? prefix : prefix + "." + e.field;
    outer.setError(std::move(e));
  }
}

ordered_json matrixJson(const MatrixXd& m) {
  ordered_json out = ordered_json::array();
  for (Index r = 0; r < m.rows(); ++r) {
    ordered_json row = ordered_json::array();
    for (Index c = 0; c < m.cols(); ++c) row.push_back(m(r, c));
    out.push_back(std::move(row));
  }
  return out;
}

ordered_json vectorJson(const VectorXd& v) {
  ordered_json out = ordered_json::array();
  for (Index i = 0; i < v.size(); ++i) out.push_back(v(i));  // +-inf serialise as null
  return out;
}

Index readAssetIndex(MemberReader& in, const json& value, const std::string& field, Index n) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0 || value.get<std::int64_t>() >= n) {
    in.setError(makeError(field, fmt::format("must be an asset index between 0 and {}, got {}", n - 1, value.dump())));
    return -1;
  }
  return static_cast<Index>(value.get<std::int64_t>());
}

constexpr std::array<std::string_view, 3> kCovarianceMethods{"sample", "ewma", "ledoit-wolf"};
constexpr std::array<std::string_view, 2> kTargets{"constant-correlation", "scaled-identity"};
constexpr std::array<std::string_view, 5> kObjectives{"min-variance", "max-sharpe", "target-return", "target-risk",
                                                      "frontier"};
constexpr std::array<std::string_view, 2> kUncertainty{"he-litterman", "idzorek"};
constexpr std::array<std::string_view, 2> kRiskParity{"erc", "hrp"};

ordered_json kktJson(const KktResiduals& k) {
  ordered_json out;
  out["stationarity"] = k.stationarity;
  out["primal"] = k.primal;
  out["dual"] = k.dual;
  out["complementarity"] = k.complementarity;
  return out;
}

// Without expected returns (a minimum-variance request may omit them) the expected return and
// the Sharpe ratio are unknown: null, not a misleading 0.
ordered_json portfolioJson(const OptimalPortfolio& p, bool hasReturns) {
  ordered_json out;
  out["weights"] = vectorJson(p.weights);
  out["expected_return"] = hasReturns ? ordered_json(p.expectedReturn) : ordered_json(nullptr);
  out["volatility"] = p.volatility;
  out["sharpe"] = hasReturns ? ordered_json(p.sharpe) : ordered_json(nullptr);
  out["kkt"] = kktJson(p.kkt);
  out["iterations"] = p.iterations;
  return out;
}

// "lower"/"upper": a number for every asset, an array (null entries unbounded), or null.
std::optional<VectorXd> readBound(MemberReader& in, const json& request, const char* name, Index n, double unbounded) {
  const json* value = member(in, request, name);
  if (!value) return std::nullopt;
  if (value->is_null()) return VectorXd::Constant(n, unbounded);
  if (value->is_number()) return VectorXd::Constant(n, value->get<double>());
  auto v = toVector(in, *value, name, /*nullIsInfinity=*/true, unbounded);
  if (v && v->size() != n) {
    in.setError(makeError(name, fmt::format("has {} entries but the covariance matrix has {} assets", v->size(), n)));
    return std::nullopt;
  }
  return v;
}

}  // namespace

Result<ordered_json> runCovariance(const json& request) {
  if (!request.is_object()) return notAnObject(request);
  MemberReader in(request);
  auto returns = readMatrix(in, request, "returns");
  const auto method = in.choice("method", kCovarianceMethods, std::size_t{0});
  double lambda = 0.94;
  std::size_t target = 0;
  if (method == std::size_t{1}) {
    if (auto l = in.number("lambda", 0.94)) lambda = *l;
  }
  if (method == std::size_t{2}) {
    if (auto t = in.choice("target", kTargets, std::size_t{0})) target = *t;
  }
  in.rejectUnknown();
  if (in.error()) return *in.error();
  ordered_json out;
  out["method"] = kCovarianceMethods[*method];
  if (*method == 0) {
    auto c = sampleCovariance(*returns);
    if (!c) return c.error();
    out["covariance"] = matrixJson(*c);
  } else if (*method == 1) {
    auto c = ewmaCovariance(*returns, lambda);
    if (!c) return c.error();
    out["lambda"] = lambda;
    out["covariance"] = matrixJson(*c);
  } else {
    auto c = ledoitWolfCovariance(*returns, static_cast<ShrinkageTarget>(target));
    if (!c) return c.error();
    out["target"] = kTargets[target];
    out["shrinkage"] = c->shrinkage;
    out["covariance"] = matrixJson(c->covariance);
  }
  return out;
}

Result<ordered_json> runOptimize(const json& request) {
  if (!request.is_object()) return notAnObject(request);
  MemberReader in(request);
  const auto cov = readCovariance(in, request, /*definite=*/false);
  const Index n = cov ? cov->rows() : 0;
  const auto objective = in.choice("objective", kObjectives);
  auto mu = readVector(in, request, "expected_returns", objective && *objective != 0);
  if (cov) checkSize(in, mu, n, "expected_returns");
  const double rf = in.number("risk_free_rate", 0.0).value_or(0.0);
  double target = 0;
  int points = 20;
  if (objective == std::size_t{2}) target = in.number("target_return").value_or(0.0);
  if (objective == std::size_t{3}) target = in.number("target_risk").value_or(0.0);
  if (objective == std::size_t{4})
    points = static_cast<int>(std::clamp<std::int64_t>(in.integer("points", 20).value_or(20), -1, 100000));

  PortfolioConstraints c;
  if (cov) {
    if (auto lo = readBound(in, request, "lower", n, -kInf)) c.lower = *lo;
    if (auto hi = readBound(in, request, "upper", n, kInf)) c.upper = *hi;
    if (const json* groups = member(in, request, "groups")) {
      if (!groups->is_array()) {
        in.setError(makeError("groups", fmt::format("must be an array of objects, got {}", typeName(*groups))));
      } else {
        for (std::size_t g = 0; g < groups->size(); ++g) {
          const std::string prefix = fmt::format("groups[{}]", g);
          AssetGroup group;
          nested(in, (*groups)[g], prefix, [&](MemberReader& r) {
            const json& obj = (*groups)[g];
            r.allow("name");
            if (obj.contains("name")) {
              if (!obj["name"].is_string())
                r.setError(makeError("name", "must be a string"));
              else
                group.name = obj["name"].get<std::string>();
            }
            const json* assets = member(r, obj, "assets");
            if (!assets || !assets->is_array() || assets->empty()) {
              r.setError(makeError("assets", "is required: a non-empty array of asset indices"));
            } else {
              for (std::size_t k = 0; k < assets->size(); ++k) {
                const Index a = readAssetIndex(r, (*assets)[k], fmt::format("assets[{}]", k), n);
                if (a >= 0) group.assets.push_back(a);
              }
            }
            if (auto lo = r.number("min", -kInf)) group.lower = *lo;
            if (auto hi = r.number("max", kInf)) group.upper = *hi;
            if (!obj.contains("min") && !obj.contains("max")) r.setError(makeError("max", "a group needs min or max"));
          });
          c.groups.push_back(std::move(group));
        }
      }
    }
    if (const json* turnover = member(in, request, "turnover")) {
      nested(in, *turnover, "turnover", [&](MemberReader& r) {
        TurnoverLimit t;
        const json* current = member(r, *turnover, "current");
        if (!current) {
          r.setError(makeError("current", "is required (the current weights)"));
        } else if (auto v = toVector(r, *current, "current")) {
          t.current = *v;
          checkSize(r, v, n, "current");
        }
        if (auto m = r.number("max")) t.limit = *m;
        c.turnover = t;
      });
    }
  }
  in.rejectUnknown();
  if (in.error()) return *in.error();

  const VectorXd returns = mu ? *mu : VectorXd();
  ordered_json out;
  out["objective"] = kObjectives[*objective];
  Result<OptimalPortfolio> result = makeError("", "");
  switch (*objective) {
    case 0: result = minimumVariance(*cov, returns, c, rf); break;
    case 1: result = maximumSharpe(*cov, returns, rf, c); break;
    case 2: result = targetReturnPortfolio(*cov, returns, target, c, rf); break;
    case 3: result = targetRiskPortfolio(*cov, returns, target, c, rf); break;
    default: {
      auto frontier = efficientFrontier(*cov, returns, points, c, rf);
      if (!frontier) return frontier.error();
      ordered_json list = ordered_json::array();
      for (const auto& p : *frontier) list.push_back(portfolioJson(p, true));
      out["frontier"] = std::move(list);
      return out;
    }
  }
  if (!result) return result.error();
  const ordered_json portfolio = portfolioJson(*result, mu.has_value());
  for (const auto& [key, value] : portfolio.items()) out[key] = value;
  return out;
}

Result<ordered_json> runBlackLitterman(const json& request) {
  if (!request.is_object()) return notAnObject(request);
  MemberReader in(request);
  BlackLittermanInput input;
  const auto cov = readCovariance(in, request, /*definite=*/true);
  const Index n = cov ? cov->rows() : 0;
  auto weights = readVector(in, request, "market_weights", true);
  if (cov) checkSize(in, weights, n, "market_weights");
  input.riskAversion = in.number("risk_aversion", 2.5).value_or(2.5);
  input.tau = in.number("tau", 0.05).value_or(0.05);
  const auto uncertainty = in.choice("uncertainty", kUncertainty, std::size_t{0});
  if (uncertainty) input.uncertainty = static_cast<ViewUncertainty>(*uncertainty);
  const json* views = member(in, request, "views");
  if (views && !views->is_array()) {
    in.setError(makeError("views", fmt::format("must be an array of view objects, got {}", typeName(*views))));
  } else if (views && cov && uncertainty) {
    for (std::size_t k = 0; k < views->size(); ++k) {
      const json& v = (*views)[k];
      PortfolioView view;
      view.pick = VectorXd::Zero(n);
      nested(in, v, fmt::format("views[{}]", k), [&](MemberReader& r) {
        const int forms = (v.contains("asset") ? 1 : 0) + (v.contains("long") || v.contains("short") ? 1 : 0) +
                          (v.contains("pick") ? 1 : 0);
        if (forms != 1) {
          r.setError(makeError("",
                               "a view needs exactly one of \"asset\" (absolute), \"long\" and \"short\" "
                               "(relative), or \"pick\" (weights per asset)"));
          return;
        }
        if (const json* a = member(r, v, "asset")) {
          const Index i = readAssetIndex(r, *a, "asset", n);
          if (i >= 0) view.pick(i) = 1;
        } else if (v.contains("pick")) {
          if (auto p = toVector(r, *member(r, v, "pick"), "pick")) {
            if (checkSize(r, p, n, "pick")) view.pick = *p;
          }
        } else {
          const json* l = member(r, v, "long");
          const json* s = member(r, v, "short");
          if (!l || !s) {
            r.setError(makeError(l ? "short" : "long", "a relative view needs both \"long\" and \"short\""));
            return;
          }
          const Index i = readAssetIndex(r, *l, "long", n);
          const Index j = readAssetIndex(r, *s, "short", n);
          if (i >= 0 && j >= 0) {
            if (i == j) r.setError(makeError("short", "must differ from \"long\""));
            view.pick(i) += 1;
            view.pick(j) -= 1;
          }
        }
        if (auto q = r.number("return")) view.value = *q;
        if (input.uncertainty == ViewUncertainty::Idzorek) {
          if (auto cf = r.number("confidence")) view.confidence = *cf;
        }
      });
      input.views.push_back(std::move(view));
    }
  }
  in.rejectUnknown();
  if (in.error()) return *in.error();
  input.covariance = *cov;
  input.marketWeights = *weights;
  auto result = blackLitterman(input);
  if (!result) return result.error();
  ordered_json out;
  out["equilibrium_returns"] = vectorJson(result->equilibriumReturns);
  out["posterior_returns"] = vectorJson(result->posteriorReturns);
  out["posterior_covariance"] = matrixJson(result->posteriorCovariance);
  out["omega"] = vectorJson(result->omega);
  return out;
}

Result<ordered_json> runRiskParity(const json& request) {
  if (!request.is_object()) return notAnObject(request);
  MemberReader in(request);
  const auto method = in.choice("method", kRiskParity, std::size_t{0});
  const auto cov = readCovariance(in, request, /*definite=*/method == std::size_t{0});
  std::optional<VectorXd> budgets;
  if (method == std::size_t{0}) {
    budgets = readVector(in, request, "budgets", false);
    if (cov) checkSize(in, budgets, cov->rows(), "budgets");
  }
  in.rejectUnknown();
  if (in.error()) return *in.error();
  ordered_json out;
  out["method"] = kRiskParity[*method];
  if (*method == 0) {
    auto r = riskBudgetPortfolio(*cov, budgets ? *budgets : VectorXd());
    if (!r) return r.error();
    out["weights"] = vectorJson(r->weights);
    out["risk_contributions"] = vectorJson(r->riskContributions);
    out["volatility"] = r->volatility;
    out["iterations"] = r->iterations;
  } else {
    auto r = hierarchicalRiskParity(*cov);
    if (!r) return r.error();
    out["weights"] = vectorJson(r->weights);
    out["risk_contributions"] = vectorJson(r->riskContributions);
    out["volatility"] = r->volatility;
    ordered_json order = ordered_json::array();
    for (Index i : r->order) order.push_back(i);
    out["order"] = std::move(order);
  }
  return out;
}

}  // namespace alphintra::analytics
