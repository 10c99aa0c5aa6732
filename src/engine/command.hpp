// Engine commands: everything that can change trading state, as fixed-layout records.
//
// A command is a 32-byte header (type, the gateway that sent it and its request id, and the
// sequence number and time the sequencer stamps) followed by one body whose layout depends on
// the type. The journal stores exactly header + body (encode()), so a new-order record is 144
// bytes, not the size of the largest body. Every struct here is trivially copyable with a
// static_assert on its size, and the journal encoding is the in-memory layout on a
// little-endian host (static_assert below), which is what makes encode/decode a memcpy.
//
// Admin commands (instruments, accounts, limits, states) travel the same way as orders: the
// journal alone rebuilds the engine, with no configuration needed at replay.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "book/types.hpp"
#include "core/client_order_id.hpp"
#include "core/currency.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "risk/kill_switch.hpp"
#include "risk/limits.hpp"
#include "risk/rules.hpp"

namespace alphintra::engine {

static_assert(std::endian::native == std::endian::little, "journal records are the little-endian in-memory layout");

enum class CommandType : std::uint8_t {
  NewOrder = 1,
  CancelOrder = 2,
  ReplaceOrder = 3,
  MassCancel = 4,
  MarketData = 5,  // external prices: marks and collar reference
  ClockTick = 6,   // time passes: GTD expiries
  SetAccountLimits = 7,
  SetInstrumentLimits = 8,
  SetTradingState = 9,  // account (or 0: global) trading state
  KillSwitch = 10,      // activate or reset, for a scope
  InstrumentStatus = 11,
  DefineInstrument = 12,
  OpenAccount = 13,
  AdjustCash = 14,  // deposit (positive) or withdrawal (negative)
  SetFxRate = 15,
  RestrictInstrument = 16,
  PurgeOrders = 17,         // finished orders leave the engine's memory (housekeeping)
  SettleInstrument = 18,    // a future's final settlement: orders expire, positions close at a price
  ScheduleSettlement = 19,  // a future's expiry: settled by the first clock tick at or after a time
};
inline constexpr std::uint8_t kMaxCommandType = 19;

struct CommandHeader {
  CommandType type{};
  std::uint8_t reserved[3]{};
  std::uint32_t source = 0;     // the gateway connection that sent it (0: internal)
  std::uint64_t requestId = 0;  // the gateway's id for the request, echoed in the answers
  std::uint64_t sequence = 0;   // stamped by the sequencer: the journal sequence
  Timestamp time;               // stamped by the sequencer: the engine's only clock
};
static_assert(sizeof(CommandHeader) == 32);

struct NewOrderBody {
  AccountId account;
  InstrumentId instrument;
  ClientOrderId clientOrderId;
  Side side = Side::Buy;
  book::OrderType type = book::OrderType::Limit;
  book::TimeInForce timeInForce = book::TimeInForce::GTC;
  book::SelfTradePrevention selfTrade = book::SelfTradePrevention::None;
  bool postOnly = false;
  std::uint8_t reserved[3]{};
  Price price = Price::undefined();
  Price stopPrice = Price::undefined();
  Quantity quantity;
  Quantity displayQuantity;
  Quantity minQuantity;
  Timestamp expireTime;
};
static_assert(sizeof(NewOrderBody) == 112);

// Cancel and replace name the order by OrderId, or (orderId 0) by the client order id it
// currently has; clientOrderId is the id of this request (FIX ClOrdID; may be empty).
struct CancelOrderBody {
  AccountId account;
  OrderId orderId;
  ClientOrderId origClientOrderId;
  ClientOrderId clientOrderId;
};
static_assert(sizeof(CancelOrderBody) == 96);

struct ReplaceOrderBody {
  AccountId account;
  InstrumentId instrument;  // the order's instrument as the client believes it (0: not checked)
  OrderId orderId;
  ClientOrderId origClientOrderId;
  ClientOrderId clientOrderId;                // the order's id after the replace (empty: keeps its id)
  Quantity quantity = Quantity::undefined();  // new total quantity; undefined: unchanged
  Price price = Price::undefined();
  Price stopPrice = Price::undefined();
};
static_assert(sizeof(ReplaceOrderBody) == 128);

struct MassCancelBody {
  AccountId account;        // 0: every account
  InstrumentId instrument;  // 0: every instrument
  Side side = Side::None;   // None: both sides
  std::uint8_t reserved[7]{};
};
static_assert(sizeof(MassCancelBody) == 24);

struct MarketDataBody {
  InstrumentId instrument;
  Price bid = Price::undefined();
  Price ask = Price::undefined();
  Price last = Price::undefined();
};
static_assert(sizeof(MarketDataBody) == 32);

struct ClockTickBody {
  std::uint64_t reserved = 0;
};

struct SetAccountLimitsBody {
  AccountId account;  // 0: the default for accounts without their own limits
  risk::AccountLimits limits;
};

struct SetInstrumentLimitsBody {
  AccountId account;  // 0: the default for every account on this instrument
  InstrumentId instrument;
  risk::InstrumentLimits limits;
};

struct SetTradingStateBody {
  AccountId account;  // 0: global
  risk::TradingState state = risk::TradingState::Active;
  std::uint8_t reserved[7]{};
};

struct KillSwitchBody {
  risk::KillSwitchScope scope = risk::KillSwitchScope::Global;
  bool activate = true;  // false: reset
  std::uint8_t reserved[6]{};
  std::uint64_t id = 0;  // account or instrument id for those scopes
};

struct InstrumentStatusBody {
  InstrumentId instrument;
  TradingStatus status = TradingStatus::Continuous;
  std::uint8_t reserved[7]{};
};

struct DefineInstrumentBody {
  InstrumentId instrument;
  char symbol[32]{};
  char venue[8]{};
  Currency currency;
  AssetClass assetClass = AssetClass::Equity;
  TradingStatus status = TradingStatus::Continuous;
  std::uint8_t pricePrecision = 2;
  std::uint8_t quantityPrecision = 0;
  std::uint32_t multiplier = 0;  // ContractMultiplier::pack(); 0 (records before multipliers): 1
  Price tickSize;
  Quantity lotSize;
  Quantity minQuantity;
  Quantity maxQuantity;
};
static_assert(sizeof(DefineInstrumentBody) == 96);

// How an account's positions compute realized P&L (values equal oms::CostMethod's).
enum class CostBasis : std::uint8_t { AverageCost = 1, Fifo = 2 };

struct OpenAccountBody {
  AccountId account;
  Currency baseCurrency;
  risk::AccountType type = risk::AccountType::Cash;
  CostBasis costBasis = CostBasis::AverageCost;
  std::uint8_t reserved[6]{};
  std::int64_t makerFeePpm = 0;  // millionths of notional; negative: rebate
  std::int64_t takerFeePpm = 0;
  Money minimumFee;  // per order, in minimumFeeCurrency (none: the instrument's)
  Currency minimumFeeCurrency;
  std::uint32_t maxLeverageHundredths = 0;  // margin accounts; 0: the default
  std::uint32_t reserved2 = 0;
};
static_assert(sizeof(OpenAccountBody) == 64);

struct AdjustCashBody {
  AccountId account;
  Currency currency;
  Money amount;  // in the currency's minor units
};

struct SetFxRateBody {
  Currency base;
  Currency quote;
  std::int64_t rate = 0;  // 1 base = rate / 1e9 quote
};

struct RestrictInstrumentBody {
  AccountId account;  // 0: global
  InstrumentId instrument;
  bool restricted = true;
  std::uint8_t reserved[7]{};
};

// Retires the finished orders (Filled, Canceled, Rejected, Expired) of the accounts from
// `firstAccount` to `lastAccount` (0: no upper bound) last updated more than `minAgeNanos`
// before the command's time from the engine's order table (oms/order_table.hpp:
// purgeFinished); later commands naming them find no order, and their client order ids may be
// used again.
struct PurgeOrdersBody {
  std::int64_t minAgeNanos = 0;
  AccountId firstAccount;
  AccountId lastAccount;
};
static_assert(sizeof(PurgeOrdersBody) == 24);

// A future's final settlement (its expiry): every live order on it expires (ExecType and
// OrdStatus Expired), every open position closes at `price` (no fee; cash moves by the
// realized P&L), the instrument closes for good and no later command can reopen it.
struct SettleInstrumentBody {
  InstrumentId instrument;
  Price price;
};
static_assert(sizeof(SettleInstrumentBody) == 16);

// A future's expiry: the first clock tick at or after `at` (engine time) settles it as
// SettleInstrument does, at `price` when defined, else at its mark then (the last trade or
// market-data last, or the mid when marks are mids), else at its reference price; with none of
// them it waits for the next tick. A later schedule replaces an earlier one; `at` already past
// settles at once.
struct ScheduleSettlementBody {
  InstrumentId instrument;
  Timestamp at;
  Price price = Price::undefined();
};
static_assert(sizeof(ScheduleSettlementBody) == 24);

// A whole command as the engine sees it. The union keeps it one fixed-size value for rings.
struct Command {
  CommandHeader header;
  union Body {
    NewOrderBody newOrder;
    CancelOrderBody cancel;
    ReplaceOrderBody replace;
    MassCancelBody massCancel;
    MarketDataBody marketData;
    ClockTickBody clockTick;
    SetAccountLimitsBody accountLimits;
    SetInstrumentLimitsBody instrumentLimits;
    SetTradingStateBody tradingState;
    KillSwitchBody killSwitch;
    InstrumentStatusBody instrumentStatus;
    DefineInstrumentBody defineInstrument;
    OpenAccountBody openAccount;
    AdjustCashBody adjustCash;
    SetFxRateBody fxRate;
    RestrictInstrumentBody restrict;
    PurgeOrdersBody purgeOrders;
    SettleInstrumentBody settle;
    ScheduleSettlementBody schedule;
    Body() noexcept : clockTick{} {}
  } body;

  CommandType type() const noexcept { return header.type; }
};
static_assert(std::is_trivially_copyable_v<Command>);

// Size of the body of each type (what encode() writes after the header).
std::size_t bodySize(CommandType type) noexcept;
// header + body bytes, written into `out` (at least sizeof(Command)); returns the length.
std::size_t encode(const Command& command, std::span<std::byte> out) noexcept;
// Checks the type and the exact length. The sequence comes from the journal record (the
// stamped header holds it too; decode checks they agree when `expectedSequence` is not 0).
Result<Command> decode(std::span<const std::byte> bytes, std::uint64_t expectedSequence = 0);

std::string_view toString(CommandType type) noexcept;

// Builders used by gateways and tests (they fill the header's type; sequencer fills the rest).
Command makeCommand(CommandType type) noexcept;

// Instrument definition <-> command body (strings are checked by Instrument::create).
DefineInstrumentBody toDefineBody(const Instrument& instrument) noexcept;
Result<Instrument> fromDefineBody(const DefineInstrumentBody& body);

}  // namespace alphintra::engine
