// TokenCache (see token_cache.hpp).
#include "auth/token_cache.hpp"

#include <mutex>
#include <utility>

namespace alphintra::auth {

std::optional<CachedToken> TokenCache::find(std::string_view token) const {
  std::shared_lock lock(mutex_);
  const auto it = entries_.find(token);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void TokenCache::insert(std::string_view token, CachedToken claims, std::int64_t nowSeconds) {
  if (capacity_ == 0) return;
  std::unique_lock lock(mutex_);
  if (entries_.size() >= capacity_) {
    std::erase_if(entries_, [&](const auto& entry) { return entry.second.expiresAt <= nowSeconds; });
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_.insert_or_assign(std::string(token), std::move(claims));
}

std::size_t TokenCache::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace alphintra::auth
