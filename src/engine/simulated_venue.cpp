#include "engine/simulated_venue.hpp"

namespace alphintra::engine {

void SimulatedVenue::addInstrument(const Instrument& instrument) {
  if (index_.find(instrument.id().value()) != book::IdIndex::kMissing) return;
  index_.insert(instrument.id().value(), static_cast<std::uint32_t>(books_.size()));
  books_.push_back(std::make_unique<book::OrderBook>(instrument, options_));
}

book::OrderBook* SimulatedVenue::lookup(InstrumentId instrument) const noexcept {
  if (instrument.value() == lastId_ && lastBook_ != nullptr) return lastBook_;
  const std::uint32_t i = index_.find(instrument.value());
  if (i == book::IdIndex::kMissing) return nullptr;
  lastId_ = instrument.value();
  lastBook_ = books_[i].get();
  return lastBook_;
}

book::OrderBook* SimulatedVenue::find(InstrumentId instrument) noexcept { return lookup(instrument); }

const book::OrderBook* SimulatedVenue::book(InstrumentId instrument) const noexcept { return lookup(instrument); }

// The engine only calls these for instruments it has defined; a missing book is a no-op, not
// a crash, so that a defect upstream cannot take the engine thread down.
void SimulatedVenue::submit(InstrumentId instrument, const book::NewOrder& order, Timestamp now,
                            std::vector<book::Event>& out) {
  if (auto* b = find(instrument)) b->submit(order, now, out);
}

void SimulatedVenue::cancel(InstrumentId instrument, OrderId order, Timestamp now, std::vector<book::Event>& out) {
  if (auto* b = find(instrument)) b->cancel(order, now, out);
}

void SimulatedVenue::replace(InstrumentId instrument, const book::ReplaceOrder& request, Timestamp now,
                             std::vector<book::Event>& out) {
  if (auto* b = find(instrument)) b->replace(request, now, out);
}

void SimulatedVenue::massCancel(InstrumentId instrument, AccountId account, Timestamp now,
                                std::vector<book::Event>& out) {
  if (auto* b = find(instrument)) b->massCancel(account, now, out);
}

void SimulatedVenue::setStatus(InstrumentId instrument, TradingStatus status, Timestamp now,
                               std::vector<book::Event>& out) {
  if (auto* b = find(instrument)) b->setStatus(status, now, out);
}

void SimulatedVenue::advanceTime(InstrumentId instrument, Timestamp now, std::vector<book::Event>& out) {
  if (auto* b = find(instrument)) b->advanceTime(now, out);
}

void SimulatedVenue::setReferencePrice(InstrumentId instrument, Price price) {
  if (auto* b = find(instrument)) b->setReferencePrice(price);
}

book::TopOfBook SimulatedVenue::topOfBook(InstrumentId instrument) const {
  const auto* b = book(instrument);
  return b != nullptr ? b->topOfBook() : book::TopOfBook{};
}

Price SimulatedVenue::lastTradePrice(InstrumentId instrument) const {
  const book::OrderBook* b = lookup(instrument);
  return b != nullptr ? b->lastTradePrice() : Price::undefined();
}

void SimulatedVenue::depth(InstrumentId instrument, Side side, std::size_t maxLevels,
                           std::vector<book::LevelView>& out) const {
  out.clear();
  if (const auto* b = book(instrument)) b->depth(side, maxLevels, out);
}

TradingStatus SimulatedVenue::status(InstrumentId instrument) const {
  const auto* b = book(instrument);
  return b != nullptr ? b->status() : TradingStatus::Closed;
}

// Books are saved in the order their instruments were added; the engine re-adds instruments
// (from its own snapshot) in that same order before calling load().
void SimulatedVenue::save(ByteWriter& out) const {
  out.u32(static_cast<std::uint32_t>(books_.size()));
  for (const auto& b : books_) {
    out.u64(b->instrument().id().value());
    b->saveState(out);
  }
}

bool SimulatedVenue::load(ByteReader& in) {
  const std::uint32_t n = in.u32();
  if (!in.ok() || n != books_.size()) return false;
  for (const auto& b : books_) {
    if (in.u64() != b->instrument().id().value()) return false;
    if (!b->loadState(in)) return false;
  }
  return in.ok();
}

}  // namespace alphintra::engine
