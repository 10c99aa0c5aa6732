// CRC32C against the standard check value and the RFC 3720 (iSCSI) appendix B.4 vectors, for
// the dispatched, the portable and the hardware implementations; extension and agreement on
// random data at every length and alignment that matters to the 8-byte loops.
#include "store/crc32c.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace alphintra::store {
namespace {

std::vector<std::byte> bytesOf(std::string_view text) {
  std::vector<std::byte> out;
  for (char c : text) out.push_back(static_cast<std::byte>(c));
  return out;
}

struct Vector {
  const char* name;
  std::vector<std::byte> data;
  std::uint32_t crc;
};

std::vector<Vector> testVectors() {
  std::vector<Vector> v;
  v.push_back({"check value 123456789", bytesOf("123456789"), 0xE3069283u});
  v.push_back({"empty", {}, 0x00000000u});
  v.push_back({"RFC 3720 B.4: 32 bytes of zeros", std::vector<std::byte>(32, std::byte{0x00}), 0x8A9136AAu});
  v.push_back({"RFC 3720 B.4: 32 bytes of ones", std::vector<std::byte>(32, std::byte{0xFF}), 0x62A8AB43u});
  std::vector<std::byte> incrementing, decrementing;
  for (int i = 0; i < 32; ++i) {
    incrementing.push_back(static_cast<std::byte>(i));
    decrementing.push_back(static_cast<std::byte>(31 - i));
  }
  v.push_back({"RFC 3720 B.4: 32 incrementing bytes", incrementing, 0x46DD794Eu});
  v.push_back({"RFC 3720 B.4: 32 decrementing bytes", decrementing, 0x113FDB5Cu});
  // RFC 3720 B.4: an iSCSI SCSI Read (10) command PDU.
  const std::array<std::uint8_t, 48> pdu = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                            0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
                                            0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
                                            0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  std::vector<std::byte> pduBytes;
  for (auto b : pdu) pduBytes.push_back(static_cast<std::byte>(b));
  v.push_back({"RFC 3720 B.4: iSCSI read PDU", pduBytes, 0xD9963A56u});
  return v;
}

TEST(Crc32c, MatchesTheCheckValueAndRfc3720Vectors) {
  for (const Vector& v : testVectors()) {
    EXPECT_EQ(crc32c(v.data), v.crc) << v.name;
    EXPECT_EQ(crc32cExtendPortable(0, v.data), v.crc) << v.name << " (portable)";
    EXPECT_EQ(crc32cExtendHardware(0, v.data), v.crc) << v.name << " (hardware: " << crc32cHardwareAvailable() << ")";
  }
}

TEST(Crc32c, ExtendingEqualsOneShotAndImplementationsAgree) {
  std::mt19937_64 rng(20240601);
  std::vector<std::byte> data(4096 + 64);
  for (auto& b : data) b = static_cast<std::byte>(rng());
  for (std::size_t length = 0; length <= 300; ++length) {
    for (std::size_t align = 0; align < 8; ++align) {
      const std::span<const std::byte> s(data.data() + align, length);
      const std::uint32_t whole = crc32cExtendPortable(0, s);
      ASSERT_EQ(crc32cExtendHardware(0, s), whole) << "length " << length << " align " << align;
      ASSERT_EQ(crc32c(s), whole);
      const std::size_t cut = length == 0 ? 0 : rng() % (length + 1);
      ASSERT_EQ(crc32cExtend(crc32c(s.first(cut)), s.subspan(cut)), whole) << "cut " << cut;
    }
  }
  const std::span<const std::byte> big(data.data(), 4096);
  EXPECT_EQ(crc32cExtendHardware(0, big), crc32cExtendPortable(0, big));
}

TEST(Crc32c, DetectsEverySingleBitFlip) {
  std::vector<std::byte> data = bytesOf("an order acknowledged to a client is in the journal first");
  const std::uint32_t original = crc32c(data);
  for (std::size_t bit = 0; bit < data.size() * 8; ++bit) {
    data[bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
    EXPECT_NE(crc32c(data), original) << "bit " << bit;
    data[bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
  }
}

}  // namespace
}  // namespace alphintra::store
