// The engine benchmark (`alphintra bench engine`): the same generated order flow as the book
// benchmark, spread over several instruments and margin accounts with risk limits set, run
// three ways:
//   in_process   risk + OMS + matching on one thread, each command encoded and appended with
//                its CRC32C to an in-memory journal buffer (what the sequencer does, minus I/O);
//   journal_disk the threaded runtime: a gateway thread submits, the sequencer journals to disk
//                with group commit (fdatasync per batch under Fsync), the engine applies, the
//                publisher drains events;
//   recovery     replaying that journal from scratch into a fresh engine (no snapshot).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/command.hpp"
#include "store/journal.hpp"

namespace alphintra::bench {

struct EngineBenchOptions {
  std::size_t commands = 2'000'000;
  std::uint64_t seed = 1;
  std::size_t instruments = 4;
  std::size_t accounts = 64;
  std::string dataDir;  // journal_disk and recovery run here (a fresh directory); empty: a temp dir
  store::Durability durability = store::Durability::Fsync;
  bool disk = true;  // run journal_disk and recovery
};

struct EngineBenchResult {
  std::size_t commands = 0;  // measured commands (after setup)
  std::size_t events = 0;
  double inProcessPerSecond = 0;
  double inProcessCpuPerSecond = 0;        // per CPU second of the benchmark thread (CLOCK_THREAD_CPUTIME_ID)
  std::uint64_t inProcessAllocations = 0;  // in the second half of the timed in-process loop (steady state)
  double diskPerSecond = 0;
  double recoveryPerSecond = 0;
  double recoveryCpuPerSecond = 0;  // per CPU second of the process (the replay and its helpers)
  std::uint64_t journalBytes = 0;
  std::uint64_t stateHash = 0;      // in-process final state
  std::uint64_t recoveredHash = 0;  // after the recovery replay
  std::string error;
};

// Setup commands (instruments, accounts, cash, limits) followed by the measured flow.
std::vector<engine::Command> engineWorkload(const EngineBenchOptions& options, std::size_t& setupCount);

EngineBenchResult runEngineBench(const EngineBenchOptions& options);

std::string toJson(const EngineBenchResult& result, const EngineBenchOptions& options);

}  // namespace alphintra::bench
