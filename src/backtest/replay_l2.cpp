#include "backtest/replay_l2.hpp"

#include <algorithm>

#include "backtest/replay_venue.hpp"

namespace alphintra::backtest {

namespace {

constexpr std::size_t sideIndex(Side s) noexcept { return s == Side::Buy ? 0 : 1; }
const OrderId kFeedOrder{ReplayVenue::kFeedBit};  // the replayed side of our fills

}  // namespace

L2Replay::L2Replay(const Instrument& instrument, QueueModel model)
    : instrument_(instrument), model_(model), tick_(instrument.tickSize().raw()), lot_(instrument.lotSize().raw()) {}

std::int64_t L2Replay::sizeAt(Side s, std::int64_t price) const noexcept {
  const auto& v = levelsOf(s);
  for (std::size_t i = v.size(); i-- > 0;) {
    if (v[i].price == price) return v[i].size;
    if (better(s, price, v[i].price)) return 0;  // past it: the rest are worse
  }
  return 0;
}

void L2Replay::setLevel(Side s, std::int64_t price, std::int64_t size) {
  auto& v = levelsOf(s);
  // Search from the best end: position i is the first (from the back) not better than `price`.
  std::size_t i = v.size();
  while (i > 0 && better(s, v[i - 1].price, price)) --i;
  if (i > 0 && v[i - 1].price == price) {
    if (size > 0) {
      v[i - 1].size = size;
    } else {
      v.erase(v.begin() + static_cast<std::ptrdiff_t>(i - 1));
    }
    return;
  }
  if (size > 0) v.insert(v.begin() + static_cast<std::ptrdiff_t>(i), Level{price, size});
}

book::Event& L2Replay::emit(book::EventType type, Timestamp now, std::vector<book::Event>& out) {
  book::Event& e = out.emplace_back();
  e.type = type;
  e.sequence = ++sequence_;
  e.time = now;
  return e;
}

void L2Replay::reject(OrderId id, Side side, book::RejectReason reason, Timestamp now, std::vector<book::Event>& out) {
  book::Event& e = emit(book::EventType::Rejected, now, out);
  e.side = side;
  e.orderId = id;
  e.reason = static_cast<std::uint8_t>(reason);
}

std::int64_t L2Replay::initialAhead(Side s, std::int64_t price) const noexcept {
  const auto& v = levelsOf(s);
  if (quoteDriven_ && !v.empty() && better(s, v.back().price, price)) return kUnknownAhead;  // below the shown best
  return sizeAt(s, price);
}

void L2Replay::submit(const book::NewOrder& order, Timestamp now, std::vector<book::Event>& out) {
  using book::RejectReason;
  if (order.id.isNone() || (order.id.value() & ReplayVenue::kFeedBit) != 0) {
    return reject(order.id, order.side, RejectReason::InvalidOrderId, now, out);
  }
  if (order.account.isNone()) return reject(order.id, order.side, RejectReason::InvalidAccount, now, out);
  if (status_ == TradingStatus::Halted) return reject(order.id, order.side, RejectReason::InstrumentHalted, now, out);
  if (status_ == TradingStatus::Closed) return reject(order.id, order.side, RejectReason::InstrumentClosed, now, out);
  const std::int64_t qty = order.quantity.raw();
  if (!order.quantity.isPositive()) return reject(order.id, order.side, RejectReason::InvalidQuantity, now, out);
  if (lot_ > 1 && qty % lot_ != 0) return reject(order.id, order.side, RejectReason::QuantityOffLot, now, out);
  const bool isMarket = order.type == book::OrderType::Market;
  if (!isMarket && order.type != book::OrderType::Limit) {
    return reject(order.id, order.side, RejectReason::InvalidOrderType, now, out);
  }
  if (isMarket ? order.price.isDefined() : !order.price.isPositive()) {
    return reject(order.id, order.side, RejectReason::InvalidPrice, now, out);
  }
  if (!isMarket && tick_ > 1 && order.price.raw() % tick_ != 0) {
    return reject(order.id, order.side, RejectReason::PriceOffTick, now, out);
  }
  if (findOwn(order.id) != nullptr) return reject(order.id, order.side, RejectReason::DuplicateOrderId, now, out);
  // The matching engine's expiry rules: a GTD order needs an expire time still to come, any
  // other order none.
  if (order.timeInForce == book::TimeInForce::GTD ? order.expireTime <= now : order.expireTime.nanos() != 0) {
    return reject(order.id, order.side, RejectReason::InvalidExpireTime, now, out);
  }

  book::Event& a = emit(book::EventType::Accepted, now, out);
  a.side = order.side;
  a.orderType = static_cast<std::uint8_t>(order.type);
  a.orderId = order.id;
  a.price = isMarket ? Price::undefined() : order.price;
  a.quantity = a.leavesQuantity = order.quantity;

  Own o;
  o.id = order.id;
  o.account = order.account;
  o.side = order.side;
  o.price = isMarket ? (order.side == Side::Buy ? INT64_MAX : INT64_MIN) : order.price.raw();
  o.quantity = o.leaves = qty;
  o.arrival = nextArrival_++;
  o.tif = order.timeInForce;
  o.expireTime = order.timeInForce == book::TimeInForce::GTD ? order.expireTime.nanos() : 0;
  if (order.timeInForce == book::TimeInForce::FOK) {
    std::int64_t available = 0;
    for (std::size_t i = levelsOf(opposite(o.side)).size(); i-- > 0 && available < qty;) {
      const Level& l = levelsOf(opposite(o.side))[i];
      if (better(o.side, l.price, o.price)) break;
      available += l.size;
    }
    if (available < qty) {
      book::Event& c = emit(book::EventType::Cancelled, now, out);
      c.side = o.side;
      c.orderId = o.id;
      c.reason = static_cast<std::uint8_t>(book::CancelReason::FillOrKill);
      c.price = a.price;
      c.quantity = order.quantity;
      return;
    }
  }
  take(o, now, out);
  const bool immediate =
      isMarket || order.timeInForce == book::TimeInForce::IOC || order.timeInForce == book::TimeInForce::FOK;
  restOrFinish(o, immediate, order.timeInForce, now, out);
}

void L2Replay::restOrFinish(Own o, bool immediate, book::TimeInForce tif, Timestamp now,
                            std::vector<book::Event>& out) {
  if (o.leaves == 0) return;
  if (immediate) {
    book::Event& c = emit(book::EventType::Cancelled, now, out);
    c.side = o.side;
    c.orderId = o.id;
    c.reason = static_cast<std::uint8_t>(tif == book::TimeInForce::FOK ? book::CancelReason::FillOrKill
                                                                       : book::CancelReason::ImmediateOrCancel);
    c.price = o.price == INT64_MAX || o.price == INT64_MIN ? Price::undefined() : Price::fromRaw(o.price);
    c.quantity = Quantity::fromRaw(o.leaves);
    return;
  }
  o.ahead = initialAhead(o.side, o.price);
  o.traded = 0;
  if (o.expireTime != 0) nextExpiry_ = std::min(nextExpiry_, o.expireTime);
  own_.push_back(o);
  ++ownBySide_[sideIndex(o.side)];
}

void L2Replay::emitExpired(Own& o, Timestamp now, std::vector<book::Event>& out) {
  book::Event& e = emit(book::EventType::Expired, now, out);
  e.side = o.side;
  e.orderId = o.id;
  e.price = Price::fromRaw(o.price);
  e.quantity = Quantity::fromRaw(o.leaves);
  o.leaves = 0;
}

void L2Replay::expire(Timestamp now, std::vector<book::Event>& out) {
  if (now.nanos() < nextExpiry_) return;
  nextExpiry_ = INT64_MAX;
  for (Own& o : own_) {  // own_ is in arrival order
    if (o.expireTime == 0) continue;
    if (o.expireTime <= now.nanos()) {
      emitExpired(o, now, out);
    } else {
      nextExpiry_ = std::min(nextExpiry_, o.expireTime);
    }
  }
  prune();
}

void L2Replay::take(Own& o, Timestamp now, std::vector<book::Event>& out) {
  auto& other = levelsOf(opposite(o.side));
  while (o.leaves > 0 && !other.empty() && !better(o.side, other.back().price, o.price)) {
    Level& l = other.back();
    const std::int64_t q = std::min(o.leaves, l.size);
    o.leaves -= q;
    l.size -= q;
    book::Event& t = emit(book::EventType::Trade, now, out);
    t.side = o.side;
    t.orderId = o.id;
    t.contraOrderId = kFeedOrder;
    t.price = Price::fromRaw(l.price);
    t.quantity = Quantity::fromRaw(q);
    t.leavesQuantity = Quantity::fromRaw(o.leaves);
    t.contraLeavesQuantity = Quantity::fromRaw(l.size);
    lastTrade_ = t.price;
    if (l.size == 0) other.pop_back();
  }
}

void L2Replay::fillResting(Own& o, std::int64_t qty, std::int64_t price, Timestamp now, std::vector<book::Event>& out) {
  if (qty <= 0) return;
  o.leaves -= qty;
  book::Event& t = emit(book::EventType::Trade, now, out);
  t.side = opposite(o.side);
  t.orderId = kFeedOrder;
  t.contraOrderId = o.id;
  t.price = Price::fromRaw(price);
  t.quantity = Quantity::fromRaw(qty);
  t.contraLeavesQuantity = Quantity::fromRaw(o.leaves);
  lastTrade_ = t.price;
}

void L2Replay::prune() {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < own_.size(); ++i) {
    if (own_[i].leaves > 0) {
      own_[kept++] = own_[i];
    } else {
      --ownBySide_[sideIndex(own_[i].side)];
    }
  }
  own_.resize(kept);
}

