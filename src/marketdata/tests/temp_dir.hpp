// A fresh temporary directory per test, removed afterwards, and a helper to write a text file.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/tests/scratch_dir.hpp"

namespace alphintra::marketdata::testing {

class TempDir {
 public:
  TempDir() : path_(scratchDirectory("md")) { std::filesystem::create_directories(path_); }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path write(std::string_view name, std::string_view text) const {
    const auto file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace alphintra::marketdata::testing
