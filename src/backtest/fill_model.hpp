// Fill model for bar data: an order decided on a bar's close is sent to the engine at once and
// rests at the BarFillVenue; the venue fills it against the next bar of its instrument:
//   market      at the open, moved against the order by the slippage
//   limit buy   at the open (slipped, never above the limit) when open <= limit; otherwise at
//               the limit when the bar's low reaches it; otherwise it keeps resting (GTC/GTD/Day)
//               or is cancelled (IOC/FOK: they get exactly one bar)
//   limit sell  the mirror image, with the high
// Slippage: a number of ticks, or basis points of the open rounded up to whole ticks (both
// given: the larger).
// Volume: with maxVolumeShare > 0 the orders of an instrument fill at most that share of the
// bar's volume together (rounded down to the lot), in arrival order. An order that gets less
// than its leaves is partially filled: IOC cancels the rest, FOK fills nothing unless all of it
// is available, anything else (market orders included) works on into the next bars. With 0
// (the default) each order fills whole, whatever the bar traded.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/fixed_point.hpp"
#include "core/side.hpp"

namespace alphintra::backtest {

struct FillModel {
  std::int64_t slippageTicks = 0;
  double slippageBps = 0;
  double maxVolumeShare = 0;  // (0, 1]; 0: no volume limit

  // What the bar's volume allows all orders together, in whole lots (no limit: INT64_MAX).
  std::int64_t volumeAllowance(Quantity volume, Quantity lot) const noexcept {
    if (maxVolumeShare <= 0) return INT64_MAX;
    const double share = static_cast<double>(volume.raw()) * maxVolumeShare;
    const std::int64_t step = lot.raw() > 0 ? lot.raw() : 1;
    return static_cast<std::int64_t>(std::floor(share / static_cast<double>(step) + 1e-9)) * step;
  }

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
