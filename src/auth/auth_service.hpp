// AuthService: who may use `alphintra serve`, and as whom a request acts (docs/api.md,
// "Authentication").
//
// * Users with argon2id password hashes, roles (principal.hpp) and granted accounts, optional
//   TOTP second factor; the first start creates `admin`.
// * Login gives a short-lived access token (JWT, HS256, access_token.hpp) and a refresh token
//   (32 random bytes, stored hashed, single use: refreshing spends it and gives a new pair; a
//   spent token presented again revokes every refresh token of the user — it was stolen).
// * API keys for programs: each request signed with HMAC-SHA256 over
//   "TIMESTAMP\nMETHOD\nPATH?QUERY\nBODY" with the key's secret; accepted only within the
//   receive window of the server's clock, and each signature only once (a captured request
//   cannot be replayed).
// * Failed logins are throttled per user name and per client address: after maxFailures
//   within failureWindow (maxFailuresPerPeer for an address), further attempts are refused for a lockout that doubles
//   each time (capped), even with the right password; a success clears the count.
//
// Invariants: the in-memory user table equals the database after every call (writes go to the
// database first; a failed write changes nothing). Access tokens name the user record's
// version, which every change to roles, accounts, password or state bumps: older tokens stop
// working at once.
// Threading: every method is thread-safe (one mutex; verifyAccess takes it shared). Password
// hashing (tens of milliseconds by design) runs outside the lock.
// Time is passed in (Unix seconds or milliseconds), never read here.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "auth/crypto.hpp"
#include "auth/principal.hpp"
#include "auth/token_cache.hpp"
#include "auth/user_database.hpp"
#include "core/result.hpp"

namespace alphintra::auth {

struct AuthOptions {
  std::filesystem::path database = "data/auth.db";
  std::int64_t accessTtlSeconds = 900;
  std::int64_t refreshTtlSeconds = 7 * 24 * 3600;
  HashCost hashCost = HashCost::Interactive;
  int maxFailures = 5;          // per user name
  int maxFailuresPerPeer = 20;  // per client address (several users may share one, e.g. behind NAT)
  std::int64_t failureWindowSeconds = 300;
  std::int64_t lockoutSeconds = 30;  // first lockout; doubles, at most maxLockoutSeconds
  std::int64_t maxLockoutSeconds = 900;
  std::int64_t signatureWindowMillis = 5'000;  // |server time − request timestamp| at most this
  std::string issuer = "Alphintra";
};

// Why a request is refused; the HTTP edge maps each to a status.
enum class Denial : std::uint8_t {
  InvalidCredentials = 1,  // 401
  MfaRequired = 2,         // 401, field mfa_token
  InvalidMfa = 3,          // 401, field mfa_token
  TooManyAttempts = 4,     // 429 with Retry-After
  Unauthorized = 5,        // 401: no, malformed, forged or revoked credentials
  TokenExpired = 6,        // 401
  InvalidRequest = 7,      // 400, field names the member
  NotFound = 8,            // 404
  Conflict = 9,            // 409
  Internal = 10,           // 500: the user database failed
};

struct Denied {
  Denial denial = Denial::Unauthorized;
  std::string field;
  std::string message;
  std::int64_t retryAfterSeconds = 0;
};

template <typename T>
using AuthResult = std::variant<T, Denied>;

struct Tokens {
  std::string accessToken;
  std::string refreshToken;
  std::int64_t expiresIn = 0;  // seconds
  Principal user;
};

struct UserInfo {
  Principal principal;
  bool mfa = false;
  bool disabled = false;
};

struct NewUser {
  std::string username;
  std::string password;
  std::vector<Role> roles;
  std::vector<AccountId> accounts;
};

struct UserUpdate {
  std::optional<std::vector<Role>> roles;
  std::optional<std::vector<AccountId>> accounts;
  std::optional<std::string> password;
  std::optional<bool> disabled;
};

struct MfaEnrollment {
  std::string secret;  // base32
  std::string uri;     // otpauth://
};

struct ApiKeyInfo {
  std::string keyId;
  std::string username;
  std::string label;
  std::int64_t created = 0;
};

struct NewApiKey {
  std::string keyId;
  std::string secret;  // shown once
};

struct SignedRequest {
  std::string_view keyId;      // X-API-Key
  std::string_view timestamp;  // X-API-Timestamp: Unix milliseconds
  std::string_view signature;  // X-API-Signature: lower-case hex HMAC-SHA256
  std::string_view method;     // "POST"
  std::string_view target;     // path, plus "?query" when there is one
  std::string_view body;
};

// The string an API-key request signs (see the class comment); clients build the same.
std::string signingString(std::string_view timestamp, std::string_view method, std::string_view target,
                          std::string_view body);

class AuthService {
 public:
  static Result<std::unique_ptr<AuthService>> open(AuthOptions options);

