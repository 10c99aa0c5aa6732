// The batch pricer (black_scholes_batch.hpp) and its vector math (vector_math.hpp):
//   * exp and log against libm, the normal distribution against long-double erfc;
//   * every output of the batch against the one-at-a-time blackScholesGreeks on a seeded grid of
//     all three models, calls and puts, deep in and out of the money, expiries from a day to ten
//     years and volatilities from 1% to 200%;
//   * the near forms of the Gaussian and the normal distribution (|x| <= sqrt(32)) equal the
//     full-range ones bit for bit, so that the form a block of options takes never shows;
//   * an option's results do not depend on the options around it, and the first-order batch
//     gives the full batch's price and first-order Greeks bit for bit;
//   * published values (Haug, 2nd ed., chapters 1-2, printed to 4 decimals);
//   * the length check of the spans, for both output sets.
// Tolerance against the scalar path: 1e-12 of the size of the terms an output is formed from
// (for a product such as delta that is its own size; for a difference such as theta or a put's
// price it is the sum of the magnitudes of the terms, since each path rounds those terms on its
// own), plus 1e-15 absolute for values that underflow to nothing. The test runs whichever
// compiled variant (x86-64, AVX2, AVX-512) the CPU selects.
#include "analytics/black_scholes_batch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "analytics/black_scholes.hpp"
#include "analytics/pricing.hpp"
#include "analytics/vector_math.hpp"

namespace alphintra::analytics {
namespace {

double ulpDistance(double a, double b) {
  if (a == b) return 0.0;
  const double ulp = std::nextafter(std::fabs(b), INFINITY) - std::fabs(b);
  return std::fabs(a - b) / ulp;
}

TEST(VectorMath, ExpWithinTwoUlpsOfLibm) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> wide(-708.0, 709.0);
  std::uniform_real_distribution<double> narrow(-1.0, 1.0);
  for (int i = 0; i < 200'000; ++i) {
    const double x = i % 2 == 0 ? wide(rng) : narrow(rng) * 1e-3;
    ASSERT_LE(ulpDistance(vecmath::exp(x), std::exp(x)), 2.0) << "x = " << x;
  }
  EXPECT_EQ(vecmath::exp(0.0), 1.0);
  EXPECT_EQ(vecmath::exp(-800.0), 0.0);
  EXPECT_EQ(vecmath::exp(710.0), INFINITY);
  EXPECT_NEAR(vecmath::exp(-744.0) / std::exp(-744.0), 1.0, 1e-6);  // subnormal result
}

TEST(VectorMath, LogWithinTwoUlpsOfLibmIncludingNearOne) {
  std::mt19937_64 rng(12);
  std::uniform_real_distribution<double> exponent(-700.0, 700.0);
  std::uniform_real_distribution<double> nearOne(-1e-6, 1e-6);
  for (int i = 0; i < 200'000; ++i) {
    const double x = i % 2 == 0 ? std::exp(exponent(rng)) : 1.0 + nearOne(rng);
    ASSERT_LE(ulpDistance(vecmath::log(x), std::log(x)), 2.0) << "x = " << x;
  }
  EXPECT_EQ(vecmath::log(1.0), 0.0);
  EXPECT_EQ(vecmath::log(1e-310), std::log(1e-310));  // subnormal argument
}

// N(x) to long-double precision: x / sqrt(2) rounds far below a double's ulp.
double referenceCdf(double x) {
  return static_cast<double>(0.5L * std::erfc(-static_cast<long double>(x) / std::sqrt(2.0L)));
}

TEST(VectorMath, NormalCdfKeepsRelativePrecisionIntoTheLowerTail) {
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> x(-37.5, 9.0);
  double worst = 0;
  for (int i = 0; i < 200'000; ++i) {
    const double v = x(rng);
    const double ref = referenceCdf(v);
    worst = std::max(worst, std::fabs(vecmath::normalCdf(v) - ref) / ref);
  }
  EXPECT_LT(worst, 1e-15);
  // Published values: Abramowitz & Stegun table 26.1 and its tail extensions.
  EXPECT_DOUBLE_EQ(vecmath::normalCdf(0.0), 0.5);
  EXPECT_NEAR(vecmath::normalCdf(1.96), 0.9750021048517795, 1e-16);
  EXPECT_NEAR(vecmath::normalCdf(-10.0) / 7.619853024160526e-24, 1.0, 1e-15);
  EXPECT_EQ(vecmath::normalCdf(-40.0), 0.0);
  EXPECT_EQ(vecmath::normalCdf(40.0), 1.0);
  EXPECT_NEAR(vecmath::normalPdf(1.0), 0.24197072451914334980, 3e-17);  // e^{-1/2} / sqrt(2 pi)
}

TEST(VectorMath, NearFormsEqualTheFullRangeOnesBitForBit) {
  std::mt19937_64 rng(14);
  std::uniform_real_distribution<double> x(-vecmath::kNormalNearLimit, vecmath::kNormalNearLimit);
  for (int i = 0; i < 200'000; ++i) {
    const double v = i == 0 ? vecmath::kNormalNearLimit : (i == 1 ? -vecmath::kNormalNearLimit : x(rng));
    const double y = std::fabs(v);
    const double g = vecmath::gaussian(y);
    ASSERT_EQ(vecmath::gaussianNear(y), g) << "y = " << y;
    ASSERT_EQ(vecmath::normalCdfNear(v, g), vecmath::normalCdf(v, g)) << "x = " << v;
  }
}

// Options in structure-of-arrays layout, priced by both paths.
struct Priced {
  EuropeanBatch batch;
  EuropeanBatchResults results;
  std::vector<OptionSpec> options;

