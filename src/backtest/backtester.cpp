#include "backtest/backtester.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <queue>

#include "backtest/bar_fill_venue.hpp"
#include "engine/command.hpp"
#include "engine/engine.hpp"
#include "oms/money_math.hpp"

namespace alphintra::backtest {

namespace {

// Callbacks waiting for the current one to return (no nesting).
struct Pending {
  std::uint32_t runner = 0;
  bool isFill = false;
  strategy::OrderUpdate update;
  strategy::Fill fill;
};

struct Timer {
  Timestamp at;
  std::uint64_t order = 0;  // set order: equal times fire in the order they were set
  std::uint32_t runner = 0;
  std::uint64_t id = 0;
  bool operator>(const Timer& o) const noexcept { return at != o.at ? at > o.at : order > o.order; }
};

struct Subscriber {
  std::uint32_t runner = 0;
  strategy::InstrumentSlot slot = 0;
};

std::uint64_t handleOf(const ClientOrderId& id) noexcept {
  std::uint64_t h = 0;
  const auto v = id.view();
  std::from_chars(v.data(), v.data() + v.size(), h);
  return h;
}

}  // namespace

// One strategy's context: its account, its instruments by slot, and the mirror of what the
// engine booked for it (positions, open quantities, cash), kept from the execution reports.
class Backtester::Runner final : public strategy::StrategyContext {
 public:
  struct Order {
    OrderId id;
    strategy::InstrumentSlot slot = 0;
    Side side = Side::None;
    Quantity open;  // leaves while live
    bool live = false;
  };
  struct Trip {
    bool open = false;
    Side direction = Side::Buy;
    Timestamp entryTime;
    double maxSize = 0;
    double entryNotional = 0, entryQuantity = 0;
    double exitNotional = 0, exitQuantity = 0;
    double pnl = 0;
    double averageCost = 0;  // per unit, of the open position
  };

  Runner(Impl& impl, std::uint32_t index, std::unique_ptr<strategy::Strategy> s, std::vector<Instrument> instruments,
         std::vector<std::uint32_t> dense, std::string label)
      : impl_(impl),
        index_(index),
        account_(AccountId{index + 1}),
        strategy_(std::move(s)),
        instruments_(std::move(instruments)),
        dense_(std::move(dense)),
        label_(std::move(label)),
        position_(instruments_.size()),
        openBuy_(instruments_.size()),
        openSell_(instruments_.size()),
        lastClose_(instruments_.size(), 0),
        priceScale_(instruments_.size()),
        quantityScale_(instruments_.size()),
        trips_(instruments_.size()) {
    for (std::size_t i = 0; i < instruments_.size(); ++i) {
      priceScale_[i] = std::pow(10.0, -instruments_[i].pricePrecision());
      quantityScale_[i] = std::pow(10.0, -instruments_[i].quantityPrecision());
    }
  }

  Timestamp now() const noexcept override;
  std::span<const Instrument> instruments() const noexcept override { return instruments_; }
  strategy::OrderHandle submit(const strategy::OrderRequest& request) override;
  bool replace(strategy::OrderHandle order, Quantity quantity, Price price) override;
  bool cancel(strategy::OrderHandle order) override;
  void cancelAll(strategy::InstrumentSlot slot) override;
  Quantity position(strategy::InstrumentSlot slot) const noexcept override { return position_[slot]; }
  Quantity openQuantity(strategy::InstrumentSlot slot, Side side) const noexcept override {
    return side == Side::Buy ? openBuy_[slot] : openSell_[slot];
  }
  double cash() const noexcept override { return static_cast<double>(cashRaw_) * cashScale_; }
  double equity() const noexcept override { return cash() + positionsValue_; }
  void setTimer(Timestamp at, std::uint64_t id) override;

