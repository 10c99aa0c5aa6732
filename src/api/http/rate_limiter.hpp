// Per-client request rate limiting of the REST API: one token bucket per client (the
// authenticated user, whether by token or by signed API key), `rate` tokens a second up to
// `burst`; a request takes one token or is refused with the time until the next token
// (429 Too Many Requests with Retry-After, docs/api.md).
//
// Time is an input (nanoseconds of a monotonic clock), so tests drive it. Thread-safe: buckets
// are spread over 16 mutex-guarded shards by client name, so I/O threads serving different
// clients rarely meet. Memory is bounded: a shard over kMaxClientsPerShard buckets drops those
// that are full again (a full bucket is the same as no bucket).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace alphintra::api::http {

struct RateLimit {
  double perSecond = 0;  // tokens added a second; 0: no limit
  double burst = 0;      // bucket size (>= 1 when perSecond > 0)
};

// One client's bucket: starts full; take() refills by the time elapsed, then takes a token.
struct TokenBucket {
  struct Decision {
    bool allowed = true;
    double remaining = 0;          // tokens left after this request
    double retryAfterSeconds = 0;  // when refused: until one token is back
  };

  double tokens = 0;
  std::int64_t updated = 0;

  static TokenBucket full(const RateLimit& limit, std::int64_t nowNanos) noexcept { return {limit.burst, nowNanos}; }
  double level(const RateLimit& limit, std::int64_t nowNanos) const noexcept;  // tokens now
  Decision take(const RateLimit& limit, std::int64_t nowNanos) noexcept;       // limit.perSecond > 0
};

class RateLimiter {
 public:
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kMaxClientsPerShard = 4096;

  explicit RateLimiter(RateLimit limit) noexcept : limit_(limit) {}

  using Decision = TokenBucket::Decision;

  Decision take(std::string_view client, std::int64_t nowNanos);
  bool enabled() const noexcept { return limit_.perSecond > 0; }
  const RateLimit& limit() const noexcept { return limit_; }
  std::size_t clients() const;  // buckets held (for tests)

 private:
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, TokenBucket> buckets;
  };

  RateLimit limit_;
  std::array<Shard, kShards> shards_;
};

}  // namespace alphintra::api::http
