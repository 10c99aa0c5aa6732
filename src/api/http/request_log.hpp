// Request observation for the HTTP server: wraps a Handler so that every request gets a request
// id (the client's X-Request-Id when it is a sane token, else a fresh one; echoed in the
// answer's X-Request-Id), one structured log line when answered (json_log.hpp: requestId,
// method, path, status, durationUs, peer), a count in http_requests_total{route,status}, and
// for order requests (POST /api/v1/orders, PATCH and DELETE /api/v1/orders/{id}) an
// observation of trading_order_latency_seconds: request in → the engine's answer out.
//
// `route` is the path's template ("/api/v1/orders/{orderId}"), never the raw path, so that the
// label's values stay few whatever clients send; paths outside /api/ are "static", unknown API
// paths "/api/v1/other".
// Threading: the wrapper runs where the handler runs; its Respond wrapper may be called from
// any thread. Counters are cached per (route, status class) in atomics: no lock after the
// first request of each pair.
#pragma once

#include <string_view>

#include "api/http/http_server.hpp"
#include "api/http/metrics.hpp"

namespace alphintra::api::http {

struct RequestLogOptions {
  bool logRequests = true;  // one JSON line per request on stderr
};

Handler observeRequests(Handler inner, MetricsRegistry& metrics, RequestLogOptions options = {});

// The route template of a path (see the file comment).
std::string_view routeOf(std::string_view path) noexcept;

}  // namespace alphintra::api::http
