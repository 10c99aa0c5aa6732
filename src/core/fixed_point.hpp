// Price, Quantity and Money: int64 fixed-point values in distinct strong types.
//
// The integer is a count of the smallest representable unit; how many decimal places it
// carries is a property of the instrument (prices, quantities) or of the currency (money),
// never of the value. No floating-point number is ever multiplied into one of these: text is
// converted exactly by core/decimal.hpp, and doubles exist only in analytics.
// `undefined()` is a named sentinel (INT64_MIN) for "no price", e.g. a market order's limit.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace alphintra {

template <typename Tag>
class FixedPoint {
 public:
  constexpr FixedPoint() noexcept = default;

  // The raw integer in units of 10^-precision. Named loudly: the caller vouches for the scale.
  static constexpr FixedPoint fromRaw(std::int64_t raw) noexcept { return FixedPoint{raw}; }
  static constexpr FixedPoint undefined() noexcept { return FixedPoint{std::numeric_limits<std::int64_t>::min()}; }
  static constexpr FixedPoint zero() noexcept { return FixedPoint{0}; }

  constexpr std::int64_t raw() const noexcept { return raw_; }
  constexpr bool isDefined() const noexcept { return raw_ != std::numeric_limits<std::int64_t>::min(); }
  constexpr bool isPositive() const noexcept { return raw_ > 0; }
  constexpr bool isZero() const noexcept { return raw_ == 0; }

  constexpr auto operator<=>(const FixedPoint&) const noexcept = default;
  constexpr FixedPoint operator+(FixedPoint o) const noexcept { return FixedPoint{raw_ + o.raw_}; }
  constexpr FixedPoint operator-(FixedPoint o) const noexcept { return FixedPoint{raw_ - o.raw_}; }
  constexpr FixedPoint operator-() const noexcept { return FixedPoint{-raw_}; }
  constexpr FixedPoint& operator+=(FixedPoint o) noexcept {
    raw_ += o.raw_;
    return *this;
  }
  constexpr FixedPoint& operator-=(FixedPoint o) noexcept {
    raw_ -= o.raw_;
    return *this;
  }
  // True when this value is a whole multiple of `step` (tick or lot); step must be positive.
  constexpr bool isMultipleOf(FixedPoint step) const noexcept { return raw_ % step.raw_ == 0; }

 private:
  constexpr explicit FixedPoint(std::int64_t raw) noexcept : raw_(raw) {}
  std::int64_t raw_ = 0;
};

using Price = FixedPoint<struct PriceTag>;
using Quantity = FixedPoint<struct QuantityTag>;
using Money = FixedPoint<struct MoneyTag>;

// 128-bit integers for widened intermediate products (a GCC/Clang extension, hence the marker).
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

constexpr Quantity minQuantity(Quantity a, Quantity b) noexcept { return a < b ? a : b; }

// price × quantity in raw units (price scale × quantity scale), widened so it cannot overflow.
constexpr Int128 rawNotional(Price p, Quantity q) noexcept {
  return static_cast<Int128>(p.raw()) * static_cast<Int128>(q.raw());
}

}  // namespace alphintra
