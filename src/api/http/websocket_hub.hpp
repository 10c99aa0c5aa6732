// WsHub: the WebSocket API's subscriptions and fan-out (docs/api.md, "WebSocket").
//
// Fed by the runtime's publisher thread (onEvent) and by its own sampler thread:
//   quotes, trades  each engine Quote / PublicTrade of a subscribed instrument, formatted once
//                   and shared by every subscriber;
//   orders          execution reports of the accounts the subscriber's principal may read
//                   (orderAccounts excludes the simulator's);
//   bars            the current bar per (instrument, interval), built from public trades by a
//                   marketdata::BarAggregator and sent after each trade;
//   book            every bookPeriod the sampler reads the depth of subscribed instruments
//                   (DepthSampler: the engine answers between commands) and sends each change
//                   as an increment with the instrument's next sequence number; a new
//                   subscriber gets a snapshot at the current sequence at once (its subscribe
//                   wakes the sampler for an extra sample; websocket_book.hpp says why sampling);
//   status          the instrument's trading status on subscribe, then each change (the
//                   engine's accepted instrument_status answer carries the new one; changes
//                   are kept for every instrument, subscribed or not);
//   heartbeats      {"type":"heartbeat"} to every session every heartbeatPeriod.
// A session whose queue overflows (websocket_session.hpp) is dropped from every list.
//
// Threading: onEvent on the publisher thread; subscribe/unsubscribe/detach on I/O strands;
// sampleBooks and heartbeat on the sampler thread (or a test's). One mutex guards the lists and
// the per-instrument state; the publisher holds it while it formats and pushes one event (a
// push takes the session's own mutex for a queue insert, never waits). Instruments are copied
// from the Directory on first subscription, so the publisher does no directory look-up.
// Known limits: the current bar is sent after every trade (no conflation); a restart of the
// server starts bars afresh (the REST history route has the completed ones).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/directory.hpp"
#include "api/http/websocket_book.hpp"
#include "api/http/websocket_protocol.hpp"
#include "api/http/websocket_session.hpp"
#include "auth/principal.hpp"
#include "core/result.hpp"
#include "engine/event.hpp"
#include "marketdata/bar_aggregator.hpp"

namespace alphintra::api::http {

struct WsHubOptions {
  WsLimits limits{};
  std::chrono::milliseconds heartbeatPeriod{10'000};
  std::chrono::milliseconds bookPeriod{100};
  std::size_t bookLevels = 20;  // per side
  // Accounts whose order updates may go out at all (the simulator's stay out); default: all.
  std::function<bool(AccountId)> orderAccounts;
  std::function<std::int64_t()> clock;  // ns since the epoch, for heartbeats (default: system clock)
};

class WsHub {
 public:
  // Verifies an access token (the authenticate op); an Error's message reaches the client.
  using Authenticate = std::function<Result<auth::Principal>(std::string_view token)>;
  // Fills `out` with the depth of each instrument (same order, at most `levels` per side),
  // waiting for the engine; false when it could not (stopping, timed out).
  using DepthSampler = std::function<bool(const std::vector<InstrumentId>& instruments, std::size_t levels,
                                          std::vector<BookDepth>& out)>;

  WsHub(const Directory& directory, Authenticate authenticate, DepthSampler depth, WsHubOptions options = {});
  ~WsHub();
  WsHub(const WsHub&) = delete;
  WsHub& operator=(const WsHub&) = delete;

  // A new connection's session (HttpServer's WebSocketAccept).
  std::shared_ptr<WsSession> accept(std::weak_ptr<WebSocketTransport> transport);

  // Publisher thread.
  void onEvent(const engine::EngineEvent& event);

  // The sampler thread (book samples and heartbeats); stop() joins it. Idempotent.
  void start();
  void stop();
  // One round of the sampler's work, for tests (one caller at a time).
  void sampleBooks();
  void heartbeat();

  // From a session's strand. subscribe queues the ack itself on success (under the hub's lock,
  // so that it precedes the channel's first message); on an error nothing changes.
  Result<auth::Principal> authenticate(std::string_view token) const;
  std::optional<WsError> subscribe(const std::shared_ptr<WsSession>& session, const WsRequest& request,
                                   const auth::Principal& principal);
  std::optional<WsError> unsubscribe(const WsSession& session, const WsRequest& request);
  // Re-authenticated: orders from now on follow the new principal.
  void updatePrincipal(const WsSession& session, const auth::Principal& principal);
  // Drops the session from every list (closed, or a slow consumer). Idempotent.
  void detach(const WsSession& session);

  std::size_t sessionCount() const;
  std::uint64_t framesQueued() const noexcept { return framesQueued_.load(std::memory_order_relaxed); }
  std::uint64_t slowConsumers() const noexcept { return slowConsumers_.load(std::memory_order_relaxed); }

 private:
  using SessionList = std::vector<std::shared_ptr<WsSession>>;
  struct BarState {
    std::string interval;
    marketdata::BarAggregator aggregator;
    SessionList subscribers;
  };
  struct BookState {
    SessionList active;   // have had their snapshot
    SessionList pending;  // get a snapshot on the next sample
    BookDepth depth;      // as of the last sample
    std::uint64_t sequence = 0;
    bool sampled = false;
  };
  struct InstrumentState {
    explicit InstrumentState(Instrument i) : instrument(std::move(i)) {}
    Instrument instrument;
    SessionList quotes;
    SessionList trades;
    SessionList status;
    BookState book;
    std::vector<BarState> bars;
  };
  struct OrderSubscriber {
    std::shared_ptr<WsSession> session;
    auth::Principal principal;
  };

  // All under mutex_.
  void fanOut(SessionList& list, const std::shared_ptr<const std::string>& frame);
  void detachLocked(const WsSession& session);
  InstrumentState& instrumentState(const Instrument& instrument);
  void sampleLoop();
  std::optional<WsError> addSubscription(const std::shared_ptr<WsSession>& session, const WsRequest& request,
                                         const auth::Principal& principal);

  const Directory& directory_;
  Authenticate authenticate_;
  // Trading status changes since the start, by instrument id (the directory holds the status at
  // definition or start-up).
  std::unordered_map<std::uint64_t, TradingStatus> statuses_;
  DepthSampler depth_;
  WsHubOptions options_;

  mutable std::mutex mutex_;
  SessionList sessions_;
  std::unordered_map<std::uint64_t, InstrumentState> instruments_;
  std::vector<OrderSubscriber> orders_;
  std::vector<const WsSession*> overflowed_;  // found by fanOut, detached after the event

  std::atomic<std::uint64_t> framesQueued_{0};
  std::atomic<std::uint64_t> slowConsumers_{0};

  std::mutex samplerMutex_;
  std::condition_variable samplerWake_;
  bool samplerStop_ = false;
  bool bookWanted_ = false;  // a new book subscriber waits for its snapshot
  std::thread sampler_;
};

}  // namespace alphintra::api::http
