// BackgroundPrefault and ChunkedVector::reserve(Prefault::Later): what is resident when, and
// that faulting pages in on a helper thread changes no byte the owner wrote.
#include "core/prefault.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/chunked_vector.hpp"

namespace alphintra {
namespace {

constexpr std::size_t kPage = 4096;

// Pages of [data, data + bytes) the kernel has in memory (mincore).
std::size_t residentPages(const void* data, std::size_t bytes) {
  std::vector<unsigned char> state((bytes + kPage - 1) / kPage);
  if (::mincore(const_cast<void*>(data), bytes, state.data()) != 0) return 0;
  std::size_t n = 0;
  for (unsigned char s : state) n += s & 1u;
  return n;
}

std::span<std::byte> mapUntouched(std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  EXPECT_NE(p, MAP_FAILED);
  return {static_cast<std::byte*>(p), bytes};
}

TEST(BackgroundPrefault, FaultsEveryPageInAndKeepsWhatWasWritten) {
  constexpr std::size_t kBytes = 6 << 20;  // three steps
  const std::span<std::byte> range = mapUntouched(kBytes);
  ASSERT_EQ(residentPages(range.data(), kBytes), 0u);
  // The owner writes while (and before) the helper runs: none of it may be lost.
  std::memset(range.data() + kPage * 3, 0x5a, kPage);
  BackgroundPrefault prefault({range});
  for (std::size_t i = 0; i < kBytes; i += 8 * kPage) range[i + 17] = std::byte{0x21};
  prefault.wait();
  if (!prefault.supported()) GTEST_SKIP() << "this kernel has no MADV_POPULATE_WRITE";
  EXPECT_EQ(prefault.populatedBytes(), kBytes);
  EXPECT_EQ(residentPages(range.data(), kBytes), kBytes / kPage);
  for (std::size_t i = 0; i < kPage; ++i) ASSERT_EQ(range[kPage * 3 + i], std::byte{0x5a}) << i;
  for (std::size_t i = 0; i < kBytes; i += 8 * kPage) ASSERT_EQ(range[i + 17], std::byte{0x21}) << i;
  EXPECT_EQ(range[kPage * 5], std::byte{0});  // populated pages read as zero
  ::munmap(range.data(), kBytes);
}

TEST(BackgroundPrefault, SkipsARangeUnmappedMeanwhileAndGoesOnWithTheNext) {
  const std::span<std::byte> gone = mapUntouched(4 << 20);
  const std::span<std::byte> kept = mapUntouched(2 << 20);
  ::munmap(gone.data(), gone.size());
  BackgroundPrefault prefault({gone, kept});
  prefault.wait();
  if (!prefault.supported()) GTEST_SKIP() << "this kernel has no MADV_POPULATE_WRITE";
  EXPECT_EQ(prefault.populatedBytes(), kept.size());
  EXPECT_EQ(residentPages(kept.data(), kept.size()), kept.size() / kPage);
  ::munmap(kept.data(), kept.size());
}

TEST(BackgroundPrefault, AnEmptyListOfRangesReturnsAtOnceAndCanBeWaitedForTwice) {
  // An engine with no table memory mapped hands over an empty list: wait() must not block or
  // throw (no helper thread to join), also when called again by the destructor.
  BackgroundPrefault prefault({});
  prefault.wait();
  prefault.wait();
  EXPECT_EQ(prefault.populatedBytes(), 0u);
  EXPECT_TRUE(prefault.supported());
}

TEST(ChunkedVector, ReserveLaterMapsWithoutFaultingAndHandsItsChunksToAPrefault) {
  struct Record {
    std::uint64_t words[38];  // 304 bytes, the order record's size
  };
  using V = ChunkedVector<Record>;
  V now;
  now.reserve(2 * V::kPerChunk);
  BackgroundPrefault::Ranges nowRanges;
  now.mappedRanges(nowRanges);
  ASSERT_EQ(nowRanges.size(), 2u);
  for (const auto& r : nowRanges) EXPECT_EQ(residentPages(r.data(), r.size()), r.size() / kPage);

  V later;
  later.reserve(2 * V::kPerChunk, Prefault::Later);
  EXPECT_EQ(later.capacity(), 2 * V::kPerChunk);
  BackgroundPrefault::Ranges ranges;
  later.mappedRanges(ranges);
  ASSERT_EQ(ranges.size(), 2u);
  for (const auto& r : ranges) EXPECT_EQ(residentPages(r.data(), r.size()), 0u);
  later.push_back(Record{{7}});
  BackgroundPrefault prefault(ranges);
  prefault.wait();
  EXPECT_EQ(later[0].words[0], 7u);
  if (!prefault.supported()) GTEST_SKIP() << "this kernel has no MADV_POPULATE_WRITE";
  for (const auto& r : ranges) EXPECT_EQ(residentPages(r.data(), r.size()), r.size() / kPage);
}

}  // namespace
}  // namespace alphintra
