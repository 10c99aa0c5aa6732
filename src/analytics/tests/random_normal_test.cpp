// The Monte Carlo random numbers (random_normal.hpp): the ziggurat's draws follow the standard
// normal law (moments, Kolmogorov–Smirnov distance, equiprobable-bin chi-square, tail mass beyond
// the base layer), the gamma/chi-square draws have their law's moments, and streams depend only
// on the seed. Thresholds are 5-sigma (or 1%-level) bounds of the statistic for a correct
// generator, with fixed seeds, so the tests are deterministic yet fail for a wrong layer table,
// a biased wedge or a lost tail.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "analytics/normal_distribution.hpp"
#include "analytics/random_normal.hpp"
#include "analytics/var.hpp"

namespace alphintra::analytics {
namespace {

std::vector<double> draws(std::uint64_t seed, std::size_t n) {
  NormalSampler normal(seed);
  std::vector<double> out(n);
  for (double& x : out) x = normal();
  return out;
}

TEST(Xoshiro256, SameSeedSameStreamOtherSeedOtherStream) {
  Xoshiro256 a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a();
    EXPECT_EQ(x, b());
    differs = differs || x != c();
  }
  EXPECT_TRUE(differs);
  for (int i = 0; i < 100000; ++i) {
    const double u = a.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(NormalSampler, MomentsOfTheStandardNormal) {
  const std::size_t n = 2'000'000;
  const auto x = draws(7, n);
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (double v : x) {
    m1 += v;
    m2 += v * v;
    m3 += v * v * v;
    m4 += v * v * v * v;
  }
  m1 /= n, m2 /= n, m3 /= n, m4 /= n;
  const double rootN = std::sqrt(static_cast<double>(n));
  EXPECT_LT(std::fabs(m1), 5.0 / rootN);                          // sd of the mean: 1/sqrt(n)
  EXPECT_LT(std::fabs(m2 - 1.0), 5.0 * std::sqrt(2.0) / rootN);   // sd of E[x^2]: sqrt(2/n)
  EXPECT_LT(std::fabs(m3), 5.0 * std::sqrt(15.0) / rootN);        // sd of E[x^3]: sqrt(15/n)
  EXPECT_LT(std::fabs(m4 - 3.0), 5.0 * std::sqrt(96.0) / rootN);  // sd of E[x^4]: sqrt(96/n)
}

TEST(NormalSampler, KolmogorovSmirnovDistanceToPhi) {
  const std::size_t n = 1'000'000;
  auto x = draws(11, n);
  std::sort(x.begin(), x.end());
  double d = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double cdf = normalCdf(x[i]);
    d = std::max({d, static_cast<double>(i + 1) / n - cdf, cdf - static_cast<double>(i) / n});
  }
  EXPECT_LT(d, 1.63 / std::sqrt(static_cast<double>(n)));  // the 1% critical value
}

TEST(NormalSampler, EquiprobableBinsChiSquare) {
  constexpr int kBins = 200;
  std::vector<double> edges(kBins - 1);
  for (int i = 1; i < kBins; ++i) edges[i - 1] = risk::inverseNormalCdf(static_cast<double>(i) / kBins);
  const std::size_t n = 2'000'000;
  std::vector<double> counts(kBins, 0.0);
  NormalSampler normal(3);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = normal();
    counts[std::upper_bound(edges.begin(), edges.end(), v) - edges.begin()] += 1.0;
  }
  const double expected = static_cast<double>(n) / kBins;
  double chi2 = 0;
  for (double c : counts) chi2 += (c - expected) * (c - expected) / expected;
  // 199 degrees of freedom: mean 199, sd ~ 19.9; 5 sd above the mean.
  EXPECT_LT(chi2, 199.0 + 5.0 * std::sqrt(2.0 * 199.0));
}

TEST(NormalSampler, TailBeyondTheBaseLayerHasItsMass) {
  constexpr std::size_t n = 4'000'000;
  NormalSampler normal(5);
  const double r = detail::ZigguratTables::kR;
  std::size_t beyondR = 0, beyond45 = 0, negative = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = normal();
    beyondR += std::fabs(v) > r;
    beyond45 += std::fabs(v) > 4.5;
    negative += v < 0.0;
  }
  const auto check = [](std::size_t count, double p, const char* what) {
    const double mean = static_cast<double>(n) * p;
    EXPECT_LT(std::fabs(static_cast<double>(count) - mean), 5.0 * std::sqrt(mean * (1.0 - p)) + 1.0) << what;
  };
  check(beyondR, 2.0 * normalCdf(-r), "|z| > r");
  check(beyond45, 2.0 * normalCdf(-4.5), "|z| > 4.5");
  check(negative, 0.5, "z < 0");
  EXPECT_GT(beyond45, 0u);
}

TEST(NormalSampler, ChiSquareHasItsMeanAndVariance) {
  for (const double dof : {2.5, 5.0, 30.0}) {
    NormalSampler sampler(17);
    const std::size_t n = 500'000;
    double s1 = 0, s2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double c = sampler.chiSquare(dof);
      ASSERT_GT(c, 0.0);
      s1 += c;
      s2 += c * c;
    }
    const double mean = s1 / n;
    const double variance = s2 / n - mean * mean;
    // sd of the sample mean: sqrt(2 dof / n); of the sample variance ~ sqrt((m4 - var^2) / n).
    EXPECT_LT(std::fabs(mean - dof), 5.0 * std::sqrt(2.0 * dof / n)) << dof;
    const double m4 = 12.0 * dof * (dof + 4.0);  // fourth central moment of chi-square(dof)
    EXPECT_LT(std::fabs(variance - 2.0 * dof), 5.0 * std::sqrt((m4 - 4.0 * dof * dof) / n)) << dof;
  }
}

}  // namespace
}  // namespace alphintra::analytics
