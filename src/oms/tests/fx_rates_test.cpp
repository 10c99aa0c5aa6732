// FxRates: identity, direct, inverse (exact division, not a rounded inverse rate), one cross,
// missing rates, minor-unit differences (JPY 0, USD 2, BTC 8), deterministic pivot choice,
// refused input and the snapshot round trip.
#include "oms/fx_rates.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace alphintra::oms {
namespace {

Currency ccy(std::string_view code) { return Currency::parse(code).value(); }

const Currency USD = ccy("USD");
const Currency EUR = ccy("EUR");
const Currency JPY = ccy("JPY");
const Currency GBP = ccy("GBP");
const Currency CHF = ccy("CHF");
const Currency BTC = ccy("BTC");

TEST(FxRates, IdentityDirectAndInverse) {
  FxRates fx;
  EXPECT_EQ(fx.rate(USD, USD), kFxScale);
  EXPECT_EQ(fx.convert(Money::fromRaw(123), USD, USD), Money::fromRaw(123));
  EXPECT_FALSE(fx.rate(EUR, USD).has_value());

  ASSERT_TRUE(fx.set(EUR, USD, 1'085'000'000));  // 1 EUR = 1.085 USD
  EXPECT_EQ(fx.rate(EUR, USD), 1'085'000'000);
  // 1 / 1.085 = 0.921658986... → 0.921658986
  EXPECT_EQ(fx.rate(USD, EUR), 921'658'986);

  // 100.00 EUR → 108.50 USD
  EXPECT_EQ(fx.convert(Money::fromRaw(10000), EUR, USD), Money::fromRaw(10850));
  // The inverse divides by 1.085 rather than multiplying by the rounded 0.921658986:
  // 1'085'000'000.00 USD → 1'000'000'000.00 EUR exactly, where the rounded inverse rate would
  // give 999'999'999.81 EUR.
  EXPECT_EQ(fx.convert(Money::fromRaw(10850), USD, EUR), Money::fromRaw(10000));
  EXPECT_EQ(fx.convert(Money::fromRaw(108'500'000'000), USD, EUR), Money::fromRaw(100'000'000'000));
  // Rounding half away from zero, negative amounts mirror: 0.01 EUR = 0.01085 USD → 0.01.
  EXPECT_EQ(fx.convert(Money::fromRaw(1), EUR, USD), Money::fromRaw(1));
  EXPECT_EQ(fx.convert(Money::fromRaw(-1), EUR, USD), Money::fromRaw(-1));
  // 0.02 EUR = 0.0217 USD → 0.02; 0.10 USD = 0.0921658.. EUR → 0.09; −0.10 → −0.09
  EXPECT_EQ(fx.convert(Money::fromRaw(2), EUR, USD), Money::fromRaw(2));
  EXPECT_EQ(fx.convert(Money::fromRaw(10), USD, EUR), Money::fromRaw(9));
  EXPECT_EQ(fx.convert(Money::fromRaw(-10), USD, EUR), Money::fromRaw(-9));
}

TEST(FxRates, MinorUnitsDifferAcrossCurrencies) {
  FxRates fx;
  ASSERT_TRUE(fx.set(USD, JPY, 150'250'000'000));  // 1 USD = 150.25 JPY
  // 10.00 USD = 1502.5 JPY → 1503 (JPY has no minor unit)
  EXPECT_EQ(fx.convert(Money::fromRaw(1000), USD, JPY), Money::fromRaw(1503));
  EXPECT_EQ(fx.convert(Money::fromRaw(-1000), USD, JPY), Money::fromRaw(-1503));
  // 1503 JPY = 10.003327787 USD → 10.00
  EXPECT_EQ(fx.convert(Money::fromRaw(1503), JPY, USD), Money::fromRaw(1000));
  // 15025 JPY = 100.00 USD exactly
  EXPECT_EQ(fx.convert(Money::fromRaw(15025), JPY, USD), Money::fromRaw(10000));

  ASSERT_TRUE(fx.set(BTC, USD, 65'000'000'000'000));  // 1 BTC = 65'000 USD
  // 0.001 BTC (100'000 sat) = 65.00 USD
  EXPECT_EQ(fx.convert(Money::fromRaw(100'000), BTC, USD), Money::fromRaw(6500));
  // 1.00 USD = 1/65000 BTC = 0.0000153846... → 1538 sat
  EXPECT_EQ(fx.convert(Money::fromRaw(100), USD, BTC), Money::fromRaw(1538));
  // 1 sat = 0.00065 USD → 0.00
  EXPECT_EQ(fx.convert(Money::fromRaw(1), BTC, USD), Money::fromRaw(0));
}

TEST(FxRates, CrossThroughOneCommonCurrency) {
  FxRates fx;
  ASSERT_TRUE(fx.set(EUR, USD, 1'100'000'000));    // 1 EUR = 1.10 USD
  ASSERT_TRUE(fx.set(USD, JPY, 150'000'000'000));  // 1 USD = 150 JPY
  // EUR → JPY = 1.10 × 150 = 165 (direct · direct)
  EXPECT_EQ(fx.rate(EUR, JPY), 165'000'000'000);
  EXPECT_EQ(fx.convert(Money::fromRaw(10000), EUR, JPY), Money::fromRaw(16500));  // 100 EUR
  // JPY → EUR = 1/165 = 0.006060606 (inverse · inverse)
  EXPECT_EQ(fx.rate(JPY, EUR), 6'060'606);
  // 16500 JPY = 100.00 EUR exactly (the fraction is applied exactly)
  EXPECT_EQ(fx.convert(Money::fromRaw(16500), JPY, EUR), Money::fromRaw(10000));
  // 1 JPY = 0.00606 EUR → 0.01
  EXPECT_EQ(fx.convert(Money::fromRaw(1), JPY, EUR), Money::fromRaw(1));

  // Mixed legs: GBP/USD 1.25 and EUR/USD 1.10 → GBP → EUR = 1.25 / 1.10 = 1.136363636...
  ASSERT_TRUE(fx.set(GBP, USD, 1'250'000'000));
  EXPECT_EQ(fx.rate(GBP, EUR), 1'136'363'636);
  EXPECT_EQ(fx.rate(EUR, GBP), 880'000'000);
  // 110.00 GBP = 125.00 EUR exactly; 100.00 EUR = 88.00 GBP
  EXPECT_EQ(fx.convert(Money::fromRaw(11000), GBP, EUR), Money::fromRaw(12500));
  EXPECT_EQ(fx.convert(Money::fromRaw(10000), EUR, GBP), Money::fromRaw(8800));
}

TEST(FxRates, MissingRateIsReportedNeverOne) {
  FxRates fx;
  ASSERT_TRUE(fx.set(EUR, USD, 1'100'000'000));
  ASSERT_TRUE(fx.set(GBP, CHF, 1'120'000'000));
  EXPECT_FALSE(fx.rate(EUR, CHF).has_value());
  EXPECT_FALSE(fx.convert(Money::fromRaw(100), EUR, CHF).has_value());
  EXPECT_FALSE(fx.convert(Money::fromRaw(100), USD, JPY).has_value());
  EXPECT_FALSE(fx.convert(Money::fromRaw(100), Currency{}, USD).has_value());
  EXPECT_FALSE(fx.convert(Money::undefined(), EUR, USD).has_value());
  // Two hops are not searched: EUR → USD → GBP → CHF would need three legs.
  ASSERT_TRUE(fx.set(GBP, USD, 1'250'000'000));
  EXPECT_TRUE(fx.rate(EUR, GBP).has_value());
  EXPECT_FALSE(fx.rate(EUR, CHF).has_value());
}

TEST(FxRates, DirectQuoteWinsAndPivotIsChosenByCode) {
  FxRates fx;
  ASSERT_TRUE(fx.set(EUR, USD, 1'100'000'000));
  ASSERT_TRUE(fx.set(USD, EUR, 900'000'000));  // inconsistent on purpose
  EXPECT_EQ(fx.rate(EUR, USD), 1'100'000'000);
  EXPECT_EQ(fx.rate(USD, EUR), 900'000'000);

  // AUD → JPY via CHF or via USD, with different results: CHF sorts first and wins, whatever
  // order the rates were set in.
  const Currency AUD = ccy("AUD");
  auto build = [&](bool usdFirst) {
    FxRates f;
    if (usdFirst) {
      EXPECT_TRUE(f.set(AUD, USD, 650'000'000));  // → 0.65 × 150 = 97.5
      EXPECT_TRUE(f.set(USD, JPY, 150'000'000'000));
    }
    EXPECT_TRUE(f.set(AUD, CHF, 600'000'000));  // → 0.60 × 170 = 102
    EXPECT_TRUE(f.set(CHF, JPY, 170'000'000'000));
    if (!usdFirst) {
      EXPECT_TRUE(f.set(AUD, USD, 650'000'000));
      EXPECT_TRUE(f.set(USD, JPY, 150'000'000'000));
    }
    return f;
  };
  EXPECT_EQ(build(true).rate(AUD, JPY), 102'000'000'000);
  EXPECT_EQ(build(false).rate(AUD, JPY), 102'000'000'000);
  EXPECT_TRUE(build(true) == build(false));
}

TEST(FxRates, RefusesInvalidRatesAndRemoves) {
  FxRates fx;
  EXPECT_FALSE(fx.set(EUR, USD, 0));
  EXPECT_FALSE(fx.set(EUR, USD, -5));
  EXPECT_FALSE(fx.set(EUR, EUR, kFxScale));
  EXPECT_FALSE(fx.set(Currency{}, USD, kFxScale));
  EXPECT_EQ(fx.size(), 0u);
  ASSERT_TRUE(fx.set(EUR, USD, 1'100'000'000));
  ASSERT_TRUE(fx.set(EUR, USD, 1'200'000'000));  // replaces
  EXPECT_EQ(fx.size(), 1u);
  EXPECT_EQ(fx.rate(EUR, USD), 1'200'000'000);
  EXPECT_TRUE(fx.remove(EUR, USD));
  EXPECT_FALSE(fx.remove(EUR, USD));
  EXPECT_FALSE(fx.rate(EUR, USD).has_value());
}

TEST(FxRates, TinyRatesKeepPrecisionInConvert) {
  FxRates fx;
  // 1 JPY = 0.000000105 BTC: at 1e9 scale the rate is 105, only three digits.
  ASSERT_TRUE(fx.set(BTC, JPY, 9'523'809'523'809'524));  // 1 BTC = 9'523'809.523809524 JPY
  // 1'000'000 JPY / 9'523'809.523809524 = 0.10500000 BTC = 10'500'000 sat
  EXPECT_EQ(fx.convert(Money::fromRaw(1'000'000), JPY, BTC), Money::fromRaw(10'500'000));
  EXPECT_EQ(fx.rate(JPY, BTC), 105);
  // A rate that rounds to zero at 1e-9 is reported missing rather than 0.
  FxRates tiny;
  ASSERT_TRUE(tiny.set(BTC, JPY, 4'000'000'000'000'000'000));  // 1 BTC = 4e9 JPY
  EXPECT_FALSE(tiny.rate(JPY, BTC).has_value());
  EXPECT_EQ(tiny.convert(Money::fromRaw(4'000'000'000), JPY, BTC), Money::fromRaw(100'000'000));
}

TEST(FxRates, SaveLoadRoundTripIsSortedAndDeterministic) {
  FxRates a;
  ASSERT_TRUE(a.set(USD, JPY, 150'000'000'000));
  ASSERT_TRUE(a.set(EUR, USD, 1'100'000'000));
  ASSERT_TRUE(a.set(BTC, USD, 65'000'000'000'000));
  FxRates b;
  ASSERT_TRUE(b.set(BTC, USD, 65'000'000'000'000));
  ASSERT_TRUE(b.set(EUR, USD, 1'100'000'000));
  ASSERT_TRUE(b.set(USD, JPY, 150'000'000'000));

  std::vector<std::byte> bytesA, bytesB;
  ByteWriter wa(bytesA), wb(bytesB);
  a.save(wa);
  b.save(wb);
  EXPECT_EQ(bytesA, bytesB);

  FxRates loaded;
  ByteReader r(bytesA);
  ASSERT_TRUE(loaded.load(r));
  EXPECT_TRUE(r.atEnd());
  EXPECT_TRUE(loaded == a);
  ASSERT_EQ(loaded.entries().size(), 3u);
  EXPECT_EQ(loaded.entries()[0].base, BTC);

  // Truncated input: refused, table unchanged.
  FxRates keep;
  ASSERT_TRUE(keep.set(GBP, USD, 1'250'000'000));
  std::vector<std::byte> cut(bytesA.begin(), bytesA.end() - 3);
  ByteReader rc(cut);
  EXPECT_FALSE(keep.load(rc));
  EXPECT_EQ(keep.size(), 1u);
  // A zero rate (corrupted) is refused.
  std::vector<std::byte> bad;
  ByteWriter wbad(bad);
  wbad.u32(1);
  writeCurrency(wbad, EUR);
  writeCurrency(wbad, USD);
  wbad.i64(0);
  ByteReader rbad(bad);
  EXPECT_FALSE(keep.load(rbad));
  EXPECT_EQ(keep.size(), 1u);
}

}  // namespace
}  // namespace alphintra::oms
