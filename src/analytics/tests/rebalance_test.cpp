// Rebalancing: hand-computed plans, and the invariants of every plan over random portfolios
// (whole lots, cash never negative in execution order, no position crossing its target, the
// minimum notional, the drift threshold, value conserved exactly).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "analytics/rebalance.hpp"
#include "core/decimal.hpp"

namespace alphintra::analytics {
namespace {

RebalanceHolding holding(std::string symbol, std::int64_t quantity, std::int64_t priceCents, double target,
                         std::int64_t lot = 1) {
  RebalanceHolding h;
  h.symbol = std::move(symbol);
  h.quantity = Quantity::fromRaw(quantity);
  h.price = Price::fromRaw(priceCents);
  h.targetWeight = target;
  h.lotSize = Quantity::fromRaw(lot);
  return h;
}

// NAV 8000.00 = cash 1000.00 + AAA 100 x 50.00 + BBB 10 x 200.00 + CCC 0 x 33.00.
RebalanceInput handExample() {
  RebalanceInput in;
  in.cash = 100000;  // 1000.00
  in.cashPrecision = 2;
  in.holdings = {holding("AAA", 100, 5000, 0.4), holding("BBB", 10, 20000, 0.4, 5), holding("CCC", 0, 3300, 0.2, 10)};
  return in;
}

RebalancePlan plan(const RebalanceInput& in) {
  auto p = planRebalance(in);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().field + ": " + p.error().message);
  return p.ok() ? *p : RebalancePlan{};
}

std::string orders(const RebalancePlan& p) {
  std::string out;
  for (const auto& o : p.orders) {
    out += fmt::format("{} {} {};", o.side == Side::Buy ? "buy" : "sell", o.symbol, o.quantity.raw());
  }
  return out;
}

TEST(Rebalance, HandComputedExample) {
  const RebalancePlan p = plan(handExample());
  // Targets: AAA 3200, BBB 3200, CCC 1600. AAA: sell (5000-3200)/50 = 36 -> cash 2800.00.
  // Buys by shortfall: CCC 1600 first, lot 10 x 33.00 = 330: 4 lots = 40 (1320) -> 1480.00;
  // BBB 1200, lot 5 x 200.00 = 1000: 1 lot = 5 (1000) -> 480.00.
  EXPECT_EQ(orders(p), "sell AAA 36;buy CCC 40;buy BBB 5;");
  EXPECT_EQ(p.moneyPrecision, 2);
  EXPECT_EQ(formatMoney(p.netAssetValue, p.moneyPrecision), "8000.00");
  EXPECT_EQ(formatMoney(p.cash, p.moneyPrecision), "480.00");
  EXPECT_TRUE(p.triggered);
  EXPECT_EQ(p.holdings[0].quantity.raw(), 64);
  EXPECT_EQ(p.holdings[1].quantity.raw(), 15);
  EXPECT_EQ(p.holdings[2].quantity.raw(), 40);
  EXPECT_DOUBLE_EQ(p.holdings[0].weightBefore, 0.625);
  EXPECT_DOUBLE_EQ(p.holdings[0].weightAfter, 0.4);
  EXPECT_DOUBLE_EQ(p.holdings[1].weightAfter, 0.375);
  EXPECT_DOUBLE_EQ(p.holdings[2].weightAfter, 0.165);
  EXPECT_DOUBLE_EQ(p.cashWeightBefore, 0.125);
  EXPECT_DOUBLE_EQ(p.cashWeightAfter, 0.06);
}

TEST(Rebalance, BuysAreTrimmedToTheCashAvailable) {
  RebalanceInput in;
  in.cash = 1;  // 0.01
  in.holdings = {holding("AAA", 3, 33333, 0.5), holding("BBB", 0, 1000, 0.5)};
  const RebalancePlan p = plan(in);
  // NAV 1000.00; AAA target 500.00, excess 499.99 -> 1 lot (333.33), cash 333.34;
  // BBB wants 50 (500.00) but 333.34 buys 33 (330.00), cash 3.34.
  EXPECT_EQ(orders(p), "sell AAA 1;buy BBB 33;");
  EXPECT_EQ(formatMoney(p.cash, 2), "3.34");
}

TEST(Rebalance, FractionalLotsAndMoneyPrecision) {
  RebalanceInput in;
  in.cash = 100000;                                             // 1000.00
  RebalanceHolding btc = holding("BTC", 500, 3000000, 1.0, 1);  // 0.500 at 30000.00, lot 0.001
  btc.quantityPrecision = 3;
  in.holdings = {btc};
  const RebalancePlan p = plan(in);
  // lot notional 30000.00 x 0.001 = 30.00000; 1000 / 30 = 33 lots = 0.033 (990.00000)
  EXPECT_EQ(orders(p), "buy BTC 33;");
  EXPECT_EQ(p.moneyPrecision, 5);
  EXPECT_EQ(formatMoney(p.cash, p.moneyPrecision), "10.00000");
  EXPECT_EQ(formatMoney(p.netAssetValue, p.moneyPrecision), "16000.00000");
}

TEST(Rebalance, MinimumNotionalDropsSmallOrders) {
  RebalanceInput in = handExample();
  in.minTradeNotional = 1100;  // 1100 at 0 places
  const RebalancePlan p = plan(in);
  // AAA sell 1800 and CCC buy 1320 stay; BBB buy 1000 < 1100 is dropped.
  EXPECT_EQ(orders(p), "sell AAA 36;buy CCC 40;");
  EXPECT_EQ(formatMoney(p.cash, 2), "1480.00");
  in.minTradeNotional = 2000;
  EXPECT_EQ(orders(plan(in)), "");
}

TEST(Rebalance, DriftThresholdPortfolioPolicy) {
  RebalanceInput in;
  in.cash = 0;
  in.holdings = {holding("AAA", 52, 10000, 0.5), holding("BBB", 48, 10000, 0.5)};  // 0.52 / 0.48
  in.driftThreshold = 0.05;
  RebalancePlan p = plan(in);
  EXPECT_FALSE(p.triggered);
  EXPECT_EQ(orders(p), "");
  in.driftThreshold = 0.02;  // exactly at the threshold: not above it
  EXPECT_EQ(orders(plan(in)), "");
  in.driftThreshold = 0.01;
  p = plan(in);
  EXPECT_TRUE(p.triggered);
  EXPECT_EQ(orders(p), "sell AAA 2;buy BBB 2;");
}

TEST(Rebalance, DriftThresholdInstrumentPolicy) {
  RebalanceInput in;
  in.cash = 0;
  // weights 0.40 / 0.31 / 0.29 against 0.30 / 0.30 / 0.40
  in.holdings = {holding("AAA", 40, 10000, 0.3), holding("BBB", 31, 10000, 0.3), holding("CCC", 29, 10000, 0.4)};
  in.driftThreshold = 0.05;
  in.policy = DriftPolicy::Portfolio;
  EXPECT_EQ(orders(plan(in)), "sell AAA 10;sell BBB 1;buy CCC 11;");
  in.policy = DriftPolicy::Instrument;  // BBB (0.01 off) stays as it is
  const RebalancePlan p = plan(in);
  EXPECT_EQ(orders(p), "sell AAA 10;buy CCC 10;");  // only AAA's 1000.00 to spend
  EXPECT_FALSE(p.holdings[1].drifted);
}

TEST(Rebalance, OddLotHoldingsStayOnTheirSideOfTheTarget) {
  RebalanceInput in;
  in.cash = 0;
  in.holdings = {holding("AAA", 15, 10000, 0.0, 10), holding("BBB", 0, 10000, 1.0, 10)};
  const RebalancePlan p = plan(in);
  // AAA can only sell whole lots of 10: 5 remain. BBB buys 1 lot with the 1000.00.
  EXPECT_EQ(orders(p), "sell AAA 10;buy BBB 10;");
  EXPECT_EQ(p.holdings[0].quantity.raw(), 5);
}

std::string errorField(const RebalanceInput& in) {
  auto p = planRebalance(in);
  EXPECT_FALSE(p.ok());
  return p.ok() ? "<accepted>" : p.error().field;
}

TEST(Rebalance, ErrorsNameTheField) {
  RebalanceInput in = handExample();
  in.holdings[1].price = Price::fromRaw(-100);
  EXPECT_EQ(errorField(in), "holdings[1].price");
  in = handExample();
  in.holdings[0].targetWeight = 0.5;
  EXPECT_EQ(errorField(in), "holdings");
  in = handExample();
  in.cash = -1;
  EXPECT_EQ(errorField(in), "cash");
  in = handExample();
  in.holdings[2].lotSize = Quantity::fromRaw(0);
  EXPECT_EQ(errorField(in), "holdings[2].lot_size");
  in = handExample();
  in.holdings[2].symbol = "AAA";
  EXPECT_EQ(errorField(in), "holdings[2].symbol");
  in = handExample();
  in.holdings[0].quantity = Quantity::fromRaw(-5);
  EXPECT_EQ(errorField(in), "holdings[0].quantity");
  in = handExample();
  in.driftThreshold = -0.1;
  EXPECT_EQ(errorField(in), "drift_threshold");
  in = handExample();
  in.cash = 0;
  for (auto& h : in.holdings) h.quantity = Quantity::fromRaw(0);
  EXPECT_EQ(errorField(in), "holdings");
  in = handExample();
  in.holdings[0].price = Price::fromRaw(INT64_MAX);
  in.holdings[0].quantity = Quantity::fromRaw(INT64_MAX);
  in.holdings[1].pricePrecision = 12;  // money precision 24: holding 0's value x 10^24 overflows
  in.holdings[1].quantityPrecision = 12;
  EXPECT_EQ(errorField(in), "holdings[0]");  // overflow is reported, not wrapped
}

// Random portfolios: every invariant of a plan, checked with independent integer arithmetic.
TEST(Rebalance, InvariantsOverRandomPortfolios) {
  std::mt19937_64 rng(7);
  auto uniform = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  int withOrders = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    RebalanceInput in;
    in.cashPrecision = static_cast<int>(uniform(0, 4));
    in.cash = uniform(0, 5'000'000);
    in.minTradePrecision = 0;
    in.minTradeNotional = uniform(0, 3) == 0 ? uniform(0, 500) : 0;
    in.driftThreshold = static_cast<double>(uniform(0, 10)) / 100.0;
    in.policy = uniform(0, 1) ? DriftPolicy::Portfolio : DriftPolicy::Instrument;
    const int n = static_cast<int>(uniform(1, 6));
    std::vector<double> raw(static_cast<std::size_t>(n) + 1);
    double sum = 0;
    for (double& w : raw) sum += (w = static_cast<double>(uniform(0, 100)));
    if (sum == 0) continue;
    in.cashWeight = raw[0] / sum;
    for (int i = 0; i < n; ++i) {
      RebalanceHolding h;
      h.symbol = "S" + std::to_string(i);
      h.pricePrecision = static_cast<int>(uniform(0, 4));
      h.quantityPrecision = static_cast<int>(uniform(0, 3));
      h.price = Price::fromRaw(uniform(1, 2'000'000));
      h.lotSize = Quantity::fromRaw(uniform(1, 3) == 1 ? uniform(1, 100) : 1);
      h.quantity = Quantity::fromRaw(uniform(0, 5000));
      h.targetWeight = raw[static_cast<std::size_t>(i) + 1] / sum;
      in.holdings.push_back(h);
    }
    auto result = planRebalance(in);
    if (!result) {
      ASSERT_EQ(result.error().field, "holdings") << result.error().message;  // only an empty portfolio
      continue;
    }
    const RebalancePlan& p = *result;
    const int m = p.moneyPrecision;
    auto pow10 = [](int k) {
      Int128 v = 1;
      while (k-- > 0) v *= 10;
      return v;
    };
    auto value = [&](const RebalanceHolding& h, Quantity q) {
      return static_cast<Int128>(h.price.raw()) * q.raw() * pow10(m - h.pricePrecision - h.quantityPrecision);
    };
    Int128 cash = static_cast<Int128>(in.cash) * pow10(m - in.cashPrecision);
    const Int128 minNotional = static_cast<Int128>(in.minTradeNotional) * pow10(m - in.minTradePrecision);
    Int128 nav = cash;
    for (const auto& h : in.holdings) nav += value(h, h.quantity);
    ASSERT_EQ(p.netAssetValue, nav);
    bool sawBuy = false;
    for (const auto& o : p.orders) {
      std::size_t i = 0;
      while (in.holdings[i].symbol != o.symbol) ++i;
      const RebalanceHolding& h = in.holdings[i];
      ASSERT_TRUE(o.quantity.isPositive());
      ASSERT_TRUE(o.quantity.isMultipleOf(h.lotSize)) << o.symbol;
      const Int128 notional = value(h, o.quantity);
      ASSERT_EQ(notional, o.notional);
      ASSERT_GE(notional, minNotional);
      if (o.side == Side::Sell) {
        ASSERT_FALSE(sawBuy) << "sells come first";
        cash += notional;
      } else {
        sawBuy = true;
        cash -= notional;
      }
      ASSERT_GE(cash, 0) << "trial " << trial;
      ASSERT_TRUE(in.policy == DriftPolicy::Portfolio ? p.triggered : p.holdings[i].drifted);
    }
    ASSERT_EQ(cash, p.cash);
    Int128 after = cash;
    for (std::size_t i = 0; i < in.holdings.size(); ++i) {
      const RebalanceHolding& h = in.holdings[i];
      const Int128 before = value(h, h.quantity);
      const Int128 now = value(h, p.holdings[i].quantity);
      after += now;
      ASSERT_GE(p.holdings[i].quantity.raw(), 0);
      // never past the target (with the weight as read, to 1e-12): the order moves toward it
      const Int128 target = nav / 1'000'000'000'000 * std::llround(h.targetWeight * 1e12) +
                            nav % 1'000'000'000'000 * std::llround(h.targetWeight * 1e12) / 1'000'000'000'000;
      if (now > before) {
        ASSERT_LE(now, target) << "trial " << trial;
      }
      if (now < before) {
        ASSERT_GE(now, target) << "trial " << trial;
      }
      if (!p.triggered) {
        ASSERT_EQ(now, before);
      }
    }
    ASSERT_EQ(after, nav);
    if (!p.orders.empty()) ++withOrders;
  }
  EXPECT_GT(withOrders, 1000);  // the property is exercised, not vacuous
}

}  // namespace
}  // namespace alphintra::analytics
