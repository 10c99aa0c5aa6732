// The command journal: an append-only, checksummed, gap-free sequence of opaque records in
// segment files, written with group commit and recovered after a crash (docs/journal.md).
//
// Invariants:
//  * sequences start at 1 and increase by exactly 1 per record, across segment files;
//  * a segment file is named after its first record's sequence and holds whole records only,
//    except that the last segment may end in a torn tail after a crash, which recovery cuts;
//  * a record is durable — and may be acknowledged — only once commit() has returned with a
//    durable sequence at or above it.
//
// Threading: a JournalWriter belongs to one thread (the sequencer's); a directory has at most
// one writer at a time, enforced with flock() on the directory. A JournalReader is immutable
// after open() and may be used from any one thread at a time.
//
// Errors are returned as Result/Error with the file, the byte offset and the errno text;
// nothing here throws (an allocation failure while opening excepted).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace alphintra::store {

// What commit() promises. Values are fixed: they appear in configuration.
enum class Durability : std::uint8_t {
  Fsync = 0,  // commit() = write() + fdatasync(): survives a power loss (the default)
  None = 1,   // commit() = write() only: survives a process crash, not an OS crash (backtests)
};

struct JournalOptions {
  // A new segment starts when the next record would take the current one past this size
  // (a segment holds at least one record, so one oversized record makes an oversized segment).
  std::uint64_t segmentBytes = 64ull << 20;
  // The group-commit buffer, allocated once at open; must hold one header + maxPayloadBytes.
  // Appending past it write()s the buffer early (without syncing) and carries on.
  std::size_t bufferBytes = 1u << 20;
  // Largest payload append() accepts (at most kMaxPayloadBytes, the format's limit).
  std::uint32_t maxPayloadBytes = 64u << 10;
  Durability durability = Durability::Fsync;
  // Opening reads and checks the records from this sequence on (JournalReader::open's
  // checkFrom): the engine runtime passes the oldest snapshot's, so a start-up reads what a
  // recovery may need, not the whole history. 0: every record.
  std::uint64_t checkFrom = 0;
};

// A torn or corrupt tail found at the end of the last segment.
struct TornTail {
  std::string file;                // full path of the segment
  std::uint64_t offset = 0;        // byte offset of the first invalid record: the new file size
  std::uint64_t bytesDropped = 0;  // file size at open minus offset
  std::string reason;              // e.g. "partial payload (3 of 40 bytes)"
};

struct RecoveryReport {
  std::uint64_t firstSequence = 0;  // of the oldest record; 0 when the journal holds none
  std::uint64_t lastSequence = 0;   // of the newest valid record; 0 when the journal holds none
  std::uint64_t recordCount = 0;
  std::size_t segmentCount = 0;
  std::size_t segmentsUnread = 0;    // wholly before checkFrom: taken on their names, not read
  std::uint64_t visited = 0;         // records handed to JournalReader::read()'s visitor
  std::optional<TornTail> tornTail;  // set when the last segment ended in invalid bytes
  bool tailTruncated = false;        // true when those bytes were cut from the file (writer open)
};

// Receives the one-line messages recovery writes (a dropped tail); may be empty.
using JournalLog = std::function<void(std::string_view line)>;

// Read-only view of a journal directory: open() validates every record of every segment (from
// `checkFrom` on: a segment whose records all come before it — known from the next segment's
// first sequence — is taken on its file name, unread, so that opening a long history costs the
// part a recovery replays) and remembers where the valid data ends; replay() streams records
// from a given sequence, checking each as it reads. A torn
// tail is reported and skipped but not cut (only a writer cuts), so a reader may run against a
// directory whose writer is still appending: it sees what was valid when it opened.
class JournalReader {
 public:
  static Result<JournalReader> open(const std::filesystem::path& dir, const JournalLog& log = {},
                                    std::uint64_t checkFrom = 0);

  const RecoveryReport& report() const noexcept { return report_; }

  using RecordVisitor = std::function<void(std::uint64_t sequence, std::span<const std::byte> payload)>;
  // open() and replay() in one pass, for a recovery: every record from `fromSequence` on is
  // read and checked once and visited as soon as it passes (report().visited counts them). A
  // torn tail ends the visits, as with open(). On an error the records before the bad one have
  // been visited already: a caller that applied them discards what it built.
  static Result<JournalReader> read(const std::filesystem::path& dir, std::uint64_t fromSequence,
                                    const RecordVisitor& visit, const JournalLog& log = {});
  // Calls `visit` for every valid record with sequence >= fromSequence, in order, and returns
  // how many it visited. Records are checked again as they are read: a file changed since
  // open() is an error, not a silent difference. The payload span lives until visit returns.
  Result<std::uint64_t> replay(std::uint64_t fromSequence, const RecordVisitor& visit) const;

  struct Segment {
    std::filesystem::path path;
    std::uint64_t firstSequence = 0;
    std::uint64_t lastSequence = 0;  // firstSequence - 1 when the segment holds no record
    std::uint64_t validBytes = 0;    // where its valid records end
  };
  const std::vector<Segment>& segments() const noexcept { return segments_; }

