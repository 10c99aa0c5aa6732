#include "backtest/backtester.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "backtest/bar_fill_venue.hpp"
#include "backtest/instrument_lookup.hpp"
#include "backtest/run_currencies.hpp"
#include "backtest/strategy_runner.hpp"
#include "engine/command.hpp"
#include "engine/engine.hpp"

namespace alphintra::backtest {

namespace {

struct Subscriber {
  std::uint32_t runner = 0;
  strategy::InstrumentSlot slot = 0;
};

// A subscriber as the bar loop reads it: the runner and its strategy without an index or a
// virtual call to find them.
struct Listener {
  StrategyRunner* runner = nullptr;
  strategy::Strategy* strategy = nullptr;
  strategy::InstrumentSlot slot = 0;
};

}  // namespace

struct Backtester::Impl final : RunnerHost {
  explicit Impl(std::vector<Instrument> in, BacktestOptions o) : instruments(std::move(in)), options(o) {
    auto venuePtr = std::make_unique<BarFillVenue>(options.fill);
    venue = venuePtr.get();
    engine::EngineOptions eo;
    eo.expectedOrders = options.expectedOrders;
    eo.publishMarketData = false;
    engine = std::make_unique<engine::Engine>(eo, std::move(venuePtr));
    lookup.build(instruments);
    subscribers.resize(instruments.size());
    for (const Instrument& i : instruments) priceScale.push_back(std::pow(10.0, -i.pricePrecision()));
  }

  void apply(engine::Command& c) {
    c.header.sequence = ++sequence;
    c.header.time = now;
    events.clear();
    engine->apply(c, events);
    for (const engine::EngineEvent& e : events) {
      if (e.kind != engine::EventKind::ExecutionReport) continue;
      const engine::ExecutionReport& r = e.body.execution;
      const std::uint64_t a = r.account.value();
      if (a >= 1 && a <= runners.size()) runners[a - 1]->onReport(r, now);
    }
  }
  void send(engine::Command& c) override { apply(c); }
  Result<bool> setUp();
  void drain() {
    // Index loop: a callback may queue more.
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const PendingCallback p = pending[i];
      strategy::Strategy& s = runners[p.runner]->strategy();
      if (p.isFill) {
        s.onFill(p.fill);
      } else {
        s.onOrderUpdate(p.update);
      }
    }
    pending.clear();
  }
  Result<std::size_t> scan(std::span<const marketdata::Bar> bars, std::size_t from, bool end);
  // `upcoming`: the bars after the group, as far as they are known; fetched into the cache while
  // the group is processed.
  void processGroup(std::span<const marketdata::Bar> bars, std::span<const marketdata::Bar> upcoming);
  void recordPoint();
  void deliverToMany(std::uint32_t i, const marketdata::Bar& bar) {
    for (std::uint32_t l = listenerStart[i]; l < listenerStart[i + 1]; ++l) {
      const Listener& s = listeners[l];
      s.runner->mark(s.slot, bar.close);
      s.strategy->onBar(bar, s.slot);
      if (!pending.empty()) drain();
    }
  }
  void progress(bool last);

  std::vector<Instrument> instruments;
  BacktestOptions options;
  BarFillVenue* venue = nullptr;
  std::unique_ptr<engine::Engine> engine;
  InstrumentLookup lookup;  // id → instrument index, read once per bar
  std::vector<std::unique_ptr<StrategyRunner>> runners;
  std::vector<std::vector<Subscriber>> subscribers;  // by instrument index
  // The same, flat for the bar loop (built by setUp): instrument i's listeners are
  // listeners[listenerStart[i] .. listenerStart[i + 1]).
  std::vector<std::uint32_t> listenerStart;
  std::vector<Listener> listeners;
  std::vector<Listener> solo;  // by instrument: its only listener, or blank (none or several)
  std::vector<double> priceScale;
  std::vector<engine::EngineEvent> events;
  std::vector<std::uint32_t> groupIndex;  // instrument index of each bar of the group being read
  bool haveTime = false;                  // lastTime: the start of the last bar read
  bool ran = false;                       // run() is once per backtester
  Timestamp lastTime;
  RunCurrencies runCurrencies;  // the account's and the instruments' currencies, their rates
  std::uint64_t sequence = 0;
  std::size_t expectedBars = 0;
  std::uint64_t nextProgressAt = 0;
};

