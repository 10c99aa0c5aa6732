// Journal behaviour: round trips across segment rolls, reopening, replay from a sequence,
// torn tails cut exactly at every cut point and every bit flip of the last record, corruption
// in the middle and sequence gaps refused with file and offset, options, single writer, and
// no allocation per record in steady state.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/alloc_counter.hpp"
#include "store/journal.hpp"
#include "store/journal_format.hpp"
#include "store/tests/journal_test_util.hpp"

namespace alphintra::store {
namespace {

using namespace alphintra::store::testing;
namespace fs = std::filesystem;

JournalOptions fastOptions(std::uint64_t segmentBytes = 64ull << 20) {
  JournalOptions o;
  o.segmentBytes = segmentBytes;
  o.durability = Durability::None;
  return o;
}

// Appends first..last (payloadFor), committing every `batch` records and at the end.
void appendRange(JournalWriter& w, std::uint64_t first, std::uint64_t last, std::uint64_t batch = 10) {
  for (std::uint64_t s = first; s <= last; ++s) {
    auto seq = w.append(payloadFor(s));
    ASSERT_TRUE(seq.ok()) << seq.error().message;
    ASSERT_EQ(*seq, s);
    if ((s - first + 1) % batch == 0) {
      ASSERT_TRUE(w.commit().ok());
    }
  }
  auto durable = w.commit();
  ASSERT_TRUE(durable.ok()) << durable.error().message;
  ASSERT_EQ(*durable, last);
}

void writeJournal(const fs::path& dir, std::uint64_t count, const JournalOptions& options) {
  auto w = JournalWriter::open(dir, options);
  ASSERT_TRUE(w.ok()) << w.error().message;
  appendRange(w.value(), 1, count);
  ASSERT_TRUE(w.value().close().ok());
}

std::uint64_t recordBytes(std::uint64_t sequence) { return kRecordHeaderBytes + payloadFor(sequence).size(); }

TEST(Journal, RoundTripsManyRecordsAcrossSegmentRolls) {
  const fs::path dir = freshDirectory();
  const std::uint64_t kSegmentBytes = 4096;
  writeJournal(dir, 5000, fastOptions(kSegmentBytes));

  auto reader = JournalReader::open(dir);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  const RecoveryReport& r = reader->report();
  EXPECT_EQ(r.firstSequence, 1u);
  EXPECT_EQ(r.lastSequence, 5000u);
  EXPECT_EQ(r.recordCount, 5000u);
  EXPECT_FALSE(r.tornTail.has_value());
  ASSERT_GT(r.segmentCount, 10u);

  // Each segment is named after its first record, fits the size limit and follows on.
  std::uint64_t expectedFirst = 1;
  for (const auto& seg : reader->segments()) {
    EXPECT_EQ(seg.firstSequence, expectedFirst);
    EXPECT_EQ(seg.path.filename().string(), std::string(segmentFileName(seg.firstSequence).data()));
    EXPECT_LE(fs::file_size(seg.path), kSegmentBytes);
    EXPECT_EQ(fs::file_size(seg.path), seg.validBytes);
    expectedFirst = seg.lastSequence + 1;
  }
  EXPECT_EQ(expectedFirst, 5001u);
  EXPECT_EQ(segmentFiles(dir).size(), r.segmentCount);

  expectSequence(readAll(dir), 1, 5000);
  expectSequence(readAll(dir, 2500), 2500, 5000);  // snapshot at 2499: replay what follows
  expectSequence(readAll(dir, 5000), 5000, 5000);
  EXPECT_TRUE(readAll(dir, 5001).empty());
}

TEST(Journal, ReopeningContinuesTheSequenceAndUncommittedRecordsAreLost) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 100, fastOptions(1000));
  {
    auto w = JournalWriter::open(dir, fastOptions(1000));
    ASSERT_TRUE(w.ok()) << w.error().message;
    EXPECT_EQ(w->nextSequence(), 101u);
    EXPECT_EQ(w->durableSequence(), 100u);
    EXPECT_EQ(w->recovery().lastSequence, 100u);
    appendRange(w.value(), 101, 150);
    // Appended but never committed: dropped when the writer goes away, as in a crash.
    for (std::uint64_t s = 151; s <= 160; ++s) ASSERT_TRUE(w.value().append(payloadFor(s)).ok());
    EXPECT_EQ(w->lastSequence(), 160u);
    EXPECT_EQ(w->durableSequence(), 150u);
  }
  auto w = JournalWriter::open(dir, fastOptions(1000));
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->nextSequence(), 151u);
  appendRange(w.value(), 151, 170);
  ASSERT_TRUE(w.value().close().ok());
  expectSequence(readAll(dir), 1, 170);
}

