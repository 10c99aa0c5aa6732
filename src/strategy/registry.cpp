#include "strategy/registry.hpp"

#include <array>
#include <string>

#include "strategy/market_maker.hpp"
#include "strategy/mean_reversion.hpp"
#include "strategy/momentum.hpp"
#include "strategy/pairs_trading.hpp"
#include "strategy/sma_cross.hpp"

namespace alphintra::strategy {

namespace {

constexpr std::array kStrategies{
    StrategyInfo{"sma_cross", "moving-average crossover: long (or short) while the fast SMA is above (below) the slow",
                 "fast=10, slow=30, quantity=100, allow_short=false", &SmaCross::create},
    StrategyInfo{"momentum", "time-series momentum: the sign of the return over the lookback",
                 "lookback=60, quantity=100, allow_short=true", &Momentum::create},
    StrategyInfo{"mean_reversion", "Bollinger / z-score mean reversion of closes",
                 "window=20, entry_z=2, exit_z=0.5, quantity=100, allow_short=true", &MeanReversion::create},
    StrategyInfo{"pairs", "pairs statistical arbitrage: rolling-regression hedge ratio, z-score entry and exit",
                 "window=60, z_window=window, entry_z=2, exit_z=0.5, quantity=100", &PairsTrading::create},
    StrategyInfo{"market_maker", "Avellaneda-Stoikov inventory-aware market maker",
                 "gamma=0.1, k=1.5, horizon=1, vol_window=50, quantity=100, max_inventory=5", &MarketMaker::create},
};

}  // namespace

std::span<const StrategyInfo> builtinStrategies() noexcept { return kStrategies; }

Result<std::unique_ptr<Strategy>> makeStrategy(std::string_view name, const Parameters& params) {
  for (const StrategyInfo& info : kStrategies) {
    if (info.name != name) continue;
    auto made = info.create(params);
    if (!made) return made.error();
    const auto unused = params.unused();
    if (!unused.empty()) {
      return makeError("param." + unused.front(), "is not a parameter of " + std::string(name) + " (it takes " +
                                                      std::string(info.parameters) + ")");
    }
    return made;
  }
  std::string names;
  for (const StrategyInfo& info : kStrategies) names += (names.empty() ? "" : ", ") + std::string(info.name);
  return makeError("strategy", "unknown strategy '" + std::string(name) + "' (built in: " + names + ")");
}

}  // namespace alphintra::strategy
