#include "app/serve_strategies.hpp"

#include <fmt/format.h>

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>

#include "api/http/request_parsing.hpp"
#include "core/thread_name.hpp"

namespace alphintra::app {

namespace {

using json = nlohmann::ordered_json;
using api::http::errorResponse;

constexpr auto kIdle = std::chrono::microseconds{500};
constexpr auto kStatusEvery = std::chrono::milliseconds{100};
constexpr auto kValuationEvery = std::chrono::seconds{1};
constexpr auto kLoadTimeout = std::chrono::seconds{10};
// A time bar ends on the clock this long after its end when no later event ended it first
// (an event stamped before the end may still be on its way from the engine).
constexpr std::int64_t kBarGraceNanos = 50'000'000;

std::int64_t wallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Base 36 of the start millisecond: the run tag in client order ids (8 characters until 2059).
std::string runTag() {
  std::uint64_t v = static_cast<std::uint64_t>(wallNanos() / 1'000'000);
  std::string out;
  do {
    const auto d = static_cast<char>(v % 36);
    out.insert(out.begin(), d < 10 ? static_cast<char>('0' + d) : static_cast<char>('a' + d - 10));
    v /= 36;
  } while (v != 0);
  return out;
}

json toJson(const live::StrategyStatus& s) {
  json j;
  j["id"] = s.id;
  j["name"] = s.name;
  j["spec"] = s.spec;
  j["accountId"] = s.account.value();
  json symbols = json::array();
  for (const Instrument& in : s.instruments) symbols.push_back(in.symbol());
  j["instruments"] = symbols;
  j["bar"] = marketdata::formatInterval(s.barNanos);
  json params = json::object();
  for (const auto& [k, v] : s.parameters) params[k] = v;
  j["parameters"] = params;
  j["state"] = live::toString(s.state);
  if (!s.error.empty()) j["error"] = s.error;
  j["ordersSent"] = s.ordersSent;
  j["fills"] = s.fills;
  j["rejects"] = s.rejects;
  if (s.bookNanos != 0) {
    j["book"] = s.bookNanos % 1'000'000'000 == 0 ? fmt::format("{}s", s.bookNanos / 1'000'000'000)
                                                 : fmt::format("{}ms", s.bookNanos / 1'000'000);
    j["bookUpdates"] = s.bookUpdates;
  }
  json positions = json::array();
  for (std::size_t i = 0; i < s.instruments.size(); ++i) {
    const Instrument& in = s.instruments[i];
    positions.push_back({{"symbol", in.symbol()},
                         {"quantity", in.formatQuantity(s.positions[i])},
                         {"openBuy", in.formatQuantity(s.openBuy[i])},
                         {"openSell", in.formatQuantity(s.openSell[i])}});
  }
  j["positions"] = positions;
  j["currency"] = std::string(s.currency.code());
  j["cash"] = s.cash;
  j["equity"] = s.equity;
  j["startedAt"] = s.startedAt.nanos();
  return j;
}

}  // namespace

void addServeStrategyOptions(CLI::App& serve, std::vector<std::string>& specs) {
  serve.add_option("--strategy", specs,
                   "Run a strategy live: NAME:account=N,instruments=SYM+SYM[,bar=1m][,id=ID][,param=value...] "
                   "(docs/strategies.md); repeat for more");
}

Result<std::unique_ptr<ServeStrategies>> ServeStrategies::create(const std::vector<std::string>& specs,
                                                                 std::function<void(std::string_view)> log) {
  std::vector<live::LiveStrategySpec> parsed;
  for (const std::string& text : specs) {
    auto spec = live::parseLiveStrategySpec(text);
    if (!spec.ok()) return spec.error();
    parsed.push_back(std::move(spec).value());
  }
  return std::unique_ptr<ServeStrategies>(new ServeStrategies(std::move(parsed), std::move(log)));
}

ServeStrategies::ServeStrategies(std::vector<live::LiveStrategySpec> specs, std::function<void(std::string_view)> log)
    : specs_(std::move(specs)),
      log_(std::move(log)),
      feed_([this](const engine::EngineEvent& e) { return classify(e); }) {}

ServeStrategies::~ServeStrategies() { stop(); }

