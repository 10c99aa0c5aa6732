#include "marketdata/text_fields.hpp"

#include <fmt/format.h>

#include <limits>

namespace alphintra::marketdata {
namespace {

bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

// Parses into an unsigned 128-bit magnitude with half-even rounding at `places`.
bool parseMagnitude(std::string_view text, int places, UInt128 limit, bool& negative, UInt128& magnitude,
                    std::string& reason) {
  if (places < 0 || places > 30) {
    reason = fmt::format("scale of {} decimal places is outside 0..30", places);
    return false;
  }
  if (text.empty()) {
    reason = "value is empty";
    return false;
  }
  std::size_t i = 0;
  negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  magnitude = 0;
  int fraction = 0;
  bool point = false;
  bool digits = false;
  int firstDropped = -1;  // first digit past the scale
  bool stickyDropped = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (point) {
        reason = fmt::format("'{}' is not a decimal number: more than one '.'", text);
        return false;
      }
      point = true;
      continue;
    }
    if (!isDigit(c)) {
      reason = fmt::format("'{}' is not a decimal number: unexpected character '{}'", text, c);
      return false;
    }
    digits = true;
    if (point && fraction == places) {
      if (firstDropped < 0) {
        firstDropped = c - '0';
      } else if (c != '0') {
        stickyDropped = true;
      }
      continue;
    }
    if (point) ++fraction;
    magnitude = magnitude * 10 + static_cast<unsigned>(c - '0');
    if (magnitude > limit) {
      reason = fmt::format("{} is out of range", text);
      return false;
    }
  }
  if (!digits) {
    reason = fmt::format("'{}' is not a decimal number: no digits", text);
    return false;
  }
  for (; fraction < places; ++fraction) {
    magnitude *= 10;
    if (magnitude > limit) {
      reason = fmt::format("{} is out of range", text);
      return false;
    }
  }
  if (firstDropped > 5 || (firstDropped == 5 && (stickyDropped || (magnitude & 1) != 0))) {
    magnitude += 1;  // half-to-even on the magnitude is symmetric, so the sign does not matter
    if (magnitude > limit) {
      reason = fmt::format("{} is out of range", text);
      return false;
    }
  }
  return true;
}

bool fixedDigits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) noexcept {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (!isDigit(s[pos + k])) return false;
    out = out * 10 + static_cast<unsigned>(s[pos + k] - '0');
  }
  return true;
}

