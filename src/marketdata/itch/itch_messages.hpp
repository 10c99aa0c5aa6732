// Nasdaq TotalView-ITCH 5.0 messages, decoded into host-order structs: every message type of
// the public specification (system event S, stock directory R, trading action H, Reg SHO Y,
// market participant position L, MWCB decline level V and status W, IPO quoting period K, LULD
// auction collar J, operational halt h, add order A and F, executed E and C, cancel X, delete D,
// replace U, trade P, cross trade Q, broken trade B, NOII I, RPII N, direct listing with capital
// raise O).
//
// Wire conventions (the specification): big-endian integers; every message starts with type
// (1 byte), stock locate (2), tracking number (2) and a 6-byte timestamp in nanoseconds since
// midnight; Price(4) has 4 implied decimals, Price(8) 8; alpha fields are left-justified,
// space-padded ASCII kept here as raw bytes. Files (Nasdaq's historical "binary" files) frame
// each message with a 2-byte big-endian length.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace alphintra::marketdata::itch {

using Stock = std::array<char, 8>;
using Mpid = std::array<char, 4>;

struct Header {
  char type = 0;
  std::uint16_t stockLocate = 0;
  std::uint16_t trackingNumber = 0;
  std::uint64_t timestamp = 0;  // ns since midnight, 48 bits on the wire
  bool operator==(const Header&) const = default;
};

struct SystemEvent {
  Header header;
  char eventCode = 0;  // O S Q M E C
  bool operator==(const SystemEvent&) const = default;
};
struct StockDirectory {
  Header header;
  Stock stock{};
  char marketCategory = 0;
  char financialStatus = 0;
  std::uint32_t roundLotSize = 0;
  char roundLotsOnly = 0;
  char issueClassification = 0;
  std::array<char, 2> issueSubType{};
  char authenticity = 0;
  char shortSaleThreshold = 0;
  char ipoFlag = 0;
  char luldReferencePriceTier = 0;
  char etpFlag = 0;
  std::uint32_t etpLeverageFactor = 0;
  char inverseIndicator = 0;
  bool operator==(const StockDirectory&) const = default;
};
struct StockTradingAction {
  Header header;
  Stock stock{};
  char tradingState = 0;
  char reserved = 0;
  std::array<char, 4> reason{};
  bool operator==(const StockTradingAction&) const = default;
};
struct RegShoRestriction {
  Header header;
  Stock stock{};
  char regShoAction = 0;
  bool operator==(const RegShoRestriction&) const = default;
};
struct MarketParticipantPosition {
  Header header;
  Mpid mpid{};
  Stock stock{};
  char primaryMarketMaker = 0;
  char marketMakerMode = 0;
  char participantState = 0;
  bool operator==(const MarketParticipantPosition&) const = default;
};
struct MwcbDeclineLevel {
  Header header;
  std::uint64_t level1 = 0;  // Price(8)
  std::uint64_t level2 = 0;
  std::uint64_t level3 = 0;
  bool operator==(const MwcbDeclineLevel&) const = default;
};
struct MwcbStatus {
  Header header;
  char breachedLevel = 0;
  bool operator==(const MwcbStatus&) const = default;
};
struct IpoQuotingPeriodUpdate {
  Header header;
  Stock stock{};
  std::uint32_t releaseTime = 0;  // seconds since midnight
  char releaseQualifier = 0;
  std::uint32_t ipoPrice = 0;
  bool operator==(const IpoQuotingPeriodUpdate&) const = default;
};
struct LuldAuctionCollar {
  Header header;
  Stock stock{};
  std::uint32_t referencePrice = 0;
  std::uint32_t upperPrice = 0;
  std::uint32_t lowerPrice = 0;
  std::uint32_t extension = 0;
  bool operator==(const LuldAuctionCollar&) const = default;
};
struct OperationalHalt {
  Header header;
  Stock stock{};
  char marketCode = 0;
  char haltAction = 0;
  bool operator==(const OperationalHalt&) const = default;
};
struct AddOrder {  // 'A' (attribution empty) and 'F' (with attribution)
  Header header;
  std::uint64_t orderRef = 0;
  char side = 0;  // 'B' or 'S'
  std::uint32_t shares = 0;
  Stock stock{};
  std::uint32_t price = 0;
  Mpid attribution{};
  bool operator==(const AddOrder&) const = default;
};
struct OrderExecuted {
  Header header;
  std::uint64_t orderRef = 0;
  std::uint32_t executedShares = 0;
  std::uint64_t matchNumber = 0;
  bool operator==(const OrderExecuted&) const = default;
};
struct OrderExecutedWithPrice {
  Header header;
  std::uint64_t orderRef = 0;
  std::uint32_t executedShares = 0;
  std::uint64_t matchNumber = 0;
  char printable = 0;
  std::uint32_t executionPrice = 0;
  bool operator==(const OrderExecutedWithPrice&) const = default;
};
struct OrderCancel {
  Header header;
  std::uint64_t orderRef = 0;
  std::uint32_t cancelledShares = 0;
  bool operator==(const OrderCancel&) const = default;
};
struct OrderDelete {
  Header header;
  std::uint64_t orderRef = 0;
  bool operator==(const OrderDelete&) const = default;
};
struct OrderReplace {
  Header header;
  std::uint64_t originalOrderRef = 0;
  std::uint64_t newOrderRef = 0;
  std::uint32_t shares = 0;
  std::uint32_t price = 0;
  bool operator==(const OrderReplace&) const = default;
};
struct Trade {  // 'P': a match against a non-displayed order
  Header header;
  std::uint64_t orderRef = 0;
  char side = 0;
  std::uint32_t shares = 0;
  Stock stock{};
  std::uint32_t price = 0;
  std::uint64_t matchNumber = 0;
  bool operator==(const Trade&) const = default;
};
struct CrossTrade {
  Header header;
  std::uint64_t shares = 0;
  Stock stock{};
  std::uint32_t crossPrice = 0;
  std::uint64_t matchNumber = 0;
  char crossType = 0;
  bool operator==(const CrossTrade&) const = default;
};
struct BrokenTrade {
  Header header;
  std::uint64_t matchNumber = 0;
  bool operator==(const BrokenTrade&) const = default;
};
struct Noii {
  Header header;
  std::uint64_t pairedShares = 0;
  std::uint64_t imbalanceShares = 0;
  char imbalanceDirection = 0;
  Stock stock{};
  std::uint32_t farPrice = 0;
  std::uint32_t nearPrice = 0;
  std::uint32_t currentReferencePrice = 0;
  char crossType = 0;
  char priceVariationIndicator = 0;
  bool operator==(const Noii&) const = default;
};
struct Rpii {
  Header header;
  Stock stock{};
  char interestFlag = 0;
  bool operator==(const Rpii&) const = default;
};
struct DirectListingPriceDiscovery {
  Header header;
  Stock stock{};
  char openEligibilityStatus = 0;
  std::uint32_t minimumAllowablePrice = 0;
  std::uint32_t maximumAllowablePrice = 0;
  std::uint32_t nearExecutionPrice = 0;
  std::uint64_t nearExecutionTime = 0;
  std::uint32_t lowerPriceRangeCollar = 0;
  std::uint32_t upperPriceRangeCollar = 0;
  bool operator==(const DirectListingPriceDiscovery&) const = default;
};

