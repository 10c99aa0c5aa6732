#include "auth/user_database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <charconv>
#include <string_view>

namespace alphintra::auth {
namespace {

// One prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const noexcept { return stmt_ != nullptr; }
  Statement& bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t value) {
    sqlite3_bind_int64(stmt_, i, value);
    return *this;
  }
  int step() { return sqlite3_step(stmt_); }
  std::string text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p == nullptr ? std::string{} : std::string(reinterpret_cast<const char*>(p));
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string error() const { return sqlite3_errmsg(db_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

Error dbError(sqlite3* db, std::string_view what) {
  return makeError("", fmt::format("user database: {} failed: {}", what, sqlite3_errmsg(db)));
}

std::string joinRoles(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) {
    if (!out.empty()) out.push_back(',');
    out += toString(r);
  }
  return out;
}

std::string joinAccounts(const std::vector<AccountId>& accounts) {
  std::string out;
  for (AccountId a : accounts) {
    if (!out.empty()) out.push_back(',');
    out += std::to_string(a.value());
  }
  return out;
}

template <typename Fn>
void splitList(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    fn(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
}

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, roles TEXT NOT NULL, accounts TEXT NOT NULL,
  totp_secret TEXT NOT NULL DEFAULT '', totp_last_step INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at INTEGER NOT NULL, spent INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS api_keys (
  key_id TEXT PRIMARY KEY, username TEXT NOT NULL, label TEXT NOT NULL, secret TEXT NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

}  // namespace

Result<std::unique_ptr<UserDatabase>> UserDatabase::open(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  const mode_t previous = ::umask(077);  // the file holds secrets: owner only
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  ::umask(previous);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return makeError("data-dir", fmt::format("cannot open the user database {}: {}", file.string(), message));
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<UserDatabase> out(new UserDatabase(db));
  if (auto error = out->exec(kSchema)) {
    return makeError("data-dir", fmt::format("the user database {} is unusable: {}", file.string(), error->message));
  }
  return out;
}

UserDatabase::~UserDatabase() { sqlite3_close(db_); }

std::optional<Error> UserDatabase::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    Error e = makeError("", message != nullptr ? message : "unknown SQLite error");
    sqlite3_free(message);
    return e;
  }
  return std::nullopt;
}

Result<std::vector<UserRecord>> UserDatabase::loadUsers() {
  Statement s(db_,
              "SELECT username, password_hash, roles, accounts, totp_secret, totp_last_step, disabled, version "
              "FROM users ORDER BY username");
  if (!s.ok()) return dbError(db_, "reading users");
  std::vector<UserRecord> out;
  int rc = 0;
  while ((rc = s.step()) == SQLITE_ROW) {
    UserRecord u;
    u.username = s.text(0);
    u.passwordHash = s.text(1);
    splitList(s.text(2), [&](std::string_view r) {
      if (auto role = parseRole(r)) u.roles.push_back(*role);
    });
    splitList(s.text(3), [&](std::string_view a) {
      std::uint64_t id = 0;
      if (std::from_chars(a.data(), a.data() + a.size(), id).ec == std::errc{} && id != 0) {
        u.accounts.emplace_back(id);
      }
    });
    u.totpSecret = s.text(4);
    u.totpLastStep = s.integer(5);
    u.disabled = s.integer(6) != 0;
    u.version = static_cast<std::uint64_t>(s.integer(7));
    out.push_back(std::move(u));
  }
  if (rc != SQLITE_DONE) return dbError(db_, "reading users");
  return out;
}

Result<std::vector<ApiKeyRecord>> UserDatabase::loadApiKeys() {
  Statement s(db_, "SELECT key_id, username, label, secret, created FROM api_keys ORDER BY key_id");
  if (!s.ok()) return dbError(db_, "reading API keys");
  std::vector<ApiKeyRecord> out;
  int rc = 0;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.push_back(ApiKeyRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4)});
  }
  if (rc != SQLITE_DONE) return dbError(db_, "reading API keys");
  return out;
}

