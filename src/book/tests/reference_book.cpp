// ReferenceBook: docs/matching.md, implemented literally and naively (see reference_book.hpp).
//
// The code follows the contract's paragraphs in order. Where the contract does not say what a
// field or an order of events is, the choice made is marked "Reading:" so that it can be found,
// discussed and, if the contract changes, adjusted in one place.
#include "book/tests/reference_book.hpp"

#include <algorithm>
#include <cstdlib>

namespace alphintra::book::testing {
namespace {

bool isBetter(Side side, Price a, Price b) {  // a strictly better than b for a resting side
  return side == Side::Buy ? a > b : a < b;
}

}  // namespace

ReferenceBook::ReferenceBook(const Instrument& instrument, BookOptions options)
    : instrument_(instrument), options_(options), status_(instrument.status()) {}

// ---------------------------------------------------------------------------------------------
// Lookup

ReferenceBook::Where ReferenceBook::locate(OrderId id) const {
  for (const auto* v : {&bids_, &asks_}) {
    for (const auto& o : *v) {
      if (o.id == id) return Where::Resting;
    }
  }
  for (const auto& o : stops_) {
    if (o.id == id) return Where::Stop;
  }
  for (const auto* v : {&queuedBuys_, &queuedSells_}) {
    for (const auto& o : *v) {
      if (o.id == id) return Where::Queued;
    }
  }
  return Where::None;
}

ReferenceBook::Order* ReferenceBook::findOrder(OrderId id) {
  for (auto* v : {&bids_, &asks_, &stops_, &queuedBuys_, &queuedSells_}) {
    for (auto& o : *v) {
      if (o.id == id) return &o;
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Events

Event& ReferenceBook::emit(EventType type, std::vector<Event>& out) {
  Event e{};
  e.type = type;
  e.sequence = ++sequence_;
  e.time = now_;
  out.push_back(e);
  return out.back();
}

// An event about one order: side, id, its limit price (undefined for market and stop orders),
// the quantity the event is about and the order's leaves after it.
void ReferenceBook::emitOrderEvent(EventType type, const Order& o, Quantity qty, std::uint8_t reason,
                                   std::vector<Event>& out) {
  Event& e = emit(type, out);
  e.side = o.side;
  e.orderId = o.id;
  e.price = o.price;
  e.quantity = qty;
  e.leavesQuantity = o.leaves;
  e.reason = reason;
}

void ReferenceBook::emitCancelled(const Order& o, CancelReason reason, Quantity qty, std::vector<Event>& out) {
  Order after = o;
  after.leaves = Quantity::zero();
  emitOrderEvent(EventType::Cancelled, after, qty, static_cast<std::uint8_t>(reason), out);
}

// A rejection carries the id as given, the reason, and the side where there is an order.
// Reading: the table in types.hpp says "None for cancel/replace/status", but the golden
// scenarios (replace_rejects.scn) show the live order's side on a rejected replace; the
// examples are followed: a new order's side, a live order's side for a replace, else None.
void ReferenceBook::emitRejected(OrderId id, Side side, RejectReason reason, std::vector<Event>& out) {
  Event& e = emit(EventType::Rejected, out);
  e.orderId = id;
  e.side = side;
  e.reason = static_cast<std::uint8_t>(reason);
}

// L3 event for `o` (if enabled), then the L2 update of its level (if enabled). Fields as in
// the table of types.hpp: OrderAdded/OrderUpdated carry the displayed quantity, OrderDeleted 0.
void ReferenceBook::emitMarketData(EventType l3, const Order& o, std::vector<Event>& out) {
  if (options_.orderUpdates) {
    Event& e = emit(l3, out);
    e.side = o.side;
    e.orderId = o.id;
    e.price = o.price;
    e.quantity = l3 == EventType::OrderDeleted ? Quantity::zero() : o.displayed;
  }
  if (options_.levelUpdates) {
    Quantity qty;
    std::uint32_t count = 0;
    for (const auto& r : resting(o.side)) {
      if (r.price == o.price) {
        qty += r.displayed;
        ++count;
      }
    }
    Event& e = emit(EventType::LevelUpdate, out);
    e.side = o.side;
    e.price = o.price;
    e.quantity = qty;
    e.count = count;
  }
}

// ---------------------------------------------------------------------------------------------
// Resting book

// Rests `o` at the back of its price level.
void ReferenceBook::addResting(Order o, std::vector<Event>& out) {
  auto& v = resting(o.side);
  std::size_t pos = 0;
  while (pos < v.size() && !isBetter(o.side, o.price, v[pos].price)) ++pos;
  v.insert(v.begin() + static_cast<std::ptrdiff_t>(pos), o);
  emitMarketData(EventType::OrderAdded, o, out);
}

ReferenceBook::Order ReferenceBook::removeResting(Side side, OrderId id, std::vector<Event>& out) {
  auto& v = resting(side);
  auto it = std::find_if(v.begin(), v.end(), [&](const Order& o) { return o.id == id; });
  Order o = *it;
  v.erase(it);
  emitMarketData(EventType::OrderDeleted, o, out);
  return o;
}

// Changes a resting order's displayed quantity in place (keeps its queue position).
void ReferenceBook::updateRestingDisplay(Side side, OrderId id, Quantity displayed, std::vector<Event>& out) {
  for (auto& o : resting(side)) {
    if (o.id != id) continue;
    if (o.displayed == displayed) return;
    o.displayed = displayed;
    emitMarketData(EventType::OrderUpdated, o, out);
    return;
  }
}

// After a resting order traded (its leaves and displayed already reduced): it leaves the book
// when done; an iceberg with nothing displayed is replenished and moved to the back of its
// level; otherwise its displayed quantity changed in place.
void ReferenceBook::afterFill(Side side, OrderId id, Quantity displayedBefore, std::vector<Event>& out) {
  Order* o = nullptr;
  for (auto& r : resting(side)) {
    if (r.id == id) o = &r;
  }
  if (o->leaves.isZero()) {
    removeResting(side, id, out);
  } else if (o->displayed.isZero()) {
    hit(status_ == TradingStatus::Continuous ? "iceberg replenished (continuous)" : "iceberg replenished (auction)");
    Order moved = removeResting(side, id, out);
    moved.displayed = minQuantity(moved.peak, moved.leaves);
    addResting(moved, out);
  } else if (o->displayed != displayedBefore) {
    emitMarketData(EventType::OrderUpdated, *o, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Time

// Every command: time never goes backwards, then GTD expiries.
void ReferenceBook::beginCommand(Timestamp now, std::vector<Event>& out) {
  if (now > now_) now_ = now;
  tradedInCommand_ = false;
  runExpiries(out);
}

void ReferenceBook::runExpiries(std::vector<Event>& out) {
  std::vector<Order> due;
  for (const auto* v : {&bids_, &asks_, &stops_, &queuedBuys_, &queuedSells_}) {
    for (const auto& o : *v) {
      if (o.tif == TimeInForce::GTD && o.expireTime <= now_) due.push_back(o);
    }
  }
  std::sort(due.begin(), due.end(), [](const Order& a, const Order& b) {
    if (a.expireTime != b.expireTime) return a.expireTime < b.expireTime;
    return a.acceptance < b.acceptance;
  });
  for (std::size_t k = 0; k < due.size(); ++k) {
    const Order& o = due[k];
    if (k > 0 && due[k - 1].expireTime == o.expireTime) hit("GTD expiry tie broken by acceptance");
    const Where where = locate(o.id);
    Order after = o;
    after.leaves = Quantity::zero();
    emitOrderEvent(EventType::Expired, after, o.leaves, 0, out);
    if (where == Where::Resting) {
      removeResting(o.side, o.id, out);
    } else {
      for (auto* v : {&stops_, &queuedBuys_, &queuedSells_}) {
        std::erase_if(*v, [&](const Order& x) { return x.id == o.id; });
      }
    }
  }
}

void ReferenceBook::expireDayOrders(std::vector<Event>& out) {
  std::vector<Order> due;
  for (const auto* v : {&bids_, &asks_, &stops_, &queuedBuys_, &queuedSells_}) {
    for (const auto& o : *v) {
      if (o.tif == TimeInForce::Day) due.push_back(o);
    }
  }
  std::sort(due.begin(), due.end(), [](const Order& a, const Order& b) { return a.acceptance < b.acceptance; });
  for (const auto& o : due) {
    const Where where = locate(o.id);
    Order after = o;
    after.leaves = Quantity::zero();
    emitOrderEvent(EventType::Expired, after, o.leaves, 0, out);
    if (where == Where::Resting) {
      removeResting(o.side, o.id, out);
    } else {
      for (auto* v : {&stops_, &queuedBuys_, &queuedSells_}) {
        std::erase_if(*v, [&](const Order& x) { return x.id == o.id; });
      }
    }
  }
}

void ReferenceBook::advanceTime(Timestamp now, std::vector<Event>& out) { beginCommand(now, out); }

// ---------------------------------------------------------------------------------------------
// Validation

bool ReferenceBook::isCallPhase(TradingStatus s) const {
  return s == TradingStatus::PreOpen || s == TradingStatus::OpeningAuction || s == TradingStatus::ClosingAuction;
}

RejectReason ReferenceBook::checkQuantity(Quantity q) const {
  if (!q.isDefined() || q.raw() <= 0) return RejectReason::InvalidQuantity;
  if (q.raw() % instrument_.lotSize().raw() != 0) return RejectReason::QuantityOffLot;
  if (q < instrument_.minQuantity()) return RejectReason::QuantityBelowMinimum;
  if (q > instrument_.maxQuantity()) return RejectReason::QuantityAboveMaximum;
  return RejectReason::None;
}

// The twelve checks of "New order validation", in their order.
RejectReason ReferenceBook::validateNew(const NewOrder& o) const {
  // 1.
  if (o.id.isNone()) return RejectReason::InvalidOrderId;
  if (o.account.isNone()) return RejectReason::InvalidAccount;
  // 2.
  if (status_ == TradingStatus::Halted) return RejectReason::InstrumentHalted;
  if (status_ == TradingStatus::Closed) return RejectReason::InstrumentClosed;
  // 3.
  if (locate(o.id) != Where::None) return RejectReason::DuplicateOrderId;
  // 4.
  if (RejectReason r = checkQuantity(o.quantity); r != RejectReason::None) return r;
  // 5.
  const bool hasLimit = o.type == OrderType::Limit || o.type == OrderType::StopLimit;
  const bool hasStop = o.type == OrderType::Stop || o.type == OrderType::StopLimit;
  if (hasLimit) {
    if (!o.price.isDefined() || o.price.raw() <= 0) return RejectReason::InvalidPrice;
    if (o.price.raw() % instrument_.tickSize().raw() != 0) return RejectReason::PriceOffTick;
  } else if (o.price.isDefined()) {
    return RejectReason::InvalidPrice;
  }
  // 6.
  if (hasStop) {
    if (!o.stopPrice.isDefined() || o.stopPrice.raw() <= 0 || o.stopPrice.raw() % instrument_.tickSize().raw() != 0) {
      return RejectReason::InvalidStopPrice;
    }
  } else if (o.stopPrice.isDefined()) {
    return RejectReason::InvalidStopPrice;
  }
  const bool immediate = o.timeInForce == TimeInForce::IOC || o.timeInForce == TimeInForce::FOK;
  // 7.
  if (!o.displayQuantity.isZero()) {
    const Quantity d = o.displayQuantity;
    if (!d.isDefined() || d.raw() <= 0 || d > o.quantity || d.raw() % instrument_.lotSize().raw() != 0 || !hasLimit ||
        immediate) {
      return RejectReason::InvalidDisplayQuantity;
    }
  }
  // 8.
  if (!o.minQuantity.isZero()) {
    const Quantity m = o.minQuantity;
    if (!m.isDefined() || m.raw() <= 0 || m > o.quantity || m.raw() % instrument_.lotSize().raw() != 0) {
      return RejectReason::InvalidMinQuantity;
    }
  }
  // 9.
  if (o.type == OrderType::Market && !immediate) return RejectReason::InvalidTimeInForce;
  if (o.timeInForce == TimeInForce::GTD) {
    if (o.expireTime <= now_) return RejectReason::InvalidExpireTime;
  } else if (o.expireTime != Timestamp{}) {
    return RejectReason::InvalidExpireTime;
  }
  // 10.
  if (o.postOnly) {
    if (o.type != OrderType::Limit) return RejectReason::InvalidOrderType;
    if (immediate) return RejectReason::InvalidTimeInForce;
  }
  // 11. Limit IOC/FOK and market FOK refused; market IOC queues; stops rest whatever their
  // time in force.
  if (isCallPhase(status_) && ((o.type == OrderType::Limit && immediate) ||
                               (o.type == OrderType::Market && o.timeInForce == TimeInForce::FOK))) {
    return RejectReason::InvalidTimeInForce;
  }
  // 12. (A market order into an empty side is accepted, then cancelled NoLiquidity.)
  if (status_ == TradingStatus::Continuous) {
    const auto& opposite = resting(alphintra::opposite(o.side));
    if (o.postOnly && !opposite.empty()) {
      const Price best = opposite.front().price;
      if (o.side == Side::Buy ? o.price >= best : o.price <= best) return RejectReason::WouldTakeLiquidity;
    }
  }
  return RejectReason::None;
}

// ---------------------------------------------------------------------------------------------
// New orders

void ReferenceBook::submit(const NewOrder& in, Timestamp now, std::vector<Event>& out) {
  beginCommand(now, out);
  if (RejectReason r = validateNew(in); r != RejectReason::None) {
    emitRejected(in.id, in.side, r, out);
    return;
  }
  Order o;
  o.id = in.id;
  o.account = in.account;
  o.side = in.side;
  o.type = in.type;
  o.tif = in.timeInForce;
  o.price = in.price;
  o.stopPrice = in.stopPrice;
  o.quantity = in.quantity;
  o.leaves = in.quantity;
  o.peak = in.displayQuantity;
  o.displayed = o.peak.isZero() ? o.leaves : minQuantity(o.peak, o.leaves);
  o.minQuantity = in.minQuantity;
  o.postOnly = in.postOnly;
  o.selfTrade = in.selfTrade;
  o.expireTime = in.expireTime;
  o.acceptance = ++acceptanceCounter_;

  {
    Event& e = emit(EventType::Accepted, out);
    e.side = o.side;
    e.orderType = static_cast<std::uint8_t>(o.type);
    e.orderId = o.id;
    e.price = o.price;
    e.quantity = o.quantity;
    e.leavesQuantity = o.leaves;
  }

  if (o.type == OrderType::Stop || o.type == OrderType::StopLimit) {
    stops_.push_back(o);
    // On entry: triggers at once when the last trade price already meets it (Continuous only).
    runStops(out);
    return;
  }
  if (isCallPhase(status_)) {
    if (o.type == OrderType::Market) {
      queued(o.side).push_back(o);
    } else {
      addResting(o, out);
    }
    return;
  }
  // Continuous.
  executeIncoming(o, /*entry=*/true, out);
  if (tradedInCommand_) runStops(out);
}

// ---------------------------------------------------------------------------------------------
// Continuous matching

bool ReferenceBook::reaches(const Order& incoming, Price restingPrice) const {
  if (!incoming.price.isDefined()) return true;  // market: no limit
  return incoming.side == Side::Buy ? restingPrice <= incoming.price : restingPrice >= incoming.price;
}

// Fill-or-kill / minimum quantity: leaves of every resting order at a reachable price, own
// account's orders counting zero when the incoming order prevents self-trades.
Quantity ReferenceBook::executableQuantity(const Order& incoming) const {
  Quantity total;
  for (const auto& r : resting(opposite(incoming.side))) {
    if (!reaches(incoming, r.price)) continue;
    if (r.account == incoming.account && incoming.selfTrade != SelfTradePrevention::None) continue;
    total += r.leaves;
  }
  return total;
}

// An incoming order (new, triggered, or replaced with loss of priority) in Continuous:
// FOK / minimum quantity check (on entry only), matching, then its remainder rests or is
// cancelled.
void ReferenceBook::executeIncoming(Order o, bool entry, std::vector<Event>& out) {
  const bool isMarket = !o.price.isDefined();
  const bool fok = o.tif == TimeInForce::FOK;
  // A triggered Stop keeps its time in force only for FOK; a market order is IOC or FOK.
  const bool cancelsRemainder = isMarket || fok || o.tif == TimeInForce::IOC;

  if (entry && (fok || !o.minQuantity.isZero())) {
    const Quantity executable = executableQuantity(o);
    // Reading: with both FOK and a minimum quantity, the FOK check decides first.
    if (fok && executable < o.quantity) {
      emitCancelled(o, CancelReason::FillOrKill, o.leaves, out);
      return;
    }
    // The minimum quantity is capped at the leaves: a replace may have lowered the quantity.
    if (!o.minQuantity.isZero() && executable < minQuantity(o.minQuantity, o.leaves)) {
      emitCancelled(o, CancelReason::MinQuantityNotMet, o.leaves, out);
      return;
    }
  }

  // A market order (or triggered stop-market order) that found the other side empty when it
  // arrived is cancelled NoLiquidity rather than ImmediateOrCancel.
  const bool oppositeEmpty = resting(opposite(o.side)).empty();
  if (matchIncoming(o, out)) return;  // finished by self-trade prevention
  if (o.leaves.isZero()) return;
  if (cancelsRemainder) {
    const CancelReason reason =
        (isMarket && oppositeEmpty) ? CancelReason::NoLiquidity : CancelReason::ImmediateOrCancel;
    emitCancelled(o, reason, o.leaves, out);
    return;
  }
  o.displayed = o.peak.isZero() ? o.leaves : minQuantity(o.peak, o.leaves);
  addResting(o, out);
}

// Matches `in` against the opposite side. Returns true when self-trade prevention finished the
// incoming order (its remainder already cancelled).
bool ReferenceBook::matchIncoming(Order& in, std::vector<Event>& out) {
  const Side oppSide = opposite(in.side);
  while (!in.leaves.isZero() && !resting(oppSide).empty()) {
    Order& r = resting(oppSide).front();
    if (!reaches(in, r.price)) break;

    if (r.account == in.account && in.selfTrade != SelfTradePrevention::None) {
      switch (in.selfTrade) {
        case SelfTradePrevention::CancelResting: {
          const Order gone = r;
          emitCancelled(gone, CancelReason::SelfTrade, gone.leaves, out);
          removeResting(oppSide, gone.id, out);
          continue;
        }
        case SelfTradePrevention::CancelIncoming:
          if (in.tif == TimeInForce::FOK) hit("FOK stopped early by self-trade prevention");
          emitCancelled(in, CancelReason::SelfTrade, in.leaves, out);
          in.leaves = Quantity::zero();
          return true;
        case SelfTradePrevention::CancelBoth: {
          const Order gone = r;
          emitCancelled(gone, CancelReason::SelfTrade, gone.leaves, out);
          removeResting(oppSide, gone.id, out);
          emitCancelled(in, CancelReason::SelfTrade, in.leaves, out);
          in.leaves = Quantity::zero();
          return true;
        }
        case SelfTradePrevention::DecrementAndCancel: {
          const Quantity d = minQuantity(in.leaves, r.leaves);
          // The resting order's event always comes first.
          // Reading: a restatement lowers the order's total quantity with its leaves, so that
          // quantity = filled + leaves still holds (OrderView, and the base of a later replace).
          hit(in.leaves < r.leaves    ? "self-trade decrement: incoming smaller"
              : in.leaves == r.leaves ? "self-trade decrement: equal"
                                      : "self-trade decrement: resting smaller");
          if (in.leaves < r.leaves) {
            // Incoming smaller: resting restated (hidden quantity first, in place), incoming
            // cancelled.
            r.leaves -= d;
            r.quantity -= d;
            emitOrderEvent(EventType::Restated, r, d, static_cast<std::uint8_t>(CancelReason::SelfTrade), out);
            updateRestingDisplay(oppSide, r.id, minQuantity(r.displayed, r.leaves), out);
            emitCancelled(in, CancelReason::SelfTrade, d, out);
            in.leaves = Quantity::zero();
            return true;
          }
          const Order gone = r;
          emitCancelled(gone, CancelReason::SelfTrade, gone.leaves, out);
          removeResting(oppSide, gone.id, out);
          if (in.leaves == d) {
            emitCancelled(in, CancelReason::SelfTrade, d, out);
            in.leaves = Quantity::zero();
            return true;
          }
          in.leaves -= d;
          in.quantity -= d;
          emitOrderEvent(EventType::Restated, in, d, static_cast<std::uint8_t>(CancelReason::SelfTrade), out);
          continue;
        }
        case SelfTradePrevention::None: break;
      }
    }

    const Quantity q = minQuantity(in.leaves, r.displayed);
    const Quantity displayedBefore = r.displayed;
    in.leaves -= q;
    in.filled += q;
    r.leaves -= q;
    r.filled += q;
    r.displayed -= q;
    lastTradePrice_ = r.price;
    tradedInCommand_ = true;
    {
      Event& e = emit(EventType::Trade, out);
      e.side = in.side;
      e.orderId = in.id;
      e.contraOrderId = r.id;
      e.price = r.price;
      e.quantity = q;
      e.leavesQuantity = in.leaves;
      e.contraLeavesQuantity = r.leaves;
    }
    afterFill(oppSide, r.id, displayedBefore, out);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Stops

bool ReferenceBook::stopTriggers(const Order& o) const {
  if (!lastTradePrice_.isDefined()) return false;
  return o.side == Side::Buy ? lastTradePrice_ >= o.stopPrice : lastTradePrice_ <= o.stopPrice;
}

// The trigger check and its cascade (Continuous only): stops meeting the trigger leave the
// stop book in acceptance order and are processed one at a time; after each, newly triggered
// stops are appended to the queue.
void ReferenceBook::runStops(std::vector<Event>& out) {
  if (status_ != TradingStatus::Continuous) return;
  std::vector<Order> queue;
  std::size_t head = 0;
  auto collect = [&] {
    std::vector<Order> hit;
    for (const auto& s : stops_) {
      if (stopTriggers(s)) hit.push_back(s);
    }
    std::sort(hit.begin(), hit.end(), [](const Order& a, const Order& b) { return a.acceptance < b.acceptance; });
    for (const auto& s : hit) {
      std::erase_if(stops_, [&](const Order& x) { return x.id == s.id; });
      queue.push_back(s);
    }
  };
  collect();
  if (queue.size() > 1) hit("several stops triggered at one check");
  while (head < queue.size()) {
    if (head > 0) hit("stop processed after another in one cascade");
    Order o = queue[head++];
    o.triggered = true;
    // Triggered carries the order's original type (Stop / StopLimit), not the type it becomes.
    {
      Event& e = emit(EventType::Triggered, out);
      e.side = o.side;
      e.orderType = static_cast<std::uint8_t>(o.type);
      e.orderId = o.id;
      e.price = o.price;
      e.quantity = o.quantity;
      e.leavesQuantity = o.leaves;
    }
    executeIncoming(o, /*entry=*/true, out);
    collect();
  }
}

// ---------------------------------------------------------------------------------------------
// Cancel, replace, mass cancel

void ReferenceBook::cancel(OrderId id, Timestamp now, std::vector<Event>& out) {
  beginCommand(now, out);
  const Where where = locate(id);
  if (where == Where::None) {
    emitRejected(id, Side::None, RejectReason::UnknownOrder, out);
    return;
  }
  const Order o = *findOrder(id);
  emitCancelled(o, CancelReason::Requested, o.leaves, out);
  if (where == Where::Resting) {
    removeResting(o.side, id, out);
  } else {
    for (auto* v : {&stops_, &queuedBuys_, &queuedSells_}) {
      std::erase_if(*v, [&](const Order& x) { return x.id == id; });
    }
  }
}

void ReferenceBook::replace(const ReplaceOrder& req, Timestamp now, std::vector<Event>& out) {
  beginCommand(now, out);
  const Where where = locate(req.id);
  if (where == Where::None) {
    emitRejected(req.id, Side::None, RejectReason::UnknownOrder, out);
    return;
  }
  const Order o = *findOrder(req.id);
  auto reject = [&](RejectReason r) { emitRejected(o.id, o.side, r, out); };
  if (status_ == TradingStatus::Halted) return reject(RejectReason::InstrumentHalted);
  if (status_ == TradingStatus::Closed) return reject(RejectReason::InstrumentClosed);
  if (!req.quantity.isDefined() && !req.price.isDefined() && !req.stopPrice.isDefined()) {
    return reject(RejectReason::NothingToReplace);
  }
  if (req.quantity.isDefined()) {
    if (RejectReason r = checkQuantity(req.quantity); r != RejectReason::None) return reject(r);
    if (req.quantity <= o.filled) return reject(RejectReason::InvalidQuantity);
  }
  if (req.price.isDefined()) {
    // Reading: a new price on an order without a limit (Market, Stop) is InvalidPrice, as in
    // check 5 of new order validation.
    if (o.type != OrderType::Limit && o.type != OrderType::StopLimit) return reject(RejectReason::InvalidPrice);
    if (req.price.raw() <= 0) return reject(RejectReason::InvalidPrice);
    if (req.price.raw() % instrument_.tickSize().raw() != 0) return reject(RejectReason::PriceOffTick);
  }
  if (req.stopPrice.isDefined()) {
    if (where != Where::Stop) return reject(RejectReason::InvalidStopPrice);
    if (req.stopPrice.raw() <= 0 || req.stopPrice.raw() % instrument_.tickSize().raw() != 0) {
      return reject(RejectReason::InvalidStopPrice);
    }
  }
  // Reading: "would trade" can only happen while Continuous (nothing trades in a call phase),
  // and is judged against the best opposite price like check 12.
  if (o.postOnly && req.price.isDefined() && status_ == TradingStatus::Continuous) {
    const auto& opp = resting(opposite(o.side));
    if (!opp.empty()) {
      const Price best = opp.front().price;
      if (o.side == Side::Buy ? req.price >= best : req.price <= best) {
        return reject(RejectReason::WouldTakeLiquidity);
      }
    }
  }

  Order n = o;
  if (req.quantity.isDefined()) {
    n.quantity = req.quantity;
    n.leaves = req.quantity - o.filled;
  }
  if (req.price.isDefined()) n.price = req.price;
  if (req.stopPrice.isDefined()) n.stopPrice = req.stopPrice;
  {
    Event& e = emit(EventType::Replaced, out);
    e.side = n.side;
    e.orderType = static_cast<std::uint8_t>(n.type);
    e.orderId = n.id;
    e.price = n.price;
    e.quantity = n.quantity;
    e.leavesQuantity = n.leaves;
  }

  if (where == Where::Stop || where == Where::Queued) {
    hit(where == Where::Stop ? "replace of a stop" : "replace of a queued market order");
    *findOrder(o.id) = n;  // in place
    if (where == Where::Stop) runStops(out);
    return;
  }
  // Resting.
  const bool keepsPriority = n.price == o.price && n.quantity <= o.quantity;
  hit(keepsPriority ? "replace keeps priority" : "replace loses priority");
  if (keepsPriority) {
    for (auto& r : resting(o.side)) {
      if (r.id == o.id) {
        r.quantity = n.quantity;
        r.leaves = n.leaves;
      }
    }
    updateRestingDisplay(o.side, o.id, minQuantity(o.displayed, n.leaves), out);
    return;
  }
  removeResting(o.side, o.id, out);
  n.displayed = n.peak.isZero() ? n.leaves : minQuantity(n.peak, n.leaves);
  if (status_ == TradingStatus::Continuous) {
    executeIncoming(n, /*entry=*/false, out);
    if (tradedInCommand_) hit("replaced order traded as incoming");
    if (tradedInCommand_) runStops(out);
  } else {
    addResting(n, out);
  }
}

void ReferenceBook::massCancel(AccountId account, Timestamp now, std::vector<Event>& out) {
  beginCommand(now, out);
  std::vector<Order> victims;
  for (const auto* v : {&bids_, &asks_, &stops_, &queuedBuys_, &queuedSells_}) {
    for (const auto& o : *v) {
      if (account.isNone() || o.account == account) victims.push_back(o);
    }
  }
  std::sort(victims.begin(), victims.end(), [](const Order& a, const Order& b) { return a.acceptance < b.acceptance; });
  for (const auto& o : victims) {
    const Where where = locate(o.id);
    emitCancelled(o, CancelReason::MassCancel, o.leaves, out);
    if (where == Where::Resting) {
      removeResting(o.side, o.id, out);
    } else {
      for (auto* v : {&stops_, &queuedBuys_, &queuedSells_}) {
        std::erase_if(*v, [&](const Order& x) { return x.id == o.id; });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Trading status and auctions

void ReferenceBook::setStatus(TradingStatus status, Timestamp now, std::vector<Event>& out) {
  beginCommand(now, out);
  if (status == status_) {
    emitRejected(OrderId{}, Side::None, RejectReason::InvalidStatusTransition, out);
    return;
  }
  const TradingStatus from = status_;
  const bool runsUncross =
      ((isCallPhase(from) || from == TradingStatus::Halted) && status == TradingStatus::Continuous) ||
      (from == TradingStatus::ClosingAuction && status == TradingStatus::Closed);
  if (runsUncross) {
    uncross(out);
    cancelQueued(out);
  } else if (isCallPhase(from) && !isCallPhase(status)) {
    // Queued market orders stay queued from one call phase to the next; leaving the call
    // phases without an uncross cancels them, before StatusChanged.
    cancelQueued(out);
  }
  if (!runsUncross && status == TradingStatus::Continuous && !bids_.empty() && !asks_.empty() &&
      bids_.front().price >= asks_.front().price) {
    hit("Continuous entered with a crossed book and no uncross");
  }
  status_ = status;
  {
    Event& e = emit(EventType::StatusChanged, out);
    e.reason = static_cast<std::uint8_t>(status);
  }
  if (status == TradingStatus::Closed) expireDayOrders(out);
  if (status == TradingStatus::Continuous) runStops(out);
}

void ReferenceBook::cancelQueued(std::vector<Event>& out) {
  for (auto* v : {&queuedBuys_, &queuedSells_}) {
    for (const auto& o : *v) emitCancelled(o, CancelReason::AuctionRemainder, o.leaves, out);
    v->clear();
  }
}

void ReferenceBook::uncross(std::vector<Event>& out) {
  // 1. The price.
  std::vector<Price> candidates;
  for (const auto* v : {&bids_, &asks_}) {
    for (const auto& o : *v) {
      if (std::find(candidates.begin(), candidates.end(), o.price) == candidates.end()) {
        candidates.push_back(o.price);
      }
    }
  }
  const Price reference = referencePrice_.isDefined() ? referencePrice_ : lastTradePrice_;
  if (candidates.empty() && (!queuedBuys_.empty() || !queuedSells_.empty()) && reference.isDefined()) {
    hit("uncross price: the reference price, only market orders queued");
    candidates.push_back(reference);
  }
  bool found = false;
  Price best;
  std::int64_t bestVolume = 0;
  std::int64_t bestImbalance = 0;
  struct Candidate {
    Price price;
    std::int64_t volume;
    std::int64_t imbalance;
  };
  std::vector<Candidate> evaluated;
  for (const Price p : candidates) {
    std::int64_t buy = 0;
    std::int64_t sell = 0;
    for (const auto& o : queuedBuys_) buy += o.leaves.raw();
    for (const auto& o : queuedSells_) sell += o.leaves.raw();
    for (const auto& o : bids_) {
      if (o.price >= p) buy += o.leaves.raw();
    }
    for (const auto& o : asks_) {
      if (o.price <= p) sell += o.leaves.raw();
    }
    const std::int64_t volume = std::min(buy, sell);
    const std::int64_t imbalance = std::llabs(buy - sell);
    evaluated.push_back({p, volume, imbalance});
    bool better = !found;
    if (found) {
      if (volume != bestVolume) {
        better = volume > bestVolume;
      } else if (imbalance != bestImbalance) {
        better = imbalance < bestImbalance;
      } else if (reference.isDefined() &&
                 std::llabs(p.raw() - reference.raw()) != std::llabs(best.raw() - reference.raw())) {
        better = std::llabs(p.raw() - reference.raw()) < std::llabs(best.raw() - reference.raw());
      } else {
        better = p < best;
      }
    }
    if (better) {
      found = true;
      best = p;
      bestVolume = volume;
      bestImbalance = imbalance;
    }
  }
  if (!found || bestVolume <= 0) {
    if (!candidates.empty()) hit("uncross with no executable volume");
    return;
  }
  {  // Coverage only: which criterion chose the price.
    bool tieVolume = false;
    bool tieImbalance = false;
    bool tieDistance = false;
    for (const auto& c : evaluated) {
      if (c.price == best || c.volume != bestVolume) continue;
      tieVolume = true;
      if (c.imbalance != bestImbalance) continue;
      tieImbalance = true;
      if (reference.isDefined() &&
          std::llabs(c.price.raw() - reference.raw()) == std::llabs(best.raw() - reference.raw())) {
        tieDistance = true;
      }
    }
    hit(!tieVolume                                ? "uncross price chosen by volume"
        : !tieImbalance                           ? "uncross price chosen by imbalance"
        : (reference.isDefined() && !tieDistance) ? "uncross price chosen by reference price"
                                                  : "uncross price chosen by lower price");
    if (!queuedBuys_.empty() || !queuedSells_.empty()) hit("uncross with queued market orders");
  }

  // 2. The uncross: both sides in priority order, queued market orders first.
  {
    Event& e = emit(EventType::AuctionUncross, out);
    e.price = best;
    e.quantity = Quantity::fromRaw(bestVolume);
  }
  struct Participant {
    OrderId id;
    bool queuedMarket;
  };
  std::vector<Participant> buys;
  std::vector<Participant> sells;
  for (const auto& o : queuedBuys_) buys.push_back({o.id, true});
  for (const auto& o : bids_) {
    if (o.price >= best) buys.push_back({o.id, false});
  }
  for (const auto& o : queuedSells_) sells.push_back({o.id, true});
  for (const auto& o : asks_) {
    if (o.price <= best) sells.push_back({o.id, false});
  }
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < buys.size() && j < sells.size()) {
    Order* b = findOrder(buys[i].id);
    Order* s = findOrder(sells[j].id);
    const Quantity q = minQuantity(b->leaves, s->leaves);
    const Quantity bDisplayedBefore = b->displayed;
    const Quantity sDisplayedBefore = s->displayed;
    // Icebergs take part with their whole leaves: displayed first, then hidden.
    for (Order* o : {b, s}) {
      o->leaves -= q;
      o->filled += q;
      o->displayed -= minQuantity(q, o->displayed);
    }
    lastTradePrice_ = best;
    tradedInCommand_ = true;
    {
      Event& e = emit(EventType::Trade, out);
      e.side = Side::None;
      e.orderId = b->id;
      e.contraOrderId = s->id;
      e.price = best;
      e.quantity = q;
      e.leavesQuantity = b->leaves;
      e.contraLeavesQuantity = s->leaves;
    }
    const bool buyDone = b->leaves.isZero();
    const bool sellDone = s->leaves.isZero();
    // The buy order's market-data updates come before the sell order's.
    if (buys[i].queuedMarket) {
      if (buyDone) std::erase_if(queuedBuys_, [&](const Order& x) { return x.id == buys[i].id; });
    } else {
      afterFill(Side::Buy, buys[i].id, bDisplayedBefore, out);
    }
    if (sells[j].queuedMarket) {
      if (sellDone) std::erase_if(queuedSells_, [&](const Order& x) { return x.id == sells[j].id; });
    } else {
      afterFill(Side::Sell, sells[j].id, sDisplayedBefore, out);
    }
    if (buyDone) ++i;
    if (sellDone) ++j;
  }
}

// ---------------------------------------------------------------------------------------------
// Queries

OrderView ReferenceBook::view(const Order& o, bool isResting) const {
  OrderView v;
  v.id = o.id;
  v.account = o.account;
  v.side = o.side;
  v.type = o.type;
  v.timeInForce = o.tif;
  v.price = o.price;
  v.stopPrice = o.stopPrice;
  v.quantity = o.quantity;
  v.filledQuantity = o.filled;
  v.leavesQuantity = o.leaves;
  v.displayedQuantity = isResting ? o.displayed : Quantity::zero();
  v.resting = isResting;
  return v;
}

TopOfBook ReferenceBook::topOfBook() const {
  TopOfBook t;
  std::vector<LevelView> levels;
  depth(Side::Buy, 1, levels);
  if (!levels.empty()) {
    t.bidPrice = levels[0].price;
    t.bidQuantity = levels[0].quantity;
    t.bidOrders = levels[0].orders;
  }
  depth(Side::Sell, 1, levels);
  if (!levels.empty()) {
    t.askPrice = levels[0].price;
    t.askQuantity = levels[0].quantity;
    t.askOrders = levels[0].orders;
  }
  t.lastTradePrice = lastTradePrice_;
  t.sequence = sequence_;
  return t;
}

void ReferenceBook::depth(Side side, std::size_t maxLevels, std::vector<LevelView>& out) const {
  out.clear();
  for (const auto& o : resting(side)) {
    if (out.empty() || out.back().price != o.price) {
      if (out.size() == maxLevels) break;
      out.push_back(LevelView{o.price, Quantity::zero(), 0});
    }
    out.back().quantity += o.displayed;
    ++out.back().orders;
  }
}

void ReferenceBook::orders(Side side, std::vector<OrderView>& out) const {
  out.clear();
  for (const auto& o : resting(side)) out.push_back(view(o, true));
}

std::optional<OrderView> ReferenceBook::find(OrderId id) const {
  for (const auto* v : {&bids_, &asks_}) {
    for (const auto& o : *v) {
      if (o.id == id) return view(o, true);
    }
  }
  for (const auto* v : {&stops_, &queuedBuys_, &queuedSells_}) {
    for (const auto& o : *v) {
      if (o.id == id) return view(o, false);
    }
  }
  return std::nullopt;
}

std::vector<OrderView> ReferenceBook::liveOrders() const {
  std::vector<OrderView> all;
  for (const auto* v : {&bids_, &asks_}) {
    for (const auto& o : *v) all.push_back(view(o, true));
  }
  for (const auto* v : {&stops_, &queuedBuys_, &queuedSells_}) {
    for (const auto& o : *v) all.push_back(view(o, false));
  }
  return all;
}

Quantity ReferenceBook::minimumQuantity(OrderId id) const {
  for (const auto* v : {&bids_, &asks_, &stops_, &queuedBuys_, &queuedSells_}) {
    for (const auto& o : *v) {
      if (o.id == id) return o.minQuantity;
    }
  }
  return Quantity::zero();
}

}  // namespace alphintra::book::testing
