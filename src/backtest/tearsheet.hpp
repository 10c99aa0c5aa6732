// The HTML tearsheet: one self-contained file (inline SVG and CSS, no script, no network) with
// the headline metrics, the equity curve, the drawdown, a monthly-returns heatmap, the rolling
// Sharpe ratio (window: one year of bars, at most a third of the run) and each of the first
// instruments' closes with the fills marked (buys ▲ green, sells ▼ red). Deterministic text.
#pragma once

#include <string>

#include "backtest/backtester.hpp"
#include "backtest/statistics.hpp"

namespace alphintra::backtest {

std::string tearsheetHtml(const BacktestResult& result, const Metrics& metrics, const std::string& title);

}  // namespace alphintra::backtest
