// SessionStore (see fix_store.hpp).
#include "api/fix/fix_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "api/fix/fix_codec.hpp"

namespace alphintra::api::fix {
namespace {

Error fileError(const std::filesystem::path& path, std::string_view what) {
  return makeError(path.string(), std::string(what) + ": " + std::strerror(errno));
}

bool writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Writes `value` as 20 digits and a newline, so that a smaller number never leaves old digits.
bool writeNumber(int fd, std::uint64_t value) {
  char text[32];
  const std::size_t digits = formatUnsigned(value, text);
  std::string line(20 - std::min<std::size_t>(digits, 20), '0');
  line.append(text, digits);
  line.push_back('\n');
  return ::pwrite(fd, line.data(), line.size(), 0) == static_cast<ssize_t>(line.size());
}

// A file of one number in text, up to its first newline (leading zeros allowed); empty: none.
// What follows the newline is ignored: writeInbound writes the number at its own width, so a
// shorter number written over a longer one would leave old digits behind its newline.
Result<std::optional<std::uint64_t>> readNumber(int fd, const std::filesystem::path& path, std::string_view what) {
  char text[32] = {};
  const ssize_t bytes = ::pread(fd, text, sizeof(text), 0);
  if (bytes < 0) return fileError(path, "cannot read");
  if (bytes == 0) return std::optional<std::uint64_t>{};
  std::string_view t(text, static_cast<std::size_t>(bytes));
  const std::size_t newline = t.find('\n');
  if (newline == std::string_view::npos && t.size() == sizeof(text)) {
    return makeError(path.string(), fmt::format("does not hold {}: its first line is too long", what));
  }
  t = t.substr(0, newline);
  std::uint64_t value = 0;
  const auto [end, parseError] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || parseError != std::errc{} || end != t.data() + t.size()) {
    return makeError(path.string(), fmt::format("does not hold {}", what));
  }
  return std::optional<std::uint64_t>{value};
}

}  // namespace

