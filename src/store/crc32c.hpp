// CRC32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of every journal record.
//
// Two implementations with identical results: the SSE4.2 `crc32` instruction (x86-64, picked
// once at start-up when the CPU has it, ~8 bytes per cycle) and a portable slicing-by-8 table
// (8 KiB of constexpr tables, ~1-2 GB/s). Written here rather than taken from a library because
// no Debian-packaged library we already depend on exposes CRC32C, and the function is twenty
// lines. Pure functions: safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace alphintra::store {

// CRC32C of `data` (initial value and final XOR 0xFFFFFFFF, as in iSCSI, ext4 and LevelDB).
std::uint32_t crc32c(std::span<const std::byte> data) noexcept;

// Continues a finished CRC over more bytes: crc32cExtend(crc32c(a), b) == crc32c(a ++ b).
std::uint32_t crc32cExtend(std::uint32_t crc, std::span<const std::byte> data) noexcept;

// The two implementations, exposed so that tests hold each to the same vectors.
std::uint32_t crc32cExtendPortable(std::uint32_t crc, std::span<const std::byte> data) noexcept;
// Falls back to the portable code where the CPU or the build target has no CRC32C instruction.
std::uint32_t crc32cExtendHardware(std::uint32_t crc, std::span<const std::byte> data) noexcept;
bool crc32cHardwareAvailable() noexcept;

}  // namespace alphintra::store
