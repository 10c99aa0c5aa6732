// Pre-trade risk rules: pure functions that decide whether one new order (or one replace) may
// reach the book, from facts the engine computes. The engine owns the state (positions, open
// orders, funds, limits, the kill switch and the rate buckets); this module owns the rules.
//
// Rule order (checkNewOrder; the first rule that breaks is the verdict, later ones are not run):
//    1 KillSwitch            7 PriceCollarPercent   13 MaxNetExposure
//    2 TradingHalted         8 PriceCollarTicks     14 BuyingPower (cash) / Margin (margin)
//    3 ReducingOnly          9 MaxOpenOrders        15 MaxLeverage (margin accounts)
//    4 RestrictedInstrument 10 MaxLong/ShortPosition 16 OrderRate (token taken last)
//    5 MaxOrderQuantity     11 NakedShort (cash)
//    6 MaxOrderNotional     12 MaxGrossExposure
// Operator stops first (they say "nothing new at all"), then what is wrong with the order
// itself, then what it would do to the account. The exact tests, units and reported values are
// in docs/risk.md; each rule's comment in rules.cpp says the same.
//
// The order-rate token is taken last, and only when every other rule passed: the limit meters
// orders that reach the market (what it protects the venue and the account from); a rejected
// order reaches nothing. It also keeps every rejection free of side effects — the bucket is
// the only state a check touches — so a rejected command leaves the engine state unchanged.
// Floods of rejected orders are the gateway's message throttle's business, not a risk rule's.
//
// Replaces and cancels: a cancel is never checked. A replace that does not add open quantity
// and changes no price (a pure reduction) always passes, even under a kill switch, a halt or
// reducing-only, because it only takes risk off; it takes no rate token either. Any other
// replace is checked like a new order for what it adds (checkReplace).
//
// Arithmetic: int64 fixed-point in, Int128 for every sum or product that could overflow; a
// reported value that does not fit int64 is saturated. No doubles, no exceptions, and no
// allocation in checkNewOrder / checkReplace (tests count allocations).
// Fail closed: an unknown TradingState or AccountType value, or a negative limit that bypassed
// checkLimits(), makes the rules stricter, never looser.
//
// Threading: pure functions, apart from the TokenBucket they are handed; called on the engine
// thread, which owns every bucket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/fixed_point.hpp"
#include "core/side.hpp"
#include "core/time.hpp"
#include "risk/limits.hpp"
#include "risk/token_bucket.hpp"

namespace alphintra::risk {

// Values fixed: they reach the journal and the wire.
enum class RiskRule : std::uint8_t {
  None = 0,
  MaxOrderQuantity = 1,
  MaxOrderNotional = 2,
  MaxLongPosition = 3,
  MaxShortPosition = 4,
  MaxGrossExposure = 5,
  MaxNetExposure = 6,
  BuyingPower = 7,
  Margin = 8,
  PriceCollarPercent = 9,
  PriceCollarTicks = 10,
  MaxOpenOrders = 11,
  OrderRate = 12,
  RestrictedInstrument = 13,
  NakedShort = 14,
  TradingHalted = 15,
  ReducingOnly = 16,
  KillSwitch = 17,
  MaxLeverage = 18,
};

// What the limit and value of a verdict are measured in, so an edge can format them.
enum class RiskUnit : std::uint8_t {
  None = 0,
  Quantity = 1,  // raw, instrument quantity precision
  Money = 2,     // raw, account base currency minor units
  Price = 3,     // raw, instrument price precision
  Count = 4,
  BasisPoints = 5,
  Ticks = 6,
  OrdersPerSecond = 7,
  Ratio = 8,  // leverage in hundredths: 250 = 2.50x
};

// Administrative trading state of the whole system (global) or of one account. Ordered from
// least to most restrictive; values fixed (journal, wire).
enum class TradingState : std::uint8_t { Active = 0, ReducingOnly = 1, Halted = 2 };

struct RiskVerdict {  // rule None = passed
  RiskRule rule = RiskRule::None;
  RiskUnit unit = RiskUnit::None;
  std::int64_t limit = 0;  // the limit ...
  std::int64_t value = 0;  // ... and the value that broke it (see docs/risk.md per rule)

