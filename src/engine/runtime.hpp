// EngineRuntime: the engine running live — gateway rings → sequencer → engine → publisher —
// over a data directory holding the journal and the snapshots (DESIGN.md's one idea).
//
// Threads and what each owns:
//  * gateways (callers of submit): one producer thread per gateway ring;
//  * sequencer: drains the gateway rings in batches, stamps each command with the next journal
//    sequence and the live clock's time (never earlier than the previous command's), appends
//    the batch to the journal and group-commits it (one write + one fdatasync under Fsync),
//    and only then passes the batch to the engine — so every event, and with it every
//    acknowledgement a client sees, follows a durable command;
//  * engine: applies commands in sequence (the only thread touching Engine), pushes events to
//    the publisher ring and, every `snapshotEvery` commands (more apart when the state is large:
//    see snapshotBytesPerCommand), serializes its state for the snapshot thread. When the engine
//    thread is idle (nothing in its ring, not applying), the sequencer applies a committed batch
//    itself (EngineThread::Adaptive): under light load that saves every command a hand-off to a
//    parked thread — a wake-up, ~30 µs of scheduling delay on a VM — while under load the batches
//    still go through the ring and the two threads work in parallel (one mutex, taken once per
//    batch, keeps a single thread in the engine at a time);
//  * publisher: hands each event to the caller's handler (execution reports to clients,
//    market data, metrics);
//  * snapshot: writes serialized states to disk (file I/O stays off the engine thread).
// Threads talk through bounded SPSC rings only (core/spsc_ring.hpp); a full ring makes the
// producer wait (backpressure) rather than grow.
// Waiting (core/idle_wait.hpp): a thread with nothing to do spins briefly, then parks on a futex
// word of its own (sequencerWake_, engineWake_, publisherWake_) that its producers notify after
// each push — one fence and one load while it is awake, a wake-up syscall only when it is
// parked. A producer waiting for room in a full ring parks the same way on that ring's room word,
// notified by the consumer after each pop. Flags a waiting thread must see (stopping, a
// producer done, a query) notify the word too, so a parked thread never misses them.
// The snapshot hand-off is a mutex-guarded slot touched once per `snapshotEvery` commands, never
// per command; the written state's buffer goes back to the engine thread for the next one.
//
// Start-up recovers first (engine/recovery.hpp): the journal writer opens (cutting a torn tail
// with a log line), the newest valid snapshot is loaded and the journal after it replayed.
// stop() drains every ring, commits, writes a final snapshot and joins the threads.
// A failed journal write or sync stops the sequencer for good (failure() says why): nothing
// after it is acknowledged.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/idle_wait.hpp"
#include "core/result.hpp"
#include "core/spsc_ring.hpp"
#include "engine/engine.hpp"
#include "engine/recovery.hpp"
#include "store/journal.hpp"

