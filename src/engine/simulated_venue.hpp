// SimulatedVenue: the built-in exchange — one book::OrderBook per instrument, answering every
// call synchronously. Instruments map to books through an open-addressing index (no hashing
// allocation per lookup); books are created when an instrument is added.
//
// Threading: owned by the engine thread.
#pragma once

#include <memory>
#include <vector>

#include "book/id_index.hpp"
#include "engine/venue.hpp"

namespace alphintra::engine {

class SimulatedVenue final : public Venue {
 public:
  explicit SimulatedVenue(book::BookOptions options = {}) : options_(options) {}

  std::string_view name() const noexcept override { return "SIM"; }
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
  Price lastTradePrice(InstrumentId instrument) const override;
  void prefetchIndex(InstrumentId instrument, OrderId order) const noexcept override {
    if (const auto* b = book(instrument)) b->prefetchIndex(order);
  }
  void prefetchOrder(InstrumentId instrument, OrderId order) const noexcept override {
    if (const auto* b = book(instrument)) b->prefetchOrder(order);
  }
  void depth(InstrumentId instrument, Side side, std::size_t maxLevels,
             std::vector<book::LevelView>& out) const override;
  TradingStatus status(InstrumentId instrument) const override;

  void save(ByteWriter& out) const override;
  [[nodiscard]] bool load(ByteReader& in) override;

  // The book itself, for market-data queries (depth, L3) by the engine's owner thread.
  const book::OrderBook* book(InstrumentId instrument) const noexcept;

 private:
  book::OrderBook* find(InstrumentId instrument) noexcept;
  book::OrderBook* lookup(InstrumentId instrument) const noexcept;  // through the last-book cache

  book::BookOptions options_;
  std::vector<std::unique_ptr<book::OrderBook>> books_;  // in the order instruments were added
  book::IdIndex index_{64};                              // instrument id → position in books_
  // The last book looked up: one command asks for the same instrument several times (risk,
  // the order, the quote after it). Books are never removed, so the pointer stays valid.
  mutable std::uint64_t lastId_ = 0;
  mutable book::OrderBook* lastBook_ = nullptr;
};

}  // namespace alphintra::engine
