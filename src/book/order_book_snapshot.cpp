// OrderBook: state snapshots (saveState / loadState), for engine snapshots and recovery. See
// docs/matching.md, "Snapshots".
//
// Owns the encoding of a book's state. Every value is written field by field, little-endian,
// through ByteWriter (core/binary_io.hpp). Layout, version 1:
//
//   header   u32 magic "ABKS", u32 version, u64 instrument id, i64 tick, i64 lot, u8 status,
//            i64 latest time seen, u64 event sequence, u64 acceptance counter,
//            i64 last trade price, i64 reference price (INT64_MIN: undefined)
//   levels   for bids then asks: u32 level count; per level, best first: i64 price,
//            u32 order count, then its orders in time priority
//   stops    for buy then sell stops: u32 count, then the orders in stop-book order (the
//            next to trigger last)
//   auction  for queued market buys then sells: u32 count, then the orders in arrival order
//   order    u64 id, u64 account, u8 type, u8 time in force, u8 self-trade mode, u8 post-only,
//            u8 triggered, i64 price, i64 stop price, i64 quantity, i64 leaves,
//            i64 displayed, i64 iceberg peak, i64 minimum quantity, i64 expire time,
//            u64 acceptance sequence (93 bytes)
//
// Invariants: the encoding is structural. Pool indices, free lists, hash-table layout and
// scratch buffers never reach it, and everything derived is rebuilt on load rather than
// stored: level totals and counts, the id and price indexes, and the GTD expiry heap (one
// entry per live GTD order; the live book's heap may also hold entries of finished orders,
// which it skips). So equal states give equal bytes, and every input loadState accepts is
// written back by saveState byte for byte. loadState checks each invariant the matching code
// relies on (ranges of enums and quantities, displayed ≤ leaves ≤ quantity, prices on the tick,
// last trade and reference price positive, levels strictly ordered and never empty, stop books
// sorted, unique ids and acceptance sequences) so that a corrupt input cannot make a later
// command loop, overflow or index out of range. It does not re-check business rules that
// replaces and self-trade decrements may legitimately leave broken (lot multiples, instrument
// minimum, peak above quantity).
//
// Limits: setReferencePrice does not validate its argument; a book given a reference price of
// zero or below saves a state that loadState refuses (a reference price is a price: positive).
//
// Threading: the owning thread, between commands. Not on the hot path: loadState allocates,
// saveState appends to the caller's buffer (which may allocate).
#include <algorithm>
#include <limits>

#include "book/order_book.hpp"

