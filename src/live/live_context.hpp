// LiveContext: one strategy's StrategyContext on the live engine — the strategy code that runs in
// backtests (backtest::StrategyRunner) runs here unchanged. It owns the strategy instance, its
// account's mirror (positions of its instruments, live orders, cash) kept from the engine's
// execution reports, its client order ids, its bar aggregators and its counters.
//
// Orders: submit/replace/cancel become engine commands handed to the host's `send` (the serve's
// strategy gateway); what the engine decided comes back later as reports (onReport), as from any
// exchange. Client order ids are "<id>.<run>.<n>": the strategy id, a tag unique to this start
// of the server, and the order handle, so they never collide with an earlier run's ids on the
// same account (the engine's client ids are unique per account for good).
//
// The mirror: positions and live orders cover every order of the account, including orders a
// trader sends by hand (position() is the account's, as the engine books it). Cash and equity
// start from the engine's valuation and follow the fills between resyncs (resync(): the
// engine's exact figures at a sequence), which also bring in what the mirror does not model
// (fills in another currency than the account's, instruments outside the strategy's).
//
// Threading: the host thread only (StrategyHost). Not copyable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/instrument.hpp"
#include "engine/command.hpp"
#include "engine/engine.hpp"
#include "engine/event.hpp"
#include "live/live_spec.hpp"
#include "marketdata/bar_aggregator.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::live {

enum class StrategyState : std::uint8_t { Running = 1, Stopped = 2, Failed = 3 };
std::string_view toString(StrategyState state) noexcept;

// The host's services a context uses.
struct HostServices {
  std::function<void(engine::Command&)> send;  // to the engine, in order
  std::function<void(std::uint32_t context, Timestamp at, std::uint64_t id)> setTimer;
  // Builds a strategy by name (the built-in registry, or an embedder's own classes).
  std::function<Result<std::unique_ptr<strategy::Strategy>>(std::string_view, const strategy::Parameters&)> make;
  Timestamp now;  // of the event being handled
};

class LiveContext final : public strategy::StrategyContext {
 public:
  // `instruments` in slot order; `runTag` is the server start's tag for client order ids.
  LiveContext(HostServices& host, std::uint32_t index, LiveStrategySpec spec, std::vector<Instrument> instruments,
              Currency base, std::string runTag);

  // The account as the recovered engine holds it: positions, live orders, cash, equity. Before start().
  void loadAccount(const engine::Engine& engine);
  // A fresh strategy instance (the spec's name and parameters), bound to this context, then
  // onStart; orders its id left from an earlier run or instance are cancelled first.
  std::optional<Error> start();
  // onStop, then cancels the strategy's live orders. `failed`: why it stopped (state Failed).
  void stop(std::string failed = {});

  // From the host's dispatch (only while running, except onReport: the mirror follows always).
  void onReport(const engine::ExecutionReport& r, std::uint64_t sequence);
  // A future's final settlement at `price` (its orders expired in reports before this): the
  // slot's position closes at the price as the ledger's does (no fee; cash by the realized P&L).
  void onSettlement(strategy::InstrumentSlot slot, Price price, std::uint64_t sequence);
  void onTrade(const engine::PublicTradeReport& t, Timestamp time, strategy::InstrumentSlot slot);
  void onQuote(const engine::QuoteReport& q, Timestamp time, strategy::InstrumentSlot slot);
  void onBook(const strategy::BookUpdate& book, strategy::InstrumentSlot slot);
  void onTimer(std::uint64_t id);
  // Hands out time bars that ended by `time` (no trade can still fall in them).
  void closeBars(Timestamp time);
  // The engine's valuation of the account at `sequence`; adopted when the mirror has seen no
  // report past it (else the next one will be).
  void resync(const oms::Valuation& v, std::uint64_t sequence);

  // StrategyContext.
  Timestamp now() const noexcept override { return host_.now; }
  std::span<const Instrument> instruments() const noexcept override { return instruments_; }
  strategy::OrderHandle submit(const strategy::OrderRequest& request) override;
  bool replace(strategy::OrderHandle order, Quantity quantity, Price price) override;
  bool cancel(strategy::OrderHandle order) override;
  void cancelAll(strategy::InstrumentSlot slot) override;
  Quantity position(strategy::InstrumentSlot slot) const noexcept override { return slots_[slot].position; }
  Quantity openQuantity(strategy::InstrumentSlot slot, Side side) const noexcept override {
    return side == Side::Buy ? slots_[slot].openBuy : slots_[slot].openSell;
  }
  double cash() const noexcept override { return static_cast<double>(cashRaw_) * cashScale_; }
  double equity() const noexcept override;
  void setTimer(Timestamp at, std::uint64_t id) override;

