// RestApi (see rest_api.hpp): routing, REST body → protocol JSON, and answers from events.
//
// REST bodies use the protocol's member names (docs/engine-protocol.md) except the account,
// which REST calls `accountId`; the translation renames it and adds "type" and "requestId".
// Members are passed on as they are, so parseCommand's strictness (unknown member, wrong type,
// off-tick price, ...) is the REST API's too; its field "account" is reported as "accountId".
#include "api/http/rest_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/account_views.hpp"
#include "api/http/openapi.hpp"
#include "api/http/request_parsing.hpp"
#include "api/json_commands.hpp"
#include "api/json_events.hpp"
#include "core/decimal.hpp"

namespace alphintra::api::http {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view kOrdersPath = "/api/v1/orders";
constexpr std::string_view kQuotePrefix = "/api/v1/market-data/quote/";
constexpr std::string_view kBookPrefix = "/api/v1/market-data/book/";
constexpr std::string_view kAdminPrefix = "/api/v1/admin/";
constexpr std::string_view kLimitsPrefix = "/api/v1/admin/risk-limits/";
constexpr std::string_view kInstrumentAdminPrefix = "/api/v1/admin/instruments/";
constexpr std::string_view kPortfolioPrefix = "/api/v1/portfolio/";
constexpr std::string_view kKillSwitchPath = "/api/v1/risk/kill-switch";
constexpr std::string_view kKillSwitchResetPath = "/api/v1/risk/kill-switch/reset";
constexpr std::size_t kMaxListLimit = 10'000;
constexpr std::size_t kMaxBookDepth = 1000;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Response jsonResponse(unsigned status, std::string body) { return Response{status, std::move(body)}; }

Response methodNotAllowed(std::string_view path, std::string_view allowed) {
  return errorResponse(405, "method_not_allowed", fmt::format("{} allows {}", path, allowed));
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
  j["multiplier"] = i.multiplier().toString();
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

// The request member a refusal is about, so that a form can show it at that field: price rules
// (collars, ticks) → price; quantity, lot, notional, exposure and funds rules → quantity.
std::string refusedField(const json& reason) {
  const std::string code = reason.value("code", "");
  const std::string unit = reason.value("unit", "");
  if (unit == "price" || code.find("price") != std::string::npos || code.find("collar") != std::string::npos) {
    return "price";
  }
  if (unit == "quantity" || unit == "money" || code.find("quantity") != std::string::npos ||
      code.find("lot") != std::string::npos || code == "buying_power" || code == "margin" || code == "naked_short") {
    return "quantity";
  }
  return "";
}

Response refusal(unsigned status, const std::string& eventJson) {
  const json report = json::parse(eventJson, nullptr, false);
  const json reason = reasonOf(report);
  json body;
  body["code"] = reason.value("code", "rejected");
  body["message"] = reason.value("message", "the engine refused the request");
  body["field"] = refusedField(reason);
  body["source"] = reason.value("source", "engine");
  body["report"] = report;
  return jsonResponse(status, dump(body));
}

}  // namespace

RestApi::RestApi(Directory& directory, ReadModel& readModel, Submit submit, RestOptions options)
    : directory_(directory),
      readModel_(readModel),
      submit_(std::move(submit)),
      options_(options),
      limiter_(options.rateLimit) {}

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
  if (path == kOpenApiPath) return respond(openApiResponse(m));
  if (auth_ && auth_->handlePublic(request, respond)) return;
  const auto principal = authorize(request, respond);
  if (!principal) return;
  route(request, *principal, respond);
}

std::optional<auth::Principal> RestApi::authorize(const Request& request, Respond& respond) {
  std::optional<auth::Principal> principal =
      auth_ ? auth_->authorize(request, respond) : auth::Principal{"local", {auth::Role::Admin}, {}};
  if (!principal || !limiter_.enabled()) return principal;
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  const auto decision = limiter_.take(principal->username, std::chrono::nanoseconds(now).count());
  if (decision.allowed) return principal;
  Response refused = errorResponse(
      429, "rate_limited",
      fmt::format("user {} sent more than {} requests a second (burst {}); retry in {:.3f} s", principal->username,
                  limiter_.limit().perSecond, limiter_.limit().burst, decision.retryAfterSeconds));
  refused.headers.emplace_back("Retry-After",
                               std::to_string(std::max(1, static_cast<int>(std::ceil(decision.retryAfterSeconds)))));
  respond(std::move(refused));
  return std::nullopt;
}