L2Replay::Own* L2Replay::findOwn(OrderId id) noexcept {
  for (Own& o : own_) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

void L2Replay::cancel(OrderId id, Timestamp now, std::vector<book::Event>& out) {
  Own* o = findOwn(id);
  if (o == nullptr) return reject(id, Side::None, book::RejectReason::UnknownOrder, now, out);
  book::Event& c = emit(book::EventType::Cancelled, now, out);
  c.side = o->side;
  c.orderId = o->id;
  c.reason = static_cast<std::uint8_t>(book::CancelReason::Requested);
  c.price = Price::fromRaw(o->price);
  c.quantity = Quantity::fromRaw(o->leaves);
  o->leaves = 0;
  prune();
}

void L2Replay::massCancel(AccountId account, Timestamp now, std::vector<book::Event>& out) {
  for (Own& o : own_) {
    if (!account.isNone() && o.account != account) continue;
    book::Event& c = emit(book::EventType::Cancelled, now, out);
    c.side = o.side;
    c.orderId = o.id;
    c.reason = static_cast<std::uint8_t>(book::CancelReason::MassCancel);
    c.price = Price::fromRaw(o.price);
    c.quantity = Quantity::fromRaw(o.leaves);
    o.leaves = 0;
  }
  prune();
}

void L2Replay::replace(const book::ReplaceOrder& request, Timestamp now, std::vector<book::Event>& out) {
  using book::RejectReason;
  Own* found = findOwn(request.id);
  if (found == nullptr) return reject(request.id, Side::None, RejectReason::UnknownOrder, now, out);
  Own& o = *found;
  const std::int64_t filled = o.quantity - o.leaves;
  const std::int64_t quantity = request.quantity.isDefined() ? request.quantity.raw() : o.quantity;
  const std::int64_t price = request.price.isDefined() ? request.price.raw() : o.price;
  if (request.stopPrice.isDefined()) return reject(o.id, o.side, RejectReason::InvalidStopPrice, now, out);
  if (quantity <= filled) return reject(o.id, o.side, RejectReason::InvalidQuantity, now, out);
  if (lot_ > 1 && quantity % lot_ != 0) return reject(o.id, o.side, RejectReason::QuantityOffLot, now, out);
  if (price <= 0) return reject(o.id, o.side, RejectReason::InvalidPrice, now, out);
  if (tick_ > 1 && price % tick_ != 0) return reject(o.id, o.side, RejectReason::PriceOffTick, now, out);
  if (quantity == o.quantity && price == o.price) return reject(o.id, o.side, RejectReason::NothingToReplace, now, out);
  const bool losesPlace = price != o.price || quantity > o.quantity;
  o.quantity = quantity;
  o.leaves = quantity - filled;
  o.price = price;
  book::Event& r = emit(book::EventType::Replaced, now, out);
  r.side = o.side;
  r.orderType = static_cast<std::uint8_t>(book::OrderType::Limit);
  r.orderId = o.id;
  r.price = Price::fromRaw(price);
  r.quantity = Quantity::fromRaw(quantity);
  r.leavesQuantity = Quantity::fromRaw(o.leaves);
  if (!losesPlace) {
    o.ahead = std::min(o.ahead, sizeAt(o.side, o.price));
    return;
  }
  o.arrival = nextArrival_++;
  take(o, now, out);  // a new price may cross
  o.ahead = initialAhead(o.side, o.price);
  o.traded = 0;
  // Keep arrival order: the replaced order moves to the end.
  Own moved = o;
  found->leaves = 0;
  prune();
  if (moved.leaves > 0) {
    own_.push_back(moved);
    ++ownBySide_[sideIndex(moved.side)];
  }
}

void L2Replay::setStatus(TradingStatus status, Timestamp now, std::vector<book::Event>& out) {
  status_ = status;
  book::Event& e = emit(book::EventType::StatusChanged, now, out);
  e.reason = static_cast<std::uint8_t>(status);
  if (status != TradingStatus::Closed) return;
  for (Own& o : own_) {  // the close ends the day of our Day orders, as in the matching engine
    if (o.tif == book::TimeInForce::Day) emitExpired(o, now, out);
  }
  prune();
}

void L2Replay::levelChanged(Own& o, std::int64_t before, std::int64_t after) {
  if (o.ahead == kUnknownAhead) {
    if (after > 0) o.ahead = after;  // the price shows now: behind all of it
    o.traded = 0;
    return;
  }
  if (after < before) {
    const std::int64_t decrease = before - after;
    const std::int64_t explained = std::min(decrease, o.traded);
    const std::int64_t cancelled = decrease - explained;
    const std::int64_t rest = before - explained;  // the level without what traded
    if (model_ == QueueModel::Proportional && cancelled > 0 && rest > 0) {
      const auto share = static_cast<std::int64_t>(static_cast<Int128>(cancelled) * o.ahead / rest);
      o.ahead -= share;
    }
  }
  o.ahead = std::clamp<std::int64_t>(o.ahead, 0, after);
  o.traded = 0;
}

void L2Replay::crossResting(Side ownSide, Timestamp now, std::vector<book::Event>& out) {
  if (ownBySide_[sideIndex(ownSide)] == 0) return;
  auto& other = levelsOf(opposite(ownSide));
  if (other.empty()) return;
  order_.clear();
  for (std::uint32_t i = 0; i < own_.size(); ++i) {
    if (own_[i].side == ownSide && !better(ownSide, other.back().price, own_[i].price)) order_.push_back(i);
  }
  if (order_.empty()) return;
  std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
    const Own& x = own_[a];
    const Own& y = own_[b];
    return x.price != y.price ? better(ownSide, x.price, y.price) : x.arrival < y.arrival;
  });
  // A replayed order reached our resting price: it trades with us first, at our price.
  for (std::uint32_t i : order_) {
    Own& o = own_[i];
    while (o.leaves > 0 && !other.empty() && !better(ownSide, other.back().price, o.price)) {
      Level& l = other.back();
      const std::int64_t q = std::min(o.leaves, l.size);
      l.size -= q;
      fillResting(o, q, o.price, now, out);
      if (l.size == 0) other.pop_back();
    }
  }
  prune();
}

