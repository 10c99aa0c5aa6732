// The history store: round trips, range queries at other intervals checked against direct
// aggregation, torn tails cut, order and lock errors, the recorder, and bounded open files.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <limits>
#include <vector>

#include "marketdata/bar_aggregator.hpp"
#include "marketdata/bar_recorder.hpp"
#include "marketdata/history_store.hpp"
#include "marketdata/tests/temp_dir.hpp"
#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata {
namespace {

using testing::TempDir;

constexpr std::int64_t kSecond = kNanosPerSecond;
const std::int64_t kDay0 = daysFromCivil(2024, 3, 1) * kNanosPerDay;

// A deterministic tape of trades: one every 700 ms for `count` trades from `begin`.
std::vector<TradeEvent> tape(InstrumentId id, std::int64_t begin, int count) {
  std::vector<TradeEvent> out;
  std::uint64_t x = 12345 + id.value();
  for (int i = 0; i < count; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    TradeEvent t;
    t.instrument = id;
    t.exchangeTime = t.receiveTime = Timestamp{begin + i * 700'000'000LL};
    t.price = Price::fromRaw(10'000 + static_cast<std::int64_t>(x >> 58));
    t.quantity = Quantity::fromRaw(1 + static_cast<std::int64_t>((x >> 40) % 50));
    t.tradeId = static_cast<std::uint64_t>(i + 1);
    out.push_back(t);
  }
  return out;
}

std::vector<Bar> aggregateDirect(const std::vector<TradeEvent>& trades, std::int64_t interval) {
  auto agg = BarAggregator::create(trades.front().instrument, {BarKind::Time, interval}).value();
  std::vector<Bar> out;
  Bar b;
  for (const auto& t : trades) {
    if (agg.onTrade(t.exchangeTime, t.price, t.quantity, b)) out.push_back(b);
  }
  if (agg.flush(b)) out.push_back(b);
  return out;
}

bool sameBar(const Bar& a, const Bar& b) {
  return a.instrument == b.instrument && a.start == b.start && a.open == b.open && a.high == b.high && a.low == b.low &&
         a.close == b.close && a.volume == b.volume && a.tradeCount == b.tradeCount && a.notional == b.notional;
}

std::vector<Bar> query(const HistoryReader& r, InstrumentId id, std::int64_t interval, std::int64_t start,
                       std::int64_t end, HistoryQueryStats* stats = nullptr) {
  std::vector<Bar> out;
  auto q = r.queryBars(id, interval, Timestamp{start}, Timestamp{end}, [&](const Bar& b) {
    out.push_back(b);
    return true;
  });
  EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.error().message);
  if (q && stats) *stats = q.value();
  return out;
}

void expectSame(const std::vector<Bar>& got, const std::vector<Bar>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(sameBar(got[i], want[i])) << "bar " << i;
}

// Second bars stored across midnight; minute, hour and day queries equal direct aggregation of
// the trades, and a mid-range query returns exactly the buckets it asked for.
TEST(HistoryStore, SecondBarsAnswerCoarserQueriesAcrossDays) {
  TempDir dir;
  const InstrumentId id{5};
  const auto trades = tape(id, kDay0 + kNanosPerDay - 600 * kSecond, 2000);  // 23:50 → 00:13 next day
  {
    auto writer = HistoryWriter::open(dir.path());
    ASSERT_TRUE(writer.ok());
    for (const Bar& b : aggregateDirect(trades, kSecond)) ASSERT_TRUE(writer.value().appendBar(b, kSecond).ok());
    ASSERT_TRUE(writer.value().flush().ok());
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "5" / "bars-1s" / "2024-03-01.md"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "5" / "bars-1s" / "2024-03-02.md"));
  auto reader = HistoryReader::open(dir.path()).value();
  const std::int64_t all = kDay0 + 3 * kNanosPerDay;
  for (std::int64_t interval : {kSecond, 60 * kSecond, 3600 * kSecond, kNanosPerDay}) {
    HistoryQueryStats stats;
    expectSame(query(reader, id, interval, kDay0, all, &stats), aggregateDirect(trades, interval));
    EXPECT_EQ(stats.sourceIntervalNanos, kSecond);
  }
  // [23:55:30, 00:02:00) at 1m: buckets 23:55 .. 00:01 (7 minutes), the first one whole.
  const std::int64_t from = kDay0 + kNanosPerDay - 270 * kSecond;
  const auto minutes = query(reader, id, 60 * kSecond, from, kDay0 + kNanosPerDay + 120 * kSecond);
  const auto direct = aggregateDirect(trades, 60 * kSecond);
  ASSERT_EQ(minutes.size(), 7u);
  EXPECT_EQ(minutes.front().start.nanos(), kDay0 + kNanosPerDay - 300 * kSecond);
  const auto firstDirect =
      std::find_if(direct.begin(), direct.end(), [&](const Bar& b) { return b.start == minutes[0].start; });
  ASSERT_NE(firstDirect, direct.end());
  for (std::size_t i = 0; i < minutes.size(); ++i)
    EXPECT_TRUE(sameBar(minutes[i], *(firstDirect + static_cast<long>(i))));
  // An end in the last interval 64-bit nanoseconds hold (REST ?end= allows up to 2262): the
  // bucket after it does not exist; the query answers as for any later end.
  for (std::int64_t interval : {kSecond, kNanosPerDay}) {
    expectSame(query(reader, id, interval, kDay0, std::numeric_limits<std::int64_t>::max()),
               aggregateDirect(trades, interval));
  }
}