live::EventFeed::Want ServeStrategies::classify(const engine::EngineEvent& e) const noexcept {
  using Want = live::EventFeed::Want;
  if (!queueing_.load(std::memory_order_acquire)) return Want::Skip;
  switch (e.kind) {
    case engine::EventKind::ExecutionReport:
      return accounts_.contains(e.body.execution.account.value()) ? Want::Wait : Want::Skip;
    case engine::EventKind::PublicTrade:
      return instruments_.contains(e.body.trade.instrument.value()) ? Want::Wait : Want::Skip;
    case engine::EventKind::Quote:
      return instruments_.contains(e.body.quote.instrument.value()) ? Want::DropWhenFull : Want::Skip;
    case engine::EventKind::CancelReject:
    case engine::EventKind::CommandResult:  // a settlement of an instrument they trade closes their positions
      return e.body.result.accepted &&
                     e.body.result.commandType == static_cast<std::uint8_t>(engine::CommandType::SettleInstrument) &&
                     instruments_.contains(e.body.result.subject)
                 ? Want::Wait
                 : Want::Skip;
  }
  return Want::Skip;
}

std::optional<Error> ServeStrategies::start(engine::EngineRuntime& runtime, const api::Directory& directory,
                                            std::size_t gateway, std::uint32_t source) {
  if (specs_.empty()) return std::nullopt;
  runtime_ = &runtime;
  gateway_ = gateway;
  source_ = source;
  for (const live::LiveStrategySpec& spec : specs_) {
    accounts_.insert(spec.account.value());
    for (const std::string& symbol : spec.symbols) {
      if (auto in = directory.instrumentBySymbol(symbol)) instruments_.insert(in->id().value());
    }
  }
  // Queue from now on: every event after the state the strategies load below reaches them.
  queueing_.store(true, std::memory_order_release);
  host_ = std::make_unique<live::StrategyHost>([this](engine::Command& c) { outbox_.push_back(c); }, runTag());
  std::promise<std::optional<Error>> loaded;
  auto done = loaded.get_future();
  const bool asked = runtime.inspect([this, &loaded](const engine::Engine& engine) {
    for (const live::LiveStrategySpec& spec : specs_) {
      if (auto error = host_->add(spec, engine)) {
        loaded.set_value(error);
        return;
      }
    }
    loadedThrough_ = engine.lastSequence();
    loaded.set_value(std::nullopt);
  });
  if (!asked || done.wait_for(kLoadTimeout) != std::future_status::ready) {
    queueing_.store(false, std::memory_order_release);
    feed_.close();
    return makeError("strategy", "the engine did not answer the strategies' start-up query");
  }
  if (auto error = done.get()) {
    queueing_.store(false, std::memory_order_release);
    feed_.close();
    return error;
  }
  host_->startAll(Timestamp{wallNanos()});
  flushOutbox();
  publishStatus();
  for (const live::LiveStrategySpec& spec : specs_) {
    log_(fmt::format("serve: strategy {} ({}) running on account {}: {}", spec.id, spec.name, spec.account.value(),
                     spec.text));
  }
  {
    std::lock_guard lock(mutex_);
    running_ = true;
  }
  thread_ = namedThread("strategies", [this] { run(); });
  return std::nullopt;
}

void ServeStrategies::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    running_ = false;  // requests from now on are answered 503; the thread answers those queued
  }
  stop_.store(true, std::memory_order_release);
  poke();
  thread_.join();
  feed_.close();
}

void ServeStrategies::onEvent(const engine::EngineEvent& e) {
  if (e.commandSequence <= loadedThrough_) return;  // already in the state the strategies loaded
  host_->onEvent(e);
}

// Submits what the strategies sent, in order. While the gateway ring is full the feed is
// drained into the backlog (the publisher may be waiting for room in it, and the engine for the
// publisher), to be handled after this.
void ServeStrategies::flushOutbox() {
  for (std::size_t i = 0; i < outbox_.size(); ++i) {
    engine::Command& c = outbox_[i];
    c.header.source = source_;
    while (!runtime_->trySubmit(gateway_, c)) {
      if (runtime_->failed()) {
        outbox_.clear();
        return;
      }
      feed_.drain([this](const engine::EngineEvent& e) { backlog_.push_back(e); });
      std::this_thread::yield();
    }
  }
  outbox_.clear();
}

