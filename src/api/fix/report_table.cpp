#include "api/fix/report_table.hpp"

namespace alphintra::api::fix {

std::uint64_t ReportTable::defaultHash(AccountId account, const ClientOrderId& id) noexcept {
  // The id's FNV-1a, mixed with the account; then a final avalanche so that IdIndex (which keeps
  // nearby keys nearby) spreads the entries.
  std::uint64_t h = id.hash() ^ (account.value() * 0x9E3779B97F4A7C15ull);
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h;
}

void ReportTable::remember(const engine::ExecutionReport& r) {
  if (r.orderId.isNone()) return;
  std::uint32_t index = byOrderId_.find(r.orderId.value());
  if (index == book::IdIndex::kMissing) {
    index = static_cast<std::uint32_t>(reports_.size());
    reports_.push_back(r);
    byOrderId_.insert(r.orderId.value(), index);
  } else {
    const bool sameId = reports_[index].clientOrderId == r.clientOrderId;
    reports_[index] = r;
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
