// Bar aggregation: time, tick, volume and dollar bars from a short trade tape whose bars are
// worked out by hand in the comments; interval parsing; resampling 1 s bars into 1 m bars.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "marketdata/bar_aggregator.hpp"
#include "marketdata/events.hpp"
#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata {
namespace {

struct Tick {
  std::int64_t seconds;  // after 2024-01-02 00:00 UTC
  std::int64_t price;
  std::int64_t quantity;
};

const std::int64_t kBase = daysFromCivil(2024, 1, 2) * kNanosPerDay;

// 10:00:05 100×5, 10:00:30 102×10, 10:00:59 99×5, 10:01:00 101×20, 10:03:10 103×1
const std::vector<Tick> kTape = {
    {36'005, 100, 5}, {36'030, 102, 10}, {36'059, 99, 5}, {36'060, 101, 20}, {36'190, 103, 1}};

std::vector<Bar> aggregate(BarSpec spec) {
  auto agg = BarAggregator::create(InstrumentId{3}, spec);
  EXPECT_TRUE(agg.ok());
  std::vector<Bar> bars;
  Bar bar;
  for (const Tick& t : kTape) {
    if (agg.value().onTrade(Timestamp{kBase + t.seconds * kNanosPerSecond}, Price::fromRaw(t.price),
                            Quantity::fromRaw(t.quantity), bar)) {
      bars.push_back(bar);
    }
  }
  if (agg.value().flush(bar)) bars.push_back(bar);
  return bars;
}

void expectBar(const Bar& b, std::int64_t startSeconds, std::int64_t o, std::int64_t h, std::int64_t l, std::int64_t c,
               std::int64_t v, std::int64_t n, std::int64_t notional) {
  EXPECT_EQ(b.instrument, InstrumentId{3});
  EXPECT_EQ(b.start.nanos(), kBase + startSeconds * kNanosPerSecond);
  EXPECT_EQ(b.open.raw(), o);
  EXPECT_EQ(b.high.raw(), h);
  EXPECT_EQ(b.low.raw(), l);
  EXPECT_EQ(b.close.raw(), c);
  EXPECT_EQ(b.volume.raw(), v);
  EXPECT_EQ(b.tradeCount, n);
  EXPECT_EQ(b.notional, static_cast<Int128>(notional));
}

// Totals of stored bars a damaged file or an absurd feed made huge clamp at the largest value
// instead of overflowing (found by the history_store fuzz target).
TEST(BarAggregator, TotalsSaturate) {
  auto minutes = BarAggregator::create(InstrumentId{3}, BarSpec{BarKind::Time, 60 * kNanosPerSecond});
  ASSERT_TRUE(minutes.ok());
  Bar second;
  second.instrument = InstrumentId{3};
  second.open = second.high = second.low = second.close = Price::fromRaw(100);
  second.volume = Quantity::fromRaw(std::numeric_limits<std::int64_t>::max() - 1);
  second.tradeCount = std::numeric_limits<std::int64_t>::max();
  second.notional = std::numeric_limits<Int128>::max() - 5;
  Bar out;
  for (int k = 0; k < 2; ++k) {
    second.start = Timestamp{kBase + k * kNanosPerSecond};
    EXPECT_FALSE(minutes.value().onBar(second, out));
  }
  ASSERT_TRUE(minutes.value().flush(out));
  EXPECT_EQ(out.volume.raw(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(out.tradeCount, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(out.notional, std::numeric_limits<Int128>::max());
  second.volume = Quantity::fromRaw(std::numeric_limits<std::int64_t>::min() + 1);  // and downwards
  auto again = BarAggregator::create(InstrumentId{3}, BarSpec{BarKind::Time, 60 * kNanosPerSecond});
  for (int k = 0; k < 2; ++k) {
    second.start = Timestamp{kBase + k * kNanosPerSecond};
    again.value().onBar(second, out);
  }
  ASSERT_TRUE(again.value().flush(out));
  EXPECT_EQ(out.volume.raw(), std::numeric_limits<std::int64_t>::min());
}

TEST(BarAggregator, MinuteBarsAreUtcAlignedAndSkipEmptyMinutes) {
  const auto bars = aggregate({BarKind::Time, 60 * kNanosPerSecond});
  ASSERT_EQ(bars.size(), 3u);
  expectBar(bars[0], 36'000, 100, 102, 99, 99, 20, 3, 500 + 1020 + 495);
  expectBar(bars[1], 36'060, 101, 101, 101, 101, 20, 1, 2020);
  expectBar(bars[2], 36'180, 103, 103, 103, 103, 1, 1, 103);  // 10:02 had no trade: no bar
}

TEST(BarAggregator, DailyBarStartsAtMidnightUtc) {
  const auto bars = aggregate({BarKind::Time, kNanosPerDay});
  ASSERT_EQ(bars.size(), 1u);
  expectBar(bars[0], 0, 100, 103, 99, 103, 41, 5, 500 + 1020 + 495 + 2020 + 103);
}

TEST(BarAggregator, TickBarsEveryTwoTrades) {
  const auto bars = aggregate({BarKind::Tick, 2});
  ASSERT_EQ(bars.size(), 3u);
  expectBar(bars[0], 36'005, 100, 102, 100, 102, 15, 2, 1520);
  expectBar(bars[1], 36'059, 99, 101, 99, 101, 25, 2, 2515);
  expectBar(bars[2], 36'190, 103, 103, 103, 103, 1, 1, 103);  // the flushed, unfinished bar
}

TEST(BarAggregator, VolumeBarsKeepTheCrossingTradeWhole) {
  const auto bars = aggregate({BarKind::Volume, 12});
  ASSERT_EQ(bars.size(), 3u);
  expectBar(bars[0], 36'005, 100, 102, 100, 102, 15, 2, 1520);  // 5 + 10 ≥ 12
  expectBar(bars[1], 36'059, 99, 101, 99, 101, 25, 2, 2515);    // 5 + 20 ≥ 12
  expectBar(bars[2], 36'190, 103, 103, 103, 103, 1, 1, 103);
}

TEST(BarAggregator, DollarBars) {
  const auto bars = aggregate({BarKind::Dollar, 2000});
  ASSERT_EQ(bars.size(), 3u);
  expectBar(bars[0], 36'005, 100, 102, 99, 99, 20, 3, 2015);  // 500 + 1020 = 1520 < 2000, + 495 ≥ 2000
  expectBar(bars[1], 36'060, 101, 101, 101, 101, 20, 1, 2020);
  expectBar(bars[2], 36'190, 103, 103, 103, 103, 1, 1, 103);
}

TEST(BarAggregator, ResamplesSecondBarsIntoMinutes) {
  auto seconds = BarAggregator::create(InstrumentId{3}, {BarKind::Time, kNanosPerSecond});
  auto minutes = BarAggregator::create(InstrumentId{3}, {BarKind::Time, 60 * kNanosPerSecond});
  ASSERT_TRUE(seconds.ok() && minutes.ok());
  std::vector<Bar> out;
  Bar sec, min;
  for (const Tick& t : kTape) {
    if (seconds.value().onTrade(Timestamp{kBase + t.seconds * kNanosPerSecond}, Price::fromRaw(t.price),
                                Quantity::fromRaw(t.quantity), sec) &&
        minutes.value().onBar(sec, min)) {
      out.push_back(min);
    }
  }
  if (seconds.value().flush(sec) && minutes.value().onBar(sec, min)) out.push_back(min);
  if (minutes.value().flush(min)) out.push_back(min);
  EXPECT_EQ(out.size(), 3u);
  const auto direct = aggregate({BarKind::Time, 60 * kNanosPerSecond});
  ASSERT_EQ(out.size(), direct.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    expectBar(out[i], (direct[i].start.nanos() - kBase) / kNanosPerSecond, direct[i].open.raw(), direct[i].high.raw(),
              direct[i].low.raw(), direct[i].close.raw(), direct[i].volume.raw(), direct[i].tradeCount,
              static_cast<std::int64_t>(direct[i].notional));
  }
}

TEST(BarAggregator, IntervalsParseAndRejectNonDivisors) {
  EXPECT_EQ(*parseInterval("1s"), kNanosPerSecond);
  EXPECT_EQ(*parseInterval("15m"), 900 * kNanosPerSecond);
  EXPECT_EQ(*parseInterval("4h"), 4 * 3600 * kNanosPerSecond);
  EXPECT_EQ(*parseInterval("1d"), kNanosPerDay);
  EXPECT_FALSE(parseInterval("7m").ok());  // does not divide a day
  EXPECT_FALSE(parseInterval("2d").ok());
  EXPECT_FALSE(parseInterval("0s").ok());
  EXPECT_FALSE(parseInterval("1w").ok());
  EXPECT_FALSE(parseInterval("m").ok());
  EXPECT_EQ(parseInterval("1w").error().field, "interval");
  EXPECT_EQ(formatInterval(*parseInterval("90s")), "90s");
  EXPECT_EQ(formatInterval(*parseInterval("60m")), "1h");
  EXPECT_EQ(parseBarSpec("volume:500")->kind, BarKind::Volume);
  EXPECT_EQ(parseBarSpec("tick:7")->size, 7);
  EXPECT_FALSE(parseBarSpec("range:5").ok());
  EXPECT_FALSE(parseBarSpec("tick:-1").ok());
}

TEST(MarketEvent, RecordsShareInstrumentAndTimeOffsets) {
  MarketEvent e;
  e.kind = MarketEventKind::Quote;
  e.body.quote.instrument = InstrumentId{9};
  e.body.quote.exchangeTime = Timestamp{42};
  EXPECT_EQ(e.instrument(), InstrumentId{9});
  EXPECT_EQ(e.exchangeTime(), Timestamp{42});
  static_assert(offsetof(QuoteEvent, exchangeTime) == offsetof(TradeEvent, exchangeTime));
  static_assert(offsetof(BookOrderEvent, receiveTime) == 16 && offsetof(BookLevelEvent, receiveTime) == 16);
}

}  // namespace
}  // namespace alphintra::marketdata