namespace alphintra::engine {

// Which thread applies a committed batch. Adaptive: the sequencer itself when the engine thread is
// idle, else the engine thread (through its ring). Own: always the engine thread.
enum class EngineThread : std::uint8_t { Adaptive, Own };

struct RuntimeOptions {
  std::filesystem::path dataDir = "data";  // journal/ and snapshots/ inside
  store::Durability durability = store::Durability::Fsync;
  std::uint64_t journalSegmentBytes = 64ull << 20;  // store::JournalOptions::segmentBytes
  std::size_t ringCapacity = 1u << 16;              // per ring (commands or events)
  // Commands per group commit at most. Only a cap: a batch is what has arrived, so under light
  // load batches stay small. Under full load a commit of ~2.5 MB (16384 commands) keeps
  // fdatasync near the disk's streaming rate; 4096 (~600 KB) held a VM disk to ~0.9 M commands/s.
  std::size_t batchLimit = 16384;
  std::uint64_t snapshotEvery = 0;  // commands between snapshots, at least; 0: only at stop
  // Spacing by size: after a snapshot of B bytes the next waits for at least
  // B / snapshotBytesPerCommand commands too, so that snapshots write about as many bytes as the
  // journal does in between (~130 bytes per order command) rather than the whole state every
  // `snapshotEvery` commands — with hundreds of thousands of resting orders that was three times
  // the journal's bytes. Recovery then replays at most about as many commands as the snapshot
  // holds records, which costs about what loading it does. 0: by count only.
  std::uint64_t snapshotBytesPerCommand = 128;
  std::size_t gateways = 1;
  EngineThread engineThread = EngineThread::Adaptive;
  EngineOptions engine{};
  std::function<Timestamp()> clock;  // live clock, read by the sequencer only (default: system clock)
  std::function<void(std::string_view)> log;
  // Recovery (recovery.hpp): the newest snapshot used is at or before this sequence, and each
  // event the replay regenerates is handed to `recoveryEvents` (on the calling thread, before
  // start() returns; the live handler sees only events of new commands).
  std::uint64_t maxSnapshotSequence = UINT64_MAX;
  std::function<void(const EngineEvent&)> recoveryEvents;
  // Journal retention (store::pruneJournal), on the snapshot thread after each snapshot written:
  // the closed segments whose records all come before the oldest snapshot — the oldest a
  // recovery may fall back to — and that were last written at least this long ago are deleted.
  // Unset: every segment is kept (a whole-history replay stays possible).
  std::optional<std::chrono::seconds> journalRetention;
  // The newest snapshot a restart's recovery may use (what it will pass as maxSnapshotSequence);
  // called on the snapshot thread. While the oldest snapshot is newer, a recovery would replay
  // the journal from its start, so nothing is deleted. Unset: no limit.
  std::function<std::uint64_t()> recoveryLimit;
};

using EventHandler = std::function<void(const EngineEvent&)>;

class EngineRuntime {
 public:
  // Recovers the data directory and starts the threads. `onRecovered` runs on the calling
  // thread with the recovered engine before any thread starts (e.g. to read reference data).
  static Result<std::unique_ptr<EngineRuntime>> start(RuntimeOptions options, EventHandler handler,
                                                      const std::function<void(const Engine&)>& onRecovered = {});
  ~EngineRuntime();
  EngineRuntime(const EngineRuntime&) = delete;
  EngineRuntime& operator=(const EngineRuntime&) = delete;

  // Gateway `gateway`'s producer side; one thread per gateway. False when its ring is full or
  // the runtime is stopping or failed.
  bool trySubmit(std::size_t gateway, const Command& command);
  // Waits (spinning, then parked until the sequencer makes room) while the ring is full; false
  // when stopping or failed.
  bool submit(std::size_t gateway, const Command& command);

  // Runs `query` on the engine thread between two commands, with read-only access to the engine
  // (positions, cash, book depth: state that no event carries whole). For the edges' queries,
  // not the hot path: at most kMaxPendingQueries wait; false when that many wait or the runtime
  // is stopping (the query then never runs). A query must be quick (it delays the next command)
  // and must not call back into the runtime.
  static constexpr std::size_t kMaxPendingQueries = 1024;
  using Query = std::function<void(const Engine&)>;
  bool inspect(Query query);

  // Drains, commits, snapshots and joins. Idempotent. Returns the first failure, if any.
  std::optional<Error> stop();

  const Recovered& recovery() const noexcept { return recovered_; }
  std::uint64_t durableSequence() const noexcept { return durable_.load(std::memory_order_acquire); }
  std::uint64_t appliedSequence() const noexcept { return applied_.load(std::memory_order_acquire); }
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  // Batches the sequencer applied itself (EngineThread::Adaptive, the engine thread idle).
  std::uint64_t batchesAppliedBySequencer() const noexcept {
    return batchesAppliedBySequencer_.load(std::memory_order_relaxed);
  }
  // Snapshots serialized by the engine thread so far (periodic and final).
  std::uint64_t snapshotsTaken() const noexcept { return snapshotsTaken_.load(std::memory_order_relaxed); }
  std::string failure() const;

