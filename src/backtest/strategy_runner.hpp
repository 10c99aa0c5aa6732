// StrategyRunner: one strategy's context in a backtest — its engine account, its instruments by
// slot, and the mirror of what the engine booked for it (positions, open quantities, cash),
// kept from the execution reports — plus the round trips and fill records of the report.
// Shared by the bar backtester (backtester.cpp) and the tick/L2/L3 replay (tick_backtester.cpp):
// a driver implements RunnerHost (the simulated clock, how order commands reach the engine,
// the timer queue, the result being built).
//
// Orders become NewOrder / ReplaceOrder / CancelOrder commands handed to RunnerHost::send; a
// driver with an order latency delivers them later, so an order is "in flight" from submit()
// until its first report. Cancels and replaces of an in-flight order name it by client order
// id (its handle): they travel behind it and reach the engine after it.
//
// Callbacks never nest: what a command causes is queued in RunnerHost::pending and delivered by
// the driver after the current callback returns. Threading: the backtest loop's thread only.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <span>
#include <string>
#include <vector>

#include "backtest/backtester.hpp"
#include "book/id_index.hpp"
#include "core/result.hpp"
#include "engine/command.hpp"
#include "engine/engine.hpp"
#include "engine/event.hpp"
#include "oms/money_math.hpp"
#include "oms/position.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::backtest {

// A callback waiting for the current one to return.
struct PendingCallback {
  std::uint32_t runner = 0;
  bool isFill = false;
  strategy::OrderUpdate update;
  strategy::Fill fill;
};

struct StrategyTimer {
  Timestamp at;
  std::uint64_t order = 0;  // set order: equal times fire in the order they were set
  std::uint32_t runner = 0;
  std::uint64_t id = 0;
  bool operator>(const StrategyTimer& o) const noexcept { return at != o.at ? at > o.at : order > o.order; }
};

class RunnerHost {
 public:
  virtual ~RunnerHost() = default;
  // An order command of a strategy: stamp it and apply it now, or after the order latency.
  virtual void send(engine::Command& command) = 0;

  // The run's currencies: [0] the accounts' base, then every other instrument currency, with
  // the value of one unit of each in the base (fxRate[0] = 1), as the driver last set it.
  std::vector<Currency> currencies;
  std::vector<double> fxRate{1.0};

  Timestamp now;
  BacktestResult result;
  std::vector<PendingCallback> pending;
  std::priority_queue<StrategyTimer, std::vector<StrategyTimer>, std::greater<>> timers;
  std::uint64_t timerOrder = 0;
};

class StrategyRunner;

// Opens each runner's engine account on `account`'s terms in `currency` and deposits its cash,
// through `apply` (a command applied now); the same for the bar and the tick drivers. An error
// when the engine refuses the account's terms.
Result<bool> openRunnerAccounts(std::span<const std::unique_ptr<StrategyRunner>> runners,
                                const AccountSettings& account, Currency currency, const engine::Engine& engine,
                                const std::function<void(engine::Command&)>& apply);

// At the end of a run: each runner's outcome (final equity from the engine ledger's valuation,
// orders, rejects) appended to `result`, and the total final equity.
void addOutcomes(std::span<const std::unique_ptr<StrategyRunner>> runners, const AccountSettings& account,
                 const engine::Engine& engine, BacktestResult& result);

class StrategyRunner final : public strategy::StrategyContext {
 public:
  struct Order {
    OrderId id;
    strategy::InstrumentSlot slot = 0;
    Side side = Side::None;
    Quantity open;  // leaves while live
    bool live = false;
    bool inFlight = false;  // sent, no report yet
  };
  struct Trip {
    bool open = false;
    Side direction = Side::Buy;
    Timestamp entryTime;
    double maxSize = 0;
    double entryNotional = 0, entryQuantity = 0;
    double exitNotional = 0, exitQuantity = 0;
    double pnl = 0;
    double averageCost = 0;  // per unit, of the open position
  };

  StrategyRunner(RunnerHost& host, std::uint32_t index, std::unique_ptr<strategy::Strategy> s,
                 std::vector<Instrument> instruments, std::vector<std::uint32_t> dense, std::string label);