void RestApi::route(const Request& request, const auth::Principal& principal, Respond& respond) {
  const std::string_view path = request.path;
  const Method m = request.method;
  if (path == "/api/v1/auth/me") {
    if (m != Method::Get) return respond(methodNotAllowed(path, "GET"));
    if (auth_) return auth_->me(principal, respond);
    return respond(errorResponse(404, "not_found", "authentication is off"));
  }
  if (path.starts_with(kAdminPrefix)) {
    if (!principal.isAdmin() && !(path.starts_with(kLimitsPrefix) && principal.canControlRisk())) {
      return respond(forbidden("the admin routes need the admin role"));
    }
    if (path.starts_with(kLimitsPrefix))
      return riskLimits(request, path.substr(kLimitsPrefix.size()), principal, respond);
    if (path == kInstrumentAdminPrefix.substr(0, kInstrumentAdminPrefix.size() - 1)) {
      if (m != Method::Post) return respond(methodNotAllowed(path, "POST"));
      return defineInstrument(request, respond);
    }
    if (path.starts_with(kInstrumentAdminPrefix)) {
      return instrumentStatus(request, path.substr(kInstrumentAdminPrefix.size()), respond);
    }
    if (auth_ && auth_->handleAdmin(request, respond)) return;
    return respond(errorResponse(404, "not_found", fmt::format("no route for {} (docs/api.md lists them)", path)));
  }
  if (path == "/api/v1/instruments") {
    if (m != Method::Get) return respond(methodNotAllowed(path, "GET"));
    return listInstruments(respond);
  }
  if (path == kOrdersPath) {
    if (m == Method::Get) return listOrders(request, principal, respond);
    if (m == Method::Post) return newOrder(request, principal, respond);
    if (m == Method::Delete) return cancelAll(request, principal, respond);
    return respond(methodNotAllowed(path, "GET, POST, DELETE"));
  }
  if (path.starts_with(kOrdersPath) && path.size() > kOrdersPath.size() && path[kOrdersPath.size()] == '/') {
    const std::string_view idText = path.substr(kOrdersPath.size() + 1);
    const auto id = parseUnsigned(idText);
    if (!id || *id == 0) {
      return respond(errorResponse(404, "not_found", fmt::format("\"{}\" is not an order id", idText), "orderId"));
    }
    if (m == Method::Get) return getOrder(OrderId{*id}, principal, respond);
    if (m == Method::Patch) return replaceOrder(OrderId{*id}, request, principal, respond);
    if (m == Method::Delete) return cancelOrder(OrderId{*id}, principal, respond);
    return respond(methodNotAllowed(path, "GET, PATCH, DELETE"));
  }
  if (path == "/api/v1/fills") {
    if (m != Method::Get) return respond(methodNotAllowed(path, "GET"));
    return listFills(request, principal, respond);
  }
  if (path.starts_with(kPortfolioPrefix)) {
    if (m != Method::Get) return respond(methodNotAllowed(path, "GET"));
    return accountView(path.substr(kPortfolioPrefix.size()), principal, respond);
  }
  if (path == kKillSwitchPath || path == kKillSwitchResetPath) {
    if (m != Method::Post) return respond(methodNotAllowed(path, "POST"));
    return killSwitch(request, path == kKillSwitchPath, principal, respond);
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
  for (const Instrument& i : readModel_.instruments()) {
    json entry = instrumentJson(i);
    if (const auto settled = readModel_.settlementPrice(i.id())) entry["settlementPrice"] = i.formatPrice(*settled);
    if (const auto expiry = readModel_.scheduledSettlement(i.id())) {
      json scheduled;
      scheduled["at"] = expiry->at.nanos();
      if (expiry->price.isDefined()) scheduled["price"] = i.formatPrice(expiry->price);
      entry["scheduledSettlement"] = std::move(scheduled);
    }
    list.push_back(std::move(entry));
  }
  json body;
  body["instruments"] = std::move(list);
  respond(jsonResponse(200, dump(body)));
}

// The body is read once (FlatJson: the command edge's own reader) and becomes the command in
// place: accountId is renamed, type and requestId are added.
void RestApi::newOrder(const Request& request, const auth::Principal& principal, Respond& respond) {
  if (!ready()) return health(respond);
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return respond(badRequest(makeError("", "the request body is empty; a JSON object is expected")));
  }
  auto body = FlatJson::parse(request.body);
  if (!body.ok()) {
    if (body.error().message.starts_with("malformed JSON")) return respond(badRequest(body.error()));
    return respond(badRequest(makeError("", "the request body must be a JSON object")));
  }
  FlatJson& command = body.value();
  if (const auto twice = command.duplicate()) {
    return respond(badRequest(makeError(std::string(*twice), fmt::format("member {} is given twice", *twice))));
  }
  for (const FlatJson::Member& m : command.members()) {
    if (m.key == "type" || m.key == "requestId" || m.key == "account") {
      return respond(errorResponse(
          400, "invalid_request",
          fmt::format("unknown field \"{}\" for POST {} (docs/api.md lists its fields; the account is accountId)",
                      m.key, kOrdersPath),
          m.key));
    }
  }
  if (const FlatJson::Member* account = command.find("accountId")) {
    if (account->kind == FlatJson::Kind::Unsigned && !principal.canTrade(AccountId{account->bits})) {
      return respond(
          forbidden(fmt::format("{} may not trade account {}", principal.username, account->bits), "accountId"));
    }
    command.rename("accountId", "account");
  }
  const std::uint64_t requestId = pending_.nextId();
  command.addString("type", "new_order");
  command.addUnsigned("requestId", requestId);
  submitAndWait(Kind::NewOrder, requestId, parseCommandMembers(command, directory_, options_.source), respond);
}

