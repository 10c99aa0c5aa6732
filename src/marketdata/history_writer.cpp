// HistoryWriter (history_store.hpp): buffered appends per series, one file per partition,
// torn tails cut on reopen.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>
#include <utility>

#include "marketdata/history_format.hpp"
#include "marketdata/history_store.hpp"
#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata {
namespace {

constexpr std::size_t kBufferBytes = 64u << 10;

Error errnoError(const std::string& path, std::string_view what, int err) {
  return makeError("store", fmt::format("{}: {}: {}", path, what, std::strerror(err)));
}

bool writeAll(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

struct SeriesKey {
  std::uint64_t instrument = 0;
  std::int64_t interval = 0;
  MarketEventKind kind{};
  bool operator==(const SeriesKey&) const = default;
};
struct SeriesKeyHash {
  std::size_t operator()(const SeriesKey& k) const noexcept {
    return std::hash<std::uint64_t>{}(k.instrument * 0x9E3779B97F4A7C15ull ^ static_cast<std::uint64_t>(k.interval) ^
                                      (static_cast<std::uint64_t>(k.kind) << 56));
  }
};

struct Series {
  SeriesKey key;
  std::uint32_t recordSize = 0;
  std::string partition;
  std::int64_t lo = 0;  // the open partition covers times [lo, hi)
  std::int64_t hi = 0;
  std::string path;
  int fd = -1;
  std::unique_ptr<std::byte[]> buffer;
  std::size_t used = 0;
  bool hasLast = false;
  std::int64_t lastTime = 0;
  std::uint64_t lastUse = 0;
  bool unsynced = false;
};

}  // namespace

struct HistoryWriter::State {
  std::filesystem::path dir;
  HistoryWriterOptions options;
  int lockFd = -1;
  std::unordered_map<SeriesKey, Series, SeriesKeyHash> series;
  std::size_t openFiles = 0;
  std::uint64_t useClock = 0;
  std::uint64_t tornBytes = 0;

  ~State() {
    for (auto& [key, s] : series) {
      (void)writeOut(s);
      closeFile(s);
    }
    if (lockFd >= 0) ::close(lockFd);
  }

  Result<bool> writeOut(Series& s) {
    if (s.used == 0) return true;
    if (!writeAll(s.fd, s.buffer.get(), s.used)) return errnoError(s.path, "cannot append", errno);
    s.used = 0;
    s.unsynced = true;
    return true;
  }

  void closeFile(Series& s) {
    if (s.fd >= 0) {
      if (s.unsynced && options.fsync) ::fdatasync(s.fd);
      ::close(s.fd);
      s.fd = -1;
      --openFiles;
    }
    s.buffer.reset();
    s.partition.clear();
  }

  Result<bool> closeLeastRecentlyUsed() {
    Series* victim = nullptr;
    for (auto& [key, s] : series) {
      if (s.fd >= 0 && (victim == nullptr || s.lastUse < victim->lastUse)) victim = &s;
    }
    if (victim == nullptr) return true;
    auto wrote = writeOut(*victim);
    closeFile(*victim);
    return wrote;
  }

