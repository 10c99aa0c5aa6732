// SessionSchedule: the hours of a FIX session, a daily or weekly window in UTC or in a time zone,
// and the periods it divides time into. A session is up only inside its window, and its sequence numbers start
// again at 1 in every period (Session resets its store when the store was created before the
// period that `now` belongs to began).
//
// Spec (the --fix-schedule option):
//   "HH:MM[:SS]-HH:MM[:SS]"             daily: every day from the start time to the end time;
//   "Day HH:MM[:SS]-Day HH:MM[:SS]"     weekly: from the start day and time to the end day and
//                                       time (Day: Mon, Tue, Wed, Thu, Fri, Sat, Sun);
// either followed by a time zone of the tz database ("America/New_York", "Europe/London", "UTC"):
// the times are that zone's wall-clock times, daylight saving included (default UTC).
// An end before the start crosses midnight (daily) or the week's end (weekly). An end equal to
// the start is a window that never closes, whose period still turns over at that time (a
// continuous session reset once a day or week).
//
// A period runs from one start to the next; periodStart(t) is the latest start at or before t,
// inside or after the window. Times in and out are nanoseconds since the Unix epoch, UTC. With a
// zone, the window is laid out on its local clock: on a daylight-saving change day a window
// lasts an hour more or less in real time, and a start that falls in the skipped hour is at the
// end of the gap. Zones come from the system's tz database (Debian's tzdata) through the date
// library; a name it does not know is an error. Immutable after parse; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace date {
class time_zone;
}

namespace alphintra::api::fix {

class SessionSchedule {
 public:
  // An error names the option and what is wrong with the text.
  static Result<SessionSchedule> parse(std::string_view spec);

  std::int64_t periodStart(std::int64_t now) const noexcept;
  // Whether `now` is inside the window.
  bool open(std::int64_t now) const noexcept;
  // The spec as given.
  const std::string& text() const noexcept { return text_; }
  // The spec with its zone, for log lines and Logout texts: "08:00-17:00 UTC" without one.
  std::string description() const { return zone_ != nullptr ? text_ : text_ + " UTC"; }

 private:
  SessionSchedule() = default;
  std::int64_t cycle_ = 0;                 // a day or a week
  std::int64_t start_ = 0;                 // the window's start: from the cycle's origin (midnight; Monday midnight)
  std::int64_t length_ = 0;                // the window's length: (0, cycle_]
  const date::time_zone* zone_ = nullptr;  // none: UTC
  std::string text_;
  // `now` on the zone's local clock (nanoseconds since the local epoch), and back.
  std::int64_t toLocal(std::int64_t now) const noexcept;
  std::int64_t toUtc(std::int64_t local) const noexcept;
  std::int64_t localPeriodStart(std::int64_t local) const noexcept;
};

}  // namespace alphintra::api::fix