TEST(Journal, EmptyDirectoryStartsAtSequenceOne) {
  const fs::path dir = freshDirectory();
  auto w = JournalWriter::open(dir, fastOptions());
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->nextSequence(), 1u);
  EXPECT_EQ(w->durableSequence(), 0u);
  auto durable = w.value().commit();  // nothing buffered: no-op
  ASSERT_TRUE(durable.ok());
  EXPECT_EQ(*durable, 0u);
  ASSERT_EQ(segmentFiles(dir).size(), 1u);
  EXPECT_EQ(segmentFiles(dir)[0].filename(), "journal-00000000000000000001.log");

  auto reader = JournalReader::open(dir);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(reader->report().recordCount, 0u);
  EXPECT_EQ(reader->report().lastSequence, 0u);
  EXPECT_TRUE(readAll(dir).empty());
}

TEST(Journal, ReaderOfAMissingDirectoryIsAnError) {
  auto reader = JournalReader::open(freshDirectory());
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("does not exist"), std::string::npos) << reader.error().message;
}

TEST(Journal, EmptyAndLargePayloadsRoundTrip) {
  const fs::path dir = freshDirectory();
  JournalOptions o = fastOptions();
  o.maxPayloadBytes = 100000;
  o.bufferBytes = 128 * 1024;
  std::vector<std::byte> big(100000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::byte>(i * 131 % 251);
  {
    auto w = JournalWriter::open(dir, o);
    ASSERT_TRUE(w.ok()) << w.error().message;
    EXPECT_EQ(*w.value().append({}), 1u);
    EXPECT_EQ(*w.value().append(big), 2u);
    EXPECT_EQ(*w.value().append(big), 3u);  // does not fit behind the first: early write()
    EXPECT_EQ(*w.value().append({}), 4u);
    EXPECT_EQ(*w.value().close(), 4u);
  }
  std::vector<std::vector<std::byte>> payloads;
  auto reader = JournalReader::open(dir);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(
      reader->replay(1, [&](std::uint64_t, std::span<const std::byte> p) { payloads.emplace_back(p.begin(), p.end()); })
          .ok());
  ASSERT_EQ(payloads.size(), 4u);
  EXPECT_TRUE(payloads[0].empty());
  EXPECT_EQ(payloads[1], big);
  EXPECT_EQ(payloads[2], big);
  EXPECT_TRUE(payloads[3].empty());
}

// The reader streams segments through a 1 MiB chunk: records that straddle chunk boundaries
// and records larger than a chunk must come back whole, from open() and from replay().
TEST(Journal, RecordsLargerThanTheReadersChunkRoundTrip) {
  const fs::path dir = freshDirectory();
  JournalOptions o = fastOptions();
  o.maxPayloadBytes = 3u << 20;
  o.bufferBytes = 4u << 20;
  std::vector<std::vector<std::byte>> written;
  for (std::size_t k = 0; k < 40; ++k) {
    const std::size_t size = k % 10 == 3 ? (1u << 20) + 4321 * k : (k % 10 == 7 ? (5u << 19) : 70'001 + k);
    std::vector<std::byte> p(size);
    for (std::size_t i = 0; i < size; i += 97) p[i] = static_cast<std::byte>((i + k) % 251);
    written.push_back(std::move(p));
  }
  {
    auto w = JournalWriter::open(dir, o);
    ASSERT_TRUE(w.ok()) << w.error().message;
    for (const auto& p : written) ASSERT_TRUE(w.value().append(p).ok());
    ASSERT_TRUE(w.value().close().ok());
  }
  auto reader = JournalReader::open(dir);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(reader->report().recordCount, written.size());
  EXPECT_FALSE(reader->report().tornTail.has_value());
  std::vector<std::vector<std::byte>> payloads;
  auto visited = reader->replay(
      1, [&](std::uint64_t, std::span<const std::byte> p) { payloads.emplace_back(p.begin(), p.end()); });
  ASSERT_TRUE(visited.ok()) << visited.error().message;
  EXPECT_EQ(*visited, written.size());
  EXPECT_EQ(payloads, written);
}

TEST(Journal, SmallBufferWritesEarlyAndKeepsOrder) {
  const fs::path dir = freshDirectory();
  JournalOptions o = fastOptions(8192);
  o.maxPayloadBytes = 100;
  o.bufferBytes = 200;  // a record or two: append() write()s the buffer itself
  auto w = JournalWriter::open(dir, o);
  ASSERT_TRUE(w.ok()) << w.error().message;
  appendRange(w.value(), 1, 1000, 1000);
  ASSERT_TRUE(w.value().close().ok());
  expectSequence(readAll(dir), 1, 1000);
}

TEST(Journal, RejectsOversizedPayloadsAndBadOptions) {
  const fs::path dir = freshDirectory();
  JournalOptions o = fastOptions();
  o.maxPayloadBytes = 64;
  o.bufferBytes = 1024;
  auto w = JournalWriter::open(dir, o);
  ASSERT_TRUE(w.ok()) << w.error().message;
  auto tooBig = w.value().append(std::vector<std::byte>(65));
  ASSERT_FALSE(tooBig.ok());
  EXPECT_EQ(tooBig.error().field, "payload");
  EXPECT_FALSE(w->failed());  // a bad argument is not an I/O failure
  EXPECT_EQ(*w.value().append(std::vector<std::byte>(64)), 1u);
  ASSERT_TRUE(w.value().close().ok());

  JournalOptions small = fastOptions();
  small.bufferBytes = small.maxPayloadBytes;  // cannot hold a header too
  auto bad = JournalWriter::open(freshDirectory(), small);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "bufferBytes");
  JournalOptions huge = fastOptions();
  huge.maxPayloadBytes = kMaxPayloadBytes + 1;
  huge.bufferBytes = 64u << 20;
  auto bad2 = JournalWriter::open(freshDirectory(), huge);
  ASSERT_FALSE(bad2.ok());
  EXPECT_EQ(bad2.error().field, "maxPayloadBytes");
}

TEST(Journal, OnlyOneWriterPerDirectory) {
  const fs::path dir = freshDirectory();
  auto first = JournalWriter::open(dir, fastOptions());
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = JournalWriter::open(dir, fastOptions());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("already open for writing"), std::string::npos) << second.error().message;
  ASSERT_TRUE(first.value().close().ok());
  auto third = JournalWriter::open(dir, fastOptions());
  EXPECT_TRUE(third.ok()) << third.error().message;
}

