#include "core/decimal.hpp"

#include <fmt/format.h>

#include <limits>

#include "core/fixed_point.hpp"

namespace alphintra {

Result<std::int64_t> parseDecimal(std::string_view text, int places, std::string_view field) {
  const std::string name{field};
  if (places < 0 || places > kMaxDecimalPlaces) {
    return makeError(name, fmt::format("scale of {} decimal places is outside 0..{}", places, kMaxDecimalPlaces));
  }
  if (text.empty()) return makeError(name, "value is empty");
  std::size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  // Accumulate as unsigned magnitude; the limit keeps room for INT64_MIN's magnitude only
  // where negative, so that the result always fits.
  const UInt128 limit = negative ? static_cast<UInt128>(std::numeric_limits<std::int64_t>::max()) + 1
                                 : static_cast<UInt128>(std::numeric_limits<std::int64_t>::max());
  UInt128 magnitude = 0;
  int fractionDigits = 0;
  bool seenPoint = false;
  bool seenDigit = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (seenPoint) return makeError(name, fmt::format("'{}' is not a decimal number: more than one '.'", text));
      seenPoint = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return makeError(name, fmt::format("'{}' is not a decimal number: unexpected character '{}'", text, c));
    }
    seenDigit = true;
    if (seenPoint) {
      if (fractionDigits == places) {
        if (c != '0') {
          return makeError(name, fmt::format("{} has more than {} decimal places", text, places));
        }
        continue;  // trailing zero beyond the scale: exact, ignore
      }
      ++fractionDigits;
    }
    magnitude = magnitude * 10 + static_cast<unsigned>(c - '0');
    if (magnitude > limit) return makeError(name, fmt::format("{} is out of range", text));
  }
  if (!seenDigit) return makeError(name, fmt::format("'{}' is not a decimal number: no digits", text));
  for (; fractionDigits < places; ++fractionDigits) {
    magnitude *= 10;
    if (magnitude > limit) return makeError(name, fmt::format("{} is out of range", text));
  }
  if (negative) {
    return static_cast<std::int64_t>(-static_cast<Int128>(magnitude));
  }
  return static_cast<std::int64_t>(magnitude);
}

std::string formatDecimal(std::int64_t raw, int places) {
  const bool negative = raw < 0;
  // Work on the unsigned magnitude so INT64_MIN formats correctly.
  std::uint64_t magnitude = negative ? (~static_cast<std::uint64_t>(raw) + 1) : static_cast<std::uint64_t>(raw);
  std::string digits = fmt::format("{}", magnitude);
  if (places > 0) {
    if (digits.size() <= static_cast<std::size_t>(places)) {
      digits.insert(0, static_cast<std::size_t>(places) - digits.size() + 1, '0');
    }
    digits.insert(digits.size() - static_cast<std::size_t>(places), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

}  // namespace alphintra
