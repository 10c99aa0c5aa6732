// Field parsers shared by the market-data importers: decimals rounded to a scale, integers,
// UTC calendar dates and times, and CSV line splitting.
//
// Decimals: text with more decimal places than the scale is rounded half-to-even (banker's
// rounding) rather than refused, because finance downloaders write binary-float noise such as
// "187.14999389648438"; the rounding is exact (decided on the digits, never through a double).
// Times: "YYYY-MM-DD", optionally followed by 'T' or ' ' and "HH:MM[:SS[.fraction]]", then an
// optional "Z" or "±HH:MM" / "±HHMM" offset (the result is UTC). Years 1970..9999.
//
// Threading: pure functions. Known limits: no exponent notation ("1e-5"), no quoted fields
// that contain commas.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/fixed_point.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace alphintra::marketdata {

inline constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr std::int64_t kNanosPerDay = 86'400 * kNanosPerSecond;

// Each parser returns false and says why in `reason`; the caller adds file, line and field.
// `text` as a decimal scaled by 10^places (0..30), rounded half-to-even past the scale.
// Fails on an empty value, a stray character, or a result outside the int64 (int128) range.
bool parseRoundedDecimal(std::string_view text, int places, std::int64_t& out, std::string& reason);
bool parseRoundedDecimalWide(std::string_view text, int places, Int128& out, std::string& reason);
// A plain integer (optional '-'), no decimals.
bool parseInteger(std::string_view text, std::int64_t& out, std::string& reason);
// A date or date-time as described above.
bool parseUtcTime(std::string_view text, Timestamp& out, std::string& reason);
// Epoch integer whose unit follows from its digit count: ≤ 11 digits seconds, 12–14 ms,
// 15–17 µs, 18+ ns; or, when not all digits, a date-time for parseUtcTime.
bool parseEpochOrUtcTime(std::string_view text, Timestamp& out, std::string& reason);

// Days since 1970-01-01 of a proleptic Gregorian date and back.
std::int64_t daysFromCivil(int year, unsigned month, unsigned day) noexcept;
void civilFromDays(std::int64_t days, int& year, unsigned& month, unsigned& day) noexcept;
// "YYYY-MM-DD" of the UTC day holding `t`; "YYYY-MM-DDTHH:MM:SS[.fffffffff]Z" for a full time.
std::string formatUtcDay(Timestamp t);
std::string formatUtcTime(Timestamp t);
// Floor division of a time onto a grid of `span` nanoseconds (span > 0), correct for t < 0.
constexpr std::int64_t floorTo(std::int64_t t, std::int64_t span) noexcept {
  const std::int64_t q = t / span;
  return (q * span > t ? q - 1 : q) * span;
}

// Splits one CSV line on commas into `out` (fields trimmed of spaces and of one pair of
// enclosing double quotes); returns the number of fields in the line, which may exceed
// out.size() (the extra ones are not stored).
std::size_t splitCsv(std::string_view line, std::span<std::string_view> out) noexcept;
std::string_view trimField(std::string_view field) noexcept;

}  // namespace alphintra::marketdata