Backtester::Backtester(std::vector<Instrument> instruments, BacktestOptions options)
    : impl_(std::make_unique<Impl>(std::move(instruments), options)) {}

Backtester::~Backtester() = default;

const engine::Engine& Backtester::engine() const noexcept { return *impl_->engine; }

Result<bool> Backtester::addStrategy(std::unique_ptr<strategy::Strategy> s, std::vector<InstrumentId> ids,
                                     std::string label) {
  Impl& m = *impl_;
  if (ids.empty()) {
    for (const Instrument& in : m.instruments) ids.push_back(in.id());
  }
  if (s->instrumentsNeeded() != 0 && ids.size() != s->instrumentsNeeded()) {
    return makeError("instruments", std::string(s->name()) + " trades exactly " +
                                        std::to_string(s->instrumentsNeeded()) + " instruments; " +
                                        std::to_string(ids.size()) + " given");
  }
  std::vector<Instrument> mine;
  std::vector<std::uint32_t> dense;
  for (InstrumentId id : ids) {
    const std::uint32_t i = m.lookup.find(id.value());
    if (i == InstrumentLookup::kMissing) {
      return makeError("instruments", "instrument " + std::to_string(id.value()) + " is not defined");
    }
    mine.push_back(m.instruments[i]);
    dense.push_back(i);
  }
  const auto index = static_cast<std::uint32_t>(m.runners.size());
  auto runner =
      std::make_unique<StrategyRunner>(m, index, std::move(s), std::move(mine), dense,
                                       label.empty() ? std::string("strategy") + std::to_string(index + 1) : label);
  for (std::uint32_t slot = 0; slot < dense.size(); ++slot) m.subscribers[dense[slot]].push_back({index, slot});
  m.runners.push_back(std::move(runner));
  return true;
}

Result<bool> Backtester::Impl::setUp() {
  auto currency = Currency::parse(options.account.currency);
  if (!currency) return makeError("account.currency", currency.error().message);
  const auto applyNow = [this](engine::Command& c) { apply(c); };
  for (const Instrument& in : instruments) {
    engine::Command c = engine::makeCommand(engine::CommandType::DefineInstrument);
    c.body.defineInstrument = engine::toDefineBody(in);
    apply(c);
  }
  if (auto ok = runCurrencies.setUp(*this, instruments, *currency, options.fx, applyNow); !ok) return ok.error();
  listenerStart.assign(1, 0);
  listeners.clear();
  for (const std::vector<Subscriber>& list : subscribers) {
    for (const Subscriber& sub : list) {
      StrategyRunner* r = runners[sub.runner].get();
      listeners.push_back(Listener{r, &r->strategy(), sub.slot});
    }
    listenerStart.push_back(static_cast<std::uint32_t>(listeners.size()));
  }
  solo.assign(instruments.size(), Listener{});
  for (std::size_t i = 0; i < instruments.size(); ++i) {
    if (listenerStart[i + 1] - listenerStart[i] == 1) solo[i] = listeners[listenerStart[i]];
  }
  return openRunnerAccounts(runners, options.account, *currency, *engine, applyNow);
}

