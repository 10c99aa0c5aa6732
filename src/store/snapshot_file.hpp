// Snapshot files: an opaque state image (the engine's save() bytes) taken after a given
// journal sequence, written atomically and checked on load.
//
// File snapshot-<20-digit sequence>.snap:
//   offset  size  field
//   0       8     magic "ALPHSNP1"
//   8       8     sequence     uint64 LE: the last journal record the state includes
//   16      8     length       uint64 LE: payload bytes
//   24      4     crc32c       over bytes [8, 24) and the payload
//   28      4     zero
//   32      len   payload
// Writing goes to a temporary name, fdatasync, rename, fsync of the directory: a crash leaves
// either the old set of snapshots or the new one, plus at most a stray temporary file that
// loading ignores and the next write removes. Loading tries the newest snapshot first and falls
// back to older ones when a file is damaged, reporting each one it skipped and why.
//
// Threading: free functions; a directory has one writer (the engine runtime's snapshot thread).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace alphintra::store {

struct SnapshotImage {
  std::uint64_t sequence = 0;
  std::vector<std::byte> payload;
  std::string file;
};

using SnapshotLog = std::function<void(std::string_view line)>;

// Writes a snapshot for `sequence` and then deletes all but the newest `keep` snapshots.
Result<std::string> writeSnapshot(const std::filesystem::path& dir, std::uint64_t sequence,
                                  std::span<const std::byte> payload, std::size_t keep = 2);

// Snapshot files in `dir`, newest first (by the sequence in their names).
std::vector<std::pair<std::uint64_t, std::filesystem::path>> listSnapshots(const std::filesystem::path& dir);

// Reads and checks one snapshot file (magic, header, length, checksum, name/sequence match).
Result<SnapshotImage> readSnapshot(const std::filesystem::path& file);

}  // namespace alphintra::store
