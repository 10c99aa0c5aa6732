// Engine events: what the engine tells the world after each command. Fixed layout, so they
// cross threads through rings and hash into the determinism check byte for byte.
//
//   ExecutionReport  one per order state change (FIX ExecutionReport 35=8): the order's
//                    account owns it; a trade produces one report per side.
//   CancelReject     a cancel or replace that could not be applied (FIX 35=9): unknown
//                    order, already finished, pending, or refused by risk.
//   CommandResult    the answer to an admin command (instrument, account, limits, states,
//                    kill switch, cash, FX): accepted, or refused with a reason.
//   PublicTrade      a trade as market data (no accounts), for tape and bars.
//   Quote            the top of book after a command changed it.
//
// Every event carries the sequence of the command that caused it, and the requesting
// gateway's source and request id when it answers that gateway's request (0 otherwise: e.g.
// the fill report of the resting side of a trade).
#pragma once

#include <cstdint>
#include <string_view>

#include "book/types.hpp"
#include "core/client_order_id.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "oms/order.hpp"
#include "oms/order_status.hpp"

namespace alphintra::engine {

enum class EventKind : std::uint8_t {
  ExecutionReport = 1,
  CancelReject = 2,
  CommandResult = 3,
  PublicTrade = 4,
  Quote = 5,
};

// Why the engine itself refused something (RejectSource::Engine codes). Values are fixed.
enum class RejectCode : std::uint8_t {
  None = 0,
  UnknownAccount = 1,
  UnknownInstrument = 2,
  DuplicateClientOrderId = 3,  // the id is taken by an order with different content
  UnknownOrder = 4,
  OrderNotLive = 5,         // cancel/replace of a finished order
  RequestPending = 6,       // a cancel/replace is already pending on the order
  NotOrderOwner = 7,        // the order belongs to another account
  InvalidRequest = 8,       // a field out of range (detail in the field code)
  AlreadyExists = 9,        // define/open of an id that exists
  InsufficientCash = 10,    // withdrawal below zero on a cash account
  MissingFxRate = 11,       // a conversion the request needs has no rate
  InvalidInstrument = 12,   // instrument definition refused by Instrument::create
  NoReferencePrice = 13,    // a market order with no price to value it (empty book, no last trade)
  InstrumentMismatch = 14,  // a replace naming another instrument than the order's
  InstrumentSettled = 15,   // the instrument had its final settlement: it never trades again
  NotAFuture = 16,          // a final settlement of an instrument that is not a future
};

enum class Liquidity : std::uint8_t { None = 0, Maker = 1, Taker = 2, Auction = 3 };

struct ExecutionReport {
  OrderId orderId;
  AccountId account;
  InstrumentId instrument;
  ClientOrderId clientOrderId;
  ClientOrderId origClientOrderId;  // replace: the superseded id; cancel: the id of the order
  std::uint64_t execId = 0;         // engine-wide, gap-free from 1
  TradeId tradeId;                  // Trade only
  oms::ExecType execType = oms::ExecType::New;
  oms::OrdStatus status = oms::OrdStatus::New;
  Side side = Side::None;
  book::OrderType orderType = book::OrderType::Limit;
  book::TimeInForce timeInForce = book::TimeInForce::GTC;
  oms::RejectSource rejectSource = oms::RejectSource::None;
  // Why, by rejectSource: Engine → RejectCode, Risk → risk::RiskRule, Venue → book::RejectReason
  // on a Rejected order but book::CancelReason on a Canceled one (why the venue cancelled it).
  std::uint8_t rejectCode = 0;
  Liquidity liquidity = Liquidity::None;
  Price price = Price::undefined();
  Price stopPrice = Price::undefined();
  Quantity orderQuantity;
  Quantity lastQuantity;
  Price lastPrice = Price::undefined();
  Quantity cumQuantity;
  Quantity leavesQuantity;
  Price averagePrice = Price::undefined();
  Money lastFee;  // fee of this fill, instrument currency
  Money totalFees;
  std::int64_t riskLimit = 0;  // Risk rejections: the limit and the value that broke it
  std::int64_t riskValue = 0;
  std::uint8_t riskUnit = 0;  // risk::RiskUnit
  std::uint8_t reserved[7]{};
};

struct CancelRejectReport {
  OrderId orderId;  // 0 when the order is unknown (or not the requester's)
  AccountId account;
  InstrumentId instrument;                           // the order's instrument (the request's when the order is unknown)
  ClientOrderId clientOrderId;                       // of the cancel/replace request
  ClientOrderId origClientOrderId;                   // as given in the request
  oms::OrdStatus status = oms::OrdStatus::Rejected;  // the order's status (Rejected when unknown)
  bool replace = false;                              // FIX CxlRejResponseTo: false = cancel, true = replace
  oms::RejectSource rejectSource = oms::RejectSource::Engine;
  std::uint8_t rejectCode = 0;
  std::uint8_t riskUnit = 0;
  std::uint8_t reserved[3]{};
  std::int64_t riskLimit = 0;
  std::int64_t riskValue = 0;
};

struct CommandResultReport {
  std::uint8_t commandType = 0;  // engine::CommandType
  bool accepted = true;
  RejectCode code = RejectCode::None;
  std::uint8_t reserved[5]{};
  std::uint64_t subject = 0;  // account / instrument / count, by command
  std::int64_t value = 0;     // e.g. orders cancelled by a kill switch or mass cancel
  std::int64_t detail = 0;    // schedule_settlement: the scheduled price (raw; undefined: the mark then)
};

struct PublicTradeReport {
  InstrumentId instrument;
  TradeId tradeId;
  Price price;
  Quantity quantity;
  Side aggressor = Side::None;  // None in an auction
  std::uint8_t reserved[7]{};
};

struct QuoteReport {
  InstrumentId instrument;
  Price bidPrice = Price::undefined();
  Quantity bidQuantity;
  Price askPrice = Price::undefined();
  Quantity askQuantity;
  Price lastPrice = Price::undefined();
};

struct EngineEvent {
  EventKind kind{};
  std::uint8_t reserved[3]{};
  std::uint32_t source = 0;
  std::uint64_t requestId = 0;
  std::uint64_t commandSequence = 0;
  Timestamp time;
  union Body {
    ExecutionReport execution;
    CancelRejectReport cancelReject;
    CommandResultReport result;
    PublicTradeReport trade;
    QuoteReport quote;
    Body() noexcept : result{} {}
  } body;
};
static_assert(std::is_trivially_copyable_v<EngineEvent>);

// Fills the fields every report about `order` carries (ids, status, side, type, prices,
// quantities, average price, fees, reject reason); the caller sets execId, execType and fills.
void describeOrder(const oms::OmsOrder& order, ExecutionReport& report) noexcept;

std::string_view toString(EventKind kind) noexcept;
std::string_view toString(RejectCode code) noexcept;
std::string_view toString(Liquidity liquidity) noexcept;

}  // namespace alphintra::engine
