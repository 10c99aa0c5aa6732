// Engine: new orders, cancels, replaces and mass cancels — the path every order takes:
// engine checks (account, instrument, client order id), pre-trade risk, then the venue.
#include <algorithm>

#include "engine/engine.hpp"
#include "oms/money_math.hpp"

namespace alphintra::engine {

namespace {

oms::OrderRequest requestOf(const NewOrderBody& b) noexcept {
  oms::OrderRequest r;
  r.account = b.account;
  r.instrument = b.instrument;
  r.clientOrderId = b.clientOrderId;
  r.side = b.side;
  r.type = b.type;
  r.timeInForce = b.timeInForce;
  r.selfTrade = b.selfTrade;
  r.postOnly = b.postOnly;
  r.price = b.price;
  r.stopPrice = b.stopPrice;
  r.quantity = b.quantity;
  r.displayQuantity = b.displayQuantity;
  r.minQuantity = b.minQuantity;
  r.expireTime = b.expireTime;
  return r;
}

bool hasLimit(book::OrderType t) noexcept { return t == book::OrderType::Limit || t == book::OrderType::StopLimit; }

// The account's limits with its terms applied: a margin account's MarginRates::maxLeveragePpm
// (OpenAccount, default 4x) caps leverage too; the tighter of the two wins.
risk::AccountLimits withAccountTerms(risk::AccountLimits limits, const oms::Account* a,
                                     risk::AccountType type) noexcept {
  if (type != risk::AccountType::Margin || a == nullptr) return limits;
  const std::int64_t terms = std::min<std::int64_t>(a->marginRates().maxLeveragePpm / 10'000, UINT32_MAX);
  if (terms > 0 && (limits.maxLeverageHundredths == 0 || terms < limits.maxLeverageHundredths)) {
    limits.maxLeverageHundredths = static_cast<std::uint32_t>(terms);
  }
  return limits;
}

}  // namespace

// The price an order is valued at for limits and reservations: its limit price; a stop
// order's stop price; a market order's best opposite price, else the last trade, else the
// external reference price. Undefined when none exists.
Price Engine::valuationPrice(std::uint32_t instrument, Side side, const oms::OrderRequest& r) const {
  if (hasLimit(r.type) && r.price.isDefined()) return r.price;
  if (r.type == book::OrderType::Stop && r.stopPrice.isDefined()) return r.stopPrice;
  const book::TopOfBook top = venue_->topOfBook(instruments_[instrument].id());
  const Price opposite = side == Side::Buy ? top.askPrice : top.bidPrice;
  if (opposite.isDefined()) return opposite;
  if (top.lastTradePrice.isDefined()) return top.lastTradePrice;
  return instrumentStates_[instrument].referencePrice;
}

// The collar's reference: the venue's last trade, else the external reference price.
Price Engine::marketDataReference(InstrumentId id) const noexcept {
  const std::uint32_t index = instrumentIndex(id);
  return index == book::IdIndex::kMissing ? Price::undefined() : instrumentStates_[index].referencePrice;
}

Price Engine::referencePrice(std::uint32_t instrument) const {
  const Price last = venue_->lastTradePrice(instruments_[instrument].id());
  return last.isDefined() ? last : instrumentStates_[instrument].referencePrice;
}

std::int64_t Engine::initialMarginPpm(const AccountState& account, AssetClass assetClass) noexcept {
  return account.ledger == nullptr ? 1'000'000 : account.ledger->marginRates().of(assetClass).initialPpm;
}

// The fee an order of this notional may pay at most: the dearer rate, at least the per-order
// minimum when that is in the instrument currency (a minimum in another currency is left to
// the ledger at fill time: funds checks stay conservative through the rate part).
Money Engine::estimateFee(const AccountState& account, Money notional) noexcept {
  const oms::Account* a = account.ledger;
  if (a == nullptr) return Money::zero();
  const oms::FeeSchedule& f = a->fees();
  const std::int64_t rate = std::max(f.makerRatePpm, f.takerRatePpm);
  Money fee = rate > 0 ? oms::applyRatePpm(notional, rate) : Money::zero();
  if (f.minimumCurrency.isNone() && fee < f.minimumPerOrder) fee = f.minimumPerOrder;
  return fee;
}

// Funds an open order holds, in the account's base currency: a cash account holds the notional
// of its buys; a margin account the initial margin of either side.
std::int64_t Engine::reservationFor(const AccountState& a, std::uint32_t instrument, Side side, Price price,
                                    Quantity leaves) const {
  if (!price.isDefined() || !leaves.isPositive()) return 0;
  if (a.type == risk::AccountType::Cash && side != Side::Buy) return 0;
  const Money notional = notionalOf(instrument, price, leaves);
  return reservationOf(a, instrument, side, notional, toBase(a, notional, instruments_[instrument].currency()));
}

// The same from the order's notional in the instrument currency and in the base currency.
std::int64_t Engine::reservationOf(const AccountState& a, std::uint32_t instrument, Side side, Money notional,
                                   const std::optional<Money>& base) const {
  if (!base) return 0;
  if (a.type == risk::AccountType::Cash) {
    if (side != Side::Buy) return 0;
    // The fee is as much a claim on the cash as the notional (checkRisk required both).
    const auto fee = toBase(a, estimateFee(a, notional), instruments_[instrument].currency());
    return base->raw() + (fee ? fee->raw() : 0);
  }
  return oms::applyRatePpm(*base, initialMarginPpm(a, instruments_[instrument].assetClass())).raw();
}

void Engine::updateReservation(oms::OmsOrder& o) {
  OrderExtra& x = extra(o.id);
  AccountState* a = &accounts_[pairs_[x.pair].account];  // the order's account (set at creation)
  std::int64_t now = 0;
  std::int64_t open = 0;
  if (!o.state.isTerminal() && o.state.base != oms::OrdStatus::PendingNew) {
    const Price p = o.price.isDefined() ? o.price : o.stopPrice;
    const std::uint32_t inst = pairs_[x.pair].instrument;
    if (p.isDefined() && o.leavesQuantity.isPositive()) {
      // One notional for both figures: the reservation and the order's gross exposure.
      const Money notional = notionalOf(inst, p, o.leavesQuantity);
      const auto base = toBase(*a, notional, instruments_[inst].currency());
      now = reservationOf(*a, inst, o.side(), notional, base);
      open = base ? base->raw() : 0;
    }
  }
  a->reservedFunds += now - x.reserved;
  x.reserved = now;
  a->openNotional += open - x.openNotional;
  x.openNotional = open;
}

void Engine::finishOrder(oms::OmsOrder& o) {
  OrderExtra& x = extra(o.id);
  PairState& p = pairs_[x.pair];
  if (o.side() == Side::Buy) {
    p.openBuy -= o.leavesQuantity;
  } else {
    p.openSell -= o.leavesQuantity;
  }
  o.leavesQuantity = Quantity::zero();
  AccountState& a = accounts_[p.account];
  if (a.openOrders > 0) --a.openOrders;
  a.reservedFunds -= x.reserved;
  a.openNotional -= x.openNotional;
  x.reserved = 0;
  x.openNotional = 0;
}

namespace {

// Worst case: every open order fills (rules.hpp, ExposureFacts::grossExposure). Saturating: the
// figures come from a valuation that saturates, and from snapshots a damaged file can fill.
std::int64_t exposureWithOpenOrders(const oms::Ledger::RiskFigures& v, std::int64_t openNotional) noexcept {
  return oms::saturatingAdd(v.grossExposure.raw(), openNotional);
}

// What a new order may still use: the cash (cash account) or equity (margin account) less the
// margin held and the funds open orders reserve. A cash account's futures hold their whole value
// (Valuation::initialMargin): their notional never left the cash.
std::int64_t availableFunds(const oms::Ledger::RiskFigures& v, risk::AccountType type,
                            std::int64_t reservedFunds) noexcept {
  const Money base = type == risk::AccountType::Cash ? v.cash : v.equity;
  return oms::saturatingSub(oms::saturatingSub(base.raw(), v.initialMargin.raw()), reservedFunds);
}

}  // namespace

risk::RiskVerdict Engine::checkRisk(AccountState& a, std::uint32_t instrument, std::uint32_t pair, Side side,
                                    bool limitOrder, Price limitPrice, Price price, Quantity added, Timestamp now,
                                    std::optional<RejectCode>& engineReject) {
  const Instrument& in = instruments_[instrument];
  const PairState& p = pairs_[pair];
  risk::OrderFacts f;
  f.side = side;
  f.hasLimitPrice = limitOrder;
  f.price = limitPrice;
  f.quantity = added;
  f.referencePrice = referencePrice(instrument);
  f.tickSize = in.tickSize();
  f.restricted = instrumentStates_[instrument].restricted ||
                 std::binary_search(a.restricted.begin(), a.restricted.end(), in.id().value());
  if (!price.isDefined()) {
    engineReject = RejectCode::NoReferencePrice;
    return {};
  }
  const Money notionalInstr = notionalOf(instrument, price, added.isPositive() ? added : Quantity::zero());
  const auto notionalBase = toBase(a, notionalInstr, in.currency());
  if (!notionalBase) {
    engineReject = RejectCode::MissingFxRate;
    return {};
  }
  f.notional = notionalBase->raw();

  risk::ExposureFacts x;
  x.accountType = a.type;
  x.position = positionOf(p);
  x.openBuy = p.openBuy;
  x.openSell = p.openSell;
  x.openOrders = a.openOrders;
  const risk::AccountLimits limits = withAccountTerms(limitsOf(a), a.ledger, a.type);
  const bool needValuation = a.type == risk::AccountType::Margin || limits.maxGrossExposure != 0 ||
                             limits.maxNetExposure != 0 || side == Side::Buy;
  if (needValuation) {
    const oms::Ledger::RiskFigures v = ledger_.riskFigures(a.id);
    // Worst case: every open order fills (rules.hpp, ExposureFacts::grossExposure).
    x.grossExposure = exposureWithOpenOrders(v, a.openNotional);
    x.netExposure = v.netExposure.raw();
    x.equity = v.equity.raw();
    x.availableFunds = availableFunds(v, a.type, a.reservedFunds);
  }
  if (a.type == risk::AccountType::Cash) {
    if (side == Side::Buy) {
      // The order's cost plus the dearer of the maker and taker fee it may pay.
      const auto feeBase = toBase(a, estimateFee(a, notionalInstr), in.currency());
      x.requiredFunds = f.notional + (feeBase ? feeBase->raw() : 0);
    }
  } else {
    // Initial margin only for the part that can grow the position: what reduces it (after the
    // open orders on the same side) frees margin instead of using it.
    const Quantity open = side == Side::Buy ? p.openBuy : p.openSell;
    const Quantity held = side == Side::Buy ? -x.position : x.position;  // what this side can reduce
    const Quantity reducible = held > open ? held - open : Quantity::zero();
    const Quantity opening = added > reducible ? added - reducible : Quantity::zero();
    // Usually the whole order opens: its notional is the one above.
    const auto openingBase = opening == added && added.isPositive()
                                 ? notionalBase
                                 : toBase(a, notionalOf(instrument, price, opening), in.currency());
    x.requiredFunds =
        oms::applyRatePpm(openingBase ? *openingBase : Money::fromRaw(f.notional), initialMarginPpm(a, in.assetClass()))
            .raw();
  }
  const risk::InstrumentLimits& il = p.ownLimits ? p.limits : instrumentStates_[instrument].defaultLimits;
  const risk::TradingState state = risk::effectiveState(globalState_, a.state);
  const bool killed = killSwitch_.blocks(a.id, in.id());
  // The bucket is part of the account's state; checkNewOrder takes a token only on a pass.
  return risk::checkNewOrder(f, x, limits, il, state, killed, a.bucket, now);
}

void Engine::onNewOrder(const Command& c, std::vector<EngineEvent>& out) {
  const NewOrderBody& b = c.body.newOrder;
  AccountState* a = findAccount(b.account);
  if (a == nullptr) return rejectNew(c, RejectCode::UnknownAccount, out);
  const std::uint32_t inst = instrumentIndex(b.instrument);
  if (inst == book::IdIndex::kMissing) return rejectNew(c, RejectCode::UnknownInstrument, out);

  const oms::OrderRequest request = requestOf(b);
  if (oms::OmsOrder* existing = orders_.findByClientId(b.account, b.clientOrderId)) {
    // Safe retry: the same request again answers the order as it stands; anything else
    // reusing the id is refused.
    if (existing->request.sameContent(request)) {
      report(c, *existing, oms::ExecType::OrderStatus, true, out);
      return;
    }
    return rejectNew(c, RejectCode::DuplicateClientOrderId, out);
  }

  oms::OmsOrder& o = orders_.create(request, lastTime_);
  targetOrder_ = o.id;
  const std::uint32_t pair = pairIndex(static_cast<std::uint32_t>(a - accounts_.data()), inst);
  extras_.push_back(OrderExtra{0, pair});
  extras_.prefetchForAppend(oms::OrderTable::kCreateAhead * 3);  // three records a line

  // Quantity and price sanity first: the risk figures below assume them (the venue repeats
  // the full instrument rules and answers with its own reasons).
  if (!b.quantity.isPositive()) {
    o.rejectSource = oms::RejectSource::Venue;
    o.rejectCode = static_cast<std::uint8_t>(book::RejectReason::InvalidQuantity);
  } else if (hasLimit(b.type) && (!b.price.isDefined() || !b.price.isPositive())) {
    o.rejectSource = oms::RejectSource::Venue;
    o.rejectCode = static_cast<std::uint8_t>(book::RejectReason::InvalidPrice);
  }
  if (o.rejectSource != oms::RejectSource::None) {
    o.state = oms::transition(o.state, oms::OrderEvent::Rejected)->next;
    o.leavesQuantity = Quantity::zero();
    report(c, o, oms::ExecType::Rejected, true, out);
    return;
  }

  std::optional<RejectCode> engineReject;
  const bool limitOrder = hasLimit(b.type);
  const risk::RiskVerdict verdict =
      checkRisk(*a, inst, pair, b.side, limitOrder, limitOrder ? b.price : Price::undefined(),
                valuationPrice(inst, b.side, request), b.quantity, c.header.time, engineReject);
  if (engineReject || !verdict.passed()) {
    if (engineReject) {
      o.rejectSource = oms::RejectSource::Engine;
      o.rejectCode = static_cast<std::uint8_t>(*engineReject);
    } else {
      o.rejectSource = oms::RejectSource::Risk;
      o.rejectCode = static_cast<std::uint8_t>(verdict.rule);
    }
    o.state = oms::transition(o.state, oms::OrderEvent::Rejected)->next;
    o.leavesQuantity = Quantity::zero();
    ExecutionReport& r = report(c, o, oms::ExecType::Rejected, true, out);
    if (!engineReject) {
      r.riskLimit = verdict.limit;
      r.riskValue = verdict.value;
      r.riskUnit = static_cast<std::uint8_t>(verdict.unit);
    }
    return;
  }

  // Counted as open before the venue answers: fills inside the same call release it again.
  PairState& p = pairs_[pair];
  if (b.side == Side::Buy) {
    p.openBuy += b.quantity;
  } else {
    p.openSell += b.quantity;
  }
  ++a->openOrders;

  book::NewOrder n;
  n.id = o.id;
  n.account = b.account;
  n.side = b.side;
  n.type = b.type;
  n.timeInForce = b.timeInForce;
  n.price = b.price;
  n.stopPrice = b.stopPrice;
  n.quantity = b.quantity;
  n.displayQuantity = b.displayQuantity;
  n.minQuantity = b.minQuantity;
  n.postOnly = b.postOnly;
  n.selfTrade = b.selfTrade;
  n.expireTime = b.expireTime;
  venueEvents_.clear();
  venue_->submit(b.instrument, n, c.header.time, venueEvents_);
  processVenueEvents(c, inst, out);
}

void Engine::onCancel(const Command& c, std::vector<EngineEvent>& out) {
  const CancelOrderBody& b = c.body.cancel;
  oms::OmsOrder* o = resolveOrder(b.account, b.orderId, b.origClientOrderId);
  if (o == nullptr) {
    return cancelReject(c, nullptr, false, oms::RejectSource::Engine,
                        static_cast<std::uint8_t>(RejectCode::UnknownOrder), nullptr, out);
  }
  if (o->account() != b.account) {
    return cancelReject(c, nullptr, false, oms::RejectSource::Engine,
                        static_cast<std::uint8_t>(RejectCode::NotOrderOwner), nullptr, out);
  }
  if (!o->state.isLive()) {
    return cancelReject(c, o, false, oms::RejectSource::Engine, static_cast<std::uint8_t>(RejectCode::OrderNotLive),
                        nullptr, out);
  }
  if (o->state.pending != oms::Pending::None) {
    return cancelReject(c, o, false, oms::RejectSource::Engine, static_cast<std::uint8_t>(RejectCode::RequestPending),
                        nullptr, out);
  }
  if (!b.clientOrderId.isNone() && b.clientOrderId != o->clientOrderId) {
    if (orders_.findByClientId(b.account, b.clientOrderId) != nullptr) {
      return cancelReject(c, o, false, oms::RejectSource::Engine,
                          static_cast<std::uint8_t>(RejectCode::DuplicateClientOrderId), nullptr, out);
    }
    // FIX: the cancel's ClOrdID names the order from now on; the previous one is its OrigClOrdID.
    orders_.indexClientId(b.account, b.clientOrderId, o->id);
    o->origClientOrderId = o->clientOrderId;
    o->clientOrderId = b.clientOrderId;
  }
  const std::uint32_t inst = pairs_[extra(o->id).pair].instrument;
  targetOrder_ = o->id;
  if (!venue_->synchronous()) {
    o->state = oms::transition(o->state, oms::OrderEvent::CancelRequested)->next;
    report(c, *o, oms::ExecType::PendingCancel, true, out);
  }
  venueEvents_.clear();
  venue_->cancel(o->instrument(), o->id, c.header.time, venueEvents_);
  processVenueEvents(c, inst, out);
}

void Engine::onReplace(const Command& c, std::vector<EngineEvent>& out) {
  const ReplaceOrderBody& b = c.body.replace;
  oms::OmsOrder* o = resolveOrder(b.account, b.orderId, b.origClientOrderId);
  const auto reject = [&](const oms::OmsOrder* order, RejectCode code) {
    cancelReject(c, order, true, oms::RejectSource::Engine, static_cast<std::uint8_t>(code), nullptr, out);
  };
  if (o == nullptr) return reject(nullptr, RejectCode::UnknownOrder);
  if (o->account() != b.account) return reject(nullptr, RejectCode::NotOrderOwner);
  // The client priced the replace in its instrument's units: a different instrument would
  // give the numbers another meaning.
  if (!b.instrument.isNone() && b.instrument != o->instrument()) return reject(o, RejectCode::InstrumentMismatch);
  if (!o->state.isLive()) return reject(o, RejectCode::OrderNotLive);
  if (o->state.pending != oms::Pending::None) return reject(o, RejectCode::RequestPending);
  if (!b.clientOrderId.isNone() && b.clientOrderId != o->clientOrderId &&
      orders_.findByClientId(b.account, b.clientOrderId) != nullptr) {
    return reject(o, RejectCode::DuplicateClientOrderId);
  }
  AccountState* a = findAccount(b.account);
  if (a == nullptr) return reject(o, RejectCode::UnknownAccount);

  const OrderExtra& x = extra(o->id);
  const std::uint32_t inst = pairs_[x.pair].instrument;
  const Instrument& in = instruments_[inst];
  const Quantity newTotal = b.quantity.isDefined() ? b.quantity : o->quantity;
  const Price newPrice = b.price.isDefined() ? b.price : o->price;
  const Quantity newLeaves = newTotal - o->cumQuantity;
  const bool priceChanged =
      (b.price.isDefined() && b.price != o->price) || (b.stopPrice.isDefined() && b.stopPrice != o->stopPrice);

  // Risk sees what the replace adds; reductions always pass (they only lower risk).
  if (newLeaves.isPositive() && (newLeaves > o->leavesQuantity || priceChanged)) {
    const Price valuation = newPrice.isDefined() ? newPrice : (b.stopPrice.isDefined() ? b.stopPrice : o->stopPrice);
    const Quantity added = newLeaves > o->leavesQuantity ? newLeaves - o->leavesQuantity : Quantity::zero();
    risk::ReplaceFacts r;
    r.change.side = o->side();
    r.change.hasLimitPrice = hasLimit(o->request.type);
    r.change.price = newPrice;
    r.change.quantity = newLeaves - o->leavesQuantity;
    r.change.referencePrice = referencePrice(inst);
    r.change.tickSize = in.tickSize();
    r.change.restricted = instrumentStates_[inst].restricted ||
                          std::binary_search(a->restricted.begin(), a->restricted.end(), in.id().value());
    r.orderQuantity = newTotal;
    r.priceChanged = priceChanged;
    const auto addedBase = toBase(*a, notionalOf(inst, valuation, added), in.currency());
    const auto totalBase = toBase(*a, notionalOf(inst, valuation, newTotal), in.currency());
    if (!addedBase || !totalBase) return reject(o, RejectCode::MissingFxRate);
    r.change.notional = addedBase->raw();
    r.orderNotional = totalBase->raw();
    risk::ExposureFacts e;
    e.accountType = a->type;
    e.position = positionOf(pairs_[x.pair]);
    e.openBuy = pairs_[x.pair].openBuy;
    e.openSell = pairs_[x.pair].openSell;
    e.openOrders = a->openOrders;
    const oms::Ledger::RiskFigures v = ledger_.riskFigures(a->id);
    e.grossExposure = exposureWithOpenOrders(v, a->openNotional);
    e.netExposure = v.netExposure.raw();
    e.equity = v.equity.raw();
    const std::int64_t newReservation = reservationFor(*a, inst, o->side(), valuation, newLeaves);
    e.requiredFunds = oms::saturate64(std::max<Int128>(0, static_cast<Int128>(newReservation) - x.reserved));
    e.availableFunds = availableFunds(v, a->type, a->reservedFunds);
    const risk::InstrumentLimits& il =
        pairs_[x.pair].ownLimits ? pairs_[x.pair].limits : instrumentStates_[inst].defaultLimits;
    const risk::RiskVerdict verdict = risk::checkReplace(r, e, withAccountTerms(limitsOf(*a), a->ledger, a->type), il,
                                                         risk::effectiveState(globalState_, a->state),
                                                         killSwitch_.blocks(a->id, in.id()), a->bucket, c.header.time);
    if (!verdict.passed()) {
      return cancelReject(c, o, true, oms::RejectSource::Risk, static_cast<std::uint8_t>(verdict.rule), &verdict, out);
    }
  }

  targetOrder_ = o->id;
  if (!venue_->synchronous()) {
    o->state = oms::transition(o->state, oms::OrderEvent::ReplaceRequested)->next;
    report(c, *o, oms::ExecType::PendingReplace, true, out);
  }
  book::ReplaceOrder r;
  r.id = o->id;
  r.quantity = b.quantity;
  r.price = b.price;
  r.stopPrice = b.stopPrice;
  venueEvents_.clear();
  venue_->replace(o->instrument(), r, c.header.time, venueEvents_);
  processVenueEvents(c, inst, out);
}

void Engine::onMassCancel(const Command& c, std::vector<EngineEvent>& out) {
  const MassCancelBody& b = c.body.massCancel;
  if (!b.account.isNone() && findAccount(b.account) == nullptr) {
    return commandResult(c, false, RejectCode::UnknownAccount, b.account.value(), 0, out);
  }
  if (!b.instrument.isNone() && instrumentIndex(b.instrument) == book::IdIndex::kMissing) {
    return commandResult(c, false, RejectCode::UnknownInstrument, b.instrument.value(), 0, out);
  }
  const std::size_t before = out.size();
  if (b.side == Side::None) {
    cancelScope(c, b.account, b.instrument, out);
  } else {
    // One side only: the venue has no such call, so cancel the matching live orders one by
    // one, oldest first (a scan of the order table: mass cancels are rare).
    orders_.forEach([&](oms::OmsOrder& o) {
      if (!o.state.isLive() || o.side() != b.side) return;
      if (!b.account.isNone() && o.account() != b.account) return;
      if (!b.instrument.isNone() && o.instrument() != b.instrument) return;
      venueEvents_.clear();
      venue_->cancel(o.instrument(), o.id, c.header.time, venueEvents_);
      processVenueEvents(c, pairs_[extra(o.id).pair].instrument, out);
    });
  }
  std::int64_t cancelled = 0;
  for (std::size_t i = before; i < out.size(); ++i) {
    if (out[i].kind == EventKind::ExecutionReport && out[i].body.execution.execType == oms::ExecType::Canceled) {
      ++cancelled;
    }
  }
  commandResult(c, true, RejectCode::None, b.account.value(), cancelled, out);
}

// Cancels every live order of an account (0: all) on an instrument (0: all) through the
// venue's own mass cancel.
void Engine::cancelScope(const Command& c, AccountId account, InstrumentId instrument, std::vector<EngineEvent>& out) {
  for (std::uint32_t i = 0; i < instruments_.size(); ++i) {
    if (!instrument.isNone() && instruments_[i].id() != instrument) continue;
    venueEvents_.clear();
    venue_->massCancel(instruments_[i].id(), account, c.header.time, venueEvents_);
    processVenueEvents(c, i, out);
  }
}

}  // namespace alphintra::engine