TEST(Journal, BothDurabilityPoliciesCommitAndReportTheDurableSequence) {
  for (Durability policy : {Durability::Fsync, Durability::None}) {
    const fs::path dir = freshDirectory() / (policy == Durability::Fsync ? "fsync" : "none");
    JournalOptions o;
    o.durability = policy;
    o.segmentBytes = 2048;  // rolls too, which syncs the directory under Fsync
    {
      auto w = JournalWriter::open(dir, o);
      ASSERT_TRUE(w.ok()) << w.error().message;
      for (std::uint64_t s = 1; s <= 100; ++s) {
        ASSERT_TRUE(w.value().append(payloadFor(s)).ok());
        if (s % 25 == 0) {
          EXPECT_LT(w->durableSequence(), s);
          auto durable = w.value().commit();
          ASSERT_TRUE(durable.ok()) << durable.error().message;
          EXPECT_EQ(*durable, s);
          EXPECT_EQ(w->durableSequence(), s);
        }
      }
      EXPECT_EQ(w->options().durability, policy);
    }
    expectSequence(readAll(dir), 1, 100);
  }
}

TEST(Journal, SteadyStateAppendAndCommitDoNotAllocate) {
  const fs::path dir = freshDirectory();
  JournalOptions o = fastOptions();
  auto w = JournalWriter::open(dir, o);
  ASSERT_TRUE(w.ok()) << w.error().message;
  std::vector<std::vector<std::byte>> payloads;
  for (std::uint64_t s = 1; s <= 2000; ++s) payloads.push_back(payloadFor(s));
  JournalWriter& writer = w.value();
  for (std::uint64_t s = 1; s <= 100; ++s) ASSERT_TRUE(writer.append(payloads[s - 1]).ok());
  ASSERT_TRUE(writer.commit().ok());

  const std::uint64_t before = bench::allocationCount();
  bool allOk = true;
  for (std::uint64_t s = 101; s <= 2000; ++s) {
    allOk &= writer.append(payloads[s - 1]).ok();
    if (s % 100 == 0) allOk &= writer.commit().ok();
  }
  const std::uint64_t allocations = bench::allocationCount() - before;
  EXPECT_TRUE(allOk);
  EXPECT_EQ(allocations, 0u);
  ASSERT_TRUE(writer.close().ok());
  expectSequence(readAll(dir), 1, 2000);
}

