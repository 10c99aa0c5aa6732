// ClientOrderId: the client's own name for an order (FIX ClOrdID, REST clientOrderId).
//
// Clients choose these strings, so they are text, not numbers: 1 to 36 printable ASCII
// characters (a UUID fits), stored inline so that commands and events carrying one stay
// fixed-layout and trivially copyable. An empty id means "none" (e.g. an order entered without
// one). Validate with parse(); fromTrusted() is for ids that were already validated (journal
// replay, tests).
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/result.hpp"

namespace alphintra {

class ClientOrderId {
 public:
  static constexpr std::size_t kMaxLength = 36;

  constexpr ClientOrderId() noexcept = default;

  static Result<ClientOrderId> parse(std::string_view text, std::string_view field = "clientOrderId") {
    if (text.empty()) return makeError(std::string(field), "must not be empty");
    if (text.size() > kMaxLength) {
      return makeError(std::string(field), "is " + std::to_string(text.size()) + " characters long; at most " +
                                               std::to_string(kMaxLength) + " are allowed");
    }
    for (char c : text) {
      if (c < 0x21 || c > 0x7E) {
        return makeError(std::string(field), "may hold only printable ASCII characters without spaces");
      }
    }
    return fromTrusted(text);
  }

  // Truncates to kMaxLength; no character check. For values validated before.
  static ClientOrderId fromTrusted(std::string_view text) noexcept {
    ClientOrderId id;
    id.length_ = static_cast<std::uint8_t>(text.size() < kMaxLength ? text.size() : kMaxLength);
    if (id.length_ != 0) std::memcpy(id.chars_.data(), text.data(), id.length_);  // an empty view may hold no pointer
    return id;
  }

  std::string_view view() const noexcept { return {chars_.data(), length_}; }
  bool isNone() const noexcept { return length_ == 0; }
  // What parse() / fromTrusted() make: at most kMaxLength characters, zero bytes past them. An
  // id copied from bytes (a journal record) is checked with it before view() trusts its length.
  // Word by word on little-endian hosts (recovery checks every id it replays): in each of the
  // five 8-byte words the id takes, the bytes at and past length_ must be zero, the length byte
  // (byte 39) left out.
  bool wellFormed() const noexcept {
    if (length_ > kMaxLength) return false;
    if constexpr (std::endian::native != std::endian::little) {
      for (std::size_t i = length_; i < chars_.size(); ++i) {
        if (chars_[i] != '\0') return false;
      }
      return true;
    } else {
      std::uint64_t words[5];
      static_assert(sizeof(words) == 40);
      std::memcpy(words, chars_.data(), 39);
      std::memcpy(reinterpret_cast<char*>(words) + 39, "", 1);  // byte 39 (the length) counts as zero
      std::uint64_t stray = 0;
      for (std::size_t w = 0; w < 5; ++w) {
        const std::size_t first = w * 8;
        const std::uint64_t past = length_ <= first       ? ~std::uint64_t{0}
                                   : length_ >= first + 8 ? 0
                                                          : ~std::uint64_t{0} << (8 * (length_ - first));
        stray |= words[w] & past;
      }
      return stray == 0;
    }
  }

  // A 64-bit hash of the id, stable across runs and platforms (indexes are rebuilt from
  // snapshots, so it must not depend on the process). Word by word, not character by character:
  // the id's five 8-byte words (zero past the id, so equal ids hash equal) each go through a
  // multiply of their own — independent, so they overlap — and are folded with rotations, a
  // fixed cost whatever the length (a byte loop's chain of multiplies took ~150 cycles for a
  // 36-character id, and the engine hashes each new order's id three times). Callers mix the
  // result further before using its bits (OrderTable::keyHash, ReportTable::defaultHash).
  std::uint64_t hash() const noexcept {
    static_assert(std::endian::native == std::endian::little, "words read as little-endian");
    std::uint64_t w[5];
    static_assert(sizeof(ClientOrderId) == sizeof w && std::is_trivially_copyable_v<ClientOrderId>);
    std::memcpy(w, static_cast<const void*>(this), sizeof w);  // one 40-byte copy: two copies cost 5x
    return (w[0] * 0x9E3779B97F4A7C15ull) ^ std::rotl(w[1] * 0xC2B2AE3D27D4EB4Full, 13) ^
           std::rotl(w[2] * 0x165667B19E3779F9ull, 26) ^ std::rotl(w[3] * 0xD6E8FEB86659FD93ull, 39) ^
           std::rotl(w[4] * 0xFF51AFD7ED558CCDull, 52);
  }

  friend bool operator==(const ClientOrderId& a, const ClientOrderId& b) noexcept { return a.view() == b.view(); }
  friend auto operator<=>(const ClientOrderId& a, const ClientOrderId& b) noexcept { return a.view() <=> b.view(); }

 private:
  std::array<char, 39> chars_{};  // zero-filled past length_, so equal ids have equal bytes
  std::uint8_t length_ = 0;
};
static_assert(sizeof(ClientOrderId) == 40, "ClientOrderId is a fixed-layout field of commands and events");

}  // namespace alphintra
