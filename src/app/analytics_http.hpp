// AnalyticsHttp: `POST /api/v1/analytics/NAME` for `alphintra serve` — the same JSON commands
// as `alphintra analytics NAME` (analytics::analyticsCommands(), docs/analytics*.md), over HTTP.
//
// Analytics requests can take a second of CPU (a Monte Carlo VaR), so they never run on the
// HTTP I/O threads: they queue (bounded; 503 when full) for one worker thread of their own.
// Errors follow the REST convention {"code","message","field"}: 400 for an invalid request
// (field named), 404 for an unknown command, 405 for a method other than POST, 500 if the
// analytics code fails unexpectedly.
//
// Threading: handle() from any I/O thread; the worker answers through the Respond callback.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "api/http/http_server.hpp"

namespace alphintra::app {

inline constexpr std::string_view kAnalyticsPrefix = "/api/v1/analytics/";

class AnalyticsHttp {
 public:
  explicit AnalyticsHttp(std::size_t maxQueued = 64);
  ~AnalyticsHttp();
  AnalyticsHttp(const AnalyticsHttp&) = delete;
  AnalyticsHttp& operator=(const AnalyticsHttp&) = delete;

  // A request whose path starts with kAnalyticsPrefix.
  void handle(api::http::Request&& request, api::http::Respond respond);
  // Answers what is queued with 503 and stops the worker.
  void stop();

  // The analytics reply (body and ok flag) as a REST response; exposed for tests.
  static api::http::Response toResponse(bool ok, const std::string& body);

 private:
  struct Job {
    std::string name;
    std::string body;
    api::http::Respond respond;
  };
  void work();

  std::size_t maxQueued_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace alphintra::app
