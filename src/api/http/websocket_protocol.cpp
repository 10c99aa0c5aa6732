// WebSocket messages (see websocket_protocol.hpp). Requests are parsed with nlohmann::json (the
// edge, not the hot path); the channels' messages, which go out at market-data rates, are
// written with fmt straight into one string.
#include "api/http/websocket_protocol.hpp"

#include "api/json_writer.hpp"

#include <fmt/format.h>

#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

namespace alphintra::api::http {
namespace {

using json = nlohmann::json;

WsError invalid(std::optional<std::int64_t> id, std::string code, std::string message, std::string field) {
  return WsError{id, std::move(code), std::move(message), std::move(field)};
}

void appendMember(std::string& out, std::string_view name, std::string_view value) {
  out.push_back(',');
  appendJsonString(out, name);
  out.push_back(':');
  appendJsonString(out, value);
}

void appendLevels(std::string& out, const Instrument& instrument, const std::vector<book::LevelView>& levels) {
  out.push_back('[');
  bool first = true;
  for (const book::LevelView& level : levels) {
    if (!first) out.push_back(',');
    first = false;
    out += "{\"price\":";
    appendJsonString(out, instrument.formatPrice(level.price));
    out += ",\"quantity\":";
    appendJsonString(out, instrument.formatQuantity(level.quantity));
    out.push_back('}');
  }
  out.push_back(']');
}

std::optional<WsChannel> parseChannel(std::string_view text) {
  for (WsChannel c :
       {WsChannel::Quotes, WsChannel::Trades, WsChannel::Book, WsChannel::Bars, WsChannel::Orders, WsChannel::Status}) {
    if (toString(c) == text) return c;
  }
  return std::nullopt;
}

std::optional<WsOp> parseOp(std::string_view text) {
  if (text == "authenticate") return WsOp::Authenticate;
  if (text == "subscribe") return WsOp::Subscribe;
  if (text == "unsubscribe") return WsOp::Unsubscribe;
  if (text == "ping") return WsOp::Ping;
  return std::nullopt;
}

}  // namespace

std::string_view toString(WsChannel channel) noexcept {
  switch (channel) {
    case WsChannel::Quotes: return "quotes";
    case WsChannel::Trades: return "trades";
    case WsChannel::Book: return "book";
    case WsChannel::Bars: return "bars";
    case WsChannel::Orders: return "orders";
    case WsChannel::Status: return "status";
  }
  return "unknown";
}

std::variant<WsRequest, WsError> parseWsRequest(std::string_view text) {
  // A member given twice is refused (nlohmann would keep the last one silently).
  std::optional<std::string> duplicate;
  std::set<std::string> topKeys;
  const json::parser_callback_t callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!topKeys.insert(key).second && !duplicate) duplicate = key;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text, callback);
  } catch (const json::exception& e) {
    return invalid(std::nullopt, "malformed_json", fmt::format("malformed JSON: {}", e.what()), "");
  }
  if (!j.is_object()) return invalid(std::nullopt, "invalid_request", "a request must be a JSON object", "");

  WsRequest request;
  std::optional<std::int64_t> id;
  if (const auto it = j.find("id"); it != j.end() && it->is_number_integer()) {
    id = it->get<std::int64_t>();
  }
  if (duplicate) return invalid(id, "invalid_request", fmt::format("member {} is given twice", *duplicate), *duplicate);
  if (!id) {
    return invalid(std::nullopt, "invalid_request",
                   j.contains("id") ? "id must be an integer" : "every request needs an integer id", "id");
  }
  request.id = *id;

  const auto opIt = j.find("op");
  if (opIt == j.end()) return invalid(id, "invalid_request", "op is missing", "op");
  if (!opIt->is_string()) return invalid(id, "invalid_request", "op must be a string", "op");
  const auto op = parseOp(opIt->get_ref<const std::string&>());
  if (!op) {
    return invalid(id, "unknown_op",
                   fmt::format("unknown op \"{}\"; expected authenticate, subscribe, unsubscribe or ping",
                               opIt->get_ref<const std::string&>()),
                   "op");
  }
  request.op = *op;

  const auto allowed = [&](std::string_view key) {
    if (key == "id" || key == "op") return true;
    switch (request.op) {
      case WsOp::Authenticate: return key == "token";
      case WsOp::Subscribe:
      case WsOp::Unsubscribe: return key == "channel" || key == "symbols" || key == "interval";
      case WsOp::Ping: return false;
    }
    return false;
  };
  for (const auto& [key, value] : j.items()) {
    if (!allowed(key)) {
      return invalid(id, "invalid_request",
                     fmt::format("unknown member \"{}\" for op {}", key, opIt->get_ref<const std::string&>()), key);
    }
  }

  if (request.op == WsOp::Ping) return request;
  if (request.op == WsOp::Authenticate) {
    const auto it = j.find("token");
    if (it == j.end()) return invalid(id, "invalid_request", "token is missing", "token");
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      return invalid(id, "invalid_request", "token must be a non-empty string", "token");
    }
    request.token = it->get<std::string>();
    return request;
  }

  const auto channelIt = j.find("channel");
  if (channelIt == j.end()) return invalid(id, "invalid_request", "channel is missing", "channel");
  if (!channelIt->is_string()) return invalid(id, "invalid_request", "channel must be a string", "channel");
  const auto channel = parseChannel(channelIt->get_ref<const std::string&>());
  if (!channel) {
    return invalid(id, "unknown_channel",
                   fmt::format("unknown channel \"{}\"; expected quotes, trades, book, bars or orders",
                               channelIt->get_ref<const std::string&>()),
                   "channel");
  }
  request.channel = *channel;

  const auto symbolsIt = j.find("symbols");
  if (request.channel == WsChannel::Orders) {
    if (symbolsIt != j.end()) {
      return invalid(id, "invalid_request", "the orders channel takes no symbols (it carries your accounts' orders)",
                     "symbols");
    }
  } else {
    if (symbolsIt == j.end()) return invalid(id, "invalid_request", "symbols is missing", "symbols");
    if (!symbolsIt->is_array() || symbolsIt->empty()) {
      return invalid(id, "invalid_request", "symbols must be a non-empty array of strings", "symbols");
    }
    if (symbolsIt->size() > kWsMaxSymbolsPerRequest) {
      return invalid(id, "invalid_request", fmt::format("at most {} symbols per request", kWsMaxSymbolsPerRequest),
                     "symbols");
    }
    for (const json& s : *symbolsIt) {
      if (!s.is_string()) return invalid(id, "invalid_request", "symbols must be strings", "symbols");
      request.symbols.push_back(s.get<std::string>());
    }
  }

  const auto intervalIt = j.find("interval");
  if (request.channel == WsChannel::Bars) {
    if (intervalIt == j.end()) return invalid(id, "invalid_request", "interval is missing (e.g. \"1m\")", "interval");
    if (!intervalIt->is_string()) return invalid(id, "invalid_request", "interval must be a string", "interval");
    request.interval = intervalIt->get<std::string>();
  } else if (intervalIt != j.end()) {
    return invalid(id, "invalid_request", "interval belongs to the bars channel only", "interval");
  }
  return request;
}

