// BarFillVenue: the engine's venue in a bar backtest. Orders the engine sends rest here; the
// backtester hands each instrument's next bar to openBar() and then drives a ClockTick through
// the engine, on which advanceTime() fills what the bar allows (fill_model.hpp) and reports it
// as book events, so that fills reach the OMS, the ledger and risk exactly as a live venue's do.
//
// Instruments are addressed by the position in which they were added (the backtester adds them
// in its own order, so that index is shared and no lookup happens per bar). topOfBook() shows
// the last close as bid, ask and last trade: what risk values a market order at.
//
// Threading: owned by the engine thread (the backtest loop). Known limits: market and limit
// orders only (stop orders are rejected with InvalidOrderType); fills are whole unless the fill
// model limits them to a share of the bar's volume.
#pragma once

#include <cstdint>
#include <vector>

#include "backtest/fill_model.hpp"
#include "book/id_index.hpp"
#include "engine/venue.hpp"
#include "marketdata/bar.hpp"

namespace alphintra::backtest {

class BarFillVenue final : public engine::Venue {
 public:
  explicit BarFillVenue(FillModel model) : model_(model) {}

  std::string_view name() const noexcept override { return "BARSIM"; }
  bool synchronous() const noexcept override { return true; }

  void addInstrument(const Instrument& instrument) override;
  void submit(InstrumentId instrument, const book::NewOrder& order, Timestamp now,
              std::vector<book::Event>& out) override;
  void cancel(InstrumentId instrument, OrderId order, Timestamp now, std::vector<book::Event>& out) override;
  void replace(InstrumentId instrument, const book::ReplaceOrder& request, Timestamp now,
               std::vector<book::Event>& out) override;
  void massCancel(InstrumentId instrument, AccountId account, Timestamp now, std::vector<book::Event>& out) override;
  void setStatus(InstrumentId instrument, TradingStatus status, Timestamp now, std::vector<book::Event>& out) override;
  void advanceTime(InstrumentId instrument, Timestamp now, std::vector<book::Event>& out) override;
  void setReferencePrice(InstrumentId instrument, Price price) override;
  book::TopOfBook topOfBook(InstrumentId instrument) const override;
  // No depth: bars have none (out is left empty).
  void depth(InstrumentId instrument, Side side, std::size_t maxLevels,
             std::vector<book::LevelView>& out) const override {
    (void)instrument;
    (void)side;
    (void)maxLevels;
    out.clear();
  }
  TradingStatus status(InstrumentId instrument) const override;
  void save(ByteWriter& out) const override;
  [[nodiscard]] bool load(ByteReader& in) override;

  // The bar that fills resting orders on the next advanceTime (index: order of addInstrument).
  // Returns true when the instrument has resting orders (a ClockTick is needed).
  bool openBar(std::uint32_t index, const marketdata::Bar& bar) {
    Market& m = markets_[index];
    if (m.resting.empty()) {
      m.barPending = false;
      mayRest_[index] = 0;
      return false;
    }
    m.bar = bar;
    if (!m.barPending) {
      m.barPending = true;
      due_.push_back(index);
    }
    return true;
  }
  // Whether the market may hold resting orders: set when an order rests, cleared by openBar()
  // when none does. A dense byte per market, read for every bar, so that a driver skips
  // openBar() (and the market's record) for the many instruments without orders.
  bool mayRest(std::uint32_t index) const noexcept { return mayRest_[index] != 0; }
  // The instruments with a bar pending, so that a ClockTick advances only those (not every
  // instrument of a 500-instrument run for the few that hold orders).
  bool takeDue(std::vector<InstrumentId>& out) override;
  // The close just seen: the price market orders are valued at until the next bar.
  // The last close (risk's reference for a market order), dense by index: one store per bar.
  void setLast(std::uint32_t index, Price close) noexcept { last_[index] = close; }
  Price last(std::uint32_t index) const noexcept { return last_[index]; }
  std::size_t restingOrders(std::uint32_t index) const noexcept { return markets_[index].resting.size(); }

 private:
  struct Resting {
    OrderId id;
    AccountId account;
    Side side = Side::Buy;
    book::OrderType type = book::OrderType::Market;
    book::TimeInForce timeInForce = book::TimeInForce::GTC;
    Price price = Price::undefined();
    Quantity quantity;       // the order's total
    Quantity filled;         // so far (partial fills under the volume limit)
    Timestamp expireTime{};  // GTD: trades in no bar that starts at or after it
    Quantity leaves() const noexcept { return quantity - filled; }
  };
  struct Market {
    InstrumentId id;
    Quantity lot;
    Price tick;
    std::vector<Resting> resting;  // in arrival order: fills happen in that order
    marketdata::Bar bar;
    bool barPending = false;
    TradingStatus status = TradingStatus::Continuous;
    std::uint64_t sequence = 0;
  };

  Market* find(InstrumentId id) noexcept;
  const Market* find(InstrumentId id) const noexcept;
  book::Event& emit(Market& m, book::EventType type, Timestamp now, std::vector<book::Event>& out);
  void fillAgainstBar(Market& m, Timestamp now, std::vector<book::Event>& out);

  FillModel model_;
  std::vector<Market> markets_;
  std::vector<Price> last_;            // by market
  std::vector<std::uint8_t> mayRest_;  // by market, see mayRest()
  book::IdIndex index_{64};
  std::vector<std::uint32_t> due_;  // every market with barPending (and maybe some without), unsorted
};

}  // namespace alphintra::backtest
