// Sub-commands of the `alphintra` program. Each add*Command registers itself on the CLI and
// runs from its callback; the exit code of the command that ran is read with exitCode().
#pragma once

#include <CLI/CLI.hpp>

#include <string_view>

namespace alphintra::app {

inline constexpr std::string_view kVersion = "0.1.0";

void addBenchCommand(CLI::App& app);
void addBenchAnalyticsCommand(CLI::App& bench);  // `bench analytics`, registered by addBenchCommand
void addBenchEngineCommand(CLI::App& bench);     // `bench engine`, registered by addBenchCommand
void addBenchHttpCommands(CLI::App& bench);      // `bench http`, `bench ws`, registered by addBenchCommand
void addBenchFixCommand(CLI::App& bench);        // `bench fix`, registered by addBenchCommand
void addBenchLoopbackCommand(CLI::App& bench);   // `bench loopback`, registered by addBenchCommand
void addBenchBacktestCommand(CLI::App& bench);   // `bench backtest`, registered by addBenchCommand
void addBenchTickCommand(CLI::App& bench);       // `bench backtest-tick`, registered by addBenchCommand
void addAnalyticsCommand(CLI::App& app);
void addBacktestCommand(CLI::App& app);  // `backtest`: docs/backtest.md
void addEngineCommand(CLI::App& app);
void addImportCommand(CLI::App& app);       // `import`: docs/market-data.md
void addBenchItchCommand(CLI::App& bench);  // `bench itch`, registered by main
void addServeCommand(CLI::App& app);        // `serve`: the REST API (docs/api.md)
void addSimulateCommand(CLI::App& app);     // `simulate`: the simulator's day as ITCH (docs/market-data.md)

void setExitCode(int code) noexcept;
int exitCode() noexcept;

}  // namespace alphintra::app
