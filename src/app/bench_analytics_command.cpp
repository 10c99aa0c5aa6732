// `alphintra bench analytics`: speed figures of the analytics module (Black–Scholes with Greeks,
// Monte Carlo VaR, long-only minimum variance) on seeded inputs; the last line is one JSON object.
#include <fmt/format.h>

#include <memory>

#include "app/commands.hpp"
#include "bench/analytics_bench.hpp"

namespace alphintra::app {
namespace {

int runBenchAnalytics(bench::AnalyticsBenchOptions options, bool quick) {
  if (quick) {
    options.options = 2'000;
    options.varAssets = 20;
    options.scenarios = 5'000;
    options.portfolioAssets = 20;
    options.passes = 1;
  }
  fmt::print("analytics benchmark (seed {}, best of {} passes)\n", options.seed, options.passes);
  const bench::AnalyticsBenchResult r = bench::runAnalyticsBench(options);
  if (!r.ok) {
    fmt::print(stderr, "error: {}\n", r.error);
    fmt::print("{}\n", bench::toJson(r, options));
    return 1;
  }
  fmt::print(
      "black-scholes     {:.2f} M options/s with price and first-order Greeks ({:.1f} ns each, {} options, one core)\n",
      r.optionsPerSecond / 1e6, r.nsPerOption, options.options);
  fmt::print(
      "black-scholes batch {:.2f} M options/s with price, first- and second-order Greeks ({:.1f} ns each, "
      "structure of arrays, one core; {:.2f} M per second of thread CPU time)\n",
      r.batchOptionsPerSecond / 1e6, r.batchNsPerOption, r.batchOptionsPerCpuSecond / 1e6);
  fmt::print(
      "black-scholes batch, first-order Greeks {:.2f} M options/s ({:.1f} ns each, price, delta, vega, theta, rho "
      "and yield rho only, one core; {:.2f} M per second of thread CPU time)\n",
      r.firstOrderOptionsPerSecond / 1e6, r.firstOrderNsPerOption, r.firstOrderOptionsPerCpuSecond / 1e6);
  fmt::print("monte-carlo var   {:.3f} s for {} assets x {} scenarios ({} threads), VaR99 {:.2f}, ES99 {:.2f}\n",
             r.varSeconds, options.varAssets, options.scenarios, options.threads, r.var, r.expectedShortfall);
  fmt::print(
      "minimum variance  {:.3f} ms for {} assets, long-only and fully invested ({} non-zero weights, {} "
      "iterations, KKT {:.1e})\n",
      r.minVarianceSeconds * 1e3, options.portfolioAssets, r.minVarianceNonZero, r.minVarianceIterations,
      r.minVarianceKkt);
  fmt::print("{}\n", bench::toJson(r, options));
  return 0;
}

}  // namespace

void addBenchAnalyticsCommand(CLI::App& bench) {
  auto options = std::make_shared<bench::AnalyticsBenchOptions>();
  auto quick = std::make_shared<bool>(false);
  auto* cmd = bench.add_subcommand(
      "analytics",
      "Time Black–Scholes with Greeks, Monte Carlo VaR and long-only minimum variance on seeded inputs "
      "(last line: JSON)");
  cmd->add_option("--options", options->options, "Black–Scholes: options priced per pass")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  cmd->add_option("--var-assets", options->varAssets, "Monte Carlo VaR: assets (one risk factor each)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{5'000}));
  cmd->add_option("--scenarios", options->scenarios, "Monte Carlo VaR: simulated scenarios")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  cmd->add_option("--threads", options->threads, "Monte Carlo VaR: threads")->check(CLI::Range(1u, 256u));
  cmd->add_option("--portfolio-assets", options->portfolioAssets, "Minimum variance: assets")
      ->check(CLI::Range(std::size_t{2}, std::size_t{2'000}));
  cmd->add_option("--passes", options->passes, "Timed passes per figure (the best is reported)")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--seed", options->seed, "Seed of the generated inputs");
  cmd->add_flag("--quick", *quick, "Tiny sizes and one pass (a smoke test; the figures mean nothing)");
  cmd->callback([options, quick] { setExitCode(runBenchAnalytics(*options, *quick)); });
}

}  // namespace alphintra::app
