#include "oms/ledger.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <limits>
#include <utility>

namespace alphintra::oms {
namespace {

constexpr std::uint32_t kSnapshotMagic = 0x47444C41;  // "ALDG", little-endian
// 2: futures settle like futures (cash moves by realized P&L). A version 1 snapshot booked their
// notional through cash; load() converts it (see there).
constexpr std::uint8_t kSnapshotVersion = 3;  // 3: final settlement prices

constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  // splitmix64's finalizer: ids are often small consecutive integers; this spreads them over
  // all buckets.
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

Money absolute(Money m) noexcept { return m.raw() < 0 ? -m : m; }

// FxRates::convert's answer, with its same-currency case inline: an account trading in its
// own base currency (the common case) converts on every order and every valuation leg.
std::optional<Money> convertAmount(const FxRates& fx, Money amount, Currency from, Currency to) {
  if (from == to && !from.isNone() && amount.isDefined()) return amount;
  return fx.convert(amount, from, to);
}

}  // namespace

std::string_view toString(FillStatus status) noexcept {
  switch (status) {
    case FillStatus::Applied: return "applied";
    case FillStatus::UnknownAccount: return "unknown account";
    case FillStatus::UnknownInstrument: return "unknown instrument";
    case FillStatus::InvalidSide: return "invalid side";
    case FillStatus::InvalidPrice: return "invalid price";
    case FillStatus::InvalidQuantity: return "invalid quantity";
  }
  return "unknown";
}

std::size_t Ledger::PositionKeyHash::operator()(const PositionKey& k) const noexcept {
  return static_cast<std::size_t>(mix64(k.account * 0x9E3779B97F4A7C15ull ^ mix64(k.instrument)));
}

Result<Account*> Ledger::openAccount(AccountId id, AccountType type, Currency baseCurrency, CostMethod costMethod,
                                     FeeSchedule fees, MarginRates margin) {
  if (accounts_.contains(id)) {
    return makeError("account", fmt::format("account {} is already open", id.value()));
  }
  auto created = Account::create(id, type, baseCurrency, costMethod, fees, margin);
  if (!created) return created.error();
  auto [it, inserted] = accounts_.try_emplace(id, std::move(created).value());
  return &it->second.account;
}

Ledger::AccountState* Ledger::findAccount(AccountId id) const noexcept {
  AccountState* cached = lastAccount_.state;
  if (cached != nullptr && cached->account.id() == id) return cached;
  auto it = accounts_.find(id);
  if (it == accounts_.end()) return nullptr;
  // The map is not const (only this lookup is): the node may be handed out mutable.
  lastAccount_.state = const_cast<AccountState*>(&it->second);
  return lastAccount_.state;
}

Account* Ledger::account(AccountId id) noexcept {
  AccountState* a = findAccount(id);
  return a == nullptr ? nullptr : &a->account;
}

const Account* Ledger::account(AccountId id) const noexcept {
  const AccountState* a = findAccount(id);
  return a == nullptr ? nullptr : &a->account;
}

void Ledger::accountIds(std::vector<AccountId>& out) const {
  out.clear();
  out.reserve(accounts_.size());
  for (const auto& [id, state] : accounts_) out.push_back(id);
  std::sort(out.begin(), out.end());
}

bool Ledger::registerInstrument(const Instrument& instrument) {
  auto it = instruments_.find(instrument.id());
  if (it == instruments_.end()) {
    instruments_.try_emplace(instrument.id(), instrument);
    return true;
  }
  const Instrument& old = it->second.definition;
  // What the positions' cash and basis were booked with may not change: units, the contract
  // multiplier, and whether the instrument settles like a future.
  if (old.currency() != instrument.currency() || old.pricePrecision() != instrument.pricePrecision() ||
      old.quantityPrecision() != instrument.quantityPrecision() || old.multiplier() != instrument.multiplier() ||
      (old.assetClass() == AssetClass::Future) != (instrument.assetClass() == AssetClass::Future)) {
    return false;
  }
  it->second.definition = instrument;
  ++epoch_;  // the asset class (margin rate) may have changed
  return true;
}

const Instrument* Ledger::instrument(InstrumentId id) const noexcept {
  auto it = instruments_.find(id);
  return it == instruments_.end() ? nullptr : &it->second.definition;
}

Ledger::PositionSlot* Ledger::slotFor(AccountId accountId, InstrumentId instrumentId, FillStatus& status) {
  const PositionKey key{accountId.value(), instrumentId.value()};
  if (auto it = positions_.find(key); it != positions_.end()) return &it->second;

  // First fill of this account on this instrument: the only path that allocates.
  auto acc = accounts_.find(accountId);
  if (acc == accounts_.end()) {
    status = FillStatus::UnknownAccount;
    return nullptr;
  }
  auto inst = instruments_.find(instrumentId);
  if (inst == instruments_.end()) {
    status = FillStatus::UnknownInstrument;
    return nullptr;
  }
  AccountState& owner = acc->second;
  auto [it, inserted] =
      positions_.try_emplace(key, PositionSlot{Position(accountId, instrumentId, owner.account.costMethod()), &owner,
                                               &inst->second, Figures{}, kNotOpen, false});
  PositionSlot* slot = &it->second;
  auto where = std::lower_bound(owner.positions.begin(), owner.positions.end(), instrumentId,
                                [](const PositionSlot* s, InstrumentId id) { return s->position.instrument() < id; });
  owner.positions.insert(where, slot);
  // Room for every position in the open list, so that opening one never allocates; grown
  // geometrically (an account of hundreds of instruments would otherwise reallocate each time).
  if (owner.open.capacity() < owner.positions.size()) {
    owner.open.reserve(2 * owner.positions.size());
    owner.dirty.reserve(2 * owner.positions.size());
  }
  return slot;
}

Ledger::PositionSlot* Ledger::positionSlot(AccountId accountId, InstrumentId instrumentId) noexcept {
  const auto it = positions_.find(PositionKey{accountId.value(), instrumentId.value()});
  return it == positions_.end() ? nullptr : &it->second;
}

namespace {

// A fill's own terms, checked before any record is touched.
FillStatus checkFill(Side side, Price price, Quantity quantity) noexcept {
  if (side != Side::Buy && side != Side::Sell) return FillStatus::InvalidSide;
  if (!price.isDefined()) return FillStatus::InvalidPrice;
  if (!quantity.isPositive()) return FillStatus::InvalidQuantity;
  return FillStatus::Applied;
}

}  // namespace

FillResult Ledger::onFill(AccountId accountId, InstrumentId instrumentId, Side side, Price price, Quantity quantity,
                          bool maker, OrderFeesSoFar orderFeesSoFar) {
  FillResult r;
  r.orderFees = orderFeesSoFar;
  r.status = checkFill(side, price, quantity);
  if (r.status != FillStatus::Applied) return r;
  PositionSlot* slot = slotFor(accountId, instrumentId, r.status);
  if (slot == nullptr) return r;
  return onFill(*slot, side, price, quantity, maker, orderFeesSoFar);
}

FillResult Ledger::onFill(PositionSlot& position, Side side, Price price, Quantity quantity, bool maker,
                          OrderFeesSoFar orderFeesSoFar) {
  FillResult r;
  r.orderFees = orderFeesSoFar;
  r.status = checkFill(side, price, quantity);
  if (r.status != FillStatus::Applied) return r;
  PositionSlot* slot = &position;

  Account& account = slot->account->account;
  const InstrumentState& inst = *slot->instrument;
  const Currency currency = inst.definition.currency();
  const FeeSchedule& fees = account.fees();
  r.currency = currency;
  r.notional = notional(price, quantity, inst.scale);
  r.rateFee = applyRatePpm(r.notional, maker ? fees.makerRatePpm : fees.takerRatePpm);

  // The order's total fee after this fill, minus what it was already charged: the minimum is
  // a floor on the order, not on each fill, so it telescopes to max(Σ rate fees, minimum).
  const Money rateFeesAfter = orderFeesSoFar.rateFees + r.rateFee;
  Money totalAfter = rateFeesAfter;
  if (fees.minimumPerOrder.isPositive()) {
    std::optional<Money> minimum = fees.minimumPerOrder;
    if (!fees.minimumCurrency.isNone() && !sameCurrency(fees.minimumCurrency, currency)) {
      minimum = fx_.convert(fees.minimumPerOrder, fees.minimumCurrency, currency);
    }
    if (minimum) {
      totalAfter = std::max(rateFeesAfter, *minimum);
    } else {
      r.minimumFeeUnconverted = true;
    }
  }
  r.fee = totalAfter - orderFeesSoFar.charged;
  r.orderFees = OrderFeesSoFar{rateFeesAfter, totalAfter};
  r.realizedPnl = slot->position.applyFill(side, price, quantity, inst.scale);
  slot->position.addFee(r.fee);
  if (inst.settlesAsFuture) {
    r.cashChange = r.realizedPnl - r.fee;  // no notional changes hands
  } else {
    r.cashChange = side == Side::Buy ? -(r.notional + r.fee) : r.notional - r.fee;
  }
  account.adjustCash(currency, r.cashChange);
  r.positionAfter = slot->position.quantity();
  // Its share is recomputed when the account is next valued: fills come in bursts (one order
  // sweeping levels, both sides of a trade) and most are never followed by a valuation of
  // that account before the next mark moves the share again.
  AccountState& owner = *slot->account;
  if (owner.valued && !slot->dirty) {
    slot->dirty = true;
    owner.dirty.push_back(slot);
  }
  return r;
}

bool Ledger::settle(InstrumentId instrumentId, Price price, std::vector<Settlement>& out) {
  auto it = instruments_.find(instrumentId);
  if (it == instruments_.end() || !price.isDefined()) return false;
  InstrumentState& inst = it->second;
  if (!inst.settlesAsFuture || inst.settlement.isDefined()) return false;
  // Account order, so that the settlements (and their events) are the same on every replay.
  std::vector<PositionSlot*> slots;
  for (auto& [key, slot] : positions_) {
    if (key.instrument == instrumentId.value() && !slot.position.isFlat()) slots.push_back(&slot);
  }
  std::sort(slots.begin(), slots.end(),
            [](const PositionSlot* a, const PositionSlot* b) { return a->position.account() < b->position.account(); });
  for (PositionSlot* slot : slots) {
    Position& p = slot->position;
    const Quantity held = p.quantity();
    const Side closing = held.isPositive() ? Side::Sell : Side::Buy;
    const Money realized = p.applyFill(closing, price, held.isPositive() ? held : -held, inst.scale);
    slot->account->account.adjustCash(inst.definition.currency(), realized);
    AccountState& owner = *slot->account;
    if (owner.valued && !slot->dirty) {
      slot->dirty = true;
      owner.dirty.push_back(slot);
    }
    out.push_back(Settlement{p.account(), held, realized});
  }
  inst.settlement = price;
  if (inst.last != price) {
    inst.last = price;
    markMoved(inst);
  }
  updateNextSettleAt();
  return true;
}

void Ledger::updateNextSettleAt() noexcept {
  nextSettleAt_ = Timestamp{INT64_MAX};
  for (const auto& [id, s] : instruments_) {
    if (!s.settlement.isDefined() && s.settleAt < nextSettleAt_) nextSettleAt_ = s.settleAt;
  }
}

bool Ledger::scheduleSettlement(InstrumentId instrumentId, Timestamp at, Price price) noexcept {
  auto it = instruments_.find(instrumentId);
  if (it == instruments_.end() || at.nanos() == INT64_MAX) return false;
  InstrumentState& inst = it->second;
  if (!inst.settlesAsFuture || inst.settlement.isDefined()) return false;
  inst.settleAt = at;
  inst.settleAtPrice = price;
  updateNextSettleAt();
  return true;
}

void Ledger::dueSettlements(Timestamp now, std::vector<ScheduledSettlement>& out) const {
  if (now < nextSettleAt_) return;  // the usual tick: nothing due
  for (const auto& [id, s] : instruments_) {
    if (!s.settlement.isDefined() && s.settleAt <= now)
      out.push_back(ScheduledSettlement{id, s.settleAt, s.settleAtPrice});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.instrument < b.instrument; });
}

