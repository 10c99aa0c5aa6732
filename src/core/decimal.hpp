// Exact conversion between decimal text and scaled integers: "150.05" at 2 places ↔ 15005.
// Accepted text: optional sign, digits, optional '.' and digits; no exponent, no spaces.
// More decimal places than the scale allows is an error unless the extra digits are zeros.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace alphintra {

inline constexpr int kMaxDecimalPlaces = 12;

// Parses `text` as a decimal number with `places` decimal places (0..12). `field` names the
// input in the error, e.g. "price".
Result<std::int64_t> parseDecimal(std::string_view text, int places, std::string_view field);

// Formats a scaled integer with exactly `places` decimal places: (15005, 2) → "150.05".
std::string formatDecimal(std::int64_t raw, int places);

}  // namespace alphintra