// Retention: day files whose day is over by the cutoff go, in every series; the day the cutoff
// falls in, year files of a year not over, instrument.txt and foreign files stay; queries over
// what is left answer as before, and over what went answer nothing (not an error).
TEST(HistoryStore, PruneDeletesWholePartitionsBeforeTheCutoff) {
  TempDir dir;
  const InstrumentId id{7};
  const auto trades = tape(id, kDay0 + 600 * kSecond, 369'000);  // days 0..2, 700 ms apart
  {
    auto writer = HistoryWriter::open(dir.path());
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer.value().describe(HistoryInstrument{id, "PRN", 2, 0}).ok());
    for (const TradeEvent& t : trades) ASSERT_TRUE(writer.value().appendTrade(t).ok());
    for (const Bar& b : aggregateDirect(trades, kSecond)) ASSERT_TRUE(writer.value().appendBar(b, kSecond).ok());
    for (const Bar& b : aggregateDirect(trades, kNanosPerDay)) {
      ASSERT_TRUE(writer.value().appendBar(b, kNanosPerDay).ok());
    }
    ASSERT_TRUE(writer.value().flush().ok());
  }
  const auto series = dir.path() / "7";
  ASSERT_TRUE(std::filesystem::exists(series / "trades" / "2024-03-03.md"));
  ASSERT_TRUE(std::filesystem::exists(series / "bars-1d" / "2024.md"));
  std::ofstream(series / "trades" / "notes.txt") << "not a partition";
  const auto sizeOf = [](const std::filesystem::path& p) { return std::filesystem::file_size(p); };
  const std::uint64_t expectedBytes =
      sizeOf(series / "trades" / "2024-03-01.md") + sizeOf(series / "trades" / "2024-03-02.md") +
      sizeOf(series / "bars-1s" / "2024-03-01.md") + sizeOf(series / "bars-1s" / "2024-03-02.md");

  // A cutoff inside day 2: days 0 and 1 go, day 2 stays.
  const Timestamp cutoff{kDay0 + 2 * kNanosPerDay + 3600 * kSecond};
  auto pruned = pruneHistory(dir.path(), cutoff);
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(pruned->filesRemoved, 4u);
  EXPECT_EQ(pruned->bytesRemoved, expectedBytes);
  for (const char* s : {"trades", "bars-1s"}) {
    EXPECT_FALSE(std::filesystem::exists(series / s / "2024-03-01.md")) << s;
    EXPECT_FALSE(std::filesystem::exists(series / s / "2024-03-02.md")) << s;
    EXPECT_TRUE(std::filesystem::exists(series / s / "2024-03-03.md")) << s;
  }
  EXPECT_TRUE(std::filesystem::exists(series / "bars-1d" / "2024.md"));  // the year is not over
  EXPECT_TRUE(std::filesystem::exists(series / "trades" / "notes.txt"));
  EXPECT_TRUE(std::filesystem::exists(series / "instrument.txt"));

  auto reader = HistoryReader::open(dir.path()).value();
  std::vector<TradeEvent> left;
  for (const TradeEvent& t : trades) {
    if (t.exchangeTime.nanos() >= kDay0 + 2 * kNanosPerDay) left.push_back(t);
  }
  const std::int64_t all = kDay0 + 4 * kNanosPerDay;
  expectSame(query(reader, id, 60 * kSecond, kDay0 + 2 * kNanosPerDay, all), aggregateDirect(left, 60 * kSecond));
  EXPECT_TRUE(query(reader, id, 60 * kSecond, kDay0, kDay0 + 2 * kNanosPerDay).empty());
  std::uint64_t tradesRead = 0;
  auto scanned = reader.queryTrades(id, Timestamp{kDay0}, Timestamp{all}, [&](const TradeEvent&) {
    ++tradesRead;
    return true;
  });
  ASSERT_TRUE(scanned.ok()) << scanned.error().message;
  EXPECT_EQ(tradesRead, left.size());

  // Again: nothing more is due. A cutoff after the year ends takes the year file too.
  EXPECT_EQ(pruneHistory(dir.path(), cutoff)->filesRemoved, 0u);
  auto yearOver = pruneHistory(dir.path(), Timestamp{daysFromCivil(2025, 1, 1) * kNanosPerDay});
  ASSERT_TRUE(yearOver.ok());
  EXPECT_EQ(yearOver->filesRemoved, 3u);  // day 2 of trades and of 1 s bars, and the 2024 daily bars
  EXPECT_FALSE(std::filesystem::exists(series / "bars-1d" / "2024.md"));
  EXPECT_FALSE(pruneHistory(dir.path() / "missing", cutoff).ok());
}

