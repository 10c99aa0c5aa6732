// `alphintra bench book`: replays an order-book stream (a file, or one generated in memory) and
// prints its figures; the last line is one JSON object.
#include <fmt/format.h>

#include <fstream>

#include "app/commands.hpp"
#include "bench/book_replay.hpp"
#include "bench/stream.hpp"

namespace alphintra::app {
namespace {

int gExitCode = 0;

struct BenchBookArgs {
  std::string stream;
  std::size_t generate = 0;
  std::uint64_t seed = 1;
  std::size_t depth = 5'000;
  std::string write;
  int passes = 5;
  bool noLatency = false;
  bool marketData = false;
};

int runBenchBook(const BenchBookArgs& args) {
  std::vector<bench::StreamOp> ops;
  std::string name;
  if (!args.stream.empty()) {
    auto read = bench::readStream(args.stream);
    if (!read) {
      fmt::print(stderr, "error: {}\n", read.error().message);
      return 2;
    }
    ops = std::move(read).value();
    name = args.stream;
  } else {
    bench::GeneratorOptions gen;
    gen.operations = args.generate;
    gen.seed = args.seed;
    gen.targetOrders = args.depth;
    ops = bench::generateStream(gen);
    name = fmt::format("generated(operations={},seed={},depth={})", args.generate, args.seed, args.depth);
    if (!args.write.empty()) {
      std::ofstream out(args.write, std::ios::binary);
      out << bench::formatStream(ops);
      if (!out) {
        fmt::print(stderr, "error: cannot write {}\n", args.write);
        return 2;
      }
    }
  }
  fmt::print("replaying {} operations from {} ({} throughput passes{})\n", ops.size(), name, args.passes,
             args.noLatency ? "" : " and a latency pass");
  bench::ReplayOptions options;
  options.throughputPasses = args.passes;
  options.latency = !args.noLatency;
  options.marketData = args.marketData;
  const bench::ReplayResult result = bench::runReplay(ops, options);
  const auto& t = result.totals;
  fmt::print("throughput   {:.2f} M ops/s (best of {} passes)\n", result.opsPerSecond / 1e6, args.passes);
  if (options.latency) {
    fmt::print("latency      p50 {:.0f} ns, p99 {:.0f} ns, p99.9 {:.0f} ns, max {:.0f} ns\n", result.p50Ns,
               result.p99Ns, result.p999Ns, result.maxNs);
  }
  fmt::print("allocations  {} during the timed replays\n", result.allocations);
  fmt::print("totals       fills {}, fill qty {}, notional {}, cancels {}, cancel rejects {}, resting {}, levels {}\n",
             t.fills, t.fillQuantity, t.notional, t.cancels, t.cancelRejects, t.resting, t.levels);
  fmt::print("{}\n", bench::toJson(result, name));
  return 0;
}

}  // namespace

void setExitCode(int code) noexcept { gExitCode = code; }
int exitCode() noexcept { return gExitCode; }

void addBenchCommand(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Run a benchmark and print its figures");
  bench->require_subcommand(1);
  auto args = std::make_shared<BenchBookArgs>();
  auto* book = bench->add_subcommand(
      "book",
      "Replay an order-book stream through the matching engine: throughput, per-operation latency, "
      "allocations and totals (last line: JSON)");
  auto* stream = book->add_option("--stream", args->stream,
                                  "Stream file (A,id,B|S,price,qty / C,id / M,id,B|S,qty), plain or .zst")
                     ->check(CLI::ExistingFile);
  auto* generate = book->add_option("--generate", args->generate, "Generate a stream of this many operations instead")
                       ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  stream->excludes(generate);
  book->add_option("--seed", args->seed, "Seed of the generated stream")->needs(generate);
  book->add_option("--depth", args->depth, "Resting orders the generated book is kept near")
      ->check(CLI::Range(std::size_t{10}, std::size_t{10'000'000}))
      ->needs(generate);
  book->add_option("--write", args->write, "Also write the generated stream to this file")->needs(generate);
  book->add_option("--passes", args->passes, "Timed throughput passes (the best is reported)")
      ->check(CLI::Range(1, 100));
  book->add_flag("--no-latency", args->noLatency, "Skip the per-operation latency pass");
  book->add_flag("--market-data", args->marketData, "Also emit L2 and L3 incremental updates");
  book->callback([args, stream, generate] {
    if (stream->count() == 0 && generate->count() == 0) {
      throw CLI::ValidationError("--stream or --generate", "give a stream file or a number of operations to generate");
    }
    setExitCode(runBenchBook(*args));
  });
  addBenchAnalyticsCommand(*bench);
  addBenchEngineCommand(*bench);
  addBenchFixCommand(*bench);
  addBenchLoopbackCommand(*bench);
  addBenchHttpCommands(*bench);
  addBenchBacktestCommand(*bench);
  addBenchTickCommand(*bench);
}

}  // namespace alphintra::app
