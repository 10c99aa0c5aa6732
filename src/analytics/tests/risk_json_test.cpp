// The market-risk JSON layer (risk_json.hpp): answers equal the C++ calls, and every bad request
// is answered with an error naming the member, as the request spells it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "analytics/json_api.hpp"
#include "analytics/risk_json.hpp"
#include "analytics/stress.hpp"
#include "analytics/var.hpp"

namespace alphintra::analytics::risk {
namespace {

using nlohmann::json;

json book() {
  return json::parse(R"({
    "method":"historical","confidence":0.9,"horizon_days":1,"factors":["SPX","EURUSD"],
    "positions":[{"id":"spx","asset_class":"equity","factor":"SPX","quantity":10,"price":100},
                 {"id":"eur","asset_class":"fx","factor":"EURUSD","quantity":-1000,"price":1.1}],
    "returns":[[0.01,0.0],[-0.03,0.01],[0.02,-0.01],[0.0,0.0],[-0.05,0.02],
               [0.01,0.0],[0.0,0.005],[0.01,0.0],[-0.01,0.0],[0.0,-0.02]]})");
}

// The error of a request as the CLI would answer it.
std::pair<std::string, std::string> errorOf(const json& request, JsonHandler handler) {
  auto r = handler(request);
  if (r) return {"<no error>", r->dump()};
  return {r.error().field, r.error().message};
}

TEST(RiskJson, HistoricalVarEqualsTheCppCall) {
  auto r = runVar(book());
  ASSERT_TRUE(r) << r.error().field << ": " << r.error().message;
  // P&L per scenario: 1000 r1 - 1100 r2; worst: -50 - 22 = -72, -30 - 11 = -41: k = 1 at 90%.
  EXPECT_NEAR((*r)["var"].get<double>(), 72.0, 1e-12);
  EXPECT_NEAR((*r)["expected_shortfall"].get<double>(), 72.0, 1e-12);
  EXPECT_EQ((*r)["tail_count"], 1);
  EXPECT_EQ((*r)["scenarios"], 10);
  EXPECT_NEAR((*r)["portfolio_value"].get<double>(), 1000.0 - 1100.0, 1e-12);
  EXPECT_EQ((*r)["method"], "historical");
}

TEST(RiskJson, ParametricWithComponentsAndMonteCarlo) {
  json req = book();
  req["method"] = "parametric";
  req["confidence"] = 0.99;
  req.erase("returns");
  req["covariance"] = json::parse("[[0.0004,0.00006],[0.00006,0.0001]]");
  auto p = runVar(req);
  ASSERT_TRUE(p) << p.error().field << ": " << p.error().message;
  double sum = 0;
  for (const auto& c : (*p)["components"]) sum += c["component_var"].get<double>();
  EXPECT_NEAR(sum, (*p)["var"].get<double>(), 1e-10);
  ASSERT_EQ((*p)["components"].size(), 2u);
  EXPECT_EQ((*p)["components"][1]["factor"], "EURUSD");
  // sigma^2 = 1000^2 0.0004 + 1100^2 0.0001 - 2 1000 1100 0.00006 = 400 + 121 - 132 = 389.
  EXPECT_NEAR((*p)["var"].get<double>(), 2.3263478740408408 * std::sqrt(389.0), 1e-9);

  req["cornish_fisher"] = true;
  req["skewness"] = -0.5;
  req["excess_kurtosis"] = 3;
  auto cf = runVar(req);
  ASSERT_TRUE(cf) << cf.error().message;
  EXPECT_NEAR((*cf)["var"].get<double>(), 3.301284492180553 * std::sqrt(389.0), 1e-9);

  req = book();
  req["method"] = "monte-carlo";
  req.erase("returns");
  req["covariance"] = json::parse("[[0.0004,0.00006],[0.00006,0.0001]]");
  req["simulations"] = 20000;
  req["seed"] = 7;
  req["threads"] = 2;
  req["distribution"] = "student-t";
  req["dof"] = 5;
  auto mc = runVar(req);
  ASSERT_TRUE(mc) << mc.error().message;
  req["threads"] = 1;
  auto mc1 = runVar(req);
  ASSERT_TRUE(mc1);
  EXPECT_EQ(mc->dump(), mc1->dump());
  EXPECT_EQ((*mc)["simulations"], 20000);
  EXPECT_EQ((*mc)["distribution"], "student-t");
}

TEST(RiskJson, OptionPositionsAndStress) {
  json req = json::parse(R"({"positions":[
      {"id":"put","asset_class":"equity","quantity":-2,"price":100,"multiplier":100,
       "option":{"model":"bsm","type":"put","strike":95,"expiry":0.25,"rate":0.03,"volatility":0.2}},
      {"id":"ust","asset_class":"rates","quantity":10,"price":99,"duration":8}],
    "scenarios":["2008-lehman",{"name":"mild","equity":-0.05,"vol":0.02}]})");
  auto r = runStress(req);
  ASSERT_TRUE(r) << r.error().field << ": " << r.error().message;
  ASSERT_EQ((*r)["scenarios"].size(), 2u);
  EXPECT_EQ((*r)["scenarios"][0]["name"], "2008-lehman");
  // Rates fall 75 bp in 2008-lehman: +10 * 99 * 8 * 0.0075.
  EXPECT_NEAR((*r)["scenarios"][0]["positions"][1]["pnl"].get<double>(), 59.4, 1e-9);
  EXPECT_EQ((*r)["worst"]["name"], "2008-lehman");
  EXPECT_NEAR((*r)["scenarios"][1]["positions"][1]["pnl"].get<double>(), 0.0, 1e-12);

  req.erase("scenarios");  // all built-ins
  auto all = runStress(req);
  ASSERT_TRUE(all);
  EXPECT_EQ((*all)["scenarios"].size(), builtInScenarios().size());
}