std::optional<Ledger::ScheduledSettlement> Ledger::scheduledSettlement(InstrumentId instrument) const noexcept {
  auto it = instruments_.find(instrument);
  if (it == instruments_.end() || it->second.settlement.isDefined() || it->second.settleAt.nanos() == INT64_MAX) {
    return std::nullopt;
  }
  return ScheduledSettlement{instrument, it->second.settleAt, it->second.settleAtPrice};
}

Price Ledger::settlementPrice(InstrumentId instrument) const noexcept {
  auto it = instruments_.find(instrument);
  return it == instruments_.end() ? Price::undefined() : it->second.settlement;
}

bool Ledger::onMark(InstrumentId instrument, Price last) noexcept {
  auto it = instruments_.find(instrument);
  if (it == instruments_.end()) return false;
  InstrumentState& s = it->second;
  if (s.last != last) {
    s.last = last;
    markMoved(s);
  }
  return true;
}

bool Ledger::onQuote(InstrumentId instrument, Price bid, Price ask) noexcept {
  auto it = instruments_.find(instrument);
  if (it == instruments_.end()) return false;
  InstrumentState& s = it->second;
  if (s.bid != bid || s.ask != ask) {
    s.bid = bid;
    s.ask = ask;
    markMoved(s);
  }
  return true;
}

