// Snapshot files: round trip, newest-first listing, retention, and every kind of damage
// (bad magic, wrong length, flipped payload byte, name/sequence mismatch) refused with the file
// named.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "store/snapshot_file.hpp"
#include "store/tests/journal_test_util.hpp"

namespace alphintra::store {
namespace {

std::vector<std::byte> bytesOf(std::string_view s) {
  std::vector<std::byte> v(s.size());
  std::memcpy(v.data(), s.data(), s.size());
  return v;
}

void flipByte(const std::filesystem::path& file, std::size_t offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x40);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

TEST(SnapshotFile, RoundTripsPayloadAndSequence) {
  const auto dir = testing::freshDirectory();
  auto written = writeSnapshot(dir, 42, bytesOf("engine state"));
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto image = readSnapshot(written.value());
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_EQ(image->sequence, 42u);
  EXPECT_EQ(image->payload, bytesOf("engine state"));
}

TEST(SnapshotFile, ListsNewestFirstAndKeepsOnlyTheNewest) {
  const auto dir = testing::freshDirectory();
  for (std::uint64_t s : {10u, 30u, 20u}) ASSERT_TRUE(writeSnapshot(dir, s, bytesOf("x"), 2).ok());
  auto all = listSnapshots(dir);
  ASSERT_EQ(all.size(), 2u);  // writing 20 left three files; the oldest (10) was removed
  EXPECT_EQ(all[0].first, 30u);
  EXPECT_EQ(all[1].first, 20u);
}

TEST(SnapshotFile, IgnoresTemporaryFilesLeftByACrash) {
  const auto dir = testing::freshDirectory();
  ASSERT_TRUE(writeSnapshot(dir, 5, bytesOf("ok")).ok());
  std::ofstream(dir / "snapshot-00000000000000000009.snap.tmp") << "half written";
  auto all = listSnapshots(dir);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].first, 5u);
}

TEST(SnapshotFile, RefusesAFlippedPayloadByte) {
  const auto dir = testing::freshDirectory();
  auto written = writeSnapshot(dir, 7, bytesOf("some engine state bytes"));
  ASSERT_TRUE(written.ok());
  flipByte(written.value(), 40);
  auto image = readSnapshot(written.value());
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message.find("checksum"), std::string::npos);
  EXPECT_NE(image.error().message.find(written.value()), std::string::npos);
}

TEST(SnapshotFile, RefusesBadMagicTruncationAndRenamedFiles) {
  const auto dir = testing::freshDirectory();
  auto written = writeSnapshot(dir, 8, bytesOf("state"));
  ASSERT_TRUE(written.ok());
  const std::filesystem::path file = written.value();

  const auto renamed = dir / "snapshot-00000000000000000099.snap";
  std::filesystem::copy_file(file, renamed);
  auto mismatch = readSnapshot(renamed);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message.find("does not match its name"), std::string::npos);

  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 1);
  auto truncated = readSnapshot(file);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().message.find("header says"), std::string::npos);

  flipByte(renamed, 0);
  auto magic = readSnapshot(renamed);
  ASSERT_FALSE(magic.ok());
  EXPECT_NE(magic.error().message.find("bad magic"), std::string::npos);
}

}  // namespace
}  // namespace alphintra::store