void L2Replay::onLevel(const marketdata::BookLevelEvent& e, std::vector<book::Event>& own) {
  const Side s = e.side;
  if (s != Side::Buy && s != Side::Sell) return;
  const std::int64_t before = sizeAt(s, e.price.raw());
  setLevel(s, e.price.raw(), e.size.raw());
  if (ownBySide_[sideIndex(s)] > 0) {
    for (Own& o : own_) {
      if (o.side == s && o.price == e.price.raw()) levelChanged(o, before, e.size.raw());
    }
  }
  if (e.size.isPositive()) crossResting(opposite(s), e.exchangeTime, own);
}

void L2Replay::onQuote(const marketdata::QuoteEvent& e, std::vector<book::Event>& own) {
  quoteDriven_ = true;
  for (const Side s : {Side::Buy, Side::Sell}) {
    const Price p = s == Side::Buy ? e.bidPrice : e.askPrice;
    const Quantity q = s == Side::Buy ? e.bidSize : e.askSize;
    auto& v = levelsOf(s);
    const bool had = !v.empty();
    const Level previous = had ? v.back() : Level{0, 0};
    v.clear();
    const bool shows = p.isDefined() && q.isPositive();
    if (shows) v.push_back(Level{p.raw(), q.raw()});
    if (ownBySide_[sideIndex(s)] == 0) continue;
    for (Own& o : own_) {
      if (o.side != s) continue;
      if (shows && o.price == p.raw()) {
        levelChanged(o, had && previous.price == o.price ? previous.size : 0, q.raw());
      } else if (!shows || better(s, o.price, p.raw())) {
        o.ahead = 0;  // the best moved behind our price: nothing is left in front of us
        o.traded = 0;
      }
    }
  }
  crossResting(Side::Buy, e.exchangeTime, own);
  crossResting(Side::Sell, e.exchangeTime, own);
}

