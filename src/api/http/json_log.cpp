// Structured JSON log lines (see json_log.hpp).
#include "api/http/json_log.hpp"

#include "api/json_writer.hpp"
#include "core/thread_name.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <iterator>
#include <mutex>
#include <thread>

namespace alphintra::api::http {
namespace {

// Text is escaped like every JSON string the server writes (api/json_writer.hpp): control
// characters as \u00XX, and bytes that are not UTF-8 (a client's path, a user agent) as U+FFFD,
// so that every line stays valid JSON whatever the client sent.
struct AppendValue {
  std::string& out;
  void operator()(std::string_view v) const { appendJsonString(out, v); }
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

// Lines wait in `pending_` until the writer thread takes them: it wakes when the buffer stops
// being empty, waits a millisecond for more, then writes the batch. `output_` is held while a
// batch is written (by the thread or by flush), so batches reach the fd in the order they were
// taken. The object is never destroyed (threads may log during exit); flush runs at exit.
class LogWriter {
 public:
  static LogWriter& instance() {
    static LogWriter* writer = [] {
      auto* w = new LogWriter();
      std::atexit([] { LogWriter::instance().flush(); });
      return w;
    }();
    return *writer;
  }

  void append(std::string_view line) {
    std::unique_lock lock(mutex_);
    if (pending_.size() > kMaxPending) {
      lock.unlock();
      flush();  // stderr is slow: the caller waits rather than memory growing without bound
      lock.lock();
    }
    const bool wake = pending_.empty();
    pending_ += line;
    lock.unlock();
    if (wake) ready_.notify_one();
  }

  void flush() {
    std::lock_guard output(output_);
    std::string batch;
    {
      std::lock_guard lock(mutex_);
      batch.swap(pending_);
    }
    writeAll(batch);
  }

 private:
  static constexpr std::size_t kMaxPending = 64u << 20;
  static constexpr std::chrono::milliseconds kBatchWait{1};

  LogWriter() {
    namedThread("log-writer", [this] { run(); }).detach();
  }

  void run() {
    std::string batch;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !pending_.empty(); });
      }
      std::this_thread::sleep_for(kBatchWait);  // let a burst of lines gather into one write
      std::lock_guard output(output_);
      {
        std::lock_guard lock(mutex_);
        batch.swap(pending_);
      }
      writeAll(batch);
      batch.clear();
    }
  }

  static void writeAll(std::string_view text) {
    while (!text.empty()) {
      const ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // stderr is gone: there is nowhere left to say so
      text.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::string pending_;
  std::mutex output_;
};

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
  appendJsonString(out, level);
  out += ",\"msg\":";
  appendJsonString(out, message);
  for (const auto& [name, value] : fields) {
    out.push_back(',');
    appendJsonString(out, name);
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
  LogWriter::instance().append(line);
  if (level == "error") LogWriter::instance().flush();  // seen at once, even if the process dies next
}

void flushLog() { LogWriter::instance().flush(); }

void logText(std::string_view line) { writeLogLine(line.starts_with("error") ? "error" : "info", line); }

}  // namespace alphintra::api::http
