// ITCH 5.0 decoding: one message (without its file frame) into its struct, handed to a handler.
//
// The handler is any object with `on(const T&)` overloads for the message structs it wants
// (itch_messages.hpp); types it has no overload for are checked for length and skipped without
// being decoded, so a book builder pays only for the order messages. Header-only so that the
// compiler inlines decoding into the handler: this is the hot loop of book building.
//
// decodeMessage never reads outside [data, data + length): a length that differs from the
// specification's for the type is refused (BadLength) before any field is read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "marketdata/itch/itch_messages.hpp"

namespace alphintra::marketdata::itch {

enum class DecodeStatus : std::uint8_t { Ok = 0, UnknownType = 1, BadLength = 2, Empty = 3 };

namespace wire {
inline std::uint16_t u16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
inline std::uint32_t u32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline std::uint64_t u64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline std::uint64_t u48(const std::uint8_t* p) noexcept {
  return (static_cast<std::uint64_t>(u16(p)) << 32) | u32(p + 2);
}
template <std::size_t N>
inline std::array<char, N> alpha(const std::uint8_t* p) noexcept {
  std::array<char, N> a;
  std::memcpy(a.data(), p, N);
  return a;
}
inline Header header(const std::uint8_t* p) noexcept {
  return Header{static_cast<char>(p[0]), u16(p + 1), u16(p + 3), u48(p + 5)};
}
}  // namespace wire

template <typename H, typename M>
concept Handles = requires(H& h, const M& m) {
  h.on(m);
};

template <typename Handler>
inline DecodeStatus decodeMessage(const std::uint8_t* p, std::size_t length, Handler& h) {
  using namespace wire;
  if (length == 0) return DecodeStatus::Empty;
  const char type = static_cast<char>(p[0]);
  const std::size_t expected = messageLength(type);
  if (expected == 0) return DecodeStatus::UnknownType;
  if (length != expected) return DecodeStatus::BadLength;
  switch (type) {
    case 'A':
    case 'F':
      if constexpr (Handles<Handler, AddOrder>) {
        AddOrder m;
        m.header = header(p);
        m.orderRef = u64(p + 11);
        m.side = static_cast<char>(p[19]);
        m.shares = u32(p + 20);
        m.stock = alpha<8>(p + 24);
        m.price = u32(p + 32);
        if (type == 'F') {
          m.attribution = alpha<4>(p + 36);
        } else {
          m.attribution.fill(' ');
        }
        h.on(m);
      }
      break;
    case 'E':
      if constexpr (Handles<Handler, OrderExecuted>) {
        h.on(OrderExecuted{header(p), u64(p + 11), u32(p + 19), u64(p + 23)});
      }
      break;
    case 'C':
      if constexpr (Handles<Handler, OrderExecutedWithPrice>) {
        h.on(OrderExecutedWithPrice{header(p), u64(p + 11), u32(p + 19), u64(p + 23), static_cast<char>(p[31]),
                                    u32(p + 32)});
      }
      break;
    case 'X':
      if constexpr (Handles<Handler, OrderCancel>) h.on(OrderCancel{header(p), u64(p + 11), u32(p + 19)});
      break;
    case 'D':
      if constexpr (Handles<Handler, OrderDelete>) h.on(OrderDelete{header(p), u64(p + 11)});
      break;
    case 'U':
      if constexpr (Handles<Handler, OrderReplace>) {
        h.on(OrderReplace{header(p), u64(p + 11), u64(p + 19), u32(p + 27), u32(p + 31)});
      }
      break;
    case 'P':
      if constexpr (Handles<Handler, Trade>) {
        h.on(Trade{header(p), u64(p + 11), static_cast<char>(p[19]), u32(p + 20), alpha<8>(p + 24), u32(p + 32),
                   u64(p + 36)});
      }
      break;
    case 'Q':
      if constexpr (Handles<Handler, CrossTrade>) {
        h.on(CrossTrade{header(p), u64(p + 11), alpha<8>(p + 19), u32(p + 27), u64(p + 31), static_cast<char>(p[39])});
      }
      break;
    case 'B':
      if constexpr (Handles<Handler, BrokenTrade>) h.on(BrokenTrade{header(p), u64(p + 11)});
      break;
    case 'S':
      if constexpr (Handles<Handler, SystemEvent>) h.on(SystemEvent{header(p), static_cast<char>(p[11])});
      break;
    case 'R':
      if constexpr (Handles<Handler, StockDirectory>) {
        StockDirectory m;
        m.header = header(p);
        m.stock = alpha<8>(p + 11);
        m.marketCategory = static_cast<char>(p[19]);
        m.financialStatus = static_cast<char>(p[20]);
        m.roundLotSize = u32(p + 21);
        m.roundLotsOnly = static_cast<char>(p[25]);
        m.issueClassification = static_cast<char>(p[26]);
        m.issueSubType = alpha<2>(p + 27);
        m.authenticity = static_cast<char>(p[29]);
        m.shortSaleThreshold = static_cast<char>(p[30]);
        m.ipoFlag = static_cast<char>(p[31]);
        m.luldReferencePriceTier = static_cast<char>(p[32]);
        m.etpFlag = static_cast<char>(p[33]);
        m.etpLeverageFactor = u32(p + 34);
        m.inverseIndicator = static_cast<char>(p[38]);
        h.on(m);
      }
      break;
    case 'H':
      if constexpr (Handles<Handler, StockTradingAction>) {
        h.on(StockTradingAction{header(p), alpha<8>(p + 11), static_cast<char>(p[19]), static_cast<char>(p[20]),
                                alpha<4>(p + 21)});
      }
      break;
    case 'Y':
      if constexpr (Handles<Handler, RegShoRestriction>) {
        h.on(RegShoRestriction{header(p), alpha<8>(p + 11), static_cast<char>(p[19])});
      }
      break;
    case 'L':
      if constexpr (Handles<Handler, MarketParticipantPosition>) {
        h.on(MarketParticipantPosition{header(p), alpha<4>(p + 11), alpha<8>(p + 15), static_cast<char>(p[23]),
                                       static_cast<char>(p[24]), static_cast<char>(p[25])});
      }
      break;
    case 'V':
      if constexpr (Handles<Handler, MwcbDeclineLevel>) {
        h.on(MwcbDeclineLevel{header(p), u64(p + 11), u64(p + 19), u64(p + 27)});
      }
      break;
    case 'W':
      if constexpr (Handles<Handler, MwcbStatus>) h.on(MwcbStatus{header(p), static_cast<char>(p[11])});
      break;
    case 'K':
      if constexpr (Handles<Handler, IpoQuotingPeriodUpdate>) {
        h.on(IpoQuotingPeriodUpdate{header(p), alpha<8>(p + 11), u32(p + 19), static_cast<char>(p[23]), u32(p + 24)});
      }
      break;
    case 'J':
      if constexpr (Handles<Handler, LuldAuctionCollar>) {
        h.on(LuldAuctionCollar{header(p), alpha<8>(p + 11), u32(p + 19), u32(p + 23), u32(p + 27), u32(p + 31)});
      }
      break;
    case 'h':
      if constexpr (Handles<Handler, OperationalHalt>) {
        h.on(OperationalHalt{header(p), alpha<8>(p + 11), static_cast<char>(p[19]), static_cast<char>(p[20])});
      }
      break;
    case 'I':
      if constexpr (Handles<Handler, Noii>) {
        h.on(Noii{header(p), u64(p + 11), u64(p + 19), static_cast<char>(p[27]), alpha<8>(p + 28), u32(p + 36),
                  u32(p + 40), u32(p + 44), static_cast<char>(p[48]), static_cast<char>(p[49])});
      }
      break;
    case 'N':
      if constexpr (Handles<Handler, Rpii>) h.on(Rpii{header(p), alpha<8>(p + 11), static_cast<char>(p[19])});
      break;
    case 'O':
      if constexpr (Handles<Handler, DirectListingPriceDiscovery>) {
        h.on(DirectListingPriceDiscovery{header(p), alpha<8>(p + 11), static_cast<char>(p[19]), u32(p + 20),
                                         u32(p + 24), u32(p + 28), u64(p + 32), u32(p + 40), u32(p + 44)});
      }
      break;
    default: return DecodeStatus::UnknownType;
  }
  return DecodeStatus::Ok;
}

// Where a framed buffer went wrong.
struct FrameError {
  std::uint64_t offset = 0;  // of the frame's length field
  DecodeStatus status = DecodeStatus::Ok;
  bool truncated = false;  // the buffer ended inside a frame
};

// Decodes consecutive framed messages (2-byte big-endian length, then the message) from
// [data, data + size). Returns the bytes consumed: all of them, or up to a trailing partial
// frame (the caller keeps it for the next chunk). Stops at the first bad message and reports it.
template <typename Handler>
inline std::size_t decodeFrames(const std::uint8_t* data, std::size_t size, Handler& h, std::uint64_t& messages,
                                FrameError& error) {
  std::size_t at = 0;
  while (size - at >= 2) {
    const std::size_t length = wire::u16(data + at);
    if (size - at - 2 < length) break;
    const DecodeStatus status = decodeMessage(data + at + 2, length, h);
    if (status != DecodeStatus::Ok) [[unlikely]] {
      error.offset = at;
      error.status = status;
      return at;
    }
    ++messages;
    at += 2 + length;
  }
  return at;
}

}  // namespace alphintra::marketdata::itch
