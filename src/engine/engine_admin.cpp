// Engine: admin commands (instruments, accounts, cash, FX, limits, trading states, kill
// switch, restrictions, purges of finished orders), market data from outside and clock ticks. Each answers with one
// CommandResult; a refusal changes nothing.
#include <algorithm>
#include <cstring>

#include "engine/engine.hpp"
#include "oms/money_math.hpp"

namespace alphintra::engine {

namespace {

void setRestricted(std::vector<std::uint64_t>& list, std::uint64_t id, bool restricted) {
  auto it = std::lower_bound(list.begin(), list.end(), id);
  const bool present = it != list.end() && *it == id;
  if (restricted && !present) list.insert(it, id);
  if (!restricted && present) list.erase(it);
}

}  // namespace

void Engine::onMarketData(const Command& c, std::vector<EngineEvent>& out) {
  const MarketDataBody& b = c.body.marketData;
  const std::uint32_t inst = instrumentIndex(b.instrument);
  if (inst == book::IdIndex::kMissing) {
    return commandResult(c, false, RejectCode::UnknownInstrument, b.instrument.value(), 0, out);
  }
  // A settled future's price is its settlement price for good: no mark or reference moves it.
  if (instruments_[inst].assetClass() == AssetClass::Future && ledger_.settlementPrice(b.instrument).isDefined()) {
    return commandResult(c, false, RejectCode::InstrumentSettled, b.instrument.value(), 0, out);
  }
  InstrumentState& s = instrumentStates_[inst];
  if (b.last.isDefined()) {
    s.referencePrice = b.last;
    ledger_.onMark(b.instrument, b.last);
  }
  if (b.bid.isDefined() && b.ask.isDefined()) {
    ledger_.onQuote(b.instrument, b.bid, b.ask);
    if (!b.last.isDefined()) {
      s.referencePrice =
          Price::fromRaw(static_cast<std::int64_t>((static_cast<Int128>(b.bid.raw()) + b.ask.raw()) / 2));
    }
  }
  if (s.referencePrice.isDefined()) venue_->setReferencePrice(b.instrument, s.referencePrice);
  commandResult(c, true, RejectCode::None, b.instrument.value(), 0, out);
}

void Engine::onClockTick(const Command& c, std::vector<EngineEvent>& out) {
  const std::size_t before = out.size();
  const auto advance = [&](std::uint32_t i) {
    venueEvents_.clear();
    venue_->advanceTime(instruments_[i].id(), c.header.time, venueEvents_);
    if (!venueEvents_.empty()) processVenueEvents(c, i, out);
  };
  dueInstruments_.clear();
  if (venue_->takeDue(dueInstruments_)) {
    for (const InstrumentId id : dueInstruments_) {
      if (const std::uint32_t i = instrumentIndex(id); i != book::IdIndex::kMissing) advance(i);
    }
  } else {
    for (std::uint32_t i = 0; i < instruments_.size(); ++i) advance(i);
  }
  std::int64_t expired = 0;
  for (std::size_t i = before; i < out.size(); ++i) {
    expired += out[i].kind == EventKind::ExecutionReport && out[i].body.execution.execType == oms::ExecType::Expired;
  }
  commandResult(c, true, RejectCode::None, 0, expired, out);
  settleDue(c, out);  // futures whose expiry came (after the tick's answer)
}

// Retires finished orders (OrderTable::purgeFinished); the bookkeeping of the orders parked
// below the window moves with them. Answers with the number of orders retired as its value and
// the window's new first id as its subject (below it, only parked orders are kept).
void Engine::onPurgeOrders(const Command& c, std::vector<EngineEvent>& out) {
  const std::uint64_t oldBase = orders_.base();
  const PurgeOrdersBody& b = c.body.purgeOrders;
  const std::int64_t age = std::max<std::int64_t>(b.minAgeNanos, 0);
  const Timestamp cutoff{c.header.time.nanos() - std::min(age, c.header.time.nanos())};
  const auto counts = orders_.purgeFinished(cutoff, b.firstAccount, b.lastAccount);
  const std::uint64_t newBase = orders_.base();
  for (std::uint64_t id = oldBase; id < newBase; ++id) {
    if (orders_.find(OrderId{id}) != nullptr) parkedExtras_.emplace_hint(parkedExtras_.end(), id, extras_[id - 1]);
  }
  extras_.releaseBelow(newBase - 1);
  for (const std::uint64_t id : orders_.retiredParked()) parkedExtras_.erase(id);
  commandResult(c, true, RejectCode::None, newBase, static_cast<std::int64_t>(counts.purged), out);
}

void Engine::onInstrumentStatus(const Command& c, std::vector<EngineEvent>& out) {
  const InstrumentStatusBody& b = c.body.instrumentStatus;
  const std::uint32_t inst = instrumentIndex(b.instrument);
  if (inst == book::IdIndex::kMissing) {
    return commandResult(c, false, RejectCode::UnknownInstrument, b.instrument.value(), 0, out);
  }
  if (static_cast<std::uint8_t>(b.status) > static_cast<std::uint8_t>(TradingStatus::Halted)) {
    return commandResult(c, false, RejectCode::InvalidRequest, b.instrument.value(), 0, out);
  }
  if (ledger_.settlementPrice(b.instrument).isDefined()) {
    return commandResult(c, false, RejectCode::InstrumentSettled, b.instrument.value(), 0, out);
  }
  const TradingStatus before = venue_->status(b.instrument);
  lastVenueReject_ = 0;
  venueEvents_.clear();
  venue_->setStatus(b.instrument, b.status, c.header.time, venueEvents_);
  processVenueEvents(c, inst, out);
  if (lastVenueReject_ != 0) {
    return commandResult(c, false, RejectCode::InvalidRequest, b.instrument.value(), lastVenueReject_, out);
  }
  instruments_[inst].setStatus(b.status);
  // Good-till orders outlive a close: FIX reports them DoneForDay, and Restated back to
  // New / PartiallyFilled when the instrument reopens. (A scan: status changes are rare.)
  const bool closing = b.status == TradingStatus::Closed;
  const bool reopening = before == TradingStatus::Closed && b.status != TradingStatus::Closed;
  if (closing || reopening) {
    orders_.forEach([&](oms::OmsOrder& o) {
      if (o.instrument() != b.instrument || o.state.isTerminal()) return;
      auto t = oms::transition(o.state, closing ? oms::OrderEvent::DoneForDay : oms::OrderEvent::Reopened);
      if (!t) return;
      o.state = t->next;
      o.updatedTime = lastTime_;
      report(c, o, t->execType, false, out);
    });
  }
  // The value carries the new status, so that the edges' copies of the instrument follow it.
  commandResult(c, true, RejectCode::None, b.instrument.value(), static_cast<std::int64_t>(b.status), out);
}

// Why a future cannot be settled (or have its settlement scheduled), if it cannot.
std::optional<RejectCode> Engine::unsettleable(std::uint32_t inst, InstrumentId id) const {
  if (inst == book::IdIndex::kMissing) return RejectCode::UnknownInstrument;
  if (instruments_[inst].assetClass() != AssetClass::Future) return RejectCode::NotAFuture;
  if (ledger_.settlementPrice(id).isDefined()) return RejectCode::InstrumentSettled;
  if (ledger_.instrument(id) == nullptr) return RejectCode::InvalidRequest;
  return std::nullopt;
}

void Engine::onSettleInstrument(const Command& c, std::vector<EngineEvent>& out) {
  const SettleInstrumentBody& b = c.body.settle;
  const std::uint32_t inst = instrumentIndex(b.instrument);
  if (const auto why = unsettleable(inst, b.instrument))
    return commandResult(c, false, *why, b.instrument.value(), 0, out);
  if (!b.price.isDefined()) return commandResult(c, false, RejectCode::InvalidRequest, b.instrument.value(), 0, out);
  settle(c, inst, b.price, true, out);
}

void Engine::onScheduleSettlement(const Command& c, std::vector<EngineEvent>& out) {
  const ScheduleSettlementBody& b = c.body.schedule;
  const std::uint32_t inst = instrumentIndex(b.instrument);
  if (const auto why = unsettleable(inst, b.instrument))
    return commandResult(c, false, *why, b.instrument.value(), 0, out);
  if (b.at.nanos() <= 0 || b.at.nanos() == INT64_MAX || !ledger_.scheduleSettlement(b.instrument, b.at, b.price)) {
    return commandResult(c, false, RejectCode::InvalidRequest, b.instrument.value(), 0, out);
  }
  // The value is when (engine time, ns); a time already past settles this future now, after this
  // answer (others due wait for the tick).
  commandResult(c, true, RejectCode::None, b.instrument.value(), b.at.nanos(), out);
  out.back().body.result.detail = b.price.raw();  // so that readers can show the schedule whole
  if (b.at <= lastTime_) settleScheduled(c, inst, b.price, out);
}

// The scheduled settlements due at the command's time, by instrument id.
void Engine::settleDue(const Command& c, std::vector<EngineEvent>& out) {
  dueSettlements_.clear();
  ledger_.dueSettlements(lastTime_, dueSettlements_);
  for (const oms::Ledger::ScheduledSettlement& due : dueSettlements_) {
    const std::uint32_t inst = instrumentIndex(due.instrument);
    if (!unsettleable(inst, due.instrument)) settleScheduled(c, inst, due.price, out);
  }
}

// A scheduled settlement at its price, else the mark now, else the reference price; with none
// of them it waits for a later tick.
void Engine::settleScheduled(const Command& c, std::uint32_t inst, Price price, std::vector<EngineEvent>& out) {
  const InstrumentId id = instruments_[inst].id();
  if (!price.isDefined()) price = ledger_.mark(id);
  if (!price.isDefined()) price = referencePrice(inst);
  if (price.isDefined()) settle(c, inst, price, false, out);
}

void Engine::settle(const Command& c, std::uint32_t inst, Price price, bool answers, std::vector<EngineEvent>& out) {
  const InstrumentId id = instruments_[inst].id();
  // Every live order expires with the contract (good-till orders resting through a close
  // included): the venue removes them, the engine reports each as Expired.
  venueEvents_.clear();
  venue_->massCancel(id, AccountId{}, c.header.time, venueEvents_);
  for (book::Event& e : venueEvents_) {
    if (e.type == book::EventType::Cancelled) e.type = book::EventType::Expired;
  }
  processVenueEvents(c, inst, out);
  // Closed for good: onInstrumentStatus refuses to reopen a settled instrument.
  venueEvents_.clear();
  venue_->setStatus(id, TradingStatus::Closed, c.header.time, venueEvents_);
  processVenueEvents(c, inst, out);
  instruments_[inst].setStatus(TradingStatus::Closed);

  settlements_.clear();
  ledger_.settle(id, price, settlements_);  // checked by the callers: a known, unsettled future
  // A settle_instrument result whatever the command (a scheduled settlement comes with a clock
  // tick). The value is the settlement price (raw), so that mirrors of the positions (live
  // strategies) close theirs at it; the edges read it as the instrument's close.
  EngineEvent& e = emit(c, EventKind::CommandResult, answers, out);
  CommandResultReport& r = e.body.result;
  r.commandType = static_cast<std::uint8_t>(CommandType::SettleInstrument);
  r.accepted = true;
  r.code = RejectCode::None;
  r.subject = id.value();
  r.value = price.raw();
}

void Engine::onKillSwitch(const Command& c, std::vector<EngineEvent>& out) {
  const KillSwitchBody& b = c.body.killSwitch;
  if (static_cast<std::uint8_t>(b.scope) > static_cast<std::uint8_t>(risk::KillSwitchScope::Instrument) ||
      (b.scope != risk::KillSwitchScope::Global && b.id == 0)) {
    return commandResult(c, false, RejectCode::InvalidRequest, b.id, 0, out);
  }
  if (b.scope == risk::KillSwitchScope::Account && findAccount(AccountId{b.id}) == nullptr) {
    return commandResult(c, false, RejectCode::UnknownAccount, b.id, 0, out);
  }
  if (b.scope == risk::KillSwitchScope::Instrument && instrumentIndex(InstrumentId{b.id}) == book::IdIndex::kMissing) {
    return commandResult(c, false, RejectCode::UnknownInstrument, b.id, 0, out);
  }
  if (!b.activate) {
    killSwitch_.reset(b.scope, b.id);
    return commandResult(c, true, RejectCode::None, b.id, 0, out);
  }
  killSwitch_.activate(b.scope, b.id);
  // Activation cancels every open order in its scope; new ones stay blocked until reset.
  const std::size_t before = out.size();
  cancelScope(c, b.scope == risk::KillSwitchScope::Account ? AccountId{b.id} : AccountId{},
              b.scope == risk::KillSwitchScope::Instrument ? InstrumentId{b.id} : InstrumentId{}, out);
  std::int64_t cancelled = 0;
  for (std::size_t i = before; i < out.size(); ++i) {
    if (out[i].kind == EventKind::ExecutionReport && out[i].body.execution.execType == oms::ExecType::Canceled) {
      ++cancelled;
    }
  }
  commandResult(c, true, RejectCode::None, b.id, cancelled, out);
}

bool Engine::openLedgerAccount(const OpenAccountBody& b) {
  oms::FeeSchedule fees;
  fees.makerRatePpm = b.makerFeePpm;
  fees.takerRatePpm = b.takerFeePpm;
  fees.minimumPerOrder = b.minimumFee;
  fees.minimumCurrency = b.minimumFeeCurrency;
  oms::MarginRates margin;
  if (b.maxLeverageHundredths != 0) margin.maxLeveragePpm = static_cast<std::int64_t>(b.maxLeverageHundredths) * 10'000;
  return ledger_
      .openAccount(b.account, static_cast<oms::AccountType>(b.type), b.baseCurrency,
                   static_cast<oms::CostMethod>(b.costBasis), fees, margin)
      .ok();
}

void Engine::onAdmin(const Command& c, std::vector<EngineEvent>& out) {
  switch (c.header.type) {
    case CommandType::DefineInstrument: {
      const DefineInstrumentBody& b = c.body.defineInstrument;
      if (instrumentIndex(b.instrument) != book::IdIndex::kMissing ||
          instrumentBySymbol(std::string_view(b.symbol, strnlen(b.symbol, sizeof(b.symbol)))) != nullptr) {
        return commandResult(c, false, RejectCode::AlreadyExists, b.instrument.value(), 0, out);
      }
      auto in = fromDefineBody(b);
      if (!in.ok()) return commandResult(c, false, RejectCode::InvalidInstrument, b.instrument.value(), 0, out);
      addInstrument(in.value());
      return commandResult(c, true, RejectCode::None, b.instrument.value(), 0, out);
    }
    case CommandType::OpenAccount: {
      const OpenAccountBody& b = c.body.openAccount;
      if (b.account.isNone() || b.baseCurrency.isNone() || !b.baseCurrency.wellFormed() ||
          (b.type != risk::AccountType::Cash && b.type != risk::AccountType::Margin) ||
          (b.costBasis != CostBasis::AverageCost && b.costBasis != CostBasis::Fifo)) {
        return commandResult(c, false, RejectCode::InvalidRequest, b.account.value(), 0, out);
      }
      if (findAccount(b.account) != nullptr) {
        return commandResult(c, false, RejectCode::AlreadyExists, b.account.value(), 0, out);
      }
      if (!openLedgerAccount(b)) return commandResult(c, false, RejectCode::InvalidRequest, b.account.value(), 0, out);
      AccountState a;
      a.id = b.account;
      a.type = b.type;
      a.base = b.baseCurrency;
      a.ledger = ledger_.account(b.account);
      accountIndex_.insert(b.account.value(), static_cast<std::uint32_t>(accounts_.size()));
      accounts_.push_back(std::move(a));
      return commandResult(c, true, RejectCode::None, b.account.value(), 0, out);
    }
    case CommandType::AdjustCash: {
      const AdjustCashBody& b = c.body.adjustCash;
      if (findAccount(b.account) == nullptr) {
        return commandResult(c, false, RejectCode::UnknownAccount, b.account.value(), 0, out);
      }
      if (b.currency.isNone() || !b.currency.wellFormed()) {
        return commandResult(c, false, RejectCode::InvalidRequest, b.account.value(), 0, out);
      }
      oms::Account* la = ledger_.account(b.account);
      if (la != nullptr && la->type() == oms::AccountType::Cash && b.amount.raw() < 0) {
        // A cash account's futures hold what they cost out of its cash (docs/accounting.md,
        // "Futures"): a withdrawal may not take the cash below that.
        const oms::Valuation v = ledger_.value(b.account);
        if (v.initialMargin.isPositive()) {
          const auto withdrawn = ledger_.toBase(b.account, Money::fromRaw(-b.amount.raw()), b.currency);
          if (!withdrawn || oms::saturatingSub(v.cash.raw(), withdrawn->raw()) < v.initialMargin.raw()) {
            return commandResult(c, false, RejectCode::InsufficientCash, b.account.value(), b.amount.raw(), out);
          }
        }
      }
      if (la == nullptr || !la->deposit(b.currency, b.amount).ok()) {
        return commandResult(c, false, RejectCode::InsufficientCash, b.account.value(), b.amount.raw(), out);
      }
      return commandResult(c, true, RejectCode::None, b.account.value(), b.amount.raw(), out);
    }
    case CommandType::SetFxRate: {
      const SetFxRateBody& b = c.body.fxRate;
      if (b.base.isNone() || b.quote.isNone() || !b.base.wellFormed() || !b.quote.wellFormed() || b.base == b.quote ||
          b.rate <= 0) {
        return commandResult(c, false, RejectCode::InvalidRequest, 0, b.rate, out);
      }
      if (!ledger_.fxRates().set(b.base, b.quote, b.rate)) {
        return commandResult(c, false, RejectCode::InvalidRequest, 0, b.rate, out);
      }
      return commandResult(c, true, RejectCode::None, 0, b.rate, out);
    }
    case CommandType::SetAccountLimits: {
      const SetAccountLimitsBody& b = c.body.accountLimits;
      if (risk::checkLimits(b.limits)) {
        return commandResult(c, false, RejectCode::InvalidRequest, b.account.value(), 0, out);
      }
      if (b.account.isNone()) {
        defaultLimits_ = b.limits;
      } else {
        AccountState* a = findAccount(b.account);
        if (a == nullptr) return commandResult(c, false, RejectCode::UnknownAccount, b.account.value(), 0, out);
        a->limits = b.limits;
        a->ownLimits = true;
      }
      return commandResult(c, true, RejectCode::None, b.account.value(), 0, out);
    }
    case CommandType::SetInstrumentLimits: {
      const SetInstrumentLimitsBody& b = c.body.instrumentLimits;
      const std::uint32_t inst = instrumentIndex(b.instrument);
      if (inst == book::IdIndex::kMissing) {
        return commandResult(c, false, RejectCode::UnknownInstrument, b.instrument.value(), 0, out);
      }
      if (risk::checkLimits(b.limits)) {
        return commandResult(c, false, RejectCode::InvalidRequest, b.instrument.value(), 0, out);
      }
      if (b.account.isNone()) {
        instrumentStates_[inst].defaultLimits = b.limits;
      } else {
        AccountState* a = findAccount(b.account);
        if (a == nullptr) return commandResult(c, false, RejectCode::UnknownAccount, b.account.value(), 0, out);
        PairState& p = pairs_[pairIndex(static_cast<std::uint32_t>(a - accounts_.data()), inst)];
        p.limits = b.limits;
        p.ownLimits = true;
      }
      return commandResult(c, true, RejectCode::None, b.instrument.value(), 0, out);
    }
    case CommandType::SetTradingState: {
      const SetTradingStateBody& b = c.body.tradingState;
      if (static_cast<std::uint8_t>(b.state) > static_cast<std::uint8_t>(risk::TradingState::Halted)) {
        return commandResult(c, false, RejectCode::InvalidRequest, b.account.value(), 0, out);
      }
      if (b.account.isNone()) {
        globalState_ = b.state;
      } else {
        AccountState* a = findAccount(b.account);
        if (a == nullptr) return commandResult(c, false, RejectCode::UnknownAccount, b.account.value(), 0, out);
        a->state = b.state;
      }
      return commandResult(c, true, RejectCode::None, b.account.value(), static_cast<std::int64_t>(b.state), out);
    }
    case CommandType::RestrictInstrument: {
      const RestrictInstrumentBody& b = c.body.restrict;
      const std::uint32_t inst = instrumentIndex(b.instrument);
      if (inst == book::IdIndex::kMissing) {
        return commandResult(c, false, RejectCode::UnknownInstrument, b.instrument.value(), 0, out);
      }
      if (b.account.isNone()) {
        instrumentStates_[inst].restricted = b.restricted;
      } else {
        AccountState* a = findAccount(b.account);
        if (a == nullptr) return commandResult(c, false, RejectCode::UnknownAccount, b.account.value(), 0, out);
        setRestricted(a->restricted, b.instrument.value(), b.restricted);
      }
      return commandResult(c, true, RejectCode::None, b.instrument.value(), b.restricted ? 1 : 0, out);
    }
    default: return commandResult(c, false, RejectCode::InvalidRequest, 0, 0, out);
  }
}

}  // namespace alphintra::engine
