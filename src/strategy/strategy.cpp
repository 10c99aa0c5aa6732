#include "strategy/strategy.hpp"

namespace alphintra::strategy {

OrderHandle StrategyContext::orderToTarget(InstrumentSlot slot, Quantity target) {
  const Quantity have = position(slot) + openQuantity(slot, Side::Buy) - openQuantity(slot, Side::Sell);
  const Quantity delta = target - have;
  if (delta.isZero()) return 0;
  OrderRequest r;
  r.instrument = instruments()[slot].id();
  r.side = delta.isPositive() ? Side::Buy : Side::Sell;
  r.quantity = delta.isPositive() ? delta : -delta;
  r.type = book::OrderType::Market;
  return submit(r);
}

}  // namespace alphintra::strategy
