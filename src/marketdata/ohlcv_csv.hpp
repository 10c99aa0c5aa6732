// OhlcvCsvReader: streams OHLCV bars out of the two common CSV layouts, one bar per call.
//
//   downloader  header "Date,Open,High,Low,Close,Adj Close,Volume" (columns found by name, in
//               any order, case-insensitive; "Adj Close" optional unless `adjusted`; the time
//               column may be Date, Datetime, Timestamp or Time). Dates "YYYY-MM-DD" (bar start
//               00:00 UTC) or with a time and optional UTC offset. Rows whose prices are all
//               "null" (market holidays in some downloads) are skipped and counted.
//   binance     kline CSV: open time (epoch ms, or µs in newer dumps), open, high, low, close,
//               volume, close time, quote volume, trade count, ... — with or without its header
//               row (open_time,...). Quote volume becomes Bar::notional, trade count tradeCount.
// The layout is detected from the first line: a header naming open_time, or a first field of
// 12+ digits, means binance; any other header is a downloader header.
//
// Numbers are converted exactly at options.pricePrecision / quantityPrecision decimal places;
// digits beyond them are rounded half-to-even (downloads carry float noise such as
// 187.14999389648438, which rejecting would make most files unreadable). With `adjusted`,
// open/high/low/close are multiplied by AdjClose/Close in integer arithmetic (rounded half-even;
// close becomes AdjClose exactly). Every bar is checked: prices > 0, low <= open, close <= high,
// volume >= 0, bar start strictly increasing. Errors say "FILE:LINE: ..." and name the column.
//
// Memory: constant (one 1 MiB line buffer). Threading: one thread per reader.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "marketdata/bar.hpp"
#include "marketdata/line_reader.hpp"

namespace alphintra::marketdata {

struct OhlcvCsvOptions {
  InstrumentId instrument{1};
  int pricePrecision = 4;
  int quantityPrecision = 0;
  bool adjusted = false;  // scale O/H/L by AdjClose/Close when true
};

enum class OhlcvLayout : std::uint8_t { Downloader = 1, Binance = 2 };

class OhlcvCsvReader {
 public:
  static Result<OhlcvCsvReader> open(const std::filesystem::path& file, OhlcvCsvOptions options);

  // The next bar; false at the end of the file. Errors name file, line and field.
  Result<bool> next(Bar& out);

  OhlcvLayout layout() const noexcept { return layout_; }
  std::uint64_t skippedNullRows() const noexcept { return skippedNullRows_; }
  std::uint64_t lineNumber() const noexcept { return lines_.lineNumber(); }

 private:
  explicit OhlcvCsvReader(LineReader lines) : lines_(std::move(lines)) {}
  Result<bool> parseRow(std::string_view line, Bar& out);
  Error fieldError(int column, std::string_view reason) const;

  // Column indices; -1 when absent.
  enum Column { kTime = 0, kOpen, kHigh, kLow, kClose, kAdjClose, kVolume, kQuoteVolume, kTrades, kColumns };
  LineReader lines_;
  OhlcvCsvOptions options_;
  OhlcvLayout layout_ = OhlcvLayout::Downloader;
  int columns_[kColumns] = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
  std::string names_[kColumns];
  std::size_t minFields_ = 0;
  bool pendingFirstRow_ = false;  // binance without header: the first line is a bar
  std::string pendingLine_;
  bool haveLast_ = false;
  Timestamp lastStart_;
  std::uint64_t skippedNullRows_ = 0;
};

}  // namespace alphintra::marketdata
