// HttpServer: a small HTTP/1.1 server (Boost.Beast over Asio) that turns each request into a
// call of one Handler and writes back the Response the handler gives — now or later, from any
// thread (an order's answer comes from the engine's publisher thread).
//
// Owns: the listening socket, one io_context run by a small fixed pool of I/O threads, and the
// connections. Beast types stay in http_server.cpp (one translation unit compiles Beast), so
// users of this header see only Request / Response / Handler.
//
// Per connection (a Beast session on its own strand): requests are read one at a time; the next
// is read only after the answer to the previous one is written (keep-alive, no concurrent
// pipelining). Limits, all answered with a JSON error {"code","message","field"}:
//  * a body over maxBodyBytes: 413 and the connection closes (after reading what the client
//    still sends, up to a bound, so that it sees the answer rather than a reset);
//  * headers over maxHeaderBytes: 431 and close; an unparsable request: 400 and close;
//  * no complete request within readTimeout (idle keep-alive included): the connection closes
//    (Beast closes the socket on its timer, so there is no 408 to send);
//  * more than maxConnections open connections: 503 and close at once.
// A handler must call its Respond exactly once; an exception thrown by a handler is answered
// with 500 (the server keeps serving).
//
// WebSocket (when ServerOptions::webSocket is set): a GET of webSocketPath carrying
// `Upgrade: websocket` becomes a WebSocket connection (websocket_transport.hpp: the application
// gets a WebSocketTransport and returns a WebSocketHandler); a plain GET of that path is answered
// 426. Such a connection counts against maxConnections like any other; a message over
// webSocketMaxMessageBytes closes it (1009), and a peer silent past webSocketIdleTimeout (Beast
// pings it at half that time) is dropped.
//
// Threading: start() and stop() from one controlling thread. The handler runs on the I/O
// threads, concurrently for different connections. Respond may be called from any thread; it
// posts the write to the connection's strand.
// Known limits: no TLS, no `Expect: 100-continue` (curl waits a second before sending a body
// over 1 KiB), no chunked responses, no HTTP/2.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/websocket_transport.hpp"
#include "core/result.hpp"

namespace alphintra::api::http {

enum class Method : std::uint8_t { Get, Post, Put, Patch, Delete, Head, Options, Other };

struct Request {
  Method method = Method::Other;
  std::string path;   // the target before '?', not decoded
  std::string query;  // after '?', not decoded ("" when none)
  std::string body;
  std::string contentType;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in arrival order
  std::string peer;                                          // the client's address ("127.0.0.1")

  // The first header of that (lower-case) name; empty when absent.
  std::string_view header(std::string_view lowerName) const noexcept {
    for (const auto& [name, value] : headers) {
      if (name == lowerName) return value;
    }
    return {};
  }
};

struct Response {
  Response() = default;
  Response(unsigned s, std::string b, std::string type = "application/json")
      : status(s), body(std::move(b)), contentType(std::move(type)) {}

  unsigned status = 200;
  std::string body;  // JSON text
  std::string contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (e.g. Retry-After)
};

// Calls the connection back with its answer; call exactly once, from any thread.
using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request&&, Respond)>;

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  std::uint16_t port = 8080;       // 0: any free port (see HttpServer::port)
  std::size_t ioThreads = 2;
  std::size_t maxConnections = 256;
  std::size_t maxBodyBytes = 64 * 1024;
  std::uint32_t maxHeaderBytes = 16 * 1024;
  std::chrono::milliseconds readTimeout{15'000};
  std::function<void(std::string_view)> log;
  // WebSocket upgrades (none when webSocket is empty).
  std::string webSocketPath = "/api/v1/ws";
  WebSocketAccept webSocket;
  std::size_t webSocketMaxMessageBytes = 64 * 1024;
  std::chrono::milliseconds webSocketIdleTimeout{60'000};
  // HTTPS (and WSS) when both are set: PEM files, read once at start (errors name tls-cert or
  // tls-key). TLS 1.2 and 1.3 only.
  std::string tlsCertificateFile;
  std::string tlsPrivateKeyFile;
};

// The JSON error body every error answer carries.
std::string errorBody(std::string_view code, std::string_view message, std::string_view field = "");
Response errorResponse(unsigned status, std::string_view code, std::string_view message, std::string_view field = "");

class HttpServer {
 public:
  // Binds and starts listening and the I/O threads. An error names the address when binding fails.
  static Result<std::unique_ptr<HttpServer>> start(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const noexcept;
  // Closes the listening socket: no new connections; open ones are still served.
  void stopAccepting();
  // Stops the I/O threads and closes every connection. Idempotent.
  void stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace alphintra::api::http
