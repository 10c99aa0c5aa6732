// A StrategyContext for unit tests: records what the strategy sent; positions are set by the
// test (fills are the backtester's business, tested there).
#pragma once

#include <vector>

#include "core/instrument.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::strategy::testing {

inline Instrument equity(std::uint64_t id, int pricePrecision = 2) {
  InstrumentSpec spec;
  spec.id = id;
  spec.symbol = "S" + std::to_string(id);
  spec.pricePrecision = pricePrecision;
  spec.tickSize = pricePrecision == 2 ? "0.01" : "1";
  return Instrument::create(spec).value();
}

class FakeContext final : public StrategyContext {
 public:
  explicit FakeContext(std::vector<Instrument> instruments)
      : instruments_(std::move(instruments)), positions_(instruments_.size()) {}

  Timestamp now() const noexcept override { return time; }
  std::span<const Instrument> instruments() const noexcept override { return instruments_; }
  OrderHandle submit(const OrderRequest& request) override {
    sent.push_back(request);
    // Market orders fill at once here, so that orderToTarget sees the position move.
    if (request.type == book::OrderType::Market) {
      for (std::size_t i = 0; i < instruments_.size(); ++i) {
        if (instruments_[i].id() == request.instrument) {
          positions_[i] += request.side == Side::Buy ? request.quantity : -request.quantity;
        }
      }
    }
    return sent.size();
  }
  bool replace(OrderHandle, Quantity, Price) override { return false; }
  bool cancel(OrderHandle order) override {
    cancelled.push_back(order);
    return true;
  }
  void cancelAll(InstrumentSlot) override {}
  Quantity position(InstrumentSlot slot) const noexcept override { return positions_[slot]; }
  Quantity openQuantity(InstrumentSlot, Side) const noexcept override { return Quantity::zero(); }
  double cash() const noexcept override { return 0; }
  double equity() const noexcept override { return 0; }
  void setTimer(Timestamp, std::uint64_t) override {}

  void setPosition(InstrumentSlot slot, Quantity q) { positions_[slot] = q; }

  Timestamp time;
  std::vector<OrderRequest> sent;
  std::vector<OrderHandle> cancelled;

 private:
  std::vector<Instrument> instruments_;
  std::vector<Quantity> positions_;
};

inline marketdata::Bar bar(std::uint64_t instrument, std::int64_t day, std::int64_t closeRaw) {
  marketdata::Bar b;
  b.instrument = InstrumentId{instrument};
  b.start = Timestamp::fromSeconds(day * 86'400);
  b.open = b.high = b.low = b.close = Price::fromRaw(closeRaw);
  return b;
}

}  // namespace alphintra::strategy::testing
