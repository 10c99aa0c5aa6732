// HistoryReader (history_store.hpp): streamed range queries over the partition files, with a
// binary search for the first record of the range in the first file.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>

#include "marketdata/bar_aggregator.hpp"
#include "marketdata/history_format.hpp"
#include "marketdata/history_store.hpp"
#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata {
namespace {

constexpr std::size_t kBufferBytes = 64u << 10;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::optional<HistoryInstrument> readInstrumentFile(const std::filesystem::path& file, InstrumentId id) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  HistoryInstrument info;
  info.instrument = id;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    std::int64_t n = 0;
    std::string reason;
    if (key == "symbol") info.symbol = value;
    if (key == "price_places" && parseInteger(value, n, reason) && n >= 0 && n <= 12)
      info.pricePlaces = static_cast<int>(n);
    if (key == "quantity_places" && parseInteger(value, n, reason) && n >= 0 && n <= 12) {
      info.quantityPlaces = static_cast<int>(n);
    }
  }
  if (info.symbol.empty()) return std::nullopt;
  return info;
}

}  // namespace

Result<HistoryReader> HistoryReader::open(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return makeError("store", fmt::format("{}: not a history store directory", dir.string()));
  }
  return HistoryReader{dir};
}

Result<HistoryQueryStats> HistoryReader::scan(InstrumentId instrument, MarketEventKind kind, std::int64_t intervalNanos,
                                              Timestamp start, Timestamp end,
                                              const std::function<bool(const std::byte*)>& onRecord) const {
  HistoryQueryStats stats;
  stats.sourceIntervalNanos = intervalNanos;
  const auto folder = dir_ / std::to_string(instrument.value()) / historySeriesName(kind, intervalNanos);
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return stats;
  // Partition files overlapping [start, end), in time order. The listing holds names only
  // (one per day or year), not data.
  std::vector<std::pair<std::int64_t, std::filesystem::path>> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    std::int64_t lo = 0, hi = 0;
    if (!historyPartitionSpan(entry.path().filename().string(), lo, hi)) continue;
    historyPartitionRange(kind, intervalNanos, lo, lo, hi);
    if (hi > start.nanos() && lo < end.nanos()) files.emplace_back(lo, entry.path());
  }
  if (ec) return makeError("store", fmt::format("{}: cannot list: {}", folder.string(), ec.message()));
  std::sort(files.begin(), files.end());
  const std::uint32_t size = historyRecordSize(kind);
  const bool strict = kind == MarketEventKind::Bar;
  auto buffer = std::make_unique<std::byte[]>(kBufferBytes);
  for (const auto& [lo, path] : files) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0 && errno == ENOENT) continue;  // deleted by retention (pruneHistory) since the listing
    if (f.fd < 0) return makeError("store", fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
    ++stats.filesRead;
    HistoryFileHeader header;
    if (::pread(f.fd, &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header)) continue;  // torn at birth
    HistoryFileHeader expected;
    expected.recordSize = size;
    expected.instrument = instrument.value();
    expected.kind = static_cast<std::uint8_t>(kind);
    expected.intervalSeconds = static_cast<std::uint32_t>(intervalNanos / kNanosPerSecond);
    if (std::memcmp(&header, &expected, sizeof header) != 0) {
      return makeError(
          "store", fmt::format("{}: the header does not match its series (foreign or damaged file)", path.string()));
    }
    const off_t bytes = ::lseek(f.fd, 0, SEEK_END);
    if (bytes < 0) return makeError("store", fmt::format("{}: cannot seek: {}", path.string(), std::strerror(errno)));
    const std::uint64_t count = (static_cast<std::uint64_t>(bytes) - sizeof header) / size;
    // Binary search for the first record at or after `start` (records are time-ordered; a torn
    // tail, if any, is cut off by the validity check below).
    std::uint64_t first = 0;
    if (start.nanos() > lo) {
      std::uint64_t a = 0, b = count;
      std::byte probe[sizeof(Bar)];
      while (a < b) {
        const std::uint64_t mid = a + (b - a) / 2;
        if (::pread(f.fd, probe, size, static_cast<off_t>(sizeof header + mid * size)) != static_cast<ssize_t>(size)) {
          break;
        }
        if (recordTime(probe) < start.nanos() && recordInstrument(probe) == instrument.value()) {
          a = mid + 1;
        } else {
          b = mid;
        }
      }
      first = a;
    }
    std::int64_t hi = 0, partitionLo = 0;
    historyPartitionRange(kind, intervalNanos, lo, partitionLo, hi);
    bool haveLast = false;
    std::int64_t last = 0;
    for (std::uint64_t at = first; at < count;) {
      const std::uint64_t n = std::min<std::uint64_t>(count - at, kBufferBytes / size);
      const auto want = static_cast<ssize_t>(n * size);
      if (::pread(f.fd, buffer.get(), static_cast<std::size_t>(want), static_cast<off_t>(sizeof header + at * size)) !=
          want) {
        return makeError("store", fmt::format("{}: cannot read: {}", path.string(), std::strerror(errno)));
      }
      for (std::uint64_t k = 0; k < n; ++k) {
        const std::byte* r = buffer.get() + k * size;
        const std::int64_t t = recordTime(r);
        // A torn tail (zeros, or out of order): the data ends here.
        if (recordInstrument(r) != instrument.value() || t < partitionLo || t >= hi ||
            (haveLast && (strict ? t <= last : t < last))) {
          at = count;
          break;
        }
        haveLast = true;
        last = t;
        ++stats.recordsRead;
        if (t >= end.nanos()) return stats;
        if (t < start.nanos()) continue;
        ++stats.emitted;
        if (!onRecord(r)) return stats;
      }
      at += n;
    }
  }
  return stats;
}