std::string wsAck(std::int64_t id) { return fmt::format(R"({{"type":"ack","id":{}}})", id); }

std::string wsError(const WsError& error) {
  std::string out = R"({"type":"error","id":)";
  out += error.id ? std::to_string(*error.id) : std::string("null");
  appendMember(out, "code", error.code);
  appendMember(out, "message", error.message);
  appendMember(out, "field", error.field);
  out.push_back('}');
  return out;
}

std::string wsHeartbeat(std::int64_t timeNanos) {
  return fmt::format(R"({{"type":"heartbeat","time":{}}})", timeNanos);
}

std::string wsQuote(const Instrument& instrument, const engine::QuoteReport& quote, std::int64_t timeNanos) {
  std::string out = R"({"type":"quote","symbol":)";
  appendJsonString(out, instrument.symbol());
  if (quote.bidPrice.isDefined()) {
    appendMember(out, "bid", instrument.formatPrice(quote.bidPrice));
    appendMember(out, "bidQuantity", instrument.formatQuantity(quote.bidQuantity));
  }
  if (quote.askPrice.isDefined()) {
    appendMember(out, "ask", instrument.formatPrice(quote.askPrice));
    appendMember(out, "askQuantity", instrument.formatQuantity(quote.askQuantity));
  }
  if (quote.lastPrice.isDefined()) appendMember(out, "last", instrument.formatPrice(quote.lastPrice));
  fmt::format_to(std::back_inserter(out), R"(,"time":{}}})", timeNanos);
  return out;
}