unsigned daysInMonth(int year, unsigned month) noexcept {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

bool parseRoundedDecimal(std::string_view text, int places, std::int64_t& out, std::string& reason) {
  bool negative = false;
  UInt128 magnitude = 0;
  const UInt128 limit = static_cast<UInt128>(std::numeric_limits<std::int64_t>::max());
  if (!parseMagnitude(text, places, limit, negative, magnitude, reason)) return false;
  out = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
  return true;
}

bool parseRoundedDecimalWide(std::string_view text, int places, Int128& out, std::string& reason) {
  bool negative = false;
  UInt128 magnitude = 0;
  const UInt128 limit = (static_cast<UInt128>(1) << 126);
  if (!parseMagnitude(text, places, limit, negative, magnitude, reason)) return false;
  out = negative ? -static_cast<Int128>(magnitude) : static_cast<Int128>(magnitude);
  return true;
}

bool parseInteger(std::string_view text, std::int64_t& out, std::string& reason) {
  if (text.empty()) {
    reason = "value is empty";
    return false;
  }
  for (std::size_t i = (text[0] == '-' ? 1 : 0); i < text.size(); ++i) {
    if (!isDigit(text[i])) {
      reason = fmt::format("'{}' is not an integer", text);
      return false;
    }
  }
  return parseRoundedDecimal(text, 0, out, reason);
}

std::int64_t daysFromCivil(int year, unsigned month, unsigned day) noexcept {
  // Count from 0000-03-01 so that the leap day is the last day of the counted year.
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yearOfEra = static_cast<unsigned>(y - era * 400);
  const unsigned dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return static_cast<std::int64_t>(era) * 146'097 + static_cast<std::int64_t>(dayOfEra) - 719'468;
}

void civilFromDays(std::int64_t days, int& year, unsigned& month, unsigned& day) noexcept {
  const std::int64_t z = days + 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const auto dayOfEra = static_cast<unsigned>(z - era * 146'097);
  const unsigned yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36'524 - dayOfEra / 146'096) / 365;
  const unsigned dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  const unsigned mp = (5 * dayOfYear + 2) / 153;
  day = dayOfYear - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(static_cast<std::int64_t>(yearOfEra) + era * 400 + (month <= 2 ? 1 : 0));
}

bool parseUtcTime(std::string_view s, Timestamp& out, std::string& reason) {
  unsigned year = 0, month = 0, day = 0;
  if (!fixedDigits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !fixedDigits(s, 5, 2, month) || s[7] != '-' ||
      !fixedDigits(s, 8, 2, day)) {
    reason = fmt::format("'{}' is not a date (YYYY-MM-DD)", s);
    return false;
  }
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(static_cast<int>(year), month)) {
    reason = fmt::format("'{}' is not a valid calendar date from 1970 on", s);
    return false;
  }
  if (year > 2261) {  // times are nanoseconds since 1970 in 64 bits: they end in April 2262
    reason = fmt::format("'{}' is past 2261, the last year a timestamp holds", s);
    return false;
  }
  std::int64_t nanos = daysFromCivil(static_cast<int>(year), month, day) * kNanosPerDay;
  std::size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    unsigned hh = 0, mm = 0, ss = 0;
    if (!fixedDigits(s, pos + 1, 2, hh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !fixedDigits(s, pos + 4, 2, mm) || hh > 23 || mm > 59) {
      reason = fmt::format("'{}' has no valid time of day (HH:MM[:SS])", s);
      return false;
    }
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!fixedDigits(s, pos + 1, 2, ss) || ss > 59) {
        reason = fmt::format("'{}' has invalid seconds", s);
        return false;
      }
      pos += 3;
    }
    nanos += (static_cast<std::int64_t>(hh) * 3600 + mm * 60 + ss) * kNanosPerSecond;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::int64_t fraction = 0;
      int n = 0;
      while (pos < s.size() && isDigit(s[pos])) {
        if (n < 9) {
          fraction = fraction * 10 + (s[pos] - '0');
          ++n;
        }
        ++pos;
      }
      if (n == 0) {
        reason = fmt::format("'{}' has an empty fraction of a second", s);
        return false;
      }
      for (; n < 9; ++n) fraction *= 10;
      nanos += fraction;
    }
  }
  if (pos < s.size()) {
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      pos = s.size();
    } else if (s[pos] == '+' || s[pos] == '-') {
      unsigned oh = 0, om = 0;
      const bool colon = pos + 3 < s.size() && s[pos + 3] == ':';
      const std::size_t minutesAt = pos + (colon ? 4 : 3);
      if (!fixedDigits(s, pos + 1, 2, oh) || !fixedDigits(s, minutesAt, 2, om) || minutesAt + 2 != s.size() ||
          oh > 23 || om > 59) {
        reason = fmt::format("'{}' has an invalid UTC offset (use Z, +HH:MM or -HHMM)", s);
        return false;
      }
      const std::int64_t offset = (static_cast<std::int64_t>(oh) * 3600 + om * 60) * kNanosPerSecond;
      nanos += s[pos] == '+' ? -offset : offset;  // local = UTC + offset
      pos = s.size();
    } else {
      reason = fmt::format("'{}' has unexpected text after the date/time", s);
      return false;
    }
  }
  out = Timestamp{nanos};
  return true;
}

bool parseEpochOrUtcTime(std::string_view text, Timestamp& out, std::string& reason) {
  bool allDigits = !text.empty();
  for (char c : text) allDigits = allDigits && isDigit(c);
  if (!allDigits) return parseUtcTime(text, out, reason);
  std::int64_t v = 0;
  if (text.size() > 19 || !parseInteger(text, v, reason)) {
    reason = fmt::format("epoch time '{}' is out of range", text);
    return false;
  }
  const std::size_t n = text.size();
  const std::int64_t scale = n <= 11 ? kNanosPerSecond : n <= 14 ? 1'000'000 : n <= 17 ? 1'000 : 1;
  if (v > std::numeric_limits<std::int64_t>::max() / scale) {
    reason = fmt::format("epoch time '{}' is out of range", text);
    return false;
  }
  out = Timestamp{v * scale};
  return true;
}

std::string formatUtcDay(Timestamp t) {
  int y = 0;
  unsigned m = 0, d = 0;
  civilFromDays(floorTo(t.nanos(), kNanosPerDay) / kNanosPerDay, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string formatUtcTime(Timestamp t) {
  const std::int64_t inDay = t.nanos() - floorTo(t.nanos(), kNanosPerDay);
  const std::int64_t secs = inDay / kNanosPerSecond;
  const std::int64_t frac = inDay % kNanosPerSecond;
  std::string s = fmt::format("{}T{:02}:{:02}:{:02}", formatUtcDay(t), secs / 3600, secs / 60 % 60, secs % 60);
  if (frac != 0) s += fmt::format(".{:09}", frac);
  return s + "Z";
}

std::string_view trimField(std::string_view f) noexcept {
  while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.remove_prefix(1);
  while (!f.empty() && (f.back() == ' ' || f.back() == '\t' || f.back() == '\r')) f.remove_suffix(1);
  if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
  return f;
}

std::size_t splitCsv(std::string_view line, std::span<std::string_view> out) noexcept {
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::string_view field = line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
    if (count < out.size()) out[count] = trimField(field);
    ++count;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return count;
}

}  // namespace alphintra::marketdata
