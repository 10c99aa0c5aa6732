// Recovery: rebuilds an engine from its data directory — the newest valid snapshot, then every
// journal record after it — exactly as it stood after the last durable command.
//
// Rules (issue: journal and recovery):
//  * a damaged snapshot is skipped with a log line naming the file and why, and an older one
//    (or none: replay from the start) is used instead;
//  * the journal itself is checked by store::JournalReader: a torn tail is reported (the writer
//    cuts it when it opens), a corrupt record anywhere else is an error naming the file and the
//    byte offset — recovery stops, never skipping a record silently;
//  * a journal record that does not decode as a command, or a gap between the snapshot and the
//    journal, is an error too.
// Replay applies the same Engine::apply as live trading, so the result is byte for byte the
// live state; the events it regenerates can be hashed (determinism check) or dropped.
//
// Threading: runs on the thread that will own the engine, before any other thread starts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "engine/engine.hpp"

namespace alphintra::engine {

struct RecoveryOptions {
  std::filesystem::path journalDir;
  std::filesystem::path snapshotDir;
  bool useSnapshots = true;  // false: replay the whole journal from sequence 1
  // Only snapshots at or before this sequence are used: a projection that lost its last commits
  // (the server's fill history after a kill -9) sees the events after what it kept again.
  std::uint64_t maxSnapshotSequence = UINT64_MAX;
  EngineOptions engine{};
  std::function<void(std::string_view)> log;  // one line per notable thing (skipped snapshot, torn tail)
  // Called with every event replay produces, in order (e.g. to hash the event stream).
  std::function<void(const EngineEvent&)> onEvent;
  // Fill Recovered::eventHash. Off by default: hashing every event byte by byte costs more
  // than applying the command (FNV-1a is serial: ~600 bytes of events per order command).
  bool hashEvents = false;
  // The engine's order tables are mapped without faulting them in, and a helper thread faults
  // them in (core/prefault.hpp) while the journal is replayed: for a million expected orders
  // that takes ~50 ms of page clearing off the replaying thread. Recovery returns once the
  // helper is done, so the engine goes live with its tables faulted in either way. False: the
  // calling thread faults them in as the engine is built (EngineOptions::tables as given), as
  // it also does on a kernel without MADV_POPULATE_WRITE.
  bool prefaultInBackground = true;
};

struct Recovered {
  std::unique_ptr<Engine> engine;
  std::uint64_t snapshotSequence = 0;  // 0: no snapshot used
  std::string snapshotFile;
  std::uint64_t replayed = 0;      // journal records applied after the snapshot
  std::uint64_t lastSequence = 0;  // the engine's last applied sequence
  std::uint64_t eventHash = 0;     // FNV-1a over the replayed events' bytes (hashEvents), else 0
};

Result<Recovered> recover(const RecoveryOptions& options);

// FNV-1a, continued over bytes (state and event hashes).
std::uint64_t fnv1a(std::uint64_t hash, std::span<const std::byte> bytes) noexcept;
inline constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;

}  // namespace alphintra::engine
