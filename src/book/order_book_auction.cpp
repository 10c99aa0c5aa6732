// OrderBook: trading status changes and call auctions (docs/matching.md, "Trading status and
// auctions"). During a call phase limit orders rest without matching and market orders wait in
// a per-side arrival queue; the uncross picks one price and executes at it. Runs a handful of
// times a day, so clarity wins over speed here: plain loops over levels and a match list.
#include <algorithm>
#include <cstdlib>

#include "book/order_book.hpp"

namespace alphintra::book {
namespace {

bool isCall(TradingStatus s) noexcept {
  return s == TradingStatus::PreOpen || s == TradingStatus::OpeningAuction || s == TradingStatus::ClosingAuction;
}

}  // namespace

void OrderBook::enqueueForAuction(std::uint32_t idx) {
  Order& o = orders_[idx];
  std::uint32_t* queue = o.side == Side::Buy ? auctionBuys_ : auctionSells_;
  o.where = Where::AuctionQueue;
  o.next = kNil;
  o.prev = queue[1];
  if (queue[1] != kNil) {
    orders_[queue[1]].next = idx;
  } else {
    queue[0] = idx;
  }
  queue[1] = idx;
}

void OrderBook::dequeueFromAuction(std::uint32_t idx) {
  Order& o = orders_[idx];
  std::uint32_t* queue = o.side == Side::Buy ? auctionBuys_ : auctionSells_;
  if (o.prev != kNil) {
    orders_[o.prev].next = o.next;
  } else {
    queue[0] = o.next;
  }
  if (o.next != kNil) {
    orders_[o.next].prev = o.prev;
  } else {
    queue[1] = o.prev;
  }
  o.where = Where::Free;
}

void OrderBook::cancelAuctionQueue(std::vector<Event>& out) {
  for (std::uint32_t* queue : {auctionBuys_, auctionSells_}) {
    while (queue[0] != kNil) {
      const std::uint32_t idx = queue[0];
      emitCancelled(orders_[idx], CancelReason::AuctionRemainder, orders_[idx].leaves, out);
      removeLive(idx, out);
    }
  }
}

void OrderBook::setStatus(TradingStatus status, Timestamp now, std::vector<Event>& out) {
  beginCommand(now, out);
  tradedInCommand_ = false;
  if (status == status_) {
    emitRejected(OrderId{}, Side::None, RejectReason::InvalidStatusTransition, out);
    return;
  }
  const TradingStatus previous = status_;
  const bool fromCallOrHalt = isCall(previous) || previous == TradingStatus::Halted;
  if ((status == TradingStatus::Continuous && fromCallOrHalt) ||
      (previous == TradingStatus::ClosingAuction && status == TradingStatus::Closed)) {
    uncross(out);
  }
  if (isCall(previous) && !isCall(status)) cancelAuctionQueue(out);
  status_ = status;
  Event& e = emit(EventType::StatusChanged, out);
  e.reason = static_cast<std::uint8_t>(status);
  if (status == TradingStatus::Closed) expireDayOrders(out);
  if (status == TradingStatus::Continuous) processStops(out);
}

void OrderBook::uncross(std::vector<Event>& out) {
  // Every order that can take part, buys and sells each in priority order: queued market
  // orders in arrival order, then limit levels best first, time priority within a level.
  auto collect = [this](Side side, std::vector<std::uint32_t>& into) {
    into.clear();
    const std::uint32_t* queue = side == Side::Buy ? auctionBuys_ : auctionSells_;
    for (std::uint32_t i = queue[0]; i != kNil; i = orders_[i].next) into.push_back(i);
    const std::vector<LevelRef>& levels = sideBook(side).levels;
    for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
      for (std::uint32_t i = levels_[it->level].head; i != kNil; i = orders_[i].next) into.push_back(i);
    }
  };
  std::vector<std::uint32_t> buys;
  std::vector<std::uint32_t> sells;
  collect(Side::Buy, buys);
  collect(Side::Sell, sells);

  std::vector<std::int64_t> candidates;
  for (const auto* levels : {&bids_.levels, &asks_.levels}) {
    for (const LevelRef& l : *levels) candidates.push_back(l.price);
  }
  const Price reference = referencePrice_.isDefined() ? referencePrice_ : lastTradePrice_;
  if (candidates.empty() && reference.isDefined()) candidates.push_back(reference.raw());
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  auto volumeAt = [this](const std::vector<std::uint32_t>& side, std::int64_t p, bool buy) {
    std::int64_t total = 0;
    for (const std::uint32_t i : side) {
      const Order& o = orders_[i];
      const bool eligible = o.price == std::numeric_limits<std::int64_t>::min() || (buy ? o.price >= p : o.price <= p);
      if (eligible) total += o.leaves;
    }
    return total;
  };

