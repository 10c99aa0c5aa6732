// Tick backtests from files: LOBSTER and ITCH sources, the run settings (latency text, queue
// model), determinism (two runs of a generated ITCH day write byte-identical reports) and errors
// that name the file, line or offset, and field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "backtest/replay_venue.hpp"
#include "backtest/report.hpp"
#include "backtest/statistics.hpp"
#include "backtest/tick_spec.hpp"
#include "marketdata/itch/itch_generator.hpp"
#include "marketdata/tests/temp_dir.hpp"

namespace alphintra::backtest {
namespace {

using marketdata::testing::TempDir;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

TEST(TickSettings, LatencyTextIsExact) {
  EXPECT_EQ(*parseLatency("0"), 0);
  EXPECT_EQ(*parseLatency("250us"), 250'000);
  EXPECT_EQ(*parseLatency("1.5ms"), 1'500'000);
  EXPECT_EQ(*parseLatency("100ns"), 100);
  EXPECT_EQ(*parseLatency("2s"), 2'000'000'000);
  for (const char* bad : {"1.5ns", "abc", "250", "-1us", "us"}) {
    auto r = parseLatency(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "--latency");
  }
  EXPECT_EQ(*parseQueueModel("proportional"), QueueModel::Proportional);
  EXPECT_FALSE(parseQueueModel("optimistic").ok());
}

TEST(TickSources, LobsterExecutionGivesTheOrderEventThenItsTrade) {
  TempDir dir;
  const auto file = dir.path() / "AAA_2024-01-02_34200000_57600000_message_5.csv";
  write(file,
        "34200.000000001,1,11,100,1001000,-1\n"
        "34200.000000002,4,11,40,1001000,-1\n");
  marketdata::LobsterOptions o;
  o.midnight = Timestamp{1'704'171'600'000'000'000};
  auto source = LobsterEventSource::open(file, o);
  ASSERT_TRUE(source.ok()) << source.error().message;
  std::vector<marketdata::MarketEvent> events(8);
  auto n = (*source)->read(events);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 3u);
  EXPECT_EQ(events[0].kind, marketdata::MarketEventKind::BookOrder);
  EXPECT_EQ(events[1].kind, marketdata::MarketEventKind::BookOrder);
  EXPECT_EQ(events[1].body.order.action, marketdata::BookAction::Fill);
  EXPECT_EQ(events[2].kind, marketdata::MarketEventKind::Trade);
  EXPECT_EQ(events[2].body.trade.aggressor, Side::Buy);  // a sell order was executed
}

BacktestSpec itchSpec(const std::filesystem::path& file) {
  BacktestSpec spec;
  for (const char* symbol : {"S00001", "S00002"}) {
    DataSpec d;
    d.symbol = symbol;
    d.file = file;
    d.pricePrecision = 4;
    d.tick = "0.01";
    spec.data.push_back(d);
    StrategySpec s;
    s.name = "market_maker";
    s.label = std::string("mm_") + symbol;
    s.instruments = {symbol};
    s.params = strategy::Parameters::parse({"quantity=100", "gamma=0.05", "k=200", "vol_window=20"}).value();
    spec.strategies.push_back(s);
  }
  spec.options.account.initialCash = 10'000'000;
  spec.options.account.makerFeePpm = 20;
  spec.options.account.takerFeePpm = 100;
  return spec;
}

TEST(TickSources, TwoRunsOfAnItchDayWriteIdenticalReports) {
  TempDir dir;
  const auto file = dir.path() / "day.itch";
  marketdata::itch::ItchGeneratorOptions g;
  g.seed = 11;
  g.stocks = 3;
  g.messages = 30'000;
  g.targetLiveOrders = 3'000;
  ASSERT_TRUE(marketdata::itch::writeItchFile(file, g).ok());
  TickSettings settings;
  settings.format = "itch";
  settings.date = "2024-01-02";
  settings.utcOffset = "-05:00";
  settings.latency = "1us";
  std::vector<std::string> texts;
  for (int run = 0; run < 2; ++run) {
    auto result = runTickBacktest(itchSpec(file), settings);
    ASSERT_TRUE(result.ok()) << result.error().field << ": " << result.error().message;
    EXPECT_GT(result->bars, 20'000u);
    EXPECT_FALSE(result->fills.empty());  // the market maker traded: the comparison means something
    const auto out = dir.path() / ("run" + std::to_string(run));
    ASSERT_TRUE(writeReports(out, *result, computeMetrics(*result, 0)).ok());
    std::string all;
    for (const char* name : {"metrics.json", "equity.csv", "trades.csv", "fills.csv"}) all += slurp(out / name);
    texts.push_back(all);
  }
  EXPECT_EQ(texts[0], texts[1]);
}

// The generated day is a consistent L3 flow: replayed into matching-engine books with no order
// of ours, no message names an order the book lacks and no book is ever crossed.
TEST(TickSources, GeneratedItchDayReplaysWithoutSkipsIntoUncrossedBooks) {
  TempDir dir;
  const auto file = dir.path() / "day.itch";
  marketdata::itch::ItchGeneratorOptions g;
  g.seed = 5;
  g.stocks = 4;
  g.messages = 60'000;
  g.targetLiveOrders = 2'000;
  ASSERT_TRUE(marketdata::itch::writeItchFile(file, g).ok());
  ReplayVenue venue;
  for (std::uint32_t l = 1; l <= g.stocks; ++l) {
    InstrumentSpec spec;  // as ITCH prices them: Price(4) on a one-cent tick
    spec.id = l;
    spec.symbol = "S0000" + std::to_string(l);
    spec.pricePrecision = 4;
    spec.tickSize = "0.01";
    venue.addInstrument(Instrument::create(spec).value());
    venue.setDepth(l - 1, ReplayDepth::L3);
  }
  auto source = ItchEventSource::open(file, ItchSourceOptions{});
  ASSERT_TRUE(source.ok());
  std::vector<marketdata::MarketEvent> batch(1024);
  std::uint64_t orderEvents = 0, crossed = 0;
  for (;;) {
    auto got = (*source)->read(batch);
    ASSERT_TRUE(got.ok()) << got.error().message;
    if (*got == 0) break;
    for (std::size_t k = 0; k < *got; ++k) {
      const marketdata::MarketEvent& e = batch[k];
      if (e.kind != marketdata::MarketEventKind::BookOrder) continue;
      const auto i = static_cast<std::uint32_t>(e.instrument().value() - 1);
      EXPECT_FALSE(venue.onOrder(i, e.body.order));  // nothing of ours to fill
      ++orderEvents;
      const book::TopOfBook t = venue.top(i);
      crossed += t.bidPrice.isDefined() && t.askPrice.isDefined() && t.bidPrice >= t.askPrice;
    }
  }
  EXPECT_GT(orderEvents, 50'000u);
  EXPECT_EQ(venue.skippedMessages(), 0u);
  EXPECT_EQ(crossed, 0u);
}

TEST(TickSources, MalformedLobsterRowNamesFileLineAndField) {
  TempDir dir;
  const auto file = dir.path() / "AAA_2024-01-02_34200000_57600000_message_5.csv";
  write(file,
        "34200.000000001,1,11,100,1001000,-1\n"
        "34200.000000002,1,12,100,1000000,7\n");
  BacktestSpec spec;
  DataSpec d;
  d.symbol = "AAA";
  d.file = file;
  d.pricePrecision = 2;
  spec.data.push_back(d);
  StrategySpec s;
  s.name = "market_maker";
  spec.strategies.push_back(s);
  TickSettings settings;
  settings.utcOffset = "-05:00";
  auto r = runTickBacktest(spec, settings);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(file.string() + ":2"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("direction"), std::string::npos) << r.error().message;
}

TEST(TickSources, TruncatedItchFileNamesTheOffset) {
  TempDir dir;
  const auto file = dir.path() / "day.itch";
  marketdata::itch::ItchGeneratorOptions g;
  g.stocks = 2;
  g.messages = 2'000;
  g.targetLiveOrders = 500;
  ASSERT_TRUE(marketdata::itch::writeItchFile(file, g).ok());
  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 3);
  ItchSourceOptions o;
  auto source = ItchEventSource::open(file, o);
  ASSERT_TRUE(source.ok());
  std::vector<marketdata::MarketEvent> batch(1024);
  Result<std::size_t> got = std::size_t{1};
  while (got.ok() && *got > 0) got = (*source)->read(batch);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("offset"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("ends inside a message"), std::string::npos) << got.error().message;
}

TEST(TickSources, UnknownItchSymbolIsNamed) {
  TempDir dir;
  const auto file = dir.path() / "day.itch";
  marketdata::itch::ItchGeneratorOptions g;
  g.stocks = 2;
  g.messages = 1'000;
  g.targetLiveOrders = 200;
  ASSERT_TRUE(marketdata::itch::writeItchFile(file, g).ok());
  BacktestSpec spec = itchSpec(file);
  spec.data[1].symbol = "NOPE";
  spec.strategies[1].instruments = {"NOPE"};
  TickSettings settings;
  settings.format = "itch";
  settings.date = "2024-01-02";
  auto r = runTickBacktest(spec, settings);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "--symbol");
  EXPECT_NE(r.error().message.find("NOPE"), std::string::npos);
}

}  // namespace
}  // namespace alphintra::backtest