Price Ledger::markOf(const InstrumentState& s) const noexcept {
  Price mid = Price::undefined();
  if (s.bid.isDefined() && s.ask.isDefined() && s.bid <= s.ask) {
    mid = Price::fromRaw(saturate64(divRound(static_cast<Int128>(s.bid.raw()) + s.ask.raw(), 2)));
  }
  if (markSource_ == MarkSource::Mid) return mid.isDefined() ? mid : s.last;
  return s.last.isDefined() ? s.last : mid;
}

Price Ledger::mark(InstrumentId instrument) const noexcept {
  auto it = instruments_.find(instrument);
  return it == instruments_.end() ? Price::undefined() : markOf(it->second);
}

void Ledger::Figures::add(const Figures& f, std::int64_t sign) noexcept {
  const auto plus = [](Money& into, Money a) {
    into = Money::fromRaw(
        static_cast<std::int64_t>(static_cast<std::uint64_t>(into.raw()) + static_cast<std::uint64_t>(a.raw())));
  };
  const auto minus = [](Money& into, Money a) {
    into = Money::fromRaw(
        static_cast<std::int64_t>(static_cast<std::uint64_t>(into.raw()) - static_cast<std::uint64_t>(a.raw())));
  };
  if (sign > 0) {
    plus(value, f.value);
    plus(exposure, f.exposure);
    plus(gross, f.gross);
    plus(unrealized, f.unrealized);
    plus(realized, f.realized);
    plus(fees, f.fees);
    plus(initialMargin, f.initialMargin);
    plus(maintenanceMargin, f.maintenanceMargin);
    open += f.open;
    missingFx += f.missingFx;
    missingMark += f.missingMark;
    large += f.large;
  } else {
    minus(value, f.value);
    minus(exposure, f.exposure);
    minus(gross, f.gross);
    minus(unrealized, f.unrealized);
    minus(realized, f.realized);
    minus(fees, f.fees);
    minus(initialMargin, f.initialMargin);
    minus(maintenanceMargin, f.maintenanceMargin);
    open -= f.open;
    missingFx -= f.missingFx;
    missingMark -= f.missingMark;
    large -= f.large;
  }
}

