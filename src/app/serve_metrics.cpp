// ServeMetrics (see serve_metrics.hpp).
#include "app/serve_metrics.hpp"

#include <algorithm>
#include <limits>
#include <vector>

namespace alphintra::app {
namespace {

constexpr std::array<std::string_view, 6> kStatusNames = {"new",      "filled",  "canceled",
                                                          "rejected", "expired", "replaced"};

// The status an execution report brings an order to, as an index of kStatusNames; none for
// reports that change no status worth counting (partial fills, pending states, restatements).
std::optional<std::size_t> statusOf(const engine::ExecutionReport& r) {
  switch (r.execType) {
    case oms::ExecType::New: return 0;
    case oms::ExecType::Trade:
      if (r.status == oms::OrdStatus::Filled) return 1;
      return std::nullopt;
    case oms::ExecType::Canceled: return 2;
    case oms::ExecType::Rejected: return 3;
    case oms::ExecType::Expired: return 4;
    case oms::ExecType::Replaced: return 5;
    default: return std::nullopt;
  }
}

double toUnits(Money amount, Currency currency) {
  double scale = 1.0;
  for (int i = 0; i < currency.minorUnits(); ++i) scale *= 10.0;
  return static_cast<double>(amount.raw()) / scale;
}

}  // namespace

ServeMetrics::ServeMetrics(const api::Directory& directory, std::uint64_t firstSimulatorAccount)
    : directory_(directory),
      firstSimulatorAccount_(firstSimulatorAccount),
      marketData_(registry_.counter("market_data_messages_total", "Quotes and public trades published by the engine")),
      realized_(registry_.gauge("trading_pnl_realized_usd", "Realized P&L of the platform's accounts, USD")),
      unrealized_(registry_.gauge("trading_pnl_unrealized_usd", "Unrealized P&L of the platform's accounts, USD")),
      portfolio_(
          registry_.gauge("trading_portfolio_value_usd", "Equity (cash + positions) of the platform's accounts, USD")),
      gross_(registry_.gauge("risk_exposure_gross_usd",
                             "Sum of absolute position values of the platform's accounts, USD")),
      net_(registry_.gauge("risk_exposure_net_usd", "Sum of signed position values of the platform's accounts, USD")),
      incomplete_(registry_.gauge("valuation_incomplete_accounts",
                                  "Accounts left out of the USD sums (no FX path) or valued with a missing mark")),
      sequence_(registry_.gauge("engine_sequence", "Journal sequence of the last command the engine applied")),
      connections_(registry_.gauge("websocket_connections", "Open WebSocket API connections")),
      var_(registry_.gauge("risk_var_1day_usd",
                           "99% one-day Value-at-Risk of the platform's accounts' positions together, USD "
                           "(delta-normal; NaN while the model cannot estimate it)")) {
  var_.set(std::numeric_limits<double>::quiet_NaN());
}

ServeMetrics::~ServeMetrics() { stop(); }

api::http::Counter& ServeMetrics::ordersCounter(InstrumentId instrument, std::size_t status) {
  auto it = orders_.find(instrument.value());
  if (it == orders_.end()) {
    std::array<api::http::Counter*, kStatuses> counters{};
    const auto known = directory_.instrument(instrument);
    const std::string venue = known ? known->venue() : std::string("unknown");
    for (std::size_t i = 0; i < kStatuses; ++i) {
      counters[i] = &registry_.counter("trading_orders_total", "Orders reaching a status, by venue",
                                       {{"venue", venue}, {"status", std::string(kStatusNames[i])}});
    }
    it = orders_.emplace(instrument.value(), counters).first;
  }
  return *it->second[status];
}

void ServeMetrics::onEvent(const engine::EngineEvent& event) {
  switch (event.kind) {
    case engine::EventKind::Quote:
    case engine::EventKind::PublicTrade: marketData_.inc(); return;
    case engine::EventKind::ExecutionReport:
      if (const auto status = statusOf(event.body.execution)) {
        ordersCounter(event.body.execution.instrument, *status).inc();
      }
      return;
    case engine::EventKind::CancelReject:
    case engine::EventKind::CommandResult: return;
  }
}

void ServeMetrics::value(const engine::Engine& engine) {
  const oms::Ledger& ledger = engine.ledger();
  const Currency usd = Currency::parse("USD").value();
  std::vector<AccountId> ids;
  ledger.accountIds(ids);
  double realized = 0, unrealized = 0, equity = 0, gross = 0, net = 0;
  int incomplete = 0;
  for (AccountId id : ids) {
    if (id.value() >= firstSimulatorAccount_) continue;
    const oms::Valuation v = ledger.value(id);
    if (!v.complete()) ++incomplete;
    if (!v.accountKnown || v.missingFxRate) continue;
    const auto usdOf = [&](Money amount) -> std::optional<double> {
      if (v.currency == usd) return toUnits(amount, usd);
      const auto converted = ledger.fxRates().convert(amount, v.currency, usd);
      if (!converted) return std::nullopt;
      return toUnits(*converted, usd);
    };
    const auto r = usdOf(v.realizedPnl), u = usdOf(v.unrealizedPnl), e = usdOf(v.equity), g = usdOf(v.grossExposure),
               n = usdOf(v.netExposure);
    if (!r || !u || !e || !g || !n) {
      if (v.complete()) ++incomplete;
      continue;
    }
    realized += *r;
    unrealized += *u;
    equity += *e;
    gross += *g;
    net += *n;
  }
  realized_.set(realized);
  unrealized_.set(unrealized);
  portfolio_.set(equity);
  gross_.set(gross);
  net_.set(net);
  incomplete_.set(incomplete);
  if (varEstimator_) var_.set(platformVar(engine, ids));
}

// The accounts' positions in USD, netted per instrument, through the market risk model.
double ServeMetrics::platformVar(const engine::Engine& engine, const std::vector<AccountId>& ids) const {
  const Currency usd = Currency::parse("USD").value();
  std::vector<api::http::InstrumentExposure> total;
  for (AccountId id : ids) {
    if (id.value() >= firstSimulatorAccount_) continue;
    auto exposures = api::http::accountExposures(engine, id, usd);
    if (!exposures.ok()) return std::numeric_limits<double>::quiet_NaN();
    for (auto& e : exposures.value()) {
      const auto it = std::find_if(total.begin(), total.end(), [&](const api::http::InstrumentExposure& t) {
        return t.instrument == e.instrument;
      });
      if (it == total.end()) {
        total.push_back(std::move(e));
      } else {
        it->value += e.value;
      }
    }
  }
  const auto figures = varEstimator_(total);
  return figures.ok() ? figures->var : std::numeric_limits<double>::quiet_NaN();
}

void ServeMetrics::start(Inspect inspect, std::function<std::uint64_t()> engineSequence,
                         std::function<std::size_t()> webSocketConnections, std::chrono::milliseconds period) {
  if (sampler_.joinable()) return;
  inspect_ = std::move(inspect);
  engineSequence_ = std::move(engineSequence);
  webSocketConnections_ = std::move(webSocketConnections);
  stop_ = false;
  sampler_ = std::thread([this, period] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      // The query only reads the ledger and sets gauges (atomics): quick, as inspect requires.
      (void)inspect_([this](const engine::Engine& e) { value(e); });
      lock.lock();
      wake_.wait_for(lock, period, [this] { return stop_; });
    }
  });
}

void ServeMetrics::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (sampler_.joinable()) sampler_.join();
}

api::http::Response ServeMetrics::scrape() {
  if (engineSequence_) sequence_.set(static_cast<double>(engineSequence_()));
  if (webSocketConnections_) connections_.set(static_cast<double>(webSocketConnections_()));
  return api::http::Response{200, registry_.render(), "text/plain; version=0.0.4; charset=utf-8"};
}

}  // namespace alphintra::app
