// WebSocket hooks of `alphintra serve` (see serve_websocket.hpp).
#include "app/serve_websocket.hpp"

#include <future>
#include <memory>
#include <variant>

#include "app/serve_auth.hpp"

namespace alphintra::app {

api::http::WsHub::DepthSampler engineDepthSampler(std::function<bool(engine::EngineRuntime::Query)> inspect,
                                                  std::chrono::milliseconds timeout) {
  return [inspect = std::move(inspect), timeout](const std::vector<InstrumentId>& instruments, std::size_t levels,
                                                 std::vector<api::http::BookDepth>& out) {
    // Shared with the query: it may run after this call gave up waiting.
    auto result = std::make_shared<std::vector<api::http::BookDepth>>(instruments.size());
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> answered = done->get_future();
    const bool queued = inspect([instruments, levels, result, done](const engine::Engine& e) {
      for (std::size_t i = 0; i < instruments.size(); ++i) {
        e.venue().depth(instruments[i], Side::Buy, levels, (*result)[i].bids);
        e.venue().depth(instruments[i], Side::Sell, levels, (*result)[i].asks);
      }
      done->set_value();
    });
    if (!queued || answered.wait_for(timeout) != std::future_status::ready) return false;
    out = std::move(*result);
    return true;
  };
}

api::http::WsHub::Authenticate accessTokenVerifier(const auth::AuthService& auth) {
  return [&auth](std::string_view token) -> Result<auth::Principal> {
    auto verified = auth.verifyAccess(token, unixMillis() / 1000);
    if (auto* principal = std::get_if<auth::Principal>(&verified)) return std::move(*principal);
    const auth::Denied& denied = std::get<auth::Denied>(verified);
    return makeError("token", denied.message.empty() ? std::string("the access token is not valid") : denied.message);
  };
}

}  // namespace alphintra::app
