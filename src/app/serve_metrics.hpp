// ServeMetrics: what `alphintra serve` exposes at GET /metrics (docs/api.md, "Metrics"): the
// registry (api/http/metrics.hpp) and the code that feeds it from the engine.
//
//   trading_orders_total{venue,status}  orders reaching a status (new, filled, canceled,
//                                       rejected, expired, replaced), from execution reports;
//   market_data_messages_total          quotes and public trades published by the engine;
//   trading_pnl_realized_usd, trading_pnl_unrealized_usd, trading_portfolio_value_usd,
//   risk_exposure_gross_usd, risk_exposure_net_usd
//                                       sums over the platform's own accounts (ids below the
//                                       simulator's), valued by the engine's ledger once a
//                                       second (a read-only query on the engine thread) and
//                                       converted to USD at the ledger's FX rates;
//   engine_sequence, websocket_connections  read when scraped;
//   http_requests_total, trading_order_latency_seconds  from api/http/request_log.hpp.
// Threading: onEvent on the publisher thread only (its caches are that thread's); the sampler
// thread between start() and stop(); scrape() from any thread.
// Known limits: an account whose values have no FX path to USD is left out of the sums (and
// counted in valuation_incomplete_accounts).
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "api/directory.hpp"
#include "api/http/account_views.hpp"
#include "api/http/http_server.hpp"
#include "api/http/metrics.hpp"
#include "engine/runtime.hpp"

namespace alphintra::app {

class ServeMetrics {
 public:
  ServeMetrics(const api::Directory& directory, std::uint64_t firstSimulatorAccount);
  ~ServeMetrics();
  ServeMetrics(const ServeMetrics&) = delete;
  ServeMetrics& operator=(const ServeMetrics&) = delete;

  api::http::MetricsRegistry& registry() noexcept { return registry_; }

  // Publisher thread.
  void onEvent(const engine::EngineEvent& event);

  using Inspect = std::function<bool(engine::EngineRuntime::Query)>;
  // Starts the valuation sampler (every `period`); the callbacks are read at each scrape.
  void start(Inspect inspect, std::function<std::uint64_t()> engineSequence,
             std::function<std::size_t()> webSocketConnections,
             std::chrono::milliseconds period = std::chrono::milliseconds{1'000});
  void stop();

  // GET /metrics.
  api::http::Response scrape();

  // The market risk model behind risk_var_1day_usd (set before start()).
  void setVarEstimator(api::http::VarEstimator var) { varEstimator_ = std::move(var); }

  // One valuation on the calling thread (the sampler's work; public for tests).
  void value(const engine::Engine& engine);

 private:
  static constexpr std::size_t kStatuses = 6;  // new, filled, canceled, rejected, expired, replaced
  api::http::Counter& ordersCounter(InstrumentId instrument, std::size_t status);
  double platformVar(const engine::Engine& engine, const std::vector<AccountId>& ids) const;

  const api::Directory& directory_;
  std::uint64_t firstSimulatorAccount_;
  api::http::MetricsRegistry registry_;
  api::http::Counter& marketData_;
  api::http::Gauge& realized_;
  api::http::Gauge& unrealized_;
  api::http::Gauge& portfolio_;
  api::http::Gauge& gross_;
  api::http::Gauge& net_;
  api::http::Gauge& incomplete_;
  api::http::Gauge& sequence_;
  api::http::Gauge& connections_;
  api::http::Gauge& var_;
  api::http::VarEstimator varEstimator_;
  std::unordered_map<std::uint64_t, std::array<api::http::Counter*, kStatuses>> orders_;  // publisher thread

  Inspect inspect_;
  std::function<std::uint64_t()> engineSequence_;
  std::function<std::size_t()> webSocketConnections_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread sampler_;
};

}  // namespace alphintra::app