// ---- recovery -------------------------------------------------------------------------------

struct Captured {
  std::vector<std::string> lines;
  JournalLog log() {
    return [this](std::string_view line) { lines.emplace_back(line); };
  }
};

TEST(JournalRecovery, TornTailAtEveryCutPointIsCutAndReportedExactly) {
  const std::uint64_t kRecords = 30;
  const fs::path dir = freshDirectory();
  writeJournal(dir, kRecords, fastOptions(1024));  // several segments; the last one is torn
  const fs::path last = segmentFiles(dir).back();
  const std::vector<std::byte> original = readFile(last);
  const std::uint64_t lastRecord = recordBytes(kRecords);
  const std::uint64_t lastOffset = original.size() - lastRecord;
  ASSERT_GT(lastOffset, 0u) << "want a last segment with more than one record";

  for (std::uint64_t cut = 0; cut < lastRecord; ++cut) {
    SCOPED_TRACE("bytes of the last record kept: " + std::to_string(cut));
    writeFile(last, {original.begin(), original.begin() + static_cast<std::ptrdiff_t>(lastOffset + cut)});
    Captured captured;
    auto w = JournalWriter::open(dir, fastOptions(1024), captured.log());
    ASSERT_TRUE(w.ok()) << w.error().message;
    const RecoveryReport& r = w->recovery();
    EXPECT_EQ(r.lastSequence, kRecords - 1);
    EXPECT_EQ(w->nextSequence(), kRecords);
    if (cut == 0) {
      EXPECT_FALSE(r.tornTail.has_value());  // a clean record boundary: nothing torn
      EXPECT_TRUE(captured.lines.empty());
    } else {
      ASSERT_TRUE(r.tornTail.has_value());
      EXPECT_EQ(r.tornTail->file, last.string());
      EXPECT_EQ(r.tornTail->offset, lastOffset);
      EXPECT_EQ(r.tornTail->bytesDropped, cut);
      EXPECT_TRUE(r.tailTruncated);
      EXPECT_NE(r.tornTail->reason.find(cut < kRecordHeaderBytes ? "partial header" : "partial payload"),
                std::string::npos)
          << r.tornTail->reason;
      ASSERT_EQ(captured.lines.size(), 1u);
      EXPECT_NE(captured.lines[0].find(last.string()), std::string::npos) << captured.lines[0];
      EXPECT_NE(captured.lines[0].find("byte offset " + std::to_string(lastOffset)), std::string::npos)
          << captured.lines[0];
    }
    EXPECT_EQ(fs::file_size(last), lastOffset);
    // The writer carries on from the cut: the lost record is appended again.
    ASSERT_TRUE(w.value().append(payloadFor(kRecords)).ok());
    ASSERT_TRUE(w.value().close().ok());
    EXPECT_EQ(readFile(last), original);
  }
}

TEST(JournalRecovery, GarbageAfterTheLastRecordIsCut) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 20, fastOptions());
  const fs::path last = segmentFiles(dir).back();
  std::vector<std::byte> bytes = readFile(last);
  const std::uint64_t validSize = bytes.size();
  bytes.resize(bytes.size() + 4096, std::byte{0});  // e.g. a preallocated, never-written extent
  writeFile(last, bytes);
  auto w = JournalWriter::open(dir, fastOptions());
  ASSERT_TRUE(w.ok()) << w.error().message;
  ASSERT_TRUE(w->recovery().tornTail.has_value());
  EXPECT_EQ(w->recovery().tornTail->offset, validSize);
  EXPECT_EQ(w->recovery().tornTail->bytesDropped, 4096u);
  EXPECT_EQ(fs::file_size(last), validSize);
  EXPECT_EQ(w->nextSequence(), 21u);
}

