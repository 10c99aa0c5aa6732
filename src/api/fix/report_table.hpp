// ReportTable: the last execution report of every order of the FIX sessions' accounts, found by
// engine order id or by (account, ClOrdID) — what OrderStatusRequest answers from.
//
// Data structures, from the access pattern (a NewOrderSingle stream adds one order and updates
// it a few times; a status request is rare): the reports in one vector in the order the orders
// were first reported (no allocation per order, unlike a hash node each; chunked, so growth
// copies nothing: core/chunked_vector.hpp); an open-addressing
// index (book::IdIndex) from order id to the report; another from a 64-bit hash of (account,
// ClOrdID) to a compact entry holding the key itself, which a lookup confirms. Every ClOrdID an
// order has carried stays indexed (after a replace, the old id still finds the order). The rare
// key whose hash is already taken by a different key goes to an overflow map, so a collision is
// never a wrong answer.
//
// Retirement: when the engine retires finished orders (a purge, docs/engine.md), retire() drops
// their reports and ClOrdIDs by compaction — the kept reports copied into fresh storage, both
// indexes rebuilt — in O(size). The caller spaces compactions (fix_order_entry.hpp) so that each
// frees at least half the table: amortized, a constant cost per order.
//
// Threading: the FIX gateway's thread only.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "book/id_index.hpp"
#include "core/chunked_vector.hpp"
#include "core/client_order_id.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "engine/event.hpp"

namespace alphintra::api::fix {

class ReportTable {
 public:
  using KeyHash = std::uint64_t (*)(AccountId, const ClientOrderId&) noexcept;
  static std::uint64_t defaultHash(AccountId account, const ClientOrderId& id) noexcept;

  // `hash` is for tests that force collisions.
  explicit ReportTable(KeyHash hash = &defaultHash) : hash_(hash) {}

  // Records `r`, made at `time`, as its order's last report (orders without an id are ignored).
  void remember(const engine::ExecutionReport& r, Timestamp time);
  // Drops the reports of finished orders (Filled, Canceled, Rejected, Expired) below
  // `belowOrderId` whose last report is older than `cutoff` — what the engine retired — with every
  // ClOrdID they carried; answers how many went.
  std::size_t retire(Timestamp cutoff, std::uint64_t belowOrderId);
  const engine::ExecutionReport* byOrderId(std::uint64_t orderId) const noexcept;
  const engine::ExecutionReport* byClientId(AccountId account, const ClientOrderId& id) const noexcept;
  std::size_t size() const noexcept { return reports_.size(); }

 private:
  struct ClientKey {
    AccountId account;
    ClientOrderId id;
    bool operator==(const ClientKey&) const noexcept = default;
  };
  struct ClientKeyHash {
    std::size_t operator()(const ClientKey& k) const noexcept { return defaultHash(k.account, k.id); }
  };
  struct ClientEntry {
    ClientKey key;
    std::uint32_t report = 0;
  };
  std::uint64_t slotKey(AccountId account, const ClientOrderId& id) const noexcept {
    const std::uint64_t h = hash_(account, id);
    return h == 0 ? 1 : h;  // IdIndex keys are never 0
  }
  void indexClientId(const ClientKey& key, std::uint32_t report);

  KeyHash hash_;
  ChunkedVector<engine::ExecutionReport> reports_;
  ChunkedVector<Timestamp> times_;  // of each report in reports_
  book::IdIndex byOrderId_{1024};
  ChunkedVector<ClientEntry> clientEntries_;
  book::IdIndex byClientKey_{1024};                                       // slotKey → clientEntries_ index
  std::unordered_map<ClientKey, std::uint32_t, ClientKeyHash> overflow_;  // keys whose slot another key holds
};

}  // namespace alphintra::api::fix
