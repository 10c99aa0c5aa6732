// The `alphintra` program: the composition root. Sub-commands are declared here and
// implemented in one file each (bench_command.cpp, ...), each with its own --help.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "app/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Alphintra: an algorithmic trading platform in one program."};
  app.set_version_flag("--version", std::string{alphintra::app::kVersion});
  app.require_subcommand(1);

  alphintra::app::addBenchCommand(app);
  alphintra::app::addAnalyticsCommand(app);
  alphintra::app::addBacktestCommand(app);
  alphintra::app::addEngineCommand(app);
  alphintra::app::addImportCommand(app);
  alphintra::app::addBenchItchCommand(*app.get_subcommand("bench"));
  alphintra::app::addServeCommand(app);
  alphintra::app::addSimulateCommand(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return alphintra::app::exitCode();
}
