// The Prometheus text format of MetricsRegistry, structured log lines, and the request
// observer (ids, route templates, counters, order latency) around a fake handler.
#include "api/http/metrics.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "api/http/json_log.hpp"
#include "api/http/request_log.hpp"

namespace alphintra::api::http {
namespace {

TEST(Metrics, CounterAndGaugeLinesWithLabels) {
  MetricsRegistry registry;
  Counter& filled =
      registry.counter("trading_orders_total", "Orders by status", {{"venue", "SIM"}, {"status", "filled"}});
  registry.counter("trading_orders_total", "Orders by status", {{"venue", "SIM"}, {"status", "rejected"}}).inc(2);
  filled.inc();
  filled.inc(4);
  EXPECT_EQ(&registry.counter("trading_orders_total", "Orders by status", {{"venue", "SIM"}, {"status", "filled"}}),
            &filled);
  registry.gauge("trading_pnl_realized_usd", "Realized P&L").set(-12.5);
  EXPECT_EQ(registry.render(),
            "# HELP trading_orders_total Orders by status\n"
            "# TYPE trading_orders_total counter\n"
            "trading_orders_total{venue=\"SIM\",status=\"filled\"} 5\n"
            "trading_orders_total{venue=\"SIM\",status=\"rejected\"} 2\n"
            "# HELP trading_pnl_realized_usd Realized P&L\n"
            "# TYPE trading_pnl_realized_usd gauge\n"
            "trading_pnl_realized_usd -12.5\n");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  Histogram& h = registry.histogram("latency_seconds", "Latency", {0.001, 0.01, 0.1});
  for (double v : {0.0005, 0.001, 0.005, 0.05, 0.05, 3.0}) h.observe(v);
  const std::string text = registry.render();
  EXPECT_NE(text.find("# TYPE latency_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"0.001\"} 2\n"), std::string::npos) << text;  // le is inclusive
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"0.01\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"0.1\"} 5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"+Inf\"} 6\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_count 6\n"), std::string::npos) << text;
  EXPECT_NEAR(h.sum(), 3.1065, 1e-12);
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry registry;
  registry.gauge("g", "a \\ help\nline", {{"path", "a\"b\\c\nd"}}).set(1);
  EXPECT_EQ(registry.render(), "# HELP g a \\\\ help\\nline\n# TYPE g gauge\ng{path=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Metrics, MisuseIsRefusedAtRegistration) {
  MetricsRegistry registry;
  registry.counter("x_total", "X");
  EXPECT_THROW(registry.gauge("x_total", "X"), std::invalid_argument);
  EXPECT_THROW(registry.counter("x_total", "other help"), std::invalid_argument);
  EXPECT_THROW(registry.counter("1bad", "X"), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok_total", "X", {{"le", "1"}}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h", "H", {1.0, 0.5}), std::invalid_argument);
}

TEST(Metrics, ConcurrentIncrementsAreAllCounted) {
  MetricsRegistry registry;
  Counter& c = registry.counter("c_total", "C");
  Histogram& h = registry.histogram("h", "H", {1.0});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        c.inc();
        h.observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40'000u);
  EXPECT_EQ(h.count(), 40'000u);
  EXPECT_DOUBLE_EQ(h.sum(), 20'000.0);
}

TEST(JsonLog, OneLineOfJsonWithEscapes) {
  const std::string line = formatLogLine(1'700'000'000'123'456'789, "info", "http request",
                                         {{"path", std::string_view("/a\"b\n\x01")},
                                          {"status", std::uint64_t{201}},
                                          {"durationUs", std::int64_t{-3}},
                                          {"ok", true}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["time"], "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["msg"], "http request");
  EXPECT_EQ(j["path"], "/a\"b\n\x01");
  EXPECT_EQ(j["status"], 201);
  EXPECT_EQ(j["durationUs"], -3);
  EXPECT_EQ(j["ok"], true);
}

TEST(RequestLog, RouteTemplatesKeepLabelsFew) {
  EXPECT_EQ(routeOf("/api/v1/orders"), "/api/v1/orders");
  EXPECT_EQ(routeOf("/api/v1/orders/123"), "/api/v1/orders/{orderId}");
  EXPECT_EQ(routeOf("/api/v1/market-data/book/BTC-USD"), "/api/v1/market-data/book/{symbol}");
  EXPECT_EQ(routeOf("/api/v1/portfolio/2/risk"), "/api/v1/portfolio/{accountId}/risk");
  EXPECT_EQ(routeOf("/api/v1/orders/1/2"), "/api/v1/other");
  EXPECT_EQ(routeOf("/api/v1/orders/"), "/api/v1/other");
  EXPECT_EQ(routeOf("/assets/index-abc.js"), "static");
  EXPECT_EQ(routeOf("/metrics"), "/metrics");
}

TEST(RequestLog, CountsRequestsAndTimesOrders) {
  MetricsRegistry registry;
  std::vector<Respond> later;
  Handler handler = observeRequests(
      [&later](Request&& r, Respond respond) {
        if (r.path == "/api/v1/orders") return later.push_back(std::move(respond));  // the engine answers later
        respond(Response{r.path == "/healthz" ? 200u : 404u, "{}"});
      },
      registry, RequestLogOptions{false});
  std::vector<Response> answers;
  const auto call = [&](Method m, std::string path, std::string requestId = "") {
    Request r;
    r.method = m;
    r.path = std::move(path);
    if (!requestId.empty()) r.headers.emplace_back("x-request-id", requestId);
    handler(std::move(r), [&answers](Response response) { answers.push_back(std::move(response)); });
  };
  call(Method::Get, "/healthz", "client-id.1");
  call(Method::Get, "/healthz", "bad id with spaces");
  call(Method::Get, "/api/v1/orders/x/y");
  call(Method::Post, "/api/v1/orders");
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_EQ(later.size(), 1u);
  later[0](Response{201, "{}"});
  ASSERT_EQ(answers.size(), 4u);

  const auto idOf = [](const Response& r) {
    for (const auto& [name, value] : r.headers) {
      if (name == "X-Request-Id") return value;
    }
    return std::string();
  };
  EXPECT_EQ(idOf(answers[0]), "client-id.1");
  EXPECT_EQ(idOf(answers[1]).size(), 16u);  // generated
  EXPECT_NE(idOf(answers[1]), idOf(answers[2]));

  const std::string text = registry.render();
  EXPECT_NE(text.find("http_requests_total{route=\"/healthz\",status=\"200\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("http_requests_total{route=\"/api/v1/other\",status=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("http_requests_total{route=\"/api/v1/orders\",status=\"201\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("trading_order_latency_seconds_count 1\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace alphintra::api::http