TEST(JournalRecovery, ReaderReportsATornTailWithoutCuttingIt) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 20, fastOptions());
  const fs::path last = segmentFiles(dir).back();
  const auto size = fs::file_size(last);
  fs::resize_file(last, size - 3);
  Captured captured;
  auto reader = JournalReader::open(dir, captured.log());
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  ASSERT_TRUE(reader->report().tornTail.has_value());
  EXPECT_FALSE(reader->report().tailTruncated);
  EXPECT_EQ(reader->report().lastSequence, 19u);
  EXPECT_EQ(fs::file_size(last), size - 3);  // untouched
  EXPECT_EQ(captured.lines.size(), 1u);
  expectSequence(readAll(dir), 1, 19);
}

TEST(JournalRecovery, EveryBitFlipInTheLastRecordIsATornTail) {
  const std::uint64_t kRecords = 12;
  const fs::path dir = freshDirectory();
  writeJournal(dir, kRecords, fastOptions());
  const fs::path last = segmentFiles(dir).back();
  const std::vector<std::byte> original = readFile(last);
  const std::uint64_t lastRecord = recordBytes(kRecords);
  const std::uint64_t lastOffset = original.size() - lastRecord;

  for (std::uint64_t bit = 0; bit < lastRecord * 8; ++bit) {
    SCOPED_TRACE("flipped bit " + std::to_string(bit) + " of the last record");
    std::vector<std::byte> flipped = original;
    flipped[lastOffset + bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
    writeFile(last, flipped);
    auto reader = JournalReader::open(dir);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    ASSERT_TRUE(reader->report().tornTail.has_value());
    EXPECT_EQ(reader->report().tornTail->offset, lastOffset);
    EXPECT_EQ(reader->report().tornTail->bytesDropped, lastRecord);
    EXPECT_EQ(reader->report().lastSequence, kRecords - 1);
  }
  // And the writer cuts it.
  std::vector<std::byte> flipped = original;
  ASSERT_EQ(flipped.size(), lastOffset + lastRecord);
  flipped[lastOffset + lastRecord - 1] ^= std::byte{0x01};
  writeFile(last, flipped);
  auto w = JournalWriter::open(dir, fastOptions());
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(fs::file_size(last), lastOffset);
  EXPECT_NE(w->recovery().tornTail->reason.find("checksum mismatch"), std::string::npos);
}

TEST(JournalRecovery, EveryBitFlipInAMiddleRecordIsAnErrorNamingFileAndOffset) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 12, fastOptions());
  const fs::path file = segmentFiles(dir).back();
  const std::vector<std::byte> original = readFile(file);
  std::uint64_t offset = 0;
  for (std::uint64_t s = 1; s < 6; ++s) offset += recordBytes(s);  // record 6 of 12
  const std::string where = file.string() + ": corrupt record at byte offset " + std::to_string(offset);

  for (std::uint64_t bit = 0; bit < recordBytes(6) * 8; ++bit) {
    SCOPED_TRACE("flipped bit " + std::to_string(bit) + " of record 6");
    std::vector<std::byte> flipped = original;
    flipped[offset + bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
    writeFile(file, flipped);
    auto reader = JournalReader::open(dir);
    ASSERT_FALSE(reader.ok());
    EXPECT_NE(reader.error().message.find(where), std::string::npos) << reader.error().message;
    EXPECT_NE(reader.error().message.find("not a torn tail"), std::string::npos) << reader.error().message;
    EXPECT_EQ(reader.error().field, file.string());
  }
  // The writer refuses too, and leaves the file as it was.
  std::vector<std::byte> flipped = original;
  flipped[offset + 20] ^= std::byte{0x40};
  writeFile(file, flipped);
  auto w = JournalWriter::open(dir, fastOptions());
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find(where), std::string::npos) << w.error().message;
  EXPECT_EQ(readFile(file), flipped);
}

TEST(JournalRecovery, DamageAtTheEndOfANonLastSegmentIsAnError) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 100, fastOptions(1024));
  const auto files = segmentFiles(dir);
  ASSERT_GE(files.size(), 3u);
  const fs::path first = files.front();
  auto reader = JournalReader::open(dir);
  ASSERT_TRUE(reader.ok());
  const auto& seg = reader->segments().front();
  const std::uint64_t lastOffset = seg.validBytes - recordBytes(seg.lastSequence);

  std::vector<std::byte> bytes = readFile(first);
  bytes.back() ^= std::byte{0x80};
  writeFile(first, bytes);
  auto flipped = JournalReader::open(dir);
  ASSERT_FALSE(flipped.ok());
  EXPECT_NE(
      flipped.error().message.find(first.string() + ": corrupt record at byte offset " + std::to_string(lastOffset)),
      std::string::npos)
      << flipped.error().message;
  EXPECT_NE(flipped.error().message.find("not the last segment"), std::string::npos);

  bytes.back() ^= std::byte{0x80};
  bytes.pop_back();  // torn, but not at the end of the journal
  writeFile(first, bytes);
  auto torn = JournalWriter::open(dir, fastOptions(1024));
  ASSERT_FALSE(torn.ok());
  EXPECT_NE(torn.error().message.find("partial payload"), std::string::npos) << torn.error().message;
  EXPECT_EQ(fs::file_size(first), bytes.size());  // not cut
}

