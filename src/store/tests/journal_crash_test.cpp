// Crash simulation: a child process appends and commits, then dies by SIGKILL — at a moment it
// chooses (with uncommitted records buffered, or halfway through writing a record) or at a
// moment the parent chooses while it commits in a loop. The parent reopens the journal and must
// find every record whose commit returned, intact and in order, and a writer that carries on.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "store/journal.hpp"
#include "store/journal_format.hpp"
#include "store/tests/journal_test_util.hpp"

namespace alphintra::store {
namespace {

using namespace alphintra::store::testing;
namespace fs = std::filesystem;

// Exit codes a child uses to say which step failed before it meant to die.
constexpr int kChildOpenFailed = 10;
constexpr int kChildAppendFailed = 11;
constexpr int kChildCommitFailed = 12;
constexpr int kChildPipeFailed = 13;

[[noreturn]] void dieNow() {
  ::kill(::getpid(), SIGKILL);
  ::_exit(99);  // not reached
}

bool writeExact(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Reads one 8-byte value; false at end of file.
bool readValue(int fd, std::uint64_t& value) {
  auto* p = reinterpret_cast<char*>(&value);
  std::size_t got = 0;
  while (got < sizeof value) {
    const ssize_t n = ::read(fd, p + got, sizeof value - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

// Waits for the child and checks that it died of SIGKILL (and not of a failed step).
void expectKilled(pid_t pid) {
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_FALSE(WIFEXITED(status)) << "child exited with code " << WEXITSTATUS(status) << " before its crash";
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

JournalOptions crashOptions(Durability durability) {
  JournalOptions o;
  o.durability = durability;
  o.segmentBytes = 16 * 1024;  // several rolls during the run
  return o;
}

// The child commits `committed` records, buffers `buffered` more, then dies; the buffered ones
// never reached the file, so the parent finds exactly the committed prefix.
void crashWithBufferedRecords(Durability durability) {
  const fs::path dir = freshDirectory();
  const std::uint64_t kCommitted = 700;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto w = JournalWriter::open(dir, crashOptions(durability));
    if (!w) ::_exit(kChildOpenFailed);
    for (std::uint64_t s = 1; s <= kCommitted; ++s) {
      if (!w.value().append(payloadFor(s))) ::_exit(kChildAppendFailed);
      if (s % 50 == 0 && !w.value().commit()) ::_exit(kChildCommitFailed);
    }
    if (!w.value().commit()) ::_exit(kChildCommitFailed);
    for (std::uint64_t s = kCommitted + 1; s <= kCommitted + 37; ++s) {
      if (!w.value().append(payloadFor(s))) ::_exit(kChildAppendFailed);
    }
    dieNow();
  }
  expectKilled(pid);
  auto reader = JournalReader::open(dir);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(reader->report().lastSequence, kCommitted);
  EXPECT_FALSE(reader->report().tornTail.has_value());
  expectSequence(readAll(dir), 1, kCommitted);
}

TEST(JournalCrash, KilledWithBufferedRecordsKeepsExactlyTheCommittedPrefixFsync) {
  crashWithBufferedRecords(Durability::Fsync);
}

TEST(JournalCrash, KilledWithBufferedRecordsKeepsExactlyTheCommittedPrefixNone) {
  // Durability::None survives a process crash: the committed bytes are in the page cache.
  crashWithBufferedRecords(Durability::None);
}

// The child commits, then dies halfway through write()ing the next record (simulated by
// writing half of its bytes to the segment itself): recovery cuts exactly that half.
TEST(JournalCrash, KilledHalfwayThroughARecordIsATornTailThatRecoveryCuts) {
  const fs::path dir = freshDirectory();
  const std::uint64_t kCommitted = 200;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    {
      auto w = JournalWriter::open(dir, crashOptions(Durability::Fsync));
      if (!w) ::_exit(kChildOpenFailed);
      for (std::uint64_t s = 1; s <= kCommitted; ++s) {
        if (!w.value().append(payloadFor(s))) ::_exit(kChildAppendFailed);
      }
      if (!w.value().commit()) ::_exit(kChildCommitFailed);
      if (!w.value().close()) ::_exit(kChildCommitFailed);
    }
    const auto files = segmentFiles(dir);
    const auto payload = payloadFor(kCommitted + 1);
    std::vector<std::byte> record(kRecordHeaderBytes + payload.size());
    encodeRecord(kCommitted + 1, payload, record.data());
    const int fd = ::open(files.back().c_str(), O_WRONLY | O_APPEND);
    if (fd < 0 || !writeExact(fd, record.data(), record.size() / 2)) ::_exit(kChildPipeFailed);
    dieNow();
  }
  expectKilled(pid);
  std::vector<std::string> lines;
  auto w = JournalWriter::open(dir, crashOptions(Durability::Fsync),
                               [&](std::string_view line) { lines.emplace_back(line); });
  ASSERT_TRUE(w.ok()) << w.error().message;
  ASSERT_TRUE(w->recovery().tornTail.has_value());
  EXPECT_EQ(w->recovery().tornTail->bytesDropped, (kRecordHeaderBytes + payloadFor(kCommitted + 1).size()) / 2);
  EXPECT_EQ(w->recovery().lastSequence, kCommitted);
  EXPECT_EQ(lines.size(), 1u);
  EXPECT_EQ(w->nextSequence(), kCommitted + 1);
  ASSERT_TRUE(w.value().append(payloadFor(kCommitted + 1)).ok());
  ASSERT_TRUE(w.value().close().ok());
  expectSequence(readAll(dir), 1, kCommitted + 1);
}

// The parent kills the child at a moment of its own choosing while the child appends batches
// and reports each durable sequence through a pipe. Everything reported durable must be there.
TEST(JournalCrash, KilledAtAnArbitraryMomentLosesNothingThatWasCommitted) {
  for (Durability durability : {Durability::Fsync, Durability::None}) {
    SCOPED_TRACE(durability == Durability::Fsync ? "fsync" : "none");
    const fs::path dir = freshDirectory() / (durability == Durability::Fsync ? "fsync" : "none");
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      auto w = JournalWriter::open(dir, crashOptions(durability));
      if (!w) ::_exit(kChildOpenFailed);
      std::uint64_t s = 1;
      for (std::uint64_t batch = 1;; ++batch) {
        for (std::uint64_t i = 0; i < 1 + batch % 23; ++i, ++s) {
          if (!w.value().append(payloadFor(s))) ::_exit(kChildAppendFailed);
        }
        auto durable = w.value().commit();
        if (!durable) ::_exit(kChildCommitFailed);
        const std::uint64_t value = *durable;
        if (!writeExact(fds[1], &value, sizeof value)) ::_exit(kChildPipeFailed);
      }
    }
    ::close(fds[1]);
    std::uint64_t durable = 0;
    std::uint64_t reports = 0;
    while (reports < 300 && readValue(fds[0], durable)) ++reports;
    ASSERT_EQ(reports, 300u) << "the child stopped early";
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    expectKilled(pid);
    while (readValue(fds[0], durable)) {
    }  // commits that returned before the kill landed
    ::close(fds[0]);

    auto reader = JournalReader::open(dir);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    const std::uint64_t last = reader->report().lastSequence;
    EXPECT_GE(last, durable);
    expectSequence(readAll(dir), 1, last);

    auto w = JournalWriter::open(dir, crashOptions(durability));
    ASSERT_TRUE(w.ok()) << w.error().message;
    EXPECT_EQ(w->nextSequence(), last + 1);
  }
}

}  // namespace
}  // namespace alphintra::store
