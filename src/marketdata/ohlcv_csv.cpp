#include "marketdata/ohlcv_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
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

bool looksLikeEpoch(std::string_view field) {
  return field.size() >= 12 && std::all_of(field.begin(), field.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// round-half-even(a × b / c) for positive c.
std::int64_t mulDivHalfEven(std::int64_t a, std::int64_t b, std::int64_t c) {
  const Int128 num = static_cast<Int128>(a) * b;
  Int128 q = num / c;
  const Int128 r = num % c;
  const Int128 twice = (r < 0 ? -r : r) * 2;
  if (twice > c || (twice == c && (q & 1) != 0)) q += num < 0 ? -1 : 1;
  return static_cast<std::int64_t>(q);
}

}  // namespace

Result<OhlcvCsvReader> OhlcvCsvReader::open(const std::filesystem::path& file, OhlcvCsvOptions options) {
  if (options.pricePrecision < 0 || options.pricePrecision > 12) {
    return makeError("pricePrecision", fmt::format("{} is outside 0..12", options.pricePrecision));
  }
  if (options.quantityPrecision < 0 || options.quantityPrecision > 12) {
    return makeError("quantityPrecision", fmt::format("{} is outside 0..12", options.quantityPrecision));
  }
  auto lines = LineReader::open(file);
  if (!lines) return lines.error();
  OhlcvCsvReader r{std::move(lines).value()};
  r.options_ = options;
  std::string_view first;
  auto got = r.lines_.next(first);
  if (!got) return got.error();
  if (!*got || trimField(first).empty()) {
    return makeError("header", fmt::format("{}:1: file is empty (expected a header such as "
                                           "Date,Open,High,Low,Close,Adj Close,Volume or Binance klines)",
                                           r.lines_.fileName()));
  }
  std::array<std::string_view, kMaxFields> fields{};
  const std::size_t n = std::min(splitCsv(first, fields), kMaxFields);
  static constexpr const char* kNames[kColumns] = {"Date",      "Open",   "High",         "Low",  "Close",
                                                   "Adj Close", "Volume", "quote_volume", "count"};
  for (int c = 0; c < kColumns; ++c) r.names_[c] = kNames[c];
  if (looksLikeEpoch(fields[0]) || lower(fields[0]) == "open_time" || lower(fields[0]) == "open time") {
    r.layout_ = OhlcvLayout::Binance;
    static constexpr const char* kBinance[kColumns] = {"open_time", "open",   "high",         "low",  "close",
                                                       "",          "volume", "quote_volume", "count"};
    const int positions[kColumns] = {0, 1, 2, 3, 4, -1, 5, 7, 8};
    for (int c = 0; c < kColumns; ++c) {
      r.columns_[c] = positions[c];
      r.names_[c] = kBinance[c];
    }
    r.minFields_ = 6;
    if (looksLikeEpoch(fields[0])) {
      r.pendingFirstRow_ = true;
      r.pendingLine_ = std::string{first};
    }
    if (options.adjusted) {
      return makeError("adjusted", fmt::format("{}: Binance klines have no adjusted close", r.lines_.fileName()));
    }
    return r;
  }
  r.layout_ = OhlcvLayout::Downloader;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string name = lower(fields[i]);
    int column = -1;
    if (name == "date" || name == "datetime" || name == "timestamp" || name == "time") column = kTime;
    if (name == "open") column = kOpen;
    if (name == "high") column = kHigh;
    if (name == "low") column = kLow;
    if (name == "close") column = kClose;
    if (name == "adj close" || name == "adj_close" || name == "adjclose" || name == "adjusted close")
      column = kAdjClose;
    if (name == "volume") column = kVolume;
    if (column >= 0) {
      r.columns_[column] = static_cast<int>(i);
      r.names_[column] = std::string{fields[i]};
      r.minFields_ = std::max(r.minFields_, i + 1);
    }
  }
  for (int c = kTime; c <= kVolume; ++c) {
    if (c == kAdjClose && !options.adjusted) continue;
    if (r.columns_[c] < 0) {
      return makeError(kNames[c], fmt::format("{}:1: the header has no {} column (header: {})", r.lines_.fileName(),
                                              kNames[c], first));
    }
  }
  return r;
}

Error OhlcvCsvReader::fieldError(int column, std::string_view reason) const {
  return makeError(names_[column], fmt::format("{}{}: {}", lines_.where(), names_[column], reason));
}

Result<bool> OhlcvCsvReader::next(Bar& out) {
  while (true) {
    std::string_view line;
    if (pendingFirstRow_) {
      pendingFirstRow_ = false;
      line = pendingLine_;
    } else {
      auto got = lines_.next(line);
      if (!got) return got.error();
      if (!*got) return false;
    }
    if (trimField(line).empty()) continue;  // blank lines (often at the end) carry nothing
    auto row = parseRow(line, out);
    if (!row) return row.error();
    if (*row) return true;
  }
}

