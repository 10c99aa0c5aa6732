#include "backtest/sweep.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

#include "backtest/report.hpp"

namespace alphintra::backtest {

namespace {

// Bars with from <= start < to.
class WindowSource final : public BarSource {
 public:
  WindowSource(std::unique_ptr<BarSource> inner, Timestamp from, Timestamp to)
      : inner_(std::move(inner)), from_(from), to_(to) {}
  Result<std::size_t> read(std::span<marketdata::Bar> out) override {
    for (;;) {
      auto n = inner_->read(out);
      if (!n || *n == 0) return n;
      std::size_t kept = 0;
      for (std::size_t i = 0; i < *n; ++i) {
        if (out[i].start >= from_ && out[i].start < to_) out[kept++] = out[i];
      }
      if (kept > 0) return kept;
    }
  }

 private:
  std::unique_ptr<BarSource> inner_;
  Timestamp from_, to_;
};

SweepRow runOne(const BacktestSpec& base, const strategy::Parameters& params, Timestamp from, Timestamp to) {
  SweepRow row;
  row.params = params.describe();
  BacktestSpec spec = base;
  spec.strategies.resize(1);
  spec.strategies[0].params = params;
  spec.options.progress = false;
  auto bt = makeBacktester(spec);
  if (!bt) {
    row.error = bt.error().field + ": " + bt.error().message;
    return row;
  }
  auto data = openData(spec);
  if (!data) {
    row.error = data.error().message;
    return row;
  }
  WindowSource window(std::move(data).value(), from, to);
  auto result = (*bt)->run(window);
  if (!result) {
    row.error = result.error().message;
    return row;
  }
  row.ok = true;
  row.metrics = computeMetrics(*result, spec.periodsPerYear);
  return row;
}

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.10g}", v) : ""; }

}  // namespace

Result<SweepAxis> parseSweepAxis(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    return makeError("sweep", "'" + text + "' is not of the form name=v1,v2,...");
  }
  SweepAxis axis;
  axis.name = text.substr(0, eq);
  std::size_t start = eq + 1;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string v = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (v.empty()) return makeError("sweep", "'" + text + "' has an empty value");
    axis.values.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return axis;
}

std::vector<strategy::Parameters> sweepGrid(const strategy::Parameters& base, const std::vector<SweepAxis>& axes) {
  std::vector<strategy::Parameters> grid{base};
  for (const SweepAxis& axis : axes) {
    std::vector<strategy::Parameters> next;
    for (const auto& p : grid) {
      for (const std::string& v : axis.values) {
        strategy::Parameters q = p;
        q.set(axis.name, v);
        next.push_back(q);
      }
    }
    grid = std::move(next);
  }
  return grid;
}

std::vector<SweepRow> runSweep(const BacktestSpec& spec, const std::vector<strategy::Parameters>& grid,
                               unsigned threads, Timestamp from, Timestamp to) {
  std::vector<SweepRow> rows(grid.size());
  std::atomic<std::size_t> next{0};
  const unsigned n = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(grid.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < n; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < grid.size(); i = next++) rows[i] = runOne(spec, grid[i], from, to);
    });
  }
  for (auto& t : pool) t.join();
  return rows;
}

Result<std::vector<WalkForwardRow>> runWalkForward(const BacktestSpec& spec,
                                                   const std::vector<strategy::Parameters>& grid, std::size_t folds,
                                                   unsigned threads) {
  if (folds == 0) return makeError("walk-forward", "needs at least one fold");
  auto data = openData(spec);
  if (!data) return data.error();
  std::vector<marketdata::Bar> buffer(4096);
  bool any = false;
  Timestamp first, last;
  for (;;) {
    auto n = (*data)->read(buffer);
    if (!n) return n.error();
    if (*n == 0) break;
    for (std::size_t i = 0; i < *n; ++i) {
      if (!any || buffer[i].start < first) first = buffer[i].start;
      if (!any || buffer[i].start > last) last = buffer[i].start;
      any = true;
    }
  }
  if (!any) return makeError("data", "no bars");
  const std::int64_t span = (last - first) / static_cast<std::int64_t>(folds + 1) + 1;
  std::vector<WalkForwardRow> rows;
  for (std::size_t k = 0; k < folds; ++k) {
    const Timestamp trainStart = first + static_cast<std::int64_t>(k) * span;
    const Timestamp testStart = trainStart + span;
    const Timestamp testEnd = k + 1 == folds ? last + 1 : testStart + span;
    const auto inSample = runSweep(spec, grid, threads, trainStart, testStart);
    std::size_t best = grid.size();
    for (std::size_t i = 0; i < inSample.size(); ++i) {
      if (!inSample[i].ok || !std::isfinite(inSample[i].metrics.sharpe)) continue;
      if (best == grid.size() || inSample[i].metrics.sharpe > inSample[best].metrics.sharpe) best = i;
    }
    WalkForwardRow row;
    row.fold = k + 1;
    row.trainStart = trainStart;
    row.testStart = testStart;
    row.testEnd = testEnd;
    if (best == grid.size()) {
      row.outOfSample.error = "no parameter set had a defined in-sample Sharpe";
    } else {
      row.params = inSample[best].params;
      row.inSampleSharpe = inSample[best].metrics.sharpe;
      row.outOfSample = runSweep(spec, {grid[best]}, 1, testStart, testEnd).front();
    }
    rows.push_back(row);
  }
  return rows;
}

std::string sweepCsv(const std::vector<SweepRow>& rows) {
  std::string out =
      "params,total_return,cagr,sharpe,sortino,max_drawdown,win_rate,profit_factor,trades,final_equity,error\n";
  for (const SweepRow& r : rows) {
    const Metrics& m = r.metrics;
    out += fmt::format("\"{}\",{},{},{},{},{},{},{},{},{},\"{}\"\n", r.params, num(m.totalReturn), num(m.cagr),
                       num(m.sharpe), num(m.sortino), num(m.maxDrawdown), num(m.winRate), num(m.profitFactor),
                       r.ok ? std::to_string(m.trades) : "", num(m.finalEquity), r.error);
  }
  return out;
}

std::string walkForwardCsv(const std::vector<WalkForwardRow>& rows) {
  std::string out =
      "fold,train_start,test_start,test_end,params,in_sample_sharpe,oos_total_return,oos_sharpe,oos_max_drawdown,"
      "oos_trades,error\n";
  for (const WalkForwardRow& r : rows) {
    const Metrics& m = r.outOfSample.metrics;
    out += fmt::format("{},{},{},{},\"{}\",{},{},{},{},{},\"{}\"\n", r.fold, formatTime(r.trainStart),
                       formatTime(r.testStart), formatTime(r.testEnd), r.params, num(r.inSampleSharpe),
                       num(m.totalReturn), num(m.sharpe), num(m.maxDrawdown),
                       r.outOfSample.ok ? std::to_string(m.trades) : "", r.outOfSample.error);
  }
  return out;
}

}  // namespace alphintra::backtest