void Ledger::Figures::replace(const Figures& from, const Figures& to) noexcept {
  // One pass: each sum moves by to − from, in the same unsigned arithmetic as add().
  const auto move = [](Money& into, Money a, Money b) {
    into = Money::fromRaw(
        static_cast<std::int64_t>(static_cast<std::uint64_t>(into.raw()) +
                                  (static_cast<std::uint64_t>(b.raw()) - static_cast<std::uint64_t>(a.raw()))));
  };
  move(value, from.value, to.value);
  move(exposure, from.exposure, to.exposure);
  move(gross, from.gross, to.gross);
  move(unrealized, from.unrealized, to.unrealized);
  move(realized, from.realized, to.realized);
  move(fees, from.fees, to.fees);
  move(initialMargin, from.initialMargin, to.initialMargin);
  move(maintenanceMargin, from.maintenanceMargin, to.maintenanceMargin);
  open += to.open - from.open;
  missingFx += to.missingFx - from.missingFx;
  missingMark += to.missingMark - from.missingMark;
  large += to.large - from.large;
}

Ledger::Figures Ledger::wideFigures(const AccountState& state) const {
  Int128 value = 0, exposure = 0, gross = 0, unrealized = 0, realized = 0, fees = 0, initial = 0, maintenance = 0;
  Figures out;
  for (const PositionSlot* slot : state.positions) {
    const Figures f = shareOf(*slot, state.account);
    value += f.value.raw();
    exposure += f.exposure.raw();
    gross += f.gross.raw();
    unrealized += f.unrealized.raw();
    realized += f.realized.raw();
    fees += f.fees.raw();
    initial += f.initialMargin.raw();
    maintenance += f.maintenanceMargin.raw();
    out.open += f.open;
    out.missingFx += f.missingFx;
    out.missingMark += f.missingMark;
  }
  const auto m = [](Int128 v) { return Money::fromRaw(saturate64(v)); };
  out.value = m(value);
  out.exposure = m(exposure);
  out.gross = m(gross);
  out.unrealized = m(unrealized);
  out.realized = m(realized);
  out.fees = m(fees);
  out.initialMargin = m(initial);
  out.maintenanceMargin = m(maintenance);
  return out;
}

Ledger::Figures Ledger::shareOf(const PositionSlot& slot, const Account& account) const {
  Figures f = shareAmounts(slot, account);
  // Whether an amount is outside (−kLargeAmount, kLargeAmount): x + kLargeAmount, unsigned, is
  // below 2 × kLargeAmount (a power of two) exactly for those inside, so one test of the high
  // bits of all of them OR'd together answers for all.
  const auto biased = [](Money a) { return static_cast<std::uint64_t>(a.raw()) + kLargeAmount; };
  const std::uint64_t any = biased(f.value) | biased(f.exposure) | biased(f.gross) | biased(f.unrealized) |
                            biased(f.realized) | biased(f.fees) | biased(f.initialMargin) | biased(f.maintenanceMargin);
  f.large = (any >> 51) != 0 ? 1 : 0;
  static_assert(kLargeAmount == std::int64_t{1} << 50);
  return f;
}

