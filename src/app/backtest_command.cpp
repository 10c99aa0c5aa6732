// `alphintra backtest`: runs built-in strategies over OHLCV CSV files through the engine on a
// simulated clock and writes DIR/metrics.json, equity.csv, trades.csv, fills.csv and
// tearsheet.html (docs/backtest.md). With --sweep it runs a parameter grid on all cores and
// writes DIR/sweep.csv; with --walk-forward N, DIR/walk_forward.csv. A TOML --config describes
// multi-strategy, multi-instrument runs. Errors name the option, key or file:line:column and
// exit with code 2.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "app/commands.hpp"
#include "backtest/report.hpp"
#include "backtest/spec.hpp"
#include "backtest/statistics.hpp"
#include "backtest/sweep.hpp"
#include "backtest/tearsheet.hpp"
#include "backtest/tick_spec.hpp"
#include "strategy/registry.hpp"

namespace alphintra::app {
namespace {

backtest::TickSettings ohlcvSettings() {
  backtest::TickSettings s;
  s.format = "ohlcv";
  return s;
}

struct BacktestArgs {
  std::string config;
  std::string strategy;
  std::vector<std::string> data;
  std::vector<std::string> symbols;
  std::vector<std::string> params;
  std::string out;
  int pricePrecision = 2;
  int quantityPrecision = 0;
  std::string tick;
  std::string multiplier = "1";
  std::string assetClass = "equity";
  bool adjusted = false;
  double cash = 1'000'000;
  std::string currency = "USD";
  std::string accountType = "margin";
  double feeBps = 0;
  std::int64_t slippageTicks = 0;
  double slippageBps = 0;
  double maxVolumeShare = 0;
  double periodsPerYear = 0;
  std::vector<std::string> sweep;
  std::size_t walkForward = 0;
  unsigned threads = 0;
  bool list = false;
  // Tick data (docs/backtest.md, "Tick, L2 and L3 data"): backtest/tick_spec.hpp.
  backtest::TickSettings tickData = ohlcvSettings();
};

int fail(const Error& e) {
  fmt::print(stderr, "error: {}{}{}\n", e.field, e.field.empty() ? "" : ": ", e.message);
  return 2;
}

Result<backtest::BacktestSpec> specFrom(const BacktestArgs& a) {
  backtest::BacktestSpec spec;
  if (!a.config.empty()) {
    auto loaded = backtest::loadConfig(a.config);
    if (!loaded) return loaded.error();
    spec = std::move(loaded).value();
  } else {
    if (a.strategy.empty()) return makeError("--strategy", "give a strategy (or --config FILE)");
    if (a.data.empty()) return makeError("--data", "give at least one OHLCV CSV file (or --config FILE)");
    if (!a.symbols.empty() && a.symbols.size() != a.data.size()) {
      return makeError("--symbol", "give one symbol per --data file, in the same order");
    }
    for (std::size_t i = 0; i < a.data.size(); ++i) {
      backtest::DataSpec d;
      d.file = a.data[i];
      d.symbol = a.symbols.empty() ? std::filesystem::path(a.data[i]).stem().string() : a.symbols[i];
      d.pricePrecision = a.pricePrecision;
      d.quantityPrecision = a.quantityPrecision;
      d.tick = a.tick;
      d.multiplier = a.multiplier;
      d.assetClass = parseAssetClass(a.assetClass).value_or(AssetClass::Equity);
      d.adjusted = a.adjusted;
      spec.data.push_back(d);
    }
    backtest::StrategySpec s;
    s.name = a.strategy;
    s.label = a.strategy;
    auto params = strategy::Parameters::parse(a.params);
    if (!params) return params.error();
    s.params = *params;
    spec.strategies.push_back(s);
    spec.options.account.initialCash = a.cash;
    spec.options.account.currency = a.currency;
    spec.options.account.type = a.accountType == "cash" ? risk::AccountType::Cash : risk::AccountType::Margin;
    spec.options.account.takerFeePpm = std::llround(a.feeBps * 100);
    spec.options.account.makerFeePpm = std::llround(a.feeBps * 100);
    spec.options.fill.slippageTicks = a.slippageTicks;
    spec.options.fill.slippageBps = a.slippageBps;
    spec.options.fill.maxVolumeShare = a.maxVolumeShare;
  }
  if (a.periodsPerYear > 0) spec.periodsPerYear = a.periodsPerYear;
  return spec;
}

int runBacktest(const BacktestArgs& a) {
  if (a.list) {
    for (const auto& s : strategy::builtinStrategies())
      fmt::print("{:<16}{}\n{:<16}({})\n", s.name, s.summary, "", s.parameters);
    return 0;
  }
  if (a.out.empty()) return fail(makeError("--out", "give the directory the reports go to"));
  auto loaded = specFrom(a);
  if (!loaded) return fail(loaded.error());
  backtest::BacktestSpec specValue = std::move(loaded).value();
  backtest::BacktestSpec* spec = &specValue;
  const std::filesystem::path out = a.out;
  const unsigned threads = a.threads > 0 ? a.threads : std::max(1u, std::thread::hardware_concurrency());

  const bool tick = a.tickData.format != "ohlcv";
  if (tick && !backtest::isTickFormat(a.tickData.format)) {
    return fail(makeError("--format", "must be ohlcv, lobster, itch, trades or quotes"));
  }
  if (tick && (!a.sweep.empty() || a.walkForward > 0)) {
    return fail(makeError("--sweep", "sweeps and walk-forward run over bar (ohlcv) data"));
  }
  if (!a.sweep.empty() || a.walkForward > 0) {
    std::vector<backtest::SweepAxis> axes;
    for (const std::string& s : a.sweep) {
      auto axis = backtest::parseSweepAxis(s);
      if (!axis) return fail(axis.error());
      axes.push_back(*axis);
    }
    const auto grid = backtest::sweepGrid(spec->strategies.front().params, axes);
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    if (ec) return fail(makeError("--out", "cannot create " + out.string() + ": " + ec.message()));
    if (a.walkForward > 0) {
      auto rows = backtest::runWalkForward(*spec, grid, a.walkForward, threads);
      if (!rows) return fail(rows.error());
      const std::string csv = backtest::walkForwardCsv(*rows);
      if (auto ok = backtest::writeFile(out / "walk_forward.csv", csv); !ok) return fail(ok.error());
      fmt::print("{}", csv);
      return 0;
    }
    const auto rows = backtest::runSweep(*spec, grid, threads, Timestamp{std::numeric_limits<std::int64_t>::min()},
                                         Timestamp{std::numeric_limits<std::int64_t>::max()});
    const std::string csv = backtest::sweepCsv(rows);
    if (auto ok = backtest::writeFile(out / "sweep.csv", csv); !ok) return fail(ok.error());
    fmt::print("{}", csv);
    for (const auto& r : rows) {
      if (!r.ok) return fail(makeError("sweep", r.params + ": " + r.error));
    }
    return 0;
  }

  spec->options.progress = ::isatty(STDERR_FILENO) == 1;
  Result<backtest::BacktestResult> result = makeError("", "");
  if (tick) {
    result = backtest::runTickBacktest(*spec, a.tickData);
  } else {
    auto bt = backtest::makeBacktester(*spec);
    if (!bt) return fail(bt.error());
    auto data = backtest::openData(*spec);
    if (!data) return fail(data.error());
    result = (*bt)->run(**data);
  }
  if (!result) return fail(result.error());
  const backtest::Metrics metrics = backtest::computeMetrics(*result, spec->periodsPerYear);
  if (auto ok = backtest::writeReports(out, *result, metrics); !ok) return fail(ok.error());
  std::string title = "Backtest:";
  for (const auto& s : spec->strategies)
    title += " " + s.label + (s.params.values().empty() ? "" : "(" + s.params.describe() + ")");
  if (auto ok = backtest::writeFile(out / "tearsheet.html", backtest::tearsheetHtml(*result, metrics, title)); !ok) {
    return fail(ok.error());
  }
  fmt::print(
      "{} {}, {} fills, {} round trips; final equity {:.2f} (total return {:.4f}%, Sharpe {:.3f}, max drawdown "
      "{:.4f}%)\n",
      result->bars, tick ? "events" : "bars", result->fills.size(), result->trades.size(), metrics.finalEquity,
      metrics.totalReturn * 100, metrics.sharpe, metrics.maxDrawdown * 100);
  fmt::print("reports in {}\n", out.string());
  return 0;
}

}  // namespace

void addBacktestCommand(CLI::App& app) {
  auto a = std::make_shared<BacktestArgs>();
  auto* cmd =
      app.add_subcommand("backtest", "Run strategies over historical bars through the engine (docs/backtest.md)");
  cmd->add_option("--config", a->config, "TOML config: instruments, strategies, account, fill model")
      ->check(CLI::ExistingFile);
  cmd->add_option("--strategy", a->strategy, "Built-in strategy (--list shows them)");
  cmd->add_option("--data", a->data, "OHLCV CSV file, or a --format tick file (repeat for several instruments)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--symbol", a->symbols, "Symbol of each --data file (default: the file name)");
  cmd->add_option("--param", a->params, "Strategy parameter name=value (repeatable)");
  cmd->add_option("--out", a->out, "Directory for the reports");
  cmd->add_option("--price-precision", a->pricePrecision, "Decimal places of prices")->check(CLI::Range(0, 9));
  cmd->add_option("--quantity-precision", a->quantityPrecision, "Decimal places of quantities")
      ->check(CLI::Range(0, 9));
  cmd->add_option("--tick", a->tick, "Tick size (default: one unit of the last price digit)");
  cmd->add_option("--multiplier", a->multiplier,
                  "Contract multiplier: value of one price unit per unit of quantity (a future's, e.g. 50)");
  cmd->add_option("--asset-class", a->assetClass, "Asset class of the instruments (a future settles like one)")
      ->check(CLI::IsMember({"equity", "fx", "future", "option", "crypto"}));
  cmd->add_flag("--adjusted", a->adjusted, "Use Adj Close (scales open, high, low)");
  cmd->add_option("--cash", a->cash, "Initial cash per strategy")->check(CLI::PositiveNumber);
  cmd->add_option("--currency", a->currency, "Account and instrument currency");
  cmd->add_option("--account", a->accountType, "Account type")->check(CLI::IsMember({"margin", "cash"}));
  cmd->add_option("--fee-bps", a->feeBps, "Fee per fill in basis points of notional")->check(CLI::Range(0.0, 10'000.0));
  cmd->add_option("--slippage-ticks", a->slippageTicks, "Market fills this many ticks worse than the open")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000}));
  cmd->add_option("--slippage-bps", a->slippageBps, "Market fills this many bp worse (rounded up to ticks)")
      ->check(CLI::Range(0.0, 10'000.0));
  cmd->add_option("--max-volume-share", a->maxVolumeShare,
                  "Fills of a bar take at most this share of its volume, the rest works on (0: no limit)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--periods-per-year", a->periodsPerYear, "Annualization (default: from the bar spacing)");
  cmd->add_option("--sweep", a->sweep, "Parameter grid axis name=v1,v2,... (repeatable): writes DIR/sweep.csv");
  cmd->add_option("--walk-forward", a->walkForward, "Walk-forward with N folds over the --sweep grid")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  cmd->add_option("--threads", a->threads, "Threads for sweeps (default: all cores)");
  cmd->add_flag("--list", a->list, "List the built-in strategies and their parameters");
  cmd->add_option("--format", a->tickData.format,
                  "Data format: ohlcv (bars), lobster, itch (L3), trades, quotes (L2/L1)");
  cmd->add_option("--date", a->tickData.date,
                  "lobster / itch: the trading day YYYY-MM-DD (lobster: default from the name)");
  cmd->add_option("--utc-offset", a->tickData.utcOffset, "lobster / itch: the files' local time zone, e.g. -04:00");
  cmd->add_option("--latency", a->tickData.latency, "Tick data: order latency, e.g. 250us (default 0)");
  cmd->add_option("--queue", a->tickData.queue, "L2/L1 queue estimate: pessimistic (default) or proportional");
  cmd->add_option("--depth-updates", a->tickData.depthUpdates,
                  "Tick data: onBook when the top five levels change (default true)");
  cmd->callback([a] { setExitCode(runBacktest(*a)); });
}

}  // namespace alphintra::app
