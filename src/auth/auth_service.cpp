#include "auth/auth_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "auth/access_token.hpp"
#include "auth/totp.hpp"

namespace alphintra::auth {
namespace {

constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 128;
constexpr std::size_t kMaxSignatures = 100'000;  // replay memory bound (a flood fills it: refused)

Denied deny(Denial d, std::string field, std::string message) {
  return Denied{d, std::move(field), std::move(message), 0};
}

Denied internal(const Error& e) { return deny(Denial::Internal, "", e.message); }

bool validUsername(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

std::optional<Denied> validatePassword(std::string_view password) {
  if (password.size() < kMinPassword || password.size() > kMaxPassword) {
    return deny(Denial::InvalidRequest, "password",
                fmt::format("a password has {} to {} characters", kMinPassword, kMaxPassword));
  }
  return std::nullopt;
}

bool isAdmin(const UserRecord& u) { return std::find(u.roles.begin(), u.roles.end(), Role::Admin) != u.roles.end(); }

template <typename Map>
std::size_t adminCount(const Map& users) {
  return static_cast<std::size_t>(
      std::count_if(users.begin(), users.end(), [](const auto& u) { return isAdmin(u.second) && !u.second.disabled; }));
}

std::string refreshHash(std::string_view token) { return hex(sha256(token)); }

// A hash to verify against when the user does not exist, so that the answer takes as long.
const std::string& unknownUserHash(HashCost cost) {
  if (cost == HashCost::Minimal) {
    static const std::string minimal = hashPassword("no such user, no such password", HashCost::Minimal);
    return minimal;
  }
  static const std::string interactive = hashPassword("no such user, no such password", HashCost::Interactive);
  return interactive;
}

}  // namespace

std::string signingString(std::string_view timestamp, std::string_view method, std::string_view target,
                          std::string_view body) {
  std::string out;
  out.reserve(timestamp.size() + method.size() + target.size() + body.size() + 3);
  out.append(timestamp).append("\n").append(method).append("\n").append(target).append("\n").append(body);
  return out;
}

Result<std::unique_ptr<AuthService>> AuthService::open(AuthOptions options) {
  auto db = UserDatabase::open(options.database);
  if (!db.ok()) return db.error();
  std::unique_ptr<AuthService> service(new AuthService(std::move(options)));
  service->db_ = std::move(db.value());
  auto key = service->db_->signingKey();
  if (!key.ok()) return key.error();
  service->signingKey_ = key.value();
  auto users = service->db_->loadUsers();
  if (!users.ok()) return users.error();
  for (UserRecord& u : users.value()) service->users_.emplace(u.username, std::move(u));
  auto keys = service->db_->loadApiKeys();
  if (!keys.ok()) return keys.error();
  for (ApiKeyRecord& k : keys.value()) service->apiKeys_.emplace(k.keyId, std::move(k));
  return service;
}

Principal AuthService::principalOf(const UserRecord& user) {
  return Principal{user.username, user.roles, user.accounts};
}

Result<std::optional<std::string>> AuthService::ensureAdmin(const std::optional<std::string>& password) {
  {
    std::shared_lock lock(mutex_);
    if (!users_.empty()) return std::optional<std::string>{};
  }
  std::optional<std::string> generated;
  std::string chosen;
  if (password) {
    if (auto bad = validatePassword(*password)) {
      return makeError("ALPHINTRA_ADMIN_PASSWORD", "ALPHINTRA_ADMIN_PASSWORD: " + bad->message);
    }
    chosen = *password;
  } else {
    chosen = base64Url(randomBytes(18));
    generated = chosen;
  }
  UserRecord admin;
  admin.username = "admin";
  admin.passwordHash = hashPassword(chosen, options_.hashCost);
  admin.roles = {Role::Admin};
  std::unique_lock lock(mutex_);
  if (!users_.empty()) return std::optional<std::string>{};
  if (auto error = db_->saveUser(admin)) return *error;
  users_.emplace(admin.username, std::move(admin));
  return generated;
}

std::optional<Error> AuthService::ensureUser(const NewUser& user) {
  {
    std::shared_lock lock(mutex_);
    if (users_.contains(user.username)) return std::nullopt;
  }
  const auto created = createUser(user);
  if (const auto* d = std::get_if<Denied>(&created); d != nullptr && d->denial != Denial::Conflict) {
    return makeError(d->field, d->message);
  }
  return std::nullopt;
}

std::optional<Denied> AuthService::throttled(std::string_view key, std::int64_t nowSeconds) const {
  const auto it = throttles_.find(std::string(key));
  if (it == throttles_.end() || it->second.lockedUntil <= nowSeconds) return std::nullopt;
  Denied d = deny(Denial::TooManyAttempts, "",
                  fmt::format("too many failed logins; try again in {} s", it->second.lockedUntil - nowSeconds));
  d.retryAfterSeconds = it->second.lockedUntil - nowSeconds;
  return d;
}

void AuthService::recordFailure(const std::string& key, int maxFailures, std::int64_t nowSeconds) {
  Throttle& t = throttles_[key];
  t.failures.push_back(nowSeconds);
  while (!t.failures.empty() && t.failures.front() <= nowSeconds - options_.failureWindowSeconds) {
    t.failures.pop_front();
  }
  if (static_cast<int>(t.failures.size()) >= maxFailures) {
    const std::int64_t lockout =
        std::min(options_.maxLockoutSeconds, options_.lockoutSeconds << std::min(t.lockouts, 20));
    t.lockedUntil = nowSeconds + lockout;
    ++t.lockouts;
    t.failures.clear();
  }
}

AuthResult<Tokens> AuthService::login(std::string_view username, std::string_view password, std::string_view mfaToken,
                                      std::string_view peer, std::int64_t nowSeconds) {
  const std::string userKey = fmt::format("user:{}", username);
  const std::string peerKey = fmt::format("peer:{}", peer);
  std::optional<UserRecord> record;
  {
    std::shared_lock lock(mutex_);
    if (auto d = throttled(userKey, nowSeconds)) return *d;
    if (auto d = throttled(peerKey, nowSeconds)) return *d;
    if (const auto it = users_.find(username); it != users_.end()) record = it->second;
  }
  // The slow part, outside the lock; an unknown user costs the same time as a known one.
  const bool passwordOk = record ? verifyPassword(record->passwordHash, password)
                                 : (verifyPassword(unknownUserHash(options_.hashCost), password), false);
  std::unique_lock lock(mutex_);
  const auto fail = [&](Denied d) -> AuthResult<Tokens> {
    recordFailure(userKey, options_.maxFailures, nowSeconds);
    recordFailure(peerKey, options_.maxFailuresPerPeer, nowSeconds);
    return d;
  };
  if (!passwordOk || record->disabled) {
    return fail(deny(Denial::InvalidCredentials, "", "unknown user name or wrong password"));
  }
  const auto it = users_.find(username);
  if (it == users_.end()) return fail(deny(Denial::InvalidCredentials, "", "unknown user name or wrong password"));
  UserRecord& user = it->second;
  if (!user.totpSecret.empty()) {
    if (mfaToken.empty()) {
      // Not a failed attempt: the password was right, the client asks for the code next.
      return deny(Denial::MfaRequired, "mfa_token", "this user has a second factor: send mfa_token (6 digits)");
    }
    const auto secret = fromBase32(user.totpSecret);
    const auto step = secret ? verifyTotp(*secret, mfaToken, nowSeconds, user.totpLastStep) : std::nullopt;
    if (!step) return fail(deny(Denial::InvalidMfa, "mfa_token", "the second-factor code is wrong, expired or used"));
    UserRecord updated = user;
    updated.totpLastStep = *step;
    if (auto error = db_->saveUser(updated)) return internal(*error);
    user = std::move(updated);
  }
  throttles_.erase(userKey);
  throttles_.erase(peerKey);
  return issue(user, nowSeconds);
}

AuthResult<Tokens> AuthService::issue(const UserRecord& user, std::int64_t nowSeconds) {
  AccessClaims claims;
  claims.username = user.username;
  claims.version = user.version;
  claims.issuedAt = nowSeconds;
  claims.expiresAt = nowSeconds + options_.accessTtlSeconds;
  claims.tokenId = base64Url(randomBytes(9));
  for (Role r : user.roles) claims.roles.emplace_back(toString(r));
  Tokens t;
  t.accessToken = signAccessToken(signingKey_, claims);
  t.refreshToken = base64Url(randomBytes(32));
  t.expiresIn = options_.accessTtlSeconds;
  t.user = principalOf(user);
  if (auto error = db_->saveRefresh(refreshHash(t.refreshToken),
                                    RefreshRecord{user.username, nowSeconds + options_.refreshTtlSeconds, false})) {
    return internal(*error);
  }
  return t;
}

AuthResult<Tokens> AuthService::refresh(std::string_view refreshToken, std::int64_t nowSeconds) {
  const std::string hash = refreshHash(refreshToken);
  std::unique_lock lock(mutex_);
  auto found = db_->findRefresh(hash);
  if (!found.ok()) return internal(found.error());
  if (!found.value()) return deny(Denial::Unauthorized, "refresh_token", "unknown refresh token");
  const RefreshRecord record = *found.value();
  if (record.spent) {
    // A spent token used again: someone holds a copy. Log every session of the user out.
    (void)db_->deleteRefreshOf(record.username);
    return deny(Denial::Unauthorized, "refresh_token", "this refresh token was already used; log in again");
  }
  if (record.expiresAt <= nowSeconds) return deny(Denial::TokenExpired, "refresh_token", "the refresh token expired");
  const auto it = users_.find(record.username);
  if (it == users_.end() || it->second.disabled) {
    return deny(Denial::Unauthorized, "refresh_token", "the user no longer exists or is disabled");
  }
  if (auto error = db_->markRefreshSpent(hash)) return internal(*error);
  (void)db_->deleteExpiredRefresh(nowSeconds);
  return issue(it->second, nowSeconds);
}

void AuthService::logout(std::string_view refreshToken) {
  std::unique_lock lock(mutex_);
  (void)db_->markRefreshSpent(refreshHash(refreshToken));
}

AuthResult<Principal> AuthService::verifyAccess(std::string_view accessToken, std::int64_t nowSeconds) const {
  std::optional<CachedToken> token = verifiedTokens_.find(accessToken);
  if (!token) {
    const auto verified = verifyAccessToken(signingKey_, accessToken, nowSeconds);
    if (const auto* problem = std::get_if<TokenProblem>(&verified)) {
      switch (*problem) {
        case TokenProblem::Expired: return deny(Denial::TokenExpired, "", "the access token expired; refresh it");
        case TokenProblem::BadSignature:
          return deny(Denial::Unauthorized, "", "the access token's signature is not valid");
        case TokenProblem::Malformed: break;
      }
      return deny(Denial::Unauthorized, "", "the access token is malformed");
    }
    const AccessClaims& claims = std::get<AccessClaims>(verified);
    token = CachedToken{claims.username, claims.version, claims.expiresAt};
    verifiedTokens_.insert(accessToken, *token, nowSeconds);
  }
  // What can change since the token was verified: the clock and the user's record.
  if (nowSeconds >= token->expiresAt) return deny(Denial::TokenExpired, "", "the access token expired; refresh it");
  std::shared_lock lock(mutex_);
  const auto it = users_.find(token->username);
  if (it == users_.end() || it->second.disabled || it->second.version != token->version) {
    return deny(Denial::Unauthorized, "", "the access token was revoked (the user changed); log in again");
  }
  return principalOf(it->second);
}

AuthResult<Principal> AuthService::verifySigned(const SignedRequest& r, std::int64_t nowMillis) {
  std::int64_t timestamp = 0;
  const auto [end, ec] = std::from_chars(r.timestamp.data(), r.timestamp.data() + r.timestamp.size(), timestamp);
  if (ec != std::errc{} || end != r.timestamp.data() + r.timestamp.size() || r.timestamp.empty()) {
    return deny(Denial::Unauthorized, "X-API-Timestamp", "X-API-Timestamp must be Unix time in milliseconds");
  }
  if (timestamp < nowMillis - options_.signatureWindowMillis ||
      timestamp > nowMillis + options_.signatureWindowMillis) {
    return deny(Denial::Unauthorized, "X-API-Timestamp",
                fmt::format("the request's timestamp is {} ms from the server's clock; at most {} ms is accepted",
                            timestamp - nowMillis, options_.signatureWindowMillis));
  }
  std::unique_lock lock(mutex_);
  const auto key = apiKeys_.find(r.keyId);
  if (key == apiKeys_.end()) return deny(Denial::Unauthorized, "X-API-Key", "unknown API key");
  const auto secret = fromBase64Url(key->second.secret);
  if (!secret) return deny(Denial::Internal, "", "the API key's stored secret is corrupt");
  const Bytes expected = hmacSha256(*secret, signingString(r.timestamp, r.method, r.target, r.body));
  if (!constantTimeEqual(hex(expected), r.signature)) {
    return deny(Denial::Unauthorized, "X-API-Signature", "the signature does not match the request");
  }
  // Replay: forget signatures whose window has passed, then refuse one seen within it.
  while (!seenSignatures_.empty() && seenSignatures_.begin()->first < nowMillis) {
    signatureSet_.erase(seenSignatures_.begin()->second);
    seenSignatures_.erase(seenSignatures_.begin());
  }
  const std::string signature(r.signature);
  if (signatureSet_.contains(signature)) {
    return deny(Denial::Unauthorized, "X-API-Signature", "this signed request was already received (replay)");
  }
  if (signatureSet_.size() >= kMaxSignatures) {
    return deny(Denial::TooManyAttempts, "", "too many signed requests in the receive window");
  }
  const std::int64_t expiry = timestamp + options_.signatureWindowMillis;
  signatureSet_.emplace(signature, expiry);
  seenSignatures_.emplace(expiry, signature);
  const auto user = users_.find(key->second.username);
  if (user == users_.end() || user->second.disabled) {
    return deny(Denial::Unauthorized, "X-API-Key", "the API key's user no longer exists or is disabled");
  }
  return principalOf(user->second);
}

std::vector<UserInfo> AuthService::users() const {
  std::shared_lock lock(mutex_);
  std::vector<UserInfo> out;
  for (const auto& [name, u] : users_) out.push_back(UserInfo{principalOf(u), !u.totpSecret.empty(), u.disabled});
  return out;
}

std::optional<UserInfo> AuthService::user(std::string_view username) const {
  std::shared_lock lock(mutex_);
  const auto it = users_.find(username);
  if (it == users_.end()) return std::nullopt;
  return UserInfo{principalOf(it->second), !it->second.totpSecret.empty(), it->second.disabled};
}

std::optional<Denied> AuthService::validateNewUser(const NewUser& user) {
  if (!validUsername(user.username)) {
    return deny(Denial::InvalidRequest, "username",
                "a user name has 1 to 64 characters among letters, digits, '_', '.' and '-'");
  }
  if (auto bad = validatePassword(user.password)) return bad;
  if (user.roles.empty()) return deny(Denial::InvalidRequest, "roles", "a user needs at least one role");
  return std::nullopt;
}

AuthResult<UserInfo> AuthService::createUser(const NewUser& user) {
  if (auto bad = validateNewUser(user)) return *bad;
  UserRecord record;
  record.username = user.username;
  record.passwordHash = hashPassword(user.password, options_.hashCost);
  record.roles = user.roles;
  record.accounts = user.accounts;
  std::unique_lock lock(mutex_);
  if (users_.contains(user.username)) {
    return deny(Denial::Conflict, "username", fmt::format("user {} already exists", user.username));
  }
  if (auto error = db_->saveUser(record)) return internal(*error);
  const auto [it, inserted] = users_.emplace(record.username, std::move(record));
  return UserInfo{principalOf(it->second), false, false};
}

AuthResult<UserInfo> AuthService::updateUser(std::string_view username, const UserUpdate& update) {
  if (update.password) {
    if (auto bad = validatePassword(*update.password)) return *bad;
  }
  if (update.roles && update.roles->empty()) return deny(Denial::InvalidRequest, "roles", "a user needs a role");
  const std::string hash = update.password ? hashPassword(*update.password, options_.hashCost) : std::string{};
  std::unique_lock lock(mutex_);
  const auto it = users_.find(username);
  if (it == users_.end()) return deny(Denial::NotFound, "username", fmt::format("no user {}", username));
  UserRecord updated = it->second;
  if (update.roles) updated.roles = *update.roles;
  if (isAdmin(it->second) && adminCount(users_) <= 1 && (!isAdmin(updated) || (update.disabled && *update.disabled))) {
    return deny(Denial::Conflict, "roles", "the last admin cannot lose the admin role or be disabled");
  }
  if (update.accounts) updated.accounts = *update.accounts;
  if (update.password) updated.passwordHash = hash;
  if (update.disabled) updated.disabled = *update.disabled;
  ++updated.version;
  if (auto error = db_->saveUser(updated)) return internal(*error);
  if (update.password || (update.disabled && *update.disabled)) (void)db_->deleteRefreshOf(updated.username);
  it->second = std::move(updated);
  return UserInfo{principalOf(it->second), !it->second.totpSecret.empty(), it->second.disabled};
}

AuthResult<bool> AuthService::deleteUser(std::string_view username) {
  std::unique_lock lock(mutex_);
  const auto it = users_.find(username);
  if (it == users_.end()) return deny(Denial::NotFound, "username", fmt::format("no user {}", username));
  if (isAdmin(it->second) && adminCount(users_) <= 1) {
    return deny(Denial::Conflict, "username", "the last admin cannot be deleted");
  }
  if (auto error = db_->deleteUser(it->first)) return internal(*error);
  for (auto k = apiKeys_.begin(); k != apiKeys_.end();) {
    k = k->second.username == it->first ? apiKeys_.erase(k) : std::next(k);
  }
  users_.erase(it);
  return true;
}

AuthResult<MfaEnrollment> AuthService::enableMfa(std::string_view username) {
  std::unique_lock lock(mutex_);
  const auto it = users_.find(username);
  if (it == users_.end()) return deny(Denial::NotFound, "username", fmt::format("no user {}", username));
  const Bytes secret = randomBytes(20);
  UserRecord updated = it->second;
  updated.totpSecret = base32(secret);
  updated.totpLastStep = 0;
  ++updated.version;
  if (auto error = db_->saveUser(updated)) return internal(*error);
  it->second = std::move(updated);
  return MfaEnrollment{it->second.totpSecret, totpUri(options_.issuer, it->second.username, secret)};
}

AuthResult<bool> AuthService::disableMfa(std::string_view username) {
  std::unique_lock lock(mutex_);
  const auto it = users_.find(username);
  if (it == users_.end()) return deny(Denial::NotFound, "username", fmt::format("no user {}", username));
  UserRecord updated = it->second;
  updated.totpSecret.clear();
  ++updated.version;
  if (auto error = db_->saveUser(updated)) return internal(*error);
  it->second = std::move(updated);
  return true;
}

AuthResult<NewApiKey> AuthService::createApiKey(std::string_view username, std::string_view label,
                                                std::int64_t nowSeconds) {
  if (label.size() > 128) return deny(Denial::InvalidRequest, "label", "a label has at most 128 characters");
  std::unique_lock lock(mutex_);
  if (!users_.contains(username)) return deny(Denial::NotFound, "username", fmt::format("no user {}", username));
  ApiKeyRecord record;
  record.keyId = "ak_" + hex(randomBytes(8));
  record.username = std::string(username);
  record.label = std::string(label);
  record.secret = base64Url(randomBytes(32));
  record.created = nowSeconds;
  if (auto error = db_->saveApiKey(record)) return internal(*error);
  NewApiKey out{record.keyId, record.secret};
  apiKeys_.emplace(record.keyId, std::move(record));
  return out;
}

std::vector<ApiKeyInfo> AuthService::apiKeys() const {
  std::shared_lock lock(mutex_);
  std::vector<ApiKeyInfo> out;
  for (const auto& [id, k] : apiKeys_) out.push_back(ApiKeyInfo{k.keyId, k.username, k.label, k.created});
  return out;
}

AuthResult<bool> AuthService::deleteApiKey(std::string_view keyId) {
  std::unique_lock lock(mutex_);
  const auto it = apiKeys_.find(keyId);
  if (it == apiKeys_.end()) return deny(Denial::NotFound, "keyId", fmt::format("no API key {}", keyId));
  if (auto error = db_->deleteApiKey(it->first)) return internal(*error);
  apiKeys_.erase(it);
  return true;
}

}  // namespace alphintra::auth
