// Replays an order-book stream through book::OrderBook and measures it: one verification pass
// (totals, peak book size), throughput passes (the whole stream in one timed loop) and a
// latency pass (each operation timed on its own with the CPU's time-stamp counter).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/stream.hpp"

namespace alphintra::bench {

struct ReplayTotals {
  std::uint64_t adds = 0;
  std::uint64_t cancelsInStream = 0;
  std::uint64_t markets = 0;
  std::uint64_t fills = 0;
  std::int64_t fillQuantity = 0;
  std::int64_t notional = 0;
  std::uint64_t cancels = 0;        // Cancelled events: explicit + market remainders
  std::uint64_t cancelRejects = 0;  // cancels of orders not live
  std::uint64_t rejects = 0;        // other rejections (e.g. market order into an empty side)
  std::uint64_t resting = 0;
  std::uint64_t levels = 0;
  std::uint64_t peakOrders = 0;
  bool operator==(const ReplayTotals&) const = default;
};

struct ReplayOptions {
  int throughputPasses = 5;  // the best pass is reported (least disturbed by the machine)
  bool latency = true;
  bool marketData = false;  // also emit L2 and L3 deltas
};

struct ReplayResult {
  ReplayTotals totals;
  std::uint64_t operations = 0;
  double opsPerSecond = 0;
  double p50Ns = 0;
  double p99Ns = 0;
  double p999Ns = 0;
  double maxNs = 0;
  std::uint64_t allocations = 0;  // during the timed passes
};

// Only the verification pass: totals of a replay on an empty book.
ReplayTotals replayTotals(const std::vector<StreamOp>& ops, bool marketData = false);

ReplayResult runReplay(const std::vector<StreamOp>& ops, const ReplayOptions& options);

std::string toJson(const ReplayResult& result, const std::string& stream);

}  // namespace alphintra::bench