Result<bool> OhlcvCsvReader::parseRow(std::string_view line, Bar& out) {
  std::array<std::string_view, kMaxFields> f{};
  const std::size_t n = splitCsv(line, f);
  if (n < minFields_) {
    return makeError("row",
                     fmt::format("{}row has {} fields, the header needs at least {}", lines_.where(), n, minFields_));
  }
  auto at = [&](int c) { return f[static_cast<std::size_t>(columns_[c])]; };
  if (layout_ == OhlcvLayout::Downloader) {
    bool allNull = true;
    for (int c : {kOpen, kHigh, kLow, kClose}) allNull = allNull && lower(at(c)) == "null";
    if (allNull) {
      ++skippedNullRows_;
      return false;
    }
  }
  std::string reason;
  Timestamp start;
  if (layout_ == OhlcvLayout::Binance) {
    std::int64_t t = 0;
    if (!parseInteger(at(kTime), t, reason) || t < 0) return fieldError(kTime, reason.empty() ? "negative" : reason);
    std::int64_t nanos = 0;
    if (__builtin_mul_overflow(t, t < 100'000'000'000'000 ? 1'000'000 : 1'000, &nanos)) {  // ms, or µs in newer dumps
      return fieldError(kTime, fmt::format("{} is past 2262, the last year a timestamp holds", t));
    }
    start = Timestamp{nanos};
  } else if (!parseUtcTime(at(kTime), start, reason)) {
    return fieldError(kTime, reason);
  }
  std::int64_t px[4] = {};
  const int priceColumns[4] = {kOpen, kHigh, kLow, kClose};
  for (int k = 0; k < 4; ++k) {
    if (!parseRoundedDecimal(at(priceColumns[k]), options_.pricePrecision, px[k], reason)) {
      return fieldError(priceColumns[k], reason);
    }
    if (px[k] <= 0) return fieldError(priceColumns[k], fmt::format("{} is not a positive price", at(priceColumns[k])));
  }
  std::int64_t volume = 0;
  if (!parseRoundedDecimal(at(kVolume), options_.quantityPrecision, volume, reason)) {
    return fieldError(kVolume, reason);
  }
  if (volume < 0) return fieldError(kVolume, fmt::format("{} is negative", at(kVolume)));
  if (px[1] < px[2]) return fieldError(kHigh, fmt::format("high {} is below low {}", at(kHigh), at(kLow)));
  if (px[1] < px[0] || px[1] < px[3]) {
    return fieldError(kHigh, fmt::format("high {} is below the open {} or close {}", at(kHigh), at(kOpen), at(kClose)));
  }
  if (px[2] > px[0] || px[2] > px[3]) {
    return fieldError(kLow, fmt::format("low {} is above the open {} or close {}", at(kLow), at(kOpen), at(kClose)));
  }
  if (haveLast_ && start <= lastStart_) {
    return fieldError(kTime,
                      fmt::format("{} is not after the previous bar's {}", at(kTime), formatUtcTime(lastStart_)));
  }
  Int128 notional = 0;
  std::int64_t trades = 0;
  if (layout_ == OhlcvLayout::Binance) {
    if (n > static_cast<std::size_t>(columns_[kQuoteVolume]) &&
        !parseRoundedDecimalWide(at(kQuoteVolume), options_.pricePrecision + options_.quantityPrecision, notional,
                                 reason)) {
      return fieldError(kQuoteVolume, reason);
    }
    if (n > static_cast<std::size_t>(columns_[kTrades]) && (!parseInteger(at(kTrades), trades, reason) || trades < 0)) {
      return fieldError(kTrades, reason.empty() ? "negative" : reason);
    }
  }
  if (options_.adjusted) {
    std::int64_t adj = 0;
    if (!parseRoundedDecimal(at(kAdjClose), options_.pricePrecision, adj, reason)) return fieldError(kAdjClose, reason);
    if (adj <= 0) return fieldError(kAdjClose, fmt::format("{} is not a positive price", at(kAdjClose)));
    const std::int64_t close = px[3];
    for (int k = 0; k < 3; ++k) px[k] = mulDivHalfEven(px[k], adj, close);
    px[3] = adj;
  }
  out = Bar{};
  out.instrument = options_.instrument;
  out.start = start;
  out.open = Price::fromRaw(px[0]);
  out.high = Price::fromRaw(px[1]);
  out.low = Price::fromRaw(px[2]);
  out.close = Price::fromRaw(px[3]);
  out.volume = Quantity::fromRaw(volume);
  out.tradeCount = trades;
  out.notional = notional;
  haveLast_ = true;
  lastStart_ = start;
  return true;
}

}  // namespace alphintra::marketdata
