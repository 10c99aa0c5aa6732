#include "marketdata/itch/itch_book.hpp"

#include <algorithm>
#include <bit>

#include "core/huge_pages.hpp"

namespace alphintra::marketdata::itch {

ItchBookBuilder::ItchBookBuilder(std::size_t expectedLiveOrders) : books_(65'536) {
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(expectedLiveOrders * 2, 1024));
  slots_ = makeTable(capacity);
  mask_ = capacity - 1;
  shift_ = 64 - std::countr_zero(capacity);
}

// Reserved, advised for 2 MiB pages, then filled: a table of millions of slots reached at
// random would otherwise miss the TLB on nearly every message.
std::vector<ItchBookBuilder::Slot> ItchBookBuilder::makeTable(std::size_t capacity) {
  std::vector<Slot> table;
  table.reserve(capacity);
  adviseHugePages(table.data(), capacity * sizeof(Slot));
  table.resize(capacity);
  return table;
}

std::size_t ItchBookBuilder::build(const std::uint8_t* data, std::size_t size, std::uint64_t& messages,
                                   FrameError& error) {
  std::size_t at = 0;
  std::size_t ahead = 0;  // the frame about kLookahead messages after `at`
  // Moves `ahead` over one whole frame, prefetching the order-table slots of an order message
  // (all carry their first reference number at offset 11, a replace its new one at 19); false
  // at a partial or empty frame.
  auto advance = [&]() {
    if (size - ahead < 3) return false;
    const std::size_t length = wire::u16(data + ahead);
    if (length == 0 || size - ahead - 2 < length) return false;
    const std::uint8_t* m = data + ahead + 2;
    const char type = static_cast<char>(m[0]);
    if (length == messageLength(type) &&
        (type == 'A' || type == 'F' || type == 'E' || type == 'C' || type == 'X' || type == 'D' || type == 'U')) {
      prefetchSlot(wire::u64(m + 11));
      if (type == 'U') prefetchSlot(wire::u64(m + 19));  // the new reference number's home
    }
    ahead += 2 + length;
    return true;
  };
  for (int k = 0; k < kLookahead && advance(); ++k) {
  }
  while (size - at >= 2) {
    const std::size_t length = wire::u16(data + at);
    if (size - at - 2 < length) break;
    const DecodeStatus status = decodeMessage(data + at + 2, length, *this);
    if (status != DecodeStatus::Ok) [[unlikely]] {
      error.offset = at;
      error.status = status;
      return at;
    }
    ++messages;
    at += 2 + length;
    if (ahead < at) ahead = at;
    advance();
  }
  return at;
}

void ItchBookBuilder::clear() noexcept {
  std::fill(slots_.begin(), slots_.end(), Slot{});
  for (Book& b : books_) {
    b.bids.clear();
    b.asks.clear();
  }
  count_ = 0;
  anomalies_ = 0;
}

ItchBookBuilder::Slot* ItchBookBuilder::find(std::uint64_t ref) noexcept {
  for (std::size_t i = home(ref);; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.locate == 0) return nullptr;
    if (s.ref == ref) return &s;
  }
}

bool ItchBookBuilder::findOrder(std::uint64_t ref, OrderInfo& info) const noexcept {
  Slot* s = const_cast<ItchBookBuilder*>(this)->find(ref);
  if (s == nullptr) return false;
  info = OrderInfo{s->locate, s->side, s->price, s->shares};
  return true;
}

void ItchBookBuilder::insert(const Slot& s) noexcept {
  std::size_t i = home(s.ref);
  while (slots_[i].locate != 0) i = (i + 1) & mask_;
  slots_[i] = s;
  ++count_;
}

// Backward-shift deletion: pull later members of the probe run into the hole so that every
// remaining key stays reachable from its home slot without tombstones.
void ItchBookBuilder::erase(Slot* slot) noexcept {
  std::size_t hole = static_cast<std::size_t>(slot - slots_.data());
  std::size_t i = hole;
  while (true) {
    i = (i + 1) & mask_;
    Slot& s = slots_[i];
    if (s.locate == 0) break;
    const std::size_t h = home(s.ref);
    // s may move to the hole when its home is not in (hole, i] (cyclically).
    const bool stays = hole <= i ? (h > hole && h <= i) : (h > hole || h <= i);
    if (!stays) {
      slots_[hole] = s;
      hole = i;
    }
  }
  slots_[hole] = Slot{};
  --count_;
}

