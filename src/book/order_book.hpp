// OrderBook: one instrument's limit order book and matching engine (semantics: docs/matching.md).
//
// Threading: single writer. The engine thread that owns the book calls every method; nothing
// here locks, blocks, reads a clock, does I/O or throws.
//
// Memory: orders live in a pool indexed by uint32 (intrusive doubly-linked FIFO per level), so
// an order's handle survives pool growth; price levels live in a second pool. Both, the id
// index and the event buffer are sized up front from BookOptions, so steady-state operation
// allocates nothing (bench/book_replay proves it with an allocation counter). Growing past the
// expected sizes stays correct and only then allocates.
//
// Data structures, chosen from the access pattern:
// * per side, a sorted array of (price, level) with the best price at the back: new orders and
//   fills happen near the touch, so inserting or removing a level moves a few entries and the
//   best level is O(1); any price is allowed (no fixed tick window).
// * order id → pool index in an open-addressing hash table with linear probing and
//   backward-shift deletion (no tombstones, so cancel-heavy flow does not degrade it);
//   std::unordered_map would allocate a node per order.
// * stop orders and GTD expiries are rare: kept in small sorted/heap vectors.
//
// Snapshots (order_book_snapshot.cpp): saveState/loadState write and read the complete state
// that decides future events, structurally (levels, queues, stop book), never pool indices, so
// equal states give equal bytes. Off the hot path; loadState allocates.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "book/id_index.hpp"
#include "book/types.hpp"
#include "core/binary_io.hpp"
#include "core/instrument.hpp"

namespace alphintra::book {

struct BookOptions {
  std::uint32_t expectedOrders = 1u << 16;  // live orders the pools and id index are sized for
  std::uint32_t expectedLevels = 1024;      // price levels per side sized for
  bool levelUpdates = false;                // emit L2 LevelUpdate events
  bool orderUpdates = false;                // emit L3 OrderAdded/Updated/Deleted events
  bool topVersions = false;                 // keep topVersion() (off: it stays 0)
};

struct TopOfBook {
  Price bidPrice = Price::undefined();
  Quantity bidQuantity;
  std::uint32_t bidOrders = 0;
  Price askPrice = Price::undefined();
  Quantity askQuantity;
  std::uint32_t askOrders = 0;
  Price lastTradePrice = Price::undefined();
  std::uint64_t sequence = 0;
};

struct LevelView {
  Price price;
  Quantity quantity;  // displayed
  std::uint32_t orders = 0;
};

struct OrderView {
  OrderId id;
  AccountId account;
  Side side = Side::None;
  OrderType type = OrderType::Limit;
  TimeInForce timeInForce = TimeInForce::GTC;
  Price price = Price::undefined();
  Price stopPrice = Price::undefined();
  Quantity quantity;  // total order quantity (after replaces)
  Quantity filledQuantity;
  Quantity leavesQuantity;
  Quantity displayedQuantity;  // what the book shows; 0 for stops and queued market orders
  bool resting = false;        // in a price level (not a stop, not a queued market order)
};

class OrderBook {
 public:
  explicit OrderBook(const Instrument& instrument, BookOptions options = {});

  void submit(const NewOrder& order, Timestamp now, std::vector<Event>& out);
  void cancel(OrderId id, Timestamp now, std::vector<Event>& out);
  // Cache hints for a cancel or replace of `id` coming soon (the id index is reached at random,
  // a memory miss per lookup): the index slot first, then, once that slot is cached, the
  // order's record. Reads only; never changes a result.
  void prefetchIndex(OrderId id) const noexcept { index_.prefetch(id.value()); }
  void prefetchOrder(OrderId id) const noexcept {
    const std::uint32_t idx = index_.find(id.value());
    if (idx != IdIndex::kMissing) __builtin_prefetch(&orders_[idx]);
  }
  void replace(const ReplaceOrder& request, Timestamp now, std::vector<Event>& out);
  // Takes `by` off an order's open quantity keeping its place in the queue (an exchange feed's
  // partial cancel), or cancels it when `by` reaches the open quantity: the events of replace()
  // or cancel(), from one id lookup when the order is known. `by` must be positive
  // (InvalidQuantity); an unknown id is rejected as by cancel().
  void reduceBy(OrderId id, Quantity by, Timestamp now, std::vector<Event>& out);
  void massCancel(AccountId account, Timestamp now, std::vector<Event>& out);
  void setStatus(TradingStatus status, Timestamp now, std::vector<Event>& out);
  void advanceTime(Timestamp now, std::vector<Event>& out);
  void setReferencePrice(Price price) noexcept { referencePrice_ = price; }

