// LobsterReader: streams a LOBSTER message file (lobsterdata.com) as L3 order events and trades.
//
// Each row: time (seconds after midnight, decimal, up to ns), event type, order id, size,
// price (dollars × 10000), direction (1 buy order, -1 sell order). No header. Event types:
//   1 new limit order        → BookOrderEvent Add
//   2 partial cancellation   → Cancel (quantity = shares cancelled)
//   3 deletion               → Delete
//   4 visible execution      → Fill on the resting order + a trade (aggressor = the other side)
//   5 hidden execution       → a trade only
//   6 cross trade (auction)  → a trade only (no aggressor)
//   7 trading halt           → nothing (counted in haltRows())
// LOBSTER times are local exchange time: `midnight` is the UTC instant of that day's local
// midnight (e.g. 2012-06-21T04:00:00Z for New York in summer). Prices are rescaled from 4
// places to options.pricePrecision exactly (fewer places that would drop digits are an error).
// Checks: type 1..7, direction ±1, size > 0 and price > 0 (except halts), time never going
// back. Errors: "FILE:LINE: column: why". Memory: constant. Threading: one thread.
#pragma once

#include <filesystem>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "marketdata/events.hpp"
#include "marketdata/line_reader.hpp"

namespace alphintra::marketdata {

struct LobsterOptions {
  InstrumentId instrument{1};
  Timestamp midnight;  // UTC instant of the file's local midnight
  int pricePrecision = 4;
  int quantityPrecision = 0;
};

struct LobsterRecord {
  bool hasOrder = false;
  bool hasTrade = false;
  BookOrderEvent order;
  TradeEvent trade;
};

class LobsterReader {
 public:
  static Result<LobsterReader> open(const std::filesystem::path& file, LobsterOptions options);
  // The next row with an order event or a trade (halts are skipped); false at the end.
  Result<bool> next(LobsterRecord& out);
  std::uint64_t haltRows() const noexcept { return haltRows_; }
  std::uint64_t lineNumber() const noexcept { return lines_.lineNumber(); }

 private:
  explicit LobsterReader(LineReader lines) : lines_(std::move(lines)) {}
  LineReader lines_;
  LobsterOptions options_;
  std::int64_t lastTime_ = 0;
  std::uint64_t haltRows_ = 0;
};

}  // namespace alphintra::marketdata