void L2Replay::onTrade(const marketdata::TradeEvent& e, std::vector<book::Event>& own) {
  lastTrade_ = e.price;
  for (const Side passive : {Side::Buy, Side::Sell}) {
    if (e.aggressor == passive || ownBySide_[sideIndex(passive)] == 0) continue;
    const std::int64_t p = e.price.raw();
    order_.clear();
    for (std::uint32_t i = 0; i < own_.size(); ++i) {
      const Own& o = own_[i];
      if (o.side == passive && !better(passive, p, o.price)) order_.push_back(i);
    }
    if (order_.empty()) continue;
    std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
      const Own& x = own_[a];
      const Own& y = own_[b];
      return x.price != y.price ? better(passive, x.price, y.price) : x.arrival < y.arrival;
    });
    std::int64_t left = e.quantity.raw();  // the print's shares not yet given to us
    for (std::uint32_t i : order_) {
      Own& o = own_[i];
      if (o.price != p) {
        // The print went through our price: we were in front of it.
        const std::int64_t q = std::min(left, o.leaves);
        left -= q;
        fillResting(o, q, o.price, e.exchangeTime, own);
        continue;
      }
      if (o.ahead == kUnknownAhead) continue;
      const std::int64_t ahead = o.ahead;
      o.ahead = std::max<std::int64_t>(0, ahead - e.quantity.raw());
      o.traded += e.quantity.raw();
      const std::int64_t beyond = std::max<std::int64_t>(0, e.quantity.raw() - ahead);
      const std::int64_t q = std::min({beyond, o.leaves, left});
      left -= q;
      fillResting(o, q, o.price, e.exchangeTime, own);
    }
    prune();
  }
}

