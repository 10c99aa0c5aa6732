// Helpers shared by the journal tests: a fresh directory per test, deterministic payloads
// (the record's content is a function of its sequence, so any reader can check it), file I/O.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/tests/scratch_dir.hpp"
#include "store/journal.hpp"

namespace alphintra::store::testing {

// A directory that exists only for this test (removed first if a previous run left it, and at
// the test process's exit).
inline std::filesystem::path freshDirectory() { return scratchDirectory("journal"); }

// 1..97 bytes whose content depends on the sequence: a misplaced record cannot pass for another.
inline std::vector<std::byte> payloadFor(std::uint64_t sequence) {
  std::vector<std::byte> p(1 + (sequence * 7919) % 97);
  std::uint64_t x = sequence * 0x9E3779B97F4A7C15ull + 1;
  for (auto& b : p) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::byte>(x & 0xFFu);
  }
  return p;
}

struct Record {
  std::uint64_t sequence = 0;
  std::vector<std::byte> payload;
};

inline std::vector<Record> readAll(const std::filesystem::path& dir, std::uint64_t from = 0) {
  std::vector<Record> records;
  auto reader = JournalReader::open(dir);
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message);
  if (!reader) return records;
  auto visited = reader->replay(from, [&](std::uint64_t seq, std::span<const std::byte> payload) {
    records.push_back(Record{seq, {payload.begin(), payload.end()}});
  });
  EXPECT_TRUE(visited.ok()) << (visited.ok() ? "" : visited.error().message);
  return records;
}

// Checks that `records` are exactly first..last with their expected payloads.
inline void expectSequence(const std::vector<Record>& records, std::uint64_t first, std::uint64_t last) {
  ASSERT_EQ(records.size(), last + 1 - first);
  for (std::uint64_t s = first; s <= last; ++s) {
    const Record& r = records[s - first];
    ASSERT_EQ(r.sequence, s);
    ASSERT_EQ(r.payload, payloadFor(s)) << "sequence " << s;
  }
}

inline std::vector<std::filesystem::path> segmentFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".log") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline std::vector<std::byte> readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::transform(chars.begin(), chars.end(), bytes.begin(), [](char c) { return static_cast<std::byte>(c); });
  return bytes;
}

inline void writeFile(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace alphintra::store::testing
