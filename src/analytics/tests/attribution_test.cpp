// Brinson–Fachler attribution: a three-market example worked by hand (the data of the example
// in Bacon, "Practical Portfolio Performance Measurement and Attribution", ch. 5, as we recall
// it; every figure below is re-derived in the comments, so the test does not depend on the
// recollection), the exact additivity of the effects, and the validation.
#include <gtest/gtest.h>

#include <random>

#include "analytics/attribution.hpp"

namespace alphintra::analytics {
namespace {

std::vector<SectorInput> threeMarkets() {
  //            name     w_p   w_b   R_p    R_b
  return {{"UK", 0.4, 0.4, 0.20, 0.10}, {"Japan", 0.3, 0.2, -0.05, -0.04}, {"US", 0.3, 0.4, 0.06, 0.08}};
}

TEST(Attribution, ThreeMarketsByHand) {
  auto r = brinsonFachler(threeMarkets());
  ASSERT_TRUE(r.ok()) << r.error().message;
  constexpr double tol = 1e-15;
  // R_p = .4*.20 + .3*-.05 + .3*.06 = 8.3%; R_b = .4*.10 + .2*-.04 + .4*.08 = 6.4%
  EXPECT_NEAR(r->portfolioReturn, 0.083, tol);
  EXPECT_NEAR(r->benchmarkReturn, 0.064, tol);
  EXPECT_NEAR(r->activeReturn, 0.019, tol);
  const auto& uk = r->sectors[0];
  const auto& jp = r->sectors[1];
  const auto& us = r->sectors[2];
  // allocation (w_p - w_b)(R_b,i - R_b): UK 0; Japan .1*(-.04-.064) = -1.04%; US -.1*(.08-.064) = -0.16%
  EXPECT_NEAR(uk.allocation, 0.0, tol);
  EXPECT_NEAR(jp.allocation, -0.0104, tol);
  EXPECT_NEAR(us.allocation, -0.0016, tol);
  // selection w_b (R_p,i - R_b,i): UK .4*.10 = 4%; Japan .2*-.01 = -0.2%; US .4*-.02 = -0.8%
  EXPECT_NEAR(uk.selection, 0.04, tol);
  EXPECT_NEAR(jp.selection, -0.002, tol);
  EXPECT_NEAR(us.selection, -0.008, tol);
  // interaction (w_p - w_b)(R_p,i - R_b,i): UK 0; Japan .1*-.01 = -0.1%; US -.1*-.02 = +0.2%
  EXPECT_NEAR(uk.interaction, 0.0, tol);
  EXPECT_NEAR(jp.interaction, -0.001, tol);
  EXPECT_NEAR(us.interaction, 0.002, tol);
  // totals: -1.2% + 3.0% + 0.1% = 1.9% = 8.3% - 6.4%
  EXPECT_NEAR(r->totals.allocation, -0.012, tol);
  EXPECT_NEAR(r->totals.selection, 0.030, tol);
  EXPECT_NEAR(r->totals.interaction, 0.001, tol);
  EXPECT_NEAR(r->totals.total, 0.019, tol);
  EXPECT_EQ(jp.name, "Japan");
  EXPECT_NEAR(jp.total, jp.allocation + jp.selection + jp.interaction, 0.0);
}

// The identity sum(A + S + I) = R_p - R_b over random sectors whose weights sum to 1 (long and
// short weights, returns from -50% to +80%), to rounding (1e-13).
TEST(Attribution, EffectsAddUpToTheActiveReturn) {
  std::mt19937_64 rng(20240601);
  std::uniform_real_distribution<double> weight(-0.3, 1.0);
  std::uniform_real_distribution<double> ret(-0.5, 0.8);
  std::uniform_int_distribution<int> count(1, 12);
  for (int trial = 0; trial < 2000; ++trial) {
    const int n = count(rng);
    std::vector<SectorInput> sectors(static_cast<std::size_t>(n));
    double sp = 0;
    double sb = 0;
    for (int i = 0; i < n; ++i) {
      auto& s = sectors[static_cast<std::size_t>(i)];
      s.name = "S" + std::to_string(i);
      s.portfolioWeight = weight(rng);
      s.benchmarkWeight = weight(rng);
      s.portfolioReturn = ret(rng);
      s.benchmarkReturn = ret(rng);
      sp += s.portfolioWeight;
      sb += s.benchmarkWeight;
    }
    if (std::abs(sp) < 0.1 || std::abs(sb) < 0.1) continue;
    for (auto& s : sectors) {
      s.portfolioWeight /= sp;
      s.benchmarkWeight /= sb;
    }
    auto r = brinsonFachler(sectors);
    ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
    const double sum = r->totals.allocation + r->totals.selection + r->totals.interaction;
    EXPECT_NEAR(sum, r->activeReturn, 1e-13) << "trial " << trial;
    EXPECT_NEAR(r->totals.total, r->activeReturn, 1e-13) << "trial " << trial;
  }
}

TEST(Attribution, IdenticalPortfolioHasNoEffects) {
  std::vector<SectorInput> s = {{"A", 0.5, 0.5, 0.1, 0.1}, {"B", 0.5, 0.5, -0.2, -0.2}};
  auto r = brinsonFachler(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->totals.allocation, 0.0);
  EXPECT_EQ(r->totals.selection, 0.0);
  EXPECT_EQ(r->totals.interaction, 0.0);
}

std::string errorField(const std::vector<SectorInput>& s) {
  auto r = brinsonFachler(s);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "<accepted>" : r.error().field;
}

TEST(Attribution, ErrorsNameTheField) {
  auto s = threeMarkets();
  s[0].portfolioWeight = 0.5;  // sums to 1.1
  EXPECT_EQ(errorField(s), "portfolio_weights");
  s = threeMarkets();
  s[2].benchmarkWeight = 0.3;
  EXPECT_EQ(errorField(s), "benchmark_weights");
  s = threeMarkets();
  s[1].name = "UK";
  EXPECT_EQ(errorField(s), "sectors[1]");
  s = threeMarkets();
  s[2].benchmarkReturn = -1.5;
  EXPECT_EQ(errorField(s), "benchmark_returns[2]");
  EXPECT_EQ(errorField({}), "sectors");
  // within the tolerance is accepted
  s = threeMarkets();
  s[0].portfolioWeight += 5e-7;
  EXPECT_TRUE(brinsonFachler(s).ok());
}

}  // namespace
}  // namespace alphintra::analytics
