// Report files of a backtest, written into one directory:
//   metrics.json   the statistics (statistics.hpp) and each strategy's outcome
//   equity.csv     time,equity,cash,gross_exposure,drawdown (one row per bar time)
//   trades.csv     round trips: strategy,instrument,direction,entry_time,exit_time,quantity,
//                  entry_price,exit_price,pnl
//   fills.csv      time,strategy,instrument,side,quantity,price,fee
// Numbers are printed with a fixed format (17 significant digits for doubles, exact decimals
// for prices and quantities), times as ISO 8601 UTC: the same run gives the same bytes.
#pragma once

#include <filesystem>
#include <string>

#include "backtest/backtester.hpp"
#include "backtest/statistics.hpp"
#include "core/result.hpp"

namespace alphintra::backtest {

// 2024-01-31T00:00:00Z (seconds; sub-second digits when the time has them).
std::string formatTime(Timestamp t);

std::string metricsJson(const BacktestResult& result, const Metrics& metrics);

// Writes the four files; the error names the file that could not be written.
Result<bool> writeReports(const std::filesystem::path& dir, const BacktestResult& result, const Metrics& metrics);

// Writes `text` to `path`, naming the path in the error.
Result<bool> writeFile(const std::filesystem::path& path, const std::string& text);

}  // namespace alphintra::backtest
