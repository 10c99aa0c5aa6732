// The cryptographic primitives authentication is built from, as thin wrappers over libsodium
// (argon2id, random bytes, base64, constant-time comparison) and OpenSSL (HMAC-SHA1 for TOTP,
// HMAC-SHA256, SHA-256). No primitive is written here: only encodings around them.
//
// Threading: every function is thread-safe (libsodium is initialised once, on first use).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alphintra::auth {

using Bytes = std::vector<std::uint8_t>;

// Cost of an argon2id password hash. Interactive is libsodium's recommendation for logins
// (2 passes, 64 MiB); Minimal exists for tests only.
enum class HashCost : std::uint8_t { Interactive = 1, Minimal = 2 };

// argon2id, encoded with its salt and parameters ("$argon2id$v=19$m=...").
std::string hashPassword(std::string_view password, HashCost cost = HashCost::Interactive);
bool verifyPassword(std::string_view encodedHash, std::string_view password);

Bytes randomBytes(std::size_t count);
std::string base64Url(const std::uint8_t* data, std::size_t size);  // no padding
inline std::string base64Url(const Bytes& b) { return base64Url(b.data(), b.size()); }
inline std::string base64Url(std::string_view s) {
  return base64Url(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}
std::optional<Bytes> fromBase64Url(std::string_view text);  // nullopt when not base64url
std::string hex(const std::uint8_t* data, std::size_t size);
inline std::string hex(const Bytes& b) { return hex(b.data(), b.size()); }

// RFC 4648 base32 (the alphabet authenticator apps use), without padding on output; decoding
// ignores case, spaces and padding.
std::string base32(const Bytes& data);
std::optional<Bytes> fromBase32(std::string_view text);

Bytes hmacSha256(const Bytes& key, std::string_view message);
Bytes hmacSha1(const Bytes& key, const std::uint8_t* message, std::size_t size);
Bytes sha256(std::string_view message);

// Equal in constant time for equal sizes (sizes are not secret).
bool constantTimeEqual(std::string_view a, std::string_view b);

}  // namespace alphintra::auth
