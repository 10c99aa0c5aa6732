// OrderEntry: FIX order messages ↔ engine commands and events (see fix_order_entry.hpp).
#include "api/fix/fix_order_entry.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <tuple>

#include "core/decimal.hpp"
#include "risk/rules.hpp"

namespace alphintra::api::fix {
namespace {

// The fields the order messages read, collected in one pass (an empty view: absent; the codec
// has already refused a tag without a value).
struct OrderFields {
  std::string_view account, clOrdId, origClOrdId, orderId, symbol, side, orderQty, ordType, price, stopPx, timeInForce,
      transactTime, expireTime, execInst, maxFloor, minQty, massCancelType;
};

void collect(const MessageView& m, OrderFields& f) noexcept {
  for (const Field& field : m) {
    switch (field.tag) {
      case tag::Account: f.account = field.value; break;
      case tag::ClOrdID: f.clOrdId = field.value; break;
      case tag::OrigClOrdID: f.origClOrdId = field.value; break;
      case tag::OrderID: f.orderId = field.value; break;
      case tag::Symbol: f.symbol = field.value; break;
      case tag::Side: f.side = field.value; break;
      case tag::OrderQty: f.orderQty = field.value; break;
      case tag::OrdType: f.ordType = field.value; break;
      case tag::Price: f.price = field.value; break;
      case tag::StopPx: f.stopPx = field.value; break;
      case tag::TimeInForce: f.timeInForce = field.value; break;
      case tag::TransactTime: f.transactTime = field.value; break;
      case tag::ExpireTime: f.expireTime = field.value; break;
      case tag::ExecInst: f.execInst = field.value; break;
      case tag::MaxFloor: f.maxFloor = field.value; break;
      case tag::MinQty: f.minQty = field.value; break;
      case tag::MassCancelRequestType: f.massCancelType = field.value; break;
      default: break;
    }
  }
}

// A decimal's shape (digits, one optional '.'), before the instrument checks its value.
bool isDecimalText(std::string_view text) noexcept {
  if (text.empty()) return false;
  bool digit = false;
  bool dot = false;
  std::size_t i = text[0] == '-' ? 1 : 0;
  for (; i < text.size(); ++i) {
    if (text[i] >= '0' && text[i] <= '9') {
      digit = true;
    } else if (text[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digit;
}

// A one-character enum: which value it is, whether FIX defines it, whether we support it.
enum class Enum : std::uint8_t { Supported, Unsupported, Invalid };
Enum classify(std::string_view value, std::string_view supported, std::string_view defined) noexcept {
  if (value.size() != 1) return Enum::Invalid;
  if (supported.find(value[0]) != std::string_view::npos) return Enum::Supported;
  if (defined.find(value[0]) != std::string_view::npos) return Enum::Unsupported;
  return Enum::Invalid;
}

char fixOrdType(book::OrderType t) noexcept {
  switch (t) {
    case book::OrderType::Market: return '1';
    case book::OrderType::Limit: return '2';
    case book::OrderType::Stop: return '3';
    case book::OrderType::StopLimit: return '4';
  }
  return '2';
}

char fixTimeInForce(book::TimeInForce t) noexcept {
  switch (t) {
    case book::TimeInForce::Day: return '0';
    case book::TimeInForce::GTC: return '1';
    case book::TimeInForce::IOC: return '3';
    case book::TimeInForce::FOK: return '4';
    case book::TimeInForce::GTD: return '6';
  }
  return '1';
}

// OrdRejReason (103) for an engine refusal.
int ordRejReason(const engine::ExecutionReport& r) noexcept {
  switch (r.rejectSource) {
    case oms::RejectSource::Engine:
      switch (static_cast<engine::RejectCode>(r.rejectCode)) {
        case engine::RejectCode::UnknownAccount: return 15;
        case engine::RejectCode::UnknownInstrument: return 1;
        case engine::RejectCode::DuplicateClientOrderId: return 6;
        default: return 99;
      }
    case oms::RejectSource::Risk: return 3;  // order exceeds limit
    case oms::RejectSource::Venue:
      switch (static_cast<book::RejectReason>(r.rejectCode)) {
        case book::RejectReason::InstrumentHalted:
        case book::RejectReason::InstrumentClosed: return 2;
        case book::RejectReason::InvalidQuantity:
        case book::RejectReason::QuantityOffLot:
        case book::RejectReason::QuantityBelowMinimum:
        case book::RejectReason::QuantityAboveMaximum: return 13;
        case book::RejectReason::DuplicateOrderId: return 6;
        default: return 99;
      }
    case oms::RejectSource::None: break;
  }
  return 99;
}

std::string reasonText(oms::RejectSource source, std::uint8_t code, bool canceled) {
  switch (source) {
    case oms::RejectSource::Engine: return std::string(engine::toString(static_cast<engine::RejectCode>(code)));
    case oms::RejectSource::Risk: return fmt::format("risk: {}", risk::toString(static_cast<risk::RiskRule>(code)));
    case oms::RejectSource::Venue:
      return std::string(canceled ? book::toString(static_cast<book::CancelReason>(code))
                                  : book::toString(static_cast<book::RejectReason>(code)));
    case oms::RejectSource::None: break;
  }
  return {};
}

// An error's message naming its field ("Price 150.255 has more than 2 decimal places").
std::string named(const Error& e) {
  if (e.field.empty() || e.message.starts_with(e.field)) return e.message;
  return e.field + " " + e.message;
}

std::uint64_t sequenceOf(const MessageView& m) noexcept {
  return parseUnsigned(m.get(tag::MsgSeqNum).value_or("")).value_or(0);
}

}  // namespace

OrderEntry::OrderEntry(const Directory& directory, std::uint32_t source, Submit submit)
    : directory_(directory), source_(source), submit_(std::move(submit)) {}

void OrderEntry::addSession(Session& session) {
  if (session.config().dropCopy) {
    dropCopies_.push_back(&session);
  } else {
    sessionsByAccount_.emplace_back(session.config().account.value(), &session);
  }
}

bool OrderEntry::tracks(AccountId account) const noexcept {
  for (const auto& [a, s] : sessionsByAccount_) {
    if (a == account.value()) return true;
  }
  return false;
}

const Instrument* OrderEntry::instrumentBySymbol(std::string_view symbol) {
  if (auto it = instrumentsBySymbol_.find(symbol); it != instrumentsBySymbol_.end()) return &it->second;
  auto found = directory_.instrumentBySymbol(symbol);
  if (!found) return nullptr;
  auto [it, inserted] = instrumentsBySymbol_.emplace(found->symbol(), *found);
  instrumentsById_[found->id().value()] = &it->second;
  return &it->second;
}

const Instrument* OrderEntry::instrumentById(InstrumentId id) {
  if (auto it = instrumentsById_.find(id.value()); it != instrumentsById_.end()) return it->second;
  auto found = directory_.instrument(id);
  if (!found) return nullptr;
  return instrumentBySymbol(found->symbol());
}

void OrderEntry::load(const engine::Engine& engine) {
  engine.orders().forEach([&](const oms::OmsOrder& o) {
    if (!tracks(o.account())) return;
    engine::ExecutionReport r{};
    engine::describeOrder(o, r);
    r.execType = oms::ExecType::OrderStatus;
    remember(r, o.updatedTime);  // its last change: what a retirement compares, as the engine does
  });
}

void OrderEntry::remember(const engine::ExecutionReport& r, Timestamp time) { reports_.remember(r, time); }

void OrderEntry::onOrdersRetired(Timestamp cutoff, OrderId below, std::uint64_t retired) {
  retiredSinceCompaction_ += retired;
  if (retiredSinceCompaction_ < std::max<std::uint64_t>(kMinCompaction, reports_.size() / 2)) return;
  // Purges only move forward (a later cutoff, a higher window), so the latest covers the
  // earlier ones.
  reports_.retire(cutoff, below.value());
  retiredSinceCompaction_ = 0;
}

bool OrderEntry::submit(Session& session, const MessageView& m, engine::Command& c, std::int64_t now) {
  c.header.source = source_;
  c.header.requestId = nextRequestId_++;
  if (submit_(c)) return true;
  businessReject(session, m, sequenceOf(m), 4, "the engine is not taking orders (stopping or failed)", now);
  return false;
}

void OrderEntry::onApplicationMessage(Session& session, const MessageView& m, std::int64_t now) {
  const std::uint64_t seq = sequenceOf(m);
  const std::string_view type = m.msgType();
  if (session.config().dropCopy) {
    return businessReject(session, m, seq, 6,
                          "a drop-copy session takes no orders: it receives the execution reports of every account",
                          now);
  }
  if (type == "D") return onNewOrder(session, m, seq, now);
  if (type == "F") return onCancel(session, m, seq, now);
  if (type == "G") return onReplace(session, m, seq, now);
  if (type == "H") return onStatus(session, m, seq, now);
  if (type == "q") return onMassCancel(session, m, seq, now);
  businessReject(session, m, seq, 3, "unsupported message type", now);
}

void OrderEntry::businessReject(Session& s, const MessageView& m, std::uint64_t seq, int reason, std::string_view text,
                                std::int64_t now) {
  MessageWriter& w = s.begin("j", now);
  w.integer(tag::RefSeqNum, static_cast<std::int64_t>(seq));
  w.field(tag::RefMsgType, m.msgType());
  if (auto id = m.get(tag::ClOrdID)) w.field(tag::BusinessRejectRefID, *id);
  w.integer(tag::BusinessRejectReason, reason);
  w.field(tag::Text, text.substr(0, 200));
  s.commit();
}

namespace {

// Session-level checks shared by the order messages: required tags, formats, FIX enum values.
// Each returns false after sending the Reject.
struct Checker {
  Session& session;
  const MessageView& m;
  std::uint64_t seq;
  std::int64_t now;

  bool required(std::string_view value, std::uint32_t t, std::string_view name) {
    if (!value.empty()) return true;
    session.reject(seq, m.msgType(), RejectReason::RequiredTagMissing, t, fmt::format("{} ({}) is required", name, t),
                   now);
    return false;
  }
  bool decimal(std::string_view value, std::uint32_t t, std::string_view name) {
    if (value.empty() || isDecimalText(value)) return true;
    session.reject(seq, m.msgType(), RejectReason::IncorrectDataFormat, t,
                   fmt::format("{} ({}) must be a decimal number", name, t), now);
    return false;
  }
  bool timestamp(std::string_view value, std::uint32_t t, std::string_view name) {
    if (value.empty() || parseUtcTimestamp(value)) return true;
    session.reject(seq, m.msgType(), RejectReason::IncorrectDataFormat, t,
                   fmt::format("{} ({}) must be a UTCTimestamp", name, t), now);
    return false;
  }
  // False for a value FIX does not define (Reject 5); `supported` tells the caller about the rest.
  bool enumeration(std::string_view value, std::uint32_t t, std::string_view name, std::string_view supportedValues,
                   std::string_view definedValues, bool& supported) {
    supported = true;
    if (value.empty()) return true;
    switch (classify(value, supportedValues, definedValues)) {
      case Enum::Supported: return true;
      case Enum::Unsupported: supported = false; return true;
      case Enum::Invalid: break;
    }
    session.reject(seq, m.msgType(), RejectReason::ValueIncorrect, t,
                   fmt::format("{} ({}) has a value FIX 4.4 does not define", name, t), now);
    return false;
  }
};

constexpr std::string_view kSides = "12";
constexpr std::string_view kDefinedSides = "123456789ABCDEFG";
constexpr std::string_view kOrdTypes = "1234";
constexpr std::string_view kDefinedOrdTypes = "123456789ABCDEFGHIJKP";
constexpr std::string_view kTimesInForce = "01346";
constexpr std::string_view kDefinedTimesInForce = "01234567";

}  // namespace

void OrderEntry::onNewOrder(Session& s, const MessageView& m, std::uint64_t seq, std::int64_t now) {
  OrderFields f;
  collect(m, f);
  Checker check{s, m, seq, now};
  bool sideOk = true, typeOk = true, tifOk = true;
  if (!check.required(f.clOrdId, tag::ClOrdID, "ClOrdID") || !check.required(f.symbol, tag::Symbol, "Symbol") ||
      !check.required(f.side, tag::Side, "Side") ||
      !check.required(f.transactTime, tag::TransactTime, "TransactTime") ||
      !check.required(f.orderQty, tag::OrderQty, "OrderQty") || !check.required(f.ordType, tag::OrdType, "OrdType") ||
      !check.enumeration(f.side, tag::Side, "Side", kSides, kDefinedSides, sideOk) ||
      !check.enumeration(f.ordType, tag::OrdType, "OrdType", kOrdTypes, kDefinedOrdTypes, typeOk) ||
      !check.enumeration(f.timeInForce, tag::TimeInForce, "TimeInForce", kTimesInForce, kDefinedTimesInForce, tifOk) ||
      !check.decimal(f.orderQty, tag::OrderQty, "OrderQty") || !check.decimal(f.price, tag::Price, "Price") ||
      !check.decimal(f.stopPx, tag::StopPx, "StopPx") || !check.decimal(f.maxFloor, tag::MaxFloor, "MaxFloor") ||
      !check.decimal(f.minQty, tag::MinQty, "MinQty") ||
      !check.timestamp(f.transactTime, tag::TransactTime, "TransactTime") ||
      !check.timestamp(f.expireTime, tag::ExpireTime, "ExpireTime")) {
    return;
  }
  if (!sideOk) return rejectOrder(s, m, 11, "Side: only 1 (buy) and 2 (sell) are supported", now);
  if (!typeOk) return rejectOrder(s, m, 11, "OrdType: only 1 (market), 2 (limit), 3 (stop), 4 (stop limit)", now);
  if (!tifOk) return rejectOrder(s, m, 11, "TimeInForce: only 0 (day), 1 (GTC), 3 (IOC), 4 (FOK), 6 (GTD)", now);

  engine::Command c = engine::makeCommand(engine::CommandType::NewOrder);
  engine::NewOrderBody& b = c.body.newOrder;
  b.account = s.config().account;
  if (!f.account.empty() && parseUnsigned(f.account) != s.config().account.value()) {
    return rejectOrder(s, m, 15, fmt::format("Account must be {}, the session's account", b.account.value()), now);
  }
  auto clOrdId = ClientOrderId::parse(f.clOrdId, "ClOrdID");
  if (!clOrdId) return rejectOrder(s, m, 99, named(clOrdId.error()), now);
  b.clientOrderId = *clOrdId;
  const Instrument* instrument = instrumentBySymbol(f.symbol);
  if (instrument == nullptr) return rejectOrder(s, m, 1, "unknown Symbol", now);
  b.instrument = instrument->id();
  b.side = f.side[0] == '1' ? Side::Buy : Side::Sell;
  switch (f.ordType[0]) {
    case '1': b.type = book::OrderType::Market; break;
    case '3': b.type = book::OrderType::Stop; break;
    case '4': b.type = book::OrderType::StopLimit; break;
    default: b.type = book::OrderType::Limit; break;
  }
  if (f.timeInForce.empty()) {
    b.timeInForce = b.type == book::OrderType::Market ? book::TimeInForce::IOC : book::TimeInForce::Day;
  } else {
    switch (f.timeInForce[0]) {
      case '0': b.timeInForce = book::TimeInForce::Day; break;
      case '1': b.timeInForce = book::TimeInForce::GTC; break;
      case '3': b.timeInForce = book::TimeInForce::IOC; break;
      case '4': b.timeInForce = book::TimeInForce::FOK; break;
      default: b.timeInForce = book::TimeInForce::GTD; break;
    }
  }
  const bool needsPrice = b.type == book::OrderType::Limit || b.type == book::OrderType::StopLimit;
  const bool needsStop = b.type == book::OrderType::Stop || b.type == book::OrderType::StopLimit;
  if (needsPrice && f.price.empty()) {
    return s.reject(seq, m.msgType(), RejectReason::RequiredTagMissing, tag::Price,
                    "Price (44) is required for a limit or stop limit order", now);
  }
  if (needsStop && f.stopPx.empty()) {
    return s.reject(seq, m.msgType(), RejectReason::RequiredTagMissing, tag::StopPx,
                    "StopPx (99) is required for a stop or stop limit order", now);
  }
  if (!needsPrice && !f.price.empty()) return rejectOrder(s, m, 99, "a market or stop order has no Price (44)", now);
  if (!needsStop && !f.stopPx.empty()) return rejectOrder(s, m, 99, "only stop orders have a StopPx (99)", now);
  if (b.timeInForce == book::TimeInForce::GTD) {
    if (f.expireTime.empty()) {
      return s.reject(seq, m.msgType(), RejectReason::RequiredTagMissing, tag::ExpireTime,
                      "ExpireTime (126) is required for TimeInForce 6 (GTD)", now);
    }
    b.expireTime = Timestamp{*parseUtcTimestamp(f.expireTime)};
  } else if (!f.expireTime.empty()) {
    return rejectOrder(s, m, 99, "ExpireTime (126) is only for TimeInForce 6 (GTD)", now);
  }
  auto quantity = instrument->parseQuantity(f.orderQty, "OrderQty");
  if (!quantity) return rejectOrder(s, m, 13, named(quantity.error()), now);
  b.quantity = *quantity;
  if (needsPrice) {
    auto price = instrument->parsePrice(f.price, "Price");
    if (!price) return rejectOrder(s, m, 99, named(price.error()), now);
    b.price = *price;
  }
  if (needsStop) {
    auto stop = instrument->parsePrice(f.stopPx, "StopPx");
    if (!stop) return rejectOrder(s, m, 99, named(stop.error()), now);
    b.stopPrice = *stop;
  }
  for (const auto& [text, target, name] :
       {std::tuple{f.maxFloor, &b.displayQuantity, "MaxFloor"}, std::tuple{f.minQty, &b.minQuantity, "MinQty"}}) {
    if (text.empty()) continue;
    auto raw = parseDecimal(text, instrument->quantityPrecision(), name);
    if (!raw || *raw <= 0 || !Quantity::fromRaw(*raw).isMultipleOf(instrument->lotSize()) ||
        Quantity::fromRaw(*raw) > b.quantity) {
      return rejectOrder(s, m, 13,
                         fmt::format("{} must be a positive multiple of the lot size, at most OrderQty", name), now);
    }
    *target = Quantity::fromRaw(*raw);
  }
  for (char inst : f.execInst) {
    if (inst == '6') {
      b.postOnly = true;
    } else if (inst != ' ') {
      return rejectOrder(s, m, 11, "ExecInst: only 6 (participate don't initiate) is supported", now);
    }
  }
  submit(s, m, c, now);
}

void OrderEntry::onCancel(Session& s, const MessageView& m, std::uint64_t seq, std::int64_t now) {
  OrderFields f;
  collect(m, f);
  Checker check{s, m, seq, now};
  bool sideOk = true;
  if (!check.required(f.origClOrdId, tag::OrigClOrdID, "OrigClOrdID") ||
      !check.required(f.clOrdId, tag::ClOrdID, "ClOrdID") || !check.required(f.symbol, tag::Symbol, "Symbol") ||
      !check.required(f.side, tag::Side, "Side") ||
      !check.required(f.transactTime, tag::TransactTime, "TransactTime") ||
      !check.enumeration(f.side, tag::Side, "Side", kSides, kDefinedSides, sideOk) ||
      !check.timestamp(f.transactTime, tag::TransactTime, "TransactTime")) {
    return;
  }
  engine::Command c = engine::makeCommand(engine::CommandType::CancelOrder);
  engine::CancelOrderBody& b = c.body.cancel;
  b.account = s.config().account;
  auto clOrdId = ClientOrderId::parse(f.clOrdId, "ClOrdID");
  if (!clOrdId) return rejectCancel(s, m, false, 99, named(clOrdId.error()), now);
  auto orig = ClientOrderId::parse(f.origClOrdId, "OrigClOrdID");
  if (!orig) return rejectCancel(s, m, false, 1, named(orig.error()), now);
  b.clientOrderId = *clOrdId;
  b.origClientOrderId = *orig;
  if (!f.orderId.empty()) {
    const auto id = parseUnsigned(f.orderId);
    if (!id || *id == 0) return rejectCancel(s, m, false, 1, "unknown OrderID", now);
    b.orderId = OrderId{*id};
    b.origClientOrderId = ClientOrderId{};  // the engine takes one reference: the OrderID wins
  }
  submit(s, m, c, now);
}

void OrderEntry::onReplace(Session& s, const MessageView& m, std::uint64_t seq, std::int64_t now) {
  OrderFields f;
  collect(m, f);
  Checker check{s, m, seq, now};
  bool sideOk = true, typeOk = true;
  if (!check.required(f.origClOrdId, tag::OrigClOrdID, "OrigClOrdID") ||
      !check.required(f.clOrdId, tag::ClOrdID, "ClOrdID") || !check.required(f.symbol, tag::Symbol, "Symbol") ||
      !check.required(f.side, tag::Side, "Side") ||
      !check.required(f.transactTime, tag::TransactTime, "TransactTime") ||
      !check.required(f.orderQty, tag::OrderQty, "OrderQty") || !check.required(f.ordType, tag::OrdType, "OrdType") ||
      !check.enumeration(f.side, tag::Side, "Side", kSides, kDefinedSides, sideOk) ||
      !check.enumeration(f.ordType, tag::OrdType, "OrdType", kOrdTypes, kDefinedOrdTypes, typeOk) ||
      !check.decimal(f.orderQty, tag::OrderQty, "OrderQty") || !check.decimal(f.price, tag::Price, "Price") ||
      !check.decimal(f.stopPx, tag::StopPx, "StopPx") ||
      !check.timestamp(f.transactTime, tag::TransactTime, "TransactTime")) {
    return;
  }
  engine::Command c = engine::makeCommand(engine::CommandType::ReplaceOrder);
  engine::ReplaceOrderBody& b = c.body.replace;
  b.account = s.config().account;
  auto clOrdId = ClientOrderId::parse(f.clOrdId, "ClOrdID");
  if (!clOrdId) return rejectCancel(s, m, true, 99, named(clOrdId.error()), now);
  auto orig = ClientOrderId::parse(f.origClOrdId, "OrigClOrdID");
  if (!orig) return rejectCancel(s, m, true, 1, named(orig.error()), now);
  b.clientOrderId = *clOrdId;
  b.origClientOrderId = *orig;
  if (!f.orderId.empty()) {
    const auto id = parseUnsigned(f.orderId);
    if (!id || *id == 0) return rejectCancel(s, m, true, 1, "unknown OrderID", now);
    b.orderId = OrderId{*id};
    b.origClientOrderId = ClientOrderId{};
  }
  const Instrument* instrument = instrumentBySymbol(f.symbol);
  if (instrument == nullptr) return rejectCancel(s, m, true, 1, "unknown Symbol", now);
  b.instrument = instrument->id();
  auto quantity = instrument->parseQuantity(f.orderQty, "OrderQty");
  if (!quantity) return rejectCancel(s, m, true, 99, named(quantity.error()), now);
  b.quantity = *quantity;
  if (!f.price.empty()) {
    auto price = instrument->parsePrice(f.price, "Price");
    if (!price) return rejectCancel(s, m, true, 99, named(price.error()), now);
    b.price = *price;
  }
  if (!f.stopPx.empty()) {
    auto stop = instrument->parsePrice(f.stopPx, "StopPx");
    if (!stop) return rejectCancel(s, m, true, 99, named(stop.error()), now);
    b.stopPrice = *stop;
  }
  submit(s, m, c, now);
}

void OrderEntry::onStatus(Session& s, const MessageView& m, std::uint64_t seq, std::int64_t now) {
  OrderFields f;
  collect(m, f);
  Checker check{s, m, seq, now};
  bool sideOk = true;
  if (!check.required(f.clOrdId, tag::ClOrdID, "ClOrdID") || !check.required(f.symbol, tag::Symbol, "Symbol") ||
      !check.required(f.side, tag::Side, "Side") ||
      !check.enumeration(f.side, tag::Side, "Side", kSides, kDefinedSides, sideOk)) {
    return;
  }
  const engine::ExecutionReport* found = nullptr;
  if (!f.orderId.empty()) {
    if (auto id = parseUnsigned(f.orderId)) {
      const engine::ExecutionReport* r = reports_.byOrderId(*id);
      if (r != nullptr && r->account == s.config().account) found = r;
    }
  } else {
    found = reports_.byClientId(s.config().account, ClientOrderId::fromTrusted(f.clOrdId));
  }
  if (found == nullptr) {
    MessageWriter& w = s.begin("8", now);
    w.field(tag::OrderID, f.orderId.empty() ? std::string_view("NONE") : f.orderId);
    w.field(tag::ClOrdID, f.clOrdId);
    char execId[24] = "S";
    w.field(tag::ExecID, std::string_view(execId, 1 + formatUnsigned(s.nextOutbound(), execId + 1)));
    w.field(tag::ExecType, 'I');
    w.field(tag::OrdStatus, '8');
    w.integer(tag::Account, static_cast<std::int64_t>(s.config().account.value()));
    w.field(tag::Symbol, f.symbol);
    w.field(tag::Side, f.side);
    w.field(tag::LeavesQty, '0');
    w.field(tag::CumQty, '0');
    w.field(tag::AvgPx, '0');
    w.field(tag::Text, "unknown order");
    return s.commit();
  }
  engine::ExecutionReport r = *found;
  r.execType = oms::ExecType::OrderStatus;
  r.lastQuantity = Quantity{};
  r.lastPrice = Price::undefined();
  writeReport(s, r, now, now);
}

void OrderEntry::onMassCancel(Session& s, const MessageView& m, std::uint64_t seq, std::int64_t now) {
  OrderFields f;
  collect(m, f);
  Checker check{s, m, seq, now};
  bool sideOk = true, typeOk = true;
  if (!check.required(f.clOrdId, tag::ClOrdID, "ClOrdID") ||
      !check.required(f.massCancelType, tag::MassCancelRequestType, "MassCancelRequestType") ||
      !check.required(f.transactTime, tag::TransactTime, "TransactTime") ||
      !check.enumeration(f.massCancelType, tag::MassCancelRequestType, "MassCancelRequestType", "17", "1234567",
                         typeOk) ||
      !check.enumeration(f.side, tag::Side, "Side", kSides, kDefinedSides, sideOk) ||
      !check.timestamp(f.transactTime, tag::TransactTime, "TransactTime")) {
    return;
  }
  const auto report = [&](char response, int rejectReason, std::string_view text) {
    MessageWriter& w = s.begin("r", now);
    w.field(tag::ClOrdID, f.clOrdId);
    char id[24] = "MC";
    w.field(tag::OrderID, std::string_view(id, 2 + formatUnsigned(nextMassCancelId_++, id + 2)));
    w.field(tag::MassCancelRequestType, f.massCancelType);
    w.field(tag::MassCancelResponse, response);
    w.integer(tag::MassCancelRejectReason, rejectReason);
    if (!f.symbol.empty()) w.field(tag::Symbol, f.symbol);
    w.field(tag::Text, text);
    s.commit();
  };
  if (!typeOk) return report('0', 0, "MassCancelRequestType: only 1 (by security) and 7 (all orders) are supported");
  if (!sideOk) return report('0', 99, "Side: only 1 (buy) and 2 (sell) are supported");
  engine::Command c = engine::makeCommand(engine::CommandType::MassCancel);
  engine::MassCancelBody& b = c.body.massCancel;
  b.account = s.config().account;
  b.side = f.side.empty() ? Side::None : (f.side[0] == '1' ? Side::Buy : Side::Sell);
  if (f.massCancelType == "1") {
    if (f.symbol.empty()) {
      return s.reject(seq, m.msgType(), RejectReason::RequiredTagMissing, tag::Symbol,
                      "Symbol (55) is required for MassCancelRequestType 1", now);
    }
    const Instrument* instrument = instrumentBySymbol(f.symbol);
    if (instrument == nullptr) return report('0', 1, "unknown Symbol");
    b.instrument = instrument->id();
  }
  auto clOrdId = ClientOrderId::parse(f.clOrdId, "ClOrdID");
  if (!clOrdId) return report('0', 99, named(clOrdId.error()));
  const std::uint64_t requestId = nextRequestId_;
  if (submit(s, m, c, now)) massCancels_[requestId] = PendingMassCancel{&s, *clOrdId, f.massCancelType[0]};
}

void OrderEntry::rejectOrder(Session& s, const MessageView& m, int ordRejReason, std::string_view text,
                             std::int64_t now) {
  MessageWriter& w = s.begin("8", now);
  w.field(tag::OrderID, "NONE");
  w.field(tag::ClOrdID, m.get(tag::ClOrdID).value_or("NONE").substr(0, 64));
  char execId[24] = "R";
  w.field(tag::ExecID, std::string_view(execId, 1 + formatUnsigned(s.nextOutbound(), execId + 1)));
  w.field(tag::ExecType, '8');
  w.field(tag::OrdStatus, '8');
  w.integer(tag::Account, static_cast<std::int64_t>(s.config().account.value()));
  w.field(tag::Symbol, m.get(tag::Symbol).value_or("NONE").substr(0, 64));
  w.field(tag::Side, m.get(tag::Side).value_or("1").substr(0, 1));
  if (auto q = m.get(tag::OrderQty)) w.field(tag::OrderQty, q->substr(0, 32));
  w.field(tag::LeavesQty, '0');
  w.field(tag::CumQty, '0');
  w.field(tag::AvgPx, '0');
  w.integer(tag::OrdRejReason, ordRejReason);
  w.field(tag::Text, text.substr(0, 200));
  s.commit();
}

void OrderEntry::rejectCancel(Session& s, const MessageView& m, bool replace, int reason, std::string_view text,
                              std::int64_t now) {
  MessageWriter& w = s.begin("9", now);
  w.field(tag::OrderID, m.get(tag::OrderID).value_or("NONE").substr(0, 64));
  w.field(tag::ClOrdID, m.get(tag::ClOrdID).value_or("NONE").substr(0, 64));
  w.field(tag::OrigClOrdID, m.get(tag::OrigClOrdID).value_or("NONE").substr(0, 64));
  w.field(tag::OrdStatus, '8');
  w.field(tag::CxlRejResponseTo, replace ? '2' : '1');
  w.integer(tag::CxlRejReason, reason);
  w.field(tag::Text, text.substr(0, 200));
  s.commit();
}

void OrderEntry::writeReport(Session& s, const engine::ExecutionReport& r, std::int64_t transactTime,
                             std::int64_t now) {
  const Instrument* instrument = instrumentById(r.instrument);
  const int pricePlaces = instrument ? instrument->pricePrecision() : 0;
  const int quantityPlaces = instrument ? instrument->quantityPrecision() : 0;
  MessageWriter& w = s.begin("8", now);
  w.integer(tag::OrderID, static_cast<std::int64_t>(r.orderId.value()));
  if (!r.clientOrderId.isNone()) w.field(tag::ClOrdID, r.clientOrderId.view());
  if (!r.origClientOrderId.isNone()) w.field(tag::OrigClOrdID, r.origClientOrderId.view());
  if (r.execType == oms::ExecType::OrderStatus) {
    w.field(tag::ExecID, '0');  // a status answer is not an execution
  } else {
    w.integer(tag::ExecID, static_cast<std::int64_t>(r.execId));
  }
  w.field(tag::ExecType, static_cast<char>(r.execType));
  w.field(tag::OrdStatus, static_cast<char>(r.status));
  w.integer(tag::Account, static_cast<std::int64_t>(r.account.value()));
  w.field(tag::Symbol, instrument ? std::string_view(instrument->symbol()) : std::string_view("UNKNOWN"));
  w.field(tag::Side, r.side == Side::Sell ? '2' : '1');
  w.field(tag::OrdType, fixOrdType(r.orderType));
  w.field(tag::TimeInForce, fixTimeInForce(r.timeInForce));
  w.decimal(tag::OrderQty, r.orderQuantity.raw(), quantityPlaces);
  if (r.price.isDefined()) w.decimal(tag::Price, r.price.raw(), pricePlaces);
  if (r.stopPrice.isDefined()) w.decimal(tag::StopPx, r.stopPrice.raw(), pricePlaces);
  if (r.execType == oms::ExecType::Trade) {
    w.decimal(tag::LastQty, r.lastQuantity.raw(), quantityPlaces);
    w.decimal(tag::LastPx, r.lastPrice.raw(), pricePlaces);
  }
  w.decimal(tag::LeavesQty, r.leavesQuantity.raw(), quantityPlaces);
  w.decimal(tag::CumQty, r.cumQuantity.raw(), quantityPlaces);
  if (r.averagePrice.isDefined()) {
    w.decimal(tag::AvgPx, r.averagePrice.raw(), pricePlaces);
  } else {
    w.field(tag::AvgPx, '0');
  }
  w.timestamp(tag::TransactTime, transactTime);
  if (r.status == oms::OrdStatus::Rejected && r.rejectSource != oms::RejectSource::None) {
    w.integer(tag::OrdRejReason, ordRejReason(r));
    w.field(tag::Text, reasonText(r.rejectSource, r.rejectCode, false));
  } else if (r.execType == oms::ExecType::Canceled && r.rejectSource != oms::RejectSource::None) {
    w.field(tag::Text, reasonText(r.rejectSource, r.rejectCode, true));
  }
  s.commit();
}

void OrderEntry::writeCancelReject(Session& s, const engine::CancelRejectReport& r, std::int64_t now) {
  int reason = 99;
  if (r.rejectSource == oms::RejectSource::Engine) {
    switch (static_cast<engine::RejectCode>(r.rejectCode)) {
      case engine::RejectCode::UnknownOrder:
      case engine::RejectCode::NotOrderOwner: reason = 1; break;
      case engine::RejectCode::OrderNotLive: reason = 0; break;
      case engine::RejectCode::RequestPending: reason = 3; break;
      default: break;
    }
  } else if (r.rejectSource == oms::RejectSource::Risk) {
    reason = 2;
  }
  MessageWriter& w = s.begin("9", now);
  if (r.orderId.isNone()) {
    w.field(tag::OrderID, "NONE");
  } else {
    w.integer(tag::OrderID, static_cast<std::int64_t>(r.orderId.value()));
  }
  w.field(tag::ClOrdID, r.clientOrderId.isNone() ? std::string_view("NONE") : r.clientOrderId.view());
  w.field(tag::OrigClOrdID, r.origClientOrderId.isNone() ? std::string_view("NONE") : r.origClientOrderId.view());
  w.field(tag::OrdStatus, static_cast<char>(r.status));
  w.field(tag::CxlRejResponseTo, r.replace ? '2' : '1');
  w.integer(tag::CxlRejReason, reason);
  w.field(tag::Text, reasonText(r.rejectSource, r.rejectCode, false));
  s.commit();
}

void OrderEntry::onEvent(const engine::EngineEvent& e, std::int64_t now) {
  switch (e.kind) {
    case engine::EventKind::ExecutionReport: {
      const engine::ExecutionReport& r = e.body.execution;
      if (dropCopies_.empty() || tracks(r.account))
        remember(r, e.time);  // only tracked ones arrive without drop copies
      for (const auto& [account, session] : sessionsByAccount_) {
        if (account == r.account.value()) writeReport(*session, r, e.time.nanos(), now);
      }
      if (copies(r.account)) {
        for (Session* copy : dropCopies_) {
          const std::vector<AccountId>& only = copy->config().copiedAccounts;
          if (only.empty() || std::find(only.begin(), only.end(), r.account) != only.end()) {
            writeReport(*copy, r, e.time.nanos(), now);
          }
        }
      }
      return;
    }
    case engine::EventKind::CancelReject: {
      const engine::CancelRejectReport& r = e.body.cancelReject;
      for (const auto& [account, session] : sessionsByAccount_) {
        if (account == r.account.value()) writeCancelReject(*session, r, now);
      }
      return;
    }
    case engine::EventKind::CommandResult: {
      if (e.body.result.commandType == static_cast<std::uint8_t>(engine::CommandType::PurgeOrders)) {
        return onOrdersRetired(e.time, OrderId{e.body.result.subject}, static_cast<std::uint64_t>(e.body.result.value));
      }
      if (e.source != source_) return;
      auto it = massCancels_.find(e.requestId);
      if (it == massCancels_.end()) return;
      const PendingMassCancel pending = it->second;
      massCancels_.erase(it);
      MessageWriter& w = pending.session->begin("r", now);
      w.field(tag::ClOrdID, pending.clientOrderId.view());
      char id[24] = "MC";
      w.field(tag::OrderID, std::string_view(id, 2 + formatUnsigned(nextMassCancelId_++, id + 2)));
      w.field(tag::MassCancelRequestType, pending.requestType);
      if (e.body.result.accepted) {
        w.field(tag::MassCancelResponse, pending.requestType);
        w.integer(tag::TotalAffectedOrders, e.body.result.value);
      } else {
        w.field(tag::MassCancelResponse, '0');
        w.integer(tag::MassCancelRejectReason, e.body.result.code == engine::RejectCode::UnknownInstrument ? 1 : 99);
        w.field(tag::Text, engine::toString(e.body.result.code));
      }
      pending.session->commit();
      return;
    }
    case engine::EventKind::PublicTrade:
    case engine::EventKind::Quote: return;
  }
}

}  // namespace alphintra::api::fix
