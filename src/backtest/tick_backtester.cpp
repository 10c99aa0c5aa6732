#include "backtest/tick_backtester.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

#include "backtest/instrument_lookup.hpp"
#include "backtest/run_currencies.hpp"
#include "backtest/strategy_runner.hpp"
#include "engine/engine.hpp"

namespace alphintra::backtest {

namespace {

struct Subscriber {
  std::uint32_t runner = 0;
  strategy::InstrumentSlot slot = 0;
};

struct Delayed {
  Timestamp at;
  engine::Command command;
};

constexpr std::size_t kLookahead = 8;  // events between a prefetch and its use

struct Shown {  // the best prices and sizes the strategies last heard
  std::int64_t bid = 0, bidSize = 0, ask = 0, askSize = 0;
  bool operator==(const Shown&) const = default;
};

// The five levels a side the strategies last heard in onBook (raw price and size; 0 past the
// book's depth), so that a change deeper in the book (most of an L3 feed) calls no one.
struct ShownLevels {
  std::array<std::int64_t, 2 * strategy::BookUpdate::kLevels> bids{}, asks{};
  // Compared on every order event: a branch-free fold the compiler vectorizes, where the
  // defaulted comparison calls memcmp.
  bool operator==(const ShownLevels& o) const noexcept {
    std::int64_t diff = 0;
    for (std::size_t k = 0; k < bids.size(); ++k) diff |= (bids[k] ^ o.bids[k]) | (asks[k] ^ o.asks[k]);
    return diff == 0;
  }
};

// What the last read of an order-level book's best levels saw: the books' topVersion of each
// side (an unchanged one means that side reads as shownLevels holds it) and the level counts.
struct LevelsRead {
  static constexpr std::uint64_t kUnread = UINT64_MAX;  // read the side again
  std::uint64_t bidVersion = kUnread, askVersion = kUnread;
  std::size_t bidCount = 0, askCount = 0;
};
static_assert(strategy::BookUpdate::kLevels <= book::OrderBook::kWatchedLevels,
              "the book's topVersion must watch every level a BookUpdate shows");

Shown shownOf(const book::TopOfBook& t) {
  return Shown{t.bidPrice.isDefined() ? t.bidPrice.raw() : 0, t.bidQuantity.raw(),
               t.askPrice.isDefined() ? t.askPrice.raw() : 0, t.askQuantity.raw()};
}

}  // namespace

struct TickBacktester::Impl final : RunnerHost {
  Impl(std::vector<Instrument> in, std::vector<ReplayDepth> depth, TickOptions o)
      : instruments(std::move(in)), options(o) {
    ReplayVenueOptions vo;
    vo.queue = options.queue;
    vo.expectedOrders = options.expectedBookOrders;
    auto venuePtr = std::make_unique<ReplayVenue>(vo);
    venue = venuePtr.get();
    engine::EngineOptions eo;
    eo.expectedOrders = options.expectedOrders;
    eo.publishMarketData = false;
    engine = std::make_unique<engine::Engine>(eo, std::move(venuePtr));
    lookup.build(instruments);
    subscribers.resize(instruments.size());
    lastTrade.assign(instruments.size(), Price::undefined());
    shown.resize(instruments.size());
    shownLevels.resize(instruments.size());
    levelsRead.resize(instruments.size());
    depthOf = std::move(depth);
    depthOf.resize(instruments.size(), ReplayDepth::L2);
    for (const Instrument& i : instruments) priceScale.push_back(std::pow(10.0, -i.pricePrecision()));
    // The instruments and their books now: run() replays, it does not build (the books' pools
    // are sized up front and allocated here).
    for (std::uint32_t i = 0; i < instruments.size(); ++i) {
      engine::Command c = engine::makeCommand(engine::CommandType::DefineInstrument);
      c.body.defineInstrument = engine::toDefineBody(instruments[i]);
      apply(c);
      venue->setDepth(i, depthOf[i]);
      orderBooks.push_back(venue->orderBook(i));
    }
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
  void send(engine::Command& c) override {
    if (options.latencyNanos <= 0 || !running) {
      apply(c);
      return;
    }
    delayed.push_back(Delayed{Timestamp{now.nanos() + options.latencyNanos}, c});
  }
  void drain() {
    for (std::size_t i = 0; i < pending.size(); ++i) {  // index loop: a callback may queue more
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
  // Whether runDue(t, true) has anything to do: checked inline before every event, where most
  // events find nothing due.
  bool anythingDue(Timestamp t) const noexcept {
    return (nextDelayed < delayed.size() && delayed[nextDelayed].at < t) || (!timers.empty() && timers.top().at <= t);
  }
  // Commands arriving before `t` and timers due at or before it, in time order.
  void runDue(Timestamp t, bool timersToo) {
    for (;;) {
      const bool haveCommand = nextDelayed < delayed.size() && delayed[nextDelayed].at < t;
      const bool haveTimer = timersToo && !timers.empty() && timers.top().at <= t;
      if (!haveCommand && !haveTimer) break;
      if (haveCommand && (!haveTimer || delayed[nextDelayed].at <= timers.top().at)) {
        now = delayed[nextDelayed].at;
        engine::Command c = delayed[nextDelayed].command;
        ++nextDelayed;
        apply(c);
        drain();
      } else {
        const StrategyTimer timer = timers.top();
        timers.pop();
        now = std::max(now, timer.at);
        runners[timer.runner]->strategy().onTimer(timer.id);
        drain();
      }
    }
    if (nextDelayed == delayed.size()) {
      delayed.clear();
      nextDelayed = 0;
    } else if (nextDelayed > 4096 && nextDelayed * 2 > delayed.size()) {
      delayed.erase(delayed.begin(), delayed.begin() + static_cast<std::ptrdiff_t>(nextDelayed));
      nextDelayed = 0;
    }
  }
  // The book's id-index slot an order event a few events ahead will need: its cache miss
  // overlaps the work on the events before it.
  void prefetch(const marketdata::MarketEvent& e) const noexcept {
    if (e.kind != marketdata::MarketEventKind::BookOrder) return;
    const std::uint32_t i = lookup.find(e.instrument().value());
    if (i != InstrumentLookup::kMissing) venue->prefetch(i, e.body.order.orderId);
  }
  void fillTick() {
    engine::Command c = engine::makeCommand(engine::CommandType::ClockTick);
    apply(c);
    drain();
    ++stats.fillTicks;
  }
  Result<bool> setUp();
  void onEvent(const marketdata::MarketEvent& e, std::uint32_t i);
  void deliverBook(std::uint32_t i, const marketdata::MarketEvent& e);
  void recordPoint();
  void progress(bool last);

  std::vector<Instrument> instruments;
  TickOptions options;
  ReplayVenue* venue = nullptr;
  std::unique_ptr<engine::Engine> engine;
  InstrumentLookup lookup;  // id → instrument index, read twice per event (lookahead and event)
  std::vector<ReplayDepth> depthOf;
  std::vector<std::unique_ptr<StrategyRunner>> runners;
  std::vector<std::vector<Subscriber>> subscribers;  // by instrument index
  std::vector<Price> lastTrade;
  RunCurrencies runCurrencies;  // the account's and the instruments' currencies, their rates
  std::vector<Shown> shown;
  std::vector<ShownLevels> shownLevels;
  std::vector<LevelsRead> levelsRead;              // order-level books with depth updates
  std::vector<const book::OrderBook*> orderBooks;  // by instrument index: the venue's L3 book, or nullptr
  std::vector<double> priceScale;
  std::vector<engine::EngineEvent> events;
  std::vector<Delayed> delayed;  // FIFO: one latency for all, so arrival order = send order
  std::size_t nextDelayed = 0;
  std::uint64_t sequence = 0;
  bool running = false;
  bool ran = false;  // run() is once per backtester
  Timestamp nextPoint{std::numeric_limits<std::int64_t>::min()};
  TickStats stats;
  std::size_t expected = 0;
  std::uint64_t nextProgressAt = 0;
};

TickBacktester::TickBacktester(std::vector<Instrument> instruments, std::vector<ReplayDepth> depth, TickOptions options)
    : impl_(std::make_unique<Impl>(std::move(instruments), std::move(depth), options)) {}

TickBacktester::~TickBacktester() = default;

const engine::Engine& TickBacktester::engine() const noexcept { return *impl_->engine; }
const ReplayVenue& TickBacktester::venue() const noexcept { return *impl_->venue; }
const TickStats& TickBacktester::stats() const noexcept { return impl_->stats; }

Result<bool> TickBacktester::addStrategy(std::unique_ptr<strategy::Strategy> s, std::vector<InstrumentId> ids,
                                         std::string label) {
  Impl& m = *impl_;
  if (ids.empty()) {
    for (const Instrument& in : m.instruments) ids.push_back(in.id());
  }
  if (s->instrumentsNeeded() != 0 && ids.size() != s->instrumentsNeeded()) {
    return makeError("instruments", fmt::format("{} trades exactly {} instruments; {} given", s->name(),
                                                s->instrumentsNeeded(), ids.size()));
  }
  std::vector<Instrument> mine;
  std::vector<std::uint32_t> dense;
  for (InstrumentId id : ids) {
    const std::uint32_t i = m.lookup.find(id.value());
    if (i == InstrumentLookup::kMissing)
      return makeError("instruments", fmt::format("instrument {} is not defined", id.value()));
    mine.push_back(m.instruments[i]);
    dense.push_back(i);
  }
  const auto index = static_cast<std::uint32_t>(m.runners.size());
  auto runner = std::make_unique<StrategyRunner>(m, index, std::move(s), std::move(mine), dense,
                                                 label.empty() ? fmt::format("strategy{}", index + 1) : label);
  for (std::uint32_t slot = 0; slot < dense.size(); ++slot) m.subscribers[dense[slot]].push_back({index, slot});
  m.runners.push_back(std::move(runner));
  return true;
}

Result<bool> TickBacktester::Impl::setUp() {
  auto currency = Currency::parse(options.account.currency);
  if (!currency) return makeError("account.currency", currency.error().message);
  const auto applyNow = [this](engine::Command& c) { apply(c); };
  if (auto ok = runCurrencies.setUp(*this, instruments, *currency, options.fx, applyNow); !ok) return ok.error();
  return openRunnerAccounts(runners, options.account, *currency, *engine, applyNow);
}

void TickBacktester::Impl::deliverBook(std::uint32_t i, const marketdata::MarketEvent& e) {
  // With depth updates on an order-level book, its best levels are read straight into their
  // compared form, and the top of the book is their first pair (what topOfBook() would read
  // again). Only a side whose topVersion moved since the last read is read: shownLevels holds
  // what the last read saw (it was delivered, or equal to what was). About a third of the order
  // events of an ITCH feed change neither side's best levels and end here.
  const book::OrderBook* l3 = options.depthUpdates ? orderBooks[i] : nullptr;
  const bool pairsFirst = l3 != nullptr;
  LevelsRead* read = nullptr;
  std::uint64_t bidVersion = 0, askVersion = 0;
  if (pairsFirst) {
    read = &levelsRead[i];
    bidVersion = l3->topVersion(Side::Buy);
    askVersion = l3->topVersion(Side::Sell);
    if (bidVersion == read->bidVersion && askVersion == read->askVersion) return;
  }
  ShownLevels seen = pairsFirst ? shownLevels[i] : ShownLevels{};
  std::size_t bidCount = 0, askCount = 0;
  Shown s;
  if (pairsFirst) {
    if (bidVersion != read->bidVersion) {
      seen.bids = {};
      read->bidCount = l3->depthPairs(Side::Buy, seen.bids);
      read->bidVersion = bidVersion;
    }
    if (askVersion != read->askVersion) {
      seen.asks = {};
      read->askCount = l3->depthPairs(Side::Sell, seen.asks);
      read->askVersion = askVersion;
    }
    bidCount = read->bidCount;
    askCount = read->askCount;
  }
  strategy::QuoteTick q;
  q.instrument = instruments[i].id();
  q.exchangeTime = e.exchangeTime();
  q.receiveTime = e.body.trade.receiveTime;
  if (pairsFirst) {
    s = Shown{seen.bids[0], seen.bids[1], seen.asks[0], seen.asks[1]};  // zeros past the depth
    q.bidPrice = bidCount > 0 ? Price::fromRaw(seen.bids[0]) : Price::undefined();
    q.bidQuantity = Quantity::fromRaw(seen.bids[1]);
    q.askPrice = askCount > 0 ? Price::fromRaw(seen.asks[0]) : Price::undefined();
    q.askQuantity = Quantity::fromRaw(seen.asks[1]);
  } else {
    const book::TopOfBook top = venue->top(i);
    s = shownOf(top);
    q.bidPrice = top.bidPrice;
    q.bidQuantity = top.bidQuantity;
    q.askPrice = top.askPrice;
    q.askQuantity = top.askQuantity;
  }
  bool reread = !pairsFirst;
  if (!(s == shown[i])) {
    shown[i] = s;
    const std::uint64_t before = sequence;
    for (const Subscriber& sub : subscribers[i]) {
      runners[sub.runner]->strategy().onQuote(q, sub.slot);
      if (!pending.empty()) drain();
    }
    // A strategy that reached the engine (an order with no latency) may have changed the book.
    reread = reread || sequence != before;
  }
  if (!options.depthUpdates) return;
  if (reread) {
    seen = ShownLevels{};
    bidCount = venue->levelPairs(i, Side::Buy, seen.bids);
    askCount = venue->levelPairs(i, Side::Sell, seen.asks);
    // The quote delivered above is older than these levels: the next event reads both sides
    // again, and compares its top with that quote.
    if (read != nullptr) *read = LevelsRead{};
  }
  if (seen == shownLevels[i]) return;  // the change was deeper than the levels shown
  shownLevels[i] = seen;
  strategy::BookUpdate b;
  b.instrument = instruments[i].id();
  b.exchangeTime = e.exchangeTime();
  b.receiveTime = e.body.trade.receiveTime;
  for (std::size_t k = 0; k < bidCount; ++k) {
    b.bids[k] = {Price::fromRaw(seen.bids[2 * k]), Quantity::fromRaw(seen.bids[2 * k + 1])};
  }
  for (std::size_t k = 0; k < askCount; ++k) {
    b.asks[k] = {Price::fromRaw(seen.asks[2 * k]), Quantity::fromRaw(seen.asks[2 * k + 1])};
  }
  for (const Subscriber& sub : subscribers[i]) {
    runners[sub.runner]->strategy().onBook(b, sub.slot);
    if (!pending.empty()) drain();
  }
}

void TickBacktester::Impl::onEvent(const marketdata::MarketEvent& e, std::uint32_t i) {
  bool fills = false;
  switch (e.kind) {
    case marketdata::MarketEventKind::Trade: fills = venue->onTrade(i, e.body.trade); break;
    case marketdata::MarketEventKind::Quote: fills = venue->onQuote(i, e.body.quote); break;
    case marketdata::MarketEventKind::BookLevel: fills = venue->onLevel(i, e.body.level); break;
    case marketdata::MarketEventKind::BookOrder: fills = venue->onOrder(i, e.body.order); break;
    case marketdata::MarketEventKind::Bar: break;
  }
  if (fills) fillTick();
  if (e.kind == marketdata::MarketEventKind::Trade) {
    const marketdata::TradeEvent& t = e.body.trade;
    lastTrade[i] = t.price;
    if (runCurrencies.isSource(i)) runCurrencies.setRate(*this, i, t.price, [this](engine::Command& c) { apply(c); });
    const strategy::TradeTick tick{t.instrument, t.exchangeTime, t.receiveTime, t.price, t.quantity, t.aggressor};
    for (const Subscriber& sub : subscribers[i]) {
      StrategyRunner& r = *runners[sub.runner];
      r.mark(sub.slot, t.price);
      r.strategy().onTrade(tick, sub.slot);
      if (!pending.empty()) drain();
    }
    return;  // a print leaves the displayed book as it was (the feed's own updates follow)
  }
  if (!subscribers[i].empty()) deliverBook(i, e);
}

void TickBacktester::Impl::recordPoint() {
  EquityPoint p;
  p.time = now;
  for (const auto& r : runners) {
    p.cash += r->cash();
    p.equity += r->equity();
    p.grossExposure += r->grossValue();
  }
  result.equity.push_back(p);
  for (std::size_t i = 0; i < result.closes.size(); ++i) {
    const Price c = lastTrade[i];
    result.closes[i].push_back(c.isDefined() ? static_cast<double>(c.raw()) * priceScale[i] : 0.0);
  }
}

void TickBacktester::Impl::progress(bool last) {
  if (expected > 0) {
    const double done = std::min(1.0, static_cast<double>(stats.events) / static_cast<double>(expected));
    std::fprintf(stderr, "\r%5.1f%% %llu events", done * 100, static_cast<unsigned long long>(stats.events));
  } else {
    std::fprintf(stderr, "\r%llu events", static_cast<unsigned long long>(stats.events));
  }
  if (last) std::fprintf(stderr, "\n");
  std::fflush(stderr);
  nextProgressAt = stats.events + 1'000'000;
}

Result<BacktestResult> TickBacktester::run(EventSource& source) {
  Impl& m = *impl_;
  if (m.runners.empty()) return makeError("strategy", "no strategy to run");
  // The engine, the replayed books, the strategies and what they were last shown keep what the
  // first run left: a second run on the same backtester would not start from scratch.
  if (m.ran) return makeError("run", "this backtester has run already: construct a new one for another run");
  m.ran = true;
  if (auto ok = m.setUp(); !ok) return ok.error();
  m.result = BacktestResult{};
  m.result.instruments = m.instruments;
  m.result.closes.resize(std::min<std::size_t>(m.instruments.size(), kPriceSeries));
  m.expected = source.sizeHint();
  for (auto& r : m.runners) {
    r->strategy().bind(*r);
    r->strategy().onStart();
    m.drain();
  }
  for (const auto& r : m.runners) m.result.initialEquity += r->equity();
  m.running = true;

  std::vector<marketdata::MarketEvent> buffer(4096);
  bool haveTime = false;
  Timestamp lastTime;
  for (;;) {
    auto got = source.next(buffer);
    if (!got) return got.error();
    if (got->empty()) break;
    const std::span<const marketdata::MarketEvent> batch = *got;
    for (std::size_t k = 0; k < batch.size(); ++k) {
      const marketdata::MarketEvent& e = batch[k];
      // The events themselves stream from memory, where the hardware prefetcher stops at every
      // 4 KiB page (36 events): fetched further ahead than the lookahead reads them.
      if (k + 3 * kLookahead < batch.size()) {
        const char* ahead = reinterpret_cast<const char*>(&batch[k + 3 * kLookahead]);
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + sizeof(marketdata::MarketEvent) - 1);
      }
      if (k + kLookahead < batch.size()) m.prefetch(batch[k + kLookahead]);
      const Timestamp t = e.exchangeTime();
      if (haveTime && t < lastTime) {
        return makeError("data", fmt::format("events out of time order: instrument {} has an event at {} ns after one "
                                             "at {} ns",
                                             e.instrument().value(), t.nanos(), lastTime.nanos()));
      }
      const std::uint32_t i = m.lookup.find(e.instrument().value());
      if (i == InstrumentLookup::kMissing) {
        return makeError("data",
                         fmt::format("an event of instrument {}, which is not defined", e.instrument().value()));
      }
      if (t >= m.nextPoint && haveTime) m.recordPoint();  // the state up to the interval's end
      if (t >= m.nextPoint) {
        const std::int64_t step = std::max<std::int64_t>(1, m.options.equityIntervalNanos);
        m.nextPoint = Timestamp{(t.nanos() / step + 1) * step};
      }
      lastTime = t;
      haveTime = true;
      if (m.anythingDue(t)) m.runDue(t, true);
      m.now = t;
      m.onEvent(e, i);
      ++m.stats.events;
    }
    if (m.options.progress && m.stats.events >= m.nextProgressAt) m.progress(false);
  }
  // Orders still travelling arrive; timers past the data's end do not fire.
  m.runDue(Timestamp{std::numeric_limits<std::int64_t>::max()}, false);
  m.running = false;
  for (auto& r : m.runners) {
    r->strategy().onStop();
    m.drain();
  }
  if (m.options.progress) m.progress(true);
  m.recordPoint();
  m.result.bars = m.stats.events;
  m.stats.skippedMessages = m.venue->skippedMessages();

  // The last trade prices (the mid where none traded) become the engine's marks: the final
  // equity is the ledger's valuation.
  for (std::uint32_t i = 0; i < m.instruments.size(); ++i) {
    Price mark = m.lastTrade[i];
    if (!mark.isDefined()) {
      const book::TopOfBook t = m.venue->top(i);
      if (t.bidPrice.isDefined() && t.askPrice.isDefined())
        mark = Price::fromRaw((t.bidPrice.raw() + t.askPrice.raw()) / 2);
    }
    if (!mark.isDefined()) continue;
    engine::Command c = engine::makeCommand(engine::CommandType::MarketData);
    c.body.marketData.instrument = m.instruments[i].id();
    c.body.marketData.last = mark;
    m.apply(c);
  }
  addOutcomes(m.runners, m.options.account, *m.engine, m.result);
  return std::move(m.result);
}

}  // namespace alphintra::backtest
