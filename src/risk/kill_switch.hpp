// KillSwitch: the operator's emergency stop for new risk, at three scopes — global (every
// account and instrument), one account (all its instruments), one instrument (every account).
// A scope combining one account with one instrument is not offered: an operator who needs it
// uses a restricted-instrument entry for that account (OrderFacts::restricted).
//
// What "blocks" means is decided by the rules (risk/rules.hpp): an active switch rejects new
// orders and replaces that add quantity or change the price, with RiskRule::KillSwitch; cancels
// and quantity reductions are always allowed, because they only take risk off. The switch does
// not cancel resting orders by itself: whether activation also mass-cancels is engine policy.
//
// Data structure: the active account and instrument ids in two sorted vectors — blocks() is a
// binary search without allocation on the order path; activate/reset (operator actions, rare)
// may allocate. Sorted storage also makes the snapshot deterministic.
// Invariants: both vectors strictly ascending, no id 0 (0 is "none" in every id space).
// Threading: owned by the engine thread; not synchronised.
// Snapshot encoding: u8 global, u32 n, n × u64 account ids ascending, u32 m, m × u64
// instrument ids ascending. load() refuses more than kMaxEntries per scope, unsorted or zero
// ids (reader marked failed, *this unchanged).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/binary_io.hpp"
#include "core/ids.hpp"

namespace alphintra::risk {

// Values fixed: they reach the journal and the wire.
enum class KillSwitchScope : std::uint8_t { Global = 0, Account = 1, Instrument = 2 };

std::string_view toString(KillSwitchScope scope) noexcept;  // "global", "account", "instrument"
std::optional<KillSwitchScope> parseKillSwitchScope(std::string_view text) noexcept;

class KillSwitch {
 public:
  static constexpr std::uint32_t kMaxEntries = 1u << 20;

  // Both return true when the state changed (so the engine journals or announces only real
  // changes), false when it already was so, for id 0 on a scoped switch, an unknown scope, or
  // (activate) a scope already holding kMaxEntries ids.
  // `id` is the AccountId or InstrumentId value for those scopes and ignored for Global.
  bool activate(KillSwitchScope scope, std::uint64_t id = 0);
  bool reset(KillSwitchScope scope, std::uint64_t id = 0);
  void resetAll() noexcept;

  bool isActive(KillSwitchScope scope, std::uint64_t id = 0) const noexcept;
  // True when a new order of `account` on `instrument` is stopped by any active scope.
  bool blocks(AccountId account, InstrumentId instrument) const noexcept {
    return anyActive() && blocksSlow(account, instrument);  // asked on every order; rarely any active
  }
  bool anyActive() const noexcept { return global_ || !accounts_.empty() || !instruments_.empty(); }

  const std::vector<std::uint64_t>& activeAccounts() const noexcept { return accounts_; }
  const std::vector<std::uint64_t>& activeInstruments() const noexcept { return instruments_; }

  void save(ByteWriter& out) const;
  void load(ByteReader& in);

  bool operator==(const KillSwitch&) const noexcept = default;

 private:
  bool blocksSlow(AccountId account, InstrumentId instrument) const noexcept;
  std::vector<std::uint64_t>* idsOf(KillSwitchScope scope) noexcept;

  bool global_ = false;
  std::vector<std::uint64_t> accounts_;
  std::vector<std::uint64_t> instruments_;
};

}  // namespace alphintra::risk
