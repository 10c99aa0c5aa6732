#include "live/live_context.hpp"

#include <charconv>
#include <cmath>
#include <exception>

#include "oms/money_math.hpp"

namespace alphintra::live {

std::string_view toString(StrategyState state) noexcept {
  switch (state) {
    case StrategyState::Running: return "running";
    case StrategyState::Stopped: return "stopped";
    case StrategyState::Failed: return "failed";
  }
  return "unknown";
}

LiveContext::LiveContext(HostServices& host, std::uint32_t index, LiveStrategySpec spec,
                         std::vector<Instrument> instruments, Currency base, std::string runTag)
    : host_(host),
      index_(index),
      spec_(std::move(spec)),
      instruments_(std::move(instruments)),
      base_(base),
      prefix_(spec_.id + "." + runTag + "."),
      cashScale_(std::pow(10.0, -base.minorUnits())) {
  slots_.reserve(instruments_.size());
  for (const Instrument& in : instruments_) {
    // A valid span (parseLiveStrategySpec checked it), so create() cannot fail.
    auto bars =
        marketdata::BarAggregator::create(in.id(), marketdata::BarSpec{marketdata::BarKind::Time, spec_.barNanos});
    slots_.push_back(Slot{Quantity::zero(), Quantity::zero(), Quantity::zero(), Price::undefined(), bars.value(),
                          Timestamp{INT64_MAX}});
  }
}

std::optional<std::uint32_t> LiveContext::slotOf(InstrumentId instrument) const noexcept {
  for (std::uint32_t s = 0; s < instruments_.size(); ++s) {
    if (instruments_[s].id() == instrument) return s;
  }
  return std::nullopt;
}

void LiveContext::loadAccount(const engine::Engine& engine) {
  for (std::uint32_t s = 0; s < slots_.size(); ++s) {
    const oms::Position* p = engine.ledger().position(spec_.account, instruments_[s].id());
    slots_[s].position = p != nullptr ? p->quantity() : Quantity::zero();
    slots_[s].last = engine.ledger().mark(instruments_[s].id());
    slots_[s].future = instruments_[s].assetClass() == AssetClass::Future;
    if (slots_[s].future) {
      // The account's cost method, so that each fill realizes what the ledger's does.
      const oms::Account* account = engine.ledger().account(spec_.account);
      const oms::CostMethod method = account != nullptr ? account->costMethod() : oms::CostMethod::AverageCost;
      slots_[s].held = p != nullptr ? *p : oms::Position(spec_.account, instruments_[s].id(), method);
    }
  }
  engine.orders().forEach([&](const oms::OmsOrder& o) {
    if (o.account() != spec_.account || !o.state.isLive()) return;
    const auto slot = slotOf(o.instrument());
    if (!slot) return;
    const bool earlier = o.clientOrderId.view().starts_with(spec_.id + ".");
    live_[o.id.value()] = LiveOrder{*slot, o.side(), o.leavesQuantity, 0, earlier};
    (o.side() == Side::Buy ? slots_[*slot].openBuy : slots_[*slot].openSell) += o.leavesQuantity;
  });
  resync(engine.ledger().value(spec_.account), engine.lastSequence());
}

template <typename Fn>
void LiveContext::guarded(Fn&& fn) {
  if (state_ != StrategyState::Running) return;
  try {
    fn();
  } catch (const std::exception& e) {
    stop(std::string("the strategy threw: ") + e.what());
  } catch (...) {
    stop("the strategy threw an exception that is not a std::exception");
  }
}

std::optional<Error> LiveContext::start() {
  if (state_ == StrategyState::Running) return makeError("state", "the strategy is already running");
  auto made = host_.make(spec_.name, spec_.params);
  if (!made.ok()) return made.error();
  const std::size_t needed = made.value()->instrumentsNeeded();
  if (needed != 0 && needed != instruments_.size()) {
    return makeError("strategy.instruments", spec_.name + " trades " + std::to_string(needed) + " instruments, not " +
                                                 std::to_string(instruments_.size()));
  }
  cancelOwnOrders(true);
  strategy_ = std::move(made).value();
  strategy_->bind(*this);
  state_ = StrategyState::Running;
  error_.clear();
  ++generation_;
  startedAt_ = host_.now;
  guarded([&] { strategy_->onStart(); });
  return std::nullopt;
}

void LiveContext::stop(std::string failed) {
  if (state_ != StrategyState::Running) return;
  if (failed.empty()) {
    try {
      strategy_->onStop();
    } catch (const std::exception& e) {
      failed = std::string("onStop threw: ") + e.what();
    } catch (...) {
      failed = "onStop threw an exception that is not a std::exception";
    }
  }
  state_ = failed.empty() ? StrategyState::Stopped : StrategyState::Failed;
  error_ = std::move(failed);
  cancelOwnOrders(false);
  for (Slot& s : slots_) {
    marketdata::Bar unused;
    s.bars.flush(unused);  // a restarted instance starts from fresh bars
    s.barEnd = Timestamp{INT64_MAX};
  }
  updateBarEnd();
}

// This instance's live orders, and with `includeEarlierRuns` those an earlier server start or
// instance of this strategy left (their client ids carry its id; the new instance cannot know them).
void LiveContext::cancelOwnOrders(bool includeEarlierRuns) {
  for (const auto& [orderId, o] : live_) {
    if (o.handle == 0 && !(includeEarlierRuns && o.earlier)) continue;
    engine::Command c = engine::makeCommand(engine::CommandType::CancelOrder);
    c.body.cancel.account = spec_.account;
    c.body.cancel.orderId = OrderId{orderId};
    host_.send(c);
  }
  // In-flight orders (no report yet) are cancelled by client id: the cancel travels behind them.
  for (std::size_t h = 0; h < sent_.size(); ++h) {
    if (sent_[h].done || !sent_[h].id.isNone()) continue;
    engine::Command c = engine::makeCommand(engine::CommandType::CancelOrder);
    c.body.cancel.account = spec_.account;
    c.body.cancel.origClientOrderId = clientIdOf(h + 1);
    host_.send(c);
  }
}

ClientOrderId LiveContext::clientIdOf(strategy::OrderHandle handle) const {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, handle).ptr;
  return ClientOrderId::fromTrusted(prefix_ + std::string(digits, end));
}