void ServeStrategies::run() {
  auto nextStatus = std::chrono::steady_clock::now();
  auto nextValuation = nextStatus + kValuationEvery;
  const auto bookPeriod = std::chrono::nanoseconds{host_->bookPeriod()};
  auto nextBooks = nextStatus;
  const auto handle = [this](const engine::EngineEvent& e) { onEvent(e); };
  while (!stop_.load(std::memory_order_acquire)) {
    poked_.store(false, std::memory_order_relaxed);  // what set it is looked at below
    std::size_t work = backlog_.size();
    while (!backlog_.empty()) {
      onEvent(backlog_.front());
      backlog_.pop_front();
    }
    work += feed_.drain(handle);
    host_->onClock(Timestamp{wallNanos() - kBarGraceNanos});
    runControls();
    {
      std::optional<Valuations> v;
      {
        std::lock_guard lock(mutex_);
        v.swap(valuations_);
      }
      if (v) {
        for (const auto& [account, valuation] : v->accounts) host_->resync(account, valuation, v->sequence);
      }
      std::optional<std::vector<strategy::BookUpdate>> books;
      {
        std::lock_guard lock(mutex_);
        books.swap(books_);
      }
      if (books) {
        for (const strategy::BookUpdate& b : *books) host_->onBook(b, Timestamp{wallNanos()});
      }
    }
    flushOutbox();
    const auto now = std::chrono::steady_clock::now();
    if (bookPeriod.count() != 0 && now >= nextBooks) {
      requestBooks();
      nextBooks = now + bookPeriod;
    }
    if (now >= nextValuation) {
      requestValuations();
      nextValuation = now + kValuationEvery;
    }
    if (now >= nextStatus) {
      publishStatus();
      nextStatus = now + kStatusEvery;
    }
    if (work == 0) {
      // Until an event or a poke, or at most kIdle: the strategies' clock (timers, bar closes)
      // and the periodic requests above keep that granularity.
      feed_.park([this] { return poked_.load(std::memory_order_acquire) || stop_.load(std::memory_order_acquire); },
                 kIdle);
    }
  }
  // The server is stopping: every strategy stops and its orders are cancelled (the runtime's
  // drain journals the cancels).
  feed_.drain(handle);
  host_->stopAll(Timestamp{wallNanos()});
  flushOutbox();
  runControls();  // answers what still waits
  publishStatus();
}

void ServeStrategies::requestValuations() {
  {
    std::lock_guard lock(mutex_);
    if (valuationPending_) return;
    valuationPending_ = true;
  }
  const std::vector<AccountId> accounts = host_->accounts();
  const bool asked = runtime_->inspect([this, accounts](const engine::Engine& engine) {
    Valuations v;
    v.sequence = engine.lastSequence();
    for (AccountId a : accounts) v.accounts.emplace_back(a, engine.ledger().value(a));
    {
      std::lock_guard lock(mutex_);
      valuations_ = std::move(v);
      valuationPending_ = false;
    }
    poke();
  });
  if (!asked) {
    std::lock_guard lock(mutex_);
    valuationPending_ = false;
  }
}

void ServeStrategies::requestBooks() {
  {
    std::lock_guard lock(mutex_);
    if (booksPending_) return;
    booksPending_ = true;
  }
  const std::vector<InstrumentId> instruments = host_->bookInstruments();
  const bool asked = runtime_->inspect([this, instruments](const engine::Engine& engine) {
    std::vector<strategy::BookUpdate> books(instruments.size());
    std::vector<book::LevelView> levels;
    for (std::size_t i = 0; i < instruments.size(); ++i) {
      strategy::BookUpdate& b = books[i];
      b.instrument = instruments[i];
      b.exchangeTime = b.receiveTime = engine.lastTime();
      for (const Side side : {Side::Buy, Side::Sell}) {
        engine.venue().depth(instruments[i], side, strategy::BookUpdate::kLevels, levels);
        auto& out = side == Side::Buy ? b.bids : b.asks;
        for (std::size_t k = 0; k < levels.size() && k < out.size(); ++k)
          out[k] = {levels[k].price, levels[k].quantity};
      }
    }
    {
      std::lock_guard lock(mutex_);
      books_ = std::move(books);
      booksPending_ = false;
    }
    poke();
  });
  if (!asked) {
    std::lock_guard lock(mutex_);
    booksPending_ = false;
  }
}