  // With no user at all: creates `admin` (role admin) with `password`, or with a generated one
  // that is returned (to print once). Nothing when users exist.
  Result<std::optional<std::string>> ensureAdmin(const std::optional<std::string>& password);
  // Creates the user unless one of that name exists (demo users at start-up).
  std::optional<Error> ensureUser(const NewUser& user);

  AuthResult<Tokens> login(std::string_view username, std::string_view password, std::string_view mfaToken,
                           std::string_view peer, std::int64_t nowSeconds);
  AuthResult<Tokens> refresh(std::string_view refreshToken, std::int64_t nowSeconds);
  void logout(std::string_view refreshToken);

  AuthResult<Principal> verifyAccess(std::string_view accessToken, std::int64_t nowSeconds) const;
  AuthResult<Principal> verifySigned(const SignedRequest& request, std::int64_t nowMillis);

  std::vector<UserInfo> users() const;
  std::optional<UserInfo> user(std::string_view username) const;
  AuthResult<UserInfo> createUser(const NewUser& user);
  AuthResult<UserInfo> updateUser(std::string_view username, const UserUpdate& update);
  AuthResult<bool> deleteUser(std::string_view username);
  AuthResult<MfaEnrollment> enableMfa(std::string_view username);
  AuthResult<bool> disableMfa(std::string_view username);

  AuthResult<NewApiKey> createApiKey(std::string_view username, std::string_view label, std::int64_t nowSeconds);
  std::vector<ApiKeyInfo> apiKeys() const;
  AuthResult<bool> deleteApiKey(std::string_view keyId);

 private:
  struct Throttle {
    std::deque<std::int64_t> failures;  // times within the window
    std::int64_t lockedUntil = 0;
    int lockouts = 0;
  };

  explicit AuthService(AuthOptions options) : options_(std::move(options)) {}
  static Principal principalOf(const UserRecord& user);
  AuthResult<Tokens> issue(const UserRecord& user, std::int64_t nowSeconds);             // mutex held
  std::optional<Denied> throttled(std::string_view key, std::int64_t nowSeconds) const;  // mutex held
  void recordFailure(const std::string& key, int maxFailures, std::int64_t nowSeconds);  // mutex held
  static std::optional<Denied> validateNewUser(const NewUser& user);

  AuthOptions options_;
  std::unique_ptr<UserDatabase> db_;
  Bytes signingKey_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, UserRecord, std::less<>> users_;
  std::map<std::string, ApiKeyRecord, std::less<>> apiKeys_;
  std::unordered_map<std::string, Throttle> throttles_;      // "user:NAME" and "peer:ADDR"
  std::multimap<std::int64_t, std::string> seenSignatures_;  // by expiry (ms)
  std::unordered_map<std::string, std::int64_t> signatureSet_;
  mutable TokenCache verifiedTokens_;  // its own lock: look-ups do not take mutex_ for it
};

}  // namespace alphintra::auth
