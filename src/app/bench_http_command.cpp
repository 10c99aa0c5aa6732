// `alphintra bench http` and `alphintra bench ws`: load generators for the API (docs/benchmarks.md).
//
// bench http  drives a running `alphintra serve` over loopback: logs in, then sends
//             POST /api/v1/orders over N keep-alive connections from one epoll loop — closed
//             loop (each connection sends its next order when the answer arrives: the maximum
//             sustained rate) or open loop at --rate orders/s (round-trip latency from the write
//             of a request to the last byte of its answer). Orders are IOC buys far below the
//             market: the venue cancels them at once, so the book does not grow.
// bench ws    measures the WebSocket fan-out in process: an HttpServer with a WsHub on a free
//             port, S subscribers over loopback (handshake, authenticate, subscribe quotes),
//             and a publisher thread handing the hub synthetic quotes at --rate per second
//             (the hub's onEvent, as the runtime's publisher does). Reports deliveries/s,
//             publish→receive latency (from the quote's "time") and slow-consumer closes.
// Both print figures and a JSON line last. The clients are single-threaded and minimal (no TLS,
// Content-Length answers only, unmasked server frames of at most 64 KiB).
#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/directory.hpp"
#include "api/http/http_server.hpp"
#include "api/http/websocket_hub.hpp"
#include "app/commands.hpp"