void ServeStrategies::publishStatus() {
  std::vector<live::StrategyStatus> status;
  host_->status(status);
  std::lock_guard lock(mutex_);
  status_ = std::move(status);
}

void ServeStrategies::runControls() {
  std::vector<Control> controls;
  {
    std::lock_guard lock(mutex_);
    controls.swap(controls_);
  }
  for (Control& c : controls) {
    if (stop_.load(std::memory_order_acquire) && c.start) {
      c.respond(errorResponse(503, "unavailable", "the server is stopping"));
      continue;
    }
    const Timestamp now{wallNanos()};
    auto error = c.start ? host_->start(c.id, now) : host_->stop(c.id, now);
    if (error) {
      c.respond(error->field == "state" ? errorResponse(409, "conflict", error->message, "state")
                : error->field == "id"  ? errorResponse(404, "unknown_strategy", error->message, "id")
                                        : errorResponse(422, "invalid_strategy", error->message, error->field));
      continue;
    }
    publishStatus();
    std::lock_guard lock(mutex_);
    for (const live::StrategyStatus& s : status_) {
      if (s.id == c.id) {
        c.respond(api::http::Response(200, toJson(s).dump(-1, ' ', false, json::error_handler_t::replace)));
        break;
      }
    }
  }
}

void ServeStrategies::handle(const api::http::Request& request, api::http::Respond respond,
                             const auth::Principal& principal) {
  using api::http::Method;
  std::string_view rest = std::string_view(request.path).substr(kPrefix.size());
  if (rest.empty() || rest == "/") {
    if (request.method != Method::Get)
      return respond(errorResponse(405, "method_not_allowed", "/api/v1/strategies allows GET"));
    json list = json::array();
    {
      std::lock_guard lock(mutex_);
      for (const live::StrategyStatus& s : status_) {
        if (principal.canRead(s.account)) list.push_back(toJson(s));
      }
    }
    return respond(
        api::http::Response(200, json{{"strategies", list}}.dump(-1, ' ', false, json::error_handler_t::replace)));
  }
  if (rest.front() != '/') return respond(errorResponse(404, "not_found", "no such route"));
  rest.remove_prefix(1);
  const std::size_t slash = rest.find('/');
  const std::string id(rest.substr(0, slash));
  const std::string_view action = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  if (slash != std::string_view::npos && action != "stop" && action != "start") {
    return respond(errorResponse(404, "not_found", "no such route"));
  }
  std::optional<live::StrategyStatus> found;
  {
    std::lock_guard lock(mutex_);
    for (const live::StrategyStatus& s : status_) {
      if (s.id == id) found = s;
    }
  }
  if (!found || !principal.canRead(found->account)) {
    return respond(errorResponse(404, "unknown_strategy", fmt::format("no strategy \"{}\"", id), "id"));
  }
  if (action.empty()) {
    if (request.method != Method::Get)
      return respond(errorResponse(405, "method_not_allowed", "a strategy allows GET"));
    return respond(api::http::Response(200, toJson(*found).dump(-1, ' ', false, json::error_handler_t::replace)));
  }
  if (request.method != Method::Post) {
    return respond(errorResponse(405, "method_not_allowed", fmt::format("{} allows POST", action)));
  }
  if (!principal.canTrade(found->account) && !principal.canControlRisk()) {
    return respond(errorResponse(403, "forbidden",
                                 fmt::format("starting and stopping strategy \"{}\" needs trading rights on account {} "
                                             "(or the risk officer role to stop it)",
                                             id, found->account.value())));
  }
  if (action == "start" && !principal.canTrade(found->account)) {
    return respond(errorResponse(
        403, "forbidden",
        fmt::format("starting strategy \"{}\" needs trading rights on account {}", id, found->account.value())));
  }
  std::unique_lock lock(mutex_);
  if (!running_) {
    lock.unlock();
    return respond(errorResponse(503, "unavailable", "the server is stopping"));
  }
  controls_.push_back(Control{action == "start", id, std::move(respond)});
  lock.unlock();
  poke();
}

void ServeStrategies::poke() noexcept {
  poked_.store(true, std::memory_order_release);
  feed_.wake();
}

}  // namespace alphintra::app