TEST(JournalRecovery, SegmentsBeforeCheckFromAreTakenOnTheirNamesUnread) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 300, fastOptions(1024));
  const auto files = segmentFiles(dir);
  ASSERT_GE(files.size(), 4u);
  auto full = JournalReader::open(dir);
  ASSERT_TRUE(full.ok());
  const auto& segs = full->segments();
  const std::uint64_t checkFrom = segs[2].firstSequence + 1;  // inside the third segment

  auto partial = JournalReader::open(dir, {}, checkFrom);
  ASSERT_TRUE(partial.ok()) << partial.error().message;
  EXPECT_EQ(partial->report().segmentsUnread, 2u);
  EXPECT_EQ(partial->report().firstSequence, full->report().firstSequence);
  EXPECT_EQ(partial->report().lastSequence, 300u);
  EXPECT_EQ(partial->report().recordCount, full->report().recordCount);
  for (std::size_t i = 0; i < segs.size(); ++i) {
    EXPECT_EQ(partial->segments()[i].lastSequence, segs[i].lastSequence) << i;
  }

  // Damage in an unread segment: opening from checkFrom does not see it, a full open does, and
  // replaying through it is an error naming the file — never a silent skip.
  std::vector<std::byte> bytes = readFile(files.front());
  bytes[bytes.size() / 2] ^= std::byte{0x01};
  writeFile(files.front(), bytes);
  EXPECT_FALSE(JournalReader::open(dir).ok());
  auto skipping = JournalReader::open(dir, {}, checkFrom);
  ASSERT_TRUE(skipping.ok()) << skipping.error().message;
  std::uint64_t visited = 0;
  auto fromStart = skipping->replay(1, [&](std::uint64_t, std::span<const std::byte>) { ++visited; });
  ASSERT_FALSE(fromStart.ok());
  EXPECT_NE(fromStart.error().message.find(files.front().string() + ": invalid record"), std::string::npos)
      << fromStart.error().message;
  // What a recovery from checkFrom reads is all there and checked.
  std::uint64_t next = checkFrom;
  auto fromCheck = skipping->replay(checkFrom, [&](std::uint64_t sequence, std::span<const std::byte> payload) {
    EXPECT_EQ(sequence, next++);
    EXPECT_EQ(std::vector<std::byte>(payload.begin(), payload.end()), payloadFor(sequence));
  });
  ASSERT_TRUE(fromCheck.ok()) << fromCheck.error().message;
  EXPECT_EQ(*fromCheck, 300 - checkFrom + 1);

  // The writer opens the same way and continues the sequence.
  JournalOptions o = fastOptions(1024);
  o.checkFrom = checkFrom;
  auto w = JournalWriter::open(dir, o);
  ASSERT_TRUE(w.ok()) << w.error().message;
  appendRange(w.value(), 301, 310);
  ASSERT_TRUE(w.value().close().ok());

  // A segment taken on its name that holds fewer records than its neighbours say: replay
  // through it stops with an error.
  std::vector<std::byte> second = readFile(files[1]);
  second.resize(second.size() - recordBytes(segs[1].lastSequence));
  writeFile(files[1], second);
  auto shortened = JournalReader::open(dir, {}, checkFrom);
  ASSERT_TRUE(shortened.ok());
  auto through = shortened->replay(segs[1].firstSequence, [](std::uint64_t, std::span<const std::byte>) {});
  ASSERT_FALSE(through.ok());
  EXPECT_NE(through.error().message.find("ends at sequence"), std::string::npos) << through.error().message;
}

