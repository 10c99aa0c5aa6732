#include "engine/command.hpp"

#include <fmt/format.h>

#include <cstring>
#include <string>

#include "core/decimal.hpp"

namespace alphintra::engine {

std::size_t bodySize(CommandType type) noexcept {
  switch (type) {
    case CommandType::NewOrder: return sizeof(NewOrderBody);
    case CommandType::CancelOrder: return sizeof(CancelOrderBody);
    case CommandType::ReplaceOrder: return sizeof(ReplaceOrderBody);
    case CommandType::MassCancel: return sizeof(MassCancelBody);
    case CommandType::MarketData: return sizeof(MarketDataBody);
    case CommandType::ClockTick: return sizeof(ClockTickBody);
    case CommandType::SetAccountLimits: return sizeof(SetAccountLimitsBody);
    case CommandType::SetInstrumentLimits: return sizeof(SetInstrumentLimitsBody);
    case CommandType::SetTradingState: return sizeof(SetTradingStateBody);
    case CommandType::KillSwitch: return sizeof(KillSwitchBody);
    case CommandType::InstrumentStatus: return sizeof(InstrumentStatusBody);
    case CommandType::DefineInstrument: return sizeof(DefineInstrumentBody);
    case CommandType::OpenAccount: return sizeof(OpenAccountBody);
    case CommandType::AdjustCash: return sizeof(AdjustCashBody);
    case CommandType::SetFxRate: return sizeof(SetFxRateBody);
    case CommandType::RestrictInstrument: return sizeof(RestrictInstrumentBody);
    case CommandType::PurgeOrders: return sizeof(PurgeOrdersBody);
    case CommandType::SettleInstrument: return sizeof(SettleInstrumentBody);
    case CommandType::ScheduleSettlement: return sizeof(ScheduleSettlementBody);
  }
  return 0;
}

std::size_t encode(const Command& command, std::span<std::byte> out) noexcept {
  const std::size_t n = sizeof(CommandHeader) + bodySize(command.header.type);
  std::memcpy(out.data(), &command.header, sizeof(CommandHeader));
  std::memcpy(out.data() + sizeof(CommandHeader), &command.body, n - sizeof(CommandHeader));
  return n;
}

namespace {

// A byte of the record that must hold a bool or an enumeration: read as a byte (loading a bool
// that is neither 0 nor 1 is undefined behaviour), compared with the values the type has.
template <typename T>
bool byteIn(const T& field, std::uint8_t low, std::uint8_t high) noexcept {
  static_assert(sizeof(T) == 1);
  std::uint8_t v = 0;
  std::memcpy(&v, &field, 1);
  return v >= low && v <= high;
}

// The fields of a decoded command that no edge would write: enumerations and flags outside
// their values, ids and currencies whose length bytes run past their storage. The values
// themselves (prices, quantities, limits) are the engine's to check, as they are for every
// command; these are what it could not even read safely. Returns the offending field.
const char* badField(const Command& c) noexcept {
  const auto clientId = [](const ClientOrderId& id) { return id.wellFormed(); };
  switch (c.type()) {
    case CommandType::NewOrder: {
      const NewOrderBody& b = c.body.newOrder;
      if (!clientId(b.clientOrderId)) return "clientOrderId";
      if (!byteIn(b.side, 1, 2)) return "side";
      if (!byteIn(b.type, 1, 4)) return "orderType";
      if (!byteIn(b.timeInForce, 1, 5)) return "timeInForce";
      if (!byteIn(b.selfTrade, 0, 4)) return "selfTrade";
      if (!byteIn(b.postOnly, 0, 1)) return "postOnly";
      return nullptr;
    }
    case CommandType::CancelOrder:
      if (!clientId(c.body.cancel.origClientOrderId)) return "origClientOrderId";
      if (!clientId(c.body.cancel.clientOrderId)) return "clientOrderId";
      return nullptr;
    case CommandType::ReplaceOrder:
      if (!clientId(c.body.replace.origClientOrderId)) return "origClientOrderId";
      if (!clientId(c.body.replace.clientOrderId)) return "clientOrderId";
      return nullptr;
    case CommandType::MassCancel: return byteIn(c.body.massCancel.side, 0, 2) ? nullptr : "side";
    case CommandType::SetTradingState: return byteIn(c.body.tradingState.state, 0, 2) ? nullptr : "state";
    case CommandType::KillSwitch:
      if (!byteIn(c.body.killSwitch.scope, 0, 2)) return "scope";
      return byteIn(c.body.killSwitch.activate, 0, 1) ? nullptr : "activate";
    case CommandType::InstrumentStatus: return byteIn(c.body.instrumentStatus.status, 0, 5) ? nullptr : "status";
    case CommandType::DefineInstrument: {
      const DefineInstrumentBody& b = c.body.defineInstrument;
      if (!b.currency.wellFormed()) return "currency";
      if (!byteIn(b.assetClass, 1, 5)) return "assetClass";
      return byteIn(b.status, 0, 5) ? nullptr : "status";
    }
    case CommandType::OpenAccount: {
      const OpenAccountBody& b = c.body.openAccount;
      if (!b.baseCurrency.wellFormed()) return "currency";
      if (!b.minimumFeeCurrency.wellFormed()) return "minimumFeeCurrency";
      if (!byteIn(b.type, 1, 2)) return "accountType";
      return byteIn(b.costBasis, 1, 2) ? nullptr : "costMethod";
    }
    case CommandType::AdjustCash: return c.body.adjustCash.currency.wellFormed() ? nullptr : "currency";
    case CommandType::SetFxRate:
      return c.body.fxRate.base.wellFormed() && c.body.fxRate.quote.wellFormed() ? nullptr : "currency";
    case CommandType::RestrictInstrument: return byteIn(c.body.restrict.restricted, 0, 1) ? nullptr : "restricted";
    default: return nullptr;
  }
}

}  // namespace

Result<Command> decode(std::span<const std::byte> bytes, std::uint64_t expectedSequence) {
  if (bytes.size() < sizeof(CommandHeader)) {
    return makeError("command",
                     "record of " + std::to_string(bytes.size()) + " bytes is shorter than a command header");
  }
  const auto rawType = static_cast<std::uint8_t>(bytes[0]);
  if (rawType == 0 || rawType > kMaxCommandType) {
    return makeError("command", "unknown command type " + std::to_string(rawType));
  }
  const auto type = static_cast<CommandType>(rawType);
  const std::size_t expected = sizeof(CommandHeader) + bodySize(type);
  if (bytes.size() != expected) {
    return makeError("command", std::string(toString(type)) + " record is " + std::to_string(bytes.size()) +
                                    " bytes; expected " + std::to_string(expected));
  }
  Command c;
  std::memcpy(&c.header, bytes.data(), sizeof(CommandHeader));
  std::memcpy(&c.body, bytes.data() + sizeof(CommandHeader), expected - sizeof(CommandHeader));
  if (expectedSequence != 0 && c.header.sequence != expectedSequence) {
    return makeError("sequence", "command stamped " + std::to_string(c.header.sequence) + " in journal record " +
                                     std::to_string(expectedSequence));
  }
  if (const char* field = badField(c)) {
    return makeError(field, std::string(toString(type)) + " record holds a " + field +
                                " no edge writes (a value outside its range): not a command this engine reads");
  }
  return c;
}

std::string_view toString(CommandType type) noexcept {
  switch (type) {
    case CommandType::NewOrder: return "new_order";
    case CommandType::CancelOrder: return "cancel_order";
    case CommandType::ReplaceOrder: return "replace_order";
    case CommandType::MassCancel: return "mass_cancel";
    case CommandType::MarketData: return "market_data";
    case CommandType::ClockTick: return "clock_tick";
    case CommandType::SetAccountLimits: return "set_account_limits";
    case CommandType::SetInstrumentLimits: return "set_instrument_limits";
    case CommandType::SetTradingState: return "set_trading_state";
    case CommandType::KillSwitch: return "kill_switch";
    case CommandType::InstrumentStatus: return "instrument_status";
    case CommandType::DefineInstrument: return "define_instrument";
    case CommandType::OpenAccount: return "open_account";
    case CommandType::AdjustCash: return "adjust_cash";
    case CommandType::SetFxRate: return "set_fx_rate";
    case CommandType::RestrictInstrument: return "restrict_instrument";
    case CommandType::PurgeOrders: return "purge_orders";
    case CommandType::SettleInstrument: return "settle_instrument";
    case CommandType::ScheduleSettlement: return "schedule_settlement";
  }
  return "unknown";
}

Command makeCommand(CommandType type) noexcept {
  Command c;
  std::memset(static_cast<void*>(&c), 0,
              sizeof(Command));  // padding and unused body bytes are zero: deterministic journal bytes
  c.header.type = type;
  switch (type) {
    case CommandType::NewOrder: c.body.newOrder = NewOrderBody{}; break;
    case CommandType::CancelOrder: c.body.cancel = CancelOrderBody{}; break;
    case CommandType::ReplaceOrder: c.body.replace = ReplaceOrderBody{}; break;
    case CommandType::MassCancel: c.body.massCancel = MassCancelBody{}; break;
    case CommandType::MarketData: c.body.marketData = MarketDataBody{}; break;
    case CommandType::ClockTick: c.body.clockTick = ClockTickBody{}; break;
    case CommandType::SetAccountLimits: c.body.accountLimits = SetAccountLimitsBody{}; break;
    case CommandType::SetInstrumentLimits: c.body.instrumentLimits = SetInstrumentLimitsBody{}; break;
    case CommandType::SetTradingState: c.body.tradingState = SetTradingStateBody{}; break;
    case CommandType::KillSwitch: c.body.killSwitch = KillSwitchBody{}; break;
    case CommandType::InstrumentStatus: c.body.instrumentStatus = InstrumentStatusBody{}; break;
    case CommandType::DefineInstrument: c.body.defineInstrument = DefineInstrumentBody{}; break;
    case CommandType::OpenAccount: c.body.openAccount = OpenAccountBody{}; break;
    case CommandType::AdjustCash: c.body.adjustCash = AdjustCashBody{}; break;
    case CommandType::SetFxRate: c.body.fxRate = SetFxRateBody{}; break;
    case CommandType::RestrictInstrument: c.body.restrict = RestrictInstrumentBody{}; break;
    case CommandType::PurgeOrders: c.body.purgeOrders = PurgeOrdersBody{}; break;
    case CommandType::SettleInstrument: c.body.settle = SettleInstrumentBody{}; break;
    case CommandType::ScheduleSettlement: c.body.schedule = ScheduleSettlementBody{}; break;
  }
  return c;
}

namespace {

template <std::size_t N>
void copyText(char (&dst)[N], std::string_view src) noexcept {
  std::memset(dst, 0, N);
  std::memcpy(dst, src.data(), src.size() < N ? src.size() : N);
}

template <std::size_t N>
std::string_view textOf(const char (&src)[N]) noexcept {
  std::size_t n = 0;
  while (n < N && src[n] != '\0') ++n;
  return {src, n};
}

}  // namespace

DefineInstrumentBody toDefineBody(const Instrument& in) noexcept {
  DefineInstrumentBody b;
  b.instrument = in.id();
  copyText(b.symbol, in.symbol());
  copyText(b.venue, in.venue());
  b.currency = in.currency();
  b.assetClass = in.assetClass();
  b.status = in.status();
  b.pricePrecision = static_cast<std::uint8_t>(in.pricePrecision());
  b.quantityPrecision = static_cast<std::uint8_t>(in.quantityPrecision());
  b.tickSize = in.tickSize();
  b.lotSize = in.lotSize();
  b.minQuantity = in.minQuantity();
  b.maxQuantity = in.maxQuantity();
  b.multiplier = in.multiplier().pack();
  return b;
}

Result<Instrument> fromDefineBody(const DefineInstrumentBody& b) {
  InstrumentSpec spec;
  spec.id = b.instrument.value();
  spec.symbol = std::string(textOf(b.symbol));
  spec.venue = std::string(textOf(b.venue));
  spec.assetClass = b.assetClass;
  if (!b.currency.wellFormed()) return makeError("currency", "the definition's currency bytes are not a currency code");
  spec.currency = std::string(b.currency.code());
  spec.pricePrecision = b.pricePrecision;
  spec.quantityPrecision = b.quantityPrecision;
  spec.tickSize = formatDecimal(b.tickSize.raw(), b.pricePrecision);
  spec.lotSize = formatDecimal(b.lotSize.raw(), b.quantityPrecision);
  spec.minQuantity = formatDecimal(b.minQuantity.raw(), b.quantityPrecision);
  if (b.maxQuantity.raw() != std::numeric_limits<std::int64_t>::max()) {
    spec.maxQuantity = formatDecimal(b.maxQuantity.raw(), b.quantityPrecision);
  }
  spec.status = b.status;
  const auto multiplier = ContractMultiplier::unpack(b.multiplier);
  if (!multiplier)
    return makeError("multiplier", fmt::format("packed contract multiplier {:#x} is not valid", b.multiplier));
  spec.multiplier = multiplier->toString();
  return Instrument::create(spec);
}

}  // namespace alphintra::engine