// Partition names and their spans; anything else is not a partition.
TEST(HistoryStore, PartitionSpansFromFileNames) {
  std::int64_t lo = 0, hi = 0;
  ASSERT_TRUE(historyPartitionSpan("2024-03-01.md", lo, hi));
  EXPECT_EQ(lo, kDay0);
  EXPECT_EQ(hi, kDay0 + kNanosPerDay);
  ASSERT_TRUE(historyPartitionSpan("2024.md", lo, hi));
  EXPECT_EQ(lo, daysFromCivil(2024, 1, 1) * kNanosPerDay);
  EXPECT_EQ(hi, daysFromCivil(2025, 1, 1) * kNanosPerDay);
  for (const char* name : {"2024-03-01.txt", "2024-13-01.md", "notes.md", "20x4.md", "2024-03-1.md", ".md", ""}) {
    EXPECT_FALSE(historyPartitionSpan(name, lo, hi)) << name;
  }
}

TEST(HistoryStore, DailyBarsGoOneFilePerYearAndFinerQueriesFail) {
  TempDir dir;
  const InstrumentId id{2};
  {
    auto writer = HistoryWriter::open(dir.path()).value();
    for (int d = 0; d < 400; ++d) {
      Bar b;
      b.instrument = id;
      b.start = Timestamp{daysFromCivil(2023, 6, 1) * kNanosPerDay + d * kNanosPerDay};
      b.open = b.high = b.low = b.close = Price::fromRaw(100 + d);
      b.volume = Quantity::fromRaw(d);
      ASSERT_TRUE(writer.appendBar(b, kNanosPerDay).ok());
    }
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "2" / "bars-1d" / "2023.md"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "2" / "bars-1d" / "2024.md"));
  auto reader = HistoryReader::open(dir.path()).value();
  const auto bars = query(reader, id, kNanosPerDay, daysFromCivil(2024, 1, 1) * kNanosPerDay,
                          daysFromCivil(2024, 1, 11) * kNanosPerDay);
  ASSERT_EQ(bars.size(), 10u);
  EXPECT_EQ(bars[0].open.raw(), 100 + (daysFromCivil(2024, 1, 1) - daysFromCivil(2023, 6, 1)));
  auto finer = reader.queryBars(id, 3600 * kSecond, Timestamp{0}, Timestamp{kDay0}, [](const Bar&) { return true; });
  ASSERT_FALSE(finer.ok());
  EXPECT_NE(finer.error().message.find("no bars whose interval divides 1h"), std::string::npos);
}

