// Distinct id types: an OrderId cannot be passed where an AccountId is expected.
// Ids are 64-bit unsigned integers; 0 is reserved as "none" in every id space.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace alphintra {

template <typename Tag>
class StrongId {
 public:
  constexpr StrongId() noexcept = default;
  constexpr explicit StrongId(std::uint64_t value) noexcept : value_(value) {}

  constexpr std::uint64_t value() const noexcept { return value_; }
  constexpr bool isNone() const noexcept { return value_ == 0; }
  constexpr auto operator<=>(const StrongId&) const noexcept = default;

 private:
  std::uint64_t value_ = 0;
};

using OrderId = StrongId<struct OrderIdTag>;
using AccountId = StrongId<struct AccountIdTag>;
using InstrumentId = StrongId<struct InstrumentIdTag>;
using TradeId = StrongId<struct TradeIdTag>;

}  // namespace alphintra

template <typename Tag>
struct std::hash<alphintra::StrongId<Tag>> {
  std::size_t operator()(alphintra::StrongId<Tag> id) const noexcept { return std::hash<std::uint64_t>{}(id.value()); }
};
