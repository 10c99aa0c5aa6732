#include "backtest/replay_venue.hpp"

#include "backtest/replay_l2.hpp"
#include "backtest/replay_l3.hpp"

namespace alphintra::backtest {

struct ReplayVenue::Market {
  explicit Market(const Instrument& in, QueueModel model) : instrument(in), l2(std::make_unique<L2Replay>(in, model)) {}
  Instrument instrument;
  ReplayDepth depth = ReplayDepth::L2;
  std::unique_ptr<L2Replay> l2;  // exactly one of the two
  std::unique_ptr<L3Replay> l3;
  std::vector<book::Event> pending;  // fills of ours waiting for advanceTime
};

ReplayVenue::ReplayVenue(ReplayVenueOptions options) : options_(options) { scratch_.reserve(256); }

ReplayVenue::~ReplayVenue() = default;

void ReplayVenue::addInstrument(const Instrument& instrument) {
  if (index_.find(instrument.id().value()) != book::IdIndex::kMissing) return;
  index_.insert(instrument.id().value(), static_cast<std::uint32_t>(markets_.size()));
  markets_.push_back(std::make_unique<Market>(instrument, options_.queue));
}

ReplayVenue::Market* ReplayVenue::find(InstrumentId id) noexcept {
  const std::uint32_t i = index_.find(id.value());
  return i == book::IdIndex::kMissing ? nullptr : markets_[i].get();
}

const ReplayVenue::Market* ReplayVenue::find(InstrumentId id) const noexcept {
  const std::uint32_t i = index_.find(id.value());
  return i == book::IdIndex::kMissing ? nullptr : markets_[i].get();
}

void ReplayVenue::setDepth(std::uint32_t index, ReplayDepth depth) {
  Market& m = *markets_[index];
  if (m.depth == depth) return;
  m.depth = depth;
  if (depth == ReplayDepth::L3) {
    m.l2.reset();
    m.l3 = std::make_unique<L3Replay>(m.instrument, options_.expectedOrders);
  } else {
    m.l3.reset();
    m.l2 = std::make_unique<L2Replay>(m.instrument, options_.queue);
  }
}

ReplayDepth ReplayVenue::depthOf(std::uint32_t index) const noexcept { return markets_[index]->depth; }

namespace {

// A market order lives for its one match here, whatever time in force it was given (the
// book takes market orders only as IOC or FOK).
book::NewOrder immediateMarket(const book::NewOrder& order) {
  book::NewOrder o = order;
  if (o.type == book::OrderType::Market && o.timeInForce != book::TimeInForce::FOK) {
    o.timeInForce = book::TimeInForce::IOC;
  }
  return o;
}

}  // namespace

void ReplayVenue::submit(InstrumentId instrument, const book::NewOrder& order, Timestamp now,
                         std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  const book::NewOrder o = immediateMarket(order);
  if (m->l3) {
    m->l3->submit(o, now, out);
  } else {
    m->l2->submit(o, now, out);
  }
}

void ReplayVenue::cancel(InstrumentId instrument, OrderId order, Timestamp now, std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  if (m->l3) {
    m->l3->cancel(order, now, out);
  } else {
    m->l2->cancel(order, now, out);
  }
}

void ReplayVenue::replace(InstrumentId instrument, const book::ReplaceOrder& request, Timestamp now,
                          std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  if (m->l3) {
    m->l3->replace(request, now, out);
  } else {
    m->l2->replace(request, now, out);
  }
}

void ReplayVenue::massCancel(InstrumentId instrument, AccountId account, Timestamp now, std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  if (m->l3) {
    m->l3->massCancel(account, now, out);
  } else {
    m->l2->massCancel(account, now, out);
  }
}

void ReplayVenue::setStatus(InstrumentId instrument, TradingStatus status, Timestamp now,
                            std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  if (m->l3) {
    m->l3->setStatus(status, now, out);
  } else {
    m->l2->setStatus(status, now, out);
  }
}

void ReplayVenue::advanceTime(InstrumentId instrument, Timestamp now, std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  if (!m->pending.empty()) {
    out.insert(out.end(), m->pending.begin(), m->pending.end());
    m->pending.clear();
  }
  if (m->l3) m->l3->advanceTime(now, out);
}

void ReplayVenue::setReferencePrice(InstrumentId instrument, Price price) {
  (void)instrument;
  (void)price;  // the replayed market has its own prices
}

book::TopOfBook ReplayVenue::top(std::uint32_t index) const noexcept {
  const Market& m = *markets_[index];
  return m.l3 ? m.l3->book().topOfBook() : m.l2->top();
}

void ReplayVenue::levels(std::uint32_t index, Side side, std::size_t maxLevels,
                         std::vector<book::LevelView>& out) const {
  const Market& m = *markets_[index];
  if (m.l3) {
    m.l3->book().depth(side, maxLevels, out);
  } else {
    m.l2->levels(side, maxLevels, out);
  }
}

book::TopOfBook ReplayVenue::topOfBook(InstrumentId instrument) const {
  const std::uint32_t i = index_.find(instrument.value());
  return i == book::IdIndex::kMissing ? book::TopOfBook{} : top(i);
}

void ReplayVenue::depth(InstrumentId instrument, Side side, std::size_t maxLevels,
                        std::vector<book::LevelView>& out) const {
  out.clear();
  const std::uint32_t i = index_.find(instrument.value());
  if (i != book::IdIndex::kMissing) levels(i, side, maxLevels, out);
}

TradingStatus ReplayVenue::status(InstrumentId instrument) const {
  const Market* m = find(instrument);
  if (m == nullptr) return TradingStatus::Closed;
  return m->l3 ? m->l3->book().status() : m->l2->status();
}

std::size_t ReplayVenue::ownOrders(std::uint32_t index) const noexcept {
  const Market& m = *markets_[index];
  return m.l3 ? m.l3->ownOrders() : m.l2->ownOrders();
}

Quantity ReplayVenue::queueAhead(std::uint32_t index, OrderId order) const noexcept {
  const Market& m = *markets_[index];
  return m.l2 ? m.l2->queueAhead(order) : Quantity::undefined();
}

void ReplayVenue::prefetch(std::uint32_t index, std::uint64_t orderId) const noexcept {
  const Market& m = *markets_[index];
  if (m.l3) m.l3->prefetch(orderId);
}

bool ReplayVenue::onOrder(std::uint32_t index, const marketdata::BookOrderEvent& e) {
  Market& m = *markets_[index];
  if (!m.l3) return false;  // order-level data for an L2 instrument: its levels come from elsewhere
  skipped_ += m.l3->onOrder(e, scratch_, m.pending);
  return !m.pending.empty();
}

bool ReplayVenue::onLevel(std::uint32_t index, const marketdata::BookLevelEvent& e) {
  Market& m = *markets_[index];
  if (!m.l2) return false;
  m.l2->onLevel(e, m.pending);
  return !m.pending.empty();
}

bool ReplayVenue::onQuote(std::uint32_t index, const marketdata::QuoteEvent& e) {
  Market& m = *markets_[index];
  if (!m.l2) return false;
  m.l2->onQuote(e, m.pending);
  return !m.pending.empty();
}

bool ReplayVenue::onTrade(std::uint32_t index, const marketdata::TradeEvent& e) {
  Market& m = *markets_[index];
  if (!m.l2) return false;  // L3: executions come as order events; prints alone never fill us
  m.l2->onTrade(e, m.pending);
  return !m.pending.empty();
}

void ReplayVenue::save(ByteWriter& out) const {
  out.u32(static_cast<std::uint32_t>(markets_.size()));
  for (const auto& m : markets_) {
    out.u64(m->instrument.id().value());
    out.u8(static_cast<std::uint8_t>(m->depth));
    if (m->l3) {
      m->l3->book().saveState(out);
    } else {
      m->l2->save(out);
    }
    out.u32(static_cast<std::uint32_t>(m->pending.size()));
  }
}

bool ReplayVenue::load(ByteReader& in) {
  (void)in;
  return false;  // a replay is rerun from its data, never restored from a snapshot
}

}  // namespace alphintra::backtest
