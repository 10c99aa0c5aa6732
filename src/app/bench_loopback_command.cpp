// `alphintra bench loopback`: the floor under every round trip measured over loopback on this
// machine — one TCP connection on 127.0.0.1 between two threads of this process, a fixed-size
// message sent at --rate and echoed back, nothing else done with it. The figures are what the
// FIX and HTTP round trips (docs/benchmarks.md) pay before the server does any work: two
// send/recv pairs through the kernel and, unless both ends poll, two wake-ups of a sleeping
// thread. The last line is one JSON object.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <span>
#include <thread>
#include <vector>

#include "app/commands.hpp"

namespace alphintra::app {
namespace {

struct BenchLoopbackOptions {
  std::size_t messages = 50'000;
  std::uint64_t rate = 10'000;  // messages a second
  std::size_t bytes = 160;      // about a NewOrderSingle
  bool busyPoll = false;        // both ends read without sleeping
};

using Clock = std::chrono::steady_clock;

// Reads exactly out.size() bytes; false when the peer closed or the socket failed.
bool readExactly(int fd, std::span<char> out, bool busyPoll) {
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::recv(fd, out.data() + got, out.size() - got, busyPoll ? MSG_DONTWAIT : 0);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      return false;
    }
  }
  return true;
}

bool writeAll(int fd, std::span<const char> data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void noDelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int runBenchLoopback(const BenchLoopbackOptions& o) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 1) != 0 || ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    fmt::print(stderr, "error: cannot listen on 127.0.0.1: {}\n", std::strerror(errno));
    return 2;
  }
  // The echoing end: reads each message whole and sends it back.
  std::thread echo([&] {
    const int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) return;
    noDelay(fd);
    std::vector<char> message(o.bytes);
    while (readExactly(fd, message, o.busyPoll) && writeAll(fd, message)) {
    }
    ::close(fd);
  });
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    fmt::print(stderr, "error: cannot connect to 127.0.0.1:{}: {}\n", ntohs(address.sin_port), std::strerror(errno));
    ::shutdown(listener, SHUT_RDWR);
    echo.join();
    ::close(listener);
    return 2;
  }
  noDelay(fd);
  std::vector<char> message(o.bytes, 'x');
  std::vector<std::int64_t> latencies;
  latencies.reserve(o.messages);
  const auto interval = std::chrono::nanoseconds(1'000'000'000 / std::max<std::uint64_t>(o.rate, 1));
  const std::size_t warmUp = std::min<std::size_t>(o.messages / 10, 5'000);
  auto due = Clock::now();
  bool ok = true;
  for (std::size_t i = 0; i < o.messages + warmUp && ok; ++i) {
    due += interval;
    std::this_thread::sleep_until(due);
    const auto start = Clock::now();
    ok = writeAll(fd, message) && readExactly(fd, message, o.busyPoll);
    if (i >= warmUp)
      latencies.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
  echo.join();
  ::close(listener);
  if (!ok) {
    fmt::print(stderr, "error: the loopback connection failed after {} messages\n", latencies.size());
    return 2;
  }
  std::sort(latencies.begin(), latencies.end());
  const auto pct = [&](double p) {
    const auto k = std::min(latencies.size() - 1, static_cast<std::size_t>(p * static_cast<double>(latencies.size())));
    return static_cast<double>(latencies[k]) / 1e3;
  };
  const char* mode = o.busyPoll ? "both ends polling" : "both ends sleeping";
  fmt::print(
      "{}-byte TCP echo over 127.0.0.1 at {} messages/s, {}: p50 {:.1f} µs, p90 {:.1f} µs, p99 {:.1f} µs, "
      "p99.9 {:.1f} µs\n",
      o.bytes, o.rate, mode, pct(0.5), pct(0.9), pct(0.99), pct(0.999));
  fmt::print(
      "{{\"bench\":\"loopback\",\"ok\":true,\"messages\":{},\"rate\":{},\"bytes\":{},\"busy_poll\":{},\"p50_us\":{:.1f}"
      ","
      "\"p90_us\":{:.1f},\"p99_us\":{:.1f},\"p999_us\":{:.1f}}}\n",
      latencies.size(), o.rate, o.bytes, o.busyPoll, pct(0.5), pct(0.9), pct(0.99), pct(0.999));
  return 0;
}

}  // namespace

void addBenchLoopbackCommand(CLI::App& bench) {
  auto o = std::make_shared<BenchLoopbackOptions>();
  auto* cmd = bench.add_subcommand(
      "loopback",
      "TCP echo between two threads over 127.0.0.1: the round trip a loopback client pays before any server work "
      "(last line: JSON)");
  cmd->add_option("--messages", o->messages, "Messages timed (after a warm-up of a tenth, at most 5,000)")
      ->check(CLI::Range(std::size_t{100}, std::size_t{10'000'000}));
  cmd->add_option("--rate", o->rate, "Messages a second")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
  cmd->add_option("--bytes", o->bytes, "Message size")->check(CLI::Range(std::size_t{1}, std::size_t{65'536}));
  cmd->add_flag("--busy-poll", o->busyPoll, "Both ends read without sleeping (MSG_DONTWAIT in a loop)");
  cmd->callback([o] { setExitCode(runBenchLoopback(*o)); });
}

}  // namespace alphintra::app
