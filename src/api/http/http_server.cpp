// HttpServer over Boost.Beast (see http_server.hpp for the contract and the limits).
//
// One Listener accepts on its own strand and hands each socket to a Session on a new strand;
// all of a session's work (read, handler call, write) runs on that strand, and a Respond called
// from another thread posts its write there. A Session lives as long as an operation or a
// Respond holds it (shared_ptr). An accepted WebSocket upgrade moves the socket into a
// WsConnection on the same strand, which reads messages one at a time and writes the frames
// its handler hands out, one at a time (websocket_transport.hpp).
#include "api/http/http_server.hpp"
#include "core/thread_name.hpp"

#include <fmt/format.h>
#include <cctype>

#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace alphintra::api::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
// Streams typed on their strand, not on Beast's default type-erased `any_io_executor`: every
// asynchronous operation asks its executor for outstanding-work tracking, which for a type-erased
// strand builds a new erased copy (a heap allocation and a reference count) each time, on every
// read and write of every request.
using StrandExecutor = net::strand<net::io_context::executor_type>;
using StrandSocket = net::basic_stream_socket<tcp, StrandExecutor>;
using PlainStream = beast::basic_stream<tcp, StrandExecutor, beast::unlimited_rate_policy>;
using TlsStream = beast::ssl_stream<PlainStream>;

namespace {

// After a 413/431/400 the client may still be sending; read (and drop) at most this much, for
// at most kLingerTime, so that it reads our answer instead of a connection reset.
constexpr std::size_t kLingerBytes = 1 << 20;
constexpr std::chrono::seconds kLingerTime{2};

Method toMethod(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return Method::Get;
    case bhttp::verb::post: return Method::Post;
    case bhttp::verb::put: return Method::Put;
    case bhttp::verb::patch: return Method::Patch;
    case bhttp::verb::delete_: return Method::Delete;
    case bhttp::verb::head: return Method::Head;
    case bhttp::verb::options: return Method::Options;
    default: return Method::Other;
  }
}

struct Shared {
  ServerOptions options;
  Handler handler;
  std::unique_ptr<ssl::context> tls;  // set when the server speaks TLS
  std::atomic<std::size_t> connections{0};
  net::io_context* ioc = nullptr;

  // Answers given on other threads (the publisher answers orders), each a task to run on its
  // session's strand. One drain is posted per burst: an answer given while a drain is pending
  // only joins the queue, so a burst costs one post and at most one I/O thread wake-up instead
  // of one per answer (the wake-ups were most of the publisher's time under load).
  std::mutex answersMutex;
  std::vector<std::function<void()>> answers;
  bool drainPosted = false;

  void log(std::string_view line) const {
    if (options.log) options.log(line);
  }
};

void queueAnswer(const std::shared_ptr<Shared>& shared, std::function<void()> task) {
  {
    std::lock_guard lock(shared->answersMutex);
    shared->answers.push_back(std::move(task));
    if (shared->drainPosted) return;
    shared->drainPosted = true;
  }
  net::post(*shared->ioc, [shared] {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard lock(shared->answersMutex);
      batch.swap(shared->answers);
      shared->drainPosted = false;
    }
    for (auto& answer : batch) answer();  // each dispatches onto its session's strand (inline when free)
  });
}

bool isParseError(const beast::error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category();
}

// One WebSocket connection (see websocket_transport.hpp for the pull model). Counts itself as
// an open connection for its lifetime, like a Session.
template <class Stream>
class WsConnection : public WebSocketTransport, public std::enable_shared_from_this<WsConnection<Stream>> {
  using std::enable_shared_from_this<WsConnection<Stream>>::shared_from_this;
  using std::enable_shared_from_this<WsConnection<Stream>>::weak_from_this;

 public:
  WsConnection(Stream&& stream, std::shared_ptr<Shared> shared) : ws_(std::move(stream)), shared_(std::move(shared)) {
    shared_->connections.fetch_add(1, std::memory_order_relaxed);
  }
  ~WsConnection() override {
    notifyClosed();
    shared_->connections.fetch_sub(1, std::memory_order_relaxed);
  }
  WsConnection(const WsConnection&) = delete;
  WsConnection& operator=(const WsConnection&) = delete;

