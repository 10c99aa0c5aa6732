// readTomlText: a configuration file's text, for the TOML parser, with the bytes TOML never
// allows refused first.
//
// TOML 1.0 permits no raw control character anywhere (U+0000 to U+0008, U+000A to U+001F and
// U+007F, except the tab, and LF / CRLF as line ends; strings spell them as escapes). Refusing
// them here names the line and column of the byte itself, before the parser (core/
// toml_parser.hpp), which reached an internal assertion on some of them.
#pragma once

#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace alphintra {

// The file's bytes, or an Error (field "config") naming the file and why it cannot be read, or
// the line and column of the first control character TOML does not allow.
Result<std::string> readTomlText(const std::filesystem::path& file);

}  // namespace alphintra
