// FixGateway: TCP acceptor, connections and the gateway thread (see fix_gateway.hpp).
//
// The thread's loop, one round: run ready I/O handlers (io_context::poll: reads are parsed and
// their orders submitted), hand queued engine events to the order entry, then flush once what
// the sessions wrote in the round (each store with one write(), then the socket), and run the
// session timers every 100 ms. Rounds with nothing to do spin on the event ring alone (a
// pause, no syscall), looking at the sockets every kPollEvery rounds, then park in
// io_context::run_one_for, from which a socket, the 100 ms limit or onEvent's wake-up brings it
// back. The park is idle_wait.hpp's protocol with an eventfd in place of the futex (the thread
// must also wait for its sockets): the thread marks itself parked, fences, re-checks the ring;
// onEvent pushes, fences, and only when it sees the mark (and takes it with an exchange) writes
// the eventfd — a fence and a load per event while the thread is awake.
// Sockets are non-blocking: a flush writes at once, and only what the kernel does not take is
// left to an asynchronous write.
#include "api/fix/fix_gateway.hpp"

#include <fmt/format.h>

#include <sys/eventfd.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>
#include <cstring>
#include <thread>

#include "api/fix/fix_order_entry.hpp"
#include "core/idle_wait.hpp"
#include "core/spsc_ring.hpp"
#include "core/thread_name.hpp"

namespace alphintra::api::fix {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::int64_t wallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::int64_t kTimerPeriodNanos = 100'000'000;
constexpr std::size_t kReadBufferBytes = 4 * kMaxMessageBytes;
// Output a connection may hold unsent before the gateway stops reading its input (a client that
// sends faster than it reads, or stops reading): memory stays bounded and TCP's flow control
// slows the sender. Reading resumes once the backlog is under half of it.
constexpr std::size_t kMaxUnsentBytes = 1u << 20;
// How long the thread spins with nothing to do before it parks. After a round that submitted
// commands: about the time an order takes through the engine and back, so that its report is
// met spinning rather than by a wake-up. After any other round (a report written, a heartbeat):
// briefly — nothing is expected, and at 10,000 orders/s (100 µs apart) the thread should park
// between orders rather than take the core from the engine's threads.
constexpr std::int64_t kSpinAwaitingReportNanos = 20'000;
constexpr std::int64_t kSpinIdleNanos = 2'000;
// Empty rounds between two looks at the sockets (an epoll_wait each) while spinning.
constexpr unsigned kPollEvery = 256;

// "A:B:C[:D]" split at its first `fields - 1` colons (the last part may hold colons: a password).
std::vector<std::string_view> splitSpec(std::string_view spec, std::size_t fields) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (parts.size() + 1 < fields) {
    const std::size_t colon = spec.find(':', pos);
    if (colon == std::string_view::npos) break;
    parts.push_back(spec.substr(pos, colon - pos));
    pos = colon + 1;
  }
  parts.push_back(spec.substr(pos));
  return parts;
}

std::optional<Error> checkCompIds(std::string_view option, std::string_view spec,
                                  const std::vector<std::string_view>& parts) {
  for (std::size_t i = 0; i < 2; ++i) {
    if (parts[i].empty() || parts[i].find_first_of("/\\ \x01=") != std::string_view::npos) {
      return makeError(std::string(option),
                       fmt::format("\"{}\": CompIDs must be non-empty, without '/', spaces or '='", spec));
    }
  }
  return std::nullopt;
}

}  // namespace

Result<FixSessionConfig> parseSessionSpec(std::string_view spec) {
  FixSessionConfig c;
  const std::vector<std::string_view> parts = splitSpec(spec, 4);
  if (parts.size() < 3) {
    return makeError("fix-session",
                     fmt::format("\"{}\" is not SENDER:TARGET:ACCOUNT[:PASSWORD] (the client's SenderCompID, ours, "
                                 "the account it trades)",
                                 spec));
  }
  if (auto e = checkCompIds("fix-session", spec, parts)) return *e;
  const auto account = parseUnsigned(parts[2]);
  if (!account || *account == 0) {
    return makeError("fix-session", fmt::format("\"{}\": the account must be a positive account id", spec));
  }
  c.senderCompId = std::string(parts[0]);
  c.targetCompId = std::string(parts[1]);
  c.account = AccountId{*account};
  if (parts.size() == 4) c.password = std::string(parts[3]);
  return c;
}

