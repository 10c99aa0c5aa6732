// CRC32C: slicing-by-8 tables, and the SSE4.2 instruction where the CPU has it (see header).
#include "store/crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define ALPHINTRA_CRC32C_X86 1
#endif

namespace alphintra::store {
namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78u;  // Castagnoli, bit-reflected

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

// tables[0] is the classic byte-at-a-time table; tables[k][b] is the CRC of byte b followed by
// k zero bytes, which lets one step fold eight input bytes with eight lookups.
constexpr Tables makeTables() {
  Tables t{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) != 0 ? (crc >> 1) ^ kPolynomial : crc >> 1;
    t[0][b] = crc;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
  }
  return t;
}

constexpr Tables kTables = makeTables();

inline std::uint32_t load32le(const std::byte* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint32_t extendPortable(std::uint32_t crc, const std::byte* p, std::size_t n) noexcept {
  std::uint32_t c = ~crc;
  for (; n >= 8; n -= 8, p += 8) {
    const std::uint32_t lo = c ^ load32le(p);
    const std::uint32_t hi = load32le(p + 4);
    c = kTables[7][lo & 0xFFu] ^ kTables[6][(lo >> 8) & 0xFFu] ^ kTables[5][(lo >> 16) & 0xFFu] ^ kTables[4][lo >> 24] ^
        kTables[3][hi & 0xFFu] ^ kTables[2][(hi >> 8) & 0xFFu] ^ kTables[1][(hi >> 16) & 0xFFu] ^ kTables[0][hi >> 24];
  }
  for (; n > 0; --n, ++p) c = (c >> 8) ^ kTables[0][(c ^ static_cast<std::uint32_t>(*p)) & 0xFFu];
  return ~c;
}

#ifdef ALPHINTRA_CRC32C_X86
__attribute__((target("sse4.2"))) std::uint32_t extendSse42(std::uint32_t crc, const std::byte* p,
                                                            std::size_t n) noexcept {
  std::uint64_t c = ~crc;
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);  // unaligned load; x86 is little-endian, as the CRC expects
    c = _mm_crc32_u64(c, word);
  }
  auto c32 = static_cast<std::uint32_t>(c);
  for (; n > 0; --n, ++p) c32 = _mm_crc32_u8(c32, static_cast<unsigned char>(*p));
  return ~c32;
}

bool detectSse42() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") != 0;
}
#endif

using ExtendFn = std::uint32_t (*)(std::uint32_t, const std::byte*, std::size_t) noexcept;

ExtendFn pickImplementation() noexcept {
#ifdef ALPHINTRA_CRC32C_X86
  if (detectSse42()) return &extendSse42;
#endif
  return &extendPortable;
}

// Chosen once, on first use (a function-local static: thread-safe initialisation).
ExtendFn implementation() noexcept {
  static const ExtendFn fn = pickImplementation();
  return fn;
}

}  // namespace

std::uint32_t crc32c(std::span<const std::byte> data) noexcept { return crc32cExtend(0, data); }

std::uint32_t crc32cExtend(std::uint32_t crc, std::span<const std::byte> data) noexcept {
  return implementation()(crc, data.data(), data.size());
}

std::uint32_t crc32cExtendPortable(std::uint32_t crc, std::span<const std::byte> data) noexcept {
  return extendPortable(crc, data.data(), data.size());
}

bool crc32cHardwareAvailable() noexcept {
#ifdef ALPHINTRA_CRC32C_X86
  static const bool available = detectSse42();
  return available;
#else
  return false;
#endif
}

std::uint32_t crc32cExtendHardware(std::uint32_t crc, std::span<const std::byte> data) noexcept {
#ifdef ALPHINTRA_CRC32C_X86
  if (crc32cHardwareAvailable()) return extendSse42(crc, data.data(), data.size());
#endif
  return extendPortable(crc, data.data(), data.size());
}

}  // namespace alphintra::store
