// pruneJournal: the journal's retention (journal.hpp).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "store/journal.hpp"
#include "store/journal_format.hpp"

namespace alphintra::store {

Result<PruneReport> pruneJournal(const std::filesystem::path& dir, const PruneOptions& options) {
  namespace fs = std::filesystem;
  const std::string dirText = dir.string();
  std::error_code ec;
  std::vector<std::pair<std::uint64_t, fs::path>> segments;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (const auto first = parseSegmentFileName(it->path().filename().string()); first && *first != 0) {
      segments.emplace_back(*first, it->path());
    }
  }
  if (ec) return makeError(dirText, fmt::format("{}: cannot list the journal directory: {}", dirText, ec.message()));
  std::sort(segments.begin(), segments.end());

  // Each deletion is made durable before the next: were a power cut to keep a later deletion
  // and lose an earlier one, the older segment would come back before a gap.
  const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd < 0) {
    return makeError(dirText, fmt::format("{}: cannot open the journal directory: {}", dirText, std::strerror(errno)));
  }
  struct CloseDir {
    int fd;
    ~CloseDir() { ::close(fd); }
  } closeDir{dirFd};

  PruneReport report;
  const auto now = fs::file_time_type::clock::now();
  std::size_t i = 0;
  for (; i + 1 < segments.size(); ++i) {
    // Every record of segment i is below the next segment's first sequence.
    if (segments[i + 1].first > options.keepFrom) break;
    const fs::path& path = segments[i].second;
    const std::string pathText = path.string();
    const auto written = fs::last_write_time(path, ec);
    if (ec) return makeError(pathText, fmt::format("{}: cannot read the segment's time: {}", pathText, ec.message()));
    if (now - written < options.minAge) break;
    const auto bytes = fs::file_size(path, ec);
    if (ec) return makeError(pathText, fmt::format("{}: cannot read the segment's size: {}", pathText, ec.message()));
    if (!fs::remove(path, ec) || ec) {
      return makeError(pathText, fmt::format("{}: cannot delete the segment: {}", pathText,
                                             ec ? ec.message() : std::string("it is gone")));
    }
    if (::fsync(dirFd) != 0) {
      return makeError(dirText,
                       fmt::format("{}: fsync of the journal directory failed: {}", dirText, std::strerror(errno)));
    }
    ++report.segmentsRemoved;
    report.bytesRemoved += bytes;
  }
  report.firstSequence = i < segments.size() ? segments[i].first : 0;
  return report;
}

}  // namespace alphintra::store
