// sma_cross: long `quantity` while the fast simple moving average of closes is above the slow
// one; flat otherwise, or short `quantity` below it when allow_short is set. Decided on each
// bar's close (orders fill per the backtest's fill model: by default at the next bar's open).
//
// The averages run over raw integer prices: their sums are exact in a double, which makes the
// decision reproducible by any independent computation of the same rule
// (tests/integration/backtest_vectorized_test.py).
// Per bar: one ring of the last `slow` closes per instrument serves both averages (the fast
// window's leaving value sits `fast` places behind the newest), all rings in one buffer; two
// running sums and a comparison; an order only when the signal changes. The arithmetic is the
// same as two `Sma` indicators (subtract the leaving value, then add the new one), so the
// decisions are identical; the single ring halves the memory touched per bar.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/result.hpp"
#include "strategy/indicators.hpp"
#include "strategy/parameters.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::strategy {

class SmaCross final : public Strategy {
 public:
  struct Settings {
    std::size_t fast = 10;
    std::size_t slow = 30;
    double quantity = 100;
    bool allowShort = false;
  };
  static Result<std::unique_ptr<Strategy>> create(const Parameters& params);
  explicit SmaCross(Settings settings) : settings_(settings) {}

  std::string_view name() const noexcept override { return "sma_cross"; }
  void onStart() override;
  void onBar(const marketdata::Bar& bar, InstrumentSlot slot) override;

 private:
  struct State {
    double fastSum = 0;
    double slowSum = 0;
    std::uint32_t head = 0;   // where the next close goes in the instrument's ring
    std::uint32_t count = 0;  // closes held, up to slow
    Quantity size;
    std::int8_t signal = 0;  // -1, 0, +1: the position asked for last
  };
  Settings settings_;
  std::vector<State> states_;
  std::vector<double> closes_;  // instrument k's ring: [k × slow, (k + 1) × slow)
};

}  // namespace alphintra::strategy