 private:
  friend class JournalWriter;
  // open() for readers; the writer's open() passes truncateTail = true to cut a torn tail.
  // With `visit`, each valid record from checkFrom on is visited as it is checked (read()).
  static Result<JournalReader> scan(const std::filesystem::path& dir, bool truncateTail, const JournalLog& log,
                                    std::uint64_t checkFrom, const RecordVisitor* visit = nullptr);

  std::vector<Segment> segments_;
  RecoveryReport report_;
};

// Appends records with group commit. open() recovers the directory first (creating it when
// missing): it validates every record, cuts a torn tail (reporting it through `log` and
// recovery()), refuses a journal corrupt anywhere else, and continues the sequence.
//
// Write path cost: append() is a bounds check, one memcpy of the payload into the pre-sized
// buffer and one CRC32C over sequence + payload — no allocation, lock or syscall, except a
// write() when the buffer is full and, once per segment, the roll (write + fdatasync + close +
// openat + directory fsync). commit() is one write() of everything buffered plus, under
// Durability::Fsync, one fdatasync(); with nothing buffered it makes no syscall.
//
// After any failed write or sync the writer refuses further work (a failed fsync may have
// dropped dirty pages: retrying could report data durable that is not); reopen to recover.
// Destroying a writer without close() drops records appended since the last commit, exactly
// as a crash would.
class JournalWriter {
 public:
  static Result<JournalWriter> open(const std::filesystem::path& dir, const JournalOptions& options = {},
                                    const JournalLog& log = {});

  JournalWriter(JournalWriter&& other) noexcept;
  JournalWriter& operator=(JournalWriter&& other) noexcept;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  ~JournalWriter();

  // Buffers one record and returns its sequence. Not durable until commit() returns.
  Result<std::uint64_t> append(std::span<const std::byte> payload);
  // Writes every buffered record with one write() and, under Durability::Fsync, one
  // fdatasync(); returns the highest durable sequence (0 when the journal is empty).
  Result<std::uint64_t> commit();
  // commit(), then releases the files and the directory lock; the writer is unusable after.
  Result<std::uint64_t> close();

  // Highest sequence whose commit has returned: the one that may be acknowledged.
  std::uint64_t durableSequence() const noexcept { return durableSequence_; }
  // Highest sequence appended (durable or not); 0 when none.
  std::uint64_t lastSequence() const noexcept { return nextSequence_ - 1; }
  std::uint64_t nextSequence() const noexcept { return nextSequence_; }
  // How the directory looked at open (what was cut, where the sequence stood).
  const RecoveryReport& recovery() const noexcept { return recovery_; }
  const JournalOptions& options() const noexcept { return options_; }
  bool failed() const noexcept { return !failure_.empty(); }

 private:
  JournalWriter() = default;

  std::optional<Error> flushBuffer();  // write() the buffer, no sync
  std::optional<Error> rollSegment();  // flush + sync + close the current segment, start the next
  Error fail(Error error);             // records the first failure, returns it
  Error failedError() const;
  void closeFiles() noexcept;

  JournalOptions options_;
  std::string dir_;  // for messages
  int dirFd_ = -1;   // held open: flock() for single-writer, openat() and fsync() on roll
  int segmentFd_ = -1;
  std::uint64_t segmentFirstSequence_ = 0;
  std::uint64_t segmentFileBytes_ = 0;  // bytes already written to the current segment file
  std::uint64_t segmentRecords_ = 0;    // records in the current segment, buffered ones included
  std::unique_ptr<std::byte[]> buffer_;
  std::size_t bufferUsed_ = 0;
  bool unsynced_ = false;  // bytes written to the current segment since its last fdatasync
  std::uint64_t nextSequence_ = 1;
  std::uint64_t durableSequence_ = 0;
  RecoveryReport recovery_;
  std::string failure_;  // the first I/O failure; non-empty = the writer is failed
};

// Retention: deletes the oldest segments once no recovery needs their records (docs/journal.md,
// "Retention"). A segment goes only when every record in it comes before `keepFrom` — known from
// the next segment's name, so the newest segment (the writer's) always stays — and it was last
// written at least `minAge` ago. Segments go oldest first and the first one that must stay ends
// the pass, so what is left is always a gap-free journal, also after a crash in the middle.
// Reads no record. Call it from the process that holds the writer (or with none): the writer
// only touches its newest segment.
struct PruneOptions {
  std::uint64_t keepFrom = 0;  // records at or after this sequence stay; 0 or 1: nothing goes
  std::chrono::seconds minAge{0};
};

struct PruneReport {
  std::size_t segmentsRemoved = 0;
  std::uint64_t bytesRemoved = 0;
  std::uint64_t firstSequence = 0;  // the oldest segment left's first sequence (0: no segment)
};

Result<PruneReport> pruneJournal(const std::filesystem::path& dir, const PruneOptions& options);

}  // namespace alphintra::store
