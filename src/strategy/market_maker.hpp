// market_maker: inventory-aware quoting after Avellaneda & Stoikov (2008). With mid price s,
// inventory q (position in units of `quantity`), risk aversion γ, order-arrival decay k,
// variance σ² of the mid's change per bar (or per quote) over `vol_window` changes and a
// horizon τ (in the same steps):
//     reservation price  r = s − q·γ·σ²·τ
//     total spread       δ = γ·σ²·τ + (2/γ)·ln(1 + γ/k)
// it quotes a limit bid at r − δ/2 (rounded down to a tick) and an ask at r + δ/2 (rounded
// up), `quantity` each, replacing both on every bar or quote; no bid while q ≥ max_inventory,
// no ask while q ≤ −max_inventory. Prices here are in price units (not raw), so γ and k are in
// the units of the instrument's price. One instrument (slot 0).
#pragma once

#include <memory>

#include "core/result.hpp"
#include "strategy/indicators.hpp"
#include "strategy/parameters.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::strategy {

class MarketMaker final : public Strategy {
 public:
  struct Settings {
    double gamma = 0.1;
    double k = 1.5;
    double horizon = 1.0;
    std::size_t volWindow = 50;
    double quantity = 100;
    double maxInventory = 5;
  };
  struct Quotes {
    double reservation = 0;
    double spread = 0;
    Price bid = Price::undefined();
    Price ask = Price::undefined();
  };
  static Result<std::unique_ptr<Strategy>> create(const Parameters& params);
  explicit MarketMaker(Settings settings) : settings_(settings), changes_(settings.volWindow) {}

  std::string_view name() const noexcept override { return "market_maker"; }
  std::size_t instrumentsNeeded() const noexcept override { return 1; }
  void onStart() override;
  void onBar(const marketdata::Bar& bar, InstrumentSlot slot) override;
  void onQuote(const QuoteTick& quote, InstrumentSlot slot) override;

  // The quotes for mid `mid` (price units), inventory `inventory` (in order sizes) and variance.
  static Quotes quotes(const Settings& s, double mid, double inventory, double variance, const Instrument& instrument);

 private:
  void requote(double mid);

  Settings settings_;
  RollingStats changes_;
  double lastMid_ = 0;
  bool hasMid_ = false;
  Quantity size_;
  OrderHandle bid_ = 0;
  OrderHandle ask_ = 0;
};

}  // namespace alphintra::strategy
