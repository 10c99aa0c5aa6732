// Per-client token buckets (rate_limiter.hpp), driven by explicit times.
#include "api/http/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace alphintra::api::http {
namespace {

constexpr std::int64_t kMs = 1'000'000;

TEST(RateLimiter, BurstThenRefusalWithTheTimeUntilTheNextToken) {
  RateLimiter limiter({10.0, 3.0});  // 10/s, burst 3
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("alice", 0).allowed) << i;
  const auto refused = limiter.take("alice", 0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_NEAR(refused.retryAfterSeconds, 0.1, 1e-12);  // one token at 10/s
  // 50 ms later half a token is back: still refused, 50 ms to wait.
  const auto half = limiter.take("alice", 50 * kMs);
  EXPECT_FALSE(half.allowed);
  EXPECT_NEAR(half.retryAfterSeconds, 0.05, 1e-9);
  EXPECT_TRUE(limiter.take("alice", 100 * kMs).allowed);
  EXPECT_FALSE(limiter.take("alice", 100 * kMs).allowed);
}

TEST(RateLimiter, SustainedRateIsTheConfiguredOne) {
  RateLimiter limiter({100.0, 10.0});
  int allowed = 0;
  for (std::int64_t t = 0; t < 10'000; ++t) allowed += limiter.take("bot", t * kMs).allowed;  // 1000/s for 10 s
  EXPECT_EQ(allowed, 10 + 100 * 10 - 1);  // the burst, then one every 10 ms (the last one lands at 10 s)
}

TEST(RateLimiter, ClientsAreIndependentAndTheBucketIsCapped) {
  RateLimiter limiter({1.0, 2.0});
  EXPECT_TRUE(limiter.take("a", 0).allowed);
  EXPECT_TRUE(limiter.take("a", 0).allowed);
  EXPECT_FALSE(limiter.take("a", 0).allowed);
  EXPECT_TRUE(limiter.take("b", 0).allowed);  // b has its own bucket
  // An hour idle refills to the burst, not beyond.
  const std::int64_t hour = 3'600'000 * kMs;
  EXPECT_TRUE(limiter.take("a", hour).allowed);
  EXPECT_TRUE(limiter.take("a", hour).allowed);
  EXPECT_FALSE(limiter.take("a", hour).allowed);
  // Time going backwards (another thread's earlier reading) never adds tokens.
  EXPECT_FALSE(limiter.take("a", hour - 10'000 * kMs).allowed);
}

TEST(RateLimiter, DisabledAllowsEverything) {
  RateLimiter limiter({0.0, 0.0});
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.take("x", 0).allowed);
  EXPECT_EQ(limiter.clients(), 0u);
}

TEST(RateLimiter, MemoryIsBoundedByDroppingFullBuckets) {
  RateLimiter limiter({1000.0, 5.0});
  const std::size_t many = RateLimiter::kShards * RateLimiter::kMaxClientsPerShard * 3;
  for (std::size_t i = 0; i < many; ++i) {
    // Each client takes one token; a second later every older bucket is full again.
    ASSERT_TRUE(limiter.take("client-" + std::to_string(i), static_cast<std::int64_t>(i / 1000) * 1000 * kMs).allowed);
  }
  EXPECT_LE(limiter.clients(), RateLimiter::kShards * RateLimiter::kMaxClientsPerShard);
}

}  // namespace
}  // namespace alphintra::api::http
