// The table of analytics commands: each JSON command of the module, by name. The CLI
// (`alphintra analytics NAME`) and the HTTP API expose exactly this list.
#include <array>

#include "analytics/json_api.hpp"
#include "analytics/portfolio_json.hpp"
#include "analytics/reporting_json.hpp"
#include "analytics/risk_json.hpp"

namespace alphintra::analytics {

std::span<const AnalyticsCommand> analyticsCommands() {
  static constexpr std::array kCommands{
      AnalyticsCommand{"price", "Price one option (or a batch: an array) with its Greeks",
                       [](const nlohmann::json& r) { return runJson(JsonCommand::Price, r); }},
      AnalyticsCommand{"implied-vol", "Implied volatility of a European option from its price (or of a batch)",
                       [](const nlohmann::json& r) { return runJson(JsonCommand::ImpliedVol, r); }},
      AnalyticsCommand{"var", "Value-at-Risk and Expected Shortfall: historical, parametric or Monte Carlo", &runVar},
      AnalyticsCommand{"stress", "Stress test positions under historical or user-defined shocks", &runStress},
      AnalyticsCommand{"var-backtest", "Kupiec proportion-of-failures test of a VaR model", &runVarBacktest},
      AnalyticsCommand{"covariance", "Covariance matrix: sample, exponentially weighted or Ledoit-Wolf",
                       &runCovariance},
      AnalyticsCommand{"optimize", "Mean-variance optimisation under budget, bound, group and turnover constraints",
                       &runOptimize},
      AnalyticsCommand{"black-litterman", "Black-Litterman posterior returns from equilibrium and views",
                       &runBlackLitterman},
      AnalyticsCommand{"risk-parity", "Equal-risk-contribution or hierarchical risk parity weights", &runRiskParity},
      AnalyticsCommand{"performance", "Return statistics of an equity curve or return series", &runPerformance},
      AnalyticsCommand{"attribution", "Brinson-Fachler attribution by sector", &runAttribution},
      AnalyticsCommand{"rebalance", "Orders from holdings to target weights, in lots", &runRebalance},
  };
  return kCommands;
}

}  // namespace alphintra::analytics
