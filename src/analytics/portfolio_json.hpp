// The JSON interface of portfolio construction: covariance estimation, mean-variance
// optimisation, Black–Litterman and risk parity. One request object in, one response object out;
// the schemas, with examples, are in docs/analytics-portfolio.md. Conventions are those of
// json_api.hpp: a bad request is an Error naming the offending member ("covariance[2][0]",
// "groups[1].assets", "views[0].confidence"; "" for the request as a whole); members the request
// does not use are errors, so a misspelt field is never silently ignored. Assets are referred to
// by their index (0-based) in the covariance matrix / returns columns.
//
// The JSON layer only converts and validates shapes; the numbers come from covariance.hpp,
// mean_variance.hpp, black_litterman.hpp and risk_parity.hpp.
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace alphintra::analytics {

// {"returns":[[...],...], "method":"sample"|"ewma"|"ledoit-wolf", ...} -> {"covariance":[[...]],...}
Result<nlohmann::ordered_json> runCovariance(const nlohmann::json& request);
// {"covariance":..., "expected_returns":..., "objective":"min-variance"|..., constraints} -> weights
Result<nlohmann::ordered_json> runOptimize(const nlohmann::json& request);
// {"covariance":..., "market_weights":..., "views":[...]} -> posterior returns and covariance
Result<nlohmann::ordered_json> runBlackLitterman(const nlohmann::json& request);
// {"covariance":..., "method":"erc"|"hrp"} -> weights and risk contributions
Result<nlohmann::ordered_json> runRiskParity(const nlohmann::json& request);

}  // namespace alphintra::analytics
