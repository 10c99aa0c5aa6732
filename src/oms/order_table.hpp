// OrderTable: the orders the engine keeps, by OrderId and by (account, client order id).
//
// OrderIds are handed out by the engine from 1 without gaps, so records sit in an array indexed
// by id - 1: O(1) lookup, no hashing. The array is chunked (core/chunked_vector.hpp): records
// never move, and past the expected count it grows by one 2 MiB chunk at a time instead of
// copying every record into fresh memory. Chunks for the expected order count are mapped and
// touched up front, so that those orders take no page fault on the engine thread. The client-id index is open
// addressing keyed by a 64-bit hash of (account, client order id) whose entries hold the
// OrderId; a lookup checks the candidate record's real account and ids, so a hash collision
// costs one more probe, never a wrong answer. Client order ids stay unique per account among
// the orders kept, superseded ids of replaced orders included.
//
// Retiring finished orders (purgeFinished): a long-running engine creates orders without end
// (the simulator alone, hundreds a second), so finished orders last updated before a cutoff
// leave the table. The array keeps one window of ids, [base(), nextOrderId()); purging moves
// the window's start to a chunk boundary below the first order created at or after the
// cutoff, unmaps the chunks below it, drops the finished orders there and parks the others
// (live ones, and those finished after the cutoff) in an ordered map, found through it by id
// after one compare fails. A purge must not cost the whole parked set: one for the
// simulator's accounts (minutes of retention) parks every order of the other accounts (a day
// of retention), so there may be millions. So the parked orders are also kept by what a purge
// asks of them: the ids of those still live (resting orders: few), looked at again by every
// purge, and the finished ones per account in (last update, id) order, of which a purge takes
// its accounts' oldest until the cutoff. A purged order's client ids, replacement ids
// included (kept by order id), leave the index by backward-shift deletion, so they are free
// again. Purging is a command like any other (engine PurgeOrders), so replay purges exactly as
// the live engine did.
//
// Threading: owned by the engine thread.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "core/chunked_vector.hpp"
#include "core/prefault.hpp"
#include "core/prefetch.hpp"
#include "oms/order.hpp"

namespace alphintra::oms {

class OrderTable {
 public:
  // The records' memory for `expectedOrders` is mapped now and, with Prefault::Now, faulted in
  // now (core/prefault.hpp).
  explicit OrderTable(std::size_t expectedOrders = 1u << 16, Prefault prefault = Prefault::Now);
  // The records' mapped memory, appended to `out` (for a BackgroundPrefault).
  void mappedRanges(BackgroundPrefault::Ranges& out) const { orders_.mappedRanges(out); }

  // Adds a record with the next OrderId (ids are gap-free from 1) and returns it. It also
  // hints the cache for the record kCreateAhead creations later, so that building a record
  // seldom waits for its lines.
  OmsOrder& create(const OrderRequest& request, Timestamp now);
  static constexpr std::size_t kCreateAhead = 4;
  OmsOrder* find(OrderId id) noexcept {
    if (id.value() >= base_ && id.value() <= orders_.size()) return &orders_[id.value() - 1];
    return id.value() < base_ ? findParked(id) : nullptr;
  }
  const OmsOrder* find(OrderId id) const noexcept { return const_cast<OrderTable*>(this)->find(id); }
  // The order that uses or used this client order id for this account (current or superseded).
  OmsOrder* findByClientId(AccountId account, const ClientOrderId& id) noexcept;
  const OmsOrder* findByClientId(AccountId account, const ClientOrderId& id) const noexcept {
    return const_cast<OrderTable*>(this)->findByClientId(account, id);
  }
  // Registers a client order id for an order (its first id is registered by create()).
  void indexClientId(AccountId account, const ClientOrderId& id, OrderId order);

  // Cache hints for a command that will come soon: both tables are far larger than the caches
  // and reached at random, so each lookup is a memory miss; a caller holding a batch of
  // commands issues these a few commands ahead so that the misses overlap with other work.
  // They change nothing and may name ids that do not exist.
  void prefetchClientId(AccountId account, const ClientOrderId& id) const noexcept {
    if (id.isNone()) return;
    __builtin_prefetch(&slots_[keyHash(account, id) & (slots_.size() - 1)]);
  }
  void prefetchOrder(OrderId id) const noexcept {
    if (id.value() < base_ || id.value() > orders_.size()) return;
    prefetchObject(&orders_[id.value() - 1]);
  }