  // On the strand of the Session that read the upgrade request.
  void start(bhttp::request<bhttp::string_body>&& upgrade, const Request& request) {
    handler_ = shared_->options.webSocket(request, weak_from_this());
    if (!handler_) return;                         // refused: dropping the socket closes it
    beast::get_lowest_layer(ws_).expires_never();  // the websocket stream's own timeouts from here on
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds{10};
    timeouts.idle_timeout = shared_->options.webSocketIdleTimeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) { response.set(bhttp::field::server, "alphintra"); }));
    ws_.read_message_max(shared_->options.webSocketMaxMessageBytes);
    upgrade_ = std::move(upgrade);
    ws_.async_accept(upgrade_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->notifyClosed();
      self->accepted_ = true;
      self->read();
      self->writeNext();
    });
  }

  void wake() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->writeNext(); });
  }

  void close(std::uint16_t code, std::string reason) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
      if (self->closeRequested_) return;
      self->closeRequested_ = true;
      self->closeReason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
      if (!self->writing_ && self->accepted_) self->writeNext();  // the queued frames, then the close
    });
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->notifyClosed();  // closed by either side, idle timeout, too big, reset
      const std::string payload = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      try {
        self->handler_->onMessage(payload, self->ws_.got_binary());
      } catch (const std::exception& e) {
        self->shared_->log(fmt::format("http: websocket handler failed: {}", e.what()));
        return self->close(1011, "internal error");
      }
      self->read();
    });
  }

  void writeNext() {
    if (!accepted_ || writing_ || closeSent_ || closedNotified_) return;
    current_ = handler_->nextFrame();
    if (!current_) {
      if (closeRequested_) sendClose();  // after every frame the handler still had queued
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(*current_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      self->current_.reset();
      if (ec) return;  // the pending read reports the failure
      self->writeNext();
    });
  }

  void sendClose() {
    if (closeSent_) return;
    closeSent_ = true;
    ws_.async_close(closeReason_, [self = shared_from_this()](beast::error_code) {});
  }

  void notifyClosed() {
    if (closedNotified_ || !handler_) return;
    closedNotified_ = true;
    handler_->onClosed();
  }

  websocket::stream<Stream> ws_;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<WebSocketHandler> handler_;
  bhttp::request<bhttp::string_body> upgrade_;
  beast::flat_buffer buffer_;
  std::shared_ptr<const std::string> current_;  // the frame being written
  websocket::close_reason closeReason_;
  bool accepted_ = false;
  bool writing_ = false;
  bool closeRequested_ = false;
  bool closeSent_ = false;
  bool closedNotified_ = false;
};

