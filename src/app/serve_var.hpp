// The market risk model of `alphintra serve`: the Value-at-Risk and Expected Shortfall that
// GET /api/v1/portfolio/{accountId}/risk reports and the risk_var_1day_usd metric
// (docs/api.md, "Value-at-Risk").
//
// Model: delta-normal (analytics::risk::parametricVar), 99%, one day. The covariance of the
// instruments' returns is estimated from the market-data history the server records
// (DATA_DIR/history, 1-second bars): the last `window` of 1-second closes, forward-filled over
// seconds without trades, simple returns, exponentially weighted (lambda per second), scaled to
// one day by `secondsPerDay` (a 6.5-hour session by default: the simulated market trades around
// the clock, so the scaling is a convention, stated in the answer). A ridge of 1e-9 times the
// mean variance keeps the matrix positive definite when an instrument did not move.
// Because it reads the store, the model survives a restart with the history it had.
//
// Threading: one refresh thread re-estimates the covariance every `refresh` and publishes an
// immutable snapshot (atomic shared_ptr); estimate() runs anywhere (the engine thread, inside
// inspect queries) and only reads the snapshot: O(k^3) for k exposures, k = a few dozen at most.
// Known limits: instruments with fewer than `minObservations` returns in the window have no
// risk estimate, and an account holding one gets an explicit "unavailable" with the reason;
// options are not in the live ledger, so the model is linear.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <unordered_map>
#include <vector>

#include "analytics/risk_portfolio.hpp"
#include "api/http/account_views.hpp"
#include "core/result.hpp"
#include "marketdata/history_store.hpp"

namespace alphintra::app {

struct ServeVarOptions {
  std::chrono::seconds window{1800};  // history used for the estimate
  std::chrono::seconds refresh{5};    // how often the estimate is rebuilt
  double lambda = 0.998;              // EWMA decay per 1-second return (half-life ~ 6 minutes)
  double secondsPerDay = 23'400;      // scaling of 1-second variance to one day
  double confidence = 0.99;
  std::size_t minObservations = 60;  // returns an instrument needs in the window
};

class ServeVar {
 public:
  // The history directory must exist (ServeHistory creates it).
  static Result<std::unique_ptr<ServeVar>> open(const std::filesystem::path& historyDir, ServeVarOptions options = {});
  ~ServeVar();

  void start();
  void stop();
  // Rebuilds the estimate now from the history up to `end` (the refresh thread calls it; tests too).
  void refresh(Timestamp end);

  // VaR of the exposures (money in one currency; the answer is in the same currency).
  Result<api::http::VarFigures> estimate(std::span<const api::http::InstrumentExposure> exposures) const;
  api::http::VarEstimator estimator() const;

 private:
  struct Snapshot {
    std::unordered_map<std::uint64_t, std::size_t> index;  // instrument id -> row of covariance
    analytics::risk::Matrix covariance;                    // one-day covariance of simple returns
    std::size_t observations = 0;                          // returns per instrument used
    std::int64_t asOfNanos = 0;                            // end of the window
    std::unordered_map<std::uint64_t, std::size_t> thin;   // instruments left out: their returns
  };

  ServeVar(marketdata::HistoryReader reader, ServeVarOptions options);
  void run();

  marketdata::HistoryReader reader_;
  ServeVarOptions options_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace alphintra::app
