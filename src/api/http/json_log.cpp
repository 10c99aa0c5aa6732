// Structured JSON log lines (see json_log.hpp).
#include "api/http/json_log.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <mutex>

namespace alphintra::api::http {
namespace {

void appendString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (u < 0x20 || u == 0x7f) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(u));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

struct AppendValue {
  std::string& out;
  void operator()(std::string_view v) const { appendString(out, v); }
  void operator()(std::int64_t v) const { fmt::format_to(std::back_inserter(out), "{}", v); }
  void operator()(std::uint64_t v) const { fmt::format_to(std::back_inserter(out), "{}", v); }
  void operator()(double v) const {
    if (std::isfinite(v)) {
      fmt::format_to(std::back_inserter(out), "{}", v);
    } else {
      out += "null";
    }
  }
  void operator()(bool v) const { out += v ? "true" : "false"; }
};

std::mutex gWriteMutex;

}  // namespace

std::string formatLogLine(std::int64_t timeNanos, std::string_view level, std::string_view message,
                          std::initializer_list<LogField> fields) {
  std::int64_t seconds = timeNanos / 1'000'000'000;
  std::int64_t nanos = timeNanos % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    --seconds;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::string out;
  out.reserve(160);
  fmt::format_to(std::back_inserter(out), R"({{"time":"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z","level":)",
                 utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, nanos / 1000);
  appendString(out, level);
  out += ",\"msg\":";
  appendString(out, message);
  for (const auto& [name, value] : fields) {
    out.push_back(',');
    appendString(out, name);
    out.push_back(':');
    std::visit(AppendValue{out}, value);
  }
  out.push_back('}');
  return out;
}

void writeLogLine(std::string_view level, std::string_view message, std::initializer_list<LogField> fields) {
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string line = formatLogLine(now, level, message, fields);
  line.push_back('\n');
  std::lock_guard lock(gWriteMutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void logText(std::string_view line) { writeLogLine(line.starts_with("error") ? "error" : "info", line); }

}  // namespace alphintra::api::http
