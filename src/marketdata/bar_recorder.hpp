// BarRecorder: turns a live trade stream (the market simulator's, or any feed's) into history —
// every trade is stored (series "trades") and folded into 1-second bars (series "bars-1s") per
// instrument, so that `alphintra serve` leaves behind data a newcomer can backtest on.
//
// Feed it trades in time order per instrument (engine PublicTrade events are); a trade older
// than the open bar joins that bar (BarAggregator). Bars are written when complete; finish()
// writes the open ones and flushes the store. Call flush() now and then (e.g. once a second)
// to make the data visible to readers and bound what a crash can lose.
//
// Threading: one thread (it owns its HistoryWriter). Memory: one aggregator per instrument seen.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "core/result.hpp"
#include "engine/event.hpp"
#include "marketdata/bar_aggregator.hpp"
#include "marketdata/events.hpp"
#include "marketdata/history_store.hpp"

namespace alphintra::marketdata {

class BarRecorder {
 public:
  // `writer` must outlive the recorder. `storeTrades` false keeps only the bars.
  explicit BarRecorder(HistoryWriter& writer, std::int64_t barIntervalNanos = kOneSecond, bool storeTrades = true)
      : writer_(writer), interval_(barIntervalNanos), storeTrades_(storeTrades) {}

  Result<bool> onTrade(const TradeEvent& trade);
  // Records PublicTrade events (exchange and receive time = the event's time); ignores the rest.
  Result<bool> onEngineEvent(const engine::EngineEvent& event);
  Result<bool> flush() { return writer_.flush(); }
  // Writes the open bars and flushes.
  Result<bool> finish();

  std::uint64_t tradesRecorded() const noexcept { return trades_; }
  std::uint64_t barsWritten() const noexcept { return bars_; }

  static constexpr std::int64_t kOneSecond = 1'000'000'000;

 private:
  HistoryWriter& writer_;
  std::int64_t interval_;
  bool storeTrades_;
  std::unordered_map<std::uint64_t, BarAggregator> aggregators_;
  std::uint64_t trades_ = 0;
  std::uint64_t bars_ = 0;
};

}  // namespace alphintra::marketdata
