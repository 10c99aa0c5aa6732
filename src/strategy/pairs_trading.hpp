// pairs (statistical arbitrage on two instruments; slot 0 is Y, slot 1 is X): a rolling
// least-squares regression Y = a + b·X over `window` common closes gives the hedge ratio b and
// the spread (the newest residual); z is the spread's z-score over `z_window` spreads.
// Flat: z > entry_z sells the spread (short `quantity` Y, long b·quantity X), z < −entry_z buys
// it; a position goes flat once |z| < exit_z. The X leg's size is fixed at entry.
// A bar of one leg waits for the other leg's bar of the same start time.
#pragma once

#include <memory>

#include "core/result.hpp"
#include "strategy/indicators.hpp"
#include "strategy/parameters.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::strategy {

class PairsTrading final : public Strategy {
 public:
  struct Settings {
    std::size_t window = 60;
    std::size_t zWindow = 60;
    double entryZ = 2.0;
    double exitZ = 0.5;
    double quantity = 100;
  };
  static Result<std::unique_ptr<Strategy>> create(const Parameters& params);
  explicit PairsTrading(Settings settings)
      : settings_(settings), regression_(settings.window), spread_(settings.zWindow) {}

  std::string_view name() const noexcept override { return "pairs"; }
  std::size_t instrumentsNeeded() const noexcept override { return 2; }
  void onStart() override;
  void onBar(const marketdata::Bar& bar, InstrumentSlot slot) override;

  double hedgeRatio() const noexcept { return regression_.beta(); }

 private:
  Settings settings_;
  RollingRegression regression_;
  RollingZScore spread_;
  double close_[2]{};
  Timestamp time_[2]{Timestamp{-1}, Timestamp{-2}};
  double scale_[2]{1, 1};  // raw price → price
  std::int8_t signal_ = 0;
};

}  // namespace alphintra::strategy
