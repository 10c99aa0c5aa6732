#include "core/toml_text.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

namespace alphintra {

namespace {

// Where a scan of TOML text is: characters beyond ASCII are allowed only inside strings and
// comments (keys are ASCII or quoted; numbers, booleans, dates and punctuation are ASCII).
enum class Where : std::uint8_t { Code, Comment, Basic, Literal, MultiBasic, MultiLiteral };

// The first byte TOML does not allow where it stands, as "LINE:COLUMN: why"; empty when none.
std::string firstForbidden(std::string_view text) {
  Where where = Where::Code;
  std::size_t line = 1;
  std::size_t column = 1;  // characters, not bytes
  const auto startsWith = [&](std::size_t i, std::string_view what) { return text.substr(i, what.size()) == what; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      return fmt::format(
          "{}:{}: control character 0x{:02X} is not allowed in TOML (write it as an escape inside a "
          "string)",
          line, column, c);
    }
    std::size_t skip = 0;  // further bytes this step consumes (a delimiter, an escaped byte)
    switch (where) {
      case Where::Code:
        if (c >= 0x80) {
          return fmt::format(
              "{}:{}: a character beyond ASCII outside a string or comment (TOML keys and values are "
              "ASCII; quote the text)",
              line, column);
        }
        if (c == '#') {
          where = Where::Comment;
        } else if (startsWith(i, "\"\"\"")) {
          where = Where::MultiBasic;
          skip = 2;
        } else if (startsWith(i, "'''")) {
          where = Where::MultiLiteral;
          skip = 2;
        } else if (c == '"') {
          where = Where::Basic;
        } else if (c == '\'') {
          where = Where::Literal;
        }
        break;
      case Where::Comment:
        if (c == '\n') where = Where::Code;
        break;
      case Where::Basic:  // a line ends an unclosed one too: the parser reports that
        if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
          skip = 1;
        } else if (c == '"' || c == '\n') {
          where = Where::Code;
        }
        break;
      case Where::Literal:
        if (c == '\'' || c == '\n') where = Where::Code;
        break;
      case Where::MultiBasic:
        if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
          skip = 1;
        } else if (startsWith(i, "\"\"\"")) {
          where = Where::Code;
          skip = 2;
        }
        break;
      case Where::MultiLiteral:
        if (startsWith(i, "'''")) {
          where = Where::Code;
          skip = 2;
        }
        break;
    }
    for (std::size_t k = 0; k <= skip && i + k < text.size(); ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if (b == '\n') {
        ++line;
        column = 1;
      } else if ((b & 0xC0) != 0x80) {  // a UTF-8 continuation byte is part of the character before
        ++column;
      }
    }
    i += skip;
  }
  return {};
}

}  // namespace

Result<std::string> readTomlText(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return makeError("config", fmt::format("{}: cannot open: {}", file.string(), std::strerror(errno)));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return makeError("config", fmt::format("{}: cannot read: {}", file.string(), std::strerror(errno)));
  const std::string forbidden = firstForbidden(text);
  if (!forbidden.empty()) return makeError("config", fmt::format("{}:{}", file.string(), forbidden));
  return text;
}

}  // namespace alphintra