  const LiveStrategySpec& spec() const noexcept { return spec_; }
  StrategyState state() const noexcept { return state_; }
  const std::string& error() const noexcept { return error_; }
  std::uint64_t generation() const noexcept { return generation_; }
  std::uint64_t ordersSent() const noexcept { return ordersSent_; }
  std::uint64_t fills() const noexcept { return fills_; }
  std::uint64_t rejects() const noexcept { return rejects_; }
  std::uint64_t bookUpdates() const noexcept { return bookUpdates_; }
  Timestamp startedAt() const noexcept { return startedAt_; }
  Currency baseCurrency() const noexcept { return base_; }
  // Earliest end of an open time bar (INT64_MAX when none is open).
  Timestamp nextBarEnd() const noexcept { return nextBarEnd_; }

 private:
  struct Slot {
    Quantity position;
    Quantity openBuy;
    Quantity openSell;
    Price last = Price::undefined();  // the mark: last trade, else mid
    marketdata::BarAggregator bars;
    Timestamp barEnd{INT64_MAX};  // of the open bar
    // A future settles like one (oms/ledger.hpp): its fills move cash by realized P&L, and it is
    // worth its unrealized P&L. The ledger's position, copied at load and kept by the fills.
    bool future = false;
    oms::Position held{};
  };
  struct LiveOrder {  // every live order of the account on one of the slots
    std::uint32_t slot = 0;
    Side side = Side::None;
    Quantity leaves;
    strategy::OrderHandle handle = 0;  // 0: not this instance's (a trader's, or an earlier run's)
    bool earlier = false;              // left by an earlier run or instance of this strategy
  };
  struct Sent {  // by handle − 1
    OrderId id;  // none until the first report
    std::uint32_t slot = 0;
    std::uint64_t generation = 0;  // the instance that sent it: reports reach only that one
    bool done = false;
  };

  // Runs a strategy callback; an exception stops the strategy (state Failed) instead of the host.
  template <typename Fn>
  void guarded(Fn&& fn);
  std::optional<strategy::OrderHandle> handleOf(const ClientOrderId& id) const noexcept;
  ClientOrderId clientIdOf(strategy::OrderHandle handle) const;
  std::optional<std::uint32_t> slotOf(InstrumentId instrument) const noexcept;
  void cancelOwnOrders(bool includeEarlierRuns);
  void updateBarEnd() noexcept;

  HostServices& host_;
  std::uint32_t index_;
  LiveStrategySpec spec_;
  std::vector<Instrument> instruments_;
  Currency base_;
  std::string prefix_;  // "<id>.<run>."
  std::unique_ptr<strategy::Strategy> strategy_;
  StrategyState state_ = StrategyState::Stopped;
  std::string error_;
  std::uint64_t generation_ = 0;  // instances started (timers of an earlier one are dropped)
  std::vector<Slot> slots_;
  std::unordered_map<std::uint64_t, LiveOrder> live_;  // by OrderId
  std::vector<Sent> sent_;
  struct PendingOpen {  // submitted, no report yet: counted as open at its quantity
    strategy::OrderHandle handle = 0;
    Side side = Side::None;
    Quantity quantity;
  };
  std::vector<PendingOpen> pendingOpen_;
  // What slot `s` adds to equity (base-currency slots with a mark only): its market value, or a
  // future's unrealized P&L, in major units.
  double slotValue(std::size_t s) const noexcept;
  std::int64_t cashRaw_ = 0;        // base currency, minor units
  double cashScale_ = 0.01;         // one minor unit in major units
  double outsideValue_ = 0;         // value of the account's positions outside the slots at the last sync
  std::uint64_t lastSequence_ = 0;  // of the last report the mirror took
  std::uint64_t ordersSent_ = 0, fills_ = 0, rejects_ = 0, bookUpdates_ = 0;
  Timestamp startedAt_;
  Timestamp nextBarEnd_{INT64_MAX};
};

}  // namespace alphintra::live