  // A close for a slot: positions are revalued (O(1)).
  void mark(strategy::InstrumentSlot slot, Price close) noexcept {
    const double c = static_cast<double>(close.raw()) * priceScale_[slot];
    const std::int64_t q = position_[slot].raw();
    if (q != 0) {
      const double qty = static_cast<double>(q) * quantityScale_[slot];
      positionsValue_ += qty * (c - lastClose_[slot]);
      grossValue_ += std::abs(qty) * (c - lastClose_[slot]);
    }
    lastClose_[slot] = c;
  }
  void onReport(const engine::ExecutionReport& r, Timestamp time, std::vector<Pending>& pending);
  double grossValue() const noexcept { return grossValue_; }

  Impl& impl_;
  std::uint32_t index_;
  AccountId account_;
  std::unique_ptr<strategy::Strategy> strategy_;
  std::vector<Instrument> instruments_;
  std::vector<std::uint32_t> dense_;  // slot → the backtester's instrument index
  std::string label_;
  std::vector<Quantity> position_;
  std::vector<Quantity> openBuy_;
  std::vector<Quantity> openSell_;
  std::vector<double> lastClose_;
  std::vector<double> priceScale_;
  std::vector<double> quantityScale_;
  std::vector<Trip> trips_;
  std::vector<Order> orders_;  // by handle − 1
  std::int64_t cashRaw_ = 0;   // Money raw, base currency (every instrument's currency)
  double cashScale_ = 0.01;
  double positionsValue_ = 0;
  double grossValue_ = 0;
  std::uint64_t rejects_ = 0;
  std::size_t openPositions_ = 0;

 private:
  strategy::OrderHandle nextHandle() const noexcept { return orders_.size() + 1; }
  void closeTrip(strategy::InstrumentSlot slot, Timestamp time);
  void applyFillToTrip(strategy::InstrumentSlot slot, Side side, double qty, double price, double fee, Timestamp time);
};

struct Backtester::Impl {
  explicit Impl(std::vector<Instrument> in, BacktestOptions o) : instruments(std::move(in)), options(o) {
    auto venuePtr = std::make_unique<BarFillVenue>(options.fill);
    venue = venuePtr.get();
    engine::EngineOptions eo;
    eo.expectedOrders = options.expectedOrders;
    eo.publishMarketData = false;
    engine = std::make_unique<engine::Engine>(eo, std::move(venuePtr));
    for (std::uint32_t i = 0; i < instruments.size(); ++i) index.insert(instruments[i].id().value(), i);
    subscribers.resize(instruments.size());
    lastClose.assign(instruments.size(), Price::undefined());
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
      if (a >= 1 && a <= runners.size()) runners[a - 1]->onReport(r, now, pending);
    }
  }
  Result<bool> setUp();
  void drain() {
    // Index loop: a callback may queue more.
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const Pending p = pending[i];
      strategy::Strategy& s = *runners[p.runner]->strategy_;
      if (p.isFill) {
        s.onFill(p.fill);
      } else {
        s.onOrderUpdate(p.update);
      }
    }
    pending.clear();
  }
  void processGroup(std::span<const marketdata::Bar> bars);
  void recordPoint();
  void progress(bool last);

  std::vector<Instrument> instruments;
  BacktestOptions options;
  BarFillVenue* venue = nullptr;
  std::unique_ptr<engine::Engine> engine;
  book::IdIndex index{64};
  std::vector<std::unique_ptr<Runner>> runners;
  std::vector<std::vector<Subscriber>> subscribers;  // by instrument index
  std::vector<Price> lastClose;
  std::vector<double> priceScale;
  std::vector<engine::EngineEvent> events;
  std::vector<Pending> pending;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::uint64_t timerOrder = 0;
  std::vector<std::uint32_t> groupIndex;  // scratch: instrument index of each bar of a group
  std::uint64_t sequence = 0;
  Timestamp now;
  BacktestResult result;
  std::size_t expectedBars = 0;
  std::uint64_t nextProgressAt = 0;
};

