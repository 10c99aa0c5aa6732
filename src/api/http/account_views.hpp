// Account views: an account's portfolio, risk figures and limits as the REST API's JSON
// (docs/api.md), computed from the engine's own ledger and risk state. They run on the engine
// thread through EngineRuntime::inspect (between two commands), so the figures are the
// engine's exactly — the edge keeps no second ledger that could drift from it.
//
// Money is formatted in the account's base currency (minor units of that currency), prices and
// quantities at the instrument's precision, as decimal strings.
// Threading: call on the engine thread (or on an engine nobody else touches: tests).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "api/directory.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"

namespace alphintra::api::http {

// One position's exposure: its market value (mark x quantity x multiplier, signed) in some currency.
struct InstrumentExposure {
  InstrumentId instrument;
  std::string symbol;
  double value = 0;
};

// Value-at-Risk of a set of exposures, in their currency, as a market risk model computes it
// (app/serve_var.hpp). Positive numbers are losses.
struct VarFigures {
  std::string method;  // e.g. "parametric_ewma"
  double confidence = 0;
  int horizonDays = 0;
  double var = 0;
  double expectedShortfall = 0;
  double volatility = 0;           // standard deviation of the P&L over the horizon
  std::size_t observations = 0;    // returns the covariance was estimated from
  std::int64_t asOfNanos = 0;      // end of the estimation window
  std::vector<double> components;  // Euler allocation, one per exposure, summing to var
};

// The risk model's answer for some exposures; an error says why there is none (its field names
// the instrument).
using VarEstimator = std::function<Result<VarFigures>(std::span<const InstrumentExposure>)>;

// The account's open positions as exposures converted into `currency` at the ledger's FX rates.
// Fails (field: the symbol) for a position without a mark or an FX path.
Result<std::vector<InstrumentExposure>> accountExposures(const engine::Engine& engine, AccountId account,
                                                         Currency currency);

// nullopt for an unknown account.
std::optional<std::string> portfolioJson(const engine::Engine& engine, AccountId account);
// With an estimator, "valueAtRisk" holds its figures (or available:false and the reason).
std::optional<std::string> riskJson(const engine::Engine& engine, AccountId account, const VarEstimator* var = nullptr);
std::optional<std::string> limitsJson(const engine::Engine& engine, AccountId account);

}  // namespace alphintra::api::http