  // For cache hints only: the order a client-id lookup would most likely land on (the first
  // index entry whose hash matches, not confirmed against the record), or none. With the
  // slot already cached this costs no memory miss.
  OrderId likelyByClientId(AccountId account, const ClientOrderId& id) const noexcept {
    if (id.isNone()) return OrderId{};
    const std::uint64_t h = keyHash(account, id);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i].hash == 0) return OrderId{};
      if (slots_[i].hash == h) return OrderId{slots_[i].order};
    }
  }

  OrderId nextOrderId() const noexcept { return OrderId{orders_.size() + 1}; }
  // Orders created so far (ids handed out), purged ones included.
  std::size_t size() const noexcept { return orders_.size(); }
  // Orders kept: the window and the parked ones.
  std::size_t kept() const noexcept { return orders_.size() - (base_ - 1) + parked_.size(); }
  // The first id of the array's window (1 until a purge moves it).
  std::uint64_t base() const noexcept { return base_; }
  std::size_t parkedCount() const noexcept { return parked_.size(); }

  // Every order kept, in id order (parked ones first: their ids are below the window's).
  template <typename F>
  void forEach(F&& f) {
    for (auto& [id, order] : parked_) f(order);
    for (std::size_t i = base_ - 1; i < orders_.size(); ++i) f(orders_[i]);
  }
  template <typename F>
  void forEach(F&& f) const {
    for (const auto& [id, order] : parked_) f(order);
    for (std::size_t i = base_ - 1; i < orders_.size(); ++i) f(orders_[i]);
  }

  struct PurgeCounts {
    std::size_t purged = 0;  // finished orders dropped
    std::size_t parked = 0;  // orders moved out of the released part of the window
  };
  // Drops the finished orders (Filled, Canceled, Rejected, Expired) last updated before
  // `cutoff`, as far as the window can move (see the header comment), and every such parked
  // order; the window's start moves to base(). Only orders of accounts in [firstAccount,
  // lastAccount] are retired (lastAccount 0: no upper bound). Cost: the orders leaving the
  // window, the parked live orders, the parked accounts in range and a log-time step per order
  // retired — not the parked orders kept.
  PurgeCounts purgeFinished(Timestamp cutoff, AccountId firstAccount = AccountId{},
                            AccountId lastAccount = AccountId{});
  // The parked orders (ids below the window) the last purge retired.
  const std::vector<std::uint64_t>& retiredParked() const noexcept { return retiredParked_; }

  // Restores the table (snapshot load) into an empty one: startRestore with the window's first
  // id, then every order kept in id order (those below `base` are parked; from `base` on the
  // ids must follow without a gap; false otherwise), then finishRestore, which rebuilds the
  // client-id index.
  void startRestore(std::uint64_t base, std::size_t expectedOrders);
  [[nodiscard]] bool restoreOrder(const OmsOrder& order);
  void finishRestore(const std::vector<std::pair<OrderId, ClientOrderId>>& replacementIds);
  // Client ids registered by replaces (beyond each order's first id), by order id, for snapshots.
  const std::multimap<std::uint64_t, ClientOrderId>& replacementIds() const noexcept { return replacementIds_; }

 private:
  // 16 bytes: a probe touches one cache line for four slots. The indexed id itself is not
  // stored; a hash match is confirmed against the order's own ids (see matches()).
  struct Slot {
    std::uint64_t hash = 0;  // 0: empty (a real hash of 0 is stored as 1)
    std::uint64_t order = 0;
  };
  bool matches(const OmsOrder& order, const ClientOrderId& id) const noexcept;
  OmsOrder* findParked(OrderId id) noexcept;
  void park(const OmsOrder& order);             // into parked_ and the live or finished index
  void forget(const OmsOrder& order) noexcept;  // its client ids leave the index
  void eraseSlot(std::uint64_t hash, std::uint64_t order) noexcept;
  void rebuildIndex();
  static std::uint64_t keyHash(AccountId account, const ClientOrderId& id) noexcept;
  void insertSlot(std::uint64_t hash, std::uint64_t order);
  void grow();

  ChunkedVector<OmsOrder> orders_;            // index id - 1; usable from base_ - 1
  std::uint64_t base_ = 1;                    // the window's first id
  std::map<std::uint64_t, OmsOrder> parked_;  // kept orders with ids below base_
  std::vector<std::uint64_t> parkedLive_;     // ids of parked orders live when last looked at
  // Parked finished orders: account → (last update in ns, id).
  std::map<std::uint64_t, std::set<std::pair<std::int64_t, std::uint64_t>>> parkedFinished_;
  std::vector<std::uint64_t> retiredParked_;
  std::vector<Slot> slots_;            // power of two, at most half full
  std::size_t minSlots_ = 16;          // what the constructor sized it for
  Prefault prefault_ = Prefault::Now;  // the constructor's choice, for startRestore too
  std::size_t used_ = 0;
  std::multimap<std::uint64_t, ClientOrderId> replacementIds_;  // order id → a later client id
};

}  // namespace alphintra::oms
