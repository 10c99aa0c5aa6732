#include "engine/recovery.hpp"

#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "store/journal.hpp"
#include "store/snapshot_file.hpp"

namespace alphintra::engine {

namespace {

// The reader -> replay hand-off: kDepth batches of decoded commands circulate between the two
// threads, filled by the reader and given back by the replaying thread once applied. One lock
// per batch of kBatch commands, never per command. A side waits (parked on its condition
// variable) only when the other is behind, and is woken only when it waits: the reader, once it
// found every batch full, sleeps until half of them are free again, so that a reader faster
// than the replay (the usual case) is woken once every kDepth / 2 batches, not once a batch.
class DecodedBatches {
 public:
  static constexpr std::size_t kBatch = 512;
  static constexpr std::size_t kDepth = 8;

  DecodedBatches() {
    for (std::vector<Command>& b : storage_) {
      b.reserve(kBatch);
      free_.push_back(&b);
    }
  }
  // Reader: an empty batch to fill (waits while every batch is full); nullptr once abandoned.
  std::vector<Command>* acquire() {
    std::unique_lock lock(mutex_);
    if (free_.empty() && !abandoned_) {
      readerWaits_ = true;
      readerWake_.wait(lock, [&] { return abandoned_ || free_.size() >= kDepth / 2; });
      readerWaits_ = false;
    }
    if (abandoned_) return nullptr;
    std::vector<Command>* batch = free_.back();
    free_.pop_back();
    batch->clear();
    return batch;
  }
  void publish(std::vector<Command>* batch) {
    std::unique_lock lock(mutex_);
    full_.push_back(batch);
    wakeReplay(lock);
  }
  void finish() {
    std::unique_lock lock(mutex_);
    finished_ = true;
    wakeReplay(lock);
  }
  // Replay: the next batch in order (waits for it); nullptr once the reader has finished and
  // every batch was handed out, or after abandon().
  std::vector<Command>* next() {
    std::unique_lock lock(mutex_);
    if (full_.empty() && !finished_ && !abandoned_) {
      replayWaits_ = true;
      replayWake_.wait(lock, [&] { return abandoned_ || finished_ || !full_.empty(); });
      replayWaits_ = false;
    }
    if (abandoned_ || full_.empty()) return nullptr;
    std::vector<Command>* batch = full_.front();
    full_.pop_front();
    return batch;
  }
  void release(std::vector<Command>* batch) {
    std::unique_lock lock(mutex_);
    free_.push_back(batch);
    if (readerWaits_ && free_.size() == kDepth / 2) {
      lock.unlock();
      readerWake_.notify_one();
    }
  }
  // Either side stops: the other's waits end.
  void abandon() {
    {
      std::lock_guard lock(mutex_);
      abandoned_ = true;
    }
    readerWake_.notify_one();
    replayWake_.notify_one();
  }

 private:
  void wakeReplay(std::unique_lock<std::mutex>& lock) {
    if (!replayWaits_) return;
    lock.unlock();
    replayWake_.notify_one();
  }