Result<FixSessionConfig> parseDropCopySpec(std::string_view spec) {
  FixSessionConfig c;
  const std::vector<std::string_view> parts = splitSpec(spec, 3);
  if (parts.size() < 2) {
    return makeError("fix-drop-copy",
                     fmt::format("\"{}\" is not SENDER:TARGET[:PASSWORD] (the client's SenderCompID, ours)", spec));
  }
  if (auto e = checkCompIds("fix-drop-copy", spec, parts)) return *e;
  c.senderCompId = std::string(parts[0]);
  c.targetCompId = std::string(parts[1]);
  c.dropCopy = true;
  if (parts.size() == 3) c.password = std::string(parts[2]);
  return c;
}

namespace {

// A per-session option: "VALUE" for every session (at most once), "SENDER:TARGET=VALUE" for
// that session, over the one for every session whatever the order given. `parse` turns VALUE
// into a Result of what `assign` puts into a session.
template <typename Parse, typename Assign>
std::optional<Error> applyPerSession(std::string_view option, std::vector<FixSessionConfig>& sessions,
                                     const std::vector<std::string>& specs, Parse parse, Assign assign) {
  const std::string field(option);
  bool globalSeen = false;
  for (const std::string& spec : specs) {
    if (spec.find('=') != std::string::npos) continue;
    if (globalSeen) {
      return makeError(field, fmt::format("\"{}\": the value for every session is given twice (name a session as "
                                          "SENDER:TARGET=VALUE for its own)",
                                          spec));
    }
    globalSeen = true;
    auto value = parse(std::string_view(spec));
    if (!value.ok()) return value.error();
    for (FixSessionConfig& s : sessions) assign(s, value.value());
  }
  std::vector<std::string_view> named;
  for (const std::string& spec : specs) {
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos) continue;
    const std::string_view name = std::string_view(spec).substr(0, eq);
    const std::size_t colon = name.find(':');
    FixSessionConfig* session = nullptr;
    for (FixSessionConfig& s : sessions) {
      if (colon != std::string_view::npos && s.senderCompId == name.substr(0, colon) &&
          s.targetCompId == name.substr(colon + 1)) {
        session = &s;
      }
    }
    if (session == nullptr) {
      return makeError(field, fmt::format("\"{}\": no session {} (SENDER:TARGET of a --fix-session or "
                                          "--fix-drop-copy)",
                                          spec, name));
    }
    if (std::find(named.begin(), named.end(), name) != named.end()) {
      return makeError(field, fmt::format("\"{}\": the value of {} is given twice", spec, name));
    }
    named.push_back(name);
    auto value = parse(std::string_view(spec).substr(eq + 1));
    if (!value.ok()) return value.error();
    assign(*session, value.value());
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> applySchedules(std::vector<FixSessionConfig>& sessions, const std::vector<std::string>& specs) {
  return applyPerSession(
      "fix-schedule", sessions, specs,
      [](std::string_view hours) -> Result<std::optional<SessionSchedule>> {
        if (hours == "always") return std::optional<SessionSchedule>{};
        auto parsed = SessionSchedule::parse(hours);
        if (!parsed.ok()) return parsed.error();
        return std::optional<SessionSchedule>{std::move(parsed).value()};
      },
      [](FixSessionConfig& s, const std::optional<SessionSchedule>& hours) { s.schedule = hours; });
}

std::optional<Error> applyResets(std::vector<FixSessionConfig>& sessions, const std::vector<std::string>& specs) {
  return applyPerSession(
      "fix-reset", sessions, specs,
      [](std::string_view when) -> Result<SessionReset> {
        if (when == "never") return SessionReset::Never;
        if (when == "logout") return SessionReset::OnLogout;
        if (when == "disconnect") return SessionReset::OnDisconnect;
        return makeError("fix-reset",
                         fmt::format("\"{}\": expected never, logout or disconnect (SENDER:TARGET= before it for "
                                     "one session)",
                                     when));
      },
      [](FixSessionConfig& s, SessionReset when) { s.reset = when; });
}

std::optional<Error> applyDropCopyAccounts(std::vector<FixSessionConfig>& sessions,
                                           const std::vector<std::string>& specs) {
  if (!specs.empty() && std::none_of(sessions.begin(), sessions.end(), [](const auto& s) { return s.dropCopy; })) {
    return makeError("fix-drop-copy-accounts", "there is no drop copy (--fix-drop-copy) to give accounts to");
  }
  for (const std::string& spec : specs) {
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos) continue;
    const std::string_view name = std::string_view(spec).substr(0, eq);
    for (const FixSessionConfig& s : sessions) {
      if (!s.dropCopy && name == s.senderCompId + ":" + s.targetCompId) {
        return makeError(
            "fix-drop-copy-accounts",
            fmt::format("\"{}\": {} is an order-entry session (--fix-session), not a drop copy", spec, name));
      }
    }
  }
  return applyPerSession(
      "fix-drop-copy-accounts", sessions, specs,
      [](std::string_view list) -> Result<std::vector<AccountId>> {
        std::vector<AccountId> accounts;
        if (list == "all") return accounts;
        std::size_t start = 0;
        while (start <= list.size()) {
          const std::size_t comma = std::min(list.find(',', start), list.size());
          const std::string_view item = list.substr(start, comma - start);
          const auto id = parseUnsigned(item);
          if (!id || *id == 0) {
            return makeError("fix-drop-copy-accounts",
                             fmt::format("\"{}\": \"{}\" is not an account id (a positive integer); expected ids "
                                         "separated by commas, or all",
                                         list, item));
          }
          accounts.push_back(AccountId{*id});
          start = comma + 1;
        }
        return accounts;
      },
      [](FixSessionConfig& s, const std::vector<AccountId>& accounts) {
        if (s.dropCopy) s.copiedAccounts = accounts;
      });
}

namespace {

std::string copiedText(const FixSessionConfig& c) {
  if (c.copiedAccounts.empty()) return "drop copy of every account";
  std::string text = c.copiedAccounts.size() == 1 ? "drop copy of account " : "drop copy of accounts ";
  for (std::size_t i = 0; i < c.copiedAccounts.size(); ++i) {
    text += fmt::format("{}{}", i == 0 ? "" : ", ", c.copiedAccounts[i].value());
  }
  return text;
}

}  // namespace

struct FixGateway::Impl {
  class Connection : public SessionOutput, public std::enable_shared_from_this<Connection> {
   public:
    Connection(Impl& gateway, tcp::socket socket, std::int64_t now)
        : gateway_(gateway), socket_(std::move(socket)), openedAt_(now) {
      in_.resize(kReadBufferBytes);
    }

