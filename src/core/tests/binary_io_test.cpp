// ByteWriter / ByteReader: little-endian fields, length-prefixed strings, and a fixed-size
// record written in place that gives the same bytes as the field-by-field writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "core/binary_io.hpp"

namespace alphintra {
namespace {

TEST(BinaryIo, ARecordWritesTheSameBytesAsFieldByFieldWrites) {
  std::vector<std::byte> fields;
  ByteWriter a(fields);
  a.u64(0x0102030405060708ull);
  a.u8(9);
  a.boolean(true);
  a.string("abc");
  a.u32(77);
  a.i64(-5);
  a.string("");

  std::vector<std::byte> record;
  ByteWriter b(record);
  b.u8(42);  // a record appends after what is there
  b.record(8 + 1 + 1 + 7 + 4 + 8 + 4)
      .u64(0x0102030405060708ull)
      .u8(9)
      .boolean(true)
      .string("abc")
      .u32(77)
      .i64(-5)
      .string("");
  ASSERT_EQ(record.size(), fields.size() + 1);
  EXPECT_TRUE(std::equal(fields.begin(), fields.end(), record.begin() + 1));

  ByteReader r(std::span<const std::byte>(record).subspan(1));
  EXPECT_EQ(r.u64(), 0x0102030405060708ull);
  EXPECT_EQ(r.u8(), 9);
  EXPECT_TRUE(r.boolean());
  EXPECT_EQ(r.stringView(), "abc");
  EXPECT_EQ(r.u32(), 77u);
  EXPECT_EQ(r.i64(), -5);
  EXPECT_EQ(r.stringView(), "");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.atEnd());
}

}  // namespace
}  // namespace alphintra
