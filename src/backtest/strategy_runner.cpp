#include "backtest/strategy_runner.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "oms/money_math.hpp"

namespace alphintra::backtest {

namespace {

std::uint64_t handleOf(const ClientOrderId& id) noexcept {
  std::uint64_t h = 0;
  const auto v = id.view();
  std::from_chars(v.data(), v.data() + v.size(), h);
  return h;
}

}  // namespace

StrategyRunner::StrategyRunner(RunnerHost& host, std::uint32_t index, std::unique_ptr<strategy::Strategy> s,
                               std::vector<Instrument> instruments, std::vector<std::uint32_t> dense, std::string label)
    : host_(host),
      index_(index),
      account_(AccountId{index + 1}),
      strategy_(std::move(s)),
      instruments_(std::move(instruments)),
      dense_(std::move(dense)),
      label_(std::move(label)),
      marks_(instruments_.size()),
      openBuy_(instruments_.size()),
      openSell_(instruments_.size()),
      trips_(instruments_.size()),
      slotOf_(static_cast<std::uint32_t>(instruments_.size())) {
  for (std::uint32_t i = 0; i < instruments_.size(); ++i) {
    slotOf_.insertIfAbsent(instruments_[i].id().value(), i);
    marks_[i].priceScale = std::pow(10.0, -instruments_[i].pricePrecision());
    marks_[i].quantityScale = std::pow(10.0, -instruments_[i].quantityPrecision());
    marks_[i].multiplier = instruments_[i].multiplier().value();
    marks_[i].valueScale = marks_[i].quantityScale * marks_[i].multiplier;
    futures_.emplace_back(AccountId{}, instruments_[i].id(), oms::CostMethod::AverageCost);
  }
}

ClientOrderId StrategyRunner::clientIdOf(strategy::OrderHandle handle) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, handle).ptr;
  return ClientOrderId::fromTrusted(std::string_view(text, static_cast<std::size_t>(end - text)));
}

strategy::OrderHandle StrategyRunner::submit(const strategy::OrderRequest& request) {
  const std::uint32_t slot = slotOf_.find(request.instrument.value());
  if (slot == book::IdIndex::kMissing) return 0;
  const strategy::OrderHandle handle = nextHandle();
  orders_.push_back(Order{OrderId{}, slot, request.side, Quantity::zero(), false, true});
  engine::Command c = engine::makeCommand(engine::CommandType::NewOrder);
  engine::NewOrderBody& b = c.body.newOrder;
  b.account = account_;
  b.instrument = request.instrument;
  b.clientOrderId = clientIdOf(handle);
  b.side = request.side;
  b.type = request.type;
  b.timeInForce = request.timeInForce;
  b.price = request.price;
  b.stopPrice = request.stopPrice;
  b.quantity = request.quantity;
  b.expireTime = request.expireTime;
  host_.send(c);
  return handle;
}

bool StrategyRunner::replace(strategy::OrderHandle handle, Quantity quantity, Price price) {
  if (handle == 0 || handle > orders_.size()) return false;
  const Order& o = orders_[handle - 1];
  if (!o.live && !o.inFlight) return false;
  engine::Command c = engine::makeCommand(engine::CommandType::ReplaceOrder);
  c.body.replace.account = account_;
  c.body.replace.instrument = instruments_[o.slot].id();
  c.body.replace.orderId = o.id;
  if (o.id.isNone()) c.body.replace.origClientOrderId = clientIdOf(handle);
  c.body.replace.quantity = quantity;
  c.body.replace.price = price;
  host_.send(c);
  return true;
}

bool StrategyRunner::cancel(strategy::OrderHandle handle) {
  if (handle == 0 || handle > orders_.size()) return false;
  const Order& o = orders_[handle - 1];
  if (!o.live && !o.inFlight) return false;
  engine::Command c = engine::makeCommand(engine::CommandType::CancelOrder);
  c.body.cancel.account = account_;
  c.body.cancel.orderId = o.id;
  if (o.id.isNone()) c.body.cancel.origClientOrderId = clientIdOf(handle);
  host_.send(c);
  return true;
}

