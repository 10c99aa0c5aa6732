// JSON → engine command (see json_commands.hpp; the schema is in docs/engine-protocol.md).
//
// Each command reads ALL of its members first (each read marks the member as known), then
// checks how they combine; so a member that a combination makes meaningless (a price on a
// market order) is named as such rather than as unknown. Fields::finish() reports an unknown
// member first, then the first error recorded in reading order.
#include "api/json_commands.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/decimal.hpp"

namespace alphintra::api {
namespace {

using Member = FlatJson::Member;
using Kind = FlatJson::Kind;
using engine::Command;
using engine::CommandType;

enum class Need : std::uint8_t { Optional, Required };

constexpr std::size_t kMaxEchoedChars = 40;  // user text quoted back in a message, at most

// User text quoted back in an error, cut short so that an error never grows with the input.
std::string echoed(std::string_view text) {
  if (text.size() <= kMaxEchoedChars) return fmt::format("\"{}\"", text);
  return fmt::format("\"{}...\"", text.substr(0, kMaxEchoedChars));
}

std::string describeValue(const Member& value) {
  switch (value.kind) {
    case Kind::Unsigned:
    case Kind::Negative:
    case Kind::Float:
      if (value.text.size() > kMaxEchoedChars)
        return fmt::format("the number {}...", value.text.substr(0, kMaxEchoedChars));
      return fmt::format("the number {}", value.text);
    case Kind::String: return fmt::format("the string {}", echoed(value.text));
    case Kind::Bool: return value.bits != 0 ? "true" : "false";
    case Kind::Null: return "null";
    case Kind::Array: return "an array";
    case Kind::Object: break;
  }
  return "an object";
}

template <typename E, std::size_t N>
struct Choices {
  std::array<E, N> values;
  std::string_view (*name)(E);

  std::optional<E> find(std::string_view text) const {
    for (E v : values) {
      if (name(v) == text) return v;
    }
    return std::nullopt;
  }
  std::string expected() const {  // "\"a\", \"b\" or \"c\""
    std::string out;
    for (std::size_t i = 0; i < N; ++i) {
      if (i) out += i + 1 == N ? " or " : ", ";
      out += fmt::format("\"{}\"", name(values[i]));
    }
    return out;
  }
};

std::string_view sideName(Side s) { return s == Side::Buy ? "buy" : (s == Side::Sell ? "sell" : "none"); }
std::string_view costBasisName(engine::CostBasis c) { return c == engine::CostBasis::Fifo ? "fifo" : "average_cost"; }

const Choices<Side, 2> kSides{{Side::Buy, Side::Sell}, sideName};
const Choices<book::OrderType, 4> kOrderTypes{
    {book::OrderType::Limit, book::OrderType::Market, book::OrderType::Stop, book::OrderType::StopLimit},
    [](book::OrderType t) { return book::toString(t); }};
const Choices<book::TimeInForce, 5> kTimesInForce{
    {book::TimeInForce::GTC, book::TimeInForce::Day, book::TimeInForce::IOC, book::TimeInForce::FOK,
     book::TimeInForce::GTD},
    [](book::TimeInForce t) { return book::toString(t); }};
const Choices<book::SelfTradePrevention, 5> kSelfTradeModes{
    {book::SelfTradePrevention::None, book::SelfTradePrevention::CancelResting,
     book::SelfTradePrevention::CancelIncoming, book::SelfTradePrevention::CancelBoth,
     book::SelfTradePrevention::DecrementAndCancel},
    [](book::SelfTradePrevention s) { return book::toString(s); }};
const Choices<risk::TradingState, 3> kTradingStates{
    {risk::TradingState::Active, risk::TradingState::ReducingOnly, risk::TradingState::Halted},
    [](risk::TradingState s) { return risk::toString(s); }};
const Choices<risk::KillSwitchScope, 3> kScopes{
    {risk::KillSwitchScope::Global, risk::KillSwitchScope::Account, risk::KillSwitchScope::Instrument},
    [](risk::KillSwitchScope s) { return risk::toString(s); }};
const Choices<risk::AccountType, 2> kAccountTypes{{risk::AccountType::Cash, risk::AccountType::Margin},
                                                  [](risk::AccountType t) { return risk::toString(t); }};
const Choices<engine::CostBasis, 2> kCostMethods{{engine::CostBasis::AverageCost, engine::CostBasis::Fifo},
                                                 costBasisName};
// The spellings are core's own (parseTradingStatus / parseAssetClass accept exactly these).
const Choices<TradingStatus, 6> kTradingStatuses{
    {TradingStatus::Closed, TradingStatus::PreOpen, TradingStatus::OpeningAuction, TradingStatus::Continuous,
     TradingStatus::ClosingAuction, TradingStatus::Halted},
    [](TradingStatus s) { return toString(s); }};
const Choices<AssetClass, 5> kAssetClasses{
    {AssetClass::Equity, AssetClass::Fx, AssetClass::Future, AssetClass::Option, AssetClass::Crypto},
    [](AssetClass c) { return toString(c); }};

// Reads the members of one command object, remembering which it used (the rest are unknown)
// and keeping the first error. Every reader returns nullopt when the member is absent (or
// null) or wrong; a wrong or missing required member records an error.
class Fields {
 public:
  Fields(const FlatJson& object, std::string_view command)
      : object_(object), command_(command), used_(object.members().size(), false) {}

  // Present and not null. Does not mark the member as used.
  bool present(std::string_view name) const {
    const Member* m = object_.find(name);
    return m != nullptr && m->kind != Kind::Null;
  }

