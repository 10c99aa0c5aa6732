// Structured logs: one JSON object per line, e.g.
//   {"time":"2024-05-01T12:00:00.123456Z","level":"info","msg":"http request","requestId":"...",...}
// "time" is UTC with microseconds, then "level", "msg" and the caller's fields in order.
// Strings are escaped (control characters as \u00XX), so a line is always one line of valid
// JSON whatever a client put in a path or a header.
//
// Threading: formatLogLine is pure. writeLogLine appends the line to a process-wide buffer
// (under a mutex: lines from different threads never interleave, and each thread's lines keep
// their order) that one writer thread hands to stderr, at most a millisecond later, in one
// write per batch. A write per line cost a system call per request on the thread that answers
// it (docs/benchmarks.md, "API"). flushLog() writes what is buffered before it returns; it runs
// at exit, so a process that ends normally loses no line; a killed one loses at most the last
// millisecond of log lines (never an order: orders are in the journal).
// Known limits: when stderr blocks, the buffer grows (up to 64 MiB; past that a line waits for
// the writer, so that memory stays bounded).
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
// Writes every line buffered so far to stderr before returning.
void flushLog();
// A plain text line of the server ("serve: ready in 12 ms") as a JSON line: level "error" when
// it starts with "error", else "info".
void logText(std::string_view line);

}  // namespace alphintra::api::http
