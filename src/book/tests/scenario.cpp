#include "book/tests/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

#include "core/decimal.hpp"

namespace alphintra::book::golden {
namespace {

// ---- name tables ----------------------------------------------------------------------

template <typename E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<EventType, 14> kEventTypes{{
    {EventType::Accepted, "accepted"},
    {EventType::Rejected, "rejected"},
    {EventType::Trade, "trade"},
    {EventType::Cancelled, "cancelled"},
    {EventType::Replaced, "replaced"},
    {EventType::Triggered, "triggered"},
    {EventType::Expired, "expired"},
    {EventType::AuctionUncross, "uncross"},
    {EventType::StatusChanged, "status"},
    {EventType::LevelUpdate, "l2_level"},
    {EventType::OrderAdded, "l3_add"},
    {EventType::OrderUpdated, "l3_update"},
    {EventType::OrderDeleted, "l3_delete"},
    {EventType::Restated, "restated"},
}};

constexpr NameTable<RejectReason, 23> kRejectReasons{{
    {RejectReason::None, "none"},
    {RejectReason::InvalidQuantity, "invalid_quantity"},
    {RejectReason::QuantityOffLot, "quantity_off_lot"},
    {RejectReason::QuantityBelowMinimum, "quantity_below_minimum"},
    {RejectReason::QuantityAboveMaximum, "quantity_above_maximum"},
    {RejectReason::InvalidPrice, "invalid_price"},
    {RejectReason::PriceOffTick, "price_off_tick"},
    {RejectReason::InvalidStopPrice, "invalid_stop_price"},
    {RejectReason::DuplicateOrderId, "duplicate_order_id"},
    {RejectReason::UnknownOrder, "unknown_order"},
    {RejectReason::NoLiquidity, "no_liquidity"},
    {RejectReason::WouldTakeLiquidity, "would_take_liquidity"},
    {RejectReason::InvalidDisplayQuantity, "invalid_display_quantity"},
    {RejectReason::InvalidMinQuantity, "invalid_min_quantity"},
    {RejectReason::InvalidExpireTime, "invalid_expire_time"},
    {RejectReason::InvalidTimeInForce, "invalid_time_in_force"},
    {RejectReason::InvalidOrderType, "invalid_order_type"},
    {RejectReason::InvalidOrderId, "invalid_order_id"},
    {RejectReason::InstrumentHalted, "instrument_halted"},
    {RejectReason::InstrumentClosed, "instrument_closed"},
    {RejectReason::InvalidStatusTransition, "invalid_status_transition"},
    {RejectReason::InvalidAccount, "invalid_account"},
    {RejectReason::NothingToReplace, "nothing_to_replace"},
}};

constexpr NameTable<CancelReason, 10> kCancelReasons{{
    {CancelReason::None, "none"},
    {CancelReason::Requested, "requested"},
    {CancelReason::ImmediateOrCancel, "immediate_or_cancel"},
    {CancelReason::FillOrKill, "fill_or_kill"},
    {CancelReason::MinQuantityNotMet, "min_quantity_not_met"},
    {CancelReason::SelfTrade, "self_trade"},
    {CancelReason::MassCancel, "mass_cancel"},
    {CancelReason::ReplacedToFilled, "replaced_to_filled"},
    {CancelReason::AuctionRemainder, "auction_remainder"},
    {CancelReason::NoLiquidity, "no_liquidity"},
}};

constexpr NameTable<OrderType, 4> kOrderTypes{{
    {OrderType::Limit, "limit"},
    {OrderType::Market, "market"},
    {OrderType::Stop, "stop"},
    {OrderType::StopLimit, "stop_limit"},
}};

constexpr NameTable<TimeInForce, 5> kTimeInForces{{
    {TimeInForce::GTC, "gtc"},
    {TimeInForce::Day, "day"},
    {TimeInForce::IOC, "ioc"},
    {TimeInForce::FOK, "fok"},
    {TimeInForce::GTD, "gtd"},
}};

constexpr NameTable<SelfTradePrevention, 5> kSelfTradeModes{{
    {SelfTradePrevention::None, "none"},
    {SelfTradePrevention::CancelResting, "cancel_resting"},
    {SelfTradePrevention::CancelIncoming, "cancel_incoming"},
    {SelfTradePrevention::CancelBoth, "cancel_both"},
    {SelfTradePrevention::DecrementAndCancel, "decrement_and_cancel"},
}};

template <typename E, std::size_t N>
std::string_view lookupName(const NameTable<E, N>& table, E value) noexcept {
  for (const auto& [v, n] : table) {
    if (v == value) return n;
  }
  return {};
}

template <typename E, std::size_t N>
std::optional<E> lookupValue(const NameTable<E, N>& table, std::string_view text) noexcept {
  for (const auto& [v, n] : table) {
    if (n == text) return v;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string namesOf(const NameTable<E, N>& table) {
  std::string s;
  for (const auto& [v, n] : table) {
    if (!s.empty()) s += ", ";
    s += n;
  }
  return s;
}

std::string statusNames() {
  std::string s;
  for (auto st : {TradingStatus::Closed, TradingStatus::PreOpen, TradingStatus::OpeningAuction,
                  TradingStatus::Continuous, TradingStatus::ClosingAuction, TradingStatus::Halted}) {
    if (!s.empty()) s += ", ";
    s += toString(st);
  }
  return s;
}

// ---- text helpers -----------------------------------------------------------------------

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view stripComment(std::string_view s) {
  const auto hash = s.find('#');
  return trim(hash == std::string_view::npos ? s : s.substr(0, hash));
}

// Whitespace-separated tokens; '@' is always a token of its own ("100@10.00" = "100 @ 10.00").
std::vector<std::string_view> tokenize(std::string_view s, bool splitAt) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t') {
      ++i;
      continue;
    }
    if (splitAt && s[i] == '@') {
      tokens.push_back(s.substr(i, 1));
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && !(splitAt && s[j] == '@')) ++j;
    tokens.push_back(s.substr(i, j - i));
    i = j;
  }
  return tokens;
}

std::string joinTokens(const std::vector<std::string_view>& tokens) {
  std::string s;
  for (auto t : tokens) {
    if (!s.empty()) s += ' ';
    s += t;
  }
  return s;
}

bool looksNumeric(std::string_view t) {
  if (t.empty()) return false;
  std::size_t i = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  return i < t.size() && ((t[i] >= '0' && t[i] <= '9') || t[i] == '.');
}

std::optional<std::uint64_t> parseUnsigned(std::string_view t) {
  std::uint64_t v = 0;
  if (t.empty()) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || ptr != t.data() + t.size()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parseSigned(std::string_view t) {
  std::int64_t v = 0;
  if (t.empty()) return std::nullopt;
  if (t[0] == '+') t.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || ptr != t.data() + t.size()) return std::nullopt;
  return v;
}

// key=value → (key, value); a token without '=' → (token, "") with hasValue false.
struct KeyValue {
  std::string_view key;
  std::string_view value;
  bool hasValue = false;
};

KeyValue splitKeyValue(std::string_view t) {
  const auto eq = t.find('=');
  if (eq == std::string_view::npos) return {t, {}, false};
  return {t.substr(0, eq), t.substr(eq + 1), true};
}

Error tokenError(std::string message) { return makeError("", std::move(message)); }

}  // namespace

