// The Cox–Ross–Rubinstein tree with the textbook probability, against an independent algorithm:
// the closed-form binomial sum of Cox, Ross & Rubinstein (1979) for European options,
//   V = e^{-rT} sum_j C(n, j) p^j (1-p)^{n-j} payoff(S u^j d^{n-j}),
// evaluated here with log-binomial weights (no backward induction), to 1e-10 relative. American
// properties: never below the European tree nor the intrinsic value, and calls equal European
// calls without dividends. Convergence: the textbook tree and QuantLib's probability (log-drift)
// tend to the same limit. Validation of too-few steps.
#include <gtest/gtest.h>

#include <cmath>

#include "analytics/binomial_tree.hpp"
#include "analytics/pricing.hpp"

namespace alphintra::analytics {
namespace {

double binomialSum(const CarryInputs& in, int steps) {
  const double dt = in.expiry / steps;
  const double u = std::exp(in.volatility * std::sqrt(dt));
  const double d = 1.0 / u;
  const double p = (std::exp(in.carry * dt) - d) / (u - d);
  double sum = 0;
  for (int j = 0; j <= steps; ++j) {
    const double logWeight = std::lgamma(steps + 1.0) - std::lgamma(j + 1.0) - std::lgamma(steps - j + 1.0) +
                             j * std::log(p) + (steps - j) * std::log1p(-p);
    const double spot = in.spot * std::pow(u, 2 * j - steps);
    const double payoff =
        in.type == OptionType::Call ? std::max(spot - in.strike, 0.0) : std::max(in.strike - spot, 0.0);
    sum += std::exp(logWeight) * payoff;
  }
  return std::exp(-in.rate * in.expiry) * sum;
}

TEST(CoxRossRubinstein, EuropeanTreeEqualsTheClosedFormBinomialSum) {
  int compared = 0;
  for (OptionType type : {OptionType::Call, OptionType::Put}) {
    for (double spot : {70.0, 100.0, 140.0}) {
      for (double vol : {0.1, 0.3, 0.9}) {
        for (double carry : {-0.03, 0.0, 0.05}) {
          for (int steps : {1, 2, 7, 100, 501}) {
            const CarryInputs in{type, spot, 100.0, 0.75, 0.04, carry, vol};
            auto tree = coxRossRubinsteinPrice(in, ExerciseStyle::European, steps, TreeProbability::Textbook);
            ASSERT_TRUE(tree.ok()) << tree.error().message;
            const double reference = binomialSum(in, steps);
            EXPECT_NEAR(*tree, reference, 1e-10 * std::abs(reference) + 1e-12 * in.strike)
                << toString(type) << " S=" << spot << " vol=" << vol << " b=" << carry << " steps=" << steps;
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, 270);
}

TEST(CoxRossRubinstein, AmericanIsWorthAtLeastEuropeanAndIntrinsic) {
  for (OptionType type : {OptionType::Call, OptionType::Put}) {
    for (double spot : {60.0, 95.0, 100.0, 130.0}) {
      for (double carry : {-0.05, 0.0, 0.06}) {
        const CarryInputs in{type, spot, 100.0, 1.0, 0.06, carry, 0.3};
        const double american = *coxRossRubinsteinPrice(in, ExerciseStyle::American, 300, TreeProbability::Textbook);
        const double european = *coxRossRubinsteinPrice(in, ExerciseStyle::European, 300, TreeProbability::Textbook);
        EXPECT_GE(american, european);
        EXPECT_GE(american, type == OptionType::Call ? spot - 100.0 : 100.0 - spot);
        if (type == OptionType::Call && carry >= in.rate) {
          EXPECT_DOUBLE_EQ(american, european);
        }
      }
    }
  }
}

TEST(CoxRossRubinstein, ProbabilitiesConvergeToTheSameValue) {
  // Both trees converge to the American value at O(1/steps); at 4000 steps they agree to ~1e-3.
  for (OptionType type : {OptionType::Call, OptionType::Put}) {
    const CarryInputs in{type, 100.0, 105.0, 1.0, 0.05, 0.01, 0.25};
    const double textbook = *coxRossRubinsteinPrice(in, ExerciseStyle::American, 4000, TreeProbability::Textbook);
    const double logDrift = *coxRossRubinsteinPrice(in, ExerciseStyle::American, 4000, TreeProbability::LogDrift);
    EXPECT_NEAR(textbook, logDrift, 2e-3 * textbook);
    EXPECT_NE(textbook, logDrift);  // the two are different trees
  }
}

TEST(CoxRossRubinstein, TooFewStepsForTheCarryNameSteps) {
  // sigma sqrt(dt) = 0.01 < b dt = 0.5: the textbook probability would exceed 1.
  const CarryInputs in{OptionType::Put, 100.0, 100.0, 1.0, 0.5, 0.5, 0.01};
  auto tree = coxRossRubinsteinPrice(in, ExerciseStyle::American, 1, TreeProbability::Textbook);
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.error().field, "steps");
  OptionSpec spec;
  spec.style = ExerciseStyle::American;
  spec.type = OptionType::Put;
  spec.underlying = spec.strike = 100;
  spec.expiry = 1;
  spec.rate = 0.5;
  spec.volatility = 0.01;
  spec.steps = 1;
  auto valued = price(spec);
  ASSERT_FALSE(valued.ok());
  EXPECT_EQ(valued.error().field, "steps");
  spec.steps = 0;
  EXPECT_EQ(price(spec).error().field, "steps");
  spec.steps = kMaxSteps + 1;
  EXPECT_EQ(price(spec).error().field, "steps");
}

TEST(BatchPricing, EqualsOneByOneAndIndexesErrors) {
  std::vector<OptionSpec> batch(3);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].underlying = 90.0 + 10.0 * static_cast<double>(i);
    batch[i].strike = 100;
    batch[i].expiry = 0.5;
    batch[i].rate = 0.03;
    batch[i].volatility = 0.2;
  }
  batch[2].style = ExerciseStyle::American;
  batch[2].method = AmericanMethod::BaroneAdesiWhaley;
  batch[2].type = OptionType::Put;
  auto all = priceBatch(batch);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_EQ((*all)[i].price, price(batch[i])->price);
  batch[1].expiry = -1;
  auto bad = priceBatch(batch);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "[1].expiry");
}

}  // namespace
}  // namespace alphintra::analytics
