// ChunkedVector: indexes across chunk boundaries, elements that never move while it grows,
// construction and destruction of every element, reserve, clear and moves.
#include "core/chunked_vector.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace alphintra {
namespace {

struct Record {
  std::uint64_t id = 0;
  char pad[300 - sizeof(std::uint64_t)] = {};
};

TEST(ChunkedVector, IndexesAcrossChunksAndElementsNeverMove) {
  ChunkedVector<Record> v;
  const std::size_t n = ChunkedVector<Record>::kPerChunk * 3 + 17;
  std::vector<const Record*> addresses;
  for (std::size_t i = 0; i < n; ++i) {
    Record& r = v.emplace_back();
    r.id = i * 7 + 1;
    addresses.push_back(&r);
  }
  ASSERT_EQ(v.size(), n);
  EXPECT_EQ(v.capacity(), ChunkedVector<Record>::kPerChunk * 4);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(v[i].id, i * 7 + 1) << i;
    ASSERT_EQ(&v[i], addresses[i]) << i;  // growth moved nothing
  }
  EXPECT_EQ(v.back().id, (n - 1) * 7 + 1);
  std::size_t seen = 0;
  for (const Record& r : v) {
    ASSERT_EQ(r.id, seen * 7 + 1);
    ++seen;
  }
  EXPECT_EQ(seen, n);
}

TEST(ChunkedVector, ConstructsAndDestroysEveryElement) {
  auto counter = std::make_shared<int>(0);
  {
    ChunkedVector<std::shared_ptr<int>> v;
    const std::size_t n = ChunkedVector<std::shared_ptr<int>>::kPerChunk + 5;
    for (std::size_t i = 0; i < n; ++i) v.push_back(counter);
    EXPECT_EQ(counter.use_count(), static_cast<long>(n + 1));
    v.clear();
    EXPECT_EQ(counter.use_count(), 1);
    EXPECT_TRUE(v.empty());
    EXPECT_EQ(v.capacity(), 2 * ChunkedVector<std::shared_ptr<int>>::kPerChunk);  // chunks kept
    v.push_back(counter);
    v.push_back(counter);
  }
  EXPECT_EQ(counter.use_count(), 1);  // the destructor destroyed the last two
}

TEST(ChunkedVector, ReserveMapsChunksUpFrontAndMovesHandOverTheElements) {
  ChunkedVector<std::string> v;
  v.reserve(ChunkedVector<std::string>::kPerChunk + 1);
  EXPECT_EQ(v.capacity(), 2 * ChunkedVector<std::string>::kPerChunk);
  EXPECT_TRUE(v.empty());
  v.push_back("a string long enough to live on the heap, not inline");
  v.emplace_back(3, 'x');
  ChunkedVector<std::string> moved(std::move(v));
  EXPECT_TRUE(v.empty());  // NOLINT(bugprone-use-after-move): a moved-from vector is empty
  EXPECT_EQ(v.capacity(), 0u);
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[1], "xxx");
  ChunkedVector<std::string> assigned;
  assigned.push_back("replaced");
  assigned = std::move(moved);
  ASSERT_EQ(assigned.size(), 2u);
  EXPECT_EQ(assigned[0], "a string long enough to live on the heap, not inline");
}

TEST(ChunkedVector, ReleaseBelowDestroysTheFrontAndKeepsTheRestInPlace) {
  using V = ChunkedVector<std::shared_ptr<int>>;
  auto counter = std::make_shared<int>(0);
  V v;
  const std::size_t n = 3 * V::kPerChunk + 5;
  for (std::size_t i = 0; i < n; ++i) v.push_back(counter);
  const std::shared_ptr<int>* kept = &v[2 * V::kPerChunk + 1];
  v.releaseBelow(2 * V::kPerChunk + 1);  // two whole chunks unmapped, one element of the third destroyed
  EXPECT_EQ(v.first(), 2 * V::kPerChunk + 1);
  EXPECT_EQ(v.size(), n);
  EXPECT_EQ(counter.use_count(), static_cast<long>(n - (2 * V::kPerChunk + 1)) + 1);
  EXPECT_EQ(&v[2 * V::kPerChunk + 1], kept);  // same address
  std::size_t visited = 0;
  for (const auto& p : v) visited += p == counter;  // iteration starts at first()
  EXPECT_EQ(visited, n - v.first());
  v.push_back(counter);  // growth goes on at the back
  EXPECT_EQ(v.size(), n + 1);
  v.releaseBelow(1);  // at or below first(): nothing happens
  EXPECT_EQ(v.first(), 2 * V::kPerChunk + 1);
  v.clear();  // the released chunks' slots go; the mapped ones are reused from index 0
  EXPECT_EQ(counter.use_count(), 1);
  EXPECT_EQ(v.first(), 0u);
  EXPECT_EQ(v.capacity(), 2 * V::kPerChunk);
  v.push_back(counter);
  EXPECT_EQ(v[0], counter);
}

