// OhlcvCsvReader: both layouts, exact decimals and rounding, adjustment, and every malformed
// input named by file, line and field.
#include <gtest/gtest.h>

#include <vector>

#include "marketdata/ohlcv_csv.hpp"
#include "marketdata/tests/temp_dir.hpp"
#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata {
namespace {

using testing::TempDir;

std::vector<Bar> readAll(const std::filesystem::path& file, OhlcvCsvOptions options = {}) {
  auto reader = OhlcvCsvReader::open(file, options);
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message);
  std::vector<Bar> bars;
  if (!reader) return bars;
  Bar bar;
  while (true) {
    auto got = reader.value().next(bar);
    EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.error().message);
    if (!got || !*got) break;
    bars.push_back(bar);
  }
  return bars;
}

Error firstError(const std::filesystem::path& file, OhlcvCsvOptions options = {}) {
  auto reader = OhlcvCsvReader::open(file, options);
  if (!reader) return reader.error();
  Bar bar;
  while (true) {
    auto got = reader.value().next(bar);
    if (!got) return got.error();
    if (!*got) return Error{};
  }
}

constexpr std::int64_t kDay = 86'400'000'000'000;

TEST(OhlcvCsv, ReadsDownloaderLayoutExactly) {
  TempDir dir;
  const auto file = dir.write("aapl.csv",
                              "Date,Open,High,Low,Close,Adj Close,Volume\r\n"
                              "2024-01-02,187.15,188.44,183.885,185.64,184.9,82488700\r\n"
                              "2024-01-03,184.22,185.88,183.43,184.25,183.52,58414500\r\n");
  OhlcvCsvOptions options;
  options.instrument = InstrumentId{7};
  const auto bars = readAll(file, options);
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].instrument, InstrumentId{7});
  EXPECT_EQ(bars[0].start.nanos(), daysFromCivil(2024, 1, 2) * kDay);
  EXPECT_EQ(bars[0].open.raw(), 1'871'500);
  EXPECT_EQ(bars[0].high.raw(), 1'884'400);
  EXPECT_EQ(bars[0].low.raw(), 1'838'850);
  EXPECT_EQ(bars[0].close.raw(), 1'856'400);
  EXPECT_EQ(bars[0].volume.raw(), 82'488'700);
  EXPECT_EQ(bars[0].notional, 0);
  EXPECT_EQ(bars[1].start.nanos() - bars[0].start.nanos(), kDay);
}

TEST(OhlcvCsv, FindsColumnsByNameInAnyOrderAndSkipsNullRows) {
  TempDir dir;
  const auto file = dir.write("x.csv",
                              "volume,close,low,high,open,date\n"
                              "10,2.5,1.5,3,2,2020-03-01\n"
                              "null,null,null,null,null,2020-03-02\n"
                              "\n"
                              "20,2.25,2,2.5,2.25,2020-03-03\n");
  OhlcvCsvOptions options;
  options.pricePrecision = 2;
  auto reader = OhlcvCsvReader::open(file, options);
  ASSERT_TRUE(reader.ok());
  Bar bar;
  ASSERT_TRUE(*reader.value().next(bar));
  EXPECT_EQ(bar.open.raw(), 200);
  EXPECT_EQ(bar.high.raw(), 300);
  EXPECT_EQ(bar.volume.raw(), 10);
  ASSERT_TRUE(*reader.value().next(bar));
  EXPECT_EQ(bar.close.raw(), 225);
  EXPECT_EQ(bar.start.nanos(), daysFromCivil(2020, 3, 3) * kDay);
  EXPECT_FALSE(*reader.value().next(bar));
  EXPECT_EQ(reader.value().skippedNullRows(), 1u);
}

TEST(OhlcvCsv, RoundsExtraDecimalsHalfToEven) {
  TempDir dir;
  const auto file = dir.write("r.csv",
                              "Date,Open,High,Low,Close,Volume\n"
                              "2024-01-02,1.005,1.0150001,1.00499999,1.015,7\n");
  OhlcvCsvOptions options;
  options.pricePrecision = 2;
  const auto bars = readAll(file, options);
  ASSERT_EQ(bars.size(), 1u);
  EXPECT_EQ(bars[0].open.raw(), 100);   // 1.005 → tie → even 1.00
  EXPECT_EQ(bars[0].high.raw(), 102);   // above the tie → up
  EXPECT_EQ(bars[0].low.raw(), 100);    // below the tie → down
  EXPECT_EQ(bars[0].close.raw(), 102);  // 1.015 → tie → even 1.02
}