Timestamp Backtester::Runner::now() const noexcept { return impl_.now; }

strategy::OrderHandle Backtester::Runner::submit(const strategy::OrderRequest& request) {
  strategy::InstrumentSlot slot = 0;
  while (slot < instruments_.size() && instruments_[slot].id() != request.instrument) ++slot;
  if (slot == instruments_.size()) return 0;
  const strategy::OrderHandle handle = nextHandle();
  orders_.push_back(Order{OrderId{}, slot, request.side, Quantity::zero(), false});
  engine::Command c = engine::makeCommand(engine::CommandType::NewOrder);
  engine::NewOrderBody& b = c.body.newOrder;
  b.account = account_;
  b.instrument = request.instrument;
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, handle).ptr;
  b.clientOrderId = ClientOrderId::fromTrusted(std::string_view(text, static_cast<std::size_t>(end - text)));
  b.side = request.side;
  b.type = request.type;
  b.timeInForce = request.timeInForce;
  b.price = request.price;
  b.stopPrice = request.stopPrice;
  b.quantity = request.quantity;
  impl_.apply(c);
  return handle;
}

bool Backtester::Runner::replace(strategy::OrderHandle handle, Quantity quantity, Price price) {
  if (handle == 0 || handle > orders_.size() || !orders_[handle - 1].live) return false;
  const Order& o = orders_[handle - 1];
  engine::Command c = engine::makeCommand(engine::CommandType::ReplaceOrder);
  c.body.replace.account = account_;
  c.body.replace.instrument = instruments_[o.slot].id();
  c.body.replace.orderId = o.id;
  c.body.replace.quantity = quantity;
  c.body.replace.price = price;
  impl_.apply(c);
  return true;
}

bool Backtester::Runner::cancel(strategy::OrderHandle handle) {
  if (handle == 0 || handle > orders_.size() || !orders_[handle - 1].live) return false;
  engine::Command c = engine::makeCommand(engine::CommandType::CancelOrder);
  c.body.cancel.account = account_;
  c.body.cancel.orderId = orders_[handle - 1].id;
  impl_.apply(c);
  return true;
}

void Backtester::Runner::cancelAll(strategy::InstrumentSlot slot) {
  engine::Command c = engine::makeCommand(engine::CommandType::MassCancel);
  c.body.massCancel.account = account_;
  c.body.massCancel.instrument = instruments_[slot].id();
  impl_.apply(c);
}

void Backtester::Runner::setTimer(Timestamp at, std::uint64_t id) {
  impl_.timers.push(Timer{at, impl_.timerOrder++, index_, id});
}

void Backtester::Runner::closeTrip(strategy::InstrumentSlot slot, Timestamp time) {
  Trip& t = trips_[slot];
  RoundTrip r;
  r.strategy = index_;
  r.instrument = instruments_[slot].id();
  r.direction = t.direction;
  r.entryTime = t.entryTime;
  r.exitTime = time;
  r.quantity = t.maxSize;
  r.entryPrice = t.entryQuantity > 0 ? t.entryNotional / t.entryQuantity : 0;
  r.exitPrice = t.exitQuantity > 0 ? t.exitNotional / t.exitQuantity : 0;
  r.pnl = t.pnl;
  impl_.result.trades.push_back(r);
  t = Trip{};
}

