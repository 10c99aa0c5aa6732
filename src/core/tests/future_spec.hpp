// A futures contract's definition for tests: USD, prices to 2 places unless changed, whole
// contracts, the given tick and contract multiplier.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/instrument.hpp"

namespace alphintra::testing {

inline InstrumentSpec futureSpec(std::uint64_t id, std::string symbol, std::string tick, std::string multiplier) {
  InstrumentSpec s;
  s.id = id;
  s.symbol = std::move(symbol);
  s.assetClass = AssetClass::Future;
  s.tickSize = std::move(tick);
  s.multiplier = std::move(multiplier);
  return s;
}

}  // namespace alphintra::testing