  void fail(std::string_view field, std::string message) {
    if (!error_) error_ = makeError(std::string(field), std::move(message));
  }
  // An error as another module worded it (Instrument::create names its own fields in words).
  void fail(const Error& e) {
    if (!error_) error_ = e;
  }
  // An error from a parser whose message may leave its subject implicit ("has more than 2
  // decimal places", "must not be empty"): the field's name is put in front, so that the
  // message reads on its own.
  void failNamed(const Error& e) {
    if (e.message.starts_with(e.field + " ") || e.field.empty()) return fail(e);
    fail(makeError(e.field, fmt::format("{} {}", e.field, e.message)));
  }
  template <typename T>
  std::optional<T> take(Result<T> r) {
    if (r.ok()) return std::move(r).value();
    failNamed(r.error());
    return std::nullopt;
  }

  std::optional<std::string> string(std::string_view name, Need need) {
    const Member* v = get(name);
    if (v == nullptr) return missing<std::string>(name, need);
    if (v->kind != Kind::String) return wrong<std::string>(name, "must be a string", *v);
    return std::string(v->text);
  }

  // A decimal number as text: JSON strings only, so that no value passes through a double.
  std::optional<std::string> decimal(std::string_view name, Need need) {
    const Member* v = get(name);
    if (v == nullptr) return missing<std::string>(name, need);
    if (v->kind != Kind::String) {
      return wrong<std::string>(name, "must be a decimal number written as a string, e.g. \"101.25\"", *v);
    }
    return std::string(v->text);
  }

  std::optional<bool> boolean(std::string_view name, Need need) {
    const Member* v = get(name);
    if (v == nullptr) return missing<bool>(name, need);
    if (v->kind != Kind::Bool) return wrong<bool>(name, "must be true or false", *v);
    return v->bits != 0;
  }

  std::optional<std::uint64_t> unsignedInteger(std::string_view name, Need need,
                                               std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
    const Member* v = get(name);
    if (v == nullptr) return missing<std::uint64_t>(name, need);
    if (v->kind != Kind::Unsigned && v->kind != Kind::Negative) {
      return wrong<std::uint64_t>(name, "must be an integer", *v);
    }
    if (v->kind == Kind::Negative) {
      fail(name, fmt::format("{} must not be negative, got {}", name, v->text));
      return std::nullopt;
    }
    const std::uint64_t u = v->bits;
    if (u > max) {
      fail(name, fmt::format("{} {} is out of range: at most {}", name, u, max));
      return std::nullopt;
    }
    return u;
  }

  // A positive id (0 is "none" in every id space).
  std::optional<std::uint64_t> id(std::string_view name, Need need) {
    auto u = unsignedInteger(name, need);
    if (u && *u == 0) {
      fail(name, fmt::format("{} must be a positive id, got 0", name));
      return std::nullopt;
    }
    return u;
  }

  std::optional<std::int64_t> integer(std::string_view name, Need need, std::int64_t min, std::int64_t max) {
    const Member* v = get(name);
    if (v == nullptr) return missing<std::int64_t>(name, need);
    if (v->kind != Kind::Unsigned && v->kind != Kind::Negative) {
      return wrong<std::int64_t>(name, "must be an integer", *v);
    }
    if (v->kind == Kind::Unsigned && v->bits > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(name, fmt::format("{} {} is out of range: at most {}", name, v->text, max));
      return std::nullopt;
    }
    const auto i = static_cast<std::int64_t>(v->bits);
    if (i < min || i > max) {
      fail(name, fmt::format("{} {} is out of range {}..{}", name, i, min, max));
      return std::nullopt;
    }
    return i;
  }

  template <typename E, std::size_t N>
  std::optional<E> choice(std::string_view name, const Choices<E, N>& choices, Need need) {
    const Member* v = get(name);
    if (v == nullptr) return missing<E>(name, need);
    if (v->kind != Kind::String) return wrong<E>(name, fmt::format("must be one of {}", choices.expected()), *v);
    if (auto e = choices.find(v->text)) return e;
    fail(name, fmt::format("unknown {} {}; expected {}", name, echoed(v->text), choices.expected()));
    return std::nullopt;
  }

  std::optional<Currency> currency(std::string_view name, Need need) {
    auto text = string(name, need);
    if (!text) return std::nullopt;
    auto c = Currency::parse(*text);
    if (!c) {
      fail(name, fmt::format("{} {}", name, c.error().message));
      return std::nullopt;
    }
    return *c;
  }

  std::optional<ClientOrderId> clientOrderId(std::string_view name) {
    const Member* v = get(name);
    if (v == nullptr) return std::nullopt;
    if (v->kind != Kind::String) return wrong<ClientOrderId>(name, "must be a string", *v);
    return take(ClientOrderId::parse(v->text, name));
  }

  // An unknown member first (a misspelt name is usually why something else is missing), then
  // the first error in reading order.
  std::optional<Error> finish() const {
    const auto& members = object_.members();
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (!used_[i]) {
        const std::string key(members[i].key);
        return makeError(key, fmt::format("unknown field {} for {} (docs/engine-protocol.md lists its fields)",
                                          echoed(key), command_));
      }
    }
    return error_;
  }

 private:
  const Member* get(std::string_view name) {
    const auto& members = object_.members();
    const Member* found = nullptr;
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (members[i].key == name) {
        used_[i] = true;
        if (found == nullptr) found = &members[i];
      }
    }
    if (found == nullptr || found->kind == Kind::Null) return nullptr;
    return found;
  }