Ledger::Figures Ledger::shareAmounts(const PositionSlot& slot, const Account& account) const {
  Figures f;
  const Position& p = slot.position;
  const InstrumentState& inst = *slot.instrument;
  const Currency currency = inst.definition.currency();
  const Currency base = account.baseCurrency();
  // `amount` in the base currency into `into`; a missing rate is counted and leaves it zero.
  const auto convert = [&](Money amount, Money& into) {
    auto converted = convertAmount(fx_, amount, currency, base);
    if (!converted) {
      ++f.missingFx;
      return false;
    }
    into = *converted;
    return true;
  };
  if (!p.realizedPnl().isZero()) convert(p.realizedPnl(), f.realized);
  if (!p.fees().isZero()) convert(p.fees(), f.fees);
  if (p.isFlat()) return f;
  f.open = 1;

  const Price m = markOf(inst);
  Money marketValue;
  Money unrealized;
  if (m.isDefined()) {
    const Position::Marked marked = p.markTo(m, inst.scale);
    marketValue = marked.value;
    unrealized = marked.unrealized;
  } else {
    // No price yet: value at cost so equity is not distorted, and say so.
    ++f.missingMark;
    marketValue = inst.scale.toMoney(p.costBasis());
  }
  // Without a rate for the value the position adds nothing but the flag.
  if (!convert(marketValue, f.exposure)) return f;
  convert(unrealized, f.unrealized);
  f.value = inst.settlesAsFuture ? f.unrealized : f.exposure;
  f.gross = absolute(f.exposure);
  if (account.type() == AccountType::Margin) {
    const MarginRate& rate = account.marginRates().of(inst.definition.assetClass());
    f.initialMargin = applyRatePpm(f.gross, rate.initialPpm);
    f.maintenanceMargin = applyRatePpm(f.gross, rate.maintenancePpm);
  } else if (inst.settlesAsFuture) {
    // A cash account's future is fully collateralized: what it cost is held out of the cash, as
    // a share's price leaves a cash account's cash (marks do not move it: cash never does).
    Money held;
    if (convert(inst.scale.toMoney(p.costBasis()), held)) {
      f.initialMargin = absolute(held);
      f.maintenanceMargin = f.initialMargin;
    }
  }
  return f;
}

Money Ledger::cashInBase(const Account& account, bool& missingFx) const {
  std::int64_t cash = 0;
  for (const CashBalance& b : account.balances()) {
    auto converted = convertAmount(fx_, b.amount, b.currency, account.baseCurrency());
    if (converted) {
      cash = saturatingAdd(cash, converted->raw());
    } else {
      missingFx = true;
    }
  }
  return Money::fromRaw(cash);
}

Valuation Ledger::assemble(const AccountState& state, const Figures& sums, Money cash) const {
  Valuation v;
  v.accountKnown = true;
  v.currency = state.account.baseCurrency();
  v.cash = cash;
  v.positionsValue = sums.value;
  v.netExposure = sums.exposure;
  v.grossExposure = sums.gross;
  v.unrealizedPnl = sums.unrealized;
  v.realizedPnl = sums.realized;
  v.fees = sums.fees;
  v.initialMargin = sums.initialMargin;
  v.maintenanceMargin = sums.maintenanceMargin;
  v.openPositions = static_cast<std::uint32_t>(sums.open);
  v.missingFxRate = sums.missingFx > 0;
  v.missingMark = sums.missingMark > 0;
  v.equity = Money::fromRaw(saturatingAdd(cash.raw(), sums.value.raw()));
  v.freeMargin = Money::fromRaw(saturatingSub(v.equity.raw(), v.initialMargin.raw()));
  if (v.equity.isPositive()) {
    // gross × 10^6 fits 64 bits for any gross below ~9.2e12 minor units: one native division
    // (rounded half up: both are positive), else the exact 256-bit path.
    std::int64_t scaled = 0;
    if (v.grossExposure.raw() >= 0 && !__builtin_mul_overflow(v.grossExposure.raw(), kPpm, &scaled)) {
      const std::int64_t e = v.equity.raw();
      const std::int64_t q = scaled / e;
      const std::int64_t r = scaled % e;
      v.leveragePpm = r >= e - r ? q + 1 : q;
    } else {
      v.leveragePpm = saturate64(mulDivRound(v.grossExposure.raw(), kPpm, v.equity.raw()));
    }
  } else if (v.grossExposure.isPositive()) {
    v.leveragePpm = std::numeric_limits<std::int64_t>::max();
  }
  return v;
}

