// `alphintra serve`: the engine on a data directory behind the REST API (docs/api.md), with the
// market simulator trading the default universe so that prices move with no outside feed.
//
// Wiring (this file is the composition root; each piece says what it owns in its header):
//   HTTP I/O threads ── gateway 0 ─┐
//   simulator thread ── gateway 1 ─┤
//   this thread (bootstrap) ─ 2 ───┼─► EngineRuntime (sequencer → journal → engine) ─► publisher
//   FIX thread ───────── gateway 3 ┤                                                  │
//   strategy host ────── gateway 4 ┘                                                  │
//     publisher handler: RestApi::onEvent (read model, waiting HTTP requests), the  ◄─┘
//     simulator's and the strategies' feed rings, WebSocket hub, metrics, history, FIX.
// Command sources (the `source` its events carry back): 1 HTTP, 2 simulator, 3 bootstrap, 4 FIX,
// 5 strategies (serve_strategies.hpp).
//
// Start: recover the data directory; on a fresh one (recovered sequence 0) submit the default
// universe, the simulator's accounts and the demo trader's accounts (1: cash, 2: margin, each
// with 1,000,000 USD) and wait until the engine has applied them; then start the simulator and
// report ready (GET /readyz). While running, this thread sends a clock tick every second and
// purges finished orders every --purge-every seconds; after each snapshot the runtime deletes the
// journal segments older than --journal-retention that no recovery needs. Stop (SIGTERM / SIGINT):
// stop accepting connections, stop the simulator, stop the runtime (drain, commit, snapshot),
// answer what still waits, exit 0.
//
// Threading: the simulator is single-threaded and owned by its thread; it learns about the
// market from a live::EventFeed the publisher fills. Market data (quotes, public trades) is
// dropped when that ring is full — the publisher must never wait on a slow consumer of market
// data, and the simulator only needs the latest quotes. Reports about the simulator's own
// orders are not dropped (its open-order bookkeeping depends on them): the publisher waits for
// room, which is safe because the simulator thread drains the ring while it waits to submit.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/directory.hpp"
#include "api/http/fill_history.hpp"
#include "api/http/http_server.hpp"
#include "api/http/json_log.hpp"
#include "api/http/read_model.hpp"
#include "api/http/request_log.hpp"
#include "api/http/rest_api.hpp"
#include "api/http/static_files.hpp"
#include "api/http/websocket_hub.hpp"
#include "api/json_commands.hpp"
#include "app/analytics_http.hpp"
#include "app/commands.hpp"
#include "app/serve_auth.hpp"
#include "app/serve_config.hpp"
#include "app/serve_fix.hpp"
#include "app/serve_history.hpp"
#include "app/serve_metrics.hpp"
#include "app/serve_strategies.hpp"
#include "app/serve_var.hpp"
#include "app/serve_websocket.hpp"
#include "core/thread_name.hpp"
#include "engine/runtime.hpp"
#include "live/event_feed.hpp"
#include "marketdata/simulator.hpp"
#include "marketdata/universe.hpp"

