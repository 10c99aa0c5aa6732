#include "backtest/replay_l3.hpp"

#include <algorithm>

#include "backtest/replay_venue.hpp"

namespace alphintra::backtest {

namespace {

constexpr std::size_t sideIndex(Side s) noexcept { return s == Side::Buy ? 0 : 1; }

book::BookOptions bookOptions(std::uint32_t expectedOrders) {
  book::BookOptions o;
  o.expectedOrders = expectedOrders;
  o.topVersions = true;  // the tick backtester reads a side's best levels only when they moved
  return o;
}

}  // namespace

L3Replay::L3Replay(const Instrument& instrument, std::uint32_t expectedOrders)
    : book_(instrument, bookOptions(expectedOrders)) {
  static_assert(kFeedBit == ReplayVenue::kFeedBit);
}

bool L3Replay::isOurs(OrderId id) noexcept { return (id.value() & ReplayVenue::kFeedBit) == 0; }

L3Replay::Own* L3Replay::findOwn(OrderId id) noexcept {
  for (Own& o : own_) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

void L3Replay::untrack(OrderId id) noexcept {
  for (std::size_t i = 0; i < own_.size(); ++i) {
    if (own_[i].id != id) continue;
    --ownBySide_[sideIndex(own_[i].side)];
    own_.erase(own_.begin() + static_cast<std::ptrdiff_t>(i));
    return;
  }
}

void L3Replay::ownLeaves(OrderId id, std::int64_t leaves) noexcept {
  if (leaves <= 0) {
    untrack(id);
  } else if (Own* o = findOwn(id)) {
    o->leaves = leaves;
  }
}

void L3Replay::track(OrderId id) {
  const auto view = book_.find(id);
  if (!view || !view->resting) {
    untrack(id);
    return;
  }
  if (Own* o = findOwn(id)) {
    o->price = view->price.raw();
    o->leaves = view->leavesQuantity.raw();
    return;
  }
  own_.push_back(Own{id, view->account, view->side, view->price.raw(), view->leavesQuantity.raw()});
  ++ownBySide_[sideIndex(view->side)];
}

void L3Replay::settle(const std::vector<book::Event>& events, std::size_t from, std::vector<book::Event>* forward) {
  for (std::size_t i = from; i < events.size(); ++i) {
    const book::Event& e = events[i];
    bool mine = isOurs(e.orderId);
    switch (e.type) {
      case book::EventType::Trade:
        if (mine) ownLeaves(e.orderId, e.leavesQuantity.raw());
        if (isOurs(e.contraOrderId)) {
          mine = true;
          ownLeaves(e.contraOrderId, e.contraLeavesQuantity.raw());
        }
        break;
      case book::EventType::Replaced:
      case book::EventType::Restated:
        if (mine) ownLeaves(e.orderId, e.leavesQuantity.raw());
        break;
      case book::EventType::Cancelled:
      case book::EventType::Expired:
        if (mine) untrack(e.orderId);
        break;
      default: break;
    }
    if (mine && forward != nullptr) forward->push_back(e);
  }
}

void L3Replay::submit(const book::NewOrder& order, Timestamp now, std::vector<book::Event>& out) {
  if (!isOurs(order.id) || order.type == book::OrderType::Stop || order.type == book::OrderType::StopLimit) {
    book::Event& e = out.emplace_back();
    e.type = book::EventType::Rejected;
    e.side = order.side;
    e.orderId = order.id;
    e.reason = static_cast<std::uint8_t>(isOurs(order.id) ? book::RejectReason::InvalidOrderType
                                                          : book::RejectReason::InvalidOrderId);
    e.time = now;
    return;
  }
  const std::size_t from = out.size();
  book_.submit(order, now, out);
  settle(out, from, nullptr);
  track(order.id);
}

void L3Replay::cancel(OrderId id, Timestamp now, std::vector<book::Event>& out) {
  if (!isOurs(id)) id = OrderId{};  // never a replayed order: the book answers UnknownOrder
  const std::size_t from = out.size();
  book_.cancel(id, now, out);
  settle(out, from, nullptr);
}

void L3Replay::replace(const book::ReplaceOrder& request, Timestamp now, std::vector<book::Event>& out) {
  book::ReplaceOrder r = request;
  if (!isOurs(r.id)) r.id = OrderId{};
  const auto before = book_.find(r.id);
  const std::size_t from = out.size();
  book_.replace(r, now, out);
  settle(out, from, nullptr);
  const auto after = book_.find(r.id);
  if (!after || !after->resting) {
    untrack(r.id);
  } else if (!before || before->price != after->price || after->quantity > before->quantity) {
    track(r.id);  // moved to the back of its level
  }
}

void L3Replay::massCancel(AccountId account, Timestamp now, std::vector<book::Event>& out) {
  // Only our orders: a mass cancel never touches the replayed liquidity.
  std::vector<OrderId> ids;
  for (const Own& o : own_) {
    if (account.isNone() || o.account == account) ids.push_back(o.id);
  }
  for (OrderId id : ids) cancel(id, now, out);
}

void L3Replay::advanceTime(Timestamp now, std::vector<book::Event>& out) {
  const std::size_t from = out.size();
  book_.advanceTime(now, out);
  settle(out, from, nullptr);
}

void L3Replay::fillAhead(Side side, std::int64_t price, std::int64_t sameLevelAhead, std::int64_t shares, Timestamp now,
                         std::vector<book::Event>& scratch, std::vector<book::Event>& own) {
  std::int64_t available = sameLevelAhead > 0 ? sameLevelAhead : 0;
  for (const Own& o : own_) {
    if (o.side != side) continue;
    const bool better = side == Side::Buy ? o.price > price : o.price < price;
    if (better || (sameLevelAhead < 0 && o.price == price)) available += o.leaves;
  }
  const std::int64_t take = std::min(available, shares);
  if (take <= 0) return;
  // The execution's aggressor, sized to what sits ahead of the executed order: the book fills
  // ours in its own priority order and stops before reaching that order.
  book::NewOrder aggressor;
  aggressor.id = OrderId{ReplayVenue::kFeedBit | ReplayVenue::kSyntheticBit | ++nextSynthetic_};
  aggressor.account = ReplayVenue::kFeedAccount;
  aggressor.side = opposite(side);
  aggressor.type = book::OrderType::Limit;
  aggressor.timeInForce = book::TimeInForce::IOC;
  aggressor.price = Price::fromRaw(price);
  aggressor.quantity = Quantity::fromRaw(take);
  scratch.clear();
  book_.submit(aggressor, now, scratch);
  settle(scratch, 0, &own);
}

void L3Replay::reduce(std::uint64_t feedId, std::int64_t shares, Timestamp now, std::vector<book::Event>& scratch,
                      std::vector<book::Event>& own, std::uint64_t& skipped) {
  scratch.clear();
  book_.reduceBy(OrderId{feedId}, Quantity::fromRaw(shares), now, scratch);
  // The usual answer is one event about this replayed order alone (Cancelled, Replaced, or a
  // rejection): nothing of ours to settle.
  if (scratch.size() == 1) {
    const book::Event& e = scratch.front();
    if (e.type == book::EventType::Rejected &&
        e.reason == static_cast<std::uint8_t>(book::RejectReason::UnknownOrder)) {
      ++skipped;  // an order the book no longer holds (ours took it whole)
    }
    return;
  }
  settle(scratch, 0, &own);
}

std::uint64_t L3Replay::onOrder(const marketdata::BookOrderEvent& e, std::vector<book::Event>& scratch,
                                std::vector<book::Event>& own) {
  const std::uint64_t feedId = ReplayVenue::kFeedBit | e.orderId;
  const Timestamp now = e.exchangeTime;
  std::uint64_t skipped = 0;
  switch (e.action) {
    case marketdata::BookAction::Add: {
      book::NewOrder o;
      o.id = OrderId{feedId};
      o.account = ReplayVenue::kFeedAccount;
      o.side = e.side;
      o.price = e.price;
      o.quantity = e.quantity;
      // A crossed feed (a replayed order reaching replayed orders of the other side) never
      // trades with itself: the newer order removes the stale ones it reaches, then rests.
      o.selfTrade = book::SelfTradePrevention::CancelResting;
      scratch.clear();
      book_.submit(o, now, scratch);
      // Most adds rest untouched: their one Accepted event leaves settle nothing to do.
      if (scratch.size() == 1 && scratch.front().type == book::EventType::Accepted) return 0;
      settle(scratch, 0, &own);
      // Rejected: an id the book holds already, or an add the book refuses (halted, off tick...).
      return !scratch.empty() && scratch.front().type == book::EventType::Rejected ? 1 : 0;
    }
    case marketdata::BookAction::Cancel: reduce(feedId, e.quantity.raw(), now, scratch, own, skipped); return skipped;
    case marketdata::BookAction::Delete: reduce(feedId, INT64_MAX, now, scratch, own, skipped); return skipped;
    case marketdata::BookAction::Fill: {
      if (ownBySide_[0] + ownBySide_[1] > 0) {
        const auto v = book_.find(OrderId{feedId});
        const Side side = v ? v->side : e.side;
        if (ownBySide_[sideIndex(side)] > 0) {
          const std::int64_t ahead = v ? book_.quantityAhead(OrderId{feedId}, ReplayVenue::kFeedAccount) : -1;
          fillAhead(side, v ? v->price.raw() : e.price.raw(), ahead, e.quantity.raw(), now, scratch, own);
        }
      }
      reduce(feedId, e.quantity.raw(), now, scratch, own, skipped);
      return skipped;
    }
    case marketdata::BookAction::Replace: {
      const auto v = book_.find(OrderId{feedId});
      if (!v) return 1;
      const std::int64_t leaves = v->leavesQuantity.raw();
      if (v->price == e.price && e.quantity.raw() <= leaves) {
        if (e.quantity.raw() < leaves) reduce(feedId, leaves - e.quantity.raw(), now, scratch, own, skipped);
        return skipped;  // the same price and size: nothing changes
      }
      reduce(feedId, INT64_MAX, now, scratch, own, skipped);
      marketdata::BookOrderEvent add = e;
      add.action = marketdata::BookAction::Add;
      return onOrder(add, scratch, own);
    }
    case marketdata::BookAction::Clear: {
      scratch.clear();
      book_.massCancel(ReplayVenue::kFeedAccount, now, scratch);
      settle(scratch, 0, &own);
      return 0;
    }
  }
  return 0;
}

}  // namespace alphintra::backtest