Result<std::unique_ptr<SessionStore>> SessionStore::open(const std::filesystem::path& dir, std::uint64_t keepMessages) {
  std::unique_ptr<SessionStore> store(new SessionStore());
  store->keep_ = keepMessages;
  if (dir.empty()) return store;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return makeError(dir.string(), "cannot create the FIX session directory: " + ec.message());
  store->dir_ = dir;
  const auto messagesPath = dir / "messages";
  const auto inboundPath = dir / "inbound";
  store->messagesFd_ = ::open(messagesPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (store->messagesFd_ < 0) return fileError(messagesPath, "cannot open");
  store->inboundFd_ = ::open(inboundPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (store->inboundFd_ < 0) return fileError(inboundPath, "cannot open");
  const auto startPath = dir / "start";
  store->startFd_ = ::open(startPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (store->startFd_ < 0) return fileError(startPath, "cannot open");
  const auto createdPath = dir / "created";
  store->createdFd_ = ::open(createdPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (store->createdFd_ < 0) return fileError(createdPath, "cannot open");
  auto created = readNumber(store->createdFd_, createdPath, "a time");
  if (!created.ok()) return created.error();
  store->created_ = static_cast<std::int64_t>(created->value_or(0));

  // Where the kept messages begin (retention; none yet: 0).
  const off_t size = ::lseek(store->messagesFd_, 0, SEEK_END);
  if (size < 0) return fileError(messagesPath, "cannot seek");
  auto startOffset = readNumber(store->startFd_, startPath, "a byte offset");
  if (!startOffset.ok()) return startOffset.error();
  // Beyond the end only when a reset emptied the file and a crash came before `start` was
  // rewritten: the store is empty.
  const std::uint64_t start = std::min<std::uint64_t>(startOffset->value_or(0), static_cast<std::uint64_t>(size));
  if (startOffset->value_or(0) > start) {
    // Record where the log continues now: left beyond the end, `start` would hide the messages
    // appended from here at the next open (the sequence numbers would go back, resends fail).
    if (auto e = store->writeStart(start)) return *e;
  }

  // The index: frame the kept part of the file message by message.
  std::string content;
  content.resize(static_cast<std::size_t>(static_cast<std::uint64_t>(size) - start));
  if (!content.empty() && ::pread(store->messagesFd_, content.data(), content.size(), static_cast<off_t>(start)) !=
                              static_cast<ssize_t>(content.size())) {
    return fileError(messagesPath, "cannot read");
  }
  std::size_t pos = 0;
  MessageView view;
  while (pos < content.size()) {
    const Frame f = frame(std::string_view(content).substr(pos));
    if (f.status != FrameStatus::Complete) break;
    view.parse(std::string_view(content).substr(pos, f.length));
    const auto seq = parseUnsigned(view.get(tag::MsgSeqNum).value_or(""));
    if (!seq) break;
    if (store->offsets_.empty()) store->firstSequence_ = *seq;
    if (*seq != store->nextOutbound()) {
      return makeError(messagesPath.string(), "message at byte " + std::to_string(start + pos) + " has MsgSeqNum " +
                                                  std::to_string(*seq) + ", expected " +
                                                  std::to_string(store->nextOutbound()));
    }
    store->offsets_.push_back(start + pos);
    pos += f.length;
  }
  if (pos < content.size()) {
    // A torn tail: cut it, so that the next append continues a well-formed log.
    if (::ftruncate(store->messagesFd_, static_cast<off_t>(start + pos)) != 0) {
      return fileError(messagesPath, "cannot cut");
    }
  }
  store->fileBytes_ = start + pos;
  if (::lseek(store->messagesFd_, static_cast<off_t>(start + pos), SEEK_SET) < 0) {
    return fileError(messagesPath, "cannot seek");
  }

  auto inbound = readNumber(store->inboundFd_, inboundPath, "a sequence number");
  if (!inbound.ok()) return inbound.error();
  if (inbound->has_value()) {
    if (**inbound == 0) return makeError(inboundPath.string(), "does not hold a sequence number");
    store->nextInbound_ = **inbound;
  }
  return store;
}

SessionStore::~SessionStore() {
  (void)flush();
  if (messagesFd_ >= 0) ::close(messagesFd_);
  if (inboundFd_ >= 0) ::close(inboundFd_);
  if (startFd_ >= 0) ::close(startFd_);
  if (createdFd_ >= 0) ::close(createdFd_);
}

void SessionStore::setNextInbound(std::uint64_t sequence) noexcept {
  if (sequence != nextInbound_) inboundDirty_ = true;
  nextInbound_ = sequence;
}

void SessionStore::append(std::string_view message) {
  offsets_.push_back(fileBytes_ + pending_.size());
  if (messagesFd_ < 0) {
    memory_.append(message);
    fileBytes_ += message.size();
  } else {
    pending_.append(message);
  }
}

bool SessionStore::load(std::uint64_t sequence, std::string& out) {
  if (messagesFd_ >= 0 && flush()) return false;  // first: a flush may prune
  if (sequence < firstSequence_ || sequence >= nextOutbound()) return false;
  const std::size_t i = sequence - firstSequence_;
  if (messagesFd_ < 0) {
    const std::uint64_t end = i + 1 < offsets_.size() ? offsets_[i + 1] : fileBytes_;
    out.assign(memory_, offsets_[i] - memoryBase_, end - offsets_[i]);
    return true;
  }
  const std::uint64_t end = i + 1 < offsets_.size() ? offsets_[i + 1] : fileBytes_;
  out.resize(end - offsets_[i]);
  return ::pread(messagesFd_, out.data(), out.size(), static_cast<off_t>(offsets_[i])) ==
         static_cast<ssize_t>(out.size());
}

std::optional<Error> SessionStore::reset(std::int64_t now) {
  offsets_.clear();
  firstSequence_ = 1;
  fileBytes_ = 0;
  pending_.clear();
  memory_.clear();
  memoryBase_ = 0;
  nextInbound_ = 1;
  inboundDirty_ = true;
  if (messagesFd_ >= 0) {
    if (::ftruncate(messagesFd_, 0) != 0 || ::lseek(messagesFd_, 0, SEEK_SET) < 0) {
      return fileError(dir_ / "messages", "cannot truncate");
    }
    if (auto error = writeStart(0)) return error;
  }
  if (auto error = flush()) return error;
  // Last: a crash before this line leaves the old time, and the reset is done again.
  return setCreated(now);
}

std::optional<Error> SessionStore::writeStart(std::uint64_t offset) {
  if (!writeNumber(startFd_, offset)) return fileError(dir_ / "start", "cannot write");
  return std::nullopt;
}

std::optional<Error> SessionStore::setCreated(std::int64_t at) {
  created_ = at;
  if (createdFd_ < 0) return std::nullopt;
  if (!writeNumber(createdFd_, static_cast<std::uint64_t>(std::max<std::int64_t>(at, 0)))) {
    return fileError(dir_ / "created", "cannot write");
  }
  return std::nullopt;
}

std::optional<Error> SessionStore::prune() {
  const std::uint64_t drop = offsets_.size() - keep_;
  const std::uint64_t start = offsets_[drop];
  if (messagesFd_ < 0) {
    memory_.erase(0, start - memoryBase_);
    memoryBase_ = start;
  } else {
    // `start` reaches the disk before the bytes before it go: a crash in between leaves bytes
    // that are no longer read, never a file whose kept messages are not where `start` says.
    if (auto error = writeStart(start)) return error;
    if (::fdatasync(startFd_) != 0) return fileError(dir_ / "start", "cannot sync");
    const std::uint64_t hole = start & ~std::uint64_t{4095};  // whole blocks only
    if (hole != 0 &&
        ::fallocate(messagesFd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(hole)) != 0 &&
        errno != EOPNOTSUPP) {
      return fileError(dir_ / "messages", "cannot free the pruned messages");
    }
  }
  offsets_.erase(offsets_.begin(), offsets_.begin() + static_cast<std::ptrdiff_t>(drop));
  firstSequence_ += drop;
  return std::nullopt;
}

std::optional<Error> SessionStore::writeInbound() {
  char text[24];
  std::size_t n = formatUnsigned(nextInbound_, text);
  text[n++] = '\n';
  // Fixed width is not needed: the reader stops at the first newline (a shorter number leaves
  // old digits after it only if the number shrank, which happens only on reset: truncated then).
  if (nextInbound_ == 1 && ::ftruncate(inboundFd_, 0) != 0) return fileError(dir_ / "inbound", "cannot truncate");
  if (::pwrite(inboundFd_, text, n, 0) != static_cast<ssize_t>(n)) return fileError(dir_ / "inbound", "cannot write");
  return std::nullopt;
}

std::optional<Error> SessionStore::flush() {
  if (!pending_.empty()) {  // file mode only: memory mode appends straight to memory_
    if (!writeAll(messagesFd_, pending_.data(), pending_.size())) return fileError(dir_ / "messages", "cannot write");
    fileBytes_ += pending_.size();
    pending_.clear();
  }
  if (keep_ != 0 && offsets_.size() >= 2 * keep_) {
    if (auto error = prune()) return error;
  }
  if (messagesFd_ < 0) {
    inboundDirty_ = false;
    return std::nullopt;
  }
  if (inboundDirty_) {
    inboundDirty_ = false;
    return writeInbound();
  }
  return std::nullopt;
}

}  // namespace alphintra::api::fix
