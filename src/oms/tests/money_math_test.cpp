// money_math: notional rounding (half away from zero, negative amounts, JPY / BTC minor
// units), rescale's saturation, rate fees, and mulDivRound's 256-bit path against a slow
// reference.
#include "oms/money_math.hpp"

#include <gtest/gtest.h>

#include <random>

namespace alphintra::oms {
namespace {

Instrument makeInstrument(std::string currency, int pricePrecision, int quantityPrecision,
                          std::string multiplier = "1") {
  InstrumentSpec spec;
  spec.multiplier = std::move(multiplier);
  spec.id = 1;
  spec.symbol = "TEST";
  spec.currency = std::move(currency);
  spec.pricePrecision = pricePrecision;
  spec.quantityPrecision = quantityPrecision;
  spec.tickSize = "1";
  spec.lotSize = "1";
  auto i = Instrument::create(spec);
  EXPECT_TRUE(i.ok()) << i.error().message;
  return std::move(i).value();
}

TEST(MoneyMath, RescaleRoundsHalfAwayFromZero) {
  EXPECT_EQ(rescale(12345, 3, 2), 1235);    // 12.345 → 12.35
  EXPECT_EQ(rescale(12344, 3, 2), 1234);    // 12.344 → 12.34
  EXPECT_EQ(rescale(-12345, 3, 2), -1235);  // −12.345 → −12.35, not −12.34
  EXPECT_EQ(rescale(-12344, 3, 2), -1234);
  EXPECT_EQ(rescale(5, 1, 0), 1);
  EXPECT_EQ(rescale(-5, 1, 0), -1);
  EXPECT_EQ(rescale(4, 1, 0), 0);
  EXPECT_EQ(rescale(-4, 1, 0), 0);
  EXPECT_EQ(rescale(12, 0, 2), 1200);
  EXPECT_EQ(rescale(0, 30, 0), 0);
  EXPECT_EQ(rescale(7, 2, 2), 7);
}

TEST(MoneyMath, RescaleBeyondInt64Saturates) {
  const Int128 huge = static_cast<Int128>(INT64_MAX) * 1000;
  EXPECT_EQ(rescale(huge, 0, 0), kMoneyMax);
  EXPECT_EQ(rescale(-huge, 0, 0), kMoneyMin);  // never INT64_MIN: that is "undefined"
  EXPECT_EQ(rescale(huge, 3, 0), INT64_MAX);   // fits again after scaling down
  EXPECT_EQ(rescale(2, 0, 19), kMoneyMax);
  EXPECT_EQ(rescale(-2, 0, 19), kMoneyMin);
  EXPECT_EQ(rescale(INT64_MAX / 10 + 1, 0, 1), kMoneyMax);
  EXPECT_EQ(rescale(huge, 60, 0), 0);  // more than 38 places down
  // Int128 path of the division (value beyond int64, rounding half away).
  EXPECT_EQ(rescale(static_cast<Int128>(INT64_MAX) * 100 + 50, 2, 0), INT64_MAX);
  EXPECT_EQ(rescale(-(static_cast<Int128>(1) << 80) - 5, 1, 0),
            saturate64(divRound(-(static_cast<Int128>(1) << 80) - 5, 10)));
}

TEST(MoneyMath, NotionalInUsdCents) {
  const Instrument usd = makeInstrument("USD", 2, 0);
  // 123.45 × 3 = 370.35
  EXPECT_EQ(notional(Price::fromRaw(12345), Quantity::fromRaw(3), usd).raw(), 37035);
  // Negative quantity: mirror image.
  EXPECT_EQ(notional(Price::fromRaw(12345), Quantity::fromRaw(-3), usd).raw(), -37035);
  // Finer price than cents: 1.2345 × 0.5 = 0.61725 → 0.62; negative → −0.62.
  const Instrument fine = makeInstrument("USD", 4, 1);
  EXPECT_EQ(notional(Price::fromRaw(12345), Quantity::fromRaw(5), fine).raw(), 62);
  EXPECT_EQ(notional(Price::fromRaw(12345), Quantity::fromRaw(-5), fine).raw(), -62);
  // Exactly half a cent: 0.0050 × 1.0 → 0.01 (away from zero), −→ −0.01.
  EXPECT_EQ(notional(Price::fromRaw(50), Quantity::fromRaw(10), fine).raw(), 1);
  EXPECT_EQ(notional(Price::fromRaw(50), Quantity::fromRaw(-10), fine).raw(), -1);
  EXPECT_EQ(notional(Price::fromRaw(49), Quantity::fromRaw(10), fine).raw(), 0);
}

TEST(MoneyMath, NotionalInJpyAndBtc) {
  // JPY has no minor unit: 150.5 yen × 3 = 451.5 → 452; × −3 → −452.
  const Instrument jpy = makeInstrument("JPY", 1, 0);
  EXPECT_EQ(notional(Price::fromRaw(1505), Quantity::fromRaw(3), jpy).raw(), 452);
  EXPECT_EQ(notional(Price::fromRaw(1505), Quantity::fromRaw(-3), jpy).raw(), -452);
  EXPECT_EQ(notional(Price::fromRaw(1504), Quantity::fromRaw(1), jpy).raw(), 150);
  // BTC-quoted: price 0.05 BTC (2 places), quantity 0.003 (3 places) = 0.00015 BTC = 15000 sat.
  const Instrument btc = makeInstrument("BTC", 2, 3);
  EXPECT_EQ(notional(Price::fromRaw(5), Quantity::fromRaw(3), btc).raw(), 15000);
  // More places than satoshis: price 0.123456789 (9), qty 1.5 (1) = 0.1851851835 → 18518518 sat.
  const Instrument btcFine = makeInstrument("BTC", 9, 1);
  EXPECT_EQ(notional(Price::fromRaw(123456789), Quantity::fromRaw(15), btcFine).raw(), 18518518);
  // Scale up: USD price with 0 places, quantity 0 places → cents ×100.
  const Instrument whole = makeInstrument("USD", 0, 0);
  EXPECT_EQ(notional(Price::fromRaw(42), Quantity::fromRaw(3), whole).raw(), 12600);
}

TEST(MoneyMath, NotionalWithAContractMultiplier) {
  // ES: 5000.25 × 2 contracts × 50 USD per point = 500 025.00.
  const Instrument es = makeInstrument("USD", 2, 0, "50");
  EXPECT_EQ(notional(Price::fromRaw(500025), Quantity::fromRaw(2), es).raw(), 50'002'500);
  EXPECT_EQ(notional(Price::fromRaw(500025), Quantity::fromRaw(-2), es).raw(), -50'002'500);
  // The cached scale and the inline path agree with the instrument's.
  const MoneyScale scale = MoneyScale::of(es);
  EXPECT_EQ(scale.multiplier, 50);
  EXPECT_EQ(notional(Price::fromRaw(500025), Quantity::fromRaw(2), scale).raw(), 50'002'500);
  // A fractional multiplier rounds once, half away from zero: 60 000.05 × 1 × 0.1 = 6 000.005
  // → 6 000.01; a sell → −6 000.01.
  const Instrument micro = makeInstrument("USD", 2, 0, "0.1");
  EXPECT_EQ(MoneyScale::of(micro).notionalDecimals, 3);
  EXPECT_EQ(notional(Price::fromRaw(6'000'005), Quantity::fromRaw(1), micro).raw(), 600'001);
  EXPECT_EQ(notional(Price::fromRaw(6'000'005), Quantity::fromRaw(-1), micro).raw(), -600'001);
  EXPECT_EQ(notional(Price::fromRaw(6'000'004), Quantity::fromRaw(1), micro).raw(), 600'000);
  // Scaling up into a currency with more places than the notional: 0.0065 USD per yen ×
  // 12 500 000 yen a contract = 81 250.00 USD (price precision 4 > 2 minor units) and a whole
  // price in BTC with a 0.1 multiplier: 3 × 0.1 × 2 = 0.6 BTC = 60 000 000 sat.
  const Instrument jpyFuture = makeInstrument("USD", 6, 0, "12500000");
  EXPECT_EQ(notional(Price::fromRaw(6'500), Quantity::fromRaw(1), jpyFuture).raw(), 8'125'000);
  const Instrument btc = makeInstrument("BTC", 0, 0, "0.1");
  EXPECT_EQ(notional(Price::fromRaw(3), Quantity::fromRaw(2), btc).raw(), 60'000'000);
  // Beyond 64 bits: saturates, never wraps.
  EXPECT_EQ(notional(Price::fromRaw(INT64_MAX / 2), Quantity::fromRaw(INT64_MAX / 2), es).raw(), kMoneyMax);
  EXPECT_EQ(notional(Price::fromRaw(INT64_MAX / 2), Quantity::fromRaw(-(INT64_MAX / 2)), es).raw(), kMoneyMin);
}

TEST(MoneyMath, RateFees) {
  // 10 bp of 100.05 = 0.10005 → 0.10
  EXPECT_EQ(applyRatePpm(Money::fromRaw(10005), 1000).raw(), 10);
  // 10 bp of 105.00 = 0.105 → 0.11 (half away from zero)
  EXPECT_EQ(applyRatePpm(Money::fromRaw(10500), 1000).raw(), 11);
  // Rebate of 2 bp on 105.00 = −0.021 → −0.02; on 125.00 = −0.025 → −0.03.
  EXPECT_EQ(applyRatePpm(Money::fromRaw(10500), -200).raw(), -2);
  EXPECT_EQ(applyRatePpm(Money::fromRaw(12500), -200).raw(), -3);
  EXPECT_EQ(applyRatePpm(Money::fromRaw(12345), 0).raw(), 0);
  EXPECT_EQ(applyRatePpm(Money::fromRaw(INT64_MAX), kPpm).raw(), INT64_MAX);
}

// Slow reference for mulDivRound on values whose product fits in 126 bits.
Int128 referenceMulDiv(Int128 a, Int128 b, Int128 c) { return divRound(a * b, c); }

TEST(MoneyMath, MulDivRoundMatchesReferenceAndHandlesWideProducts) {
  EXPECT_EQ(mulDivRound(7, 5, 2), 18);  // 17.5 → 18
  EXPECT_EQ(mulDivRound(-7, 5, 2), -18);
  EXPECT_EQ(mulDivRound(7, -5, -2), 18);
  EXPECT_EQ(mulDivRound(1, 1, 3), 0);
  EXPECT_EQ(mulDivRound(2, 1, 3), 1);
  EXPECT_EQ(mulDivRound(5, 5, 0), 0);

  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const auto a = static_cast<Int128>(static_cast<std::int64_t>(rng()) >> (rng() % 64));
    const auto b = static_cast<Int128>(static_cast<std::int64_t>(rng()) >> (rng() % 64));
    Int128 c = static_cast<Int128>(static_cast<std::int64_t>(rng()) >> (rng() % 64));
    if (c == 0) c = 3;
    ASSERT_EQ(mulDivRound(a, b, c), referenceMulDiv(a, b, c)) << i;
  }

  // 256-bit path: (2^100 × 3^40) / 3^40 = 2^100, and with a remainder.
  const Int128 twoTo100 = static_cast<Int128>(1) << 100;
  Int128 threeTo40 = 1;
  for (int i = 0; i < 40; ++i) threeTo40 *= 3;
  EXPECT_EQ(mulDivRound(twoTo100, threeTo40, threeTo40), twoTo100);
  EXPECT_EQ(mulDivRound(-twoTo100, threeTo40, threeTo40), -twoTo100);
  EXPECT_EQ(mulDivRound(twoTo100 + 1, threeTo40, threeTo40 * 2), twoTo100 / 2 + 1);  // x.5 → up
  // (10^30 × 10^30) / 10^25 = 10^35.
  EXPECT_EQ(mulDivRound(pow10(30), pow10(30), pow10(25)), pow10(35));
  // Quotient beyond 128 bits saturates.
  const Int128 int128Max = static_cast<Int128>(~static_cast<UInt128>(0) >> 1);
  EXPECT_EQ(mulDivRound(pow10(38), pow10(38), 1), int128Max);
  EXPECT_EQ(mulDivRound(-pow10(38), pow10(38), 3), -int128Max);
}

}  // namespace
}  // namespace alphintra::oms