TEST(HistoryStore, BarsAreBuiltFromTradesWhenNoBarSeriesFits) {
  TempDir dir;
  const InstrumentId id{9};
  const auto trades = tape(id, kDay0 + 3600 * kSecond, 500);
  {
    auto writer = HistoryWriter::open(dir.path()).value();
    for (const auto& t : trades) ASSERT_TRUE(writer.appendTrade(t).ok());
  }
  auto reader = HistoryReader::open(dir.path()).value();
  HistoryQueryStats stats;
  expectSame(query(reader, id, 60 * kSecond, kDay0, kDay0 + kNanosPerDay, &stats),
             aggregateDirect(trades, 60 * kSecond));
  EXPECT_EQ(stats.sourceIntervalNanos, 0);
  std::vector<TradeEvent> back;
  ASSERT_TRUE(reader
                  .queryTrades(id, trades[100].exchangeTime, trades[200].exchangeTime,
                               [&](const TradeEvent& t) {
                                 back.push_back(t);
                                 return true;
                               })
                  .ok());
  ASSERT_EQ(back.size(), 100u);
  EXPECT_EQ(back.front().tradeId, 101u);
  EXPECT_EQ(back.back().tradeId, 200u);
}

TEST(HistoryStore, TornTailIsIgnoredByReadersAndCutByTheNextWriter) {
  TempDir dir;
  const InstrumentId id{4};
  const auto bars = aggregateDirect(tape(id, kDay0, 100), kSecond);
  {
    auto writer = HistoryWriter::open(dir.path()).value();
    for (std::size_t i = 0; i + 1 < bars.size(); ++i) ASSERT_TRUE(writer.appendBar(bars[i], kSecond).ok());
  }
  const auto file = dir.path() / "4" / "bars-1s" / "2024-03-01.md";
  const auto goodSize = std::filesystem::file_size(file);
  {  // a crash: one zeroed record (file extended before its data landed) and half a record
    std::ofstream out(file, std::ios::binary | std::ios::app);
    const std::string zeros(sizeof(Bar) + sizeof(Bar) / 2, '\0');
    out << zeros;
  }
  auto reader = HistoryReader::open(dir.path()).value();
  expectSame(query(reader, id, kSecond, kDay0, kDay0 + kNanosPerDay), std::vector<Bar>(bars.begin(), bars.end() - 1));
  {
    auto writer = HistoryWriter::open(dir.path()).value();
    ASSERT_TRUE(writer.appendBar(bars.back(), kSecond).ok());
    ASSERT_TRUE(writer.flush().ok());
    EXPECT_EQ(writer.tornBytesCut(), sizeof(Bar) + sizeof(Bar) / 2);
  }
  EXPECT_EQ(std::filesystem::file_size(file), goodSize + sizeof(Bar));
  expectSame(query(reader, id, kSecond, kDay0, kDay0 + kNanosPerDay), bars);
}

TEST(HistoryStore, RefusesOutOfOrderBarsOffGridBarsAndASecondWriter) {
  TempDir dir;
  auto writer = HistoryWriter::open(dir.path()).value();
  Bar b;
  b.instrument = InstrumentId{1};
  b.start = Timestamp{kDay0 + 60 * kSecond};
  b.open = b.high = b.low = b.close = Price::fromRaw(1);
  ASSERT_TRUE(writer.appendBar(b, 60 * kSecond).ok());
  auto again = writer.appendBar(b, 60 * kSecond);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().field, "time");
  EXPECT_NE(again.error().message.find("is not after the last stored one"), std::string::npos);
  b.start = Timestamp{kDay0 + 150 * kSecond};
  EXPECT_EQ(writer.appendBar(b, 60 * kSecond).error().field, "start");
  EXPECT_EQ(writer.appendBar(b, 7 * kSecond).error().field, "interval");
  auto second = HistoryWriter::open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("another writer"), std::string::npos);
  EXPECT_FALSE(HistoryReader::open(dir.path() / "missing").ok());
}