TEST(RiskJson, Backtest) {
  auto counts = runVarBacktest(json::parse(R"({"confidence":0.99,"observations":250,"exceptions":5})"));
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_NEAR((*counts)["likelihood_ratio"].get<double>(), 1.956809788230622, 1e-11);
  EXPECT_EQ((*counts)["traffic_light"], "yellow");
  EXPECT_EQ((*counts)["reject"], false);
  auto series = runVarBacktest(json::parse(R"({"confidence":0.9,"pnl":[-5,2,-11,-10,3,-20],"var":10})"));
  ASSERT_TRUE(series) << series.error().message;
  EXPECT_EQ((*series)["exceptions"], 2);
  EXPECT_EQ((*series)["observations"], 6);
}

TEST(RiskJson, EveryBadVarRequestNamesItsField) {
  struct Case {
    std::string field;
    std::string needle;  // part of the message
    void (*edit)(json&);
  };
  const std::vector<Case> cases{
      {"method", "is required", [](json& r) { r.erase("method"); }},
      {"method", "unknown method", [](json& r) { r["method"] = "delta-gamma"; }},
      {"confidence", "strictly between 0 and 1", [](json& r) { r["confidence"] = 1.0; }},
      {"confidence", "must be a number", [](json& r) { r["confidence"] = "99%"; }},
      {"horizon_days", "> 0", [](json& r) { r["horizon_days"] = 0; }},
      {"factors", "is required", [](json& r) { r.erase("factors"); }},
      {"factors[1]", "duplicate", [](json& r) { r["factors"][1] = "SPX"; }},
      {"positions", "is required", [](json& r) { r.erase("positions"); }},
      {"positions[0].quantity", "is required", [](json& r) { r["positions"][0].erase("quantity"); }},
      {"positions[1].price", "> 0", [](json& r) { r["positions"][1]["price"] = -1; }},
      {"positions[1].factor", "unknown factor", [](json& r) { r["positions"][1]["factor"] = "USDJPY"; }},
      {"positions[0].factor", "is required", [](json& r) { r["positions"][0].erase("factor"); }},
      {"positions[0].asset_class", "unknown asset_class", [](json& r) { r["positions"][0]["asset_class"] = "bond"; }},
      {"positions[0].qty", "unknown field", [](json& r) { r["positions"][0]["qty"] = 1; }},
      {"positions[0].duration", "rates positions only", [](json& r) { r["positions"][0]["duration"] = 5; }},
      {"positions[0].option.strike", "is required",
       [](json& r) {
         r["positions"][0]["option"] =
             json::parse(R"({"model":"bsm","type":"call","expiry":1,"rate":0,"volatility":0.2})");
       }},
      {"positions[0].option.volatility", "> 0",
       [](json& r) {
         r["positions"][0]["option"] =
             json::parse(R"({"model":"bsm","type":"call","strike":100,"expiry":1,"rate":0,"volatility":-0.2})");
       }},
      {"positions[0].option.spot", "position's price",
       [](json& r) {
         r["positions"][0]["option"] = json::parse(
             R"({"model":"bsm","type":"call","spot":100,"strike":100,"expiry":1,"rate":0,"volatility":0.2})");
       }},
      {"returns", "is required", [](json& r) { r.erase("returns"); }},
      {"returns[2]", "must hold 2 numbers", [](json& r) { r["returns"][2] = json::array({0.1}); }},
      {"returns[3][1]", "must be a number", [](json& r) { r["returns"][3][1] = "x"; }},
      {"covariance", "not used by method \"historical\"",
       [](json& r) { r["covariance"] = json::parse("[[1,0],[0,1]]"); }},
      {"simulations", "unknown field", [](json& r) { r["simulations"] = 10; }},
      {"covariance", "not positive definite",
       [](json& r) {
         r["method"] = "parametric";
         r.erase("returns");
         r["covariance"] = json::parse("[[0.0004,0.0002],[0.0002,0.0001]]");
       }},
      {"covariance", "must have 2 rows",
       [](json& r) {
         r["method"] = "monte-carlo";
         r.erase("returns");
         r["covariance"] = json::parse("[[0.0004,0.0]]");
       }},
      {"covariance", "either",
       [](json& r) {
         r["method"] = "parametric";
         r["covariance"] = json::parse("[[1,0],[0,1]]");
       }},
      {"skewness", "only with \"cornish_fisher\"",
       [](json& r) {
         r["method"] = "parametric";
         r["skewness"] = 0.1;
       }},
      {"skewness", "computed from \"returns\"",
       [](json& r) {
         r["method"] = "parametric";
         r["cornish_fisher"] = true;
         r["skewness"] = 0.1;
       }},
      {"cornish_fisher", "true or false",
       [](json& r) {
         r["method"] = "parametric";
         r["cornish_fisher"] = 1;
       }},
      {"dof", "is required",
       [](json& r) {
         r["method"] = "monte-carlo";
         r["distribution"] = "student-t";
       }},
      {"dof", "> 2",
       [](json& r) {
         r["method"] = "monte-carlo";
         r["distribution"] = "student-t";
         r["dof"] = 2;
       }},
      {"dof", "only with",
       [](json& r) {
         r["method"] = "monte-carlo";
         r["dof"] = 5;
       }},
      {"distribution", "unknown distribution",
       [](json& r) {
         r["method"] = "monte-carlo";
         r["distribution"] = "cauchy";
       }},
      {"simulations", "between 1 and",
       [](json& r) {
         r["method"] = "monte-carlo";
         r["simulations"] = 0;
       }},
      {"threads", "between 1 and",
       [](json& r) {
         r["method"] = "monte-carlo";
         r["threads"] = 1000;
       }},
      {"seed", "must be an integer",
       [](json& r) {
         r["method"] = "monte-carlo";
         r["seed"] = 1.5;
       }},
      {"returns", "sample covariance",
       [](json& r) {
         r["method"] = "monte-carlo";
         r["returns"] = json::parse("[[0.01,0.02],[0.02,0.04]]");
       }},
      {"confidences", "unknown field", [](json& r) { r["confidences"] = 0.99; }},
  };
  for (const Case& c : cases) {
    json request = book();
    c.edit(request);
    auto [field, message] = errorOf(request, runVar);
    EXPECT_EQ(field, c.field) << message;
    EXPECT_NE(message.find(c.needle), std::string::npos) << c.field << ": " << message;
  }
  auto [field, message] = errorOf(json::array(), runVar);
  EXPECT_EQ(field, "");
}

