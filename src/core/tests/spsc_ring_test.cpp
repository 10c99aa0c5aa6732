// Tests for SpscRing (core/spsc_ring.hpp): capacity rounding, full and empty, wrap-around of the
// slot index, batches that wrap, over-aligned records, and a two-thread run that pushes 10
// million sequential integers through a small ring (so that it is often full and often empty)
// and checks that the consumer sees every one, once, in order. The two-thread test is also the
// one the thread sanitizer is meant for.
#include "core/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

namespace alphintra {
namespace {

TEST(SpscRing, CapacityIsRoundedUpToAPowerOfTwo) {
  EXPECT_EQ(SpscRing<int>(1).capacity(), 1u);
  EXPECT_EQ(SpscRing<int>(5).capacity(), 8u);
  EXPECT_EQ(SpscRing<int>(8).capacity(), 8u);
  EXPECT_EQ(SpscRing<int>(1000).capacity(), 1024u);
  EXPECT_THROW(SpscRing<int>(0), std::length_error);
  EXPECT_THROW(SpscRing<int>(SpscRing<int>::kMaxCapacity + 1), std::length_error);
}

TEST(SpscRing, RefusesWhenFullAndWhenEmpty) {
  SpscRing<int> ring(4);
  int out = -1;
  EXPECT_FALSE(ring.tryPop(out));
  EXPECT_EQ(out, -1);  // untouched
  EXPECT_EQ(ring.sizeApprox(), 0u);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(ring.tryPush(i));
  EXPECT_FALSE(ring.tryPush(99));
  EXPECT_EQ(ring.sizeApprox(), 4u);
  ASSERT_TRUE(ring.tryPop(out));
  EXPECT_EQ(out, 0);
  EXPECT_TRUE(ring.tryPush(4));  // the freed slot is usable again
  EXPECT_FALSE(ring.tryPush(99));
  for (int expected = 1; expected <= 4; ++expected) {
    ASSERT_TRUE(ring.tryPop(out));
    EXPECT_EQ(out, expected);
  }
  EXPECT_FALSE(ring.tryPop(out));
  EXPECT_EQ(ring.sizeApprox(), 0u);
}

TEST(SpscRing, WrapsAroundTheBufferManyTimes) {
  SpscRing<std::uint64_t> ring(8);
  std::uint64_t next = 0;
  std::uint64_t expected = 0;
  for (int round = 0; round < 1000; ++round) {
    const int n = 1 + round % 8;  // 1..8: every offset of the slot index meets the end of the buffer
    for (int i = 0; i < n; ++i) ASSERT_TRUE(ring.tryPush(next++));
    EXPECT_EQ(ring.sizeApprox(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      std::uint64_t out = 0;
      ASSERT_TRUE(ring.tryPop(out));
      ASSERT_EQ(out, expected++);
    }
  }
}

TEST(SpscRing, BatchesTakeWhatFitsAndWrap) {
  SpscRing<int> ring(8);
  std::vector<int> in(10);
  std::iota(in.begin(), in.end(), 0);
  EXPECT_EQ(ring.tryPushBatch(std::span<const int>(in)), 8u);  // only what fits
  EXPECT_EQ(ring.tryPushBatch(std::span<const int>(in)), 0u);
  EXPECT_EQ(ring.tryPushBatch({}), 0u);

  std::array<int, 3> three{};
  EXPECT_EQ(ring.popBatch(three), 3u);
  EXPECT_EQ(three, (std::array<int, 3>{0, 1, 2}));
  // 5 left at slots 3..7; 3 more go to slots 0..2: this batch wraps.
  const std::array<int, 4> more{100, 101, 102, 103};
  EXPECT_EQ(ring.tryPushBatch(more), 3u);
  EXPECT_EQ(ring.sizeApprox(), 8u);

  std::array<int, 10> out{};
  out.fill(-1);
  EXPECT_EQ(ring.popBatch(out), 8u);  // wraps too
  EXPECT_EQ(out, (std::array<int, 10>{3, 4, 5, 6, 7, 100, 101, 102, -1, -1}));
  EXPECT_EQ(ring.popBatch(out), 0u);
  EXPECT_EQ(ring.popBatch(std::span<int>{}), 0u);

  // Single and batch operations mix in one order.
  ASSERT_TRUE(ring.tryPush(7));
  EXPECT_EQ(ring.tryPushBatch(more), 4u);
  int first = 0;
  ASSERT_TRUE(ring.tryPop(first));
  EXPECT_EQ(first, 7);
  EXPECT_EQ(ring.popBatch(three), 3u);
  EXPECT_EQ(three, (std::array<int, 3>{100, 101, 102}));
  ASSERT_TRUE(ring.tryPop(first));
  EXPECT_EQ(first, 103);
}

struct alignas(64) WideRecord {
  std::uint64_t sequence;
  std::int64_t values[7];
};

TEST(SpscRing, CarriesOverAlignedRecords) {
  SpscRing<WideRecord> ring(4);
  for (std::uint64_t i = 0; i < 20; ++i) {
    WideRecord r{};
    r.sequence = i;
    for (int k = 0; k < 7; ++k) r.values[k] = static_cast<std::int64_t>(i) * 10 + k;
    ASSERT_TRUE(ring.tryPush(r));
    WideRecord out{};
    ASSERT_TRUE(ring.tryPop(out));
    EXPECT_EQ(out.sequence, i);
    EXPECT_EQ(out.values[6], static_cast<std::int64_t>(i) * 10 + 6);
  }
}

// The producer pushes 0..N-1, alternating single pushes and batches of varying size; the
// consumer alternates single pops and batch pops. On failure both yield (the test machine may
// have fewer cores than threads).
TEST(SpscRing, TwoThreadsDeliverTenMillionIntegersInOrder) {
  constexpr std::uint64_t kCount = 10'000'000;
  SpscRing<std::uint64_t> ring(1024);

  std::thread producer([&ring] {
    std::array<std::uint64_t, 64> batch{};
    std::uint64_t next = 0;
    std::uint64_t round = 0;
    while (next < kCount) {
      if (++round % 2 == 0) {
        if (ring.tryPush(next)) {
          ++next;
        } else {
          std::this_thread::yield();
        }
        continue;
      }
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(1 + round % 64, kCount - next));
      for (std::size_t k = 0; k < want; ++k) batch[k] = next + k;
      const std::size_t pushed = ring.tryPushBatch(std::span<const std::uint64_t>(batch.data(), want));
      next += pushed;
      if (pushed == 0) std::this_thread::yield();
    }
  });

  std::uint64_t expected = 0;
  std::uint64_t mismatches = 0;
  std::uint64_t round = 0;
  std::array<std::uint64_t, 100> batch{};
  while (expected < kCount) {
    std::size_t got = 0;
    if (++round % 3 == 0) {
      got = ring.tryPop(batch[0]) ? 1 : 0;
    } else {
      got = ring.popBatch(std::span<std::uint64_t>(batch.data(), 1 + round % batch.size()));
    }
    if (got == 0) {
      std::this_thread::yield();
      continue;
    }
    for (std::size_t k = 0; k < got; ++k) {
      if (batch[k] != expected) ++mismatches;
      ++expected;
    }
  }
  producer.join();

  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(expected, kCount);
  std::uint64_t extra = 0;
  EXPECT_FALSE(ring.tryPop(extra)) << "nothing beyond the last integer";
  EXPECT_EQ(ring.sizeApprox(), 0u);
}

}  // namespace
}  // namespace alphintra
