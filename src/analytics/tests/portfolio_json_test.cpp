// The portfolio JSON edge: every bad request names its field; good requests give the numbers of
// the C++ calls.
#include <gtest/gtest.h>

#include "analytics/mean_variance.hpp"
#include "analytics/portfolio_json.hpp"

namespace alphintra::analytics {
namespace {

using nlohmann::json;

const json kOptimize = json::parse(R"({"objective":"min-variance",
  "covariance":[[0.04,0.006,0.01],[0.006,0.0225,0.003],[0.01,0.003,0.09]],
  "expected_returns":[0.07,0.05,0.09]})");

template <typename Run>
std::string errorField(Run run, const json& request) {
  auto r = run(request);
  EXPECT_FALSE(r.ok()) << request.dump() << " -> " << (r.ok() ? r->dump() : "");
  if (r.ok()) return "<accepted>";
  EXPECT_FALSE(r.error().message.empty());
  return r.error().field;
}

json with(json request, const std::string& key, json value) {
  request[key] = std::move(value);
  return request;
}

TEST(PortfolioJson, OptimizeMatchesTheCall) {
  auto r = runOptimize(kOptimize);
  ASSERT_TRUE(r.ok()) << r.error().message;
  Eigen::MatrixXd s(3, 3);
  s << 0.04, 0.006, 0.01, 0.006, 0.0225, 0.003, 0.01, 0.003, 0.09;
  auto p = minimumVariance(s, Eigen::Vector3d(0.07, 0.05, 0.09), PortfolioConstraints{});
  ASSERT_TRUE(p.ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ((*r)["weights"][i].get<double>(), p->weights(i));
  EXPECT_LE((*r)["kkt"]["stationarity"].get<double>(), 1e-12);
  EXPECT_NEAR((*r)["expected_return"].get<double>(), p->weights.dot(Eigen::Vector3d(0.07, 0.05, 0.09)), 1e-15);

  // Minimum variance without expected returns: return and Sharpe are unknown, not 0.
  json noReturns = kOptimize;
  noReturns.erase("expected_returns");
  auto unknown = runOptimize(noReturns);
  ASSERT_TRUE(unknown.ok()) << unknown.error().message;
  EXPECT_TRUE((*unknown)["expected_return"].is_null());
  EXPECT_TRUE((*unknown)["sharpe"].is_null());
  EXPECT_GT((*unknown)["volatility"].get<double>(), 0.0);

  auto frontier = runOptimize(with(with(kOptimize, "objective", "frontier"), "points", 5));
  ASSERT_TRUE(frontier.ok()) << frontier.error().message;
  EXPECT_EQ((*frontier)["frontier"].size(), 5u);

  json full = with(kOptimize, "objective", "max-sharpe");
  full["risk_free_rate"] = 0.01;
  full["lower"] = json::array({0, 0, nullptr});
  full["upper"] = 0.6;
  full["groups"] = json::parse(R"([{"name":"a","assets":[0,1],"max":0.7}])");
  full["turnover"] = json::parse(R"({"current":[0.3,0.3,0.4],"max":0.5})");
  auto ms = runOptimize(full);
  ASSERT_TRUE(ms.ok()) << ms.error().field << ": " << ms.error().message;
  EXPECT_LE((*ms)["weights"][0].get<double>() + (*ms)["weights"][1].get<double>(), 0.7 + 1e-12);
}

TEST(PortfolioJson, OptimizeErrorsNameTheField) {
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "objective", "max-return")), "objective");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "covariance", json::parse("[[1,0],[0,1],[0,0]]"))), "covariance");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "covariance", json::parse("[[1,0],[0]]"))), "covariance[1]");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "covariance", json::parse("[[1,2],[2,1]]"))), "covariance");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "covariance", json::parse(R"([[1,"x"],[0,1]])"))),
            "covariance[0][1]");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "expected_returns", json::array({0.1, 0.2}))), "expected_returns");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "upper", 0.2)), "constraints");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "lower", json::array({0, 0}))), "lower");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "objective", "target-return")), "target_return");
  EXPECT_EQ(errorField(runOptimize, with(with(kOptimize, "objective", "target-return"), "target_return", 0.5)),
            "target_return");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "target_return", 0.05)), "target_return");  // unused
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "groups", json::parse(R"([{"assets":[0,7],"max":0.5}])"))),
            "groups[0].assets[1]");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "groups", json::parse(R"([{"assets":[0],"max":0.5,"cap":0.5}])"))),
            "groups[0].cap");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "turnover", json::parse(R"({"max":0.5})"))), "turnover.current");
  // Holding at most 50% of asset 0 needs a turnover of at least 1.
  EXPECT_EQ(errorField(runOptimize, with(with(kOptimize, "upper", 0.5), "turnover",
                                         json::parse(R"({"current":[1,0,0],"max":0.1})"))),
            "constraints");
  EXPECT_EQ(errorField(runOptimize, with(kOptimize, "colour", 1)), "colour");
  EXPECT_EQ(errorField(runOptimize, json::array()), "");
}