namespace alphintra::book {
namespace {

constexpr std::uint32_t kMagic = 0x534B4241u;  // bytes "ABKS"
constexpr std::uint32_t kVersion = 1;
constexpr std::int64_t kNoPrice = std::numeric_limits<std::int64_t>::min();
constexpr std::size_t kOrderBytes = 2 * 8 + 5 + 9 * 8;
constexpr std::size_t kLevelHeaderBytes = 8 + 4;

constexpr bool isStopType(OrderType t) noexcept { return t == OrderType::Stop || t == OrderType::StopLimit; }
constexpr bool hasLimit(OrderType t) noexcept { return t == OrderType::Limit || t == OrderType::StopLimit; }

// The most records of `recordBytes` each that the rest of the input could hold: a corrupt count
// fails here instead of allocating for it.
std::uint32_t maxRecords(const ByteReader& in, std::size_t recordBytes) {
  return static_cast<std::uint32_t>(
      std::min<std::size_t>(in.remaining() / recordBytes, std::numeric_limits<std::uint32_t>::max()));
}

}  // namespace

void OrderBook::saveState(ByteWriter& out) const {
  out.u32(kMagic);
  out.u32(kVersion);
  out.u64(instrument_.id().value());
  out.i64(tick_);
  out.i64(lot_);
  out.u8(static_cast<std::uint8_t>(status_));
  out.i64(now_.nanos());
  out.u64(sequence_);
  out.u64(acceptCounter_);
  out.i64(lastTradePrice_.raw());
  out.i64(referencePrice_.raw());

  for (const SideBook* book : {&bids_, &asks_}) {
    out.u32(static_cast<std::uint32_t>(book->levels.size()));
    for (auto it = book->levels.rbegin(); it != book->levels.rend(); ++it) {
      const Level& level = levels_[it->level];
      out.i64(level.price);
      out.u32(level.count);
      for (std::uint32_t i = level.head; i != kNil; i = orders_[i].next) saveOrder(i, out);
    }
  }
  for (const std::vector<StopEntry>* stops : {&buyStops_, &sellStops_}) {
    out.u32(static_cast<std::uint32_t>(stops->size()));
    for (const StopEntry& e : *stops) saveOrder(e.order, out);
  }
  for (const std::uint32_t* queue : {auctionBuys_, auctionSells_}) {
    std::uint32_t count = 0;
    for (std::uint32_t i = queue[0]; i != kNil; i = orders_[i].next) ++count;
    out.u32(count);
    for (std::uint32_t i = queue[0]; i != kNil; i = orders_[i].next) saveOrder(i, out);
  }
}

void OrderBook::saveOrder(std::uint32_t idx, ByteWriter& out) const {
  const Order& o = orders_[idx];
  const OrderCold& c = cold_[idx];
  // 2 × 8 + 5 × 1 + 9 × 8 bytes, as the field-by-field writes of layout version 1.
  out.record(93)
      .u64(o.id)
      .u64(o.account)
      .u8(static_cast<std::uint8_t>(o.type))
      .u8(static_cast<std::uint8_t>(o.tif))
      .u8(static_cast<std::uint8_t>(o.selfTrade))
      .boolean(o.postOnly)
      .boolean(o.triggered)
      .i64(o.price)
      .i64(c.stopPrice)
      .i64(c.quantity)
      .i64(o.leaves)
      .i64(o.displayed)
      .i64(c.peak)
      .i64(c.minQuantity)
      .i64(c.expireTime)
      .u64(c.acceptSeq);
}

bool OrderBook::loadState(ByteReader& in) {
  clearState();
  if (loadStateBody(in) && in.ok()) return true;
  clearState();
  return false;
}

// Back to the state of a freshly constructed book. Pool memory is kept; the indexes are rebuilt
// at their start-up size.
void OrderBook::clearState() {
  status_ = instrument_.status();
  now_ = Timestamp{};
  sequence_ = 0;
  acceptCounter_ = 0;
  lastTradePrice_ = Price::undefined();
  referencePrice_ = Price::undefined();
  tradedInCommand_ = false;
  usedOrders_ = 0;
  freeOrders_ = kNil;
  levels_.clear();
  freeLevels_ = kNil;
  for (SideBook* book : {&bids_, &asks_}) {
    ++book->topVersion;  // never reset: a reader's last value must not come back
    book->levels.clear();
    book->byPrice = IdIndex{};
    book->byPrice.reserve(options_.expectedLevels);
  }
  index_ = IdIndex{options_.expectedOrders};
  restingCount_ = 0;
  buyStops_.clear();
  sellStops_.clear();
  triggerQueue_.clear();
  massScratch_.clear();
  expiries_.clear();
  auctionBuys_[0] = auctionBuys_[1] = kNil;
  auctionSells_[0] = auctionSells_[1] = kNil;
}

bool OrderBook::loadStateBody(ByteReader& in) {
  if (in.u32() != kMagic || in.u32() != kVersion) return false;
  if (in.u64() != instrument_.id().value() || in.i64() != tick_ || in.i64() != lot_) return false;
  const std::uint8_t status = in.u8();
  if (status > static_cast<std::uint8_t>(TradingStatus::Halted)) return false;
  status_ = static_cast<TradingStatus>(status);
  now_ = Timestamp{in.i64()};
  sequence_ = in.u64();
  acceptCounter_ = in.u64();
  lastTradePrice_ = Price::fromRaw(in.i64());
  referencePrice_ = Price::fromRaw(in.i64());
  if (!in.ok()) return false;
  // Prices, when defined, are positive: the uncross tie-break subtracts them from level prices.
  if (lastTradePrice_.isDefined() && lastTradePrice_.raw() <= 0) return false;
  if (referencePrice_.isDefined() && referencePrice_.raw() <= 0) return false;

  for (const Side side : {Side::Buy, Side::Sell}) {
    const std::uint32_t levelCount = in.count(maxRecords(in, kLevelHeaderBytes + kOrderBytes));
    std::int64_t previous = 0;
    for (std::uint32_t k = 0; k < levelCount; ++k) {
      const std::int64_t price = in.i64();
      const std::uint32_t count = in.count(maxRecords(in, kOrderBytes));
      if (!in.ok() || count == 0 || checkLimitPrice(price) != RejectReason::None) return false;
      if (k > 0 && (side == Side::Buy ? price >= previous : price <= previous)) return false;  // best first
      previous = price;
      const std::uint32_t lvl = findOrAddLevel(side, price);
      for (std::uint32_t n = 0; n < count; ++n) {
        const std::uint32_t idx = loadOrder(in, side, Where::Resting);
        if (idx == kNil) return false;
        Order& o = orders_[idx];
        Level& level = levels_[lvl];
        std::int64_t displayed = 0;
        if (o.price != price || __builtin_add_overflow(level.displayed, o.displayed, &displayed)) return false;
        // Linked at the back, as rest() does, but without events: loading is not a command.
        o.where = Where::Resting;
        o.level = lvl;
        o.next = kNil;
        o.prev = level.tail;
        if (level.tail != kNil) {
          orders_[level.tail].next = idx;
        } else {
          level.head = idx;
        }
        level.tail = idx;
        level.displayed = displayed;
        ++level.count;
        ++restingCount_;
      }
    }
  }

  for (const Side side : {Side::Buy, Side::Sell}) {
    std::vector<StopEntry>& stops = side == Side::Buy ? buyStops_ : sellStops_;
    const std::uint32_t count = in.count(maxRecords(in, kOrderBytes));
    for (std::uint32_t n = 0; n < count; ++n) {
      const std::uint32_t idx = loadOrder(in, side, Where::Stop);
      if (idx == kNil) return false;
      const StopEntry entry{cold_[idx].stopPrice, cold_[idx].acceptSeq, idx};
      // Buy stops descending, sell stops ascending: the next to trigger at the back.
      if (!stops.empty() &&
          (side == Side::Buy ? entry.stopPrice > stops.back().stopPrice : entry.stopPrice < stops.back().stopPrice)) {
        return false;
      }
      orders_[idx].where = Where::Stop;
      stops.push_back(entry);
    }
  }

  for (const Side side : {Side::Buy, Side::Sell}) {
    const std::uint32_t count = in.count(maxRecords(in, kOrderBytes));
    for (std::uint32_t n = 0; n < count; ++n) {
      const std::uint32_t idx = loadOrder(in, side, Where::AuctionQueue);
      if (idx == kNil) return false;
      enqueueForAuction(idx);
    }
  }
  if (!in.ok()) return false;

  // Acceptance sequences order mass cancels, stop cascades and expiries: unique, and never ahead
  // of the counter that hands out the next one.
  std::vector<std::uint64_t> accepted;
  accepted.reserve(usedOrders_);
  for (std::uint32_t i = 0; i < usedOrders_; ++i) accepted.push_back(cold_[i].acceptSeq);
  std::sort(accepted.begin(), accepted.end());
  if (std::adjacent_find(accepted.begin(), accepted.end()) != accepted.end()) return false;
  if (!accepted.empty() && accepted.back() > acceptCounter_) return false;

  for (std::uint32_t i = 0; i < usedOrders_; ++i) {
    if (orders_[i].tif == TimeInForce::GTD) pushExpiry(i);
  }
  return true;
}

// Reads one order record, checks it on its own and for where it lives, and takes a pool slot
// and an id-index entry for it. The caller links it into its level, stop book or queue.
std::uint32_t OrderBook::loadOrder(ByteReader& in, Side side, Where where) {
  const std::uint64_t id = in.u64();
  const std::uint64_t account = in.u64();
  const std::uint8_t typeRaw = in.u8();
  const std::uint8_t tifRaw = in.u8();
  const std::uint8_t selfTradeRaw = in.u8();
  const bool postOnly = in.boolean();
  const bool triggered = in.boolean();
  const std::int64_t price = in.i64();
  const std::int64_t stopPrice = in.i64();
  const std::int64_t quantity = in.i64();
  const std::int64_t leaves = in.i64();
  const std::int64_t displayed = in.i64();
  const std::int64_t peak = in.i64();
  const std::int64_t minQuantity = in.i64();
  const std::int64_t expireTime = in.i64();
  const std::uint64_t acceptSeq = in.u64();
  if (!in.ok()) return kNil;

  if (id == 0 || account == 0 || acceptSeq == 0 || index_.find(id) != IdIndex::kMissing) return kNil;
  if (typeRaw < 1 || typeRaw > 4 || tifRaw < 1 || tifRaw > 5 || selfTradeRaw > 4) return kNil;
  const auto type = static_cast<OrderType>(typeRaw);
  const auto tif = static_cast<TimeInForce>(tifRaw);
  if (postOnly && type != OrderType::Limit) return kNil;
  if (quantity <= 0 || quantity > instrument_.maxQuantity().raw() || leaves <= 0 || leaves > quantity) return kNil;
  // What the book shows: the whole leaves, or for an iceberg at most its peak.
  if (displayed <= 0 || displayed > leaves) return kNil;
  if (peak == 0 ? displayed != leaves : (peak < 0 || displayed > peak || !hasLimit(type))) return kNil;
  if (minQuantity < 0) return kNil;
  if (hasLimit(type) ? checkLimitPrice(price) != RejectReason::None : price != kNoPrice) return kNil;
  if (isStopType(type) ? (stopPrice <= 0 || !onTick(stopPrice)) : stopPrice != kNoPrice) return kNil;
  if (tif != TimeInForce::GTD && expireTime != 0) return kNil;
  switch (where) {
    case Where::Resting:  // a limit order, or a stop-limit order once triggered; min quantity spent
      if (!hasLimit(type) || triggered != (type == OrderType::StopLimit) || minQuantity != 0) return kNil;
      break;
    case Where::Stop:
      if (!isStopType(type) || triggered) return kNil;
      break;
    case Where::AuctionQueue:
      if (type != OrderType::Market || triggered) return kNil;
      break;
    case Where::Free: return kNil;
  }

  const std::uint32_t idx = allocOrder();
  Order& o = orders_[idx];
  OrderCold& c = cold_[idx];
  o.price = price;
  o.leaves = leaves;
  o.displayed = displayed;
  o.id = id;
  o.account = account;
  o.prev = o.next = o.level = kNil;
  o.side = side;
  o.where = Where::Free;
  o.type = type;
  o.tif = tif;
  o.selfTrade = static_cast<SelfTradePrevention>(selfTradeRaw);
  o.postOnly = postOnly;
  o.triggered = triggered;
  c.quantity = quantity;
  c.peak = peak;
  c.minQuantity = minQuantity;
  c.stopPrice = stopPrice;
  c.expireTime = expireTime;
  c.acceptSeq = acceptSeq;
  index_.insert(id, idx);
  return idx;
}

}  // namespace alphintra::book
