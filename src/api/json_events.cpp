// Engine event → JSON (see json_events.hpp; examples in docs/engine-protocol.md).
//
// Members are written in a fixed order straight into the text (json_writer.hpp: this runs on
// the publisher thread for every event a client sees), so equal events give equal text. Reason messages are sentences
// built here from the codes, with the figures formatted in the units a person reads (prices and quantities at the
// instrument's precision, money in the account's base currency).
#include "api/json_events.hpp"

#include <fmt/format.h>

#include <optional>
#include <string_view>

#include "api/json_writer.hpp"
#include "core/decimal.hpp"
#include "engine/command.hpp"
#include "risk/rules.hpp"

namespace alphintra::api {
namespace {

using engine::EngineEvent;

std::string_view sideName(Side s) { return s == Side::Buy ? "buy" : (s == Side::Sell ? "sell" : "none"); }

// What the engine, the venue and the risk rules mean by their codes, as sentences. Ids that
// are none are not named (a command result's subject is not always the id a code is about).
std::string engineMessage(engine::RejectCode code, AccountId account, InstrumentId instrument) {
  using engine::RejectCode;
  switch (code) {
    case RejectCode::None: return "no reason given";
    case RejectCode::UnknownAccount:
      return account.isNone() ? "the account is not open" : fmt::format("account {} is not open", account.value());
    case RejectCode::UnknownInstrument:
      return instrument.isNone() ? "the instrument is not defined"
                                 : fmt::format("instrument {} is not defined", instrument.value());
    case RejectCode::DuplicateClientOrderId:
      return "the client order id is already used by another order of this account";
    case RejectCode::UnknownOrder: return "no order of this account has that id";
    case RejectCode::OrderNotLive: return "the order has already finished";
    case RejectCode::RequestPending: return "a cancel or replace is already pending on the order";
    case RejectCode::NotOrderOwner: return "the order belongs to another account";
    case RejectCode::InvalidRequest: return "a field of the request is out of range";
    case RejectCode::AlreadyExists: return "the id (or symbol) already exists";
    case RejectCode::InsufficientCash: return "the withdrawal exceeds the cash balance";
    case RejectCode::MissingFxRate: return "no FX rate for a currency conversion the request needs";
    case RejectCode::InvalidInstrument: return "the instrument definition is invalid";
    case RejectCode::NoReferencePrice:
      return "no price to value the order: empty book, no last trade and no market data";
    case RejectCode::InstrumentMismatch: return "the order trades another instrument than the one the request names";
    case RejectCode::InstrumentSettled: return "the instrument had its final settlement and no longer trades";
    case RejectCode::NotAFuture: return "only a future has a final settlement";
  }
  return fmt::format("engine reason code {}", static_cast<int>(code));
}

std::string venueMessage(book::RejectReason reason) {
  using book::RejectReason;
  switch (reason) {
    case RejectReason::None: return "no reason given";
    case RejectReason::InvalidQuantity: return "the quantity must be positive";
    case RejectReason::QuantityOffLot: return "the quantity is not a multiple of the lot size";
    case RejectReason::QuantityBelowMinimum: return "the quantity is below the instrument's minimum";
    case RejectReason::QuantityAboveMaximum: return "the quantity is above the instrument's maximum";
    case RejectReason::InvalidPrice:
      return "the limit price is missing or not positive, or given on an order type without one";
    case RejectReason::PriceOffTick: return "the price is not a multiple of the tick size";
    case RejectReason::InvalidStopPrice: return "the stop price is missing, not positive or off the tick";
    case RejectReason::DuplicateOrderId: return "the venue already has an order with this id";
    case RejectReason::UnknownOrder: return "the venue has no live order with this id";
    case RejectReason::NoLiquidity: return "there is no liquidity on the other side";
    case RejectReason::WouldTakeLiquidity: return "the post-only order would have traded on entry";
    case RejectReason::InvalidDisplayQuantity:
      return "the display quantity must be positive, at most the quantity and a multiple of the lot, on a limit "
             "or stop-limit order that is neither ioc nor fok";
    case RejectReason::InvalidMinQuantity: return "the minimum quantity is not valid for this order";
    case RejectReason::InvalidExpireTime:
      return "a gtd order needs an expireTime in the future, and other orders take none";
    case RejectReason::InvalidTimeInForce: return "the time in force is not allowed for this order now";
    case RejectReason::InvalidOrderType: return "the order type is not allowed here";
    case RejectReason::InvalidOrderId: return "the order id is 0";
    case RejectReason::InstrumentHalted: return "the instrument is halted";
    case RejectReason::InstrumentClosed: return "the instrument is closed";
    case RejectReason::InvalidStatusTransition: return "the instrument cannot move to that status from its current one";
    case RejectReason::InvalidAccount: return "the account id is 0";
    case RejectReason::NothingToReplace: return "the replace changes nothing";
  }
  return fmt::format("venue reason code {}", static_cast<int>(reason));
}

std::string cancelMessage(book::CancelReason reason) {
  using book::CancelReason;
  switch (reason) {
    case CancelReason::None: return "no reason given";
    case CancelReason::Requested: return "canceled on request";
    case CancelReason::ImmediateOrCancel: return "the unfilled rest of an immediate-or-cancel or market order";
    case CancelReason::FillOrKill: return "the fill-or-kill order could not fill completely";
    case CancelReason::MinQuantityNotMet: return "less than the minimum quantity could execute on entry";
    case CancelReason::SelfTrade: return "self-trade prevention";
    case CancelReason::MassCancel: return "a mass cancel or kill switch";
    case CancelReason::ReplacedToFilled: return "a replace lowered the quantity to what had filled";
    case CancelReason::AuctionRemainder: return "the market order was left over after the auction";
    case CancelReason::NoLiquidity: return "the other side of the book was empty";
  }
  return fmt::format("cancel reason code {}", static_cast<int>(reason));
}

// A risk figure: how it goes into JSON (a decimal string, or an integer when its unit has no
// decimals or the unit's reference data is unknown) and how it reads in a sentence.
struct Figure {
  std::string value;  // JSON text: a quoted decimal or an integer
  std::string text;
};

Figure decimalFigure(std::string s, std::string text) {
  std::string value;
  appendJsonString(value, s);
  return {std::move(value), std::move(text)};
}

Figure riskFigure(risk::RiskUnit unit, std::int64_t raw, const Instrument* instrument,
                  std::optional<Currency> currency) {
  switch (unit) {
    case risk::RiskUnit::Quantity:
      if (instrument != nullptr) {
        std::string s = instrument->formatQuantity(Quantity::fromRaw(raw));
        return decimalFigure(s, s);
      }
      break;
    case risk::RiskUnit::Price:
      if (instrument != nullptr) {
        std::string s = instrument->formatPrice(Price::fromRaw(raw));
        return decimalFigure(s, s);
      }
      break;
    case risk::RiskUnit::Money:
      if (currency) {
        std::string s = formatDecimal(raw, currency->minorUnits());
        return decimalFigure(s, fmt::format("{} {}", s, currency->code()));
      }
      break;
    case risk::RiskUnit::Ratio: {  // hundredths: 250 = 2.50x
      std::string s = formatDecimal(raw, 2);
      return decimalFigure(s, s + "x");
    }
    case risk::RiskUnit::BasisPoints: return {fmt::format("{}", raw), fmt::format("{} bp", raw)};
    case risk::RiskUnit::Ticks: return {fmt::format("{}", raw), fmt::format("{} ticks", raw)};
    default: break;
  }
  return {fmt::format("{}", raw), fmt::format("{}", raw)};
}

std::string riskMessage(risk::RiskRule rule, risk::RiskUnit unit, const Figure& limit, const Figure& value) {
  using risk::RiskRule;
  switch (rule) {
    case RiskRule::None: return "passed";
    case RiskRule::KillSwitch: return "kill switch: new orders are blocked";
    case RiskRule::TradingHalted: return "trading halted: new orders are blocked";
    case RiskRule::RestrictedInstrument: return "restricted instrument: the account may not trade it";
    case RiskRule::ReducingOnly:
      return fmt::format("reducing only: quantity {} would not only reduce the position (at most {} would)", value.text,
                         limit.text);
    case RiskRule::NakedShort:
      return fmt::format("naked short: quantity {} exceeds the {} still held to sell", value.text, limit.text);
    case RiskRule::BuyingPower:
      return fmt::format("buying power: {} required exceeds the {} available", value.text, limit.text);
    case RiskRule::Margin: return fmt::format("margin: {} required exceeds the {} available", value.text, limit.text);
    case RiskRule::OrderRate:
      return fmt::format("order rate: the burst of {} orders is used up; it refills at {} orders per second",
                         value.text, limit.text);
    case RiskRule::PriceCollarPercent:
      return fmt::format("price collar: {} from the reference price exceeds the limit of {}", value.text, limit.text);
    case RiskRule::PriceCollarTicks:
      return fmt::format("price collar: {} from the reference price exceeds the limit of {}", value.text, limit.text);
    case RiskRule::MaxLeverage:
      if (unit == risk::RiskUnit::Money) return fmt::format("max leverage: equity {} is not positive", value.text);
      break;
    default: break;
  }
  std::string words(risk::toString(rule));
  for (char& ch : words) {
    if (ch == '_') ch = ' ';
  }
  return fmt::format("{}: {} exceeds the limit of {}", words, value.text, limit.text);
}

void riskReason(JsonObject& reason, std::uint8_t code, std::uint8_t unitCode, std::int64_t limit, std::int64_t value,
                const Instrument* instrument, std::optional<Currency> currency) {
  const auto rule = static_cast<risk::RiskRule>(code);
  const auto unit = static_cast<risk::RiskUnit>(unitCode);
  const Figure l = riskFigure(unit, limit, instrument, currency);
  const Figure v = riskFigure(unit, value, instrument, currency);
  reason.string("source", "risk").string("code", risk::toString(rule)).string("message", riskMessage(rule, unit, l, v));
  if (unit != risk::RiskUnit::None) {
    reason.string("unit", risk::toString(unit)).raw("limit", l.value).raw("value", v.value);
  }
}

void simpleReason(JsonObject& reason, std::string_view source, std::string_view code, std::string_view message) {
  reason.string("source", source).string("code", code).string("message", message);
}

// The "reason" member of execution reports and cancel rejects; a venue code is a CancelReason
// on a canceled order and a RejectReason otherwise.
void putReason(JsonObject& j, oms::RejectSource source, std::uint8_t code, bool canceled, AccountId account,
               InstrumentId instrumentId, std::uint8_t riskUnit, std::int64_t riskLimit, std::int64_t riskValue,
               const Instrument* instrument, const Directory& directory) {
  JsonObject reason = j.object("reason");
  switch (source) {
    case oms::RejectSource::Engine: {
      const auto c = static_cast<engine::RejectCode>(code);
      simpleReason(reason, "engine", engine::toString(c), engineMessage(c, account, instrumentId));
      break;
    }
    case oms::RejectSource::Risk:
      riskReason(reason, code, riskUnit, riskLimit, riskValue, instrument, directory.accountCurrency(account));
      break;
    case oms::RejectSource::Venue:
      if (canceled) {
        const auto c = static_cast<book::CancelReason>(code);
        simpleReason(reason, "venue", book::toString(c), cancelMessage(c));
      } else {
        const auto r = static_cast<book::RejectReason>(code);
        simpleReason(reason, "venue", book::toString(r), venueMessage(r));
      }
      break;
    case oms::RejectSource::None:
    default: simpleReason(reason, "unknown", "unknown", fmt::format("reason code {}", static_cast<int>(code))); break;
  }
  reason.close();
}

JsonObject header(std::string& out, const EngineEvent& e) {
  JsonObject j(out);
  j.string("event", engine::toString(e.kind))
      .unsignedInteger("sequence", e.commandSequence)
      .integer("time", e.time.nanos());
  if (e.requestId != 0) j.unsignedInteger("requestId", e.requestId);
  return j;
}

void putInstrument(JsonObject& j, InstrumentId id, const Instrument* instrument) {
  j.unsignedInteger("instrument", id.value());
  if (instrument != nullptr) j.string("symbol", instrument->symbol());
}

void putPrice(JsonObject& j, std::string_view key, Price p, const Instrument* instrument) {
  if (instrument != nullptr && p.isDefined()) j.string(key, instrument->formatPrice(p));
}

void putQuantity(JsonObject& j, std::string_view key, Quantity q, const Instrument* instrument) {
  if (instrument != nullptr && q.isDefined()) j.string(key, instrument->formatQuantity(q));
}

void putMoney(JsonObject& j, std::string_view key, Money m, const Instrument* instrument) {
  if (instrument != nullptr && m.isDefined()) {
    j.string(key, formatDecimal(m.raw(), instrument->currency().minorUnits()));
  }
}

void putClientId(JsonObject& j, std::string_view key, const ClientOrderId& id) {
  if (!id.isNone()) j.string(key, id.view());
}

void executionReport(std::string& out, const EngineEvent& e, const Directory& directory) {
  const engine::ExecutionReport& r = e.body.execution;
  const Instrument* in = directory.instrument(r.instrument);
  JsonObject j = header(out, e);
  if (!r.orderId.isNone()) j.unsignedInteger("orderId", r.orderId.value());
  j.unsignedInteger("account", r.account.value());
  putInstrument(j, r.instrument, in);
  putClientId(j, "clientOrderId", r.clientOrderId);
  putClientId(j, "origClientOrderId", r.origClientOrderId);
  j.unsignedInteger("execId", r.execId);
  j.string("execType", oms::toString(r.execType)).string("status", oms::toString(r.status));
  if (r.side != Side::None) j.string("side", sideName(r.side));
  j.string("orderType", book::toString(r.orderType)).string("timeInForce", book::toString(r.timeInForce));
  putPrice(j, "price", r.price, in);
  putPrice(j, "stopPrice", r.stopPrice, in);
  putQuantity(j, "quantity", r.orderQuantity, in);
  putQuantity(j, "cumQuantity", r.cumQuantity, in);
  putQuantity(j, "leavesQuantity", r.leavesQuantity, in);
  if (r.execType == oms::ExecType::Trade) {
    putQuantity(j, "lastQuantity", r.lastQuantity, in);
    putPrice(j, "lastPrice", r.lastPrice, in);
    if (!r.tradeId.isNone()) j.unsignedInteger("tradeId", r.tradeId.value());
    j.string("liquidity", engine::toString(r.liquidity));
    putMoney(j, "lastFee", r.lastFee, in);
  }
  putPrice(j, "averagePrice", r.averagePrice, in);
  putMoney(j, "totalFees", r.totalFees, in);
  if (in != nullptr) j.string("feeCurrency", in->currency().code());
  if (r.rejectSource != oms::RejectSource::None) {
    const bool canceled = r.execType == oms::ExecType::Canceled || r.status == oms::OrdStatus::Canceled;
    putReason(j, r.rejectSource, r.rejectCode, canceled, r.account, r.instrument, r.riskUnit, r.riskLimit, r.riskValue,
              in, directory);
  }
  j.close();
}

// A cancel reject carries the order's instrument (the request's when the order is unknown), so
// risk figures read as decimals like in execution reports.
void cancelReject(std::string& out, const EngineEvent& e, const Directory& directory) {
  const engine::CancelRejectReport& r = e.body.cancelReject;
  JsonObject j = header(out, e);
  if (!r.orderId.isNone()) j.unsignedInteger("orderId", r.orderId.value());
  j.unsignedInteger("account", r.account.value());
  const Instrument* known = directory.instrument(r.instrument);
  if (known != nullptr) {
    j.unsignedInteger("instrument", known->id().value());
    j.string("symbol", known->symbol());
  }
  putClientId(j, "clientOrderId", r.clientOrderId);
  putClientId(j, "origClientOrderId", r.origClientOrderId);
  j.string("status", oms::toString(r.status)).string("responseTo", r.replace ? "replace" : "cancel");
  putReason(j, r.rejectSource, r.rejectCode, false, r.account, r.instrument, r.riskUnit, r.riskLimit, r.riskValue,
            known, directory);
  j.close();
}

void commandResult(std::string& out, const EngineEvent& e, const Directory& directory) {
  const engine::CommandResultReport& r = e.body.result;
  JsonObject j = header(out, e);
  j.string("command", engine::toString(static_cast<engine::CommandType>(r.commandType)));
  j.boolean("accepted", r.accepted);
  if (!r.accepted) {
    j.string("code", engine::toString(r.code));
    j.string("message", engineMessage(r.code, AccountId{}, InstrumentId{}));
  }
  j.unsignedInteger("subject", r.subject).integer("value", r.value);
  // A future's accepted schedule: the price it will settle at, when the schedule named one
  // (absent: its mark when it settles).
  if (r.accepted && static_cast<engine::CommandType>(r.commandType) == engine::CommandType::ScheduleSettlement) {
    putPrice(j, "price", Price::fromRaw(r.detail), directory.instrument(InstrumentId{r.subject}));
  }
  j.close();
}

void publicTrade(std::string& out, const EngineEvent& e, const Directory& directory) {
  const engine::PublicTradeReport& r = e.body.trade;
  const Instrument* in = directory.instrument(r.instrument);
  JsonObject j = header(out, e);
  putInstrument(j, r.instrument, in);
  j.unsignedInteger("tradeId", r.tradeId.value());
  putPrice(j, "price", r.price, in);
  putQuantity(j, "quantity", r.quantity, in);
  if (r.aggressor != Side::None) j.string("aggressor", sideName(r.aggressor));
  j.close();
}

void quote(std::string& out, const EngineEvent& e, const Directory& directory) {
  const engine::QuoteReport& r = e.body.quote;
  const Instrument* in = directory.instrument(r.instrument);
  JsonObject j = header(out, e);
  putInstrument(j, r.instrument, in);
  if (r.bidPrice.isDefined()) {
    putPrice(j, "bid", r.bidPrice, in);
    putQuantity(j, "bidQuantity", r.bidQuantity, in);
  }
  if (r.askPrice.isDefined()) {
    putPrice(j, "ask", r.askPrice, in);
    putQuantity(j, "askQuantity", r.askQuantity, in);
  }
  putPrice(j, "last", r.lastPrice, in);
  j.close();
}

}  // namespace

std::string formatEvent(const EngineEvent& event, const Directory& directory) {
  std::string out;
  out.reserve(512);
  switch (event.kind) {
    case engine::EventKind::ExecutionReport: executionReport(out, event, directory); return out;
    case engine::EventKind::CancelReject: cancelReject(out, event, directory); return out;
    case engine::EventKind::CommandResult: commandResult(out, event, directory); return out;
    case engine::EventKind::PublicTrade: publicTrade(out, event, directory); return out;
    case engine::EventKind::Quote: quote(out, event, directory); return out;
  }
  JsonObject j = header(out, event);  // an event kind this edge does not know yet: say so rather than drop it
  j.integer("kind", static_cast<int>(event.kind));
  j.close();
  return out;
}

std::string formatError(const Error& error, std::uint64_t requestId) {
  std::string out;
  JsonObject j(out);
  j.string("event", "error").string("field", error.field).string("message", error.message);
  if (requestId != 0) j.unsignedInteger("requestId", requestId);
  j.close();
  return out;
}

}  // namespace alphintra::api
