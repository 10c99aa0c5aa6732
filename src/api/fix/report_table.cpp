#include "api/fix/report_table.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace alphintra::api::fix {

std::uint64_t ReportTable::defaultHash(AccountId account, const ClientOrderId& id) noexcept {
  // The id's hash, mixed with the account; then a final avalanche so that IdIndex (which keeps
  // nearby keys nearby) spreads the entries.
  std::uint64_t h = id.hash() ^ (account.value() * 0x9E3779B97F4A7C15ull);
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h;
}

void ReportTable::remember(const engine::ExecutionReport& r, Timestamp time) {
  if (r.orderId.isNone()) return;
  std::uint32_t index = byOrderId_.find(r.orderId.value());
  if (index == book::IdIndex::kMissing) {
    index = static_cast<std::uint32_t>(reports_.size());
    reports_.push_back(r);
    times_.push_back(time);
    byOrderId_.insert(r.orderId.value(), index);
  } else {
    const bool sameId = reports_[index].clientOrderId == r.clientOrderId;
    reports_[index] = r;
    times_[index] = time;
    if (sameId) return;  // a fill or a cancel: its id is indexed already (no look-up per report)
  }
  if (!r.clientOrderId.isNone()) indexClientId(ClientKey{r.account, r.clientOrderId}, index);
}

void ReportTable::indexClientId(const ClientKey& key, std::uint32_t report) {
  const std::uint64_t slot = slotKey(key.account, key.id);
  const std::uint32_t entry = byClientKey_.find(slot);
  if (entry == book::IdIndex::kMissing) {
    byClientKey_.insert(slot, static_cast<std::uint32_t>(clientEntries_.size()));
    clientEntries_.push_back(ClientEntry{key, report});
  } else if (clientEntries_[entry].key == key) {
    clientEntries_[entry].report = report;  // the id now names this order (the latest to carry it)
  } else {
    overflow_[key] = report;
  }
}

std::size_t ReportTable::retire(Timestamp cutoff, std::uint64_t belowOrderId) {
  const auto goes = [&](std::size_t i) {
    const engine::ExecutionReport& r = reports_[i];
    return r.orderId.value() < belowOrderId && oms::isTerminal(r.status) && times_[i] < cutoff;
  };
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < reports_.size(); ++i) dropped += goes(i) ? 1 : 0;
  if (dropped == 0) return 0;

  constexpr std::uint32_t kGone = book::IdIndex::kMissing;
  std::vector<std::uint32_t> remap(reports_.size(), kGone);
  const auto expected = static_cast<std::uint32_t>(std::max<std::size_t>(1024, reports_.size() - dropped));
  ChunkedVector<engine::ExecutionReport> reports;
  ChunkedVector<Timestamp> times;
  book::IdIndex byOrderId{expected};
  for (std::size_t i = 0; i < reports_.size(); ++i) {
    if (goes(i)) continue;
    remap[i] = static_cast<std::uint32_t>(reports.size());
    reports.push_back(reports_[i]);
    times.push_back(times_[i]);
    byOrderId.insert(reports_[i].orderId.value(), remap[i]);
  }
  // The ClOrdIDs of the kept orders, in their old order; a key that overflowed takes its slot
  // back when the key holding it went.
  ChunkedVector<ClientEntry> entries;
  book::IdIndex byClientKey{expected};
  const auto reindex = [&](const ClientKey& key, std::uint32_t report,
                           std::unordered_map<ClientKey, std::uint32_t, ClientKeyHash>& overflow) {
    const std::uint64_t slot = slotKey(key.account, key.id);
    if (byClientKey.find(slot) == book::IdIndex::kMissing) {
      byClientKey.insert(slot, static_cast<std::uint32_t>(entries.size()));
      entries.push_back(ClientEntry{key, report});
    } else {
      overflow[key] = report;
    }
  };
  std::unordered_map<ClientKey, std::uint32_t, ClientKeyHash> overflow;
  for (std::size_t i = 0; i < clientEntries_.size(); ++i) {
    const ClientEntry& e = clientEntries_[i];
    if (remap[e.report] != kGone) reindex(e.key, remap[e.report], overflow);
  }
  for (const auto& [key, report] : overflow_) {
    if (remap[report] != kGone) reindex(key, remap[report], overflow);
  }
  reports_ = std::move(reports);
  times_ = std::move(times);
  byOrderId_ = std::move(byOrderId);
  clientEntries_ = std::move(entries);
  byClientKey_ = std::move(byClientKey);
  overflow_ = std::move(overflow);
  return dropped;
}

const engine::ExecutionReport* ReportTable::byOrderId(std::uint64_t orderId) const noexcept {
  const std::uint32_t index = orderId == 0 ? book::IdIndex::kMissing : byOrderId_.find(orderId);
  return index == book::IdIndex::kMissing ? nullptr : &reports_[index];
}

const engine::ExecutionReport* ReportTable::byClientId(AccountId account, const ClientOrderId& id) const noexcept {
  const ClientKey key{account, id};
  const std::uint32_t entry = byClientKey_.find(slotKey(account, id));
  if (entry != book::IdIndex::kMissing && clientEntries_[entry].key == key) {
    return &reports_[clientEntries_[entry].report];
  }
  if (overflow_.empty()) return nullptr;
  const auto it = overflow_.find(key);
  return it == overflow_.end() ? nullptr : &reports_[it->second];
}

}  // namespace alphintra::api::fix
