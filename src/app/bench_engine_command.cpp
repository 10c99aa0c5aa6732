// `alphintra bench engine`: the engine's throughput in process, with the journal on disk, and
// in recovery replay (bench/engine_bench.hpp). The last line is one JSON object.
#include <fmt/format.h>

#include "app/commands.hpp"
#include "bench/engine_bench.hpp"
#include "bench/growth_bench.hpp"

namespace alphintra::app {

void addBenchEngineCommand(CLI::App& bench) {
  auto options = std::make_shared<bench::EngineBenchOptions>();
  auto noFsync = std::make_shared<bool>(false);
  auto noDisk = std::make_shared<bool>(false);
  auto* cmd = bench.add_subcommand(
      "engine",
      "Engine throughput (risk + OMS + matching + journal): in process, with the journal on disk and group-commit "
      "fsync, and recovery replay (last line: JSON with cmds_per_sec for each)");
  cmd->add_option("--commands", options->commands, "Commands in the generated order flow")
      ->check(CLI::Range(std::size_t{1'000}, std::size_t{50'000'000}));
  cmd->add_option("--seed", options->seed, "Seed of the generated order flow");
  cmd->add_option("--instruments", options->instruments, "Instruments the flow is spread over")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000}));
  cmd->add_option("--accounts", options->accounts, "Accounts the flow is spread over")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
  cmd->add_option("--data-dir", options->dataDir,
                  "Directory for the on-disk runs (emptied first; default: a temp dir)");
  cmd->add_flag("--no-fsync", *noFsync, "Journal with Durability::None (write without fdatasync)");
  cmd->add_flag("--no-disk", *noDisk, "Only the in-process run");
  cmd->callback([options, noFsync, noDisk] {
    options->durability = *noFsync ? store::Durability::None : store::Durability::Fsync;
    options->disk = !*noDisk;
    fmt::print("engine benchmark: {} commands over {} instruments and {} margin accounts (seed {})\n",
               options->commands, options->instruments, options->accounts, options->seed);
    const bench::EngineBenchResult r = bench::runEngineBench(*options);
    fmt::print("in process     {:.2f} M commands/s, {} allocations in steady state, {} events\n",
               r.inProcessPerSecond / 1e6, r.inProcessAllocations, r.events);
    if (options->disk) {
      fmt::print("journal disk   {:.2f} M commands/s ({}), journal {:.1f} MB\n", r.diskPerSecond / 1e6,
                 options->durability == store::Durability::Fsync ? "group-commit fdatasync" : "no fsync",
                 static_cast<double>(r.journalBytes) / 1e6);
      fmt::print("recovery       {:.2f} M commands/s replayed\n", r.recoveryPerSecond / 1e6);
    }
    if (!r.error.empty()) fmt::print(stderr, "error: {}\n", r.error);
    fmt::print("{}\n", bench::toJson(r, *options));
    setExitCode(r.error.empty() ? 0 : 2);
  });

  auto growth = std::make_shared<bench::GrowthBenchOptions>();
  auto* grow = bench.add_subcommand(
      "engine-growth",
      "How long the engine stops when its tables grow: resting orders into an engine sized like serve's, each "
      "apply timed, the longest printed with the order count they came at (last line: JSON)");
  grow->add_option("--orders", growth->orders, "Resting orders sent")
      ->check(CLI::Range(std::size_t{1'000}, std::size_t{20'000'000}));
  grow->add_option("--expected-orders", growth->expectedOrders, "The engine's order table size (serve's option)")
      ->check(CLI::Range(std::size_t{1'024}, std::size_t{1} << 26));
  grow->add_option("--expected-book-orders", growth->expectedBookOrders, "The book's size (serve's option)")
      ->check(CLI::Range(std::uint32_t{1'024}, std::uint32_t{1} << 24));
  grow->callback([growth] {
    const bench::GrowthBenchResult r = bench::runGrowthBench(*growth);
    fmt::print(
        "{} resting orders, tables sized for {} (engine) and {} (book): apply p50 {:.2f} us, p99 {:.2f} us, "
        "p99.9 {:.2f} us\n",
        growth->orders, growth->expectedOrders, growth->expectedBookOrders, r.p50Us, r.p99Us, r.p999Us);
    for (const auto& [us, at] : r.longest) fmt::print("  {:9.1f} us at {} resting orders\n", us, at);
    if (!r.error.empty()) fmt::print(stderr, "error: {}\n", r.error);
    fmt::print("{}\n", bench::toJson(r, *growth));
    setExitCode(r.error.empty() ? 0 : 2);
  });
}

}  // namespace alphintra::app