Result<bool> openRunnerAccounts(std::span<const std::unique_ptr<StrategyRunner>> runners,
                                const AccountSettings& account, Currency currency, const engine::Engine& engine,
                                const std::function<void(engine::Command&)>& apply) {
  const double scale = std::pow(10.0, currency.minorUnits());
  for (const auto& r : runners) {
    engine::Command open = engine::makeCommand(engine::CommandType::OpenAccount);
    open.body.openAccount.account = r->account();
    open.body.openAccount.baseCurrency = currency;
    open.body.openAccount.type = account.type;
    open.body.openAccount.makerFeePpm = account.makerFeePpm;
    open.body.openAccount.takerFeePpm = account.takerFeePpm;
    open.body.openAccount.maxLeverageHundredths = account.maxLeverageHundredths;
    apply(open);
    if (!engine.hasAccount(r->account())) return makeError("account", "the engine refused the account's terms");
    engine::Command deposit = engine::makeCommand(engine::CommandType::AdjustCash);
    deposit.body.adjustCash.account = r->account();
    deposit.body.adjustCash.currency = currency;
    deposit.body.adjustCash.amount = Money::fromRaw(std::llround(account.initialCash * scale));
    apply(deposit);
    r->setOpeningCash(currency, deposit.body.adjustCash.amount.raw());
  }
  return true;
}

void addOutcomes(std::span<const std::unique_ptr<StrategyRunner>> runners, const AccountSettings& account,
                 const engine::Engine& engine, BacktestResult& result) {
  for (const auto& r : runners) {
    StrategyOutcome o;
    o.label = r->label();
    o.initialEquity = account.initialCash;
    const oms::Valuation v = engine.ledger().value(r->account());
    o.finalEquity = static_cast<double>(v.equity.raw()) * r->cashScale();
    o.orders = r->orderCount();
    o.rejects = r->rejects();
    result.finalEquity += o.finalEquity;
    result.strategies.push_back(o);
  }
}

void StrategyRunner::setOpeningCash(Currency base, std::int64_t raw) {
  if (host_.currencies.empty()) {
    host_.currencies = {base};
    host_.fxRate = {1.0};
  }
  const std::vector<Currency>& all = host_.currencies;
  books_.assign(std::max<std::size_t>(all.size(), 1), Book{});
  for (std::size_t k = 0; k < all.size(); ++k) books_[k].cashScale = std::pow(10.0, -all[k].minorUnits());
  books_[0].cashRaw = raw;
  for (std::size_t slot = 0; slot < instruments_.size(); ++slot) {
    const auto it = std::find(all.begin(), all.end(), instruments_[slot].currency());
    marks_[slot].currency = it == all.end() ? 0 : static_cast<std::uint32_t>(it - all.begin());
  }
}

void StrategyRunner::cancelAll(strategy::InstrumentSlot slot) {
  engine::Command c = engine::makeCommand(engine::CommandType::MassCancel);
  c.body.massCancel.account = account_;
  c.body.massCancel.instrument = instruments_[slot].id();
  host_.send(c);
}

void StrategyRunner::setTimer(Timestamp at, std::uint64_t id) {
  host_.timers.push(StrategyTimer{at, host_.timerOrder++, index_, id});
}

void StrategyRunner::closeTrip(strategy::InstrumentSlot slot, Timestamp time) {
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
  host_.result.trades.push_back(r);
  t = Trip{};
}

// Average-cost round trips in doubles (reporting only; the books are the engine's).
void StrategyRunner::applyFillToTrip(strategy::InstrumentSlot slot, Side side, double qty, double price, double fee,
                                     Timestamp time) {
  Trip& t = trips_[slot];
  const double signedQty = side == Side::Buy ? qty : -qty;
  const double before = static_cast<double>(marks_[slot].position.raw()) * marks_[slot].quantityScale - signedQty;
  double remaining = qty;
  if (t.open && ((before > 0 && side == Side::Sell) || (before < 0 && side == Side::Buy))) {
    const double closing = std::min(remaining, std::abs(before));
    const double direction = before > 0 ? 1.0 : -1.0;
    t.pnl += direction * (price - t.averageCost) * closing * marks_[slot].multiplier - fee * (closing / qty);
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
    t.maxSize =
        std::max(t.maxSize, std::abs(static_cast<double>(marks_[slot].position.raw()) * marks_[slot].quantityScale));
  }
}

