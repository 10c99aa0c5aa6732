#include "oms/money_math.hpp"

#include <array>

namespace alphintra::oms {
namespace {

constexpr std::array<Int128, 39> makePow10() {
  std::array<Int128, 39> t{};
  t[0] = 1;
  for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
  return t;
}
constexpr std::array<Int128, 39> kPow10 = makePow10();

constexpr Int128 kInt128Max = static_cast<Int128>(~static_cast<UInt128>(0) >> 1);

constexpr UInt128 magnitude(Int128 v) noexcept {
  // Unsigned negation so that INT128_MIN maps to 2^127 without overflow.
  return v < 0 ? static_cast<UInt128>(0) - static_cast<UInt128>(v) : static_cast<UInt128>(v);
}

// Quotient magnitude and sign → signed result, saturated at ±(2^127 − 1).
constexpr Int128 signedSaturated(UInt128 q, bool negative) noexcept {
  if (q > static_cast<UInt128>(kInt128Max)) return negative ? -kInt128Max : kInt128Max;
  return negative ? -static_cast<Int128>(q) : static_cast<Int128>(q);
}

// Rounds the quotient q (remainder r of divisor d, all magnitudes) half away from zero.
// r >= d - r avoids computing 2r, which could overflow for d near 2^128.
constexpr UInt128 roundUp(UInt128 q, UInt128 r, UInt128 d) noexcept { return r >= d - r ? q + 1 : q; }

// v / D rounded half away from zero, D a power of ten known at compile time: the compiler
// turns the division into a multiplication, which matters on the per-fill path.
template <std::int64_t D>
constexpr std::int64_t divRoundBy(std::int64_t v) noexcept {
  const std::int64_t q = v / D;
  const std::int64_t r = v % D;
  if (r >= 0 ? r >= D - r : -r >= D + r) return q + (v < 0 ? -1 : 1);
  return q;
}

// v / 10^n for n in 1..18, each case a constant divisor.
constexpr std::int64_t divRoundByPow10(std::int64_t v, int n) noexcept {
  switch (n) {
    case 1: return divRoundBy<10>(v);
    case 2: return divRoundBy<100>(v);
    case 3: return divRoundBy<1'000>(v);
    case 4: return divRoundBy<10'000>(v);
    case 5: return divRoundBy<100'000>(v);
    case 6: return divRoundBy<1'000'000>(v);
    case 7: return divRoundBy<10'000'000>(v);
    case 8: return divRoundBy<100'000'000>(v);
    case 9: return divRoundBy<1'000'000'000>(v);
    case 10: return divRoundBy<10'000'000'000>(v);
    case 11: return divRoundBy<100'000'000'000>(v);
    case 12: return divRoundBy<1'000'000'000'000>(v);
    case 13: return divRoundBy<10'000'000'000'000>(v);
    case 14: return divRoundBy<100'000'000'000'000>(v);
    case 15: return divRoundBy<1'000'000'000'000'000>(v);
    case 16: return divRoundBy<10'000'000'000'000'000>(v);
    case 17: return divRoundBy<100'000'000'000'000'000>(v);
    default: return divRoundBy<1'000'000'000'000'000'000>(v);  // 18
  }
}

// Fast path of a × b / c when the operands and the product fit int64: one native division.
bool mulDivRound64(Int128 a, Int128 b, Int128 c, Int128& out) noexcept {
  if (a < kMoneyMin || a > kMoneyMax || b < kMoneyMin || b > kMoneyMax || c < kMoneyMin || c > kMoneyMax) return false;
  std::int64_t p = 0;
  if (__builtin_mul_overflow(static_cast<std::int64_t>(a), static_cast<std::int64_t>(b), &p)) return false;
  if (p == INT64_MIN) return false;
  const auto d = static_cast<std::int64_t>(c);
  std::int64_t q = p / d;
  const std::int64_t r = p % d;
  const std::int64_t ar = r < 0 ? -r : r;
  const std::int64_t ad = d < 0 ? -d : d;
  if (ar >= ad - ar) q += ((p < 0) != (d < 0)) ? -1 : 1;
  out = q;
  return true;
}

}  // namespace

Int128 pow10(int n) noexcept { return kPow10[static_cast<std::size_t>(n)]; }

Int128 divRound(Int128 value, Int128 divisor) noexcept {
  if (divisor == 0) return 0;
  const bool negative = (value < 0) != (divisor < 0);
  const UInt128 v = magnitude(value);
  const UInt128 d = magnitude(divisor);
  UInt128 q = v / d;
  const UInt128 r = v % d;
  if (q == ~static_cast<UInt128>(0)) return signedSaturated(q, negative);
  q = roundUp(q, r, d);
  return signedSaturated(q, negative);
}

Int128 mulDivRound(Int128 a, Int128 b, Int128 c) noexcept {
  if (c == 0 || a == 0 || b == 0) return 0;
  if (Int128 fast = 0; mulDivRound64(a, b, c, fast)) return fast;
  const bool negative = ((a < 0) != (b < 0)) != (c < 0);
  const UInt128 ua = magnitude(a);
  const UInt128 ub = magnitude(b);
  const UInt128 uc = magnitude(c);

  // 128 × 128 → 256-bit product (hi:lo) from 64-bit limbs.
  const UInt128 mask64 = ~static_cast<std::uint64_t>(0);
  const UInt128 a0 = ua & mask64, a1 = ua >> 64;
  const UInt128 b0 = ub & mask64, b1 = ub >> 64;
  const UInt128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const UInt128 mid = (p00 >> 64) + (p01 & mask64) + (p10 & mask64);
  const UInt128 lo = (mid << 64) | (p00 & mask64);
  const UInt128 hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);

