// `alphintra bench itch`: ITCH 5.0 order-level book building on one core. Generates a day
// (itch/itch_generator.hpp) into memory, then times decoding + book building over it (best of
// --passes, the builder cleared between passes so steady state reuses its memory), counting heap
// allocations inside the timed loop; then writes the day to a file and builds the books again
// streaming from disk (4 MiB buffer), reporting the resident memory after it. With --file it
// streams an existing ITCH file instead. The last line is one JSON object.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "app/commands.hpp"
#include "bench/alloc_counter.hpp"
#include "marketdata/itch/itch_book.hpp"
#include "marketdata/itch/itch_file.hpp"
#include "marketdata/itch/itch_generator.hpp"
#include "marketdata/itch/itch_parser.hpp"

namespace alphintra::app {
namespace {

using namespace alphintra::marketdata::itch;

struct BenchItchArgs {
  ItchGeneratorOptions generator;
  int passes = 3;
  std::string file;     // stream this file instead of generating
  std::string keep;     // write the generated day here (and keep it)
  bool noDisk = false;  // skip the from-file pass
};

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU time of this thread: on a shared machine it leaves out the time other processes had the
// core, which wall time does not.
double threadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long residentKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int runBenchItch(const BenchItchArgs& args) {
  using Clock = std::chrono::steady_clock;
  ItchBookBuilder book(args.generator.targetLiveOrders + args.generator.targetLiveOrders / 2);
  double best = 0;
  double bestCpu = 0;
  std::uint64_t messages = 0;
  std::uint64_t allocations = 0;
  std::uint64_t bytes = 0;
  if (args.file.empty()) {
    fmt::print("generating {} order-flow messages over {} stocks, ~{} live orders (seed {})\n", args.generator.messages,
               args.generator.stocks, args.generator.targetLiveOrders, args.generator.seed);
    std::vector<std::uint8_t> day;
    day.reserve(static_cast<std::size_t>(args.generator.messages) * 30 + (1u << 20));
    ItchGenerator gen(args.generator);
    while (!gen.done()) gen.generate(day, 1'000'000);
    bytes = day.size();
    for (int pass = 0; pass < args.passes; ++pass) {
      book.clear();
      std::uint64_t n = 0;
      FrameError error;
      const std::uint64_t allocBefore = bench::allocationCount();
      const double c0 = threadCpuSeconds();
      const auto t0 = Clock::now();
      const std::size_t used = book.build(day.data(), day.size(), n, error);
      const auto t1 = Clock::now();
      const double cpu = threadCpuSeconds() - c0;
      const std::uint64_t allocs = bench::allocationCount() - allocBefore;
      if (used != day.size() || error.status != DecodeStatus::Ok) {
        fmt::print(stderr, "error: the generated day did not decode at offset {}\n", error.offset);
        return 2;
      }
      const double rate = static_cast<double>(n) / seconds(t0, t1);
      const double cpuRate = static_cast<double>(n) / cpu;
      fmt::print(
          "pass {}      {:.1f} M msgs/s, {:.1f} ns/msg wall ({:.1f} ns/msg CPU), {} allocations, {} live orders\n",
          pass + 1, rate / 1e6, 1e9 / rate, 1e9 / cpuRate, allocs, book.liveOrders());
      if (cpuRate > bestCpu) bestCpu = cpuRate;
      if (rate > best) best = rate;
      messages = n;
      allocations = allocs;  // of the last pass: steady state
    }
    fmt::print(
        "in memory    best {:.1f} M msgs/s = {:.1f} ns/msg wall, {:.1f} ns/msg CPU, over {} messages ({:.0f} MB), "
        "anomalies {}\n",
        best / 1e6, 1e9 / best, 1e9 / bestCpu, messages, static_cast<double>(bytes) / 1e6, book.anomalies());
  }
  double fileRate = 0;
  long rssKib = -1;
  std::uint64_t fileMessages = 0;
  if (!args.noDisk || !args.file.empty()) {
    std::filesystem::path path = args.file;
    const bool temporary = args.file.empty() && args.keep.empty();
    if (args.file.empty()) {
      path = args.keep.empty()
                 ? std::filesystem::temp_directory_path() / fmt::format("alphintra-bench-{}.itch", ::getpid())
                 : std::filesystem::path(args.keep);
      auto written = writeItchFile(path, args.generator);
      if (!written) {
        fmt::print(stderr, "error: {}\n", written.error().message);
        return 2;
      }
    }
    book.clear();
    const auto t0 = Clock::now();
    auto read = readItchFile(path, book);
    const auto t1 = Clock::now();
    if (temporary) std::filesystem::remove(path);
    if (!read) {
      fmt::print(stderr, "error: {}\n", read.error().message);
      return 2;
    }
    fileMessages = read->messages;
    fileRate = static_cast<double>(read->messages) / seconds(t0, t1);
    rssKib = residentKib();
    fmt::print(
        "from file    {:.1f} M msgs/s = {:.1f} ns/msg over {} messages ({:.0f} MB, streamed), RSS {} MiB, "
        "{} live orders, anomalies {}\n",
        fileRate / 1e6, 1e9 / fileRate, read->messages, static_cast<double>(read->bytes) / 1e6, rssKib / 1024,
        book.liveOrders(), book.anomalies());
  }
  fmt::print(
      "{{\"bench\":\"itch\",\"ok\":true,\"messages\":{},\"msgs_per_sec\":{:.0f},\"ns_per_msg\":{:.2f},\"cpu_ns_per_"
      "msg\":{:.2f},"
      "\"file_messages\":{},\"file_msgs_per_sec\":{:.0f},\"rss_kib\":{},\"allocations\":{}}}\n",
      messages, best, best > 0 ? 1e9 / best : 0.0, bestCpu > 0 ? 1e9 / bestCpu : 0.0, fileMessages, fileRate, rssKib,
      allocations);
  return 0;
}

}  // namespace

void addBenchItchCommand(CLI::App& bench) {
  auto args = std::make_shared<BenchItchArgs>();
  args->generator.messages = 10'000'000;
  args->generator.stocks = 500;
  args->generator.targetLiveOrders = 200'000;
  auto* cmd = bench.add_subcommand(
      "itch", "ITCH 5.0 order-level book building for all stocks: msgs/s, ns/msg, allocations (last line: JSON)");
  cmd->add_option("--messages", args->generator.messages, "Order-flow messages in the generated day")
      ->check(CLI::Range(std::uint64_t{1'000}, std::uint64_t{200'000'000}));
  cmd->add_option("--stocks", args->generator.stocks, "Stocks (locates) in the generated day")
      ->check(CLI::Range(1u, 65'535u));
  cmd->add_option("--live-orders", args->generator.targetLiveOrders, "Live orders the generated book is kept near")
      ->check(CLI::Range(std::size_t{10}, std::size_t{50'000'000}));
  cmd->add_option("--seed", args->generator.seed, "Seed of the generated day");
  cmd->add_option("--passes", args->passes, "Timed in-memory passes (the best is reported)")->check(CLI::Range(1, 50));
  cmd->add_option("--file", args->file, "Stream this ITCH file (framed, e.g. Nasdaq's binary files) instead")
      ->check(CLI::ExistingFile);
  cmd->add_option("--write", args->keep, "Also keep the generated day in this file");
  cmd->add_flag("--no-disk", args->noDisk, "Skip the from-file pass");
  cmd->callback([args] { setExitCode(runBenchItch(*args)); });
}

}  // namespace alphintra::app