void Ledger::revalue(PositionSlot& slot) const {
  AccountState& state = *slot.account;
  if (!state.valued) return;  // the next refresh() computes every share
  const Figures share = shareOf(slot, state.account);
  state.sums.replace(slot.share, share);
  slot.share = share;
  const InstrumentState& inst = *slot.instrument;
  if (!slot.position.isFlat()) {
    if (slot.openIndex == kNotOpen) {
      slot.openIndex = static_cast<std::uint32_t>(state.open.size());
      state.open.push_back(OpenEntry{&slot, &inst.markVersion, inst.markVersion});
    } else {
      state.open[slot.openIndex].markSeen = inst.markVersion;
    }
  } else if (slot.openIndex != kNotOpen) {
    const std::uint32_t index = slot.openIndex;
    state.open[index] = state.open.back();
    state.open[index].slot->openIndex = index;
    state.open.pop_back();
    slot.openIndex = kNotOpen;
  }
}

void Ledger::refresh(AccountState& state) const {
  const Account& account = state.account;
  if (!state.valued || state.epochSeen != epoch_ || state.fxSeen != fx_.version() ||
      !(state.marginSeen == account.marginRates())) {
    for (PositionSlot* slot : state.dirty) slot->dirty = false;
    state.dirty.clear();
    state.sums = Figures{};
    state.open.clear();
    for (PositionSlot* slot : state.positions) {
      slot->share = shareOf(*slot, account);
      state.sums.add(slot->share, 1);
      slot->openIndex = kNotOpen;
      if (!slot->position.isFlat()) {
        slot->openIndex = static_cast<std::uint32_t>(state.open.size());
        state.open.push_back(OpenEntry{slot, &slot->instrument->markVersion, slot->instrument->markVersion});
      }
    }
    state.valued = true;
    state.marksSeen = markChanges_;
    state.epochSeen = epoch_;
    state.fxSeen = fx_.version();
    state.marginSeen = account.marginRates();
    return;
  }
  // Positions filled since (their open-list membership may change), then the open positions
  // whose instrument's mark moved.
  for (PositionSlot* slot : state.dirty) {
    slot->dirty = false;
    revalue(*slot);
  }
  state.dirty.clear();
  const std::uint64_t changes = markChanges_ - state.marksSeen;
  if (changes == 0) return;
  state.marksSeen = markChanges_;
  if (changes <= kMarkLog && changes * 8 <= state.open.size()) {
    // Few changes against many open positions: look each changed instrument up.
    for (std::uint64_t k = markChanges_ - changes; k < markChanges_; ++k) {
      const auto it = positions_.find(PositionKey{account.id().value(), markLog_[k % kMarkLog]});
      if (it == positions_.end() || it->second.openIndex == kNotOpen) continue;
      OpenEntry& e = state.open[it->second.openIndex];
      if (*e.markVersion != e.markSeen) remark(e, state);
    }
    return;
  }
  for (OpenEntry& e : state.open) {
    if (*e.markVersion != e.markSeen) remark(e, state);
  }
}

void Ledger::remark(OpenEntry& e, AccountState& state) const {
  e.markSeen = *e.markVersion;
  const Figures share = shareOf(*e.slot, state.account);
  state.sums.replace(e.slot->share, share);
  e.slot->share = share;
}

Valuation Ledger::value(AccountId accountId) const {
  AccountState* state = findAccount(accountId);
  if (state == nullptr) return Valuation{};
  refresh(*state);
  bool cashMissingFx = false;
  const Money cash = cashInBase(state->account, cashMissingFx);
  Valuation v = state->sums.large == 0 && state->positions.size() <= kNarrowPositions
                    ? assemble(*state, state->sums, cash)
                    : assemble(*state, wideFigures(*state), cash);
  v.missingFxRate = v.missingFxRate || cashMissingFx;
  assert(v == valueFromScratch(accountId));
  return v;
}

Ledger::RiskFigures Ledger::riskFigures(AccountId accountId) const {
  AccountState* state = findAccount(accountId);
  if (state == nullptr) return RiskFigures{};
  refresh(*state);
  bool cashMissingFx = false;
  RiskFigures r;
  r.cash = cashInBase(state->account, cashMissingFx);
  const auto fill = [&](const Figures& sums) {
    r.equity = Money::fromRaw(saturatingAdd(r.cash.raw(), sums.value.raw()));
    r.grossExposure = sums.gross;
    r.netExposure = sums.exposure;
    r.initialMargin = sums.initialMargin;
  };
  if (state->sums.large == 0 && state->positions.size() <= kNarrowPositions) {
    fill(state->sums);
  } else {
    fill(wideFigures(*state));
  }
  return r;
}