namespace alphintra::app {
namespace {

volatile std::sig_atomic_t gServeStop = 0;
extern "C" void onServeStopSignal(int /*signal*/) { gServeStop = 1; }

constexpr std::size_t kHttpGateway = 0;
constexpr std::size_t kSimulatorGateway = 1;
constexpr std::size_t kBootstrapGateway = 2;
constexpr std::size_t kStrategyGateway = 4;
constexpr std::uint32_t kHttpSource = 1;
constexpr std::uint32_t kSimulatorSource = 2;
constexpr std::uint32_t kBootstrapSource = 3;
constexpr std::uint32_t kStrategySource = 5;
constexpr auto kSimulatorPeriod = std::chrono::milliseconds{20};
constexpr auto kBootstrapTimeout = std::chrono::seconds{10};
constexpr auto kClockTickPeriod = std::chrono::seconds{1};  // housekeeping: GTD expiry (see the main loop)
// How much later than a purge's cutoff the finished orders are stored before it is sent.
constexpr std::chrono::seconds kPersistAhead{5};
// Request ids of the housekeeping purges (bootstrap source), to tell their answers apart.
constexpr std::uint64_t kPurgeOwnRequest = 1ull << 62;
constexpr std::uint64_t kPurgeSimulatorRequest = (1ull << 62) + 1;

struct ServeArgs {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string dataDir = "data";
  std::uint64_t seed = 42;
  bool noSimulator = false;
  bool demoUsers = false;
  ServeFixArgs fix;
  std::string durability = "fsync";
  std::size_t ioThreads = 2;
  std::uint64_t snapshotEvery = 100'000;
  // Tables sized (and faulted in) at start-up: the engine's order table for this many orders in
  // memory at once (live, and finished ones not yet purged), each instrument's book for this
  // many resting orders. Past them a table doubles, which stops the engine for milliseconds
  // (docs/engine.md, "Sizing the tables").
  std::size_t expectedOrders = std::size_t{1} << 16;
  std::uint32_t expectedBookOrders = 1u << 16;
  // Finished orders leave the engine's memory after these many seconds (0: never), those of the
  // simulator's accounts sooner; checked every purgeEvery seconds (docs/engine.md).
  std::uint64_t orderRetention = 86'400;
  std::uint64_t simulatorOrderRetention = 600;
  std::uint64_t purgeEvery = 60;
  // Journal segments older than this that no recovery needs are deleted after each snapshot
  // (docs/journal.md, "Retention"). Unset (the default): the journal keeps every command, the
  // platform's complete record (DESIGN.md).
  std::optional<std::uint64_t> journalRetention;
  std::uint64_t journalSegmentMb = 64;
  // Days of market-data history (trades, 1 s bars) older than this are deleted (serve_history.hpp).
  // Unset (the default): kept for ever.
  std::optional<std::uint64_t> historyRetention;
  std::string webDir = ALPHINTRA_WEB_DIST;  // the built dashboard (docs/dashboard.md)
  std::string tlsCertificate;               // PEM certificate chain: HTTPS and WSS (with tlsKey)
  std::string tlsKey;                       // PEM private key
  double apiRatePerSecond = 1'000;          // REST requests a second per user (0: no limit)
  double apiBurst = 2'000;
  double wsRatePerSecond = 50;  // WebSocket requests a second per connection (0: no limit)
  double wsBurst = 100;
  std::vector<std::string> strategies;  // --strategy: run live (serve_strategies.hpp)
  std::string configPath;               // --config: a TOML file of these options (serve_config.hpp)
};

std::int64_t wallClockNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Publisher → simulator: quotes and trades (dropped when full), the simulator's own reports and
// command results (waited for). See the file comment.
live::EventFeed::Classify simulatorFeed(std::uint64_t firstAccount) {
  using Want = live::EventFeed::Want;
  return [firstAccount](const engine::EngineEvent& e) {
    switch (e.kind) {
      case engine::EventKind::Quote:
      case engine::EventKind::PublicTrade: return Want::DropWhenFull;
      case engine::EventKind::ExecutionReport:
        return e.body.execution.account.value() < firstAccount ? Want::Skip : Want::Wait;
      case engine::EventKind::CancelReject:
        return e.body.cancelReject.account.value() < firstAccount ? Want::Skip : Want::Wait;
      case engine::EventKind::CommandResult:  // its own, and a future's settlement (it stops trading it)
        return e.source == kSimulatorSource ||
                       e.body.result.commandType == static_cast<std::uint8_t>(engine::CommandType::SettleInstrument)
                   ? Want::Wait
                   : Want::Skip;
    }
    return Want::Skip;
  };
}

// An instrument listed while serve runs, with the price the simulator quotes it around.
struct ListedInstrument {
  Instrument instrument;
  Price price;
  bool engineHasPrice = false;  // a reference price the engine took already (no MarketData to send)
};

// The engine's instruments outside the default universe that a MarketData command gave a
// reference price: what the simulator quotes besides the default universe.
std::vector<ListedInstrument> listedInstruments(const engine::Engine& e) {
  std::vector<ListedInstrument> out;
  const auto defaults = marketdata::defaultReferencePrices();
  for (const Instrument& i : e.instruments()) {
    const bool isDefault =
        std::any_of(defaults.begin(), defaults.end(), [&](const auto& d) { return d.first == i.id(); });
    const Price p = e.marketDataReference(i.id());
    const bool settled = e.ledger().settlementPrice(i.id()).isDefined();
    if (!isDefault && !settled && p.isDefined() && p.isPositive()) out.push_back(ListedInstrument{i, p});
  }
  return out;
}

void loadDirectory(api::Directory& directory, const engine::Engine& e) {
  directory.addInstruments(e.instruments());
  std::vector<AccountId> ids;
  e.ledger().accountIds(ids);
  for (AccountId id : ids) {
    if (const auto* a = e.ledger().account(id)) directory.addAccount(id, a->baseCurrency());
  }
}

// The first start's reference data, as commands from the bootstrap source. The directory and
// the read model learn every definition before the engine has applied it.
Result<std::vector<engine::Command>> bootstrapCommands(api::Directory& directory, api::http::ReadModel& readModel,
                                                       const marketdata::SimulatorOptions& simulator) {
  std::vector<engine::Command> commands = marketdata::defaultUniverse();
  const std::vector<engine::Command> accounts = marketdata::simulatorAccounts(simulator);
  commands.insert(commands.end(), accounts.begin(), accounts.end());
  for (engine::Command& c : commands) {
    c.header.source = kBootstrapSource;
    if (c.type() == engine::CommandType::DefineInstrument) {
      auto instrument = engine::fromDefineBody(c.body.defineInstrument);
      if (!instrument.ok()) return instrument.error();
      directory.addInstrument(instrument.value());
      readModel.addInstrument(instrument.value());
    } else if (c.type() == engine::CommandType::OpenAccount) {
      directory.addAccount(c.body.openAccount.account, c.body.openAccount.baseCurrency);
    }
  }
  // The demo trader (docs/api.md): a cash account and a margin account in USD.
  for (const char* line : {
           R"({"type":"open_account","account":1,"currency":"USD","accountType":"cash"})",
           R"({"type":"adjust_cash","account":1,"currency":"USD","amount":"1000000.00"})",
           R"({"type":"open_account","account":2,"currency":"USD","accountType":"margin"})",
           R"({"type":"adjust_cash","account":2,"currency":"USD","amount":"1000000.00"})",
       }) {
    auto command = api::parseCommand(line, directory, kBootstrapSource);
    if (!command.ok()) return command.error();
    commands.push_back(command.value());
  }
  return commands;
}

int runServe(const ServeArgs& args) {
  const auto started = std::chrono::steady_clock::now();
  // From the start: a stop asked for during start-up is acted on once it is ready.
  std::signal(SIGTERM, onServeStopSignal);
  std::signal(SIGINT, onServeStopSignal);
  const auto log = [](std::string_view line) { api::http::logText(line); };  // JSON lines (json_log.hpp)

  marketdata::SimulatorOptions simulatorOptions;
  simulatorOptions.seed = args.seed;
  const std::uint64_t firstSimulatorAccount = simulatorOptions.firstAccountId;

  api::Directory directory;
  // Orders of the simulator's accounts stay out of the read model (read_model.hpp).
  api::http::ReadModel readModel([firstSimulatorAccount](AccountId a) { return a.value() < firstSimulatorAccount; });
  // Fills across restarts (GET /api/v1/fills lists those from before this start too).
  std::error_code dirError;
  std::filesystem::create_directories(args.dataDir, dirError);  // a failure shows in the open below
  auto fillHistory = api::http::FillHistory::open(std::filesystem::path(args.dataDir) / "fills.db");
  if (!fillHistory.ok()) {
    log(fmt::format("error: {}", fillHistory.error().message));
    return 2;
  }
  readModel.setFillHistory(fillHistory.value().get());
  live::EventFeed feed(simulatorFeed(firstSimulatorAccount));
  auto strategiesResult = ServeStrategies::create(args.strategies, log);
  if (!strategiesResult.ok()) {
    log(fmt::format("error: --{}: {}", strategiesResult.error().field, strategiesResult.error().message));
    return 2;
  }
  ServeStrategies& strategies = *strategiesResult.value();
  std::atomic<engine::EngineRuntime*> runtimeForHttp{nullptr};
  api::http::RestApi rest(
      directory, readModel,
      [&runtimeForHttp](const engine::Command& c) {
        engine::EngineRuntime* runtime = runtimeForHttp.load(std::memory_order_acquire);
        return runtime != nullptr && runtime->submit(kHttpGateway, c);
      },
      api::http::RestOptions{kHttpSource, std::chrono::milliseconds{5'000}, {args.apiRatePerSecond, args.apiBurst}});

  // Drop copies get the platform's accounts, not the market simulator's participants.
  auto fixResult = makeFixGateway(
      args.fix, args.dataDir, directory, runtimeForHttp,
      [firstSimulatorAccount](AccountId a) { return a.value() < firstSimulatorAccount; }, log);
  if (!fixResult.ok()) {
    log(fmt::format("error: --{}: {}", fixResult.error().field, fixResult.error().message));
    return 2;
  }
  std::unique_ptr<api::fix::FixGateway> fix = std::move(fixResult).value();

  // Authentication (docs/api.md): every route but health and login needs credentials.
  auto authResult = openServeAuth(args.dataDir, args.demoUsers, log);
  if (!authResult.ok()) {
    log(fmt::format("error: {}", authResult.error().message));
    return 2;
  }
  auth::AuthService& authService = *authResult.value();
  rest.enableAuth(authService);
  // Read-only queries on the engine thread: account views, book depth, metrics samples.
  const auto inspectEngine = [&runtimeForHttp](engine::EngineRuntime::Query query) {
    engine::EngineRuntime* runtime = runtimeForHttp.load(std::memory_order_acquire);
    return runtime != nullptr && runtime->inspect(std::move(query));
  };
  rest.setInspect(inspectEngine);

  // The WebSocket API (its hub fed by the publisher) and GET /metrics (docs/api.md).
  api::http::WsHubOptions wsOptions;
  wsOptions.orderAccounts = [firstSimulatorAccount](AccountId a) { return a.value() < firstSimulatorAccount; };
  wsOptions.limits.messages = api::http::RateLimit{args.wsRatePerSecond, args.wsBurst};
  api::http::WsHub wsHub(directory, accessTokenVerifier(authService), engineDepthSampler(inspectEngine), wsOptions);
  ServeMetrics metrics(directory, firstSimulatorAccount);

  engine::RuntimeOptions options;
  options.dataDir = args.dataDir;
  options.durability = args.durability == "none" ? store::Durability::None : store::Durability::Fsync;
  options.journalSegmentBytes = args.journalSegmentMb << 20;
  options.snapshotEvery = args.snapshotEvery;
  options.engine.expectedOrders = args.expectedOrders;
  options.engine.book.expectedOrders = args.expectedBookOrders;
  options.gateways = 5;  // 0 HTTP, 1 simulator, 2 bootstrap, 3 FIX (kFixGateway), 4 strategies
  options.log = log;
  // Fills the history lost to a kill -9 (its last ~200 ms of commits) come back from the journal:
  // recovery starts from a snapshot no newer than what the history kept, and the fills it
  // regenerates past the history's last exec id are stored once the directory knows their
  // instruments (fill_history.hpp).
  api::http::FillHistory& fillStore = *fillHistory.value();
  options.maxSnapshotSequence = fillStore.eventsThrough();
  if (args.journalRetention) {
    options.journalRetention = std::chrono::seconds{*args.journalRetention};
    // A restart recovers from a snapshot no newer than what the fill history has committed; a
    // power cut may undo its unsynced commits, so the limit is its last synced one.
    options.recoveryLimit = [&fillStore] { return fillStore.durableEventsThrough(); };
  }
  std::vector<engine::EngineEvent> replayedFills;
  options.recoveryEvents = [&replayedFills, &fillStore, firstSimulatorAccount](const engine::EngineEvent& e) {
    if (e.kind == engine::EventKind::ExecutionReport && e.body.execution.execType == oms::ExecType::Trade &&
        e.body.execution.execId > fillStore.lastExecId() && e.body.execution.account.value() < firstSimulatorAccount) {
      replayedFills.push_back(e);
    }
  };
  const bool simulate = !args.noSimulator;
  // Trades recorded as history (1 s bars and trades) for GET .../history and backtests.
  ServeHistoryOptions historyOptions;
  if (args.historyRetention) historyOptions.retention = std::chrono::seconds{*args.historyRetention};
  historyOptions.log = log;
  auto historyResult =
      ServeHistory::open(std::filesystem::path(args.dataDir) / "history", directory, std::move(historyOptions));
  if (!historyResult.ok()) {
    log(fmt::format("error: {}", historyResult.error().message));
    return 2;
  }
  ServeHistory& history = *historyResult.value();
  // The market risk model (VaR in the risk view and risk_var_1day_usd) reads that history.
  auto varResult = ServeVar::open(std::filesystem::path(args.dataDir) / "history");
  if (!varResult.ok()) {
    log(fmt::format("error: {}", varResult.error().message));
    return 2;
  }
  ServeVar& marketRisk = *varResult.value();
  rest.setVarEstimator(marketRisk.estimator());
  metrics.setVarEstimator(marketRisk.estimator());

  // Instruments listed with a reference price (POST /api/v1/admin/instruments, RestApi::
  // setInstrumentListed): the publisher hands them to the housekeeping loop below, which gives
  // the engine the price (a MarketData command, journaled) and the simulator thread the
  // instrument to quote. After a restart, the instruments outside the default universe with
  // such a price (`relisted`) are quoted again.
  std::mutex listedMutex;
  std::vector<ListedInstrument> listed;           // publisher → housekeeping
  std::vector<ListedInstrument> simulatorListed;  // housekeeping → simulator thread
  std::vector<ListedInstrument> relisted;         // from the recovered engine
  std::vector<InstrumentId> settled;              // futures past their final settlement: not quoted
  rest.setInstrumentListed([&](const Instrument& instrument, Price price, bool engineHasPrice) {
    std::lock_guard lock(listedMutex);
    listed.push_back(ListedInstrument{instrument, price, engineHasPrice});
  });
  auto runtimeResult = engine::EngineRuntime::start(
      options,
      [&](const engine::EngineEvent& e) {
        if (simulate) feed.publish(e);
        strategies.publish(e);
        rest.onEvent(e);
        // Every event of the commands before this one has reached the fill history.
        fillStore.advance(e.commandSequence - 1);
        wsHub.onEvent(e);
        metrics.onEvent(e);
        history.onEvent(e);
        if (fix) fix->onEvent(e);
        if (e.source == kBootstrapSource && e.kind == engine::EventKind::CommandResult &&
            e.body.result.commandType == static_cast<std::uint8_t>(engine::CommandType::PurgeOrders)) {
          // The REST read model and the FIX order entry drop what the engine retired of the
          // accounts they track.
          const bool own = e.requestId == kPurgeOwnRequest;
          if (own) {
            const std::int64_t age = static_cast<std::int64_t>(args.orderRetention) * 1'000'000'000;
            const Timestamp cutoff{e.time.nanos() - std::min(age, e.time.nanos())};
            readModel.retire(cutoff, OrderId{e.body.result.subject});
            if (fix) {
              fix->retireOrders(cutoff, OrderId{e.body.result.subject},
                                static_cast<std::uint64_t>(e.body.result.value));
            }
          }
          if (e.body.result.value > 0) {
            log(fmt::format("serve: retired {} finished orders ({} accounts)", e.body.result.value,
                            own ? "your" : "the simulator's"));
          }
        } else if (e.source == kBootstrapSource && e.kind == engine::EventKind::CommandResult &&
                   !e.body.result.accepted) {
          log(fmt::format("serve: start-up command {} refused: {}",
                          engine::toString(static_cast<engine::CommandType>(e.body.result.commandType)),
                          engine::toString(e.body.result.code)));
        }
      },
      [&](const engine::Engine& e) {
        loadDirectory(directory, e);
        relisted = listedInstruments(e);
        for (const Instrument& i : e.instruments()) {
          if (e.ledger().settlementPrice(i.id()).isDefined()) settled.push_back(i.id());
        }
        readModel.load(e, directory);
        for (const engine::EngineEvent& fill : replayedFills) readModel.recordReplayedFill(fill);
        if (!replayedFills.empty()) {
          log(fmt::format("serve: {} fills after the fill history's last commit recovered from the journal",
                          replayedFills.size()));
        }
        replayedFills = {};
        fillStore.advance(e.lastSequence());
        // Committed before the API answers: GET /api/v1/fills reads replayed fills from the store,
        // and the writer thread would only commit them within its next period.
        if (auto flushed = fillStore.flush(); !flushed.ok()) {
          log(fmt::format("error: fill history: {}", flushed.error().message));
        }
        if (fix) fix->load(e);
      });
  if (!runtimeResult.ok()) {
    log(fmt::format("error: {}", runtimeResult.error().message));
    return 2;
  }
  engine::EngineRuntime& runtime = *runtimeResult.value();
  runtimeForHttp.store(&runtime, std::memory_order_release);
  const auto& recovered = runtime.recovery();
  log(fmt::format("serve: data {} recovered to sequence {} (snapshot {}, {} journal records replayed)", args.dataDir,
                  recovered.lastSequence, recovered.snapshotSequence, recovered.replayed));

  api::http::ServerOptions serverOptions;
  serverOptions.host = args.host;
  serverOptions.port = args.port;
  serverOptions.ioThreads = args.ioThreads;
  serverOptions.log = log;
  serverOptions.tlsCertificateFile = args.tlsCertificate;
  serverOptions.tlsPrivateKeyFile = args.tlsKey;
  serverOptions.webSocket = [&wsHub](const api::http::Request&, std::weak_ptr<api::http::WebSocketTransport> t) {
    return std::shared_ptr<api::http::WebSocketHandler>(wsHub.accept(std::move(t)));
  };
  AnalyticsHttp analyticsHttp;                          // POST /api/v1/analytics/NAME, on its own worker thread
  const api::http::StaticFiles dashboard(args.webDir);  // everything outside /api/ and the health routes
  if (!dashboard.available())
    log(fmt::format("serve: no dashboard at {} (build it: npm run build in web/)", args.webDir));
  auto serverResult = api::http::HttpServer::start(
      serverOptions,
      api::http::observeRequests(
          [&rest, &analyticsHttp, &dashboard, &metrics, &history, &strategies](api::http::Request&& r,
                                                                               api::http::Respond respond) {
            if (r.path == "/metrics") {
              if (r.method != api::http::Method::Get) {
                return respond(api::http::errorResponse(405, "method_not_allowed", "/metrics allows GET"));
              }
              return respond(metrics.scrape());
            }
            if (api::http::isDashboardPath(r.path)) return respond(dashboard.serve(r));
            if (r.path.starts_with(ServeHistory::kPrefix)) {
              if (!rest.authorize(r, respond)) return;
              return history.handle(r, respond);
            }
            if (r.path == ServeStrategies::kPrefix || r.path.starts_with(std::string(ServeStrategies::kPrefix) + "/")) {
              const auto principal = rest.authorize(r, respond);
              if (!principal) return;
              return strategies.handle(r, std::move(respond), *principal);
            }
            if (r.path.starts_with(kAnalyticsPrefix)) {
              if (!rest.authorize(r, respond)) return;
              return analyticsHttp.handle(std::move(r), std::move(respond));
            }
            rest.handle(std::move(r), respond);
          },
          metrics.registry()));
  if (!serverResult.ok()) {
    const Error& e = serverResult.error();
    log(e.field.empty() ? fmt::format("error: {}", e.message) : fmt::format("error: --{}: {}", e.field, e.message));
    (void)runtime.stop();
    return 2;
  }
  api::http::HttpServer& server = *serverResult.value();
  log(fmt::format("serve: listening on {}://{}:{}", args.tlsCertificate.empty() ? "http" : "https", args.host,
                  server.port()));

  const auto fail = [&](const std::string& message) {
    log(fmt::format("error: {}", message));
    server.stop();
    (void)runtime.stop();
    rest.drain();
    return 2;
  };

  if (recovered.lastSequence == 0) {
    auto commands = bootstrapCommands(directory, readModel, simulatorOptions);
    if (!commands.ok()) return fail("the default universe is invalid: " + commands.error().message);
    for (const engine::Command& c : commands.value()) {
      if (!runtime.submit(kBootstrapGateway, c))
        return fail("the engine stopped during start-up: " + runtime.failure());
    }
    const std::uint64_t target = commands.value().size();
    const auto deadline = std::chrono::steady_clock::now() + kBootstrapTimeout;
    while (runtime.appliedSequence() < target) {
      if (runtime.failed()) return fail("the engine failed during start-up: " + runtime.failure());
      if (std::chrono::steady_clock::now() > deadline) return fail("the engine did not apply the start-up commands");
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    log(fmt::format("serve: loaded the default universe ({} instruments) and {} start-up commands",
                    readModel.instruments().size(), target));
  }

  if (fix) {  // FIX 4.4 (docs/fix.md): after the start-up commands, so that its accounts exist,
              // and before the simulator thread, so that a failure leaves no thread running
    if (auto error = fix->start()) return fail(error->message);
    log(fmt::format("serve: FIX listening on {}:{}", args.fix.host, fix->port()));
  }
  // Strategies (docs/strategies.md): their accounts and instruments exist by now.
  if (auto error = strategies.start(runtime, directory, kStrategyGateway, kStrategySource)) {
    if (fix) fix->stop();
    return fail(fmt::format("--{}: {}", error->field, error->message));
  }

  std::atomic<bool> simulatorStop{false};
  std::atomic<std::uint64_t> simulatorCommands{0};
  std::thread simulatorThread;
  if (simulate) {
    auto simulator = std::make_shared<marketdata::MarketSimulator>(simulatorOptions);
    for (const auto& [id, price] : marketdata::defaultReferencePrices()) {
      if (std::find(settled.begin(), settled.end(), id) != settled.end()) continue;
      if (auto instrument = directory.instrument(id)) simulator->addInstrument(*instrument, price);
    }
    for (const ListedInstrument& l : relisted) simulator->addInstrument(l.instrument, l.price);
    simulatorThread = std::thread([&, simulator] {
      nameThisThread("simulator");
      std::vector<engine::Command> out;
      const auto onEvent = [&simulator](const engine::EngineEvent& e) { simulator->onEvent(e); };
      auto next = std::chrono::steady_clock::now();
      std::vector<ListedInstrument> adds;
      while (!simulatorStop.load(std::memory_order_acquire)) {
        {
          std::lock_guard lock(listedMutex);
          adds.swap(simulatorListed);
        }
        for (const ListedInstrument& l : adds) simulator->addInstrument(l.instrument, l.price);
        adds.clear();
        feed.drain(onEvent);
        out.clear();
        simulator->generate(Timestamp{wallClockNanos()}, out);
        for (engine::Command& c : out) {
          c.header.source = kSimulatorSource;
          // trySubmit, draining the feed while the ring is full: the publisher may be waiting
          // for room in the feed, and the engine for the publisher.
          while (!runtime.trySubmit(kSimulatorGateway, c)) {
            if (simulatorStop.load(std::memory_order_acquire) || runtime.failed()) return;
            feed.drain(onEvent);
            std::this_thread::yield();
          }
        }
        simulatorCommands.store(simulator->commandsGenerated(), std::memory_order_relaxed);
        next += kSimulatorPeriod;
        const auto now = std::chrono::steady_clock::now();
        if (next < now) next = now;  // behind (a stall): do not try to catch up in a burst
        std::this_thread::sleep_until(next);
      }
    });
  }

  history.start();
  marketRisk.start();
  rest.setReady(true);
  wsHub.start();
  metrics.start(
      inspectEngine, [&runtime] { return runtime.appliedSequence(); }, [&wsHub] { return wsHub.sessionCount(); });
  log(fmt::format(
      "serve: ready in {} ms{}",
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count(),
      simulate ? "" : " (simulator off)"));

  // Housekeeping from this thread (the bootstrap gateway's producer): a clock tick every second,
  // so that GTD orders expire on time on a quiet instrument (a book otherwise learns the time
  // only from commands for it), and retiring finished orders.
  const auto purgePeriod = std::chrono::seconds{args.purgeEvery};
  auto nextPurge = std::chrono::steady_clock::now() + purgePeriod;
  auto nextTick = std::chrono::steady_clock::now() + kClockTickPeriod;
  const auto purge = [&](std::uint64_t retentionSeconds, AccountId first, AccountId last, std::uint64_t tag) {
    if (retentionSeconds == 0) return true;
    if (tag == kPurgeOwnRequest) {
      // The orders this purge may retire go to the order history first, committed, so that a
      // crash cannot lose one: all finished before a cutoff kPersistAhead later than the
      // engine's will be (the purge is stamped well within that of now).
      const std::int64_t cutoff = wallClockNanos() - static_cast<std::int64_t>(retentionSeconds) * 1'000'000'000 +
                                  std::chrono::nanoseconds{kPersistAhead}.count();
      constexpr std::size_t kBatch = 65'536;  // a commit each, so the queue stays small
      for (;;) {
        const std::size_t queued = readModel.persistFinished(Timestamp{cutoff}, kBatch);
        if (auto flushed = fillStore.flush(/*durable=*/true); !flushed.ok()) {
          log(fmt::format("error: order history: {}; finished orders are not retired until it is written",
                          flushed.error().message));
          return true;  // this round's purge of your orders skipped; tried again next period
        }
        if (queued < kBatch) break;
      }
    }
    engine::Command c = engine::makeCommand(engine::CommandType::PurgeOrders);
    c.header.source = kBootstrapSource;
    c.header.requestId = tag;
    c.body.purgeOrders.minAgeNanos = static_cast<std::int64_t>(retentionSeconds) * 1'000'000'000;
    c.body.purgeOrders.firstAccount = first;
    c.body.purgeOrders.lastAccount = last;
    return runtime.trySubmit(kBootstrapGateway, c);
  };
  std::vector<ListedInstrument> listing;
  while (gServeStop == 0 && !runtime.failed()) {
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    rest.expire();
    {
      std::lock_guard lock(listedMutex);
      listing.swap(listed);
    }
    for (std::size_t k = 0; k < listing.size(); ++k) {
      const ListedInstrument& l = listing[k];
      engine::Command reference = engine::makeCommand(engine::CommandType::MarketData);
      reference.header.source = kBootstrapSource;
      reference.body.marketData.instrument = l.instrument.id();
      reference.body.marketData.last = l.price;
      if (!l.engineHasPrice && !runtime.trySubmit(kBootstrapGateway, reference)) {  // full: next round
        std::lock_guard lock(listedMutex);
        listed.insert(listed.begin(), listing.begin() + static_cast<std::ptrdiff_t>(k), listing.end());
        break;
      }
      log(fmt::format("serve: {} {} reference price {}{}", l.instrument.symbol(),
                      l.engineHasPrice ? "given the" : "listed at", l.instrument.formatPrice(l.price),
                      simulate ? "; the simulator quotes it" : ""));
      if (simulate) {
        std::lock_guard lock(listedMutex);
        simulatorListed.push_back(l);
      }
    }
    listing.clear();
    if (std::chrono::steady_clock::now() >= nextTick) {
      engine::Command tick = engine::makeCommand(engine::CommandType::ClockTick);
      tick.header.source = kBootstrapSource;
      if (runtime.trySubmit(kBootstrapGateway, tick)) nextTick = std::chrono::steady_clock::now() + kClockTickPeriod;
    }
    if (args.purgeEvery != 0 && std::chrono::steady_clock::now() >= nextPurge) {
      // Everyone's below the simulator's accounts, then the simulator's (a full ring: next round).
      if (purge(args.orderRetention, AccountId{1}, AccountId{firstSimulatorAccount - 1}, kPurgeOwnRequest) &&
          purge(args.simulatorOrderRetention, AccountId{firstSimulatorAccount}, AccountId{}, kPurgeSimulatorRequest)) {
        nextPurge = std::chrono::steady_clock::now() + purgePeriod;
      }
    }
  }

  log("serve: stopping");
  rest.setReady(false);
  server.stopAccepting();
  simulatorStop.store(true, std::memory_order_release);
  feed.close();
  if (simulatorThread.joinable()) simulatorThread.join();
  strategies.stop();  // before the runtime: the strategies' cancels are journaled by its drain
  wsHub.stop();
  metrics.stop();
  marketRisk.stop();
  const auto stopError = runtime.stop();
  history.stop();        // after the runtime: the last trades are recorded
  if (fix) fix->stop();  // after the runtime: the last reports reach the FIX stores
  rest.drain();
  analyticsHttp.stop();
  server.stop();
  if (stopError) {
    log(fmt::format("error: {}", stopError->message));
    return 2;
  }
  log(fmt::format("serve: stopped at sequence {} ({} simulator commands, {} market-data events not fed to it)",
                  runtime.appliedSequence(), simulatorCommands.load(), feed.dropped()));
  return 0;
}

}  // namespace

void addServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve", "Run the engine behind the REST API, with the market simulator trading the default universe");
  cmd->add_option("--port", args->port, "TCP port to listen on (0: any free port)");
  cmd->add_option("--host", args->host, "Address to listen on (default loopback; use TLS on any other)");
  cmd->add_option("--tls-cert", args->tlsCertificate,
                  "PEM certificate chain: serve HTTPS and WSS instead of HTTP (with --tls-key)");
  cmd->add_option("--tls-key", args->tlsKey, "PEM private key of --tls-cert");
  cmd->add_option("--data-dir", args->dataDir, "Journal and snapshots directory (created when missing)");
  cmd->add_option("--seed", args->seed, "Seed of the market simulator");
  cmd->add_flag("--no-simulator", args->noSimulator, "Do not run the market simulator");
  cmd->add_flag("--demo-users", args->demoUsers,
                "Also create the demo users trader, viewer and risk (docs/api.md) on accounts 1 and 2");
  cmd->add_option("--durability", args->durability, "fsync (default): acknowledge after fdatasync; none: after write")
      ->check(CLI::IsMember({"fsync", "none"}));
  cmd->add_option("--io-threads", args->ioThreads, "HTTP I/O threads")->check(CLI::Range(1, 64));
  cmd->add_option("--snapshot-every", args->snapshotEvery, "Commands between snapshots (0: only at stop)");
  cmd->add_option("--expected-orders", args->expectedOrders,
                  "Orders the engine's order table holds before it grows (sized and faulted in at start-up, "
                  "~360 bytes each)")
      ->check(CLI::Range(std::size_t{1'024}, std::size_t{1} << 26));
  cmd->add_option("--expected-book-orders", args->expectedBookOrders,
                  "Resting orders each instrument's book holds before it grows (~150 bytes each, per instrument)")
      ->check(CLI::Range(std::uint32_t{1'024}, std::uint32_t{1} << 24));
  cmd->add_option("--order-retention", args->orderRetention,
                  "Seconds a finished order stays in the engine's memory (0: for ever); the simulator's own "
                  "orders follow --simulator-order-retention")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{100} * 365 * 86'400));
  cmd->add_option("--simulator-order-retention", args->simulatorOrderRetention,
                  "Seconds a finished order of the market simulator's accounts stays in memory (0: for ever)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{100} * 365 * 86'400));
  cmd->add_option("--purge-every", args->purgeEvery, "Seconds between purges of finished orders (0: none)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{86'400}));
  cmd->add_option("--journal-retention", args->journalRetention,
                  "Delete journal segments no recovery needs once they are this many seconds old (default: keep "
                  "every segment, the complete record of commands)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{100} * 365 * 86'400));
  cmd->add_option("--history-retention", args->historyRetention,
                  "Delete market-data history (trades, 1 s bars) of days that ended more than this many seconds "
                  "ago, at start and hourly (at least 86400; default: keep it all)")
      ->check(CLI::Range(std::uint64_t{86'400}, std::uint64_t{100} * 365 * 86'400));
  cmd->add_option("--journal-segment-mb", args->journalSegmentMb,
                  "Size of a journal segment file in MiB: the unit the retention deletes")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1024}));
  cmd->add_option("--api-rate-limit", args->apiRatePerSecond,
                  "REST requests a second per user, beyond which 429 with Retry-After (0: no limit)")
      ->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--api-burst", args->apiBurst, "Requests a user may send at once above the rate")
      ->check(CLI::Range(1.0, 1e9));
  cmd->add_option("--ws-rate-limit", args->wsRatePerSecond,
                  "WebSocket requests a second per connection, beyond which error rate_limited (0: no limit)")
      ->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--ws-burst", args->wsBurst,
                  "WebSocket requests a connection may send at once above the rate; that many refusals in a row "
                  "close it (1008)")
      ->check(CLI::Range(1.0, 1e9));
  cmd->add_option("--web-dir", args->webDir,
                  "The built web dashboard served at / (default: the source tree's web/dist)");
  addServeFixOptions(*cmd, args->fix);
  addServeStrategyOptions(*cmd, args->strategies);
  addConfigOptions(*cmd, args->configPath);
  cmd->callback([cmd, args] {
    if (auto error = applyConfigFile(*cmd, args->configPath)) {
      std::fprintf(stderr, "alphintra serve: %s\n", error->message.c_str());
      return setExitCode(2);
    }
    setExitCode(runServe(*args));
  });
}

}  // namespace alphintra::app
