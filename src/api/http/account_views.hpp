// Account views: an account's portfolio, risk figures and limits as the REST API's JSON
// (docs/api.md), computed from the engine's own ledger and risk state. They run on the engine
// thread through EngineRuntime::inspect (between two commands), so the figures are the
// engine's exactly — the edge keeps no second ledger that could drift from it.
//
// Money is formatted in the account's base currency (minor units of that currency), prices and
// quantities at the instrument's precision, as decimal strings.
// Threading: call on the engine thread (or on an engine nobody else touches: tests).
#pragma once

#include <optional>
#include <string>

#include "api/directory.hpp"
#include "engine/engine.hpp"

namespace alphintra::api::http {

// nullopt for an unknown account.
std::optional<std::string> portfolioJson(const engine::Engine& engine, AccountId account);
std::optional<std::string> riskJson(const engine::Engine& engine, AccountId account);
std::optional<std::string> limitsJson(const engine::Engine& engine, AccountId account);

}  // namespace alphintra::api::http
