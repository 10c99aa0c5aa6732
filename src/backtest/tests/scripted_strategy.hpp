// Test strategies: one that sends the orders a test scripts for given bars, and helpers to build
// instruments and bars.
#pragma once

#include <functional>
#include <map>
#include <vector>

#include "core/instrument.hpp"
#include "marketdata/bar.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::backtest::testing {

inline Instrument stock(std::uint64_t id, std::string symbol) {
  InstrumentSpec spec;
  spec.id = id;
  spec.symbol = std::move(symbol);
  return Instrument::create(spec).value();  // USD, prices 0.01, whole shares
}

inline constexpr std::int64_t kDay = 86'400'000'000'000;
inline constexpr std::int64_t kStart = 1'704'067'200'000'000'000;  // 2024-01-01T00:00:00Z

// A daily bar of instrument `id` on day `day` (prices in cents).
inline marketdata::Bar bar(std::uint64_t id, std::int64_t day, std::int64_t open, std::int64_t high, std::int64_t low,
                           std::int64_t close) {
  marketdata::Bar b;
  b.instrument = InstrumentId{id};
  b.start = Timestamp{kStart + day * kDay};
  b.open = Price::fromRaw(open);
  b.high = Price::fromRaw(high);
  b.low = Price::fromRaw(low);
  b.close = Price::fromRaw(close);
  b.volume = Quantity::fromRaw(1000);
  return b;
}

// Calls `script(bar index of that instrument, slot, context)` on every bar; records callbacks.
class ScriptedStrategy final : public strategy::Strategy {
 public:
  using Script = std::function<void(std::size_t, strategy::InstrumentSlot, strategy::StrategyContext&)>;
  explicit ScriptedStrategy(Script script) : script_(std::move(script)) {}
  std::string_view name() const noexcept override { return "scripted"; }
  void onStart() override { seen_.assign(context().instruments().size(), 0); }
  void onBar(const marketdata::Bar&, strategy::InstrumentSlot slot) override {
    script_(seen_[slot]++, slot, context());
  }
  void onOrderUpdate(const strategy::OrderUpdate& u) override { updates.push_back(u); }
  void onFill(const strategy::Fill& f) override { fills.push_back(f); }

  std::vector<strategy::OrderUpdate> updates;
  std::vector<strategy::Fill> fills;

 private:
  Script script_;
  std::vector<std::size_t> seen_;
};

inline strategy::OrderRequest market(InstrumentId id, Side side, std::int64_t qty) {
  strategy::OrderRequest r;
  r.instrument = id;
  r.side = side;
  r.quantity = Quantity::fromRaw(qty);
  return r;
}

inline strategy::OrderRequest limit(InstrumentId id, Side side, std::int64_t qty, std::int64_t price,
                                    book::TimeInForce tif = book::TimeInForce::GTC) {
  strategy::OrderRequest r = market(id, side, qty);
  r.type = book::OrderType::Limit;
  r.price = Price::fromRaw(price);
  r.timeInForce = tif;
  return r;
}

}  // namespace alphintra::backtest::testing
