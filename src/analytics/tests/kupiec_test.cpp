// Kupiec's proportion-of-failures test and the Basel traffic light (kupiec.hpp), against values
// computed by hand (Python, math.log and math.erfc), QuantLib's chi-square distribution, the
// non-rejection regions published by Jorion ("Value at Risk", 3rd ed., table 6-2: 95% test
// confidence) and the Basel Committee's 1996 backtesting table (250 days, 99% VaR).
#include <gtest/gtest.h>

#include <ql/math/distributions/chisquaredistribution.hpp>

#include <vector>

#include "analytics/kupiec.hpp"

namespace alphintra::analytics::risk {
namespace {

TEST(Kupiec, LikelihoodRatioAndPValueMatchHandComputedValues) {
  struct Case {
    std::size_t n, x;
    double lr, p;
  };
  // LR = -2 ln[(1-p)^(n-x) p^x] + 2 ln[(1-x/n)^(n-x) (x/n)^x], p-value = erfc(sqrt(LR/2)); p = 1%.
  const std::vector<Case> cases{{250, 5, 1.956809788230622, 0.16185491719604272},
                                {250, 0, 5.025167926750726, 0.02498150305344971},
                                {250, 10, 12.955491062356018, 0.0003189845082133835},
                                {500, 10, 3.913619576461244, 0.04789633534988492},
                                {1000, 25, 16.042965938670278, 6.192122972318631e-05}};
  for (const Case& c : cases) {
    auto r = kupiecTest(c.n, c.x, 0.99);
    ASSERT_TRUE(r);
    EXPECT_NEAR(r->likelihoodRatio, c.lr, 1e-11 * c.lr) << c.n << "/" << c.x;
    EXPECT_NEAR(r->pValue, c.p, 1e-11 * c.p) << c.n << "/" << c.x;
    EXPECT_EQ(r->reject, c.p < 0.05);
  }
  auto exact = kupiecTest(100, 1, 0.99);  // exactly the expected rate: LR = 0, p-value 1
  ASSERT_TRUE(exact);
  EXPECT_NEAR(exact->likelihoodRatio, 0.0, 1e-12);
  EXPECT_NEAR(exact->pValue, 1.0, 1e-6);
  auto all = kupiecTest(10, 10, 0.99);  // x = n: -2 * 10 ln(0.01)
  ASSERT_TRUE(all);
  EXPECT_NEAR(all->likelihoodRatio, 92.10340371976183, 1e-10);
}

TEST(Kupiec, PValueIsTheChiSquareSurvivalOfQuantLib) {
  const QuantLib::CumulativeChiSquareDistribution chi2(1.0);
  for (double x : {0.01, 0.5, 1.0, 3.841458820694124, 6.6, 12.0}) {
    // QuantLib's incomplete gamma function is accurate to about 1e-9.
    EXPECT_NEAR(chiSquare1Survival(x), 1.0 - chi2(x), 1e-8) << x;
  }
  // Exact values: P(chi2_1 > 1) = P(|Z| > 1) = 0.31731050786291415; the 95% critical value.
  EXPECT_NEAR(chiSquare1Survival(1.0), 0.31731050786291415, 1e-15);
  EXPECT_NEAR(chiSquare1Survival(3.841458820694124), 0.05, 1e-14);
}

TEST(Kupiec, NonRejectionRegionsMatchJorionsTable) {
  struct Region {
    std::size_t n;
    double confidence;
    std::size_t low, high;  // not rejected for low <= x <= high
  };
  // Jorion table 6-2 (p = 1%: T=252 N<7, T=504 1<N<11, T=1008 4<N<17;
  // p = 5%: T=252 6<N<20, T=504 16<N<36, T=1008 37<N<65). For T=252, p=1%, N=0 is rejected
  // by the likelihood ratio (LR = 5.07): the table's lower bound is the test's 1.
  const std::vector<Region> regions{{252, 0.99, 1, 6},  {504, 0.99, 2, 10},  {1008, 0.99, 5, 16},
                                    {252, 0.95, 7, 19}, {504, 0.95, 17, 35}, {1008, 0.95, 38, 64}};
  for (const Region& r : regions) {
    for (std::size_t x = 0; x <= r.high + 5; ++x) {
      auto k = kupiecTest(r.n, x, r.confidence, 0.05);
      ASSERT_TRUE(k);
      EXPECT_EQ(k->reject, x < r.low || x > r.high) << r.n << " days at " << r.confidence << ", " << x << " exceptions";
    }
  }
}

TEST(Kupiec, BaselTrafficLightFor250DaysAt99) {
  // Basel Committee (1996), table 2: cumulative probability 89.22% at 4, 95.88% at 5,
  // 99.97% at 9, 99.99% at 10.
  for (std::size_t x = 0; x <= 15; ++x) {
    auto k = kupiecTest(250, x, 0.99);
    ASSERT_TRUE(k);
    const TrafficLight expected = x <= 4 ? TrafficLight::Green : x <= 9 ? TrafficLight::Yellow : TrafficLight::Red;
    EXPECT_EQ(k->zone, expected) << x;
  }
  EXPECT_NEAR(binomialCdf(4, 250, 0.01), 0.8921876269036233, 1e-12);
  EXPECT_NEAR(binomialCdf(5, 250, 0.01), 0.9588168159301496, 1e-12);
  EXPECT_NEAR(binomialCdf(9, 250, 0.01), 0.9997498099312573, 1e-12);
  EXPECT_NEAR(binomialCdf(10, 250, 0.01), 0.9999461013709507, 1e-12);
}

TEST(Kupiec, CountsExceptionsAndRejectsBadInputs) {
  const std::vector<double> pnl{-5, 2, -11, -10, 3, -20};
  auto same = countExceptions(pnl, std::vector<double>{10});
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, 2u);  // -11 and -20; -10 is not beyond a VaR of 10
  auto daily = countExceptions(pnl, std::vector<double>{4, 1, 12, 9, 1, 25});
  ASSERT_TRUE(daily);
  EXPECT_EQ(*daily, 2u);  // -5 < -4 and -10 < -9
  auto wrong = countExceptions(pnl, std::vector<double>{1, 2});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "var");
  auto tooMany = kupiecTest(10, 11, 0.99);
  ASSERT_FALSE(tooMany);
  EXPECT_EQ(tooMany.error().field, "exceptions");
  auto conf = kupiecTest(10, 1, 0.0);
  ASSERT_FALSE(conf);
  EXPECT_EQ(conf.error().field, "confidence");
}

}  // namespace
}  // namespace alphintra::analytics::risk