  template <typename T>
  std::optional<T> missing(std::string_view name, Need need) {
    if (need == Need::Required) fail(name, fmt::format("{} is required for {}", name, command_));
    return std::nullopt;
  }

  template <typename T>
  std::optional<T> wrong(std::string_view name, std::string_view rule, const Member& value) {
    fail(name, fmt::format("{} {}, got {}", name, rule, describeValue(value)));
    return std::nullopt;
  }

  const FlatJson& object_;
  std::string command_;
  std::vector<bool> used_;  // per member: asked for by name
  std::optional<Error> error_;
};

// ---- shared pieces ----

std::optional<AccountId> readAccount(Fields& f, const Directory& directory, Need need) {
  auto id = f.id("account", need);
  if (!id) return std::nullopt;
  if (!directory.accountCurrency(AccountId{*id})) {
    f.fail("account", fmt::format("account {} is not open (open_account first)", *id));
    return std::nullopt;
  }
  return AccountId{*id};
}

// The instrument named by "symbol" or by its id "instrument" (both may be given when they agree).
const Instrument* readInstrument(Fields& f, const Directory& directory, Need need) {
  const bool hasSymbol = f.present("symbol");
  const bool hasId = f.present("instrument");
  auto symbol = f.string("symbol", Need::Optional);
  auto id = f.id("instrument", Need::Optional);
  if (!hasSymbol && !hasId) {
    if (need == Need::Required) f.fail("symbol", "symbol (or the instrument id as \"instrument\") is required");
    return nullptr;
  }
  const Instrument* bySymbol = nullptr;
  const Instrument* byId = nullptr;
  if (symbol) {
    bySymbol = directory.instrumentBySymbol(*symbol);
    if (!bySymbol) {
      f.fail("symbol", fmt::format("unknown symbol {}: no instrument is defined with it", echoed(*symbol)));
      return nullptr;
    }
  }
  if (id) {
    byId = directory.instrument(InstrumentId{*id});
    if (!byId) {
      f.fail("instrument", fmt::format("instrument {} is not defined", *id));
      return nullptr;
    }
  }
  if (bySymbol && byId && bySymbol->id() != byId->id()) {
    f.fail("instrument",
           fmt::format("instrument {} is not {} (whose id is {})", *id, bySymbol->symbol(), bySymbol->id().value()));
    return nullptr;
  }
  if (!bySymbol && !byId) return nullptr;  // a wrong type, already recorded
  return bySymbol ? bySymbol : byId;
}

// A non-negative decimal at `places` (limits, fees: 0 is allowed and means "none").
std::optional<std::int64_t> nonNegative(Fields& f, const std::optional<std::string>& text, int places,
                                        std::string_view name) {
  if (!text) return std::nullopt;
  auto raw = f.take(parseDecimal(*text, places, name));
  if (raw && *raw < 0) {
    f.fail(name, fmt::format("{} {} must be 0 or positive", name, *text));
    return std::nullopt;
  }
  return raw;
}

std::optional<std::int64_t> positive(Fields& f, const std::optional<std::string>& text, int places,
                                     std::string_view name) {
  if (!text) return std::nullopt;
  auto raw = f.take(parseDecimal(*text, places, name));
  if (raw && *raw <= 0) {
    f.fail(name, fmt::format("{} {} must be positive", name, *text));
    return std::nullopt;
  }
  return raw;
}

