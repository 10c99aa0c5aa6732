#include "strategy/pairs_trading.hpp"

#include <cmath>

#include "strategy/sizing.hpp"

namespace alphintra::strategy {

Result<std::unique_ptr<Strategy>> PairsTrading::create(const Parameters& params) {
  Settings s;
  auto window = params.integer("window", 60, 3, 1'000'000);
  if (!window) return window.error();
  auto zWindow = params.integer("z_window", *window, 2, 1'000'000);
  if (!zWindow) return zWindow.error();
  auto entry = params.number("entry_z", 2.0, 0.0, 100.0);
  if (!entry) return entry.error();
  auto exit = params.number("exit_z", 0.5, 0.0, 100.0);
  if (!exit) return exit.error();
  auto quantity = params.number("quantity", 100, 1e-12, 1e15);
  if (!quantity) return quantity.error();
  if (*exit >= *entry) return makeError("param.exit_z", "must be below entry_z, or a position would exit at once");
  s.window = static_cast<std::size_t>(*window);
  s.zWindow = static_cast<std::size_t>(*zWindow);
  s.entryZ = *entry;
  s.exitZ = *exit;
  s.quantity = *quantity;
  return std::unique_ptr<Strategy>(std::make_unique<PairsTrading>(s));
}

void PairsTrading::onStart() {
  const auto instruments = context().instruments();
  for (std::size_t i = 0; i < 2 && i < instruments.size(); ++i) {
    scale_[i] = std::pow(10.0, -instruments[i].pricePrecision());
  }
}

void PairsTrading::onBar(const marketdata::Bar& bar, InstrumentSlot slot) {
  if (slot > 1) return;
  close_[slot] = static_cast<double>(bar.close.raw()) * scale_[slot];
  time_[slot] = bar.start;
  if (time_[0] != time_[1]) return;
  regression_.update(close_[1], close_[0]);
  if (!regression_.ready()) return;
  spread_.update(regression_.residual());
  if (!spread_.ready()) return;
  const double z = spread_.value();
  std::int8_t signal = signal_;
  if (signal_ == 0) {
    if (z > settings_.entryZ) signal = -1;
    if (z < -settings_.entryZ) signal = 1;
  } else if (std::abs(z) < settings_.exitZ) {
    signal = 0;
  }
  if (signal == signal_) return;
  signal_ = signal;
  const auto instruments = context().instruments();
  const Quantity y = unitsToQuantity(settings_.quantity, instruments[0]);
  const double beta = regression_.beta();
  Quantity x = Quantity::zero();
  if (signal != 0 && beta != 0) x = unitsToQuantity(std::abs(beta) * settings_.quantity, instruments[1]);
  // Long the spread: long Y, short b·X (a negative b flips the X leg's side).
  const std::int64_t xSign = beta >= 0 ? -signal : signal;
  context().orderToTarget(0, Quantity::fromRaw(y.raw() * signal));
  context().orderToTarget(1, Quantity::fromRaw(x.raw() * xSign));
}

}  // namespace alphintra::strategy