  std::int64_t bestPrice = 0;
  std::int64_t bestVolume = 0;
  std::int64_t bestImbalance = 0;
  for (const std::int64_t p : candidates) {  // ascending: on a full tie the lower price stays
    const std::int64_t buyVolume = volumeAt(buys, p, true);
    const std::int64_t sellVolume = volumeAt(sells, p, false);
    const std::int64_t volume = std::min(buyVolume, sellVolume);
    const std::int64_t imbalance = std::llabs(buyVolume - sellVolume);
    bool better = volume > bestVolume;
    if (!better && volume == bestVolume && volume > 0) {
      if (imbalance != bestImbalance) {
        better = imbalance < bestImbalance;
      } else if (reference.isDefined()) {
        better = std::llabs(p - reference.raw()) < std::llabs(bestPrice - reference.raw());
      }
    }
    if (better) {
      bestPrice = p;
      bestVolume = volume;
      bestImbalance = imbalance;
    }
  }
  if (bestVolume == 0) return;

  Event& summary = emit(EventType::AuctionUncross, out);
  summary.price = Price::fromRaw(bestPrice);
  summary.quantity = Quantity::fromRaw(bestVolume);

  // Pair buys and sells in priority order, skipping those not eligible at the price.
  struct Fill {
    std::uint32_t buy;
    std::uint32_t sell;
    std::int64_t qty;
  };
  std::vector<Fill> fills;
  std::vector<std::int64_t> buyLeft;
  std::vector<std::int64_t> sellLeft;
  auto eligibleAt = [&](const Order& o) {
    return o.price == std::numeric_limits<std::int64_t>::min() ||
           (o.side == Side::Buy ? o.price >= bestPrice : o.price <= bestPrice);
  };
  std::size_t b = 0;
  std::size_t s = 0;
  std::int64_t bLeft = 0;
  std::int64_t sLeft = 0;
  std::int64_t remaining = bestVolume;
  while (remaining > 0) {
    while (bLeft == 0) {
      while (!eligibleAt(orders_[buys[b]])) ++b;
      bLeft = orders_[buys[b]].leaves;
      if (bLeft == 0) ++b;
    }
    while (sLeft == 0) {
      while (!eligibleAt(orders_[sells[s]])) ++s;
      sLeft = orders_[sells[s]].leaves;
      if (sLeft == 0) ++s;
    }
    const std::int64_t qty = std::min({bLeft, sLeft, remaining});
    fills.push_back(Fill{buys[b], sells[s], qty});
    bLeft -= qty;
    sLeft -= qty;
    remaining -= qty;
    if (bLeft == 0) ++b;
    if (sLeft == 0) ++s;
  }

  lastTradePrice_ = Price::fromRaw(bestPrice);
  tradedInCommand_ = true;
  for (const Fill& f : fills) {
    Order& buy = orders_[f.buy];
    Order& sell = orders_[f.sell];
    buy.leaves -= f.qty;
    sell.leaves -= f.qty;
    Event& t = emit(EventType::Trade, out);
    t.orderId = OrderId{buy.id};
    t.contraOrderId = OrderId{sell.id};
    t.price = Price::fromRaw(bestPrice);
    t.quantity = Quantity::fromRaw(f.qty);
    t.leavesQuantity = Quantity::fromRaw(buy.leaves);
    t.contraLeavesQuantity = Quantity::fromRaw(sell.leaves);
    for (const std::uint32_t idx : {f.buy, f.sell}) applyAuctionFill(idx, f.qty, out);
  }
}

// After an auction fill of `qty`: displayed quantity goes first, then hidden; the order leaves
// the book when done, an iceberg with nothing displayed is replenished at the back.
void OrderBook::applyAuctionFill(std::uint32_t idx, std::int64_t qty, std::vector<Event>& out) {
  Order& o = orders_[idx];
  if (o.where == Where::AuctionQueue) {
    if (o.leaves == 0) {
      dequeueFromAuction(idx);
      finish(idx);
    }
    return;
  }
  const std::int64_t fromDisplayed = std::min(o.displayed, qty);
  o.displayed -= fromDisplayed;
  levels_[o.level].displayed -= fromDisplayed;
  if (o.leaves == 0) {
    unlink(idx, out);
    finish(idx);
  } else if (o.displayed == 0) {
    replenish(idx, out);
  } else if (fromDisplayed > 0) {
    emitOrderUpdate(EventType::OrderUpdated, o, out);
    emitLevelUpdate(o.side, o.level, o.price, out);
  }
}

}  // namespace alphintra::book
