#include "strategy/momentum.hpp"

#include "strategy/sizing.hpp"

namespace alphintra::strategy {

Result<std::unique_ptr<Strategy>> Momentum::create(const Parameters& params) {
  Settings s;
  auto lookback = params.integer("lookback", 60, 1, 1'000'000);
  if (!lookback) return lookback.error();
  auto quantity = params.number("quantity", 100, 1e-12, 1e15);
  if (!quantity) return quantity.error();
  auto allowShort = params.boolean("allow_short", true);
  if (!allowShort) return allowShort.error();
  s.lookback = static_cast<std::size_t>(*lookback);
  s.quantity = *quantity;
  s.allowShort = *allowShort;
  return std::unique_ptr<Strategy>(std::make_unique<Momentum>(s));
}

void Momentum::onStart() {
  states_.clear();
  for (const Instrument& in : context().instruments()) {
    states_.push_back(
        State{RollingWindow<std::int64_t>(settings_.lookback + 1), unitsToQuantity(settings_.quantity, in), 0});
  }
}

void Momentum::onBar(const marketdata::Bar& bar, InstrumentSlot slot) {
  State& s = states_[slot];
  std::int64_t evicted = 0;
  s.closes.push(bar.close.raw(), evicted);
  if (!s.closes.full()) return;
  const std::int64_t then = s.closes[0];
  const std::int64_t now = bar.close.raw();
  const std::int8_t signal = now > then ? 1 : (now < then && settings_.allowShort ? -1 : 0);
  if (signal == s.signal) return;
  s.signal = signal;
  context().orderToTarget(slot, Quantity::fromRaw(s.size.raw() * signal));
}

}  // namespace alphintra::strategy
