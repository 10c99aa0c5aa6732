#include "marketdata/bar_aggregator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata {

namespace {

// Sums of what a feed or a stored file says, saturated: a damaged record (a volume near 2^63)
// clamps the bar's total instead of overflowing it.
template <typename T>
T addSaturated(T a, T b) noexcept {
  static_assert(std::numeric_limits<T>::is_specialized);
  T sum{};
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? std::numeric_limits<T>::max() : std::numeric_limits<T>::min();
  return sum;
}

Quantity addSaturated(Quantity a, Quantity b) noexcept { return Quantity::fromRaw(addSaturated(a.raw(), b.raw())); }

}  // namespace

Result<std::int64_t> parseInterval(std::string_view text) {
  const std::string name{"interval"};
  if (text.size() < 2) return makeError(name, fmt::format("'{}' is not an interval such as 1s, 5m, 1h or 1d", text));
  std::int64_t count = 0;
  std::string reason;
  if (!parseInteger(text.substr(0, text.size() - 1), count, reason) || count <= 0 || count > 86'400) {
    return makeError(name, fmt::format("'{}' is not an interval such as 1s, 5m, 1h or 1d", text));
  }
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3'600; break;
    case 'd': unit = 86'400; break;
    default: return makeError(name, fmt::format("'{}' has no unit s, m, h or d", text));
  }
  const std::int64_t seconds = count * unit;
  if (seconds > 86'400 || 86'400 % seconds != 0) {
    return makeError(name, fmt::format("'{}' must be between 1s and 1d and divide a day evenly", text));
  }
  return seconds * kNanosPerSecond;
}

std::string formatInterval(std::int64_t spanNanos) {
  const std::int64_t s = spanNanos / kNanosPerSecond;
  if (s % 86'400 == 0) return fmt::format("{}d", s / 86'400);
  if (s % 3'600 == 0) return fmt::format("{}h", s / 3'600);
  if (s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

Result<BarSpec> parseBarSpec(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    auto span = parseInterval(text);
    if (!span) return span.error();
    return BarSpec{BarKind::Time, *span};
  }
  const std::string_view kind = text.substr(0, colon);
  BarSpec spec;
  if (kind == "tick") {
    spec.kind = BarKind::Tick;
  } else if (kind == "volume") {
    spec.kind = BarKind::Volume;
  } else if (kind == "dollar") {
    spec.kind = BarKind::Dollar;
  } else {
    return makeError("bars", fmt::format("'{}' is not a bar kind (time interval, tick:N, volume:N or dollar:N)", kind));
  }
  std::string reason;
  if (!parseInteger(text.substr(colon + 1), spec.size, reason) || spec.size <= 0) {
    return makeError("bars", fmt::format("'{}': the threshold must be a positive integer", text));
  }
  return spec;
}

Result<BarAggregator> BarAggregator::create(InstrumentId instrument, BarSpec spec) {
  if (spec.size <= 0) return makeError("bars", "the bar size must be positive");
  if (spec.kind == BarKind::Time && (spec.size % kNanosPerSecond != 0 || kNanosPerDay % spec.size != 0)) {
    return makeError("bars", fmt::format("a time bar of {} ns does not divide a day into whole seconds", spec.size));
  }
  return BarAggregator{instrument, spec};
}

void BarAggregator::start(Timestamp barStart, Price price) noexcept {
  bar_ = Bar{};
  bar_.instrument = instrument_;
  bar_.start = barStart;
  bar_.open = bar_.high = bar_.low = bar_.close = price;
  open_ = true;
}

bool BarAggregator::thresholdReached() const noexcept {
  switch (spec_.kind) {
    case BarKind::Tick: return bar_.tradeCount >= spec_.size;
    case BarKind::Volume: return bar_.volume.raw() >= spec_.size;
    case BarKind::Dollar: return bar_.notional >= static_cast<Int128>(spec_.size);
    case BarKind::Time: break;
  }
  return false;
}

bool BarAggregator::onTrade(Timestamp time, Price price, Quantity quantity, Bar& completed) noexcept {
  bool done = false;
  if (spec_.kind == BarKind::Time) {
    const Timestamp bucket{floorTo(time.nanos(), spec_.size)};
    if (open_ && bucket > bar_.start) {
      completed = bar_;
      done = true;
      open_ = false;
    }
    if (!open_) start(bucket, price);
  } else if (!open_) {
    start(time, price);
  }
  bar_.high = std::max(bar_.high, price);
  bar_.low = std::min(bar_.low, price);
  bar_.close = price;
  bar_.volume = addSaturated(bar_.volume, quantity);
  bar_.tradeCount = addSaturated<std::int64_t>(bar_.tradeCount, 1);
  bar_.notional = addSaturated<Int128>(bar_.notional, rawNotional(price, quantity));
  if (spec_.kind != BarKind::Time && thresholdReached()) {
    completed = bar_;
    open_ = false;
    return true;
  }
  return done;
}

bool BarAggregator::onBar(const Bar& in, Bar& completed) noexcept {
  const Timestamp bucket{floorTo(in.start.nanos(), spec_.size)};
  bool done = false;
  if (open_ && bucket > bar_.start) {
    completed = bar_;
    done = true;
    open_ = false;
  }
  if (!open_) {
    bar_ = in;
    bar_.instrument = instrument_;
    bar_.start = bucket;
    open_ = true;
    return done;
  }
  bar_.high = std::max(bar_.high, in.high);
  bar_.low = std::min(bar_.low, in.low);
  bar_.close = in.close;
  bar_.volume = addSaturated(bar_.volume, in.volume);
  bar_.tradeCount = addSaturated(bar_.tradeCount, in.tradeCount);
  bar_.notional = addSaturated(bar_.notional, in.notional);
  return done;
}

bool BarAggregator::flush(Bar& completed) noexcept {
  if (!open_) return false;
  completed = bar_;
  open_ = false;
  return true;
}

}  // namespace alphintra::marketdata
