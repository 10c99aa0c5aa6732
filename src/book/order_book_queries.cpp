// OrderBook: market-data snapshots (L1, L2, L3) and single-order lookups. Read-only; called by
// the owning thread between commands.
#include <algorithm>
#include <limits>

#include "book/order_book.hpp"

namespace alphintra::book {

std::size_t OrderBook::levelCount(Side side) const noexcept { return sideBook(side).levels.size(); }

TopOfBook OrderBook::topOfBook() const noexcept {
  TopOfBook top;
  if (!bids_.levels.empty()) {
    const Level& l = levels_[bids_.levels.back().level];
    top.bidPrice = Price::fromRaw(l.price);
    top.bidQuantity = Quantity::fromRaw(l.displayed);
    top.bidOrders = l.count;
  }
  if (!asks_.levels.empty()) {
    const Level& l = levels_[asks_.levels.back().level];
    top.askPrice = Price::fromRaw(l.price);
    top.askQuantity = Quantity::fromRaw(l.displayed);
    top.askOrders = l.count;
  }
  top.lastTradePrice = lastTradePrice_;
  top.sequence = sequence_;
  return top;
}

void OrderBook::depth(Side side, std::size_t maxLevels, std::vector<LevelView>& out) const {
  out.clear();
  const std::vector<LevelRef>& levels = sideBook(side).levels;
  for (auto it = levels.rbegin(); it != levels.rend() && out.size() < maxLevels; ++it) {
    const Level& l = levels_[it->level];
    out.push_back(LevelView{Price::fromRaw(l.price), Quantity::fromRaw(l.displayed), l.count});
  }
}

std::size_t OrderBook::depth(Side side, std::span<LevelView> out) const noexcept {
  const std::vector<LevelRef>& levels = sideBook(side).levels;
  const std::size_t n = std::min(out.size(), levels.size());
  for (std::size_t k = 0; k < n; ++k) {
    const Level& l = levels_[levels[levels.size() - 1 - k].level];
    out[k] = LevelView{Price::fromRaw(l.price), Quantity::fromRaw(l.displayed), l.count};
  }
  return n;
}

std::size_t OrderBook::depthPairs(Side side, std::span<std::int64_t> out) const noexcept {
  const std::vector<LevelRef>& levels = sideBook(side).levels;
  const std::size_t n = std::min(out.size() / 2, levels.size());
  const LevelRef* best = levels.data() + levels.size() - 1;
  for (std::size_t k = 0; k < n; ++k) {
    const Level& l = levels_[(best - k)->level];
    out[2 * k] = l.price;
    out[2 * k + 1] = l.displayed;
  }
  return n;
}

void OrderBook::orders(Side side, std::vector<OrderView>& out) const {
  out.clear();
  const std::vector<LevelRef>& levels = sideBook(side).levels;
  for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
    for (std::uint32_t i = levels_[it->level].head; i != kNil; i = orders_[i].next) out.push_back(view(i));
  }
}

std::optional<OrderView> OrderBook::find(OrderId id) const {
  const std::uint32_t idx = index_.find(id.value());
  if (idx == IdIndex::kMissing) return std::nullopt;
  return view(idx);
}

std::int64_t OrderBook::quantityAhead(OrderId id, AccountId excluded) const noexcept {
  const std::uint32_t idx = index_.find(id.value());
  if (idx == IdIndex::kMissing || orders_[idx].where != Where::Resting) return -1;
  std::int64_t total = 0;
  for (std::uint32_t i = levels_[orders_[idx].level].head; i != idx && i != kNil; i = orders_[i].next) {
    if (orders_[i].account != excluded.value()) total += orders_[i].leaves;
  }
  return total;
}

OrderView OrderBook::view(std::uint32_t idx) const {
  const Order& o = orders_[idx];
  const OrderCold& c = cold_[idx];
  OrderView v;
  v.id = OrderId{o.id};
  v.account = AccountId{o.account};
  v.side = o.side;
  v.type = o.type;
  v.timeInForce = o.tif;
  v.price = Price::fromRaw(o.price);
  v.stopPrice = Price::fromRaw(c.stopPrice);
  v.quantity = Quantity::fromRaw(c.quantity);
  v.filledQuantity = Quantity::fromRaw(c.quantity - o.leaves);
  v.leavesQuantity = Quantity::fromRaw(o.leaves);
  v.resting = o.where == Where::Resting;
  v.displayedQuantity = Quantity::fromRaw(v.resting ? o.displayed : 0);
  return v;
}

}  // namespace alphintra::book
