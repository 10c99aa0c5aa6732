// The history store: market data per instrument in compact binary files (history_format.hpp),
// appended by one writer and read by range queries that stream (constant memory).
//
// HistoryWriter: appends bars (at their own interval), trades, quotes and L3 order events;
// records become visible to readers at flush() (or when a 64 KiB series buffer fills).
// Crash safety: what flush() wrote survives a process crash (and a power loss with
// `fsync`); a torn tail left by a crash is cut when a writer next opens that file. One writer
// per directory (flock on DIR/.lock, held by the process); one thread per writer.
//
// HistoryReader: queries are const and may run on any number of threads at once, also while a
// writer appends in this or another process (they see what was flushed when each file is read).
// Bar queries at an interval are built from the coarsest stored bar series whose interval
// divides it (1 m from bars-1m, or from bars-1s when only those exist), or from trades when no
// bar series fits; see queryBars().
//
// Memory: a reader holds one 64 KiB buffer per query; a writer one buffer per open series, at
// most maxOpenFiles of them (the least recently used is flushed and closed beyond that).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "marketdata/events.hpp"

namespace alphintra::marketdata {

// What the store knows about an instrument beyond its id (instrument.txt).
struct HistoryInstrument {
  InstrumentId instrument;
  std::string symbol;
  int pricePlaces = 4;
  int quantityPlaces = 0;
};

struct HistoryWriterOptions {
  bool fsync = false;              // flush() also fdatasync()s every file it wrote
  std::size_t maxOpenFiles = 256;  // series files open at once
};

class HistoryWriter {
 public:
  static Result<HistoryWriter> open(const std::filesystem::path& dir, HistoryWriterOptions options = {});
  HistoryWriter(HistoryWriter&&) noexcept;
  HistoryWriter& operator=(HistoryWriter&&) noexcept;
  ~HistoryWriter();  // flushes; errors there are lost, so call flush() first

  // Writes DIR/<id>/instrument.txt (replacing it). The symbol must be 1..32 characters of
  // [A-Za-z0-9._:/-]; places 0..12.
  Result<bool> describe(const HistoryInstrument& info);

  // A bar of `intervalNanos` (1 s .. 1 d, dividing a day); its start must be on that grid and
  // after the last stored bar of the series.
  Result<bool> appendBar(const Bar& bar, std::int64_t intervalNanos);
  // Events: exchangeTime must not go back within the series (a file per day).
  Result<bool> appendTrade(const TradeEvent& trade);
  Result<bool> appendQuote(const QuoteEvent& quote);
  Result<bool> appendOrder(const BookOrderEvent& order);

  // Writes every buffer to its file (and syncs with options.fsync).
  Result<bool> flush();

  // Bytes cut from torn tails when files were reopened, for reporting.
  std::uint64_t tornBytesCut() const noexcept;

 private:
  struct State;
  explicit HistoryWriter(std::unique_ptr<State> state) noexcept;
  Result<bool> append(MarketEventKind kind, std::int64_t intervalNanos, const void* record);
  std::unique_ptr<State> state_;
};

struct HistoryQueryStats {
  std::uint64_t recordsRead = 0;  // stored records scanned
  std::uint64_t emitted = 0;      // results handed to the callback
  std::uint64_t filesRead = 0;
  std::int64_t sourceIntervalNanos = 0;  // bar series used (0: built from trades)
};

class HistoryReader {
 public:
  // The directory must exist.
  static Result<HistoryReader> open(const std::filesystem::path& dir);

  // Bars of `intervalNanos` whose start lies in [floor(start, interval), end), in time order.
  // The callback returns false to stop early. Fails when the instrument has neither a bar
  // series whose interval divides `intervalNanos` nor trades.
  Result<HistoryQueryStats> queryBars(InstrumentId instrument, std::int64_t intervalNanos, Timestamp start,
                                      Timestamp end, const std::function<bool(const Bar&)>& onBar) const;
  // Stored events with exchangeTime in [start, end), in stored order.
  Result<HistoryQueryStats> queryTrades(InstrumentId instrument, Timestamp start, Timestamp end,
                                        const std::function<bool(const TradeEvent&)>& onTrade) const;
  Result<HistoryQueryStats> queryQuotes(InstrumentId instrument, Timestamp start, Timestamp end,
                                        const std::function<bool(const QuoteEvent&)>& onQuote) const;
  Result<HistoryQueryStats> queryOrders(InstrumentId instrument, Timestamp start, Timestamp end,
                                        const std::function<bool(const BookOrderEvent&)>& onOrder) const;

  // Instruments present in the store (those with an instrument.txt), by id.
  std::vector<HistoryInstrument> instruments() const;
  std::optional<HistoryInstrument> instrument(InstrumentId id) const;
  std::optional<HistoryInstrument> findSymbol(std::string_view symbol) const;
  // Bar intervals stored for an instrument (nanoseconds, ascending), and whether it has trades.
  std::vector<std::int64_t> barIntervals(InstrumentId id) const;

  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  explicit HistoryReader(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Result<HistoryQueryStats> scan(InstrumentId instrument, MarketEventKind kind, std::int64_t intervalNanos,
                                 Timestamp start, Timestamp end,
                                 const std::function<bool(const std::byte*)>& onRecord) const;
  std::filesystem::path dir_;
};

// Retention: deletes the partition files — of every series of every instrument — whose whole
// span ends at or before `cutoff`: a day's file ("YYYY-MM-DD.md") once that UTC day is over by
// then, a year's ("YYYY.md", bars of 1 h and longer) once the year is. Reads no record and
// leaves instrument.txt, the directories and any other file alone. Safe beside a writer (with a
// cutoff a day or more in the past it only writes later partitions) and beside readers (a query
// skips a file deleted after it listed it). An error names the file it could not delete; what was
// deleted before it stays deleted.
struct HistoryPruneReport {
  std::uint64_t filesRemoved = 0;
  std::uint64_t bytesRemoved = 0;
};
Result<HistoryPruneReport> pruneHistory(const std::filesystem::path& dir, Timestamp cutoff);

// The span [lo, hi) of a partition file named "YYYY-MM-DD.md" (a UTC day) or "YYYY.md" (a UTC
// year); false for any other name.
bool historyPartitionSpan(const std::string& fileName, std::int64_t& lo, std::int64_t& hi);

// Series directory name and partition file name for a record (shared by writer and reader).
std::string historySeriesName(MarketEventKind kind, std::int64_t intervalNanos);
std::string historyPartitionName(MarketEventKind kind, std::int64_t intervalNanos, std::int64_t timeNanos);
// The times [lo, hi) the partition holding `timeNanos` covers.
void historyPartitionRange(MarketEventKind kind, std::int64_t intervalNanos, std::int64_t timeNanos, std::int64_t& lo,
                           std::int64_t& hi);

}  // namespace alphintra::marketdata
