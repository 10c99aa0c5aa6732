// `alphintra engine run` and `alphintra engine inspect`: the engine on a data directory, driven
// by the line-delimited JSON protocol of docs/engine-protocol.md.
//
// run: recovers the data directory (snapshot + journal), then reads one JSON command per line
// on stdin and writes one JSON event per line on stdout. A command's answers are written only
// after the command is durable in the journal (the runtime's sequencer commits before the
// engine sees it), so a line on stdout is an acknowledgement that survives kill -9. A malformed
// line is answered with an "error" event naming the field and changes nothing. End of input,
// SIGTERM or SIGINT: drain, commit, snapshot, exit 0.
//
// inspect: recovers the directory read-only and prints one JSON document: where recovery
// started and ended, the state hash, and (with --orders) every order.
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "api/directory.hpp"
#include "api/json_commands.hpp"
#include "api/json_events.hpp"
#include "app/commands.hpp"
#include "engine/recovery.hpp"
#include "engine/runtime.hpp"

namespace alphintra::app {
namespace {

volatile std::sig_atomic_t gStop = 0;
extern "C" void onStopSignal(int /*signal*/) { gStop = 1; }

struct RunArgs {
  std::string dataDir = "data";
  std::string durability = "fsync";
  std::uint64_t snapshotEvery = 100'000;
};

void loadDirectory(api::Directory& directory, const engine::Engine& e) {
  directory.addInstruments(e.instruments());
  std::vector<AccountId> ids;
  e.ledger().accountIds(ids);
  for (AccountId id : ids) {
    if (const auto* a = e.ledger().account(id)) directory.addAccount(id, a->baseCurrency());
  }
}

int runEngine(const RunArgs& args) {
  api::Directory directory;
  std::mutex out;  // stdout is shared by the publisher thread and the reader (error lines)
  const auto writeLine = [&out](const std::string& line) {
    std::lock_guard lock(out);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  };

  engine::RuntimeOptions options;
  options.dataDir = args.dataDir;
  options.durability = args.durability == "none" ? store::Durability::None : store::Durability::Fsync;
  options.snapshotEvery = args.snapshotEvery;
  options.log = [](std::string_view line) { fmt::print(stderr, "{}\n", line); };
  auto started = engine::EngineRuntime::start(
      options, [&](const engine::EngineEvent& e) { writeLine(api::formatEvent(e, directory)); },
      [&](const engine::Engine& e) { loadDirectory(directory, e); });
  if (!started.ok()) {
    fmt::print(stderr, "error: {}\n", started.error().message);
    return 2;
  }
  engine::EngineRuntime& runtime = *started.value();
  const auto& rec = runtime.recovery();
  fmt::print(stderr, "engine ready: data {} recovered to sequence {} (snapshot {}, {} journal records replayed)\n",
             args.dataDir, rec.lastSequence, rec.snapshotSequence, rec.replayed);

  std::signal(SIGTERM, onStopSignal);
  std::signal(SIGINT, onStopSignal);
  std::string pending;
  char buffer[1 << 16];
  bool eof = false;
  while (!eof && gStop == 0 && !runtime.failed()) {
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 100);
    if (ready <= 0) continue;  // timeout or EINTR: check the stop flag
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
      eof = n == 0 || (errno != EINTR && errno != EAGAIN);
      if (!eof) continue;
    } else {
      pending.append(buffer, static_cast<std::size_t>(n));
    }
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      const std::string_view line(pending.data() + start, nl - start);
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      if (line.size() > api::kMaxCommandBytes) {
        writeLine(api::formatError(makeError("", fmt::format("line of {} bytes is longer than the {} allowed",
                                                             line.size(), api::kMaxCommandBytes)),
                                   0));
        continue;
      }
      auto command = api::parseCommand(line, directory, 1);
      if (!command.ok()) {
        writeLine(api::formatError(command.error(), api::requestIdOf(line)));
        continue;
      }
      if (!runtime.submit(0, command.value())) break;
    }
    pending.erase(0, start);
    if (pending.size() > api::kMaxCommandBytes) {  // an endless line: refuse it, keep serving
      writeLine(api::formatError(makeError("", "line longer than the limit without a newline; dropped"), 0));
      pending.clear();
    }
  }
  if (auto err = runtime.stop()) {
    fmt::print(stderr, "error: {}\n", err->message);
    return 2;
  }
  fmt::print(stderr, "engine stopped at sequence {}\n", runtime.appliedSequence());
  return 0;
}