  UInt128 q = 0;
  UInt128 r = 0;
  if (hi == 0) {
    q = lo / uc;
    r = lo % uc;
  } else {
    // The quotient needs more than 128 bits: saturate.
    if (hi >= uc) return negative ? -kInt128Max : kInt128Max;
    // Long division of hi:lo by uc, one bit at a time. hi < uc, so the quotient fits 128 bits
    // and the running remainder stays below uc <= 2^127 (its shift cannot lose a bit). Only
    // reached when a × b exceeds 2^128, which realistic amounts and rates never do.
    r = hi;
    for (int i = 127; i >= 0; --i) {
      r = (r << 1) | ((lo >> i) & 1);
      q <<= 1;
      if (r >= uc) {
        r -= uc;
        q |= 1;
      }
    }
  }
  if (q == ~static_cast<UInt128>(0)) return signedSaturated(q, negative);
  return signedSaturated(roundUp(q, r, uc), negative);
}

std::int64_t rescale(Int128 value, int fromDecimals, int toDecimals) noexcept {
  if (value == 0) return 0;
  if (toDecimals >= fromDecimals) {
    const int up = toDecimals - fromDecimals;
    if (up == 0) return saturate64(value);
    if (up > 18) return value < 0 ? kMoneyMin : kMoneyMax;  // |value| >= 1 and 10^19 > INT64_MAX
    // 64-bit bounds: a 128-bit division here would cost a libgcc call on every fill.
    const auto m = static_cast<std::int64_t>(kPow10[static_cast<std::size_t>(up)]);
    if (value > kMoneyMax / m) return kMoneyMax;
    if (value < kMoneyMin / m) return kMoneyMin;
    return static_cast<std::int64_t>(value) * m;
  }
  const int down = fromDecimals - toDecimals;
  if (down > 38) return 0;  // |value| < 1.7e38 < 0.5e39
  const Int128 d = kPow10[static_cast<std::size_t>(down)];
  // Fast path: both fit int64, so the division is a native 64-bit one (the common case for a
  // fill's notional); the slow path divides in 128 bits.
  if (down <= 18 && value >= kMoneyMin && value <= kMoneyMax) {
    // |quotient| <= |value| / 10 + 1: cannot saturate.
    return divRoundByPow10(static_cast<std::int64_t>(value), down);
  }
  return saturate64(divRound(value, d));
}

MoneyScale MoneyScale::of(const Instrument& instrument) noexcept {
  const ContractMultiplier m = instrument.multiplier();
  return MoneyScale{instrument.pricePrecision() + instrument.quantityPrecision() + m.decimals,
                    instrument.currency().minorUnits(), m.mantissa};
}

Money MoneyScale::toMoneyMultiplied(Int128 rawNotional) const noexcept {
  // Decimals to drop (at most 12 + 12 + 9 = 33, within pow10's 38) or, negative, to add (at
  // most a currency's minor units): one mulDivRound, so there is a single rounding.
  const int shift = notionalDecimals - minorUnits;
  const Int128 value = shift >= 0 ? mulDivRound(rawNotional, multiplier, pow10(shift))
                                  : mulDivRound(rawNotional, multiplier * pow10(-shift), 1);
  return Money::fromRaw(saturate64(value));
}

Money notional(Price price, Quantity quantity, const Instrument& instrument) noexcept {
  return notional(price, quantity, MoneyScale::of(instrument));
}

Money notionalRescaled(Price price, Quantity quantity, MoneyScale scale) noexcept {
  return scale.toMoney(rawNotional(price, quantity));
}

Money applyRatePpmWide(Money amount, std::int64_t ratePpm) noexcept {
  return Money::fromRaw(rescale(static_cast<Int128>(amount.raw()) * ratePpm, 6, 0));
}

}  // namespace alphintra::oms
