// Recovery from a data directory: whole-journal replay, snapshot + tail, fallback past a damaged
// snapshot, and refusals (corrupt record in the middle, undecodable record, journal behind
// its snapshot) that name the file and offset. A torn tail is cut by the writer with a log line.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/tests/scratch_dir.hpp"
#include "engine/recovery.hpp"
#include "engine/tests/random_engine_commands.hpp"
#include "store/journal.hpp"
#include "store/snapshot_file.hpp"

namespace alphintra::engine {
namespace {

std::filesystem::path freshDir() { return scratchDirectory("recovery"); }

void writeJournal(const std::filesystem::path& dir, const std::vector<Command>& commands, std::size_t from = 0,
                  std::size_t to = static_cast<std::size_t>(-1)) {
  store::JournalOptions o;
  o.durability = store::Durability::None;
  o.segmentBytes = 256 << 10;  // several segments
  auto w = store::JournalWriter::open(dir, o);
  ASSERT_TRUE(w.ok()) << w.error().message;
  std::byte buf[sizeof(Command)];
  for (std::size_t i = from; i < std::min(to, commands.size()); ++i) {
    const std::size_t n = encode(commands[i], buf);
    auto seq = w.value().append(std::span(buf, n));
    ASSERT_TRUE(seq.ok());
    ASSERT_EQ(seq.value(), commands[i].header.sequence);
  }
  ASSERT_TRUE(w.value().close().ok());
}

std::uint64_t directHash(const std::vector<Command>& commands, std::size_t to,
                         std::vector<std::byte>* state = nullptr) {
  Engine e;
  std::vector<EngineEvent> events;
  for (std::size_t i = 0; i < to; ++i) {
    events.clear();
    e.apply(commands[i], events);
  }
  if (state != nullptr) {
    ByteWriter w(*state);
    e.save(w);
  }
  return e.stateHash();
}

// The whole journal of `commands` under root/journal, and a snapshot of the state after the
// first `at` of them under root/snapshots.
void writeJournalAndSnapshot(const std::filesystem::path& root, const std::vector<Command>& commands, std::size_t at) {
  writeJournal(root / "journal", commands);
  std::vector<std::byte> state;
  directHash(commands, at, &state);
  ASSERT_TRUE(store::writeSnapshot(root / "snapshots", at, state).ok());
}

RecoveryOptions optionsFor(const std::filesystem::path& root, std::vector<std::string>* log = nullptr) {
  RecoveryOptions o;
  o.journalDir = root / "journal";
  o.snapshotDir = root / "snapshots";
  if (log != nullptr) o.log = [log](std::string_view line) { log->emplace_back(line); };
  return o;
}

TEST(Recovery, ReplaysTheWholeJournalWhenThereIsNoSnapshot) {
  const auto root = freshDir();
  const auto commands = testing::randomStream(21, 6'000);
  writeJournal(root / "journal", commands);
  auto r = recover(optionsFor(root));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->snapshotSequence, 0u);
  EXPECT_EQ(r->replayed, commands.size());
  EXPECT_EQ(r->lastSequence, commands.size());
  EXPECT_EQ(r->engine->stateHash(), directHash(commands, commands.size()));
}

TEST(Recovery, UsesTheNewestSnapshotAndReplaysOnlyWhatFollows) {
  const auto root = freshDir();
  const auto commands = testing::randomStream(22, 6'000);
  ASSERT_NO_FATAL_FAILURE(writeJournalAndSnapshot(root, commands, 2'500));
  auto r = recover(optionsFor(root));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->snapshotSequence, 2'500u);
  EXPECT_EQ(r->replayed, commands.size() - 2'500);
  EXPECT_EQ(r->engine->stateHash(), directHash(commands, commands.size()));
  // The same result without the snapshot (the crash test's reference).
  RecoveryOptions full = optionsFor(root);
  full.useSnapshots = false;
  auto f = recover(full);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->engine->stateHash(), r->engine->stateHash());
}

TEST(Recovery, TheTablesFaultedInOnAHelperThreadGiveTheSameStateAndAreResidentOnReturn) {
  const auto root = freshDir();
  const auto commands = testing::randomStream(24, 6'000);
  ASSERT_NO_FATAL_FAILURE(writeJournalAndSnapshot(root, commands, 2'000));
  for (const bool useSnapshots : {false, true}) {
    RecoveryOptions background = optionsFor(root);
    background.useSnapshots = useSnapshots;
    background.engine.expectedOrders = 40'000;  // several chunks, most of them never written
    RecoveryOptions inline_ = background;
    inline_.prefaultInBackground = false;
    auto b = recover(background);
    auto i = recover(inline_);
    ASSERT_TRUE(b.ok()) << b.error().message;
    ASSERT_TRUE(i.ok()) << i.error().message;
    EXPECT_EQ(b->engine->stateHash(), directHash(commands, commands.size()));
    EXPECT_EQ(b->engine->stateHash(), i->engine->stateHash());
    // Every page of the tables is in memory when recovery returns, as when built inline: the
    // engine goes live without page faults on its order path.
    std::size_t bytes = 0;
    for (const auto& r : b->engine->tableMemory()) {
      std::vector<unsigned char> pages((r.size() + 4095) / 4096);
      ASSERT_EQ(::mincore(r.data(), r.size(), pages.data()), 0);
      for (std::size_t p = 0; p < pages.size(); ++p) ASSERT_EQ(pages[p] & 1u, 1u) << "page " << p;
      bytes += r.size();
    }
    EXPECT_GE(bytes, 40'000 * sizeof(oms::OmsOrder));
  }
}

TEST(Recovery, SkipsADamagedSnapshotAndSaysWhich) {
  const auto root = freshDir();
  const auto commands = testing::randomStream(23, 3'000);
  writeJournal(root / "journal", commands);
  std::vector<std::byte> older;
  std::vector<std::byte> newer;
  directHash(commands, 1'000, &older);
  directHash(commands, 2'000, &newer);
  ASSERT_TRUE(store::writeSnapshot(root / "snapshots", 1'000, older).ok());
  auto newest = store::writeSnapshot(root / "snapshots", 2'000, newer);
  ASSERT_TRUE(newest.ok());
  {
    std::fstream f(newest.value(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x7f');
  }
  std::vector<std::string> log;
  auto r = recover(optionsFor(root, &log));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->snapshotSequence, 1'000u);
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log[0].find(newest.value()), std::string::npos);
  EXPECT_EQ(r->engine->stateHash(), directHash(commands, commands.size()));
}

TEST(Recovery, ACorruptRecordInTheMiddleStopsWithTheFileAndOffset) {
  const auto root = freshDir();
  const auto commands = testing::randomStream(24, 2'000);
  writeJournal(root / "journal", commands);
  const auto segments = store::JournalReader::open(root / "journal")->segments();
  ASSERT_GE(segments.size(), 1u);
  {
    std::fstream f(segments[0].path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(5'000);
    f.put('\x01');
    f.put('\x02');
  }
  auto r = recover(optionsFor(root));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(segments[0].path.filename().string()), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("offset"), std::string::npos) << r.error().message;
}

TEST(Recovery, ATornTailIsCutByTheWriterWithALogLine) {
  const auto root = freshDir();
  const auto commands = testing::randomStream(25, 1'000);
  writeJournal(root / "journal", commands);
  const auto last = store::JournalReader::open(root / "journal")->segments().back().path;
  { std::ofstream(last, std::ios::app | std::ios::binary) << "half a record"; }
  std::vector<std::string> log;
  auto w = store::JournalWriter::open(root / "journal", {}, [&](std::string_view l) { log.emplace_back(l); });
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w.value().close().ok());
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log[0].find("13"), std::string::npos) << log[0];  // bytes dropped
  auto r = recover(optionsFor(root));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->lastSequence, commands.size());
}

TEST(Recovery, ARecordThatIsNotACommandIsAnError) {
  const auto root = freshDir();
  {
    auto w = store::JournalWriter::open(root / "journal");
    ASSERT_TRUE(w.ok());
    const std::byte junk[5] = {};
    ASSERT_TRUE(w.value().append(junk).ok());
    ASSERT_TRUE(w.value().close().ok());
  }
  auto r = recover(optionsFor(root));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("record 1"), std::string::npos) << r.error().message;
}

TEST(Recovery, ASnapshotAheadOfTheJournalIsRefused) {
  const auto root = freshDir();
  const auto commands = testing::randomStream(26, 500);
  writeJournal(root / "journal", commands, 0, 300);
  std::vector<std::byte> state;
  directHash(commands, 400, &state);
  ASSERT_TRUE(store::writeSnapshot(root / "snapshots", 400, state).ok());
  auto r = recover(optionsFor(root));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("ahead of the journal"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace alphintra::engine
