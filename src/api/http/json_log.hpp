// Structured logs: one JSON object per line, e.g.
//   {"time":"2024-05-01T12:00:00.123456Z","level":"info","msg":"http request","requestId":"...",...}
// "time" is UTC with microseconds, then "level", "msg" and the caller's fields in order.
// Strings are escaped (control characters as \u00XX), so a line is always one line of valid
// JSON whatever a client put in a path or a header.
//
// Threading: formatLogLine is pure. writeLogLine writes the line and its newline with one
// fwrite under a process-wide mutex (lines from different threads never interleave).
// Known limits: writes block when stderr does (the caller's thread pays, never the engine's).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace alphintra::api::http {

using LogValue = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool>;
using LogField = std::pair<std::string_view, LogValue>;

std::string formatLogLine(std::int64_t timeNanos, std::string_view level, std::string_view message,
                          std::initializer_list<LogField> fields = {});
// To stderr, stamped with the system clock.
void writeLogLine(std::string_view level, std::string_view message, std::initializer_list<LogField> fields = {});
// A plain text line of the server ("serve: ready in 12 ms") as a JSON line: level "error" when
// it starts with "error", else "info".
void logText(std::string_view line);

}  // namespace alphintra::api::http
