// Published values: textbook examples as a reference independent of both our code and QuantLib.
//   Haug, "The Complete Guide to Option Pricing Formulas", 2nd ed. (2007), chapters 1–2: prices
//   and Greeks printed to 4 decimals -> tolerance 5e-5 (half a unit in the last printed digit).
//   Hull, "Options, Futures, and Other Derivatives", 8th ed., example 21.1 (American put on a
//   non-dividend stock by the textbook CRR tree) and the values quoted there for 30, 50, 100 and
//   500 steps, to 2 or 3 decimals -> tolerance half a unit in the last digit.
//   Barone-Adesi–Whaley table from Haug, "Option Pricing Formulas" (1998) p. 24, as used by
//   QuantLib's own test suite with tolerance 3e-3 (the printed values were computed by an
//   earlier program and are reproduced only to about the second decimal, as QuantLib notes).
#include <gtest/gtest.h>

#include "analytics/pricing.hpp"

namespace alphintra::analytics {
namespace {

OptionSpec option(Model model, OptionType type, double underlying, double strike, double expiry, double rate,
                  double yield, double volatility) {
  OptionSpec o;
  o.model = model;
  o.type = type;
  o.underlying = underlying;
  o.strike = strike;
  o.expiry = expiry;
  o.rate = rate;
  o.yield = yield;
  o.volatility = volatility;
  return o;
}

Valuation valued(const OptionSpec& o) {
  auto v = price(o);
  EXPECT_TRUE(v.ok()) << v.error().field << ": " << v.error().message;
  return v.ok() ? *v : Valuation{};
}

constexpr double kFourDecimals = 5e-5;

TEST(HaugExamples, BlackScholesCall) {
  // Haug 1.1.1: S = 60, X = 65, T = 0.25, r = 8%, sigma = 30%: c = 2.1334
  EXPECT_NEAR(valued(option(Model::BlackScholesMerton, OptionType::Call, 60, 65, 0.25, 0.08, 0, 0.30)).price, 2.1334,
              kFourDecimals);
}

TEST(HaugExamples, MertonPutWithDividendYield) {
  // Haug 1.1.2: S = 100, X = 95, T = 0.5, r = 10%, q = 5%, sigma = 20%: p = 2.4648
  EXPECT_NEAR(valued(option(Model::BlackScholesMerton, OptionType::Put, 100, 95, 0.5, 0.10, 0.05, 0.20)).price, 2.4648,
              kFourDecimals);
}

TEST(HaugExamples, Black76CallAndPutAtTheMoney) {
  // Haug 1.1.3: F = 19, X = 19, T = 0.75, r = 10%, sigma = 28%: c = p = 1.7011
  EXPECT_NEAR(valued(option(Model::Black76, OptionType::Call, 19, 19, 0.75, 0.10, 0, 0.28)).price, 1.7011,
              kFourDecimals);
  EXPECT_NEAR(valued(option(Model::Black76, OptionType::Put, 19, 19, 0.75, 0.10, 0, 0.28)).price, 1.7011,
              kFourDecimals);
}

TEST(HaugExamples, GarmanKohlhagenCall) {
  // Haug 1.1.6: S = 1.56, X = 1.60, T = 0.5, r = 6%, rf = 8%, sigma = 12%: c = 0.0291
  EXPECT_NEAR(valued(option(Model::GarmanKohlhagen, OptionType::Call, 1.56, 1.60, 0.5, 0.06, 0.08, 0.12)).price, 0.0291,
              kFourDecimals);
}

TEST(HaugExamples, DeltaOfFuturesOptions) {
  // Haug 2.1.1: S = 105, X = 100, T = 0.5, r = 10%, b = 0, sigma = 36%: call 0.5946, put -0.3566
  EXPECT_NEAR(valued(option(Model::Black76, OptionType::Call, 105, 100, 0.5, 0.10, 0, 0.36)).greeks->delta, 0.5946,
              kFourDecimals);
  EXPECT_NEAR(valued(option(Model::Black76, OptionType::Put, 105, 100, 0.5, 0.10, 0, 0.36)).greeks->delta, -0.3566,
              kFourDecimals);
}

TEST(HaugExamples, Gamma) {
  // Haug 2.2.1: S = 55, X = 60, T = 0.75, r = b = 10%, sigma = 30%: gamma 0.0278
  EXPECT_NEAR(valued(option(Model::BlackScholesMerton, OptionType::Call, 55, 60, 0.75, 0.10, 0, 0.30)).greeks->gamma,
              0.0278, kFourDecimals);
}

TEST(HaugExamples, ThetaPerYear) {
  // Haug 2.4.1: put, S = 430, X = 405, T = 0.0833, r = 7%, b = 2% (q = 5%), sigma = 20%: theta -31.1924
  EXPECT_NEAR(
      valued(option(Model::BlackScholesMerton, OptionType::Put, 430, 405, 0.0833, 0.07, 0.05, 0.20)).greeks->theta,
      -31.1924, kFourDecimals);
}

TEST(HaugExamples, Rho) {
  // Haug 2.5.1: call, S = 72, X = 75, T = 1, r = b = 9%, sigma = 19%: rho 38.7325
  EXPECT_NEAR(valued(option(Model::BlackScholesMerton, OptionType::Call, 72, 75, 1.0, 0.09, 0, 0.19)).greeks->rho,
              38.7325, kFourDecimals);
}

TEST(HullExamples, AmericanPutByTheTextbookBinomialTree) {
  // Hull example 21.1: S = 50, K = 50, r = 10%, sigma = 40%, T = 5 months.
  OptionSpec put = option(Model::BlackScholesMerton, OptionType::Put, 50, 50, 5.0 / 12.0, 0.10, 0, 0.40);
  put.style = ExerciseStyle::American;
  put.method = AmericanMethod::CoxRossRubinstein;
  put.probability = TreeProbability::Textbook;
  const struct {
    int steps;
    double value, tolerance;
  } published[] = {{5, 4.49, 5e-3}, {30, 4.263, 5e-4}, {50, 4.272, 5e-4}, {100, 4.278, 5e-4}, {500, 4.283, 5e-4}};
  for (const auto& p : published) {
    put.steps = p.steps;
    EXPECT_NEAR(valued(put).price, p.value, p.tolerance) << p.steps << " steps";
  }
}

TEST(HaugTables, BaroneAdesiWhaleyAmericanCommodityOptions) {
  // Haug (1998) p. 24: K = 100, r = 10%, b = 0 (q = r), spots 90/100/110.
  const struct {
    OptionType type;
    double spot, expiry, volatility, value;
  } table[] = {
      {OptionType::Call, 90, 0.1, 0.15, 0.0206},   {OptionType::Call, 100, 0.1, 0.15, 1.8771},
      {OptionType::Call, 110, 0.1, 0.15, 10.0089}, {OptionType::Call, 90, 0.1, 0.25, 0.3159},
      {OptionType::Call, 100, 0.1, 0.25, 3.1280},  {OptionType::Call, 110, 0.1, 0.25, 10.3919},
      {OptionType::Call, 90, 0.1, 0.35, 0.9495},   {OptionType::Call, 100, 0.1, 0.35, 4.3777},
      {OptionType::Call, 110, 0.1, 0.35, 11.1679}, {OptionType::Call, 90, 0.5, 0.15, 0.8208},
      {OptionType::Call, 100, 0.5, 0.15, 4.0842},  {OptionType::Call, 110, 0.5, 0.15, 10.8087},
      {OptionType::Call, 90, 0.5, 0.25, 2.7437},   {OptionType::Call, 100, 0.5, 0.25, 6.8015},
      {OptionType::Call, 110, 0.5, 0.25, 13.0170}, {OptionType::Call, 90, 0.5, 0.35, 5.0063},
      {OptionType::Call, 100, 0.5, 0.35, 9.5106},  {OptionType::Call, 110, 0.5, 0.35, 15.5689},
      {OptionType::Put, 90, 0.1, 0.15, 10.0000},   {OptionType::Put, 100, 0.1, 0.15, 1.8770},
      {OptionType::Put, 110, 0.1, 0.15, 0.0410},   {OptionType::Put, 90, 0.1, 0.25, 10.2533},
      {OptionType::Put, 100, 0.1, 0.25, 3.1277},   {OptionType::Put, 110, 0.1, 0.25, 0.4562},
      {OptionType::Put, 90, 0.1, 0.35, 10.8787},   {OptionType::Put, 100, 0.1, 0.35, 4.3777},
      {OptionType::Put, 110, 0.1, 0.35, 1.2402},   {OptionType::Put, 90, 0.5, 0.15, 10.5595},
      {OptionType::Put, 100, 0.5, 0.15, 4.0842},   {OptionType::Put, 110, 0.5, 0.15, 1.0822},
      {OptionType::Put, 90, 0.5, 0.25, 12.4419},   {OptionType::Put, 100, 0.5, 0.25, 6.8014},
      {OptionType::Put, 110, 0.5, 0.25, 3.3226},   {OptionType::Put, 90, 0.5, 0.35, 14.6945},
      {OptionType::Put, 100, 0.5, 0.35, 9.5104},   {OptionType::Put, 110, 0.5, 0.35, 5.8823},
  };
  for (const auto& row : table) {
    OptionSpec o = option(Model::BlackScholesMerton, row.type, row.spot, 100, row.expiry, 0.10, 0.10, row.volatility);
    o.style = ExerciseStyle::American;
    o.method = AmericanMethod::BaroneAdesiWhaley;
    EXPECT_NEAR(valued(o).price, row.value, 3e-3)
        << toString(row.type) << " S=" << row.spot << " T=" << row.expiry << " vol=" << row.volatility;
  }
}

}  // namespace
}  // namespace alphintra::analytics
