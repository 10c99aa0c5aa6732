// RestApi (see rest_api.hpp): routing, REST body → protocol JSON, and answers from events.
//
// REST bodies use the protocol's member names (docs/engine-protocol.md) except the account,
// which REST calls `accountId`; the translation renames it and adds "type" and "requestId".
// Members are passed on as they are, so parseCommand's strictness (unknown member, wrong type,
// off-tick price, ...) is the REST API's too; its field "account" is reported as "accountId".
#include "api/http/rest_api.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "api/json_commands.hpp"
#include "api/json_events.hpp"

namespace alphintra::api::http {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view kOrdersPath = "/api/v1/orders";
constexpr std::string_view kQuotePrefix = "/api/v1/market-data/quote/";
constexpr std::string_view kBookPrefix = "/api/v1/market-data/book/";
constexpr std::size_t kMaxListLimit = 10'000;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Response jsonResponse(unsigned status, std::string body) { return Response{status, std::move(body)}; }

Response methodNotAllowed(std::string_view path, std::string_view allowed) {
  return errorResponse(405, "method_not_allowed", fmt::format("{} allows {}", path, allowed));
}

std::optional<std::uint64_t> parseUnsigned(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// %XX and '+' (in queries) decoded; nullopt on a broken escape.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      unsigned value = 0;
      const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec != std::errc{} || end != text.data() + i + 3) return std::nullopt;
      out.push_back(static_cast<char>(value));
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The query string as name → value; an Error names a broken or repeated parameter.
Result<std::vector<std::pair<std::string, std::string>>> parseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    auto name = percentDecode(part.substr(0, eq), true);
    auto value = percentDecode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
    if (!name || !value) return makeError("", fmt::format("malformed query parameter \"{}\"", part));
    for (const auto& [n, v] : out) {
      if (n == *name) return makeError(*name, fmt::format("query parameter {} is given twice", *name));
    }
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

// A request body that must be one JSON object; a member given twice is an error, as in the
// line protocol (nlohmann would keep the last one silently).
Result<json> parseBodyObject(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return makeError("", "the request body is empty; a JSON object is expected");
  }
  std::optional<std::string> duplicate;
  std::vector<std::set<std::string>> keys;  // per open object, by depth
  const json::parser_callback_t callback = [&](int depth, json::parse_event_t event, json& parsed) {
    const auto d = static_cast<std::size_t>(depth);
    if (event == json::parse_event_t::object_start) {
      if (keys.size() <= d) keys.resize(d + 1);
      keys[d].clear();
    } else if (event == json::parse_event_t::key && d >= 1 && d <= keys.size()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!keys[d - 1].insert(key).second && !duplicate) duplicate = key;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(body, callback);
  } catch (const json::exception& e) {
    return makeError("", fmt::format("malformed JSON: {}", e.what()));
  }
  if (duplicate) return makeError(*duplicate, fmt::format("member {} is given twice", *duplicate));
  if (!j.is_object()) return makeError("", "the request body must be a JSON object");
  return j;
}

Response badRequest(const Error& error) {
  const std::string_view field = error.field == "account" ? std::string_view("accountId") : error.field;
  const bool malformed = error.message.starts_with("malformed JSON");
  return errorResponse(400, malformed ? "malformed_json" : "invalid_request", error.message, field);
}

constexpr std::array kStatuses = {
    oms::OrdStatus::New,           oms::OrdStatus::PartiallyFilled, oms::OrdStatus::Filled,
    oms::OrdStatus::DoneForDay,    oms::OrdStatus::Canceled,        oms::OrdStatus::Replaced,
    oms::OrdStatus::PendingCancel, oms::OrdStatus::Rejected,        oms::OrdStatus::PendingNew,
    oms::OrdStatus::Expired,       oms::OrdStatus::PendingReplace};

std::optional<oms::OrdStatus> parseStatus(std::string_view text) {
  for (oms::OrdStatus s : kStatuses) {
    if (oms::toString(s) == text) return s;
  }
  return std::nullopt;
}

json instrumentJson(const Instrument& i) {
  json j;
  j["id"] = i.id().value();
  j["symbol"] = i.symbol();
  j["venue"] = i.venue();
  j["assetClass"] = toString(i.assetClass());
  j["currency"] = i.currency().code();
  j["pricePrecision"] = i.pricePrecision();
  j["quantityPrecision"] = i.quantityPrecision();
  j["tickSize"] = i.formatPrice(i.tickSize());
  j["lotSize"] = i.formatQuantity(i.lotSize());
  j["minQuantity"] = i.formatQuantity(i.minQuantity());
  if (i.maxQuantity().raw() != std::numeric_limits<std::int64_t>::max()) {
    j["maxQuantity"] = i.formatQuantity(i.maxQuantity());
  }
  j["status"] = toString(i.status());
  return j;
}

