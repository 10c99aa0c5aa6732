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
// Known limits: no authentication (any client can trade any account: bind to loopback); the
// order list is capped (`limit`, at most 10000); the book is top-of-book only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "api/directory.hpp"
#include "api/http/http_server.hpp"
#include "api/http/pending_requests.hpp"
#include "api/http/read_model.hpp"
#include "engine/command.hpp"
#include "engine/event.hpp"

namespace alphintra::api::http {

struct RestOptions {
  std::uint32_t source = 0;  // the gateway the commands go through (the events' `source`)
  std::chrono::milliseconds answerTimeout{5'000};
};

class RestApi {
 public:
  // Pushes one command into the REST gateway's ring; false when the runtime does not take it
  // (stopping or failed).
  using Submit = std::function<bool(const engine::Command&)>;

  RestApi(Directory& directory, ReadModel& readModel, Submit submit, RestOptions options = {});

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
  enum class Kind : std::uint8_t { NewOrder, Cancel, Replace };
  struct Waiter {
    Kind kind;
    Respond respond;
  };

  void health(Respond& respond);
  void listInstruments(Respond& respond);
  void newOrder(const Request& request, Respond& respond);
  void getOrder(OrderId id, Respond& respond);
  void listOrders(const Request& request, Respond& respond);
  void replaceOrder(OrderId id, const Request& request, Respond& respond);
  void cancelOrder(OrderId id, Respond& respond);
  void quote(std::string_view symbol, Respond& respond);
  void book(std::string_view symbol, const Request& request, Respond& respond);

  // Parses `commandJson` (the protocol's JSON, with requestId) and submits it; the answer goes
  // to `respond` when the engine's first event for the id arrives.
  void submitAndWait(Kind kind, std::uint64_t requestId, const std::string& commandJson, Respond& respond);
  static Response answer(Kind kind, const engine::EngineEvent& event, const std::string& json);

  Directory& directory_;
  ReadModel& readModel_;
  Submit submit_;
  RestOptions options_;
  std::atomic<bool> ready_{false};
  std::mutex submitMutex_;  // one producer at a time on the gateway ring
  PendingRequests<Waiter> pending_;
};

}  // namespace alphintra::api::http