std::string wsTrade(const Instrument& instrument, const engine::PublicTradeReport& trade, std::int64_t timeNanos) {
  std::string out = R"({"type":"trade","symbol":)";
  appendJsonString(out, instrument.symbol());
  appendMember(out, "price", instrument.formatPrice(trade.price));
  appendMember(out, "quantity", instrument.formatQuantity(trade.quantity));
  if (trade.aggressor != Side::None) appendMember(out, "aggressor", trade.aggressor == Side::Buy ? "buy" : "sell");
  fmt::format_to(std::back_inserter(out), R"(,"time":{}}})", timeNanos);
  return out;
}

std::string wsStatus(const Instrument& instrument, TradingStatus status, std::int64_t timeNanos) {
  std::string out = R"({"type":"status","symbol":)";
  appendJsonString(out, instrument.symbol());
  appendMember(out, "status", toString(status));
  fmt::format_to(std::back_inserter(out), R"(,"time":{}}})", timeNanos);
  return out;
}

std::string wsBook(const Instrument& instrument, std::uint64_t sequence, bool snapshot,
                   const std::vector<book::LevelView>& bids, const std::vector<book::LevelView>& asks) {
  std::string out = R"({"type":"book","symbol":)";
  appendJsonString(out, instrument.symbol());
  fmt::format_to(std::back_inserter(out), R"(,"sequence":{},"snapshot":{},"bids":)", sequence, snapshot);
  appendLevels(out, instrument, bids);
  out += R"(,"asks":)";
  appendLevels(out, instrument, asks);
  out.push_back('}');
  return out;
}

std::string wsBar(const Instrument& instrument, std::string_view interval, const marketdata::Bar& bar) {
  std::string out = R"({"type":"bar","symbol":)";
  appendJsonString(out, instrument.symbol());
  appendMember(out, "interval", interval);
  fmt::format_to(std::back_inserter(out), R"(,"time":{})", bar.start.nanos() / 1'000'000'000);
  appendMember(out, "open", instrument.formatPrice(bar.open));
  appendMember(out, "high", instrument.formatPrice(bar.high));
  appendMember(out, "low", instrument.formatPrice(bar.low));
  appendMember(out, "close", instrument.formatPrice(bar.close));
  appendMember(out, "volume", instrument.formatQuantity(bar.volume));
  out.push_back('}');
  return out;
}

std::string wsOrder(std::string_view executionReportJson) {
  constexpr std::string_view kPrefix = R"({"event":"execution_report")";
  std::string out = R"({"type":"order")";
  if (executionReportJson.starts_with(kPrefix)) {
    out += executionReportJson.substr(kPrefix.size());
  } else if (executionReportJson.size() > 2) {  // another member order: keep all, type first
    out.push_back(',');
    out += executionReportJson.substr(1);
  } else {
    out.push_back('}');
  }
  return out;
}

}  // namespace alphintra::api::http
