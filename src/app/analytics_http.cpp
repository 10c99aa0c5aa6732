#include "app/analytics_http.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "analytics/json_api.hpp"

namespace alphintra::app {

namespace {

api::http::Response error(unsigned status, std::string_view code, std::string_view message,
                          std::string_view field = "") {
  return api::http::errorResponse(status, code, message, field);  // invalid UTF-8 in a message replaced, not thrown
}

const analytics::AnalyticsCommand* findCommand(std::string_view name) {
  for (const auto& c : analytics::analyticsCommands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

AnalyticsHttp::AnalyticsHttp(std::size_t maxQueued) : maxQueued_(maxQueued), worker_([this] { work(); }) {}

AnalyticsHttp::~AnalyticsHttp() { stop(); }

void AnalyticsHttp::handle(api::http::Request&& request, api::http::Respond respond) {
  const std::string name = request.path.substr(kAnalyticsPrefix.size());
  if (findCommand(name) == nullptr) {
    std::string known;
    for (const auto& c : analytics::analyticsCommands()) known += (known.empty() ? "" : ", ") + std::string(c.name);
    return respond(error(404, "not_found", fmt::format("no analytics command \"{}\"; there are: {}", name, known)));
  }
  if (request.method != api::http::Method::Post) {
    return respond(error(405, "method_not_allowed", fmt::format("{} allows POST", request.path)));
  }
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < maxQueued_) {
      queue_.push_back(Job{name, std::move(request.body), std::move(respond)});
      ready_.notify_one();
      return;
    }
  }
  respond(error(503, "unavailable", "the analytics queue is full or the server is stopping; retry later"));
}

api::http::Response AnalyticsHttp::toResponse(bool ok, const std::string& body) {
  if (ok) return api::http::Response{200, body};
  // {"error":{"code","field","message"}} → {"code","message","field"}
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("error")) {
    return error(500, "internal_error", "the analytics module answered without an error object");
  }
  const nlohmann::json& e = parsed["error"];
  const std::string code = e.value("code", "invalid_request");
  return error(code == "internal_error" ? 500 : 400, code, e.value("message", ""), e.value("field", ""));
}

void AnalyticsHttp::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    const analytics::AnalyticsCommand* command = findCommand(job.name);
    const analytics::JsonReply reply = analytics::handleJson(command->handler, job.body);
    job.respond(toResponse(reply.ok, reply.body));
  }
}

void AnalyticsHttp::stop() {
  std::deque<Job> left;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
    left.swap(queue_);
  }
  ready_.notify_all();
  if (worker_.joinable()) worker_.join();
  for (Job& job : left) job.respond(error(503, "unavailable", "the server is stopping"));
}

}  // namespace alphintra::app
