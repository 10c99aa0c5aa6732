// `alphintra import`: reads a market-data file and writes it to a history store directory
// (docs/market-data.md). Formats: ohlcv-csv and binance-csv (bars at --interval), trades-csv
// (trades + bars), quotes-csv (quotes), lobster (L3 orders + trades + bars) and itch (every
// stock of a TotalView-ITCH 5.0 file: trades + bars). On success it prints one summary line and
// exits 0; on bad input it prints "error: FILE:LINE: FIELD: why" on stderr and exits 2, after
// flushing what was imported before the bad row (so a re-run after fixing the file needs a fresh
// store or a later start).
#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "app/commands.hpp"
#include "marketdata/bar_aggregator.hpp"
#include "marketdata/bar_recorder.hpp"
#include "marketdata/event_csv.hpp"
#include "marketdata/history_store.hpp"
#include "marketdata/itch/itch_import.hpp"
#include "marketdata/lobster.hpp"
#include "marketdata/ohlcv_csv.hpp"
#include "marketdata/text_fields.hpp"

namespace alphintra::app {
namespace {

using namespace alphintra::marketdata;

struct ImportArgs {
  std::string format;
  std::string file;
  std::string store;
  std::string symbol;
  std::uint64_t instrument = 1;
  int pricePlaces = 4;
  int quantityPlaces = 0;
  bool adjusted = false;
  std::string interval;     // bar interval of ohlcv/binance files
  std::string bars = "1s";  // bars derived from trades ("none": keep trades only)
  std::string date;         // lobster: the trading day (default: from the file name)
  std::string utcOffset = "+00:00";
  bool fsync = false;
};

struct Summary {
  std::uint64_t bars = 0;
  std::uint64_t trades = 0;
  std::uint64_t quotes = 0;
  std::uint64_t orders = 0;
  std::uint64_t instruments = 1;
  std::string note;
};

// Errors from the store about one row: prefix the row's place in the file.
Error atLine(const Error& e, const std::string& file, std::uint64_t line) {
  return makeError(e.field, fmt::format("{}:{}: {}", file, line, e.message));
}

std::string defaultSymbol(const ImportArgs& args) {
  if (!args.symbol.empty()) return args.symbol;
  std::string stem = std::filesystem::path(args.file).stem().string();
  const auto underscore = stem.find('_');  // LOBSTER: AAPL_2012-06-21_...
  if (underscore != std::string::npos) stem = stem.substr(0, underscore);
  for (char& c : stem) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return stem;
}

Result<std::int64_t> barInterval(const ImportArgs& args, const char* fallback) {
  return parseInterval(args.interval.empty() ? fallback : args.interval);
}

Result<Summary> importBars(const ImportArgs& args, HistoryWriter& writer) {
  auto interval = barInterval(args, args.format == "binance-csv" ? "1m" : "1d");
  if (!interval) return interval.error();
  OhlcvCsvOptions options;
  options.instrument = InstrumentId{args.instrument};
  options.pricePrecision = args.pricePlaces;
  options.quantityPrecision = args.quantityPlaces;
  options.adjusted = args.adjusted;
  auto reader = OhlcvCsvReader::open(args.file, options);
  if (!reader) return reader.error();
  if (args.format == "binance-csv" && reader.value().layout() != OhlcvLayout::Binance) {
    return makeError("format",
                     fmt::format("{}: this is not a Binance kline file (its header names columns)", args.file));
  }
  Summary summary;
  Bar bar;
  while (true) {
    auto got = reader.value().next(bar);
    if (!got) return got.error();
    if (!*got) break;
    auto stored = writer.appendBar(bar, *interval);
    if (!stored) return atLine(stored.error(), args.file, reader.value().lineNumber());
    ++summary.bars;
  }
  if (reader.value().skippedNullRows() > 0) {
    summary.note = fmt::format(", {} rows of null prices skipped", reader.value().skippedNullRows());
  }
  return summary;
}

Result<std::optional<BarRecorder>> makeRecorder(const ImportArgs& args, HistoryWriter& writer) {
  if (args.bars == "none") return std::optional<BarRecorder>{};
  auto interval = parseInterval(args.bars);
  if (!interval) return interval.error();
  return std::optional<BarRecorder>{std::in_place, writer, *interval, true};
}

Result<Summary> importTrades(const ImportArgs& args, HistoryWriter& writer) {
  auto recorder = makeRecorder(args, writer);
  if (!recorder) return recorder.error();
  EventCsvOptions options{InstrumentId{args.instrument}, args.pricePlaces, args.quantityPlaces};
  auto reader = TradeCsvReader::open(args.file, options);
  if (!reader) return reader.error();
  Summary summary;
  TradeEvent trade;
  while (true) {
    auto got = reader.value().next(trade);
    if (!got) return got.error();
    if (!*got) break;
    auto stored = recorder.value() ? recorder.value()->onTrade(trade) : writer.appendTrade(trade);
    if (!stored) return atLine(stored.error(), args.file, reader.value().lineNumber());
    ++summary.trades;
  }
  if (recorder.value()) {
    auto done = recorder.value()->finish();
    if (!done) return done.error();
    summary.bars = recorder.value()->barsWritten();
  }
  return summary;
}

Result<Summary> importQuotes(const ImportArgs& args, HistoryWriter& writer) {
  EventCsvOptions options{InstrumentId{args.instrument}, args.pricePlaces, args.quantityPlaces};
  auto reader = QuoteCsvReader::open(args.file, options);
  if (!reader) return reader.error();
  Summary summary;
  QuoteEvent quote;
  while (true) {
    auto got = reader.value().next(quote);
    if (!got) return got.error();
    if (!*got) break;
    auto stored = writer.appendQuote(quote);
    if (!stored) return atLine(stored.error(), args.file, reader.value().lineNumber());
    ++summary.quotes;
  }
  return summary;
}

Result<Summary> importLobster(const ImportArgs& args, HistoryWriter& writer) {
  std::string date = args.date;
  if (date.empty()) {  // TICKER_YYYY-MM-DD_..._message_N.csv
    const std::string name = std::filesystem::path(args.file).filename().string();
    const auto underscore = name.find('_');
    if (underscore != std::string::npos && name.size() >= underscore + 11) date = name.substr(underscore + 1, 10);
  }
  Timestamp midnight;
  std::string reason;
  if (!parseUtcTime(date + "T00:00:00" + args.utcOffset, midnight, reason)) {
    return makeError("date", fmt::format("the trading day is needed (--date YYYY-MM-DD, or a LOBSTER file name "
                                         "TICKER_YYYY-MM-DD_...) and --utc-offset ±HH:MM: {}",
                                         reason));
  }
  auto recorder = makeRecorder(args, writer);
  if (!recorder) return recorder.error();
  LobsterOptions options;
  options.instrument = InstrumentId{args.instrument};
  options.midnight = midnight;
  options.pricePrecision = args.pricePlaces;
  options.quantityPrecision = args.quantityPlaces;
  auto reader = LobsterReader::open(args.file, options);
  if (!reader) return reader.error();
  Summary summary;
  LobsterRecord row;
  while (true) {
    auto got = reader.value().next(row);
    if (!got) return got.error();
    if (!*got) break;
    if (row.hasOrder) {
      auto stored = writer.appendOrder(row.order);
      if (!stored) return atLine(stored.error(), args.file, reader.value().lineNumber());
      ++summary.orders;
    }
    if (row.hasTrade) {
      auto stored = recorder.value() ? recorder.value()->onTrade(row.trade) : writer.appendTrade(row.trade);
      if (!stored) return atLine(stored.error(), args.file, reader.value().lineNumber());
      ++summary.trades;
    }
  }
  if (recorder.value()) {
    auto done = recorder.value()->finish();
    if (!done) return done.error();
    summary.bars = recorder.value()->barsWritten();
  }
  if (reader.value().haltRows() > 0) summary.note = fmt::format(", {} halt rows skipped", reader.value().haltRows());
  return summary;
}

Result<Summary> importItch(const ImportArgs& args, HistoryWriter& writer) {
  ItchImportOptions options;
  options.firstInstrument = args.instrument;
  Timestamp midnight;
  std::string reason;
  if (!args.date.empty() && !parseUtcTime(args.date + "T00:00:00" + args.utcOffset, midnight, reason)) {
    return makeError("date", reason);
  }
  if (args.date.empty()) return makeError("date", "ITCH times are nanoseconds after midnight: give --date YYYY-MM-DD");
  options.midnight = midnight;
  auto interval = args.bars == "none" ? Result<std::int64_t>{0} : parseInterval(args.bars);
  if (!interval) return interval.error();
  options.barIntervalNanos = *interval;
  auto result = importItchFile(args.file, writer, options);
  if (!result) return result.error();
  Summary summary;
  summary.trades = result->trades;
  summary.bars = result->bars;
  summary.instruments = result->instruments;
  summary.note = fmt::format(", {} messages, {} broken trades left out", result->messages, result->brokenTradesLeftOut);
  return summary;
}

int runImport(const ImportArgs& args) {
  auto writer = HistoryWriter::open(args.store, HistoryWriterOptions{args.fsync, 256});
  if (!writer) {
    fmt::print(stderr, "error: {}\n", writer.error().message);
    return 2;
  }
  if (args.format != "itch") {
    auto described = writer.value().describe(
        HistoryInstrument{InstrumentId{args.instrument}, defaultSymbol(args), args.pricePlaces, args.quantityPlaces});
    if (!described) {
      fmt::print(stderr, "error: {}: {} (give --symbol)\n", described.error().field, described.error().message);
      return 2;
    }
  }
  Result<Summary> summary = makeError("format", "unknown format");
  if (args.format == "ohlcv-csv" || args.format == "binance-csv") summary = importBars(args, writer.value());
  if (args.format == "trades-csv") summary = importTrades(args, writer.value());
  if (args.format == "quotes-csv") summary = importQuotes(args, writer.value());
  if (args.format == "lobster") summary = importLobster(args, writer.value());
  if (args.format == "itch") summary = importItch(args, writer.value());
  auto flushed = writer.value().flush();  // keep what came before a bad row
  if (!summary) {
    fmt::print(stderr, "error: {}\n", summary.error().message);
    return 2;
  }
  if (!flushed) {
    fmt::print(stderr, "error: {}\n", flushed.error().message);
    return 2;
  }
  const Summary& s = summary.value();
  fmt::print("imported {} ({}) into {}: {} bars, {} trades, {} quotes, {} order events, {} instrument(s){}\n",
             args.file, args.format, args.store, s.bars, s.trades, s.quotes, s.orders, s.instruments, s.note);
  return 0;
}

}  // namespace

void addImportCommand(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  auto* cmd = app.add_subcommand("import",
                                 "Import market data (CSV bars/trades/quotes, LOBSTER, ITCH 5.0) into a "
                                 "history store directory (docs/market-data.md)");
  cmd->add_option("--format", args->format, "ohlcv-csv | binance-csv | trades-csv | quotes-csv | lobster | itch")
      ->required()
      ->check(CLI::IsMember({"ohlcv-csv", "binance-csv", "trades-csv", "quotes-csv", "lobster", "itch"}));
  cmd->add_option("--file", args->file, "The file to import")->required()->check(CLI::ExistingFile);
  cmd->add_option("--store", args->store, "History store directory (created when missing)")->required();
  cmd->add_option("--symbol", args->symbol, "Symbol recorded for the instrument (default: from the file name)");
  cmd->add_option("--instrument", args->instrument, "Instrument id (itch: the id of stock locate 1)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 62));
  cmd->add_option("--price-places", args->pricePlaces, "Decimal places of prices (extra digits round half-even)")
      ->check(CLI::Range(0, 12));
  cmd->add_option("--quantity-places", args->quantityPlaces, "Decimal places of quantities")->check(CLI::Range(0, 12));
  cmd->add_flag("--adjusted", args->adjusted, "ohlcv-csv: scale open/high/low/close by Adj Close / Close");
  cmd->add_option("--interval", args->interval, "ohlcv-csv / binance-csv: the bars' interval (default 1d / 1m)");
  cmd->add_option("--bars", args->bars, "trades-csv / lobster / itch: bars built from the trades (default 1s; none)");
  cmd->add_option("--date", args->date, "lobster / itch: the trading day YYYY-MM-DD (lobster: default from the name)");
  cmd->add_option("--utc-offset", args->utcOffset, "lobster / itch: the file's local time zone, e.g. -04:00");
  cmd->add_flag("--fsync", args->fsync, "fdatasync the store files at the end");
  cmd->callback([args] { setExitCode(runImport(*args)); });
}

}  // namespace alphintra::app