std::optional<strategy::OrderHandle> LiveContext::handleOf(const ClientOrderId& id) const noexcept {
  const std::string_view v = id.view();
  if (!v.starts_with(prefix_)) return std::nullopt;
  strategy::OrderHandle h = 0;
  const char* first = v.data() + prefix_.size();
  const auto [end, ec] = std::from_chars(first, v.data() + v.size(), h);
  if (ec != std::errc{} || end != v.data() + v.size() || h == 0 || h > sent_.size()) return std::nullopt;
  return h;
}

strategy::OrderHandle LiveContext::submit(const strategy::OrderRequest& request) {
  if (state_ != StrategyState::Running) return 0;
  const auto slot = slotOf(request.instrument);
  if (!slot) return 0;
  sent_.push_back(Sent{OrderId{}, *slot, generation_, false});
  const strategy::OrderHandle handle = sent_.size();
  engine::Command c = engine::makeCommand(engine::CommandType::NewOrder);
  engine::NewOrderBody& b = c.body.newOrder;
  b.account = spec_.account;
  b.instrument = request.instrument;
  b.clientOrderId = clientIdOf(handle);
  b.side = request.side;
  b.type = request.type;
  // A market order rests nowhere: the exchange takes it as IOC (the strategy API's default time
  // in force is GTC, which the bar backtest's fill model reads as "fill at the next open").
  const bool market = request.type == book::OrderType::Market;
  b.timeInForce =
      market && request.timeInForce != book::TimeInForce::FOK ? book::TimeInForce::IOC : request.timeInForce;
  b.price = request.price;
  b.stopPrice = request.stopPrice;
  b.quantity = request.quantity;
  b.expireTime = request.expireTime;
  // Until its first report the order counts as open at its full quantity (orderToTarget must
  // not send it twice); the report replaces this with the engine's leaves.
  (request.side == Side::Buy ? slots_[*slot].openBuy : slots_[*slot].openSell) += request.quantity;
  pendingOpen_.push_back(PendingOpen{handle, request.side, request.quantity});
  ++ordersSent_;
  host_.send(c);
  return handle;
}

bool LiveContext::replace(strategy::OrderHandle handle, Quantity quantity, Price price) {
  if (state_ != StrategyState::Running || handle == 0 || handle > sent_.size()) return false;
  const Sent& s = sent_[handle - 1];
  if (s.done || s.generation != generation_) return false;
  engine::Command c = engine::makeCommand(engine::CommandType::ReplaceOrder);
  c.body.replace.account = spec_.account;
  c.body.replace.instrument = instruments_[s.slot].id();
  c.body.replace.orderId = s.id;
  if (s.id.isNone()) c.body.replace.origClientOrderId = clientIdOf(handle);
  c.body.replace.quantity = quantity;
  c.body.replace.price = price;
  host_.send(c);
  return true;
}

bool LiveContext::cancel(strategy::OrderHandle handle) {
  if (state_ != StrategyState::Running || handle == 0 || handle > sent_.size()) return false;
  const Sent& s = sent_[handle - 1];
  if (s.done || s.generation != generation_) return false;
  engine::Command c = engine::makeCommand(engine::CommandType::CancelOrder);
  c.body.cancel.account = spec_.account;
  c.body.cancel.orderId = s.id;
  if (s.id.isNone()) c.body.cancel.origClientOrderId = clientIdOf(handle);
  host_.send(c);
  return true;
}

