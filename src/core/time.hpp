// Timestamp: nanoseconds since the Unix epoch, UTC, as a typed int64.
// Domain code never reads a clock; time is handed to it as an input (see DESIGN.md).
#pragma once

#include <compare>
#include <cstdint>

namespace alphintra {

class Timestamp {
 public:
  constexpr Timestamp() noexcept = default;
  constexpr explicit Timestamp(std::int64_t nanos) noexcept : nanos_(nanos) {}

  static constexpr Timestamp fromSeconds(std::int64_t s) noexcept { return Timestamp{s * 1'000'000'000}; }
  constexpr std::int64_t nanos() const noexcept { return nanos_; }
  constexpr auto operator<=>(const Timestamp&) const noexcept = default;

  constexpr Timestamp operator+(std::int64_t nanos) const noexcept { return Timestamp{nanos_ + nanos}; }
  constexpr std::int64_t operator-(Timestamp other) const noexcept { return nanos_ - other.nanos_; }

 private:
  std::int64_t nanos_ = 0;
};

}  // namespace alphintra
