// ItchEventWriter: turns the engine's events for a set of equities into a TotalView-ITCH 5.0
// order-level feed (framed messages through ItchEncoder), so that the market simulator's day —
// orders matched by the real matching engine — can be written as an ITCH file.
//
// What it writes (docs/market-data.md, "Writing ITCH from the simulator"):
//   startOfDay()   S 'O', S 'S', one R (stock directory) per stock, one H 'T' per stock, S 'Q'
//   order flow     from execution reports, command by command:
//     an order that rests after its command (the part left once it traded as aggressor) → A,
//       or F when its account is attributed to an MPID (attribute());
//     a fill of a resting order → E (C, printable, when the execution price is not the order's);
//     a replace that keeps time priority (same price, quantity not raised: the matching
//       engine's rule, docs/matching.md) → X for the shares taken off, nothing if none;
//     a replace that loses priority → U (old reference → new one) when the order rests again
//       without trading; when it trades on arrival → D of the old reference before its first
//       execution, then A for what rests;
//     a cancel, expiry, self-trade cancel or mass cancel of a resting order → D; a restatement
//       (self-trade decrement) → X;
//     an auction match → C non-printable for each resting side, and one Q for the print.
//   endOfDay()     S 'M', S 'E', S 'C'
// Reference numbers are 1, 2, 3... in the order A/F/U messages are written, so they are unique
// for the day and, within a price level, ascending in time priority. Match numbers are the
// engine's trade ids. Timestamps: the event's time minus `midnight`.
//
// A command's reports arrive in causal order (accept, trades, remainder cancel); whether the
// incoming order rests is known only at the end of its command, so the A/U of the incoming
// orders of a command is written when the next command's first event arrives, or at
// finishCommand() / endOfDay(). Taker fills print no message of their own: the resting side's
// E is the print, as on the exchange's feed.
//
// Only what ITCH can carry: addStock() refuses anything but an equity with at most 4 price
// places, whole-share quantities and a symbol of 1..8 printable characters; events of other
// instruments are ignored. Known limits (the market simulator sends none of these): an iceberg's
// hidden quantity is written as displayed (execution reports do not say what is displayed); a
// stop order is left out until it trades as an aggressor, so a triggered stop-limit that rests
// without trading is missed. A value ITCH cannot hold (a price above 429 496.7295, a
// quantity above 2^32 − 1 shares, a time outside the day) is not written: the first such problem
// is kept in error(), naming the field.
//
// Threading: one thread. Memory: one entry per live order of the stocks (a hash map keyed by
// the engine's order id, erased when the order finishes) and what the caller's byte vector holds.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "engine/event.hpp"
#include "marketdata/itch/itch_encoder.hpp"

namespace alphintra::marketdata::itch {

// Messages written, by kind, and the prints (E, printable C, Q) per stock.
struct ItchWriterCounts {
  std::uint64_t messages = 0;
  std::uint64_t systemEvents = 0;  // S
  std::uint64_t directory = 0;     // R and H
  std::uint64_t adds = 0;          // A and F
  std::uint64_t attributedAdds = 0;
  std::uint64_t executions = 0;           // E
  std::uint64_t executionsWithPrice = 0;  // C
  std::uint64_t cancels = 0;              // X
  std::uint64_t deletes = 0;              // D
  std::uint64_t replaces = 0;             // U
  std::uint64_t crosses = 0;              // Q
};

struct ItchStockPrints {
  std::uint64_t trades = 0;
  std::uint64_t shares = 0;
};

class ItchEventWriter {
 public:
  // Messages are appended to `out` (drain it between calls to bound memory); `midnight` is the
  // instant ITCH timestamps count from.
  ItchEventWriter(std::vector<std::uint8_t>& out, Timestamp midnight);