    void write(std::string_view bytes) override {
      if (closing_) return;
      out_.append(bytes);
      gateway_.markDirty(shared_from_this());
    }
    std::size_t unsent() const noexcept { return out_.size() - outSent_; }
    void close() override {
      session_ = nullptr;
      closing_ = true;
      gateway_.markDirty(shared_from_this());
    }

    void startRead() {
      socket_.async_read_some(
          net::buffer(in_.data() + inLength_, in_.size() - inLength_),
          [self = shared_from_this()](boost::system::error_code ec, std::size_t n) { self->onRead(ec, n); });
    }

    // The session's store first (the counterparty never holds a message the store does not),
    // then as much of the output as the socket takes now; the rest waits for the socket to be
    // writable. Sent bytes are dropped from the front only when they are at least half of the
    // buffer, so each byte is moved at most about once.
    void flush() {
      if (closed_) return;
      if (session_ != nullptr) {
        if (auto e = session_->store().flush()) gateway_.log(fmt::format("fix store: {}", e->message));
      }
      if (!awaitingWritable_ && unsent() != 0) {
        boost::system::error_code ec;
        const std::size_t n = socket_.write_some(net::buffer(out_.data() + outSent_, unsent()), ec);
        if (ec && ec != net::error::would_block && ec != net::error::try_again) return shutdown();
        outSent_ += n;
        if (unsent() == 0) {
          out_.clear();
          outSent_ = 0;
        } else {
          if (outSent_ * 2 >= out_.size()) {
            out_.erase(0, outSent_);
            outSent_ = 0;
          }
          awaitingWritable_ = true;
          socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](boost::system::error_code e) {
            self->awaitingWritable_ = false;
            if (e) return self->shutdown();
            self->flush();
          });
        }
      }
      if (closed_) return;
      if (readPaused_ && !closing_ && unsent() < kMaxUnsentBytes / 2) {
        readPaused_ = false;
        startRead();
      }
      if (closing_ && unsent() == 0) shutdown();
    }