  // Appends the book's complete state (every live order with all its fields in exact queue
  // order per level, stops in trigger order, the auction queues, status, sequence counter, last
  // trade and reference price, the latest time seen, the acceptance counter) to `out` in a
  // deterministic little-endian encoding: equal states give equal bytes. GTD expiries are
  // derived from the live orders. Format and guarantees: docs/matching.md, "Snapshots".
  void saveState(ByteWriter& out) const;
  // Replaces this book's state with one written by saveState for the same instrument (id, tick
  // and lot must match; BookOptions are not part of the state). Reads exactly what saveState
  // wrote and leaves the reader after it. On a malformed input (short, corrupt, or breaking an
  // invariant the book relies on) returns false and leaves the book empty-but-valid, as if
  // freshly constructed.
  [[nodiscard]] bool loadState(ByteReader& in);

  // Queries (market data snapshots). L2/L3 append to `out` after clearing it.
  TopOfBook topOfBook() const noexcept;
  void depth(Side side, std::size_t maxLevels, std::vector<LevelView>& out) const;
  // The best out.size() levels of a side into `out` (no allocation); returns how many there are.
  std::size_t depth(Side side, std::span<LevelView> out) const noexcept;
  // The same as raw (price, displayed quantity) pairs: out[2k], out[2k + 1] for the k-th best
  // level, for out.size() / 2 levels; returns how many levels there are (the rest untouched).
  std::size_t depthPairs(Side side, std::span<std::int64_t> out) const noexcept;
  // With BookOptions::topVersions, a counter per side that moves whenever one of its best
  // kWatchedLevels levels appears, disappears or changes its displayed quantity (and sometimes
  // when a deeper one does). It only grows over the book's life, loads included: a reader that
  // sees the value of its last read again knows that depthPairs of up to kWatchedLevels levels
  // would read the same pairs. Off by default: the matching path pays nothing for it.
  static constexpr std::size_t kWatchedLevels = 5;
  std::uint64_t topVersion(Side side) const noexcept { return sideBook(side).topVersion; }
  void orders(Side side, std::vector<OrderView>& out) const;
  // The open quantity queued ahead of a resting order at its price, counting only orders whose
  // account is not `excluded`; -1 when `id` is not resting. Walks the level from its head, so it
  // costs the order's queue position.
  std::int64_t quantityAhead(OrderId id, AccountId excluded) const noexcept;
  std::optional<OrderView> find(OrderId id) const;

  TradingStatus status() const noexcept { return status_; }
  Price lastTradePrice() const noexcept { return lastTradePrice_; }
  std::uint64_t sequence() const noexcept { return sequence_; }
  std::size_t restingOrders() const noexcept { return restingCount_; }
  std::size_t levelCount(Side side) const noexcept;
  std::size_t levelCount() const noexcept { return levelCount(Side::Buy) + levelCount(Side::Sell); }
  std::size_t pendingStops() const noexcept { return buyStops_.size() + sellStops_.size(); }
  const Instrument& instrument() const noexcept { return instrument_; }

 private:
  static constexpr std::uint32_t kNil = 0xFFFFFFFFu;
  // How far past a new order's id submit() warms the id index (see order_book.cpp): two cache
  // lines of slots, enough for the engine's ids spread over several books.
  static constexpr std::uint64_t kIdPrefetchAhead = 8;

  enum class Where : std::uint8_t { Free, Resting, Stop, AuctionQueue };