Valuation Ledger::valueFromScratch(AccountId accountId) const {
  const AccountState* state = findAccount(accountId);
  if (state == nullptr) return Valuation{};
  bool cashMissingFx = false;
  const Money cash = cashInBase(state->account, cashMissingFx);
  Valuation v = assemble(*state, wideFigures(*state), cash);
  v.missingFxRate = v.missingFxRate || cashMissingFx;
  return v;
}

std::optional<Money> Ledger::toBase(AccountId accountId, Money amount, Currency currency) const {
  const Account* a = account(accountId);
  if (a == nullptr) return std::nullopt;
  return convertAmount(fx_, amount, currency, a->baseCurrency());
}

Result<Money> Ledger::exchangeCash(AccountId accountId, Currency from, Currency to, Money amount) {
  Account* a = account(accountId);
  if (a == nullptr) return makeError("account", fmt::format("account {} is not open", accountId.value()));
  if (!amount.isDefined() || !amount.isPositive()) return makeError("amount", "amount to exchange must be positive");
  if (from.isNone() || to.isNone() || from == to) {
    return makeError("currency", "exchange needs two different currencies");
  }
  auto credited = fx_.convert(amount, from, to);
  if (!credited) {
    return makeError("currency", fmt::format("no FX rate from {} to {}", from.code(), to.code()));
  }
  if (a->type() == AccountType::Cash && a->balance(from) < amount) {
    return makeError("amount", fmt::format("exchange of {} {} (minor units) exceeds the cash balance of {}",
                                           amount.raw(), from.code(), a->balance(from).raw()));
  }
  a->adjustCash(from, -amount);
  a->adjustCash(to, *credited);
  return *credited;
}

const Position* Ledger::position(AccountId account, InstrumentId instrument) const noexcept {
  auto it = positions_.find(PositionKey{account.value(), instrument.value()});
  return it == positions_.end() ? nullptr : &it->second.position;
}

void Ledger::listPositions(AccountId accountId, std::vector<const Position*>& out) const {
  out.clear();
  auto acc = accounts_.find(accountId);
  if (acc == accounts_.end()) return;
  out.reserve(acc->second.positions.size());
  for (const PositionSlot* slot : acc->second.positions) out.push_back(&slot->position);
}

void Ledger::save(ByteWriter& out) const {
  out.u32(kSnapshotMagic);
  out.u8(kSnapshotVersion);
  fx_.save(out);

  std::vector<AccountId> ids;
  accountIds(ids);
  out.u32(static_cast<std::uint32_t>(ids.size()));
  for (AccountId id : ids) accounts_.at(id).account.save(out);

  // Accounts in id order, each account's slots in instrument order: (account, instrument) order.
  out.u32(static_cast<std::uint32_t>(positions_.size()));
  for (AccountId id : ids) {
    for (const PositionSlot* slot : accounts_.at(id).positions) slot->position.save(out);
  }

  std::vector<InstrumentId> marked;
  for (const auto& [id, s] : instruments_) {
    if (s.last.isDefined() || s.bid.isDefined() || s.ask.isDefined()) marked.push_back(id);
  }
  std::sort(marked.begin(), marked.end());
  out.u32(static_cast<std::uint32_t>(marked.size()));
  for (InstrumentId id : marked) {
    const InstrumentState& s = instruments_.at(id);
    out.u64(id.value());
    out.i64(s.last.raw());
    out.i64(s.bid.raw());
    out.i64(s.ask.raw());
  }

  // Futures' final settlements, made or scheduled (version 3).
  std::vector<InstrumentId> settled;
  for (const auto& [id, s] : instruments_) {
    if (s.settlement.isDefined() || s.settleAt.nanos() != INT64_MAX) settled.push_back(id);
  }
  std::sort(settled.begin(), settled.end());
  out.u32(static_cast<std::uint32_t>(settled.size()));
  for (InstrumentId id : settled) {
    const InstrumentState& s = instruments_.at(id);
    out.u64(id.value());
    out.i64(s.settlement.raw());
    out.i64(s.settleAt.nanos());
    out.i64(s.settleAtPrice.raw());
  }
}

