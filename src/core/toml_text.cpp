#include "core/toml_text.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace alphintra {

Result<std::string> readTomlText(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return makeError("config", fmt::format("{}: cannot open: {}", file.string(), std::strerror(errno)));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return makeError("config", fmt::format("{}: cannot read: {}", file.string(), std::strerror(errno)));
  std::size_t line = 1;
  std::size_t column = 1;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      return makeError("config",
                       fmt::format("{}:{}:{}: control character 0x{:02X} is not allowed in TOML (write it as an "
                                   "escape inside a string)",
                                   file.string(), line, column, c));
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return text;
}

}  // namespace alphintra