TEST(OhlcvCsv, AdjustsByAdjCloseOverClose) {
  TempDir dir;
  const auto file = dir.write("a.csv",
                              "Date,Open,High,Low,Close,Adj Close,Volume\n"
                              "2024-01-02,100,110,90,100,50,1000\n"
                              "2024-01-03,30,33,29,30,10,1000\n");
  OhlcvCsvOptions options;
  options.pricePrecision = 2;
  options.adjusted = true;
  const auto bars = readAll(file, options);
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].open.raw(), 5000);
  EXPECT_EQ(bars[0].high.raw(), 5500);
  EXPECT_EQ(bars[0].low.raw(), 4500);
  EXPECT_EQ(bars[0].close.raw(), 5000);
  EXPECT_EQ(bars[1].high.raw(), 1100);  // 33 × 10/30
  EXPECT_EQ(bars[1].low.raw(), 967);    // 29 × 10/30 = 9.666.. → 9.67
}

TEST(OhlcvCsv, ReadsIntradayTimesWithOffsets) {
  TempDir dir;
  const auto file = dir.write("i.csv",
                              "Datetime,Open,High,Low,Close,Volume\n"
                              "2024-01-02 09:30:00-05:00,1,1,1,1,1\n"
                              "2024-01-02T14:31:00Z,1,1,1,1,1\n");
  const auto bars = readAll(file);
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].start.nanos(), daysFromCivil(2024, 1, 2) * kDay + 14 * 3'600'000'000'000 + 30 * 60'000'000'000);
  EXPECT_EQ(bars[1].start.nanos() - bars[0].start.nanos(), 60'000'000'000);
}