// read(): open() and replay() in one pass. It visits exactly what replay() would, from the
// given sequence across segment rolls, stops at a torn tail, and fails on damage in the middle
// after visiting only the records before the damage.
TEST(JournalRecovery, ReadChecksAndVisitsInOnePass) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 300, fastOptions(1024));
  ASSERT_GE(segmentFiles(dir).size(), 4u);
  const auto readFrom = [&](std::uint64_t from, std::vector<Record>& out) {
    out.clear();
    return JournalReader::read(dir, from, [&](std::uint64_t sequence, std::span<const std::byte> payload) {
      out.push_back(Record{sequence, {payload.begin(), payload.end()}});
    });
  };
  std::vector<Record> visited;
  for (const std::uint64_t from : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{137}, std::uint64_t{300}}) {
    SCOPED_TRACE("from " + std::to_string(from));
    auto reader = readFrom(from, visited);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    expectSequence(visited, std::max<std::uint64_t>(from, 1), 300);
    EXPECT_EQ(reader->report().visited, visited.size());
    EXPECT_EQ(reader->report().lastSequence, 300u);
    EXPECT_EQ(reader->report().recordCount, 300u);
  }
  auto beyond = readFrom(301, visited);
  ASSERT_TRUE(beyond.ok());
  EXPECT_TRUE(visited.empty());

  // A torn tail: every record before it, then the report says what was ignored (not cut).
  const fs::path last = segmentFiles(dir).back();
  const auto size = fs::file_size(last);
  fs::resize_file(last, size - 2);
  Captured captured;
  auto torn = JournalReader::read(
      dir, 1,
      [&](std::uint64_t sequence, std::span<const std::byte>) {
        visited.push_back(Record{sequence, {}});
      },
      captured.log());
  ASSERT_TRUE(torn.ok()) << torn.error().message;
  ASSERT_TRUE(torn->report().tornTail.has_value());
  EXPECT_EQ(visited.size(), 299u);
  EXPECT_EQ(visited.back().sequence, 299u);
  EXPECT_EQ(fs::file_size(last), size - 2);
  EXPECT_EQ(captured.lines.size(), 1u);

  // Damage in the middle of the second segment: an error naming the file, after the records
  // before it and none after.
  const fs::path second = segmentFiles(dir)[1];
  auto full = JournalReader::open(dir);
  ASSERT_TRUE(full.ok());
  const std::uint64_t secondFirst = full->segments()[1].firstSequence;
  std::vector<std::byte> bytes = readFile(second);
  bytes[recordBytes(secondFirst) + 9] ^= std::byte{0x10};  // its second record's sequence
  writeFile(second, bytes);
  auto damaged = readFrom(1, visited);
  ASSERT_FALSE(damaged.ok());
  EXPECT_NE(damaged.error().message.find(second.string() + ": corrupt record at byte offset " +
                                         std::to_string(recordBytes(secondFirst))),
            std::string::npos)
      << damaged.error().message;
  expectSequence(visited, 1, secondFirst);
}

TEST(JournalRecovery, AMissingSegmentIsASequenceGap) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 100, fastOptions(1024));
  const auto files = segmentFiles(dir);
  ASSERT_GE(files.size(), 3u);
  fs::remove(files[1]);
  auto reader = JournalReader::open(dir);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("sequence gap"), std::string::npos) << reader.error().message;
  EXPECT_NE(reader.error().message.find(files[0].string()), std::string::npos) << reader.error().message;
  EXPECT_NE(reader.error().message.find(files[2].string()), std::string::npos) << reader.error().message;
  EXPECT_FALSE(JournalWriter::open(dir, fastOptions(1024)).ok());
}

// Records with valid checksums but a wrong sequence are not torn writes: always an error.
TEST(JournalRecovery, ASequenceJumpInsideASegmentIsAnError) {
  const fs::path dir = freshDirectory();
  fs::create_directories(dir);
  std::vector<std::byte> bytes;
  std::uint64_t jumpOffset = 0;
  for (std::uint64_t s : {1, 2, 4}) {
    if (s == 4) jumpOffset = bytes.size();
    const auto payload = payloadFor(s);
    const std::size_t at = bytes.size();
    bytes.resize(at + kRecordHeaderBytes + payload.size());
    encodeRecord(s, payload, bytes.data() + at);
  }
  const fs::path file = dir / segmentFileName(1).data();
  writeFile(file, bytes);
  auto reader = JournalReader::open(dir);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find(file.string() + ": record at byte offset " + std::to_string(jumpOffset) +
                                        " has sequence 4, expected 3"),
            std::string::npos)
      << reader.error().message;
}