    void shutdown() {
      if (closed_) return;
      closed_ = true;
      if (session_ != nullptr) session_->onDisconnect();
      session_ = nullptr;
      boost::system::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_both, ignored);
      socket_.close(ignored);
    }

    bool closed() const noexcept { return closed_; }
    bool awaitingLogon(std::int64_t now, std::int64_t timeout) const noexcept {
      return !closed_ && !closing_ && session_ == nullptr && now - openedAt_ > timeout;
    }

   private:
    void onRead(boost::system::error_code ec, std::size_t n) {
      if (closed_) return;
      if (ec) return shutdown();
      inLength_ += n;
      process();
      if (closed_ || closing_) return;
      if (unsent() >= kMaxUnsentBytes) {
        readPaused_ = true;  // flush() resumes once the output is sent
        return;
      }
      startRead();
      // What this wrote is flushed by the gateway's loop once per round (one store write for all).
    }

    void process() {
      const std::int64_t now = wallNanos();
      std::size_t pos = 0;
      while (!closing_ && !closed_ && pos < inLength_) {
        const std::string_view bytes(in_.data() + pos, inLength_ - pos);
        const Frame f = frame(bytes);
        if (f.status == FrameStatus::NeedMore) break;
        if (f.status == FrameStatus::Garbled) {
          if (session_ != nullptr) {
            session_->onGarbled(f.garble);
          } else {
            gateway_.log(fmt::format("fix: garbled bytes before a Logon: {}", toString(f.garble)));
          }
          pos += f.length;
          continue;
        }
        if (f.status == FrameStatus::WrongBeginString) {
          if (session_ != nullptr) {
            session_->onWrongBeginString(now);
          } else {
            gateway_.log("fix: a connection spoke another FIX version than 4.4");
            close();
          }
          break;
        }
        view_.parse(bytes.substr(0, f.length));
        pos += f.length;
        if (session_ == nullptr) {
          onFirstMessage(now);
        } else {
          session_->onMessage(view_, now);
        }
      }
      if (pos > 0) {
        std::memmove(in_.data(), in_.data() + pos, inLength_ - pos);
        inLength_ -= pos;
      }
    }

    void onFirstMessage(std::int64_t now) {
      if (view_.msgType() != "A") {
        gateway_.log("fix: the first message of a connection was not a Logon; closing it");
        return close();
      }
      Session* s = gateway_.find(view_.get(tag::SenderCompID).value_or(""), view_.get(tag::TargetCompID).value_or(""));
      if (s == nullptr) {
        gateway_.log(fmt::format("fix: Logon from an unknown session {}->{}; closing the connection",
                                 view_.get(tag::SenderCompID).value_or("?"),
                                 view_.get(tag::TargetCompID).value_or("?")));
        return close();
      }
      if (s->connected()) {
        gateway_.log(fmt::format("fix {}: a second connection tried to log on; closing it", s->name()));
        return close();
      }
      session_ = s;
      s->onLogon(*this, view_, now);
      if (!s->connected()) session_ = nullptr;
    }

    Impl& gateway_;
    tcp::socket socket_;
    std::int64_t openedAt_;
    std::vector<char> in_;
    std::size_t inLength_ = 0;
    std::string out_;  // output: [outSent_, size) not yet taken by the socket
    std::size_t outSent_ = 0;
    bool awaitingWritable_ = false;
    bool readPaused_ = false;
    bool closing_ = false;
    bool closed_ = false;
    Session* session_ = nullptr;
    MessageView view_;
  };

  FixOptions options;
  const Directory* directory = nullptr;
  TrySubmit trySubmit;
  std::vector<std::unique_ptr<SessionStore>> stores;
  std::unique_ptr<OrderEntry> entry;
  std::vector<std::unique_ptr<Session>> sessions;

  net::io_context io{1};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::shared_ptr<Connection>> connections;
  std::vector<std::shared_ptr<Connection>> dirty;
  std::unique_ptr<SpscRing<engine::EngineEvent>> events;
  // The publisher parks here while `events` is full; the gateway thread notifies it after it
  // pops (one fence and one load while the publisher is awake), and stop() does too.
  WakeWord eventRoom;
  std::atomic<bool> stopping{false};
  // The park mark (see the file comment): set by the gateway thread, taken by onEvent.
  alignas(64) std::atomic<bool> sleeping{false};
  int wakeFd = -1;  // eventfd that onEvent writes to wake the parked thread
  std::optional<net::posix::stream_descriptor> wakeDescriptor;
  std::uint64_t wakeCount = 0;  // read side of the eventfd
  std::thread thread;
  std::uint16_t boundPort = 0;
  std::int64_t nextTimer = 0;
  bool submittedInRound = false;  // this round's handlers submitted a command (its report will follow)
  bool started = false;

  void log(std::string_view line) const {
    if (options.log) options.log(line);
  }

  Session* find(std::string_view sender, std::string_view target) {
    for (auto& s : sessions) {
      if (s->config().senderCompId == sender && s->config().targetCompId == target) return s.get();
    }
    return nullptr;
  }

  void markDirty(std::shared_ptr<Connection> c) { dirty.push_back(std::move(c)); }

  void flushDirty() {
    // A flush may mark more connections dirty (a closed session's Logout): loop until quiet.
    while (!dirty.empty()) {
      std::vector<std::shared_ptr<Connection>> batch;
      batch.swap(dirty);
      for (auto& c : batch) c->flush();
    }
  }

  // The gateway thread's side of the engine: retry a full ring while draining events.
  bool submit(const engine::Command& c) {
    submittedInRound = true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (!trySubmit(c)) {
      if (stopping.load(std::memory_order_acquire)) return false;
      if (std::chrono::steady_clock::now() > deadline) return false;
      drainEvents();
      std::this_thread::yield();
    }
    return true;
  }

  std::size_t drainEvents() {
    std::size_t n = 0;
    engine::EngineEvent e;
    const std::int64_t now = wallNanos();
    while (events->tryPop(e)) {
      entry->onEvent(e, now);
      ++n;
    }
    if (n != 0) eventRoom.notify();
    return n;
  }

  void accept() {
    acceptor->async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) {
        if (!stopping.load(std::memory_order_acquire) && acceptor->is_open()) accept();
        return;
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      socket.non_blocking(true, ignored);
      auto c = std::make_shared<Connection>(*this, std::move(socket), wallNanos());
      connections.push_back(c);
      c->startRead();
      accept();
    });
  }

  void onTimer(std::int64_t now) {
    for (auto& s : sessions) s->onTimer(now);
    for (auto& c : connections) {
      if (c->awaitingLogon(now, std::chrono::duration_cast<std::chrono::nanoseconds>(options.logonTimeout).count())) {
        log("fix: no Logon within the logon timeout; closing the connection");
        c->close();
      }
    }
    flushDirty();
    for (auto& s : sessions) {
      if (auto e = s->store().flush()) log(fmt::format("fix store: {}", e->message));
    }
    std::erase_if(connections, [](const std::shared_ptr<Connection>& c) { return c->closed(); });
  }

  // The eventfd's reader: consumes the count and waits for the next write.
  void armWake() {
    wakeDescriptor->async_wait(net::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
      if (ec) return;
      [[maybe_unused]] const ssize_t n = ::read(wakeFd, &wakeCount, sizeof wakeCount);
      armWake();
    });
  }

  void run() {
    unsigned idle = 0;
    std::int64_t idleSince = 0;
    std::int64_t spinNanos = kSpinIdleNanos;
    while (!stopping.load(std::memory_order_acquire)) {
      submittedInRound = false;
      std::size_t done = 0;
      if (idle % kPollEvery == 0) done += io.poll();
      done += drainEvents();
      flushDirty();
      const std::int64_t now = wallNanos();
      if (now >= nextTimer) {
        nextTimer = now + kTimerPeriodNanos;
        onTimer(now);
      }
      if (done != 0) {
        idle = 0;
        spinNanos = submittedInRound ? kSpinAwaitingReportNanos : kSpinIdleNanos;
        continue;
      }
      if (idle++ == 0) idleSince = now;
      if (now - idleSince < spinNanos && now >= idleSince) {
        cpuRelax();
        continue;
      }
      idle = 0;
      sleeping.store(true, std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with onEvent's: push, fence, read the mark
      if (events->sizeApprox() != 0) {
        sleeping.store(false, std::memory_order_relaxed);
        continue;
      }
      io.run_one_for(std::chrono::milliseconds{100});
      sleeping.store(false, std::memory_order_relaxed);
    }
  }
};

