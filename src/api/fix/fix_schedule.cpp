// SessionSchedule (see fix_schedule.hpp).
#include "api/fix/fix_schedule.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <array>
#include <cctype>
#include <chrono>
#include <optional>
#include <stdexcept>

namespace alphintra::api::fix {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kDay = 86'400 * kSecond;
constexpr std::int64_t kWeek = 7 * kDay;
constexpr std::int64_t kFirstMonday = 4 * kDay;  // 1970-01-05 00:00 UTC (the epoch was a Thursday)

constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "HH:MM" or "HH:MM:SS" → nanoseconds after midnight.
std::optional<std::int64_t> parseTimeOfDay(std::string_view t) {
  int parts[3] = {0, 0, 0};
  int count = 0;
  std::size_t pos = 0;
  while (count < 3) {
    if (pos + 2 > t.size() || !std::isdigit(static_cast<unsigned char>(t[pos])) ||
        !std::isdigit(static_cast<unsigned char>(t[pos + 1]))) {
      return std::nullopt;
    }
    parts[count++] = (t[pos] - '0') * 10 + (t[pos + 1] - '0');
    pos += 2;
    if (pos == t.size()) break;
    if (t[pos] != ':') return std::nullopt;
    ++pos;
  }
  if (count < 2 || pos != t.size() || parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * kSecond;
}

struct Point {
  std::optional<int> day;  // 0 Monday .. 6 Sunday; none: daily
  std::int64_t time = 0;   // nanoseconds after midnight
};

std::optional<Point> parsePoint(std::string_view s) {
  s = trim(s);
  Point p;
  const std::size_t space = s.find(' ');
  if (space != std::string_view::npos) {
    std::string day(s.substr(0, space));
    for (char& c : day) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::size_t i = 0; i < kDays.size(); ++i) {
      if (day == kDays[i]) p.day = static_cast<int>(i);
    }
    if (!p.day) return std::nullopt;
    s = trim(s.substr(space + 1));
  }
  const auto time = parseTimeOfDay(s);
  if (!time) return std::nullopt;
  p.time = *time;
  return p;
}

// Floor division (times before the origin still map to the period they are in).
std::int64_t floorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Result<SessionSchedule> SessionSchedule::parse(std::string_view spec) {
  const std::string_view whole = spec;
  const auto bad = [&](std::string_view why) {
    return makeError("fix-schedule",
                     fmt::format("\"{}\": {} (expected HH:MM[:SS]-HH:MM[:SS] daily, or Day HH:MM[:SS]-Day "
                                 "HH:MM[:SS] weekly with Day one of Mon..Sun; then a time zone such as "
                                 "America/New_York, UTC by default)",
                                 whole, why));
  };
  // A time zone: the last word, when it is not a time ("16:30") or a day.
  const date::time_zone* zone = nullptr;
  spec = trim(spec);
  if (const std::size_t space = spec.rfind(' '); space != std::string_view::npos) {
    const std::string_view last = spec.substr(space + 1);
    if (!last.empty() && last.find(':') == std::string_view::npos) {
      try {
        zone = date::locate_zone(last);
      } catch (const std::exception&) {
        return bad(fmt::format("no time zone \"{}\" in the tz database (/usr/share/zoneinfo)", last));
      }
      spec = trim(spec.substr(0, space));
    }
  }
  // A zone's name may hold '-' (Etc/GMT-5) but it is gone by now.
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find('-', dash + 1) != std::string_view::npos) {
    return bad("needs one '-' between the start and the end");
  }
  const auto start = parsePoint(spec.substr(0, dash));
  if (!start) return bad("the start is not a time (or a day and a time)");
  const auto end = parsePoint(spec.substr(dash + 1));
  if (!end) return bad("the end is not a time (or a day and a time)");
  if (start->day.has_value() != end->day.has_value()) return bad("give a day on both sides or on neither");

  SessionSchedule s;
  s.text_ = std::string(whole);
  s.zone_ = zone;
  if (start->day) {
    s.cycle_ = kWeek;
    s.start_ = kFirstMonday + *start->day * kDay + start->time;
    const std::int64_t endAt = kFirstMonday + *end->day * kDay + end->time;
    s.length_ = ((endAt - s.start_) % kWeek + kWeek) % kWeek;
  } else {
    s.cycle_ = kDay;
    s.start_ = start->time;
    s.length_ = ((end->time - start->time) % kDay + kDay) % kDay;
  }
  if (s.length_ == 0) s.length_ = s.cycle_;  // never closes; the period turns over at the start
  return s;
}

std::int64_t SessionSchedule::localPeriodStart(std::int64_t local) const noexcept {
  return start_ + floorDiv(local - start_, cycle_) * cycle_;
}

std::int64_t SessionSchedule::toLocal(std::int64_t now) const noexcept {
  if (zone_ == nullptr) return now;
  using namespace std::chrono;
  const sys_time<nanoseconds> t{nanoseconds{now}};
  return zone_->to_local(t).time_since_epoch().count();
}

std::int64_t SessionSchedule::toUtc(std::int64_t local) const noexcept {
  if (zone_ == nullptr) return local;
  using namespace std::chrono;
  const date::local_time<nanoseconds> t{nanoseconds{local}};
  // A local time skipped by daylight saving maps to the end of the gap; one that occurs twice,
  // to the first.
  return zone_->to_sys(t, date::choose::earliest).time_since_epoch().count();
}

std::int64_t SessionSchedule::periodStart(std::int64_t now) const noexcept {
  return toUtc(localPeriodStart(toLocal(now)));
}

bool SessionSchedule::open(std::int64_t now) const noexcept {
  const std::int64_t local = toLocal(now);
  return local - localPeriodStart(local) < length_;
}

}  // namespace alphintra::api::fix
