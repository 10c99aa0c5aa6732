// Configuration of `alphintra serve` beyond the command line (docs/api.md, "Configuration"):
//   * a TOML file given with --config FILE, whose keys are the long option names
//     (port = 8080, data-dir = "/srv/alphintra", fix-session = ["CLIENT:ALPHINTRA:1"]);
//   * environment variables ALPHINTRA_<NAME> (upper case, '-' as '_'), e.g. ALPHINTRA_PORT.
// Precedence: command line, then environment, then file, then the built-in default.
// Every value goes through the option's own conversion and checks, so a bad value in the file is
// refused exactly as on the command line, with the file, the key and the reason; an unknown
// key, a table or a value of the wrong type is an error too (nothing is silently ignored).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace alphintra::app {

// Adds --config and the environment names to every option of `cmd` (after all its options).
void addConfigOptions(CLI::App& cmd, std::string& configPath);

// Applies the file's values to the options the command line and environment left unset. Call
// from the subcommand's callback (after CLI11 parsed the command line and the environment).
std::optional<Error> applyConfigFile(CLI::App& cmd, const std::string& configPath);

}  // namespace alphintra::app