// A leverage such as "2.5" in hundredths (250).
std::optional<std::uint32_t> leverageHundredths(Fields& f, const std::optional<std::string>& text, bool allowZero) {
  auto raw = allowZero ? nonNegative(f, text, 2, "maxLeverage") : positive(f, text, 2, "maxLeverage");
  if (!raw) return std::nullopt;
  if (*raw > std::numeric_limits<std::uint32_t>::max()) {
    f.fail("maxLeverage", fmt::format("maxLeverage {} is out of range", *text));
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(*raw);
}

std::optional<std::uint32_t> count32(Fields& f, std::string_view name) {
  auto u = f.unsignedInteger(name, Need::Optional, std::numeric_limits<std::uint32_t>::max());
  if (!u) return std::nullopt;
  return static_cast<std::uint32_t>(*u);
}

// A quantity that is a whole number of lots but need not reach the instrument's minimum
// (an iceberg's display peak, an order's minimum fill).
std::optional<Quantity> lotQuantity(Fields& f, const Instrument& in, const std::optional<std::string>& text,
                                    std::string_view name) {
  auto raw = positive(f, text, in.quantityPrecision(), name);
  if (!raw) return std::nullopt;
  const Quantity q = Quantity::fromRaw(*raw);
  if (!q.isMultipleOf(in.lotSize())) {
    f.fail(name, fmt::format("{} {} is not a multiple of the lot size {} of {}", name, *text,
                             in.formatQuantity(in.lotSize()), in.symbol()));
    return std::nullopt;
  }
  return q;
}

// Names the order of a cancel or replace: orderId or origClientOrderId, exactly one.
void readOrderRef(Fields& f, OrderId& orderId, ClientOrderId& origClientOrderId) {
  const bool hasId = f.present("orderId");
  const bool hasOrig = f.present("origClientOrderId");
  auto id = f.id("orderId", Need::Optional);
  auto orig = f.clientOrderId("origClientOrderId");
  if (hasId && hasOrig) {
    f.fail("origClientOrderId", "give orderId or origClientOrderId to name the order, not both");
  } else if (!hasId && !hasOrig) {
    f.fail("orderId", "orderId (or origClientOrderId) is required to name the order");
  }
  if (id) orderId = OrderId{*id};
  if (orig) origClientOrderId = *orig;
}

// ---- one function per command ----

void parseNewOrder(Fields& f, const Directory& directory, engine::NewOrderBody& b) {
  auto account = readAccount(f, directory, Need::Required);
  auto instrument = readInstrument(f, directory, Need::Required);
  auto clientId = f.clientOrderId("clientOrderId");
  auto side = f.choice("side", kSides, Need::Required);
  auto type = f.choice("orderType", kOrderTypes, Need::Optional);
  auto tif = f.choice("timeInForce", kTimesInForce, Need::Optional);
  auto quantityText = f.decimal("quantity", Need::Required);
  auto priceText = f.decimal("price", Need::Optional);
  auto stopText = f.decimal("stopPrice", Need::Optional);
  auto displayText = f.decimal("displayQuantity", Need::Optional);
  auto minText = f.decimal("minQuantity", Need::Optional);
  auto postOnly = f.boolean("postOnly", Need::Optional);
  auto selfTrade = f.choice("selfTrade", kSelfTradeModes, Need::Optional);
  auto expire = f.integer("expireTime", Need::Optional, 1, std::numeric_limits<std::int64_t>::max());

  if (account) b.account = *account;
  if (clientId) b.clientOrderId = *clientId;
  if (side) b.side = *side;
  b.type = type.value_or(book::OrderType::Limit);
  b.timeInForce = tif.value_or(b.type == book::OrderType::Market ? book::TimeInForce::IOC : book::TimeInForce::GTC);
  b.postOnly = postOnly.value_or(false);
  b.selfTrade = selfTrade.value_or(book::SelfTradePrevention::None);

  const bool needsPrice = b.type == book::OrderType::Limit || b.type == book::OrderType::StopLimit;
  const bool needsStop = b.type == book::OrderType::Stop || b.type == book::OrderType::StopLimit;
  const std::string_view typeName = book::toString(b.type);
  if (needsPrice && !f.present("price")) f.fail("price", fmt::format("price is required for a {} order", typeName));
  if (!needsPrice && f.present("price")) {
    f.fail("price", fmt::format("a {} order has no limit price: leave price out", typeName));
  }
  if (needsStop && !f.present("stopPrice")) {
    f.fail("stopPrice", fmt::format("stopPrice is required for a {} order", typeName));
  }
  if (!needsStop && f.present("stopPrice")) {
    f.fail("stopPrice", fmt::format("a {} order has no stop price: leave stopPrice out", typeName));
  }
  if (b.timeInForce == book::TimeInForce::GTD && !f.present("expireTime")) {
    f.fail("expireTime", "expireTime (nanoseconds since the epoch, UTC) is required for timeInForce gtd");
  }
  if (b.timeInForce != book::TimeInForce::GTD && f.present("expireTime")) {
    f.fail("expireTime", "expireTime is only for timeInForce gtd");
  }
  if (expire) b.expireTime = Timestamp{*expire};

  if (!instrument) return;
  b.instrument = instrument->id();
  if (quantityText) {
    if (auto q = f.take(instrument->parseQuantity(*quantityText, "quantity"))) b.quantity = *q;
  }
  if (priceText && needsPrice) {
    if (auto p = f.take(instrument->parsePrice(*priceText, "price"))) b.price = *p;
  }
  if (stopText && needsStop) {
    if (auto p = f.take(instrument->parsePrice(*stopText, "stopPrice"))) b.stopPrice = *p;
  }
  if (auto q = lotQuantity(f, *instrument, displayText, "displayQuantity")) {
    if (b.quantity.isPositive() && *q > b.quantity) {
      f.fail("displayQuantity",
             fmt::format("displayQuantity {} is more than the order quantity {}", *displayText, *quantityText));
    }
    b.displayQuantity = *q;
  }
  if (auto q = lotQuantity(f, *instrument, minText, "minQuantity")) {
    if (b.quantity.isPositive() && *q > b.quantity) {
      f.fail("minQuantity", fmt::format("minQuantity {} is more than the order quantity {}", *minText, *quantityText));
    }
    b.minQuantity = *q;
  }
}

void parseCancel(Fields& f, const Directory& directory, engine::CancelOrderBody& b) {
  auto account = readAccount(f, directory, Need::Required);
  readOrderRef(f, b.orderId, b.origClientOrderId);
  auto clientId = f.clientOrderId("clientOrderId");
  if (account) b.account = *account;
  if (clientId) b.clientOrderId = *clientId;
}

// The edge holds no order state, so a replace names the order's instrument ("symbol") too:
// without it the new price and quantity could not be read at the instrument's precision.
// The engine checks it against the order (instrument_mismatch).
void parseReplace(Fields& f, const Directory& directory, engine::ReplaceOrderBody& b) {
  auto account = readAccount(f, directory, Need::Required);
  readOrderRef(f, b.orderId, b.origClientOrderId);
  auto clientId = f.clientOrderId("clientOrderId");
  auto instrument = readInstrument(f, directory, Need::Required);
  auto quantityText = f.decimal("quantity", Need::Optional);
  auto priceText = f.decimal("price", Need::Optional);
  auto stopText = f.decimal("stopPrice", Need::Optional);
  if (account) b.account = *account;
  if (clientId) b.clientOrderId = *clientId;
  if (!f.present("quantity") && !f.present("price") && !f.present("stopPrice")) {
    f.fail("quantity", "replace_order needs at least one of quantity, price or stopPrice");
  }
  if (!instrument) return;
  b.instrument = instrument->id();
  if (quantityText) {
    if (auto q = f.take(instrument->parseQuantity(*quantityText, "quantity"))) b.quantity = *q;
  }
  if (priceText) {
    if (auto p = f.take(instrument->parsePrice(*priceText, "price"))) b.price = *p;
  }
  if (stopText) {
    if (auto p = f.take(instrument->parsePrice(*stopText, "stopPrice"))) b.stopPrice = *p;
  }
}

void parseMassCancel(Fields& f, const Directory& directory, engine::MassCancelBody& b) {
  auto account = readAccount(f, directory, Need::Optional);
  auto instrument = readInstrument(f, directory, Need::Optional);
  auto side = f.choice("side", kSides, Need::Optional);
  if (account) b.account = *account;
  if (instrument) b.instrument = instrument->id();
  b.side = side.value_or(Side::None);
}

// External prices need not lie on the instrument's tick (a reference from another venue, a
// mid between two ticks): only the precision and the sign are checked.
void parseMarketData(Fields& f, const Directory& directory, engine::MarketDataBody& b) {
  auto instrument = readInstrument(f, directory, Need::Required);
  auto bid = f.decimal("bid", Need::Optional);
  auto ask = f.decimal("ask", Need::Optional);
  auto last = f.decimal("last", Need::Optional);
  if (!f.present("bid") && !f.present("ask") && !f.present("last")) {
    f.fail("last", "market_data needs at least one of bid, ask or last");
  }
  if (!instrument) return;
  b.instrument = instrument->id();
  const int places = instrument->pricePrecision();
  if (auto raw = positive(f, bid, places, "bid")) b.bid = Price::fromRaw(*raw);
  if (auto raw = positive(f, ask, places, "ask")) b.ask = Price::fromRaw(*raw);
  if (auto raw = positive(f, last, places, "last")) b.last = Price::fromRaw(*raw);
}

void parseAccountLimits(Fields& f, const Directory& directory, engine::SetAccountLimitsBody& b) {
  auto account = readAccount(f, directory, Need::Optional);
  auto currency = f.currency("currency", Need::Optional);
  auto notional = f.decimal("maxOrderNotional", Need::Optional);
  auto gross = f.decimal("maxGrossExposure", Need::Optional);
  auto net = f.decimal("maxNetExposure", Need::Optional);
  auto openOrders = count32(f, "maxOpenOrders");
  auto rate = count32(f, "orderRatePerSecond");
  auto burst = count32(f, "orderBurst");
  auto collarBp = count32(f, "collarBasisPoints");
  auto collarTicks = count32(f, "collarTicks");
  auto leverage = leverageHundredths(f, f.decimal("maxLeverage", Need::Optional), true);

  // Money limits are in the account's base currency; the default for all accounts names its own.
  std::optional<Currency> unit;
  if (account) {
    b.account = *account;
    unit = directory.accountCurrency(*account);
    if (currency && unit && *currency != *unit) {
      f.fail("currency", fmt::format("limits of account {} are in its base currency {}: leave currency out",
                                     account->value(), unit->code()));
    }
  } else if (!f.present("account")) {
    unit = currency ? currency : Currency::parse("USD").value();
  }
  risk::AccountLimits& l = b.limits;
  if (unit) {
    const int places = unit->minorUnits();
    l.maxOrderNotional = nonNegative(f, notional, places, "maxOrderNotional").value_or(0);
    l.maxGrossExposure = nonNegative(f, gross, places, "maxGrossExposure").value_or(0);
    l.maxNetExposure = nonNegative(f, net, places, "maxNetExposure").value_or(0);
  }
  l.maxOpenOrders = openOrders.value_or(0);
  l.orderRatePerSecond = rate.value_or(0);
  l.orderBurst = burst.value_or(0);
  l.collarBasisPoints = collarBp.value_or(0);
  l.collarTicks = collarTicks.value_or(0);
  l.maxLeverageHundredths = leverage.value_or(0);
  if (auto e = risk::checkLimits(l)) f.failNamed(*e);
}

void parseInstrumentLimits(Fields& f, const Directory& directory, engine::SetInstrumentLimitsBody& b) {
  auto account = readAccount(f, directory, Need::Optional);
  auto instrument = readInstrument(f, directory, Need::Required);
  auto maxOrder = f.decimal("maxOrderQuantity", Need::Optional);
  auto maxLong = f.decimal("maxLongPosition", Need::Optional);
  auto maxShort = f.decimal("maxShortPosition", Need::Optional);
  if (account) b.account = *account;
  if (!instrument) return;
  b.instrument = instrument->id();
  const int places = instrument->quantityPrecision();
  risk::InstrumentLimits& l = b.limits;
  l.maxOrderQuantity = nonNegative(f, maxOrder, places, "maxOrderQuantity").value_or(0);
  l.maxLongPosition = nonNegative(f, maxLong, places, "maxLongPosition").value_or(0);
  l.maxShortPosition = nonNegative(f, maxShort, places, "maxShortPosition").value_or(0);
  if (auto e = risk::checkLimits(l)) f.failNamed(*e);
}

void parseTradingState(Fields& f, const Directory& directory, engine::SetTradingStateBody& b) {
  auto account = readAccount(f, directory, Need::Optional);
  auto state = f.choice("state", kTradingStates, Need::Required);
  if (account) b.account = *account;
  if (state) b.state = *state;
}

void parseKillSwitch(Fields& f, const Directory& directory, engine::KillSwitchBody& b) {
  auto scope = f.choice("scope", kScopes, Need::Required);
  auto account = readAccount(f, directory, Need::Optional);
  auto instrument = readInstrument(f, directory, Need::Optional);
  auto activate = f.boolean("activate", Need::Optional);
  b.activate = activate.value_or(true);
  if (!scope) return;
  b.scope = *scope;
  const bool wantsAccount = *scope == risk::KillSwitchScope::Account;
  const bool wantsInstrument = *scope == risk::KillSwitchScope::Instrument;
  if (wantsAccount && !f.present("account")) f.fail("account", "account is required for scope \"account\"");
  if (!wantsAccount && f.present("account")) f.fail("account", "account is only for scope \"account\"");
  const bool namesInstrument = f.present("symbol") || f.present("instrument");
  if (wantsInstrument && !namesInstrument) {
    f.fail("symbol", "symbol (or the instrument id as \"instrument\") is required for scope \"instrument\"");
  }
  if (!wantsInstrument && namesInstrument) {
    f.fail(f.present("symbol") ? "symbol" : "instrument", "symbol and instrument are only for scope \"instrument\"");
  }
  if (wantsAccount && account) b.id = account->value();
  if (wantsInstrument && instrument) b.id = instrument->id().value();
}

void parseInstrumentStatus(Fields& f, const Directory& directory, engine::InstrumentStatusBody& b) {
  auto instrument = readInstrument(f, directory, Need::Required);
  auto status = f.choice("status", kTradingStatuses, Need::Required);
  if (instrument) b.instrument = instrument->id();
  if (status) b.status = *status;
}

// The fixed-size fields of the command body (DefineInstrumentBody) hold at most this much.
constexpr std::size_t kMaxSymbolBytes = sizeof(engine::DefineInstrumentBody::symbol);
constexpr std::size_t kMaxVenueBytes = sizeof(engine::DefineInstrumentBody::venue);

void parseDefineInstrument(Fields& f, engine::DefineInstrumentBody& b) {
  auto id = f.id("instrument", Need::Required);
  auto symbol = f.string("symbol", Need::Required);
  auto venue = f.string("venue", Need::Optional);
  auto assetClass = f.choice("assetClass", kAssetClasses, Need::Optional);
  auto currency = f.string("currency", Need::Optional);
  auto pricePrecision = f.integer("pricePrecision", Need::Optional, 0, kMaxDecimalPlaces);
  auto quantityPrecision = f.integer("quantityPrecision", Need::Optional, 0, kMaxDecimalPlaces);
  auto tickSize = f.decimal("tickSize", Need::Optional);
  auto lotSize = f.decimal("lotSize", Need::Optional);
  auto minQuantity = f.decimal("minQuantity", Need::Optional);
  auto maxQuantity = f.decimal("maxQuantity", Need::Optional);
  auto multiplier = f.decimal("multiplier", Need::Optional);
  auto status = f.choice("status", kTradingStatuses, Need::Optional);
  if (symbol && symbol->size() > kMaxSymbolBytes) {
    f.fail("symbol", fmt::format("symbol {} is {} characters long; at most {} are allowed", echoed(*symbol),
                                 symbol->size(), kMaxSymbolBytes));
  }
  if (venue && venue->size() > kMaxVenueBytes) {
    f.fail("venue", fmt::format("venue {} is {} characters long; at most {} are allowed", echoed(*venue), venue->size(),
                                kMaxVenueBytes));
  }
  if (!id || !symbol) return;

  InstrumentSpec spec;
  spec.id = *id;
  spec.symbol = *symbol;
  if (venue) spec.venue = *venue;
  if (assetClass) spec.assetClass = *assetClass;
  if (currency) spec.currency = *currency;
  if (status) spec.status = *status;
  spec.pricePrecision = static_cast<int>(pricePrecision.value_or(spec.pricePrecision));
  spec.quantityPrecision = static_cast<int>(quantityPrecision.value_or(spec.quantityPrecision));
  // Default tick and lot: one unit of the last decimal place.
  spec.tickSize = tickSize.value_or(formatDecimal(1, spec.pricePrecision));
  spec.lotSize = lotSize.value_or(formatDecimal(1, spec.quantityPrecision));
  spec.minQuantity = minQuantity.value_or("");
  spec.maxQuantity = maxQuantity.value_or("");
  spec.multiplier = multiplier.value_or("1");
  auto instrument = Instrument::create(spec);
  if (!instrument) {
    Error e = instrument.error();
    if (e.field == "id") e.field = "instrument";  // Instrument::create's name for the member "instrument"
    f.fail(e);
    return;
  }
  b = engine::toDefineBody(*instrument);
}

constexpr std::int64_t kMaxFeePpm = 1'000'000;  // ±100% of notional: oms::FeeSchedule's range

void parseOpenAccount(Fields& f, engine::OpenAccountBody& b) {
  auto id = f.id("account", Need::Required);
  auto base = f.currency("currency", Need::Required);
  auto type = f.choice("accountType", kAccountTypes, Need::Optional);
  auto costMethod = f.choice("costMethod", kCostMethods, Need::Optional);
  auto maker = f.integer("makerFeePpm", Need::Optional, -kMaxFeePpm, kMaxFeePpm);
  auto taker = f.integer("takerFeePpm", Need::Optional, -kMaxFeePpm, kMaxFeePpm);
  auto minimumFee = f.decimal("minimumFee", Need::Optional);
  auto minimumFeeCurrency = f.currency("minimumFeeCurrency", Need::Optional);
  auto leverage = f.decimal("maxLeverage", Need::Optional);

  if (id) b.account = AccountId{*id};
  if (base) b.baseCurrency = *base;
  b.type = type.value_or(risk::AccountType::Cash);
  b.costBasis = costMethod.value_or(engine::CostBasis::AverageCost);
  b.makerFeePpm = maker.value_or(0);
  b.takerFeePpm = taker.value_or(0);
  // The minimum fee's currency is always written into the command: decimal text has one
  // meaning only when its currency is known (the engine's "none" means each instrument's own).
  if (minimumFeeCurrency) b.minimumFeeCurrency = *minimumFeeCurrency;
  if (minimumFee) {
    if (!minimumFeeCurrency && base) b.minimumFeeCurrency = *base;
    if (!b.minimumFeeCurrency.isNone()) {
      if (auto raw = nonNegative(f, minimumFee, b.minimumFeeCurrency.minorUnits(), "minimumFee")) {
        b.minimumFee = Money::fromRaw(*raw);
      }
    }
  }
  if (leverage && b.type != risk::AccountType::Margin) {
    f.fail("maxLeverage", "maxLeverage is only for accountType \"margin\"");
  } else if (auto hundredths = leverageHundredths(f, leverage, false)) {
    b.maxLeverageHundredths = *hundredths;
  }
}

void parseAdjustCash(Fields& f, const Directory& directory, engine::AdjustCashBody& b) {
  auto account = readAccount(f, directory, Need::Required);
  auto currency = f.currency("currency", Need::Required);
  auto amount = f.decimal("amount", Need::Required);
  if (account) b.account = *account;
  if (!currency) return;
  b.currency = *currency;
  if (!amount) return;
  if (auto raw = f.take(parseDecimal(*amount, currency->minorUnits(), "amount"))) {
    if (*raw == 0) f.fail("amount", "amount must not be zero (positive: a deposit, negative: a withdrawal)");
    b.amount = Money::fromRaw(*raw);
  }
}

constexpr int kFxRatePlaces = 9;  // SetFxRateBody::rate is scaled by 1e9

void parseFxRate(Fields& f, engine::SetFxRateBody& b) {
  auto base = f.currency("base", Need::Required);
  auto quote = f.currency("quote", Need::Required);
  auto rate = f.decimal("rate", Need::Required);
  if (base) b.base = *base;
  if (quote) b.quote = *quote;
  if (base && quote && *base == *quote) f.fail("quote", "quote must differ from base");
  if (auto raw = positive(f, rate, kFxRatePlaces, "rate")) b.rate = *raw;
}

void parseRestrict(Fields& f, const Directory& directory, engine::RestrictInstrumentBody& b) {
  auto account = readAccount(f, directory, Need::Optional);
  auto instrument = readInstrument(f, directory, Need::Required);
  auto restricted = f.boolean("restricted", Need::Optional);
  if (account) b.account = *account;
  if (instrument) b.instrument = instrument->id();
  b.restricted = restricted.value_or(true);
}

void parsePurgeOrders(Fields& f, engine::PurgeOrdersBody& b) {
  // minAgeNanos: finished orders last updated longer ago than this (before the command's time)
  // are retired.
  if (auto age = f.integer("minAgeNanos", Need::Required, 0, std::numeric_limits<std::int64_t>::max())) {
    b.minAgeNanos = *age;
  }
  // firstAccount / lastAccount: only those accounts' orders (ids, not necessarily opened).
  const auto first = f.unsignedInteger("firstAccount", Need::Optional);
  const auto last = f.unsignedInteger("lastAccount", Need::Optional);
  if (first) b.firstAccount = AccountId{*first};
  if (last) b.lastAccount = AccountId{*last};
  if (first && last && *last != 0 && *last < *first)
    f.fail("lastAccount", "lastAccount must not be below firstAccount");
}

// A future's settlement price in "price": any price the instrument's precision writes (a
// contract can settle below zero) but the bit pattern of an undefined price.
Price settlementPriceOf(Fields& f, const std::optional<std::string>& text, const Instrument& instrument) {
  if (!text) return Price::undefined();
  const auto raw = f.take(parseDecimal(*text, instrument.pricePrecision(), "price"));
  if (!raw) return Price::undefined();
  if (*raw == std::numeric_limits<std::int64_t>::min()) {
    f.fail("price", fmt::format("price {} is out of range", echoed(*text)));
    return Price::undefined();
  }
  return Price::fromRaw(*raw);
}

// A future's final settlement, now.
void parseSettleInstrument(Fields& f, const Directory& directory, engine::SettleInstrumentBody& b) {
  auto instrument = readInstrument(f, directory, Need::Required);
  auto price = f.decimal("price", Need::Required);
  if (!instrument) return;
  b.instrument = instrument->id();
  b.price = settlementPriceOf(f, price, *instrument);
}

// A future's expiry: `at` (nanoseconds since the epoch, UTC) and optionally the price to settle
// at (else its mark then).
void parseScheduleSettlement(Fields& f, const Directory& directory, engine::ScheduleSettlementBody& b) {
  auto instrument = readInstrument(f, directory, Need::Required);
  auto at = f.integer("at", Need::Required, 1, std::numeric_limits<std::int64_t>::max() - 1);
  auto price = f.decimal("price", Need::Optional);
  if (at) b.at = Timestamp{*at};
  if (!instrument) return;
  b.instrument = instrument->id();
  b.price = settlementPriceOf(f, price, *instrument);
}

std::optional<CommandType> commandTypeOf(std::string_view name) {
  for (std::uint8_t t = 1; t <= engine::kMaxCommandType; ++t) {
    const auto type = static_cast<CommandType>(t);
    if (engine::toString(type) == name) return type;
  }
  return std::nullopt;
}

std::string commandNames() {
  std::string out;
  for (std::uint8_t t = 1; t <= engine::kMaxCommandType; ++t) {
    if (t > 1) out += t == engine::kMaxCommandType ? " or " : ", ";
    out += engine::toString(static_cast<CommandType>(t));
  }
  return out;
}

// Parses the text; errors for malformed JSON, a non-object and a member given twice (JSON
// allows it; which one counts would be ambiguous, so it is refused).
Result<FlatJson> parseObject(std::string_view text) {
  if (text.size() > kMaxCommandBytes) {
    return makeError("",
                     fmt::format("command is {} bytes long; at most {} are allowed", text.size(), kMaxCommandBytes));
  }
  auto parsed = FlatJson::parse(text);
  if (!parsed) {
    if (parsed.error().message.starts_with("malformed JSON")) return parsed.error();
    // Valid JSON that is not an object: read it as a member, to say what it is.
    const std::string wrapped = fmt::format("{{\"value\":{}}}", text);
    const auto member = FlatJson::parse(wrapped);
    if (!member || member->members().empty()) return makeError("", "a command must be a JSON object");
    return makeError("", fmt::format("a command must be a JSON object, got {}", describeValue(member->members()[0])));
  }
  return parsed;
}

}  // namespace

