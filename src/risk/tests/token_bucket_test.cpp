// TokenBucket: starts full, burst, exact integer refill over simulated time (no drift however
// the time is split), capped at the burst, time going backwards, reconfiguration, extreme
// times, and snapshot round trips (including refusal of corrupt input).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "risk/token_bucket.hpp"

namespace alphintra::risk {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
const Timestamp kStart = Timestamp::fromSeconds(1'700'000'000);

int takeAll(TokenBucket& b, Timestamp now, int atMost = 1'000'000) {
  int taken = 0;
  while (taken < atMost && b.tryTake(now)) ++taken;
  return taken;
}

TEST(TokenBucket, UnlimitedAlwaysAllows) {
  TokenBucket b;
  EXPECT_FALSE(b.limited());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(b.tryTake(kStart));
  EXPECT_EQ(b, TokenBucket{});  // untouched
}

TEST(TokenBucket, FirstUseStartsFullWithTheBurst) {
  TokenBucket b(10, 25);
  EXPECT_EQ(b.tokensAt(kStart), 25u);
  EXPECT_EQ(takeAll(b, kStart), 25);
  EXPECT_FALSE(b.tryTake(kStart));
}

TEST(TokenBucket, BurstZeroMeansRate) {
  TokenBucket b(7, 0);
  EXPECT_EQ(b.burst(), 7u);
  EXPECT_EQ(takeAll(b, kStart), 7);
}

TEST(TokenBucket, RefillsExactlyOverSimulatedTime) {
  TokenBucket b(10, 10);
  EXPECT_EQ(takeAll(b, kStart), 10);
  EXPECT_FALSE(b.tryTake(kStart + 99'999'999));  // 0.999999990 of a token
  EXPECT_TRUE(b.tryTake(kStart + 100'000'000));  // exactly one
  EXPECT_FALSE(b.tryTake(kStart + 100'000'000));
  EXPECT_EQ(takeAll(b, kStart + 350'000'000), 2);  // 2.5 more: two whole, half kept
  EXPECT_EQ(takeAll(b, kStart + 400'000'000), 1);  // the half plus another half
}

TEST(TokenBucket, CapsAtTheBurstAfterIdleTime) {
  TokenBucket b(100, 5);
  EXPECT_EQ(takeAll(b, kStart), 5);
  EXPECT_EQ(b.tokensAt(kStart + 3600 * kSecond), 5u);
  EXPECT_EQ(takeAll(b, kStart + 3600 * kSecond), 5);
}

// Calls at uneven intervals, taking whenever possible: the count is exactly
// burst + floor(rate * elapsed / 1s), so no fraction is ever lost or invented.
TEST(TokenBucket, NoRoundingDriftOverManyUnevenSteps) {
  const std::uint32_t rate = 7;
  const std::uint32_t burst = 3;
  TokenBucket b(rate, burst);
  std::int64_t t = 0;
  std::int64_t taken = 0;
  const std::int64_t steps[] = {1'234'567, 999, 33'333'333, 1, 7'000'001};
  for (int i = 0; i < 20'000; ++i) {
    if (b.tryTake(kStart + t)) ++taken;
    t += steps[i % 5];
  }
  t -= steps[(20'000 - 1) % 5];  // time of the last call
  const std::int64_t expected = burst + (static_cast<std::int64_t>(rate) * t) / kSecond;
  EXPECT_EQ(taken, expected);
  EXPECT_GT(t, 100 * kSecond);
}

TEST(TokenBucket, SplittingTimeDoesNotChangeTheResult) {
  TokenBucket once(3, 3);
  TokenBucket split(3, 3);
  EXPECT_EQ(takeAll(once, kStart), 3);
  EXPECT_EQ(takeAll(split, kStart), 3);
  // At 3/s a token takes 333'333'333.3 ns: 333'333'333 ns is not quite one, in one step or three.
  for (int i = 1; i <= 3; ++i) EXPECT_FALSE(split.tryTake(kStart + i * 111'111'111));
  EXPECT_FALSE(once.tryTake(kStart + 333'333'333));
  EXPECT_EQ(split, once);
  EXPECT_TRUE(split.tryTake(kStart + 333'333'334));  // one more nanosecond: one whole token
}

TEST(TokenBucket, TimeGoingBackwardsAddsNothing) {
  TokenBucket b(10, 1);
  EXPECT_TRUE(b.tryTake(kStart + 10 * kSecond));
  EXPECT_FALSE(b.tryTake(kStart + 5 * kSecond));
  EXPECT_FALSE(b.tryTake(kStart));
  // Back at a later time, only the time after the latest seen (10 s) counts: 0.05 s is half a token.
  EXPECT_FALSE(b.tryTake(kStart + 10 * kSecond + 50'000'000));
  EXPECT_TRUE(b.tryTake(kStart + 10 * kSecond + 100'000'000));
}

TEST(TokenBucket, ReconfigureKeepsOrClampsTokens) {
  TokenBucket b(10, 10);
  EXPECT_EQ(takeAll(b, kStart, 4), 4);
  b.configure(10, 10);  // same values: nothing changes
  EXPECT_EQ(b.tokensAt(kStart), 6u);
  b.configure(10, 20);  // bigger bucket: no tokens added
  EXPECT_EQ(b.tokensAt(kStart), 6u);
  b.configure(10, 3);  // smaller bucket: clamped
  EXPECT_EQ(b.tokensAt(kStart), 3u);
  b.configure(0, 0);  // limit removed: forgets, next limit starts full
  EXPECT_EQ(b.tokensAt(kStart), 0u);
  EXPECT_EQ(b, TokenBucket{});
  b.configure(2, 0);
  EXPECT_EQ(takeAll(b, kStart), 2);
}

TEST(TokenBucket, ExtremeRatesAndTimes) {
  const std::uint32_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();
  TokenBucket b(kMaxU32, kMaxU32);
  const Timestamp early{std::numeric_limits<std::int64_t>::min()};
  const Timestamp late{std::numeric_limits<std::int64_t>::max()};
  EXPECT_TRUE(b.tryTake(early));
  EXPECT_EQ(b.tokensAt(early), kMaxU32 - 1);
  EXPECT_EQ(b.tokensAt(late), kMaxU32);  // 2^64 ns later: full, no overflow
  EXPECT_TRUE(b.tryTake(late));
  EXPECT_EQ(b.tokensAt(late), kMaxU32 - 1);

  TokenBucket slow(1, kMaxU32);  // slow refill of a huge bucket
  EXPECT_TRUE(slow.tryTake(early));
  EXPECT_EQ(slow.tokensAt(early + (kSecond - 1)), kMaxU32 - 1);
  EXPECT_EQ(slow.tokensAt(early + 86'400 * kSecond), kMaxU32);  // capped at the burst
}

TEST(TokenBucket, SaveLoadRoundTripContinuesIdentically) {
  TokenBucket original(10, 4);
  EXPECT_EQ(takeAll(original, kStart, 3), 3);
  EXPECT_TRUE(original.tryTake(kStart + 50'000'000));  // leaves 0.5 token
  std::vector<std::byte> bytes;
  ByteWriter w(bytes);
  original.save(w);
  EXPECT_EQ(bytes.size(), TokenBucket::kSnapshotBytes);

  TokenBucket restored;
  ByteReader r(bytes);
  restored.load(r);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.atEnd());
  EXPECT_EQ(restored, original);
  for (std::int64_t t = 0; t < 2 * kSecond; t += 37'000'000) {
    EXPECT_EQ(restored.tryTake(kStart + t), original.tryTake(kStart + t)) << t;
  }

  // A bucket that was never used round-trips as "starts full".
  std::vector<std::byte> fresh;
  ByteWriter fw(fresh);
  TokenBucket(5, 0).save(fw);
  ByteReader fr(fresh);
  TokenBucket loaded;
  loaded.load(fr);
  ASSERT_TRUE(fr.ok());
  EXPECT_EQ(loaded.tokensAt(kStart), 5u);
}

TEST(TokenBucket, LoadRefusesShortOrInconsistentInput) {
  TokenBucket original(10, 4);
  EXPECT_TRUE(original.tryTake(kStart));
  std::vector<std::byte> bytes;
  ByteWriter w(bytes);
  original.save(w);

  const TokenBucket target(3, 3);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    TokenBucket b = target;
    ByteReader r(std::span<const std::byte>(bytes.data(), cut));
    b.load(r);
    EXPECT_FALSE(r.ok()) << cut;
    EXPECT_EQ(b, target) << cut;
  }
  const auto corrupt = [&](std::size_t at, std::byte value) {
    std::vector<std::byte> c = bytes;
    c[at] = value;
    TokenBucket b = target;
    ByteReader r(c);
    b.load(r);
    EXPECT_FALSE(r.ok()) << at;
    EXPECT_EQ(b, target) << at;
  };
  corrupt(15, std::byte{0x7F});  // tokens far above 4 tokens' capacity
  corrupt(4, std::byte{0});      // burst 0 with a rate
  corrupt(24, std::byte{2});     // started flag neither 0 nor 1
}

}  // namespace
}  // namespace alphintra::risk
