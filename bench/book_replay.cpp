#include "bench/book_replay.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "bench/alloc_counter.hpp"
#include "book/order_book.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define ALPHINTRA_HAS_TSC 1
#endif

namespace alphintra::bench {
namespace {

Instrument benchInstrument() {
  InstrumentSpec spec;
  spec.id = 1;
  spec.symbol = "BENCH";
  spec.pricePrecision = 0;
  spec.tickSize = "1";
  return *Instrument::create(spec);
}

// One replay: a book, its event buffer, and the totals read off the events.
class Replayer {
 public:
  Replayer(std::uint32_t expectedOrders, bool marketData)
      : book_(benchInstrument(), book::BookOptions{expectedOrders, 1024, marketData, marketData}) {
    events_.reserve(1 << 16);
  }

  void apply(const StreamOp& op, std::int64_t time) {
    events_.clear();
    const Timestamp now{time};
    switch (op.kind) {
      case StreamOp::Kind::Cancel:
        ++totals_.cancelsInStream;
        book_.cancel(bookOrderId(op), now, events_);
        break;
      case StreamOp::Kind::Add:
      case StreamOp::Kind::Market:
        ++(op.kind == StreamOp::Kind::Add ? totals_.adds : totals_.markets);
        book_.submit(toNewOrder(op), now, events_);
        break;
    }
    for (const book::Event& e : events_) {
      switch (e.type) {
        case book::EventType::Trade:
          ++totals_.fills;
          totals_.fillQuantity += e.quantity.raw();
          totals_.notional += e.price.raw() * e.quantity.raw();
          break;
        case book::EventType::Cancelled: ++totals_.cancels; break;
        case book::EventType::Rejected:
          if (op.kind == StreamOp::Kind::Cancel) {
            ++totals_.cancelRejects;
          } else {
            ++totals_.rejects;
          }
          break;
        default: break;
      }
    }
  }

  ReplayTotals finish() {
    totals_.resting = book_.restingOrders();
    totals_.levels = book_.levelCount();
    return totals_;
  }

  const book::OrderBook& book() const { return book_; }

 private:
  book::OrderBook book_;
  std::vector<book::Event> events_;
  ReplayTotals totals_;
};

double percentile(std::vector<std::uint64_t>& sorted, double q) {
  const std::size_t at = std::min(sorted.size() - 1, static_cast<std::size_t>(q * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[at]);
}

#ifdef ALPHINTRA_HAS_TSC
double calibrateTscPerNs() {
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t c0 = __rdtsc();
  while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(50)) {
  }
  const std::uint64_t c1 = __rdtsc();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
  return static_cast<double>(c1 - c0) / static_cast<double>(ns);
}
#endif

}  // namespace

ReplayTotals replayTotals(const std::vector<StreamOp>& ops, bool marketData) {
  Replayer replayer(1024, marketData);
  std::uint64_t peak = 0;
  std::int64_t time = 0;
  for (const StreamOp& op : ops) {
    replayer.apply(op, ++time);
    peak = std::max<std::uint64_t>(peak, replayer.book().restingOrders());
  }
  ReplayTotals totals = replayer.finish();
  totals.peakOrders = peak;
  return totals;
}

ReplayResult runReplay(const std::vector<StreamOp>& ops, const ReplayOptions& options) {
  ReplayResult result;
  result.operations = ops.size();
  result.totals = replayTotals(ops, options.marketData);
  // Size the timed books for the peak seen, as a deployment sizes them from configuration.
  const auto expected = static_cast<std::uint32_t>(result.totals.peakOrders + result.totals.peakOrders / 4 + 64);

  double bestSeconds = 1e300;
  for (int pass = 0; pass < std::max(1, options.throughputPasses); ++pass) {
    auto replayer = std::make_unique<Replayer>(expected, options.marketData);
    const std::uint64_t allocationsBefore = allocationCount();
    const auto start = std::chrono::steady_clock::now();
    std::int64_t time = 0;
    for (const StreamOp& op : ops) replayer->apply(op, ++time);
    const auto stop = std::chrono::steady_clock::now();
    result.allocations = std::max(result.allocations, allocationCount() - allocationsBefore);
    bestSeconds = std::min(bestSeconds, std::chrono::duration<double>(stop - start).count());
    ReplayTotals expectedTotals = result.totals;
    expectedTotals.peakOrders = 0;
    if (!(replayer->finish() == expectedTotals)) {
      fmt::print(stderr, "replay: pass {} produced different totals: the book is not deterministic\n", pass);
    }
  }
  result.opsPerSecond = static_cast<double>(ops.size()) / bestSeconds;

  if (options.latency) {
    std::vector<std::uint64_t> samples(ops.size());
    auto replayer = std::make_unique<Replayer>(expected, options.marketData);
    const std::uint64_t allocationsBefore = allocationCount();
    std::int64_t time = 0;
#ifdef ALPHINTRA_HAS_TSC
    const double ticksPerNs = calibrateTscPerNs();
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const std::uint64_t t0 = __rdtsc();
      replayer->apply(ops[i], ++time);
      samples[i] = __rdtsc() - t0;
    }
#else
    const double ticksPerNs = 1.0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      replayer->apply(ops[i], ++time);
      samples[i] = static_cast<std::uint64_t>((std::chrono::steady_clock::now() - t0).count());
    }
#endif
    result.allocations = std::max(result.allocations, allocationCount() - allocationsBefore);
    if (!samples.empty()) {
      std::sort(samples.begin(), samples.end());
      result.p50Ns = percentile(samples, 0.50) / ticksPerNs;
      result.p99Ns = percentile(samples, 0.99) / ticksPerNs;
      result.p999Ns = percentile(samples, 0.999) / ticksPerNs;
      result.maxNs = static_cast<double>(samples.back()) / ticksPerNs;
    }
  }
  return result;
}

std::string toJson(const ReplayResult& r, const std::string& stream) {
  const ReplayTotals& t = r.totals;
  return fmt::format(
      "{{\"stream\":\"{}\",\"operations\":{},\"ops_per_sec\":{:.0f},\"p50_ns\":{:.1f},\"p99_ns\":{:.1f},"
      "\"p999_ns\":{:.1f},\"max_ns\":{:.1f},\"allocations\":{},\"adds\":{},\"cancels_in_stream\":{},\"markets\":{},"
      "\"fills\":{},\"fill_qty\":{},\"notional\":{},\"cancels\":{},\"cancel_rejects\":{},\"rejects\":{},"
      "\"resting\":{},\"levels\":{},\"peak_orders\":{}}}",
      stream, r.operations, r.opsPerSecond, r.p50Ns, r.p99Ns, r.p999Ns, r.maxNs, r.allocations, t.adds,
      t.cancelsInStream, t.markets, t.fills, t.fillQuantity, t.notional, t.cancels, t.cancelRejects, t.rejects,
      t.resting, t.levels, t.peakOrders);
}

}  // namespace alphintra::bench