  // The next stock locate (1, 2, ...) for an instrument, or an error naming why ITCH cannot carry
  // it. Call before startOfDay().
  Result<std::uint16_t> addStock(const Instrument& instrument);
  // Orders of `account` are written as F messages with this MPID (1..4 characters, padded).
  void attribute(AccountId account, std::string_view mpid);

  void startOfDay(Timestamp time);
  // Every engine event, in the engine's order (events of instruments not added are ignored).
  void onEvent(const engine::EngineEvent& event);
  // Writes what the last command's incoming orders became (rested, replaced, gone). onEvent()
  // calls it when a new command's events begin; call it after the last command.
  void finishCommand();
  void endOfDay(Timestamp time);

  const ItchWriterCounts& counts() const noexcept { return counts_; }
  // Prints of a stock by locate (1-based); zeros for an unknown locate.
  ItchStockPrints prints(std::uint16_t locate) const noexcept;
  std::size_t stocks() const noexcept { return stocks_.size(); }
  std::uint16_t locateOf(InstrumentId instrument) const noexcept;  // 0: not a stock here
  // The reference number the engine's order rests under in the feed (0: not resting).
  std::uint64_t referenceOf(OrderId order) const noexcept;
  const std::optional<Error>& error() const noexcept { return error_; }

 private:
  struct Stock {
    InstrumentId instrument;
    std::array<char, 8> symbol{};
    std::int64_t priceScale = 1;  // raw price × priceScale = ITCH Price(4)
    ItchStockPrints prints;
  };
  struct Order {
    std::uint64_t ref = 0;      // 0: not on the feed's book
    std::int64_t quantity = 0;  // the order's total quantity (engine raw), for the priority rule
    std::int64_t priceRaw = 0;  // limit price (engine raw)
    std::int64_t leaves = 0;    // engine raw (= shares)
    std::uint32_t shares = 0;   // shares the feed's book holds under `ref`
    std::uint32_t price = 0;    // ITCH Price(4) of `ref`
    std::uint16_t locate = 0;
    char side = 'B';
    bool finished = false;
    bool stop = false;           // an untriggered stop order: not on the book
    std::array<char, 4> mpid{};  // attribution (first byte 0: none)
  };
  struct Incoming {  // an order that arrived at the book in the current command
    std::uint64_t order = 0;
    std::uint64_t oldRef = 0;  // a replace that lost priority: the reference still on the feed
    std::uint32_t oldShares = 0;
  };

  Header header(char type, std::uint16_t locate, Timestamp time);
  void onReport(const engine::ExecutionReport& r, Timestamp time);
  void onFill(const engine::ExecutionReport& r, Order& o, Timestamp time);
  void onReplaced(const engine::ExecutionReport& r, Order& o, std::uint64_t id, Timestamp time);
  void onAuctionPrint(const engine::PublicTradeReport& t, Timestamp time);
  Incoming* incoming(std::uint64_t order) noexcept;
  void deleteOld(Incoming& in, Timestamp time);
  void rest(Order& o, const Incoming& in, Timestamp time);
  bool toPrice(const Stock& s, Price price, std::uint32_t& out);
  bool toShares(Quantity quantity, std::uint32_t& out);
  void fail(std::string field, std::string message);

  ItchEncoder encoder_;
  Timestamp midnight_;
  std::vector<Stock> stocks_;                                     // by locate - 1
  std::unordered_map<std::uint64_t, std::uint16_t> locates_;      // instrument id → locate
  std::unordered_map<std::uint64_t, std::array<char, 4>> mpids_;  // account → MPID
  std::unordered_map<std::uint64_t, Order> orders_;               // engine order id → order (live ones)
  std::vector<Incoming> incoming_;                                // the current command's arrivals
  std::uint64_t commandSequence_ = 0;
  Timestamp commandTime_;
  std::uint64_t nextRef_ = 0;
  std::uint16_t tracking_ = 0;
  ItchWriterCounts counts_;
  std::optional<Error> error_;
};

}  // namespace alphintra::marketdata::itch