// Average-cost round trips in doubles (reporting only; the books are the engine's).
void Backtester::Runner::applyFillToTrip(strategy::InstrumentSlot slot, Side side, double qty, double price, double fee,
                                         Timestamp time) {
  Trip& t = trips_[slot];
  const double signedQty = side == Side::Buy ? qty : -qty;
  const double before = static_cast<double>(position_[slot].raw()) * quantityScale_[slot] - signedQty;
  double remaining = qty;
  if (t.open && ((before > 0 && side == Side::Sell) || (before < 0 && side == Side::Buy))) {
    const double closing = std::min(remaining, std::abs(before));
    const double direction = before > 0 ? 1.0 : -1.0;
    t.pnl += direction * (price - t.averageCost) * closing - fee * (closing / qty);
    t.exitNotional += price * closing;
    t.exitQuantity += closing;
    remaining -= closing;
    if (std::abs(before) - closing <= 1e-12) closeTrip(slot, time);
  }
  if (remaining > 1e-12) {
    if (!t.open) {
      t.open = true;
      t.direction = side;
      t.entryTime = time;
      t.averageCost = 0;
    }
    const double held = t.entryQuantity - t.exitQuantity;
    t.averageCost = (t.averageCost * held + price * remaining) / (held + remaining);
    t.entryNotional += price * remaining;
    t.entryQuantity += remaining;
    t.pnl -= fee * (remaining / qty);
    t.maxSize = std::max(t.maxSize, std::abs(static_cast<double>(position_[slot].raw()) * quantityScale_[slot]));
  }
}

void Backtester::Runner::onReport(const engine::ExecutionReport& r, Timestamp time, std::vector<Pending>& pending) {
  const strategy::OrderHandle handle = handleOf(r.clientOrderId);
  if (handle == 0 || handle > orders_.size()) return;
  Order& o = orders_[handle - 1];
  o.id = r.orderId;
  const strategy::InstrumentSlot slot = o.slot;
  // Open quantity follows the report: the leaves of a live order, nothing once it is done.
  const bool live = r.status == oms::OrdStatus::New || r.status == oms::OrdStatus::PartiallyFilled ||
                    r.status == oms::OrdStatus::Replaced || r.status == oms::OrdStatus::PendingCancel ||
                    r.status == oms::OrdStatus::PendingReplace || r.status == oms::OrdStatus::PendingNew;
  const Quantity open = live ? r.leavesQuantity : Quantity::zero();
  (o.side == Side::Buy ? openBuy_[slot] : openSell_[slot]) += open - o.open;
  o.open = open;
  o.live = live;
  if (r.execType == oms::ExecType::Rejected) ++rejects_;

  Pending p;
  p.runner = index_;
  p.update = strategy::OrderUpdate{handle,           r.instrument,
                                   r.side,           r.execType,
                                   r.status,         r.price,
                                   r.orderQuantity,  r.cumQuantity,
                                   r.leavesQuantity, static_cast<std::uint8_t>(r.rejectSource),
                                   r.rejectCode,     time};
  pending.push_back(p);
  if (r.execType != oms::ExecType::Trade) return;

  const Instrument& in = instruments_[slot];
  const Money notional = oms::notional(r.lastPrice, r.lastQuantity, in);
  const std::int64_t cashMove =
      r.side == Side::Buy ? -notional.raw() - r.lastFee.raw() : notional.raw() - r.lastFee.raw();
  cashRaw_ += cashMove;
  const Quantity before = position_[slot];
  position_[slot] += r.side == Side::Buy ? r.lastQuantity : -r.lastQuantity;
  openPositions_ += (position_[slot].isZero() ? 0 : 1) - (before.isZero() ? 0 : 1);
  const double qty = static_cast<double>(r.lastQuantity.raw()) * quantityScale_[slot];
  const double signedQty = r.side == Side::Buy ? qty : -qty;
  positionsValue_ += signedQty * lastClose_[slot];
  grossValue_ += (std::abs(static_cast<double>(position_[slot].raw())) - std::abs(static_cast<double>(before.raw()))) *
                 quantityScale_[slot] * lastClose_[slot];
  if (openPositions_ == 0) positionsValue_ = grossValue_ = 0;  // no drift left behind when flat
  const double price = static_cast<double>(r.lastPrice.raw()) * priceScale_[slot];
  const double fee = static_cast<double>(r.lastFee.raw()) * cashScale_;
  applyFillToTrip(slot, r.side, qty, price, fee, time);

  FillRecord f;
  f.time = time;
  f.strategy = index_;
  f.instrument = r.instrument;
  f.side = r.side;
  f.quantity = r.lastQuantity;
  f.price = r.lastPrice;
  f.fee = r.lastFee;
  f.notional = static_cast<double>(notional.raw()) * cashScale_;
  impl_.result.fills.push_back(f);
  impl_.result.tradedNotional += f.notional;

  Pending fill;
  fill.runner = index_;
  fill.isFill = true;
  fill.fill = strategy::Fill{handle, r.instrument, r.side, r.lastPrice, r.lastQuantity, r.lastFee, time};
  pending.push_back(fill);
}

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
    const std::uint32_t i = m.index.find(id.value());
    if (i == book::IdIndex::kMissing) {
      return makeError("instruments", "instrument " + std::to_string(id.value()) + " is not defined");
    }
    mine.push_back(m.instruments[i]);
    dense.push_back(i);
  }
  const auto index = static_cast<std::uint32_t>(m.runners.size());
  auto runner = std::make_unique<Runner>(m, index, std::move(s), std::move(mine), dense,
                                         label.empty() ? std::string("strategy") + std::to_string(index + 1) : label);
  for (std::uint32_t slot = 0; slot < dense.size(); ++slot) m.subscribers[dense[slot]].push_back({index, slot});
  m.runners.push_back(std::move(runner));
  return true;
}

