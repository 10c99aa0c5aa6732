// Trade CSV, quote CSV and LOBSTER readers: good files read exactly; bad rows named by file,
// line and column.
#include <gtest/gtest.h>

#include <vector>

#include "marketdata/event_csv.hpp"
#include "marketdata/lobster.hpp"
#include "marketdata/tests/temp_dir.hpp"
#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata {
namespace {

using testing::TempDir;

template <typename Reader, typename Event, typename Options>
Result<std::vector<Event>> readAll(const std::filesystem::path& file, Options options) {
  auto reader = Reader::open(file, options);
  if (!reader) return reader.error();
  std::vector<Event> out;
  Event e;
  while (true) {
    auto got = reader.value().next(e);
    if (!got) return got.error();
    if (!*got) return out;
    out.push_back(e);
  }
}

TEST(TradeCsv, ReadsTradesWithSidesAndIds) {
  TempDir dir;
  const auto file = dir.write("t.csv",
                              "timestamp,price,qty,side,trade_id\n"
                              "1704067200123,42283.5,0.015,buy,77\n"
                              "2024-01-01T00:00:00.5Z,42283.25,1.5,S,78\n"
                              "1704067200500000000,42283.25,2,,\n");
  EventCsvOptions options;
  options.instrument = InstrumentId{4};
  options.pricePrecision = 2;
  options.quantityPrecision = 3;
  auto trades = readAll<TradeCsvReader, TradeEvent>(file, options);
  ASSERT_TRUE(trades.ok()) << trades.error().message;
  ASSERT_EQ(trades->size(), 3u);
  const auto& t = trades.value();
  EXPECT_EQ(t[0].exchangeTime.nanos(), 1'704'067'200'123'000'000);
  EXPECT_EQ(t[0].price.raw(), 4'228'350);
  EXPECT_EQ(t[0].quantity.raw(), 15);
  EXPECT_EQ(t[0].aggressor, Side::Buy);
  EXPECT_EQ(t[0].tradeId, 77u);
  EXPECT_EQ(t[1].exchangeTime.nanos(), 1'704'067'200'500'000'000);
  EXPECT_EQ(t[1].aggressor, Side::Sell);
  EXPECT_EQ(t[2].aggressor, Side::None);
  EXPECT_EQ(t[2].instrument, InstrumentId{4});
}

TEST(TradeCsv, BadRowsNameLineAndColumn) {
  TempDir dir;
  struct Case {
    const char* text;
    const char* field;
    const char* fragment;
  };
  for (const Case& c :
       {Case{"", "header", "file is empty"}, Case{"time,price\n1,2\n", "quantity", "no quantity column"},
        Case{"time,price,qty\n1704067200,1.5,0\n", "qty", ":2: qty: 0 is not a positive quantity"},
        Case{"time,price,qty\n1704067200,abc,1\n", "price", ":2: price: 'abc' is not a decimal"},
        Case{"time,price,qty\n1704067201,1,1\n1704067200,1,1\n", "time", ":3: time:"},
        Case{"time,price,qty,side\n1704067200,1,1,up\n", "side", "'up' is not buy"},
        Case{"time,price,qty\n1704067200,1\n", "row", ":2: row has 2 fields"}}) {
    const auto file = dir.write("bad.csv", c.text);
    auto trades = readAll<TradeCsvReader, TradeEvent>(file, EventCsvOptions{});
    ASSERT_FALSE(trades.ok()) << c.text;
    EXPECT_EQ(trades.error().field, c.field) << trades.error().message;
    EXPECT_NE(trades.error().message.find(c.fragment), std::string::npos) << trades.error().message;
    EXPECT_NE(trades.error().message.find("bad.csv"), std::string::npos);
  }
}

TEST(QuoteCsv, ReadsQuotesWithAMissingSide) {
  TempDir dir;
  const auto file = dir.write("q.csv",
                              "time,bid,bid_size,ask,ask_size\n"
                              "1704067200000,99.5,100,100.5,200\n"
                              "1704067201000,,,100.25,50\n");
  EventCsvOptions options;
  options.pricePrecision = 2;
  auto quotes = readAll<QuoteCsvReader, QuoteEvent>(file, options);
  ASSERT_TRUE(quotes.ok()) << quotes.error().message;
  ASSERT_EQ(quotes->size(), 2u);
  EXPECT_EQ(quotes.value()[0].bidPrice.raw(), 9950);
  EXPECT_EQ(quotes.value()[0].askSize.raw(), 200);
  EXPECT_FALSE(quotes.value()[1].bidPrice.isDefined());
  EXPECT_EQ(quotes.value()[1].askPrice.raw(), 10025);
  const auto bad = dir.write("bq.csv", "time,bid,bid_size,ask,ask_size\n1704067200000,99.5,-1,100.5,200\n");
  auto err = readAll<QuoteCsvReader, QuoteEvent>(bad, options);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().field, "bid_size");
}