 private:
  EngineRuntime() = default;
  void sequencerLoop();
  void engineLoop();
  // The engine's side, on whichever thread applies commands, with applyMutex_ held:
  void applyBatch(std::span<const Command> commands);
  void finishApplying();  // final snapshot, last queries, then the publisher may stop
  // Sequencer: applies `commands` itself when the engine thread is idle; false: hand them over.
  bool applyHere(std::span<const Command> commands);
  void publisherLoop();
  void snapshotLoop();
  void fail(std::string message);
  void requestSnapshot();
  void applyJournalRetention();  // snapshot thread
  void runQueries();
  // Pushes all of `records` into `ring`, waking `consumer` after each push and parking on `room`
  // while the ring is full.
  template <typename T>
  void pushAll(SpscRing<T>& ring, std::span<const T> records, WakeWord& consumer, WakeWord& room);

  RuntimeOptions options_;
  EventHandler handler_;
  Recovered recovered_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<store::JournalWriter> journal_;

  std::vector<std::unique_ptr<SpscRing<Command>>> gatewayRings_;
  std::unique_ptr<SpscRing<Command>> engineRing_;
  std::unique_ptr<SpscRing<EngineEvent>> eventRing_;

  // One word per waiting thread and cause (idle_wait.hpp); each has one parking thread.
  WakeWord sequencerWake_;  // a gateway ring has commands, or stopping
  WakeWord engineWake_;     // the engine ring has commands, the sequencer is done, or a query waits
  WakeWord publisherWake_;  // the event ring has events, or the engine is done
  WakeWord engineRoom_;     // the sequencer waits for room in the engine ring
  WakeWord eventRoom_;      // the engine waits for room in the event ring
  std::vector<std::unique_ptr<WakeWord>> gatewayRoom_;  // submit() waits for room in its gateway ring

  std::atomic<bool> stopping_{false};
  std::atomic<bool> sequencerDone_{false};
  std::atomic<bool> engineDone_{false};
  std::atomic<bool> failed_{false};
  std::atomic<std::uint64_t> durable_{0};
  std::atomic<std::uint64_t> applied_{0};
  std::atomic<std::uint64_t> snapshotsTaken_{0};

  mutable std::mutex mutex_;  // failure text and the snapshot slot
  std::condition_variable snapshotReady_;
  std::string failure_;
  std::vector<std::byte> pendingSnapshot_;
  std::vector<std::byte> spareSnapshot_;  // a written snapshot's buffer, reused by the next one
  std::size_t lastSnapshotBytes_ = 0;     // the applying thread only (applyMutex_)
  // Held by whichever thread is in the engine (applying a batch, running queries): the engine
  // thread for what it pops, the sequencer for a batch it applies itself. Guards engine_ and the
  // applying state below; once per batch, never per command.
  std::mutex applyMutex_;
  std::atomic<std::uint64_t> batchesAppliedBySequencer_{0};
  std::vector<EngineEvent> events_;  // collected for the publisher (kEventFlush at a time)
  std::uint64_t sinceSnapshot_ = 0;  // commands since the last snapshot
  std::uint64_t snapshotDue_ = 0;    // commands between snapshots now
  std::uint64_t pendingSnapshotSequence_ = 0;
  bool snapshotPending_ = false;
  bool snapshotExit_ = false;

  // Queries from inspect(): a mutex-guarded list, looked at by the engine thread only when the
  // flag says it is not empty (one relaxed load per batch on the hot path).
  std::mutex queriesMutex_;
  std::vector<Query> queries_;
  std::atomic<bool> queriesWaiting_{false};
  bool queriesClosed_ = false;

  std::thread sequencer_;
  std::thread engineThread_;
  std::thread publisher_;
  std::thread snapshotWriter_;
  bool stopped_ = false;
};

}  // namespace alphintra::engine
