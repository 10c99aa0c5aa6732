// The JSON edge of performance, attribution and rebalance: each bad request names its field,
// unknown members are rejected, and good requests give the numbers of the C++ calls.
#include <gtest/gtest.h>

#include <string>

#include "analytics/reporting_json.hpp"

namespace alphintra::analytics {
namespace {

using nlohmann::json;
using Runner = Result<nlohmann::ordered_json> (*)(const json&);

std::string errorField(Runner run, const json& request) {
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
json without(json request, const std::string& key) {
  request.erase(key);
  return request;
}

const json kPerformance = json::parse(R"({"returns":[0.03,-0.01,0.03,-0.01],"frequency":"monthly"})");

TEST(ReportingJson, PerformanceAnswer) {
  auto r = runPerformance(kPerformance);
  ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
  EXPECT_NEAR((*r)["annualized_volatility"].get<double>(), 0.08, 1e-12);
  EXPECT_NEAR((*r)["sharpe"].get<double>(), 1.5, 1e-12);
  EXPECT_EQ((*r)["win_basis"], "periods");
  EXPECT_EQ((*r)["max_drawdown"]["start"], 1);
  EXPECT_EQ((*r)["max_drawdown"]["trough"], 2);
  EXPECT_EQ((*r)["max_drawdown"]["recovery"], 3);
  EXPECT_FALSE(r->contains("exposure"));
  // frequency "monthly" is periods_per_year 12
  auto same = runPerformance(with(without(kPerformance, "frequency"), "periods_per_year", 12));
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(r->dump(), same->dump());
  // undefined ratios are null
  auto flat = runPerformance(json::parse(R"({"equity":[1,2,3],"periods_per_year":1})"));
  ASSERT_TRUE(flat.ok());
  EXPECT_TRUE((*flat)["calmar"].is_null());
  EXPECT_TRUE((*flat)["max_drawdown"]["start"].is_null());
  EXPECT_EQ((*flat)["max_drawdown"]["recovered"], false);
  auto trades =
      runPerformance(with(with(kPerformance, "trades", {100, -50, 0, 200, -25}), "positions", {1, 1, 0, -0.5}));
  ASSERT_TRUE(trades.ok());
  EXPECT_EQ((*trades)["win_basis"], "trades");
  EXPECT_NEAR((*trades)["profit_factor"].get<double>(), 4.0, 1e-12);
  EXPECT_NEAR((*trades)["exposure"]["annualized_turnover"].get<double>(), 7.5, 1e-12);
}

TEST(ReportingJson, PerformanceErrorsNameTheField) {
  EXPECT_EQ(errorField(runPerformance, with(kPerformance, "retrns", 1)), "retrns");
  EXPECT_EQ(errorField(runPerformance, without(kPerformance, "returns")), "returns");
  EXPECT_EQ(errorField(runPerformance, with(kPerformance, "equity", {1, 2, 3})), "equity");
  EXPECT_EQ(errorField(runPerformance, with(kPerformance, "returns", {0.1, "x", 0.2})), "returns[1]");
  EXPECT_EQ(errorField(runPerformance, with(kPerformance, "returns", 0.1)), "returns");
  EXPECT_EQ(errorField(runPerformance, with(kPerformance, "returns", {0.1, -1.2})), "returns[1]");
  EXPECT_EQ(errorField(runPerformance, with(kPerformance, "frequency", "hourly")), "frequency");
  EXPECT_EQ(errorField(runPerformance, with(kPerformance, "periods_per_year", 12)), "frequency");
  EXPECT_EQ(errorField(runPerformance, without(kPerformance, "frequency")), "periods_per_year");
  EXPECT_EQ(errorField(runPerformance, with(kPerformance, "positions", {1, 1})), "positions");
  EXPECT_EQ(errorField(runPerformance, with(kPerformance, "risk_free_rate", "2%")), "risk_free_rate");
  EXPECT_EQ(errorField(runPerformance, json::parse(R"({"equity":[100,-1,100],"frequency":"daily"})")), "equity[1]");
  EXPECT_EQ(errorField(runPerformance, json::array()), "");
}

const json kAttribution = json::parse(R"({"sectors":["UK","Japan","US"],
  "portfolio_weights":[0.4,0.3,0.3],"benchmark_weights":[0.4,0.2,0.4],
  "portfolio_returns":[0.20,-0.05,0.06],"benchmark_returns":[0.10,-0.04,0.08]})");

TEST(ReportingJson, AttributionAnswer) {
  auto r = runAttribution(kAttribution);
  ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
  EXPECT_NEAR((*r)["active_return"].get<double>(), 0.019, 1e-15);
  EXPECT_EQ((*r)["sectors"][1]["sector"], "Japan");
  EXPECT_NEAR((*r)["sectors"][1]["allocation"].get<double>(), -0.0104, 1e-15);
  EXPECT_NEAR((*r)["totals"]["selection"].get<double>(), 0.03, 1e-15);
  EXPECT_FALSE((*r)["totals"].contains("sector"));
}

TEST(ReportingJson, AttributionErrorsNameTheField) {
  EXPECT_EQ(errorField(runAttribution, with(kAttribution, "benchmark_returns", {0.1, 0.2})), "benchmark_returns");
  EXPECT_EQ(errorField(runAttribution, with(kAttribution, "portfolio_weights", {0.4, 0.3, 0.4})), "portfolio_weights");
  EXPECT_EQ(errorField(runAttribution, with(kAttribution, "sectors", {"UK", 2, "US"})), "sectors[1]");
  EXPECT_EQ(errorField(runAttribution, with(kAttribution, "sectors", {"UK", "UK", "US"})), "sectors[1]");
  EXPECT_EQ(errorField(runAttribution, without(kAttribution, "benchmark_weights")), "benchmark_weights");
  EXPECT_EQ(errorField(runAttribution, with(kAttribution, "periods", 1)), "periods");
  EXPECT_EQ(errorField(runAttribution, with(kAttribution, "portfolio_returns", {0.1, "a", 0.1})),
            "portfolio_returns[1]");
}

const json kRebalance = json::parse(R"({"cash":"1000.00","holdings":[
  {"symbol":"AAA","quantity":"100","price":"50.00","target_weight":0.4},
  {"symbol":"BBB","quantity":"10","price":"200.00","target_weight":0.4,"lot_size":"5"},
  {"symbol":"CCC","quantity":"0","price":"33.00","target_weight":0.2,"lot_size":"10"}]})");

