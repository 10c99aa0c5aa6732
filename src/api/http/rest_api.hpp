// RestApi: the routes of `alphintra serve` (docs/api.md) — HTTP requests in, engine commands
// out through one gateway, answers from the engine's events and from the ReadModel.
//
// Order requests (POST, PATCH, DELETE) are translated into the JSON protocol of
// docs/engine-protocol.md and parsed by api::parseCommand, so the REST edge validates exactly
// as the line protocol does (its Error becomes a 400 naming the field). The command goes to
// the engine with a fresh request id, and the HTTP answer waits for the engine's first event
// with that id — which the runtime publishes only after the command is durable in the journal,
// so a 201 means the order survives a crash. No answer within answerTimeout: 504 (the order may
// still have been applied; GET it to find out).
//
// Threading: handle() runs on the HTTP I/O threads, concurrently. Gateway rings have a single
// producer, so submit() is serialized by a mutex (held for one ring push; the edge, not the hot
// path). onEvent() runs on the runtime's publisher thread only. expire() and drain() from any
// thread.
// Authorization: with an AuthService (enableAuth; `alphintra serve` always sets one) every
// route but /healthz, /readyz and the login routes needs credentials (auth_routes.hpp), and
// each checks the Principal: trading needs canTrade on the order's account, reading canRead,
// the kill switch and limits canControlRisk, user and key administration the admin role.
// Without one (unit tests of the routes alone) every request acts as an admin.
// Account figures (portfolio, risk, limits) and book depth come from the engine itself through
// an Inspect function (EngineRuntime::inspect), answered on the engine thread.
// Known limits: the order and fill lists are capped (`limit`, at most 10000).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "api/directory.hpp"
#include "api/http/account_views.hpp"
#include "api/http/auth_routes.hpp"
#include "api/http/http_server.hpp"
#include "api/http/pending_requests.hpp"
#include "api/http/rate_limiter.hpp"
#include "api/http/read_model.hpp"
#include "engine/command.hpp"
#include "engine/event.hpp"

namespace alphintra::api::http {

struct RestOptions {
  std::uint32_t source = 0;  // the gateway the commands go through (the events' `source`)
  std::chrono::milliseconds answerTimeout{5'000};
  RateLimit rateLimit;  // per authenticated user, on every route that needs credentials; none by default
};

class RestApi {
 public:
  // Pushes one command into the REST gateway's ring; false when the runtime does not take it
  // (stopping or failed).
  using Submit = std::function<bool(const engine::Command&)>;

  // Runs a query on the engine thread (EngineRuntime::inspect); false when refused.
  using Inspect = std::function<bool(std::function<void(const engine::Engine&)>)>;

  RestApi(Directory& directory, ReadModel& readModel, Submit submit, RestOptions options = {});

  // Before serving: credentials required from now on (see the file comment).
  void enableAuth(auth::AuthService& service) { auth_.emplace(service); }
  void setInspect(Inspect inspect) { inspect_ = std::move(inspect); }
  // The market risk model behind the risk view's "valueAtRisk" (set before serving).
  void setVarEstimator(VarEstimator var) { var_ = std::move(var); }
  // Called (on the publisher thread) for an instrument POST /api/v1/admin/instruments listed
  // with a referencePrice, once the engine accepted the definition (`engineHasPrice` false:
  // serve gives the engine the price, a MarketData command), and for a PUT .../reference-price
  // the engine accepted (true); serve gives the market simulator the instrument to quote if it
  // does not yet. Set before serving.
  using InstrumentListed = std::function<void(const Instrument&, Price, bool engineHasPrice)>;
  void setInstrumentListed(InstrumentListed listed) { listed_ = std::move(listed); }
  // The principal a request acts as, answering 401/429 itself when there is none (for routes
  // served beside this class, such as the analytics).
  std::optional<auth::Principal> authorize(const Request& request, Respond& respond);

  // Ready: recovery done and the engine applying commands (GET /readyz answers 200).
  void setReady(bool ready) noexcept { ready_.store(ready, std::memory_order_release); }
  bool ready() const noexcept { return ready_.load(std::memory_order_acquire); }

  // HTTP I/O threads.
  void handle(Request&& request, Respond respond);
  // Publisher thread: every event of the runtime. Updates the read model, then answers the
  // request the event answers, if one waits.
  void onEvent(const engine::EngineEvent& event);
  // Answers waiting requests past their deadline with 504.
  void expire();
  // Shutdown: answers every waiting request with 503.
  void drain();

 private:
  enum class Kind : std::uint8_t { NewOrder, Cancel, Replace, Command };
  struct Waiter {
    Kind kind;
    Respond respond;
  };

  void health(Respond& respond);
  void route(const Request& request, const auth::Principal& principal, Respond& respond);
  void listInstruments(Respond& respond);
  void newOrder(const Request& request, const auth::Principal& principal, Respond& respond);
  void getOrder(OrderId id, const auth::Principal& principal, Respond& respond);
  void listOrders(const Request& request, const auth::Principal& principal, Respond& respond);
  void replaceOrder(OrderId id, const Request& request, const auth::Principal& principal, Respond& respond);
  void cancelOrder(OrderId id, const auth::Principal& principal, Respond& respond);
  void cancelAll(const Request& request, const auth::Principal& principal, Respond& respond);
  void quote(std::string_view symbol, Respond& respond);
  void book(std::string_view symbol, const Request& request, Respond& respond);
  void listFills(const Request& request, const auth::Principal& principal, Respond& respond);
  void accountView(std::string_view rest, const auth::Principal& principal, Respond& respond);
  void killSwitch(const Request& request, bool activate, const auth::Principal& principal, Respond& respond);
  void riskLimits(const Request& request, std::string_view idText, const auth::Principal& principal, Respond& respond);
  // POST /api/v1/admin/instruments (admin): the engine's define_instrument.
  void defineInstrument(const Request& request, Respond& respond);
  // PUT /api/v1/admin/instruments/{symbol}/status (admin): the engine's instrument_status.
  void instrumentStatus(const Request& request, std::string_view rest, Respond& respond);
  void referencePrice(const Instrument& instrument, const nlohmann::json& body, Respond& respond);
  void settlement(const Instrument& instrument, const nlohmann::json& body, Respond& respond);
  // Runs `view` on the engine thread and answers 200 with its JSON (404 when it gives none).
  void inspectAnswer(std::function<std::optional<std::string>(const engine::Engine&)> view, std::string notFound,
                     Respond& respond);

  // Reads `commandObject` (the protocol's command, with requestId) and submits it; the answer
  // goes to `respond` when the engine's first event for the id arrives.
  void submitAndWait(Kind kind, std::uint64_t requestId, const nlohmann::json& commandObject, Respond& respond);
  // The same for a command already read (or the error that names what is wrong with it).
  void submitAndWait(Kind kind, std::uint64_t requestId, const Result<engine::Command>& command, Respond& respond);
  static Response answer(Kind kind, const engine::EngineEvent& event, const std::string& json);

  std::optional<AuthRoutes> auth_;
  Inspect inspect_;
  VarEstimator var_;
  InstrumentListed listed_;
  Directory& directory_;
  ReadModel& readModel_;
  Submit submit_;
  RestOptions options_;
  RateLimiter limiter_;
  std::atomic<bool> ready_{false};
  std::mutex submitMutex_;  // one producer at a time on the gateway ring
  PendingRequests<Waiter> pending_;
};

}  // namespace alphintra::api::http
