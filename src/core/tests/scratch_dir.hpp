// scratchDirectory: a directory of the running test's own, removed when the test process exits.
//
// <test temp dir>/alphintra-<prefix>-<suite>-<test>-<pid>, emptied (not created) when asked
// for, so a test starts from nothing. Every directory handed out is removed at the normal exit of
// the process that asked for it — not of a child it forked, which shares the list — so a test run
// leaves nothing behind in /tmp; a crashed or killed run leaves its directories for inspection.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace alphintra {

namespace scratch_detail {
class Registry {
 public:
  void add(const std::filesystem::path& dir) {
    std::lock_guard lock(mutex_);
    dirs_.push_back(dir);
  }
  ~Registry() {
    if (::getpid() != owner_) return;  // a forked child's exit
    for (const auto& dir : dirs_) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  }

 private:
  std::mutex mutex_;
  std::vector<std::filesystem::path> dirs_;
  pid_t owner_ = ::getpid();
};
}  // namespace scratch_detail

inline std::filesystem::path scratchDirectory(std::string_view prefix) {
  static scratch_detail::Registry registry;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "alphintra-" + std::string(prefix);
  if (info != nullptr) name += "-" + std::string(info->test_suite_name()) + "-" + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';  // parameterized tests: Suite/Name/0
  }
  const auto dir = std::filesystem::path(::testing::TempDir()) / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  registry.add(dir);
  return dir;
}

}  // namespace alphintra