TEST(RiskJson, EveryBadStressOrBacktestRequestNamesItsField) {
  const json positions = json::parse(R"([{"asset_class":"equity","quantity":1,"price":10}])");
  struct Case {
    std::string field;
    json request;
    JsonHandler handler;
  };
  const std::vector<Case> cases{
      {"scenarios[0]", {{"positions", positions}, {"scenarios", {"1929-crash"}}}, runStress},
      {"scenarios[0].name", {{"positions", positions}, {"scenarios", {{{"equity", -0.1}}}}}, runStress},
      {"scenarios[0].equity",
       {{"positions", positions}, {"scenarios", {{{"name", "x"}, {"equity", -1.5}}}}},
       runStress},
      {"scenarios[0].eqity", {{"positions", positions}, {"scenarios", {{{"name", "x"}, {"eqity", -0.1}}}}}, runStress},
      {"scenarios", {{"positions", positions}, {"scenarios", json::array()}}, runStress},
      {"positions[0].duration",
       {{"positions", json::parse(R"([{"asset_class":"rates","quantity":1,"price":10}])")}},
       runStress},
      {"horizon_days", {{"positions", positions}, {"horizon_days", 1}}, runStress},
      {"exceptions", json::parse(R"({"observations":10,"exceptions":11})"), runVarBacktest},
      {"exceptions", json::parse(R"({"observations":10})"), runVarBacktest},
      {"observations", json::parse(R"({"observations":0,"exceptions":0})"), runVarBacktest},
      {"confidence", json::parse(R"({"confidence":-1,"observations":10,"exceptions":0})"), runVarBacktest},
      {"significance", json::parse(R"({"significance":2,"observations":10,"exceptions":0})"), runVarBacktest},
      {"var", json::parse(R"({"pnl":[1,2,3]})"), runVarBacktest},
      {"var", json::parse(R"({"pnl":[1,2,3],"var":[1,2]})"), runVarBacktest},
      {"pnl[1]", json::parse(R"({"pnl":[1,"a",3],"var":1})"), runVarBacktest},
      {"observations", json::parse(R"({"pnl":[1],"var":1,"observations":1})"), runVarBacktest},
  };
  for (const Case& c : cases) {
    auto [field, message] = errorOf(c.request, c.handler);
    EXPECT_EQ(field, c.field) << c.request.dump() << " -> " << message;
  }
}

TEST(RiskJson, TheCliEnvelopeCarriesCodeFieldAndMessage) {
  const JsonReply reply = handleJson(runVar, R"({"method":"parametric","confidence":1.5})");
  EXPECT_FALSE(reply.ok);
  const json body = json::parse(reply.body);
  EXPECT_EQ(body["error"]["code"], "invalid_request");
  EXPECT_EQ(body["error"]["field"], "confidence");
  EXPECT_FALSE(handleJson(runStress, "{not json").ok);
}

}  // namespace
}  // namespace alphintra::analytics::risk
