// SessionSchedule: the hours of a FIX session, a daily or weekly window in UTC, and the periods
// it divides time into. A session is up only inside its window, and its sequence numbers start
// again at 1 in every period (Session resets its store when the store was created before the
// period that `now` belongs to began).
//
// Spec (the --fix-schedule option):
//   "HH:MM[:SS]-HH:MM[:SS]"             daily: every day from the start time to the end time;
//   "Day HH:MM[:SS]-Day HH:MM[:SS]"     weekly: from the start day and time to the end day and
//                                       time (Day: Mon, Tue, Wed, Thu, Fri, Sat, Sun).
// An end before the start crosses midnight (daily) or the week's end (weekly). An end equal to
// the start is a window that never closes, whose period still turns over at that time (a
// continuous session reset once a day or week).
//
// A period runs from one start to the next; periodStart(t) is the latest start at or before t,
// inside or after the window. Times are nanoseconds since the Unix epoch, UTC; there are no time
// zones (a venue's local hours are given in UTC, and move by an hour with daylight saving).
// Immutable after parse; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace alphintra::api::fix {

class SessionSchedule {
 public:
  // An error names the option and what is wrong with the text.
  static Result<SessionSchedule> parse(std::string_view spec);

  std::int64_t periodStart(std::int64_t now) const noexcept;
  // Whether `now` is inside the window.
  bool open(std::int64_t now) const noexcept { return now - periodStart(now) < length_; }
  // The spec as given (for log lines).
  const std::string& text() const noexcept { return text_; }

 private:
  SessionSchedule() = default;
  std::int64_t cycle_ = 0;   // a day or a week
  std::int64_t start_ = 0;   // the window's start: from the cycle's origin (midnight; Monday midnight)
  std::int64_t length_ = 0;  // the window's length: (0, cycle_]
  std::string text_;
};

}  // namespace alphintra::api::fix
