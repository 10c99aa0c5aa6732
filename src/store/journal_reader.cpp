// Journal recovery scan and replay: validates every record of every segment (from a given
// sequence on), tells a torn tail (cut, reported) from corruption anywhere else (an error
// naming file and offset); read() hands each record on as it passes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "store/journal.hpp"
#include "store/journal_format.hpp"

namespace alphintra::store {
namespace {

Error errnoError(const std::string& path, std::string_view what, int err) {
  return makeError(path, fmt::format("{}: {}: {}", path, what, std::strerror(err)));
}

// Reads the whole file into `out` (segments are bounded by JournalOptions::segmentBytes).
std::optional<Error> readWholeFile(const std::string& path, std::vector<std::byte>& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errnoError(path, "cannot open journal segment", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return errnoError(path, "cannot stat journal segment", err);
  }
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return errnoError(path, fmt::format("read failed at byte offset {}", done), err);
    }
    if (n == 0) break;  // shrank while reading: what is there is what we validate
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  ::close(fd);
  return std::nullopt;
}

// Reads one file front to back through a reusable buffer. Replay touches each byte once: a
// whole-segment copy (up to 64 MiB) would cost a large allocation, its page faults and zeroing,
// and caches cold by the time the records are applied; a chunk stays in the L2 cache.
class ChunkReader {
 public:
  explicit ChunkReader(std::size_t chunkBytes) : buffer_(chunkBytes) {}
  ~ChunkReader() { close(); }
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  // Opens `path` at offset 0 and says how large it is.
  std::optional<Error> open(const std::string& path, std::uint64_t& size) {
    close();
    path_ = path;
    begin_ = end_ = 0;
    offset_ = 0;
    eof_ = false;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return errnoError(path, "cannot open journal segment", errno);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return errnoError(path, "cannot stat journal segment", errno);
    size = static_cast<std::uint64_t>(st.st_size);
    return std::nullopt;
  }
  // Makes `n` bytes from the current offset contiguous in available(), or all that is left.
  std::optional<Error> fill(std::size_t n) {
    if (end_ - begin_ >= n || eof_) return std::nullopt;
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    if (buffer_.size() < n) buffer_.resize(n);  // a record larger than a chunk (rare)
    while (end_ < n) {
      const ssize_t got = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
      if (got < 0) {
        if (errno == EINTR) continue;
        return errnoError(path_, fmt::format("read failed at byte offset {}", offset_ + end_), errno);
      }
      if (got == 0) {
        eof_ = true;
        break;
      }
      end_ += static_cast<std::size_t>(got);
    }
    return std::nullopt;
  }
  std::span<const std::byte> available() const noexcept { return {buffer_.data() + begin_, end_ - begin_}; }
  void consume(std::size_t n) noexcept {
    begin_ += n;
    offset_ += n;
  }
  std::uint64_t offset() const noexcept { return offset_; }

 private:
  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::vector<std::byte> buffer_;
  std::string path_;
  int fd_ = -1;
  std::size_t begin_ = 0;     // first unconsumed byte in buffer_
  std::size_t end_ = 0;       // one past the last byte read into buffer_
  std::uint64_t offset_ = 0;  // file offset of buffer_[begin_]
  bool eof_ = false;
};

std::optional<Error> truncateFile(const std::string& path, std::uint64_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errnoError(path, "cannot open journal segment to cut its torn tail", errno);
  std::optional<Error> error;
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    error = errnoError(path, fmt::format("cannot cut the torn tail at byte offset {}", size), errno);
  } else if (::fdatasync(fd) != 0) {
    error = errnoError(path, "fdatasync after cutting the torn tail failed", errno);
  }
  ::close(fd);
  return error;
}

// Why the bytes at `offset` are not a valid record, or nothing when they are one.
struct RecordCheck {
  RecordHeader header;
  std::string problem;  // empty: valid
};

RecordCheck checkRecord(std::span<const std::byte> bytes, std::size_t offset) {
  RecordCheck check;
  const std::size_t left = bytes.size() - offset;
  if (left < kRecordHeaderBytes) {
    check.problem = fmt::format("partial header ({} of {} bytes)", left, kRecordHeaderBytes);
    return check;
  }
  check.header = decodeRecordHeader(bytes.data() + offset);
  const RecordHeader& h = check.header;
  if (h.length > kMaxPayloadBytes) {
    check.problem = fmt::format("length {} exceeds the format's maximum of {} bytes", h.length, kMaxPayloadBytes);
    return check;
  }
  if (left - kRecordHeaderBytes < h.length) {
    check.problem = fmt::format("partial payload ({} of {} bytes)", left - kRecordHeaderBytes, h.length);
    return check;
  }
  const std::uint32_t actual =
      crc32c(bytes.subspan(offset + kChecksumStart, kRecordHeaderBytes - kChecksumStart + h.length));
  if (actual != h.crc) {
    check.problem = fmt::format("checksum mismatch (stored {:#010x}, computed {:#010x})", h.crc, actual);
  }
  return check;
}