Result<bool> Backtester::Impl::setUp() {
  auto currency = Currency::parse(options.account.currency);
  if (!currency) return makeError("account.currency", currency.error().message);
  for (const Instrument& in : instruments) {
    if (in.currency() != *currency) {
      return makeError("instruments",
                       "instrument " + in.symbol() + " is quoted in " + std::string(in.currency().code()) +
                           "; a backtest trades in one currency, the account's (" + options.account.currency + ")");
    }
    engine::Command c = engine::makeCommand(engine::CommandType::DefineInstrument);
    c.body.defineInstrument = engine::toDefineBody(in);
    apply(c);
  }
  const double scale = std::pow(10.0, currency->minorUnits());
  for (auto& r : runners) {
    r->cashScale_ = 1.0 / scale;
    engine::Command open = engine::makeCommand(engine::CommandType::OpenAccount);
    open.body.openAccount.account = r->account_;
    open.body.openAccount.baseCurrency = *currency;
    open.body.openAccount.type = options.account.type;
    open.body.openAccount.makerFeePpm = options.account.makerFeePpm;
    open.body.openAccount.takerFeePpm = options.account.takerFeePpm;
    open.body.openAccount.maxLeverageHundredths = options.account.maxLeverageHundredths;
    apply(open);
    if (!engine->hasAccount(r->account_)) return makeError("account", "the engine refused the account's terms");
    engine::Command deposit = engine::makeCommand(engine::CommandType::AdjustCash);
    deposit.body.adjustCash.account = r->account_;
    deposit.body.adjustCash.currency = *currency;
    deposit.body.adjustCash.amount = Money::fromRaw(std::llround(options.account.initialCash * scale));
    apply(deposit);
    r->cashRaw_ = deposit.body.adjustCash.amount.raw();
  }
  return true;
}

