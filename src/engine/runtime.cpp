#include "engine/runtime.hpp"

#include <chrono>

#include "core/thread_name.hpp"
#include "store/snapshot_file.hpp"

namespace alphintra::engine {

namespace {

// Events the engine loop collects before handing them to the publisher (see applyBatch).
constexpr std::size_t kEventFlush = 64;
// The largest batch the sequencer applies itself (applyHere): ~64 commands take the engine about
// as long as waking its parked thread takes on a VM (~30 µs).
constexpr std::size_t kApplyHereMax = 64;

Timestamp systemClock() {
  return Timestamp(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

template <typename T>
bool hasRoom(const SpscRing<T>& ring) noexcept {
  return ring.sizeApprox() < ring.capacity();
}

}  // namespace

Result<std::unique_ptr<EngineRuntime>> EngineRuntime::start(RuntimeOptions options, EventHandler handler,
                                                            const std::function<void(const Engine&)>& onRecovered) {
  std::unique_ptr<EngineRuntime> rt(new EngineRuntime());
  if (!options.clock) options.clock = systemClock;
  if (options.gateways == 0) options.gateways = 1;
  const auto log = [&options](std::string_view line) {
    if (options.log) options.log(line);
  };

  // The writer opens first: it cuts a torn tail (logging how many bytes) before anything reads.
  store::JournalOptions jo;
  jo.durability = options.durability;
  jo.segmentBytes = options.journalSegmentBytes;
  // It reads the records a recovery may replay: those after the oldest snapshot (recovery
  // falls back to it when newer ones are damaged; with none, all of them).
  const auto snapshots = store::listSnapshots(options.dataDir / "snapshots");
  jo.checkFrom = snapshots.empty() ? 0 : snapshots.back().first + 1;
  auto writer = store::JournalWriter::open(options.dataDir / "journal", jo, log);
  if (!writer.ok()) return writer.error();
  rt->journal_ = std::make_unique<store::JournalWriter>(std::move(writer).value());

  RecoveryOptions ro;
  ro.journalDir = options.dataDir / "journal";
  ro.snapshotDir = options.dataDir / "snapshots";
  ro.engine = options.engine;
  ro.log = log;
  ro.maxSnapshotSequence = options.maxSnapshotSequence;
  ro.onEvent = options.recoveryEvents;
  auto recovered = recover(ro);
  if (!recovered.ok()) return recovered.error();
  rt->recovered_ = std::move(recovered).value();
  rt->engine_ = std::move(rt->recovered_.engine);
  if (rt->engine_->lastSequence() != rt->journal_->lastSequence()) {
    return makeError("journal", "recovered state ends at sequence " + std::to_string(rt->engine_->lastSequence()) +
                                    " but the journal at " + std::to_string(rt->journal_->lastSequence()));
  }
  if (onRecovered) onRecovered(*rt->engine_);

  rt->options_ = std::move(options);
  rt->handler_ = std::move(handler);
  rt->durable_ = rt->journal_->durableSequence();
  rt->applied_ = rt->engine_->lastSequence();
  for (std::size_t i = 0; i < rt->options_.gateways; ++i) {
    rt->gatewayRings_.push_back(std::make_unique<SpscRing<Command>>(rt->options_.ringCapacity));
    rt->gatewayRoom_.push_back(std::make_unique<WakeWord>());
  }
  rt->engineRing_ = std::make_unique<SpscRing<Command>>(rt->options_.ringCapacity);
  rt->eventRing_ = std::make_unique<SpscRing<EngineEvent>>(rt->options_.ringCapacity);
  rt->events_.reserve(4096);
  rt->snapshotDue_ = rt->options_.snapshotEvery;

  EngineRuntime* self = rt.get();
  rt->snapshotWriter_ = namedThread("snapshot", [self] { self->snapshotLoop(); });
  rt->publisher_ = namedThread("publisher", [self] { self->publisherLoop(); });
  rt->engineThread_ = namedThread("engine", [self] { self->engineLoop(); });
  rt->sequencer_ = namedThread("sequencer", [self] { self->sequencerLoop(); });
  return rt;
}

EngineRuntime::~EngineRuntime() { (void)stop(); }

bool EngineRuntime::trySubmit(std::size_t gateway, const Command& command) {
  if (stopping_.load(std::memory_order_acquire) || failed_.load(std::memory_order_acquire)) return false;
  if (gateway >= gatewayRings_.size() || !gatewayRings_[gateway]->tryPush(command)) return false;
  sequencerWake_.notify();
  return true;
}

bool EngineRuntime::submit(std::size_t gateway, const Command& command) {
  if (gateway >= gatewayRings_.size()) return false;
  const auto mustReturn = [this] {
    return stopping_.load(std::memory_order_acquire) || failed_.load(std::memory_order_acquire);
  };
  IdleWait wait(*gatewayRoom_[gateway]);
  while (!trySubmit(gateway, command)) {
    if (mustReturn()) return false;
    wait.idle([&] { return mustReturn() || hasRoom(*gatewayRings_[gateway]); });
  }
  return true;
}

template <typename T>
void EngineRuntime::pushAll(SpscRing<T>& ring, std::span<const T> records, WakeWord& consumer, WakeWord& room) {
  IdleWait wait(room);
  std::size_t pushed = 0;
  while (pushed < records.size()) {
    const std::size_t k = ring.tryPushBatch(records.subspan(pushed));
    if (k != 0) {
      pushed += k;
      consumer.notify();  // before any wait for room: the consumer must be awake to make it
      wait.reset();
      continue;
    }
    wait.idle([&ring] { return hasRoom(ring); });
  }
}

void EngineRuntime::fail(std::string message) {
  {
    std::lock_guard lock(mutex_);
    if (failure_.empty()) failure_ = std::move(message);
  }
  failed_.store(true, std::memory_order_release);
  for (auto& room : gatewayRoom_) room->notify();  // a submit() waiting for room returns false
  if (options_.log) options_.log("engine runtime failed: " + failure());
}

std::string EngineRuntime::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

void EngineRuntime::sequencerLoop() {
  std::vector<Command> batch(options_.batchLimit);
  std::vector<std::byte> record(sizeof(Command));
  Timestamp lastTime = engine_->lastTime();
  const auto ready = [this] {
    if (stopping_.load(std::memory_order_acquire)) return true;
    for (auto& ring : gatewayRings_) {
      if (ring->sizeApprox() != 0) return true;
    }
    return false;
  };
  IdleWait idle(sequencerWake_);
  for (;;) {
    std::size_t n = 0;
    for (std::size_t g = 0; g < gatewayRings_.size() && n < batch.size(); ++g) {
      const std::size_t k = gatewayRings_[g]->popBatch(std::span(batch.data() + n, batch.size() - n));
      if (k == 0) continue;
      n += k;
      gatewayRoom_[g]->notify();  // a submit() may be waiting for room
    }
    if (n == 0) {
      if (stopping_.load(std::memory_order_acquire)) {
        bool empty = true;
        for (auto& ring : gatewayRings_) empty = empty && ring->sizeApprox() == 0;
        if (empty) break;
      }
      idle.idle(ready);
      continue;
    }
    idle.reset();
    if (failed_.load(std::memory_order_acquire)) continue;  // drain and drop: nothing after a failure is applied
    for (std::size_t i = 0; i < n; ++i) {
      Command& c = batch[i];
      const Timestamp now = options_.clock();
      lastTime = now > lastTime ? now : lastTime;
      c.header.sequence = journal_->nextSequence();
      c.header.time = lastTime;
      const std::size_t len = encode(c, record);
      auto appended = journal_->append(std::span(record.data(), len));
      if (!appended.ok()) {
        fail(appended.error().message);
        break;
      }
    }
    if (failed_.load(std::memory_order_acquire)) continue;
    auto committed = journal_->commit();
    if (!committed.ok()) {
      fail(committed.error().message);
      continue;
    }
    durable_.store(committed.value(), std::memory_order_release);
    if (!applyHere(std::span<const Command>(batch.data(), n))) {
      pushAll(*engineRing_, std::span<const Command>(batch.data(), n), engineWake_, engineRoom_);
    }
  }
  sequencerDone_.store(true, std::memory_order_release);
  engineWake_.notify();
}

bool EngineRuntime::applyHere(std::span<const Command> commands) {
  // The engine thread applies what it pops with applyMutex_ held, so an empty ring seen with the
  // mutex held means every batch handed over before has been applied: this one may go next, on
  // this thread. When the engine thread holds the mutex (busy), or batches wait in the ring, the
  // batch is handed over as usual and the two threads work in parallel. So is a large batch: it
  // means commands arrive faster than one thread sequences and applies them (while the sequencer
  // applied, the next batch piled up), and the engine thread then takes over the applying.
  if (options_.engineThread != EngineThread::Adaptive || commands.size() > kApplyHereMax ||
      engineRing_->sizeApprox() != 0) {
    return false;
  }
  std::unique_lock lock(applyMutex_, std::try_to_lock);
  if (!lock.owns_lock() || engineRing_->sizeApprox() != 0) return false;
  applyBatch(commands);
  batchesAppliedBySequencer_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void EngineRuntime::engineLoop() {
  std::vector<Command> batch(options_.batchLimit);
  const auto ready = [this] {
    return engineRing_->sizeApprox() != 0 || sequencerDone_.load(std::memory_order_acquire) ||
           queriesWaiting_.load(std::memory_order_acquire);
  };
  IdleWait idle(engineWake_);
  for (;;) {
    if (queriesWaiting_.load(std::memory_order_relaxed) || engineRing_->sizeApprox() != 0) {
      // Held while popping and applying (see applyHere), and while queries run: the sequencer
      // may be applying a batch of its own.
      std::lock_guard lock(applyMutex_);
      if (queriesWaiting_.load(std::memory_order_relaxed)) runQueries();
      const std::size_t n = engineRing_->popBatch(std::span(batch));
      if (n != 0) {
        engineRoom_.notify();  // the sequencer may be waiting for room
        applyBatch(std::span<const Command>(batch.data(), n));
        idle.reset();
        continue;
      }
    }
    if (sequencerDone_.load(std::memory_order_acquire) && engineRing_->sizeApprox() == 0) break;
    idle.idle(ready);
  }
  std::lock_guard lock(applyMutex_);
  finishApplying();
}

void EngineRuntime::applyBatch(std::span<const Command> commands) {
  const std::size_t n = commands.size();
  for (std::size_t i = 0; i < n && i < kPrefetchAhead; ++i) engine_->prefetch(commands[i]);
  // Events go to the publisher a few dozen at a time (and at the end of the batch): one ring
  // publication and one wake-up check per group instead of per command, so a busy engine and
  // publisher do not trade a cache line and a fence for every two or three events.
  for (std::size_t i = 0; i < n; ++i) {
    engine_->prefetchUpcoming(commands.subspan(i));
    engine_->apply(commands[i], events_);
    if (events_.size() >= kEventFlush || i + 1 == n) {
      pushAll(*eventRing_, std::span<const EngineEvent>(events_), publisherWake_, eventRoom_);
      events_.clear();
    }
    applied_.store(commands[i].header.sequence, std::memory_order_release);
    if (options_.snapshotEvery != 0 && ++sinceSnapshot_ >= snapshotDue_) {
      sinceSnapshot_ = 0;
      requestSnapshot();
      snapshotDue_ = options_.snapshotEvery;
      if (options_.snapshotBytesPerCommand != 0) {
        snapshotDue_ = std::max<std::uint64_t>(snapshotDue_, lastSnapshotBytes_ / options_.snapshotBytesPerCommand);
      }
    }
  }
}

void EngineRuntime::finishApplying() {
  // Final snapshot: the next start replays nothing.
  if (!failed_.load(std::memory_order_acquire) && engine_->lastSequence() != 0) requestSnapshot();
  {
    std::lock_guard lock(queriesMutex_);
    queriesClosed_ = true;
  }
  runQueries();  // those that got in before the close still get their answer
  engineDone_.store(true, std::memory_order_release);
  publisherWake_.notify();
}

bool EngineRuntime::inspect(Query query) {
  std::lock_guard lock(queriesMutex_);
  if (queriesClosed_ || queries_.size() >= kMaxPendingQueries) return false;
  queries_.push_back(std::move(query));
  queriesWaiting_.store(true, std::memory_order_release);
  engineWake_.notify();
  return true;
}

void EngineRuntime::runQueries() {
  std::vector<Query> ready;
  {
    std::lock_guard lock(queriesMutex_);
    ready.swap(queries_);
    queriesWaiting_.store(false, std::memory_order_relaxed);
  }
  for (Query& q : ready) q(*engine_);
}

void EngineRuntime::requestSnapshot() {
  // Serialized into the buffer of an earlier snapshot, reserved to the last size and a quarter:
  // a state of hundreds of MB is not grown by doubling (copies) into fresh pages (faults) on
  // the engine thread each time.
  std::vector<std::byte> bytes;
  {
    std::lock_guard lock(mutex_);
    bytes.swap(spareSnapshot_);
  }
  bytes.clear();
  bytes.reserve(lastSnapshotBytes_ + lastSnapshotBytes_ / 4);
  ByteWriter writer(bytes);
  engine_->save(writer);
  lastSnapshotBytes_ = bytes.size();
  snapshotsTaken_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    if (snapshotPending_) spareSnapshot_.swap(pendingSnapshot_);  // a newer state replaces one not yet written
    pendingSnapshot_ = std::move(bytes);
    pendingSnapshotSequence_ = engine_->lastSequence();
    snapshotPending_ = true;
  }
  snapshotReady_.notify_one();
}

void EngineRuntime::snapshotLoop() {
  for (;;) {
    std::vector<std::byte> bytes;
    std::uint64_t sequence = 0;
    {
      std::unique_lock lock(mutex_);
      snapshotReady_.wait(lock, [this] { return snapshotPending_ || snapshotExit_; });
      if (!snapshotPending_) return;
      bytes = std::move(pendingSnapshot_);
      sequence = pendingSnapshotSequence_;
      snapshotPending_ = false;
    }
    auto written = store::writeSnapshot(options_.dataDir / "snapshots", sequence, bytes);
    if (!written.ok() && options_.log) options_.log("snapshot not written: " + written.error().message);
    if (written.ok()) applyJournalRetention();
    std::lock_guard lock(mutex_);
    if (spareSnapshot_.capacity() < bytes.capacity()) spareSnapshot_.swap(bytes);  // for the next one
  }
}

void EngineRuntime::applyJournalRetention() {
  if (!options_.journalRetention) return;
  const auto snapshots = store::listSnapshots(options_.dataDir / "snapshots");  // newest first
  if (snapshots.empty()) return;
  const std::uint64_t oldest = snapshots.back().first;
  if (options_.recoveryLimit && oldest > options_.recoveryLimit()) return;
  auto pruned =
      store::pruneJournal(options_.dataDir / "journal", store::PruneOptions{oldest, *options_.journalRetention});
  if (!options_.log) return;
  if (!pruned.ok()) {
    options_.log("journal retention: " + pruned.error().message);
  } else if (pruned->segmentsRemoved > 0) {
    options_.log("journal: removed " + std::to_string(pruned->segmentsRemoved) +
                 (pruned->segmentsRemoved == 1 ? " segment (" : " segments (") + std::to_string(pruned->bytesRemoved) +
                 " bytes) written more than " + std::to_string(options_.journalRetention->count()) +
                 " s ago and before the oldest snapshot (" + std::to_string(oldest) +
                 "); the journal now starts at sequence " + std::to_string(pruned->firstSequence));
  }
}

void EngineRuntime::publisherLoop() {
  // 256 events (~66 KB): the copy out of the ring lands in the L2 cache, not past it.
  std::vector<EngineEvent> batch(256);
  const auto ready = [this] { return eventRing_->sizeApprox() != 0 || engineDone_.load(std::memory_order_acquire); };
  IdleWait idle(publisherWake_);
  for (;;) {
    const std::size_t n = eventRing_->popBatch(std::span(batch));
    if (n == 0) {
      if (engineDone_.load(std::memory_order_acquire) && eventRing_->sizeApprox() == 0) break;
      idle.idle(ready);
      continue;
    }
    idle.reset();
    eventRoom_.notify();  // the engine may be waiting for room
    if (handler_) {
      for (std::size_t i = 0; i < n; ++i) handler_(batch[i]);
    }
  }
}

std::optional<Error> EngineRuntime::stop() {
  if (stopped_) return failed() ? std::optional<Error>(makeError("engine", failure())) : std::nullopt;
  stopped_ = true;
  stopping_.store(true, std::memory_order_release);
  sequencerWake_.notify();
  for (auto& room : gatewayRoom_) room->notify();  // a submit() waiting for room returns false
  if (sequencer_.joinable()) sequencer_.join();
  if (engineThread_.joinable()) engineThread_.join();
  if (publisher_.joinable()) publisher_.join();
  {
    std::lock_guard lock(mutex_);
    snapshotExit_ = true;
  }
  snapshotReady_.notify_one();
  if (snapshotWriter_.joinable()) snapshotWriter_.join();
  if (journal_ && !journal_->failed()) {
    auto closed = journal_->close();
    if (!closed.ok()) fail(closed.error().message);
  }
  if (failed()) return makeError("engine", failure());
  return std::nullopt;
}

}  // namespace alphintra::engine
