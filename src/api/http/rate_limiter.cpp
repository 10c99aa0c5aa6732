#include "api/http/rate_limiter.hpp"

#include <algorithm>
#include <functional>

namespace alphintra::api::http {

double RateLimiter::refill(const Bucket& b, std::int64_t nowNanos) const noexcept {
  const double elapsed = nowNanos > b.updated ? static_cast<double>(nowNanos - b.updated) * 1e-9 : 0.0;
  return std::min(limit_.burst, b.tokens + elapsed * limit_.perSecond);
}

RateLimiter::Decision RateLimiter::take(std::string_view client, std::int64_t nowNanos) {
  if (!enabled()) return {};
  Shard& shard = shards_[std::hash<std::string_view>{}(client) % kShards];
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(std::string(client));
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kMaxClientsPerShard) {
      std::erase_if(shard.buckets, [&](const auto& entry) { return refill(entry.second, nowNanos) >= limit_.burst; });
    }
    it = shard.buckets.emplace(std::string(client), Bucket{limit_.burst, nowNanos}).first;
  }
  Bucket& b = it->second;
  b.tokens = refill(b, nowNanos);
  b.updated = std::max(b.updated, nowNanos);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {true, b.tokens, 0.0};
  }
  return {false, b.tokens, (1.0 - b.tokens) / limit_.perSecond};
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
