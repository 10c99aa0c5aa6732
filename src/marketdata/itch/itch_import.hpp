// Imports a TotalView-ITCH 5.0 file into the history store: every stock's trades (series
// "trades") and bars built from them (e.g. "bars-1s"), and an instrument.txt per stock from its
// stock directory message (symbol, 4 price places, 0 quantity places).
//
// Trades are the prints of the feed: E (at the executed order's price, from the book), C when
// printable (at its execution price), P (hidden orders) and Q (crosses, no aggressor). The
// aggressor of E/C/P is the side opposite the resting order. Broken trades (B): the store is
// append-only, so the file is read twice — first for the match numbers of the day's broken
// trades, then to import, leaving those prints out of the trades and of the bars built from
// them (whether the B message comes before or after the print). Instrument ids:
// firstInstrument + locate - 1.
// Times: midnight (UTC instant of the file's local midnight) + the message's nanoseconds.
//
// Memory: the book builder (live orders), the broken match numbers and the store's open files;
// the file is streamed.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/result.hpp"
#include "core/time.hpp"
#include "marketdata/history_store.hpp"

namespace alphintra::marketdata {

struct ItchImportOptions {
  std::uint64_t firstInstrument = 1;
  Timestamp midnight;
  std::int64_t barIntervalNanos = 1'000'000'000;  // 0: trades only
};

struct ItchImportSummary {
  std::uint64_t messages = 0;
  std::uint64_t trades = 0;
  std::uint64_t bars = 0;
  std::uint64_t instruments = 0;
  std::uint64_t brokenTrades = 0;         // B messages
  std::uint64_t brokenTradesLeftOut = 0;  // prints not written because a B message broke them
  std::uint64_t anomalies = 0;            // book messages naming unknown orders (a file joined mid-day)
};

Result<ItchImportSummary> importItchFile(const std::filesystem::path& file, HistoryWriter& writer,
                                         const ItchImportOptions& options);

}  // namespace alphintra::marketdata
