#include "strategy/mean_reversion.hpp"

#include "strategy/sizing.hpp"

namespace alphintra::strategy {

Result<std::unique_ptr<Strategy>> MeanReversion::create(const Parameters& params) {
  Settings s;
  auto window = params.integer("window", 20, 2, 1'000'000);
  if (!window) return window.error();
  auto entry = params.number("entry_z", 2.0, 0.0, 100.0);
  if (!entry) return entry.error();
  auto exit = params.number("exit_z", 0.5, -100.0, 100.0);
  if (!exit) return exit.error();
  auto quantity = params.number("quantity", 100, 1e-12, 1e15);
  if (!quantity) return quantity.error();
  auto allowShort = params.boolean("allow_short", true);
  if (!allowShort) return allowShort.error();
  if (*exit >= *entry) return makeError("param.exit_z", "must be below entry_z, or a position would exit at once");
  s.window = static_cast<std::size_t>(*window);
  s.entryZ = *entry;
  s.exitZ = *exit;
  s.quantity = *quantity;
  s.allowShort = *allowShort;
  return std::unique_ptr<Strategy>(std::make_unique<MeanReversion>(s));
}

void MeanReversion::onStart() {
  states_.clear();
  for (const Instrument& in : context().instruments()) {
    states_.push_back(State{RollingZScore(settings_.window), unitsToQuantity(settings_.quantity, in), 0});
  }
}

void MeanReversion::onBar(const marketdata::Bar& bar, InstrumentSlot slot) {
  State& s = states_[slot];
  s.z.update(static_cast<double>(bar.close.raw()));
  if (!s.z.ready()) return;
  const double z = s.z.value();
  std::int8_t signal = s.signal;
  if (s.signal == 0) {
    if (z < -settings_.entryZ) signal = 1;
    if (z > settings_.entryZ && settings_.allowShort) signal = -1;
  } else if (s.signal > 0 && z > -settings_.exitZ) {
    signal = 0;
  } else if (s.signal < 0 && z < settings_.exitZ) {
    signal = 0;
  }
  if (signal == s.signal) return;
  s.signal = signal;
  context().orderToTarget(slot, Quantity::fromRaw(s.size.raw() * signal));
}

}  // namespace alphintra::strategy
