// AuthService end to end on a real SQLite file: first-start admin, login with throttling and
// TOTP, refresh-token rotation and theft detection, revocation by user changes, API-key
// signatures with replay protection, persistence across a reopen.
#include "auth/auth_service.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "auth/totp.hpp"
#include "core/tests/scratch_dir.hpp"

namespace alphintra::auth {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

std::filesystem::path freshDir() { return scratchDirectory("auth"); }

AuthOptions optionsIn(const std::filesystem::path& dir) {
  AuthOptions o;
  o.database = dir / "auth.db";
  o.hashCost = HashCost::Minimal;
  return o;
}

// By value: the result is a temporary.
template <typename T>
T ok(AuthResult<T> r) {
  if (const auto* d = std::get_if<Denied>(&r)) {
    ADD_FAILURE() << "denied: " << d->message;
    return T{};
  }
  return std::get<T>(std::move(r));
}

template <typename T>
Denial denial(const AuthResult<T>& r) {
  if (const auto* d = std::get_if<Denied>(&r)) return d->denial;
  ADD_FAILURE() << "expected a denial";
  return Denial::Internal;
}

std::unique_ptr<AuthService> openService(const std::filesystem::path& dir) {
  auto s = AuthService::open(optionsIn(dir));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return std::move(s.value());
}

TEST(AuthService, FirstStartCreatesAdminOnceAndEverythingSurvivesAReopen) {
  const auto dir = freshDir();
  std::string token;
  std::string password;
  {
    auto s = openService(dir);
    auto generated = s->ensureAdmin(std::nullopt);
    ASSERT_TRUE(generated.ok());
    ASSERT_TRUE(generated.value().has_value());
    password = *generated.value();
    EXPECT_GE(password.size(), 16u);
    auto again = s->ensureAdmin(std::optional<std::string>("another-password"));
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again.value().has_value());  // users exist: nothing created
    const Tokens t = ok(s->login("admin", password, "", "127.0.0.1", kNow));
    EXPECT_TRUE(t.user.isAdmin());
    token = t.accessToken;
  }
  EXPECT_EQ(std::filesystem::status(dir / "auth.db").permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  auto reopened = openService(dir);
  EXPECT_EQ(ok(reopened->verifyAccess(token, kNow + 10)).username, "admin");  // same signing key
  EXPECT_EQ(denial(reopened->verifyAccess(token, kNow + 10'000)), Denial::TokenExpired);
  ok(reopened->login("admin", password, "", "127.0.0.1", kNow + 20));
}

TEST(AuthService, FailedLoginsAreThrottledPerUserEvenWithTheRightPassword) {
  const auto dir = freshDir();
  auto s = openService(dir);
  ASSERT_TRUE(s->ensureAdmin(std::optional<std::string>("admin-password")).ok());
  EXPECT_EQ(denial(s->login("admin", "wrong-one", "", "10.0.0.1", kNow)), Denial::InvalidCredentials);
  EXPECT_EQ(denial(s->login("nobody", "admin-password", "", "10.0.0.9", kNow)), Denial::InvalidCredentials);
  for (int i = 0; i < 4; ++i) (void)s->login("admin", "wrong-one", "", fmt::format("10.0.1.{}", i), kNow + 1);
  const auto locked = s->login("admin", "admin-password", "", "10.0.0.2", kNow + 2);
  ASSERT_EQ(denial(locked), Denial::TooManyAttempts);
  EXPECT_GT(std::get<Denied>(locked).retryAfterSeconds, 0);
  ok(s->login("admin", "admin-password", "", "10.0.0.2", kNow + 40));  // the 30 s lockout has passed
}

TEST(AuthService, SecondFactorIsRequiredCheckedAndNotReusable) {
  const auto dir = freshDir();
  auto s = openService(dir);
  ok(s->createUser(NewUser{"carol", "carol-password", {Role::Trader}, {AccountId{1}}}));
  const MfaEnrollment mfa = ok(s->enableMfa("carol"));
  const auto secret = fromBase32(mfa.secret);
  ASSERT_TRUE(secret.has_value());
  EXPECT_TRUE(mfa.uri.starts_with("otpauth://totp/Alphintra:carol?secret="));

  const auto missing = s->login("carol", "carol-password", "", "127.0.0.1", kNow);
  ASSERT_EQ(denial(missing), Denial::MfaRequired);
  EXPECT_EQ(std::get<Denied>(missing).field, "mfa_token");
  EXPECT_EQ(denial(s->login("carol", "carol-password", "000000", "127.0.0.1", kNow)), Denial::InvalidMfa);
  const std::string code = totpCode(*secret, kNow);
  ok(s->login("carol", "carol-password", code, "127.0.0.1", kNow));
  EXPECT_EQ(denial(s->login("carol", "carol-password", code, "127.0.0.1", kNow + 1)), Denial::InvalidMfa);
  ok(s->login("carol", "carol-password", totpCode(*secret, kNow + 30), "127.0.0.1", kNow + 30));
}

TEST(AuthService, RefreshRotatesAndAReusedRefreshTokenRevokesTheUsersSessions) {
  const auto dir = freshDir();
  auto s = openService(dir);
  ok(s->createUser(NewUser{"dave", "dave-password", {Role::Viewer}, {AccountId{2}}}));
  const Tokens first = ok(s->login("dave", "dave-password", "", "127.0.0.1", kNow));
  const Tokens second = ok(s->refresh(first.refreshToken, kNow + 60));
  EXPECT_NE(second.refreshToken, first.refreshToken);
  EXPECT_EQ(ok(s->verifyAccess(second.accessToken, kNow + 61)).accounts, std::vector<AccountId>{AccountId{2}});
  // The first refresh token again: stolen. The second one stops working too.
  EXPECT_EQ(denial(s->refresh(first.refreshToken, kNow + 62)), Denial::Unauthorized);
  EXPECT_EQ(denial(s->refresh(second.refreshToken, kNow + 63)), Denial::Unauthorized);
  EXPECT_EQ(denial(s->refresh("not-a-token", kNow)), Denial::Unauthorized);

  const Tokens third = ok(s->login("dave", "dave-password", "", "127.0.0.1", kNow + 70));
  s->logout(third.refreshToken);
  EXPECT_EQ(denial(s->refresh(third.refreshToken, kNow + 71)), Denial::Unauthorized);
}

TEST(AuthService, ChangingAUserRevokesItsAccessTokensAtOnce) {
  const auto dir = freshDir();
  auto s = openService(dir);
  ok(s->createUser(NewUser{"erin", "erin-password", {Role::Trader}, {AccountId{1}}}));
  const Tokens t = ok(s->login("erin", "erin-password", "", "127.0.0.1", kNow));
  EXPECT_TRUE(ok(s->verifyAccess(t.accessToken, kNow)).canTrade(AccountId{1}));
  UserUpdate demote;
  demote.roles = std::vector<Role>{Role::Viewer};
  EXPECT_FALSE(ok(s->updateUser("erin", demote)).principal.canTrade(AccountId{1}));
  EXPECT_EQ(denial(s->verifyAccess(t.accessToken, kNow + 1)), Denial::Unauthorized);
  const Tokens again = ok(s->login("erin", "erin-password", "", "127.0.0.1", kNow + 2));
  EXPECT_FALSE(ok(s->verifyAccess(again.accessToken, kNow + 2)).canTrade(AccountId{1}));
  EXPECT_TRUE(ok(s->verifyAccess(again.accessToken, kNow + 2)).canRead(AccountId{1}));
  EXPECT_FALSE(ok(s->verifyAccess(again.accessToken, kNow + 2)).canRead(AccountId{2}));

  UserUpdate disable;
  disable.disabled = true;
  ok(s->updateUser("erin", disable));
  EXPECT_EQ(denial(s->login("erin", "erin-password", "", "127.0.0.2", kNow + 3)), Denial::InvalidCredentials);
}

// The second use of a token comes from the cache of verified tokens: it must still expire on
// time, and a copy with one character changed must still be checked (and refused) in full.
TEST(AuthService, AVerifiedTokenStillExpiresOnTimeAndATamperedCopyIsRefused) {
  const auto dir = freshDir();
  auto s = openService(dir);
  ok(s->createUser(NewUser{"fay", "fay-password", {Role::Trader}, {AccountId{1}}}));
  const Tokens t = ok(s->login("fay", "fay-password", "", "127.0.0.1", kNow));
  EXPECT_EQ(ok(s->verifyAccess(t.accessToken, kNow)).username, "fay");
  EXPECT_EQ(ok(s->verifyAccess(t.accessToken, kNow + 899)).username, "fay");
  EXPECT_EQ(denial(s->verifyAccess(t.accessToken, kNow + 900)), Denial::TokenExpired);
  std::string tampered = t.accessToken;
  const std::size_t payload = tampered.find('.') + 3;
  tampered[payload] = tampered[payload] == 'A' ? 'B' : 'A';
  EXPECT_EQ(denial(s->verifyAccess(tampered, kNow + 1)), Denial::Unauthorized);
  EXPECT_EQ(denial(s->verifyAccess(t.accessToken.substr(0, t.accessToken.size() - 1), kNow + 1)), Denial::Unauthorized);
  EXPECT_EQ(ok(s->verifyAccess(t.accessToken, kNow + 2)).username, "fay");
}

TEST(AuthService, ValidatesUsersAndProtectsTheLastAdmin) {
  const auto dir = freshDir();
  auto s = openService(dir);
  ASSERT_TRUE(s->ensureAdmin(std::optional<std::string>("admin-password")).ok());
  EXPECT_EQ(std::get<Denied>(s->createUser(NewUser{"bad name", "long-enough", {Role::Viewer}, {}})).field, "username");
  EXPECT_EQ(std::get<Denied>(s->createUser(NewUser{"frank", "short", {Role::Viewer}, {}})).field, "password");
  EXPECT_EQ(std::get<Denied>(s->createUser(NewUser{"frank", "long-enough", {}, {}})).field, "roles");
  EXPECT_EQ(denial(s->createUser(NewUser{"admin", "long-enough", {Role::Viewer}, {}})), Denial::Conflict);
  EXPECT_EQ(denial(s->deleteUser("admin")), Denial::Conflict);
  UserUpdate demote;
  demote.roles = std::vector<Role>{Role::Viewer};
  EXPECT_EQ(denial(s->updateUser("admin", demote)), Denial::Conflict);
  EXPECT_EQ(denial(s->deleteUser("nobody")), Denial::NotFound);
  ok(s->createUser(NewUser{"frank", "long-enough", {Role::Admin}, {}}));
  EXPECT_TRUE(ok(s->deleteUser("admin")));
  EXPECT_EQ(s->users().size(), 1u);
}

TEST(AuthService, SignedRequestsAreCheckedInTheirWindowAndNeverTwice) {
  const auto dir = freshDir();
  auto s = openService(dir);
  ok(s->createUser(NewUser{"bot", "bot-password", {Role::Trader}, {AccountId{1}}}));
  const NewApiKey key = ok(s->createApiKey("bot", "algo box", kNow));
  const std::int64_t nowMs = kNow * 1000;
  const std::string ts = std::to_string(nowMs);
  const std::string body = R"({"symbol":"AAPL"})";
  const auto sign = [&](std::string_view timestamp, std::string_view b) {
    return hex(hmacSha256(*fromBase64Url(key.secret), signingString(timestamp, "POST", "/api/v1/orders", b)));
  };
  const std::string signature = sign(ts, body);
  SignedRequest r{key.keyId, ts, signature, "POST", "/api/v1/orders", body};
  EXPECT_EQ(ok(s->verifySigned(r, nowMs + 100)).username, "bot");
  EXPECT_EQ(std::get<Denied>(s->verifySigned(r, nowMs + 200)).field, "X-API-Signature");  // replay

  const std::string otherBody = R"({"symbol":"MSFT"})";
  // The request holds views: the signature it names must outlive it.
  const std::string tamperedSignature = sign(ts, body);
  SignedRequest tampered{key.keyId, ts, tamperedSignature, "POST", "/api/v1/orders", otherBody};
  EXPECT_EQ(std::get<Denied>(s->verifySigned(tampered, nowMs)).field, "X-API-Signature");

  const std::string old = std::to_string(nowMs - 6'000);
  const std::string oldSignature = sign(old, body);
  SignedRequest stale{key.keyId, old, oldSignature, "POST", "/api/v1/orders", body};
  EXPECT_EQ(std::get<Denied>(s->verifySigned(stale, nowMs)).field, "X-API-Timestamp");

  SignedRequest unknown{"ak_nope", ts, signature, "POST", "/api/v1/orders", body};
  EXPECT_EQ(std::get<Denied>(s->verifySigned(unknown, nowMs)).field, "X-API-Key");

  // Independently computed (Python hmac): the signing string's layout is the documented one.
  EXPECT_EQ(hex(hmacSha256(Bytes{'s', 'e', 'c', 'r', 'e', 't', '-', 'k', 'e', 'y'},
                           signingString("1700000000000", "POST", "/api/v1/orders", R"({"a":1})"))),
            "61a356e29f90c9ea1a961e7003fd2ba3bf26f9a0e2bf778735a6ce4e479374cd");

  ASSERT_EQ(s->apiKeys().size(), 1u);
  EXPECT_TRUE(ok(s->deleteApiKey(key.keyId)));
  const std::string later = std::to_string(nowMs + 1);
  const std::string laterSignature = sign(later, body);
  SignedRequest deleted{key.keyId, later, laterSignature, "POST", "/api/v1/orders", body};
  EXPECT_EQ(std::get<Denied>(s->verifySigned(deleted, nowMs)).field, "X-API-Key");
}

}  // namespace
}  // namespace alphintra::auth
