// The built-in strategies by name, for `alphintra backtest --strategy NAME` and configs.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "core/result.hpp"
#include "strategy/parameters.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::strategy {

struct StrategyInfo {
  std::string_view name;
  std::string_view summary;
  std::string_view parameters;  // name=default, ...
  Result<std::unique_ptr<Strategy>> (*create)(const Parameters&);
};

std::span<const StrategyInfo> builtinStrategies() noexcept;

// Builds NAME with `params`; an unknown name, a bad value, or a parameter the strategy does not
// read is an error naming it.
Result<std::unique_ptr<Strategy>> makeStrategy(std::string_view name, const Parameters& params);

}  // namespace alphintra::strategy