// Stream is PlainStream (plain HTTP) or TlsStream (HTTPS: a TLS handshake first, under the
// read timeout, and a close_notify before the TCP shutdown).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  // The acceptor has counted this connection already; the destructor uncounts it.
  Session(StrandSocket&& socket, std::shared_ptr<Shared> shared, bool overCapacity)
      : stream_(makeStream(std::move(socket), *shared)), shared_(std::move(shared)), overCapacity_(overCapacity) {}
  ~Session() { shared_->connections.fetch_sub(1, std::memory_order_relaxed); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->handshake(); });
  }

 private:
  static Stream makeStream(StrandSocket&& socket, Shared& shared) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *shared.tls);
    } else {
      (void)shared;
      return Stream(std::move(socket));
    }
  }

  PlainStream& tcpStream() { return beast::get_lowest_layer(stream_); }

  void handshake() {
    if constexpr (kTls) {
      tcpStream().expires_after(shared_->options.readTimeout);
      stream_.async_handshake(ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
        if (ec) return;  // not TLS, a bad certificate on the client's side, a timeout: nobody to answer
        self->begin();
      });
    } else {
      begin();
    }
  }

  void begin() {
    if (overCapacity_) {
      return write(errorResponse(503, "too_many_connections",
                                 fmt::format("the server holds {} connections already; retry later",
                                             shared_->options.maxConnections)),
                   Close::Now);
    }
    read();
  }

  void read() {
    parser_.emplace();
    parser_->header_limit(shared_->options.maxHeaderBytes);
    parser_->body_limit(shared_->options.maxBodyBytes);
    tcpStream().expires_after(shared_->options.readTimeout);
    bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::onRead, shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == bhttp::error::end_of_stream) return shutdownSend();
    if (ec == beast::error::timeout) return;  // Beast closed the socket when the timer fired
    if (ec == bhttp::error::body_limit) {
      return write(errorResponse(413, "body_too_large",
                                 fmt::format("the request body is larger than the {} bytes allowed",
                                             shared_->options.maxBodyBytes)),
                   Close::AfterDraining);
    }
    if (ec == bhttp::error::header_limit) {
      return write(errorResponse(431, "headers_too_large",
                                 fmt::format("the request line and headers are larger than the {} bytes allowed",
                                             shared_->options.maxHeaderBytes)),
                   Close::AfterDraining);
    }
    if (ec) {
      if (isParseError(ec)) {
        return write(errorResponse(400, "bad_http", fmt::format("malformed HTTP request: {}", ec.message())),
                     Close::AfterDraining);
      }
      return;  // the connection failed (reset, ...): nobody to answer
    }

    bhttp::request<bhttp::string_body> message = parser_->release();
    keepAlive_ = message.keep_alive();
    version_ = message.version();
    Request request;
    request.method = toMethod(message.method());
    const auto rawTarget = message.target();
    const std::string_view target(rawTarget.data(), rawTarget.size());
    const std::size_t q = target.find('?');
    request.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
    const auto contentType = message[bhttp::field::content_type];
    request.contentType.assign(contentType.data(), contentType.size());
    request.body = std::move(message.body());
    request.headers.reserve(16);
    for (const auto& field : message) {
      std::string name(field.name_string().data(), field.name_string().size());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string(field.value().data(), field.value().size()));
    }
    request.peer = peer();

    if (shared_->options.webSocket && request.path == shared_->options.webSocketPath) {
      if (!websocket::is_upgrade(message)) {
        return write(
            errorResponse(426, "upgrade_required",
                          fmt::format("{} is a WebSocket endpoint: send GET with Upgrade: websocket", request.path)),
            keepAlive_ ? Close::No : Close::Now);
      }
      // The socket moves to the WebSocket connection; this Session ends when this call returns.
      std::make_shared<WsConnection<Stream>>(std::move(stream_), shared_)->start(std::move(message), request);
      return;
    }

    // No read timer while the handler works: an order waits for the engine, under its own timeout.
    tcpStream().expires_never();
    auto answered = std::make_shared<std::atomic<bool>>(false);
    Respond respond = [self = shared_from_this(), answered](Response response) {
      if (answered->exchange(true)) return;  // exactly once
      queueAnswer(self->shared_, [self, response = std::move(response)]() mutable {
        net::dispatch(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
          self->write(std::move(response), self->keepAlive_ ? Close::No : Close::Now);
        });
      });
    };
    try {
      shared_->handler(std::move(request), respond);
    } catch (const std::exception& e) {
      shared_->log(fmt::format("http: handler failed: {}", e.what()));
      respond(errorResponse(500, "internal_error", "the server failed to handle the request"));
    }
  }

  enum class Close : std::uint8_t { No, Now, AfterDraining };

  void write(Response response, Close close) {
    response_.emplace(static_cast<bhttp::status>(response.status), version_ == 0 ? 11u : version_);
    response_->set(bhttp::field::server, "alphintra");
    response_->set(bhttp::field::content_type, response.contentType);
    for (const auto& [name, value] : response.headers) response_->set(name, value);
    response_->body() = std::move(response.body);
    response_->keep_alive(close == Close::No);
    response_->prepare_payload();
    tcpStream().expires_after(shared_->options.readTimeout);
    bhttp::async_write(stream_, *response_, [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
      if (ec) return;
      switch (close) {
        case Close::No: return self->read();
        case Close::Now: return self->shutdownSend();
        case Close::AfterDraining: return self->drain();
      }
    });
  }

  // The client's address, asked of the socket once per connection (a system call per request
  // otherwise); empty when the socket cannot say.
  const std::string& peer() {
    if (!peerKnown_) {
      peerKnown_ = true;
      beast::error_code ec;
      const auto remote = tcpStream().socket().remote_endpoint(ec);
      if (!ec) peer_ = remote.address().to_string();
    }
    return peer_;
  }

  void shutdownSend() {
    if constexpr (kTls) {
      if (!tlsClosed_) {  // close_notify first, then the TCP half-close
        tlsClosed_ = true;
        tcpStream().expires_after(kLingerTime);
        return stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->shutdownSend(); });
      }
    }
    beast::error_code ignored;
    tcpStream().socket().shutdown(net::socket_base::shutdown_send, ignored);
  }

  // Lingering close: stop sending, then read and drop what the client still sends (bounded).
  void drain() {
    if constexpr (kTls) {
      // A TLS stream cannot read while its shutdown waits for the peer's close_notify: close.
      return shutdownSend();
    }
    shutdownSend();
    tcpStream().expires_after(kLingerTime);
    drainMore();
  }
  void drainMore() {
    stream_.async_read_some(net::buffer(drainBuffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (!ec && self->drained_ < kLingerBytes) self->drainMore();
                            });
  }

  Stream stream_;
  std::shared_ptr<Shared> shared_;
  bool overCapacity_;
  bool tlsClosed_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  bool keepAlive_ = false;
  unsigned version_ = 11;
  std::string peer_;
  bool peerKnown_ = false;
  std::array<char, 16 * 1024> drainBuffer_{};
  std::size_t drained_ = 0;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, std::shared_ptr<Shared> shared)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)), shared_(std::move(shared)) {}

  std::optional<std::string> listen(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return ec.message();
    port_ = acceptor_.local_endpoint().port();
    return std::nullopt;
  }

  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::onAccept, shared_from_this()));
  }

  // Closes the acceptor on its strand and waits until it is closed.
  void close() {
    std::promise<void> done;
    net::dispatch(acceptor_.get_executor(), [this, &done] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      done.set_value();
    });
    done.get_future().wait();
  }

  std::uint16_t port() const noexcept { return port_; }

 private:
  void onAccept(beast::error_code ec, StrandSocket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // closed
    if (ec) {
      shared_->log(fmt::format("http: accept failed: {}", ec.message()));
    } else {
      const std::size_t open = shared_->connections.fetch_add(1, std::memory_order_relaxed) + 1;
      const bool over = open > shared_->options.maxConnections;
      if (shared_->tls) {
        std::make_shared<Session<TlsStream>>(std::move(socket), shared_, over)->run();
      } else {
        std::make_shared<Session<PlainStream>>(std::move(socket), shared_, over)->run();
      }
    }
    accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  std::shared_ptr<Shared> shared_;
  std::uint16_t port_ = 0;
};

