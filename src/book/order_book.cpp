// OrderBook core: pools, levels, validation, new orders, continuous matching, cancel,
// replace and mass cancel. Stops and expiries are in order_book_stops.cpp, trading status and
// auctions in order_book_auction.cpp, snapshots in order_book_queries.cpp.
#include "book/order_book.hpp"

#include <algorithm>
#include <limits>

namespace alphintra::book {
namespace {

constexpr std::int64_t kNoPrice = std::numeric_limits<std::int64_t>::min();

constexpr bool isStopType(OrderType t) noexcept { return t == OrderType::Stop || t == OrderType::StopLimit; }
constexpr bool hasLimit(OrderType t) noexcept { return t == OrderType::Limit || t == OrderType::StopLimit; }

}  // namespace

OrderBook::OrderBook(const Instrument& instrument, BookOptions options)
    : instrument_(instrument),
      options_(options),
      status_(instrument.status()),
      tick_(instrument.tickSize().raw()),
      lot_(instrument.lotSize().raw()),
      levelWork_(options.levelUpdates || options.topVersions),
      index_(options.expectedOrders) {
  // Taken (and touched) at start-up, so that page faults never land in the trading loop.
  orders_.resize(options.expectedOrders);
  cold_.resize(options.expectedOrders);
  levels_.reserve(static_cast<std::size_t>(options.expectedLevels) * 2);
  bids_.levels.reserve(options.expectedLevels);
  asks_.levels.reserve(options.expectedLevels);
  bids_.byPrice.reserve(options.expectedLevels);
  asks_.byPrice.reserve(options.expectedLevels);
  buyStops_.reserve(256);
  sellStops_.reserve(256);
  triggerQueue_.reserve(256);
  expiries_.reserve(256);
}

// ---------------------------------------------------------------------------------------------
// Events

Event& OrderBook::emit(EventType type, std::vector<Event>& out) {
  Event& e = out.emplace_back();
  e.type = type;
  e.sequence = ++sequence_;
  e.time = now_;
  return e;
}

void OrderBook::emitRejected(OrderId id, Side side, RejectReason reason, std::vector<Event>& out) {
  Event& e = emit(EventType::Rejected, out);
  e.side = side;
  e.reason = static_cast<std::uint8_t>(reason);
  e.orderId = id;
}

void OrderBook::emitCancelled(Order& o, CancelReason reason, std::int64_t qty, std::vector<Event>& out) {
  Event& e = emit(EventType::Cancelled, out);
  e.side = o.side;
  e.reason = static_cast<std::uint8_t>(reason);
  e.orderId = OrderId{o.id};
  e.price = Price::fromRaw(o.price);
  e.quantity = Quantity::fromRaw(qty);
}

void OrderBook::emitRestated(const Order& o, std::int64_t removed, std::vector<Event>& out) {
  Event& e = emit(EventType::Restated, out);
  e.side = o.side;
  e.reason = static_cast<std::uint8_t>(CancelReason::SelfTrade);
  e.orderId = OrderId{o.id};
  e.price = Price::fromRaw(o.price);
  e.quantity = Quantity::fromRaw(removed);
  e.leavesQuantity = Quantity::fromRaw(o.leaves);
}

void OrderBook::levelChanged(Side side, std::uint32_t level, std::int64_t price, std::vector<Event>& out) {
  if (options_.topVersions) {
    SideBook& book = sideBook(side);
    const std::size_t n = book.levels.size();
    if (n <= kWatchedLevels) {
      ++book.topVersion;
    } else {
      const std::int64_t edge = book.levels[n - kWatchedLevels].price;  // the watched level furthest out
      book.topVersion += side == Side::Buy ? price >= edge : price <= edge;
    }
  }
  if (!options_.levelUpdates) return;
  Event& e = emit(EventType::LevelUpdate, out);
  e.side = side;
  e.price = Price::fromRaw(price);
  if (level != kNil) {
    e.quantity = Quantity::fromRaw(levels_[level].displayed);
    e.count = levels_[level].count;
  }
}

void OrderBook::emitOrderUpdate(EventType type, const Order& o, std::vector<Event>& out) {
  if (!options_.orderUpdates) return;
  Event& e = emit(type, out);
  e.side = o.side;
  e.orderId = OrderId{o.id};
  e.price = Price::fromRaw(o.price);
  e.quantity = Quantity::fromRaw(type == EventType::OrderDeleted ? 0 : o.displayed);
}

// ---------------------------------------------------------------------------------------------
// Validation (docs/matching.md, "New order validation": checks in that order)

bool OrderBook::isCallPhase() const noexcept {
  return status_ == TradingStatus::PreOpen || status_ == TradingStatus::OpeningAuction ||
         status_ == TradingStatus::ClosingAuction;
}

RejectReason OrderBook::checkQuantity(std::int64_t qty) const {
  if (qty <= 0) return RejectReason::InvalidQuantity;
  if (!onLot(qty)) return RejectReason::QuantityOffLot;
  if (qty < instrument_.minQuantity().raw()) return RejectReason::QuantityBelowMinimum;
  if (qty > instrument_.maxQuantity().raw()) return RejectReason::QuantityAboveMaximum;
  return RejectReason::None;
}

RejectReason OrderBook::checkLimitPrice(std::int64_t price) const {
  if (price == kNoPrice || price <= 0) return RejectReason::InvalidPrice;
  if (!onTick(price)) return RejectReason::PriceOffTick;
  return RejectReason::None;
}

RejectReason OrderBook::validateNew(const NewOrder& o, Timestamp now) const {
  if (o.id.isNone()) return RejectReason::InvalidOrderId;
  if (o.account.isNone()) return RejectReason::InvalidAccount;
  if (status_ == TradingStatus::Halted) return RejectReason::InstrumentHalted;
  if (status_ == TradingStatus::Closed) return RejectReason::InstrumentClosed;
  if (index_.find(o.id.value()) != IdIndex::kMissing) return RejectReason::DuplicateOrderId;
  if (const RejectReason r = checkQuantity(o.quantity.raw()); r != RejectReason::None) return r;

  const bool limitType = hasLimit(o.type);
  if (limitType) {
    if (const RejectReason r = checkLimitPrice(o.price.raw()); r != RejectReason::None) return r;
  } else if (o.price.isDefined()) {
    return RejectReason::InvalidPrice;
  }
  if (isStopType(o.type)) {
    const std::int64_t sp = o.stopPrice.raw();
    if (!o.stopPrice.isDefined() || sp <= 0 || !onTick(sp)) {
      return RejectReason::InvalidStopPrice;
    }
  } else if (o.stopPrice.isDefined()) {
    return RejectReason::InvalidStopPrice;
  }

  const bool immediate = o.timeInForce == TimeInForce::IOC || o.timeInForce == TimeInForce::FOK;
  if (!o.displayQuantity.isZero()) {
    const std::int64_t d = o.displayQuantity.raw();
    if (d <= 0 || d > o.quantity.raw() || !onLot(d) || !limitType || immediate) {
      return RejectReason::InvalidDisplayQuantity;
    }
  }
  if (!o.minQuantity.isZero()) {
    const std::int64_t m = o.minQuantity.raw();
    if (m <= 0 || m > o.quantity.raw() || !onLot(m)) {
      return RejectReason::InvalidMinQuantity;
    }
  }
  if (o.type == OrderType::Market && !immediate) return RejectReason::InvalidTimeInForce;
  if (o.timeInForce == TimeInForce::GTD) {
    if (o.expireTime <= now) return RejectReason::InvalidExpireTime;
  } else if (o.expireTime.nanos() != 0) {
    return RejectReason::InvalidExpireTime;
  }
  if (o.postOnly) {
    if (o.type != OrderType::Limit) return RejectReason::InvalidOrderType;
    if (immediate) return RejectReason::InvalidTimeInForce;
  }
  if (isCallPhase() && ((o.type == OrderType::Limit && immediate) ||
                        (o.type == OrderType::Market && o.timeInForce == TimeInForce::FOK))) {
    return RejectReason::InvalidTimeInForce;
  }

  if (status_ == TradingStatus::Continuous) {
    const SideBook& opposite = sideBook(alphintra::opposite(o.side));
    if (o.postOnly && !opposite.levels.empty()) {
      const std::int64_t best = opposite.levels.back().price;
      if (o.side == Side::Buy ? best <= o.price.raw() : best >= o.price.raw()) return RejectReason::WouldTakeLiquidity;
    }
  }
  return RejectReason::None;
}

// ---------------------------------------------------------------------------------------------
// Pools

std::uint32_t OrderBook::allocOrder() {
  if (freeOrders_ != kNil) {
    const std::uint32_t idx = freeOrders_;
    freeOrders_ = orders_[idx].next;
    return idx;
  }
  if (usedOrders_ == orders_.size()) {  // past the expected size
    orders_.resize(orders_.size() * 2 + 16);
    cold_.resize(orders_.size());
  }
  return usedOrders_++;
}

void OrderBook::freeOrder(std::uint32_t idx) {
  orders_[idx].where = Where::Free;
  orders_[idx].next = freeOrders_;
  freeOrders_ = idx;
}

std::uint32_t OrderBook::allocLevel(std::int64_t price) {
  std::uint32_t idx;
  if (freeLevels_ != kNil) {
    idx = freeLevels_;
    freeLevels_ = levels_[idx].nextFree;
  } else {
    levels_.emplace_back();
    idx = static_cast<std::uint32_t>(levels_.size() - 1);
  }
  levels_[idx] = Level{price, 0, 0, kNil, kNil, kNil};
  return idx;
}

void OrderBook::freeLevel(std::uint32_t idx) {
  levels_[idx].nextFree = freeLevels_;
  freeLevels_ = idx;
}

// ---------------------------------------------------------------------------------------------
// Levels

std::uint32_t OrderBook::findOrAddLevel(Side side, std::int64_t price) {
  SideBook& book = sideBook(side);
  const std::uint32_t known = book.byPrice.find(static_cast<std::uint64_t>(price));
  if (known != IdIndex::kMissing) return known;
  // A new level: insert it in price order. v is ordered worst → best; "better" is higher for
  // bids and lower for asks. New levels appear near the touch, so few entries move.
  std::vector<LevelRef>& v = book.levels;
  const bool buy = side == Side::Buy;
  const auto it = std::partition_point(v.begin(), v.end(),
                                       [&](const LevelRef& r) { return buy ? r.price < price : r.price > price; });
  const std::uint32_t level = allocLevel(price);
  v.insert(it, LevelRef{price, level});
  book.byPrice.insert(static_cast<std::uint64_t>(price), level);
  return level;
}

void OrderBook::removeLevel(Side side, std::uint32_t level) {
  SideBook& book = sideBook(side);
  book.byPrice.erase(static_cast<std::uint64_t>(levels_[level].price));
  std::vector<LevelRef>& v = book.levels;
  if (!v.empty() && v.back().level == level) {
    v.pop_back();  // the common case: the best level was consumed or cancelled away
  } else {
    const std::int64_t price = levels_[level].price;
    const bool buy = side == Side::Buy;
    const auto it = std::partition_point(v.begin(), v.end(),
                                         [&](const LevelRef& r) { return buy ? r.price < price : r.price > price; });
    v.erase(it);
  }
  freeLevel(level);
}

void OrderBook::rest(std::uint32_t idx, std::vector<Event>& out) {
  Order& o = orders_[idx];
  const std::uint32_t lvl = findOrAddLevel(o.side, o.price);
  Level& level = levels_[lvl];
  o.where = Where::Resting;
  o.level = lvl;
  o.next = kNil;
  o.prev = level.tail;
  if (level.tail != kNil) {
    orders_[level.tail].next = idx;
  } else {
    level.head = idx;
  }
  level.tail = idx;
  cold_[idx].minQuantity = 0;  // minimum quantity applies on entry only
  level.displayed += o.displayed;
  ++level.count;
  ++restingCount_;
  emitOrderUpdate(EventType::OrderAdded, o, out);
  emitLevelUpdate(o.side, lvl, o.price, out);
}

void OrderBook::unlink(std::uint32_t idx, std::vector<Event>& out) {
  Order& o = orders_[idx];
  const std::uint32_t lvl = o.level;
  Level& level = levels_[lvl];
  if (o.prev != kNil) {
    orders_[o.prev].next = o.next;
  } else {
    level.head = o.next;
  }
  if (o.next != kNil) {
    orders_[o.next].prev = o.prev;
  } else {
    level.tail = o.prev;
  }
  level.displayed -= o.displayed;
  --level.count;
  --restingCount_;
  o.where = Where::Free;
  emitOrderUpdate(EventType::OrderDeleted, o, out);
  if (level.count == 0) {
    emitLevelUpdate(o.side, kNil, o.price, out);
    removeLevel(o.side, lvl);
  } else {
    emitLevelUpdate(o.side, lvl, o.price, out);
  }
}

void OrderBook::finish(std::uint32_t idx) {
  index_.erase(orders_[idx].id);
  freeOrder(idx);
}

// Reduces a resting order's leaves by `by` (> 0, < leaves) in place: hidden quantity first,
// so it keeps its queue position.
void OrderBook::reduceResting(std::uint32_t idx, std::int64_t by, bool restated, std::vector<Event>& out) {
  Order& o = orders_[idx];
  o.leaves -= by;
  cold_[idx].quantity -= by;
  if (restated) emitRestated(o, by, out);
  if (o.displayed > o.leaves) {
    levels_[o.level].displayed -= o.displayed - o.leaves;
    o.displayed = o.leaves;
    emitOrderUpdate(EventType::OrderUpdated, o, out);
    emitLevelUpdate(o.side, o.level, o.price, out);
  }
}

// ---------------------------------------------------------------------------------------------
// New orders and matching

void OrderBook::submit(const NewOrder& order, Timestamp now, std::vector<Event>& out) {
  beginCommand(now, out);
  tradedInCommand_ = false;

  if (const RejectReason r = validateNew(order, now_); r != RejectReason::None) {
    emitRejected(order.id, order.side, r, out);
    return;
  }

  const std::uint32_t idx = allocOrder();
  Order& o = orders_[idx];
  OrderCold& c = cold_[idx];
  o.price = hasLimit(order.type) ? order.price.raw() : kNoPrice;
  o.leaves = order.quantity.raw();
  c.peak = order.displayQuantity.raw();
  o.displayed = c.peak > 0 ? c.peak : o.leaves;
  o.prev = o.next = o.level = kNil;
  o.side = order.side;
  o.where = Where::Free;
  o.type = order.type;
  o.tif = order.timeInForce;
  o.selfTrade = order.selfTrade;
  o.postOnly = order.postOnly;
  o.triggered = false;
  o.id = order.id.value();
  o.account = order.account.value();
  c.quantity = order.quantity.raw();
  c.minQuantity = order.minQuantity.raw();
  c.stopPrice = isStopType(order.type) ? order.stopPrice.raw() : kNoPrice;
  c.expireTime = order.expireTime.nanos();
  c.acceptSeq = ++acceptCounter_;
  index_.insert(o.id, idx);
  // Ids come in ascending order (the engine numbers orders from 1) and the index keeps
  // consecutive ids in consecutive slots: warm the slots of the ids a few orders on, which
  // would otherwise be a memory miss in the next orders' duplicate check and insert.
  index_.prefetch(o.id + kIdPrefetchAhead);
  if (o.tif == TimeInForce::GTD) pushExpiry(idx);

  Event& e = emit(EventType::Accepted, out);
  e.side = o.side;
  e.orderType = static_cast<std::uint8_t>(o.type);
  e.orderId = order.id;
  e.price = Price::fromRaw(o.price);
  e.quantity = order.quantity;
  e.leavesQuantity = order.quantity;

  if (isStopType(o.type)) {
    if (status_ == TradingStatus::Continuous && stopTriggers(idx)) {
      triggerNow(idx, out);
    } else {
      addStop(idx);
      return;
    }
  } else if (isCallPhase()) {
    if (o.type == OrderType::Market) {
      enqueueForAuction(idx);
    } else {
      rest(idx, out);
    }
    return;
  } else {
    execute(idx, out);
  }
  if (tradedInCommand_) processStops(out);
}

bool OrderBook::crosses(const Order& o, std::int64_t restingPrice) const noexcept {
  if (o.price == kNoPrice) return true;
  return o.side == Side::Buy ? restingPrice <= o.price : restingPrice >= o.price;
}

std::int64_t OrderBook::executableQuantity(const Order& o, std::int64_t need) const {
  const SideBook& opposite = sideBook(alphintra::opposite(o.side));
  const bool skipOwn = o.selfTrade != SelfTradePrevention::None;
  std::int64_t total = 0;
  for (auto it = opposite.levels.rbegin(); it != opposite.levels.rend() && crosses(o, it->price); ++it) {
    for (std::uint32_t r = levels_[it->level].head; r != kNil; r = orders_[r].next) {
      const Order& resting = orders_[r];
      if (skipOwn && resting.account == o.account) continue;
      total += resting.leaves;
      if (total >= need) return total;
    }
  }
  return total;
}

// Runs an incoming order (new, triggered, or re-priced by a replace) while Continuous.
void OrderBook::execute(std::uint32_t idx, std::vector<Event>& out) {
  Order& o = orders_[idx];
  const bool marketLike = o.price == kNoPrice;
  const bool fok = o.tif == TimeInForce::FOK;
  const std::int64_t minQuantity = cold_[idx].minQuantity;
  if (fok || minQuantity > 0) {
    // A replace may have lowered the quantity below the minimum: it is capped at the leaves.
    const std::int64_t need = fok ? o.leaves : std::min(minQuantity, o.leaves);
    if (executableQuantity(o, need) < need) {
      emitCancelled(o, fok ? CancelReason::FillOrKill : CancelReason::MinQuantityNotMet, o.leaves, out);
      finish(idx);
      return;
    }
  }
  const bool noLiquidity = sideBook(alphintra::opposite(o.side)).levels.empty();
  if (!match(idx, out)) return;  // self-trade prevention finished the incoming order

  Order& after = orders_[idx];
  if (after.leaves == 0) {
    finish(idx);
  } else if (marketLike || after.tif == TimeInForce::IOC || fok) {
    emitCancelled(after, marketLike && noLiquidity ? CancelReason::NoLiquidity : CancelReason::ImmediateOrCancel,
                  after.leaves, out);
    finish(idx);
  } else {
    const std::int64_t peak = cold_[idx].peak;
    after.displayed = peak > 0 ? std::min(peak, after.leaves) : after.leaves;
    rest(idx, out);
  }
}

// Matches the incoming order `idx` against the opposite side. Returns false when self-trade
// prevention cancelled the incoming order (it is then finished).
bool OrderBook::match(std::uint32_t idx, std::vector<Event>& out) {
  Order& o = orders_[idx];
  const Side restingSide = alphintra::opposite(o.side);
  std::vector<LevelRef>& levels = sideBook(restingSide).levels;
  const bool stp = o.selfTrade != SelfTradePrevention::None;

  while (o.leaves > 0 && !levels.empty() && crosses(o, levels.back().price)) {
    const std::uint32_t lvl = levels.back().level;
    // Visit the level's queue; the level disappears (unlink) when its last order leaves.
    bool levelAlive = true;
    while (o.leaves > 0 && levelAlive) {
      const std::uint32_t r = levels_[lvl].head;
      Order& resting = orders_[r];
      levelAlive = levels_[lvl].count > 1;  // pessimistic; corrected below when it stays

      if (stp && resting.account == o.account) {
        switch (o.selfTrade) {
          case SelfTradePrevention::CancelResting:
            emitCancelled(resting, CancelReason::SelfTrade, resting.leaves, out);
            unlink(r, out);
            finish(r);
            continue;
          case SelfTradePrevention::CancelIncoming:
            emitCancelled(o, CancelReason::SelfTrade, o.leaves, out);
            finish(idx);
            return false;
          case SelfTradePrevention::CancelBoth:
            emitCancelled(resting, CancelReason::SelfTrade, resting.leaves, out);
            unlink(r, out);
            finish(r);
            emitCancelled(o, CancelReason::SelfTrade, o.leaves, out);
            finish(idx);
            return false;
          case SelfTradePrevention::DecrementAndCancel:
          case SelfTradePrevention::None: {
            if (resting.leaves <= o.leaves) {
              const std::int64_t d = resting.leaves;
              emitCancelled(resting, CancelReason::SelfTrade, d, out);
              unlink(r, out);
              finish(r);
              if (d == o.leaves) {
                emitCancelled(o, CancelReason::SelfTrade, o.leaves, out);
                finish(idx);
                return false;
              }
              o.leaves -= d;
              cold_[idx].quantity -= d;
              emitRestated(o, d, out);
              continue;
            }
            const std::int64_t d = o.leaves;
            reduceResting(r, d, /*restated=*/true, out);
            emitCancelled(o, CancelReason::SelfTrade, o.leaves, out);
            finish(idx);
            return false;
          }
        }
      }

      // A trade against the resting order's displayed quantity, at its price.
      const std::int64_t qty = std::min(o.leaves, resting.displayed);
      o.leaves -= qty;
      resting.leaves -= qty;
      resting.displayed -= qty;
      levels_[lvl].displayed -= qty;
      lastTradePrice_ = Price::fromRaw(resting.price);
      tradedInCommand_ = true;

      Event& t = emit(EventType::Trade, out);
      t.side = o.side;
      t.orderId = OrderId{o.id};
      t.contraOrderId = OrderId{resting.id};
      t.price = Price::fromRaw(resting.price);
      t.quantity = Quantity::fromRaw(qty);
      t.leavesQuantity = Quantity::fromRaw(o.leaves);
      t.contraLeavesQuantity = Quantity::fromRaw(resting.leaves);

      if (resting.leaves == 0) {
        unlink(r, out);
        finish(r);
      } else if (resting.displayed == 0) {
        replenish(r, out);
        levelAlive = true;
      } else {
        emitOrderUpdate(EventType::OrderUpdated, resting, out);
        emitLevelUpdate(restingSide, lvl, resting.price, out);
        levelAlive = true;
      }
    }
  }
  return true;
}

// An iceberg whose displayed part is gone shows its next peak at the back of its level. The
// level keeps existing (the order never leaves it), but the market-data deltas read as the
// contract says: delete, then add at the back.
void OrderBook::replenish(std::uint32_t r, std::vector<Event>& out) {
  Order& o = orders_[r];
  Level& level = levels_[o.level];
  if (options_.orderUpdates || options_.levelUpdates) {
    emitOrderUpdate(EventType::OrderDeleted, o, out);
    if (options_.levelUpdates) {
      Event& e = emit(EventType::LevelUpdate, out);
      e.side = o.side;
      e.price = Price::fromRaw(o.price);
      if (level.count > 1) {
        e.quantity = Quantity::fromRaw(level.displayed);
        e.count = level.count - 1;
      }
    }
  }
  if (level.tail != r) {
    // Move to the back of the queue.
    if (o.prev != kNil) {
      orders_[o.prev].next = o.next;
    } else {
      level.head = o.next;
    }
    orders_[o.next].prev = o.prev;
    o.prev = level.tail;
    o.next = kNil;
    orders_[level.tail].next = r;
    level.tail = r;
  }
  o.displayed = std::min(cold_[r].peak, o.leaves);
  level.displayed += o.displayed;
  emitOrderUpdate(EventType::OrderAdded, o, out);
  emitLevelUpdate(o.side, o.level, o.price, out);
}

// ---------------------------------------------------------------------------------------------
// Cancel, mass cancel

void OrderBook::removeLive(std::uint32_t idx, std::vector<Event>& out) {
  switch (orders_[idx].where) {
    case Where::Resting: unlink(idx, out); break;
    case Where::Stop: removeStop(idx); break;
    case Where::AuctionQueue: dequeueFromAuction(idx); break;
    case Where::Free: break;
  }
  finish(idx);
}

void OrderBook::cancel(OrderId id, Timestamp now, std::vector<Event>& out) {
  beginCommand(now, out);
  const std::uint32_t idx = index_.find(id.value());
  if (idx == IdIndex::kMissing) {
    emitRejected(id, Side::None, RejectReason::UnknownOrder, out);
    return;
  }
  Order& o = orders_[idx];
  emitCancelled(o, CancelReason::Requested, o.leaves, out);
  removeLive(idx, out);
}

void OrderBook::massCancel(AccountId account, Timestamp now, std::vector<Event>& out) {
  beginCommand(now, out);
  // Not a hot path: collect the live orders of the account and cancel them in acceptance order.
  massScratch_.clear();
  for (std::uint32_t i = 0; i < usedOrders_; ++i) {
    const Order& o = orders_[i];
    if (o.where != Where::Free && (account.isNone() || o.account == account.value())) massScratch_.push_back(i);
  }
  std::sort(massScratch_.begin(), massScratch_.end(),
            [this](std::uint32_t a, std::uint32_t b) { return cold_[a].acceptSeq < cold_[b].acceptSeq; });
  for (const std::uint32_t idx : massScratch_) {
    emitCancelled(orders_[idx], CancelReason::MassCancel, orders_[idx].leaves, out);
    removeLive(idx, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Replace

void OrderBook::reduceBy(OrderId id, Quantity by, Timestamp now, std::vector<Event>& out) {
  if (!by.isPositive()) {
    beginCommand(now, out);
    emitRejected(id, Side::None, RejectReason::InvalidQuantity, out);
    return;
  }
  const std::uint32_t idx = index_.find(id.value());
  if (idx == IdIndex::kMissing || by.raw() >= orders_[idx].leaves) return cancel(id, now, out);
  ReplaceOrder r;
  r.id = id;
  r.quantity = Quantity::fromRaw(cold_[idx].quantity - by.raw());  // smaller: keeps its place
  replace(r, now, out);
}

void OrderBook::replace(const ReplaceOrder& request, Timestamp now, std::vector<Event>& out) {
  beginCommand(now, out);
  tradedInCommand_ = false;
  const std::uint32_t idx = index_.find(request.id.value());
  if (idx == IdIndex::kMissing) {
    emitRejected(request.id, Side::None, RejectReason::UnknownOrder, out);
    return;
  }
  Order& o = orders_[idx];
  const auto reject = [&](RejectReason r) { emitRejected(request.id, o.side, r, out); };
  if (status_ == TradingStatus::Halted) return reject(RejectReason::InstrumentHalted);
  if (status_ == TradingStatus::Closed) return reject(RejectReason::InstrumentClosed);
  if (!request.quantity.isDefined() && !request.price.isDefined() && !request.stopPrice.isDefined()) {
    return reject(RejectReason::NothingToReplace);
  }
  OrderCold& c = cold_[idx];
  const std::int64_t filled = c.quantity - o.leaves;
  std::int64_t newQuantity = c.quantity;
  if (request.quantity.isDefined()) {
    if (const RejectReason r = checkQuantity(request.quantity.raw()); r != RejectReason::None) return reject(r);
    if (request.quantity.raw() <= filled) return reject(RejectReason::InvalidQuantity);
    newQuantity = request.quantity.raw();
  }
  std::int64_t newPrice = o.price;
  if (request.price.isDefined()) {
    if (!hasLimit(o.type)) return reject(RejectReason::InvalidPrice);
    if (const RejectReason r = checkLimitPrice(request.price.raw()); r != RejectReason::None) return reject(r);
    newPrice = request.price.raw();
  }
  std::int64_t newStop = c.stopPrice;
  if (request.stopPrice.isDefined()) {
    const std::int64_t sp = request.stopPrice.raw();
    if (o.where != Where::Stop || sp <= 0 || !onTick(sp)) {
      return reject(RejectReason::InvalidStopPrice);
    }
    newStop = sp;
  }
  if (o.postOnly && status_ == TradingStatus::Continuous && o.where == Where::Resting) {
    const SideBook& opposite = sideBook(alphintra::opposite(o.side));
    if (!opposite.levels.empty()) {
      const std::int64_t best = opposite.levels.back().price;
      if (o.side == Side::Buy ? best <= newPrice : best >= newPrice) return reject(RejectReason::WouldTakeLiquidity);
    }
  }

  const bool losesPriority = newPrice != o.price || newQuantity > c.quantity;
  const std::int64_t newLeaves = newQuantity - filled;

  Event& e = emit(EventType::Replaced, out);
  e.side = o.side;
  e.orderType = static_cast<std::uint8_t>(o.type);
  e.orderId = request.id;
  e.price = Price::fromRaw(newPrice);
  e.quantity = Quantity::fromRaw(newQuantity);
  e.leavesQuantity = Quantity::fromRaw(newLeaves);

  switch (o.where) {
    case Where::Resting:
      if (!losesPriority) {
        if (newLeaves < o.leaves) reduceResting(idx, o.leaves - newLeaves, /*restated=*/false, out);
        return;
      }
      unlink(idx, out);
      o.price = newPrice;
      c.quantity = newQuantity;
      o.leaves = newLeaves;
      o.displayed = c.peak > 0 ? std::min(c.peak, newLeaves) : newLeaves;
      if (status_ == TradingStatus::Continuous) {
        execute(idx, out);
        if (tradedInCommand_) processStops(out);
      } else {
        rest(idx, out);
      }
      return;
    case Where::Stop:
      o.price = newPrice;
      c.quantity = newQuantity;
      o.leaves = newLeaves;
      o.displayed = c.peak > 0 ? std::min(c.peak, newLeaves) : newLeaves;
      if (newStop != c.stopPrice) {
        removeStop(idx);
        c.stopPrice = newStop;
        addStop(idx);
      }
      if (status_ == TradingStatus::Continuous && stopTriggers(idx)) {
        removeStop(idx);
        triggerNow(idx, out);
        if (tradedInCommand_) processStops(out);
      }
      return;
    case Where::AuctionQueue:
      c.quantity = newQuantity;
      o.leaves = newLeaves;
      o.displayed = newLeaves;
      return;
    case Where::Free: return;
  }
}

}  // namespace alphintra::book