Result<std::unique_ptr<FixGateway>> FixGateway::create(FixOptions options, const Directory& directory,
                                                       TrySubmit trySubmit) {
  std::unique_ptr<FixGateway> g(new FixGateway());
  g->impl_ = std::make_unique<Impl>();
  Impl& impl = *g->impl_;
  impl.options = std::move(options);
  impl.directory = &directory;
  impl.trySubmit = std::move(trySubmit);
  impl.events = std::make_unique<SpscRing<engine::EngineEvent>>(impl.options.eventRingCapacity);
  impl.entry = std::make_unique<OrderEntry>(directory, impl.options.source,
                                            [&impl](const engine::Command& c) { return impl.submit(c); });
  impl.entry->setDropCopyAccounts(impl.options.dropCopyAccounts);
  for (const FixSessionConfig& config : impl.options.sessions) {
    if (impl.find(config.senderCompId, config.targetCompId) != nullptr) {
      return makeError("fix-session",
                       fmt::format("session {}:{} is given twice", config.senderCompId, config.targetCompId));
    }
    auto store = SessionStore::open(impl.options.stateDir / (config.senderCompId + "-" + config.targetCompId),
                                    impl.options.storeMessages);
    if (!store.ok()) return store.error();
    impl.stores.push_back(std::move(store).value());
    impl.sessions.push_back(
        std::make_unique<Session>(config, *impl.stores.back(), *impl.entry, impl.options.timings, impl.options.log));
    impl.entry->addSession(*impl.sessions.back());
  }
  return g;
}

