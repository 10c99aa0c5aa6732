#include "marketdata/event_csv.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>

#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata {
namespace {

constexpr std::size_t kMaxFields = 32;

std::string lower(std::string_view s) {
  std::string out{s};
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error fieldError(const LineReader& lines, const std::string& column, std::string_view reason) {
  return makeError(column, fmt::format("{}{}: {}", lines.where(), column, reason));
}

// Reads the next non-blank line and splits it; false at the end of the file.
Result<bool> nextRow(LineReader& lines, const CsvColumns& columns, std::array<std::string_view, kMaxFields>& f) {
  std::string_view line;
  do {
    auto got = lines.next(line);
    if (!got) return got.error();
    if (!*got) return false;
  } while (trimField(line).empty());
  const std::size_t n = splitCsv(line, f);
  if (n < columns.minFields()) {
    return makeError(
        "row", fmt::format("{}row has {} fields, the header needs at least {}", lines.where(), n, columns.minFields()));
  }
  return true;
}

Result<LineReader> openWithHeader(const std::filesystem::path& file, CsvColumns& columns, const char* const* wanted,
                                  const bool* required, int count) {
  auto lines = LineReader::open(file);
  if (!lines) return lines.error();
  std::string_view header;
  auto got = lines.value().next(header);
  if (!got) return got.error();
  if (!*got || trimField(header).empty()) {
    return makeError("header", fmt::format("{}:1: file is empty (expected a header row)", file.string()));
  }
  auto bound = columns.bind(header, wanted, required, count, file.string());
  if (!bound) return bound.error();
  return std::move(lines).value();
}

}  // namespace

Result<bool> CsvColumns::bind(std::string_view header, const char* const* wanted, const bool* required, int count,
                              const std::string& file) {
  std::array<std::string_view, kMaxFields> f{};
  const std::size_t n = std::min(splitCsv(header, f), kMaxFields);
  for (int c = 0; c < count; ++c) {
    const std::string_view aliases = wanted[c];
    names_[c] = std::string{aliases.substr(0, aliases.find('|'))};
    for (std::size_t i = 0; i < n && index_[c] < 0; ++i) {
      const std::string name = lower(f[i]);
      std::size_t start = 0;
      while (start <= aliases.size()) {
        const std::size_t bar = aliases.find('|', start);
        const std::string_view alias =
            aliases.substr(start, bar == std::string_view::npos ? aliases.npos : bar - start);
        if (name == alias) {
          index_[c] = static_cast<int>(i);
          names_[c] = std::string{f[i]};
          minFields_ = std::max(minFields_, i + 1);
          break;
        }
        if (bar == std::string_view::npos) break;
        start = bar + 1;
      }
    }
    if (required[c] && index_[c] < 0) {
      return makeError(names_[c],
                       fmt::format("{}:1: the header has no {} column (header: {})", file, names_[c], header));
    }
  }
  return true;
}

Result<TradeCsvReader> TradeCsvReader::open(const std::filesystem::path& file, EventCsvOptions options) {
  static constexpr const char* kWanted[] = {"time|timestamp|ts|datetime|date", "price",
                                            "quantity|qty|size|volume|amount", "side|aggressor",
                                            "trade_id|id|tradeid|match"};
  static constexpr bool kRequired[] = {true, true, true, false, false};
  CsvColumns columns;
  auto lines = openWithHeader(file, columns, kWanted, kRequired, 5);
  if (!lines) return lines.error();
  TradeCsvReader r{std::move(lines).value()};
  r.options_ = options;
  r.columns_ = columns;
  return r;
}

Result<bool> TradeCsvReader::next(TradeEvent& out) {
  std::array<std::string_view, kMaxFields> f{};
  auto row = nextRow(lines_, columns_, f);
  if (!row || !*row) return row;
  auto at = [&](int c) { return f[static_cast<std::size_t>(columns_.index(c))]; };
  std::string reason;
  Timestamp time;
  if (!parseEpochOrUtcTime(at(0), time, reason)) return fieldError(lines_, columns_.name(0), reason);
  if (time.nanos() < lastTime_) {
    return fieldError(lines_, columns_.name(0),
                      fmt::format("{} is before the previous trade's {}", at(0), formatUtcTime(Timestamp{lastTime_})));
  }
  std::int64_t price = 0, quantity = 0;
  if (!parseRoundedDecimal(at(1), options_.pricePrecision, price, reason)) {
    return fieldError(lines_, columns_.name(1), reason);
  }
  if (price <= 0) return fieldError(lines_, columns_.name(1), fmt::format("{} is not a positive price", at(1)));
  if (!parseRoundedDecimal(at(2), options_.quantityPrecision, quantity, reason)) {
    return fieldError(lines_, columns_.name(2), reason);
  }
  if (quantity <= 0) return fieldError(lines_, columns_.name(2), fmt::format("{} is not a positive quantity", at(2)));
  Side side = Side::None;
  if (columns_.index(3) >= 0) {
    const std::string s = lower(at(3));
    if (s == "buy" || s == "b" || s == "1") {
      side = Side::Buy;
    } else if (s == "sell" || s == "s" || s == "-1") {
      side = Side::Sell;
    } else if (!s.empty()) {
      return fieldError(lines_, columns_.name(3), fmt::format("'{}' is not buy, sell, b, s, 1 or -1", at(3)));
    }
  }
  std::int64_t id = 0;
  if (columns_.index(4) >= 0 && !at(4).empty() && (!parseInteger(at(4), id, reason) || id < 0)) {
    return fieldError(lines_, columns_.name(4), reason.empty() ? "negative" : reason);
  }
  out = TradeEvent{};
  out.instrument = options_.instrument;
  out.exchangeTime = out.receiveTime = time;
  out.price = Price::fromRaw(price);
  out.quantity = Quantity::fromRaw(quantity);
  out.tradeId = static_cast<std::uint64_t>(id);
  out.aggressor = side;
  lastTime_ = time.nanos();
  return true;
}

Result<QuoteCsvReader> QuoteCsvReader::open(const std::filesystem::path& file, EventCsvOptions options) {
  static constexpr const char* kWanted[] = {"time|timestamp|ts|datetime|date", "bid_price|bid|bidprice",
                                            "bid_size|bid_qty|bidsize|bid_quantity", "ask_price|ask|askprice",
                                            "ask_size|ask_qty|asksize|ask_quantity"};
  static constexpr bool kRequired[] = {true, true, true, true, true};
  CsvColumns columns;
  auto lines = openWithHeader(file, columns, kWanted, kRequired, 5);
  if (!lines) return lines.error();
  QuoteCsvReader r{std::move(lines).value()};
  r.options_ = options;
  r.columns_ = columns;
  return r;
}

Result<bool> QuoteCsvReader::next(QuoteEvent& out) {
  std::array<std::string_view, kMaxFields> f{};
  auto row = nextRow(lines_, columns_, f);
  if (!row || !*row) return row;
  auto at = [&](int c) { return f[static_cast<std::size_t>(columns_.index(c))]; };
  std::string reason;
  Timestamp time;
  if (!parseEpochOrUtcTime(at(0), time, reason)) return fieldError(lines_, columns_.name(0), reason);
  if (time.nanos() < lastTime_) {
    return fieldError(lines_, columns_.name(0),
                      fmt::format("{} is before the previous quote's {}", at(0), formatUtcTime(Timestamp{lastTime_})));
  }
  out = QuoteEvent{};
  out.instrument = options_.instrument;
  out.exchangeTime = out.receiveTime = time;
  for (int sideIndex = 0; sideIndex < 2; ++sideIndex) {
    const int pc = 1 + 2 * sideIndex;
    const int sc = pc + 1;
    if (at(pc).empty()) continue;  // no bid / no ask
    std::int64_t price = 0, size = 0;
    if (!parseRoundedDecimal(at(pc), options_.pricePrecision, price, reason)) {
      return fieldError(lines_, columns_.name(pc), reason);
    }
    if (price <= 0) return fieldError(lines_, columns_.name(pc), fmt::format("{} is not a positive price", at(pc)));
    if (!parseRoundedDecimal(at(sc), options_.quantityPrecision, size, reason)) {
      return fieldError(lines_, columns_.name(sc), reason);
    }
    if (size < 0) return fieldError(lines_, columns_.name(sc), fmt::format("{} is negative", at(sc)));
    (sideIndex == 0 ? out.bidPrice : out.askPrice) = Price::fromRaw(price);
    (sideIndex == 0 ? out.bidSize : out.askSize) = Quantity::fromRaw(size);
  }
  lastTime_ = time.nanos();
  return true;
}

}  // namespace alphintra::marketdata
