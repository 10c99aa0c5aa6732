// SessionStore (see fix_store.hpp).
#include "api/fix/fix_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

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

}  // namespace

Result<std::unique_ptr<SessionStore>> SessionStore::open(const std::filesystem::path& dir) {
  std::unique_ptr<SessionStore> store(new SessionStore());
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

  // The index: frame the file message by message.
  std::string content;
  const off_t size = ::lseek(store->messagesFd_, 0, SEEK_END);
  if (size < 0) return fileError(messagesPath, "cannot seek");
  content.resize(static_cast<std::size_t>(size));
  if (size > 0 && ::pread(store->messagesFd_, content.data(), content.size(), 0) != size) {
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
      return makeError(messagesPath.string(), "message at byte " + std::to_string(pos) + " has MsgSeqNum " +
                                                  std::to_string(*seq) + ", expected " +
                                                  std::to_string(store->nextOutbound()));
    }
    store->offsets_.push_back(pos);
    pos += f.length;
  }
  if (pos < content.size()) {
    // A torn tail: cut it, so that the next append continues a well-formed log.
    if (::ftruncate(store->messagesFd_, static_cast<off_t>(pos)) != 0) return fileError(messagesPath, "cannot cut");
  }
  store->fileBytes_ = pos;
  if (::lseek(store->messagesFd_, static_cast<off_t>(pos), SEEK_SET) < 0) {
    return fileError(messagesPath, "cannot seek");
  }

  char text[32] = {};
  const ssize_t n = ::pread(store->inboundFd_, text, sizeof(text) - 1, 0);
  if (n < 0) return fileError(inboundPath, "cannot read");
  if (n > 0) {
    std::string_view t(text, static_cast<std::size_t>(n));
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.remove_suffix(1);
    const auto next = parseUnsigned(t);
    if (!next || *next == 0) return makeError(inboundPath.string(), "does not hold a sequence number");
    store->nextInbound_ = *next;
  }
  return store;
}

SessionStore::~SessionStore() {
  (void)flush();
  if (messagesFd_ >= 0) ::close(messagesFd_);
  if (inboundFd_ >= 0) ::close(inboundFd_);
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
  if (sequence < firstSequence_ || sequence >= nextOutbound()) return false;
  const std::size_t i = sequence - firstSequence_;
  if (messagesFd_ < 0) {
    const std::uint64_t end = i + 1 < offsets_.size() ? offsets_[i + 1] : memory_.size();
    out.assign(memory_, offsets_[i], end - offsets_[i]);
    return true;
  }
  if (flush()) return false;
  const std::uint64_t end = i + 1 < offsets_.size() ? offsets_[i + 1] : fileBytes_;
  out.resize(end - offsets_[i]);
  return ::pread(messagesFd_, out.data(), out.size(), static_cast<off_t>(offsets_[i])) ==
         static_cast<ssize_t>(out.size());
}

std::optional<Error> SessionStore::reset() {
  offsets_.clear();
  firstSequence_ = 1;
  fileBytes_ = 0;
  pending_.clear();
  memory_.clear();
  nextInbound_ = 1;
  inboundDirty_ = true;
  if (messagesFd_ >= 0) {
    if (::ftruncate(messagesFd_, 0) != 0 || ::lseek(messagesFd_, 0, SEEK_SET) < 0) {
      return fileError(dir_ / "messages", "cannot truncate");
    }
  }
  return flush();
}

std::optional<Error> SessionStore::writeInbound() {
  char text[24];
  std::size_t n = formatUnsigned(nextInbound_, text);
  text[n++] = '\n';
  // Fixed width is not needed: the reader stops at the newline, and a shorter number leaves
  // old digits after it only if the number shrank, which happens only on reset (truncate then).
  if (nextInbound_ == 1 && ::ftruncate(inboundFd_, 0) != 0) return fileError(dir_ / "inbound", "cannot truncate");
  if (::pwrite(inboundFd_, text, n, 0) != static_cast<ssize_t>(n)) return fileError(dir_ / "inbound", "cannot write");
  return std::nullopt;
}

std::optional<Error> SessionStore::flush() {
  if (messagesFd_ < 0) {
    inboundDirty_ = false;
    return std::nullopt;
  }
  if (!pending_.empty()) {
    if (!writeAll(messagesFd_, pending_.data(), pending_.size())) return fileError(dir_ / "messages", "cannot write");
    fileBytes_ += pending_.size();
    pending_.clear();
  }
  if (inboundDirty_) {
    inboundDirty_ = false;
    return writeInbound();
  }
  return std::nullopt;
}

}  // namespace alphintra::api::fix