namespace alphintra::app {
namespace {

// epoll_wait with a timeout in nanoseconds (epoll_pwait2, Linux 5.11); where the kernel lacks it,
// epoll_wait with the timeout rounded up to milliseconds.
int waitForEvents(int epoll, std::vector<epoll_event>& events, std::int64_t timeoutNanos) {
  static bool fine = true;
  if (fine) {
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(timeoutNanos / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(timeoutNanos % 1'000'000'000);
    const int n = ::epoll_pwait2(epoll, events.data(), static_cast<int>(events.size()), &ts, nullptr);
    if (n >= 0 || errno != ENOSYS) return n;
    fine = false;
  }
  const int timeoutMs = static_cast<int>((timeoutNanos + 999'999) / 1'000'000);
  return ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), timeoutMs);
}

std::int64_t nowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t wallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int connectTo(const std::string& host, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool sendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// One complete HTTP answer at the front of `in`: its status and total length; nullopt while
// incomplete.
std::optional<std::pair<unsigned, std::size_t>> parseAnswer(std::string_view in) {
  const std::size_t end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  unsigned status = 0;
  if (in.size() < 12) return std::nullopt;
  std::from_chars(in.data() + 9, in.data() + 12, status);
  std::size_t length = 0;
  const std::string_view head = in.substr(0, end);
  for (std::size_t pos = head.find("\r\n"); pos != std::string_view::npos; pos = head.find("\r\n", pos + 2)) {
    const std::string_view line = head.substr(pos + 2, head.find("\r\n", pos + 2) - pos - 2);
    if (line.size() > 15 && strncasecmp(line.data(), "content-length:", 15) == 0) {
      std::string_view value = line.substr(15);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      std::from_chars(value.data(), value.data() + value.size(), length);
    }
  }
  if (in.size() < end + 4 + length) return std::nullopt;
  return std::make_pair(status, end + 4 + length);
}

// A blocking request on a fresh connection (set-up only).
std::optional<std::pair<unsigned, std::string>> blockingRequest(const std::string& host, std::uint16_t port,
                                                                std::string_view method, std::string_view path,
                                                                const std::string& token, const std::string& body) {
  const int fd = connectTo(host, port);
  if (fd < 0) return std::nullopt;
  std::string request =
      fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n", method, path, host);
  if (!token.empty()) request += fmt::format("Authorization: Bearer {}\r\n", token);
  request += fmt::format("Content-Length: {}\r\nConnection: close\r\n\r\n{}", body.size(), body);
  std::string in;
  std::optional<std::pair<unsigned, std::string>> out;
  if (sendAll(fd, request)) {
    char buffer[8192];
    for (;;) {
      if (auto answer = parseAnswer(in)) {
        const std::size_t bodyStart = in.find("\r\n\r\n") + 4;
        out = std::make_pair(answer->first, in.substr(bodyStart, answer->second - bodyStart));
        break;
      }
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      in.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

double percentile(std::vector<std::int64_t>& values, double p) {
  if (values.empty()) return 0;
  const auto k = static_cast<std::size_t>(
      std::min<double>(static_cast<double>(values.size() - 1), std::floor(p * static_cast<double>(values.size()))));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return static_cast<double>(values[k]);
}

// ---- bench http ---------------------------------------------------------------------------

struct BenchHttpArgs {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string username = "admin";
  std::string password;  // default: $ALPHINTRA_ADMIN_PASSWORD
  std::size_t connections = 64;
  double seconds = 10;
  double rate = 0;  // orders/s in all; 0: closed loop
  std::string symbol = "AAPL";
  std::uint64_t account = 1;
  // Poll the sockets without sleeping (a client that keeps its core, as a co-located trading
  // program does): the round trip then holds no wake-up of the client's own thread.
  bool busyPoll = false;
};

struct HttpConnection {
  int fd = -1;
  std::string in;
  bool waiting = false;
  std::int64_t sentAt = 0;
  std::int64_t nextAt = 0;
  std::uint64_t sent = 0;
};

int runBenchHttp(const BenchHttpArgs& args) {
  std::string password = args.password;
  if (password.empty()) {
    if (const char* env = std::getenv("ALPHINTRA_ADMIN_PASSWORD")) password = env;
  }
  const nlohmann::json loginBody = {{"username", args.username}, {"password", password}};
  const auto login = blockingRequest(args.host, args.port, "POST", "/api/v1/auth/login", "", loginBody.dump());
  if (!login || login->first != 200) {
    fmt::print(stderr, "error: login to {}:{} failed: {}\n", args.host, args.port,
               login ? fmt::format("{} {}", login->first, login->second) : std::string("no answer"));
    return 2;
  }
  const std::string token = nlohmann::json::parse(login->second).value("access_token", "");
  const auto instruments = blockingRequest(args.host, args.port, "GET", "/api/v1/instruments", token, "");
  const auto quote =
      blockingRequest(args.host, args.port, "GET", "/api/v1/market-data/quote/" + args.symbol, token, "");
  if (!instruments || instruments->first != 200 || !quote || quote->first != 200) {
    fmt::print(stderr, "error: no instrument list or no quote for {}\n", args.symbol);
    return 2;
  }
  double tick = 0;
  int precision = 0;
  const nlohmann::json list = nlohmann::json::parse(instruments->second);
  for (const auto& i : list["instruments"]) {
    if (i["symbol"] == args.symbol) {
      tick = std::stod(i["tickSize"].get<std::string>());
      precision = i["pricePrecision"].get<int>();
    }
  }
  const auto q = nlohmann::json::parse(quote->second);
  const std::string reference = q.value("bid", q.value("last", std::string("0")));
  if (tick <= 0 || std::stod(reference) <= 0) {
    fmt::print(stderr, "error: {} has no tick size or no price to start from\n", args.symbol);
    return 2;
  }
  // Far below the market, on the tick grid: an IOC buy there is cancelled at once.
  const double price = std::floor(std::stod(reference) * 0.8 / tick) * tick;
  const std::string priceText = fmt::format("{:.{}f}", price, precision);

  std::vector<HttpConnection> connections(args.connections);
  const int epoll = ::epoll_create1(0);
  for (std::size_t i = 0; i < connections.size(); ++i) {
    connections[i].fd = connectTo(args.host, args.port);
    if (connections[i].fd < 0) {
      fmt::print(stderr, "error: cannot open connection {} to {}:{}\n", i, args.host, args.port);
      return 2;
    }
    ::fcntl(connections[i].fd, F_SETFL, O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, connections[i].fd, &ev);
  }

  const std::string head = fmt::format(
      "POST /api/v1/orders HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n",
      args.host, token);
  const auto send = [&](std::size_t i, std::int64_t now) {
    HttpConnection& c = connections[i];
    const std::string body = fmt::format(
        R"({{"symbol":"{}","side":"buy","quantity":"1","orderType":"limit","price":"{}","timeInForce":"ioc","accountId":{},"clientOrderId":"bh{}-{}-{}"}})",
        args.symbol, priceText, args.account, now % 1'000'000'000, i, c.sent);
    std::string request = head;
    request += fmt::format("Content-Length: {}\r\n\r\n", body.size());
    request += body;
    c.sentAt = nowNanos();
    c.waiting = true;
    ++c.sent;
    return sendAll(c.fd, request);  // small: fits the socket buffer; blocking-style retry on EAGAIN is not needed
  };

  const bool openLoop = args.rate > 0;
  const double interval = openLoop ? 1e9 * static_cast<double>(connections.size()) / args.rate : 0;
  const std::int64_t start = nowNanos();
  const auto end = start + static_cast<std::int64_t>(args.seconds * 1e9);
  for (std::size_t i = 0; i < connections.size(); ++i) {
    connections[i].nextAt =
        start + static_cast<std::int64_t>(interval * static_cast<double>(i) / static_cast<double>(connections.size()));
  }
  std::uint64_t ok = 0, refused = 0, failed = 0;
  std::vector<std::int64_t> latencies;
  latencies.reserve(openLoop ? static_cast<std::size_t>(args.rate * args.seconds * 1.1) : 1u << 20);
  std::vector<epoll_event> events(connections.size());
  char buffer[65536];
  std::int64_t now = start;
  while (now < end) {
    std::int64_t wait = openLoop ? end - now : 100'000'000;
    for (std::size_t i = 0; i < connections.size(); ++i) {
      HttpConnection& c = connections[i];
      if (c.waiting) continue;
      if (!openLoop || c.nextAt <= now) {
        if (!send(i, now)) {
          ++failed;
          continue;
        }
        if (openLoop) c.nextAt += static_cast<std::int64_t>(interval);
      } else {
        wait = std::min(wait, c.nextAt - now);
      }
    }
    // Until the next order is due, to the microsecond: a wait rounded up to whole milliseconds
    // (epoll_wait's unit) sent the orders that fell due meanwhile in one burst, each queueing
    // behind the others in the server, which the open loop must not do.
    const int n = waitForEvents(epoll, events, args.busyPoll ? 0 : std::clamp<std::int64_t>(wait, 0, 100'000'000));
    // A busy-polling client hands its core to any thread waiting for one (the server's, on a
    // machine with fewer cores than busy threads) instead of holding it for a time slice.
    if (args.busyPoll && n == 0) sched_yield();
    for (int e = 0; e < n; ++e) {
      HttpConnection& c = connections[events[static_cast<std::size_t>(e)].data.u64];
      for (;;) {
        const ssize_t got = ::recv(c.fd, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        c.in.append(buffer, static_cast<std::size_t>(got));
      }
      while (auto answer = parseAnswer(c.in)) {
        const std::int64_t done = nowNanos();
        if (answer->first >= 200 && answer->first < 300) {
          ++ok;
        } else {
          if (refused == 0) fmt::print(stderr, "first refusal: {}\n", c.in.substr(0, answer->second));
          ++refused;
        }
        if (done < end) latencies.push_back(done - c.sentAt);
        c.in.erase(0, answer->second);
        c.waiting = false;
      }
    }
    now = nowNanos();
  }
  const double elapsed = static_cast<double>(nowNanos() - start) / 1e9;
  for (auto& c : connections) ::close(c.fd);
  ::close(epoll);
  const double p50 = percentile(latencies, 0.50) / 1e3, p99 = percentile(latencies, 0.99) / 1e3,
               p999 = percentile(latencies, 0.999) / 1e3;
  fmt::print("{} connections, {}, {:.1f} s: {} answered 2xx, {} refused, {} send failures\n", connections.size(),
             openLoop ? fmt::format("open loop at {:.0f} orders/s", args.rate) : std::string("closed loop"), elapsed,
             ok, refused, failed);
  fmt::print("throughput   {:.0f} orders/s answered\n", static_cast<double>(ok + refused) / elapsed);
  fmt::print("round trip   p50 {:.0f} us, p99 {:.0f} us, p99.9 {:.0f} us\n", p50, p99, p999);
  fmt::print(
      R"({{"bench":"http","ok":{},"connections":{},"rate":{},"seconds":{:.2f},"answered2xx":{},"refused":{},"ordersPerSecond":{:.0f},"p50Us":{:.1f},"p99Us":{:.1f},"p999Us":{:.1f}}})"
      "\n",
      refused == 0 && failed == 0 && ok > 0, connections.size(), args.rate, elapsed, ok, refused,
      static_cast<double>(ok + refused) / elapsed, p50, p99, p999);
  return ok > 0 ? 0 : 1;
}

// ---- bench ws -----------------------------------------------------------------------------

struct BenchWsArgs {
  std::size_t subscribers = 100;
  double rate = 1'000;  // quotes published per second (each goes to every subscriber)
  double seconds = 5;
  std::size_t ioThreads = 2;
};

std::string maskedText(std::string_view payload) {
  std::string frame;
  frame.push_back(static_cast<char>(0x81));
  if (payload.size() < 126) {
    frame.push_back(static_cast<char>(0x80 | payload.size()));
  } else {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>((payload.size() >> 8) & 0xff));
    frame.push_back(static_cast<char>(payload.size() & 0xff));
  }
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  frame.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return frame;
}

int runBenchWs(const BenchWsArgs& args) {
  InstrumentSpec spec;
  spec.id = 1;
  spec.symbol = "AAPL";
  spec.tickSize = "0.01";
  api::Directory directory;
  directory.addInstrument(Instrument::create(spec).value());
  api::http::WsHub hub(directory,
                       [](std::string_view) -> Result<auth::Principal> {
                         return auth::Principal{"bench", {auth::Role::Admin}, {}};
                       },
                       {}, {});
  api::http::ServerOptions options;
  options.port = 0;
  options.ioThreads = args.ioThreads;
  options.maxConnections = args.subscribers + 16;
  options.webSocket = [&hub](const api::http::Request&, std::weak_ptr<api::http::WebSocketTransport> t) {
    return std::shared_ptr<api::http::WebSocketHandler>(hub.accept(std::move(t)));
  };
  auto server = api::http::HttpServer::start(options, [](api::http::Request&&, api::http::Respond respond) {
    respond(api::http::errorResponse(404, "not_found", "bench"));
  });
  if (!server.ok()) {
    fmt::print(stderr, "error: {}\n", server.error().message);
    return 2;
  }
  const std::uint16_t port = server.value()->port();

  struct Subscriber {
    int fd = -1;
    std::string in;
    std::uint64_t messages = 0;
    bool closed = false;
  };
  std::vector<Subscriber> subscribers(args.subscribers);
  const int epoll = ::epoll_create1(0);
  for (std::size_t i = 0; i < subscribers.size(); ++i) {
    Subscriber& s = subscribers[i];
    s.fd = connectTo("127.0.0.1", port);
    const std::string upgrade = fmt::format(
        "GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        port);
    if (s.fd < 0 || !sendAll(s.fd, upgrade)) {
      fmt::print(stderr, "error: subscriber {} cannot connect\n", i);
      return 2;
    }
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && ::recv(s.fd, &c, 1, 0) == 1) head.push_back(c);
    if (!head.starts_with("HTTP/1.1 101")) {
      fmt::print(stderr, "error: subscriber {}: no upgrade: {}\n", i, head.substr(0, 40));
      return 2;
    }
    sendAll(s.fd, maskedText(R"({"id":1,"op":"authenticate","token":"bench"})"));
    sendAll(s.fd, maskedText(R"({"id":2,"op":"subscribe","channel":"quotes","symbols":["AAPL"]})"));
    ::fcntl(s.fd, F_SETFL, O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, s.fd, &ev);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds{300});  // subscriptions in place

  std::atomic<bool> publishing{true};
  std::atomic<std::uint64_t> published{0};
  std::thread publisher([&] {
    engine::EngineEvent e;
    e.kind = engine::EventKind::Quote;
    e.body.quote = engine::QuoteReport{};
    e.body.quote.instrument = InstrumentId{1};
    e.body.quote.bidQuantity = Quantity::fromRaw(100);
    e.body.quote.askQuantity = Quantity::fromRaw(100);
    const std::int64_t start = nowNanos();
    const double interval = 1e9 / args.rate;
    std::uint64_t k = 0;
    while (publishing.load(std::memory_order_relaxed)) {
      const auto due = start + static_cast<std::int64_t>(interval * static_cast<double>(k));
      const std::int64_t now = nowNanos();
      if (now < due) {
        if (due - now > 200'000) std::this_thread::sleep_for(std::chrono::nanoseconds{due - now - 100'000});
        continue;
      }
      e.time = Timestamp{wallNanos()};
      e.body.quote.bidPrice = Price::fromRaw(15000 + static_cast<std::int64_t>(k % 100));
      e.body.quote.askPrice = Price::fromRaw(15101 + static_cast<std::int64_t>(k % 100));
      hub.onEvent(e);
      ++k;
      published.store(k, std::memory_order_relaxed);
    }
  });

  std::vector<std::int64_t> latencies;
  latencies.reserve(1u << 22);
  std::uint64_t delivered = 0, closes = 0,
                sampleEvery = std::max<std::uint64_t>(
                    1, static_cast<std::uint64_t>(args.rate * static_cast<double>(args.subscribers) / 200'000));
  std::vector<epoll_event> events(subscribers.size());
  char buffer[1 << 16];
  const std::int64_t start = nowNanos();
  const auto end = start + static_cast<std::int64_t>(args.seconds * 1e9);
  while (nowNanos() < end) {
    const int n = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 50);
    for (int e = 0; e < n; ++e) {
      Subscriber& s = subscribers[events[static_cast<std::size_t>(e)].data.u64];
      for (;;) {
        const ssize_t got = ::recv(s.fd, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        s.in.append(buffer, static_cast<std::size_t>(got));
      }
      std::size_t pos = 0;
      while (s.in.size() - pos >= 2) {
        const auto b0 = static_cast<unsigned char>(s.in[pos]);
        std::size_t length = static_cast<unsigned char>(s.in[pos + 1]) & 0x7f;
        std::size_t headerBytes = 2;
        if (length == 126) {
          if (s.in.size() - pos < 4) break;
          length = (static_cast<std::size_t>(static_cast<unsigned char>(s.in[pos + 2])) << 8) |
                   static_cast<unsigned char>(s.in[pos + 3]);
          headerBytes = 4;
        }
        if (s.in.size() - pos < headerBytes + length) break;
        const std::string_view payload(s.in.data() + pos + headerBytes, length);
        if ((b0 & 0x0f) == 0x8) {
          if (!s.closed) ++closes;
          s.closed = true;
        } else if ((b0 & 0x0f) == 0x1 && payload.starts_with(R"({"type":"quote")")) {
          ++s.messages;
          ++delivered;
          if (delivered % sampleEvery == 0) {
            const std::size_t t = payload.rfind(R"("time":)");
            std::int64_t sentAt = 0;
            if (t != std::string_view::npos) {
              std::from_chars(payload.data() + t + 7, payload.data() + payload.size(), sentAt);
              latencies.push_back(wallNanos() - sentAt);
            }
          }
        }
        pos += headerBytes + length;
      }
      s.in.erase(0, pos);
    }
  }
  const double elapsed = static_cast<double>(nowNanos() - start) / 1e9;
  publishing.store(false);
  publisher.join();
  for (auto& s : subscribers) ::close(s.fd);
  ::close(epoll);
  server.value()->stop();

  const double publishedPerSecond = static_cast<double>(published.load()) / elapsed;
  const double deliveredPerSecond = static_cast<double>(delivered) / elapsed;
  const double p50 = percentile(latencies, 0.5) / 1e3, p99 = percentile(latencies, 0.99) / 1e3;
  const std::uint64_t slow = hub.slowConsumers();
  fmt::print("{} subscribers, quotes published at {:.0f}/s for {:.1f} s\n", subscribers.size(), publishedPerSecond,
             elapsed);
  fmt::print("delivered    {:.0f} messages/s in all ({:.0f} per subscriber)\n", deliveredPerSecond,
             deliveredPerSecond / static_cast<double>(subscribers.size()));
  fmt::print("latency      publish -> received p50 {:.0f} us, p99 {:.0f} us\n", p50, p99);
  fmt::print("slow consumers closed: {} (close frames seen: {})\n", slow, closes);
  fmt::print(
      R"({{"bench":"ws","ok":{},"subscribers":{},"publishedPerSecond":{:.0f},"deliveredPerSecond":{:.0f},"p50Us":{:.1f},"p99Us":{:.1f},"slowConsumers":{}}})"
      "\n",
      delivered > 0 && slow == 0, subscribers.size(), publishedPerSecond, deliveredPerSecond, p50, p99, slow);
  return delivered > 0 ? 0 : 1;
}

}  // namespace

void addBenchHttpCommands(CLI::App& bench) {
  auto http = std::make_shared<BenchHttpArgs>();
  auto* h = bench.add_subcommand("http",
                                 "Order submissions over keep-alive HTTP connections against a running `alphintra "
                                 "serve`: orders/s and round-trip latency (last line: JSON)");
  h->add_option("--host", http->host, "Server address (IPv4)");
  h->add_option("--port", http->port, "Server port")->required();
  h->add_option("--username", http->username, "User to log in as");
  h->add_option("--password", http->password, "Password (default: $ALPHINTRA_ADMIN_PASSWORD)");
  h->add_option("--connections", http->connections, "Keep-alive connections")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  h->add_option("--seconds", http->seconds, "Duration")->check(CLI::Range(0.1, 3600.0));
  h->add_option("--rate", http->rate, "Orders/s in all, open loop (0: closed loop, as fast as answered)")
      ->check(CLI::Range(0.0, 10'000'000.0));
  h->add_option("--symbol", http->symbol, "Instrument of the orders");
  h->add_option("--account", http->account, "Account of the orders");
  h->add_flag("--busy-poll", http->busyPoll,
              "Poll the sockets without sleeping between answers (the client keeps a core)");
  h->callback([http] { setExitCode(runBenchHttp(*http)); });

  auto ws = std::make_shared<BenchWsArgs>();
  auto* w = bench.add_subcommand("ws",
                                 "WebSocket fan-out in process: quotes published to a hub at a rate, delivered to "
                                 "subscribers over loopback (last line: JSON)");
  w->add_option("--subscribers", ws->subscribers, "WebSocket subscribers")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  w->add_option("--rate", ws->rate, "Quotes published per second (each to every subscriber)")
      ->check(CLI::Range(1.0, 10'000'000.0));
  w->add_option("--seconds", ws->seconds, "Duration")->check(CLI::Range(0.1, 3600.0));
  w->add_option("--io-threads", ws->ioThreads, "Server I/O threads")
      ->check(CLI::Range(std::size_t{1}, std::size_t{64}));
  w->callback([ws] { setExitCode(runBenchWs(*ws)); });
}

}  // namespace alphintra::app