std::vector<std::int64_t> HistoryReader::barIntervals(InstrumentId id) const {
  std::vector<std::int64_t> out;
  std::error_code ec;
  const auto folder = dir_ / std::to_string(id.value());
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("bars-")) continue;
    auto span = parseInterval(name.substr(5));
    if (span) out.push_back(*span);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<HistoryQueryStats> HistoryReader::queryBars(InstrumentId instrument, std::int64_t intervalNanos, Timestamp start,
                                                   Timestamp end, const std::function<bool(const Bar&)>& onBar) const {
  if (intervalNanos < kNanosPerSecond || intervalNanos % kNanosPerSecond != 0 || kNanosPerDay % intervalNanos != 0) {
    return makeError("interval", "the interval must be from 1s to 1d and divide a day");
  }
  if (end <= start) return HistoryQueryStats{};
  const Timestamp from{floorTo(start.nanos(), intervalNanos)};
  // Source bars of the last bucket that starts before `end` are read whole.
  // Saturated: an end in the last interval before 2262 has no next interval in 64 bits.
  const std::int64_t lastBucket = floorTo(end.nanos() - 1, intervalNanos);
  const Timestamp until{lastBucket > std::numeric_limits<std::int64_t>::max() - intervalNanos
                            ? std::numeric_limits<std::int64_t>::max()
                            : lastBucket + intervalNanos};
  std::int64_t source = 0;
  for (std::int64_t stored : barIntervals(instrument)) {
    if (intervalNanos % stored == 0) source = stored;
  }
  if (source == intervalNanos) {
    return scan(instrument, MarketEventKind::Bar, source, from, end, [&](const std::byte* r) {
      Bar bar;
      std::memcpy(&bar, r, sizeof bar);
      return onBar(bar);
    });
  }
  auto aggregator = BarAggregator::create(instrument, BarSpec{BarKind::Time, intervalNanos});
  if (!aggregator) return aggregator.error();
  BarAggregator& agg = aggregator.value();
  bool stopped = false;
  std::uint64_t emitted = 0;
  auto emit = [&](const Bar& bar) {
    if (bar.start < end) {
      ++emitted;
      if (!onBar(bar)) stopped = true;
    }
    return !stopped;
  };
  Bar done;
  Result<HistoryQueryStats> stats = HistoryQueryStats{};
  if (source != 0) {
    stats = scan(instrument, MarketEventKind::Bar, source, from, until, [&](const std::byte* r) {
      Bar bar;
      std::memcpy(&bar, r, sizeof bar);
      return !agg.onBar(bar, done) || emit(done);
    });
  } else {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir_ / std::to_string(instrument.value()) / "trades", ec)) {
      return makeError("interval", fmt::format("instrument {} has no bars whose interval divides {} and no trades",
                                               instrument.value(), formatInterval(intervalNanos)));
    }
    stats = scan(instrument, MarketEventKind::Trade, 0, from, until, [&](const std::byte* r) {
      TradeEvent trade;
      std::memcpy(&trade, r, sizeof trade);
      return !agg.onTrade(trade.exchangeTime, trade.price, trade.quantity, done) || emit(done);
    });
  }
  if (!stats) return stats;
  if (!stopped && agg.flush(done)) emit(done);
  HistoryQueryStats out = stats.value();
  out.emitted = emitted;
  out.sourceIntervalNanos = source;
  return out;
}

Result<HistoryQueryStats> HistoryReader::queryTrades(InstrumentId instrument, Timestamp start, Timestamp end,
                                                     const std::function<bool(const TradeEvent&)>& onTrade) const {
  return scan(instrument, MarketEventKind::Trade, 0, start, end, [&](const std::byte* r) {
    TradeEvent e;
    std::memcpy(&e, r, sizeof e);
    return onTrade(e);
  });
}

Result<HistoryQueryStats> HistoryReader::queryQuotes(InstrumentId instrument, Timestamp start, Timestamp end,
                                                     const std::function<bool(const QuoteEvent&)>& onQuote) const {
  return scan(instrument, MarketEventKind::Quote, 0, start, end, [&](const std::byte* r) {
    QuoteEvent e;
    std::memcpy(&e, r, sizeof e);
    return onQuote(e);
  });
}

Result<HistoryQueryStats> HistoryReader::queryOrders(InstrumentId instrument, Timestamp start, Timestamp end,
                                                     const std::function<bool(const BookOrderEvent&)>& onOrder) const {
  return scan(instrument, MarketEventKind::BookOrder, 0, start, end, [&](const std::byte* r) {
    BookOrderEvent e;
    std::memcpy(&e, r, sizeof e);
    return onOrder(e);
  });
}

std::vector<HistoryInstrument> HistoryReader::instruments() const {
  std::vector<HistoryInstrument> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    std::int64_t id = 0;
    std::string reason;
    if (!parseInteger(entry.path().filename().string(), id, reason) || id <= 0) continue;
    if (auto info = readInstrumentFile(entry.path() / "instrument.txt", InstrumentId{static_cast<std::uint64_t>(id)})) {
      out.push_back(*info);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.instrument < b.instrument; });
  return out;
}

std::optional<HistoryInstrument> HistoryReader::instrument(InstrumentId id) const {
  return readInstrumentFile(dir_ / std::to_string(id.value()) / "instrument.txt", id);
}

std::optional<HistoryInstrument> HistoryReader::findSymbol(std::string_view symbol) const {
  for (auto& info : instruments()) {
    if (info.symbol == symbol) return info;
  }
  return std::nullopt;
}

}  // namespace alphintra::marketdata