// ---- public names --------------------------------------------------------------------------

std::string_view name(EventType t) noexcept { return lookupName(kEventTypes, t); }
std::string_view name(RejectReason r) noexcept { return lookupName(kRejectReasons, r); }
std::string_view name(CancelReason r) noexcept { return lookupName(kCancelReasons, r); }
std::string_view name(OrderType t) noexcept { return lookupName(kOrderTypes, t); }
std::string_view name(TimeInForce t) noexcept { return lookupName(kTimeInForces, t); }
std::string_view name(SelfTradePrevention s) noexcept { return lookupName(kSelfTradeModes, s); }

std::optional<Timestamp> parseTime(std::string_view text) {
  if (text.find(':') == std::string_view::npos) {
    auto v = parseSigned(text);
    if (!v) return std::nullopt;
    return Timestamp{*v};
  }
  // HH:MM:SS[.fraction]
  const auto c1 = text.find(':');
  const auto c2 = text.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return std::nullopt;
  const auto dot = text.find('.', c2 + 1);
  const auto hh = parseUnsigned(text.substr(0, c1));
  const auto mm = parseUnsigned(text.substr(c1 + 1, c2 - c1 - 1));
  const auto secText = text.substr(c2 + 1, dot == std::string_view::npos ? std::string_view::npos : dot - c2 - 1);
  const auto ss = parseUnsigned(secText);
  if (!hh || !mm || !ss || c2 - c1 - 1 != 2 || secText.size() != 2 || *mm > 59 || *ss > 59 || *hh > 1'000'000) {
    return std::nullopt;
  }
  std::int64_t nanos = 0;
  if (dot != std::string_view::npos) {
    const auto frac = text.substr(dot + 1);
    if (frac.empty() || frac.size() > 9) return std::nullopt;
    const auto f = parseUnsigned(frac);
    if (!f) return std::nullopt;
    nanos = static_cast<std::int64_t>(*f);
    for (std::size_t i = frac.size(); i < 9; ++i) nanos *= 10;
  }
  const auto seconds = static_cast<std::int64_t>(*hh * 3600 + *mm * 60 + *ss);
  return Timestamp{seconds * 1'000'000'000 + nanos};
}

std::string formatTime(Timestamp t) {
  const std::int64_t n = t.nanos();
  if (n < 0) return fmt::format("{}", n);
  const std::int64_t seconds = n / 1'000'000'000;
  const std::int64_t frac = n % 1'000'000'000;
  std::string s = fmt::format("{:02}:{:02}:{:02}", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  if (frac != 0) s += fmt::format(".{:09}", frac);
  return s;
}

// ---- events ------------------------------------------------------------------------------

namespace {

bool alwaysPrintsLeaves(EventType t) {
  switch (t) {
    case EventType::Accepted:
    case EventType::Trade:
    case EventType::Cancelled:
    case EventType::Replaced:
    case EventType::Triggered:
    case EventType::Expired:
    case EventType::Restated: return true;
    default: return false;
  }
}

std::string reasonText(const Event& e) {
  const auto type = e.type;
  if (type == EventType::Rejected) {
    const auto n = name(static_cast<RejectReason>(e.reason));
    if (!n.empty()) return std::string{n};
  } else if (type == EventType::Cancelled || type == EventType::Restated) {
    const auto n = name(static_cast<CancelReason>(e.reason));
    if (!n.empty()) return std::string{n};
  }
  return fmt::format("{}", e.reason);
}

std::string statusText(std::uint8_t reason) {
  const auto s = toString(static_cast<TradingStatus>(reason));
  if (s == "unknown") return fmt::format("{}", reason);
  return std::string{s};
}

}  // namespace

std::string EventFormat::price(Price p) const {
  if (!p.isDefined()) return "mkt";
  return formatDecimal(p.raw(), pricePlaces_);
}

std::string EventFormat::quantity(Quantity q) const { return formatDecimal(q.raw(), quantityPlaces_); }

std::string EventFormat::print(const Event& e, Timestamp commandTime) const {
  std::string s = fmt::format("{} ", e.sequence);
  const auto typeName = name(e.type);
  if (typeName.empty()) {
    s += fmt::format("event_{}", static_cast<unsigned>(e.type));
  } else {
    s += typeName;
  }
  if (e.type == EventType::StatusChanged) s += " " + statusText(e.reason);
  if (!e.orderId.isNone()) s += fmt::format(" id={}", e.orderId.value());
  if (!e.contraOrderId.isNone()) s += fmt::format(" contra={}", e.contraOrderId.value());
  switch (e.side) {
    case Side::Buy: s += " buy"; break;
    case Side::Sell: s += " sell"; break;
    case Side::None: break;
    default: s += fmt::format(" side={}", static_cast<unsigned>(e.side)); break;
  }
  if (e.orderType != 0) {
    const auto n = name(static_cast<OrderType>(e.orderType));
    s += n.empty() ? fmt::format(" type={}", e.orderType) : " " + std::string{n};
  }
  if (e.reason != 0 && e.type != EventType::StatusChanged) s += " reason=" + reasonText(e);
  const bool pricePrinted = !e.price.isZero();
  if (!e.quantity.isZero() || pricePrinted) s += " " + quantity(e.quantity);
  if (pricePrinted) s += " @ " + price(e.price);
  if (!e.leavesQuantity.isZero() || alwaysPrintsLeaves(e.type)) s += " leaves=" + quantity(e.leavesQuantity);
  if (!e.contraLeavesQuantity.isZero() || e.type == EventType::Trade) {
    s += " contra_leaves=" + quantity(e.contraLeavesQuantity);
  }
  if (e.count != 0 || e.type == EventType::LevelUpdate) s += fmt::format(" orders={}", e.count);
  if (e.time != commandTime) s += " time=" + formatTime(e.time);
  return s;
}

Result<Event> EventFormat::parse(std::string_view text, Timestamp commandTime) const {
  const auto tokens = tokenize(stripComment(text), true);
  Event e;
  e.time = commandTime;
  if (tokens.size() < 2) return tokenError("an event needs a sequence number and a type, e.g. '1 accepted id=1 ...'");
  const auto seq = parseUnsigned(tokens[0]);
  if (!seq)
    return tokenError(
        fmt::format("'{}' is not a sequence number (events start with it: '< 1 accepted ...')", tokens[0]));
  e.sequence = *seq;
  if (auto t = lookupValue(kEventTypes, tokens[1])) {
    e.type = *t;
  } else if (tokens[1].starts_with("event_") && parseUnsigned(tokens[1].substr(6))) {
    e.type = static_cast<EventType>(*parseUnsigned(tokens[1].substr(6)));
  } else {
    return tokenError(fmt::format("unknown event type '{}' (known: {})", tokens[1], namesOf(kEventTypes)));
  }
  bool seenQuantity = false;
  for (std::size_t i = 2; i < tokens.size(); ++i) {
    const auto tok = tokens[i];
    if (tok == "@") {
      if (i + 1 >= tokens.size()) return tokenError("'@' must be followed by a price");
      const auto p = tokens[++i];
      if (p == "mkt") {
        e.price = Price::undefined();
      } else {
        auto raw = parseDecimal(p, pricePlaces_, "price");
        if (!raw) return tokenError(fmt::format("price after '@': {}", raw.error().message));
        e.price = Price::fromRaw(*raw);
      }
      continue;
    }
    if (looksNumeric(tok)) {
      if (seenQuantity) return tokenError(fmt::format("second quantity '{}' (only one bare number per event)", tok));
      auto raw = parseDecimal(tok, quantityPlaces_, "quantity");
      if (!raw) return tokenError(raw.error().message);
      e.quantity = Quantity::fromRaw(*raw);
      seenQuantity = true;
      continue;
    }
    const auto kv = splitKeyValue(tok);
    if (!kv.hasValue) {
      if (tok == "buy") {
        e.side = Side::Buy;
      } else if (tok == "sell") {
        e.side = Side::Sell;
      } else if (auto ot = lookupValue(kOrderTypes, tok)) {
        e.orderType = static_cast<std::uint8_t>(*ot);
      } else if (auto st = parseTradingStatus(tok); st && e.type == EventType::StatusChanged) {
        e.reason = static_cast<std::uint8_t>(*st);
      } else {
        return tokenError(fmt::format("unknown word '{}' in a {} event", tok, tokens[1]));
      }
      continue;
    }
    const auto key = kv.key;
    const auto value = kv.value;
    auto quantityValue = [&](Quantity& q) -> std::optional<Error> {
      auto raw = parseDecimal(value, quantityPlaces_, key);
      if (!raw) return tokenError(fmt::format("{}: {}", key, raw.error().message));
      q = Quantity::fromRaw(*raw);
      return std::nullopt;
    };
    auto idValue = [&](OrderId& id) -> std::optional<Error> {
      auto v = parseUnsigned(value);
      if (!v) return tokenError(fmt::format("{}={} is not an order id", key, value));
      id = OrderId{*v};
      return std::nullopt;
    };
    auto smallValue = [&](std::uint64_t max) -> std::optional<std::uint64_t> {
      auto v = parseUnsigned(value);
      if (!v || *v > max) return std::nullopt;
      return v;
    };
    std::optional<Error> err;
    if (key == "id") {
      err = idValue(e.orderId);
    } else if (key == "contra") {
      err = idValue(e.contraOrderId);
    } else if (key == "leaves") {
      err = quantityValue(e.leavesQuantity);
    } else if (key == "contra_leaves") {
      err = quantityValue(e.contraLeavesQuantity);
    } else if (key == "orders") {
      auto v = smallValue(std::numeric_limits<std::uint32_t>::max());
      if (!v) return tokenError(fmt::format("orders={} is not an order count", value));
      e.count = static_cast<std::uint32_t>(*v);
    } else if (key == "time") {
      auto t = parseTime(value);
      if (!t) return tokenError(fmt::format("time={} is not a time (HH:MM:SS[.nnnnnnnnn] or nanoseconds)", value));
      e.time = *t;
    } else if (key == "reason") {
      std::optional<std::uint8_t> r;
      if (e.type == EventType::Rejected) {
        if (auto v = lookupValue(kRejectReasons, value)) r = static_cast<std::uint8_t>(*v);
      } else if (e.type == EventType::Cancelled || e.type == EventType::Restated) {
        if (auto v = lookupValue(kCancelReasons, value)) r = static_cast<std::uint8_t>(*v);
      } else if (e.type == EventType::StatusChanged) {
        if (auto v = parseTradingStatus(value)) r = static_cast<std::uint8_t>(*v);
      }
      if (!r) {
        if (auto v = smallValue(255)) r = static_cast<std::uint8_t>(*v);
      }
      if (!r) {
        std::string known = e.type == EventType::Rejected                                     ? namesOf(kRejectReasons)
                            : e.type == EventType::Cancelled || e.type == EventType::Restated ? namesOf(kCancelReasons)
                                                                                              : std::string{"a number"};
        return tokenError(fmt::format("reason={} is not a reason of a {} event (known: {})", value, tokens[1], known));
      }
      e.reason = *r;
    } else if (key == "side") {
      auto v = smallValue(255);
      if (!v) return tokenError(fmt::format("side={} is not a number", value));
      e.side = static_cast<Side>(*v);
    } else if (key == "type") {
      auto v = smallValue(255);
      if (!v) return tokenError(fmt::format("type={} is not a number", value));
      e.orderType = static_cast<std::uint8_t>(*v);
    } else {
      return tokenError(
          fmt::format("unknown field '{}' (known: id, contra, leaves, contra_leaves, orders, reason, time)", key));
    }
    if (err) return *err;
  }
  return e;
}

bool sameEvent(const Event& a, const Event& b) noexcept {
  return a.type == b.type && a.side == b.side && a.reason == b.reason && a.orderType == b.orderType &&
         a.count == b.count && a.orderId == b.orderId && a.contraOrderId == b.contraOrderId && a.price == b.price &&
         a.quantity == b.quantity && a.leavesQuantity == b.leavesQuantity &&
         a.contraLeavesQuantity == b.contraLeavesQuantity && a.sequence == b.sequence && a.time == b.time;
}

// ---- scenario parsing ------------------------------------------------------------------------

namespace {

class Parser {
 public:
  Parser(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  Result<Scenario> run() {
    Scenario sc;
    sc.path = path_;
    sc.instrumentSpec.id = 1;
    sc.instrumentSpec.symbol = "TEST";
    sc.options.expectedOrders = 64;  // small pools: growth paths get exercised too
    sc.options.expectedLevels = 16;
    std::size_t start = 0;
    while (start <= text_.size()) {
      auto end = text_.find('\n', start);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view raw = text_.substr(start, end - start);
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      sc.lines.emplace_back(raw);
      start = end + 1;
      if (end == text_.size()) break;
    }
    // A trailing newline yields one empty last entry; drop it so regeneration round-trips.
    if (!sc.lines.empty() && sc.lines.back().empty() && !text_.empty() && text_.back() == '\n') sc.lines.pop_back();

    for (std::size_t i = 0; i < sc.lines.size(); ++i) {
      line_ = static_cast<int>(i) + 1;
      const std::string_view content = stripComment(sc.lines[i]);
      if (content.empty()) continue;
      if (auto err = parseLine(content, sc)) return *err;
    }
    if (!format_) {
      if (auto err = makeInstrument(sc)) return *err;
    }
    return sc;
  }

 private:
  Error fail(std::string message) const { return makeError(fmt::format("{}:{}", path_, line_), std::move(message)); }

  std::optional<Error> makeInstrument(Scenario& sc) {
    auto inst = Instrument::create(sc.instrumentSpec);
    if (!inst) {
      return fail(fmt::format("instrument: {}{}", inst.error().field.empty() ? "" : inst.error().field + ": ",
                              inst.error().message));
    }
    format_.emplace(*inst);
    pricePlaces_ = inst->pricePrecision();
    quantityPlaces_ = inst->quantityPrecision();
    return std::nullopt;
  }

  std::optional<Error> parseLine(std::string_view content, Scenario& sc) {
    const char marker = content.front();
    if (marker == '>' || marker == '<' || marker == '=') {
      if (!format_) {
        if (auto err = makeInstrument(sc)) return err;
      }
      const std::string_view rest = trim(content.substr(1));
      if (marker == '>') {
        Step step;
        step.line = line_;
        step.command.time = now_;
        if (auto err = parseCommand(rest, step.command)) return err;
        sc.steps.push_back(std::move(step));
        eventsAttach_ = true;
        return std::nullopt;
      }
      if (marker == '<') {
        if (!eventsAttach_) return fail("event line '<' must follow a command '>' (or another event line)");
        Step& step = sc.steps.back();
        auto ev = format_->parse(rest, step.command.time);
        if (!ev) return fail(ev.error().message);
        step.expected.push_back({*ev, line_});
        return std::nullopt;
      }
      Step step;
      step.line = line_;
      step.isCheck = true;
      if (auto err = parseCheck(rest, step.check)) return err;
      sc.steps.push_back(std::move(step));
      eventsAttach_ = false;
      return std::nullopt;
    }
    const auto tokens = tokenize(content, false);
    const auto keyword = tokens.front();
    if (keyword == "at") {
      if (tokens.size() != 2)
        return fail("'at' takes one time: 'at 09:30:00', 'at 09:30:00.000000001' or 'at 1000' (ns)");
      auto t = parseTime(tokens[1]);
      if (!t) return fail(fmt::format("'{}' is not a time (HH:MM:SS[.nnnnnnnnn] or nanoseconds)", tokens[1]));
      now_ = *t;
      eventsAttach_ = false;
      return std::nullopt;
    }
    if (keyword == "instrument" || keyword == "options") {
      if (format_) return fail(fmt::format("'{}' must come before the first command, event or check", keyword));
      return keyword == "instrument" ? parseInstrument(tokens, sc) : parseOptions(tokens, sc);
    }
    return fail(
        fmt::format("'{}': a line is a command '> ...', an event '< ...', a check '= ...', 'at TIME', "
                    "'instrument ...', 'options ...' or a '#' comment",
                    keyword));
  }

  std::optional<Error> parseInstrument(const std::vector<std::string_view>& tokens, Scenario& sc) {
    auto& spec = sc.instrumentSpec;
    for (std::size_t i = 1; i < tokens.size(); ++i) {
      const auto kv = splitKeyValue(tokens[i]);
      if (!kv.hasValue) return fail(fmt::format("instrument: '{}' is not key=value", tokens[i]));
      const std::string value{kv.value};
      auto places = [&](int& out) -> std::optional<Error> {
        auto v = parseUnsigned(kv.value);
        if (!v || *v > 12)
          return fail(fmt::format("instrument: {}={} is not a number of decimal places 0..12", kv.key, kv.value));
        out = static_cast<int>(*v);
        return std::nullopt;
      };
      if (kv.key == "symbol") {
        spec.symbol = value;
      } else if (kv.key == "tick") {
        spec.tickSize = value;
      } else if (kv.key == "lot") {
        spec.lotSize = value;
      } else if (kv.key == "min") {
        spec.minQuantity = value;
      } else if (kv.key == "max") {
        spec.maxQuantity = value;
      } else if (kv.key == "precision") {
        if (auto err = places(spec.pricePrecision)) return err;
      } else if (kv.key == "qty_precision") {
        if (auto err = places(spec.quantityPrecision)) return err;
      } else if (kv.key == "status") {
        auto st = parseTradingStatus(kv.value);
        if (!st) return fail(fmt::format("instrument: status '{}' is unknown (known: {})", kv.value, statusNames()));
        spec.status = *st;
      } else {
        return fail(
            fmt::format("instrument: unknown key '{}' (known: symbol, tick, lot, min, max, precision, "
                        "qty_precision, status)",
                        kv.key));
      }
    }
    return std::nullopt;
  }

  std::optional<Error> parseOptions(const std::vector<std::string_view>& tokens, Scenario& sc) {
    for (std::size_t i = 1; i < tokens.size(); ++i) {
      const auto kv = splitKeyValue(tokens[i]);
      if (!kv.hasValue && kv.key == "l2") {
        sc.options.levelUpdates = true;
      } else if (!kv.hasValue && kv.key == "l3") {
        sc.options.orderUpdates = true;
      } else if (kv.hasValue && (kv.key == "orders" || kv.key == "levels")) {
        auto v = parseUnsigned(kv.value);
        if (!v || *v == 0 || *v > (1u << 24))
          return fail(fmt::format("options: {}={} is not a positive count", kv.key, kv.value));
        (kv.key == "orders" ? sc.options.expectedOrders : sc.options.expectedLevels) = static_cast<std::uint32_t>(*v);
      } else {
        return fail(fmt::format("options: unknown option '{}' (known: l2, l3, orders=N, levels=N)", tokens[i]));
      }
    }
    return std::nullopt;
  }

  std::optional<Error> decimal(std::string_view text, int places, std::string_view field, std::int64_t& out) const {
    auto raw = parseDecimal(text, places, field);
    if (!raw) return fail(fmt::format("{}: {}", field, raw.error().message));
    out = *raw;
    return std::nullopt;
  }

  std::optional<Error> priceValue(std::string_view text, std::string_view field, Price& out) const {
    if (text == "mkt" || text == "-") {
      out = Price::undefined();
      return std::nullopt;
    }
    std::int64_t raw = 0;
    if (auto err = decimal(text, pricePlaces_, field, raw)) return err;
    out = Price::fromRaw(raw);
    return std::nullopt;
  }

  std::optional<Error> quantityValue(std::string_view text, std::string_view field, Quantity& out) const {
    std::int64_t raw = 0;
    if (auto err = decimal(text, quantityPlaces_, field, raw)) return err;
    out = Quantity::fromRaw(raw);
    return std::nullopt;
  }

  std::optional<Error> idValue(std::string_view text, std::string_view field, std::uint64_t& out) const {
    auto v = parseUnsigned(text);
    if (!v) return fail(fmt::format("{}={} is not a non-negative integer", field, text));
    out = *v;
    return std::nullopt;
  }

  std::optional<Error> parseCommand(std::string_view text, Command& cmd) {
    const auto tokens = tokenize(text, true);
    if (tokens.empty()) return fail("empty command after '>'");
    const auto verb = tokens.front();
    auto expectOnly = [&](std::size_t n, std::string_view usage) -> std::optional<Error> {
      if (tokens.size() != n) return fail(fmt::format("usage: > {}", usage));
      return std::nullopt;
    };
    auto keyed = [](std::string_view token, std::string_view key) -> std::optional<std::string_view> {
      const auto kv = splitKeyValue(token);
      if (!kv.hasValue || kv.key != key) return std::nullopt;
      return kv.value;
    };
    if (verb == "new") return parseNew(tokens, cmd);
    if (verb == "cancel") {
      if (auto err = expectOnly(2, "cancel id=N")) return err;
      auto v = keyed(tokens[1], "id");
      if (!v) return fail("usage: > cancel id=N");
      std::uint64_t id = 0;
      if (auto err = idValue(*v, "id", id)) return err;
      cmd.kind = CommandKind::Cancel;
      cmd.id = OrderId{id};
      return std::nullopt;
    }
    if (verb == "masscancel" || verb == "mass_cancel") {
      if (auto err = expectOnly(2, "masscancel acct=N (acct=0: every order)")) return err;
      auto v = keyed(tokens[1], "acct");
      if (!v) return fail("usage: > masscancel acct=N (acct=0: every order)");
      std::uint64_t acct = 0;
      if (auto err = idValue(*v, "acct", acct)) return err;
      cmd.kind = CommandKind::MassCancel;
      cmd.account = AccountId{acct};
      return std::nullopt;
    }
    if (verb == "replace") {
      cmd.kind = CommandKind::Replace;
      bool haveId = false;
      for (std::size_t i = 1; i < tokens.size(); ++i) {
        const auto kv = splitKeyValue(tokens[i]);
        if (!kv.hasValue)
          return fail(fmt::format("replace: '{}' is not key=value (id=, qty=, price=, stop=)", tokens[i]));
        if (kv.key == "id") {
          std::uint64_t id = 0;
          if (auto err = idValue(kv.value, "id", id)) return err;
          cmd.replace.id = OrderId{id};
          haveId = true;
        } else if (kv.key == "qty") {
          if (auto err = quantityValue(kv.value, "qty", cmd.replace.quantity)) return err;
        } else if (kv.key == "price") {
          if (auto err = priceValue(kv.value, "price", cmd.replace.price)) return err;
        } else if (kv.key == "stop") {
          if (auto err = priceValue(kv.value, "stop", cmd.replace.stopPrice)) return err;
        } else {
          return fail(fmt::format("replace: unknown key '{}' (known: id, qty, price, stop)", kv.key));
        }
      }
      if (!haveId) return fail("replace needs id=N");
      return std::nullopt;
    }
    if (verb == "status") {
      if (auto err = expectOnly(2, "status NAME")) return err;
      auto st = parseTradingStatus(tokens[1]);
      if (!st) return fail(fmt::format("status '{}' is unknown (known: {})", tokens[1], statusNames()));
      cmd.kind = CommandKind::Status;
      cmd.status = *st;
      return std::nullopt;
    }
    if (verb == "tick") {
      if (auto err = expectOnly(1, "tick   (advances the book's time to the current 'at' time)")) return err;
      cmd.kind = CommandKind::Tick;
      return std::nullopt;
    }
    if (verb == "reference") {
      if (auto err = expectOnly(2, "reference PRICE   (or 'reference -' for none)")) return err;
      cmd.kind = CommandKind::Reference;
      return priceValue(tokens[1], "reference", cmd.reference);
    }
    return fail(
        fmt::format("unknown command '{}' (known: new, cancel, replace, masscancel, status, tick, reference)", verb));
  }

  std::optional<Error> parseNew(const std::vector<std::string_view>& tokens, Command& cmd) {
    cmd.kind = CommandKind::New;
    NewOrder& o = cmd.order;
    bool haveId = false, haveAccount = false, haveSide = false, haveType = false, haveQuantity = false;
    for (std::size_t i = 1; i < tokens.size(); ++i) {
      const auto tok = tokens[i];
      if (tok == "@") {
        if (i + 1 >= tokens.size()) return fail("'@' must be followed by a limit price");
        if (auto err = priceValue(tokens[++i], "price", o.price)) return err;
        continue;
      }
      if (looksNumeric(tok)) {
        if (haveQuantity) return fail(fmt::format("second quantity '{}'", tok));
        if (auto err = quantityValue(tok, "quantity", o.quantity)) return err;
        haveQuantity = true;
        continue;
      }
      const auto kv = splitKeyValue(tok);
      if (!kv.hasValue) {
        if (tok == "buy" || tok == "sell") {
          o.side = tok == "buy" ? Side::Buy : Side::Sell;
          haveSide = true;
        } else if (auto t = lookupValue(kOrderTypes, tok)) {
          o.type = *t;
          haveType = true;
        } else if (auto tif = lookupValue(kTimeInForces, tok)) {
          o.timeInForce = *tif;
        } else if (tok == "postonly" || tok == "post_only") {
          o.postOnly = true;
        } else {
          return fail(fmt::format("new: unknown word '{}' (side buy|sell, type {}, time in force {}, postonly)", tok,
                                  namesOf(kOrderTypes), namesOf(kTimeInForces)));
        }
        continue;
      }
      std::uint64_t number = 0;
      if (kv.key == "id") {
        if (auto err = idValue(kv.value, "id", number)) return err;
        o.id = OrderId{number};
        haveId = true;
      } else if (kv.key == "acct") {
        if (auto err = idValue(kv.value, "acct", number)) return err;
        o.account = AccountId{number};
        haveAccount = true;
      } else if (kv.key == "display") {
        if (auto err = quantityValue(kv.value, "display", o.displayQuantity)) return err;
      } else if (kv.key == "min") {
        if (auto err = quantityValue(kv.value, "min", o.minQuantity)) return err;
      } else if (kv.key == "stop") {
        if (auto err = priceValue(kv.value, "stop", o.stopPrice)) return err;
      } else if (kv.key == "stp") {
        auto m = lookupValue(kSelfTradeModes, kv.value);
        if (!m) return fail(fmt::format("stp={} is unknown (known: {})", kv.value, namesOf(kSelfTradeModes)));
        o.selfTrade = *m;
      } else if (kv.key == "expire") {
        auto t = parseTime(kv.value);
        if (!t) return fail(fmt::format("expire={} is not a time (HH:MM:SS[.nnnnnnnnn] or nanoseconds)", kv.value));
        o.expireTime = *t;
      } else {
        return fail(fmt::format("new: unknown key '{}' (known: id, acct, display, min, stop, stp, expire)", kv.key));
      }
    }
    if (!haveId) return fail("new: id=N is missing");
    if (!haveAccount) return fail("new: acct=N is missing");
    if (!haveSide) return fail("new: side (buy or sell) is missing");
    if (!haveType) return fail(fmt::format("new: order type ({}) is missing", namesOf(kOrderTypes)));
    if (!haveQuantity) return fail("new: quantity is missing");
    return std::nullopt;
  }

  // Levels "PRICExQTY(N)", orders "ID:QTY@PRICE": parsed and printed back canonically.
  std::optional<Error> canonicalLevel(std::string_view tok, std::string& out) const {
    const auto x = tok.find('x');
    const auto open = tok.find('(');
    if (x == std::string_view::npos || open == std::string_view::npos || open < x || tok.back() != ')') {
      return fail(fmt::format("'{}' is not a level PRICExQTY(ORDERS), e.g. 10.00x60(1)", tok));
    }
    std::int64_t p = 0, q = 0;
    if (auto err = decimal(tok.substr(0, x), pricePlaces_, "level price", p)) return err;
    if (auto err = decimal(tok.substr(x + 1, open - x - 1), quantityPlaces_, "level quantity", q)) return err;
    auto n = parseUnsigned(tok.substr(open + 1, tok.size() - open - 2));
    if (!n) return fail(fmt::format("'{}': order count is not a number", tok));
    out = fmt::format("{}x{}({})", formatDecimal(p, pricePlaces_), formatDecimal(q, quantityPlaces_), *n);
    return std::nullopt;
  }

  std::optional<Error> canonicalOrder(std::string_view tok, std::string& out) const {
    const auto colon = tok.find(':');
    const auto at = tok.find('@');
    if (colon == std::string_view::npos || at == std::string_view::npos || at < colon) {
      return fail(fmt::format("'{}' is not an order ID:QTY@PRICE, e.g. 7:60@10.00", tok));
    }
    auto id = parseUnsigned(tok.substr(0, colon));
    if (!id) return fail(fmt::format("'{}': order id is not a number", tok));
    std::int64_t q = 0, p = 0;
    if (auto err = decimal(tok.substr(colon + 1, at - colon - 1), quantityPlaces_, "displayed quantity", q)) return err;
    if (auto err = decimal(tok.substr(at + 1), pricePlaces_, "price", p)) return err;
    out = fmt::format("{}:{}@{}", *id, formatDecimal(q, quantityPlaces_), formatDecimal(p, pricePlaces_));
    return std::nullopt;
  }

  std::optional<Error> parseCheck(std::string_view text, Check& check) {
    auto tokens = tokenize(text, false);
    if (tokens.empty()) return fail("empty check after '='");
    // `= bids ?`: an unfilled check that never matches, written by ALPHINTRA_GOLDEN_UPDATE=1.
    if (tokens.size() >= 2 && tokens.back() == "?") {
      const std::string written = joinTokens(tokens);
      const auto what = tokens.front();
      tokens.back() = what == "order"                      ? "none"
                      : (what == "seq" || what == "stops") ? "0"
                      : what == "status"                   ? "closed"
                                                           : "-";
      if (auto err = parseCheck(joinTokens(tokens), check)) return err;
      check.expected = written;
      check.unfilled = true;
      return std::nullopt;
    }
    const auto what = tokens.front();
    std::string canonical{what};
    auto listOf = [&](std::size_t from, bool levels) -> std::optional<Error> {
      if (tokens.size() == from + 1 && tokens[from] == "-") {
        canonical += " -";
        return std::nullopt;
      }
      if (tokens.size() <= from) return fail(fmt::format("'{}' needs its entries, or '-' for none", what));
      for (std::size_t i = from; i < tokens.size(); ++i) {
        std::string entry;
        if (auto err = levels ? canonicalLevel(tokens[i], entry) : canonicalOrder(tokens[i], entry)) return err;
        canonical += " " + entry;
      }
      return std::nullopt;
    };
    if (what == "bids" || what == "asks") {
      check.kind = what == "bids" ? CheckKind::Bids : CheckKind::Asks;
      if (auto err = listOf(1, true)) return err;
    } else if (what == "orders") {
      if (tokens.size() < 2 || (tokens[1] != "buy" && tokens[1] != "sell")) {
        return fail("usage: = orders buy|sell ID:QTY@PRICE ...   (or '-' for none)");
      }
      check.kind = CheckKind::Orders;
      check.side = tokens[1] == "buy" ? Side::Buy : Side::Sell;
      canonical += fmt::format(" {}", tokens[1]);
      if (auto err = listOf(2, false)) return err;
    } else if (what == "order") {
      if (tokens.size() < 3)
        return fail("usage: = order ID none | = order ID key=value ... (a subset of what the book shows)");
      std::uint64_t id = 0;
      if (auto err = idValue(tokens[1], "order id", id)) return err;
      check.kind = CheckKind::Order;
      check.id = OrderId{id};
      canonical = joinTokens(tokens);
    } else if (what == "last") {
      if (tokens.size() != 2) return fail("usage: = last PRICE   (or '-' for no trade yet)");
      check.kind = CheckKind::Last;
      if (tokens[1] == "-") {
        canonical += " -";
      } else {
        std::int64_t p = 0;
        if (auto err = decimal(tokens[1], pricePlaces_, "last", p)) return err;
        canonical += " " + formatDecimal(p, pricePlaces_);
      }
    } else if (what == "seq" || what == "stops") {
      if (tokens.size() != 2 || !parseUnsigned(tokens[1])) return fail(fmt::format("usage: = {} N", what));
      check.kind = what == "seq" ? CheckKind::Seq : CheckKind::Stops;
      canonical += fmt::format(" {}", *parseUnsigned(tokens[1]));
    } else if (what == "status") {
      if (tokens.size() != 2 || !parseTradingStatus(tokens[1])) {
        return fail(fmt::format("usage: = status NAME (known: {})", statusNames()));
      }
      check.kind = CheckKind::Status;
      canonical += fmt::format(" {}", tokens[1]);
    } else {
      return fail(fmt::format("unknown check '{}' (known: bids, asks, orders, order, last, seq, stops, status)", what));
    }
    check.expected = std::move(canonical);
    return std::nullopt;
  }

  std::string_view text_;
  const std::string& path_;
  int line_ = 0;
  Timestamp now_;
  bool eventsAttach_ = false;
  std::optional<EventFormat> format_;
  int pricePlaces_ = 2;
  int quantityPlaces_ = 0;
};

}  // namespace

Result<Scenario> parseScenario(std::string_view text, const std::string& path) { return Parser{text, path}.run(); }

Result<Scenario> loadScenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(path, "cannot open the scenario file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parseScenario(buffer.str(), path);
}

// ---- checks ------------------------------------------------------------------------------------

std::string describe(const Check& check, const OrderBook& book) {
  const Instrument& inst = book.instrument();
  switch (check.kind) {
    case CheckKind::Bids:
    case CheckKind::Asks: {
      const Side side = check.kind == CheckKind::Bids ? Side::Buy : Side::Sell;
      std::vector<LevelView> levels;
      book.depth(side, std::numeric_limits<std::size_t>::max(), levels);
      std::string s = check.kind == CheckKind::Bids ? "bids" : "asks";
      if (levels.empty()) return s + " -";
      for (const auto& l : levels) {
        s += fmt::format(" {}x{}({})", inst.formatPrice(l.price), inst.formatQuantity(l.quantity), l.orders);
      }
      return s;
    }
    case CheckKind::Orders: {
      std::vector<OrderView> views;
      book.orders(check.side, views);
      std::string s = fmt::format("orders {}", check.side == Side::Buy ? "buy" : "sell");
      if (views.empty()) return s + " -";
      for (const auto& v : views) {
        s +=
            fmt::format(" {}:{}@{}", v.id.value(), inst.formatQuantity(v.displayedQuantity), inst.formatPrice(v.price));
      }
      return s;
    }
    case CheckKind::Order: {
      const auto v = book.find(check.id);
      if (!v) return fmt::format("order {} none", check.id.value());
      const EventFormat f{inst};
      std::string s = fmt::format("order {} acct={} {}", v->id.value(), v->account.value(),
                                  v->side == Side::Buy ? "buy" : (v->side == Side::Sell ? "sell" : "side=none"));
      const auto typeName = name(v->type);
      const auto tifName = name(v->timeInForce);
      s += fmt::format(" {} {}", typeName.empty() ? "type=?" : typeName, tifName.empty() ? "tif=?" : tifName);
      s += " qty=" + f.quantity(v->quantity) + " price=" + f.price(v->price);
      if (v->stopPrice.isDefined()) s += " stop=" + f.price(v->stopPrice);
      s += " filled=" + f.quantity(v->filledQuantity) + " leaves=" + f.quantity(v->leavesQuantity) +
           " shown=" + f.quantity(v->displayedQuantity);
      s += v->resting ? " resting" : " waiting";
      return s;
    }
    case CheckKind::Last:
      return book.lastTradePrice().isDefined() ? "last " + inst.formatPrice(book.lastTradePrice()) : "last -";
    case CheckKind::Seq: return fmt::format("seq {}", book.sequence());
    case CheckKind::Stops: return fmt::format("stops {}", book.pendingStops());
    case CheckKind::Status: return fmt::format("status {}", toString(book.status()));
  }
  return "?";
}

namespace {

bool checkMatches(const Check& check, const std::string& actual) {
  if (check.unfilled) return false;
  if (check.kind != CheckKind::Order) return check.expected == actual;
  // `= order ID k=v ...` asserts a subset of what the book shows; "none" must be exact.
  const auto expectedTokens = tokenize(check.expected, false);
  const auto actualTokens = tokenize(actual, false);
  const std::set<std::string_view> have(actualTokens.begin(), actualTokens.end());
  if ((expectedTokens.size() == 3 && expectedTokens[2] == "none") !=
      (actualTokens.size() == 3 && actualTokens[2] == "none")) {
    return false;
  }
  return std::all_of(expectedTokens.begin(), expectedTokens.end(),
                     [&](std::string_view t) { return have.count(t) > 0; });
}

std::string commandText(const Scenario& sc, int line) {
  if (line < 1 || static_cast<std::size_t>(line) > sc.lines.size()) return "?";
  return std::string{trim(sc.lines[static_cast<std::size_t>(line) - 1])};
}

}  // namespace

Result<RunResult> runScenario(const Scenario& sc) {
  auto inst = Instrument::create(sc.instrumentSpec);
  if (!inst) return makeError(sc.path, "instrument: " + inst.error().message);
  OrderBook book(*inst, sc.options);
  const EventFormat format{*inst};
  RunResult result;
  std::uint64_t nextSequence = 1;
  for (const Step& step : sc.steps) {
    StepResult actual;
    if (step.isCheck) {
      actual.actualCheck = describe(step.check, book);
      if (!checkMatches(step.check, actual.actualCheck)) {
        result.mismatches.push_back({step.line, fmt::format("check differs\n  expected: {}\n  actual:   {}",
                                                            step.check.expected, actual.actualCheck)});
      }
      result.steps.push_back(std::move(actual));
      continue;
    }
    const Command& cmd = step.command;
    switch (cmd.kind) {
      case CommandKind::New: book.submit(cmd.order, cmd.time, actual.actual); break;
      case CommandKind::Cancel: book.cancel(cmd.id, cmd.time, actual.actual); break;
      case CommandKind::Replace: book.replace(cmd.replace, cmd.time, actual.actual); break;
      case CommandKind::MassCancel: book.massCancel(cmd.account, cmd.time, actual.actual); break;
      case CommandKind::Status: book.setStatus(cmd.status, cmd.time, actual.actual); break;
      case CommandKind::Tick: book.advanceTime(cmd.time, actual.actual); break;
      case CommandKind::Reference: book.setReferencePrice(cmd.reference); break;
    }
    const auto& got = actual.actual;
    const auto& want = step.expected;
    // Once a difference has been reported, the sequence numbers of later commands are compared
    // relative to their first event, so that one missing or extra event is reported once and
    // not again on every later line. Before that, they are compared as written.
    const std::int64_t sequenceShift =
        result.mismatches.empty() || got.empty() || want.empty()
            ? 0
            : static_cast<std::int64_t>(got.front().sequence) - static_cast<std::int64_t>(want.front().event.sequence);
    auto matches = [&](std::size_t i) {
      Event w = want[i].event;
      w.sequence = static_cast<std::uint64_t>(static_cast<std::int64_t>(w.sequence) + sequenceShift);
      return sameEvent(got[i], w);
    };
    bool same = got.size() == want.size();
    for (std::size_t i = 0; same && i < got.size(); ++i) same = matches(i);
    if (!same) {
      std::string msg = fmt::format("events of `{}` differ", commandText(sc, step.line));
      if (sequenceShift != 0) {
        msg += fmt::format(" (sequence numbers compared with an offset of {:+} after the earlier differences)",
                           sequenceShift);
      }
      const std::size_t n = std::max(got.size(), want.size());
      for (std::size_t i = 0; i < n; ++i) {
        const bool haveWant = i < want.size();
        const bool haveGot = i < got.size();
        const std::string w = haveWant ? "< " + format.print(want[i].event, cmd.time) : "(no event)";
        const std::string g = haveGot ? "< " + format.print(got[i], cmd.time) : "(no event)";
        const bool ok = haveWant && haveGot && matches(i);
        const std::string where = haveWant ? fmt::format("line {}", want[i].line) : std::string{"(extra)"};
        if (ok) {
          msg += fmt::format("\n  {:>9}  same:     {}", where, w);
        } else {
          msg += fmt::format("\n  {:>9}  expected: {}\n  {:>9}  actual:   {}", where, w, "", g);
        }
      }
      const int line = want.empty() ? step.line : want.front().line;
      result.mismatches.push_back({line, std::move(msg)});
    }
    for (const Event& e : got) {
      if (e.sequence != nextSequence) {
        result.mismatches.push_back(
            {step.line, fmt::format("sequence not gap-free: event '{}' has sequence {}, expected {}",
                                    format.print(e, cmd.time), e.sequence, nextSequence)});
      }
      nextSequence = e.sequence + 1;
    }
    if (book.sequence() != nextSequence - 1) {
      result.mismatches.push_back(
          {step.line, fmt::format("book.sequence() is {} after this command, its last event has {}", book.sequence(),
                                  nextSequence - 1)});
      nextSequence = book.sequence() + 1;
    }
    result.steps.push_back(std::move(actual));
  }
  return result;
}

std::string regenerate(const Scenario& sc, const RunResult& result) {
  auto inst = Instrument::create(sc.instrumentSpec);
  if (!inst) return {};
  const EventFormat format{*inst};
  // line (1-based) → what to print there; lines of old `<` events are dropped.
  std::vector<std::vector<std::string>> after(sc.lines.size() + 2);
  std::vector<std::optional<std::string>> replaceWith(sc.lines.size() + 2);
  std::vector<bool> drop(sc.lines.size() + 2, false);
  for (std::size_t s = 0; s < sc.steps.size() && s < result.steps.size(); ++s) {
    const Step& step = sc.steps[s];
    const StepResult& actual = result.steps[s];
    const auto line = static_cast<std::size_t>(step.line);
    if (step.isCheck) {
      if (!checkMatches(step.check, actual.actualCheck)) replaceWith[line] = "= " + actual.actualCheck;
      continue;
    }
    std::vector<std::string> printed;
    for (const Event& e : actual.actual) printed.push_back("< " + format.print(e, step.command.time));
    if (step.expected.empty()) {
      after[line] = std::move(printed);
    } else {
      for (const auto& ex : step.expected) drop[static_cast<std::size_t>(ex.line)] = true;
      const auto first = static_cast<std::size_t>(step.expected.front().line);
      drop[first] = false;
      replaceWith[first] = std::string{};  // the regenerated events go here
      after[first] = std::move(printed);
    }
  }
  std::string out;
  for (std::size_t i = 1; i <= sc.lines.size(); ++i) {
    if (drop[i]) continue;
    if (replaceWith[i]) {
      if (!replaceWith[i]->empty()) out += *replaceWith[i] + "\n";
    } else {
      out += sc.lines[i - 1] + "\n";
    }
    for (const auto& l : after[i]) out += l + "\n";
  }
  return out;
}

}  // namespace alphintra::book::golden
