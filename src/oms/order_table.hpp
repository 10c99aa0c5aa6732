// OrderTable: every order the engine has seen, by OrderId and by (account, client order id).
//
// OrderIds are handed out by the engine from 1 without gaps, so records sit in an array indexed
// by id - 1: O(1) lookup, no hashing. The array is chunked (core/chunked_vector.hpp): records
// never move, and past the expected count it grows by one 2 MiB chunk at a time instead of
// copying every record into fresh memory. Chunks for the expected order count are mapped and
// touched up front, so that those orders take no page fault on the engine thread. The client-id index is open
// addressing keyed by a 64-bit hash of (account, client order id) whose entries hold the
// OrderId; a lookup checks the candidate record's real account and ids, so a hash collision
// costs one more probe, never a wrong answer. Entries are never removed (client order ids stay unique per account for
// the life of the engine, including superseded ids of replaced orders).
//
// Threading: owned by the engine thread.
#pragma once

#include <cstdint>
#include <vector>

#include "core/chunked_vector.hpp"
#include "oms/order.hpp"

namespace alphintra::oms {

class OrderTable {
 public:
  explicit OrderTable(std::size_t expectedOrders = 1u << 16);

  // Adds a record with the next OrderId (ids are gap-free from 1) and returns it.
  OmsOrder& create(const OrderRequest& request, Timestamp now);
  OmsOrder* find(OrderId id) noexcept {
    return id.value() >= 1 && id.value() <= orders_.size() ? &orders_[id.value() - 1] : nullptr;
  }
  const OmsOrder* find(OrderId id) const noexcept {
    return id.value() >= 1 && id.value() <= orders_.size() ? &orders_[id.value() - 1] : nullptr;
  }
  // The order that uses or used this client order id for this account (current or superseded).
  OmsOrder* findByClientId(AccountId account, const ClientOrderId& id) noexcept;
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
    if (id.value() < 1 || id.value() > orders_.size()) return;
    const char* record = reinterpret_cast<const char*>(&orders_[id.value() - 1]);
    for (std::size_t offset = 0; offset < sizeof(OmsOrder); offset += 64) __builtin_prefetch(record + offset);
    __builtin_prefetch(record + sizeof(OmsOrder) - 1);
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
  std::size_t size() const noexcept { return orders_.size(); }
  const ChunkedVector<OmsOrder>& all() const noexcept { return orders_; }
  ChunkedVector<OmsOrder>& all() noexcept { return orders_; }

  // Restores the table from records (snapshot load): rebuilds the client-id index.
  void restore(ChunkedVector<OmsOrder>&& orders, const std::vector<std::pair<OrderId, ClientOrderId>>& replacementIds);
  // Client ids registered by replaces (beyond each order's first id), for snapshots.
  const std::vector<std::pair<OrderId, ClientOrderId>>& replacementIds() const noexcept { return replacementIds_; }

 private:
  // 16 bytes: a probe touches one cache line for four slots. The indexed id itself is not
  // stored; a hash match is confirmed against the order's own ids (see matches()).
  struct Slot {
    std::uint64_t hash = 0;  // 0: empty (a real hash of 0 is stored as 1)
    std::uint64_t order = 0;
  };
  bool matches(const OmsOrder& order, const ClientOrderId& id) const noexcept;
  static std::uint64_t keyHash(AccountId account, const ClientOrderId& id) noexcept;
  void insertSlot(std::uint64_t hash, std::uint64_t order);
  void grow();

  ChunkedVector<OmsOrder> orders_;
  std::vector<Slot> slots_;  // power of two, at most half full
  std::size_t used_ = 0;
  std::vector<std::pair<OrderId, ClientOrderId>> replacementIds_;
};

}  // namespace alphintra::oms
