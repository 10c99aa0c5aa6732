#include "analytics/rebalance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "core/decimal.hpp"

namespace alphintra::analytics {
namespace {

constexpr std::int64_t kWeightScale = 1'000'000'000'000;  // target weights are read to 1e-12
constexpr double kTargetSumTolerance = 1e-6;

Int128 pow10(int n) {
  Int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Checked Int128 arithmetic: nullopt on overflow.
std::optional<Int128> mul(Int128 a, Int128 b) {
  Int128 out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}
std::optional<Int128> add(Int128 a, Int128 b) {
  Int128 out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

double asDouble(Int128 v) { return static_cast<double>(v); }

Error overflow(std::string field) {
  return makeError(std::move(field),
                   "amount is too large to compute exactly (price x quantity overflows 128 bits at "
                   "the common money precision)");
}

// floor(weight * nav) with the weight quantized to 1e-12; nav >= 0, weight in [0, 1].
std::optional<Int128> weightOf(std::int64_t weightRaw, Int128 nav) {
  const Int128 whole = nav / kWeightScale;
  const Int128 rest = nav % kWeightScale;
  auto high = mul(whole, weightRaw);
  if (!high) return std::nullopt;
  return add(*high, rest * weightRaw / kWeightScale);
}

struct Position {
  Int128 value = 0;        // price x quantity at money precision
  Int128 lotNotional = 0;  // price x lot at money precision
  Int128 target = 0;       // target value at money precision
  std::int64_t weightRaw = 0;
  std::int64_t lots = 0;  // signed order size in lots: > 0 buy, < 0 sell
};

}  // namespace

std::string formatMoney(Int128 raw, int places) {
  const bool negative = raw < 0;
  UInt128 magnitude = negative ? static_cast<UInt128>(-(raw + 1)) + 1 : static_cast<UInt128>(raw);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (places > 0) {
    const auto p = static_cast<std::size_t>(places);
    if (digits.size() <= p) digits.insert(0, p - digits.size() + 1, '0');
    digits.insert(digits.size() - p, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

Result<RebalancePlan> planRebalance(const RebalanceInput& input) {
  // --- validation, every error naming its JSON field
  if (input.cashPrecision < 0 || input.cashPrecision > kMaxDecimalPlaces) {
    return makeError("cash", fmt::format("has {} decimal places, at most {}", input.cashPrecision, kMaxDecimalPlaces));
  }
  if (input.cash < 0)
    return makeError("cash", fmt::format("must be >= 0, got {}", formatDecimal(input.cash, input.cashPrecision)));
  if (input.minTradePrecision < 0 || input.minTradePrecision > kMaxDecimalPlaces) {
    return makeError("min_trade_notional",
                     fmt::format("has {} decimal places, at most {}", input.minTradePrecision, kMaxDecimalPlaces));
  }
  if (input.minTradeNotional < 0) {
    return makeError("min_trade_notional", fmt::format("must be >= 0, got {}",
                                                       formatDecimal(input.minTradeNotional, input.minTradePrecision)));
  }
  if (!std::isfinite(input.driftThreshold) || input.driftThreshold < 0 || input.driftThreshold > 1) {
    return makeError("drift_threshold", fmt::format("must be between 0 and 1, got {}", input.driftThreshold));
  }
  if (!std::isfinite(input.cashWeight) || input.cashWeight < 0 || input.cashWeight > 1) {
    return makeError("cash_weight", fmt::format("must be between 0 and 1, got {}", input.cashWeight));
  }
  if (input.holdings.empty()) return makeError("holdings", "needs at least one instrument");

  int moneyPrecision = std::max(input.cashPrecision, input.minTradePrecision);
  double targetSum = input.cashWeight;
  std::set<std::string> symbols;
  for (std::size_t i = 0; i < input.holdings.size(); ++i) {
    const RebalanceHolding& h = input.holdings[i];
    auto field = [i](const char* name) { return fmt::format("holdings[{}].{}", i, name); };
    if (h.symbol.empty()) return makeError(field("symbol"), "is empty");
    if (!symbols.insert(h.symbol).second)
      return makeError(field("symbol"), fmt::format("\"{}\" appears twice", h.symbol));
    if (h.pricePrecision < 0 || h.pricePrecision > kMaxDecimalPlaces) {
      return makeError(field("price_precision"),
                       fmt::format("must be between 0 and {}, got {}", kMaxDecimalPlaces, h.pricePrecision));
    }
    if (h.quantityPrecision < 0 || h.quantityPrecision > kMaxDecimalPlaces) {
      return makeError(field("quantity_precision"),
                       fmt::format("must be between 0 and {}, got {}", kMaxDecimalPlaces, h.quantityPrecision));
    }
    if (!h.lotSize.isPositive()) {
      return makeError(field("lot_size"),
                       fmt::format("must be > 0, got {}", formatDecimal(h.lotSize.raw(), h.quantityPrecision)));
    }
    if (!h.price.isPositive()) {
      return makeError(field("price"),
                       fmt::format("must be > 0, got {}", formatDecimal(h.price.raw(), h.pricePrecision)));
    }
    if (h.quantity.raw() < 0) {
      return makeError(field("quantity"), fmt::format("must be >= 0 (long-only), got {}",
                                                      formatDecimal(h.quantity.raw(), h.quantityPrecision)));
    }
    if (!std::isfinite(h.targetWeight) || h.targetWeight < 0 || h.targetWeight > 1) {
      return makeError(field("target_weight"), fmt::format("must be between 0 and 1, got {}", h.targetWeight));
    }
    targetSum += h.targetWeight;
    moneyPrecision = std::max(moneyPrecision, h.pricePrecision + h.quantityPrecision);
  }
  if (std::abs(targetSum - 1.0) > kTargetSumTolerance) {
    return makeError("holdings",
                     fmt::format("the target_weight values plus cash_weight must sum to 1 (within {}), got {}",
                                 kTargetSumTolerance, targetSum));
  }

  // --- values at the common money precision
  RebalancePlan plan;
  plan.moneyPrecision = moneyPrecision;
  auto cash = mul(input.cash, pow10(moneyPrecision - input.cashPrecision));
  if (!cash) return overflow("cash");
  auto minNotional = mul(input.minTradeNotional, pow10(moneyPrecision - input.minTradePrecision));
  if (!minNotional) return overflow("min_trade_notional");
  Int128 nav = *cash;
  std::vector<Position> positions(input.holdings.size());
  for (std::size_t i = 0; i < input.holdings.size(); ++i) {
    const RebalanceHolding& h = input.holdings[i];
    const Int128 scale = pow10(moneyPrecision - h.pricePrecision - h.quantityPrecision);
    auto value = mul(rawNotional(h.price, h.quantity), scale);
    auto lotNotional = mul(rawNotional(h.price, h.lotSize), scale);
    if (!value || !lotNotional) return overflow(fmt::format("holdings[{}]", i));
    auto sum = add(nav, *value);
    if (!sum) return overflow(fmt::format("holdings[{}]", i));
    nav = *sum;
    positions[i].value = *value;
    positions[i].lotNotional = *lotNotional;
    positions[i].weightRaw = std::llround(h.targetWeight * static_cast<double>(kWeightScale));
  }
  if (nav == 0) return makeError("holdings", "the portfolio is empty: cash and every quantity are zero");
  plan.netAssetValue = nav;

  // --- drift, compared in money so that the threshold is exact: |value - target| > threshold x NAV
  auto threshold = weightOf(std::llround(input.driftThreshold * static_cast<double>(kWeightScale)), nav);
  if (!threshold) return overflow("drift_threshold");
  plan.holdings.reserve(input.holdings.size());
  for (std::size_t i = 0; i < input.holdings.size(); ++i) {
    const RebalanceHolding& h = input.holdings[i];
    Position& p = positions[i];
    auto target = weightOf(p.weightRaw, nav);
    if (!target) return overflow(fmt::format("holdings[{}]", i));
    p.target = *target;
    HoldingResult r;
    r.symbol = h.symbol;
    r.quantity = h.quantity;
    r.weightBefore = asDouble(p.value) / asDouble(nav);
    r.targetWeight = h.targetWeight;
    r.drifted = (p.value > p.target ? p.value - p.target : p.target - p.value) > *threshold;
    plan.triggered = plan.triggered || r.drifted;
    plan.holdings.push_back(std::move(r));
  }
  auto trades = [&](std::size_t i) {
    return input.policy == DriftPolicy::Portfolio ? plan.triggered : plan.holdings[i].drifted;
  };

  // --- order sizes in whole lots, rounded toward zero (never past the target)
  Int128 available = *cash;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    Position& p = positions[i];
    if (!trades(i) || p.target >= p.value) continue;
    // Sells: at most the excess over the target; lots x lot <= excess <= value, so never short.
    const Int128 lots = (p.value - p.target) / p.lotNotional;
    const Int128 notional = lots * p.lotNotional;
    if (lots == 0 || notional < *minNotional) continue;
    p.lots = -static_cast<std::int64_t>(lots);
    available += notional;
  }
  // Buys, largest shortfall first (ties: input order), each trimmed to the cash still available.
  std::vector<std::size_t> buys;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (trades(i) && positions[i].target > positions[i].value) buys.push_back(i);
  }
  std::stable_sort(buys.begin(), buys.end(), [&](std::size_t a, std::size_t b) {
    return positions[a].target - positions[a].value > positions[b].target - positions[b].value;
  });
  for (std::size_t i : buys) {
    Position& p = positions[i];
    const Int128 wanted = (p.target - p.value) / p.lotNotional;
    const Int128 lots = std::min(wanted, available / p.lotNotional);
    const Int128 notional = lots * p.lotNotional;
    if (lots == 0 || notional < *minNotional) continue;
    if (lots > std::numeric_limits<std::int64_t>::max()) return overflow(fmt::format("holdings[{}]", i));
    p.lots = static_cast<std::int64_t>(lots);
    available -= notional;
  }

  // --- orders (sells, then buys in the order they were sized) and the result
  auto addOrder = [&](std::size_t i) -> std::optional<Error> {
    const RebalanceHolding& h = input.holdings[i];
    const Position& p = positions[i];
    const std::int64_t lots = p.lots < 0 ? -p.lots : p.lots;
    auto quantity = mul(lots, h.lotSize.raw());
    if (!quantity || *quantity > std::numeric_limits<std::int64_t>::max())
      return overflow(fmt::format("holdings[{}]", i));
    const auto q = Quantity::fromRaw(static_cast<std::int64_t>(*quantity));
    std::int64_t after = 0;
    if (__builtin_add_overflow(h.quantity.raw(), p.lots < 0 ? -q.raw() : q.raw(), &after)) {
      return overflow(fmt::format("holdings[{}].quantity", i));
    }
    plan.orders.push_back(RebalanceOrder{h.symbol, p.lots < 0 ? Side::Sell : Side::Buy, q, lots * p.lotNotional});
    plan.holdings[i].quantity = Quantity::fromRaw(after);
    return std::nullopt;
  };
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (positions[i].lots < 0) {
      if (auto e = addOrder(i)) return *e;
    }
  }
  for (std::size_t i : buys) {
    if (positions[i].lots > 0) {
      if (auto e = addOrder(i)) return *e;
    }
  }
  plan.cash = available;
  plan.cashWeightBefore = asDouble(*cash) / asDouble(nav);
  plan.cashWeightAfter = asDouble(available) / asDouble(nav);
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const RebalanceHolding& h = input.holdings[i];
    const Int128 scale = pow10(moneyPrecision - h.pricePrecision - h.quantityPrecision);
    // Fits: the new quantity's value is at most the old value plus cash, both already bounded by nav.
    plan.holdings[i].weightAfter = asDouble(rawNotional(h.price, plan.holdings[i].quantity) * scale) / asDouble(nav);
  }
  return plan;
}

}  // namespace alphintra::analytics