  bool passed() const noexcept { return rule == RiskRule::None; }
  bool operator==(const RiskVerdict&) const noexcept = default;
};

// Values fixed: they reach the journal and the wire.
enum class AccountType : std::uint8_t { Cash = 1, Margin = 2 };

// Everything the rules need about one new order (or the new shape of a replaced order),
// computed by the engine.
struct OrderFacts {
  Side side = Side::Buy;
  bool hasLimitPrice = false;                 // false for market and stop (no limit) orders
  Price price = Price::undefined();           // limit price, when hasLimitPrice
  Quantity quantity;                          // open quantity being added (replace: the increase, may be <= 0)
  Price referencePrice = Price::undefined();  // last/mark; undefined: collars are skipped
  Price tickSize;                             // instrument tick (> 0)
  std::int64_t notional = 0;  // Money raw, base ccy, of `quantity` at the limit (or reference) price; >= 0
  bool restricted = false;    // instrument on the account's or the global restricted list
};

// The account's and instrument's state before this order, computed by the engine.
struct ExposureFacts {
  AccountType accountType = AccountType::Cash;
  Quantity position;                // signed, raw, this instrument
  Quantity openBuy;                 // open quantity of the account's live buy orders on this instrument
  Quantity openSell;                // same, sell side
  std::int64_t grossExposure = 0;   // Money raw base: sum over instruments of |position + worst-case open| value
  std::int64_t netExposure = 0;     // Money raw base, signed
  std::int64_t availableFunds = 0;  // cash: free cash (cash minus reserved for open buys);
                                    // margin: equity minus initial margin in use
  std::int64_t requiredFunds = 0;   // what this order consumes: cash, buy notional + fees;
                                    // margin, initial margin of the order
  std::int64_t equity = 0;          // Money raw base (margin accounts, for leverage)
  std::uint32_t openOrders = 0;     // live orders of the account, all instruments
};

// A replace (cancel/replace) of a live order. ExposureFacts are taken before the replace, so
// the order being replaced is still counted in openBuy/openSell, grossExposure, openOrders and
// the funds it reserves.
struct ReplaceFacts {
  // side, new limit price, referencePrice, tickSize and restricted as for a new order;
  // quantity = new open quantity - old open quantity (<= 0 when the replace adds none);
  // notional = Money raw the replace adds (new open notional - old, or 0 when not more).
  // ExposureFacts::requiredFunds is likewise only the additional funds the replace consumes.
  OrderFacts change;
  Quantity orderQuantity;          // the order's total quantity after the replace (FIX OrderQty)
  std::int64_t orderNotional = 0;  // Money raw of orderQuantity at the new price
  bool priceChanged = false;       // the limit or stop price changes
};

// Most restrictive wins: Halted over ReducingOnly over Active. An unknown value counts as Halted.
constexpr TradingState effectiveState(TradingState global, TradingState account) noexcept {
  const auto rank = [](TradingState s) {
    return s == TradingState::Active ? 0 : (s == TradingState::ReducingOnly ? 1 : 2);
  };
  const int r = rank(global) > rank(account) ? rank(global) : rank(account);
  return r == 0 ? TradingState::Active : (r == 1 ? TradingState::ReducingOnly : TradingState::Halted);
}

// True when an order of `qty` on `side` is reducing: even if it AND every open order on the same
// side (`openSameSide`) filled completely, the position would
//   * not flip past zero (ending exactly flat is allowed), and
//   * not grow in absolute size.
// So a sell reduces only when position > 0 and position - openSameSide - qty >= 0; a buy only
// when position < 0 and position + openSameSide + qty <= 0. A flat position has nothing to
// reduce (false). Negative qty / openSameSide are read as 0 (never loosening the test);
// Side::None is never reducing. Computed in 128 bits: no overflow for any int64 inputs.
bool reducesPosition(Side side, Quantity qty, Quantity position, Quantity openSameSide) noexcept;

// A replace that adds no open quantity and changes no price: always allowed (see above).
constexpr bool isReduction(const ReplaceFacts& r) noexcept { return r.change.quantity.raw() <= 0 && !r.priceChanged; }

// Runs the rules in the order above on a new order. `effectiveState` is
// effectiveState(global, account); `killSwitchBlocks` is KillSwitch::blocks(account, instrument).
// `bucket` is the account's rate bucket: it is configured from `account` limits
// (orderRatePerSecond, orderBurst; idempotent) and one token is taken at `now`, only when every
// other rule passed.
[[nodiscard]] RiskVerdict checkNewOrder(const OrderFacts& order, const ExposureFacts& exposure,
                                        const AccountLimits& account, const InstrumentLimits& instrument,
                                        TradingState effectiveState, bool killSwitchBlocks, TokenBucket& bucket,
                                        Timestamp now) noexcept;

// A replace: passes at once when isReduction(); otherwise the same rules as checkNewOrder, with
// MaxOrderQuantity / MaxOrderNotional on the order after the replace (orderQuantity,
// orderNotional), every position, exposure and funds rule on what it adds (change.quantity and
// change.notional, read as 0 when negative), MaxOpenOrders skipped (no order is added), and a
// rate token taken last.
[[nodiscard]] RiskVerdict checkReplace(const ReplaceFacts& replace, const ExposureFacts& exposure,
                                       const AccountLimits& account, const InstrumentLimits& instrument,
                                       TradingState effectiveState, bool killSwitchBlocks, TokenBucket& bucket,
                                       Timestamp now) noexcept;

// Stable snake_case names for text protocols and logs, e.g. "max_order_quantity",
// "basis_points", "reducing_only"; "unknown" for a value outside the enum.
std::string_view toString(RiskRule rule) noexcept;
std::string_view toString(RiskUnit unit) noexcept;
std::string_view toString(TradingState state) noexcept;
std::string_view toString(AccountType type) noexcept;                           // "cash", "margin"
std::optional<TradingState> parseTradingState(std::string_view text) noexcept;  // "active", "reducing_only", "halted"
std::optional<AccountType> parseAccountType(std::string_view text) noexcept;

// One sentence with raw numbers, for reject texts and logs (allocates: edges only), e.g.
// "max order quantity: value 1500 exceeds limit 1000 (quantity)". "passed" for a pass.
std::string describe(const RiskVerdict& verdict);

}  // namespace alphintra::risk