void RestApi::getOrder(OrderId id, const auth::Principal& principal, Respond& respond) {
  const auto entry = readModel_.order(id);
  if (entry && !principal.canRead(entry->account)) {
    return respond(forbidden(
        fmt::format("order {} belongs to an account {} may not read", id.value(), principal.username), "orderId"));
  }
  if (!entry) {
    return respond(errorResponse(404, "unknown_order",
                                 fmt::format("no order {} (orders of simulator accounts are not kept)", id.value()),
                                 "orderId"));
  }
  respond(jsonResponse(200, entry->json));
}

void RestApi::listOrders(const Request& request, const auth::Principal& principal, Respond& respond) {
  auto query = parseQuery(request.query);
  if (!query.ok()) return respond(badRequest(query.error()));
  OrderFilter filter;
  if (!principal.isAdmin()) filter.accounts = principal.accounts;
  for (const auto& [name, value] : query.value()) {
    if (name == "accountId") {
      const auto id = parseUnsigned(value);
      if (!id || *id == 0) {
        return respond(errorResponse(400, "invalid_request",
                                     fmt::format("accountId \"{}\" is not a positive integer", value), name));
      }
      filter.account = AccountId{*id};
      if (!principal.canRead(*filter.account)) {
        return respond(forbidden(fmt::format("{} may not read account {}", principal.username, *id), name));
      }
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
    } else if (name == "afterOrderId") {
      const auto after = parseUnsigned(value);
      if (!after) {
        return respond(errorResponse(400, "invalid_request",
                                     fmt::format("afterOrderId \"{}\" is not a non-negative integer", value), name));
      }
      filter.afterOrderId = *after;
    } else if (name == "beforeOrderId") {
      const auto before = parseUnsigned(value);
      if (!before || *before == 0) {
        return respond(errorResponse(400, "invalid_request",
                                     fmt::format("beforeOrderId \"{}\" is not a positive integer", value), name));
      }
      filter.beforeOrderId = *before;
    } else if (name == "order") {
      if (value != "asc" && value != "desc") {
        return respond(
            errorResponse(400, "invalid_request", fmt::format("order \"{}\": expected asc or desc", value), name));
      }
      filter.newestFirst = value == "desc";
    } else if (name == "limit") {
      const auto limit = parseUnsigned(value);
      if (!limit || *limit == 0 || *limit > kMaxListLimit) {
        return respond(errorResponse(400, "invalid_request",
                                     fmt::format("limit must be an integer from 1 to {}", kMaxListLimit), name));
      }
      filter.limit = static_cast<std::size_t>(*limit);
    } else {
      return respond(
          errorResponse(400, "invalid_request",
                        fmt::format("unknown query parameter \"{}\"; expected accountId, status, symbol, afterOrderId, "
                                    "beforeOrderId, order, limit",
                                    name),
                        name));
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

void RestApi::replaceOrder(OrderId id, const Request& request, const auth::Principal& principal, Respond& respond) {
  if (!ready()) return health(respond);
  const auto entry = readModel_.order(id);
  if (!entry) {
    return respond(errorResponse(404, "unknown_order", fmt::format("no order {}", id.value()), "orderId"));
  }
  if (!principal.canTrade(entry->account)) {
    return respond(
        forbidden(fmt::format("{} may not trade the account of order {}", principal.username, id.value()), "orderId"));
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
  submitAndWait(Kind::Replace, requestId, nlohmann::json(command), respond);
}

void RestApi::cancelOrder(OrderId id, const auth::Principal& principal, Respond& respond) {
  if (!ready()) return health(respond);
  const auto entry = readModel_.order(id);
  if (!entry) {
    return respond(errorResponse(404, "unknown_order", fmt::format("no order {}", id.value()), "orderId"));
  }
  if (!principal.canTrade(entry->account)) {
    return respond(
        forbidden(fmt::format("{} may not trade the account of order {}", principal.username, id.value()), "orderId"));
  }
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = "cancel_order";
  command["requestId"] = requestId;
  command["account"] = entry->account.value();
  command["orderId"] = id.value();
  submitAndWait(Kind::Cancel, requestId, nlohmann::json(command), respond);
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
    if (!d || *d == 0 || *d > kMaxBookDepth) {
      return respond(errorResponse(400, "invalid_request", "depth must be an integer from 1 to 1000", name));
    }
    depth = *d;
  }
  if (inspect_) {
    // Depth from the venue's book itself, on the engine thread.
    const Instrument i = *instrument;
    return inspectAnswer(
        [i, depth](const engine::Engine& e) -> std::optional<std::string> {
          std::vector<book::LevelView> levels;
          json body;
          body["instrument"] = i.id().value();
          body["symbol"] = i.symbol();
          body["sequence"] = e.lastSequence();
          body["time"] = e.lastTime().nanos();
          body["depth"] = depth;
          for (const Side side : {Side::Buy, Side::Sell}) {
            e.venue().depth(i.id(), side, static_cast<std::size_t>(depth), levels);
            json list = json::array();
            for (const book::LevelView& l : levels) {
              json level;
              level["price"] = i.formatPrice(l.price);
              level["quantity"] = i.formatQuantity(l.quantity);
              level["orders"] = l.orders;
              list.push_back(std::move(level));
            }
            body[side == Side::Buy ? "bids" : "asks"] = std::move(list);
          }
          if (const Price last = e.venue().topOfBook(i.id()).lastTradePrice; last.isDefined()) {
            body["last"] = i.formatPrice(last);
          }
          return dump(body);
        },
        "", respond);
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
  body["levelsAvailable"] = 1;  // without an engine to inspect: the last quote only
  body["bids"] = level(q->quote.bidPrice, q->quote.bidQuantity);
  body["asks"] = level(q->quote.askPrice, q->quote.askQuantity);
  if (q->quote.lastPrice.isDefined()) body["last"] = instrument->formatPrice(q->quote.lastPrice);
  respond(jsonResponse(200, dump(body)));
}

void RestApi::inspectAnswer(std::function<std::optional<std::string>(const engine::Engine&)> view, std::string notFound,
                            Respond& respond) {
  if (!inspect_) return respond(errorResponse(503, "unavailable", "the engine cannot be queried"));
  auto shared = std::make_shared<Respond>(respond);
  const bool queued =
      inspect_([view = std::move(view), notFound = std::move(notFound), shared](const engine::Engine& e) {
        auto body = view(e);
        if (!body) return (*shared)(errorResponse(404, "not_found", notFound, "accountId"));
        (*shared)(jsonResponse(200, std::move(*body)));
      });
  if (!queued) respond(errorResponse(503, "unavailable", "the engine is busy or stopping; try again"));
}

void RestApi::cancelAll(const Request& request, const auth::Principal& principal, Respond& respond) {
  if (!ready()) return health(respond);
  auto query = parseQuery(request.query);
  if (!query.ok()) return respond(badRequest(query.error()));
  std::optional<std::uint64_t> account;
  std::string symbol;
  for (const auto& [name, value] : query.value()) {
    if (name == "accountId") {
      account = parseUnsigned(value);
      if (!account || *account == 0) {
        return respond(errorResponse(400, "invalid_request", "accountId must be a positive integer", name));
      }
    } else if (name == "symbol") {
      symbol = value;
    } else {
      return respond(errorResponse(400, "invalid_request",
                                   fmt::format("unknown query parameter \"{}\"; expected accountId, symbol", name),
                                   name));
    }
  }
  if (!account) return respond(errorResponse(400, "invalid_request", "accountId is required", "accountId"));
  if (!principal.canTrade(AccountId{*account})) {
    return respond(forbidden(fmt::format("{} may not trade account {}", principal.username, *account), "accountId"));
  }
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = "mass_cancel";
  command["requestId"] = requestId;
  command["account"] = *account;
  if (!symbol.empty()) command["symbol"] = symbol;
  submitAndWait(Kind::Command, requestId, nlohmann::json(command), respond);
}

void RestApi::listFills(const Request& request, const auth::Principal& principal, Respond& respond) {
  auto query = parseQuery(request.query);
  if (!query.ok()) return respond(badRequest(query.error()));
  OrderFilter filter;
  if (!principal.isAdmin()) filter.accounts = principal.accounts;
  for (const auto& [name, value] : query.value()) {
    if (name == "accountId") {
      const auto id = parseUnsigned(value);
      if (!id || *id == 0)
        return respond(errorResponse(400, "invalid_request", "accountId must be a positive integer", name));
      if (!principal.canRead(AccountId{*id})) {
        return respond(forbidden(fmt::format("{} may not read account {}", principal.username, *id), name));
      }
      filter.account = AccountId{*id};
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
      return respond(
          errorResponse(400, "invalid_request",
                        fmt::format("unknown query parameter \"{}\"; expected accountId, symbol, limit", name), name));
    }
  }
  std::string body = R"({"fills":[)";
  bool first = true;
  for (const FillEntry& f : readModel_.fills(filter)) {
    if (!first) body.push_back(',');
    first = false;
    body += f.json;
  }
  body += "]}";
  respond(jsonResponse(200, std::move(body)));
}

void RestApi::accountView(std::string_view rest, const auth::Principal& principal, Respond& respond) {
  const std::size_t slash = rest.find('/');
  const std::string_view idText = rest.substr(0, slash);
  const std::string_view sub = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  const auto id = parseUnsigned(idText);
  if (!id || *id == 0) {
    return respond(errorResponse(404, "not_found", fmt::format("\"{}\" is not an account id", idText), "accountId"));
  }
  const AccountId account{*id};
  if (!principal.canRead(account)) {
    return respond(forbidden(fmt::format("{} may not read account {}", principal.username, *id), "accountId"));
  }
  const std::string notFound = fmt::format("no account {}", *id);
  if (sub.empty())
    return inspectAnswer([account](const engine::Engine& e) { return portfolioJson(e, account); }, notFound, respond);
  if (sub == "risk")
    return inspectAnswer(
        [this, account](const engine::Engine& e) { return riskJson(e, account, var_ ? &var_ : nullptr); }, notFound,
        respond);
  respond(errorResponse(404, "not_found", "expected /api/v1/portfolio/{accountId} or .../risk"));
}

void RestApi::killSwitch(const Request& request, bool activate, const auth::Principal& principal, Respond& respond) {
  if (!ready()) return health(respond);
  if (!principal.canControlRisk()) return respond(forbidden("the kill switch needs the risk_officer or admin role"));
  auto body = parseBodyObject(request.body);
  if (!body.ok()) return respond(badRequest(body.error()));
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = "kill_switch";
  command["requestId"] = requestId;
  for (const auto& [key, value] : body.value().items()) {
    if (key != "scope" && key != "accountId" && key != "symbol") {
      return respond(errorResponse(400, "invalid_request",
                                   fmt::format("unknown field \"{}\"; expected scope, accountId, symbol", key), key));
    }
    command[key == "accountId" ? std::string("account") : key] = value;
  }
  if (const auto it = body.value().find("accountId"); it != body.value().end() && it->is_number_unsigned()) {
    if (!principal.granted(AccountId{it->get<std::uint64_t>()})) {
      return respond(
          forbidden(fmt::format("{} is not granted account {}", principal.username, it->dump()), "accountId"));
    }
  }
  if (body.value().value("scope", "") != "account" && !principal.isAdmin() && !principal.has(auth::Role::RiskOfficer)) {
    return respond(forbidden("only admins and risk officers switch a global or instrument kill switch"));
  }
  command["activate"] = activate;
  submitAndWait(Kind::Command, requestId, nlohmann::json(command), respond);
}

void RestApi::riskLimits(const Request& request, std::string_view idText, const auth::Principal& principal,
                         Respond& respond) {
  const auto id = parseUnsigned(idText);
  if (!id || *id == 0) {
    return respond(errorResponse(404, "not_found", fmt::format("\"{}\" is not an account id", idText), "accountId"));
  }
  const AccountId account{*id};
  if (!principal.granted(account)) {
    return respond(forbidden(fmt::format("{} is not granted account {}", principal.username, *id), "accountId"));
  }
  if (request.method == Method::Get) {
    return inspectAnswer([account](const engine::Engine& e) { return limitsJson(e, account); },
                         fmt::format("no account {}", *id), respond);
  }
  if (request.method != Method::Put) return respond(methodNotAllowed(request.path, "GET, PUT"));
  if (!ready()) return health(respond);
  auto body = parseBodyObject(request.body);
  if (!body.ok()) return respond(badRequest(body.error()));
  const auto limits = body.value().find("limits");
  if (body.value().size() != 1 || limits == body.value().end() || !limits->is_object()) {
    return respond(errorResponse(400, "invalid_request", "the body is {\"limits\":{...}}", "limits"));
  }
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = "set_account_limits";
  command["requestId"] = requestId;
  command["account"] = *id;
  for (const auto& [key, value] : limits->items()) {
    if (key == "type" || key == "requestId" || key == "account" || key == "currency") {
      return respond(errorResponse(400, "invalid_request", fmt::format("unknown limit \"{}\"", key), key));
    }
    command[key] = value;
  }
  submitAndWait(Kind::Command, requestId, nlohmann::json(command), respond);
}

void RestApi::defineInstrument(const Request& request, Respond& respond) {
  if (!ready()) return health(respond);
  auto body = parseBodyObject(request.body);
  if (!body.ok()) return respond(badRequest(body.error()));
  static constexpr std::string_view kMembers[] = {
      "id",       "symbol",  "venue",       "assetClass",  "currency",   "pricePrecision", "quantityPrecision",
      "tickSize", "lotSize", "minQuantity", "maxQuantity", "multiplier", "status",         "referencePrice"};
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = "define_instrument";
  command["requestId"] = requestId;
  std::optional<std::string> referenceText;
  for (const auto& [key, value] : body.value().items()) {
    if (std::find(std::begin(kMembers), std::end(kMembers), key) == std::end(kMembers)) {
      return respond(errorResponse(
          400, "invalid_request",
          fmt::format("unknown field \"{}\"; expected id, symbol, venue, assetClass, currency, pricePrecision, "
                      "quantityPrecision, tickSize, lotSize, minQuantity, maxQuantity, multiplier, status, "
                      "referencePrice",
                      key),
          key));
    }
    if (key == "referencePrice") {
      if (!value.is_string()) {
        return respond(errorResponse(400, "invalid_request",
                                     "must be a decimal number written as a string, e.g. \"101.25\"", key));
      }
      referenceText = value.get<std::string>();
      continue;
    }
    command[key == "id" ? std::string("instrument") : key] = value;
  }
  if (!command.contains("instrument")) {
    // The next id after the highest one defined (two definitions at once: the second is
    // refused already_exists and may be sent again).
    std::uint64_t highest = 0;
    for (const Instrument& i : readModel_.instruments()) highest = std::max(highest, i.id().value());
    command["instrument"] = highest + 1;
  }
  auto parsed = parseCommandObject(command, directory_, options_.source);
  if (!parsed.ok()) {
    Error e = parsed.error();
    if (e.field == "instrument") e.field = "id";
    return respond(badRequest(e));
  }
  if (!referenceText) return submitAndWait(Kind::Command, requestId, parsed, respond);
  // A reference price: on the new instrument's tick, positive; given to the engine and the
  // simulator once the definition is accepted (setInstrumentListed).
  auto instrument = engine::fromDefineBody(parsed.value().body.defineInstrument);
  if (!instrument.ok()) return respond(badRequest(instrument.error()));
  auto price = instrument->parsePrice(*referenceText, "referencePrice");
  if (!price.ok()) return respond(badRequest(price.error()));
  if (!price->isPositive()) {
    return respond(errorResponse(400, "invalid_request", "the reference price must be positive", "referencePrice"));
  }
  Respond listed = [this, in = std::move(instrument).value(), p = *price, respond](Response r) {
    if (r.status == 200 && listed_) listed_(in, p, false);
    respond(std::move(r));
  };
  submitAndWait(Kind::Command, requestId, parsed, listed);
}

void RestApi::instrumentStatus(const Request& request, std::string_view rest, Respond& respond) {
  // {symbol}/status or {symbol}/reference-price (the symbol may hold '/', escaped or not)
  const std::size_t slash = rest.rfind('/');
  const std::string_view what = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (what != "/status" && what != "/reference-price" && what != "/settlement") {
    return respond(errorResponse(404, "not_found",
                                 "expected /api/v1/admin/instruments/{symbol}/status, "
                                 "/api/v1/admin/instruments/{symbol}/reference-price or "
                                 "/api/v1/admin/instruments/{symbol}/settlement"));
  }
  const auto symbol = percentDecode(rest.substr(0, slash), false);  // BTC%2FUSD
  if (!symbol) return respond(errorResponse(400, "invalid_request", "malformed %-escape in the symbol", "symbol"));
  const Instrument* found = directory_.instrumentBySymbol(*symbol);
  if (found == nullptr) {
    return respond(errorResponse(404, "not_found", fmt::format("no instrument \"{}\"", *symbol), "symbol"));
  }
  const Method wanted = what == "/settlement" ? Method::Post : Method::Put;
  if (request.method != wanted) return respond(methodNotAllowed(request.path, wanted == Method::Post ? "POST" : "PUT"));
  if (!ready()) return health(respond);
  auto body = parseBodyObject(request.body);
  if (!body.ok()) return respond(badRequest(body.error()));
  if (what == "/reference-price") return referencePrice(*found, body.value(), respond);
  if (what == "/settlement") return settlement(*found, body.value(), respond);
  const auto status = body.value().find("status");
  if (body.value().size() != 1 || status == body.value().end()) {
    return respond(errorResponse(400, "invalid_request",
                                 "the body is {\"status\":...}: closed, pre_open, opening_auction, continuous, "
                                 "closing_auction or halted",
                                 "status"));
  }
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = "instrument_status";
  command["requestId"] = requestId;
  command["symbol"] = *symbol;
  command["status"] = *status;
  submitAndWait(Kind::Command, requestId, nlohmann::json(command), respond);
}

// POST .../{symbol}/settlement: a future's final settlement at {"price": "..."} (the engine's
// settle_instrument: live orders expire, positions close at the price, the instrument closes
// for good). The price may be zero or negative, as a contract's can. Whether the instrument is a
// future, and not settled yet, is the engine's answer (422 not_a_future, instrument_settled).
void RestApi::settlement(const Instrument& instrument, const nlohmann::json& body, Respond& respond) {
  // {"price"} settles now; {"at"} or {"at","price"} schedules the expiry (engine time, ns).
  for (const auto& [name, value] : body.items()) {
    if (name != "price" && name != "at") {
      return respond(
          errorResponse(400, "invalid_request",
                        fmt::format("unknown member \"{}\": the body is {{\"price\":\"...\"}} to settle now, "
                                    "{{\"at\":NANOSECONDS}} or both to settle at an expiry",
                                    name),
                        name));
    }
  }
  const auto price = body.find("price");
  const auto at = body.find("at");
  if (price == body.end() && at == body.end()) {
    return respond(
        errorResponse(400, "invalid_request",
                      "the body is {\"price\":\"...\"} to settle now, {\"at\":NANOSECONDS} or both to settle "
                      "at an expiry",
                      "price"));
  }
  if (price != body.end() && !price->is_string()) {
    return respond(errorResponse(400, "invalid_request", "price is the settlement price as a decimal string", "price"));
  }
  if (at != body.end() && (!at->is_number_integer() || at->get<std::int64_t>() <= 0 ||
                           at->get<std::int64_t>() == std::numeric_limits<std::int64_t>::max())) {
    return respond(errorResponse(400, "invalid_request",
                                 "at is the expiry as a positive integer of nanoseconds since the epoch (UTC)", "at"));
  }
  std::string text;
  if (price != body.end()) {
    text = price->get<std::string>();
    auto raw = parseDecimal(text, instrument.pricePrecision(), "price");
    if (!raw.ok()) return respond(badRequest(raw.error()));
    if (*raw == std::numeric_limits<std::int64_t>::min()) {  // the undefined price's bit pattern
      return respond(errorResponse(400, "invalid_request", "the settlement price is out of range", "price"));
    }
  }
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = at == body.end() ? "settle_instrument" : "schedule_settlement";
  command["requestId"] = requestId;
  command["symbol"] = instrument.symbol();
  if (!text.empty()) command["price"] = text;
  if (at != body.end()) command["at"] = at->get<std::int64_t>();
  submitAndWait(Kind::Command, requestId, nlohmann::json(command), respond);
}

// PUT .../{symbol}/reference-price: the engine's market_data with `last` (the reference price of
// collars and marks); once accepted, serve's hook lets the simulator quote an instrument it
// did not quote yet around it.
void RestApi::referencePrice(const Instrument& instrument, const nlohmann::json& body, Respond& respond) {
  const auto member = body.find("referencePrice");
  if (body.size() != 1 || member == body.end() || !member->is_string()) {
    return respond(errorResponse(400, "invalid_request",
                                 "the body is {\"referencePrice\":\"...\"}, a decimal number written as a string",
                                 "referencePrice"));
  }
  const std::string text = member->get<std::string>();
  auto price = instrument.parsePrice(text, "referencePrice");
  if (!price.ok()) return respond(badRequest(price.error()));
  if (!price->isPositive()) {
    return respond(errorResponse(400, "invalid_request", "the reference price must be positive", "referencePrice"));
  }
  const std::uint64_t requestId = pending_.nextId();
  json command;
  command["type"] = "market_data";
  command["requestId"] = requestId;
  command["symbol"] = instrument.symbol();
  command["last"] = text;
  Respond quoted = [this, in = instrument, p = *price, respond](Response r) {
    if (r.status == 200 && listed_) listed_(in, p, true);
    respond(std::move(r));
  };
  submitAndWait(Kind::Command, requestId, nlohmann::json(command), quoted);
}

void RestApi::submitAndWait(Kind kind, std::uint64_t requestId, const nlohmann::json& commandObject, Respond& respond) {
  submitAndWait(kind, requestId, parseCommandObject(commandObject, directory_, options_.source), respond);
}

void RestApi::submitAndWait(Kind kind, std::uint64_t requestId, const Result<engine::Command>& command,
                            Respond& respond) {
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
  if (event.kind == engine::EventKind::CommandResult) {
    const engine::CommandResultReport& c = event.body.result;
    if (c.accepted) return jsonResponse(200, eventJson);
    json body;
    body["code"] = std::string(engine::toString(c.code));
    body["message"] = fmt::format("the engine refused the command: {}", engine::toString(c.code));
    body["field"] = "";
    body["source"] = "engine";
    body["report"] = json::parse(eventJson, nullptr, false);
    return jsonResponse(422, dump(body));
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
