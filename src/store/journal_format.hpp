// The journal's on-disk format: record header layout, its little-endian encoding, the record
// checksum and segment file names. docs/journal.md is the prose version of this file.
//
// A segment file is a sequence of records and nothing else (no file header):
//
//   offset  size  field
//   0       4     length    payload bytes, uint32 little-endian, 0..kMaxPayloadBytes
//   4       4     crc32c    CRC32C over bytes [8, 16 + length): the sequence, then the payload
//   8       8     sequence  uint64 little-endian; 1 for the first record ever, +1 per record
//   16      len   payload   opaque bytes (the engine's fixed-layout command structs)
//
// The sequence sits right before the payload so that the checksum covers one contiguous range.
// A segment is named after the sequence of its first record: journal-<20 digits>.log.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

#include "store/crc32c.hpp"

namespace alphintra::store {

// The header as values; on disk it is always the little-endian encoding below, whatever the
// host's byte order (never memcpy'd as a struct), so the struct's own layout is not the format.
struct RecordHeader {
  std::uint32_t length = 0;
  std::uint32_t crc = 0;
  std::uint64_t sequence = 0;
};
inline constexpr std::size_t kRecordHeaderBytes = 16;
static_assert(sizeof(RecordHeader) == kRecordHeaderBytes, "the header is 16 bytes with no padding");

// Largest payload the format allows; a header claiming more is corrupt by definition.
inline constexpr std::uint32_t kMaxPayloadBytes = 16u << 20;

// Byte offset of the first checksummed byte (the sequence) inside a record.
inline constexpr std::size_t kChecksumStart = 8;

inline void storeLe32(std::byte* out, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<std::byte>((v >> (8 * i)) & 0xFFu);
}
inline void storeLe64(std::byte* out, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::byte>((v >> (8 * i)) & 0xFFu);
}
inline std::uint32_t loadLe32(const std::byte* in) noexcept {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(in[i]) << (8 * i);
  return v;
}
inline std::uint64_t loadLe64(const std::byte* in) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(in[i]) << (8 * i);
  return v;
}

inline void encodeRecordHeader(const RecordHeader& h, std::byte* out) noexcept {
  storeLe32(out, h.length);
  storeLe32(out + 4, h.crc);
  storeLe64(out + 8, h.sequence);
}

inline RecordHeader decodeRecordHeader(const std::byte* in) noexcept {
  return RecordHeader{loadLe32(in), loadLe32(in + 4), loadLe64(in + 8)};
}

// The checksum a record with this sequence and payload must carry.
inline std::uint32_t recordChecksum(std::uint64_t sequence, std::span<const std::byte> payload) noexcept {
  std::array<std::byte, 8> seq{};
  storeLe64(seq.data(), sequence);
  return crc32cExtend(crc32c(seq), payload);
}

// Encodes a whole record (header + payload) into `out`, which must hold
// kRecordHeaderBytes + payload.size() bytes. Used by the writer's buffer and by tests that
// craft journals byte by byte.
inline void encodeRecord(std::uint64_t sequence, std::span<const std::byte> payload, std::byte* out) noexcept {
  encodeRecordHeader(
      RecordHeader{static_cast<std::uint32_t>(payload.size()), recordChecksum(sequence, payload), sequence}, out);
  if (!payload.empty()) std::memcpy(out + kRecordHeaderBytes, payload.data(), payload.size());
}

// "journal-" + 20 decimal digits (zero-padded first sequence) + ".log" = 32 characters.
inline constexpr std::string_view kSegmentPrefix = "journal-";
inline constexpr std::string_view kSegmentSuffix = ".log";
inline constexpr std::size_t kSegmentDigits = 20;
inline constexpr std::size_t kSegmentNameLength = 32;

// The file name of the segment whose first record has `firstSequence`, NUL-terminated.
inline std::array<char, kSegmentNameLength + 1> segmentFileName(std::uint64_t firstSequence) noexcept {
  std::array<char, kSegmentNameLength + 1> name{};
  std::size_t i = 0;
  for (char c : kSegmentPrefix) name[i++] = c;
  for (std::size_t d = 0; d < kSegmentDigits; ++d) {
    name[i + kSegmentDigits - 1 - d] = static_cast<char>('0' + firstSequence % 10);
    firstSequence /= 10;
  }
  i += kSegmentDigits;
  for (char c : kSegmentSuffix) name[i++] = c;
  name[i] = '\0';
  return name;
}

// The first sequence a segment file name stands for, or nothing when `name` is not exactly
// journal-<20 digits>.log (or its number does not fit 64 bits).
inline std::optional<std::uint64_t> parseSegmentFileName(std::string_view name) noexcept {
  if (name.size() != kSegmentNameLength || !name.starts_with(kSegmentPrefix) || !name.ends_with(kSegmentSuffix)) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (char c : name.substr(kSegmentPrefix.size(), kSegmentDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace alphintra::store
