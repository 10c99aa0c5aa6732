// Engine snapshots: the whole engine state in one deterministic byte string (equal states,
// equal bytes), written field by field in little-endian order by core/binary_io.hpp. The file
// around it (magic, version, sequence, checksum) is engine/snapshot_store.cpp's business.
//
// Order of sections: counters and global risk state, instruments (in definition order, which
// fixes the venue's book order), accounts, (account, instrument) pairs, orders, the ledger,
// and last the venue (books). load() expects a freshly constructed engine.
#include <cstring>

#include "engine/engine.hpp"

namespace alphintra::engine {

namespace {

constexpr std::uint32_t kMaxCount = 1u << 30;  // sanity bound on any section's element count
// In place of the order count: the orders section of an engine that has purged orders follows
// (a count never reaches it, being bounded by kMaxCount).
constexpr std::uint32_t kPurgedOrdersMarker = 0xFFFFFFFFu;
// Bounds that keep a damaged snapshot from making load() reserve what no engine held: every
// order record takes more than kMinOrderBytes (ids, prices, quantities, states), so a section
// cannot list more orders than its bytes can hold; and order ids stay at most 2^36 (the order
// table keeps a chunk pointer per 8,192 ids below its window: 64 MiB at the bound).
constexpr std::size_t kMinOrderBytes = 64;
constexpr std::uint64_t kMaxOrderId = std::uint64_t{1} << 36;

void putPrice(ByteWriter& w, Price p) { w.i64(p.raw()); }
void putQty(ByteWriter& w, Quantity q) { w.i64(q.raw()); }
Price getPrice(ByteReader& r) { return Price::fromRaw(r.i64()); }
Quantity getQty(ByteReader& r) { return Quantity::fromRaw(r.i64()); }
// A quantity the engine only ever counts up from zero (open, filled and leaves quantities):
// a negative one is damage, and pre-trade risk would overflow subtracting it.
Quantity getCount(ByteReader& r) {
  const std::int64_t raw = r.i64();
  if (raw < 0) r.fail();
  return Quantity::fromRaw(raw < 0 ? 0 : raw);
}

void putClientId(ByteWriter& w, const ClientOrderId& id) { w.string(id.view()); }
ClientOrderId getClientId(ByteReader& r) {
  const std::string_view s = r.stringView();
  if (s.size() > ClientOrderId::kMaxLength) r.fail();
  return ClientOrderId::fromTrusted(s);
}

void putCurrency(ByteWriter& w, Currency c) { w.string(c.code()); }
Currency getCurrency(ByteReader& r) {
  const std::string_view s = r.stringView();
  if (s.empty()) return Currency{};
  auto c = Currency::parse(s);
  if (!c.ok()) {
    r.fail();
    return Currency{};
  }
  return c.value();
}

// One record per order (a snapshot of a busy account writes hundreds of thousands): 171 bytes
// of fixed fields and three length-prefixed client ids.
void putOrder(ByteWriter& w, const oms::OmsOrder& o) {
  const oms::OrderRequest& q = o.request;
  const std::string_view requested = q.clientOrderId.view();
  const std::string_view current = o.clientOrderId.view();
  const std::string_view original = o.origClientOrderId.view();
  const auto notional = static_cast<UInt128>(o.cumNotional);
  w.record(171 + 12 + requested.size() + current.size() + original.size())
      .u64(o.id.value())
      .u64(q.account.value())
      .u64(q.instrument.value())
      .string(requested)
      .u8(static_cast<std::uint8_t>(q.side))
      .u8(static_cast<std::uint8_t>(q.type))
      .u8(static_cast<std::uint8_t>(q.timeInForce))
      .u8(static_cast<std::uint8_t>(q.selfTrade))
      .boolean(q.postOnly)
      .i64(q.price.raw())
      .i64(q.stopPrice.raw())
      .i64(q.quantity.raw())
      .i64(q.displayQuantity.raw())
      .i64(q.minQuantity.raw())
      .i64(q.expireTime.nanos())
      .string(current)
      .string(original)
      .i64(o.price.raw())
      .i64(o.stopPrice.raw())
      .i64(o.quantity.raw())
      .i64(o.cumQuantity.raw())
      .i64(o.leavesQuantity.raw())
      .u64(static_cast<std::uint64_t>(notional))
      .u64(static_cast<std::uint64_t>(notional >> 64))
      .i64(o.rateFees.raw())
      .i64(o.fees.raw())
      .u8(static_cast<std::uint8_t>(o.state.base))
      .u8(static_cast<std::uint8_t>(o.state.pending))
      .boolean(o.state.hasFills)
      .u8(static_cast<std::uint8_t>(o.rejectSource))
      .u8(o.rejectCode)
      .boolean(o.triggered)
      .i64(o.createdTime.nanos())
      .i64(o.updatedTime.nanos());
}

// An enumeration's byte, refused (the reader fails) outside [low, high]: a damaged snapshot must
// not give the engine a side, type or state that is none of its values.
template <typename E>
E getEnum(ByteReader& r, std::uint8_t low, std::uint8_t high) {
  const std::uint8_t v = r.u8();
  if (v < low || v > high) r.fail();
  return static_cast<E>(v < low || v > high ? low : v);
}

bool isOrdStatus(std::uint8_t v) {
  switch (static_cast<oms::OrdStatus>(v)) {
    case oms::OrdStatus::New:
    case oms::OrdStatus::PartiallyFilled:
    case oms::OrdStatus::Filled:
    case oms::OrdStatus::DoneForDay:
    case oms::OrdStatus::Canceled:
    case oms::OrdStatus::Replaced:
    case oms::OrdStatus::PendingCancel:
    case oms::OrdStatus::Rejected:
    case oms::OrdStatus::PendingNew:
    case oms::OrdStatus::Expired:
    case oms::OrdStatus::PendingReplace: return true;
  }
  return false;
}

oms::OmsOrder getOrder(ByteReader& r) {
  oms::OmsOrder o;
  oms::OrderRequest& q = o.request;
  o.id = OrderId{r.u64()};
  q.account = AccountId{r.u64()};
  q.instrument = InstrumentId{r.u64()};
  q.clientOrderId = getClientId(r);
  q.side = getEnum<Side>(r, 1, 2);
  q.type = getEnum<book::OrderType>(r, 1, 4);
  q.timeInForce = getEnum<book::TimeInForce>(r, 1, 5);
  q.selfTrade = getEnum<book::SelfTradePrevention>(r, 0, 4);
  q.postOnly = r.boolean();
  q.price = getPrice(r);
  q.stopPrice = getPrice(r);
  q.quantity = getQty(r);
  q.displayQuantity = getQty(r);
  q.minQuantity = getQty(r);
  q.expireTime = Timestamp(r.i64());
  o.clientOrderId = getClientId(r);
  o.origClientOrderId = getClientId(r);
  o.price = getPrice(r);
  o.stopPrice = getPrice(r);
  o.quantity = getQty(r);
  o.cumQuantity = getCount(r);
  o.leavesQuantity = getCount(r);
  const UInt128 lo = r.u64();
  const UInt128 hi = r.u64();
  o.cumNotional = static_cast<Int128>(lo | (hi << 64));
  o.rateFees = Money::fromRaw(r.i64());
  o.fees = Money::fromRaw(r.i64());
  const std::uint8_t status = r.u8();
  if (!isOrdStatus(status)) r.fail();
  o.state.base = isOrdStatus(status) ? static_cast<oms::OrdStatus>(status) : oms::OrdStatus::Rejected;
  o.state.pending = getEnum<oms::Pending>(r, 0, 2);
  o.state.hasFills = r.boolean();
  o.rejectSource = getEnum<oms::RejectSource>(r, 0, 3);
  o.rejectCode = r.u8();
  o.triggered = r.boolean();
  o.createdTime = Timestamp(r.i64());
  o.updatedTime = Timestamp(r.i64());
  return o;
}

void putTop(ByteWriter& w, const book::TopOfBook& t) {
  putPrice(w, t.bidPrice);
  putQty(w, t.bidQuantity);
  w.u32(t.bidOrders);
  putPrice(w, t.askPrice);
  putQty(w, t.askQuantity);
  w.u32(t.askOrders);
  putPrice(w, t.lastTradePrice);
  w.u64(t.sequence);
}

book::TopOfBook getTop(ByteReader& r) {
  book::TopOfBook t;
  t.bidPrice = getPrice(r);
  t.bidQuantity = getQty(r);
  t.bidOrders = r.u32();
  t.askPrice = getPrice(r);
  t.askQuantity = getQty(r);
  t.askOrders = r.u32();
  t.lastTradePrice = getPrice(r);
  t.sequence = r.u64();
  return t;
}

}  // namespace

void Engine::save(ByteWriter& w) const {
  w.u64(lastSequence_);
  w.i64(lastTime_.nanos());
  w.u64(nextExecId_);
  w.u64(nextTradeId_);
  w.u8(static_cast<std::uint8_t>(globalState_));
  risk::save(w, defaultLimits_);
  killSwitch_.save(w);

  w.u32(static_cast<std::uint32_t>(instruments_.size()));
  for (std::size_t i = 0; i < instruments_.size(); ++i) {
    const DefineInstrumentBody body = toDefineBody(instruments_[i]);
    w.bytes(std::as_bytes(std::span(&body, 1)));  // fixed layout without padding, as in the journal
    const InstrumentState& s = instrumentStates_[i];
    risk::save(w, s.defaultLimits);
    putPrice(w, s.referencePrice);
    putTop(w, s.lastQuote);
    w.boolean(s.restricted);
  }

  w.u32(static_cast<std::uint32_t>(accounts_.size()));
  for (const AccountState& a : accounts_) {
    w.u64(a.id.value());
    w.u8(static_cast<std::uint8_t>(a.type));
    putCurrency(w, a.base);
    risk::save(w, a.limits);
    w.boolean(a.ownLimits);
    w.u8(static_cast<std::uint8_t>(a.state));
    a.bucket.save(w);
    w.u32(a.openOrders);
    w.i64(a.reservedFunds);
    w.i64(a.openNotional);
    w.u32(static_cast<std::uint32_t>(a.restricted.size()));
    for (std::uint64_t id : a.restricted) w.u64(id);
  }

  w.u32(static_cast<std::uint32_t>(pairs_.size()));
  for (const PairState& p : pairs_) {
    w.u32(p.account);
    w.u32(p.instrument);
    putQty(w, p.openBuy);
    putQty(w, p.openSell);
    risk::save(w, p.limits);
    w.boolean(p.ownLimits);
  }

  // Orders: while none has been purged, a count and every order from id 1; after a purge, a
  // marker, the window's first id, the orders created, the number kept, then those orders.
  if (orders_.base() == 1) {
    w.u32(static_cast<std::uint32_t>(orders_.size()));
  } else {
    w.u32(kPurgedOrdersMarker);
    w.u64(orders_.base());
    w.u64(orders_.size());
    w.u64(orders_.kept());
  }
  orders_.forEach([&](const oms::OmsOrder& o) {
    putOrder(w, o);
    const OrderExtra& x = extra(o.id);
    w.i64(x.reserved);
    w.u32(x.pair);
    w.i64(x.openNotional);
  });
  w.u32(static_cast<std::uint32_t>(orders_.replacementIds().size()));
  for (const auto& [id, clientId] : orders_.replacementIds()) {
    w.u64(id);
    putClientId(w, clientId);
  }

  ledger_.save(w);
  venue_->save(w);
}

bool Engine::load(ByteReader& r) {
  if (!instruments_.empty() || !accounts_.empty() || orders_.size() != 0) return false;  // fresh engines only
  lastSequence_ = r.u64();
  lastTime_ = Timestamp(r.i64());
  nextExecId_ = r.u64();
  nextTradeId_ = r.u64();
  globalState_ = getEnum<risk::TradingState>(r, 0, 2);
  risk::load(r, defaultLimits_);
  killSwitch_.load(r);

  const std::uint32_t nInstruments = r.count(1u << 20);
  for (std::uint32_t i = 0; i < nInstruments && r.ok(); ++i) {
    DefineInstrumentBody body;
    std::byte raw[sizeof(DefineInstrumentBody)];
    for (auto& b : raw) b = static_cast<std::byte>(r.u8());
    if (!r.ok()) return false;
    std::memcpy(static_cast<void*>(&body), raw, sizeof body);
    auto in = fromDefineBody(body);
    if (!in.ok() || instrumentIndex(in->id()) != book::IdIndex::kMissing) return false;
    addInstrument(in.value());
    InstrumentState& s = instrumentStates_.back();
    risk::load(r, s.defaultLimits);
    s.referencePrice = getPrice(r);
    s.lastQuote = getTop(r);
    s.restricted = r.boolean();
  }

  const std::uint32_t nAccounts = r.count(kMaxCount);
  for (std::uint32_t i = 0; i < nAccounts && r.ok(); ++i) {
    AccountState a;
    a.id = AccountId{r.u64()};
    a.type = getEnum<risk::AccountType>(r, 1, 2);
    a.base = getCurrency(r);
    risk::load(r, a.limits);
    a.ownLimits = r.boolean();
    a.state = getEnum<risk::TradingState>(r, 0, 2);
    a.bucket.load(r);
    a.openOrders = r.u32();
    a.reservedFunds = r.i64();
    a.openNotional = r.i64();
    const std::uint32_t n = r.count(kMaxCount);
    for (std::uint32_t k = 0; k < n && r.ok(); ++k) a.restricted.push_back(r.u64());
    if (!r.ok() || a.id.isNone() || accountIndex_.find(a.id.value()) != book::IdIndex::kMissing) return false;
    accountIndex_.insert(a.id.value(), static_cast<std::uint32_t>(accounts_.size()));
    accounts_.push_back(std::move(a));
  }

  const std::uint32_t nPairs = r.count(kMaxCount);
  for (std::uint32_t i = 0; i < nPairs && r.ok(); ++i) {
    PairState p;
    p.account = r.u32();
    p.instrument = r.u32();
    p.openBuy = getCount(r);
    p.openSell = getCount(r);
    risk::load(r, p.limits);
    p.ownLimits = r.boolean();
    if (!r.ok() || p.account >= accounts_.size() || p.instrument >= instruments_.size()) return false;
    if (pairIndex(p.account, p.instrument) != pairs_.size() - 1) return false;  // duplicate pair
    pairs_.back() = p;
  }

  std::uint64_t base = 1;
  std::uint64_t created = r.u32();
  std::uint64_t kept = created;
  if (created == kPurgedOrdersMarker) {
    base = r.u64();
    created = r.u64();
    kept = r.u64();
    if (base == 0 || base - 1 > created || kept < created - (base - 1) || kept - (created - (base - 1)) >= base) {
      return false;
    }
  } else if (created > kMaxCount) {
    return false;
  }
  if (!r.ok() || created > kMaxOrderId || kept > r.remaining() / kMinOrderBytes) return false;
  const std::size_t window = created - (base - 1);
  orders_.startRestore(base, std::max<std::size_t>(window, options_.expectedOrders));
  extras_.startAt(base - 1);
  extras_.reserve(base - 1 + std::max<std::size_t>(window, options_.expectedOrders), options_.tables);
  parkedExtras_.clear();
  for (std::uint64_t i = 0; i < kept && r.ok(); ++i) {
    const oms::OmsOrder order = getOrder(r);
    OrderExtra x;
    x.reserved = r.i64();
    x.pair = r.u32();
    x.openNotional = r.i64();
    if (!r.ok() || x.pair >= pairs_.size()) return false;
    // The pair is the order's own account and instrument: its fills book to that pair's
    // position record (and the risk figures read it).
    const PairState& own = pairs_[x.pair];
    if (accounts_[own.account].id != order.account() || instruments_[own.instrument].id() != order.instrument()) {
      return false;
    }
    if (!orders_.restoreOrder(order)) return false;
    if (order.id.value() < base) {
      parkedExtras_.emplace_hint(parkedExtras_.end(), order.id.value(), x);
    } else {
      extras_.push_back(x);
    }
  }
  if (orders_.size() != created) return false;
  const std::uint32_t nReplacementIds = r.count(kMaxCount);
  std::vector<std::pair<OrderId, ClientOrderId>> replacementIds;
  for (std::uint32_t i = 0; i < nReplacementIds && r.ok(); ++i) {
    const OrderId id{r.u64()};
    replacementIds.emplace_back(id, getClientId(r));
  }
  if (!r.ok()) return false;
  orders_.finishRestore(replacementIds);

  if (!ledger_.load(r)) return false;
  for (AccountState& a : accounts_) a.ledger = ledger_.account(a.id);
  if (!venue_->load(r)) return false;
  return r.ok() && r.atEnd();
}

std::uint64_t Engine::stateHash() const {
  std::vector<std::byte> bytes;
  ByteWriter w(bytes);
  save(w);
  std::uint64_t h = 14695981039346656037ull;
  for (std::byte b : bytes) {
    h ^= static_cast<std::uint8_t>(b);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace alphintra::engine