void ItchBookBuilder::grow() {
  const std::size_t old = mask_ + 1;
  std::vector<Slot> previous = std::move(slots_);
  slots_ = makeTable(old * 2);
  mask_ = old * 2 - 1;
  shift_ -= 1;
  count_ = 0;
  for (std::size_t i = 0; i < old; ++i) {
    if (previous[i].locate != 0) insert(previous[i]);
  }
}

void ItchBookBuilder::levelAdd(std::uint16_t locate, char side, std::uint32_t price, std::uint32_t shares) noexcept {
  Book& book = books_[locate];
  const bool bid = side == 'B';
  std::vector<ItchLevel>& levels = bid ? book.bids : book.asks;
  // From the best (back) towards worse prices, until the price is at or past the target.
  std::size_t i = levels.size();
  while (i > 0) {
    ItchLevel& l = levels[i - 1];
    if (l.price == price) {
      l.shares += shares;
      l.orders += 1;
      return;
    }
    if (bid ? l.price < price : l.price > price) break;
    --i;
  }
  levels.insert(levels.begin() + static_cast<std::ptrdiff_t>(i), ItchLevel{price, 1, shares});
}

void ItchBookBuilder::levelRemove(std::uint16_t locate, char side, std::uint32_t price, std::uint32_t shares,
                                  bool last) noexcept {
  Book& book = books_[locate];
  std::vector<ItchLevel>& levels = side == 'B' ? book.bids : book.asks;
  for (std::size_t i = levels.size(); i > 0; --i) {
    ItchLevel& l = levels[i - 1];
    if (l.price != price) continue;
    l.shares -= shares;
    if (last) l.orders -= 1;
    if (l.orders == 0) levels.erase(levels.begin() + static_cast<std::ptrdiff_t>(i - 1));
    return;
  }
  ++anomalies_;  // an order whose level is missing cannot happen unless the table is corrupt
}

void ItchBookBuilder::add(std::uint16_t locate, std::uint64_t ref, char side, std::uint32_t shares,
                          std::uint32_t price) noexcept {
  if (locate == 0 || (side != 'B' && side != 'S')) {
    ++anomalies_;
    return;
  }
  if (count_ + 1 > (mask_ + 1) / 2) [[unlikely]] {
    grow();
  }
  // One probe run both finds a duplicate reference number (keep the first) and the free slot.
  std::size_t i = home(ref);
  for (; slots_[i].locate != 0; i = (i + 1) & mask_) {
    if (slots_[i].ref == ref) {
      ++anomalies_;
      return;
    }
  }
  slots_[i] = Slot{ref, price, shares, locate, side};
  ++count_;
  levelAdd(locate, side, price, shares);
}

bool ItchBookBuilder::reduce(std::uint64_t ref, std::uint32_t shares, OrderInfo& info) noexcept {
  Slot* s = find(ref);
  if (s == nullptr) {
    ++anomalies_;
    return false;
  }
  info = OrderInfo{s->locate, s->side, s->price, s->shares};
  if (shares >= s->shares) {
    if (shares > s->shares) ++anomalies_;
    levelRemove(s->locate, s->side, s->price, s->shares, true);
    erase(s);
  } else {
    levelRemove(s->locate, s->side, s->price, shares, false);
    s->shares -= shares;
  }
  return true;
}

bool ItchBookBuilder::remove(std::uint64_t ref, OrderInfo& info) noexcept {
  Slot* s = find(ref);
  if (s == nullptr) {
    ++anomalies_;
    return false;
  }
  info = OrderInfo{s->locate, s->side, s->price, s->shares};
  levelRemove(s->locate, s->side, s->price, s->shares, true);
  erase(s);
  return true;
}

bool ItchBookBuilder::replace(std::uint64_t oldRef, std::uint64_t newRef, std::uint32_t shares,
                              std::uint32_t price) noexcept {
  OrderInfo old;
  if (!remove(oldRef, old)) return false;
  add(old.locate, newRef, old.side, shares, price);
  return true;
}

const ItchLevel* ItchBookBuilder::bestBid(std::uint16_t locate) const noexcept {
  const auto& v = books_[locate].bids;
  return v.empty() ? nullptr : &v.back();
}
const ItchLevel* ItchBookBuilder::bestAsk(std::uint16_t locate) const noexcept {
  const auto& v = books_[locate].asks;
  return v.empty() ? nullptr : &v.back();
}

}  // namespace alphintra::marketdata::itch
