// `alphintra bench fix`: a FIX 4.4 load client against a running `alphintra serve --fix-port`
// over loopback (docs/fix.md, docs/benchmarks.md). It logs on with ResetSeqNumFlag and sends
// limit NewOrderSingles (buy 1 at prices that do not cross, so every order rests and is
// answered by one ExecutionReport New):
//  * latency: --rate orders a second, each timed from just before its write to the arrival of
//    its ExecutionReport(New) (matched by ClOrdID); p50 / p99 / p99.9 / max. The writer sleeps
//    until each order is due (--spin-pacing: spins instead, which keeps a core busy — on a small
//    machine that core is taken from the server being measured);
//  * throughput (--rate 0): all orders written as fast as the socket takes them by one thread
//    while another reads; orders/s from the first write to the last ExecutionReport(New).
// The last line is one JSON object. The client uses the project's own codec to build and read
// messages, and plain blocking sockets (one writer thread, one reader thread).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "api/fix/fix_codec.hpp"
#include "app/commands.hpp"

namespace alphintra::app {
namespace {

namespace fix = api::fix;

struct BenchFixOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string sender = "BENCH";
  std::string target = "ALPHA";
  std::string symbol = "AAPL";
  std::size_t orders = 100'000;
  std::uint64_t rate = 10'000;  // orders a second; 0: as fast as possible
  bool spinPacing = false;
  // The reader polls the socket without sleeping, handing its core to any runnable thread
  // between polls: the round trip then holds no wake-up of the client's own reader.
  bool busyPoll = false;
};

std::int64_t steadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t wallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Client {
 public:
  explicit Client(const BenchFixOptions& o) : o_(o) {}
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }

  bool connect(std::string& error) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(o_.port);
    if (::inet_pton(AF_INET, o_.host.c_str(), &a.sin_addr) != 1) {
      error = "--host is not an IPv4 address";
      return false;
    }
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      error = fmt::format("cannot connect to {}:{}", o_.host, o_.port);
      return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
  }

  fix::MessageWriter& begin(std::string_view type) {
    w_.start(type);
    w_.field(fix::tag::SenderCompID, o_.sender);
    w_.field(fix::tag::TargetCompID, o_.target);
    w_.integer(fix::tag::MsgSeqNum, static_cast<std::int64_t>(seq_++));
    w_.timestamp(fix::tag::SendingTime, wallNanos());
    return w_;
  }

  // An order with ClOrdID "<run>O<i>" into `out` (run: this process's start time, so that ids
  // stay new across runs on one account).
  void order(std::size_t i, std::string& out) {
    fix::MessageWriter& w = begin("D");
    char id[48];
    std::size_t n = fix::formatUnsigned(run_, id);
    id[n++] = 'O';
    n += fix::formatUnsigned(i, id + n);
    w.field(fix::tag::ClOrdID, std::string_view(id, n));
    w.field(fix::tag::Symbol, o_.symbol);
    w.field(fix::tag::Side, '1');
    w.timestamp(fix::tag::TransactTime, wallNanos());
    w.field(fix::tag::OrderQty, '1');
    w.field(fix::tag::OrdType, '2');
    w.decimal(fix::tag::Price, 100 + static_cast<std::int64_t>(i % 100), 2);
    w.field(fix::tag::TimeInForce, '1');
    out.append(w.finish());
  }

  bool writeAll(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads messages, calling onMessage(view) for each, until it returns false or the link drops.
  template <typename Fn>
  bool readUntil(Fn&& onMessage) {
    for (;;) {
      std::size_t pos = 0;
      while (pos < length_) {
        const fix::Frame f = fix::frame(std::string_view(in_.data() + pos, length_ - pos));
        if (f.status == fix::FrameStatus::NeedMore) break;
        if (f.status == fix::FrameStatus::Complete) {
          view_.parse(std::string_view(in_.data() + pos, f.length));
          pos += f.length;
          if (!onMessage(view_)) {
            std::memmove(in_.data(), in_.data() + pos, length_ - pos);
            length_ -= pos;
            return true;
          }
        } else {
          pos += f.length;
        }
      }
      std::memmove(in_.data(), in_.data() + pos, length_ - pos);
      length_ -= pos;
      const ssize_t n = ::recv(fd_, in_.data() + length_, in_.size() - length_, o_.busyPoll ? MSG_DONTWAIT : 0);
      if (n < 0 && o_.busyPoll && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        sched_yield();
        continue;
      }
      if (n <= 0) return false;
      length_ += static_cast<std::size_t>(n);
    }
  }

 private:
  const BenchFixOptions& o_;
  int fd_ = -1;
  std::uint64_t seq_ = 1;
  std::uint64_t run_ = static_cast<std::uint64_t>(wallNanos() / 1'000'000) % 100'000'000;
  fix::MessageWriter w_;
  std::vector<char> in_ = std::vector<char>(1 << 20);
  std::size_t length_ = 0;
  fix::MessageView view_;
};

// The order index from a ClOrdID "<run>O<i>"; -1 for anything else.
std::int64_t orderIndex(const fix::MessageView& m) {
  const auto id = m.get(fix::tag::ClOrdID);
  const std::size_t o = id ? id->find('O') : std::string_view::npos;
  if (o == std::string_view::npos) return -1;
  const auto i = fix::parseUnsigned(id->substr(o + 1));
  return i ? static_cast<std::int64_t>(*i) : -1;
}

bool isNewReport(const fix::MessageView& m) {
  return m.msgType() == "8" && m.get(fix::tag::ExecType) == std::optional<std::string_view>("0");
}

