// RunCurrencies: the currencies of a backtest run, for the bar and the tick drivers alike. The
// accounts' base currency first, then every other currency an instrument is quoted in; each of
// those needs a rate to the base, from the data (an instrument named "CCY/BASE" or "BASE/CCY",
// whose prices — bar closes, prints — set it as they come) or else fixed (FxQuote). The rates
// reach the engine as SetFxRate commands (the ledger books each currency's balance and values
// the account at them) and the runners through RunnerHost::fxRate.
//
// Threading: the backtest loop's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "backtest/backtester.hpp"
#include "backtest/strategy_runner.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"

namespace alphintra::backtest {

class RunCurrencies {
 public:
  using Apply = std::function<void(engine::Command&)>;

  // Fills host.currencies and host.fxRate, applies the fixed rates, and finds the rate sources
  // among `instruments`. An error names what is wrong: a bad [fx] entry ("fx.EUR/USD"), or a
  // currency with no rate ("fx", naming its instruments and the pair to give).
  Result<bool> setUp(RunnerHost& host, std::span<const Instrument> instruments, Currency base,
                     std::span<const FxQuote> fixed, const Apply& apply);
  // Whether instrument i's prices set a rate.
  bool isSource(std::uint32_t i) const noexcept { return i < feed_.size() && feed_[i] >= 0; }
  // Whether any instrument sets a rate (a single-currency run has none: no per-bar check).
  bool anySource() const noexcept { return anySource_; }
  // A price of the pair instrument i: the engine's rate and the runners' conversion follow it.
  void setRate(RunnerHost& host, std::uint32_t i, Price price, const Apply& apply) const;

 private:
  std::vector<Instrument> instruments_;
  std::vector<std::int32_t> feed_;  // by instrument: the currency (index) its prices set, −1: none
  std::vector<bool> inverse_;       // the pair is BASE/CCY
  bool anySource_ = false;
};

}  // namespace alphintra::backtest
