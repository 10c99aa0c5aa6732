// Speed figures of the analytics module, on deterministic seeded inputs (no files needed):
//   * Black–Scholes: European prices with every first-order Greek, one core, one option at a time
//     (priceEuropean) and in structure-of-arrays batches (priceEuropeanBatch);
//   * Monte Carlo VaR: one linear position per asset, correlated normal shocks (monteCarloVar);
//   * minimum variance, long-only and fully invested (minimumVariance).
// The covariance is a factor model plus a diagonal (SPD by construction), daily scale.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace alphintra::bench {

struct AnalyticsBenchOptions {
  std::size_t options = 1'000'000;    // Black–Scholes: options priced per pass
  std::size_t varAssets = 500;        // Monte Carlo VaR: assets (= risk factors = positions)
  std::size_t scenarios = 100'000;    // Monte Carlo VaR: simulated paths
  unsigned threads = 2;               // Monte Carlo VaR threads
  std::size_t portfolioAssets = 500;  // minimum variance: assets
  int passes = 5;  // timed passes per figure, the best reported (minimum variance: none begun after 10 s)
  std::uint64_t seed = 1;
};

struct AnalyticsBenchResult {
  // Black–Scholes
  double optionsPerSecond = 0;
  double nsPerOption = 0;
  double priceChecksum = 0;  // sum of prices and first-order Greeks of one pass
  // Black–Scholes through priceEuropeanBatch (same options, structure of arrays)
  double batchOptionsPerSecond = 0;
  double batchOptionsPerCpuSecond = 0;  // per second of the thread's CPU time (what load steals is not counted)
  double batchNsPerOption = 0;
  double batchChecksum = 0;  // as priceChecksum; equal to it to ~1e-12 relative
  // The same through the first-order overload (no gamma, vanna, volga); checksum equal to batchChecksum
  double firstOrderOptionsPerSecond = 0;
  double firstOrderOptionsPerCpuSecond = 0;
  double firstOrderNsPerOption = 0;
  double firstOrderChecksum = 0;
  // Monte Carlo VaR
  double varSeconds = 0;
  double var = 0;
  double expectedShortfall = 0;
  // Minimum variance
  double minVarianceSeconds = 0;
  double minVarianceVolatility = 0;
  std::size_t minVarianceNonZero = 0;  // weights above 1e-10
  int minVarianceIterations = 0;
  double minVarianceKkt = 0;
  bool ok = true;
  std::string error;  // set when a computation failed (ok == false)
};

AnalyticsBenchResult runAnalyticsBench(const AnalyticsBenchOptions& options);

std::string toJson(const AnalyticsBenchResult& result, const AnalyticsBenchOptions& options);

}  // namespace alphintra::bench
