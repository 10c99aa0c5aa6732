#include "oms/ledger.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace alphintra::oms {
namespace {

constexpr std::uint32_t kSnapshotMagic = 0x47444C41;  // "ALDG", little-endian
constexpr std::uint8_t kSnapshotVersion = 1;

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
  if (old.currency() != instrument.currency() || old.pricePrecision() != instrument.pricePrecision() ||
      old.quantityPrecision() != instrument.quantityPrecision()) {
    return false;
  }
  it->second.definition = instrument;
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
  auto [it, inserted] = positions_.try_emplace(
      key, PositionSlot{Position(accountId, instrumentId, owner.account.costMethod()), &owner, &inst->second});
  PositionSlot* slot = &it->second;
  auto where = std::lower_bound(owner.positions.begin(), owner.positions.end(), instrumentId,
                                [](const PositionSlot* s, InstrumentId id) { return s->position.instrument() < id; });
  owner.positions.insert(where, slot);
  return slot;
}

FillResult Ledger::onFill(AccountId accountId, InstrumentId instrumentId, Side side, Price price, Quantity quantity,
                          bool maker, OrderFeesSoFar orderFeesSoFar) {
  FillResult r;
  r.orderFees = orderFeesSoFar;
  if (side != Side::Buy && side != Side::Sell) {
    r.status = FillStatus::InvalidSide;
    return r;
  }
  if (!price.isDefined()) {
    r.status = FillStatus::InvalidPrice;
    return r;
  }
  if (!quantity.isPositive()) {
    r.status = FillStatus::InvalidQuantity;
    return r;
  }
  PositionSlot* slot = slotFor(accountId, instrumentId, r.status);
  if (slot == nullptr) return r;

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
  r.cashChange = side == Side::Buy ? -(r.notional + r.fee) : r.notional - r.fee;

  account.adjustCash(currency, r.cashChange);
  r.realizedPnl = slot->position.applyFill(side, price, quantity, inst.scale);
  slot->position.addFee(r.fee);
  r.positionAfter = slot->position.quantity();
  return r;
}

bool Ledger::onMark(InstrumentId instrument, Price last) noexcept {
  auto it = instruments_.find(instrument);
  if (it == instruments_.end()) return false;
  it->second.last = last;
  return true;
}

bool Ledger::onQuote(InstrumentId instrument, Price bid, Price ask) noexcept {
  auto it = instruments_.find(instrument);
  if (it == instruments_.end()) return false;
  it->second.bid = bid;
  it->second.ask = ask;
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

Valuation Ledger::value(AccountId accountId) const {
  Valuation v;
  const AccountState* state = findAccount(accountId);
  if (state == nullptr) return v;
  const Account& account = state->account;
  const Currency base = account.baseCurrency();
  v.accountKnown = true;
  v.currency = base;

  // Adds `amount` of `from` to `into` in the base currency; a missing rate is flagged.
  auto addConverted = [&](Money amount, Currency from, Money& into) -> std::optional<Money> {
    auto converted = convertAmount(fx_, amount, from, base);
    if (!converted) {
      v.missingFxRate = true;
      return std::nullopt;
    }
    into += *converted;
    return converted;
  };

  for (const CashBalance& b : account.balances()) addConverted(b.amount, b.currency, v.cash);

  const bool margined = account.type() == AccountType::Margin;
  for (const PositionSlot* slot : state->positions) {
    const Position& p = slot->position;
    const InstrumentState& inst = *slot->instrument;
    const Currency currency = inst.definition.currency();
    if (!p.realizedPnl().isZero()) addConverted(p.realizedPnl(), currency, v.realizedPnl);
    if (!p.fees().isZero()) addConverted(p.fees(), currency, v.fees);
    if (p.isFlat()) continue;
    ++v.openPositions;

    const Price m = markOf(inst);
    Money marketValue;
    Money unrealized;
    if (m.isDefined()) {
      marketValue = p.marketValue(m, inst.scale);
      unrealized = p.unrealizedPnl(m, inst.scale);
    } else {
      // No price yet: value at cost so equity is not distorted, and say so.
      v.missingMark = true;
      marketValue = inst.scale.toMoney(p.costBasis());
    }
    Money valueBase;
    auto converted = addConverted(marketValue, currency, valueBase);
    if (!converted) continue;
    addConverted(unrealized, currency, v.unrealizedPnl);
    v.positionsValue += valueBase;
    v.netExposure += valueBase;
    const Money exposure = absolute(valueBase);
    v.grossExposure += exposure;
    if (margined) {
      const MarginRate& rate = account.marginRates().of(inst.definition.assetClass());
      v.initialMargin += applyRatePpm(exposure, rate.initialPpm);
      v.maintenanceMargin += applyRatePpm(exposure, rate.maintenancePpm);
    }
  }
  v.equity = v.cash + v.positionsValue;
  v.freeMargin = v.equity - v.initialMargin;
  if (v.equity.isPositive()) {
    v.leveragePpm = saturate64(mulDivRound(v.grossExposure.raw(), kPpm, v.equity.raw()));
  } else if (v.grossExposure.isPositive()) {
    v.leveragePpm = std::numeric_limits<std::int64_t>::max();
  }
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
}

bool Ledger::load(ByteReader& in) {
  if (in.u32() != kSnapshotMagic || in.u8() != kSnapshotVersion || !in.ok()) return false;
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
    auto [it, inserted] = positions.try_emplace(key, PositionSlot{std::move(p), &acc->second, &inst->second});
    acc->second.positions.push_back(&it->second);  // input order is instrument order per account
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

  fx_ = std::move(fx);
  lastAccount_.state = nullptr;
  accounts_ = std::move(accounts);
  positions_ = std::move(positions);
  for (auto& [id, s] : instruments_) s.last = s.bid = s.ask = Price::undefined();
  for (const Mark& m : marks) {
    m.state->last = m.last;
    m.state->bid = m.bid;
    m.state->ask = m.ask;
  }
  return true;
}

}  // namespace alphintra::oms