Result<Command> parseCommand(std::string_view jsonText, Directory& directory, std::uint32_t source) {
  auto parsed = parseObject(jsonText);
  if (!parsed) return parsed.error();
  return parseCommandMembers(parsed.value(), directory, source);
}

Result<Command> parseCommandObject(const nlohmann::json& object, Directory& directory, std::uint32_t source) {
  if (!object.is_object()) return makeError("", "a command must be a JSON object");
  return parseCommand(object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), directory, source);
}

Result<Command> parseCommandMembers(const FlatJson& object, Directory& directory, std::uint32_t source) {
  if (const auto twice = object.duplicate()) {
    return makeError(std::string(*twice), fmt::format("field {} appears more than once", echoed(*twice)));
  }
  const Member* typeIt = object.find("type");
  if (typeIt == nullptr || typeIt->kind == Kind::Null) {
    return makeError("type", "type (the command's name) is required");
  }
  if (typeIt->kind != Kind::String) {
    return makeError("type", fmt::format("type must be a string naming the command, got {}", describeValue(*typeIt)));
  }
  const std::string typeName(typeIt->text);
  const std::optional<CommandType> type = commandTypeOf(typeName);
  if (!type) {
    return makeError("type", fmt::format("unknown command type {}; expected {}", echoed(typeName), commandNames()));
  }

  Fields f(object, typeName);
  (void)f.string("type", Need::Required);
  const auto requestId = f.unsignedInteger("requestId", Need::Optional);

  Command c = engine::makeCommand(*type);
  switch (*type) {
    case CommandType::NewOrder: parseNewOrder(f, directory, c.body.newOrder); break;
    case CommandType::CancelOrder: parseCancel(f, directory, c.body.cancel); break;
    case CommandType::ReplaceOrder: parseReplace(f, directory, c.body.replace); break;
    case CommandType::MassCancel: parseMassCancel(f, directory, c.body.massCancel); break;
    case CommandType::MarketData: parseMarketData(f, directory, c.body.marketData); break;
    case CommandType::ClockTick: break;
    case CommandType::SetAccountLimits: parseAccountLimits(f, directory, c.body.accountLimits); break;
    case CommandType::SetInstrumentLimits: parseInstrumentLimits(f, directory, c.body.instrumentLimits); break;
    case CommandType::SetTradingState: parseTradingState(f, directory, c.body.tradingState); break;
    case CommandType::KillSwitch: parseKillSwitch(f, directory, c.body.killSwitch); break;
    case CommandType::InstrumentStatus: parseInstrumentStatus(f, directory, c.body.instrumentStatus); break;
    case CommandType::DefineInstrument: parseDefineInstrument(f, c.body.defineInstrument); break;
    case CommandType::OpenAccount: parseOpenAccount(f, c.body.openAccount); break;
    case CommandType::AdjustCash: parseAdjustCash(f, directory, c.body.adjustCash); break;
    case CommandType::SetFxRate: parseFxRate(f, c.body.fxRate); break;
    case CommandType::RestrictInstrument: parseRestrict(f, directory, c.body.restrict); break;
    case CommandType::PurgeOrders: parsePurgeOrders(f, c.body.purgeOrders); break;
    case CommandType::SettleInstrument: parseSettleInstrument(f, directory, c.body.settle); break;
    case CommandType::ScheduleSettlement: parseScheduleSettlement(f, directory, c.body.schedule); break;
  }
  if (auto error = f.finish()) return *error;

  c.header.source = source;
  c.header.requestId = requestId.value_or(0);
  // The directory learns only from commands that passed every check.
  if (*type == CommandType::DefineInstrument) {
    auto instrument = engine::fromDefineBody(c.body.defineInstrument);
    if (!instrument) return instrument.error();  // cannot happen: the body came from Instrument::create
    directory.addInstrument(*instrument);
  } else if (*type == CommandType::OpenAccount) {
    directory.addAccount(c.body.openAccount.account, c.body.openAccount.baseCurrency);
  }
  return c;
}

std::uint64_t requestIdOf(std::string_view jsonText) noexcept {
  if (jsonText.size() > kMaxCommandBytes) return 0;
  try {
    const auto object = FlatJson::parse(jsonText);
    if (!object) return 0;
    const Member* id = object->find("requestId");
    return id != nullptr && id->kind == Kind::Unsigned ? id->bits : 0;
  } catch (...) {  // allocation failure: no request id to echo
    return 0;
  }
}

}  // namespace alphintra::api