int runBenchFix(const BenchFixOptions& o) {
  Client client(o);
  std::string error;
  if (!client.connect(error)) {
    fmt::print(stderr, "error: {}\n", error);
    return 2;
  }
  {
    fix::MessageWriter& w = client.begin("A");
    w.field(fix::tag::EncryptMethod, '0');
    w.integer(fix::tag::HeartBtInt, 30);
    w.field(fix::tag::ResetSeqNumFlag, 'Y');
    client.writeAll(w.finish());
  }
  bool loggedOn = false;
  client.readUntil([&](const fix::MessageView& m) {
    loggedOn = m.msgType() == "A";
    return false;
  });
  if (!loggedOn) {
    fmt::print(stderr, "error: no Logon answer (is the session {}:{} configured?)\n", o.sender, o.target);
    return 2;
  }

  std::vector<std::int64_t> sentAt(o.orders, 0);
  std::vector<std::int64_t> latencies;
  latencies.reserve(o.orders);
  std::atomic<std::int64_t> firstWrite{0};
  std::int64_t lastAck = 0;
  std::size_t acked = 0, rejected = 0;
  std::thread writer([&] {
    std::string batch;
    const std::int64_t start = steadyNanos();
    firstWrite.store(start);
    const std::int64_t period = o.rate == 0 ? 0 : 1'000'000'000 / static_cast<std::int64_t>(o.rate);
    for (std::size_t i = 0; i < o.orders;) {
      batch.clear();
      if (period == 0) {
        // Throughput: as many orders per write as fit 64 KiB.
        for (; i < o.orders && batch.size() < 64 * 1024; ++i) client.order(i, batch);
      } else {
        const std::int64_t due = start + static_cast<std::int64_t>(i) * period;
        if (o.spinPacing) {
          while (steadyNanos() < due) {
          }
        } else if (steadyNanos() < due) {
          std::this_thread::sleep_until(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due)));
        }
        client.order(i, batch);
        sentAt[i] = steadyNanos();
        ++i;
      }
      if (!client.writeAll(batch)) return;
    }
  });
  const bool complete = client.readUntil([&](const fix::MessageView& m) {
    if (m.msgType() == "8") {
      const std::int64_t i = orderIndex(m);
      if (i >= 0 && static_cast<std::size_t>(i) < o.orders) {
        if (isNewReport(m)) {
          const std::int64_t now = steadyNanos();
          if (o.rate != 0) latencies.push_back(now - sentAt[static_cast<std::size_t>(i)]);
          lastAck = now;
        } else {
          ++rejected;
        }
        ++acked;
      }
    }
    return acked < o.orders;
  });
  writer.join();
  if (!complete) {
    fmt::print(stderr, "error: the connection closed after {} of {} answers\n", acked, o.orders);
    return 2;
  }
  const double seconds = static_cast<double>(lastAck - firstWrite.load()) / 1e9;
  const double perSecond = static_cast<double>(acked) / seconds;
  std::sort(latencies.begin(), latencies.end());
  const auto pct = [&](double p) -> double {
    if (latencies.empty()) return 0;
    return static_cast<double>(latencies[std::min(
               latencies.size() - 1, static_cast<std::size_t>(p * static_cast<double>(latencies.size())))]) /
           1e3;
  };
  if (o.rate != 0) {
    fmt::print(
        "NewOrderSingle → ExecutionReport(New) at {} orders/s: p50 {:.1f} µs, p99 {:.1f} µs, p99.9 {:.1f} µs, "
        "max {:.1f} µs\n",
        o.rate, pct(0.5), pct(0.99), pct(0.999), latencies.empty() ? 0.0 : static_cast<double>(latencies.back()) / 1e3);
  } else {
    fmt::print("streamed {} orders on one session: {:.0f} orders/s acknowledged\n", acked, perSecond);
  }
  if (rejected != 0) fmt::print(stderr, "warning: {} orders were not acknowledged as New\n", rejected);
  fmt::print(
      "{{\"bench\":\"fix\",\"ok\":{},\"orders\":{},\"rate\":{},\"orders_per_sec\":{:.0f},\"p50_us\":{:.1f},"
      "\"p99_us\":{:.1f},\"p999_us\":{:.1f},\"not_new\":{}}}\n",
      rejected == 0 ? "true" : "false", acked, o.rate, perSecond, pct(0.5), pct(0.99), pct(0.999), rejected);
  return rejected == 0 ? 0 : 1;
}

}  // namespace

void addBenchFixCommand(CLI::App& bench) {
  auto o = std::make_shared<BenchFixOptions>();
  auto* cmd = bench.add_subcommand(
      "fix",
      "FIX 4.4 load client against `alphintra serve --fix-port P --fix-session BENCH:ALPHA:1`: NewOrderSingle → "
      "ExecutionReport(New) latency at --rate, or orders/s streamed with --rate 0 (last line: JSON)");
  cmd->add_option("--port", o->port, "The FIX port of the running serve")->required();
  cmd->add_option("--host", o->host, "Its address (IPv4)");
  cmd->add_option("--sender", o->sender, "Our SenderCompID (the session's SENDER)");
  cmd->add_option("--target", o->target, "Its CompID (the session's TARGET)");
  cmd->add_option("--symbol", o->symbol, "Instrument to buy (limit orders at 1.00 to 1.99, 1 each)");
  cmd->add_option("--orders", o->orders, "Orders to send")->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  cmd->add_option("--rate", o->rate, "Orders a second (0: as fast as possible)");
  cmd->add_flag("--spin-pacing", o->spinPacing, "Spin (instead of sleeping) until each order is due");
  cmd->add_flag("--busy-poll", o->busyPoll,
                "Read the answers by polling the socket without sleeping (yielding the core between polls)");
  cmd->callback([o] { setExitCode(runBenchFix(*o)); });
}

}  // namespace alphintra::app
