// OrderBook: stop orders (trigger on the last trade price, cascades in acceptance order) and
// time-driven expiry (GTD by time, DAY at the close). See docs/matching.md, "Stops" and
// "Expiry first". Neither is on the hot path of plain limit/market flow: both structures are
// small vectors, sorted so that the next stop to trigger and the next expiry are at one end.
#include <algorithm>

#include "book/order_book.hpp"

namespace alphintra::book {
namespace {

bool expiresLater(const auto& a, const auto& b) {
  return a.expireTime != b.expireTime ? a.expireTime > b.expireTime : a.acceptSeq > b.acceptSeq;
}

}  // namespace

bool OrderBook::stopTriggers(std::uint32_t idx) const noexcept {
  if (!lastTradePrice_.isDefined()) return false;
  const std::int64_t last = lastTradePrice_.raw();
  const std::int64_t stop = cold_[idx].stopPrice;
  return orders_[idx].side == Side::Buy ? last >= stop : last <= stop;
}

void OrderBook::addStop(std::uint32_t idx) {
  Order& o = orders_[idx];
  o.where = Where::Stop;
  const StopEntry entry{cold_[idx].stopPrice, cold_[idx].acceptSeq, idx};
  // Buy stops trigger lowest first, sell stops highest first: the next to trigger is at the back.
  if (o.side == Side::Buy) {
    const auto it = std::upper_bound(buyStops_.begin(), buyStops_.end(), entry,
                                     [](const StopEntry& a, const StopEntry& b) { return a.stopPrice > b.stopPrice; });
    buyStops_.insert(it, entry);
  } else {
    const auto it = std::upper_bound(sellStops_.begin(), sellStops_.end(), entry,
                                     [](const StopEntry& a, const StopEntry& b) { return a.stopPrice < b.stopPrice; });
    sellStops_.insert(it, entry);
  }
}

void OrderBook::removeStop(std::uint32_t idx) {
  std::vector<StopEntry>& stops = orders_[idx].side == Side::Buy ? buyStops_ : sellStops_;
  const auto it = std::find_if(stops.begin(), stops.end(), [idx](const StopEntry& e) { return e.order == idx; });
  if (it != stops.end()) stops.erase(it);
  orders_[idx].where = Where::Free;
}

void OrderBook::triggerNow(std::uint32_t idx, std::vector<Event>& out) {
  Order& o = orders_[idx];
  o.triggered = true;
  o.where = Where::Free;
  Event& e = emit(EventType::Triggered, out);
  e.side = o.side;
  e.orderType = static_cast<std::uint8_t>(o.type);
  e.orderId = OrderId{o.id};
  e.price = Price::fromRaw(o.price);
  e.quantity = Quantity::fromRaw(cold_[idx].quantity);
  e.leavesQuantity = Quantity::fromRaw(o.leaves);
  execute(idx, out);
}

void OrderBook::collectTriggered() {
  if (!lastTradePrice_.isDefined()) return;
  const std::int64_t last = lastTradePrice_.raw();
  const std::size_t batchStart = triggerQueue_.size();
  while (!buyStops_.empty() && buyStops_.back().stopPrice <= last) {
    triggerQueue_.push_back(buyStops_.back().order);
    orders_[buyStops_.back().order].where = Where::Free;
    buyStops_.pop_back();
  }
  while (!sellStops_.empty() && sellStops_.back().stopPrice >= last) {
    triggerQueue_.push_back(sellStops_.back().order);
    orders_[sellStops_.back().order].where = Where::Free;
    sellStops_.pop_back();
  }
  std::sort(triggerQueue_.begin() + static_cast<std::ptrdiff_t>(batchStart), triggerQueue_.end(),
            [this](std::uint32_t a, std::uint32_t b) { return cold_[a].acceptSeq < cold_[b].acceptSeq; });
}

void OrderBook::processStops(std::vector<Event>& out) {
  if (status_ != TradingStatus::Continuous || (buyStops_.empty() && sellStops_.empty())) return;
  triggerQueue_.clear();
  collectTriggered();
  for (std::size_t head = 0; head < triggerQueue_.size(); ++head) {
    triggerNow(triggerQueue_[head], out);
    collectTriggered();
  }
  triggerQueue_.clear();
}

void OrderBook::onTime(Timestamp now) {
  if (now > now_) now_ = now;
}

void OrderBook::advanceTime(Timestamp now, std::vector<Event>& out) { beginCommand(now, out); }

void OrderBook::runExpiries(std::vector<Event>& out) {
  while (!expiries_.empty() && expiries_.front().expireTime <= now_.nanos()) {
    std::pop_heap(expiries_.begin(), expiries_.end(),
                  [](const ExpiryEntry& a, const ExpiryEntry& b) { return expiresLater(a, b); });
    const ExpiryEntry entry = expiries_.back();
    expiries_.pop_back();
    Order& o = orders_[entry.order];
    if (o.where == Where::Free || cold_[entry.order].acceptSeq != entry.acceptSeq) continue;  // finished earlier
    emitExpired(entry.order, out);
  }
}

void OrderBook::pushExpiry(std::uint32_t idx) {
  const OrderCold& c = cold_[idx];
  expiries_.push_back(ExpiryEntry{c.expireTime, c.acceptSeq, idx});
  std::push_heap(expiries_.begin(), expiries_.end(),
                 [](const ExpiryEntry& a, const ExpiryEntry& b) { return expiresLater(a, b); });
}

void OrderBook::emitExpired(std::uint32_t idx, std::vector<Event>& out) {
  Order& o = orders_[idx];
  Event& e = emit(EventType::Expired, out);
  e.side = o.side;
  e.orderId = OrderId{o.id};
  e.price = Price::fromRaw(o.price);
  e.quantity = Quantity::fromRaw(o.leaves);
  removeLive(idx, out);
}

void OrderBook::expireDayOrders(std::vector<Event>& out) {
  massScratch_.clear();
  for (std::uint32_t i = 0; i < usedOrders_; ++i) {
    if (orders_[i].where != Where::Free && orders_[i].tif == TimeInForce::Day) massScratch_.push_back(i);
  }
  std::sort(massScratch_.begin(), massScratch_.end(),
            [this](std::uint32_t a, std::uint32_t b) { return cold_[a].acceptSeq < cold_[b].acceptSeq; });
  for (const std::uint32_t idx : massScratch_) emitExpired(idx, out);
}

}  // namespace alphintra::book