TEST(JournalRecovery, ASegmentWhoseFirstRecordDisagreesWithItsNameIsAnError) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 5, fastOptions());
  fs::rename(segmentFiles(dir)[0], dir / segmentFileName(7).data());
  auto reader = JournalReader::open(dir);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("has sequence 1, expected 7"), std::string::npos) << reader.error().message;
}

TEST(JournalRecovery, EmptySegments) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 10, fastOptions());
  // A crash right after a roll created the next segment: an empty last segment is fine.
  writeFile(dir / segmentFileName(11).data(), {});
  {
    auto w = JournalWriter::open(dir, fastOptions());
    ASSERT_TRUE(w.ok()) << w.error().message;
    EXPECT_EQ(w->nextSequence(), 11u);
    EXPECT_EQ(w->recovery().segmentCount, 2u);
    appendRange(w.value(), 11, 15);
    ASSERT_TRUE(w.value().close().ok());
  }
  expectSequence(readAll(dir), 1, 15);
  EXPECT_EQ(fs::file_size(dir / segmentFileName(1).data()), [] {
    std::uint64_t n = 0;
    for (std::uint64_t s = 1; s <= 10; ++s) n += recordBytes(s);
    return n;
  }());

  // An empty segment that is not the last one cannot come from a crash.
  const fs::path dir2 = freshDirectory() / "second";
  writeJournal(dir2, 10, fastOptions());
  writeFile(dir2 / segmentFileName(11).data(), {});
  std::vector<std::byte> record(kRecordHeaderBytes + payloadFor(11).size());
  encodeRecord(11, payloadFor(11), record.data());
  writeFile(dir2 / segmentFileName(12).data(), record);
  auto reader = JournalReader::open(dir2);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("empty segment"), std::string::npos) << reader.error().message;
}

TEST(JournalRecovery, OtherFilesAreIgnoredButMisnamedSegmentsAreErrors) {
  const fs::path dir = freshDirectory();
  writeJournal(dir, 5, fastOptions());
  writeFile(dir / "snapshot-5.bin", {std::byte{1}});
  writeFile(dir / "README", {});
  expectSequence(readAll(dir), 1, 5);
  writeFile(dir / "journal-12.log", {});
  auto reader = JournalReader::open(dir);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("journal-12.log"), std::string::npos) << reader.error().message;
}

TEST(JournalFormat, HeaderIsLittleEndianAndSegmentNamesRoundTrip) {
  std::array<std::byte, kRecordHeaderBytes> out{};
  encodeRecordHeader(RecordHeader{0x04030201u, 0x08070605u, 0x100F0E0D0C0B0A09ull}, out.data());
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], static_cast<std::byte>(i + 1)) << i;
  const RecordHeader back = decodeRecordHeader(out.data());
  EXPECT_EQ(back.length, 0x04030201u);
  EXPECT_EQ(back.crc, 0x08070605u);
  EXPECT_EQ(back.sequence, 0x100F0E0D0C0B0A09ull);

  EXPECT_STREQ(segmentFileName(1).data(), "journal-00000000000000000001.log");
  EXPECT_STREQ(segmentFileName(UINT64_MAX).data(), "journal-18446744073709551615.log");
  EXPECT_EQ(parseSegmentFileName("journal-00000000000000000042.log"), 42u);
  EXPECT_EQ(parseSegmentFileName("journal-18446744073709551615.log"), UINT64_MAX);
  EXPECT_FALSE(parseSegmentFileName("journal-18446744073709551616.log"));  // overflows
  EXPECT_FALSE(parseSegmentFileName("journal-0000000000000000004x.log"));
  EXPECT_FALSE(parseSegmentFileName("journal-42.log"));

  // The checksum covers the sequence then the payload, i.e. bytes [8, 16 + length).
  const std::vector<std::byte> payload = payloadFor(3);
  std::vector<std::byte> record(kRecordHeaderBytes + payload.size());
  encodeRecord(3, payload, record.data());
  EXPECT_EQ(loadLe32(record.data()), payload.size());
  EXPECT_EQ(loadLe32(record.data() + 4), crc32c(std::span(record).subspan(8)));
  EXPECT_EQ(loadLe64(record.data() + 8), 3u);
}

}  // namespace
}  // namespace alphintra::store
