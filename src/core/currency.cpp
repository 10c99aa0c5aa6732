#include "core/currency.hpp"

#include <fmt/format.h>

#include <utility>

namespace alphintra {

Result<Currency> Currency::parse(std::string_view code) {
  if (code.size() < 3 || code.size() > 5) {
    return makeError("currency", fmt::format("'{}' is not a currency code: expected 3 to 5 characters", code));
  }
  Currency c;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char ch = code[i];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) {
      return makeError("currency", fmt::format("'{}' is not a currency code: only A-Z and 0-9 are allowed", code));
    }
    c.code_[i] = ch;
  }
  c.length_ = static_cast<std::uint8_t>(code.size());
  return c;
}

bool Currency::wellFormed() const noexcept {
  if (length_ != 0 && (length_ < 3 || length_ > 5)) return false;
  for (std::size_t i = 0; i < code_.size(); ++i) {
    const char ch = code_[i];
    const bool ok = i < length_ ? ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) : ch == '\0';
    if (!ok) return false;
  }
  return true;
}

int Currency::minorUnits() const noexcept {
  // ISO 4217 exceptions to the usual two places, and the common crypto assets.
  static constexpr std::pair<std::string_view, int> kTable[] = {
      {"JPY", 0}, {"KRW", 0}, {"CLP", 0}, {"ISK", 0}, {"VND", 0}, {"HUF", 2}, {"BHD", 3},  {"KWD", 3},
      {"OMR", 3}, {"JOD", 3}, {"TND", 3}, {"BTC", 8}, {"ETH", 8}, {"SOL", 8}, {"USDT", 6}, {"USDC", 6}};
  for (const auto& [c, units] : kTable) {
    if (c == code()) return units;
  }
  return 2;
}

}  // namespace alphintra