// TLS 1.2 and 1.3 only, no compression or renegotiation; the certificate chain and key in PEM.
Result<std::unique_ptr<ssl::context>> tlsContext(const ServerOptions& opts) {
  if (opts.tlsCertificateFile.empty()) return makeError("tls-cert", "a TLS private key needs its certificate");
  if (opts.tlsPrivateKeyFile.empty()) return makeError("tls-key", "a TLS certificate needs its private key");
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  beast::error_code ec;
  context->use_certificate_chain_file(opts.tlsCertificateFile, ec);
  if (ec) {
    return makeError("tls-cert", fmt::format("cannot use \"{}\" as a PEM certificate chain: {}",
                                             opts.tlsCertificateFile, ec.message()));
  }
  context->use_private_key_file(opts.tlsPrivateKeyFile, ssl::context::pem, ec);
  if (ec) {
    return makeError("tls-key",
                     fmt::format("cannot use \"{}\" as a PEM private key: {}", opts.tlsPrivateKeyFile, ec.message()));
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return makeError("tls-key", fmt::format("\"{}\" is not the private key of the certificate in \"{}\"",
                                            opts.tlsPrivateKeyFile, opts.tlsCertificateFile));
  }
  return context;
}

}  // namespace

struct HttpServer::Impl {
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::shared_ptr<Shared> shared;
  std::shared_ptr<Listener> listener;
  std::vector<std::thread> threads;
  bool acceptorClosed = false;
  bool stopped = false;

  explicit Impl(int threadHint) : ioc(threadHint) {}
};

Result<std::unique_ptr<HttpServer>> HttpServer::start(ServerOptions options, Handler handler) {
  if (options.ioThreads == 0) options.ioThreads = 1;
  beast::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) return makeError("host", fmt::format("\"{}\" is not an IP address: {}", options.host, ec.message()));

  auto impl = std::make_unique<Impl>(static_cast<int>(options.ioThreads));
  impl->shared = std::make_shared<Shared>();
  impl->shared->ioc = &impl->ioc;
  impl->shared->options = std::move(options);
  impl->shared->handler = std::move(handler);
  const ServerOptions& opts = impl->shared->options;
  if (!opts.tlsCertificateFile.empty() || !opts.tlsPrivateKeyFile.empty()) {
    auto tls = tlsContext(opts);
    if (!tls.ok()) return tls.error();
    impl->shared->tls = std::move(tls).value();
  }
  impl->listener = std::make_shared<Listener>(impl->ioc, impl->shared);
  if (auto failure = impl->listener->listen(tcp::endpoint(address, opts.port))) {
    return makeError("port", fmt::format("cannot listen on {}:{}: {}", opts.host, opts.port, *failure));
  }
  impl->listener->accept();
  impl->work.emplace(impl->ioc.get_executor());
  for (std::size_t i = 0; i < opts.ioThreads; ++i) {
    impl->threads.emplace_back([raw = impl.get()] {
      nameThisThread("http-io");
      for (;;) {
        try {
          raw->ioc.run();
          return;
        } catch (const std::exception& e) {  // a handler threw past its session: log, keep serving
          raw->shared->log(fmt::format("http: I/O thread caught: {}", e.what()));
        }
      }
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const noexcept { return impl_->listener->port(); }

void HttpServer::stopAccepting() {
  if (impl_->acceptorClosed || impl_->stopped) return;
  impl_->acceptorClosed = true;
  impl_->listener->close();
}

void HttpServer::stop() {
  if (impl_->stopped) return;
  stopAccepting();
  impl_->stopped = true;
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace alphintra::api::http
