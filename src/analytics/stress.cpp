#include "analytics/stress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace alphintra::analytics::risk {
namespace {

// Stylized moves of representative indices over each episode, rounded; the sources and windows
// are in docs/analytics-risk.md. Crypto did not trade in 2008: its shock there is hypothetical.
const std::array<StressScenario, 3> kBuiltIn{{
    {"2008-lehman", {.equity = -0.30, .fx = -0.10, .rates = -0.0075, .crypto = -0.60, .commodity = -0.30, .vol = 0.40}},
    {"2020-covid-march",
     {.equity = -0.34, .fx = -0.06, .rates = -0.0080, .crypto = -0.50, .commodity = -0.55, .vol = 0.45}},
    {"2022-rates", {.equity = -0.25, .fx = -0.15, .rates = 0.0250, .crypto = -0.65, .commodity = 0.20, .vol = 0.15}},
}};

std::optional<Error> checkShocks(const StressShocks& s) {
  const std::array<std::pair<std::string_view, double>, 4> relative{
      {{"equity", s.equity}, {"fx", s.fx}, {"crypto", s.crypto}, {"commodity", s.commodity}}};
  for (const auto& [name, move] : relative) {
    if (!std::isfinite(move) || move <= -1.0) {
      return makeError(std::string{name},
                       fmt::format("must be a relative move > -1 (a price stays > 0), got {}", move));
    }
  }
  if (!std::isfinite(s.rates)) return makeError("rates", fmt::format("must be finite, got {}", s.rates));
  if (!std::isfinite(s.vol)) return makeError("vol", fmt::format("must be finite, got {}", s.vol));
  return std::nullopt;
}

}  // namespace

std::span<const StressScenario> builtInScenarios() noexcept { return kBuiltIn; }

const StressScenario* findBuiltInScenario(std::string_view name) noexcept {
  auto it = std::find_if(kBuiltIn.begin(), kBuiltIn.end(), [&](const StressScenario& s) { return s.name == name; });
  return it == kBuiltIn.end() ? nullptr : &*it;
}

double priceMove(const Position& position, const StressShocks& shocks) noexcept {
  switch (position.assetClass) {
    case AssetClass::Equity: return shocks.equity;
    case AssetClass::Fx: return shocks.fx;
    case AssetClass::Rates: return -position.duration.value_or(0.0) * shocks.rates;
    case AssetClass::Crypto: return shocks.crypto;
    case AssetClass::Commodity: return shocks.commodity;
  }
  return 0.0;
}

Result<StressResult> stress(std::span<const Position> positions, const StressScenario& scenario) {
  if (positions.empty()) return makeError("positions", "must hold at least one position");
  if (auto e = validatePositions(positions, std::numeric_limits<std::size_t>::max())) return *e;
  if (auto e = checkShocks(scenario.shocks)) return *e;
  StressResult out;
  out.scenario = scenario.name;
  out.positionPnl.reserve(positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const Position& p = positions[i];
    if (p.assetClass == AssetClass::Rates && !p.duration) {
      return makeError(fmt::format("positions[{}].duration", i),
                       "is required for a rates position under stress: its price moves by -duration * yield change");
    }
    const double move = priceMove(p, scenario.shocks);
    double pnl = 0;
    if (!p.option) {
      pnl = p.quantity * p.multiplier * p.price * move;
    } else {
      const double before = optionValue(*p.option, p.price);
      OptionSpec shocked = *p.option;
      shocked.volatility = std::max(shocked.volatility + scenario.shocks.vol, kMinStressVolatility);
      shocked.rate += scenario.shocks.rates;
      pnl = p.quantity * p.multiplier * (optionValue(shocked, p.price * (1.0 + move)) - before);
    }
    pnl += 0.0;  // turns -0 (a short position under no shock) into 0
    out.positionPnl.push_back(pnl);
    out.pnl += pnl;
  }
  return out;
}

}  // namespace alphintra::analytics::risk
