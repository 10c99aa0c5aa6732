// LineReader: streams a text file line by line through one fixed buffer (constant memory
// whatever the file size), counting lines for error messages.
//
// Lines end in "\n" or "\r\n" (the "\r" is dropped); a UTF-8 byte-order mark at the start of
// the file is skipped; the last line may lack its "\n". A line longer than the buffer (1 MiB)
// is an error naming the line. Threading: one thread. Errors name the file and the errno text.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace alphintra::marketdata {

class LineReader {
 public:
  static constexpr std::size_t kBufferBytes = 1u << 20;

  static Result<LineReader> open(const std::filesystem::path& file);

  // The next line (valid until the next call); false at the end of the file.
  Result<bool> next(std::string_view& line);
  // 1-based number of the line last returned (0 before the first).
  std::uint64_t lineNumber() const noexcept { return lineNumber_; }
  const std::string& fileName() const noexcept { return fileName_; }
  // "FILE:LINE: " for error messages.
  std::string where() const;

 private:
  struct Closer {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  std::string fileName_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  std::size_t end_ = 0;
  bool eof_ = false;
  bool first_ = true;
  std::uint64_t lineNumber_ = 0;
};

}  // namespace alphintra::marketdata
