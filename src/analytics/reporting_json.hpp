// The JSON edge of the reporting analytics: performance statistics, Brinson–Fachler attribution
// and rebalancing. One request object in, one response object out; schemas with examples in
// docs/analytics-reporting.md. The conventions are those of json_api.hpp: every bad request
// is an Error naming the member as spelled in the request ("returns[3]", "holdings[1].price",
// "" for the request as a whole), unknown members are errors, and the JSON layer only converts
// (the numbers come from performance.hpp, attribution.hpp and rebalance.hpp).
//
//   performance  {"returns":[0.01,-0.02,...] | "equity":[100,101,...],
//                 "frequency":"daily" | "periods_per_year":252, "risk_free_rate":0.02,
//                 "trades":[...], "positions":[...]}
//   attribution  {"sectors":["A","B"], "portfolio_weights":[...], "benchmark_weights":[...],
//                 "portfolio_returns":[...], "benchmark_returns":[...]}
//   rebalance    {"cash":"1000.00", "holdings":[{"symbol":"AAA","quantity":"10","price":"50.25",
//                 "target_weight":0.5, "lot_size":"1","price_precision":2,"quantity_precision":0}],
//                 "cash_weight":0, "drift_threshold":0.05, "drift_policy":"portfolio",
//                 "min_trade_notional":"100"}
#pragma once

#include <nlohmann/json.hpp>

#include "analytics/attribution.hpp"
#include "analytics/performance.hpp"
#include "analytics/rebalance.hpp"
#include "core/result.hpp"

namespace alphintra::analytics {

// What the CLI calls: parse, compute, serialize. Never throw on bad input.
Result<nlohmann::ordered_json> runPerformance(const nlohmann::json& request);
Result<nlohmann::ordered_json> runAttribution(const nlohmann::json& request);
Result<nlohmann::ordered_json> runRebalance(const nlohmann::json& request);

// The pieces, for callers and tests.
Result<PerformanceInput> performanceInputFromJson(const nlohmann::json& request);
Result<std::vector<SectorInput>> attributionInputFromJson(const nlohmann::json& request);
Result<RebalanceInput> rebalanceInputFromJson(const nlohmann::json& request);
nlohmann::ordered_json toJson(const PerformanceReport& report);
nlohmann::ordered_json toJson(const Attribution& attribution);
nlohmann::ordered_json toJson(const RebalanceInput& input, const RebalancePlan& plan);

}  // namespace alphintra::analytics
