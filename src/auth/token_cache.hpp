// TokenCache: access tokens whose signature and claims were already checked. A REST client sends
// its token with every request; verifying it from scratch (three base64 decodes, an HMAC-SHA256
// and two JSON parses) was about 9% of the server's CPU per order (docs/benchmarks.md, "API").
// With the cache a known token costs one hash look-up.
//
// Sound because verification is a pure function of the signing key and the token text: an entry
// only says "this exact token was signed by us and carries these claims". What can change —
// expiry against the clock, the user's record version (role change, disabled user, new
// password) — the caller checks on every request, from the entry, as it did from a fresh parse.
//
// Only tokens that verified are kept, so forgeries cannot fill it. At capacity, expired entries
// are dropped first; if every entry is still live, the whole cache is cleared (each token is
// then verified once more). Threading: any thread (a shared mutex: look-ups share it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace alphintra::auth {

struct CachedToken {
  std::string username;        // "sub"
  std::uint64_t version = 0;   // "ver"
  std::int64_t expiresAt = 0;  // "exp", Unix seconds
};

class TokenCache {
 public:
  explicit TokenCache(std::size_t capacity = 4096) : capacity_(capacity) {}

  std::optional<CachedToken> find(std::string_view token) const;
  void insert(std::string_view token, CachedToken claims, std::int64_t nowSeconds);
  std::size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  std::size_t capacity_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, CachedToken, Hash, std::equal_to<>> entries_;
};

}  // namespace alphintra::auth
