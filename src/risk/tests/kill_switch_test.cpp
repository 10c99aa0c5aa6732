// KillSwitch: each scope blocks what it should and nothing else, activate/reset report real
// changes only, id 0 is refused, and snapshots are deterministic (sorted, independent of the
// activation order) and refuse corrupt input without changing the switch.
#include <gtest/gtest.h>

#include <vector>

#include "risk/kill_switch.hpp"

namespace alphintra::risk {
namespace {

const AccountId kAlice{1};
const AccountId kBob{2};
const InstrumentId kAapl{10};
const InstrumentId kMsft{11};

TEST(KillSwitch, NothingBlockedByDefault) {
  KillSwitch k;
  EXPECT_FALSE(k.anyActive());
  EXPECT_FALSE(k.blocks(kAlice, kAapl));
}

TEST(KillSwitch, GlobalBlocksEverything) {
  KillSwitch k;
  EXPECT_TRUE(k.activate(KillSwitchScope::Global));
  EXPECT_TRUE(k.isActive(KillSwitchScope::Global));
  for (AccountId a : {kAlice, kBob}) {
    for (InstrumentId i : {kAapl, kMsft}) EXPECT_TRUE(k.blocks(a, i));
  }
  EXPECT_TRUE(k.reset(KillSwitchScope::Global));
  EXPECT_FALSE(k.blocks(kAlice, kAapl));
}

TEST(KillSwitch, AccountScopeBlocksOnlyThatAccount) {
  KillSwitch k;
  EXPECT_TRUE(k.activate(KillSwitchScope::Account, kAlice.value()));
  EXPECT_TRUE(k.blocks(kAlice, kAapl));
  EXPECT_TRUE(k.blocks(kAlice, kMsft));
  EXPECT_FALSE(k.blocks(kBob, kAapl));
  EXPECT_TRUE(k.isActive(KillSwitchScope::Account, kAlice.value()));
  EXPECT_FALSE(k.isActive(KillSwitchScope::Instrument, kAlice.value()));  // same number, other scope
  EXPECT_FALSE(k.isActive(KillSwitchScope::Global));
}

TEST(KillSwitch, InstrumentScopeBlocksOnlyThatInstrument) {
  KillSwitch k;
  EXPECT_TRUE(k.activate(KillSwitchScope::Instrument, kMsft.value()));
  EXPECT_TRUE(k.blocks(kAlice, kMsft));
  EXPECT_TRUE(k.blocks(kBob, kMsft));
  EXPECT_FALSE(k.blocks(kAlice, kAapl));
  // Account id 11 is not instrument 11.
  EXPECT_FALSE(k.blocks(AccountId{11}, kAapl));
}

TEST(KillSwitch, ActivateAndResetReportChanges) {
  KillSwitch k;
  EXPECT_TRUE(k.activate(KillSwitchScope::Account, 5));
  EXPECT_FALSE(k.activate(KillSwitchScope::Account, 5));
  EXPECT_TRUE(k.reset(KillSwitchScope::Account, 5));
  EXPECT_FALSE(k.reset(KillSwitchScope::Account, 5));
  EXPECT_FALSE(k.reset(KillSwitchScope::Global));
  EXPECT_TRUE(k.activate(KillSwitchScope::Global, 99));  // id ignored for global
  EXPECT_FALSE(k.activate(KillSwitchScope::Global));
}

TEST(KillSwitch, RefusesIdZeroAndUnknownScopes) {
  KillSwitch k;
  EXPECT_FALSE(k.activate(KillSwitchScope::Account, 0));
  EXPECT_FALSE(k.activate(KillSwitchScope::Instrument, 0));
  EXPECT_FALSE(k.activate(static_cast<KillSwitchScope>(7), 3));
  EXPECT_FALSE(k.reset(static_cast<KillSwitchScope>(7), 3));
  EXPECT_FALSE(k.isActive(static_cast<KillSwitchScope>(7), 3));
  EXPECT_FALSE(k.anyActive());
}

TEST(KillSwitch, ResetOfOneScopeLeavesTheOthers) {
  KillSwitch k;
  EXPECT_TRUE(k.activate(KillSwitchScope::Account, kAlice.value()));
  EXPECT_TRUE(k.activate(KillSwitchScope::Instrument, kAapl.value()));
  EXPECT_TRUE(k.reset(KillSwitchScope::Account, kAlice.value()));
  EXPECT_TRUE(k.blocks(kBob, kAapl));
  EXPECT_FALSE(k.blocks(kAlice, kMsft));
  k.resetAll();
  EXPECT_FALSE(k.anyActive());
}

TEST(KillSwitch, KeepsIdsSorted) {
  KillSwitch k;
  for (std::uint64_t id : {50u, 3u, 900u, 7u, 3u}) (void)k.activate(KillSwitchScope::Account, id);
  EXPECT_EQ(k.activeAccounts(), (std::vector<std::uint64_t>{3, 7, 50, 900}));
  EXPECT_TRUE(k.activeInstruments().empty());
}

std::vector<std::byte> saved(const KillSwitch& k) {
  std::vector<std::byte> bytes;
  ByteWriter w(bytes);
  k.save(w);
  return bytes;
}

TEST(KillSwitch, SnapshotIsDeterministicAndRoundTrips) {
  KillSwitch a;
  KillSwitch b;
  (void)a.activate(KillSwitchScope::Account, 9);
  (void)a.activate(KillSwitchScope::Account, 2);
  (void)a.activate(KillSwitchScope::Instrument, 40);
  (void)a.activate(KillSwitchScope::Global);
  (void)b.activate(KillSwitchScope::Global);
  (void)b.activate(KillSwitchScope::Instrument, 40);
  (void)b.activate(KillSwitchScope::Account, 2);
  (void)b.activate(KillSwitchScope::Account, 9);
  const std::vector<std::byte> bytes = saved(a);
  EXPECT_EQ(bytes, saved(b));
  EXPECT_EQ(bytes.size(), 1u + 4 + 2 * 8 + 4 + 8);

  KillSwitch restored;
  ByteReader r(bytes);
  restored.load(r);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.atEnd());
  EXPECT_EQ(restored, a);
  EXPECT_TRUE(restored.blocks(AccountId{1}, InstrumentId{1}));  // global came back too
}

TEST(KillSwitch, LoadRefusesCorruptInput) {
  KillSwitch target;
  (void)target.activate(KillSwitchScope::Account, 77);
  const auto refuse = [&](const std::vector<std::byte>& bytes, const char* what) {
    KillSwitch k = target;
    ByteReader r(bytes);
    k.load(r);
    EXPECT_FALSE(r.ok()) << what;
    EXPECT_EQ(k, target) << what;
  };
  const auto encode = [](bool global, const std::vector<std::uint64_t>& accounts, std::uint32_t instrumentCount) {
    std::vector<std::byte> bytes;
    ByteWriter w(bytes);
    w.boolean(global);
    w.u32(static_cast<std::uint32_t>(accounts.size()));
    for (std::uint64_t id : accounts) w.u64(id);
    w.u32(instrumentCount);
    return bytes;
  };
  refuse(encode(false, {5, 3}, 0), "unsorted");
  refuse(encode(false, {3, 3}, 0), "duplicate");
  refuse(encode(false, {0, 3}, 0), "id zero");
  refuse(encode(false, {1}, KillSwitch::kMaxEntries + 1), "count above the maximum");
  refuse(encode(false, {1}, 2), "count beyond the input");

  KillSwitch full;
  (void)full.activate(KillSwitchScope::Global);
  (void)full.activate(KillSwitchScope::Instrument, 8);
  const std::vector<std::byte> good = saved(full);
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    refuse(std::vector<std::byte>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)), "short");
  }
  std::vector<std::byte> badFlag = good;
  badFlag[0] = std::byte{3};
  refuse(badFlag, "global flag");
}

TEST(KillSwitch, ScopeNames) {
  for (KillSwitchScope s : {KillSwitchScope::Global, KillSwitchScope::Account, KillSwitchScope::Instrument}) {
    EXPECT_EQ(parseKillSwitchScope(toString(s)), s);
  }
  EXPECT_EQ(toString(KillSwitchScope::Account), "account");
  EXPECT_EQ(parseKillSwitchScope("Global"), std::nullopt);
  EXPECT_EQ(toString(static_cast<KillSwitchScope>(9)), "unknown");
  EXPECT_EQ(static_cast<int>(KillSwitchScope::Instrument), 2);
}

}  // namespace
}  // namespace alphintra::risk