json withHolding(json request, std::size_t i, const std::string& key, json value) {
  request["holdings"][i][key] = std::move(value);
  return request;
}

TEST(ReportingJson, RebalanceAnswer) {
  auto r = runRebalance(kRebalance);
  ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
  EXPECT_EQ((*r)["orders"].dump(),
            R"([{"symbol":"AAA","side":"sell","quantity":"36"},{"symbol":"CCC","side":"buy","quantity":"40"},)"
            R"({"symbol":"BBB","side":"buy","quantity":"5"}])");
  EXPECT_EQ((*r)["cash"], "480.00");
  EXPECT_EQ((*r)["net_asset_value"], "8000.00");
  EXPECT_EQ((*r)["holdings"][2]["quantity"], "40");
  EXPECT_DOUBLE_EQ((*r)["holdings"][1]["weight_after"].get<double>(), 0.375);
  EXPECT_EQ((*r)["rebalanced"], true);

  auto crypto = runRebalance(json::parse(R"({"cash":"1000.00","holdings":[{"symbol":"BTC","quantity":"0.5",
    "price":"30000.00","target_weight":1,"lot_size":"0.001","quantity_precision":3}]})"));
  ASSERT_TRUE(crypto.ok()) << crypto.error().field << ": " << crypto.error().message;
  EXPECT_EQ((*crypto)["orders"][0]["quantity"], "0.033");
  EXPECT_EQ((*crypto)["holdings"][0]["quantity"], "0.533");
  EXPECT_EQ((*crypto)["cash"], "10.00000");

  auto held = runRebalance(with(with(kRebalance, "drift_threshold", 0.3), "min_trade_notional", "100"));
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE((*held)["orders"].empty());  // largest drift is 0.225 (AAA 0.625 vs 0.4)
  EXPECT_EQ((*held)["rebalanced"], false);
}

TEST(ReportingJson, RebalanceErrorsNameTheField) {
  EXPECT_EQ(errorField(runRebalance, withHolding(kRebalance, 1, "price", "-200.00")), "holdings[1].price");
  EXPECT_EQ(errorField(runRebalance, withHolding(kRebalance, 1, "price", 200)), "holdings[1].price");
  EXPECT_EQ(errorField(runRebalance, withHolding(kRebalance, 1, "price", "200.001")), "holdings[1].price");
  EXPECT_EQ(errorField(runRebalance, withHolding(kRebalance, 0, "quantity", "1.5")), "holdings[0].quantity");
  EXPECT_EQ(errorField(runRebalance, withHolding(kRebalance, 0, "target_weight", 0.5)), "holdings");
  EXPECT_EQ(errorField(runRebalance, withHolding(kRebalance, 2, "lot", "10")), "holdings[2].lot");
  EXPECT_EQ(errorField(runRebalance, withHolding(kRebalance, 2, "lot_size", "0")), "holdings[2].lot_size");
  EXPECT_EQ(errorField(runRebalance, withHolding(kRebalance, 2, "quantity_precision", 13)),
            "holdings[2].quantity_precision");
  EXPECT_EQ(errorField(runRebalance, withHolding(without(kRebalance, "cash"), 0, "symbol", "AAA")), "cash");
  EXPECT_EQ(errorField(runRebalance, with(kRebalance, "cash", 1000)), "cash");
  EXPECT_EQ(errorField(runRebalance, with(kRebalance, "cash", "1e3")), "cash");
  EXPECT_EQ(errorField(runRebalance, with(kRebalance, "drift_policy", "sector")), "drift_policy");
  EXPECT_EQ(errorField(runRebalance, with(kRebalance, "min_trade_notional", "-5")), "min_trade_notional");
  EXPECT_EQ(errorField(runRebalance, with(kRebalance, "holdings", json::array({1}))), "holdings[0]");
  EXPECT_EQ(errorField(runRebalance, with(kRebalance, "target", 1)), "target");
}

}  // namespace
}  // namespace alphintra::analytics
