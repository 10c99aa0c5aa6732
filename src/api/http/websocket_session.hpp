// WsSession: one client of the WebSocket API (docs/api.md) — its requests in, its frames out.
//
// Requests are handled in arrival order: parsed (websocket_protocol.hpp), refused with an
// error naming the field, or carried out and acknowledged by id. Nothing but authenticate and
// ping is accepted before a successful authenticate. Subscriptions live in the hub
// (websocket_hub.hpp), which pushes the channels' frames here.
//
// Outgoing frames wait in a bounded queue that the transport drains one frame at a time
// (websocket_transport.hpp). The bound is the slow-consumer policy: a push that would take the
// queue past maxQueuedFrames or maxQueuedBytes drops what waits and closes the connection with
// 1008 "slow consumer" — memory per client stays bounded, and the publisher never waits on a
// client. Frames are shared (one formatted string for every subscriber of a message).
//
// Threading: onMessage, nextFrame and onClosed on the connection's strand; push from any
// thread (the publisher, the hub's sampler, the strand itself). A mutex guards the queue (held
// for a push or a pop).
// Requests are rate-limited per connection (WsLimits::messages), before they are parsed.
// Known limits: a session stays authenticated after its token expires (the token is checked
// once, at authenticate; another authenticate replaces the principal).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/rate_limiter.hpp"
#include "api/http/websocket_transport.hpp"
#include "auth/principal.hpp"

namespace alphintra::api::http {

class WsHub;

struct WsLimits {
  std::size_t maxQueuedFrames = 4096;
  std::size_t maxQueuedBytes = 4u << 20;
  // Requests a client may send: a token bucket per connection (perSecond 0: no limit). A
  // message over it is not handled and is answered with error rate_limited; a client still
  // sending after `burst` refusals in a row is closed with 1008 "rate limit exceeded".
  RateLimit messages{50, 100};
  std::function<std::int64_t()> monotonicNanos;  // the bucket's clock (default: steady_clock)
};

class WsSession : public WebSocketHandler, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(WsHub& hub, std::weak_ptr<WebSocketTransport> transport, WsLimits limits);

  void onMessage(std::string_view payload, bool binary) override;
  std::shared_ptr<const std::string> nextFrame() override;
  void onClosed() override;

  // Queues a frame for the client. False when the session is closed or closing — also when this
  // push overflowed the queue (the session then closes as a slow consumer); the caller stops
  // sending to it. Never calls back into the hub.
  bool push(std::shared_ptr<const std::string> frame);
  bool push(std::string frame) { return push(std::make_shared<const std::string>(std::move(frame))); }

  bool closing() const;
  bool slowConsumer() const;
  std::size_t queuedFrames() const;

 private:
  void reply(std::string frame);  // push from the strand; a refused push detaches from the hub
  void handle(std::string_view payload);
  bool admit();  // the message rate limit (strand); false: refused (answered or closed)

  WsHub& hub_;
  std::weak_ptr<WebSocketTransport> transport_;
  WsLimits limits_;
  std::optional<auth::Principal> principal_;  // strand only
  TokenBucket messageBucket_;                 // strand only
  std::size_t refusedInRow_ = 0;              // strand only

  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queuedBytes_ = 0;
  bool idle_ = true;  // the transport found the queue empty: the next push wakes it
  bool closing_ = false;
  bool slowConsumer_ = false;
};

}  // namespace alphintra::api::http
