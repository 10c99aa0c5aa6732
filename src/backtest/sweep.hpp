// Parameter sweeps and walk-forward optimization of a spec's first strategy, each backtest on
// its own thread (all cores by default), every run streaming the data files itself.
//
//   sweep          every combination of the axes' values (a grid), over the whole data
//   walk-forward   the data's time range cut into folds + 1 equal windows; for fold k the grid
//                  is run on window k (in sample), the parameters with the best in-sample
//                  Sharpe (ties: the earlier grid row) are run on window k + 1 (out of sample).
//                  Out-of-sample runs start with cold indicators (no warm-up from the window
//                  before): a known limit, conservative for slow indicators.
// Results are sorted as the grid is (never by finishing order): the same table every run.
#pragma once

#include <string>
#include <vector>

#include "backtest/spec.hpp"
#include "backtest/statistics.hpp"

namespace alphintra::backtest {

struct SweepAxis {
  std::string name;
  std::vector<std::string> values;
};

// "fast=5,10,20" → {fast, [5, 10, 20]}.
Result<SweepAxis> parseSweepAxis(const std::string& text);
std::vector<strategy::Parameters> sweepGrid(const strategy::Parameters& base, const std::vector<SweepAxis>& axes);

struct SweepRow {
  std::string params;
  bool ok = false;
  std::string error;
  Metrics metrics;
};

// Runs the spec with its first strategy's parameters replaced by each grid row, on bars with
// from <= start < to (Timestamp{} / max: no bound).
std::vector<SweepRow> runSweep(const BacktestSpec& spec, const std::vector<strategy::Parameters>& grid,
                               unsigned threads, Timestamp from, Timestamp to);

struct WalkForwardRow {
  std::size_t fold = 0;
  Timestamp trainStart, testStart, testEnd;
  std::string params;
  double inSampleSharpe = 0;
  SweepRow outOfSample;
};

Result<std::vector<WalkForwardRow>> runWalkForward(const BacktestSpec& spec,
                                                   const std::vector<strategy::Parameters>& grid, std::size_t folds,
                                                   unsigned threads);

std::string sweepCsv(const std::vector<SweepRow>& rows);
std::string walkForwardCsv(const std::vector<WalkForwardRow>& rows);

}  // namespace alphintra::backtest