// The "reason" of a formatted report, or a stand-in when it has none.
json reasonOf(const json& report) {
  if (const auto it = report.find("reason"); it != report.end() && it->is_object()) return *it;
  json r;
  r["source"] = "engine";
  r["code"] = "rejected";
  r["message"] = "the engine refused the request";
  return r;
}

Response refusal(unsigned status, const std::string& eventJson) {
  const json report = json::parse(eventJson, nullptr, false);
  const json reason = reasonOf(report);
  json body;
  body["code"] = reason.value("code", "rejected");
  body["message"] = reason.value("message", "the engine refused the request");
  body["field"] = "";
  body["source"] = reason.value("source", "engine");
  body["report"] = report;
  return jsonResponse(status, dump(body));
}

}  // namespace

RestApi::RestApi(Directory& directory, ReadModel& readModel, Submit submit, RestOptions options)
    : directory_(directory), readModel_(readModel), submit_(std::move(submit)), options_(options) {}

void RestApi::handle(Request&& request, Respond respond) {
  const std::string_view path = request.path;
  const Method m = request.method;
  if (path == "/healthz") {
    if (m != Method::Get) return respond(methodNotAllowed(path, "GET"));
    return respond(jsonResponse(200, R"({"status":"ok"})"));
  }
  if (path == "/readyz") {
    if (m != Method::Get) return respond(methodNotAllowed(path, "GET"));
    return health(respond);
  }
  if (path == "/api/v1/instruments") {
    if (m != Method::Get) return respond(methodNotAllowed(path, "GET"));
    return listInstruments(respond);
  }
  if (path == kOrdersPath) {
    if (m == Method::Get) return listOrders(request, respond);
    if (m == Method::Post) return newOrder(request, respond);
    return respond(methodNotAllowed(path, "GET, POST"));
  }
  if (path.starts_with(kOrdersPath) && path.size() > kOrdersPath.size() && path[kOrdersPath.size()] == '/') {
    const std::string_view idText = path.substr(kOrdersPath.size() + 1);
    const auto id = parseUnsigned(idText);
    if (!id || *id == 0) {
      return respond(errorResponse(404, "not_found", fmt::format("\"{}\" is not an order id", idText), "orderId"));
    }
    if (m == Method::Get) return getOrder(OrderId{*id}, respond);
    if (m == Method::Patch) return replaceOrder(OrderId{*id}, request, respond);
    if (m == Method::Delete) return cancelOrder(OrderId{*id}, respond);
    return respond(methodNotAllowed(path, "GET, PATCH, DELETE"));
  }
  for (const std::string_view prefix : {kQuotePrefix, kBookPrefix}) {
    if (!path.starts_with(prefix)) continue;
    if (m != Method::Get) return respond(methodNotAllowed(path, "GET"));
    const auto symbol = percentDecode(path.substr(prefix.size()), false);
    if (!symbol) return respond(errorResponse(400, "invalid_request", "malformed %-escape in the symbol", "symbol"));
    if (prefix == kQuotePrefix) return quote(*symbol, respond);
    return book(*symbol, request, respond);
  }
  respond(errorResponse(404, "not_found", fmt::format("no route for {} (docs/api.md lists them)", path)));
}

void RestApi::health(Respond& respond) {
  if (ready()) return respond(jsonResponse(200, R"({"status":"ready"})"));
  respond(errorResponse(503, "not_ready", "the engine is still recovering or loading its reference data"));
}

void RestApi::listInstruments(Respond& respond) {
  json list = json::array();
  for (const Instrument& i : readModel_.instruments()) list.push_back(instrumentJson(i));
  json body;
  body["instruments"] = std::move(list);
  respond(jsonResponse(200, dump(body)));
}

void RestApi::newOrder(const Request& request, Respond& respond) {
  if (!ready()) return health(respond);
  auto body = parseBodyObject(request.body);
  if (!body.ok()) return respond(badRequest(body.error()));
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = "new_order";
  command["requestId"] = requestId;
  for (const auto& [key, value] : body.value().items()) {
    if (key == "type" || key == "requestId" || key == "account") {
      return respond(errorResponse(
          400, "invalid_request",
          fmt::format("unknown field \"{}\" for POST {} (docs/api.md lists its fields; the account is accountId)", key,
                      kOrdersPath),
          key));
    }
    command[key == "accountId" ? std::string("account") : key] = value;
  }
  submitAndWait(Kind::NewOrder, requestId, dump(command), respond);
}

