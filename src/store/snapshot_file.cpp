#include "store/snapshot_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "store/crc32c.hpp"
#include "store/journal_format.hpp"

namespace alphintra::store {

namespace {

constexpr std::array<char, 8> kMagic{'A', 'L', 'P', 'H', 'S', 'N', 'P', '1'};
constexpr std::size_t kHeaderBytes = 32;

std::string snapshotName(std::uint64_t sequence) {
  std::string digits = std::to_string(sequence);
  return "snapshot-" + std::string(20 - digits.size(), '0') + digits + ".snap";
}

std::optional<std::uint64_t> sequenceOfName(const std::string& name) {
  if (name.size() != 9 + 20 + 5 || name.rfind("snapshot-", 0) != 0 || name.substr(29) != ".snap") return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 9; i < 29; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return v;
}

Error ioError(const std::string& what, const std::string& path, int err) {
  return makeError("snapshot", what + " " + path + ": " + std::strerror(err));
}

bool writeAll(int fd, const std::byte* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace

Result<std::string> writeSnapshot(const std::filesystem::path& dir, std::uint64_t sequence,
                                  std::span<const std::byte> payload, std::size_t keep) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return makeError("snapshot", "cannot create " + dir.string() + ": " + ec.message());

  std::array<std::byte, kHeaderBytes> header{};
  std::memcpy(header.data(), kMagic.data(), kMagic.size());
  storeLe64(header.data() + 8, sequence);
  storeLe64(header.data() + 16, payload.size());
  const std::uint32_t crc = crc32cExtend(crc32c(std::span(header.data() + 8, 16)), payload);
  storeLe32(header.data() + 24, crc);

  const std::filesystem::path final = dir / snapshotName(sequence);
  const std::filesystem::path tmp = dir / (snapshotName(sequence) + ".tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ioError("cannot create", tmp.string(), errno);
  const bool written = writeAll(fd, header.data(), header.size()) && writeAll(fd, payload.data(), payload.size()) &&
                       ::fdatasync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!written) {
    std::filesystem::remove(tmp, ec);
    return ioError("cannot write", tmp.string(), err);
  }
  if (::rename(tmp.c_str(), final.c_str()) != 0) return ioError("cannot rename", tmp.string(), errno);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    const bool synced = ::fsync(dfd) == 0;
    const int derr = errno;
    ::close(dfd);
    if (!synced) return ioError("cannot fsync", dir.string(), derr);
  }

  // Keep the newest `keep`; drop older ones and stray temporary files.
  auto all = listSnapshots(dir);
  for (std::size_t i = std::max<std::size_t>(keep, 1); i < all.size(); ++i) std::filesystem::remove(all[i].second, ec);
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.substr(name.size() - 4) == ".tmp" && entry.path() != tmp) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
  return final.string();
}

std::vector<std::pair<std::uint64_t, std::filesystem::path>> listSnapshots(const std::filesystem::path& dir) {
  std::vector<std::pair<std::uint64_t, std::filesystem::path>> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (auto seq = sequenceOfName(entry.path().filename().string())) out.emplace_back(*seq, entry.path());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return out;
}

Result<SnapshotImage> readSnapshot(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return makeError("snapshot", "cannot open " + file.string());
  std::array<std::byte, kHeaderBytes> header{};
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  if (in.gcount() != static_cast<std::streamsize>(header.size())) {
    return makeError("snapshot", file.string() + ": shorter than its 32-byte header");
  }
  if (std::memcmp(header.data(), kMagic.data(), kMagic.size()) != 0) {
    return makeError("snapshot", file.string() + ": not a snapshot file (bad magic)");
  }
  SnapshotImage image;
  image.file = file.string();
  image.sequence = loadLe64(header.data() + 8);
  const std::uint64_t length = loadLe64(header.data() + 16);
  const std::uint32_t crc = loadLe32(header.data() + 24);
  const auto named = sequenceOfName(file.filename().string());
  if (named && *named != image.sequence) {
    return makeError(
        "snapshot", file.string() + ": header sequence " + std::to_string(image.sequence) + " does not match its name");
  }
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(file, ec);
  if (ec || size != kHeaderBytes + length) {
    return makeError("snapshot", file.string() + ": file is " + std::to_string(size) + " bytes; header says " +
                                     std::to_string(kHeaderBytes + length));
  }
  image.payload.resize(length);
  in.read(reinterpret_cast<char*>(image.payload.data()), static_cast<std::streamsize>(length));
  if (static_cast<std::uint64_t>(in.gcount()) != length) return makeError("snapshot", file.string() + ": short read");
  const std::uint32_t actual = crc32cExtend(crc32c(std::span(header.data() + 8, 16)), image.payload);
  if (actual != crc) return makeError("snapshot", file.string() + ": checksum mismatch (damaged file)");
  return image;
}

}  // namespace alphintra::store
