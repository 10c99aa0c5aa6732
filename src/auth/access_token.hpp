// Access tokens: JSON Web Tokens signed with HMAC-SHA256 (RFC 7519, alg HS256) by a key only
// the server holds. Short-lived (15 minutes by default); a client renews them with its refresh
// token. The claims name the user and the version of the user's record when the token was
// issued: the server compares it with the current version, so a role change, a disabled user
// or a password change takes effect at once, without a revocation list.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/crypto.hpp"

namespace alphintra::auth {

struct AccessClaims {
  std::string username;            // "sub"
  std::uint64_t version = 0;       // "ver": the user record's version at issue
  std::int64_t issuedAt = 0;       // "iat", Unix seconds
  std::int64_t expiresAt = 0;      // "exp", Unix seconds
  std::string tokenId;             // "jti"
  std::vector<std::string> roles;  // "roles": informative for clients; the server checks its own records
};

enum class TokenProblem : std::uint8_t { Malformed = 1, BadSignature = 2, Expired = 3 };

std::string signAccessToken(const Bytes& key, const AccessClaims& claims);
// Checks the header (typ JWT, alg HS256 only: "none" and other algorithms are refused), the
// signature (constant time), then the expiry against `nowSeconds`.
std::variant<AccessClaims, TokenProblem> verifyAccessToken(const Bytes& key, std::string_view token,
                                                           std::int64_t nowSeconds);

}  // namespace alphintra::auth