void StrategyRunner::onReport(const engine::ExecutionReport& r, Timestamp time) {
  const strategy::OrderHandle handle = handleOf(r.clientOrderId);
  if (handle == 0 || handle > orders_.size()) return;
  Order& o = orders_[handle - 1];
  if (!r.orderId.isNone()) o.id = r.orderId;
  o.inFlight = false;
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

  PendingCallback p;
  p.runner = index_;
  p.update = strategy::OrderUpdate{handle,           r.instrument,
                                   r.side,           r.execType,
                                   r.status,         r.price,
                                   r.orderQuantity,  r.cumQuantity,
                                   r.leavesQuantity, static_cast<std::uint8_t>(r.rejectSource),
                                   r.rejectCode,     time};
  host_.pending.push_back(p);
  if (r.execType != oms::ExecType::Trade) return;

  const Instrument& in = instruments_[slot];
  Book& book = books_[marks_[slot].currency];
  const double rate = host_.fxRate[marks_[slot].currency];
  const Money notional = oms::notional(r.lastPrice, r.lastQuantity, in);
  const Quantity before = marks_[slot].position;
  marks_[slot].position += r.side == Side::Buy ? r.lastQuantity : -r.lastQuantity;
  openPositions_ += (marks_[slot].position.isZero() ? 0 : 1) - (before.isZero() ? 0 : 1);
  const double qty = static_cast<double>(r.lastQuantity.raw()) * marks_[slot].quantityScale;
  const double signedQty = r.side == Side::Buy ? qty : -qty;
  book.positionsValue += signedQty * marks_[slot].multiplier * marks_[slot].lastClose;
  if (in.assetClass() == AssetClass::Future) {
    // No notional changes hands: cash takes the realized P&L, the value loses the basis added.
    oms::Position& held = futures_[slot];
    const oms::MoneyScale scale = oms::MoneyScale::of(in);
    const Int128 basisBefore = held.costBasis();
    const Money realized = held.applyFill(r.side, r.lastPrice, r.lastQuantity, scale);
    book.cashRaw += realized.raw() - r.lastFee.raw();
    book.positionsValue -= static_cast<double>(scale.toMoney(held.costBasis() - basisBefore).raw()) * book.cashScale;
  } else {
    book.cashRaw += r.side == Side::Buy ? -notional.raw() - r.lastFee.raw() : notional.raw() - r.lastFee.raw();
  }
  book.grossValue +=
      (std::abs(static_cast<double>(marks_[slot].position.raw())) - std::abs(static_cast<double>(before.raw()))) *
      marks_[slot].valueScale * marks_[slot].lastClose;
  if (openPositions_ == 0) {
    for (Book& b : books_) b.positionsValue = b.grossValue = 0;  // no drift left behind when flat
  }
  // Round trips and fill records in the base currency, at the rate of the fill's time.
  const double price = static_cast<double>(r.lastPrice.raw()) * marks_[slot].priceScale * rate;
  const double fee = static_cast<double>(r.lastFee.raw()) * book.cashScale * rate;
  applyFillToTrip(slot, r.side, qty, price, fee, time);

  FillRecord f;
  f.time = time;
  f.strategy = index_;
  f.instrument = r.instrument;
  f.side = r.side;
  f.quantity = r.lastQuantity;
  f.price = r.lastPrice;
  f.fee = r.lastFee;
  f.notional = static_cast<double>(notional.raw()) * book.cashScale * rate;
  host_.result.fills.push_back(f);
  host_.result.tradedNotional += f.notional;

  PendingCallback fill;
  fill.runner = index_;
  fill.isFill = true;
  fill.fill = strategy::Fill{handle, r.instrument, r.side, r.lastPrice, r.lastQuantity, r.lastFee, time};
  host_.pending.push_back(fill);
}

}  // namespace alphintra::backtest
