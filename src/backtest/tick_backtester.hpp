// TickBacktester: runs strategies over trade/quote, L2 and L3 market data through the real
// engine, with the ReplayVenue (replay_venue.hpp) as its venue: the strategies' orders meet
// the replayed book, after an order latency.
//
// Each event, in the source's time order (merged sources break ties by source order), at its
// exchange time t:
//   1. what is due first: order commands whose arrival time (sent + latency) is before t, and
//      timers set for t or earlier, in time order (commands before timers at equal times);
//      the engine applies each command at its arrival time. An order arriving at exactly t
//      therefore comes after the recorded messages of t: the recorded flow had priority;
//   2. the venue applies the event to the instrument's book; fills of our orders it causes go
//      through the engine as a ClockTick at t (OMS, ledger, risk, fees from the account);
//   3. the strategies trading the instrument hear it: onTrade for a print (and the position is
//      marked at its price), onQuote when the best bid or ask (price or size) changed, onBook
//      when depth updates are on and the five levels a side (prices and sizes) changed — a
//      change deeper in the book shows the strategies nothing new and calls no one.
// Callbacks never nest (what they cause is delivered after they return). With latency 0 an
// order reaches the venue inside submit(), as in the bar backtester.
//
// Reports: an equity point per equityInterval of simulated time (and one at the end), fills
// and round trips as in the bar backtester (report.hpp writes the same files); `bars` counts
// the events replayed. The final equity is the ledger's valuation at the last trade prices.
//
// Determinism: no clock, no randomness, no hash-order iteration: the same events and settings
// give the same fills and report bytes. Known limits: one order latency for new orders,
// cancels and replaces alike (reports come back at once). Several currencies as in bar runs
// (run_currencies.hpp): rates from the prints of the FX pairs in the data, or fixed.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backtest/backtester.hpp"
#include "backtest/event_source.hpp"
#include "backtest/replay_venue.hpp"

namespace alphintra::engine {
class Engine;
}

namespace alphintra::backtest {

struct TickOptions {
  AccountSettings account;
  // Rates for instruments quoted in other currencies than the account's when their FX pair's
  // prints are not in the data (run_currencies.hpp).
  std::vector<FxQuote> fx;
  std::int64_t latencyNanos = 0;  // strategy → venue, for every order command
  QueueModel queue = QueueModel::Pessimistic;
  bool depthUpdates = true;  // onBook whenever the five levels a side change (off: onQuote and onTrade only)
  std::int64_t equityIntervalNanos = 1'000'000'000;
  bool progress = false;
  std::size_t expectedOrders = 1u << 16;        // the engine's order table
  std::uint32_t expectedBookOrders = 1u << 14;  // live replayed orders per L3 book
};

struct TickStats {
  std::uint64_t events = 0;
  std::uint64_t fillTicks = 0;        // ClockTicks sent because replayed events filled our orders
  std::uint64_t skippedMessages = 0;  // feed messages about orders the replay no longer held
};

class TickBacktester {
 public:
  // depth[i]: how instrument i is replayed (L3 for order-level data, L2 otherwise).
  TickBacktester(std::vector<Instrument> instruments, std::vector<ReplayDepth> depth, TickOptions options);
  ~TickBacktester();
  TickBacktester(const TickBacktester&) = delete;
  TickBacktester& operator=(const TickBacktester&) = delete;

  // A strategy trading these instruments (empty: all), in slot order. Errors name the field.
  Result<bool> addStrategy(std::unique_ptr<strategy::Strategy> strategy, std::vector<InstrumentId> instruments,
                           std::string label);
  // Replays every event of `source` once. Errors: events out of time order, an event of an
  // unknown instrument, the source's own error (file, line, field), or a second call (field
  // "run": a backtester runs once).
  Result<BacktestResult> run(EventSource& source);

  const engine::Engine& engine() const noexcept;
  const ReplayVenue& venue() const noexcept;
  const TickStats& stats() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace alphintra::backtest