TEST(OhlcvCsv, ReadsBinanceKlinesWithAndWithoutHeader) {
  TempDir dir;
  const std::string rows =
      "1704067200000,42283.58,42554.57,42261.02,42475.23,1271.68108,1704070799999,53957248.973789,47134,682.57581,"
      "28957416.819645,0\n"
      "1704070800000,42475.23,42775.00,42431.65,42613.56,1196.37856,1704074399999,50942969.645636,42915,630.79355,"
      "26864906.088564,0\n";
  OhlcvCsvOptions options;
  options.pricePrecision = 2;
  options.quantityPrecision = 5;
  for (const std::string& text : {rows,
                                  "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
                                  "taker_buy_quote_volume,ignore\n" +
                                      rows}) {
    const auto file = dir.write("k.csv", text);
    auto reader = OhlcvCsvReader::open(file, options);
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ(reader.value().layout(), OhlcvLayout::Binance);
    const auto bars = readAll(file, options);
    ASSERT_EQ(bars.size(), 2u);
    EXPECT_EQ(bars[0].start.nanos(), 1'704'067'200'000'000'000);
    EXPECT_EQ(bars[0].open.raw(), 4'228'358);
    EXPECT_EQ(bars[0].volume.raw(), 127'168'108);
    EXPECT_EQ(bars[0].tradeCount, 47'134);
    EXPECT_EQ(bars[0].notional, static_cast<Int128>(539'572'489'737'890));  // quote volume at 2 + 5 places
    EXPECT_EQ(bars[1].start.nanos() - bars[0].start.nanos(), 3'600'000'000'000);
  }
}

TEST(OhlcvCsv, BinanceMicrosecondOpenTimes) {
  TempDir dir;
  const auto file = dir.write("u.csv", "1735689600000000,1,2,1,2,3,1735689659999999,6,2,0,0,0\n");
  const auto bars = readAll(file);
  ASSERT_EQ(bars.size(), 1u);
  EXPECT_EQ(bars[0].start.nanos(), 1'735'689'600'000'000'000);
}

struct Malformed {
  const char* name;
  const char* text;
  const char* field;
  const char* fragment;  // part of the message
};

class OhlcvCsvMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(OhlcvCsvMalformed, NamesFileLineAndField) {
  TempDir dir;
  const auto file = dir.write("bad.csv", GetParam().text);
  const Error e = firstError(file);
  EXPECT_EQ(e.field, GetParam().field) << e.message;
  EXPECT_NE(e.message.find(GetParam().fragment), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("bad.csv"), std::string::npos) << e.message;
}

INSTANTIATE_TEST_SUITE_P(
    Files, OhlcvCsvMalformed,
    ::testing::Values(
        Malformed{"empty", "", "header", ":1: file is empty"},
        Malformed{"missingColumn", "Date,Open,High,Close,Volume\n2024-01-02,1,1,1,1\n", "Low", "no Low column"},
        Malformed{"badNumber", "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,1x,1,1,1,1\n", "High",
                  ":2: High: '1x' is not a decimal number"},
        Malformed{"shortRow", "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,1,1\n", "row",
                  ":2: row has 4 fields"},
        Malformed{"badDate", "Date,Open,High,Low,Close,Adj Close,Volume\n2024-02-30,1,1,1,1,1,1\n", "Date",
                  ":2: Date: '2024-02-30' is not a valid calendar date"},
        Malformed{"pastTimestamps", "Date,Open,High,Low,Close,Adj Close,Volume\n7241-11-13,1,1,1,1,1,1\n", "Date",
                  ":2: Date: '7241-11-13' is past 2261"},
        Malformed{"highBelowLow", "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,1,2,1,1,1\n", "High",
                  ":2: High: high 1 is below low 2"},
        Malformed{"lowAboveClose", "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,2,3,1.5,1,1,1\n", "Low",
                  "low 1.5 is above"},
        Malformed{"nonIncreasing",
                  "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-03,1,1,1,1,1,1\n2024-01-02,1,1,1,1,1,1\n", "Date",
                  ":3: Date: 2024-01-02 is not after the previous bar's 2024-01-03"},
        Malformed{"duplicateDate",
                  "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-03,1,1,1,1,1,1\n2024-01-03,1,1,1,1,1,1\n", "Date",
                  ":3:"},
        Malformed{"negativeVolume", "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,1,1,1,1,-5\n", "Volume",
                  "is negative"},
        Malformed{"zeroPrice", "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,0,1,0,1,1,5\n", "Open",
                  "not a positive price"},
        Malformed{"binancePastTimestamps", "1704067200000,1,1,1,1,1\n9999999999999,1,1,1,1,1\n", "open_time",
                  ":2: open_time: 9999999999999 is past 2262"},
        Malformed{"binanceBadTime", "1704067200000,1,1,1,1,1\n17040672x0000,1,1,1,1,1\n", "open_time",
                  ":2: open_time:"}),
    [](const auto& p) { return std::string{p.param.name}; });

TEST(OhlcvCsv, MissingFileIsAnError) {
  auto reader = OhlcvCsvReader::open("/nonexistent/dir/file.csv", {});
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("/nonexistent/dir/file.csv"), std::string::npos);
}

TEST(OhlcvCsv, AdjustedNeedsAdjCloseColumn) {
  TempDir dir;
  const auto file = dir.write("n.csv", "Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,1,1\n");
  OhlcvCsvOptions options;
  options.adjusted = true;
  const Error e = firstError(file, options);
  EXPECT_EQ(e.field, "Adj Close");
}

TEST(TextFields, CivilDaysRoundTripAcrossLeapYears) {
  for (std::int64_t d = -1000; d < 30000; d += 7) {
    int y = 0;
    unsigned m = 0, day = 0;
    civilFromDays(d, y, m, day);
    EXPECT_EQ(daysFromCivil(y, m, day), d);
  }
  EXPECT_EQ(daysFromCivil(2000, 3, 1) - daysFromCivil(2000, 2, 28), 2);  // 2000 is a leap year
  EXPECT_EQ(daysFromCivil(1900 + 200, 3, 1) - daysFromCivil(2100, 2, 28), 1);
  EXPECT_EQ(formatUtcTime(Timestamp{daysFromCivil(2024, 2, 29) * kDay + 1}), "2024-02-29T00:00:00.000000001Z");
}

}  // namespace
}  // namespace alphintra::marketdata