void RestApi::getOrder(OrderId id, Respond& respond) {
  const auto entry = readModel_.order(id);
  if (!entry) {
    return respond(errorResponse(404, "unknown_order",
                                 fmt::format("no order {} (orders of simulator accounts are not kept)", id.value()),
                                 "orderId"));
  }
  respond(jsonResponse(200, entry->json));
}

void RestApi::listOrders(const Request& request, Respond& respond) {
  auto query = parseQuery(request.query);
  if (!query.ok()) return respond(badRequest(query.error()));
  OrderFilter filter;
  for (const auto& [name, value] : query.value()) {
    if (name == "accountId") {
      const auto id = parseUnsigned(value);
      if (!id || *id == 0) {
        return respond(errorResponse(400, "invalid_request",
                                     fmt::format("accountId \"{}\" is not a positive integer", value), name));
      }
      filter.account = AccountId{*id};
    } else if (name == "status") {
      filter.status = parseStatus(value);
      if (!filter.status) {
        return respond(errorResponse(
            400, "invalid_request",
            fmt::format("unknown status \"{}\"; expected new, partially_filled, filled, canceled, ...", value), name));
      }
    } else if (name == "symbol") {
      const auto instrument = directory_.instrumentBySymbol(value);
      if (!instrument) {
        return respond(errorResponse(400, "invalid_request", fmt::format("unknown symbol \"{}\"", value), name));
      }
      filter.instrument = instrument->id();
    } else if (name == "limit") {
      const auto limit = parseUnsigned(value);
      if (!limit || *limit == 0 || *limit > kMaxListLimit) {
        return respond(errorResponse(400, "invalid_request",
                                     fmt::format("limit must be an integer from 1 to {}", kMaxListLimit), name));
      }
      filter.limit = static_cast<std::size_t>(*limit);
    } else {
      return respond(errorResponse(
          400, "invalid_request",
          fmt::format("unknown query parameter \"{}\"; expected accountId, status, symbol, limit", name), name));
    }
  }
  const std::vector<OrderEntry> orders = readModel_.orders(filter);
  std::string body = R"({"orders":[)";
  for (std::size_t i = 0; i < orders.size(); ++i) {
    if (i > 0) body.push_back(',');
    body += orders[i].json;
  }
  body += "]}";
  respond(jsonResponse(200, std::move(body)));
}

void RestApi::replaceOrder(OrderId id, const Request& request, Respond& respond) {
  if (!ready()) return health(respond);
  const auto entry = readModel_.order(id);
  if (!entry) {
    return respond(errorResponse(404, "unknown_order", fmt::format("no order {}", id.value()), "orderId"));
  }
  auto body = parseBodyObject(request.body);
  if (!body.ok()) return respond(badRequest(body.error()));
  const auto instrument = directory_.instrument(entry->instrument);
  if (!instrument) return respond(errorResponse(500, "internal_error", "the order's instrument is unknown"));
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = "replace_order";
  command["requestId"] = requestId;
  command["account"] = entry->account.value();
  command["orderId"] = id.value();
  command["symbol"] = instrument->symbol();
  for (const auto& [key, value] : body.value().items()) {
    if (key != "quantity" && key != "price" && key != "stopPrice" && key != "clientOrderId") {
      return respond(errorResponse(
          400, "invalid_request",
          fmt::format("unknown field \"{}\" for PATCH; expected quantity, price, stopPrice, clientOrderId", key), key));
    }
    command[key] = value;
  }
  submitAndWait(Kind::Replace, requestId, dump(command), respond);
}

void RestApi::cancelOrder(OrderId id, Respond& respond) {
  if (!ready()) return health(respond);
  const auto entry = readModel_.order(id);
  if (!entry) {
    return respond(errorResponse(404, "unknown_order", fmt::format("no order {}", id.value()), "orderId"));
  }
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = "cancel_order";
  command["requestId"] = requestId;
  command["account"] = entry->account.value();
  command["orderId"] = id.value();
  submitAndWait(Kind::Cancel, requestId, dump(command), respond);
}

void RestApi::quote(std::string_view symbol, Respond& respond) {
  const auto instrument = directory_.instrumentBySymbol(symbol);
  if (!instrument) {
    return respond(errorResponse(404, "unknown_symbol", fmt::format("unknown symbol \"{}\"", symbol), "symbol"));
  }
  const auto q = readModel_.quote(instrument->id());
  if (!q) return respond(errorResponse(404, "no_quote", fmt::format("no quote for {} yet", symbol), "symbol"));
  respond(jsonResponse(200, q->json));
}

