// The WebSocket API's hooks into `alphintra serve`: book depth read on the engine thread for
// the hub's book channel, and access tokens verified by the AuthService.
#pragma once

#include <functional>

#include "api/http/websocket_hub.hpp"
#include "auth/auth_service.hpp"
#include "engine/runtime.hpp"

namespace alphintra::app {

// Depth through `inspect` (EngineRuntime::inspect): the query copies the levels on the engine
// thread; the caller waits for it at most `timeout` (false then, and the late answer is dropped).
api::http::WsHub::DepthSampler engineDepthSampler(std::function<bool(engine::EngineRuntime::Query)> inspect,
                                                  std::chrono::milliseconds timeout = std::chrono::milliseconds{1'000});

// The authenticate op's check: a valid, unexpired access token of an enabled user.
api::http::WsHub::Authenticate accessTokenVerifier(const auth::AuthService& auth);

}  // namespace alphintra::app
