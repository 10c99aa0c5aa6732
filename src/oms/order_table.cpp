#include "oms/order_table.hpp"

#include <algorithm>
#include <bit>
#include <utility>

#include "core/huge_pages.hpp"

namespace alphintra::oms {

OrderTable::OrderTable(std::size_t expectedOrders, Prefault prefault) : prefault_(prefault) {
  orders_.reserve(expectedOrders, prefault);  // mapped now, as huge pages where offered
  std::size_t cap = 16;
  while (cap < expectedOrders * 2) cap <<= 1;
  slots_.reserve(cap);
  adviseHugePages(slots_.data(), cap * sizeof(Slot));
  slots_.resize(cap);
  minSlots_ = cap;
}

OmsOrder* OrderTable::findParked(OrderId id) noexcept {
  if (parked_.empty()) return nullptr;
  const auto it = parked_.find(id.value());
  return it == parked_.end() ? nullptr : &it->second;
}

std::uint64_t OrderTable::keyHash(AccountId account, const ClientOrderId& id) noexcept {
  // Mix the account into the id's hash (splitmix64 finaliser) so that equal client ids of
  // different accounts land apart.
  std::uint64_t h = id.hash() ^ (account.value() * 0x9E3779B97F4A7C15ull);
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  h ^= h >> 31;
  return h == 0 ? 1 : h;
}

OmsOrder& OrderTable::create(const OrderRequest& request, Timestamp now) {
  const OrderId id = nextOrderId();
  orders_.emplace_back(id, request, now);  // built in place: the record is 300 bytes
  orders_.prefetchForAppend(kCreateAhead);
  if (!request.clientOrderId.isNone()) {
    insertSlot(keyHash(request.account, request.clientOrderId), id.value());
  }
  return orders_.back();
}

OmsOrder* OrderTable::findByClientId(AccountId account, const ClientOrderId& id) noexcept {
  if (id.isNone()) return nullptr;
  const std::uint64_t h = keyHash(account, id);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.hash == 0) return nullptr;
    if (s.hash == h) {
      OmsOrder* o = find(OrderId{s.order});
      if (o != nullptr && o->account() == account && matches(*o, id)) return o;
    }
  }
}

// The ids an order has used: its first, its current and the one before; older ids of a long
// replace chain are in replacementIds_ (searched only after a hash match, which is rare).
bool OrderTable::matches(const OmsOrder& o, const ClientOrderId& id) const noexcept {
  if (o.request.clientOrderId == id || o.clientOrderId == id || o.origClientOrderId == id) return true;
  const auto [begin, end] = replacementIds_.equal_range(o.id.value());
  for (auto it = begin; it != end; ++it) {
    if (it->second == id) return true;
  }
  return false;
}

void OrderTable::indexClientId(AccountId account, const ClientOrderId& id, OrderId order) {
  if (id.isNone()) return;
  insertSlot(keyHash(account, id), order.value());
  replacementIds_.emplace(order.value(), id);
}

void OrderTable::insertSlot(std::uint64_t hash, std::uint64_t order) {
  if ((used_ + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].hash != 0) i = (i + 1) & mask;
  slots_[i] = Slot{hash, order};
  ++used_;
}

void OrderTable::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  used_ = 0;
  for (const Slot& s : old) {
    if (s.hash != 0) insertSlot(s.hash, s.order);
  }
}

void OrderTable::park(const OmsOrder& o) {
  parked_.emplace_hint(parked_.end(), o.id.value(), o);
  if (o.state.isTerminal()) {
    parkedFinished_[o.account().value()].emplace(o.updatedTime.nanos(), o.id.value());
  } else {
    parkedLive_.push_back(o.id.value());
  }
}

void OrderTable::forget(const OmsOrder& o) noexcept {
  if (!o.request.clientOrderId.isNone()) eraseSlot(keyHash(o.account(), o.request.clientOrderId), o.id.value());
  const auto [begin, end] = replacementIds_.equal_range(o.id.value());
  for (auto it = begin; it != end; ++it) eraseSlot(keyHash(o.account(), it->second), o.id.value());
  replacementIds_.erase(begin, end);
}