struct InspectArgs {
  std::string dataDir = "data";
  bool noSnapshot = false;
  bool orders = false;
};

int inspectEngine(const InspectArgs& args) {
  engine::RecoveryOptions options;
  options.journalDir = std::filesystem::path(args.dataDir) / "journal";
  options.snapshotDir = std::filesystem::path(args.dataDir) / "snapshots";
  options.useSnapshots = !args.noSnapshot;
  options.log = [](std::string_view line) { fmt::print(stderr, "{}\n", line); };
  auto recovered = engine::recover(options);
  if (!recovered.ok()) {
    fmt::print(stderr, "error: {}\n", recovered.error().message);
    return 2;
  }
  const engine::Engine& e = *recovered->engine;
  api::Directory directory;
  loadDirectory(directory, e);
  nlohmann::json j;
  j["lastSequence"] = recovered->lastSequence;
  j["snapshotSequence"] = recovered->snapshotSequence;
  j["replayed"] = recovered->replayed;
  j["stateHash"] = fmt::format("{:016x}", e.stateHash());
  j["orderCount"] = e.orders().size();
  j["ordersKept"] = e.orders().kept();
  if (args.orders) {
    nlohmann::json list = nlohmann::json::array();
    e.orders().forEach([&](const oms::OmsOrder& o) {
      const Instrument* in = e.instrument(o.instrument());
      nlohmann::json x;
      x["orderId"] = o.id.value();
      x["account"] = o.account().value();
      x["symbol"] = in != nullptr ? in->symbol() : "";
      x["clientOrderId"] = std::string(o.clientOrderId.view());
      x["firstClientOrderId"] = std::string(o.request.clientOrderId.view());
      x["side"] = o.side() == Side::Buy ? "buy" : "sell";
      x["orderType"] = book::toString(o.request.type);
      x["status"] = oms::toString(o.state.reported());
      if (in != nullptr) {
        if (o.price.isDefined()) x["price"] = in->formatPrice(o.price);
        x["quantity"] = in->formatQuantity(o.quantity);
        x["cumQuantity"] = in->formatQuantity(o.cumQuantity);
        x["leavesQuantity"] = in->formatQuantity(o.state.isTerminal() ? Quantity::zero() : o.leavesQuantity);
      }
      list.push_back(std::move(x));
    });
    j["orders"] = std::move(list);
  }
  fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));  // ids read from a snapshot
  return 0;
}

}  // namespace

void addEngineCommand(CLI::App& app) {
  auto* engineCmd = app.add_subcommand("engine", "Run the trading engine on a data directory, or inspect one");
  engineCmd->require_subcommand(1);

  auto run = std::make_shared<RunArgs>();
  auto* runCmd = engineCmd->add_subcommand(
      "run",
      "Recover the data directory, then read JSON commands on stdin and write JSON events on stdout "
      "(docs/engine-protocol.md)");
  runCmd->add_option("--data-dir", run->dataDir, "Journal and snapshots directory (created when missing)");
  runCmd->add_option("--durability", run->durability, "fsync (default): acknowledge after fdatasync; none: after write")
      ->check(CLI::IsMember({"fsync", "none"}));
  runCmd->add_option("--snapshot-every", run->snapshotEvery, "Commands between snapshots (0: only at stop)");
  runCmd->callback([run] { setExitCode(runEngine(*run)); });

  auto inspect = std::make_shared<InspectArgs>();
  auto* inspectCmd = engineCmd->add_subcommand(
      "inspect", "Recover a data directory read-only and print its state hash (and orders) as JSON");
  inspectCmd->add_option("--data-dir", inspect->dataDir, "Journal and snapshots directory")
      ->check(CLI::ExistingDirectory);
  inspectCmd->add_flag("--no-snapshot", inspect->noSnapshot, "Replay the whole journal, ignoring snapshots");
  inspectCmd->add_flag("--orders", inspect->orders, "List every order");
  inspectCmd->callback([inspect] { setExitCode(inspectEngine(*inspect)); });
}

}  // namespace alphintra::app
