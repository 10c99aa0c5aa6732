// Venue: where the engine sends orders. The OMS and risk code talk only to this interface, so
// an external venue (a FIX adapter to a broker or exchange) plugs in without touching them.
//
// The interface speaks in the matching engine's terms (book::NewOrder in, book::Event out):
// they already are a complete, venue-neutral vocabulary of order outcomes. A venue answers
// each call by appending the events it caused to `out` for that instrument. The internal
// simulated exchange answers synchronously within the call (synchronous() is true); an
// external venue returns at once and its answers come back later as commands through the
// sequencer, so that the journal records them (the OMS then reports PendingCancel /
// PendingReplace while a request is open).
//
// Threading: owned and called by the engine thread only.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "book/order_book.hpp"
#include "book/types.hpp"
#include "core/binary_io.hpp"
#include "core/instrument.hpp"

namespace alphintra::engine {

class Venue {
 public:
  virtual ~Venue() = default;

  virtual std::string_view name() const noexcept = 0;
  virtual bool synchronous() const noexcept = 0;

  // Instruments are added before any order for them (DefineInstrument command).
  virtual void addInstrument(const Instrument& instrument) = 0;

  virtual void submit(InstrumentId instrument, const book::NewOrder& order, Timestamp now,
                      std::vector<book::Event>& out) = 0;
  virtual void cancel(InstrumentId instrument, OrderId order, Timestamp now, std::vector<book::Event>& out) = 0;
  virtual void replace(InstrumentId instrument, const book::ReplaceOrder& request, Timestamp now,
                       std::vector<book::Event>& out) = 0;
  // Every live order of the account (0: of everyone) on the instrument.
  virtual void massCancel(InstrumentId instrument, AccountId account, Timestamp now, std::vector<book::Event>& out) = 0;
  virtual void setStatus(InstrumentId instrument, TradingStatus status, Timestamp now,
                         std::vector<book::Event>& out) = 0;
  virtual void advanceTime(InstrumentId instrument, Timestamp now, std::vector<book::Event>& out) = 0;
  // Which instruments a ClockTick must advance, for a venue that keeps track (a bar venue: those
  // with a bar waiting to fill resting orders): appends their ids to `out`, in the order the
  // instruments were added, and returns true; advanceTime of any other would do nothing.
  // false (the default): the engine advances every instrument.
  virtual bool takeDue(std::vector<InstrumentId>& out) {
    (void)out;
    return false;
  }
  virtual void setReferencePrice(InstrumentId instrument, Price price) = 0;

  // Cache hints for a cancel or replace of `order` that the engine will send soon, in two
  // stages a few commands apart (the second may read what the first fetched). Reads only; a
  // venue without such tables ignores them.
  virtual void prefetchIndex(InstrumentId, OrderId) const noexcept {}
  virtual void prefetchOrder(InstrumentId, OrderId) const noexcept {}

  // Market view of an instrument (best prices, last trade).
  virtual book::TopOfBook topOfBook(InstrumentId instrument) const = 0;
  // Its last trade price alone: what pre-trade risk asks on every order (the collar's reference),
  // which a venue can answer without assembling the whole top of book.
  virtual Price lastTradePrice(InstrumentId instrument) const { return topOfBook(instrument).lastTradePrice; }
  // Displayed price levels of one side, best first, at most maxLevels (replaces `out`'s content;
  // empty for an unknown instrument or a venue that publishes no depth).
  virtual void depth(InstrumentId instrument, Side side, std::size_t maxLevels,
                     std::vector<book::LevelView>& out) const = 0;
  virtual TradingStatus status(InstrumentId instrument) const = 0;

  // Venue state for engine snapshots (the simulated exchange saves its books; an adapter its
  // session state).
  virtual void save(ByteWriter& out) const = 0;
  [[nodiscard]] virtual bool load(ByteReader& in) = 0;
};

}  // namespace alphintra::engine
