// Request ids, access log lines and request metrics (see request_log.hpp).
#include "api/http/request_log.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>

#include "api/http/json_log.hpp"

namespace alphintra::api::http {
namespace {

constexpr std::array<std::string_view, 29> kRoutes = {
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/v1/ws",
    "/api/v1/openapi.json",
    "/api/v1/instruments",
    "/api/v1/orders",
    "/api/v1/orders/{orderId}",
    "/api/v1/fills",
    "/api/v1/market-data/quote/{symbol}",
    "/api/v1/market-data/book/{symbol}",
    "/api/v1/market-data/history/{symbol}",
    "/api/v1/portfolio/{accountId}",
    "/api/v1/portfolio/{accountId}/risk",
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/auth/me",
    "/api/v1/analytics/{name}",
    "/api/v1/risk/kill-switch",
    "/api/v1/risk/kill-switch/reset",
    "/api/v1/admin/users",
    "/api/v1/admin/users/{username}",
    "/api/v1/admin/users/{username}/mfa",
    "/api/v1/admin/api-keys",
    "/api/v1/admin/api-keys/{keyId}",
    "/api/v1/admin/risk-limits/{accountId}",
    "/api/v1/other",
    "static",
};
constexpr std::size_t kOrdersRoute = 6;  // "/api/v1/orders"
constexpr std::size_t kOrderRoute = 7;   // "/api/v1/orders/{orderId}"
constexpr std::size_t kOtherRoute = kRoutes.size() - 2;
static_assert(kRoutes[kOrdersRoute] == "/api/v1/orders" && kRoutes[kOrderRoute] == "/api/v1/orders/{orderId}");
constexpr std::size_t kStaticRoute = kRoutes.size() - 1;

// The status codes the server answers with; anything else shares the last slot.
constexpr std::array<unsigned, 20> kStatuses = {200, 201, 204, 301, 304, 400, 401, 403, 404, 405,
                                                409, 413, 422, 426, 429, 431, 500, 503, 504, 0};

bool matches(std::string_view pattern, std::string_view path) noexcept {
  while (!pattern.empty() && !path.empty()) {
    const std::size_t ps = pattern.find('/', 1);
    const std::size_t qs = path.find('/', 1);
    const std::string_view p = pattern.substr(0, ps);
    const std::string_view q = path.substr(0, qs);
    const bool wildcard = p.size() > 3 && p[1] == '{';
    if (wildcard ? q.size() < 2 : p != q) return false;
    pattern = ps == std::string_view::npos ? std::string_view{} : pattern.substr(ps);
    path = qs == std::string_view::npos ? std::string_view{} : path.substr(qs);
  }
  return pattern.empty() && path.empty();
}

std::size_t routeIndex(std::string_view path) noexcept {
  if (!path.starts_with("/api/") && path != "/healthz" && path != "/readyz" && path != "/metrics") {
    return kStaticRoute;
  }
  for (std::size_t i = 0; i < kOtherRoute; ++i) {
    if (matches(kRoutes[i], path)) return i;
  }
  return kOtherRoute;
}

std::size_t statusIndex(unsigned status) noexcept {
  for (std::size_t i = 0; i + 1 < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) return i;
  }
  return kStatuses.size() - 1;
}

bool saneRequestId(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string_view methodName(Method m) noexcept {
  switch (m) {
    case Method::Get: return "GET";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Patch: return "PATCH";
    case Method::Delete: return "DELETE";
    case Method::Head: return "HEAD";
    case Method::Options: return "OPTIONS";
    case Method::Other: return "OTHER";
  }
  return "OTHER";
}

struct Observer {
  explicit Observer(MetricsRegistry& m, RequestLogOptions o)
      : metrics(m),
        options(o),
        latency(m.histogram("trading_order_latency_seconds",
                            "Order requests over REST (new, replace, cancel): request in to the engine's answer out",
                            latencyBuckets())),
        prefix(std::random_device{}()) {
    for (auto& c : counters) c.store(nullptr, std::memory_order_relaxed);
  }

  Counter& counter(std::size_t route, unsigned status) {
    const std::size_t slot = route * kStatuses.size() + statusIndex(status);
    Counter* c = counters[slot].load(std::memory_order_acquire);
    if (c == nullptr) {
      const unsigned label = kStatuses[statusIndex(status)] == 0 ? status : kStatuses[statusIndex(status)];
      c = &metrics.counter("http_requests_total", "HTTP requests answered, by route template and status",
                           {{"route", std::string(kRoutes[route])}, {"status", std::to_string(label)}});
      // Statuses outside the table share a slot: keep the first one's counter cached only when
      // the status is a table entry, so that each odd status gets its own label.
      if (kStatuses[statusIndex(status)] != 0) counters[slot].store(c, std::memory_order_release);
    }
    return *c;
  }

  MetricsRegistry& metrics;
  RequestLogOptions options;
  Histogram& latency;
  std::uint32_t prefix;
  std::atomic<std::uint64_t> next{0};
  std::array<std::atomic<Counter*>, kRoutes.size() * kStatuses.size()> counters;
};

}  // namespace

std::string_view routeOf(std::string_view path) noexcept { return kRoutes[routeIndex(path)]; }

Handler observeRequests(Handler inner, MetricsRegistry& metrics, RequestLogOptions options) {
  auto observer = std::make_shared<Observer>(metrics, options);
  return [observer, inner = std::move(inner)](Request&& request, Respond respond) {
    const auto started = std::chrono::steady_clock::now();
    const std::string_view given = request.header("x-request-id");
    std::string id = saneRequestId(given) ? std::string(given)
                                          : fmt::format("{:08x}{:08x}", observer->prefix,
                                                        observer->next.fetch_add(1, std::memory_order_relaxed) + 1);
    const std::size_t route = routeIndex(request.path);
    const bool order = (route == kOrdersRoute && request.method == Method::Post) ||
                       (route == kOrderRoute && (request.method == Method::Patch || request.method == Method::Delete));
    std::string path = observer->options.logRequests ? request.path : std::string();
    const Method method = request.method;
    std::string peer = observer->options.logRequests ? request.peer : std::string();
    Respond wrapped = [observer, respond = std::move(respond), id, route, order, started, method,
                       path = std::move(path), peer = std::move(peer)](Response response) {
      const auto elapsed = std::chrono::steady_clock::now() - started;
      const double seconds = std::chrono::duration<double>(elapsed).count();
      observer->counter(route, response.status).inc();
      if (order) observer->latency.observe(seconds);
      if (observer->options.logRequests) {
        writeLogLine("info", "http request",
                     {{"requestId", std::string_view(id)},
                      {"method", methodName(method)},
                      {"path", std::string_view(path)},
                      {"route", kRoutes[route]},
                      {"status", static_cast<std::uint64_t>(response.status)},
                      {"durationUs", std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()},
                      {"peer", std::string_view(peer)}});
      }
      response.headers.emplace_back("X-Request-Id", id);
      respond(std::move(response));
    };
    inner(std::move(request), std::move(wrapped));
  };
}

}  // namespace alphintra::api::http
