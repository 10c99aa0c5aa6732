#include "strategy/sma_cross.hpp"

#include "strategy/sizing.hpp"

namespace alphintra::strategy {

Result<std::unique_ptr<Strategy>> SmaCross::create(const Parameters& params) {
  Settings s;
  auto fast = params.integer("fast", 10, 1, 1'000'000);
  if (!fast) return fast.error();
  auto slow = params.integer("slow", 30, 1, 1'000'000);
  if (!slow) return slow.error();
  auto quantity = params.number("quantity", 100, 1e-12, 1e15);
  if (!quantity) return quantity.error();
  auto allowShort = params.boolean("allow_short", false);
  if (!allowShort) return allowShort.error();
  if (*fast >= *slow) {
    return makeError("param.fast",
                     "fast (" + std::to_string(*fast) + ") must be shorter than slow (" + std::to_string(*slow) + ")");
  }
  s.fast = static_cast<std::size_t>(*fast);
  s.slow = static_cast<std::size_t>(*slow);
  s.quantity = *quantity;
  s.allowShort = *allowShort;
  return std::unique_ptr<Strategy>(std::make_unique<SmaCross>(s));
}

void SmaCross::onStart() {
  states_.clear();
  for (const Instrument& in : context().instruments()) {
    State s;
    s.size = unitsToQuantity(settings_.quantity, in);
    states_.push_back(s);
  }
  closes_.assign(states_.size() * settings_.slow, 0.0);
}

void SmaCross::onBar(const marketdata::Bar& bar, InstrumentSlot slot) {
  State& s = states_[slot];
  const double close = static_cast<double>(bar.close.raw());
  const auto fastN = static_cast<std::uint32_t>(settings_.fast);
  const auto slowN = static_cast<std::uint32_t>(settings_.slow);
  double* ring = closes_.data() + static_cast<std::size_t>(slot) * slowN;
  if (s.count >= fastN) s.fastSum -= ring[s.head >= fastN ? s.head - fastN : s.head + slowN - fastN];
  s.fastSum += close;
  if (s.count == slowN) {
    s.slowSum -= ring[s.head];
  } else {
    ++s.count;
  }
  s.slowSum += close;
  ring[s.head] = close;
  s.head = s.head + 1 == slowN ? 0 : s.head + 1;
  if (s.count < slowN) return;
  const double fast = s.fastSum / static_cast<double>(fastN);
  const double slow = s.slowSum / static_cast<double>(slowN);
  const std::int8_t signal = fast > slow ? 1 : (settings_.allowShort && fast < slow ? -1 : 0);
  if (signal == s.signal) return;
  s.signal = signal;
  context().orderToTarget(slot, Quantity::fromRaw(s.size.raw() * signal));
}

}  // namespace alphintra::strategy