// The strategy's own orders on the slot (a mass cancel would also cancel a trader's orders on
// the same account).
void LiveContext::cancelAll(strategy::InstrumentSlot slot) {
  if (state_ != StrategyState::Running || slot >= slots_.size()) return;
  for (strategy::OrderHandle h = 1; h <= sent_.size(); ++h) {
    const Sent& s = sent_[h - 1];
    if (s.slot == slot && !s.done && s.generation == generation_) cancel(h);
  }
}

void LiveContext::setTimer(Timestamp at, std::uint64_t id) {
  if (state_ == StrategyState::Running) host_.setTimer(index_, at, id);
}

double LiveContext::slotValue(std::size_t s) const noexcept {
  const Slot& slot = slots_[s];
  if (slot.position.isZero() || !slot.last.isDefined() || instruments_[s].currency() != base_) return 0;
  if (slot.future) {
    return static_cast<double>(slot.held.unrealizedPnl(slot.last, oms::MoneyScale::of(instruments_[s])).raw()) *
           cashScale_;
  }
  return static_cast<double>(oms::notional(slot.last, slot.position, instruments_[s]).raw()) * cashScale_;
}

double LiveContext::equity() const noexcept {
  double value = cash() + outsideValue_;
  for (std::size_t s = 0; s < slots_.size(); ++s) value += slotValue(s);
  return value;
}

void LiveContext::resync(const oms::Valuation& v, std::uint64_t sequence) {
  if (!v.accountKnown || sequence < lastSequence_) return;
  cashRaw_ = v.cash.raw();
  double inSlots = 0;
  for (std::size_t s = 0; s < slots_.size(); ++s) inSlots += slotValue(s);
  outsideValue_ = static_cast<double>(v.positionsValue.raw()) * cashScale_ - inSlots;
  lastSequence_ = sequence;
}

void LiveContext::onReport(const engine::ExecutionReport& r, std::uint64_t sequence) {
  if (sequence > lastSequence_) lastSequence_ = sequence;
  const auto slot = slotOf(r.instrument);
  const auto handle = handleOf(r.clientOrderId);
  if (handle) {
    Sent& s = sent_[*handle - 1];
    if (s.id.isNone() && !r.orderId.isNone()) s.id = r.orderId;
    // The first report takes over from the provisional open quantity submit() counted.
    for (std::size_t i = 0; i < pendingOpen_.size(); ++i) {
      if (pendingOpen_[i].handle != *handle) continue;
      Slot& sl = slots_[s.slot];
      (pendingOpen_[i].side == Side::Buy ? sl.openBuy : sl.openSell) -= pendingOpen_[i].quantity;
      pendingOpen_[i] = pendingOpen_.back();
      pendingOpen_.pop_back();
      break;
    }
  }
  const bool live = r.status == oms::OrdStatus::New || r.status == oms::OrdStatus::PartiallyFilled ||
                    r.status == oms::OrdStatus::Replaced || r.status == oms::OrdStatus::PendingCancel ||
                    r.status == oms::OrdStatus::PendingReplace;
  if (slot && !r.orderId.isNone()) {
    Slot& sl = slots_[*slot];
    auto it = live_.find(r.orderId.value());
    if (it != live_.end()) {
      (it->second.side == Side::Buy ? sl.openBuy : sl.openSell) -= it->second.leaves;
      if (live) {
        it->second.leaves = r.leavesQuantity;
      } else {
        live_.erase(it);
      }
    } else if (live) {
      const bool earlier = !handle && r.clientOrderId.view().starts_with(spec_.id + ".");
      it = live_.emplace(r.orderId.value(), LiveOrder{*slot, r.side, r.leavesQuantity, handle.value_or(0), earlier})
               .first;
    }
    if (live) (r.side == Side::Buy ? sl.openBuy : sl.openSell) += r.leavesQuantity;
  }
  if (handle && !live && r.execType != oms::ExecType::PendingCancel && r.execType != oms::ExecType::PendingReplace) {
    sent_[*handle - 1].done = true;
  }

  if (r.execType == oms::ExecType::Trade && slot) {
    Slot& sl = slots_[*slot];
    sl.position += r.side == Side::Buy ? r.lastQuantity : -r.lastQuantity;
    Money realized;
    if (sl.future) {
      realized = sl.held.applyFill(r.side, r.lastPrice, r.lastQuantity, oms::MoneyScale::of(instruments_[*slot]));
    }
    if (instruments_[*slot].currency() == base_) {
      if (sl.future) {
        cashRaw_ += realized.raw() - r.lastFee.raw();  // no notional changes hands
      } else {
        const Money notional = oms::notional(r.lastPrice, r.lastQuantity, instruments_[*slot]);
        cashRaw_ += r.side == Side::Buy ? -notional.raw() - r.lastFee.raw() : notional.raw() - r.lastFee.raw();
      }
    }
    sl.last = r.lastPrice;
  }

  if (!handle) return;
  const Sent& s = sent_[*handle - 1];
  if (s.generation != generation_) return;  // an earlier instance's order
  if (r.execType == oms::ExecType::Rejected) ++rejects_;
  if (r.execType == oms::ExecType::Trade) ++fills_;
  const strategy::OrderUpdate update{
      *handle,      r.instrument,    r.side,        r.execType,       r.status,
      r.price,      r.orderQuantity, r.cumQuantity, r.leavesQuantity, static_cast<std::uint8_t>(r.rejectSource),
      r.rejectCode, host_.now};
  guarded([&] { strategy_->onOrderUpdate(update); });
  if (r.execType != oms::ExecType::Trade) return;
  const strategy::Fill fill{*handle, r.instrument, r.side, r.lastPrice, r.lastQuantity, r.lastFee, host_.now};
  guarded([&] { strategy_->onFill(fill); });
}

