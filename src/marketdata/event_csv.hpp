// TradeCsvReader / QuoteCsvReader: stream trades and top-of-book quotes out of CSV files with
// a header row, columns found by name (case-insensitive, any order):
//
//   trades  time, price, quantity            required (aliases: timestamp/ts/datetime;
//           side, trade_id                   optional   qty/size/volume/amount; aggressor; id/match)
//   quotes  time, bid_price, bid_size, ask_price, ask_size   (aliases: bid, bid_qty, ask, ask_qty)
//
// time: epoch seconds/ms/µs/ns by digit count, or a date-time (text_fields.hpp). side: buy/sell,
// b/s, 1/-1 (the aggressor). A quote side left empty means no bid (or no ask). Numbers are exact
// decimals rounded half-even past the instrument's places. Checks: prices > 0, trade quantity
// > 0, quote sizes >= 0, time never going back. Errors: "FILE:LINE: COLUMN: why", field = column.
//
// Memory: constant (one line buffer). Threading: one thread per reader.
#pragma once

#include <filesystem>
#include <string>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "marketdata/events.hpp"
#include "marketdata/line_reader.hpp"

namespace alphintra::marketdata {

struct EventCsvOptions {
  InstrumentId instrument{1};
  int pricePrecision = 4;
  int quantityPrecision = 0;
};

// What both readers share: the line reader, the header's column map, the order check.
class CsvColumns {
 public:
  static constexpr int kMaxColumns = 8;
  // Finds each wanted column (aliases separated by '|'); `required` ones must exist.
  Result<bool> bind(std::string_view header, const char* const* wanted, const bool* required, int count,
                    const std::string& file);
  int index(int column) const noexcept { return index_[column]; }
  const std::string& name(int column) const noexcept { return names_[column]; }
  std::size_t minFields() const noexcept { return minFields_; }

 private:
  int index_[kMaxColumns] = {-1, -1, -1, -1, -1, -1, -1, -1};
  std::string names_[kMaxColumns];
  std::size_t minFields_ = 0;
};

class TradeCsvReader {
 public:
  static Result<TradeCsvReader> open(const std::filesystem::path& file, EventCsvOptions options);
  Result<bool> next(TradeEvent& out);  // false at the end
  std::uint64_t lineNumber() const noexcept { return lines_.lineNumber(); }

 private:
  explicit TradeCsvReader(LineReader lines) : lines_(std::move(lines)) {}
  LineReader lines_;
  EventCsvOptions options_;
  CsvColumns columns_;
  std::int64_t lastTime_ = 0;
};

class QuoteCsvReader {
 public:
  static Result<QuoteCsvReader> open(const std::filesystem::path& file, EventCsvOptions options);
  Result<bool> next(QuoteEvent& out);
  std::uint64_t lineNumber() const noexcept { return lines_.lineNumber(); }

 private:
  explicit QuoteCsvReader(LineReader lines) : lines_(std::move(lines)) {}
  LineReader lines_;
  EventCsvOptions options_;
  CsvColumns columns_;
  std::int64_t lastTime_ = 0;
};

}  // namespace alphintra::marketdata
