// KillSwitch: sorted id sets per scope (see kill_switch.hpp).
#include "risk/kill_switch.hpp"

#include <algorithm>
#include <utility>

namespace alphintra::risk {
namespace {

bool contains(const std::vector<std::uint64_t>& ids, std::uint64_t id) noexcept {
  return std::binary_search(ids.begin(), ids.end(), id);
}

// Reads one sorted id list; false (and the reader failed) when it is not strictly ascending
// and free of id 0, or longer than `max`.
bool readIds(ByteReader& in, std::vector<std::uint64_t>& out, std::uint32_t max) {
  const std::uint32_t n = in.count(max);
  // Never reserve more than the input could hold: a corrupt count cannot allocate much.
  out.reserve(std::min<std::size_t>(n, in.remaining() / 8));
  std::uint64_t previous = 0;
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    const std::uint64_t id = in.u64();
    if (!in.ok()) break;
    if (id <= previous) {  // also refuses id 0, which is never valid
      in.fail();
      break;
    }
    out.push_back(id);
    previous = id;
  }
  return in.ok();
}

}  // namespace

std::string_view toString(KillSwitchScope scope) noexcept {
  switch (scope) {
    case KillSwitchScope::Global: return "global";
    case KillSwitchScope::Account: return "account";
    case KillSwitchScope::Instrument: return "instrument";
  }
  return "unknown";
}

std::optional<KillSwitchScope> parseKillSwitchScope(std::string_view text) noexcept {
  if (text == "global") return KillSwitchScope::Global;
  if (text == "account") return KillSwitchScope::Account;
  if (text == "instrument") return KillSwitchScope::Instrument;
  return std::nullopt;
}

std::vector<std::uint64_t>* KillSwitch::idsOf(KillSwitchScope scope) noexcept {
  switch (scope) {
    case KillSwitchScope::Account: return &accounts_;
    case KillSwitchScope::Instrument: return &instruments_;
    case KillSwitchScope::Global: break;
  }
  return nullptr;
}

bool KillSwitch::activate(KillSwitchScope scope, std::uint64_t id) {
  if (scope == KillSwitchScope::Global) {
    const bool changed = !global_;
    global_ = true;
    return changed;
  }
  std::vector<std::uint64_t>* ids = idsOf(scope);
  if (ids == nullptr || id == 0) return false;
  const auto at = std::lower_bound(ids->begin(), ids->end(), id);
  if (at != ids->end() && *at == id) return false;
  if (ids->size() >= kMaxEntries) return false;  // load() refuses more: keep snapshots loadable
  ids->insert(at, id);
  return true;
}

bool KillSwitch::reset(KillSwitchScope scope, std::uint64_t id) {
  if (scope == KillSwitchScope::Global) {
    const bool changed = global_;
    global_ = false;
    return changed;
  }
  std::vector<std::uint64_t>* ids = idsOf(scope);
  if (ids == nullptr || id == 0) return false;
  const auto at = std::lower_bound(ids->begin(), ids->end(), id);
  if (at == ids->end() || *at != id) return false;
  ids->erase(at);
  return true;
}

void KillSwitch::resetAll() noexcept {
  global_ = false;
  accounts_.clear();
  instruments_.clear();
}

bool KillSwitch::isActive(KillSwitchScope scope, std::uint64_t id) const noexcept {
  switch (scope) {
    case KillSwitchScope::Global: return global_;
    case KillSwitchScope::Account: return contains(accounts_, id);
    case KillSwitchScope::Instrument: return contains(instruments_, id);
  }
  return false;
}

bool KillSwitch::blocksSlow(AccountId account, InstrumentId instrument) const noexcept {
  return global_ || contains(accounts_, account.value()) || contains(instruments_, instrument.value());
}

void KillSwitch::save(ByteWriter& out) const {
  out.boolean(global_);
  out.u32(static_cast<std::uint32_t>(accounts_.size()));
  for (const std::uint64_t id : accounts_) out.u64(id);
  out.u32(static_cast<std::uint32_t>(instruments_.size()));
  for (const std::uint64_t id : instruments_) out.u64(id);
}

void KillSwitch::load(ByteReader& in) {
  KillSwitch k;
  k.global_ = in.boolean();
  if (!readIds(in, k.accounts_, kMaxEntries)) return;
  if (!readIds(in, k.instruments_, kMaxEntries)) return;
  *this = std::move(k);
}

}  // namespace alphintra::risk
