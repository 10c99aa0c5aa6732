// ReplayedOrders: the L3 replay's table of live replayed orders (id → arrival stamp, side,
// price, total quantity, open quantity), one slot per order holding all of it, so that a feed
// cancel, delete or execution costs one probe here (and can be prefetched ahead of time).
//
// Open addressing, linear probing, backward-shift deletion (no tombstones: cancel-heavy flow
// never degrades it). The home slot keeps locality (consecutive ids land in consecutive slots),
// as recent orders are the busiest. Capacity is a power of two at most half full, reserved up
// front; it only grows (rehash, the one allocation) past that. Ids are never 0. Pointers from
// find/insert stay valid until the next insert or erase.
//
// Threading: one thread (the backtest loop's).
#pragma once

#include <cstdint>
#include <vector>

#include "core/side.hpp"

namespace alphintra::backtest {

class ReplayedOrders {
 public:
  struct Order {
    std::uint64_t id = 0;  // 0: free slot
    std::int64_t price = 0;
    std::int64_t quantity = 0;  // total (the book's replace takes a new total)
    std::int64_t leaves = 0;
    std::uint32_t stamp = 0;
    Side side = Side::Buy;
  };

  explicit ReplayedOrders(std::uint32_t expected) {
    std::size_t cap = 16;
    while (cap < static_cast<std::size_t>(expected) * 2) cap <<= 1;
    resize(cap);
  }

  Order* find(std::uint64_t id) noexcept {
    for (std::size_t i = home(id);; i = (i + 1) & mask_) {
      Order& s = slots_[i];
      if (s.id == id) return &s;
      if (s.id == 0) return nullptr;
    }
  }
  // `id` must be absent. Returns its slot, id set, other fields as before: the caller fills them.
  Order* insert(std::uint64_t id) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    std::size_t i = home(id);
    while (slots_[i].id != 0) i = (i + 1) & mask_;
    slots_[i].id = id;
    ++size_;
    return &slots_[i];
  }
  void erase(Order* slot) noexcept {
    std::size_t hole = static_cast<std::size_t>(slot - slots_.data());
    for (std::size_t j = (hole + 1) & mask_; slots_[j].id != 0; j = (j + 1) & mask_) {
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const std::size_t h = home(slots_[j].id);
      const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (stays) continue;
      slots_[hole] = slots_[j];
      hole = j;
    }
    slots_[hole] = Order{};
    --size_;
  }
  void erase(std::uint64_t id) noexcept {
    if (Order* s = find(id)) erase(s);
  }
  void prefetch(std::uint64_t id) const noexcept { __builtin_prefetch(&slots_[home(id)]); }
  void clear() noexcept {
    for (Order& s : slots_) s = Order{};
    size_ = 0;
  }
  std::size_t size() const noexcept { return size_; }

 private:
  std::size_t home(std::uint64_t id) const noexcept { return static_cast<std::size_t>(id ^ (id >> bits_)) & mask_; }
  void resize(std::size_t cap) {
    slots_.assign(cap, Order{});
    mask_ = cap - 1;
    bits_ = 0;
    while ((std::size_t{1} << bits_) < cap) ++bits_;
  }
  void grow() {
    std::vector<Order> old = std::move(slots_);
    resize(old.size() * 2);
    size_ = 0;
    for (const Order& o : old) {
      if (o.id != 0) *insert(o.id) = o;
    }
  }

  std::vector<Order> slots_;
  std::size_t mask_ = 0;
  int bits_ = 0;
  std::size_t size_ = 0;
};

}  // namespace alphintra::backtest