  void add(const OptionSpec& o) {
    batch.add(o);
    options.push_back(o);
  }
  void price() {
    results.resize(batch.size());
    auto error = priceEuropeanBatch(batch.inputs(), results.outputs());
    ASSERT_FALSE(error.has_value()) << error->field << ": " << error->message;
  }
};

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

void expectClose(double batch, double scalar, double scale, const char* what, const OptionSpec& o) {
  const double tolerance = 1e-12 * scale + 1e-15;
  EXPECT_LE(std::fabs(batch - scalar), tolerance)
      << what << ": batch " << batch << " scalar " << scalar << " (" << toString(o.model) << " " << toString(o.type)
      << " S=" << o.underlying << " K=" << o.strike << " T=" << o.expiry << " r=" << o.rate << " q=" << o.yield
      << " sigma=" << o.volatility << ")";
}

void expectMatchesScalar(const Priced& p) {
  for (std::size_t i = 0; i < p.options.size(); ++i) {
    const OptionSpec& o = p.options[i];
    const CarryInputs in = carryInputs(o);
    const CarryGreeks g = blackScholesGreeks(in);
    const Valuation v = p.results.valuation(i);
    const Greeks& b = *v.greeks;
    const Valuation ref = priceEuropean(o);  // the model-specific rhos
    // Sizes of the terms each output is formed from (see the file comment).
    const double discount = std::exp(-in.rate * in.expiry);
    const double forward = in.spot * std::exp(in.carry * in.expiry);
    const double stdDev = in.volatility * std::sqrt(in.expiry);
    const double d1 = std::log(forward / in.strike) / stdDev + 0.5 * stdDev;
    const double d2 = d1 - stdDev;
    const double sign = o.type == OptionType::Call ? 1.0 : -1.0;
    const double legs = discount * (forward * 0.5 * std::erfc(-sign * d1 / std::sqrt(2.0)) +
                                    in.strike * 0.5 * std::erfc(-sign * d2 / std::sqrt(2.0)));
    const double vegaTerm = std::fabs(g.vega * in.volatility / (2.0 * in.expiry));
    const double thetaTerms = std::fabs(in.rate * g.price) + std::fabs(in.carry * in.spot * g.delta) + vegaTerm;
    // vanna = -e^{(b-r)T} n(d1) d2 / sigma and e^{(b-r)T} n(d1) = vega / (S sqrt T)
    const double vannaScale =
        std::fabs(g.vega / (in.spot * std::sqrt(in.expiry) * in.volatility)) * (1.0 + std::fabs(d2));
    const double volgaScale = std::fabs(g.vega / in.volatility) * (1.0 + std::fabs(d1)) * (1.0 + std::fabs(d2));

    if (::testing::Test::HasFailure()) return;  // one report is enough to act on
    expectClose(v.price, g.price, legs, "price", o);
    expectClose(b.delta, g.delta, std::fabs(g.delta), "delta", o);
    expectClose(b.gamma, g.gamma, std::fabs(g.gamma), "gamma", o);
    expectClose(b.vega, g.vega, std::fabs(g.vega), "vega", o);
    expectClose(b.theta, g.theta, thetaTerms, "theta", o);
    expectClose(b.rho, ref.greeks->rho, std::max(std::fabs(ref.greeks->rho), in.expiry * legs), "rho", o);
    expectClose(b.yieldRho, ref.greeks->yieldRho, std::fabs(ref.greeks->yieldRho), "yield rho", o);
    expectClose(b.vanna, g.vanna, vannaScale, "vanna", o);
    expectClose(b.volga, g.volga, volgaScale, "volga", o);
  }
}

// A seeded grid of all three models, calls and puts, strikes from a quarter to four times the
// spot, expiries from a day to ten years and volatilities from 1% to 200%.
Priced seededGrid(int count) {
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> logMoneyness(std::log(0.25), std::log(4.0));
  std::uniform_real_distribution<double> logExpiry(std::log(1.0 / 365.0), std::log(10.0));
  std::uniform_real_distribution<double> logVolatility(std::log(0.01), std::log(2.0));
  std::uniform_real_distribution<double> rate(-0.02, 0.15);
  std::uniform_real_distribution<double> yield(-0.02, 0.10);
  Priced p;
  for (int i = 0; i < count; ++i) {
    const auto model = static_cast<Model>(i % 3);
    const auto type = (i / 3) % 2 == 0 ? OptionType::Call : OptionType::Put;
    const double spot = 100.0;
    p.add(option(model, type, spot, spot * std::exp(logMoneyness(rng)), std::exp(logExpiry(rng)), rate(rng), yield(rng),
                 std::exp(logVolatility(rng))));
  }
  return p;
}

TEST(BlackScholesBatch, MatchesTheScalarPathOnASeededGridOfAllModels) {
  Priced p = seededGrid(60'001);  // not a multiple of any vector width, block or chunk
  p.price();
  expectMatchesScalar(p);
}

// Options whose |d1| or |d2| exceeds sqrt(32) send their block of options down the path with both
// forms of the normal distribution; alone in a batch, each option takes the path of its own.
TEST(BlackScholesBatch, AnOptionsResultsDoNotDependOnTheOptionsAroundIt) {
  Priced p = seededGrid(3'001);
  p.price();
  const EuropeanBatchInputs all = p.batch.inputs();
  EuropeanBatchResults alone(1);
  for (std::size_t i = 0; i < p.options.size(); ++i) {
    ASSERT_FALSE(priceEuropeanBatch(all.slice(i, 1), alone.outputs()).has_value());
    const Valuation a = alone.valuation(0);
    const Valuation b = p.results.valuation(i);
    ASSERT_EQ(a.price, b.price) << "option " << i;
    ASSERT_EQ(a.greeks->delta, b.greeks->delta) << "option " << i;
    ASSERT_EQ(a.greeks->gamma, b.greeks->gamma) << "option " << i;
    ASSERT_EQ(a.greeks->vega, b.greeks->vega) << "option " << i;
    ASSERT_EQ(a.greeks->theta, b.greeks->theta) << "option " << i;
    ASSERT_EQ(a.greeks->rho, b.greeks->rho) << "option " << i;
    ASSERT_EQ(a.greeks->yieldRho, b.greeks->yieldRho) << "option " << i;
    ASSERT_EQ(a.greeks->vanna, b.greeks->vanna) << "option " << i;
    ASSERT_EQ(a.greeks->volga, b.greeks->volga) << "option " << i;
  }
}

TEST(BlackScholesBatch, FirstOrderBatchGivesTheFullBatchsFirstOrderGreeksBitForBit) {
  Priced p = seededGrid(20'001);
  p.price();
  const std::size_t n = p.options.size();
  std::vector<double> price(n), delta(n), vega(n), theta(n), rho(n), yieldRho(n);
  ASSERT_FALSE(priceEuropeanBatch(p.batch.inputs(), EuropeanFirstOrderOutputs{price, delta, vega, theta, rho, yieldRho})
                   .has_value());
  for (std::size_t i = 0; i < n; ++i) {
    const Valuation v = p.results.valuation(i);
    ASSERT_EQ(price[i], v.price) << "option " << i;
    ASSERT_EQ(delta[i], v.greeks->delta) << "option " << i;
    ASSERT_EQ(vega[i], v.greeks->vega) << "option " << i;
    ASSERT_EQ(theta[i], v.greeks->theta) << "option " << i;
    ASSERT_EQ(rho[i], v.greeks->rho) << "option " << i;
    ASSERT_EQ(yieldRho[i], v.greeks->yieldRho) << "option " << i;
  }
}

TEST(BlackScholesBatch, MatchesTheScalarPathOnTheCornersOfTheGrid) {
  Priced p;
  for (int model = 0; model < 3; ++model) {
    for (auto type : {OptionType::Call, OptionType::Put}) {
      for (double strike : {25.0, 60.0, 99.0, 100.0, 101.0, 160.0, 400.0}) {
        for (double expiry : {1.0 / 365.0, 0.25, 1.0, 10.0}) {
          for (double vol : {0.01, 0.2, 2.0}) {
            for (double rate : {-0.01, 0.0, 0.05}) {
              p.add(option(static_cast<Model>(model), type, 100.0, strike, expiry, rate, 0.03, vol));
            }
          }
        }
      }
    }
  }
  p.price();
  expectMatchesScalar(p);
}

TEST(BlackScholesBatch, ReproducesPublishedValues) {
  constexpr double kFourDecimals = 5e-5;
  Priced p;
  p.add(option(Model::BlackScholesMerton, OptionType::Call, 60, 65, 0.25, 0.08, 0, 0.30));        // Haug 1.1.1
  p.add(option(Model::BlackScholesMerton, OptionType::Put, 100, 95, 0.5, 0.10, 0.05, 0.20));      // Haug 1.1.2
  p.add(option(Model::Black76, OptionType::Put, 19, 19, 0.75, 0.10, 0, 0.28));                    // Haug 1.1.3
  p.add(option(Model::GarmanKohlhagen, OptionType::Call, 1.56, 1.60, 0.5, 0.06, 0.08, 0.12));     // Haug 1.1.6
  p.add(option(Model::Black76, OptionType::Put, 105, 100, 0.5, 0.10, 0, 0.36));                   // Haug 2.1.1
  p.add(option(Model::BlackScholesMerton, OptionType::Call, 55, 60, 0.75, 0.10, 0, 0.30));        // Haug 2.2.1
  p.add(option(Model::BlackScholesMerton, OptionType::Put, 430, 405, 0.0833, 0.07, 0.05, 0.20));  // Haug 2.4.1
  p.add(option(Model::BlackScholesMerton, OptionType::Call, 72, 75, 1.0, 0.09, 0, 0.19));         // Haug 2.5.1
  p.price();
  EXPECT_NEAR(p.results.valuation(0).price, 2.1334, kFourDecimals);
  EXPECT_NEAR(p.results.valuation(1).price, 2.4648, kFourDecimals);
  EXPECT_NEAR(p.results.valuation(2).price, 1.7011, kFourDecimals);
  EXPECT_NEAR(p.results.valuation(3).price, 0.0291, kFourDecimals);
  EXPECT_NEAR(p.results.valuation(4).greeks->delta, -0.3566, kFourDecimals);
  EXPECT_NEAR(p.results.valuation(5).greeks->gamma, 0.0278, kFourDecimals);
  EXPECT_NEAR(p.results.valuation(6).greeks->theta, -31.1924, kFourDecimals);
  EXPECT_NEAR(p.results.valuation(7).greeks->rho, 38.7325, kFourDecimals);
}

TEST(BlackScholesBatch, SpansOfDifferentLengthsAreRefusedNamingTheField) {
  Priced p;
  p.add(option(Model::BlackScholesMerton, OptionType::Call, 100, 100, 1, 0.05, 0, 0.2));
  p.add(option(Model::BlackScholesMerton, OptionType::Put, 100, 100, 1, 0.05, 0, 0.2));
  EuropeanBatchResults results(2);
  EuropeanBatchInputs in = p.batch.inputs();
  in.strike = in.strike.first(1);
  auto error = priceEuropeanBatch(in, results.outputs());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, "strike");
  EXPECT_EQ(error->message, "has 1 elements, the batch has 2");

  EuropeanBatchOutputs out = results.outputs();
  out.volga = out.volga.first(1);
  error = priceEuropeanBatch(p.batch.inputs(), out);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, "volga");

  EXPECT_FALSE(priceEuropeanBatch(EuropeanBatchInputs{}, EuropeanBatchOutputs{}).has_value());  // empty batch

  EuropeanFirstOrderOutputs firstOrder = results.outputs().firstOrder();
  firstOrder.yieldRho = firstOrder.yieldRho.first(1);
  error = priceEuropeanBatch(p.batch.inputs(), firstOrder);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, "yield_rho");
  EXPECT_EQ(error->message, "has 1 elements, the batch has 2");
  in = p.batch.inputs();
  in.volatility = in.volatility.first(1);
  error = priceEuropeanBatch(in, results.outputs().firstOrder());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, "volatility");
  EXPECT_FALSE(priceEuropeanBatch(EuropeanBatchInputs{}, EuropeanFirstOrderOutputs{}).has_value());
}

}  // namespace
}  // namespace alphintra::analytics