  // An order is split in two records at the same pool index: the hot one is everything that
  // adding, matching and cancelling touch, in one cache line; the cold one the rest.
  struct alignas(64) Order {
    std::int64_t price;      // limit price raw (INT64_MIN for market)
    std::int64_t leaves;     // open quantity, displayed + hidden
    std::int64_t displayed;  // visible part while resting
    std::uint64_t id;
    std::uint64_t account;
    std::uint32_t prev;  // FIFO links within the level (or auction queue / free list)
    std::uint32_t next;
    std::uint32_t level;  // level pool index while resting
    Side side;
    Where where;
    OrderType type;
    TimeInForce tif;
    SelfTradePrevention selfTrade;
    bool postOnly;
    bool triggered;
  };
  static_assert(sizeof(Order) == 64, "the hot order record is one cache line");

  struct OrderCold {
    std::int64_t quantity;     // total quantity (after replaces); filled = quantity - leaves
    std::int64_t peak;         // iceberg display peak, 0 when not an iceberg
    std::int64_t minQuantity;  // applies on entry only; cleared once the order rests
    std::int64_t stopPrice;
    std::int64_t expireTime;  // GTD only
    std::uint64_t acceptSeq;  // acceptance order (mass cancel, stop trigger order)
  };

  struct Level {
    std::int64_t price;
    std::int64_t displayed;  // sum of displayed quantity
    std::uint32_t count;
    std::uint32_t head;
    std::uint32_t tail;
    std::uint32_t nextFree;
  };

  struct LevelRef {
    std::int64_t price;
    std::uint32_t level;
  };

  struct SideBook {
    std::vector<LevelRef> levels;  // sorted; best price at the back
    IdIndex byPrice;               // price → level: O(1) lookup for orders joining a level
    std::uint64_t topVersion = 0;  // see topVersion()
  };

  struct StopEntry {
    std::int64_t stopPrice;
    std::uint64_t acceptSeq;
    std::uint32_t order;
  };

  struct ExpiryEntry {
    std::int64_t expireTime;
    std::uint64_t acceptSeq;
    std::uint32_t order;
  };

  // Event emission.
  Event& emit(EventType type, std::vector<Event>& out);
  void emitRejected(OrderId id, Side side, RejectReason reason, std::vector<Event>& out);
  void emitCancelled(Order& o, CancelReason reason, std::int64_t qty, std::vector<Event>& out);
  void emitRestated(const Order& o, std::int64_t removed, std::vector<Event>& out);  // after the reduction
  // Every change to a level's displayed quantity, and every level added or removed, comes here
  // (a removed level is still in its side's list), so the side's topVersion moves here too.
  void emitLevelUpdate(Side side, std::uint32_t level, std::int64_t price, std::vector<Event>& out) {
    if (levelWork_) levelChanged(side, level, price, out);
  }
  void levelChanged(Side side, std::uint32_t level, std::int64_t price, std::vector<Event>& out);
  void emitOrderUpdate(EventType type, const Order& o, std::vector<Event>& out);

  // Validation.
  RejectReason validateNew(const NewOrder& o, Timestamp now) const;
  RejectReason checkQuantity(std::int64_t qty) const;
  RejectReason checkLimitPrice(std::int64_t price) const;
  bool isCallPhase() const noexcept;
  // Tick and lot checks without a division when the step is 1 (the common integer case).
  bool onTick(std::int64_t price) const noexcept { return tick_ == 1 || price % tick_ == 0; }
  bool onLot(std::int64_t qty) const noexcept { return lot_ == 1 || qty % lot_ == 0; }

  // Pools.
  std::uint32_t allocOrder();
  void freeOrder(std::uint32_t idx);
  std::uint32_t allocLevel(std::int64_t price);
  void freeLevel(std::uint32_t idx);