TEST(Lobster, MapsEventTypesToOrdersAndTrades) {
  TempDir dir;
  const auto file = dir.write("AAPL_2012-06-21_34200000_57600000_message_1.csv",
                              "34200.004241176,1,16113575,18,5853300,1\n"
                              "34200.025552615,2,16113575,8,5853300,1\n"
                              "34200.1,7,0,0,-1,-1\n"
                              "34200.201743844,4,16113575,5,5853300,1\n"
                              "34200.3,5,0,100,5853500,-1\n"
                              "34200.4,3,16113575,5,5853300,1\n"
                              "57600.0,6,0,3000,5853400,-1\n");
  LobsterOptions options;
  options.instrument = InstrumentId{8};
  options.midnight = Timestamp{daysFromCivil(2012, 6, 21) * kNanosPerDay + 4 * 3600 * kNanosPerSecond};
  options.pricePrecision = 2;
  auto reader = LobsterReader::open(file, options);
  ASSERT_TRUE(reader.ok());
  std::vector<LobsterRecord> rows;
  LobsterRecord r;
  while (true) {
    auto got = reader.value().next(r);
    ASSERT_TRUE(got.ok()) << got.error().message;
    if (!*got) break;
    rows.push_back(r);
  }
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(reader.value().haltRows(), 1u);
  EXPECT_EQ(rows[0].order.action, BookAction::Add);
  EXPECT_EQ(rows[0].order.price.raw(), 58533);
  EXPECT_EQ(rows[0].order.quantity.raw(), 18);
  EXPECT_EQ(rows[0].order.side, Side::Buy);
  EXPECT_EQ(rows[0].order.exchangeTime.nanos(), options.midnight.nanos() + 34'200'004'241'176);
  EXPECT_FALSE(rows[0].hasTrade);
  EXPECT_EQ(rows[1].order.action, BookAction::Cancel);
  EXPECT_TRUE(rows[2].hasOrder && rows[2].hasTrade);
  EXPECT_EQ(rows[2].order.action, BookAction::Fill);
  EXPECT_EQ(rows[2].trade.aggressor, Side::Sell);
  EXPECT_EQ(rows[2].trade.quantity.raw(), 5);
  EXPECT_TRUE(!rows[3].hasOrder && rows[3].hasTrade);
  EXPECT_EQ(rows[3].trade.aggressor, Side::Buy);
  EXPECT_EQ(rows[4].order.action, BookAction::Delete);
  EXPECT_EQ(rows[5].trade.aggressor, Side::None);
}

TEST(Lobster, BadRowsNameLineAndColumn) {
  TempDir dir;
  struct Case {
    const char* text;
    const char* field;
  };
  for (const Case& c : {Case{"34200.1,9,1,1,100,1\n", "type"}, Case{"34200.1,1,1,1,100,0\n", "direction"},
                        Case{"34200.1,1,1,0,100,1\n", "size"}, Case{"34200.1,1,1,1,100\n", "row"},
                        Case{"34200.2,1,1,1,100,1\n34200.1,1,2,1,100,1\n", "time"},
                        Case{"34200.1,1,1,1,100.5,1\n", "price"}, Case{"34200.1,1,1,1,10001,1\n", "price"}}) {
    const auto file = dir.write("m.csv", c.text);
    LobsterOptions options;
    options.pricePrecision = 2;
    auto reader = LobsterReader::open(file, options);
    ASSERT_TRUE(reader.ok());
    LobsterRecord r;
    Result<bool> got = true;
    while (got.ok() && *got) got = reader.value().next(r);
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_EQ(got.error().field, c.field) << got.error().message;
    EXPECT_NE(got.error().message.find("m.csv:"), std::string::npos) << got.error().message;
  }
}

}  // namespace
}  // namespace alphintra::marketdata
