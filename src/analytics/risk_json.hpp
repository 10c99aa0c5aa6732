// The JSON interface of market risk: Value-at-Risk (var.hpp), stress tests (stress.hpp) and VaR
// backtests (kupiec.hpp). Each function takes one parsed request object and answers the response
// object, or an Error naming the offending member as the request spells it ("confidence",
// "positions[2].option.strike", "returns[4][1]", "scenarios[0].equity"). Members a request does
// not use are errors, so that nothing is silently ignored. Schemas and examples are in
// docs/analytics-risk.md; in short:
//
//   var           {"method":"historical"|"parametric"|"monte-carlo","confidence":0.99,
//                  "horizon_days":10,"factors":["SPX"],"positions":[{"id":"spy","asset_class":"equity",
//                  "factor":"SPX","quantity":100,"price":450}],"returns":[[0.01],[-0.02],...]}
//                 -> {"method":...,"var":...,"expected_shortfall":...,...}
//   stress        {"positions":[...],"scenarios":["2008-lehman",{"name":"mine","equity":-0.1}]}
//                 -> {"scenarios":[{"name":...,"pnl":...,"positions":[...]}],"worst":{...}}
//   var-backtest  {"confidence":0.99,"observations":250,"exceptions":5} or with "pnl" and "var"
//                 -> {"likelihood_ratio":...,"p_value":...,"reject":...,"traffic_light":...}
//
// The signatures are those of json_api.hpp's JsonHandler, for the table of analytics commands
// (json_commands.cpp); like the other commands' handlers they live in namespace analytics, the
// computations they call in analytics::risk. Stateless; reentrant.
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace alphintra::analytics {

Result<nlohmann::ordered_json> runVar(const nlohmann::json& request);
Result<nlohmann::ordered_json> runStress(const nlohmann::json& request);
Result<nlohmann::ordered_json> runVarBacktest(const nlohmann::json& request);

}  // namespace alphintra::analytics
