// Streams a framed ITCH 5.0 file (2-byte big-endian length before each message, as in Nasdaq's
// historical files) through a handler, with one fixed 4 MiB buffer: memory stays flat however
// large the file. Errors name the file, the byte offset and what was wrong (an unknown type, a
// length that differs from the specification, a file that ends inside a message).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/result.hpp"
#include "marketdata/itch/itch_parser.hpp"

namespace alphintra::marketdata::itch {

struct ItchFileStats {
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
};

inline Error frameError(const std::string& file, std::uint64_t offset, const std::uint8_t* frame, DecodeStatus status) {
  const std::size_t length = wire::u16(frame);
  const char type = length > 0 ? static_cast<char>(frame[2]) : '?';
  switch (status) {
    case DecodeStatus::Empty:
      return makeError("length", fmt::format("{}: offset {}: a message of length 0", file, offset));
    case DecodeStatus::UnknownType:
      return makeError("type", fmt::format("{}: offset {}: type byte 0x{:02x} is not an ITCH 5.0 message type", file,
                                           offset, static_cast<unsigned>(static_cast<unsigned char>(type))));
    case DecodeStatus::BadLength:
      return makeError("length", fmt::format("{}: offset {}: message '{}' has {} bytes, the specification says {}",
                                             file, offset, type, length, messageLength(type)));
    case DecodeStatus::Ok: break;
  }
  return makeError("file", fmt::format("{}: offset {}: unreadable message", file, offset));
}

// A handler with build() (ItchBookBuilder) decodes through it. `stop()` on the handler, if it has one, is polled
// between chunks: true ends the read early.
template <typename Handler>
Result<ItchFileStats> readItchFile(const std::filesystem::path& path, Handler& handler) {
  const std::string file = path.string();
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return makeError("file", fmt::format("cannot open {}: {}", file, std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  constexpr std::size_t kBuffer = 4u << 20;
  auto buffer = std::make_unique<std::uint8_t[]>(kBuffer);
  std::size_t have = 0;
  ItchFileStats stats;
  std::uint64_t base = 0;  // file offset of buffer[0]
  while (true) {
    const ssize_t n = ::read(fd, buffer.get() + have, kBuffer - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      return makeError("file", fmt::format("cannot read {}: {}", file, std::strerror(errno)));
    }
    if (n == 0) {
      if (have > 0) {
        const std::size_t length = have >= 2 ? wire::u16(buffer.get()) : 0;
        return makeError("file", fmt::format("{}: offset {}: the file ends inside a message ({} of {} bytes)", file,
                                             base, have, have >= 2 ? length + 2 : 2));
      }
      return stats;
    }
    have += static_cast<std::size_t>(n);
    stats.bytes += static_cast<std::uint64_t>(n);
    FrameError error;
    std::size_t used = 0;
    if constexpr (requires { handler.build(buffer.get(), have, stats.messages, error); }) {
      used = handler.build(buffer.get(), have, stats.messages, error);  // a book builder's prefetching loop
    } else {
      used = decodeFrames(buffer.get(), have, handler, stats.messages, error);
    }
    if (error.status != DecodeStatus::Ok) {
      return frameError(file, base + error.offset, buffer.get() + error.offset, error.status);
    }
    if constexpr (requires { handler.stop(); }) {
      if (handler.stop()) return stats;
    }
    std::memmove(buffer.get(), buffer.get() + used, have - used);
    have -= used;
    base += used;
  }
}

}  // namespace alphintra::marketdata::itch
