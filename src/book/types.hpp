// Commands into an order book and the events it emits. The full semantics (what each order
// type, time in force, flag, self-trade mode and status does, and in which order events come)
// are written in docs/matching.md; the naive reference book in tests follows that text, and
// the differential test holds the fast book to it.
//
// Every value here is fixed-point or an enum with explicit values: events reach journals.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/instrument.hpp"
#include "core/side.hpp"
#include "core/time.hpp"

namespace alphintra::book {

enum class OrderType : std::uint8_t { Limit = 1, Market = 2, Stop = 3, StopLimit = 4 };

enum class TimeInForce : std::uint8_t { GTC = 1, Day = 2, IOC = 3, FOK = 4, GTD = 5 };

// What happens when an incoming order would trade with a resting order of the same account.
// The incoming (aggressing) order's mode decides; None lets the trade happen.
enum class SelfTradePrevention : std::uint8_t {
  None = 0,
  CancelResting = 1,       // cancel the resting order, keep matching
  CancelIncoming = 2,      // cancel the rest of the incoming order
  CancelBoth = 3,          // cancel both
  DecrementAndCancel = 4,  // reduce both by the smaller quantity; cancel the smaller (both if equal)
};

struct NewOrder {
  OrderId id;
  AccountId account;
  Side side = Side::Buy;
  OrderType type = OrderType::Limit;
  TimeInForce timeInForce = TimeInForce::GTC;
  Price price = Price::undefined();      // limit price: Limit and StopLimit only
  Price stopPrice = Price::undefined();  // trigger: Stop and StopLimit only
  Quantity quantity;
  Quantity displayQuantity;  // iceberg peak; zero: the whole quantity is displayed
  Quantity minQuantity;      // zero: none
  bool postOnly = false;
  SelfTradePrevention selfTrade = SelfTradePrevention::None;
  Timestamp expireTime;  // GTD only
};

// Replace (cancel/replace): new total quantity (FIX OrderQty semantics: including what has
// already filled), new limit price and new stop price. A field left undefined keeps its value.
struct ReplaceOrder {
  OrderId id;
  Quantity quantity = Quantity::undefined();
  Price price = Price::undefined();
  Price stopPrice = Price::undefined();
};

enum class EventType : std::uint8_t {
  Accepted = 1,        // order valid and taken; qty = order quantity
  Rejected = 2,        // command refused; reason = RejectReason; nothing changed
  Trade = 3,           // one match: orderId = aggressor (incoming), contraOrderId = resting order
  Cancelled = 4,       // order finished unfilled remainder; reason = CancelReason; qty = quantity cancelled
  Replaced = 5,        // replace applied; price = new limit price, qty = new total quantity
  Triggered = 6,       // stop order triggered; it now enters the book as market or limit order
  Expired = 7,         // GTD or DAY order expired; qty = quantity that expired
  AuctionUncross = 8,  // an auction ran: price = uncrossing price, qty = volume matched
  StatusChanged = 9,   // trading status changed: reason = new TradingStatus
  // Market-data deltas, only when enabled in BookOptions:
  LevelUpdate = 10,   // L2: side/price level now shows qty (visible) in `count` orders; qty 0: gone
  OrderAdded = 11,    // L3: order rests with visible qty at price (end of queue)
  OrderUpdated = 12,  // L3: resting order's visible qty changed in place (keeps queue position)
  OrderDeleted = 13,  // L3: resting order left the book
  Restated = 14,      // venue reduced a live order (self-trade decrement): qty = amount removed
};

enum class RejectReason : std::uint8_t {
  None = 0,
  InvalidQuantity = 1,  // zero or negative
  QuantityOffLot = 2,
  QuantityBelowMinimum = 3,
  QuantityAboveMaximum = 4,
  InvalidPrice = 5,  // missing, zero or negative limit price, or a price on a market order
  PriceOffTick = 6,
  InvalidStopPrice = 7,  // missing, zero, negative or off tick stop price
  DuplicateOrderId = 8,
  UnknownOrder = 9,         // cancel/replace of an order that is not live (unknown or finished)
  NoLiquidity = 10,         // (reserved: a market order into an empty side is cancelled, CancelReason::NoLiquidity)
  WouldTakeLiquidity = 11,  // post-only order that would trade on entry
  InvalidDisplayQuantity = 12,
  InvalidMinQuantity = 13,
  InvalidExpireTime = 14,   // GTD without an expiry in the future, or an expiry on a non-GTD order
  InvalidTimeInForce = 15,  // e.g. IOC/FOK during a call phase, GTD on a market order
  InvalidOrderType = 16,
  InvalidOrderId = 17,  // id zero
  InstrumentHalted = 18,
  InstrumentClosed = 19,
  InvalidStatusTransition = 20,
  InvalidAccount = 21,    // account zero
  NothingToReplace = 22,  // replace with no field changed
};

enum class CancelReason : std::uint8_t {
  None = 0,
  Requested = 1,          // explicit cancel
  ImmediateOrCancel = 2,  // unfilled remainder of an IOC or market order
  FillOrKill = 3,         // FOK order that could not fill completely
  MinQuantityNotMet = 4,  // less than minQuantity could execute on entry
  SelfTrade = 5,          // self-trade prevention
  MassCancel = 6,
  ReplacedToFilled = 7,  // (reserved)
  AuctionRemainder = 8,  // market order left over after an uncross
  NoLiquidity = 9,       // market or triggered stop order that found the other side empty
};

// One event. Fixed layout; fields not listed for an event type are zero (price fields of
// unused kind are zero too, not undefined). `time` and `sequence` are always set.
// "limit" below means the order's limit price, Price::undefined() for market and stop orders.
// clang-format off
//   Accepted        side, orderType, orderId, price=limit, quantity=order quantity, leaves=quantity
//   Rejected        side (None for cancel/replace/status), reason=RejectReason, orderId as given
//   Trade           side=aggressor (None in an auction), orderId=aggressor (auction: the buy),
//                   contraOrderId=resting order (auction: the sell), price=execution price,
//                   quantity=traded, leaves=orderId's leaves, contraLeaves=contra's leaves
//   Cancelled       side, reason=CancelReason, orderId, price=limit, quantity=cancelled, leaves=0
//   Replaced        side, orderType, orderId, price=limit after, quantity=new total, leaves=new leaves
//   Triggered       side, orderType=original (Stop/StopLimit), orderId, price=limit, quantity=total, leaves
//   Expired         side, orderId, price=limit, quantity=expired, leaves=0
//   Restated        side, reason=CancelReason::SelfTrade, orderId, price=limit, quantity=removed, leaves=new leaves
//   AuctionUncross  price=uncrossing price, quantity=volume
//   StatusChanged   reason=new TradingStatus
//   LevelUpdate     side, price=level price, quantity=displayed total (0: level gone), count=orders
//   OrderAdded      side, orderId, price=limit, quantity=displayed
//   OrderUpdated    side, orderId, price=limit, quantity=displayed
//   OrderDeleted    side, orderId, price=limit, quantity=0
// clang-format on
struct Event {
  EventType type{};
  Side side = Side::None;      // side of orderId; for Trade: the aggressor's side (None in an auction)
  std::uint8_t reason = 0;     // RejectReason / CancelReason / TradingStatus, by type
  std::uint8_t orderType = 0;  // Accepted/Replaced/Triggered: OrderType
  std::uint32_t count = 0;     // LevelUpdate: orders at the level
  OrderId orderId;
  OrderId contraOrderId;          // Trade: resting order (auction: the sell order)
  Price price;                    // Trade: execution price; order events: limit price
  Quantity quantity;              // see EventType
  Quantity leavesQuantity;        // orderId's open quantity after this event
  Quantity contraLeavesQuantity;  // Trade: resting order's open quantity after it
  std::uint64_t sequence = 0;     // the book's event sequence number, gap-free from 1
  Timestamp time;                 // the command's time
};
static_assert(sizeof(Event) == 72, "Event is a fixed-layout record");

std::string_view toString(EventType t) noexcept;
std::string_view toString(RejectReason r) noexcept;
std::string_view toString(CancelReason r) noexcept;
std::string_view toString(OrderType t) noexcept;
std::string_view toString(TimeInForce t) noexcept;
std::string_view toString(SelfTradePrevention s) noexcept;

}  // namespace alphintra::book
