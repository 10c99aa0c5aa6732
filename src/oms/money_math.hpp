// money_math: the integer arithmetic behind every amount the ledger books — notional of a fill,
// rate-based fees, FX conversion, average prices — with one rounding rule and one overflow rule.
//
// Rounding: half away from zero everywhere (2.5 → 3, −2.5 → −3), so a buy and a sell of the same
// size round to mirror-image amounts and cash flows stay symmetric.
// Overflow: results saturate to ±(2^63 − 1). INT64_MIN is never produced, because it is the
// "undefined" sentinel of Price / Quantity / Money; a saturated amount is a bug signal, not a
// wrap-around. Intermediate products are 128-bit (mulDivRound: 256-bit), so saturation only
// happens when the true result does not fit.
//
// Pure functions, no state: callable from any thread. No allocation, no exceptions.
// Notional is price × quantity × the instrument's contract multiplier (MoneyScale carries it).
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "core/fixed_point.hpp"
#include "core/instrument.hpp"

namespace alphintra::oms {

inline constexpr std::int64_t kPpm = 1'000'000;  // rates in millionths: 10 bp = 1000 ppm
inline constexpr std::int64_t kMoneyMax = INT64_MAX;
inline constexpr std::int64_t kMoneyMin = -INT64_MAX;  // INT64_MIN is the undefined sentinel

// 10^n as a 128-bit integer, n in 0..38 (the largest power of ten an Int128 holds).
Int128 pow10(int n) noexcept;

// a + b and a − b clamped to [kMoneyMin, kMoneyMax]: one overflow test on the usual path.
inline std::int64_t saturatingAdd(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? kMoneyMax : kMoneyMin;
  return r == INT64_MIN ? kMoneyMin : r;
}
inline std::int64_t saturatingSub(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? kMoneyMax : kMoneyMin;
  return r == INT64_MIN ? kMoneyMin : r;
}

// Clamps to [kMoneyMin, kMoneyMax].
inline std::int64_t saturate64(Int128 value) noexcept {
  if (value > kMoneyMax) return kMoneyMax;
  if (value < kMoneyMin) return kMoneyMin;
  return static_cast<std::int64_t>(value);
}

// value / divisor rounded half away from zero; divisor must be non-zero. Exact (no overflow:
// the quotient of two Int128 fits, except INT128_MIN / −1 which saturates).
Int128 divRound(Int128 value, Int128 divisor) noexcept;

// a × b / c rounded half away from zero, computed with a 256-bit intermediate so that the
// product never overflows; saturates to ±(2^127 − 1) when the quotient does not fit 128 bits.
// c must be non-zero (c == 0 returns 0). Fast path (product < 2^127): one 128-bit division.
Int128 mulDivRound(Int128 a, Int128 b, Int128 c) noexcept;

// A value carrying `fromDecimals` decimal places re-expressed with `toDecimals` places:
// rescale(12345, 3, 2) = 1235 (12.345 → 12.35), rescale(-12345, 3, 2) = −1235,
// rescale(12, 0, 2) = 1200. Rounded half away from zero, saturated to ±(2^63 − 1).
// Decimals may be any ints; a difference beyond 38 places rounds to 0 (scaling down) or
// saturates (scaling up a non-zero value).
std::int64_t rescale(Int128 value, int fromDecimals, int toDecimals) noexcept;

// How an instrument's raw price × raw quantity maps to money in its currency. Computed once
// per instrument and cached by the ledger: Currency::minorUnits() is a table scan, too slow
// to repeat on every fill.
struct MoneyScale {
  int notionalDecimals = 0;     // pricePrecision + quantityPrecision + the multiplier's decimals
  int minorUnits = 2;           // of the instrument's currency
  std::int64_t multiplier = 1;  // the contract multiplier's mantissa (ContractMultiplier)

  static MoneyScale of(const Instrument& instrument) noexcept;
  // Raw notional (price raw × quantity raw, signed) as Money in the instrument currency.
  Money toMoney(Int128 rawNotional) const noexcept {
    if (multiplier != 1) return toMoneyMultiplied(rawNotional);
    if (notionalDecimals == minorUnits) {  // no rescaling: saturate inline (rescale's answer)
      if (rawNotional > kMoneyMax) return Money::fromRaw(kMoneyMax);
      if (rawNotional < kMoneyMin) return Money::fromRaw(kMoneyMin);
      return Money::fromRaw(static_cast<std::int64_t>(rawNotional));
    }
    return Money::fromRaw(rescale(rawNotional, notionalDecimals, minorUnits));
  }
  // The same for a contract multiplier other than 1: × mantissa and the rescale in one rounding.
  Money toMoneyMultiplied(Int128 rawNotional) const noexcept;
};

// Currency equality as one 64-bit compare. Currency's defaulted == compares its character
// array through memcmp, which showed up at ~9% of a fill in profiles; a Currency is 8 bytes
// with no padding and zero-filled past its code, so equal codes are equal bit patterns.
inline bool sameCurrency(Currency a, Currency b) noexcept {
  static_assert(sizeof(Currency) == sizeof(std::uint64_t) && std::is_trivially_copyable_v<Currency>);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// price × quantity in the instrument currency's minor units, rounded half away from zero.
// E.g. 123.45 × 3 at precisions (2, 0) in USD = 370.35 → 37035; 0.5 × 0.003 BTC-priced
// precisions (1, 3) → 0.0015 BTC → 150000 sat. A negative quantity gives a negative notional.
// Both values must be defined.
Money notional(Price price, Quantity quantity, const Instrument& instrument) noexcept;
Money notionalRescaled(Price price, Quantity quantity, MoneyScale scale) noexcept;
// Inline for the common case (the product fits 64 bits and already has the currency's
// decimals, e.g. a cent-priced share count in USD): pre-trade risk computes several per order.
inline Money notional(Price price, Quantity quantity, MoneyScale scale) noexcept {
  std::int64_t product = 0;
  if (scale.multiplier == 1 && scale.notionalDecimals == scale.minorUnits &&
      !__builtin_mul_overflow(price.raw(), quantity.raw(), &product) && product != INT64_MIN) {
    return Money::fromRaw(product);
  }
  return notionalRescaled(price, quantity, scale);
}

// amount × ratePpm / 1e6, rounded half away from zero: a fee of 10 bp (1000 ppm) on 100.05 USD
// (10005) is 0.10005 → 10 (0.10). Negative rates (rebates) give negative amounts.
Money applyRatePpmWide(Money amount, std::int64_t ratePpm) noexcept;  // the 128-bit path
// Inline for the common case: the product fits 64 bits (every realistic amount and rate), so
// the rounding division is by a constant (a multiply); fees and margins need several per order.
inline Money applyRatePpm(Money amount, std::int64_t ratePpm) noexcept {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(amount.raw(), ratePpm, &product) || product == INT64_MIN) {
    return applyRatePpmWide(amount, ratePpm);
  }
  const std::int64_t q = product / kPpm;
  const std::int64_t r = product % kPpm;
  if (r >= 0 ? r >= kPpm - r : -r >= kPpm + r) return Money::fromRaw(q + (product < 0 ? -1 : 1));
  return Money::fromRaw(q);
}

}  // namespace alphintra::oms
