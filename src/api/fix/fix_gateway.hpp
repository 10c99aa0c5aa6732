// FixGateway: the FIX 4.4 acceptor of `alphintra serve` — a TCP listener, the connections, the
// configured sessions (fix_session.hpp) and the order entry behind them (fix_order_entry.hpp),
// all run by one thread of its own.
//
// Threads: the gateway thread owns every socket, session, store and the order entry; it is
// the single producer of the engine's FIX gateway ring (submit). The engine's publisher thread
// calls onEvent(), which keeps the events that concern FIX (reports about the sessions'
// accounts, answers to FIX requests) and hands them over through a bounded SPSC ring; when the
// gateway thread is parked, onEvent wakes it (an eventfd write; while it is awake, a fence and a
// load). The gateway thread spins briefly when idle (longer right after it submitted orders,
// whose reports are due), then parks in the I/O poll (at most 100 ms: session timers run every
// 100 ms). What the sessions write in one round of the loop reaches each store with one write()
// and then the socket.
// Backpressure: when the engine's ring is full the gateway keeps draining events while it
// retries (the publisher may be waiting for room in this gateway's ring); when this gateway's
// ring is full the publisher waits.
//
// A connection's first message must be a Logon naming a configured session (SenderCompID,
// TargetCompID) that is not connected; otherwise the connection closes. Within logonTimeout it
// must have sent one. Output is written to the session's store before the socket.
// Known limits: no TLS; one gateway thread for all sessions.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/directory.hpp"
#include "api/fix/fix_session.hpp"
#include "core/result.hpp"
#include "engine/command.hpp"
#include "engine/engine.hpp"
#include "engine/event.hpp"

namespace alphintra::api::fix {

struct FixOptions {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  std::uint16_t port = 0;          // 0: any free port (see FixGateway::port)
  std::vector<FixSessionConfig> sessions;
  std::filesystem::path stateDir = "data/fix";  // one directory per session: SENDER-TARGET
  std::uint64_t storeMessages = 0;              // sent messages kept for resend (SessionStore; 0: all)
  // The accounts whose execution reports drop-copy sessions get (default: every account).
  std::function<bool(AccountId)> dropCopyAccounts;
  SessionTimings timings;
  std::uint32_t source = 4;  // the `source` of the commands FIX sends
  std::chrono::milliseconds logonTimeout{10'000};
  std::size_t eventRingCapacity = 1u << 14;
  std::function<void(std::string_view)> log;
};

// Parses "SENDER:TARGET:ACCOUNT[:PASSWORD]" (the --fix-session option).
Result<FixSessionConfig> parseSessionSpec(std::string_view spec);
// Parses "SENDER:TARGET[:PASSWORD]" (the --fix-drop-copy option): a drop-copy session.
Result<FixSessionConfig> parseDropCopySpec(std::string_view spec);
// Applies the --fix-schedule options to `sessions`: "HOURS" for every session (at most one),
// "SENDER:TARGET=HOURS" for that session (over the one for every session); HOURS "always" is no
// schedule. An error names the option and the spec (bad hours, an unknown session, one given twice).
std::optional<Error> applySchedules(std::vector<FixSessionConfig>& sessions, const std::vector<std::string>& specs);
// Applies the --fix-reset options the same way: "WHEN" for every session, "SENDER:TARGET=WHEN"
// for one; WHEN never, logout or disconnect (SessionReset).
std::optional<Error> applyResets(std::vector<FixSessionConfig>& sessions, const std::vector<std::string>& specs);
// --fix-drop-copy-accounts: "ACCOUNTS" (comma-separated account ids, or "all") for every drop
// copy, "SENDER:TARGET=ACCOUNTS" for one; naming a session that is not a drop copy is an error.
std::optional<Error> applyDropCopyAccounts(std::vector<FixSessionConfig>& sessions,
                                           const std::vector<std::string>& specs);

class FixGateway {
 public:
  // Hands a command to the engine's FIX gateway ring; false when the ring is full.
  using TrySubmit = std::function<bool(const engine::Command&)>;

  // Opens the session stores (an error names the file); does not listen yet.
  static Result<std::unique_ptr<FixGateway>> create(FixOptions options, const Directory& directory,
                                                    TrySubmit trySubmit);
  ~FixGateway();
  FixGateway(const FixGateway&) = delete;
  FixGateway& operator=(const FixGateway&) = delete;

  // Before start(): the orders of the sessions' accounts in the recovered engine.
  void load(const engine::Engine& engine);
  // Binds, listens and starts the gateway thread. An error names the address.
  std::optional<Error> start();
  std::uint16_t port() const noexcept;
  // Publisher thread.
  void onEvent(const engine::EngineEvent& event);
  // Publisher thread: the engine retired the finished orders below `below` last changed before
  // `cutoff` (`retired` of them, all accounts counted); their reports leave the order entry's
  // table (OrderEntry::onOrdersRetired).
  void retireOrders(Timestamp cutoff, OrderId below, std::uint64_t retired);
  // Closes the listener and the connections (without Logout: a restart continues the
  // sessions), flushes the stores, joins the thread. Idempotent.
  void stop();

 private:
  FixGateway() = default;
  void push(const engine::EngineEvent& event);  // into the gateway thread's ring, waking it
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace alphintra::api::fix
