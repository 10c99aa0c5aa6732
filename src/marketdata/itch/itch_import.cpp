#include "marketdata/itch/itch_import.hpp"

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "marketdata/bar_recorder.hpp"
#include "marketdata/itch/itch_book.hpp"
#include "marketdata/itch/itch_file.hpp"

namespace alphintra::marketdata {
namespace {

using namespace itch;

// The first pass: the match numbers of the day's broken trades (few), so that the second pass
// never writes those prints — the store is append-only, so a trade is left out rather than
// unwound, and the bars built from the trades never include it.
struct BrokenTradeScan {
  std::unordered_set<std::uint64_t> matches;
  void on(const BrokenTrade& m) { matches.insert(m.matchNumber); }
};

class ImportHandler {
 public:
  ImportHandler(HistoryWriter& writer, const ItchImportOptions& options,
                const std::unordered_set<std::uint64_t>& broken)
      : writer_(writer), options_(options), broken_(broken), book_(1u << 16) {
    if (options.barIntervalNanos > 0) recorder_ = std::make_unique<BarRecorder>(writer, options.barIntervalNanos, true);
  }

  void on(const StockDirectory& m) {
    if (error_) return;
    auto done =
        writer_.describe(HistoryInstrument{instrument(m.header.stockLocate), std::string{stockName(m.stock)}, 4, 0});
    if (!done) error_ = done.error();
    ++summary_.instruments;
  }
  void on(const AddOrder& m) { book_.on(m); }
  void on(const OrderCancel& m) { book_.on(m); }
  void on(const OrderDelete& m) { book_.on(m); }
  void on(const OrderReplace& m) { book_.on(m); }
  void on(const OrderExecuted& m) {
    OrderInfo o;
    if (book_.execute(m.orderRef, m.executedShares, o)) {
      trade(m.header, o.locate, o.price, m.executedShares, m.matchNumber, opposite(o.side));
    }
  }
  void on(const OrderExecutedWithPrice& m) {
    OrderInfo o;
    if (book_.execute(m.orderRef, m.executedShares, o) && m.printable == 'Y') {
      trade(m.header, o.locate, m.executionPrice, m.executedShares, m.matchNumber, opposite(o.side));
    }
  }
  void on(const Trade& m) { trade(m.header, m.header.stockLocate, m.price, m.shares, m.matchNumber, opposite(m.side)); }
  void on(const CrossTrade& m) {
    if (m.shares > 0) trade(m.header, m.header.stockLocate, m.crossPrice, m.shares, m.matchNumber, Side::None);
  }
  void on(const BrokenTrade&) { ++summary_.brokenTrades; }

  bool stop() const noexcept { return error_.has_value(); }
  Result<ItchImportSummary> finish(std::uint64_t messages) {
    if (error_) return *error_;
    if (recorder_) {
      auto done = recorder_->finish();
      if (!done) return done.error();
      summary_.bars = recorder_->barsWritten();
    }
    summary_.messages = messages;
    summary_.anomalies = book_.anomalies();
    return summary_;
  }

 private:
  static Side opposite(char restingSide) noexcept { return restingSide == 'B' ? Side::Sell : Side::Buy; }
  InstrumentId instrument(std::uint16_t locate) const noexcept {
    return InstrumentId{options_.firstInstrument + locate - 1};
  }
  void trade(const Header& h, std::uint16_t locate, std::uint32_t price, std::uint64_t shares, std::uint64_t match,
             Side aggressor) {
    if (error_ || locate == 0) return;
    if (!broken_.empty() && broken_.contains(match)) {
      ++summary_.brokenTradesLeftOut;
      return;
    }
    TradeEvent t;
    t.instrument = instrument(locate);
    t.exchangeTime = t.receiveTime = Timestamp{options_.midnight.nanos() + static_cast<std::int64_t>(h.timestamp)};
    t.price = Price::fromRaw(price);
    t.quantity = Quantity::fromRaw(static_cast<std::int64_t>(shares));
    t.tradeId = match;
    t.aggressor = aggressor;
    auto stored = recorder_ ? recorder_->onTrade(t) : writer_.appendTrade(t);
    if (!stored) error_ = stored.error();
    ++summary_.trades;
  }

  HistoryWriter& writer_;
  ItchImportOptions options_;
  const std::unordered_set<std::uint64_t>& broken_;
  ItchBookBuilder book_;
  std::unique_ptr<BarRecorder>
      recorder_;  // a pointer, not an optional: GCC 12 warns (maybe-uninitialized) on the optional under -fsanitize
  std::optional<Error> error_;
  ItchImportSummary summary_;
};

}  // namespace

Result<ItchImportSummary> importItchFile(const std::filesystem::path& file, HistoryWriter& writer,
                                         const ItchImportOptions& options) {
  BrokenTradeScan scan;
  auto scanned = readItchFile(file, scan);
  if (!scanned) return scanned.error();
  ImportHandler handler(writer, options, scan.matches);
  auto read = readItchFile(file, handler);
  if (!read) return read.error();
  return handler.finish(read->messages);
}

}  // namespace alphintra::marketdata
