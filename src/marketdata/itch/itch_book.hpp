// ItchBookBuilder: order-level books for every stock of an ITCH 5.0 feed, built from the order
// messages (A/F add, E/C execute, X cancel, D delete, U replace).
//
// Data structures, chosen for ≤ 50 ns per message on one core:
//  * books in a flat array indexed by stock locate (ITCH's 16-bit per-day stock index);
//  * live orders in one open-addressing table keyed by order reference number (Fibonacci hash,
//    linear probing, backward-shift deletion — no tombstones, so probes stay short however many
//    orders come and go); a slot holds what a later message needs: locate, side, price, shares;
//  * each side's price levels in a vector sorted with the best price at the back, searched from
//    the back: nearly all activity is within a few levels of the touch, so finds, inserts and
//    erases touch the last few elements and the memmove is short.
// Steady state allocates nothing: the order table grows (doubling, rehash) only when it passes
// half full and a level vector only past its high-water mark; the benchmark counts allocations.
//
// Messages naming an unknown order (a feed joined mid-day) or executing/cancelling more shares
// than the order has are counted (anomalies()) and applied as far as they can be, never crash.
// Threading: one thread. Prices are ITCH Price(4) raw integers; shares are counts.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "marketdata/itch/itch_messages.hpp"
#include "marketdata/itch/itch_parser.hpp"

namespace alphintra::marketdata::itch {

struct ItchLevel {
  std::uint32_t price = 0;
  std::uint32_t orders = 0;
  std::uint64_t shares = 0;
};

// The order a fill or cancel hit, as it was before the message.
struct OrderInfo {
  std::uint16_t locate = 0;
  char side = 0;
  std::uint32_t price = 0;
  std::uint32_t shares = 0;
};

class ItchBookBuilder {
 public:
  // Sized for `expectedLiveOrders` without growing.
  explicit ItchBookBuilder(std::size_t expectedLiveOrders = 1u << 20);

  // Order messages (the parser's handler interface).
  void on(const AddOrder& m) noexcept { add(m.header.stockLocate, m.orderRef, m.side, m.shares, m.price); }
  void on(const OrderExecuted& m) noexcept {
    OrderInfo info;
    execute(m.orderRef, m.executedShares, info);
  }
  void on(const OrderExecutedWithPrice& m) noexcept {
    OrderInfo info;
    execute(m.orderRef, m.executedShares, info);
  }
  void on(const OrderCancel& m) noexcept {
    OrderInfo info;
    reduce(m.orderRef, m.cancelledShares, info);
  }
  void on(const OrderDelete& m) noexcept {
    OrderInfo info;
    remove(m.orderRef, info);
  }
  void on(const OrderReplace& m) noexcept { replace(m.originalOrderRef, m.newOrderRef, m.shares, m.price); }

  // Decodes and applies the framed messages of [data, data + size) like decodeFrames()
  // (itch_parser.hpp), prefetching the order-table slot of the message kLookahead frames ahead
  // so that the cache miss of a large table overlaps the work on the messages before it.
  std::size_t build(const std::uint8_t* data, std::size_t size, std::uint64_t& messages, FrameError& error);
  static constexpr int kLookahead = 8;

  // Empties every book and the order table, keeping their memory (a new day, a benchmark pass).
  void clear() noexcept;

  // The same operations for callers that want to know the order touched; false when unknown.
  void add(std::uint16_t locate, std::uint64_t ref, char side, std::uint32_t shares, std::uint32_t price) noexcept;
  bool execute(std::uint64_t ref, std::uint32_t shares, OrderInfo& info) noexcept { return reduce(ref, shares, info); }
  bool reduce(std::uint64_t ref, std::uint32_t shares, OrderInfo& info) noexcept;
  bool remove(std::uint64_t ref, OrderInfo& info) noexcept;
  bool replace(std::uint64_t oldRef, std::uint64_t newRef, std::uint32_t shares, std::uint32_t price) noexcept;

  // Views, for tests and consumers. Levels best first would need a copy; these are best LAST.
  std::span<const ItchLevel> bidsBestLast(std::uint16_t locate) const noexcept { return books_[locate].bids; }
  std::span<const ItchLevel> asksBestLast(std::uint16_t locate) const noexcept { return books_[locate].asks; }
  const ItchLevel* bestBid(std::uint16_t locate) const noexcept;
  const ItchLevel* bestAsk(std::uint16_t locate) const noexcept;
  bool findOrder(std::uint64_t ref, OrderInfo& info) const noexcept;

  std::size_t liveOrders() const noexcept { return count_; }
  std::uint64_t anomalies() const noexcept { return anomalies_; }
  std::size_t tableCapacity() const noexcept { return mask_ + 1; }

 private:
  struct Slot {
    std::uint64_t ref = 0;
    std::uint32_t price = 0;
    std::uint32_t shares = 0;
    std::uint16_t locate = 0;  // 0: empty (ITCH order messages never use locate 0)
    char side = 0;
  };
  struct Book {
    std::vector<ItchLevel> bids;  // ascending price: best (highest) last
    std::vector<ItchLevel> asks;  // descending price: best (lowest) last
  };

  std::size_t home(std::uint64_t ref) const noexcept {
    return static_cast<std::size_t>((ref * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  // The cache lines of ref's home slot and of the slot after it: a find reads the first, an
  // erase (backward shift) the next, and a 24-byte slot may straddle two lines.
  void prefetchSlot(std::uint64_t ref) const noexcept {
    const char* at = reinterpret_cast<const char*>(&slots_[home(ref)]);
    __builtin_prefetch(at);
    __builtin_prefetch(at + 2 * sizeof(Slot) - 1);
  }
  static std::vector<Slot> makeTable(std::size_t capacity);
  Slot* find(std::uint64_t ref) noexcept;
  void erase(Slot* slot) noexcept;
  void insert(const Slot& s) noexcept;
  void grow();
  void levelAdd(std::uint16_t locate, char side, std::uint32_t price, std::uint32_t shares) noexcept;
  void levelRemove(std::uint16_t locate, char side, std::uint32_t price, std::uint32_t shares, bool last) noexcept;

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t count_ = 0;
  std::uint64_t anomalies_ = 0;
  std::vector<Book> books_;  // 65 536, by locate
};

}  // namespace alphintra::marketdata::itch