std::optional<Error> UserDatabase::saveUser(const UserRecord& u) {
  Statement s(db_,
              "INSERT OR REPLACE INTO users (username, password_hash, roles, accounts, totp_secret, totp_last_step, "
              "disabled, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!s.ok()) return dbError(db_, "saving a user");
  s.bind(1, u.username)
      .bind(2, u.passwordHash)
      .bind(3, joinRoles(u.roles))
      .bind(4, joinAccounts(u.accounts))
      .bind(5, u.totpSecret)
      .bind(6, u.totpLastStep)
      .bind(7, std::int64_t{u.disabled ? 1 : 0})
      .bind(8, static_cast<std::int64_t>(u.version));
  if (s.step() != SQLITE_DONE) return dbError(db_, "saving a user");
  return std::nullopt;
}

std::optional<Error> UserDatabase::deleteUser(const std::string& username) {
  for (const char* sql : {"DELETE FROM users WHERE username = ?1", "DELETE FROM refresh_tokens WHERE username = ?1",
                          "DELETE FROM api_keys WHERE username = ?1"}) {
    Statement s(db_, sql);
    if (!s.ok()) return dbError(db_, "deleting a user");
    s.bind(1, username);
    if (s.step() != SQLITE_DONE) return dbError(db_, "deleting a user");
  }
  return std::nullopt;
}

std::optional<Error> UserDatabase::saveApiKey(const ApiKeyRecord& k) {
  Statement s(db_, "INSERT INTO api_keys (key_id, username, label, secret, created) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s.ok()) return dbError(db_, "saving an API key");
  s.bind(1, k.keyId).bind(2, k.username).bind(3, k.label).bind(4, k.secret).bind(5, k.created);
  if (s.step() != SQLITE_DONE) return dbError(db_, "saving an API key");
  return std::nullopt;
}

std::optional<Error> UserDatabase::deleteApiKey(const std::string& keyId) {
  Statement s(db_, "DELETE FROM api_keys WHERE key_id = ?1");
  if (!s.ok()) return dbError(db_, "deleting an API key");
  s.bind(1, keyId);
  if (s.step() != SQLITE_DONE) return dbError(db_, "deleting an API key");
  return std::nullopt;
}

std::optional<Error> UserDatabase::saveRefresh(const std::string& tokenHash, const RefreshRecord& r) {
  Statement s(db_, "INSERT INTO refresh_tokens (token_hash, username, expires_at, spent) VALUES (?1, ?2, ?3, ?4)");
  if (!s.ok()) return dbError(db_, "saving a refresh token");
  s.bind(1, tokenHash).bind(2, r.username).bind(3, r.expiresAt).bind(4, std::int64_t{r.spent ? 1 : 0});
  if (s.step() != SQLITE_DONE) return dbError(db_, "saving a refresh token");
  return std::nullopt;
}

Result<std::optional<RefreshRecord>> UserDatabase::findRefresh(const std::string& tokenHash) {
  Statement s(db_, "SELECT username, expires_at, spent FROM refresh_tokens WHERE token_hash = ?1");
  if (!s.ok()) return dbError(db_, "reading a refresh token");
  s.bind(1, tokenHash);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<RefreshRecord>{};
  if (rc != SQLITE_ROW) return dbError(db_, "reading a refresh token");
  return std::optional<RefreshRecord>{RefreshRecord{s.text(0), s.integer(1), s.integer(2) != 0}};
}

std::optional<Error> UserDatabase::markRefreshSpent(const std::string& tokenHash) {
  Statement s(db_, "UPDATE refresh_tokens SET spent = 1 WHERE token_hash = ?1");
  if (!s.ok()) return dbError(db_, "spending a refresh token");
  s.bind(1, tokenHash);
  if (s.step() != SQLITE_DONE) return dbError(db_, "spending a refresh token");
  return std::nullopt;
}

std::optional<Error> UserDatabase::deleteRefreshOf(const std::string& username) {
  Statement s(db_, "DELETE FROM refresh_tokens WHERE username = ?1");
  if (!s.ok()) return dbError(db_, "revoking refresh tokens");
  s.bind(1, username);
  if (s.step() != SQLITE_DONE) return dbError(db_, "revoking refresh tokens");
  return std::nullopt;
}

std::optional<Error> UserDatabase::deleteExpiredRefresh(std::int64_t nowSeconds) {
  Statement s(db_, "DELETE FROM refresh_tokens WHERE expires_at <= ?1");
  if (!s.ok()) return dbError(db_, "pruning refresh tokens");
  s.bind(1, nowSeconds);
  if (s.step() != SQLITE_DONE) return dbError(db_, "pruning refresh tokens");
  return std::nullopt;
}

Result<Bytes> UserDatabase::signingKey() {
  {
    Statement s(db_, "SELECT value FROM settings WHERE name = 'token_key'");
    if (!s.ok()) return dbError(db_, "reading the token key");
    if (s.step() == SQLITE_ROW) {
      if (auto key = fromBase64Url(s.text(0)); key && key->size() >= 32) return *key;
      return makeError("data-dir", "the user database's token key is corrupt");
    }
  }
  const Bytes key = randomBytes(32);
  Statement s(db_, "INSERT INTO settings (name, value) VALUES ('token_key', ?1)");
  if (!s.ok()) return dbError(db_, "saving the token key");
  s.bind(1, base64Url(key));
  if (s.step() != SQLITE_DONE) return dbError(db_, "saving the token key");
  return key;
}

}  // namespace alphintra::auth
