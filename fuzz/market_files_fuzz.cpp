// Fuzz target: the files a user hands the platform — market data to import or replay (Nasdaq
// TotalView-ITCH 5.0, trades / quotes / OHLCV CSV, LOBSTER message files), backtest
// configurations (TOML) and live strategy specs. The first line of the input names the format
// ("itch", "trades", "quotes", "ohlcv", "lobster", "backtest", "strategy"); the rest is the
// file, written to a temporary file and read to its end or its first error as the commands
// read it. Whatever the bytes: no crash; a refused file is an error that names what is wrong.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "backtest/spec.hpp"
#include "fuzz/scratch_path.hpp"
#include "live/live_spec.hpp"
#include "marketdata/event_csv.hpp"
#include "marketdata/itch/itch_book.hpp"
#include "marketdata/itch/itch_file.hpp"
#include "marketdata/lobster.hpp"
#include "marketdata/ohlcv_csv.hpp"

namespace {

using namespace alphintra;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "market_files_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

const std::filesystem::path& scratchFile() {
  static const alphintra::fuzz::ScratchPath scratch("file");
  return scratch.path();
}

void write(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A refusal must say something: the field it is about or a message.
void checkError(const Error& e, std::string_view format) {
  if (e.message.empty()) fail("an error without a message", format);
}

template <typename Reader, typename Record>
void readAll(Result<Reader> reader, Record record, std::string_view format) {
  if (!reader) return checkError(reader.error(), format);
  for (int i = 0; i < 1'000'000; ++i) {
    auto more = reader.value().next(record);
    if (!more) return checkError(more.error(), format);
    if (!*more) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view format = text.substr(0, newline);
  const std::string_view file = text.substr(newline + 1);
  const std::filesystem::path& path = scratchFile();

  if (format == "strategy") {
    const auto spec = live::parseLiveStrategySpec(file);
    if (!spec) checkError(spec.error(), format);
    return 0;
  }
  write(path, file);
  if (format == "itch") {
    marketdata::itch::ItchBookBuilder builder(1024);
    const auto stats = marketdata::itch::readItchFile(path, builder);
    if (!stats) checkError(stats.error(), format);
  } else if (format == "trades") {
    readAll(marketdata::TradeCsvReader::open(path, {}), marketdata::TradeEvent{}, format);
  } else if (format == "quotes") {
    readAll(marketdata::QuoteCsvReader::open(path, {}), marketdata::QuoteEvent{}, format);
  } else if (format == "ohlcv") {
    readAll(marketdata::OhlcvCsvReader::open(path, {}), marketdata::Bar{}, format);
  } else if (format == "lobster") {
    marketdata::LobsterOptions options;
    options.midnight = Timestamp(1'700'000'000'000'000'000);
    readAll(marketdata::LobsterReader::open(path, options), marketdata::LobsterRecord{}, format);
  } else if (format == "backtest") {
    const auto spec = backtest::loadConfig(path);
    if (!spec) checkError(spec.error(), format);
  }
  return 0;
}