TEST(ChunkedVector, StartAtBeginsAnEmptyVectorAtAnIndex) {
  using V = ChunkedVector<std::uint64_t>;
  V v;
  v.startAt(V::kPerChunk + 7);  // mid-chunk: the first append maps the chunk holding it
  EXPECT_EQ(v.size(), V::kPerChunk + 7);
  EXPECT_EQ(v.first(), V::kPerChunk + 7);
  for (std::uint64_t i = 0; i < V::kPerChunk; ++i) v.push_back(i);
  EXPECT_EQ(v[V::kPerChunk + 7], 0u);
  EXPECT_EQ(v[2 * V::kPerChunk + 6], V::kPerChunk - 1);
  std::uint64_t sum = 0;
  for (std::uint64_t x : v) sum += x;
  EXPECT_EQ(sum, V::kPerChunk * (V::kPerChunk - 1) / 2);
  v.reserve(4 * V::kPerChunk);
  EXPECT_EQ(v.capacity(), 4 * V::kPerChunk);
}

TEST(ChunkedVector, PrefetchForAppendOnlyHintsInsideMappedChunks) {
  // A hint at any distance, past the mapped chunks and after startAt() (null chunk entries
  // below the start) included, reads nothing out of bounds (AddressSanitizer checks the chunk
  // array) and changes no element.
  using V = ChunkedVector<std::uint64_t>;
  V v;
  for (std::size_t ahead : {std::size_t{0}, std::size_t{1}, V::kPerChunk}) v.prefetchForAppend(ahead);
  v.reserve(V::kPerChunk + 3);
  for (std::uint64_t i = 0; i < V::kPerChunk + 1; ++i) v.push_back(i * 3);
  for (std::size_t ahead = 0; ahead < 3 * V::kPerChunk; ahead += 97) v.prefetchForAppend(ahead);
  for (std::uint64_t i = 0; i < V::kPerChunk + 1; ++i) ASSERT_EQ(v[i], i * 3);
  V started;
  started.startAt(2 * V::kPerChunk + 5);
  for (std::size_t ahead : {std::size_t{0}, V::kPerChunk, 4 * V::kPerChunk}) started.prefetchForAppend(ahead);
  started.push_back(42);
  started.prefetchForAppend(1);
  started.prefetchForAppend(V::kPerChunk);
  EXPECT_EQ(started[2 * V::kPerChunk + 5], 42u);
}

// The VmFlags of the mapping holding `address` (/proc/self/smaps), e.g. "rd wr mr mw me ac hg".
std::string mappingFlags(const void* address) {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t begin = 0;
    std::uintptr_t end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &begin, &end) == 2 && line.find(':') > line.find(' ')) {
      inside = at >= begin && at < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line.substr(8) + " ";
    }
  }
  return "";
}

TEST(ChunkedVector, OnlyReservedChunksAreAdvisedToHugePages) {
  // A chunk added by growth, on the appending thread's path, must not ask for huge pages: with
  // transparent huge pages on "madvise" the first touch of an advised range may compact memory
  // for milliseconds. Chunks reserved at start-up are advised (faulted in there, or on a helper).
  if (!std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled")) GTEST_SKIP() << "no transparent huge pages";
  using V = ChunkedVector<Record>;
  V v;
  v.reserve(V::kPerChunk);
  for (std::size_t i = 0; i < V::kPerChunk + 1; ++i) v.push_back(Record{i, {}});
  const std::string reserved = mappingFlags(&v[0]);
  const std::string grown = mappingFlags(&v[V::kPerChunk]);
  ASSERT_FALSE(reserved.empty()) << "no mapping found in /proc/self/smaps";
  ASSERT_FALSE(grown.empty());
  EXPECT_NE(reserved.find(" hg "), std::string::npos) << reserved;
  EXPECT_EQ(grown.find(" hg "), std::string::npos) << grown;
  EXPECT_EQ(v[V::kPerChunk].id, V::kPerChunk);
}

}  // namespace
}  // namespace alphintra
