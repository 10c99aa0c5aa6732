#include "analytics/risk_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "analytics/json_api.hpp"
#include "analytics/json_reader.hpp"
#include "analytics/kupiec.hpp"
#include "analytics/stress.hpp"
#include "analytics/var.hpp"

namespace alphintra::analytics::risk {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::array<std::string_view, 5> kAssetClasses{"equity", "fx", "rates", "crypto", "commodity"};
constexpr std::array<std::string_view, 3> kMethods{"historical", "parametric", "monte-carlo"};
constexpr std::array<std::string_view, 2> kDistributions{"normal", "student-t"};

constexpr std::int64_t kMaxSimulations = 10'000'000;
constexpr std::int64_t kMaxThreads = 256;

Error prefixed(std::string_view prefix, const Error& e) {
  if (e.field.empty()) return makeError(std::string{prefix}, e.message);
  return makeError(
      e.field.front() == '[' ? fmt::format("{}{}", prefix, e.field) : fmt::format("{}.{}", prefix, e.field), e.message);
}

Error notAnObject(std::string field, const json& value) {
  return makeError(std::move(field), fmt::format("must be a JSON object, got {}", typeName(value)));
}

// The raw value of an optional member, marked as used; nullptr when absent.
const json* member(MemberReader& in, const json& object, std::string_view name) {
  in.allow(name);
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// The member must be absent: `why` says why it is not used here.
void rejectMember(MemberReader& in, std::string_view name, std::string_view why) {
  if (in.has(name)) in.setError(makeError(std::string{name}, std::string{why}));
}

std::optional<std::string> readString(MemberReader& in, const json& object, std::string_view name, bool required) {
  const json* value = member(in, object, name);
  if (!value) {
    if (required) in.setError(makeError(std::string{name}, "is required"));
    return std::nullopt;
  }
  if (!value->is_string()) {
    in.setError(makeError(std::string{name}, fmt::format("must be a string, got {}", typeName(*value))));
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::optional<bool> readBool(MemberReader& in, const json& object, std::string_view name, bool fallback) {
  const json* value = member(in, object, name);
  if (!value) return fallback;
  if (!value->is_boolean()) {
    in.setError(makeError(std::string{name}, fmt::format("must be true or false, got {}", typeName(*value))));
    return std::nullopt;
  }
  return value->get<bool>();
}

Result<std::vector<double>> readNumbers(const json& value, const std::string& field) {
  if (!value.is_array()) return makeError(field, fmt::format("must be an array of numbers, got {}", typeName(value)));
  std::vector<double> out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_number()) {
      return makeError(fmt::format("{}[{}]", field, i), fmt::format("must be a number, got {}", typeName(value[i])));
    }
    out.push_back(value[i].get<double>());
  }
  return out;
}

// An array of `expectedCols`-long arrays of numbers (one row per scenario or factor).
Result<Matrix> readMatrix(const json& value, const std::string& field, std::size_t expectedCols,
                          std::string_view colsName) {
  if (!value.is_array()) {
    return makeError(field, fmt::format("must be an array of rows (arrays of numbers), got {}", typeName(value)));
  }
  if (value.empty()) return makeError(field, "must hold at least one row");
  Matrix out(value.size(), expectedCols);
  for (std::size_t r = 0; r < value.size(); ++r) {
    const std::string rowField = fmt::format("{}[{}]", field, r);
    auto row = readNumbers(value[r], rowField);
    if (!row) return row.error();
    if (row->size() != expectedCols) {
      return makeError(rowField,
                       fmt::format("must hold {} numbers (one per {}), got {}", expectedCols, colsName, row->size()));
    }
    std::copy(row->begin(), row->end(), out.data.begin() + static_cast<std::ptrdiff_t>(r * expectedCols));
  }
  return out;
}

Result<std::vector<std::string>> readFactors(const json& request) {
  auto it = request.find("factors");
  if (it == request.end()) return makeError("factors", "is required: the names of the risk factors, in column order");
  if (!it->is_array() || it->empty()) {
    return makeError("factors",
                     fmt::format("must be a non-empty array of names, got {}",
                                 it->is_array() ? std::string{"an empty array"} : std::string{typeName(*it)}));
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& name = (*it)[i];
    if (!name.is_string()) {
      return makeError(fmt::format("factors[{}]", i), fmt::format("must be a string, got {}", typeName(name)));
    }
    const auto& text = name.get_ref<const std::string&>();
    if (std::find(names.begin(), names.end(), text) != names.end()) {
      return makeError(fmt::format("factors[{}]", i), fmt::format("duplicate factor \"{}\"", text));
    }
    names.push_back(text);
  }
  return names;
}

// The option of a position: a `price` request without the underlying, which is the position's
// price. Errors are relative to the option object ("strike"), prefixed by the caller.
Result<OptionSpec> readOption(const json& option, double underlying) {
  if (!option.is_object()) return notAnObject("", option);
  for (std::string_view name : {"spot", "forward"}) {
    if (option.contains(name)) {
      return makeError(std::string{name}, "is the position's price: give the underlying as the position's \"price\"");
    }
  }
  json complete = option;
  Model model = Model::BlackScholesMerton;
  if (auto it = option.find("model"); it != option.end() && it->is_string()) {
    if (*it == "black76") model = Model::Black76;
  }
  complete[std::string{fieldName(model, Field::Underlying)}] = underlying;
  return optionFromJson(complete);
}

// Reads one position; `factors` empty means the request has no factors (stress), where a
// "factor" member is accepted as a label and not used.
Result<Position> readPosition(const json& object, std::size_t index, const std::vector<std::string>* factors) {
  const std::string prefix = fmt::format("positions[{}]", index);
  if (!object.is_object()) return notAnObject(prefix, object);
  MemberReader in(object);
  Position p;
  p.id = readString(in, object, "id", false).value_or(fmt::format("#{}", index));
  if (auto c = in.choice("asset_class", kAssetClasses)) p.assetClass = static_cast<AssetClass>(*c);
  if (auto v = in.number("quantity")) p.quantity = *v;
  if (auto v = in.number("price")) p.price = *v;
  if (auto v = in.number("multiplier", 1.0)) p.multiplier = *v;
  if (auto name = readString(in, object, "factor", factors != nullptr); name && factors) {
    auto it = std::find(factors->begin(), factors->end(), *name);
    if (it == factors->end()) {
      in.setError(makeError("factor", fmt::format("unknown factor \"{}\"; it must be one of \"factors\"", *name)));
    } else {
      p.factor = static_cast<std::size_t>(it - factors->begin());
    }
  }
  if (p.assetClass == AssetClass::Rates) {
    if (in.has("duration")) {
      if (auto v = in.number("duration")) p.duration = *v;
    }
  } else {
    rejectMember(in, "duration", "is for rates positions only (their price moves by -duration * yield change)");
  }
  if (const json* option = member(in, object, "option"); option && !in.error()) {
    auto spec = readOption(*option, p.price);
    if (!spec) return prefixed(prefix + ".option", spec.error());
    p.option = *spec;
  }
  in.rejectUnknown();
  if (in.error()) return prefixed(prefix, *in.error());
  return p;
}

Result<std::vector<Position>> readPositions(const json& request, const std::vector<std::string>* factors) {
  auto it = request.find("positions");
  if (it == request.end()) return makeError("positions", "is required");
  if (!it->is_array())
    return makeError("positions", fmt::format("must be an array of positions, got {}", typeName(*it)));
  if (it->empty()) return makeError("positions", "must hold at least one position");
  std::vector<Position> out;
  out.reserve(it->size());
  for (std::size_t i = 0; i < it->size(); ++i) {
    auto p = readPosition((*it)[i], i, factors);
    if (!p) return p.error();
    out.push_back(std::move(p).value());
  }
  if (auto e = validatePositions(out, factors ? factors->size() : std::numeric_limits<std::size_t>::max())) return *e;
  return out;
}

Error requestNotAnObject(const json& request) {
  return makeError("", fmt::format("the request must be a JSON object, got {}", typeName(request)));
}

std::optional<std::int64_t> boundedInteger(MemberReader& in, std::string_view name, std::int64_t fallback,
                                           std::int64_t low, std::int64_t high) {
  auto v = in.integer(name, fallback);
  if (v && (*v < low || *v > high)) {
    in.setError(makeError(std::string{name}, fmt::format("must be between {} and {}, got {}", low, high, *v)));
    return std::nullopt;
  }
  return v;
}

ordered_json header(std::string_view method, const VarSettings& s, double portfolioValue) {
  ordered_json out;
  out["method"] = method;
  out["confidence"] = s.confidence;
  out["horizon_days"] = s.horizonDays;
  out["portfolio_value"] = portfolioValue;
  return out;
}

Result<ordered_json> varRequest(const json& request) {
  if (!request.is_object()) return requestNotAnObject(request);
  MemberReader in(request);
  const auto method = in.choice("method", kMethods);
  VarSettings settings;
  if (auto v = in.number("confidence", 0.99)) settings.confidence = *v;
  if (auto v = in.number("horizon_days", 1.0)) settings.horizonDays = *v;
  if (in.error()) return *in.error();
  if (settings.confidence <= 0.0 || settings.confidence >= 1.0) {
    return makeError("confidence", fmt::format("must be strictly between 0 and 1, got {}", settings.confidence));
  }
  if (settings.horizonDays <= 0.0) {
    return makeError("horizon_days", fmt::format("must be > 0, got {}", settings.horizonDays));
  }

  in.allow("factors");
  auto factors = readFactors(request);
  if (!factors) return factors.error();
  in.allow("positions");
  auto positions = readPositions(request, &*factors);
  if (!positions) return positions.error();

  const json* returnsJson = member(in, request, "returns");
  const json* covarianceJson = member(in, request, "covariance");
  std::optional<Matrix> returns;
  if (returnsJson) {
    auto m = readMatrix(*returnsJson, "returns", factors->size(), "factor");
    if (!m) return m.error();
    returns = std::move(m).value();
  }
  std::optional<Matrix> covariance;
  if (covarianceJson) {
    auto m = readMatrix(*covarianceJson, "covariance", factors->size(), "factor");
    if (!m) return m.error();
    if (m->rows != factors->size()) {
      return makeError("covariance",
                       fmt::format("must have {} rows (one per factor), got {}", factors->size(), m->rows));
    }
    covariance = std::move(m).value();
  }

  if (*method == 0) {  // historical
    rejectMember(in, "covariance", "is not used by method \"historical\", which revalues the \"returns\" scenarios");
    if (!returns && !in.error()) return makeError("returns", "is required for method \"historical\"");
    in.rejectUnknown();
    if (in.error()) return *in.error();
    auto r = historicalVar(*positions, *returns, settings);
    if (!r) return r.error();
    ordered_json out = header("historical", settings, r->portfolioValue);
    out["var"] = r->var;
    out["expected_shortfall"] = r->expectedShortfall;
    out["scenarios"] = r->scenarios;
    out["tail_count"] = r->tailCount;
    return out;
  }

  // Parametric and Monte Carlo read a covariance, given or estimated from returns.
  if (returns && covariance) return makeError("covariance", "give either \"returns\" or \"covariance\", not both");
  if (!returns && !covariance) return makeError("returns", "is required, or \"covariance\"");
  if (returns) {
    auto c = sampleCovariance(*returns);
    if (!c) return c.error();
    if (auto e = checkCovariance(*c, factors->size(), "returns")) {
      return makeError("returns",
                       "the sample covariance of these returns is not positive definite (too few "
                       "scenarios for the number of factors, or factors that move together exactly)");
    }
    covariance = std::move(c).value();
  }

  if (*method == 1) {  // parametric
    ParametricOptions options;
    if (auto cf = readBool(in, request, "cornish_fisher", false)) options.cornishFisher = *cf;
    if (options.cornishFisher && returns) {
      rejectMember(in, "skewness", "is computed from \"returns\"; give it only with \"covariance\"");
      rejectMember(in, "excess_kurtosis", "is computed from \"returns\"; give it only with \"covariance\"");
      if (in.error()) return *in.error();
      auto m = portfolioMoments(*positions, *returns);
      if (!m) return m.error();
      options.moments = *m;
    } else if (options.cornishFisher) {
      if (auto v = in.number("skewness")) options.moments.skewness = *v;
      if (auto v = in.number("excess_kurtosis")) options.moments.excessKurtosis = *v;
    } else {
      rejectMember(in, "skewness", "is used only with \"cornish_fisher\": true");
      rejectMember(in, "excess_kurtosis", "is used only with \"cornish_fisher\": true");
    }
    in.rejectUnknown();
    if (in.error()) return *in.error();
    auto r = parametricVar(*positions, *covariance, settings, options);
    if (!r) return r.error();
    ordered_json out = header("parametric", settings, r->portfolioValue);
    out["var"] = r->var;
    out["expected_shortfall"] = r->expectedShortfall;
    out["volatility"] = r->volatility;
    out["z"] = r->z;
    if (options.cornishFisher) {
      out["skewness"] = options.moments.skewness;
      out["excess_kurtosis"] = options.moments.excessKurtosis;
    }
    ordered_json components = ordered_json::array();
    for (std::size_t i = 0; i < positions->size(); ++i) {
      const ComponentVar& c = r->components[i];
      const Position& p = (*positions)[i];
      components.push_back({{"id", p.id},
                            {"factor", (*factors)[p.factor]},
                            {"exposure", c.exposure},
                            {"marginal_var", c.marginal},
                            {"component_var", c.component},
                            {"share", r->var != 0.0 ? c.component / r->var : 0.0}});
    }
    out["components"] = std::move(components);
    return out;
  }

  // monte-carlo
  MonteCarloSettings mc;
  if (auto d = in.choice("distribution", kDistributions, std::size_t{0}))
    mc.distribution = static_cast<ShockDistribution>(*d);
  if (mc.distribution == ShockDistribution::StudentT) {
    if (auto v = in.number("dof")) mc.dof = *v;
  } else {
    rejectMember(in, "dof", "is used only with \"distribution\": \"student-t\"");
  }
  if (auto v = boundedInteger(in, "simulations", 100'000, 1, kMaxSimulations))
    mc.simulations = static_cast<std::size_t>(*v);
  if (auto v = boundedInteger(in, "seed", 1, 0, std::numeric_limits<std::int64_t>::max()))
    mc.seed = static_cast<std::uint64_t>(*v);
  const std::int64_t hardware = std::clamp<std::int64_t>(std::thread::hardware_concurrency(), 1, kMaxThreads);
  if (auto v = boundedInteger(in, "threads", hardware, 1, kMaxThreads)) mc.threads = static_cast<unsigned>(*v);
  in.rejectUnknown();
  if (in.error()) return *in.error();
  auto r = monteCarloVar(*positions, *covariance, settings, mc);
  if (!r) return r.error();
  ordered_json out = header("monte-carlo", settings, r->portfolioValue);
  out["var"] = r->var;
  out["expected_shortfall"] = r->expectedShortfall;
  out["simulations"] = r->scenarios;
  out["tail_count"] = r->tailCount;
  out["distribution"] = kDistributions[static_cast<std::size_t>(mc.distribution)];
  if (mc.distribution == ShockDistribution::StudentT) out["dof"] = mc.dof;
  out["seed"] = mc.seed;
  return out;
}

Result<StressScenario> readScenario(const json& value, std::size_t index) {
  const std::string prefix = fmt::format("scenarios[{}]", index);
  if (value.is_string()) {
    const auto& name = value.get_ref<const std::string&>();
    if (const StressScenario* s = findBuiltInScenario(name)) return *s;
    std::string known;
    for (const StressScenario& s : builtInScenarios())
      known += fmt::format("{}\"{}\"", known.empty() ? "" : ", ", s.name);
    return makeError(prefix, fmt::format("unknown scenario \"{}\"; the built-in ones are {} (or give an object with "
                                         "\"name\" and shocks)",
                                         name, known));
  }
  if (!value.is_object()) {
    return makeError(prefix,
                     fmt::format("must be a built-in scenario's name or an object of shocks, got {}", typeName(value)));
  }
  MemberReader in(value);
  StressScenario s;
  if (auto name = readString(in, value, "name", true)) s.name = *name;
  if (auto v = in.number("equity", 0.0)) s.shocks.equity = *v;
  if (auto v = in.number("fx", 0.0)) s.shocks.fx = *v;
  if (auto v = in.number("rates", 0.0)) s.shocks.rates = *v;
  if (auto v = in.number("crypto", 0.0)) s.shocks.crypto = *v;
  if (auto v = in.number("commodity", 0.0)) s.shocks.commodity = *v;
  if (auto v = in.number("vol", 0.0)) s.shocks.vol = *v;
  in.rejectUnknown();
  if (in.error()) return prefixed(prefix, *in.error());
  return s;
}

ordered_json shocksJson(const StressShocks& s) {
  return ordered_json{{"equity", s.equity},       {"fx", s.fx},  {"rates", s.rates}, {"crypto", s.crypto},
                      {"commodity", s.commodity}, {"vol", s.vol}};
}

Result<ordered_json> stressRequest(const json& request) {
  if (!request.is_object()) return requestNotAnObject(request);
  MemberReader in(request);
  in.allow("positions");
  auto positions = readPositions(request, nullptr);
  if (!positions) return positions.error();
  std::vector<StressScenario> scenarios;
  if (const json* list = member(in, request, "scenarios")) {
    if (!list->is_array() || list->empty()) {
      return makeError("scenarios",
                       fmt::format("must be a non-empty array of scenarios, got {}",
                                   list->is_array() ? std::string{"an empty array"} : std::string{typeName(*list)}));
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto s = readScenario((*list)[i], i);
      if (!s) return s.error();
      scenarios.push_back(std::move(s).value());
    }
  } else {
    scenarios.assign(builtInScenarios().begin(), builtInScenarios().end());
  }
  in.rejectUnknown();
  if (in.error()) return *in.error();

  ordered_json out;
  ordered_json results = ordered_json::array();
  std::size_t worst = 0;
  std::vector<double> totals;
  for (std::size_t j = 0; j < scenarios.size(); ++j) {
    auto r = stress(*positions, scenarios[j]);
    if (!r) {
      const Error& e = r.error();
      if (e.field.starts_with("positions")) return e;
      return prefixed(fmt::format("scenarios[{}]", j), e);
    }
    ordered_json perPosition = ordered_json::array();
    for (std::size_t i = 0; i < positions->size(); ++i) {
      perPosition.push_back({{"id", (*positions)[i].id}, {"pnl", r->positionPnl[i]}});
    }
    results.push_back({{"name", scenarios[j].name},
                       {"shocks", shocksJson(scenarios[j].shocks)},
                       {"pnl", r->pnl},
                       {"positions", std::move(perPosition)}});
    totals.push_back(r->pnl);
    if (r->pnl < totals[worst]) worst = j;
  }
  out["scenarios"] = std::move(results);
  out["worst"] = {{"name", scenarios[worst].name}, {"pnl", totals[worst]}};
  return out;
}

Result<ordered_json> backtestRequest(const json& request) {
  if (!request.is_object()) return requestNotAnObject(request);
  MemberReader in(request);
  const double confidence = in.number("confidence", 0.99).value_or(0.99);
  const double significance = in.number("significance", 0.05).value_or(0.05);
  std::size_t observations = 0;
  std::size_t exceptions = 0;
  const bool series = in.has("pnl") || in.has("var");
  if (series) {
    rejectMember(in, "observations",
                 "is counted from \"pnl\"; give either \"pnl\" and \"var\" or "
                 "\"observations\" and \"exceptions\"");
    rejectMember(in, "exceptions",
                 "is counted from \"pnl\" and \"var\"; give either \"pnl\" and \"var\" or "
                 "\"observations\" and \"exceptions\"");
    const json* pnlJson = member(in, request, "pnl");
    const json* varJson = member(in, request, "var");
    if (!pnlJson) in.setError(makeError("pnl", "is required with \"var\""));
    if (!varJson) in.setError(makeError("var", "is required with \"pnl\""));
    if (in.error()) return *in.error();
    auto pnl = readNumbers(*pnlJson, "pnl");
    if (!pnl) return pnl.error();
    std::vector<double> var;
    if (varJson->is_number()) {
      var.push_back(varJson->get<double>());
    } else {
      auto v = readNumbers(*varJson, "var");
      if (!v) return makeError(v.error().field, v.error().message + " (or one number for every day)");
      var = std::move(v).value();
    }
    in.rejectUnknown();
    if (in.error()) return *in.error();
    auto count = countExceptions(*pnl, var);
    if (!count) return count.error();
    observations = pnl->size();
    exceptions = *count;
  } else {
    auto n = in.integer("observations", -1);
    auto x = in.integer("exceptions", -1);
    if (n && *n == -1 && !in.has("observations"))
      in.setError(makeError("observations", "is required (or \"pnl\" and \"var\")"));
    if (x && *x == -1 && !in.has("exceptions"))
      in.setError(makeError("exceptions", "is required (or \"pnl\" and \"var\")"));
    in.rejectUnknown();
    if (in.error()) return *in.error();
    if (*n < 1) return makeError("observations", fmt::format("must be >= 1, got {}", *n));
    if (*x < 0) return makeError("exceptions", fmt::format("must be >= 0, got {}", *x));
    observations = static_cast<std::size_t>(*n);
    exceptions = static_cast<std::size_t>(*x);
  }
  if (in.error()) return *in.error();
  auto r = kupiecTest(observations, exceptions, confidence, significance);
  if (!r) return r.error();
  ordered_json out;
  out["confidence"] = confidence;
  out["observations"] = r->observations;
  out["exceptions"] = r->exceptions;
  out["expected_exceptions"] = r->expectedExceptions;
  out["exception_rate"] = r->exceptionRate;
  out["likelihood_ratio"] = r->likelihoodRatio;
  out["p_value"] = r->pValue;
  out["significance"] = significance;
  out["reject"] = r->reject;
  out["binomial_cdf"] = r->binomialCdf;
  out["traffic_light"] = toString(r->zone);
  return out;
}

}  // namespace
}  // namespace alphintra::analytics::risk

namespace alphintra::analytics {

Result<nlohmann::ordered_json> runVar(const nlohmann::json& request) { return risk::varRequest(request); }
Result<nlohmann::ordered_json> runStress(const nlohmann::json& request) { return risk::stressRequest(request); }
Result<nlohmann::ordered_json> runVarBacktest(const nlohmann::json& request) { return risk::backtestRequest(request); }

}  // namespace alphintra::analytics
