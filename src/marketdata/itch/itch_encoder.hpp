// ItchEncoder: writes ITCH 5.0 messages in the file framing (2-byte big-endian length, then the
// message, big-endian fields) into a byte vector — the inverse of itch_parser.hpp, for tests,
// benchmarks and the generator that makes ITCH files from a simulated market.
//
// Every message type has a put() overload; the message's type byte comes from the overload
// (an AddOrder whose header.type is 'F' is written as F, with its attribution, otherwise as A).
// Threading: one thread. Allocation: the vector grows; reserve() or drain it to bound that.
#pragma once

#include <cstdint>
#include <vector>

#include "marketdata/itch/itch_messages.hpp"

namespace alphintra::marketdata::itch {

class ItchEncoder {
 public:
  explicit ItchEncoder(std::vector<std::uint8_t>& out) noexcept : out_(out) {}

  void put(const SystemEvent& m);
  void put(const StockDirectory& m);
  void put(const StockTradingAction& m);
  void put(const RegShoRestriction& m);
  void put(const MarketParticipantPosition& m);
  void put(const MwcbDeclineLevel& m);
  void put(const MwcbStatus& m);
  void put(const IpoQuotingPeriodUpdate& m);
  void put(const LuldAuctionCollar& m);
  void put(const OperationalHalt& m);
  void put(const AddOrder& m);
  void put(const OrderExecuted& m);
  void put(const OrderExecutedWithPrice& m);
  void put(const OrderCancel& m);
  void put(const OrderDelete& m);
  void put(const OrderReplace& m);
  void put(const Trade& m);
  void put(const CrossTrade& m);
  void put(const BrokenTrade& m);
  void put(const Noii& m);
  void put(const Rpii& m);
  void put(const DirectListingPriceDiscovery& m);

 private:
  void begin(char type, const Header& h);
  void u8(char c) { out_.push_back(static_cast<std::uint8_t>(c)); }
  void be(std::uint64_t v, int bytes);
  template <std::size_t N>
  void alpha(const std::array<char, N>& a) {
    for (char c : a) u8(c);
  }
  std::vector<std::uint8_t>& out_;
};

}  // namespace alphintra::marketdata::itch
