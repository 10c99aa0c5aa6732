// The primitives against published test vectors (RFC 6238, RFC 4648, RFC 4231) and JWTs made
// independently (Python's hmac and base64 modules).
#include <gtest/gtest.h>

#include "auth/access_token.hpp"
#include "auth/crypto.hpp"
#include "auth/totp.hpp"

namespace alphintra::auth {
namespace {

Bytes bytesOf(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(Crypto, HmacSha256MatchesRfc4231TestCase2) {
  EXPECT_EQ(hex(hmacSha256(bytesOf("Jefe"), "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base32MatchesRfc4648AndDecodesLeniently) {
  EXPECT_EQ(base32(bytesOf("foobar")), "MZXW6YTBOI");
  EXPECT_EQ(base32(bytesOf("f")), "MY");
  EXPECT_EQ(fromBase32("mzxw 6ytb oi=="), bytesOf("foobar"));
  EXPECT_FALSE(fromBase32("MZXW1").has_value());  // '1' is not in the alphabet
}

TEST(Crypto, Base64UrlRoundTripsAndRejectsOtherAlphabets) {
  const Bytes data = {0xfb, 0xff, 0x00, 0x10};
  EXPECT_EQ(base64Url(data), "-_8AEA");
  EXPECT_EQ(fromBase64Url("-_8AEA"), data);
  EXPECT_FALSE(fromBase64Url("+/8AEA").has_value());
}

TEST(Crypto, PasswordHashIsArgon2idAndVerifiesOnlyTheRightPassword) {
  const std::string hash = hashPassword("correct horse", HashCost::Minimal);
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(verifyPassword(hash, "correct horse"));
  EXPECT_FALSE(verifyPassword(hash, "correct horse "));
  EXPECT_NE(hash, hashPassword("correct horse", HashCost::Minimal));  // salted
}

// RFC 6238 appendix B, SHA-1 rows (8 digits, seed "12345678901234567890").
TEST(Totp, MatchesRfc6238TestVectors) {
  const Bytes seed = bytesOf("12345678901234567890");
  EXPECT_EQ(totpCode(seed, 59, 8), "94287082");
  EXPECT_EQ(totpCode(seed, 1111111109, 8), "07081804");
  EXPECT_EQ(totpCode(seed, 1111111111, 8), "14050471");
  EXPECT_EQ(totpCode(seed, 1234567890, 8), "89005924");
  EXPECT_EQ(totpCode(seed, 2000000000, 8), "69279037");
  EXPECT_EQ(totpCode(seed, 20000000000, 8), "65353130");
}

TEST(Totp, AcceptsOneStepOfDriftAndNeverTheSameStepTwice) {
  const Bytes seed = bytesOf("12345678901234567890");
  const std::int64_t now = 1'700'000'000;
  const std::string current = totpCode(seed, now);
  const auto step = verifyTotp(seed, current, now, 0);
  ASSERT_TRUE(step.has_value());
  EXPECT_EQ(*step, now / kTotpStepSeconds);
  EXPECT_FALSE(verifyTotp(seed, current, now, *step).has_value());               // replay
  EXPECT_TRUE(verifyTotp(seed, totpCode(seed, now - 30), now, 0).has_value());   // previous step
  EXPECT_FALSE(verifyTotp(seed, totpCode(seed, now - 90), now, 0).has_value());  // too old
  EXPECT_FALSE(verifyTotp(seed, "12a456", now, 0).has_value());
  EXPECT_FALSE(verifyTotp(seed, current + "0", now, 0).has_value());
}

TEST(AccessToken, VerifiesATokenSignedIndependently) {
  const Bytes key(32, 'k');
  // Python: header {"alg":"HS256","typ":"JWT"}, payload {"sub":"alice","ver":3,"iat":1000,"exp":2000,"jti":"x"}.
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsInZlciI6MywiaWF0IjoxMDAwLCJleHAiOjIwMDAsImp0aSI6Ing"
      "ifQ.6f1znfZpXlJbjfj6S-tECBSNtgOLJpknHAzezImxbwI";
  const auto claims = verifyAccessToken(key, token, 1500);
  ASSERT_TRUE(std::holds_alternative<AccessClaims>(claims));
  EXPECT_EQ(std::get<AccessClaims>(claims).username, "alice");
  EXPECT_EQ(std::get<AccessClaims>(claims).version, 3u);
  EXPECT_EQ(std::get<TokenProblem>(verifyAccessToken(key, token, 2000)), TokenProblem::Expired);
  EXPECT_EQ(std::get<TokenProblem>(verifyAccessToken(Bytes(32, 'j'), token, 1500)), TokenProblem::BadSignature);
}

TEST(AccessToken, RefusesTamperedAlgNoneAndMalformedTokens) {
  const Bytes key = randomBytes(32);
  AccessClaims c;
  c.username = "bob";
  c.version = 1;
  c.issuedAt = 100;
  c.expiresAt = 1000;
  const std::string token = signAccessToken(key, c);
  ASSERT_TRUE(std::holds_alternative<AccessClaims>(verifyAccessToken(key, token, 500)));

  // Another payload under the same signature.
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = token.find('.', dot1 + 1);
  AccessClaims admin = c;
  admin.username = "admin";
  const std::string other = signAccessToken(Bytes(32, 'x'), admin);
  const std::string forged = token.substr(0, dot1) +
                             other.substr(other.find('.'), other.find('.', other.find('.') + 1) - other.find('.')) +
                             token.substr(dot2);
  EXPECT_EQ(std::get<TokenProblem>(verifyAccessToken(key, forged, 500)), TokenProblem::BadSignature);

  const std::string none =
      base64Url(std::string_view(R"({"alg":"none","typ":"JWT"})")) + token.substr(dot1, dot2 - dot1) + ".";
  EXPECT_EQ(std::get<TokenProblem>(verifyAccessToken(key, none, 500)), TokenProblem::Malformed);
  EXPECT_EQ(std::get<TokenProblem>(verifyAccessToken(key, "abc", 500)), TokenProblem::Malformed);
  EXPECT_EQ(std::get<TokenProblem>(verifyAccessToken(key, "a.b.c.d", 500)), TokenProblem::Malformed);
  EXPECT_EQ(std::get<TokenProblem>(verifyAccessToken(key, token + "x!", 500)), TokenProblem::Malformed);
}

}  // namespace
}  // namespace alphintra::auth
