// Journal benchmark: append + group commit throughput per durability policy and batch size,
// heap allocations during the timed appends, and recovery (open = full validation, then
// replay) speed. Prints one line per case and, last, one JSON object with every figure.
//
//   alphintra_journal_bench [--dir PATH] [--records N] [--payload BYTES]
//
// The directory (default: a fresh one under the system temp dir) is removed afterwards. Fsync
// figures measure the disk under --dir: run it on the disk the engine will journal to.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "bench/alloc_counter.hpp"
#include "store/crc32c.hpp"
#include "store/journal.hpp"

namespace {

using alphintra::store::Durability;
using alphintra::store::JournalOptions;
using alphintra::store::JournalReader;
using alphintra::store::JournalWriter;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct CaseResult {
  std::string name;
  double recordsPerSecond = 0;
  double nanosPerRecord = 0;
  double commitsPerSecond = 0;
  std::uint64_t allocations = 0;
};

int fail(const std::string& what) {
  std::fprintf(stderr, "journal_bench: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("alphintra-journal-bench-" + std::to_string(::getpid()));
  std::uint64_t records = 200000;
  std::size_t payloadBytes = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--dir") == 0)
      root = argv[i + 1];
    else if (std::strcmp(argv[i], "--records") == 0)
      records = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--payload") == 0)
      payloadBytes = std::strtoull(argv[i + 1], nullptr, 10);
    else
      return fail(std::string("unknown option ") + argv[i]);
  }
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  std::vector<std::byte> payload(payloadBytes);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::byte>(i * 37 + 11);

  // CRC32C alone, on 1 MiB: the per-byte cost of the write path besides the memcpy.
  std::vector<std::byte> mib(1 << 20, std::byte{0x5A});
  const auto crcStart = Clock::now();
  std::uint32_t sink = 0;
  for (int i = 0; i < 256; ++i) sink ^= alphintra::store::crc32c(mib);
  const double crcGbps = 256.0 * static_cast<double>(mib.size()) / secondsSince(crcStart) / 1e9;
  std::printf("crc32c (%s): %.2f GB/s (sink %08x)\n",
              alphintra::store::crc32cHardwareAvailable() ? "sse4.2" : "portable", crcGbps, sink);

  std::vector<CaseResult> results;
  const struct {
    Durability durability;
    std::uint64_t batch;
    std::uint64_t records;
  } cases[] = {
      {Durability::None, 1, records},        {Durability::None, 64, records},  {Durability::None, 1024, records},
      {Durability::Fsync, 1, records / 100}, {Durability::Fsync, 64, records}, {Durability::Fsync, 1024, records},
  };
  int caseIndex = 0;
  for (const auto& c : cases) {
    const std::filesystem::path dir = root / std::to_string(caseIndex++);
    JournalOptions options;
    options.durability = c.durability;
    auto opened = JournalWriter::open(dir, options);
    if (!opened) return fail(opened.error().message);
    JournalWriter& writer = opened.value();
    const std::uint64_t allocsBefore = alphintra::bench::allocationCount();
    const auto start = Clock::now();
    std::uint64_t commits = 0;
    for (std::uint64_t s = 1; s <= c.records; ++s) {
      if (!writer.append(payload)) return fail("append failed");
      if (s % c.batch == 0) {
        if (!writer.commit()) return fail("commit failed");
        ++commits;
      }
    }
    if (!writer.commit()) return fail("commit failed");
    const double seconds = secondsSince(start);
    CaseResult r;
    r.name = fmt::format("{}_batch{}", c.durability == Durability::Fsync ? "fsync" : "none", c.batch);
    r.recordsPerSecond = static_cast<double>(c.records) / seconds;
    r.nanosPerRecord = seconds * 1e9 / static_cast<double>(c.records);
    r.commitsPerSecond = static_cast<double>(commits + 1) / seconds;
    r.allocations = alphintra::bench::allocationCount() - allocsBefore;
    std::printf(
        "%-16s %9llu records, %6.0f B payload: %12.0f records/s  %9.1f ns/record  %10.0f commits/s  "
        "allocations %llu\n",
        r.name.c_str(), static_cast<unsigned long long>(c.records), static_cast<double>(payloadBytes),
        r.recordsPerSecond, r.nanosPerRecord, r.commitsPerSecond, static_cast<unsigned long long>(r.allocations));
    results.push_back(r);
    if (!writer.close()) return fail("close failed");
  }

  // Recovery: open validates every record (CRC, continuity); replay reads and checks again.
  const std::filesystem::path big = root / "2";  // none_batch1024: the full record count
  const auto openStart = Clock::now();
  auto reader = JournalReader::open(big);
  if (!reader) return fail(reader.error().message);
  const double openSeconds = secondsSince(openStart);
  std::uint64_t bytes = 0;
  const auto replayStart = Clock::now();
  auto replayed = reader->replay(1, [&](std::uint64_t, std::span<const std::byte> p) { bytes += p.size(); });
  if (!replayed) return fail(replayed.error().message);
  const double replaySeconds = secondsSince(replayStart);
  const double recordsOpen = static_cast<double>(reader->report().recordCount) / openSeconds;
  const double recordsReplay = static_cast<double>(*replayed) / replaySeconds;
  std::printf("recovery open   %9llu records: %12.0f records/s\nreplay          %9llu records: %12.0f records/s\n",
              static_cast<unsigned long long>(reader->report().recordCount), recordsOpen,
              static_cast<unsigned long long>(*replayed), recordsReplay);

  std::string json = fmt::format("{{\"payload_bytes\":{},\"crc32c_gbps\":{:.2f},\"cases\":{{", payloadBytes, crcGbps);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const CaseResult& r = results[i];
    json += fmt::format(
        "{}\"{}\":{{\"records_per_s\":{:.0f},\"ns_per_record\":{:.1f},\"commits_per_s\":{:.0f},"
        "\"allocations\":{}}}",
        i == 0 ? "" : ",", r.name, r.recordsPerSecond, r.nanosPerRecord, r.commitsPerSecond, r.allocations);
  }
  json += fmt::format("}},\"recovery_open_records_per_s\":{:.0f},\"replay_records_per_s\":{:.0f}}}", recordsOpen,
                      recordsReplay);
  std::puts(json.c_str());
  std::filesystem::remove_all(root, ec);
  return 0;
}
