// The seam between HttpServer's WebSocket connections (Beast, in http_server.cpp) and what an
// application does with them (websocket_session.hpp): two small interfaces, no Beast types.
//
// A connection pulls its outgoing frames: the application queues frames its own way and calls
// wake(); the transport, on its strand, calls nextFrame() until it returns null, writing one
// frame at a time. So the application owns the queue and its bound (the slow-consumer policy),
// and the transport never buffers more than the frame being written.
//
// Threading: wake() and close() from any thread. onMessage(), nextFrame() and onClosed() are
// called on the connection's strand, one at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace alphintra::api::http {

struct Request;

class WebSocketTransport {
 public:
  virtual ~WebSocketTransport() = default;
  // Frames wait: write them (through WebSocketHandler::nextFrame). Cheap when already writing.
  virtual void wake() = 0;
  // Sends a close frame with `code` and `reason` after the frame being written, then closes.
  // Idempotent: the first call's code and reason win.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  // One complete message from the client (text unless `binary`).
  virtual void onMessage(std::string_view payload, bool binary) = 0;
  // The next frame to write, or null when none waits (the next queued frame calls wake again).
  virtual std::shared_ptr<const std::string> nextFrame() = 0;
  // The connection is gone (closed by either side, failed, or the server stopped). Called once.
  virtual void onClosed() = 0;
};

// Called once per accepted upgrade, with the upgrade request; returns the connection's handler.
using WebSocketAccept =
    std::function<std::shared_ptr<WebSocketHandler>(const Request&, std::weak_ptr<WebSocketTransport>)>;

}  // namespace alphintra::api::http
