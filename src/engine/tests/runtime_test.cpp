// The threaded runtime: commands from a gateway come back as events only after they are
// durable, in sequence; stop() leaves a snapshot from which a restart recovers the same state
// as a full journal replay; commands and queries sent one at a time, with pauses that let every
// thread park, each come back (no wake-up lost along gateway → sequencer → engine → publisher).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/tests/scratch_dir.hpp"
#include "engine/runtime.hpp"
#include "engine/tests/random_engine_commands.hpp"
#include "store/journal.hpp"
#include "store/snapshot_file.hpp"

namespace alphintra::engine {
namespace {

std::filesystem::path freshDir() { return scratchDirectory("runtime"); }

// Each runs with the sequencer applying small batches while the engine thread is idle
// (Adaptive, the default) and with every batch handed to the engine thread (Own).
constexpr EngineThread kEngineThreads[] = {EngineThread::Adaptive, EngineThread::Own};

std::string nameOf(EngineThread t) { return t == EngineThread::Own ? "own" : "adaptive"; }

void eventsFollowDurableCommands(EngineThread engineThread, store::Durability durability) {
  const auto root = freshDir() / (nameOf(engineThread) + (durability == store::Durability::None ? "-none" : "-fsync"));
  const auto commands = testing::randomStream(31, 3'000);

  std::mutex mutex;
  std::vector<EngineEvent> events;
  std::atomic<EngineRuntime*> runtime{nullptr};
  std::atomic<bool> notDurable{false};
  RuntimeOptions options;
  options.dataDir = root;
  options.durability = durability;
  options.engineThread = engineThread;
  options.snapshotEvery = 1'000;
  options.ringCapacity = 1024;  // small rings: backpressure is exercised
  auto rt = EngineRuntime::start(options, [&](const EngineEvent& e) {
    EngineRuntime* r = runtime.load();
    if (r != nullptr && e.commandSequence > r->durableSequence()) notDurable = true;
    std::lock_guard lock(mutex);
    events.push_back(e);
  });
  ASSERT_TRUE(rt.ok()) << rt.error().message;
  runtime = rt.value().get();
  for (Command c : commands) {
    c.header.sequence = 0;  // the sequencer stamps these
    c.header.time = Timestamp{};
    ASSERT_TRUE(rt.value()->submit(0, c));
  }
  EXPECT_FALSE(rt.value()->stop().has_value());
  if (engineThread == EngineThread::Own) {
    EXPECT_EQ(rt.value()->batchesAppliedBySequencer(), 0u);
  }
  EXPECT_FALSE(notDurable.load());
  EXPECT_EQ(rt.value()->durableSequence(), commands.size());
  EXPECT_EQ(rt.value()->appliedSequence(), commands.size());
  ASSERT_FALSE(events.empty());
  for (std::size_t i = 1; i < events.size(); ++i) {
    ASSERT_LE(events[i - 1].commandSequence, events[i].commandSequence);  // in sequence order
  }
  EXPECT_FALSE(store::listSnapshots(root / "snapshots").empty());
  runtime = nullptr;
  rt.value().reset();

  // Restart: from the final snapshot, nothing to replay; same state as replaying everything.
  std::uint64_t restartedHash = 0;
  auto again = EngineRuntime::start(options, {}, [&](const Engine& e) { restartedHash = e.stateHash(); });
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value()->recovery().snapshotSequence, commands.size());
  EXPECT_EQ(again.value()->recovery().replayed, 0u);
  EXPECT_FALSE(again.value()->stop().has_value());

  RecoveryOptions full;
  full.journalDir = root / "journal";
  full.snapshotDir = root / "snapshots";
  full.useSnapshots = false;
  auto replayed = recover(full);
  ASSERT_TRUE(replayed.ok()) << replayed.error().message;
  EXPECT_EQ(replayed->engine->stateHash(), restartedHash);
  EXPECT_EQ(replayed->replayed, commands.size());
}

TEST(Runtime, EventsFollowDurableCommandsAndARestartRecoversTheState) {
  for (const store::Durability durability : {store::Durability::Fsync, store::Durability::None}) {
    for (const EngineThread engineThread : kEngineThreads) {
      SCOPED_TRACE(nameOf(engineThread));
      eventsFollowDurableCommands(engineThread, durability);
    }
  }
}

// Snapshots come every `snapshotEvery` commands while the state is small, and further apart
// once writing the state would cost more than the journal written in between.
TEST(Runtime, SnapshotsAreSpacedByTheStateSize) {
  const auto commands = testing::randomStream(11, 3'000);
  const auto run = [&](std::uint64_t bytesPerCommand) {
    const auto root = freshDir();
    RuntimeOptions options;
    options.dataDir = root;
    options.durability = store::Durability::None;
    options.snapshotEvery = 50;
    options.snapshotBytesPerCommand = bytesPerCommand;
    auto rt = EngineRuntime::start(options, [](const EngineEvent&) {});
    EXPECT_TRUE(rt.ok());
    if (!rt.ok()) return std::uint64_t{0};
    for (Command c : commands) {
      c.header.sequence = 0;
      c.header.time = Timestamp{};
      EXPECT_TRUE(rt.value()->submit(0, c));
    }
    EXPECT_FALSE(rt.value()->stop().has_value());
    const std::uint64_t taken = rt.value()->snapshotsTaken();
    rt.value().reset();
    // Whatever the spacing, a restart recovers the state a full replay gives.
    RecoveryOptions snap;
    snap.journalDir = root / "journal";
    snap.snapshotDir = root / "snapshots";
    RecoveryOptions full = snap;
    full.useSnapshots = false;
    auto a = recover(snap);
    auto b = recover(full);
    EXPECT_TRUE(a.ok() && b.ok());
    if (a.ok() && b.ok()) {
      EXPECT_EQ(a->engine->stateHash(), b->engine->stateHash());
    }
    return taken;
  };
  const std::uint64_t byCount = run(0);
  EXPECT_EQ(byCount, commands.size() / 50 + 1);  // every 50 commands, and one at stop
  // One byte per command: a state of a few KB waits thousands of commands.
  const std::uint64_t bySize = run(1);
  EXPECT_GE(bySize, 2u);
  EXPECT_LT(bySize, byCount / 4);
}

// Journal retention: after each snapshot the segments before the oldest snapshot go (when old
// enough and when the recovery limit allows); what is left recovers the same state as a full
// replay of an unpruned twin, also when the newest snapshot is damaged and recovery falls back.
TEST(Runtime, JournalRetentionDeletesOnlyWhatNoRecoveryNeeds) {
  const auto commands = testing::randomStream(23, 4'000);
  const auto run = [&](const std::filesystem::path& root, std::optional<std::chrono::seconds> retention,
                       std::function<std::uint64_t()> limit) {
    RuntimeOptions options;
    options.dataDir = root;
    options.durability = store::Durability::None;
    options.journalSegmentBytes = 8 << 10;  // ~60 records a segment
    options.snapshotEvery = 500;
    options.snapshotBytesPerCommand = 0;
    options.clock = [] { return Timestamp(1'000'000'000); };  // the same stamps in every run
    options.journalRetention = retention;
    options.recoveryLimit = std::move(limit);
    // Two sessions, each ending in a snapshot at its stop, so that two snapshots are kept
    // whether or not the snapshot thread got to the periodic ones (a newer state replaces one
    // not yet written).
    const std::size_t half = commands.size() / 2;
    for (const auto& [from, to] : {std::pair{std::size_t{0}, half}, std::pair{half, commands.size()}}) {
      auto rt = EngineRuntime::start(options, [](const EngineEvent&) {});
      ASSERT_TRUE(rt.ok()) << rt.error().message;
      for (std::size_t i = from; i < to; ++i) {
        Command c = commands[i];
        c.header.sequence = 0;
        c.header.time = Timestamp{};
        ASSERT_TRUE(rt.value()->submit(0, c));
      }
      EXPECT_FALSE(rt.value()->stop().has_value());
    }
  };
  const auto firstSegment = [](const std::filesystem::path& root) {
    auto reader = store::JournalReader::open(root / "journal");
    EXPECT_TRUE(reader.ok());
    return reader.ok() ? reader->report().firstSequence : 0;
  };
  const auto restartHash = [](const std::filesystem::path& root) {
    RecoveryOptions o;
    o.journalDir = root / "journal";
    o.snapshotDir = root / "snapshots";
    auto r = recover(o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->engine->stateHash() : 0;
  };

  const auto base = freshDir();
  const auto twin = base / "kept";
  run(twin, std::nullopt, {});
  EXPECT_EQ(firstSegment(twin), 1u);
  RecoveryOptions full;
  full.journalDir = twin / "journal";
  full.snapshotDir = twin / "snapshots";
  full.useSnapshots = false;
  auto replayed = recover(full);
  ASSERT_TRUE(replayed.ok()) << replayed.error().message;
  const std::uint64_t expected = replayed->engine->stateHash();

  const auto pruned = base / "pruned";
  run(pruned, std::chrono::seconds{0}, [] { return UINT64_MAX; });
  const auto snapshots = store::listSnapshots(pruned / "snapshots");
  ASSERT_EQ(snapshots.size(), 2u);
  const std::uint64_t oldest = snapshots.back().first;
  EXPECT_GT(firstSegment(pruned), 1u);
  EXPECT_LE(firstSegment(pruned), oldest);        // the oldest snapshot's successors are all there
  EXPECT_GT(firstSegment(pruned) + 200, oldest);  // and not much more (segments of ~60 records)
  EXPECT_EQ(restartHash(pruned), expected);
  // The newest snapshot damaged: recovery falls back to the older one, whose records were kept.
  {
    std::ofstream damage(snapshots.front().second, std::ios::binary | std::ios::in | std::ios::out);
    damage.seekp(40);
    damage.put('\x5a');
  }
  EXPECT_EQ(restartHash(pruned), expected);
  // With no snapshot at all, the pruned journal cannot rebuild the state: an error, not a guess.
  RecoveryOptions scratch;
  scratch.journalDir = pruned / "journal";
  scratch.snapshotDir = pruned / "snapshots";
  scratch.useSnapshots = false;
  auto refused = recover(scratch);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("journal starts at sequence"), std::string::npos) << refused.error().message;

  // A recovery limit below every snapshot (a projection that has committed nothing yet) keeps
  // the whole journal, and so do segments younger than the retention.
  const auto limited = base / "limited";
  run(limited, std::chrono::seconds{0}, [] { return std::uint64_t{0}; });
  EXPECT_EQ(firstSegment(limited), 1u);
  const auto young = base / "young";
  run(young, std::chrono::seconds{3600}, {});
  EXPECT_EQ(firstSegment(young), 1u);
  EXPECT_EQ(restartHash(young), expected);
}

TEST(Runtime, SequencerStampsTimeFromTheInjectedClockNeverBackwards) {
  const auto root = freshDir();
  std::atomic<std::int64_t> now{5'000};
  RuntimeOptions options;
  options.dataDir = root;
  options.durability = store::Durability::None;
  options.clock = [&] { return Timestamp(now.fetch_sub(1)); };  // a clock that goes backwards
  std::mutex mutex;
  std::vector<Timestamp> times;
  auto rt = EngineRuntime::start(options, [&](const EngineEvent& e) {
    std::lock_guard lock(mutex);
    times.push_back(e.time);
  });
  ASSERT_TRUE(rt.ok());
  for (const Command& c : testing::setupCommands()) ASSERT_TRUE(rt.value()->submit(0, c));
  EXPECT_FALSE(rt.value()->stop().has_value());
  ASSERT_FALSE(times.empty());
  for (const Timestamp t : times) EXPECT_EQ(t.nanos(), 5'000);
}

TEST(Runtime, InspectRunsQueriesOnTheEngineThreadBetweenCommandsAndRefusesAfterStop) {
  for (const EngineThread engineThread : kEngineThreads) {
    SCOPED_TRACE(nameOf(engineThread));
    const auto root = freshDir() / nameOf(engineThread);
    const auto commands = testing::randomStream(7, 500);
    RuntimeOptions options;
    options.dataDir = root;
    options.durability = store::Durability::None;
    options.engineThread = engineThread;
    auto rt = EngineRuntime::start(options, [](const EngineEvent&) {});
    ASSERT_TRUE(rt.ok()) << rt.error().message;
    for (Command c : commands) {
      c.header.sequence = 0;
      c.header.time = Timestamp{};
      ASSERT_TRUE(rt.value()->submit(0, c));
    }
    // A query sees a consistent engine: the sequence it reads is one the engine had finished.
    std::atomic<std::uint64_t> seen{0};
    std::atomic<int> ran{0};
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(rt.value()->inspect([&](const Engine& e) {
        seen.store(e.lastSequence());
        ran.fetch_add(1);
      }));
    }
    EXPECT_FALSE(rt.value()->stop().has_value());
    EXPECT_EQ(ran.load(), 50);  // every accepted query ran, at the latest when the engine stopped
    EXPECT_LE(seen.load(), commands.size());
    EXPECT_FALSE(rt.value()->inspect([](const Engine&) { FAIL() << "a query after stop ran"; }));
  }
}

// Waits until `done()` holds; false after `kGuard`, which only a lost wake-up reaches (the test
// then fails instead of hanging). Nothing is timed.
template <typename Done>
bool waitFor(Done&& done) {
  constexpr auto kGuard = std::chrono::seconds{20};
  const auto deadline = std::chrono::steady_clock::now() + kGuard;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(Runtime, ParkedThreadsWakeForEveryCommandAndQuery) {
  for (const EngineThread engineThread : kEngineThreads) {
    SCOPED_TRACE(nameOf(engineThread));
    const auto root = freshDir() / nameOf(engineThread);
    RuntimeOptions options;
    options.dataDir = root;
    options.durability = store::Durability::None;
    options.engineThread = engineThread;
    std::atomic<std::uint64_t> lastEventSequence{0};
    auto rt = EngineRuntime::start(options, [&](const EngineEvent& e) { lastEventSequence.store(e.commandSequence); });
    ASSERT_TRUE(rt.ok()) << rt.error().message;
    EngineRuntime& runtime = *rt.value();

    std::vector<Command> commands = testing::setupCommands();
    for (int i = 0; i < 300; ++i) commands.push_back(testing::deposit(1 + i % 4, 1));  // each answered by a result
    std::uint64_t sequence = 0;
    for (Command c : commands) {
      // Idle long enough for the sequencer, the engine and the publisher to park (they spin for
      // microseconds); the command must wake them in turn (Adaptive: the sequencer applies it
      // itself, so the engine thread stays parked).
      std::this_thread::sleep_for(std::chrono::microseconds{300});
      c.header.sequence = 0;
      c.header.time = Timestamp{};
      ASSERT_TRUE(runtime.submit(0, c));
      ++sequence;
      ASSERT_TRUE(waitFor([&] { return lastEventSequence.load() == sequence; })) << "command " << sequence;
    }
    // A query wakes a parked engine thread.
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::microseconds{300});
      std::atomic<bool> ran{false};
      ASSERT_TRUE(runtime.inspect([&](const Engine&) { ran.store(true); }));
      ASSERT_TRUE(waitFor([&] { return ran.load(); })) << "query " << i;
    }
    EXPECT_EQ(runtime.appliedSequence(), commands.size());
    // Each command came alone, to an idle engine thread.
    EXPECT_EQ(runtime.batchesAppliedBySequencer(), engineThread == EngineThread::Adaptive ? commands.size() : 0u);
    EXPECT_FALSE(runtime.stop().has_value());
  }
}

// A batch larger than the sequencer applies itself goes to the engine thread. The clock holds the
// sequencer inside its first batch (one command) while a thousand more arrive: that one is applied
// by the sequencer, the next batch — all thousand — by the engine thread.
TEST(Runtime, TheSequencerHandsLargeBatchesToTheEngineThread) {
  const auto root = freshDir();
  std::atomic<bool> entered{false};
  std::atomic<bool> released{false};
  std::atomic<bool> guardHit{false};
  RuntimeOptions options;
  options.dataDir = root;
  options.durability = store::Durability::None;
  options.clock = [&] {
    entered.store(true);
    if (!waitFor([&] { return released.load(); })) guardHit.store(true);
    return Timestamp(1'000);
  };
  std::atomic<std::uint64_t> events{0};
  auto rt = EngineRuntime::start(options, [&](const EngineEvent&) { events.fetch_add(1); });
  ASSERT_TRUE(rt.ok()) << rt.error().message;
  EngineRuntime& runtime = *rt.value();
  std::vector<Command> commands = testing::setupCommands();
  for (int i = 0; i < 1'000; ++i) commands.push_back(testing::deposit(1 + i % 4, 1));
  ASSERT_TRUE(runtime.submit(0, commands[0]));
  ASSERT_TRUE(waitFor([&] { return entered.load(); }));
  for (std::size_t i = 1; i < commands.size(); ++i) ASSERT_TRUE(runtime.submit(0, commands[i]));
  released.store(true);
  ASSERT_TRUE(waitFor([&] { return runtime.appliedSequence() == commands.size(); }));
  EXPECT_EQ(runtime.batchesAppliedBySequencer(), 1u);
  EXPECT_FALSE(runtime.stop().has_value());
  EXPECT_FALSE(guardHit.load());
  EXPECT_GE(events.load(), commands.size());
}

}  // namespace
}  // namespace alphintra::engine
