#include "api/http/rate_limiter.hpp"

#include <algorithm>
#include <functional>

namespace alphintra::api::http {

double TokenBucket::level(const RateLimit& limit, std::int64_t nowNanos) const noexcept {
  const double elapsed = nowNanos > updated ? static_cast<double>(nowNanos - updated) * 1e-9 : 0.0;
  return std::min(limit.burst, tokens + elapsed * limit.perSecond);
}

TokenBucket::Decision TokenBucket::take(const RateLimit& limit, std::int64_t nowNanos) noexcept {
  tokens = level(limit, nowNanos);
  updated = std::max(updated, nowNanos);
  if (tokens >= 1.0) {
    tokens -= 1.0;
    return {true, tokens, 0.0};
  }
  return {false, tokens, (1.0 - tokens) / limit.perSecond};
}

RateLimiter::Decision RateLimiter::take(std::string_view client, std::int64_t nowNanos) {
  if (!enabled()) return {};
  Shard& shard = shards_[std::hash<std::string_view>{}(client) % kShards];
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(std::string(client));
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kMaxClientsPerShard) {
      std::erase_if(shard.buckets,
                    [&](const auto& entry) { return entry.second.level(limit_, nowNanos) >= limit_.burst; });
    }
    it = shard.buckets.emplace(std::string(client), TokenBucket::full(limit_, nowNanos)).first;
  }
  return it->second.take(limit_, nowNanos);
}

std::size_t RateLimiter::clients() const {
  std::size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace alphintra::api::http
