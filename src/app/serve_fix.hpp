// The FIX 4.4 acceptor's part of `alphintra serve` (docs/fix.md): its command-line options and
// the gateway built from them. serve_command.cpp wires it: gateway ring kFixGateway (3),
// command source kFixSource (4); the publisher hands every event to FixGateway::onEvent.
// FIX is off unless --fix-port is given.
#pragma once

#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/directory.hpp"
#include "api/fix/fix_gateway.hpp"
#include "core/result.hpp"
#include "engine/runtime.hpp"

namespace alphintra::app {

inline constexpr std::size_t kFixGateway = 3;
inline constexpr std::uint32_t kFixSource = 4;

struct ServeFixArgs {
  int port = -1;  // -1: FIX off; 0: any free port
  std::string host = "127.0.0.1";
  std::vector<std::string> sessions;    // SENDER:TARGET:ACCOUNT[:PASSWORD]
  std::vector<std::string> dropCopies;  // SENDER:TARGET[:PASSWORD]
  std::uint32_t maxHeartBtInt = 300;
  std::uint64_t storeMessages = 0;            // sent messages kept per session for resend (0: all)
  std::vector<std::string> schedules;         // HOURS for every session, SENDER:TARGET=HOURS for one (applySchedules)
  std::vector<std::string> resets;            // WHEN for every session, SENDER:TARGET=WHEN for one (applyResets)
  std::vector<std::string> dropCopyAccounts;  // ACCOUNTS for every drop copy, SENDER:TARGET=ACCOUNTS for one
};

void addServeFixOptions(CLI::App& serve, ServeFixArgs& args);

// Null when FIX is off. The stores live in DATA_DIR/fix/SENDER-TARGET/. Commands go to
// `runtime` (set once the runtime has started; until then they are refused).
Result<std::unique_ptr<api::fix::FixGateway>> makeFixGateway(const ServeFixArgs& args, const std::string& dataDir,
                                                             const api::Directory& directory,
                                                             const std::atomic<engine::EngineRuntime*>& runtime,
                                                             std::function<bool(AccountId)> dropCopyAccounts,
                                                             std::function<void(std::string_view)> log);

}  // namespace alphintra::app
