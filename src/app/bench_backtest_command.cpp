// `alphintra bench backtest`: the bar backtester's throughput. Generates random-walk daily bars
// for N instruments × D days in memory (not timed), then times a full sma_cross backtest through
// the engine (fills, risk, ledger) and prints bar events per second, fills and allocations
// during the timed run; the last line is one JSON object. Best of --passes runs.
#include <fmt/format.h>

#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <random>

#include "app/commands.hpp"
#include "backtest/backtester.hpp"
#include "backtest/statistics.hpp"
#include "bench/alloc_counter.hpp"
#include "strategy/registry.hpp"

namespace alphintra::app {
namespace {

// CPU time of this thread: on a shared machine, wall time also counts other programs' turns.
double threadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Minor page faults of this thread so far: a timed run that touches fresh pages pays the kernel's
// page clearing inside the figure.
long threadMinorFaults() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return u.ru_minflt;
}

struct BenchBacktestArgs {
  std::size_t instruments = 500;
  std::size_t days = 5040;  // 20 years of trading days
  std::vector<std::string> params{"fast=20", "slow=100", "quantity=10"};
  int passes = 3;
  std::uint64_t seed = 1;
};

std::vector<marketdata::Bar> generate(const BenchBacktestArgs& a) {
  std::mt19937_64 rng(a.seed);
  std::normal_distribution<double> step(0.0, 1.0);
  std::vector<marketdata::Bar> bars(a.instruments * a.days);
  std::vector<std::int64_t> close(a.instruments, 10'000);
  const std::int64_t day = 86'400'000'000'000;
  for (std::size_t d = 0; d < a.days; ++d) {
    for (std::size_t i = 0; i < a.instruments; ++i) {
      marketdata::Bar& b = bars[d * a.instruments + i];
      const std::int64_t open = std::max<std::int64_t>(100, close[i] + static_cast<std::int64_t>(step(rng) * 30));
      close[i] = std::max<std::int64_t>(100, open + static_cast<std::int64_t>(step(rng) * 150));
      b.instrument = InstrumentId{i + 1};
      b.start = Timestamp{946'684'800'000'000'000 + static_cast<std::int64_t>(d) * day};
      b.open = Price::fromRaw(open);
      b.close = Price::fromRaw(close[i]);
      b.high = Price::fromRaw(std::max(open, close[i]) + 10);
      b.low = Price::fromRaw(std::max<std::int64_t>(1, std::min(open, close[i]) - 10));
      b.volume = Quantity::fromRaw(1000);
    }
  }
  return bars;
}

int runBenchBacktest(const BenchBacktestArgs& a) {
  std::vector<Instrument> instruments;
  for (std::size_t i = 0; i < a.instruments; ++i) {
    InstrumentSpec s;
    s.id = i + 1;
    s.symbol = fmt::format("S{:04d}", i + 1);
    instruments.push_back(Instrument::create(s).value());
  }
  const auto bars = generate(a);
  auto params = strategy::Parameters::parse(a.params);
  if (!params) {
    fmt::print(stderr, "error: {}: {}\n", params.error().field, params.error().message);
    return 2;
  }
  fmt::print("sma_cross({}) over {} instruments x {} daily bars = {} bar events, {} passes\n", params->describe(),
             a.instruments, a.days, bars.size(), a.passes);
  double best = 0;
  double bestCpu = 0;
  std::size_t fills = 0;
  std::uint64_t allocations = 0;
  double finalEquity = 0;
  for (int pass = 0; pass < a.passes; ++pass) {
    backtest::BacktestOptions options;
    options.account.initialCash = 1e9;  // 500 positions of ~$1,000 each: far inside margin
    backtest::Backtester bt(instruments, options);
    auto made = strategy::makeStrategy("sma_cross", *params);
    if (!made) {
      fmt::print(stderr, "error: {}: {}\n", made.error().field, made.error().message);
      return 2;
    }
    (void)bt.addStrategy(std::move(made).value(), {}, "sma_cross");
    backtest::MemoryBarSource source(bars);
    const std::uint64_t allocBefore = bench::allocationCount();
    const long faults0 = threadMinorFaults();
    const double cpu0 = threadCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    auto result = bt.run(source);
    const auto t1 = std::chrono::steady_clock::now();
    const double cpu = threadCpuSeconds() - cpu0;
    const long faults = threadMinorFaults() - faults0;
    if (!result) {
      fmt::print(stderr, "error: {}\n", result.error().message);
      return 2;
    }
    const double seconds = std::chrono::duration<double>(t1 - t0).count();
    const double rate = static_cast<double>(result->bars) / seconds;
    const double cpuRate = static_cast<double>(result->bars) / cpu;
    fmt::print(
        "pass {}: {:.3f} s wall ({:.1f} M bar events/s), {:.3f} s CPU ({:.1f} M bar events per CPU second), {} fills, "
        "{} allocations, {} page faults\n",
        pass + 1, seconds, rate / 1e6, cpu, cpuRate / 1e6, result->fills.size(), bench::allocationCount() - allocBefore,
        faults);
    if (cpuRate > bestCpu) bestCpu = cpuRate;
    if (rate > best) {
      best = rate;
      fills = result->fills.size();
      allocations = bench::allocationCount() - allocBefore;
      finalEquity = result->finalEquity;
    }
  }
  fmt::print(
      "{{\"bench\":\"backtest\",\"ok\":true,\"bars\":{},\"bar_events_per_second\":{:.0f},\"bar_events_per_cpu_second\":"
      "{:.0f},\"fills\":{},"
      "\"allocations\":{},\"final_equity\":{:.2f}}}\n",
      bars.size(), best, bestCpu, fills, allocations, finalEquity);
  return 0;
}

}  // namespace

void addBenchBacktestCommand(CLI::App& bench) {
  auto a = std::make_shared<BenchBacktestArgs>();
  auto* cmd = bench.add_subcommand("backtest", "Bar backtest throughput: sma_cross over generated daily bars");
  cmd->add_option("--instruments", a->instruments, "Instruments")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
  cmd->add_option("--days", a->days, "Daily bars per instrument")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1'000'000}));
  cmd->add_option("--param", a->params, "sma_cross parameter name=value (replaces the defaults)");
  cmd->add_option("--passes", a->passes, "Timed runs (the best is reported)")->check(CLI::Range(1, 100));
  cmd->add_option("--seed", a->seed, "Seed of the generated bars");
  cmd->callback([a] { setExitCode(runBenchBacktest(*a)); });
}

}  // namespace alphintra::app