// Checks bars [from, end of bars) (time order, known instrument) and processes every group of
// equal start time that is complete: all of them when `end`, else all but the last, whose start
// is returned so that the caller can keep it and append what follows. Bars before `from` were
// checked by the previous call; their instrument indexes are in groupIndex.
Result<std::size_t> Backtester::Impl::scan(std::span<const marketdata::Bar> bars, std::size_t from, bool end) {
  std::size_t groupStart = 0;
  if (!haveTime && from < bars.size()) {
    lastTime = bars[from].start;
    haveTime = true;
  }
  // Locals, so that the loop keeps them in registers (processGroup may touch any member).
  Timestamp time = lastTime;
  const std::uint32_t* direct = lookup.direct().data();
  const std::size_t directSize = lookup.direct().size();
  for (std::size_t k = from; k < bars.size(); ++k) {
    const marketdata::Bar& bar = bars[k];
    if (bar.start != time) {
      if (bar.start < time) {
        return makeError("data",
                         fmt::format("bars out of time order: instrument {} has a bar at {} ns after one at {} ns",
                                     bar.instrument.value(), bar.start.nanos(), time.nanos()));
      }
      if (k > groupStart) {
        processGroup(bars.subspan(groupStart, k - groupStart), bars.subspan(k));
        groupIndex.clear();
        groupStart = k;
      }
      time = bar.start;
      lastTime = time;
    }
    const std::uint64_t id = bar.instrument.value();
    const std::uint32_t i =
        directSize != 0 ? (id < directSize ? direct[id] : InstrumentLookup::kMissing) : lookup.findHashed(id);
    if (i == InstrumentLookup::kMissing) {
      return makeError("data", fmt::format("a bar of instrument {}, which is not defined", id));
    }
    groupIndex.push_back(i);
  }
  if (end && bars.size() > groupStart) {
    processGroup(bars.subspan(groupStart), {});
    groupIndex.clear();
    groupStart = bars.size();
  }
  return groupStart;
}

void Backtester::Impl::processGroup(std::span<const marketdata::Bar> bars, std::span<const marketdata::Bar> upcoming) {
  now = bars.front().start;
  while (!timers.empty() && timers.top().at <= now) {
    const StrategyTimer t = timers.top();
    timers.pop();
    runners[t.runner]->strategy().onTimer(t.id);
    drain();
  }
  const std::uint32_t* const group = groupIndex.data();
  bool tick = false;
  for (std::size_t k = 0; k < bars.size(); ++k) {
    if (venue->mayRest(group[k])) tick |= venue->openBar(group[k], bars[k]);
  }
  if (tick) {
    engine::Command c = engine::makeCommand(engine::CommandType::ClockTick);
    apply(c);
    drain();
  }
  // The group's FX closes first: a strategy hearing any bar of this time trades at these rates.
  if (runCurrencies.anySource()) {
    for (std::size_t k = 0; k < bars.size(); ++k) {
      if (runCurrencies.isSource(group[k])) {
        runCurrencies.setRate(*this, group[k], bars[k].close, [this](engine::Command& c) { apply(c); });
      }
    }
  }
  // Bars stream from memory once, and the hardware prefetcher stops at every 4 KiB page (51
  // bars): while this group is delivered, the loop asks for the next group's bars, the same count
  // (so that `scan` finds them in the cache instead of waiting on memory for each).
  const std::size_t ahead = std::min(upcoming.size(), bars.size());
  for (std::size_t k = 0; k < bars.size(); ++k) {
    const std::uint32_t i = group[k];
    const marketdata::Bar& bar = bars[k];
    if (k < ahead) {
      const char* next = reinterpret_cast<const char*>(&upcoming[k]);
      __builtin_prefetch(next);
      __builtin_prefetch(next + sizeof(marketdata::Bar) - 1);
    }
    venue->setLast(i, bar.close);
    const Listener& s = solo[i];
    if (s.strategy != nullptr) {  // one listener, the usual case: few values live across the call
      s.runner->mark(s.slot, bar.close);
      s.strategy->onBar(bar, s.slot);
      if (!pending.empty()) drain();
    } else {
      deliverToMany(i, bar);
    }
  }
  result.bars += bars.size();
  recordPoint();
  if (options.progress && result.bars >= nextProgressAt) progress(false);
}

void Backtester::Impl::recordPoint() {
  EquityPoint p;
  p.time = now;
  for (const auto& r : runners) {
    p.cash += r->cash();
    p.equity += r->equity();
    p.grossExposure += r->grossValue();
  }
  result.equity.push_back(p);
  for (std::size_t i = 0; i < result.closes.size(); ++i) {
    const Price c = venue->last(static_cast<std::uint32_t>(i));
    result.closes[i].push_back(c.isDefined() ? static_cast<double>(c.raw()) * priceScale[i] : 0.0);
  }
}

