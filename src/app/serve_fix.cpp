// The FIX options of `alphintra serve` and the gateway built from them (see serve_fix.hpp).
#include "app/serve_fix.hpp"

#include <filesystem>

namespace alphintra::app {

void addServeFixOptions(CLI::App& serve, ServeFixArgs& args) {
  serve.add_option("--fix-port", args.port, "FIX 4.4 acceptor port (0: any free port; FIX is off without it)")
      ->check(CLI::Range(0, 65535));
  serve.add_option("--fix-host", args.host, "Address the FIX acceptor listens on (default loopback)");
  serve.add_option("--fix-session", args.sessions,
                   "A FIX session SENDER:TARGET:ACCOUNT[:PASSWORD] (the client's SenderCompID, ours, the account "
                   "it trades, the Logon password); repeatable");
  serve.add_option("--fix-drop-copy", args.dropCopies,
                   "A FIX drop-copy session SENDER:TARGET[:PASSWORD]: it receives the execution reports of every "
                   "account's orders and takes no orders; repeatable");
  serve.add_option("--fix-drop-copy-accounts", args.dropCopyAccounts,
                   "The accounts FIX drop copies get the reports of: ids separated by commas, or all (the "
                   "default); SENDER:TARGET=ACCOUNTS for one drop copy; repeatable");
  serve.add_option("--fix-max-heartbeat", args.maxHeartBtInt, "Largest HeartBtInt (seconds) a Logon may ask for")
      ->check(CLI::Range(1, 3600));
  serve
      .add_option("--fix-store-messages", args.storeMessages,
                  "Sent messages each FIX session keeps for resend requests; older ones are dropped and a resend "
                  "of them is gap-filled (0, the default: keep every one)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 40));
  serve.add_option("--fix-schedule", args.schedules,
                   "The FIX sessions' hours, HH:MM[:SS]-HH:MM[:SS] daily or 'Day HH:MM-Day HH:MM' weekly, in UTC "
                   "or in a time zone named after them ('Sun 17:00-Fri 16:00 America/New_York'): Logons only inside "
                   "them, sequence numbers reset to 1 as each period begins (default: always "
                   "open, no reset); SENDER:TARGET=HOURS sets one session's own ('always': none); repeatable");
  serve.add_option("--fix-reset", args.resets,
                   "When FIX sessions' sequence numbers go back to 1 besides a Logon with ResetSeqNumFlag: never "
                   "(default), logout (after a normal Logout exchange) or disconnect (after every end of the "
                   "connection); SENDER:TARGET=WHEN for one session; repeatable");
}

Result<std::unique_ptr<api::fix::FixGateway>> makeFixGateway(const ServeFixArgs& args, const std::string& dataDir,
                                                             const api::Directory& directory,
                                                             const std::atomic<engine::EngineRuntime*>& runtime,
                                                             std::function<bool(AccountId)> dropCopyAccounts,
                                                             std::function<void(std::string_view)> log) {
  if (args.port < 0) {
    if (!args.sessions.empty()) return makeError("fix-session", "--fix-session needs --fix-port");
    if (!args.dropCopies.empty()) return makeError("fix-drop-copy", "--fix-drop-copy needs --fix-port");
    if (!args.schedules.empty()) return makeError("fix-schedule", "--fix-schedule needs --fix-port");
    if (!args.resets.empty()) return makeError("fix-reset", "--fix-reset needs --fix-port");
    if (!args.dropCopyAccounts.empty()) {
      return makeError("fix-drop-copy-accounts", "--fix-drop-copy-accounts needs --fix-port");
    }
    return std::unique_ptr<api::fix::FixGateway>{};
  }
  api::fix::FixOptions options;
  options.host = args.host;
  options.port = static_cast<std::uint16_t>(args.port);
  options.stateDir = std::filesystem::path(dataDir) / "fix";
  options.source = kFixSource;
  options.timings.maxHeartBtInt = args.maxHeartBtInt;
  options.storeMessages = args.storeMessages;
  options.log = std::move(log);
  options.dropCopyAccounts = std::move(dropCopyAccounts);
  for (const std::string& spec : args.sessions) {
    auto session = api::fix::parseSessionSpec(spec);
    if (!session.ok()) return session.error();
    options.sessions.push_back(std::move(session).value());
  }
  for (const std::string& spec : args.dropCopies) {
    auto session = api::fix::parseDropCopySpec(spec);
    if (!session.ok()) return session.error();
    options.sessions.push_back(std::move(session).value());
  }
  if (options.sessions.empty()) {
    return makeError("fix-session", "--fix-port needs at least one --fix-session or --fix-drop-copy");
  }
  if (auto error = api::fix::applySchedules(options.sessions, args.schedules)) return *error;
  if (auto error = api::fix::applyResets(options.sessions, args.resets)) return *error;
  if (auto error = api::fix::applyDropCopyAccounts(options.sessions, args.dropCopyAccounts)) return *error;
  return api::fix::FixGateway::create(std::move(options), directory, [&runtime](const engine::Command& c) {
    engine::EngineRuntime* rt = runtime.load(std::memory_order_acquire);
    return rt != nullptr && rt->trySubmit(kFixGateway, c);
  });
}

}  // namespace alphintra::app