  // Book structure.
  SideBook& sideBook(Side s) noexcept { return s == Side::Buy ? bids_ : asks_; }
  const SideBook& sideBook(Side s) const noexcept { return s == Side::Buy ? bids_ : asks_; }
  std::uint32_t findOrAddLevel(Side side, std::int64_t price);
  void removeLevel(Side side, std::uint32_t level);
  void rest(std::uint32_t idx, std::vector<Event>& out);
  void unlink(std::uint32_t idx, std::vector<Event>& out);  // out of its level (emits L2/L3)
  void finish(std::uint32_t idx);                           // drop from index and pool
  void reduceResting(std::uint32_t idx, std::int64_t by, bool restated, std::vector<Event>& out);

  // Matching.
  void execute(std::uint32_t idx, std::vector<Event>& out);
  bool match(std::uint32_t idx, std::vector<Event>& out);
  void replenish(std::uint32_t idx, std::vector<Event>& out);
  std::int64_t executableQuantity(const Order& o, std::int64_t need) const;  // stops counting at need
  bool crosses(const Order& o, std::int64_t restingPrice) const noexcept;
  void removeLive(std::uint32_t idx, std::vector<Event>& out);  // out of wherever it lives, finished

  // Stops.
  void processStops(std::vector<Event>& out);
  void collectTriggered();
  void triggerNow(std::uint32_t idx, std::vector<Event>& out);
  void addStop(std::uint32_t idx);
  void removeStop(std::uint32_t idx);
  bool stopTriggers(std::uint32_t idx) const noexcept;

  // Auctions.
  void enqueueForAuction(std::uint32_t idx);
  void dequeueFromAuction(std::uint32_t idx);
  void cancelAuctionQueue(std::vector<Event>& out);
  void uncross(std::vector<Event>& out);
  void applyAuctionFill(std::uint32_t idx, std::int64_t qty, std::vector<Event>& out);

  // Time. Every command starts with beginCommand: the clock moves forward, due GTD orders expire.
  void beginCommand(Timestamp now, std::vector<Event>& out) {
    if (now > now_) now_ = now;
    if (!expiries_.empty() && expiries_.front().expireTime <= now_.nanos()) runExpiries(out);
  }
  void onTime(Timestamp now);
  void runExpiries(std::vector<Event>& out);
  void pushExpiry(std::uint32_t idx);
  void emitExpired(std::uint32_t idx, std::vector<Event>& out);
  void expireDayOrders(std::vector<Event>& out);

  OrderView view(std::uint32_t idx) const;

  // Snapshots (order_book_snapshot.cpp).
  void clearState();
  void saveOrder(std::uint32_t idx, ByteWriter& out) const;
  std::uint32_t loadOrder(ByteReader& in, Side side, Where where);  // kNil when malformed
  bool loadStateBody(ByteReader& in);

  Instrument instrument_;
  BookOptions options_;
  TradingStatus status_;
  std::int64_t tick_;
  std::int64_t lot_;
  Timestamp now_;
  std::uint64_t sequence_ = 0;
  std::uint64_t acceptCounter_ = 0;
  Price lastTradePrice_ = Price::undefined();
  Price referencePrice_ = Price::undefined();
  bool tradedInCommand_ = false;
  bool levelWork_;  // options_.levelUpdates || options_.topVersions: one test per level change

  std::vector<Order> orders_;    // the pool: [0, usedOrders_) ever used
  std::vector<OrderCold> cold_;  // same indices as orders_
  std::uint32_t usedOrders_ = 0;
  std::uint32_t freeOrders_ = kNil;
  std::vector<Level> levels_;
  std::uint32_t freeLevels_ = kNil;
  SideBook bids_;
  SideBook asks_;
  IdIndex index_;
  std::size_t restingCount_ = 0;

  std::vector<StopEntry> buyStops_;   // sorted by stop price descending: lowest trigger at back
  std::vector<StopEntry> sellStops_;  // sorted by stop price ascending: highest trigger at back
  std::vector<std::uint32_t> triggerQueue_;
  std::vector<std::uint32_t> massScratch_;
  std::vector<ExpiryEntry> expiries_;            // min-heap on (expireTime, acceptSeq)
  std::uint32_t auctionBuys_[2] = {kNil, kNil};  // head, tail of queued market buys
  std::uint32_t auctionSells_[2] = {kNil, kNil};
};

}  // namespace alphintra::book
