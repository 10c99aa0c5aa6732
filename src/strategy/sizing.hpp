// Order sizes given in instrument units (e.g. 100 shares, 0.5 BTC) as a parameter, turned into
// the instrument's raw Quantity once, at start: rounded down to whole lots, at least one lot.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/instrument.hpp"

namespace alphintra::strategy {

inline Quantity unitsToQuantity(double units, const Instrument& instrument) {
  const double raw = units * std::pow(10.0, instrument.quantityPrecision());
  const std::int64_t lot = instrument.lotSize().raw();
  std::int64_t lots = static_cast<std::int64_t>(std::floor(raw / static_cast<double>(lot) + 1e-9));
  if (lots < 1) lots = 1;
  return Quantity::fromRaw(lots * lot);
}

}  // namespace alphintra::strategy
