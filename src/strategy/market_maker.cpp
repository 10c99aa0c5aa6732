#include "strategy/market_maker.hpp"

#include <cmath>

#include "strategy/sizing.hpp"

namespace alphintra::strategy {

Result<std::unique_ptr<Strategy>> MarketMaker::create(const Parameters& params) {
  Settings s;
  auto gamma = params.number("gamma", 0.1, 1e-9, 1e6);
  if (!gamma) return gamma.error();
  auto k = params.number("k", 1.5, 1e-9, 1e9);
  if (!k) return k.error();
  auto horizon = params.number("horizon", 1.0, 0.0, 1e9);
  if (!horizon) return horizon.error();
  auto window = params.integer("vol_window", 50, 2, 1'000'000);
  if (!window) return window.error();
  auto quantity = params.number("quantity", 100, 1e-12, 1e15);
  if (!quantity) return quantity.error();
  auto maxInventory = params.number("max_inventory", 5, 0, 1e9);
  if (!maxInventory) return maxInventory.error();
  s.gamma = *gamma;
  s.k = *k;
  s.horizon = *horizon;
  s.volWindow = static_cast<std::size_t>(*window);
  s.quantity = *quantity;
  s.maxInventory = *maxInventory;
  return std::unique_ptr<Strategy>(std::make_unique<MarketMaker>(s));
}

MarketMaker::Quotes MarketMaker::quotes(const Settings& s, double mid, double inventory, double variance,
                                        const Instrument& instrument) {
  Quotes q;
  q.reservation = mid - inventory * s.gamma * variance * s.horizon;
  q.spread = s.gamma * variance * s.horizon + (2.0 / s.gamma) * std::log1p(s.gamma / s.k);
  const double scale = std::pow(10.0, instrument.pricePrecision());
  const double tick = static_cast<double>(instrument.tickSize().raw());
  const double bidTicks = std::floor((q.reservation - q.spread / 2) * scale / tick + 1e-9);
  const double askTicks = std::ceil((q.reservation + q.spread / 2) * scale / tick - 1e-9);
  if (bidTicks >= 1) q.bid = Price::fromRaw(static_cast<std::int64_t>(bidTicks * tick));
  q.ask = Price::fromRaw(static_cast<std::int64_t>(std::max(askTicks, bidTicks + 1) * tick));
  return q;
}

void MarketMaker::onStart() { size_ = unitsToQuantity(settings_.quantity, context().instruments()[0]); }

void MarketMaker::onBar(const marketdata::Bar& bar, InstrumentSlot slot) {
  if (slot != 0) return;
  requote(static_cast<double>(bar.close.raw()) * std::pow(10.0, -context().instruments()[0].pricePrecision()));
}

void MarketMaker::onQuote(const QuoteTick& quote, InstrumentSlot slot) {
  if (slot != 0 || !quote.bidPrice.isDefined() || !quote.askPrice.isDefined()) return;
  const double mid = static_cast<double>(quote.bidPrice.raw() + quote.askPrice.raw()) / 2 *
                     std::pow(10.0, -context().instruments()[0].pricePrecision());
  requote(mid);
}

void MarketMaker::requote(double mid) {
  if (hasMid_) changes_.update(mid - lastMid_);
  lastMid_ = mid;
  hasMid_ = true;
  if (!changes_.ready()) return;
  const Instrument& in = context().instruments()[0];
  const double inventory = static_cast<double>(context().position(0).raw()) / static_cast<double>(size_.raw());
  const Quotes q = quotes(settings_, mid, inventory, changes_.variance(), in);
  if (bid_ != 0) context().cancel(bid_);
  if (ask_ != 0) context().cancel(ask_);
  bid_ = ask_ = 0;
  OrderRequest r;
  r.instrument = in.id();
  r.quantity = size_;
  r.type = book::OrderType::Limit;
  if (inventory < settings_.maxInventory && q.bid.isDefined()) {
    r.side = Side::Buy;
    r.price = q.bid;
    bid_ = context().submit(r);
  }
  if (inventory > -settings_.maxInventory) {
    r.side = Side::Sell;
    r.price = q.ask;
    ask_ = context().submit(r);
  }
}

}  // namespace alphintra::strategy