void RestApi::book(std::string_view symbol, const Request& request, Respond& respond) {
  const auto instrument = directory_.instrumentBySymbol(symbol);
  if (!instrument) {
    return respond(errorResponse(404, "unknown_symbol", fmt::format("unknown symbol \"{}\"", symbol), "symbol"));
  }
  auto query = parseQuery(request.query);
  if (!query.ok()) return respond(badRequest(query.error()));
  std::uint64_t depth = 10;
  for (const auto& [name, value] : query.value()) {
    if (name != "depth") {
      return respond(errorResponse(400, "invalid_request",
                                   fmt::format("unknown query parameter \"{}\"; expected depth", name), name));
    }
    const auto d = parseUnsigned(value);
    if (!d || *d == 0 || *d > 1000) {
      return respond(errorResponse(400, "invalid_request", "depth must be an integer from 1 to 1000", name));
    }
    depth = *d;
  }
  const auto q = readModel_.quote(instrument->id());
  if (!q) return respond(errorResponse(404, "no_quote", fmt::format("no quote for {} yet", symbol), "symbol"));
  const auto level = [&](Price price, Quantity quantity) {
    json levels = json::array();
    if (price.isDefined()) {
      json l;
      l["price"] = instrument->formatPrice(price);
      l["quantity"] = instrument->formatQuantity(quantity);
      levels.push_back(std::move(l));
    }
    return levels;
  };
  json body;
  body["instrument"] = instrument->id().value();
  body["symbol"] = instrument->symbol();
  body["time"] = q->time;
  body["depth"] = depth;
  body["levelsAvailable"] = 1;  // top of book only in this version (docs/api.md)
  body["bids"] = level(q->quote.bidPrice, q->quote.bidQuantity);
  body["asks"] = level(q->quote.askPrice, q->quote.askQuantity);
  if (q->quote.lastPrice.isDefined()) body["last"] = instrument->formatPrice(q->quote.lastPrice);
  respond(jsonResponse(200, dump(body)));
}

void RestApi::submitAndWait(Kind kind, std::uint64_t requestId, const std::string& commandJson, Respond& respond) {
  auto command = parseCommand(commandJson, directory_, options_.source);
  if (!command.ok()) return respond(badRequest(command.error()));
  // Registered before the push: the answer may arrive before submit_ returns.
  pending_.add(requestId, PendingRequests<Waiter>::Clock::now() + options_.answerTimeout, Waiter{kind, respond});
  bool accepted = false;
  {
    std::lock_guard lock(submitMutex_);
    accepted = submit_(command.value());
  }
  if (!accepted) {
    if (auto waiter = pending_.take(requestId)) {
      waiter->respond(errorResponse(503, "unavailable", "the engine is not taking commands (stopping or failed)"));
    }
  }
}

Response RestApi::answer(Kind kind, const engine::EngineEvent& event, const std::string& eventJson) {
  if (event.kind == engine::EventKind::ExecutionReport) {
    const engine::ExecutionReport& r = event.body.execution;
    if (r.execType == oms::ExecType::Rejected) return refusal(422, eventJson);
    if (kind == Kind::NewOrder && r.execType != oms::ExecType::OrderStatus) return jsonResponse(201, eventJson);
    return jsonResponse(200, eventJson);
  }
  if (event.kind == engine::EventKind::CancelReject) {
    const engine::CancelRejectReport& c = event.body.cancelReject;
    const bool unknown = c.rejectSource == oms::RejectSource::Engine &&
                         c.rejectCode == static_cast<std::uint8_t>(engine::RejectCode::UnknownOrder);
    return refusal(unknown ? 404 : 409, eventJson);
  }
  return errorResponse(500, "unexpected_answer",
                       fmt::format("the engine answered with a {} event", engine::toString(event.kind)));
}

void RestApi::onEvent(const engine::EngineEvent& event) {
  const bool answers = event.source == options_.source && event.requestId != 0;
  std::string eventJson;
  if (answers || readModel_.wants(event)) eventJson = formatEvent(event, directory_);
  readModel_.apply(event, eventJson);  // first: a client answered below may GET the order at once
  if (!answers) return;
  if (auto waiter = pending_.take(event.requestId)) waiter->respond(answer(waiter->kind, event, eventJson));
}

void RestApi::expire() {
  for (Waiter& w : pending_.expire(PendingRequests<Waiter>::Clock::now())) {
    w.respond(errorResponse(504, "engine_timeout",
                            fmt::format("no answer from the engine within {} ms; the request may still have been "
                                        "applied (GET the order to find out)",
                                        options_.answerTimeout.count())));
  }
}

void RestApi::drain() {
  for (Waiter& w : pending_.expire(PendingRequests<Waiter>::Clock::time_point::max())) {
    w.respond(errorResponse(503, "unavailable", "the server is shutting down"));
  }
}

}  // namespace alphintra::api::http