  // Opens (creating or validating and cutting) the partition file the next record goes to.
  Result<bool> openPartition(Series& s, std::int64_t time) {
    const std::string partition = historyPartitionName(s.key.kind, s.key.interval, time);
    historyPartitionRange(s.key.kind, s.key.interval, time, s.lo, s.hi);
    if (s.fd >= 0) {
      auto wrote = writeOut(s);
      closeFile(s);
      if (!wrote) return wrote.error();
    }
    while (openFiles >= options.maxOpenFiles) {
      auto closed = closeLeastRecentlyUsed();
      if (!closed) return closed.error();
    }
    const auto folder = dir / std::to_string(s.key.instrument) / historySeriesName(s.key.kind, s.key.interval);
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) return makeError("store", fmt::format("{}: cannot create: {}", folder.string(), ec.message()));
    s.path = (folder / (partition + ".md")).string();
    const int fd = ::open(s.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return errnoError(s.path, "cannot open", errno);
    ++openFiles;
    s.fd = fd;
    s.partition = partition;
    s.buffer = std::make_unique<std::byte[]>(kBufferBytes);
    s.used = 0;
    s.hasLast = false;
    struct stat st {};
    if (::fstat(fd, &st) != 0) return errnoError(s.path, "cannot stat", errno);
    HistoryFileHeader expected;
    expected.recordSize = s.recordSize;
    expected.instrument = s.key.instrument;
    expected.kind = static_cast<std::uint8_t>(s.key.kind);
    expected.intervalSeconds = static_cast<std::uint32_t>(s.key.interval / kNanosPerSecond);
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < sizeof(HistoryFileHeader)) {
      // New, or torn before its header was whole: start it again.
      if (::ftruncate(fd, 0) != 0) return errnoError(s.path, "cannot truncate", errno);
      if (!writeAll(fd, &expected, sizeof expected)) return errnoError(s.path, "cannot write the header", errno);
      tornBytes += size;
      s.unsynced = true;
      return true;
    }
    HistoryFileHeader found;
    if (::pread(fd, &found, sizeof found, 0) != static_cast<ssize_t>(sizeof found)) {
      return errnoError(s.path, "cannot read the header", errno);
    }
    if (std::memcmp(&found, &expected, sizeof found) != 0) {
      return makeError("store",
                       fmt::format("{}: the header does not match this series (foreign or damaged file)", s.path));
    }
    // Validate the records and find where the valid data ends.
    std::uint64_t valid = sizeof(HistoryFileHeader);
    const std::uint64_t whole =
        sizeof(HistoryFileHeader) + (size - sizeof(HistoryFileHeader)) / s.recordSize * s.recordSize;
    const bool strict = s.key.kind == MarketEventKind::Bar;
    std::uint64_t offset = valid;
    bool stop = false;
    while (offset < whole && !stop) {
      const std::size_t chunk =
          static_cast<std::size_t>(std::min<std::uint64_t>(whole - offset, kBufferBytes / s.recordSize * s.recordSize));
      if (::pread(fd, s.buffer.get(), chunk, static_cast<off_t>(offset)) != static_cast<ssize_t>(chunk)) {
        return errnoError(s.path, "cannot read", errno);
      }
      for (std::size_t at = 0; at < chunk; at += s.recordSize) {
        const std::byte* r = s.buffer.get() + at;
        const std::int64_t t = recordTime(r);
        if (recordInstrument(r) != s.key.instrument || t < s.lo || t >= s.hi ||
            (s.hasLast && (strict ? t <= s.lastTime : t < s.lastTime))) {
          stop = true;
          break;
        }
        s.hasLast = true;
        s.lastTime = t;
        valid = offset + at + s.recordSize;
      }
      offset += chunk;
    }
    if (valid < size) {
      if (::ftruncate(fd, static_cast<off_t>(valid)) != 0) return errnoError(s.path, "cannot cut the torn tail", errno);
      tornBytes += size - valid;
    }
    if (::lseek(fd, static_cast<off_t>(valid), SEEK_SET) < 0) return errnoError(s.path, "cannot seek", errno);
    return true;
  }
};

HistoryWriter::HistoryWriter(std::unique_ptr<State> state) noexcept : state_(std::move(state)) {}
HistoryWriter::HistoryWriter(HistoryWriter&&) noexcept = default;
HistoryWriter& HistoryWriter::operator=(HistoryWriter&&) noexcept = default;
HistoryWriter::~HistoryWriter() = default;

Result<HistoryWriter> HistoryWriter::open(const std::filesystem::path& dir, HistoryWriterOptions options) {
  auto state = std::make_unique<State>();
  state->dir = dir;
  state->options = options;
  if (options.maxOpenFiles == 0) state->options.maxOpenFiles = 1;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return makeError("store", fmt::format("{}: cannot create the store directory: {}", dir.string(), ec.message()));
  const std::string lock = (dir / ".lock").string();
  state->lockFd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (state->lockFd < 0) return errnoError(lock, "cannot open the lock file", errno);
  if (::flock(state->lockFd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return makeError("store", fmt::format("{}: another writer has the store open", dir.string()));
    }
    return errnoError(lock, "cannot lock", errno);
  }
  return HistoryWriter{std::move(state)};
}

Result<bool> HistoryWriter::describe(const HistoryInstrument& info) {
  if (info.instrument.isNone()) return makeError("instrument", "instrument id 0 is reserved");
  if (info.symbol.empty() || info.symbol.size() > 32) return makeError("symbol", "the symbol must be 1..32 characters");
  for (char c : info.symbol) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '/' || c == '-';
    if (!ok) return makeError("symbol", fmt::format("'{}' has a character outside [A-Za-z0-9._:/-]", info.symbol));
  }
  if (info.pricePlaces < 0 || info.pricePlaces > 12) return makeError("pricePlaces", "must be 0..12");
  if (info.quantityPlaces < 0 || info.quantityPlaces > 12) return makeError("quantityPlaces", "must be 0..12");
  const auto folder = state_->dir / std::to_string(info.instrument.value());
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return makeError("store", fmt::format("{}: cannot create: {}", folder.string(), ec.message()));
  const auto tmp = folder / "instrument.txt.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "symbol=" << info.symbol << "\nprice_places=" << info.pricePlaces
        << "\nquantity_places=" << info.quantityPlaces << "\n";
    if (!out) return makeError("store", fmt::format("{}: cannot write", tmp.string()));
  }
  std::filesystem::rename(tmp, folder / "instrument.txt", ec);
  if (ec) return makeError("store", fmt::format("{}: cannot rename: {}", tmp.string(), ec.message()));
  return true;
}

