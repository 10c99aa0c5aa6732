// Market events a strategy sees besides bars (marketdata::Bar): trades, top-of-book quotes and
// book depth, each with the exchange's and our receive timestamps. They are the strategy's
// view, small fixed-layout values; feeds and the backtester's replays fill them from their own
// records (the market-data module's normalized events).
#pragma once

#include <array>
#include <cstdint>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/side.hpp"
#include "core/time.hpp"

namespace alphintra::strategy {

struct TradeTick {
  InstrumentId instrument;
  Timestamp exchangeTime;
  Timestamp receiveTime;
  Price price;
  Quantity quantity;
  Side aggressor = Side::None;
};

struct QuoteTick {
  InstrumentId instrument;
  Timestamp exchangeTime;
  Timestamp receiveTime;
  Price bidPrice = Price::undefined();
  Quantity bidQuantity;
  Price askPrice = Price::undefined();
  Quantity askQuantity;
};

// The top levels of a book after a change (L2 view); level 0 is the best. Unused levels have an
// undefined price.
struct BookUpdate {
  static constexpr std::size_t kLevels = 5;
  struct Level {
    Price price = Price::undefined();
    Quantity quantity;
  };
  InstrumentId instrument;
  Timestamp exchangeTime;
  Timestamp receiveTime;
  std::array<Level, kLevels> bids{};
  std::array<Level, kLevels> asks{};
};

}  // namespace alphintra::strategy