void Backtester::Impl::processGroup(std::span<const marketdata::Bar> bars) {
  now = bars.front().start;
  while (!timers.empty() && timers.top().at <= now) {
    const Timer t = timers.top();
    timers.pop();
    runners[t.runner]->strategy_->onTimer(t.id);
    drain();
  }
  bool tick = false;
  groupIndex.resize(bars.size());
  for (std::size_t k = 0; k < bars.size(); ++k) {
    const std::uint32_t i = index.find(bars[k].instrument.value());
    groupIndex[k] = i;
    if (i != book::IdIndex::kMissing) tick |= venue->openBar(i, bars[k]);
  }
  if (tick) {
    engine::Command c = engine::makeCommand(engine::CommandType::ClockTick);
    apply(c);
    drain();
  }
  for (std::size_t k = 0; k < bars.size(); ++k) {
    const std::uint32_t i = groupIndex[k];
    if (i == book::IdIndex::kMissing) continue;
    const marketdata::Bar& bar = bars[k];
    venue->setLast(i, bar.close);
    lastClose[i] = bar.close;
    for (const Subscriber& s : subscribers[i]) {
      Runner& r = *runners[s.runner];
      r.mark(s.slot, bar.close);
      r.strategy_->onBar(bar, s.slot);
      if (!pending.empty()) drain();
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
    const Price c = lastClose[i];
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
    r->strategy_->bind(*r);
    r->strategy_->onStart();
    m.drain();
  }
  for (const auto& r : m.runners) {
    m.result.initialEquity += r->equity();
  }

  std::vector<marketdata::Bar> buffer(8192);
  std::size_t carried = 0;  // bars of an unfinished group kept at the front of the buffer
  bool haveTime = false;
  Timestamp lastTime;
  for (;;) {
    if (carried == buffer.size()) buffer.resize(buffer.size() * 2);  // one group larger than the buffer
    auto got = source.read(std::span(buffer).subspan(carried));
    if (!got) return got.error();
    const std::size_t filled = carried + *got;
    const bool end = *got == 0;
    std::size_t groupStart = 0;
    for (std::size_t k = carried; k < filled; ++k) {
      const marketdata::Bar& bar = buffer[k];
      if (haveTime && bar.start < lastTime) {
        return makeError("data",
                         fmt::format("bars out of time order: instrument {} has a bar at {} ns after one at {} ns",
                                     bar.instrument.value(), bar.start.nanos(), lastTime.nanos()));
      }
      if (m.index.find(bar.instrument.value()) == book::IdIndex::kMissing) {
        return makeError("data", fmt::format("a bar of instrument {}, which is not defined", bar.instrument.value()));
      }
      if (haveTime && bar.start != lastTime && k > groupStart) {
        m.processGroup(std::span<const marketdata::Bar>(buffer.data() + groupStart, k - groupStart));
        groupStart = k;
      }
      lastTime = bar.start;
      haveTime = true;
    }
    if (end) {
      if (filled > groupStart)
        m.processGroup(std::span<const marketdata::Bar>(buffer.data() + groupStart, filled - groupStart));
      break;
    }
    // The last group may continue in the next batch: keep it at the front.
    std::copy(buffer.begin() + static_cast<std::ptrdiff_t>(groupStart),
              buffer.begin() + static_cast<std::ptrdiff_t>(filled), buffer.begin());
    carried = filled - groupStart;
  }
  for (auto& r : m.runners) {
    r->strategy_->onStop();
    m.drain();
  }
  if (m.options.progress) m.progress(true);

  // The last closes become the engine's marks: the final equity is the ledger's valuation.
  for (std::uint32_t i = 0; i < m.instruments.size(); ++i) {
    if (!m.lastClose[i].isDefined()) continue;
    engine::Command c = engine::makeCommand(engine::CommandType::MarketData);
    c.body.marketData.instrument = m.instruments[i].id();
    c.body.marketData.last = m.lastClose[i];
    m.apply(c);
  }
  for (auto& r : m.runners) {
    StrategyOutcome o;
    o.label = r->label_;
    o.initialEquity = m.options.account.initialCash;
    const oms::Valuation v = m.engine->ledger().value(r->account_);
    o.finalEquity = static_cast<double>(v.equity.raw()) * r->cashScale_;
    o.orders = r->orders_.size();
    o.rejects = r->rejects_;
    m.result.finalEquity += o.finalEquity;
    m.result.strategies.push_back(o);
  }
  return std::move(m.result);
}

}  // namespace alphintra::backtest