void LiveContext::onSettlement(strategy::InstrumentSlot slot, Price price, std::uint64_t sequence) {
  if (sequence > lastSequence_) lastSequence_ = sequence;
  if (slot >= slots_.size()) return;
  Slot& sl = slots_[slot];
  sl.last = price;
  if (sl.position.isZero()) return;
  const Side closing = sl.position.isPositive() ? Side::Sell : Side::Buy;
  const Quantity quantity = sl.position.isPositive() ? sl.position : -sl.position;
  if (sl.future) {
    const Money realized = sl.held.applyFill(closing, price, quantity, oms::MoneyScale::of(instruments_[slot]));
    if (instruments_[slot].currency() == base_) cashRaw_ += realized.raw();
  }
  sl.position = Quantity::zero();
}

void LiveContext::onTrade(const engine::PublicTradeReport& t, Timestamp time, strategy::InstrumentSlot slot) {
  Slot& sl = slots_[slot];
  sl.last = t.price;
  if (state_ != StrategyState::Running) return;
  marketdata::Bar completed;
  if (sl.bars.onTrade(time, t.price, t.quantity, completed)) guarded([&] { strategy_->onBar(completed, slot); });
  if (sl.barEnd.nanos() == INT64_MAX) {
    const std::int64_t span = spec_.barNanos;
    const std::int64_t start = time.nanos() - time.nanos() % span;
    sl.barEnd = Timestamp{start + span};
  } else if (time >= sl.barEnd) {
    const std::int64_t span = spec_.barNanos;
    sl.barEnd = Timestamp{time.nanos() - time.nanos() % span + span};
  }
  updateBarEnd();
  const strategy::TradeTick tick{t.instrument, time, time, t.price, t.quantity, t.aggressor};
  guarded([&] { strategy_->onTrade(tick, slot); });
}

void LiveContext::onQuote(const engine::QuoteReport& q, Timestamp time, strategy::InstrumentSlot slot) {
  Slot& sl = slots_[slot];
  if (!sl.last.isDefined() && q.bidPrice.isDefined() && q.askPrice.isDefined()) {
    sl.last = Price::fromRaw((q.bidPrice.raw() + q.askPrice.raw()) / 2);
  }
  if (state_ != StrategyState::Running) return;
  const strategy::QuoteTick tick{q.instrument, time, time, q.bidPrice, q.bidQuantity, q.askPrice, q.askQuantity};
  guarded([&] { strategy_->onQuote(tick, slot); });
}

void LiveContext::onBook(const strategy::BookUpdate& book, strategy::InstrumentSlot slot) {
  if (spec_.bookNanos == 0 || state_ != StrategyState::Running) return;
  ++bookUpdates_;
  guarded([&] { strategy_->onBook(book, slot); });
}

void LiveContext::onTimer(std::uint64_t id) {
  guarded([&] { strategy_->onTimer(id); });
}

void LiveContext::closeBars(Timestamp time) {
  if (time < nextBarEnd_ || state_ != StrategyState::Running) return;
  for (strategy::InstrumentSlot s = 0; s < slots_.size(); ++s) {
    Slot& sl = slots_[s];
    if (sl.barEnd > time) continue;
    sl.barEnd = Timestamp{INT64_MAX};
    marketdata::Bar completed;
    if (sl.bars.flush(completed)) guarded([&] { strategy_->onBar(completed, s); });
  }
  updateBarEnd();
}

void LiveContext::updateBarEnd() noexcept {
  nextBarEnd_ = Timestamp{INT64_MAX};
  for (const Slot& s : slots_) nextBarEnd_ = std::min(nextBarEnd_, s.barEnd);
}

}  // namespace alphintra::live