TEST(PortfolioJson, Covariance) {
  const json request = json::parse(R"({"returns":[[1,2],[2,4],[3,3]]})");
  auto r = runCovariance(request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["covariance"][0][1].get<double>(), 0.5);
  auto lw = runCovariance(with(with(request, "method", "ledoit-wolf"), "target", "scaled-identity"));
  ASSERT_TRUE(lw.ok()) << lw.error().message;
  EXPECT_TRUE((*lw)["shrinkage"].is_number());
  EXPECT_EQ(errorField(runCovariance, with(request, "lambda", 0.9)), "lambda");
  EXPECT_EQ(errorField(runCovariance, with(with(request, "method", "ewma"), "lambda", 1.5)), "lambda");
  EXPECT_EQ(errorField(runCovariance, with(request, "method", "shrunk")), "method");
  EXPECT_EQ(errorField(runCovariance, with(request, "returns", json::parse("[[1,2],[3]]"))), "returns[1]");
  EXPECT_EQ(errorField(runCovariance, with(request, "returns", json::parse("[[1,2]]"))), "returns");
}

TEST(PortfolioJson, BlackLitterman) {
  const json request = json::parse(R"({"covariance":[[0.04,0.01],[0.01,0.09]],"market_weights":[0.6,0.4],
    "risk_aversion":2.5,"tau":0.05,"views":[{"asset":0,"return":0.10}]})");
  auto r = runBlackLitterman(request);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NEAR((*r)["posterior_returns"][0].get<double>(), 0.085, 1e-15);
  EXPECT_NEAR((*r)["posterior_returns"][1].get<double>(), 0.10875, 1e-15);

  json idz = with(request, "uncertainty", "idzorek");
  idz["views"] = json::parse(R"([{"long":1,"short":0,"return":0.02,"confidence":1}])");
  auto certain = runBlackLitterman(idz);
  ASSERT_TRUE(certain.ok()) << certain.error().message;
  EXPECT_NEAR((*certain)["posterior_returns"][1].get<double>() - (*certain)["posterior_returns"][0].get<double>(), 0.02,
              1e-15);

  idz["views"] = json::parse(R"([{"asset":0,"return":0.1}])");
  EXPECT_EQ(errorField(runBlackLitterman, idz), "views[0].confidence");
  idz["views"] = json::parse(R"([{"asset":0,"return":0.1,"confidence":2}])");
  EXPECT_EQ(errorField(runBlackLitterman, idz), "views[0].confidence");
  EXPECT_EQ(errorField(runBlackLitterman,
                       with(request, "views", json::parse(R"([{"asset":0,"return":0.1,"confidence":0.5}])"))),
            "views[0].confidence");  // not used by he-litterman
  EXPECT_EQ(errorField(runBlackLitterman, with(request, "views", json::parse(R"([{"asset":5,"return":0.1}])"))),
            "views[0].asset");
  EXPECT_EQ(errorField(runBlackLitterman, with(request, "views", json::parse(R"([{"long":0,"return":0.1}])"))),
            "views[0].short");
  EXPECT_EQ(errorField(runBlackLitterman, with(request, "market_weights", json::array({1}))), "market_weights");
  EXPECT_EQ(errorField(runBlackLitterman, with(request, "covariance", json::parse("[[1,1],[1,1]]"))), "covariance");
}

TEST(PortfolioJson, RiskParity) {
  const json request = json::parse(R"({"covariance":[[0.04,-0.018],[-0.018,0.09]]})");
  auto r = runRiskParity(request);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR((*r)["weights"][0].get<double>(), 0.6, 1e-13);
  auto hrp = runRiskParity(with(request, "method", "hrp"));
  ASSERT_TRUE(hrp.ok());
  EXPECT_EQ((*hrp)["order"].size(), 2u);
  EXPECT_EQ(errorField(runRiskParity, with(with(request, "method", "hrp"), "budgets", json::array({0.5, 0.5}))),
            "budgets");
  EXPECT_EQ(errorField(runRiskParity, with(request, "budgets", json::array({0.5, 0.6}))), "budgets");
  EXPECT_EQ(errorField(runRiskParity, with(request, "method", "ivp")), "method");
}

}  // namespace
}  // namespace alphintra::analytics