bool Ledger::load(ByteReader& in) {
  if (in.u32() != kSnapshotMagic) return false;
  const std::uint8_t version = in.u8();
  if (version < 1 || version > kSnapshotVersion || !in.ok()) return false;
  FxRates fx;
  if (!fx.load(in)) return false;

  // Everything is built aside and swapped in at the end, so a bad snapshot changes nothing.
  std::unordered_map<AccountId, AccountState> accounts;
  const std::uint32_t accountCount = in.count(1u << 24);
  AccountId previousAccount;
  for (std::uint32_t i = 0; i < accountCount && in.ok(); ++i) {
    auto a = Account::load(in);
    if (!a || !(previousAccount < a->id())) return false;
    previousAccount = a->id();
    accounts.try_emplace(a->id(), std::move(*a));
  }
  if (!in.ok()) return false;

  std::unordered_map<PositionKey, PositionSlot, PositionKeyHash> positions;
  const std::uint32_t positionCount = in.count(1u << 28);
  // Reserve no more than the remaining bytes can hold (a position takes at least 61), so a
  // corrupt count cannot make the load allocate gigabytes.
  positions.reserve(std::min<std::size_t>(positionCount, in.remaining() / 61));
  PositionKey previous;
  for (std::uint32_t i = 0; i < positionCount && in.ok(); ++i) {
    Position p;
    if (!p.load(in)) return false;
    const PositionKey key{p.account().value(), p.instrument().value()};
    const bool ordered =
        previous.account < key.account || (previous.account == key.account && previous.instrument < key.instrument);
    auto acc = accounts.find(p.account());
    auto inst = instruments_.find(p.instrument());
    if (!ordered || acc == accounts.end() || inst == instruments_.end()) return false;
    previous = key;
    auto [it, inserted] =
        positions.try_emplace(key, PositionSlot{std::move(p), &acc->second, &inst->second, Figures{}, kNotOpen, false});
    if (version == 1 && inst->second.settlesAsFuture) {
      // Version 1 paid a future's notional through cash: what it paid for the open position,
      // its cost basis, goes back (old cash = deposits − Σ buys + Σ sells − fees; now deposits
      // + realized − fees; the difference is the basis still open), one rounding.
      const Instrument& def = inst->second.definition;
      acc->second.account.adjustCash(def.currency(), inst->second.scale.toMoney(it->second.position.costBasis()));
    }
    acc->second.positions.push_back(&it->second);  // input order is instrument order per account
    acc->second.open.reserve(acc->second.positions.size());
    acc->second.dirty.reserve(acc->second.positions.size());
  }
  if (!in.ok()) return false;

  struct Mark {
    InstrumentState* state;
    Price last, bid, ask;
  };
  std::vector<Mark> marks;
  const std::uint32_t markCount = in.count(1u << 24);
  InstrumentId previousInstrument;
  for (std::uint32_t i = 0; i < markCount && in.ok(); ++i) {
    const InstrumentId id{in.u64()};
    const Price last = Price::fromRaw(in.i64());
    const Price bid = Price::fromRaw(in.i64());
    const Price ask = Price::fromRaw(in.i64());
    auto inst = instruments_.find(id);
    if (!in.ok() || !(previousInstrument < id) || inst == instruments_.end()) return false;
    previousInstrument = id;
    marks.push_back(Mark{&inst->second, last, bid, ask});
  }
  if (!in.ok()) return false;

  struct Settled {
    InstrumentState* state;
    Price price;
    Timestamp at;
    Price atPrice;
  };
  std::vector<Settled> settlements;
  if (version >= 3) {
    const std::uint32_t settledCount = in.count(1u << 24);
    InstrumentId previousSettled;
    for (std::uint32_t i = 0; i < settledCount && in.ok(); ++i) {
      const InstrumentId id{in.u64()};
      const Price price = Price::fromRaw(in.i64());
      const Timestamp at{in.i64()};
      const Price atPrice = Price::fromRaw(in.i64());
      auto inst = instruments_.find(id);
      // A made settlement, a schedule, or both (the schedule that made it).
      if (!in.ok() || !(previousSettled < id) || inst == instruments_.end() || !inst->second.settlesAsFuture ||
          (!price.isDefined() && at.nanos() == INT64_MAX)) {
        return false;
      }
      previousSettled = id;
      settlements.push_back(Settled{&inst->second, price, at, atPrice});
    }
    if (!in.ok()) return false;
  }

  fx_ = std::move(fx);
  ++epoch_;  // the accounts below are new and unvalued; this also covers the replaced FX table
  lastAccount_.state = nullptr;
  accounts_ = std::move(accounts);
  positions_ = std::move(positions);
  for (auto& [id, s] : instruments_) s.last = s.bid = s.ask = Price::undefined();
  for (const Mark& m : marks) {
    m.state->last = m.last;
    m.state->bid = m.bid;
    m.state->ask = m.ask;
  }
  for (auto& [id, s] : instruments_) {
    s.settlement = s.settleAtPrice = Price::undefined();
    s.settleAt = Timestamp{INT64_MAX};
  }
  for (const Settled& s : settlements) {
    s.state->settlement = s.price;
    s.state->settleAt = s.at;
    s.state->settleAtPrice = s.atPrice;
  }
  updateNextSettleAt();
  return true;
}

}  // namespace alphintra::oms
