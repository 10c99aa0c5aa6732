// Journal retention (pruneJournal): what goes and what stays, by sequence and by age; the journal
// left behind opens, replays and takes appends; a journal pruned to nothing-but-the-last segment.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <vector>

#include "store/journal.hpp"
#include "store/tests/journal_test_util.hpp"

namespace alphintra::store {
namespace {

using namespace alphintra::store::testing;
namespace fs = std::filesystem;

// A journal of `count` records in segments of ~2 KiB (about 35 records each).
std::vector<JournalReader::Segment> writeSegmented(const fs::path& dir, std::uint64_t count) {
  JournalOptions o;
  o.segmentBytes = 2048;
  o.durability = Durability::None;
  auto opened = JournalWriter::open(dir, o);
  EXPECT_TRUE(opened.ok());
  JournalWriter& w = opened.value();
  for (std::uint64_t s = 1; s <= count; ++s) EXPECT_TRUE(w.append(payloadFor(s)).ok());
  EXPECT_TRUE(w.close().ok());
  auto reader = JournalReader::open(dir);
  EXPECT_TRUE(reader.ok());
  return reader->segments();
}

void makeOld(const fs::path& file, std::chrono::hours age) {
  fs::last_write_time(file, fs::file_time_type::clock::now() - age);
}

TEST(JournalPrune, RemovesTheSegmentsWhollyBeforeKeepFromAndNothingElse) {
  const fs::path dir = freshDirectory();
  const auto segments = writeSegmented(dir, 1000);
  ASSERT_GT(segments.size(), 10u);
  // keepFrom inside segment 5: segments 0..4 end before it and go; 5 holds records it keeps.
  const std::uint64_t keepFrom = segments[5].firstSequence + 3;
  auto pruned = pruneJournal(dir, PruneOptions{keepFrom, std::chrono::seconds{0}});
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(pruned->segmentsRemoved, 5u);
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < 5; ++i) bytes += segments[i].validBytes;
  EXPECT_EQ(pruned->bytesRemoved, bytes);
  EXPECT_EQ(pruned->firstSequence, segments[5].firstSequence);
  for (std::size_t i = 0; i < segments.size(); ++i) EXPECT_EQ(fs::exists(segments[i].path), i >= 5) << i;

  // What is left is a journal: it opens, replays from keepFrom, and takes appends.
  auto reader = JournalReader::open(dir);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(reader->report().firstSequence, segments[5].firstSequence);
  EXPECT_EQ(reader->report().lastSequence, 1000u);
  expectSequence(readAll(dir, keepFrom), keepFrom, 1000);
  auto opened = JournalWriter::open(dir);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  JournalWriter& w = opened.value();
  auto next = w.append(payloadFor(1001));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 1001u);
  ASSERT_TRUE(w.close().ok());
  expectSequence(readAll(dir, segments[5].firstSequence), segments[5].firstSequence, 1001);

  // A second pass with the same horizon has nothing to do.
  auto again = pruneJournal(dir, PruneOptions{keepFrom, std::chrono::seconds{0}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->segmentsRemoved, 0u);
}

TEST(JournalPrune, KeepsEverythingBelowAHorizonOfOneAndTheNewestSegmentAlways) {
  const fs::path dir = freshDirectory();
  const auto segments = writeSegmented(dir, 400);
  const std::uint64_t horizons[] = {0, 1, segments[1].firstSequence - 1};
  for (std::uint64_t keepFrom : horizons) {
    auto pruned = pruneJournal(dir, PruneOptions{keepFrom, std::chrono::seconds{0}});
    ASSERT_TRUE(pruned.ok());
    EXPECT_EQ(pruned->segmentsRemoved, 0u) << keepFrom;
    EXPECT_EQ(pruned->firstSequence, 1u);
  }
  // A horizon past the end: every segment but the newest goes, and the writer carries on.
  auto pruned = pruneJournal(dir, PruneOptions{UINT64_MAX, std::chrono::seconds{0}});
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(pruned->segmentsRemoved, segments.size() - 1);
  EXPECT_TRUE(fs::exists(segments.back().path));
  auto w = JournalWriter::open(dir);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->lastSequence(), 400u);
  EXPECT_EQ(w->recovery().firstSequence, segments.back().firstSequence);
}

TEST(JournalPrune, ASegmentGoesOnlyOnceItIsOldEnoughAndTheFirstYoungOneEndsThePass) {
  const fs::path dir = freshDirectory();
  const auto segments = writeSegmented(dir, 600);
  ASSERT_GT(segments.size(), 6u);
  makeOld(segments[0].path, std::chrono::hours{30});
  makeOld(segments[1].path, std::chrono::hours{25});
  // segments[2] is young; segments[3] is old but behind it, so it stays (no gap is ever made).
  makeOld(segments[3].path, std::chrono::hours{40});
  auto pruned = pruneJournal(dir, PruneOptions{UINT64_MAX, std::chrono::hours{24}});
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(pruned->segmentsRemoved, 2u);
  EXPECT_FALSE(fs::exists(segments[0].path));
  EXPECT_FALSE(fs::exists(segments[1].path));
  EXPECT_TRUE(fs::exists(segments[2].path));
  EXPECT_TRUE(fs::exists(segments[3].path));
  EXPECT_EQ(pruned->firstSequence, segments[2].firstSequence);
  expectSequence(readAll(dir, segments[2].firstSequence), segments[2].firstSequence, 600);
}

TEST(JournalPrune, AMissingDirectoryIsAnErrorNamingIt) {
  const fs::path dir = freshDirectory();
  auto pruned = pruneJournal(dir, PruneOptions{100, std::chrono::seconds{0}});
  ASSERT_FALSE(pruned.ok());
  EXPECT_NE(pruned.error().message.find(dir.string()), std::string::npos) << pruned.error().message;
}

}  // namespace
}  // namespace alphintra::store