TEST(HistoryStore, DescribesInstrumentsAndFindsSymbols) {
  TempDir dir;
  auto writer = HistoryWriter::open(dir.path()).value();
  ASSERT_TRUE(writer.describe({InstrumentId{3}, "AAPL", 2, 0}).ok());
  ASSERT_TRUE(writer.describe({InstrumentId{12}, "BTC-USDT", 2, 5}).ok());
  EXPECT_EQ(writer.describe({InstrumentId{4}, "bad symbol", 2, 0}).error().field, "symbol");
  auto reader = HistoryReader::open(dir.path()).value();
  const auto all = reader.instruments();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].symbol, "BTC-USDT");
  const auto btc = reader.findSymbol("BTC-USDT");
  ASSERT_TRUE(btc.has_value());
  EXPECT_EQ(btc->instrument, InstrumentId{12});
  EXPECT_EQ(btc->quantityPlaces, 5);
  EXPECT_FALSE(reader.findSymbol("MSFT").has_value());
}

TEST(HistoryStore, ManyInstrumentsThroughTwoOpenFilesAndEarlyStop) {
  TempDir dir;
  HistoryWriterOptions options;
  options.maxOpenFiles = 2;
  std::vector<std::vector<TradeEvent>> tapes;
  for (std::uint64_t i = 1; i <= 5; ++i) tapes.push_back(tape(InstrumentId{i}, kDay0, 300));
  {
    auto writer = HistoryWriter::open(dir.path(), options).value();
    for (int k = 0; k < 300; ++k) {
      for (const auto& t : tapes) ASSERT_TRUE(writer.appendTrade(t[static_cast<std::size_t>(k)]).ok());
    }
  }
  auto reader = HistoryReader::open(dir.path()).value();
  for (std::uint64_t i = 1; i <= 5; ++i) {
    expectSame(query(reader, InstrumentId{i}, 60 * kSecond, kDay0, kDay0 + kNanosPerDay),
               aggregateDirect(tapes[i - 1], 60 * kSecond));
  }
  int seen = 0;
  auto q = reader.queryTrades(InstrumentId{1}, Timestamp{0}, Timestamp{kDay0 + kNanosPerDay},
                              [&](const TradeEvent&) { return ++seen < 10; });
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(seen, 10);
}

TEST(BarRecorder, StoresTradesAndSecondBarsFromEngineEvents) {
  TempDir dir;
  const InstrumentId id{7};
  const auto trades = tape(id, kDay0 + 10 * kSecond, 50);
  {
    auto writer = HistoryWriter::open(dir.path()).value();
    BarRecorder recorder(writer);
    for (const auto& t : trades) {
      engine::EngineEvent e;
      e.kind = engine::EventKind::PublicTrade;
      e.time = t.exchangeTime;
      e.body.trade.instrument = t.instrument;
      e.body.trade.price = t.price;
      e.body.trade.quantity = t.quantity;
      e.body.trade.tradeId = TradeId{t.tradeId};
      ASSERT_TRUE(recorder.onEngineEvent(e).ok());
    }
    engine::EngineEvent quote;
    quote.kind = engine::EventKind::Quote;
    ASSERT_TRUE(recorder.onEngineEvent(quote).ok());
    ASSERT_TRUE(recorder.finish().ok());
    EXPECT_EQ(recorder.tradesRecorded(), 50u);
    EXPECT_EQ(recorder.barsWritten(), aggregateDirect(trades, kSecond).size());
  }
  auto reader = HistoryReader::open(dir.path()).value();
  HistoryQueryStats stats;
  expectSame(query(reader, id, 10 * kSecond, kDay0, kDay0 + kNanosPerDay, &stats),
             aggregateDirect(trades, 10 * kSecond));
  EXPECT_EQ(stats.sourceIntervalNanos, kSecond);
}

}  // namespace
}  // namespace alphintra::marketdata
