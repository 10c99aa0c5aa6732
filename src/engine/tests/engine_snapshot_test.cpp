// Determinism and snapshots: the same commands give the same events and state, byte for byte;
// a state saved at any point and loaded into a fresh engine continues exactly like the
// original; damaged snapshot bytes are refused without a crash.
#include <gtest/gtest.h>

#include <algorithm>

#include <cstring>

#include "engine/recovery.hpp"
#include "engine/tests/random_engine_commands.hpp"

namespace alphintra::engine {
namespace {

std::uint64_t hashEvents(const std::vector<EngineEvent>& events, std::uint64_t h) {
  for (const EngineEvent& e : events) h = fnv1a(h, std::as_bytes(std::span(&e, 1)));
  return h;
}

struct Replay {
  std::uint64_t eventHash = kFnvOffset;
  std::uint64_t events = 0;
};

Replay runAll(Engine& engine, const std::vector<Command>& commands, std::size_t from = 0,
              std::size_t to = static_cast<std::size_t>(-1)) {
  Replay run;
  std::vector<EngineEvent> events;
  for (std::size_t i = from; i < std::min(to, commands.size()); ++i) {
    events.clear();
    engine.apply(commands[i], events);
    run.eventHash = hashEvents(events, run.eventHash);
    run.events += events.size();
  }
  return run;
}

TEST(EngineDeterminism, SameCommandsGiveIdenticalEventsAndState) {
  const auto commands = testing::randomStream(7, 20'000);
  Engine a;
  Engine b;
  const Replay ra = runAll(a, commands);
  const Replay rb = runAll(b, commands);
  EXPECT_EQ(ra.eventHash, rb.eventHash);
  EXPECT_EQ(ra.events, rb.events);
  EXPECT_EQ(a.stateHash(), b.stateHash());
  // The stream really exercises the engine: trades, rejections and cancels all happened.
  std::size_t filled = 0;
  std::size_t rejected = 0;
  std::size_t canceled = 0;
  a.orders().forEach([&](const oms::OmsOrder& o) {
    filled += o.state.base == oms::OrdStatus::Filled;
    rejected += o.state.base == oms::OrdStatus::Rejected;
    canceled += o.state.base == oms::OrdStatus::Canceled;
  });
  EXPECT_GT(filled, 500u);
  EXPECT_GT(rejected, 50u);
  EXPECT_GT(canceled, 500u);
  EXPECT_GT(ra.events, 20'000u);
}

TEST(EngineDeterminism, ADifferentStreamGivesADifferentHash) {
  Engine a;
  Engine b;
  const Replay ra = runAll(a, testing::randomStream(7, 3'000));
  const Replay rb = runAll(b, testing::randomStream(8, 3'000));
  EXPECT_NE(ra.eventHash, rb.eventHash);
  EXPECT_NE(a.stateHash(), b.stateHash());
}

TEST(EngineSnapshot, ALoadedSnapshotContinuesExactlyLikeTheOriginal) {
  const auto commands = testing::randomStream(11, 12'000);
  for (std::size_t cut : {std::size_t{5}, std::size_t{777}, std::size_t{4'321}, std::size_t{9'999}}) {
    Engine original;
    runAll(original, commands, 0, cut);
    std::vector<std::byte> bytes;
    ByteWriter writer(bytes);
    original.save(writer);

    Engine restored;
    ByteReader reader(bytes);
    ASSERT_TRUE(restored.load(reader)) << "cut " << cut;
    EXPECT_EQ(restored.stateHash(), original.stateHash()) << "cut " << cut;
    EXPECT_EQ(restored.lastSequence(), cut);

    const Replay ro = runAll(original, commands, cut);
    const Replay rr = runAll(restored, commands, cut);
    EXPECT_EQ(ro.eventHash, rr.eventHash) << "cut " << cut;
    EXPECT_EQ(restored.stateHash(), original.stateHash()) << "cut " << cut;
  }
}

TEST(EngineSnapshot, SavingTheSameStateTwiceGivesTheSameBytes) {
  Engine e;
  runAll(e, testing::randomStream(3, 2'000));
  std::vector<std::byte> first;
  std::vector<std::byte> second;
  ByteWriter w1(first);
  ByteWriter w2(second);
  e.save(w1);
  e.save(w2);
  EXPECT_EQ(first, second);
}

TEST(EngineSnapshot, DamagedBytesAreRefusedWithoutACrash) {
  Engine e;
  runAll(e, testing::randomStream(5, 400));
  std::vector<std::byte> bytes;
  ByteWriter writer(bytes);
  e.save(writer);
  // Every truncation (sampled densely) is refused.
  for (std::size_t len = 0; len < bytes.size(); len += 1 + len / 64) {
    Engine fresh;
    ByteReader reader(std::span(bytes.data(), len));
    EXPECT_FALSE(fresh.load(reader)) << "length " << len;
  }
  // Flipped bytes either are refused or load into some valid state: never a crash.
  for (std::size_t i = 0; i < bytes.size(); i += 1 + i / 32) {
    std::vector<std::byte> damaged = bytes;
    damaged[i] ^= std::byte{0x5A};
    Engine fresh;
    ByteReader reader(damaged);
    (void)fresh.load(reader);
  }
  // Loading into an engine that already has state is refused.
  ByteReader reader(bytes);
  EXPECT_FALSE(e.load(reader));
}

// Open, filled and leaves quantities only ever count up from zero: a snapshot holding a negative
// one is damaged (pre-trade risk would overflow subtracting it) and is refused.
TEST(EngineSnapshot, NegativeOpenAndLeavesQuantitiesAreRefused) {
  Engine e;
  runAll(e, testing::setupCommands());
  std::vector<EngineEvent> events;
  e.apply(testing::limitOrder(1, 1, "rest", Side::Buy, 54'321, 9'000), events);
  ASSERT_EQ(e.orders().size(), 1u);
  std::vector<std::byte> bytes;
  ByteWriter writer(bytes);
  e.save(writer);

  // The resting quantity's raw bytes, in the order the snapshot writes them: the instrument's
  // last quote (bid size), the pair's open buy quantity, the order's request quantity, quantity
  // and leaves quantity, then the venue's book (level, order, display).
  const std::int64_t raw = testing::qty(54'321).raw();
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i + 8 <= bytes.size(); ++i) {
    if (std::memcmp(bytes.data() + i, &raw, 8) == 0) at.push_back(i);
  }
  ASSERT_EQ(at.size(), 8u);
  for (std::size_t which : {std::size_t{1}, std::size_t{4}}) {
    std::vector<std::byte> damaged = bytes;
    const std::int64_t negative = -raw;
    std::memcpy(damaged.data() + at[which], &negative, 8);
    Engine fresh;
    ByteReader reader(damaged);
    EXPECT_FALSE(fresh.load(reader)) << "occurrence " << which;
  }
  Engine fresh;
  ByteReader reader(bytes);
  EXPECT_TRUE(fresh.load(reader));
}

// An order's bookkeeping names the pair (account, instrument) its fills book to: a snapshot
// whose order points at another account's pair is refused, not loaded to book fills there.
TEST(EngineSnapshot, AnOrderOnAnotherAccountsPairIsRefused) {
  Engine e;
  runAll(e, testing::setupCommands());
  std::vector<EngineEvent> events;
  e.apply(testing::limitOrder(1, 1, "mine", Side::Buy, 10, 9'000), events);   // pair 0
  e.apply(testing::limitOrder(2, 1, "yours", Side::Buy, 10, 9'000), events);  // pair 1
  ASSERT_EQ(e.orders().size(), 2u);
  std::vector<std::byte> bytes;
  ByteWriter writer(bytes);
  e.save(writer);

  // Order 1's record: id, account and instrument (u64 each), then its client id "mine" (u32
  // length and bytes); 191 bytes in all with its two ids, then its bookkeeping: reserved funds
  // (i64) and the pair (u32).
  std::vector<std::byte> start(24 + 4 + 4);
  const std::uint64_t ones[3] = {1, 1, 1};
  const std::uint32_t length = 4;
  std::memcpy(start.data(), ones, 24);
  std::memcpy(start.data() + 24, &length, 4);
  std::memcpy(start.data() + 28, "mine", 4);
  const auto found = std::search(bytes.begin(), bytes.end(), start.begin(), start.end());
  ASSERT_NE(found, bytes.end());
  const std::size_t pairAt = static_cast<std::size_t>(found - bytes.begin()) + 171 + 12 + 4 + 4 + 8;
  std::uint32_t pair = 99;
  std::memcpy(&pair, bytes.data() + pairAt, 4);
  ASSERT_EQ(pair, 0u);  // found where the format puts it

  std::vector<std::byte> damaged = bytes;
  const std::uint32_t other = 1;
  std::memcpy(damaged.data() + pairAt, &other, 4);
  Engine fresh;
  ByteReader reader(damaged);
  EXPECT_FALSE(fresh.load(reader));
  Engine intact;
  ByteReader again(bytes);
  EXPECT_TRUE(intact.load(again));
}

}  // namespace
}  // namespace alphintra::engine
