#include "oms/order_table.hpp"

#include <utility>

#include "core/huge_pages.hpp"

namespace alphintra::oms {

OrderTable::OrderTable(std::size_t expectedOrders) {
  orders_.reserve(expectedOrders);  // mapped and faulted in now, as huge pages where offered
  std::size_t cap = 16;
  while (cap < expectedOrders * 2) cap <<= 1;
  slots_.reserve(cap);
  adviseHugePages(slots_.data(), cap * sizeof(Slot));
  slots_.resize(cap);
}

std::uint64_t OrderTable::keyHash(AccountId account, const ClientOrderId& id) noexcept {
  // Mix the account into the id's FNV hash (splitmix64 finaliser) so that equal client ids of
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
  OmsOrder& o = orders_.emplace_back();  // built in place: the record is 300 bytes
  o.id = id;
  o.request = request;
  o.clientOrderId = request.clientOrderId;
  o.price = request.price;
  o.stopPrice = request.stopPrice;
  o.quantity = request.quantity;
  o.leavesQuantity = request.quantity;
  o.createdTime = now;
  o.updatedTime = now;
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
  for (const auto& [order, clientId] : replacementIds_) {
    if (order == o.id && clientId == id) return true;
  }
  return false;
}

void OrderTable::indexClientId(AccountId account, const ClientOrderId& id, OrderId order) {
  if (id.isNone()) return;
  insertSlot(keyHash(account, id), order.value());
  replacementIds_.emplace_back(order, id);
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

void OrderTable::restore(ChunkedVector<OmsOrder>&& orders,
                         const std::vector<std::pair<OrderId, ClientOrderId>>& replacementIds) {
  orders_ = std::move(orders);
  std::size_t cap = 16;
  while (cap < (orders_.size() + replacementIds.size() + 1) * 2) cap <<= 1;
  slots_.assign(cap, Slot{});
  used_ = 0;
  replacementIds_.clear();
  for (const OmsOrder& o : orders_) {
    if (!o.request.clientOrderId.isNone()) {
      insertSlot(keyHash(o.account(), o.request.clientOrderId), o.id.value());
    }
  }
  for (const auto& [id, clientId] : replacementIds) {
    const OmsOrder* o = find(id);
    if (o != nullptr) indexClientId(o->account(), clientId, id);
  }
}

}  // namespace alphintra::oms
