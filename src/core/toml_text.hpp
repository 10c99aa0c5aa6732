// readTomlText: a configuration file's text, for the TOML parser, with the bytes TOML never
// allows refused first.
//
// TOML 1.0 permits no raw control character anywhere (U+0000 to U+0008, U+000A to U+001F and
// U+007F, except the tab, and LF / CRLF as line ends; strings spell them as escapes), and no
// character beyond ASCII outside strings and comments (bare keys, numbers, booleans, dates and
// punctuation are ASCII). Refusing both here names the line and column of the character itself,
// before the parser (core/toml_parser.hpp) sees it: Debian's toml++ 3.3 reaches an internal
// assertion on some control characters, and __builtin_unreachable() (undefined behaviour in
// every build) on a Latin-1 letter such as 'Ü' right after a value, where it asks whether the
// character is Unicode whitespace.
#pragma once

#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace alphintra {

// The file's bytes, or an Error (field "config") naming the file and why it cannot be read, or
// the line and column of the first character TOML does not allow where it stands.
Result<std::string> readTomlText(const std::filesystem::path& file);

}  // namespace alphintra
