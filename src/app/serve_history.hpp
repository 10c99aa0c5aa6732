// Market-data history in `alphintra serve`: the public trades of the engine (the simulator's
// market included) recorded into DATA_DIR/history (marketdata/history_store.hpp: every trade and
// 1-second bars per instrument), and GET /api/v1/market-data/history/{symbol}?interval=&start=&end=
// answered from it (docs/api.md).
//
// Threading: onEvent() on the publisher thread only pushes trades into a bounded SPSC ring
// (dropped and counted when it is full: history must never slow the engine down); one recorder
// thread owns the HistoryWriter and flushes once a second; queries read the files on the HTTP
// I/O threads (HistoryReader is safe beside the writer and sees what was flushed).
// Retention (ServeHistoryOptions::retention, --history-retention): whole days of files older than
// it are deleted on the recorder thread, at start and hourly; a query over them answers no bars.
// Known limits: the bar still open is not in the answer until it closes (the WebSocket `bars`
// channel carries it live); at most kMaxBars bars per answer.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "api/directory.hpp"
#include "api/http/http_server.hpp"
#include "core/result.hpp"
#include "core/spsc_ring.hpp"
#include "engine/event.hpp"
#include "marketdata/bar_recorder.hpp"
#include "marketdata/history_store.hpp"

namespace alphintra::app {

struct ServeHistoryOptions {
  // Partition files (a day of trades or of 1 s bars) whose day ended longer ago than this are
  // deleted (marketdata::pruneHistory): at start and every kPruneEvery. Unset: kept for ever.
  std::optional<std::chrono::seconds> retention;
  std::function<void(std::string_view)> log;  // what retention removed
};

class ServeHistory {
 public:
  static constexpr std::size_t kMaxBars = 10'000;
  static constexpr std::string_view kPrefix = "/api/v1/market-data/history/";
  static constexpr std::chrono::seconds kMinRetention{86'400};  // shorter would cut today's files
  static constexpr std::chrono::seconds kPruneEvery{3'600};

  static Result<std::unique_ptr<ServeHistory>> open(const std::filesystem::path& dir, const api::Directory& directory,
                                                    ServeHistoryOptions options = {});
  ~ServeHistory();

  void onEvent(const engine::EngineEvent& event);  // publisher thread
  void start();
  void stop();  // writes the open bars, flushes and joins
  void handle(const api::http::Request& request, api::http::Respond& respond) const;  // any thread
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  ServeHistory(const api::Directory& directory, marketdata::HistoryWriter writer, marketdata::HistoryReader reader,
               std::filesystem::path dir, ServeHistoryOptions options);
  void run();
  void prune();  // recorder thread: applies the retention once

  const api::Directory& directory_;
  std::filesystem::path dir_;
  ServeHistoryOptions options_;
  marketdata::HistoryWriter writer_;
  marketdata::HistoryReader reader_;
  marketdata::BarRecorder recorder_;
  SpscRing<engine::EngineEvent> ring_{1u << 14};
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> dropped_{0};
  std::thread thread_;
};

}  // namespace alphintra::app