  Timestamp now() const noexcept override { return host_.now; }
  std::span<const Instrument> instruments() const noexcept override { return instruments_; }
  strategy::OrderHandle submit(const strategy::OrderRequest& request) override;
  bool replace(strategy::OrderHandle order, Quantity quantity, Price price) override;
  bool cancel(strategy::OrderHandle order) override;
  void cancelAll(strategy::InstrumentSlot slot) override;
  Quantity position(strategy::InstrumentSlot slot) const noexcept override { return marks_[slot].position; }
  Quantity openQuantity(strategy::InstrumentSlot slot, Side side) const noexcept override {
    return side == Side::Buy ? openBuy_[slot] : openSell_[slot];
  }
  // Σ over the run's currencies of the balance (and positions' value) times its rate to the base.
  double cash() const noexcept override {
    double v = 0;
    for (std::size_t k = 0; k < books_.size(); ++k)
      v += static_cast<double>(books_[k].cashRaw) * books_[k].cashScale * host_.fxRate[k];
    return v;
  }
  double equity() const noexcept override {
    double v = 0;
    for (std::size_t k = 0; k < books_.size(); ++k) {
      v += (static_cast<double>(books_[k].cashRaw) * books_[k].cashScale + books_[k].positionsValue) * host_.fxRate[k];
    }
    return v;
  }
  void setTimer(Timestamp at, std::uint64_t id) override;

  // A price for a slot (a bar's close, a trade, a mid): positions are revalued (O(1)).
  void mark(strategy::InstrumentSlot slot, Price price) noexcept {
    SlotMark& m = marks_[slot];
    const double c = static_cast<double>(price.raw()) * m.priceScale;
    const std::int64_t q = m.position.raw();
    if (q != 0) {
      const double qty = static_cast<double>(q) * m.valueScale;
      Book& b = books_[m.currency];
      b.positionsValue += qty * (c - m.lastClose);
      b.grossValue += std::abs(qty) * (c - m.lastClose);
    }
    m.lastClose = c;
  }
  void onReport(const engine::ExecutionReport& r, Timestamp time);
  double grossValue() const noexcept {
    double v = 0;
    for (std::size_t k = 0; k < books_.size(); ++k) v += books_[k].grossValue * host_.fxRate[k];
    return v;
  }

  strategy::Strategy& strategy() noexcept { return *strategy_; }
  AccountId account() const noexcept { return account_; }
  const std::string& label() const noexcept { return label_; }
  std::uint64_t orderCount() const noexcept { return orders_.size(); }
  std::uint64_t rejects() const noexcept { return rejects_; }
  double cashScale() const noexcept { return books_[0].cashScale; }
  // The account's opening cash in the base currency (host().currencies[0]), in its minor units;
  // also sets up one book per currency of the run and each slot's currency.
  // A driver that left RunnerHost::currencies empty trades the base currency only.
  void setOpeningCash(Currency base, std::int64_t raw);

 private:
  strategy::OrderHandle nextHandle() const noexcept { return orders_.size() + 1; }
  static ClientOrderId clientIdOf(strategy::OrderHandle handle);
  void closeTrip(strategy::InstrumentSlot slot, Timestamp time);
  void applyFillToTrip(strategy::InstrumentSlot slot, Side side, double qty, double price, double fee, Timestamp time);

  RunnerHost& host_;
  std::uint32_t index_;
  AccountId account_;
  std::unique_ptr<strategy::Strategy> strategy_;
  std::vector<Instrument> instruments_;
  std::vector<std::uint32_t> dense_;  // slot → the driver's instrument index
  std::string label_;
  // What mark() reads and writes for a slot on every bar, in one record (one cache line's worth
  // per bar instead of one line from each of five arrays).
  struct SlotMark {
    Quantity position;
    double lastClose = 0;
    double priceScale = 1;
    double quantityScale = 1;
    double multiplier = 1;       // the instrument's contract multiplier
    double valueScale = 1;       // quantityScale x multiplier: raw quantity x price = value
    std::uint32_t currency = 0;  // index into books_
  };
  std::vector<SlotMark> marks_;  // by slot
  std::vector<Quantity> openBuy_;
  std::vector<Quantity> openSell_;
  std::vector<Trip> trips_;
  // Futures settle like futures, as in the engine's ledger (oms/ledger.hpp): a fill moves cash
  // by its realized P&L less its fee and the position's value is its unrealized P&L. The cost
  // basis that takes is kept here exactly, one Position per slot (used by futures only).
  std::vector<oms::Position> futures_;
  std::vector<Order> orders_;  // by handle − 1
  // Per currency of the run (RunnerHost::currencies): the balance the engine books from the fills
  // (exact, in its minor units) and the positions' value at the last marks, in that currency.
  struct Book {
    std::int64_t cashRaw = 0;
    double cashScale = 0.01;
    double positionsValue = 0;
    double grossValue = 0;
  };
  std::vector<Book> books_{Book{}};
  book::IdIndex slotOf_;  // instrument id → slot
  std::uint64_t rejects_ = 0;
  std::size_t openPositions_ = 0;
};

}  // namespace alphintra::backtest
