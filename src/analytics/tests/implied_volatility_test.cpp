// Implied volatility: round trips over a grid that includes deep in- and out-of-the-money
// options, very short and long expiries, tiny and huge volatilities, negative rates, all three
// models; and the errors for prices outside the no-arbitrage bounds.
//
// Round-trip tolerance: |sigma' - sigma| <= 1e-10 sigma + 1e-15 (S + K) / vega. The second term
// is what the price's own rounding (about 1e-16 of S + K) moves the volatility by; it matters
// only where vega is tiny. A price whose time value is lost to rounding (price == intrinsic in
// doubles) carries no volatility: the solver must say so on the field "price".
#include <gtest/gtest.h>

#include <cmath>

#include "analytics/pricing.hpp"

namespace alphintra::analytics {
namespace {

OptionSpec base(Model model, OptionType type, double spot, double expiry, double rate, double yield, double vol) {
  OptionSpec o;
  o.model = model;
  o.type = type;
  o.underlying = spot;
  o.strike = 100;
  o.expiry = expiry;
  o.rate = rate;
  o.yield = model == Model::Black76 ? 0.0 : yield;
  o.volatility = vol;
  return o;
}

TEST(ImpliedVolatility, RoundTripsOverAWideGrid) {
  int solved = 0;
  int noTimeValue = 0;
  int maxIterations = 0;
  for (Model model : {Model::BlackScholesMerton, Model::Black76, Model::GarmanKohlhagen}) {
    for (OptionType type : {OptionType::Call, OptionType::Put}) {
      for (double spot : {50.0, 90.0, 99.0, 100.0, 110.0, 200.0}) {
        for (double vol : {0.01, 0.1, 0.3, 1.0, 3.0}) {
          for (double expiry : {1.0 / 365.0, 7.0 / 365.0, 0.25, 1.0, 10.0}) {
            for (double rate : {-0.02, 0.05}) {
              for (double yield : {0.0, 0.03}) {
                const OptionSpec o = base(model, type, spot, expiry, rate, yield, vol);
                auto valued = price(o);
                ASSERT_TRUE(valued.ok());
                auto iv = impliedVolatility(o, valued->price);
                const double discount = std::exp(-rate * expiry);
                const double carry = model == Model::Black76 ? 0.0 : rate - o.yield;
                const double forward = spot * std::exp(carry * expiry);
                const double intrinsic =
                    std::max(type == OptionType::Call ? forward - o.strike : o.strike - forward, 0.0);
                if (!(valued->price / discount - intrinsic > 0.0)) {
                  ASSERT_FALSE(iv.ok()) << "no time value, yet a volatility " << iv->volatility;
                  EXPECT_EQ(iv.error().field, "price");
                  ++noTimeValue;
                  continue;
                }
                ASSERT_TRUE(iv.ok()) << iv.error().message << " for " << toString(model) << " " << toString(type)
                                     << " S=" << spot << " vol=" << vol << " T=" << expiry << " r=" << rate;
                const double tolerance = 1e-10 * vol + 1e-15 * (spot + o.strike) / valued->greeks->vega;
                EXPECT_NEAR(iv->volatility, vol, tolerance)
                    << toString(model) << " " << toString(type) << " S=" << spot << " vol=" << vol << " T=" << expiry
                    << " r=" << rate << " q=" << yield << " price=" << valued->price;
                maxIterations = std::max(maxIterations, iv->iterations);
                ++solved;
              }
            }
          }
        }
      }
    }
  }
  // Guards against a vacuous grid: most cases carry a time value (3600 cases in all).
  EXPECT_GT(solved, 2500);
  EXPECT_LT(noTimeValue, solved / 4);
  EXPECT_LE(maxIterations, 100);
  std::printf("solved %d, no time value %d, at most %d iterations\n", solved, noTimeValue, maxIterations);
}

TEST(ImpliedVolatility, TinyTimeValuesAreStillSolved) {
  // Far out of the money, short expiry: the price is ~1e-30 but fully precise in doubles.
  OptionSpec o = base(Model::BlackScholesMerton, OptionType::Call, 100, 7.0 / 365.0, 0.03, 0.0, 0.2);
  o.strike = 160;
  auto valued = price(o);
  ASSERT_TRUE(valued.ok());
  ASSERT_LT(valued->price, 1e-20);
  ASSERT_GT(valued->price, 0.0);
  auto iv = impliedVolatility(o, valued->price);
  ASSERT_TRUE(iv.ok()) << iv.error().message;
  EXPECT_NEAR(iv->volatility, 0.2, 1e-12);
}

TEST(ImpliedVolatility, PricesOutsideTheNoArbitrageBoundsNamePrice) {
  const OptionSpec call = base(Model::BlackScholesMerton, OptionType::Call, 120, 1.0, 0.05, 0.02, 0.2);
  const double discount = std::exp(-0.05);
  const double forward = 120 * std::exp(0.03);
  const double lower = discount * (forward - 100);
  const double upper = discount * forward;
  for (double bad : {-1.0, 0.0, lower * 0.999, lower, upper, upper * 1.001, 1e9}) {
    auto iv = impliedVolatility(call, bad);
    ASSERT_FALSE(iv.ok()) << bad;
    EXPECT_EQ(iv.error().field, "price") << bad;
    EXPECT_NE(iv.error().message.find("bound"), std::string::npos) << iv.error().message;
  }
  const OptionSpec put = base(Model::BlackScholesMerton, OptionType::Put, 120, 1.0, 0.05, 0.02, 0.2);
  auto abovePutBound = impliedVolatility(put, 100 * discount * 1.0001);
  ASSERT_FALSE(abovePutBound.ok());
  EXPECT_EQ(abovePutBound.error().field, "price");
  // Just inside the bounds there is a volatility, large or small.
  EXPECT_TRUE(impliedVolatility(call, lower + 1e-6).ok());
  auto high = impliedVolatility(call, upper * 0.999);
  ASSERT_TRUE(high.ok());
  EXPECT_GT(high->volatility, 3.0);
}

TEST(ImpliedVolatility, InvalidInputsNameTheirField) {
  OptionSpec o = base(Model::GarmanKohlhagen, OptionType::Call, 1.1, 0.5, 0.03, 0.01, 0.1);
  o.expiry = 0;
  EXPECT_EQ(impliedVolatility(o, 0.05).error().field, "expiry");
  o.expiry = 0.5;
  o.rate = NAN;
  EXPECT_EQ(impliedVolatility(o, 0.05).error().field, "domestic_rate");
  o.rate = 0.03;
  o.underlying = -1;
  EXPECT_EQ(impliedVolatility(o, 0.05).error().field, "spot");
  o.underlying = 1.1;
  o.style = ExerciseStyle::American;
  EXPECT_EQ(impliedVolatility(o, 0.05).error().field, "style");
  o.style = ExerciseStyle::European;
  o.volatility = -5;  // ignored: implied volatility does not read it
  EXPECT_TRUE(impliedVolatility(o, 0.05).ok());
}

}  // namespace
}  // namespace alphintra::analytics
