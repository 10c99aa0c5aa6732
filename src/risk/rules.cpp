// Pre-trade risk rules (see rules.hpp for the order and the reasons, docs/risk.md for users).
// Every comparison runs on Int128 copies of the int64 inputs, so no sum or product below can
// overflow; only reported values are narrowed, saturating.
#include "risk/rules.hpp"

#include <fmt/format.h>

#include <limits>

namespace alphintra::risk {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

constexpr std::int64_t saturate(Int128 v) noexcept {
  if (v > kMax) return kMax;
  if (v < kMin) return kMin;
  return static_cast<std::int64_t>(v);
}

constexpr Int128 wide(std::int64_t v) noexcept { return static_cast<Int128>(v); }
constexpr Int128 abs128(Int128 v) noexcept { return v < 0 ? -v : v; }
constexpr Int128 nonNegative(Int128 v) noexcept { return v < 0 ? 0 : v; }
// Ceiling of n / d for n >= 0, d > 0.
constexpr Int128 ceilDiv(Int128 n, Int128 d) noexcept { return (n + d - 1) / d; }

constexpr RiskVerdict breaks(RiskRule rule, RiskUnit unit, Int128 limit, Int128 value) noexcept {
  return RiskVerdict{rule, unit, saturate(limit), saturate(value)};
}

// What a check is about, the same for a new order and a replace.
struct Candidate {
  const OrderFacts& order;  // side, prices, tick, restricted
  Int128 orderQuantity;     // the whole order: per-order size rule
  Int128 orderNotional;     // the whole order: per-order notional rule
  Int128 addedQuantity;     // >= 0: what position rules add
  Int128 addedNotional;     // >= 0: what exposure rules add
  bool addsAnOrder;         // MaxOpenOrders applies
};

// Quantity that orders on `side` may still take off the position without flipping it, after
// the open orders on that side: the ReducingOnly rule's limit.
Int128 reducibleQuantity(Side side, Int128 position, Int128 openSameSide) noexcept {
  if (side == Side::Sell && position > 0) return nonNegative(position - openSameSide);
  if (side == Side::Buy && position < 0) return nonNegative(-position - openSameSide);
  return 0;
}

// Price collars, percent then ticks. Skipped without a limit price or a defined reference.
RiskVerdict checkCollars(const OrderFacts& o, const AccountLimits& a) noexcept {
  if (!o.hasLimitPrice || !o.price.isDefined() || !o.referencePrice.isDefined()) return {};
  const Int128 deviation = abs128(wide(o.price.raw()) - wide(o.referencePrice.raw()));
  // Percent band: |price - ref| * 10000 > bp * |ref|. |ref| so that negative reference prices
  // (spreads, some futures) get a band of the same width; a zero reference has no percentage
  // band at all (any deviation would be infinite bp), so only the tick collar applies then.
  const Int128 ref = abs128(wide(o.referencePrice.raw()));
  if (a.collarBasisPoints != 0 && ref != 0 && deviation * 10'000 > wide(a.collarBasisPoints) * ref) {
    return breaks(RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, a.collarBasisPoints,
                  ceilDiv(deviation * 10'000, ref));
  }
  // Tick band: |price - ref| > ticks * tick. A non-positive tick (never valid, see Instrument)
  // makes the band empty: fail closed, reporting the largest value.
  if (a.collarTicks != 0) {
    const Int128 tick = wide(o.tickSize.raw());
    if (deviation > wide(a.collarTicks) * tick) {
      return breaks(RiskRule::PriceCollarTicks, RiskUnit::Ticks, a.collarTicks,
                    tick > 0 ? ceilDiv(deviation, tick) : Int128{kMax});
    }
  }
  return {};
}

RiskVerdict runRules(const Candidate& c, const ExposureFacts& x, const AccountLimits& a, const InstrumentLimits& i,
                     TradingState state, bool killSwitchBlocks, TokenBucket& bucket, Timestamp now) noexcept {
  const OrderFacts& o = c.order;
  const bool buy = o.side == Side::Buy;
  const Int128 position = wide(x.position.raw());
  const Int128 openSameSide = wide(buy ? x.openBuy.raw() : x.openSell.raw());

  // 1-2. Operator stops. Anything but Active or ReducingOnly (including an unknown value) halts.
  if (killSwitchBlocks) return breaks(RiskRule::KillSwitch, RiskUnit::None, 0, 0);
  if (state != TradingState::Active && state != TradingState::ReducingOnly) {
    return breaks(RiskRule::TradingHalted, RiskUnit::None, 0, 0);
  }
  // 3. Reducing only: limit = quantity still reducible after the open same-side orders.
  if (state == TradingState::ReducingOnly && !reducesPosition(o.side, Quantity::fromRaw(saturate(c.addedQuantity)),
                                                              x.position, buy ? x.openBuy : x.openSell)) {
    return breaks(RiskRule::ReducingOnly, RiskUnit::Quantity, reducibleQuantity(o.side, position, openSameSide),
                  c.addedQuantity);
  }
  // 4. Restricted list.
  if (o.restricted) return breaks(RiskRule::RestrictedInstrument, RiskUnit::None, 0, 0);

  // 5-6. The order itself: fat-finger size and value. Limits compare with != 0 so that a
  // negative limit (invalid) refuses everything instead of meaning "none".
  if (i.maxOrderQuantity != 0 && c.orderQuantity > i.maxOrderQuantity) {
    return breaks(RiskRule::MaxOrderQuantity, RiskUnit::Quantity, i.maxOrderQuantity, c.orderQuantity);
  }
  if (a.maxOrderNotional != 0 && c.orderNotional > a.maxOrderNotional) {
    return breaks(RiskRule::MaxOrderNotional, RiskUnit::Money, a.maxOrderNotional, c.orderNotional);
  }
  // 7-8. Price collars.
  if (const RiskVerdict v = checkCollars(o, a); !v.passed()) return v;

  // 9. Live orders of the account, this one included.
  if (c.addsAnOrder && a.maxOpenOrders != 0 && wide(x.openOrders) + 1 > a.maxOpenOrders) {
    return breaks(RiskRule::MaxOpenOrders, RiskUnit::Count, a.maxOpenOrders, wide(x.openOrders) + 1);
  }
  // 10. Position limits, worst case: every open order on this side fills, and this one too.
  if (buy && i.maxLongPosition != 0) {
    const Int128 worstLong = position + openSameSide + c.addedQuantity;
    if (worstLong > i.maxLongPosition) {
      return breaks(RiskRule::MaxLongPosition, RiskUnit::Quantity, i.maxLongPosition, worstLong);
    }
  }
  if (!buy && i.maxShortPosition != 0) {
    const Int128 worstShort = -(position - openSameSide - c.addedQuantity);  // magnitude when short
    if (worstShort > i.maxShortPosition) {
      return breaks(RiskRule::MaxShortPosition, RiskUnit::Quantity, i.maxShortPosition, worstShort);
    }
  }
  const bool margin = x.accountType == AccountType::Margin;  // an unknown type is held to cash rules
  // 11. Cash accounts sell only what they hold and have not already offered.
  if (!margin && !buy) {
    const Int128 sellable = position - openSameSide;
    if (c.addedQuantity > sellable) {
      return breaks(RiskRule::NakedShort, RiskUnit::Quantity, nonNegative(sellable), c.addedQuantity);
    }
  }
  // 12. Gross exposure: the engine's figure plus this order's notional (an order never lowers it).
  const Int128 gross = wide(x.grossExposure) + c.addedNotional;
  if (a.maxGrossExposure != 0 && gross > a.maxGrossExposure) {
    return breaks(RiskRule::MaxGrossExposure, RiskUnit::Money, a.maxGrossExposure, gross);
  }
  // 13. Net exposure: |net ± notional|. An order that brings net exposure closer to zero passes
  // even when still above the limit (e.g. after the limit was lowered): it takes risk off.
  if (a.maxNetExposure != 0) {
    const Int128 before = abs128(wide(x.netExposure));
    const Int128 after = abs128(wide(x.netExposure) + (buy ? c.addedNotional : -c.addedNotional));
    if (after > a.maxNetExposure && after > before) {
      return breaks(RiskRule::MaxNetExposure, RiskUnit::Money, a.maxNetExposure, after);
    }
  }
  // 14. Funds: an order that consumes nothing cannot break them, even when funds are negative.
  if (x.requiredFunds > 0 && x.requiredFunds > x.availableFunds) {
    return breaks(margin ? RiskRule::Margin : RiskRule::BuyingPower, RiskUnit::Money, x.availableFunds,
                  x.requiredFunds);
  }
  // 15. Leverage (margin accounts): (gross + notional) / equity <= limit / 100, compared exactly
  // as (gross + notional) * 100 <= limit * equity. No positive equity: no leverage is finite,
  // reported in Money as limit 0 and the equity.
  if (margin && a.maxLeverageHundredths != 0) {
    if (x.equity <= 0) return breaks(RiskRule::MaxLeverage, RiskUnit::Money, 0, x.equity);
    if (gross * 100 > wide(a.maxLeverageHundredths) * wide(x.equity)) {
      return breaks(RiskRule::MaxLeverage, RiskUnit::Ratio, a.maxLeverageHundredths,
                    ceilDiv(nonNegative(gross) * 100, wide(x.equity)));
    }
  }
  // 16. Order rate, last: only an order that will reach the book uses a token (rules.hpp).
  bucket.configure(a.orderRatePerSecond, a.orderBurst);
  if (!bucket.tryTake(now)) {
    return breaks(RiskRule::OrderRate, RiskUnit::OrdersPerSecond, bucket.ratePerSecond(), bucket.burst());
  }
  return {};
}

}  // namespace

bool reducesPosition(Side side, Quantity qty, Quantity position, Quantity openSameSide) noexcept {
  const Int128 q = nonNegative(wide(qty.raw()));
  const Int128 open = nonNegative(wide(openSameSide.raw()));
  const Int128 p = wide(position.raw());
  if (side == Side::Sell) return p > 0 && p - open - q >= 0;
  if (side == Side::Buy) return p < 0 && p + open + q <= 0;
  return false;
}

RiskVerdict checkNewOrder(const OrderFacts& order, const ExposureFacts& exposure, const AccountLimits& account,
                          const InstrumentLimits& instrument, TradingState effectiveState, bool killSwitchBlocks,
                          TokenBucket& bucket, Timestamp now) noexcept {
  const Int128 notional = nonNegative(wide(order.notional));
  const Candidate c{order, wide(order.quantity.raw()), notional, nonNegative(wide(order.quantity.raw())), notional,
                    true};
  return runRules(c, exposure, account, instrument, effectiveState, killSwitchBlocks, bucket, now);
}

RiskVerdict checkReplace(const ReplaceFacts& replace, const ExposureFacts& exposure, const AccountLimits& account,
                         const InstrumentLimits& instrument, TradingState effectiveState, bool killSwitchBlocks,
                         TokenBucket& bucket, Timestamp now) noexcept {
  // Reductions take risk off: allowed under every stop, and not metered.
  if (isReduction(replace)) return {};
  const Candidate c{replace.change,
                    wide(replace.orderQuantity.raw()),
                    nonNegative(wide(replace.orderNotional)),
                    nonNegative(wide(replace.change.quantity.raw())),
                    nonNegative(wide(replace.change.notional)),
                    false};
  return runRules(c, exposure, account, instrument, effectiveState, killSwitchBlocks, bucket, now);
}

std::string_view toString(RiskRule rule) noexcept {
  switch (rule) {
    case RiskRule::None: return "none";
    case RiskRule::MaxOrderQuantity: return "max_order_quantity";
    case RiskRule::MaxOrderNotional: return "max_order_notional";
    case RiskRule::MaxLongPosition: return "max_long_position";
    case RiskRule::MaxShortPosition: return "max_short_position";
    case RiskRule::MaxGrossExposure: return "max_gross_exposure";
    case RiskRule::MaxNetExposure: return "max_net_exposure";
    case RiskRule::BuyingPower: return "buying_power";
    case RiskRule::Margin: return "margin";
    case RiskRule::PriceCollarPercent: return "price_collar_percent";
    case RiskRule::PriceCollarTicks: return "price_collar_ticks";
    case RiskRule::MaxOpenOrders: return "max_open_orders";
    case RiskRule::OrderRate: return "order_rate";
    case RiskRule::RestrictedInstrument: return "restricted_instrument";
    case RiskRule::NakedShort: return "naked_short";
    case RiskRule::TradingHalted: return "trading_halted";
    case RiskRule::ReducingOnly: return "reducing_only";
    case RiskRule::KillSwitch: return "kill_switch";
    case RiskRule::MaxLeverage: return "max_leverage";
  }
  return "unknown";
}

std::string_view toString(RiskUnit unit) noexcept {
  switch (unit) {
    case RiskUnit::None: return "none";
    case RiskUnit::Quantity: return "quantity";
    case RiskUnit::Money: return "money";
    case RiskUnit::Price: return "price";
    case RiskUnit::Count: return "count";
    case RiskUnit::BasisPoints: return "basis_points";
    case RiskUnit::Ticks: return "ticks";
    case RiskUnit::OrdersPerSecond: return "orders_per_second";
    case RiskUnit::Ratio: return "ratio";
  }
  return "unknown";
}

std::string_view toString(TradingState state) noexcept {
  switch (state) {
    case TradingState::Active: return "active";
    case TradingState::ReducingOnly: return "reducing_only";
    case TradingState::Halted: return "halted";
  }
  return "unknown";
}

std::string_view toString(AccountType type) noexcept {
  switch (type) {
    case AccountType::Cash: return "cash";
    case AccountType::Margin: return "margin";
  }
  return "unknown";
}

std::optional<TradingState> parseTradingState(std::string_view text) noexcept {
  if (text == "active") return TradingState::Active;
  if (text == "reducing_only") return TradingState::ReducingOnly;
  if (text == "halted") return TradingState::Halted;
  return std::nullopt;
}

std::optional<AccountType> parseAccountType(std::string_view text) noexcept {
  if (text == "cash") return AccountType::Cash;
  if (text == "margin") return AccountType::Margin;
  return std::nullopt;
}

std::string describe(const RiskVerdict& v) {
  // The snake_case name with spaces reads as words: "max_order_quantity" -> "max order quantity".
  const auto words = [](std::string_view name) {
    std::string s(name);
    for (char& ch : s) {
      if (ch == '_') ch = ' ';
    }
    return s;
  };
  const std::string rule = words(toString(v.rule));
  switch (v.rule) {
    case RiskRule::None: return "passed";
    case RiskRule::KillSwitch: return "kill switch: new orders are blocked";
    case RiskRule::TradingHalted: return "trading halted: new orders are blocked";
    case RiskRule::RestrictedInstrument: return "restricted instrument: the account may not trade it";
    case RiskRule::OrderRate:
      return fmt::format("order rate: burst of {} orders used up, refills at limit {} (orders per second)", v.value,
                         v.limit);
    case RiskRule::MaxLeverage:
      if (v.unit == RiskUnit::Money) return fmt::format("max leverage: equity {} is not positive (money)", v.value);
      break;
    default: break;
  }
  return fmt::format("{}: value {} exceeds limit {} ({})", rule, v.value, v.limit, words(toString(v.unit)));
}

}  // namespace alphintra::risk