  std::mutex mutex_;
  std::condition_variable readerWake_;
  std::condition_variable replayWake_;
  bool readerWaits_ = false;
  bool replayWaits_ = false;
  std::array<std::vector<Command>, kDepth> storage_;
  std::vector<std::vector<Command>*> free_;
  std::deque<std::vector<Command>*> full_;
  bool finished_ = false;
  bool abandoned_ = false;
};

}  // namespace

std::uint64_t fnv1a(std::uint64_t h, std::span<const std::byte> bytes) noexcept {
  for (std::byte b : bytes) {
    h ^= static_cast<std::uint8_t>(b);
    h *= 1099511628211ull;
  }
  return h;
}

Result<Recovered> recover(const RecoveryOptions& options) {
  const auto log = [&](std::string_view line) {
    if (options.log) options.log(line);
  };
  Recovered result;
  const bool background = options.prefaultInBackground && BackgroundPrefault::available();
  EngineOptions engineOptions = options.engine;
  if (background) engineOptions.tables = Prefault::Later;

  if (options.useSnapshots) {
    for (const auto& [sequence, path] : store::listSnapshots(options.snapshotDir)) {
      if (sequence > options.maxSnapshotSequence) continue;
      auto image = store::readSnapshot(path);
      if (!image.ok()) {
        log("skipping snapshot: " + image.error().message);
        continue;
      }
      auto engine = std::make_unique<Engine>(engineOptions);
      ByteReader reader(image->payload);
      if (!engine->load(reader) || engine->lastSequence() != image->sequence) {
        log("skipping snapshot " + path.string() + ": its content does not decode as an engine state");
        continue;
      }
      result.engine = std::move(engine);
      result.snapshotSequence = image->sequence;
      result.snapshotFile = path.string();
      break;
    }
  }
  if (!result.engine) result.engine = std::make_unique<Engine>(engineOptions);
  // Joined on every way out, before the engine (declared after `result`) can go.
  std::optional<BackgroundPrefault> prefault;
  if (background) prefault.emplace(result.engine->tableMemory());

  std::error_code ec;
  if (!std::filesystem::exists(options.journalDir, ec)) {
    if (result.snapshotSequence != 0) {
      return makeError("journal", "journal directory " + options.journalDir.string() +
                                      " is missing but a snapshot at sequence " +
                                      std::to_string(result.snapshotSequence) + " exists");
    }
    result.lastSequence = 0;
    return result;
  }
  Engine& engine = *result.engine;
  std::vector<EngineEvent> events;
  events.reserve(1024);
  std::uint64_t eventHash = kFnvOffset;
  const auto applyOne = [&](const Command& command) {
    events.clear();
    engine.apply(command, events);
    if (options.hashEvents) {
      for (const EngineEvent& e : events) eventHash = fnv1a(eventHash, std::as_bytes(std::span(&e, 1)));
    }
    if (options.onEvent) {
      for (const EngineEvent& e : events) options.onEvent(e);
    }
  };
  // Replay is a two-stage pipeline: a reader thread reads the journal, checks each record once
  // (store::JournalReader::read: CRC32C, sequence) and decodes it into batches; this thread
  // applies each batch as it comes, with the engine's cache hints running ahead inside the
  // batch (Engine::prefetchUpcoming). Reading, checking and decoding are ~10% of a replay's
  // work; on a second core they overlap the engine's. A journal found damaged part-way fails
  // the recovery once the reader stops, and the engine built so far goes with it.
  const std::uint64_t from = result.snapshotSequence + 1;
  std::optional<Error> failure;  // the reader's (a gap or an undecodable record)
  std::optional<Result<store::JournalReader>> read;
  std::vector<std::string> readerLog;  // logged from this thread once the reader is done
  DecodedBatches batches;
  std::thread reader([&] {
    std::vector<Command>* batch = batches.acquire();
    std::uint64_t decoded = 0;
    read.emplace(store::JournalReader::read(
        options.journalDir, from,
        [&](std::uint64_t sequence, std::span<const std::byte> payload) {
          if (failure || batch == nullptr) return;
          if (sequence != from + decoded) {  // a gap: the checks below name it
            failure = makeError("journal", "record " + std::to_string(sequence) + " does not follow the snapshot");
            return;
          }
          auto command = decode(payload, sequence);
          if (!command.ok()) {
            failure = makeError("journal", "record " + std::to_string(sequence) + ": " + command.error().message);
            return;
          }
          ++decoded;
          batch->push_back(command.value());
          if (batch->size() == DecodedBatches::kBatch) {
            batches.publish(batch);
            batch = batches.acquire();
          }
        },
        [&](std::string_view line) { readerLog.emplace_back(line); }));
    if (batch != nullptr) batches.publish(batch);
    batches.finish();
  });
  // Whatever happens here, the reader is let go and joined before its captures are.
  struct JoinReader {
    DecodedBatches& batches;
    std::thread& reader;
    ~JoinReader() {
      batches.abandon();
      if (reader.joinable()) reader.join();
    }
  } joinReader{batches, reader};
  while (std::vector<Command>* batch = batches.next()) {
    const std::span<const Command> all(*batch);
    for (std::size_t i = 0; i < all.size(); ++i) {
      engine.prefetchUpcoming(all.subspan(i));
      applyOne(all[i]);
    }
    result.replayed += all.size();
    batches.release(batch);
  }
  batches.abandon();
  reader.join();
  for (const std::string& line : readerLog) log(line);
  const Result<store::JournalReader>& scanned = *read;
  if (!scanned.ok()) return scanned.error();
  const store::RecoveryReport& report = scanned->report();
  if (report.recordCount > 0 && report.firstSequence > from) {
    return makeError("journal", "journal starts at sequence " + std::to_string(report.firstSequence) +
                                    " but the state needs every record after " +
                                    std::to_string(result.snapshotSequence));
  }
  if (report.lastSequence < result.snapshotSequence) {
    return makeError("journal", "snapshot at sequence " + std::to_string(result.snapshotSequence) +
                                    " is ahead of the journal, which ends at " + std::to_string(report.lastSequence));
  }
  if (failure) return *failure;
  result.lastSequence = engine.lastSequence();
  result.eventHash = options.hashEvents ? eventHash : 0;
  return result;
}

}  // namespace alphintra::engine
