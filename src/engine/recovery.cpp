#include "engine/recovery.hpp"

#include <optional>
#include <span>
#include <vector>

#include "store/journal.hpp"
#include "store/snapshot_file.hpp"

namespace alphintra::engine {

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
  // Commands are decoded into a window and applied kPrefetchAhead records behind the decoder,
  // so that the engine's cache hints for them (Engine::prefetchUpcoming) run ahead, as in the
  // live engine loop; the last few are applied after the journal is read. On any error the
  // engine is discarded.
  constexpr std::size_t kWindow = 256;
  std::vector<Command> window;
  window.reserve(kWindow);
  const auto applyUpTo = [&](std::size_t end) {
    const std::span<const Command> all(window);
    for (std::size_t i = 0; i < end; ++i) {
      engine.prefetchUpcoming(all.subspan(i));
      applyOne(window[i]);
    }
    window.erase(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(end));
  };
  // Only the records after the snapshot are read, each checked once and applied as soon as it
  // passes (JournalReader::read): a journal found damaged part-way fails the recovery, and the
  // engine built so far goes with it.
  const std::uint64_t from = result.snapshotSequence + 1;
  std::optional<Error> failure;
  auto reader = store::JournalReader::read(
      options.journalDir, from,
      [&](std::uint64_t sequence, std::span<const std::byte> payload) {
        if (failure) return;
        if (sequence != from + result.replayed) {  // a gap: the checks below name it
          failure = makeError("journal", "record " + std::to_string(sequence) + " does not follow the snapshot");
          return;
        }
        auto command = decode(payload, sequence);
        if (!command.ok()) {
          failure = makeError("journal", "record " + std::to_string(sequence) + ": " + command.error().message);
          return;
        }
        ++result.replayed;
        window.push_back(command.value());
        if (window.size() == kWindow) applyUpTo(kWindow - kPrefetchAhead);
      },
      [&](std::string_view line) { log(line); });
  if (!reader.ok()) return reader.error();
  const store::RecoveryReport& report = reader->report();
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
  applyUpTo(window.size());
  result.lastSequence = engine.lastSequence();
  result.eventHash = options.hashEvents ? eventHash : 0;
  return result;
}

}  // namespace alphintra::engine