void Backtester::Impl::progress(bool last) {
  constexpr int kWidth = 40;
  if (expectedBars > 0) {
    const double done = std::min(1.0, static_cast<double>(result.bars) / static_cast<double>(expectedBars));
    const int filled = static_cast<int>(done * kWidth);
    std::fprintf(stderr, "\r[%s%s] %5.1f%% %llu bars", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), done * 100,
                 static_cast<unsigned long long>(result.bars));
  } else {
    std::fprintf(stderr, "\r%llu bars", static_cast<unsigned long long>(result.bars));
  }
  if (last) std::fprintf(stderr, "\n");
  std::fflush(stderr);
  nextProgressAt = result.bars + std::max<std::uint64_t>(expectedBars / 200, 50'000);
}

Result<BacktestResult> Backtester::run(BarSource& source) {
  Impl& m = *impl_;
  if (m.runners.empty()) return makeError("strategy", "no strategy to run");
  // The engine, the books and the strategies keep what the first run left: a second run on the
  // same backtester would not start from scratch.
  if (m.ran) return makeError("run", "this backtester has run already: construct a new one for another run");
  m.ran = true;
  if (auto ok = m.setUp(); !ok) return ok.error();
  m.result = BacktestResult{};
  m.result.instruments = m.instruments;
  m.result.closes.resize(std::min<std::size_t>(m.instruments.size(), kPriceSeries));
  m.expectedBars = source.sizeHint();
  if (m.expectedBars > 0) {
    m.result.equity.reserve(m.expectedBars / m.instruments.size() + 1);
    for (auto& c : m.result.closes) c.reserve(m.expectedBars / m.instruments.size() + 1);
  }
  for (auto& r : m.runners) {
    r->strategy().bind(*r);
    r->strategy().onStart();
    m.drain();
  }
  for (const auto& r : m.runners) {
    m.result.initialEquity += r->equity();
  }

  m.haveTime = false;
  m.groupIndex.clear();
  if (const std::span<const marketdata::Bar> held = source.held(); !held.empty()) {
    if (auto done = m.scan(held, 0, true); !done) return done.error();
  } else {
    std::vector<marketdata::Bar> buffer(8192);
    std::size_t carried = 0;  // bars of an unfinished group kept at the front of the buffer
    for (;;) {
      if (carried == buffer.size()) buffer.resize(buffer.size() * 2);  // one group larger than the buffer
      auto got = source.read(std::span(buffer).subspan(carried));
      if (!got) return got.error();
      const std::size_t filled = carried + *got;
      const bool end = *got == 0;
      auto groupStart = m.scan(std::span<const marketdata::Bar>(buffer.data(), filled), carried, end);
      if (!groupStart) return groupStart.error();
      if (end) break;
      // The last group may continue in the next batch: keep it at the front.
      std::copy(buffer.begin() + static_cast<std::ptrdiff_t>(*groupStart),
                buffer.begin() + static_cast<std::ptrdiff_t>(filled), buffer.begin());
      carried = filled - *groupStart;
    }
  }
  for (auto& r : m.runners) {
    r->strategy().onStop();
    m.drain();
  }
  if (m.options.progress) m.progress(true);

  // The last closes become the engine's marks: the final equity is the ledger's valuation.
  for (std::uint32_t i = 0; i < m.instruments.size(); ++i) {
    const Price close = m.venue->last(i);
    if (!close.isDefined()) continue;
    engine::Command c = engine::makeCommand(engine::CommandType::MarketData);
    c.body.marketData.instrument = m.instruments[i].id();
    c.body.marketData.last = close;
    m.apply(c);
  }
  addOutcomes(m.runners, m.options.account, *m.engine, m.result);
  return std::move(m.result);
}

}  // namespace alphintra::backtest
