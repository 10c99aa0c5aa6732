// The growth benchmark (`alphintra bench engine-growth`): how long the engine stops when its
// tables grow. One account sends resting limit orders (none crosses) to one instrument of an
// engine sized as `serve` sizes it (--expected-orders, --expected-book-orders), each apply()
// timed on its own: the longest ones are where a table grew (a chunk mapped, an index or pool
// doubled), printed with the order count they happened at.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace alphintra::bench {

struct GrowthBenchOptions {
  std::size_t orders = 400'000;
  std::size_t expectedOrders = std::size_t{1} << 16;  // EngineOptions::expectedOrders
  std::uint32_t expectedBookOrders = 1u << 16;        // BookOptions::expectedOrders
};

struct GrowthBenchResult {
  double p50Us = 0;
  double p99Us = 0;
  double p999Us = 0;
  std::vector<std::pair<double, std::size_t>> longest;  // (µs, orders resting before it), longest first
  std::string error;
};

GrowthBenchResult runGrowthBench(const GrowthBenchOptions& options);
std::string toJson(const GrowthBenchResult& result, const GrowthBenchOptions& options);

}  // namespace alphintra::bench
