// Currency: an ISO 4217 code or a crypto asset code (3 to 5 upper-case letters or digits),
// stored inline in 8 bytes so it is trivially copyable, with its minor units (decimal places
// of Money in that currency: USD 2, JPY 0, BTC 8).
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <string_view>

#include "core/result.hpp"

namespace alphintra {

class Currency {
 public:
  constexpr Currency() noexcept = default;

  // Validates the code: 3..5 characters, each A-Z or 0-9.
  static Result<Currency> parse(std::string_view code);

  std::string_view code() const noexcept { return {code_.data(), length_}; }
  // Decimal places of money in this currency (ISO 4217 minor units; 8 for crypto assets).
  int minorUnits() const noexcept;
  bool isNone() const noexcept { return length_ == 0; }
  // What parse() or the default constructor makes: none (all zero), or 3..5 of A-Z / 0-9 with
  // the rest zero. A Currency copied from bytes (a command read from a journal, a snapshot) is
  // checked with it before code() trusts its length.
  bool wellFormed() const noexcept;
  auto operator<=>(const Currency&) const noexcept = default;
  // One 64-bit compare (the code is zero-filled past its length, so equal codes are equal
  // bytes); the defaulted one compared the array through memcmp, on every money conversion.
  bool operator==(const Currency& o) const noexcept {
    return std::bit_cast<std::uint64_t>(*this) == std::bit_cast<std::uint64_t>(o);
  }

 private:
  std::array<char, 7> code_{};
  std::uint8_t length_ = 0;
};
static_assert(sizeof(Currency) == 8);

}  // namespace alphintra
