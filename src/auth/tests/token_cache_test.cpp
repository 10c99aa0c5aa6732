// TokenCache: keeps what it is given, finds it by the token's text only, and stays within its
// capacity — dropping expired entries first, then everything.
#include "auth/token_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace alphintra::auth {
namespace {

TEST(TokenCache, FindsOnlyTheExactToken) {
  TokenCache cache;
  cache.insert("aaa.bbb.ccc", CachedToken{"fay", 3, 100}, 0);
  const auto found = cache.find("aaa.bbb.ccc");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->username, "fay");
  EXPECT_EQ(found->version, 3u);
  EXPECT_EQ(found->expiresAt, 100);
  EXPECT_FALSE(cache.find("aaa.bbb.cc").has_value());
  EXPECT_FALSE(cache.find("aaa.bbb.ccd").has_value());
}

TEST(TokenCache, AtCapacityDropsExpiredEntriesFirstThenEverything) {
  TokenCache cache(3);
  cache.insert("t1", CachedToken{"a", 1, 10}, 0);
  cache.insert("t2", CachedToken{"b", 1, 50}, 0);
  cache.insert("t3", CachedToken{"c", 1, 50}, 0);
  cache.insert("t4", CachedToken{"d", 1, 50}, 20);  // t1 expired at 10: only it goes
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.find("t1").has_value());
  EXPECT_TRUE(cache.find("t2").has_value());
  EXPECT_TRUE(cache.find("t4").has_value());
  cache.insert("t5", CachedToken{"e", 1, 50}, 20);  // all live: cleared, then t5
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.find("t5").has_value());
  TokenCache none(0);
  none.insert("t", CachedToken{"a", 1, 10}, 0);
  EXPECT_FALSE(none.find("t").has_value());
}

}  // namespace
}  // namespace alphintra::auth
