// momentum (time-series momentum): long `quantity` when the close is above the close `lookback`
// bars ago, short (or flat without allow_short) when below; decided on each close.
#pragma once

#include <memory>
#include <vector>

#include "core/result.hpp"
#include "strategy/parameters.hpp"
#include "strategy/rolling_window.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::strategy {

class Momentum final : public Strategy {
 public:
  struct Settings {
    std::size_t lookback = 60;
    double quantity = 100;
    bool allowShort = true;
  };
  static Result<std::unique_ptr<Strategy>> create(const Parameters& params);
  explicit Momentum(Settings settings) : settings_(settings) {}

  std::string_view name() const noexcept override { return "momentum"; }
  void onStart() override;
  void onBar(const marketdata::Bar& bar, InstrumentSlot slot) override;

 private:
  struct State {
    RollingWindow<std::int64_t> closes;  // lookback + 1 closes: [0] is the one lookback bars ago
    Quantity size;
    std::int8_t signal = 0;
  };
  Settings settings_;
  std::vector<State> states_;
};

}  // namespace alphintra::strategy
