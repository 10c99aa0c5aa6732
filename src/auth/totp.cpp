#include "auth/totp.hpp"

#include <fmt/format.h>

#include <array>

namespace alphintra::auth {
namespace {

std::string hotp(const Bytes& secret, std::int64_t counter, int digits) {
  std::array<std::uint8_t, 8> message{};
  auto c = static_cast<std::uint64_t>(counter);
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(c & 0xFF);
    c >>= 8;
  }
  const Bytes mac = hmacSha1(secret, message.data(), message.size());
  const std::size_t offset = mac[mac.size() - 1] & 0x0F;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  return fmt::format("{:0{}}", binary % modulus, digits);
}

}  // namespace

std::string totpCode(const Bytes& secret, std::int64_t unixSeconds, int digits) {
  return hotp(secret, unixSeconds / kTotpStepSeconds, digits);
}

std::optional<std::int64_t> verifyTotp(const Bytes& secret, std::string_view code, std::int64_t unixSeconds,
                                       std::int64_t lastUsedStep, int digits) {
  if (code.size() != static_cast<std::size_t>(digits)) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::int64_t step = unixSeconds / kTotpStepSeconds;
  for (const std::int64_t candidate : {step, step - 1, step + 1}) {
    if (candidate <= lastUsedStep) continue;
    if (constantTimeEqual(hotp(secret, candidate, digits), code)) return candidate;
  }
  return std::nullopt;
}

std::string totpUri(std::string_view issuer, std::string_view account, const Bytes& secret) {
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30", issuer, account,
                     base32(secret), issuer);
}

}  // namespace alphintra::auth
