// Fill model for bar data: an order decided on a bar's close is sent to the engine at once and
// rests at the BarFillVenue; the venue fills it against the next bar of its instrument:
//   market      at the open, moved against the order by the slippage
//   limit buy   at the open (slipped, never above the limit) when open <= limit; otherwise at
//               the limit when the bar's low reaches it; otherwise it keeps resting (GTC/GTD/Day)
//               or is cancelled (IOC/FOK: they get exactly one bar)
//   limit sell  the mirror image, with the high
// Slippage: a number of ticks, or basis points of the open rounded up to whole ticks (both
// given: the larger). The whole quantity fills (no volume limit: a known limit of bar data).
#pragma once

#include <cmath>
#include <cstdint>

#include "core/fixed_point.hpp"
#include "core/side.hpp"

namespace alphintra::backtest {

struct FillModel {
  std::int64_t slippageTicks = 0;
  double slippageBps = 0;

  // The open moved against a taker of `side`, in whole ticks.
  Price slipped(Side side, Price open, Price tick) const noexcept {
    std::int64_t ticks = slippageTicks;
    if (slippageBps > 0) {
      const double raw = static_cast<double>(open.raw()) * slippageBps / 10'000.0;
      const auto bpsTicks = static_cast<std::int64_t>(std::ceil(raw / static_cast<double>(tick.raw()) - 1e-9));
      if (bpsTicks > ticks) ticks = bpsTicks;
    }
    const std::int64_t move = ticks * tick.raw();
    return Price::fromRaw(side == Side::Buy ? open.raw() + move : open.raw() - move);
  }
};

}  // namespace alphintra::backtest
