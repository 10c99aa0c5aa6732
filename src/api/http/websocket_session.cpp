// WsSession (see websocket_session.hpp): request handling and the bounded send queue.
#include "api/http/websocket_session.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <utility>
#include <variant>

#include "api/http/websocket_hub.hpp"
#include "api/http/websocket_protocol.hpp"

namespace alphintra::api::http {

namespace {

std::int64_t steadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

WsSession::WsSession(WsHub& hub, std::weak_ptr<WebSocketTransport> transport, WsLimits limits)
    : hub_(hub), transport_(std::move(transport)), limits_(std::move(limits)) {
  if (!limits_.monotonicNanos) limits_.monotonicNanos = steadyNanos;
  messageBucket_ = TokenBucket::full(limits_.messages, limits_.monotonicNanos());
}

bool WsSession::admit() {
  if (limits_.messages.perSecond <= 0) return true;
  const TokenBucket::Decision d = messageBucket_.take(limits_.messages, limits_.monotonicNanos());
  if (d.allowed) {
    refusedInRow_ = 0;
    return true;
  }
  if (++refusedInRow_ > static_cast<std::size_t>(limits_.messages.burst)) {
    {
      // No frame is added from here on, but those already queued (the answers the client was
      // given) are still written before the close frame: nothing it was told is lost.
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    if (auto transport = transport_.lock()) transport->close(1008, "rate limit exceeded");
    hub_.detach(*this);
    return false;
  }
  reply(wsError(
      WsError{std::nullopt, "rate_limited",
              fmt::format("more than {:g} requests a second on this connection; retry in {} ms",
                          limits_.messages.perSecond, static_cast<long long>(std::ceil(d.retryAfterSeconds * 1000.0))),
              ""}));
  return false;
}

bool WsSession::push(std::shared_ptr<const std::string> frame) {
  bool wake = false;
  bool overflow = false;
  {
    std::lock_guard lock(mutex_);
    if (closing_) return false;
    if (queue_.size() + 1 > limits_.maxQueuedFrames || queuedBytes_ + frame->size() > limits_.maxQueuedBytes) {
      closing_ = true;
      slowConsumer_ = true;
      overflow = true;
      queue_.clear();
      queuedBytes_ = 0;
    } else {
      queuedBytes_ += frame->size();
      queue_.push_back(std::move(frame));
      wake = idle_;
      idle_ = false;
    }
  }
  auto transport = transport_.lock();
  if (overflow) {
    if (transport) transport->close(1008, "slow consumer");
    return false;
  }
  if (wake && transport) transport->wake();
  return true;
}

std::shared_ptr<const std::string> WsSession::nextFrame() {
  std::lock_guard lock(mutex_);
  // While closing, what is still queued drains (a slow consumer's queue was cleared instead).
  if (queue_.empty()) {
    idle_ = true;
    return nullptr;
  }
  std::shared_ptr<const std::string> frame = std::move(queue_.front());
  queue_.pop_front();
  queuedBytes_ -= frame->size();
  return frame;
}

void WsSession::onClosed() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    queue_.clear();
    queuedBytes_ = 0;
  }
  hub_.detach(*this);
}

bool WsSession::closing() const {
  std::lock_guard lock(mutex_);
  return closing_;
}

bool WsSession::slowConsumer() const {
  std::lock_guard lock(mutex_);
  return slowConsumer_;
}

std::size_t WsSession::queuedFrames() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WsSession::reply(std::string frame) {
  if (!push(std::move(frame))) hub_.detach(*this);
}

void WsSession::onMessage(std::string_view payload, bool binary) {
  if (!admit()) return;
  if (binary) {
    return reply(wsError(WsError{std::nullopt, "invalid_request",
                                 "binary frames are not accepted; send each request as a JSON text frame", ""}));
  }
  handle(payload);
}

void WsSession::handle(std::string_view payload) {
  auto parsed = parseWsRequest(payload);
  if (const WsError* error = std::get_if<WsError>(&parsed)) return reply(wsError(*error));
  const WsRequest& request = std::get<WsRequest>(parsed);
  switch (request.op) {
    case WsOp::Ping: return reply(wsAck(request.id));
    case WsOp::Authenticate: {
      auto principal = hub_.authenticate(request.token);
      if (!principal.ok()) {
        return reply(wsError(WsError{request.id, "invalid_token", principal.error().message, "token"}));
      }
      const bool again = principal_.has_value();
      principal_ = std::move(principal).value();
      if (again) hub_.updatePrincipal(*this, *principal_);
      return reply(wsAck(request.id));
    }
    case WsOp::Subscribe:
    case WsOp::Unsubscribe: {
      if (!principal_) {
        return reply(wsError(WsError{request.id, "unauthorized",
                                     fmt::format("authenticate before {} (op authenticate with an access token)",
                                                 request.op == WsOp::Subscribe ? "subscribe" : "unsubscribe"),
                                     "op"}));
      }
      if (request.op == WsOp::Unsubscribe) {
        if (const auto error = hub_.unsubscribe(*this, request)) return reply(wsError(*error));
        return reply(wsAck(request.id));
      }
      // The hub queues the ack itself, ahead of the channel's first message.
      if (const auto error = hub_.subscribe(shared_from_this(), request, *principal_)) return reply(wsError(*error));
      return;
    }
  }
}

}  // namespace alphintra::api::http