// The specification's length of each message type (without the file's 2-byte frame); 0 for a
// type the specification does not define.
constexpr std::size_t messageLength(char type) noexcept {
  switch (type) {
    case 'S': return 12;
    case 'R': return 39;
    case 'H': return 25;
    case 'Y': return 20;
    case 'L': return 26;
    case 'V': return 35;
    case 'W': return 12;
    case 'K': return 28;
    case 'J': return 35;
    case 'h': return 21;
    case 'A': return 36;
    case 'F': return 40;
    case 'E': return 31;
    case 'C': return 36;
    case 'X': return 23;
    case 'D': return 19;
    case 'U': return 35;
    case 'P': return 44;
    case 'Q': return 40;
    case 'B': return 19;
    case 'I': return 50;
    case 'N': return 20;
    case 'O': return 48;
    default: return 0;
  }
}

inline constexpr std::string_view kMessageTypes = "SRHYLVWKJhAFECXDUPQBINO";

// "AAPL    " → "AAPL".
inline std::string_view stockName(const Stock& s) noexcept {
  std::size_t n = s.size();
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\0')) --n;
  return {s.data(), n};
}
inline Stock makeStock(std::string_view name) noexcept {
  Stock s;
  s.fill(' ');
  for (std::size_t i = 0; i < name.size() && i < s.size(); ++i) s[i] = name[i];
  return s;
}

}  // namespace alphintra::marketdata::itch
