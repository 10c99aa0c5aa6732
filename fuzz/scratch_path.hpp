// ScratchPath: a file or directory of a fuzz target under the temporary directory, named for
// the target and the process, removed when the process exits normally (a crash leaves it for
// inspection, beside the input that caused it).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace alphintra::fuzz {

class ScratchPath {
 public:
  explicit ScratchPath(std::string_view name)
      : path_(std::filesystem::temp_directory_path() /
              ("alphintra-fuzz-" + std::string(name) + "-" + std::to_string(::getpid()))) {}
  ~ScratchPath() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchPath(const ScratchPath&) = delete;
  ScratchPath& operator=(const ScratchPath&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace alphintra::fuzz