book::TopOfBook L2Replay::top() const noexcept {
  book::TopOfBook t;
  if (!bids_.empty()) {
    t.bidPrice = Price::fromRaw(bids_.back().price);
    t.bidQuantity = Quantity::fromRaw(bids_.back().size);
  }
  if (!asks_.empty()) {
    t.askPrice = Price::fromRaw(asks_.back().price);
    t.askQuantity = Quantity::fromRaw(asks_.back().size);
  }
  t.lastTradePrice = lastTrade_;
  t.sequence = sequence_;
  return t;
}

void L2Replay::levels(Side side, std::size_t maxLevels, std::vector<book::LevelView>& out) const {
  out.clear();
  const auto& v = levelsOf(side);
  for (std::size_t i = v.size(); i-- > 0 && out.size() < maxLevels;) {
    out.push_back(book::LevelView{Price::fromRaw(v[i].price), Quantity::fromRaw(v[i].size), 0});
  }
}

std::size_t L2Replay::levelPairs(Side side, std::span<std::int64_t> out) const noexcept {
  const auto& v = levelsOf(side);
  const std::size_t n = std::min(out.size() / 2, v.size());
  for (std::size_t k = 0; k < n; ++k) {
    const auto& l = v[v.size() - 1 - k];
    out[2 * k] = l.price;
    out[2 * k + 1] = l.size;
  }
  return n;
}

Quantity L2Replay::queueAhead(OrderId id) const noexcept {
  for (const Own& o : own_) {
    if (o.id == id) return o.ahead == kUnknownAhead ? Quantity::undefined() : Quantity::fromRaw(o.ahead);
  }
  return Quantity::undefined();
}

void L2Replay::save(ByteWriter& out) const {
  out.u8(static_cast<std::uint8_t>(status_));
  out.u64(sequence_);
  for (const auto* side : {&bids_, &asks_}) {
    out.u32(static_cast<std::uint32_t>(side->size()));
    for (const Level& l : *side) {
      out.i64(l.price);
      out.i64(l.size);
    }
  }
  out.u32(static_cast<std::uint32_t>(own_.size()));
  for (const Own& o : own_) {
    out.u64(o.id.value());
    out.u64(o.account.value());
    out.u8(static_cast<std::uint8_t>(o.side));
    out.i64(o.price);
    out.i64(o.quantity);
    out.i64(o.leaves);
    out.i64(o.ahead);
    out.u8(static_cast<std::uint8_t>(o.tif));
    out.i64(o.expireTime);
  }
}

}  // namespace alphintra::backtest