// The offset of a valid record somewhere after an invalid one at `from - 1`, if any: evidence
// that the damage is in the middle and not a torn tail. Cheap filters first (a plausible length
// and a sequence no further ahead than the remaining bytes allow), then the checksum.
std::optional<std::pair<std::size_t, std::uint64_t>> findValidRecordAfter(std::span<const std::byte> bytes,
                                                                          std::size_t from, std::uint64_t expected) {
  if (bytes.size() < kRecordHeaderBytes) return std::nullopt;
  const std::uint64_t maxAhead = (bytes.size() - from) / kRecordHeaderBytes + 1;
  for (std::size_t y = from; y + kRecordHeaderBytes <= bytes.size(); ++y) {
    const RecordHeader h = decodeRecordHeader(bytes.data() + y);
    if (h.length > kMaxPayloadBytes || bytes.size() - y - kRecordHeaderBytes < h.length) continue;
    if (h.sequence < expected || h.sequence - expected > maxAhead) continue;
    if (checkRecord(bytes, y).problem.empty()) return std::pair{y, h.sequence};
  }
  return std::nullopt;
}

}  // namespace

Result<JournalReader> JournalReader::open(const std::filesystem::path& dir, const JournalLog& log,
                                          std::uint64_t checkFrom) {
  return scan(dir, false, log, checkFrom);
}

Result<JournalReader> JournalReader::read(const std::filesystem::path& dir, std::uint64_t fromSequence,
                                          const RecordVisitor& visit, const JournalLog& log) {
  return scan(dir, false, log, fromSequence, &visit);
}

Result<JournalReader> JournalReader::scan(const std::filesystem::path& dir, bool truncateTail, const JournalLog& log,
                                          std::uint64_t checkFrom, const RecordVisitor* visit) {
  const std::string dirText = dir.string();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return makeError(dirText, fmt::format("{}: journal directory does not exist or is not a directory{}", dirText,
                                          ec ? ": " + ec.message() : std::string{}));
  }

  JournalReader reader;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(kSegmentPrefix) || !name.ends_with(kSegmentSuffix)) continue;  // not ours
    const auto first = parseSegmentFileName(name);
    if (!first || *first == 0) {
      return makeError(it->path().string(),
                       fmt::format("{}: unexpected file in the journal directory: a segment is named "
                                   "journal-<20-digit first sequence, at least 1>.log",
                                   it->path().string()));
    }
    reader.segments_.push_back(Segment{it->path(), *first, *first - 1, 0});
  }
  if (ec) return makeError(dirText, fmt::format("{}: cannot list the journal directory: {}", dirText, ec.message()));
  std::sort(reader.segments_.begin(), reader.segments_.end(),
            [](const Segment& a, const Segment& b) { return a.firstSequence < b.firstSequence; });

  std::vector<std::byte> bytes;  // a whole segment, read only when its tail is invalid
  ChunkReader in(1u << 20);
  RecoveryReport& report = reader.report_;
  report.segmentCount = reader.segments_.size();
  for (std::size_t i = 0; i < reader.segments_.size(); ++i) {
    Segment& seg = reader.segments_[i];
    const std::string path = seg.path.string();
    const bool isLast = i + 1 == reader.segments_.size();
    if (i > 0) {
      const Segment& prev = reader.segments_[i - 1];
      if (seg.firstSequence != prev.lastSequence + 1) {
        return makeError(path, fmt::format("{}: sequence gap: the previous segment {} ends at sequence {} but this "
                                           "one starts at {} (a missing or extra segment file)",
                                           path, prev.path.string(), prev.lastSequence, seg.firstSequence));
      }
    }
    // Wholly before checkFrom (its records end where the next segment's begin): not read.
    if (!isLast && reader.segments_[i + 1].firstSequence <= checkFrom) {
      seg.lastSequence = reader.segments_[i + 1].firstSequence - 1;
      if (seg.lastSequence < seg.firstSequence) {
        return makeError(path, fmt::format("{}: empty segment that is not the last one", path));
      }
      std::error_code sizeError;
      seg.validBytes = std::filesystem::file_size(seg.path, sizeError);
      if (sizeError) {
        return makeError(path, fmt::format("{}: cannot read the segment's size: {}", path, sizeError.message()));
      }
      if (report.recordCount == 0) report.firstSequence = seg.firstSequence;
      report.lastSequence = seg.lastSequence;
      report.recordCount += seg.lastSequence - seg.firstSequence + 1;
      ++report.segmentsUnread;
      continue;
    }
    // Records stream through a chunk; the whole file is read only to judge an invalid record
    // in the last segment (is a valid record somewhere after it?).
    std::uint64_t size = 0;
    if (auto error = in.open(path, size)) return *error;
    std::uint64_t expected = seg.firstSequence;
    std::uint64_t offset = 0;
    for (;;) {
      if (auto error = in.fill(kRecordHeaderBytes)) return *error;
      if (in.available().empty()) break;  // end of file
      std::size_t need = kRecordHeaderBytes;
      if (in.available().size() >= kRecordHeaderBytes) {
        const std::uint32_t length = decodeRecordHeader(in.available().data()).length;
        if (length <= kMaxPayloadBytes) need += length;
      }
      if (auto error = in.fill(need)) return *error;
      const RecordCheck check = checkRecord(in.available(), 0);
      if (!check.problem.empty()) {
        if (!isLast) {
          return makeError(path, fmt::format("{}: corrupt record at byte offset {}: {}; this is not the last "
                                             "segment, so it cannot be a torn write",
                                             path, offset, check.problem));
        }
        if (auto error = readWholeFile(path, bytes)) return *error;
        if (const auto later = findValidRecordAfter(bytes, offset + 1, expected)) {
          return makeError(path, fmt::format("{}: corrupt record at byte offset {}: {}; a valid record (sequence "
                                             "{}) follows at byte offset {}, so it is not a torn tail",
                                             path, offset, check.problem, later->second, later->first));
        }
        TornTail tail{path, offset, bytes.size() > offset ? bytes.size() - offset : 0, check.problem};
        if (truncateTail) {
          if (auto error = truncateFile(path, offset)) return *error;
          report.tailTruncated = true;
        }
        if (log) {
          log(fmt::format("journal: {} {} bytes of torn tail at {} byte offset {} ({})",
                          truncateTail ? "dropped" : "ignoring", tail.bytesDropped, path, offset, tail.reason));
        }
        report.tornTail = std::move(tail);
        break;
      }
      if (check.header.sequence != expected) {
        return makeError(path, fmt::format("{}: record at byte offset {} has sequence {}, expected {}", path, offset,
                                           check.header.sequence, expected));
      }
      if (visit != nullptr && expected >= checkFrom) {
        (*visit)(expected, in.available().subspan(kRecordHeaderBytes, check.header.length));
        ++report.visited;
      }
      in.consume(kRecordHeaderBytes + check.header.length);
      offset += kRecordHeaderBytes + check.header.length;
      ++expected;
    }
    (void)size;
    seg.lastSequence = expected - 1;
    seg.validBytes = offset;
    if (!isLast && seg.lastSequence < seg.firstSequence) {
      return makeError(path, fmt::format("{}: empty segment that is not the last one", path));
    }
    if (seg.lastSequence >= seg.firstSequence) {
      if (report.recordCount == 0) report.firstSequence = seg.firstSequence;
      report.lastSequence = seg.lastSequence;
      report.recordCount += seg.lastSequence - seg.firstSequence + 1;
    }
  }
  return reader;
}

