// writeLogLine through the buffered writer: lines from several threads all reach stderr, whole,
// each thread's in its order, by the time flushLog() returns.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/http/json_log.hpp"

namespace alphintra::api::http {
namespace {

TEST(JsonLog, LinesFromManyThreadsAreAllWrittenWholeAndInOrderByFlush) {
  const std::string path = ::testing::TempDir() + "/alphintra-json-log-" + std::to_string(::getpid());
  std::FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  const int saved = ::dup(STDERR_FILENO);
  ASSERT_GE(::dup2(::fileno(file), STDERR_FILENO), 0);
  constexpr int kThreads = 4;
  constexpr int kLines = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        writeLogLine("info", "line", {{"thread", static_cast<std::int64_t>(t)}, {"n", static_cast<std::int64_t>(i)}});
      }
    });
  }
  for (auto& th : threads) th.join();
  flushLog();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::fclose(file);

  std::ifstream in(path);
  std::map<std::int64_t, std::int64_t> next;  // thread → the n expected next
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    if (j.value("msg", "") != "line") continue;
    const auto t = j.at("thread").get<std::int64_t>();
    EXPECT_EQ(j.at("n").get<std::int64_t>(), next[t]) << "thread " << t;
    next[t] = j.at("n").get<std::int64_t>() + 1;
    ++count;
  }
  EXPECT_EQ(count, kThreads * kLines);
  std::remove(path.c_str());
}

TEST(JsonLog, ALineIsValidJsonWhateverBytesAFieldHolds) {
  // Control characters, quotes, backslashes and bytes that are not UTF-8 (a client's path).
  const std::string path = std::string("/api/\x01\"x\\y\xff\xc3(") + "\xe2\x82\xac";
  const std::string line = formatLogLine(0, "info", "request", {{"path", std::string_view(path)}});
  const auto j = nlohmann::json::parse(line, nullptr, false);
  ASSERT_TRUE(j.is_object()) << line;
  EXPECT_EQ(j.at("path").get<std::string>(),
            "/api/\x01\"x\\y\xef\xbf\xbd\xef\xbf\xbd(\xe2\x82\xac");  // U+FFFD ×2, then €
  EXPECT_EQ(j.at("time").get<std::string>(), "1970-01-01T00:00:00.000000Z");
}

}  // namespace
}  // namespace alphintra::api::http
