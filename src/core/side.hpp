// Side of an order or of a trade's aggressor. Values are fixed: they reach wires and files.
#pragma once

#include <cstdint>
#include <string_view>

namespace alphintra {

enum class Side : std::uint8_t { None = 0, Buy = 1, Sell = 2 };

constexpr Side opposite(Side s) noexcept {
  return s == Side::Buy ? Side::Sell : (s == Side::Sell ? Side::Buy : Side::None);
}

constexpr std::string_view toString(Side s) noexcept {
  switch (s) {
    case Side::Buy: return "BUY";
    case Side::Sell: return "SELL";
    case Side::None: break;
  }
  return "NONE";
}

}  // namespace alphintra