Result<std::uint64_t> JournalReader::replay(std::uint64_t fromSequence, const RecordVisitor& visit) const {
  ChunkReader in(1u << 20);
  std::uint64_t visited = 0;
  for (const Segment& seg : segments_) {
    if (seg.lastSequence < seg.firstSequence || seg.lastSequence < fromSequence) continue;
    const std::string path = seg.path.string();
    std::uint64_t size = 0;
    if (auto error = in.open(path, size)) return *error;
    if (size < seg.validBytes) {
      return makeError(path, fmt::format("{}: segment shrank from {} to {} bytes since the journal was opened", path,
                                         seg.validBytes, size));
    }
    std::uint64_t expected = seg.firstSequence;
    while (in.offset() < seg.validBytes) {
      const std::uint64_t offset = in.offset();
      if (auto error = in.fill(kRecordHeaderBytes)) return *error;
      std::size_t need = kRecordHeaderBytes;
      if (in.available().size() >= kRecordHeaderBytes) {
        const std::uint32_t length = decodeRecordHeader(in.available().data()).length;
        if (length <= kMaxPayloadBytes) need += length;
      }
      if (auto error = in.fill(need)) return *error;
      // Only the valid bytes are records (a torn tail may follow them).
      const std::span<const std::byte> bytes = in.available().first(
          static_cast<std::size_t>(std::min<std::uint64_t>(in.available().size(), seg.validBytes - offset)));
      const RecordCheck check = checkRecord(bytes, 0);
      if (!check.problem.empty() || check.header.sequence != expected) {
        return makeError(
            path,
            fmt::format("{}: invalid record at byte offset {} (changed since the journal was opened, or in a "
                        "segment open() did not read): {}",
                        path, offset,
                        check.problem.empty() ? fmt::format("sequence {}, expected {}", check.header.sequence, expected)
                                              : check.problem));
      }
      if (expected >= fromSequence) {
        visit(expected, bytes.subspan(kRecordHeaderBytes, check.header.length));
        ++visited;
      }
      in.consume(kRecordHeaderBytes + check.header.length);
      ++expected;
    }
    if (expected - 1 != seg.lastSequence) {  // a segment taken on its name held fewer records
      return makeError(path, fmt::format("{}: the segment ends at sequence {} but the next one starts at {}", path,
                                         expected - 1, seg.lastSequence + 1));
    }
  }
  return visited;
}

}  // namespace alphintra::store