Result<bool> HistoryWriter::append(MarketEventKind kind, std::int64_t intervalNanos, const void* record) {
  State& st = *state_;
  const auto* bytes = static_cast<const std::byte*>(record);
  const SeriesKey key{recordInstrument(bytes), intervalNanos, kind};
  if (key.instrument == 0) return makeError("instrument", "instrument id 0 is reserved");
  auto [it, inserted] = st.series.try_emplace(key);
  Series& s = it->second;
  if (inserted) {
    s.key = key;
    s.recordSize = historyRecordSize(kind);
  }
  const std::int64_t t = recordTime(bytes);
  if (s.fd < 0 || t < s.lo || t >= s.hi) {
    auto opened = st.openPartition(s, t);
    if (!opened) {
      st.closeFile(s);
      return opened.error();
    }
  }
  s.lastUse = ++st.useClock;
  const bool strict = kind == MarketEventKind::Bar;
  if (s.hasLast && (strict ? t <= s.lastTime : t < s.lastTime)) {
    return makeError("time", fmt::format("{}: {} at {} is not after the last stored one at {}", s.path,
                                         historySeriesName(kind, intervalNanos), formatUtcTime(Timestamp{t}),
                                         formatUtcTime(Timestamp{s.lastTime})));
  }
  if (s.used + s.recordSize > kBufferBytes) {
    auto wrote = st.writeOut(s);
    if (!wrote) return wrote.error();
  }
  std::memcpy(s.buffer.get() + s.used, record, s.recordSize);
  s.used += s.recordSize;
  s.hasLast = true;
  s.lastTime = t;
  return true;
}

Result<bool> HistoryWriter::appendBar(const Bar& bar, std::int64_t intervalNanos) {
  if (intervalNanos < kNanosPerSecond || intervalNanos % kNanosPerSecond != 0 || kNanosPerDay % intervalNanos != 0) {
    return makeError("interval",
                     fmt::format("{} ns is not an interval from 1s to 1d that divides a day", intervalNanos));
  }
  if (floorTo(bar.start.nanos(), intervalNanos) != bar.start.nanos()) {
    return makeError("start", fmt::format("bar start {} is not on the {} grid", formatUtcTime(bar.start),
                                          historySeriesName(MarketEventKind::Bar, intervalNanos)));
  }
  return append(MarketEventKind::Bar, intervalNanos, &bar);
}
Result<bool> HistoryWriter::appendTrade(const TradeEvent& trade) { return append(MarketEventKind::Trade, 0, &trade); }
Result<bool> HistoryWriter::appendQuote(const QuoteEvent& quote) { return append(MarketEventKind::Quote, 0, &quote); }
Result<bool> HistoryWriter::appendOrder(const BookOrderEvent& order) {
  return append(MarketEventKind::BookOrder, 0, &order);
}

Result<bool> HistoryWriter::flush() {
  for (auto& [key, s] : state_->series) {
    if (s.fd < 0) continue;
    auto wrote = state_->writeOut(s);
    if (!wrote) return wrote.error();
    if (s.unsynced && state_->options.fsync && ::fdatasync(s.fd) != 0) {
      return errnoError(s.path, "fdatasync failed", errno);
    }
    s.unsynced = false;
  }
  return true;
}

std::uint64_t HistoryWriter::tornBytesCut() const noexcept { return state_->tornBytes; }

std::string historySeriesName(MarketEventKind kind, std::int64_t intervalNanos) {
  switch (kind) {
    case MarketEventKind::Trade: return "trades";
    case MarketEventKind::Quote: return "quotes";
    case MarketEventKind::BookOrder: return "orders";
    case MarketEventKind::BookLevel: return "levels";
    case MarketEventKind::Bar: break;
  }
  const std::int64_t s = intervalNanos / kNanosPerSecond;
  if (s % 86'400 == 0) return fmt::format("bars-{}d", s / 86'400);
  if (s % 3'600 == 0) return fmt::format("bars-{}h", s / 3'600);
  if (s % 60 == 0) return fmt::format("bars-{}m", s / 60);
  return fmt::format("bars-{}s", s);
}

std::string historyPartitionName(MarketEventKind kind, std::int64_t intervalNanos, std::int64_t timeNanos) {
  const std::string day = formatUtcDay(Timestamp{timeNanos});
  if (kind == MarketEventKind::Bar && intervalNanos >= 3'600 * kNanosPerSecond) return day.substr(0, 4);
  return day;
}

void historyPartitionRange(MarketEventKind kind, std::int64_t intervalNanos, std::int64_t timeNanos, std::int64_t& lo,
                           std::int64_t& hi) {
  lo = floorTo(timeNanos, kNanosPerDay);
  hi = lo + kNanosPerDay;
  if (kind == MarketEventKind::Bar && intervalNanos >= 3'600 * kNanosPerSecond) {
    int year = 0;
    unsigned month = 0, day = 0;
    civilFromDays(lo / kNanosPerDay, year, month, day);
    lo = daysFromCivil(year, 1, 1) * kNanosPerDay;
    hi = daysFromCivil(year + 1, 1, 1) * kNanosPerDay;
  }
}

}  // namespace alphintra::marketdata
