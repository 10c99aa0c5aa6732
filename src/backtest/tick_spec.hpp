// Tick backtest runs from a BacktestSpec (spec.hpp): the same instruments, strategies and account
// as a bar run, with data files in a tick format and the replay's settings:
//
//   format    lobster  LOBSTER message files, one per instrument (L3)
//             itch     a TotalView-ITCH 5.0 file; each instrument's symbol names a stock in its
//                      stock directory (L3)
//             trades   trade CSV files (L2 fill model: prints advance the queue)
//             quotes   quote CSV files (L1: the touch and its sizes)
//   date, utcOffset    the trading day and the files' time zone (LOBSTER and ITCH times are
//                      local times after midnight); LOBSTER takes the day from its file name
//   latency            order latency, "0", "250us", "1.5ms", "100ns", "2s"
//   queue              "pessimistic" or "proportional" (L2/L1 queue estimate)
//
// Errors name the option ("--latency") or the file, line and field.
#pragma once

#include <string>
#include <string_view>

#include "backtest/spec.hpp"
#include "backtest/tick_backtester.hpp"

namespace alphintra::backtest {

struct TickSettings {
  std::string format = "lobster";
  std::string date;
  std::string utcOffset = "+00:00";
  std::string latency = "0";
  std::string queue = "pessimistic";
  bool depthUpdates = true;
};

// "250us" → 250'000 (units ns, us, ms, s; a bare 0 is 0). Exact: decimals must land on a nanosecond.
Result<std::int64_t> parseLatency(std::string_view text);
Result<QueueModel> parseQueueModel(std::string_view text);
bool isTickFormat(std::string_view format) noexcept;

// Builds the backtester and the merged event source of `spec`'s files, runs it, returns the
// result (reports are written by the caller, as for bars).
Result<BacktestResult> runTickBacktest(const BacktestSpec& spec, const TickSettings& settings);

}  // namespace alphintra::backtest
