// Bar: one OHLCV bar of one instrument, in the instrument's fixed-point units.
//
// `start` is the bar's opening time (UTC nanoseconds); a time bar covers [start, start + span).
// Prices are raw integers at the instrument's price precision, volume at its quantity
// precision (core/fixed_point.hpp); `notional` is sum(price × quantity) of the bar's trades in
// raw price × raw quantity units (the VWAP numerator), 0 when the source has no trades (daily
// CSV files). Fixed layout: bars are written to the history store as they are.
#pragma once

#include <cstdint>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace alphintra::marketdata {

struct Bar {
  InstrumentId instrument;
  Timestamp start;
  Price open;
  Price high;
  Price low;
  Price close;
  Quantity volume;
  std::int64_t tradeCount = 0;
  Int128 notional = 0;
};
static_assert(sizeof(Bar) == 80, "Bar is a fixed-layout record of the history store");

}  // namespace alphintra::marketdata
