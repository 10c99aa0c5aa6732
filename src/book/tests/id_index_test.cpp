// IdIndex against std::unordered_map under random insert/erase churn, including growth.
#include "book/id_index.hpp"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace alphintra::book {
namespace {

TEST(IdIndex, FindsWhatWasInsertedAndForgetsWhatWasErased) {
  IdIndex index(4);
  index.insert(42, 7);
  index.insert(43, 8);
  EXPECT_EQ(index.find(42), 7u);
  EXPECT_EQ(index.find(43), 8u);
  EXPECT_EQ(index.find(44), IdIndex::kMissing);
  index.erase(42);
  EXPECT_EQ(index.find(42), IdIndex::kMissing);
  EXPECT_EQ(index.find(43), 8u);
  EXPECT_EQ(index.size(), 1u);
  index.erase(1000);  // absent: no effect
  EXPECT_EQ(index.size(), 1u);
}

TEST(IdIndex, MatchesAReferenceMapUnderChurnAndGrowth) {
  std::mt19937_64 rng(7);
  IdIndex index(8);  // far too small: forces several rehashes
  std::unordered_map<std::uint64_t, std::uint32_t> reference;
  std::vector<std::uint64_t> keys;
  for (int step = 0; step < 200000; ++step) {
    const bool insert = keys.empty() || rng() % 100 < 55;
    if (insert) {
      // Clustered keys (sequential ids) and random ones: both probe patterns.
      const std::uint64_t key = (rng() % 2 == 0) ? static_cast<std::uint64_t>(step) + 1 : (rng() | 1);
      if (reference.count(key) != 0) continue;
      const auto value = static_cast<std::uint32_t>(rng() % 1000000);
      index.insert(key, value);
      reference[key] = value;
      keys.push_back(key);
    } else {
      const std::size_t at = rng() % keys.size();
      index.erase(keys[at]);
      reference.erase(keys[at]);
      keys[at] = keys.back();
      keys.pop_back();
    }
    if (step % 1000 == 0) {
      ASSERT_EQ(index.size(), reference.size());
      for (const auto& [key, value] : reference) ASSERT_EQ(index.find(key), value) << "key " << key;
    }
  }
}

}  // namespace
}  // namespace alphintra::book
