// Bar aggregation from trades: time bars (1 s to 1 d, aligned to UTC midnight), tick bars
// (every N trades), volume bars (once N raw quantity units traded) and dollar bars (once N raw
// notional units — raw price × raw quantity — traded); and resampling of time bars into longer
// time bars (1 s → 1 m → 1 d).
//
// Conventions (docs/market-data.md):
//  * a time bar covers [start, start + span) with start = floor(t / span) × span in UTC; an
//    interval without trades yields no bar (no forward-filled empty bars);
//  * tick/volume/dollar bars start at their first trade; the trade that reaches the threshold
//    belongs wholly to that bar (trades are never split), so a volume bar may exceed N;
//  * a trade older than the open bar's start is counted in the open bar (feeds deliver late
//    prints; the bar stream stays ordered);
//  * notional = Σ price.raw × quantity.raw (Bar::notional), tradeCount = number of trades.
//
// Threading: one aggregator per thread. No allocation after create().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "marketdata/bar.hpp"

namespace alphintra::marketdata {

enum class BarKind : std::uint8_t { Time = 1, Tick = 2, Volume = 3, Dollar = 4 };

struct BarSpec {
  BarKind kind = BarKind::Time;
  std::int64_t size = 60'000'000'000;  // Time: span in ns; Tick: trades; Volume/Dollar: raw units
};

// "1s", "5s", "1m", "15m", "1h", "4h", "1d"...: a whole number of s/m/h/d from 1 s to 1 d that
// divides a day (so every bar is aligned to UTC midnight). Returns the span in nanoseconds.
Result<std::int64_t> parseInterval(std::string_view text);
// Inverse of parseInterval for valid spans ("1m", "1h", "1d", "90s").
std::string formatInterval(std::int64_t spanNanos);
// "1m" (time), "tick:500", "volume:100000", "dollar:1000000000" (raw units).
Result<BarSpec> parseBarSpec(std::string_view text);

class BarAggregator {
 public:
  static Result<BarAggregator> create(InstrumentId instrument, BarSpec spec);

  // Adds one trade; returns true when that completed a bar, which is written to `completed`
  // (for time bars the completed bar is the previous one and this trade opens the next).
  bool onTrade(Timestamp time, Price price, Quantity quantity, Bar& completed) noexcept;
  // Adds a finer time bar (time aggregators only; the input span must divide this one).
  bool onBar(const Bar& in, Bar& completed) noexcept;
  // Hands out the open, unfinished bar (end of data); false when none is open.
  bool flush(Bar& completed) noexcept;

  const BarSpec& spec() const noexcept { return spec_; }
  bool hasOpenBar() const noexcept { return open_; }

 private:
  BarAggregator(InstrumentId instrument, BarSpec spec) noexcept : instrument_(instrument), spec_(spec) {}
  void start(Timestamp barStart, Price price) noexcept;
  bool thresholdReached() const noexcept;

  InstrumentId instrument_;
  BarSpec spec_;
  Bar bar_;
  bool open_ = false;
};

}  // namespace alphintra::marketdata
