#include "backtest/replay_venue.hpp"

#include "backtest/replay_l2.hpp"
#include "backtest/replay_l3.hpp"

namespace alphintra::backtest {

struct ReplayVenue::WaitingStop {
  book::NewOrder order;
};

struct ReplayVenue::Market {
  explicit Market(const Instrument& in, QueueModel model) : instrument(in), l2(std::make_unique<L2Replay>(in, model)) {}
  Instrument instrument;
  ReplayDepth depth = ReplayDepth::L2;
  std::unique_ptr<L2Replay> l2;  // exactly one of the two
  std::unique_ptr<L3Replay> l3;
  std::vector<book::Event> pending;  // fills of ours waiting for advanceTime
  std::vector<WaitingStop> stops;    // ours, not triggered yet (a handful: a flat vector)
  Price lastPrint = Price::undefined();
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

namespace {

bool isStop(book::OrderType t) noexcept { return t == book::OrderType::Stop || t == book::OrderType::StopLimit; }

bool reaches(Side side, Price stop, Price print) noexcept {
  return print.isDefined() && (side == Side::Buy ? print >= stop : print <= stop);
}

book::Event orderEvent(book::EventType type, const book::NewOrder& o, Timestamp now) {
  book::Event e;
  e.type = type;
  e.side = o.side;
  e.orderType = static_cast<std::uint8_t>(o.type);
  e.orderId = o.id;
  e.price = o.price;
  e.quantity = o.quantity;
  e.leavesQuantity = o.quantity;
  e.time = now;
  return e;
}

book::Event rejectEvent(const book::NewOrder& o, book::RejectReason reason, Timestamp now) {
  book::Event e = orderEvent(book::EventType::Rejected, o, now);
  e.reason = static_cast<std::uint8_t>(reason);
  e.leavesQuantity = Quantity::zero();
  return e;
}

// The checks the matching engine makes on a stop before it waits (prices on tick, lots).
book::RejectReason checkStop(const book::NewOrder& o, const Instrument& in) noexcept {
  const std::int64_t tick = in.tickSize().raw();
  const std::int64_t lot = in.lotSize().raw();
  if (!o.quantity.isPositive()) return book::RejectReason::InvalidQuantity;
  if (lot > 1 && o.quantity.raw() % lot != 0) return book::RejectReason::QuantityOffLot;
  if (!o.stopPrice.isDefined() || !o.stopPrice.isPositive() || (tick > 1 && o.stopPrice.raw() % tick != 0)) {
    return book::RejectReason::InvalidStopPrice;
  }
  if (o.type == book::OrderType::StopLimit) {
    if (!o.price.isDefined() || !o.price.isPositive()) return book::RejectReason::InvalidPrice;
    if (tick > 1 && o.price.raw() % tick != 0) return book::RejectReason::PriceOffTick;
  } else if (o.price.isDefined()) {
    return book::RejectReason::InvalidPrice;
  }
  if (o.timeInForce == book::TimeInForce::IOC || o.timeInForce == book::TimeInForce::FOK) {
    return book::RejectReason::InvalidTimeInForce;
  }
  return book::RejectReason::None;
}

}  // namespace

// An order into the replayed book (L3 or L2).
void ReplayVenue::enter(Market& m, const book::NewOrder& order, Timestamp now, std::vector<book::Event>& out) {
  const book::NewOrder o = immediateMarket(order);
  if (m.l3) {
    m.l3->submit(o, now, out);
  } else {
    m.l2->submit(o, now, out);
  }
}

void ReplayVenue::submit(InstrumentId instrument, const book::NewOrder& order, Timestamp now,
                         std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  const std::size_t from = out.size();
  if (!isStop(order.type)) {
    enter(*m, order, now, out);
  } else if (const auto reason = checkStop(order, m->instrument); reason != book::RejectReason::None) {
    out.push_back(rejectEvent(order, reason, now));
    return;
  } else if (order.timeInForce == book::TimeInForce::GTD ? order.expireTime <= now : order.expireTime.nanos() != 0) {
    out.push_back(rejectEvent(order, book::RejectReason::InvalidExpireTime, now));  // the book's rule
    return;
  } else {
    out.push_back(orderEvent(book::EventType::Accepted, order, now));
    m->stops.push_back(WaitingStop{order});
    triggerStops(*m, m->lastPrint, now, out);  // already reached: triggers at once
  }
  triggerOnOwnTrades(*m, from, now, out);
}

// GTD orders whose time has come expire, waiting stops and (L2) resting orders alike; at L3
// the replayed book expires its own. `now` is the time the venue has reached.
void ReplayVenue::expire(Market& m, Timestamp now, std::vector<book::Event>& out) {
  for (std::size_t i = 0; i < m.stops.size();) {
    const book::NewOrder& o = m.stops[i].order;
    if (o.timeInForce != book::TimeInForce::GTD || o.expireTime > now) {
      ++i;
      continue;
    }
    book::Event e = orderEvent(book::EventType::Expired, o, now);
    e.leavesQuantity = Quantity::zero();
    out.push_back(e);
    m.stops.erase(m.stops.begin() + static_cast<std::ptrdiff_t>(i));
  }
  if (m.l2) m.l2->expire(now, out);
}

void ReplayVenue::triggerOnOwnTrades(Market& m, std::size_t from, Timestamp now, std::vector<book::Event>& out) {
  // Index loop: triggerStops appends to `out` (and may erase one of the events it appended).
  for (std::size_t k = from; k < out.size(); ++k) {
    if (out[k].type != book::EventType::Trade || !out[k].price.isDefined()) continue;
    const Price price = out[k].price;
    m.lastPrint = price;
    if (!m.stops.empty()) triggerStops(m, price, now, out);
  }
}

void ReplayVenue::triggerStops(Market& m, Price price, Timestamp now, std::vector<book::Event>& out) {
  for (std::size_t i = 0; i < m.stops.size();) {
    const book::NewOrder stop = m.stops[i].order;
    if (!reaches(stop.side, stop.stopPrice, price)) {
      ++i;
      continue;
    }
    m.stops.erase(m.stops.begin() + static_cast<std::ptrdiff_t>(i));  // in arrival order
    book::NewOrder entered = stop;
    entered.type = stop.type == book::OrderType::Stop ? book::OrderType::Market : book::OrderType::Limit;
    entered.stopPrice = Price::undefined();
    book::Event triggered = orderEvent(book::EventType::Triggered, entered, now);
    out.push_back(triggered);
    // The book's Accepted for the entering order is not reported again: the order was accepted
    // when it arrived as a stop.
    const std::size_t from = out.size();
    enter(m, entered, now, out);
    for (std::size_t k = from; k < out.size(); ++k) {
      if (out[k].type == book::EventType::Accepted && out[k].orderId == stop.id) {
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(k));
        break;
      }
    }
  }
}

void ReplayVenue::cancel(InstrumentId instrument, OrderId order, Timestamp now, std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  for (std::size_t i = 0; i < m->stops.size(); ++i) {
    if (m->stops[i].order.id != order) continue;
    book::Event e = orderEvent(book::EventType::Cancelled, m->stops[i].order, now);
    e.reason = static_cast<std::uint8_t>(book::CancelReason::Requested);
    e.leavesQuantity = Quantity::zero();
    out.push_back(e);
    m->stops.erase(m->stops.begin() + static_cast<std::ptrdiff_t>(i));
    return;
  }
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
  const std::size_t from = out.size();
  replaceIn(m, request, now, out);
  triggerOnOwnTrades(*m, from, now, out);  // a replace may make an order marketable
}

void ReplayVenue::replaceIn(Market* m, const book::ReplaceOrder& request, Timestamp now,
                            std::vector<book::Event>& out) {
  for (WaitingStop& w : m->stops) {
    if (w.order.id != request.id) continue;
    book::NewOrder changed = w.order;
    if (request.quantity.isDefined()) changed.quantity = request.quantity;
    if (request.price.isDefined()) changed.price = request.price;
    if (request.stopPrice.isDefined()) changed.stopPrice = request.stopPrice;
    auto reason = checkStop(changed, m->instrument);
    if (reason == book::RejectReason::None && changed.quantity == w.order.quantity && changed.price == w.order.price &&
        changed.stopPrice == w.order.stopPrice) {
      reason = book::RejectReason::NothingToReplace;
    }
    if (reason != book::RejectReason::None) {
      out.push_back(rejectEvent(w.order, reason, now));
      return;
    }
    w.order = changed;
    out.push_back(orderEvent(book::EventType::Replaced, changed, now));
    triggerStops(*m, m->lastPrint, now, out);
    return;
  }
  if (m->l3) {
    m->l3->replace(request, now, out);
  } else {
    m->l2->replace(request, now, out);
  }
}

void ReplayVenue::massCancel(InstrumentId instrument, AccountId account, Timestamp now, std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  for (std::size_t i = 0; i < m->stops.size();) {
    const book::NewOrder& o = m->stops[i].order;
    if (!account.isNone() && o.account != account) {
      ++i;
      continue;
    }
    book::Event e = orderEvent(book::EventType::Cancelled, o, now);
    e.reason = static_cast<std::uint8_t>(book::CancelReason::MassCancel);
    e.leavesQuantity = Quantity::zero();
    out.push_back(e);
    m->stops.erase(m->stops.begin() + static_cast<std::ptrdiff_t>(i));
  }
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
  if (status != TradingStatus::Closed) return;
  for (std::size_t i = 0; i < m->stops.size();) {  // the close ends the day of waiting Day stops
    if (m->stops[i].order.timeInForce != book::TimeInForce::Day) {
      ++i;
      continue;
    }
    book::Event e = orderEvent(book::EventType::Expired, m->stops[i].order, now);
    e.leavesQuantity = Quantity::zero();
    out.push_back(e);
    m->stops.erase(m->stops.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

void ReplayVenue::advanceTime(InstrumentId instrument, Timestamp now, std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  if (!m->pending.empty()) {
    out.insert(out.end(), m->pending.begin(), m->pending.end());
    m->pending.clear();
  }
  expire(*m, now, out);
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

std::size_t ReplayVenue::levelPairs(std::uint32_t index, Side side, std::span<std::int64_t> out) const noexcept {
  const Market& m = *markets_[index];
  return m.l3 ? m.l3->book().depthPairs(side, out) : m.l2->levelPairs(side, out);
}

const book::OrderBook* ReplayVenue::orderBook(std::uint32_t index) const noexcept {
  const Market& m = *markets_[index];
  return m.l3 ? &m.l3->book() : nullptr;
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
  // What expired before this event: only held stops here (the book expires its own GTD orders);
  // the common case, none, costs no call on every replayed message.
  if (!m.stops.empty()) expire(m, e.exchangeTime, m.pending);
  const std::size_t from = m.pending.size();
  skipped_ += m.l3->onOrder(e, scratch_, m.pending);
  triggerOnOwnTrades(m, from, e.exchangeTime, m.pending);
  return !m.pending.empty();
}

bool ReplayVenue::onLevel(std::uint32_t index, const marketdata::BookLevelEvent& e) {
  Market& m = *markets_[index];
  if (!m.l2) return false;
  expire(m, e.exchangeTime, m.pending);  // what expired before this event
  const std::size_t from = m.pending.size();
  m.l2->onLevel(e, m.pending);
  triggerOnOwnTrades(m, from, e.exchangeTime, m.pending);
  return !m.pending.empty();
}

bool ReplayVenue::onQuote(std::uint32_t index, const marketdata::QuoteEvent& e) {
  Market& m = *markets_[index];
  if (!m.l2) return false;
  expire(m, e.exchangeTime, m.pending);  // what expired before this event
  const std::size_t from = m.pending.size();
  m.l2->onQuote(e, m.pending);
  triggerOnOwnTrades(m, from, e.exchangeTime, m.pending);
  return !m.pending.empty();
}

bool ReplayVenue::onTrade(std::uint32_t index, const marketdata::TradeEvent& e) {
  Market& m = *markets_[index];
  if (m.l2 || !m.stops.empty()) expire(m, e.exchangeTime, m.pending);  // what expired before this print
  m.lastPrint = e.price;
  // L3: executions come as order events; prints alone never fill us.
  const std::size_t from = m.pending.size();
  if (m.l2) m.l2->onTrade(e, m.pending);
  if (!m.stops.empty()) triggerStops(m, e.price, e.exchangeTime, m.pending);
  triggerOnOwnTrades(m, from, e.exchangeTime, m.pending);
  m.lastPrint = e.price;  // the replayed print is the latest, whatever ours were
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
