#include "analytics/reporting_json.hpp"

#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/json_reader.hpp"
#include "core/decimal.hpp"

namespace alphintra::analytics {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

Error notAnObject(const json& request, std::string_view what) {
  return makeError("", fmt::format("the request must be a JSON object ({}), got {}", what, typeName(request)));
}

// A member MemberReader has no reader for (arrays, strings): marks it used, returns it or null.
const json* member(MemberReader& in, const json& object, std::string_view name) {
  in.allow(name);
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// An array of numbers; element errors name "name[i]". nullopt when absent or on error.
std::optional<std::vector<double>> numberArray(MemberReader& in, const json& object, std::string_view name,
                                               bool required) {
  const json* value = member(in, object, name);
  if (!value) {
    if (required) in.setError(makeError(std::string{name}, "is required"));
    return std::nullopt;
  }
  if (!value->is_array()) {
    in.setError(makeError(std::string{name}, fmt::format("must be an array of numbers, got {}", typeName(*value))));
    return std::nullopt;
  }
  std::vector<double> out;
  out.reserve(value->size());
  for (std::size_t i = 0; i < value->size(); ++i) {
    const json& v = (*value)[i];
    if (!v.is_number()) {
      in.setError(makeError(fmt::format("{}[{}]", name, i), fmt::format("must be a number, got {}", typeName(v))));
      return std::nullopt;
    }
    out.push_back(v.get<double>());
  }
  return out;
}

std::optional<std::string> stringMember(MemberReader& in, const json& object, std::string_view name) {
  const json* value = member(in, object, name);
  if (!value) {
    in.setError(makeError(std::string{name}, "is required"));
    return std::nullopt;
  }
  if (!value->is_string()) {
    in.setError(makeError(std::string{name}, fmt::format("must be a string, got {}", typeName(*value))));
    return std::nullopt;
  }
  return value->get<std::string>();
}

struct Decimal {
  std::int64_t raw = 0;
  int places = 0;
};

// Decimal text, exact. `places` fixes the scale (more places is an error); without it the
// scale is the text's own number of decimal places (at most 12).
std::optional<Decimal> decimal(MemberReader& in, const json& object, std::string_view name, std::optional<int> places,
                               std::optional<std::string_view> fallback = std::nullopt) {
  const json* value = member(in, object, name);
  std::string_view text;
  if (!value) {
    if (!fallback) {
      in.setError(makeError(std::string{name}, "is required"));
      return std::nullopt;
    }
    text = *fallback;
  } else if (!value->is_string()) {
    in.setError(
        makeError(std::string{name},
                  fmt::format("must be a decimal string such as \"100.25\" (JSON numbers are not exact), got {}",
                              value->is_number() ? value->dump() : std::string{typeName(*value)})));
    return std::nullopt;
  } else {
    text = value->get_ref<const std::string&>();
  }
  int scale = 0;
  if (places) {
    scale = *places;
  } else {
    const auto point = text.find('.');
    const std::size_t digits = point == std::string_view::npos ? 0 : text.size() - point - 1;
    scale = static_cast<int>(std::min<std::size_t>(digits, kMaxDecimalPlaces));
  }
  auto raw = parseDecimal(text, scale, name);
  if (!raw) {
    in.setError(raw.error());
    return std::nullopt;
  }
  return Decimal{*raw, scale};
}

std::optional<int> precision(MemberReader& in, std::string_view name, std::int64_t fallback) {
  auto v = in.integer(name, fallback);
  if (!v) return std::nullopt;
  if (*v < 0 || *v > kMaxDecimalPlaces) {
    in.setError(makeError(std::string{name}, fmt::format("must be between 0 and {}, got {}", kMaxDecimalPlaces, *v)));
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

Error prefixed(std::string_view prefix, const Error& e) {
  return makeError(e.field.empty() ? std::string{prefix} : fmt::format("{}.{}", prefix, e.field), e.message);
}

ordered_json orNull(const std::optional<double>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }
ordered_json orNull(const std::optional<std::size_t>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }

constexpr std::array<std::string_view, 5> kFrequencies{"daily", "weekly", "monthly", "quarterly", "annual"};
constexpr std::array<double, 5> kPeriodsPerYear{252, 52, 12, 4, 1};
constexpr std::array<std::string_view, 2> kDriftPolicies{"portfolio", "instrument"};

}  // namespace

// ---------------------------------------------------------------- performance

Result<PerformanceInput> performanceInputFromJson(const json& request) {
  if (!request.is_object()) return notAnObject(request, "a performance request");
  MemberReader in(request);
  PerformanceInput out;
  const bool hasReturns = in.has("returns");
  const bool hasEquity = in.has("equity");
  if (hasReturns && hasEquity) {
    in.setError(makeError("equity", "give either returns or equity, not both"));
  } else if (hasEquity) {
    if (auto v = numberArray(in, request, "equity", true)) out.equity = std::move(*v);
  } else if (hasReturns) {
    if (auto v = numberArray(in, request, "returns", true)) out.returns = std::move(*v);
  } else {
    in.setError(makeError("returns", "is required (or give equity, an equity curve)"));
  }
  if (in.has("frequency") && in.has("periods_per_year")) {
    in.setError(makeError("frequency", "give either frequency or periods_per_year, not both"));
  } else if (in.has("frequency")) {
    if (auto f = in.choice("frequency", kFrequencies)) out.periodsPerYear = kPeriodsPerYear[*f];
  } else if (auto ppy = in.number("periods_per_year")) {
    out.periodsPerYear = *ppy;
  }
  if (auto rf = in.number("risk_free_rate", 0.0)) out.riskFreeRate = *rf;
  if (in.has("trades")) out.tradePnls = numberArray(in, request, "trades", true);
  if (in.has("positions")) out.positions = numberArray(in, request, "positions", true);
  in.rejectUnknown();
  if (in.error()) return *in.error();
  return out;
}

ordered_json toJson(const PerformanceReport& r) {
  ordered_json out;
  out["periods"] = r.periods;
  out["years"] = r.years;
  out["total_return"] = r.totalReturn;
  out["cagr"] = r.cagr;
  out["annualized_volatility"] = r.annualizedVolatility;
  out["downside_deviation"] = r.downsideDeviation;
  out["sharpe"] = orNull(r.sharpe);
  out["sortino"] = orNull(r.sortino);
  ordered_json dd;
  dd["depth"] = r.maxDrawdown.depth;
  dd["start"] = orNull(r.maxDrawdown.start);
  dd["trough"] = orNull(r.maxDrawdown.trough);
  dd["recovery"] = orNull(r.maxDrawdown.recovery);
  dd["duration"] = r.maxDrawdown.duration;
  dd["recovered"] = r.maxDrawdown.recovery.has_value();
  out["max_drawdown"] = std::move(dd);
  out["calmar"] = orNull(r.calmar);
  out["win_rate"] = orNull(r.winRate);
  out["profit_factor"] = orNull(r.profitFactor);
  out["win_basis"] = r.winBasis == WinBasis::Trades ? "trades" : "periods";
  if (r.exposure) {
    ordered_json x;
    x["time_in_market"] = r.exposure->timeInMarket;
    x["average_gross_exposure"] = r.exposure->averageGrossExposure;
    x["annualized_turnover"] = r.exposure->annualizedTurnover;
    out["exposure"] = std::move(x);
  }
  return out;
}

Result<ordered_json> runPerformance(const json& request) {
  auto input = performanceInputFromJson(request);
  if (!input) return input.error();
  auto report = computePerformance(*input);
  if (!report) return report.error();
  return toJson(*report);
}

// ---------------------------------------------------------------- attribution

Result<std::vector<SectorInput>> attributionInputFromJson(const json& request) {
  if (!request.is_object()) return notAnObject(request, "an attribution request");
  MemberReader in(request);
  std::vector<SectorInput> sectors;
  const json* names = member(in, request, "sectors");
  if (!names) {
    in.setError(makeError("sectors", "is required"));
  } else if (!names->is_array()) {
    in.setError(makeError("sectors", fmt::format("must be an array of sector names, got {}", typeName(*names))));
  } else {
    for (std::size_t i = 0; i < names->size(); ++i) {
      const json& n = (*names)[i];
      if (!n.is_string()) {
        in.setError(makeError(fmt::format("sectors[{}]", i), fmt::format("must be a string, got {}", typeName(n))));
        break;
      }
      SectorInput s;
      s.name = n.get<std::string>();
      sectors.push_back(std::move(s));
    }
  }
  const std::pair<const char*, double SectorInput::*> columns[] = {
      {"portfolio_weights", &SectorInput::portfolioWeight},
      {"benchmark_weights", &SectorInput::benchmarkWeight},
      {"portfolio_returns", &SectorInput::portfolioReturn},
      {"benchmark_returns", &SectorInput::benchmarkReturn}};
  for (const auto& [name, field] : columns) {
    auto values = numberArray(in, request, name, true);
    if (!values || in.error()) continue;
    if (values->size() != sectors.size()) {
      in.setError(makeError(
          name, fmt::format("has {} values but sectors has {}; give one per sector", values->size(), sectors.size())));
      continue;
    }
    for (std::size_t i = 0; i < sectors.size(); ++i) sectors[i].*field = (*values)[i];
  }
  in.rejectUnknown();
  if (in.error()) return *in.error();
  return sectors;
}

ordered_json toJson(const Attribution& a) {
  auto effects = [](const SectorEffects& e, bool named) {
    ordered_json o;
    if (named) o["sector"] = e.name;
    o["allocation"] = e.allocation;
    o["selection"] = e.selection;
    o["interaction"] = e.interaction;
    o["total"] = e.total;
    return o;
  };
  ordered_json out;
  out["portfolio_return"] = a.portfolioReturn;
  out["benchmark_return"] = a.benchmarkReturn;
  out["active_return"] = a.activeReturn;
  ordered_json sectors = ordered_json::array();
  for (const auto& s : a.sectors) sectors.push_back(effects(s, true));
  out["sectors"] = std::move(sectors);
  out["totals"] = effects(a.totals, false);
  return out;
}

Result<ordered_json> runAttribution(const json& request) {
  auto input = attributionInputFromJson(request);
  if (!input) return input.error();
  auto result = brinsonFachler(*input);
  if (!result) return result.error();
  return toJson(*result);
}

// ---------------------------------------------------------------- rebalance

namespace {

Result<RebalanceHolding> holdingFromJson(const json& object) {
  if (!object.is_object()) {
    return makeError("", fmt::format("each holding must be an object, got {}", typeName(object)));
  }
  MemberReader in(object);
  RebalanceHolding h;
  if (auto s = stringMember(in, object, "symbol")) h.symbol = *s;
  if (auto p = precision(in, "price_precision", 2)) h.pricePrecision = *p;
  if (auto p = precision(in, "quantity_precision", 0)) h.quantityPrecision = *p;
  if (in.error()) return *in.error();
  if (auto d = decimal(in, object, "price", h.pricePrecision)) h.price = Price::fromRaw(d->raw);
  if (auto d = decimal(in, object, "quantity", h.quantityPrecision)) h.quantity = Quantity::fromRaw(d->raw);
  if (auto d = decimal(in, object, "lot_size", h.quantityPrecision, "1")) {
    h.lotSize = Quantity::fromRaw(d->raw);
  }
  if (auto w = in.number("target_weight")) h.targetWeight = *w;
  in.rejectUnknown();
  if (in.error()) return *in.error();
  return h;
}

}  // namespace

Result<RebalanceInput> rebalanceInputFromJson(const json& request) {
  if (!request.is_object()) return notAnObject(request, "a rebalance request");
  MemberReader in(request);
  RebalanceInput out;
  if (auto d = decimal(in, request, "cash", std::nullopt)) {
    out.cash = d->raw;
    out.cashPrecision = d->places;
  }
  if (auto d = decimal(in, request, "min_trade_notional", std::nullopt, "0")) {
    out.minTradeNotional = d->raw;
    out.minTradePrecision = d->places;
  }
  if (auto w = in.number("cash_weight", 0.0)) out.cashWeight = *w;
  if (auto t = in.number("drift_threshold", 0.0)) out.driftThreshold = *t;
  if (auto p = in.choice("drift_policy", kDriftPolicies, std::size_t{0})) out.policy = static_cast<DriftPolicy>(*p);
  const json* holdings = member(in, request, "holdings");
  if (!holdings) {
    in.setError(makeError("holdings", "is required"));
  } else if (!holdings->is_array()) {
    in.setError(makeError("holdings", fmt::format("must be an array of objects, got {}", typeName(*holdings))));
  } else if (!in.error()) {
    for (std::size_t i = 0; i < holdings->size(); ++i) {
      auto h = holdingFromJson((*holdings)[i]);
      if (!h) {
        in.setError(prefixed(fmt::format("holdings[{}]", i), h.error()));
        break;
      }
      out.holdings.push_back(std::move(h).value());
    }
  }
  in.rejectUnknown();
  if (in.error()) return *in.error();
  return out;
}

ordered_json toJson(const RebalanceInput& input, const RebalancePlan& plan) {
  auto quantityText = [&](const std::string& symbol, Quantity q) {
    for (const auto& h : input.holdings) {
      if (h.symbol == symbol) return formatDecimal(q.raw(), h.quantityPrecision);
    }
    return formatDecimal(q.raw(), 0);  // unreachable: every order is for an input holding
  };
  ordered_json out;
  ordered_json orders = ordered_json::array();
  for (const auto& o : plan.orders) {
    ordered_json order;
    order["symbol"] = o.symbol;
    order["side"] = o.side == Side::Buy ? "buy" : "sell";
    order["quantity"] = quantityText(o.symbol, o.quantity);
    orders.push_back(std::move(order));
  }
  out["orders"] = std::move(orders);
  ordered_json holdings = ordered_json::array();
  for (const auto& h : plan.holdings) {
    ordered_json o;
    o["symbol"] = h.symbol;
    o["quantity"] = quantityText(h.symbol, h.quantity);
    o["weight_before"] = h.weightBefore;
    o["target_weight"] = h.targetWeight;
    o["weight_after"] = h.weightAfter;
    o["drifted"] = h.drifted;
    holdings.push_back(std::move(o));
  }
  out["holdings"] = std::move(holdings);
  out["cash"] = formatMoney(plan.cash, plan.moneyPrecision);
  out["cash_weight_before"] = plan.cashWeightBefore;
  out["cash_weight_after"] = plan.cashWeightAfter;
  out["net_asset_value"] = formatMoney(plan.netAssetValue, plan.moneyPrecision);
  out["rebalanced"] = plan.triggered;
  return out;
}

Result<ordered_json> runRebalance(const json& request) {
  auto input = rebalanceInputFromJson(request);
  if (!input) return input.error();
  auto plan = planRebalance(*input);
  if (!plan) return plan.error();
  return toJson(*input, *plan);
}

}  // namespace alphintra::analytics