OrderTable::PurgeCounts OrderTable::purgeFinished(Timestamp cutoff, AccountId firstAccount, AccountId lastAccount) {
  PurgeCounts counts;
  retiredParked_.clear();
  const std::uint64_t first = firstAccount.value();
  const std::uint64_t last = lastAccount.isNone() ? UINT64_MAX : lastAccount.value();

  // Parked orders that have finished since they were last looked at join their account's
  // finished set (a terminal order changes no more).
  std::erase_if(parkedLive_, [this](std::uint64_t id) {
    const OmsOrder& o = parked_.find(id)->second;
    if (!o.state.isTerminal()) return false;
    parkedFinished_[o.account().value()].emplace(o.updatedTime.nanos(), id);
    return true;
  });
  // Each account in range gives up its finished parked orders last updated before the cutoff.
  for (auto account = parkedFinished_.lower_bound(first); account != parkedFinished_.end() && account->first <= last;) {
    auto& finished = account->second;
    while (!finished.empty() && finished.begin()->first < cutoff.nanos()) {
      const std::uint64_t id = finished.begin()->second;
      finished.erase(finished.begin());
      const auto it = parked_.find(id);
      forget(it->second);
      parked_.erase(it);
      retiredParked_.push_back(id);
      ++counts.purged;
    }
    account = finished.empty() ? parkedFinished_.erase(account) : std::next(account);
  }

  // The window moves to the start of the chunk holding the first order created at or after
  // the cutoff (creation times follow ids): whole chunks below it are released.
  std::size_t limit = base_ - 1;  // index of that order, or size() when there is none
  while (limit < orders_.size() && orders_[limit].createdTime < cutoff) ++limit;
  const std::size_t newFirst = std::max<std::size_t>(limit & ~ChunkedVector<OmsOrder>::kMask, base_ - 1);
  for (std::size_t i = base_ - 1; i < newFirst; ++i) {
    const OmsOrder& o = orders_[i];
    const bool retired =
        o.state.isTerminal() && o.updatedTime < cutoff && o.account().value() >= first && o.account().value() <= last;
    if (retired) {
      forget(o);
      ++counts.purged;
    } else {
      park(o);
      ++counts.parked;
    }
  }
  orders_.releaseBelow(newFirst);
  base_ = newFirst + 1;
  return counts;
}

// Linear probing's deletion: empty the slot, then move back each later entry of the same run
// that its home slot allows, so that every lookup still finds its entry before an empty slot.
void OrderTable::eraseSlot(std::uint64_t hash, std::uint64_t order) noexcept {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (!(slots_[i].hash == hash && slots_[i].order == order)) {
    if (slots_[i].hash == 0) return;  // not indexed
    i = (i + 1) & mask;
  }
  for (std::size_t j = (i + 1) & mask; slots_[j].hash != 0; j = (j + 1) & mask) {
    const std::size_t home = slots_[j].hash & mask;
    // The entry at j may move to i unless its home lies cyclically in (i, j].
    const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!stays) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i] = Slot{};
  --used_;
}

void OrderTable::rebuildIndex() {
  std::size_t cap = minSlots_;
  while (cap < (kept() + replacementIds_.size() + 1) * 2) cap <<= 1;
  slots_.assign(cap, Slot{});
  used_ = 0;
  forEach([this](const OmsOrder& o) {
    if (!o.request.clientOrderId.isNone()) insertSlot(keyHash(o.account(), o.request.clientOrderId), o.id.value());
  });
  for (const auto& [id, clientId] : replacementIds_) {
    if (const OmsOrder* o = find(OrderId{id})) insertSlot(keyHash(o->account(), clientId), id);
  }
}

void OrderTable::startRestore(std::uint64_t base, std::size_t expectedOrders) {
  parked_.clear();
  parkedLive_.clear();
  parkedFinished_.clear();
  retiredParked_.clear();
  replacementIds_.clear();
  base_ = base == 0 ? 1 : base;
  orders_.startAt(base_ - 1);
  orders_.reserve(base_ - 1 + expectedOrders, prefault_);
}

bool OrderTable::restoreOrder(const OmsOrder& order) {
  const std::uint64_t id = order.id.value();
  if (id < base_) {
    if (id == 0 || (!parked_.empty() && parked_.rbegin()->first >= id)) return false;
    park(order);
    return true;
  }
  if (id != orders_.size() + 1) return false;
  orders_.push_back(order);
  return true;
}

void OrderTable::finishRestore(const std::vector<std::pair<OrderId, ClientOrderId>>& replacementIds) {
  for (const auto& [id, clientId] : replacementIds) {
    if (find(id) != nullptr) replacementIds_.emplace(id.value(), clientId);
  }
  rebuildIndex();
}

}  // namespace alphintra::oms
