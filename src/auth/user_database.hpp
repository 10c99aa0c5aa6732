// UserDatabase: the users, refresh tokens, API keys and the token-signing key of
// `alphintra serve`, in one SQLite file (DATA_DIR/auth.db, created with mode 0600).
//
// Stored: argon2id password hashes (never passwords); TOTP secrets and API-key secrets as they
// are, because the server must compute HMACs with them — the file is readable by the server's
// user only; refresh tokens as their SHA-256 (a stolen file does not yield usable tokens).
// Every write is one SQLite transaction in WAL mode with synchronous=FULL: what returned is on
// disk.
//
// Threading: not thread-safe; AuthService serializes calls with its mutex.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/crypto.hpp"
#include "auth/principal.hpp"
#include "core/result.hpp"

struct sqlite3;

namespace alphintra::auth {

struct UserRecord {
  std::string username;
  std::string passwordHash;
  std::vector<Role> roles;
  std::vector<AccountId> accounts;
  std::string totpSecret;  // base32; empty: no second factor
  std::int64_t totpLastStep = 0;
  bool disabled = false;
  std::uint64_t version = 1;  // bumped on every change that must invalidate access tokens
};

struct ApiKeyRecord {
  std::string keyId;
  std::string username;
  std::string label;
  std::string secret;  // base64url
  std::int64_t created = 0;
};

struct RefreshRecord {
  std::string username;
  std::int64_t expiresAt = 0;
  bool spent = false;
};

class UserDatabase {
 public:
  static Result<std::unique_ptr<UserDatabase>> open(const std::filesystem::path& file);
  ~UserDatabase();
  UserDatabase(const UserDatabase&) = delete;
  UserDatabase& operator=(const UserDatabase&) = delete;

  Result<std::vector<UserRecord>> loadUsers();
  Result<std::vector<ApiKeyRecord>> loadApiKeys();
  std::optional<Error> saveUser(const UserRecord& user);         // insert or replace
  std::optional<Error> deleteUser(const std::string& username);  // with its tokens and keys

  std::optional<Error> saveApiKey(const ApiKeyRecord& key);
  std::optional<Error> deleteApiKey(const std::string& keyId);

  std::optional<Error> saveRefresh(const std::string& tokenHash, const RefreshRecord& record);
  Result<std::optional<RefreshRecord>> findRefresh(const std::string& tokenHash);
  std::optional<Error> markRefreshSpent(const std::string& tokenHash);
  std::optional<Error> deleteRefreshOf(const std::string& username);
  std::optional<Error> deleteExpiredRefresh(std::int64_t nowSeconds);

  // The HMAC key of access tokens: created at random on first use, then stable (tokens survive
  // a restart).
  Result<Bytes> signingKey();

 private:
  explicit UserDatabase(sqlite3* db) : db_(db) {}
  std::optional<Error> exec(const char* sql);
  sqlite3* db_;
};

}  // namespace alphintra::auth
