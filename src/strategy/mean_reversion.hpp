// mean_reversion (Bollinger / z-score): z = (close − mean) / stddev over `window` closes. Flat:
// buy `quantity` when z < −entry_z, sell short (allow_short) when z > entry_z. Long: back to
// flat once z > −exit_z; short: once z < exit_z. Bollinger bands of width k are the same rule
// with entry_z = k.
#pragma once

#include <memory>
#include <vector>

#include "core/result.hpp"
#include "strategy/indicators.hpp"
#include "strategy/parameters.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::strategy {

class MeanReversion final : public Strategy {
 public:
  struct Settings {
    std::size_t window = 20;
    double entryZ = 2.0;
    double exitZ = 0.5;
    double quantity = 100;
    bool allowShort = true;
  };
  static Result<std::unique_ptr<Strategy>> create(const Parameters& params);
  explicit MeanReversion(Settings settings) : settings_(settings) {}

  std::string_view name() const noexcept override { return "mean_reversion"; }
  void onStart() override;
  void onBar(const marketdata::Bar& bar, InstrumentSlot slot) override;

 private:
  struct State {
    RollingZScore z;
    Quantity size;
    std::int8_t signal = 0;
  };
  Settings settings_;
  std::vector<State> states_;
};

}  // namespace alphintra::strategy
