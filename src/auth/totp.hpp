// TOTP second factor (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, 6 digits —
// what authenticator apps use by default. A code is accepted for the current step and one step
// either side (clock drift); the caller remembers the last step a user's code was accepted for
// and passes it in, so one code cannot be used twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/crypto.hpp"

namespace alphintra::auth {

inline constexpr std::int64_t kTotpStepSeconds = 30;

// The code for the step containing `unixSeconds`, zero-padded to `digits` (6 to 8).
std::string totpCode(const Bytes& secret, std::int64_t unixSeconds, int digits = 6);

// The step the code matched (current, previous or next), if it did and that step is later
// than `lastUsedStep`; nullopt otherwise (also for text that is not `digits` digits).
std::optional<std::int64_t> verifyTotp(const Bytes& secret, std::string_view code, std::int64_t unixSeconds,
                                       std::int64_t lastUsedStep, int digits = 6);

// The otpauth:// URI authenticator apps import (as a QR code or by hand).
std::string totpUri(std::string_view issuer, std::string_view account, const Bytes& secret);

}  // namespace alphintra::auth
