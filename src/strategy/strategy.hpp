// The strategy API: a Strategy reacts to market events and to its own orders' outcomes, and acts
// through a StrategyContext. The context is the only thing that differs between a backtest
// (backtest::Backtester implements it over an engine fed historical commands on a simulated
// clock) and live trading (a runner in `serve` implements it over the live engine): strategy
// code runs unchanged in both. docs/strategies.md.
//
// Orders go to the engine as NewOrder / ReplaceOrder / CancelOrder commands, so pre-trade risk,
// accounts, fees and positions are the engine's; what the strategy learns back (acks, rejects,
// fills) arrives as onOrderUpdate / onFill. A context answers submit() with a handle at once;
// whether the order was accepted comes later, as for any order sent to an exchange.
//
// Instruments a strategy trades are numbered by slot (0..n-1, the order of instruments()): a
// strategy keeps per-instrument state in a vector indexed by slot, with no lookup per event.
//
// Threading: a strategy and its context are used by one thread (the backtest loop, or the
// engine's strategy thread live); callbacks never run concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "book/types.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/instrument.hpp"
#include "core/side.hpp"
#include "core/time.hpp"
#include "marketdata/bar.hpp"
#include "oms/order_status.hpp"
#include "strategy/market_events.hpp"

namespace alphintra::strategy {

using OrderHandle = std::uint64_t;  // per context, from 1; 0: no order (refused before sending)
using InstrumentSlot = std::uint32_t;

struct OrderRequest {
  InstrumentId instrument;
  Side side = Side::Buy;
  Quantity quantity;
  book::OrderType type = book::OrderType::Market;
  book::TimeInForce timeInForce = book::TimeInForce::GTC;
  Price price = Price::undefined();  // Limit and StopLimit
  Price stopPrice = Price::undefined();
  Timestamp expireTime{};  // GTD only: when the order expires (venue time); none for the others
};

// An order's state changed (ack, replace, cancel, reject, expiry, or a fill: then onFill too).
struct OrderUpdate {
  OrderHandle handle = 0;
  InstrumentId instrument;
  Side side = Side::None;
  oms::ExecType execType = oms::ExecType::New;
  oms::OrdStatus status = oms::OrdStatus::New;
  Price price = Price::undefined();
  Quantity quantity;
  Quantity cumQuantity;
  Quantity leavesQuantity;
  std::uint8_t rejectSource = 0;  // oms::RejectSource
  std::uint8_t rejectCode = 0;
  Timestamp time;
};

struct Fill {
  OrderHandle handle = 0;
  InstrumentId instrument;
  Side side = Side::None;
  Price price;
  Quantity quantity;
  Money fee;  // instrument currency
  Timestamp time;
};

class StrategyContext {
 public:
  virtual ~StrategyContext() = default;

  // The simulated (backtest) or live clock: the time of the event being handled.
  virtual Timestamp now() const noexcept = 0;
  // The instruments this strategy trades, by slot.
  virtual std::span<const Instrument> instruments() const noexcept = 0;

  virtual OrderHandle submit(const OrderRequest& request) = 0;
  // New total quantity and/or price (undefined: unchanged). False when the order is not live.
  virtual bool replace(OrderHandle order, Quantity quantity, Price price) = 0;
  virtual bool cancel(OrderHandle order) = 0;
  virtual void cancelAll(InstrumentSlot slot) = 0;

  // The strategy's account as the engine books it.
  virtual Quantity position(InstrumentSlot slot) const noexcept = 0;
  // Unfilled quantity of the strategy's live orders on that side.
  virtual Quantity openQuantity(InstrumentSlot slot, Side side) const noexcept = 0;
  virtual double cash() const noexcept = 0;    // account base currency, major units
  virtual double equity() const noexcept = 0;  // cash + positions at their last prices

  // Calls onTimer(id) at `at` (simulated or live time).
  virtual void setTimer(Timestamp at, std::uint64_t id) = 0;

  // Sends the market order that takes the position (with open orders counted) to `target`;
  // 0 when nothing needs to be sent.
  OrderHandle orderToTarget(InstrumentSlot slot, Quantity target);
};

class Strategy {
 public:
  virtual ~Strategy() = default;

  virtual std::string_view name() const noexcept = 0;
  // How many instruments it needs (0: any number, one state per instrument; 2 for a pair).
  virtual std::size_t instrumentsNeeded() const noexcept { return 0; }

  virtual void onStart() {}
  virtual void onBar(const marketdata::Bar& bar, InstrumentSlot slot) {
    (void)bar;
    (void)slot;
  }
  virtual void onTrade(const TradeTick& trade, InstrumentSlot slot) {
    (void)trade;
    (void)slot;
  }
  virtual void onQuote(const QuoteTick& quote, InstrumentSlot slot) {
    (void)quote;
    (void)slot;
  }
  virtual void onBook(const BookUpdate& book, InstrumentSlot slot) {
    (void)book;
    (void)slot;
  }
  virtual void onOrderUpdate(const OrderUpdate& update) { (void)update; }
  virtual void onFill(const Fill& fill) { (void)fill; }
  virtual void onTimer(std::uint64_t id) { (void)id; }
  virtual void onStop() {}

  // Called once by the runner before onStart.
  void bind(StrategyContext& context) noexcept { context_ = &context; }

 protected:
  StrategyContext& context() const noexcept { return *context_; }

 private:
  StrategyContext* context_ = nullptr;
};

}  // namespace alphintra::strategy