FixGateway::~FixGateway() { stop(); }

void FixGateway::load(const engine::Engine& engine) { impl_->entry->load(engine); }

std::uint16_t FixGateway::port() const noexcept { return impl_->boundPort; }

std::optional<Error> FixGateway::start() {
  Impl& impl = *impl_;
  boost::system::error_code ec;
  const auto address = net::ip::make_address(impl.options.host, ec);
  if (ec) return makeError("fix-host", fmt::format("\"{}\" is not an IP address", impl.options.host));
  const tcp::endpoint endpoint(address, impl.options.port);
  impl.acceptor.emplace(impl.io);
  impl.acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor->bind(endpoint, ec);
  if (!ec) impl.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return makeError("fix-port",
                     fmt::format("cannot listen on {}:{}: {}", impl.options.host, impl.options.port, ec.message()));
  }
  impl.boundPort = impl.acceptor->local_endpoint().port();
  impl.wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl.wakeFd < 0) return makeError("fix-port", fmt::format("cannot create an eventfd: {}", std::strerror(errno)));
  impl.wakeDescriptor.emplace(impl.io, impl.wakeFd);  // owns the descriptor from here on
  impl.armWake();
  impl.work.emplace(net::make_work_guard(impl.io));
  impl.accept();
  impl.started = true;
  impl.thread = namedThread("fix-gateway", [&impl] { impl.run(); });
  for (auto& s : impl.sessions) {
    const SessionReset reset = s->config().reset;
    impl.log(fmt::format(
        "fix {}: {}, {}{}, next out {}, next in {}", s->name(),
        s->config().dropCopy ? copiedText(s->config()) : fmt::format("account {}", s->config().account.value()),
        s->config().schedule ? fmt::format("hours {}", s->config().schedule->description())
                             : std::string("always open"),
        reset == SessionReset::OnLogout       ? ", sequence reset on logout"
        : reset == SessionReset::OnDisconnect ? ", sequence reset on disconnect"
                                              : "",
        s->nextOutbound(), s->nextInbound()));
  }
  return std::nullopt;
}

