// Strategies running live in `alphintra serve` (docs/strategies.md, "Live in serve"): the
// `--strategy NAME:account=N,instruments=SYM+SYM,...` options, the strategy host's thread, and
// the REST routes under /api/v1/strategies (list, one, stop, start).
//
// Wiring: the publisher hands every event to publish(), which queues what the strategies need
// (their accounts' reports and their instruments' trades: never dropped; quotes: dropped when
// the ring is full) in a live::EventFeed. The host thread drains it into a live::StrategyHost,
// fires timers and ends time bars on the wall clock, and submits the strategies' commands on
// its own gateway. Once a second it asks the engine (EngineRuntime::inspect) for the exact
// valuation of each strategy account, so that cash and equity never drift, and, for strategies
// with `book=PERIOD`, the top five levels of their instruments every PERIOD (onBook).
//
// Start-up: start() runs after the start-up commands, so that the accounts exist. The feed
// starts queueing before the strategies load the engine's state (on the engine thread, at a
// sequence S); events of commands up to S are then skipped, so nothing is missed or counted twice.
// Stop: stop() before the runtime stops — every strategy gets onStop and its orders are
// cancelled, and those cancels are journaled by the runtime's drain.
//
// Threading: publish() on the publisher thread; handle() on HTTP threads (control requests are
// queued to the host thread, which answers them); everything else on the host thread.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "api/directory.hpp"
#include "api/http/http_server.hpp"
#include "auth/principal.hpp"
#include "engine/runtime.hpp"
#include "live/event_feed.hpp"
#include "live/strategy_host.hpp"

namespace alphintra::app {

void addServeStrategyOptions(CLI::App& serve, std::vector<std::string>& specs);

class ServeStrategies {
 public:
  static constexpr std::string_view kPrefix = "/api/v1/strategies";

  // Parses the specs (their syntax; the rest is checked at start()); errors name the field.
  static Result<std::unique_ptr<ServeStrategies>> create(const std::vector<std::string>& specs,
                                                         std::function<void(std::string_view)> log);
  ~ServeStrategies();

  bool empty() const noexcept { return specs_.empty(); }
  void publish(const engine::EngineEvent& e) { feed_.publish(e); }  // publisher thread

  // Loads the strategies on the engine and starts them on the host thread; an error (a missing
  // account, a bad parameter) names the strategy and the field.
  std::optional<Error> start(engine::EngineRuntime& runtime, const api::Directory& directory, std::size_t gateway,
                             std::uint32_t source);
  void stop();

  // /api/v1/strategies[/{id}[/stop|/start]] for an authenticated principal.
  void handle(const api::http::Request& request, api::http::Respond respond, const auth::Principal& principal);

 private:
  struct Control {
    bool start = false;
    std::string id;
    api::http::Respond respond;
  };
  ServeStrategies(std::vector<live::LiveStrategySpec> specs, std::function<void(std::string_view)> log);
  live::EventFeed::Want classify(const engine::EngineEvent& e) const noexcept;
  void run();
  void onEvent(const engine::EngineEvent& e);
  void flushOutbox();
  void runControls();
  void requestValuations();
  void requestBooks();
  void poke() noexcept;  // another thread queued work for the host thread
  void publishStatus();

  std::vector<live::LiveStrategySpec> specs_;
  std::unordered_set<std::uint64_t> accounts_;     // read by the publisher: fixed before it looks
  std::unordered_set<std::uint64_t> instruments_;  // same
  std::function<void(std::string_view)> log_;
  live::EventFeed feed_;
  std::atomic<bool> queueing_{false};

  // Host thread.
  engine::EngineRuntime* runtime_ = nullptr;
  std::size_t gateway_ = 0;
  std::uint32_t source_ = 0;
  std::unique_ptr<live::StrategyHost> host_;
  std::uint64_t loadedThrough_ = 0;  // events of commands up to this were in the loaded state
  std::vector<engine::Command> outbox_;
  std::deque<engine::EngineEvent> backlog_;  // drained while waiting to submit
  std::thread thread_;
  std::atomic<bool> stop_{false};
  // Set (then feed_.wake()) by other threads that queued work under mutex_: a control request,
  // an answer to a valuation or book request. The host thread clears it before looking.
  std::atomic<bool> poked_{false};

  std::mutex mutex_;      // guards what follows
  bool running_ = false;  // the host thread takes control requests
  std::vector<live::StrategyStatus> status_;
  std::vector<Control> controls_;
  struct Valuations {
    std::uint64_t sequence = 0;
    std::vector<std::pair<AccountId, oms::Valuation>> accounts;
  };
  std::optional<Valuations> valuations_;
  bool valuationPending_ = false;
  std::optional<std::vector<strategy::BookUpdate>> books_;  // sampled on the engine thread
  bool booksPending_ = false;
};

}  // namespace alphintra::app
