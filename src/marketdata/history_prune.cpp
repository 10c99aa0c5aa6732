// History retention (history_store.hpp, pruneHistory): partition files whose span is over by the
// cutoff are deleted, series by series; nothing is read but directory listings.
#include <fmt/format.h>

#include <algorithm>
#include <system_error>
#include <vector>

#include "marketdata/history_store.hpp"
#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata {

bool historyPartitionSpan(const std::string& fileName, std::int64_t& lo, std::int64_t& hi) {
  Timestamp t;
  std::string reason;
  if (fileName.size() == 13 && fileName.ends_with(".md") && parseUtcTime(fileName.substr(0, 10), t, reason)) {
    lo = t.nanos();
    hi = lo + kNanosPerDay;
    return true;
  }
  if (fileName.size() == 7 && fileName.ends_with(".md") &&
      std::all_of(fileName.begin(), fileName.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
      parseUtcTime(fileName.substr(0, 4) + "-01-01", t, reason)) {
    Timestamp next;
    const int year = std::stoi(fileName.substr(0, 4));
    if (!parseUtcTime(fmt::format("{:04}-01-01", year + 1), next, reason)) return false;
    lo = t.nanos();
    hi = next.nanos();
    return true;
  }
  return false;
}

Result<HistoryPruneReport> pruneHistory(const std::filesystem::path& dir, Timestamp cutoff) {
  HistoryPruneReport report;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return makeError("history", fmt::format("{}: not a history directory", dir.string()));
  }
  const auto listError = [](const std::filesystem::path& folder, const std::error_code& e) {
    return makeError("history", fmt::format("{}: cannot list: {}", folder.string(), e.message()));
  };
  // DIR/<instrument id>/<series>/<partition>.md
  for (std::filesystem::directory_iterator instrument(dir, ec), end; !ec && instrument != end;
       instrument.increment(ec)) {
    if (!instrument->is_directory()) continue;
    std::error_code seriesError;
    for (std::filesystem::directory_iterator series(instrument->path(), seriesError); !seriesError && series != end;
         series.increment(seriesError)) {
      if (!series->is_directory()) continue;
      // Names first, deletions after: a directory is not changed while it is being listed.
      std::vector<std::filesystem::path> due;
      std::error_code fileError;
      for (std::filesystem::directory_iterator file(series->path(), fileError); !fileError && file != end;
           file.increment(fileError)) {
        std::int64_t lo = 0, hi = 0;
        if (historyPartitionSpan(file->path().filename().string(), lo, hi) && hi <= cutoff.nanos()) {
          due.push_back(file->path());
        }
      }
      if (fileError) return listError(series->path(), fileError);
      for (const auto& path : due) {
        std::error_code sizeError;
        const auto bytes = std::filesystem::file_size(path, sizeError);
        std::error_code removeError;
        if (!std::filesystem::remove(path, removeError)) {
          if (!removeError) continue;  // gone already
          return makeError("history", fmt::format("{}: cannot delete: {}", path.string(), removeError.message()));
        }
        ++report.filesRemoved;
        if (!sizeError) report.bytesRemoved += bytes;
      }
    }
    if (seriesError) return listError(instrument->path(), seriesError);
  }
  if (ec) return listError(dir, ec);
  return report;
}

}  // namespace alphintra::marketdata