void FixGateway::onEvent(const engine::EngineEvent& e) {
  Impl& impl = *impl_;
  switch (e.kind) {
    case engine::EventKind::ExecutionReport:
      if (!impl.entry->reportsAbout(e.body.execution.account)) return;
      break;
    case engine::EventKind::CancelReject:
      if (!impl.entry->tracks(e.body.cancelReject.account)) return;
      break;
    case engine::EventKind::CommandResult:
      if (e.source != impl.options.source) return;
      break;
    default: return;
  }
  push(e);
}

void FixGateway::retireOrders(Timestamp cutoff, OrderId below, std::uint64_t retired) {
  // Through the ring, behind every report before the purge.
  engine::EngineEvent e;
  e.kind = engine::EventKind::CommandResult;
  e.time = cutoff;
  e.body.result = engine::CommandResultReport{};
  e.body.result.commandType = static_cast<std::uint8_t>(engine::CommandType::PurgeOrders);
  e.body.result.accepted = true;
  e.body.result.subject = below.value();
  e.body.result.value = static_cast<std::int64_t>(retired);
  push(e);
}

void FixGateway::push(const engine::EngineEvent& e) {
  Impl& impl = *impl_;
  if (!impl.events->tryPush(e)) {
    // Full: the gateway thread is behind. Spin briefly, then park until it pops (a yield loop
    // here made hundreds of thousands of sched_yield calls a second under a streamed load).
    IdleWait wait(impl.eventRoom);
    const auto ready = [&impl] {
      return impl.events->sizeApprox() < impl.events->capacity() || impl.stopping.load(std::memory_order_acquire);
    };
    while (!impl.events->tryPush(e)) {
      if (impl.stopping.load(std::memory_order_acquire) || !impl.started) return;
      wait.idle(ready);
    }
  }
  std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with run()'s: mark, fence, re-check the ring
  if (impl.sleeping.load(std::memory_order_relaxed) && impl.sleeping.exchange(false, std::memory_order_acq_rel) &&
      !impl.stopping.load(std::memory_order_acquire)) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(impl.wakeFd, &one, sizeof one);
  }
}

void FixGateway::stop() {
  if (!impl_) return;
  Impl& impl = *impl_;
  if (impl.stopping.exchange(true)) return;
  impl.eventRoom.notify();  // a publisher waiting for room returns
  if (impl.thread.joinable()) {
    net::post(impl.io, [] {});
    impl.thread.join();
  }
  // The thread is gone: what is left runs here. Events still queued are reported (and stored).
  if (impl.events) impl.drainEvents();
  boost::system::error_code ignored;
  if (impl.acceptor) impl.acceptor->close(ignored);
  if (impl.wakeDescriptor) impl.wakeDescriptor->close(ignored);
  impl.flushDirty();
  for (auto& c : impl.connections) c->shutdown();
  impl.connections.clear();
  impl.dirty.clear();
  for (auto& s : impl.sessions) {
    if (auto e = s->store().flush()) impl.log(fmt::format("fix store: {}", e->message));
  }
  impl.work.reset();
  impl.io.stop();
}

}  // namespace alphintra::api::fix
