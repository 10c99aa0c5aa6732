#include "marketdata/line_reader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace alphintra::marketdata {

Result<LineReader> LineReader::open(const std::filesystem::path& file) {
  LineReader r;
  r.fileName_ = file.string();
  r.file_.reset(std::fopen(r.fileName_.c_str(), "rb"));
  if (!r.file_) return makeError("file", fmt::format("cannot open {}: {}", r.fileName_, std::strerror(errno)));
  r.buffer_.resize(kBufferBytes);
  return r;
}

std::string LineReader::where() const { return fmt::format("{}:{}: ", fileName_, lineNumber_); }

Result<bool> LineReader::next(std::string_view& line) {
  while (true) {
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    if (nl != nullptr || (eof_ && end_ > begin_)) {
      const std::size_t len = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : end_ - begin_;
      line = std::string_view{start, len};
      begin_ += nl ? len + 1 : len;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (first_) {
        first_ = false;
        if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
      }
      ++lineNumber_;
      return true;
    }
    if (eof_) return false;
    // Move the partial line to the front and read more.
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buffer_.size()) {
      return makeError("line",
                       fmt::format("{}:{}: line is longer than {} bytes", fileName_, lineNumber_ + 1, buffer_.size()));
    }
    const std::size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_.get());
    if (n == 0) {
      if (std::ferror(file_.get())) {
        return makeError("file", fmt::format("cannot read {}: {}", fileName_, std::strerror(errno)));
      }
      eof_ = true;
    }
    end_ += n;
  }
}

}  // namespace alphintra::marketdata
