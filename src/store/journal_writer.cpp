// JournalWriter: group commit into a pre-sized buffer, segment rolls, single-writer lock.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "store/journal.hpp"
#include "store/journal_format.hpp"

namespace alphintra::store {
namespace {

Error errnoError(const std::string& path, std::string_view what, int err) {
  return makeError(path, fmt::format("{}: {}: {}", path, what, std::strerror(err)));
}

std::string segmentPath(const std::string& dir, std::uint64_t firstSequence) {
  return dir + "/" + segmentFileName(firstSequence).data();
}

// Writes all of [data, data + size), retrying short writes and EINTR; 0 or the errno.
// Builds no message itself so that the success path allocates nothing.
int writeAll(int fd, const std::byte* data, std::size_t size) noexcept {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

std::optional<Error> validate(const JournalOptions& o) {
  if (o.maxPayloadBytes > kMaxPayloadBytes) {
    return makeError("maxPayloadBytes", fmt::format("maxPayloadBytes {} exceeds the format's maximum of {}",
                                                    o.maxPayloadBytes, kMaxPayloadBytes));
  }
  if (o.bufferBytes < kRecordHeaderBytes + o.maxPayloadBytes) {
    return makeError("bufferBytes", fmt::format("bufferBytes {} cannot hold one record of maxPayloadBytes {} plus "
                                                "its {}-byte header",
                                                o.bufferBytes, o.maxPayloadBytes, kRecordHeaderBytes));
  }
  if (o.segmentBytes < kRecordHeaderBytes) {
    return makeError("segmentBytes", fmt::format("segmentBytes {} is smaller than one record header", o.segmentBytes));
  }
  if (o.durability != Durability::Fsync && o.durability != Durability::None) {
    return makeError("durability", "durability must be Fsync or None");
  }
  return std::nullopt;
}

}  // namespace

Result<JournalWriter> JournalWriter::open(const std::filesystem::path& dir, const JournalOptions& options,
                                          const JournalLog& log) {
  if (auto error = validate(options)) return *error;
  JournalWriter w;
  w.options_ = options;
  w.dir_ = dir.string();

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return makeError(w.dir_, fmt::format("{}: cannot create the journal directory: {}", w.dir_, ec.message()));
  w.dirFd_ = ::open(w.dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (w.dirFd_ < 0) return errnoError(w.dir_, "cannot open the journal directory", errno);
  // One writer per directory: two would interleave sequences. The lock goes with the process.
  if (::flock(w.dirFd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return makeError(w.dir_, fmt::format("{}: the journal is already open for writing (directory locked)", w.dir_));
    }
    return errnoError(w.dir_, "cannot lock the journal directory", errno);
  }

  auto scanned = JournalReader::scan(dir, true, log, options.checkFrom);
  if (!scanned) return scanned.error();
  const JournalReader& reader = scanned.value();
  w.recovery_ = reader.report();

  if (reader.segments().empty()) {
    w.nextSequence_ = 1;
    w.segmentFirstSequence_ = 1;
    const auto name = segmentFileName(1);
    w.segmentFd_ = ::openat(w.dirFd_, name.data(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (w.segmentFd_ < 0) return errnoError(segmentPath(w.dir_, 1), "cannot create journal segment", errno);
    if (options.durability == Durability::Fsync && ::fsync(w.dirFd_) != 0) {
      return errnoError(w.dir_, "fsync of the journal directory failed", errno);
    }
  } else {
    const JournalReader::Segment& last = reader.segments().back();
    w.nextSequence_ = last.lastSequence + 1;
    w.segmentFirstSequence_ = last.firstSequence;
    w.segmentFileBytes_ = last.validBytes;
    w.segmentRecords_ = last.lastSequence + 1 - last.firstSequence;
    w.segmentFd_ = ::open(last.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (w.segmentFd_ < 0) return errnoError(last.path.string(), "cannot open journal segment for appending", errno);
  }
  w.durableSequence_ = w.nextSequence_ - 1;
  w.buffer_ = std::make_unique<std::byte[]>(options.bufferBytes);
  return w;
}

JournalWriter::JournalWriter(JournalWriter&& other) noexcept { *this = std::move(other); }

JournalWriter& JournalWriter::operator=(JournalWriter&& other) noexcept {
  if (this != &other) {
    closeFiles();
    options_ = other.options_;
    dir_ = std::move(other.dir_);
    dirFd_ = std::exchange(other.dirFd_, -1);
    segmentFd_ = std::exchange(other.segmentFd_, -1);
    segmentFirstSequence_ = other.segmentFirstSequence_;
    segmentFileBytes_ = other.segmentFileBytes_;
    segmentRecords_ = other.segmentRecords_;
    buffer_ = std::move(other.buffer_);
    bufferUsed_ = std::exchange(other.bufferUsed_, 0);
    unsynced_ = other.unsynced_;
    nextSequence_ = other.nextSequence_;
    durableSequence_ = other.durableSequence_;
    recovery_ = std::move(other.recovery_);
    failure_ = std::move(other.failure_);
    other.failure_ = "the writer was moved from";
  }
  return *this;
}

JournalWriter::~JournalWriter() { closeFiles(); }

void JournalWriter::closeFiles() noexcept {
  if (segmentFd_ >= 0) ::close(std::exchange(segmentFd_, -1));
  if (dirFd_ >= 0) ::close(std::exchange(dirFd_, -1));  // releases the flock
}

Error JournalWriter::fail(Error error) {
  if (failure_.empty()) failure_ = error.message;
  return error;
}

Error JournalWriter::failedError() const {
  return makeError(dir_, fmt::format("{}: the journal writer stopped after an earlier failure ({}); reopen the "
                                     "journal to recover",
                                     dir_, failure_));
}

Result<std::uint64_t> JournalWriter::append(std::span<const std::byte> payload) {
  if (failed()) return failedError();
  if (payload.size() > options_.maxPayloadBytes) {
    return makeError("payload", fmt::format("journal record of {} bytes exceeds maxPayloadBytes {}", payload.size(),
                                            options_.maxPayloadBytes));
  }
  const std::size_t recordBytes = kRecordHeaderBytes + payload.size();
  if (segmentRecords_ > 0 && segmentFileBytes_ + bufferUsed_ + recordBytes > options_.segmentBytes) {
    if (auto error = rollSegment()) return fail(*error);
  }
  if (bufferUsed_ + recordBytes > options_.bufferBytes) {
    if (auto error = flushBuffer()) return fail(*error);
  }
  const std::uint64_t sequence = nextSequence_++;
  encodeRecord(sequence, payload, buffer_.get() + bufferUsed_);
  bufferUsed_ += recordBytes;
  ++segmentRecords_;
  return sequence;
}

std::optional<Error> JournalWriter::flushBuffer() {
  if (bufferUsed_ == 0) return std::nullopt;
  if (const int err = writeAll(segmentFd_, buffer_.get(), bufferUsed_); err != 0) {
    return errnoError(segmentPath(dir_, segmentFirstSequence_),
                      fmt::format("write of {} bytes at byte offset {} failed", bufferUsed_, segmentFileBytes_), err);
  }
  segmentFileBytes_ += bufferUsed_;
  bufferUsed_ = 0;
  unsynced_ = true;
  return std::nullopt;
}

Result<std::uint64_t> JournalWriter::commit() {
  if (failed()) return failedError();
  if (auto error = flushBuffer()) return fail(*error);
  if (unsynced_ && options_.durability == Durability::Fsync && ::fdatasync(segmentFd_) != 0) {
    return fail(errnoError(segmentPath(dir_, segmentFirstSequence_), "fdatasync failed", errno));
  }
  unsynced_ = false;
  durableSequence_ = nextSequence_ - 1;
  return durableSequence_;
}

std::optional<Error> JournalWriter::rollSegment() {
  // The records of the finished segment become durable here rather than at the next commit:
  // earlier than promised, which is allowed, and it keeps one open segment at a time.
  if (auto error = flushBuffer()) return error;
  if (unsynced_ && options_.durability == Durability::Fsync && ::fdatasync(segmentFd_) != 0) {
    return errnoError(segmentPath(dir_, segmentFirstSequence_), "fdatasync failed", errno);
  }
  unsynced_ = false;
  durableSequence_ = nextSequence_ - 1;
  ::close(std::exchange(segmentFd_, -1));

  const auto name = segmentFileName(nextSequence_);
  segmentFd_ = ::openat(dirFd_, name.data(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (segmentFd_ < 0) return errnoError(segmentPath(dir_, nextSequence_), "cannot create journal segment", errno);
  // The new file's directory entry must be durable before any commit in it is acknowledged.
  if (options_.durability == Durability::Fsync && ::fsync(dirFd_) != 0) {
    return errnoError(dir_, "fsync of the journal directory failed", errno);
  }
  segmentFirstSequence_ = nextSequence_;
  segmentFileBytes_ = 0;
  segmentRecords_ = 0;
  return std::nullopt;
}

Result<std::uint64_t> JournalWriter::close() {
  auto result = commit();
  closeFiles();
  if (result) failure_ = "the writer was closed";
  return result;
}

}  // namespace alphintra::store
