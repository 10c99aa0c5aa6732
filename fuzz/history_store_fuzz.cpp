// Fuzz target: the history store's files as a reader and the next writer find them
// (src/marketdata/history_store.hpp): a partition file and instrument.txt, damaged, cut, from
// another build. The input's first line is the partition's path inside the instrument's
// directory ("trades/2024-01-02.md", "bars-1s/2024-01-02.md", "bars-1h/2024.md", ...); the
// lines up to one holding "==" are instrument.txt, the rest is the partition file. Every query
// runs over it (bars at several intervals, trades, quotes, orders); then a writer opens the
// store, appends a trade and flushes. Whatever the bytes: no crash; a query refuses with a
// message or stops at what it cannot read.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>

#include "fuzz/scratch_path.hpp"
#include "marketdata/history_store.hpp"

namespace {

using namespace alphintra;
using namespace alphintra::marketdata;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "history_store_fuzz: %s\n", what);
  std::abort();
}

void write(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

template <typename T>
void checked(const Result<T>& r) {
  if (!r && r.error().message.empty()) fail("a refused query without a message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const alphintra::fuzz::ScratchPath scratch("history");
  const std::filesystem::path& dir = scratch.path();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t firstLine = text.find('\n');
  const std::size_t separator = text.find("\n==", firstLine == std::string_view::npos ? 0 : firstLine);
  if (firstLine == std::string_view::npos || separator == std::string_view::npos) return 0;
  const std::string_view partition = text.substr(0, firstLine);
  // A path inside the instrument's directory: no way up or out of it.
  if (partition.empty() || partition.size() > 64 || partition.front() == '/' ||
      partition.find("..") != std::string_view::npos || partition.find('\0') != std::string_view::npos) {
    return 0;
  }
  const std::size_t fileStart = text.find('\n', separator + 1);
  std::filesystem::remove_all(dir);
  write(dir / "1" / "instrument.txt", text.substr(firstLine + 1, separator - firstLine));
  write(dir / "1" / std::string(partition), fileStart == std::string_view::npos ? "" : text.substr(fileStart + 1));

  {
    auto reader = HistoryReader::open(dir);
    if (!reader) fail("the store directory does not open");
    const InstrumentId id{1};
    (void)reader->instruments();
    (void)reader->barIntervals(id);
    const Timestamp from(0);
    const Timestamp to(std::numeric_limits<std::int64_t>::max());
    for (const std::int64_t interval : {1'000'000'000LL, 60'000'000'000LL, 3'600'000'000'000LL, 86'400'000'000'000LL}) {
      checked(reader->queryBars(id, interval, from, to, [](const Bar&) { return true; }));
    }
    const auto trades = reader->queryTrades(id, from, to, [](const TradeEvent&) { return true; });
    checked(trades);
    if (std::getenv("FUZZ_TRACE") != nullptr) {
      const auto bars = reader->queryBars(id, 1'000'000'000LL, from, to, [](const Bar&) { return true; });
      std::fprintf(stderr, "trades %llu, 1-second bars %llu\n",
                   static_cast<unsigned long long>(trades ? trades->emitted : 0),
                   static_cast<unsigned long long>(bars ? bars->emitted : 0));
    }
    checked(reader->queryQuotes(id, from, to, [](const QuoteEvent&) { return true; }));
    checked(reader->queryOrders(id, from, to, [](const BookOrderEvent&) { return true; }));
  }
  {
    auto writer = HistoryWriter::open(dir);
    if (!writer) return 0;
    TradeEvent trade;
    trade.instrument = InstrumentId{1};
    trade.exchangeTime = Timestamp(1'704'200'000'000'000'000);
    trade.price = Price::fromRaw(15'000);
    trade.quantity = Quantity::fromRaw(10);
    checked(writer.value().appendTrade(trade));
    checked(writer.value().flush());
  }
  return 0;
}
