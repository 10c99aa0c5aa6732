// Backtester: runs strategies over historical bars through the real engine on a simulated clock.
//
// Each strategy gets its own engine account (id = its position + 1) and a context (the
// StrategyContext the live runner implements too). Its orders become NewOrder / ReplaceOrder /
// CancelOrder commands stamped with the simulated time, so risk checks, fees, cash and
// positions are the engine's; they rest at the BarFillVenue and fill against the next bar of
// their instrument (fill_model.hpp), driven by one ClockTick per bar time that has resting
// orders. Bars themselves never enter the engine: it sees only the orders, which keeps the
// per-bar path to the strategy's own work plus a few adds (no allocation, one virtual call).
//
// Per bar time t (bars of all instruments that start at t, "the group"):
//   1. timers due at or before t fire;
//   2. each bar is handed to the venue; if any instrument has resting orders, a ClockTick at t
//      fills them at this bar (the open, by default) and the strategies hear onFill;
//   3. each bar's close becomes the mark, and each strategy trading the instrument gets onBar;
//      what it sends now rests until the instrument's next bar;
//   4. one equity point per t: cash (the engine's booking, mirrored exactly from the fill
//      reports in integer money) + positions at the closes.
// Callbacks never nest: what an order command causes is queued and delivered after the current
// callback returns. At the end the engine is given every last close as a mark and the final
// equity is the ledger's own valuation (the mirror must agree; tests check it).
//
// Determinism: no clock, no randomness, no hash-order iteration; same bars and settings give
// the same fills and the same bytes in every report.
//
// Currencies: instruments may be quoted in other currencies than the accounts' base. Each such
// currency needs a rate to the base: the bars of its FX pair in the data (an instrument whose
// symbol is "CCY/BASE" or "BASE/CCY"), whose every close becomes the engine's rate (SetFxRate)
// before the strategies hear any bar of that time, or else a fixed rate (BacktestOptions::fx). The engine
// books each fill in its instrument's currency (multi-currency cash balances) and values the
// account in the base at the current rates; the reports follow it (fills and round trips
// converted at the rate of their time). Known limits: bars only here (trade/quote, L2 and L3
// replays: tick_backtester.hpp, one currency). The
// strategies' context is StrategyRunner (strategy_runner.hpp), shared with the tick replay.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backtest/bar_source.hpp"
#include "backtest/fill_model.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "risk/rules.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::engine {
class Engine;
}

namespace alphintra::backtest {

class BarFillVenue;

struct AccountSettings {
  double initialCash = 1'000'000;  // per strategy account, in the base currency
  std::string currency = "USD";
  risk::AccountType type = risk::AccountType::Margin;
  std::int64_t makerFeePpm = 0;  // millionths of notional
  std::int64_t takerFeePpm = 0;
  std::uint32_t maxLeverageHundredths = 0;  // margin accounts; 0: the engine's default (4x)
};

// A fixed exchange rate: 1 `base` = `rate` `quote` (e.g. EUR, USD, 1.085).
struct FxQuote {
  std::string base;
  std::string quote;
  double rate = 0;
};

struct BacktestOptions {
  FillModel fill;
  AccountSettings account;
  // Rates for instruments quoted in another currency than the account's, when no bars of the
  // pair (an instrument named "EUR/USD" or "USD/EUR") are in the data; bars win over these.
  std::vector<FxQuote> fx;
  bool progress = false;  // a progress bar on stderr (the command sets it only for a terminal)
  std::size_t expectedOrders = 1u << 16;
};

struct EquityPoint {
  Timestamp time;
  double equity = 0;
  double cash = 0;
  double grossExposure = 0;  // Σ |position| × close
};

struct FillRecord {
  Timestamp time;
  std::uint32_t strategy = 0;
  InstrumentId instrument;
  Side side = Side::None;
  Quantity quantity;
  Price price;
  Money fee;
  double notional = 0;  // price × quantity, base currency
};

// A position from flat to flat (a flip closes one and opens the next).
struct RoundTrip {
  std::uint32_t strategy = 0;
  InstrumentId instrument;
  Side direction = Side::Buy;  // Buy: long
  Timestamp entryTime;
  Timestamp exitTime;
  double quantity = 0;    // largest absolute size held, instrument units
  double entryPrice = 0;  // average entry price
  double exitPrice = 0;   // average exit price
  double pnl = 0;         // realized, net of the fees of its fills, base currency
};

struct StrategyOutcome {
  std::string label;
  double initialEquity = 0;
  double finalEquity = 0;  // the ledger's valuation after the last marks
  std::uint64_t orders = 0;
  std::uint64_t rejects = 0;
};

inline constexpr std::size_t kPriceSeries = 8;

struct BacktestResult {
  std::vector<EquityPoint> equity;  // the whole portfolio (all strategies' accounts)
  std::vector<FillRecord> fills;
  std::vector<RoundTrip> trades;
  std::vector<StrategyOutcome> strategies;
  std::vector<Instrument> instruments;
  // Closes of the first kPriceSeries instruments at each equity point's time (the last known
  // close; 0 before the first), for the tearsheet: closes[i][k] is instrument i at equity[k].time.
  std::vector<std::vector<double>> closes;
  double initialEquity = 0;
  double finalEquity = 0;
  double tradedNotional = 0;
  std::uint64_t bars = 0;
};

class Backtester {
 public:
  Backtester(std::vector<Instrument> instruments, BacktestOptions options);
  ~Backtester();
  Backtester(const Backtester&) = delete;
  Backtester& operator=(const Backtester&) = delete;

  // A strategy trading these instruments (empty: all), in slot order. Errors name the field.
  Result<bool> addStrategy(std::unique_ptr<strategy::Strategy> strategy, std::vector<InstrumentId> instruments,
                           std::string label);
  // Runs every bar of `source` once. Errors: bars out of time order, a bar of an unknown
  // instrument, the source's own error (file, line, field), or a second call (field "run": a
  // backtester runs once).
  Result<BacktestResult> run(BarSource& source);

  const engine::Engine& engine() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace alphintra::backtest
