// BacktestSpec: everything one backtest run needs — instruments with their data files,
// strategies with their parameters, account and fill settings — built from the command line or
// from a TOML config (multi-strategy, multi-instrument runs), and run into reports.
//
// TOML layout (docs/backtest.md):
//   periods_per_year = 252            # optional
//   [account]  cash, currency, type ("margin"|"cash"), maker_fee_bps, taker_fee_bps, max_leverage
//   [fill]     slippage_ticks, slippage_bps, max_volume_share
//   [fx]       "EUR/USD" = 1.085 ...   fixed rates for instruments in other currencies (bars of
//              the pair in the data win)
//   [[instrument]]  symbol, data (CSV path, relative to the config file), price_precision,
//                   quantity_precision, tick, lot, adjusted, currency
//   [[strategy]]    name, label, instruments = ["SYM", ...] (default: all), [strategy.params] k = v
// Errors name the key ("strategy[1].params.fast") or the file, line and column.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "backtest/backtester.hpp"
#include "core/result.hpp"
#include "strategy/parameters.hpp"

namespace alphintra::backtest {

struct DataSpec {
  std::string symbol;
  std::filesystem::path file;
  int pricePrecision = 2;
  int quantityPrecision = 0;
  std::string tick;  // empty: one unit of the last price digit
  std::string lot = "1";
  std::string multiplier = "1";                // contract size (a future's points value)
  AssetClass assetClass = AssetClass::Equity;  // a future settles like one (docs/accounting.md)
  bool adjusted = false;
  std::string currency;  // empty: the pair's quote currency for "EUR/USD", else the account's
};

struct StrategySpec {
  std::string name;
  std::string label;
  std::vector<std::string> instruments;  // symbols; empty: all
  strategy::Parameters params;
};

struct BacktestSpec {
  std::vector<DataSpec> data;
  std::vector<StrategySpec> strategies;
  BacktestOptions options;
  double periodsPerYear = 0;  // 0: inferred
};

Result<BacktestSpec> loadConfig(const std::filesystem::path& file);

// The instruments of the spec (ids 1..n in data order).
Result<std::vector<Instrument>> specInstruments(const BacktestSpec& spec);
// A source streaming every data file, merged by time.
Result<std::unique_ptr<BarSource>> openData(const BacktestSpec& spec);
// A backtester with the spec's instruments and strategies added.
Result<std::unique_ptr<Backtester>> makeBacktester(const BacktestSpec& spec);

}  // namespace alphintra::backtest
