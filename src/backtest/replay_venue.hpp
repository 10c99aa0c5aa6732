// ReplayVenue: the engine's venue in a tick backtest. It rebuilds each instrument's book from
// the replayed market data and lets the strategies' orders (sent by the engine) meet that
// liquidity. Two depths, chosen per instrument before the replay:
//
// L3 (order-level data: LOBSTER, ITCH). The replayed orders live in a real book::OrderBook
// together with ours, so price-time priority and queue position are exact:
//  * an order of ours that crosses fills against the replayed orders at their prices, and
//    those orders shrink. Later feed messages about shares we already took are applied as far
//    as the order still has shares (a cancel or execution of more than is left removes it;
//    a message about an order we consumed whole is skipped and counted in skippedMessages());
//  * a feed execution of order X at price p fills first our orders the exchange's priority
//    places ahead of X (a better price, or price p and an earlier arrival), up to the
//    execution's size, at our own prices; X then executes as recorded — our passive fills do
//    not alter the replayed feed (no market impact);
//  * a replayed order arriving at a price that crosses one of ours trades with ours (we rest
//    first) and the rest of it rests; one that reaches replayed orders of the other side (a
//    crossed feed) removes them instead of trading (the newer message wins);
//  * trade prints without an order (hidden or cross executions) never fill ours at L3.
// Replayed order ids carry kFeedBit (ids must stay below 2^62) and a feed account, so the
// engine never mistakes them for its own orders.
//
// L2 (levels with aggregate size, no ids: trade+quote CSV, level updates). Queue-position
// estimate: an order of ours joining a level queues behind the size displayed there. The queue
// ahead shrinks by every trade at that price; on a size decrease not explained by trades the
// QueueModel decides: Pessimistic (only trades advance us; the queue ahead is only capped by
// the level's size) or Proportional (the decrease counts ahead of us in proportion to our place
// in the level). A trade beyond the queue ahead fills us (shared between our orders at that
// price in arrival order); a trade at a price worse than our limit fills us up to its size. A
// marketable order walks the displayed levels up to its size and consumes what it took until
// the feed next updates that level; a level of the other side that reaches our resting price
// fills us at our price. Quote events (L1) replace a side with their one level.
//
// Fills of our orders caused by replayed events are kept until the engine's next ClockTick
// (advanceTime), so that they reach the OMS, ledger and risk as book events exactly as the
// SimulatedVenue's do (our resting order is the maker, the replayed side the aggressor).
//
// Threading: owned by the backtest loop's thread. Instruments are addressed by the order of
// addInstrument (the driver adds them in its own order).
//
// Stop and stop-limit orders wait here, outside the replayed book, until a replayed print
// reaches their stop price (a buy stop at or above it, a sell stop at or below); then they are
// reported Triggered and enter the book as a market (IOC) or limit order under the same id, the
// way the matching engine's own stops do. They can be cancelled and replaced (quantity, limit
// and stop price) while they wait. A stop whose price the last print has already reached
// triggers at once.
//
// Known limits: Day/GTD rest like GTC at L2; our own fills do not trigger stops (only the
// replayed prints do); up to 2^32 order arrivals per instrument;
// snapshots save state for hashing but are not restored (load() refuses).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "book/id_index.hpp"
#include "engine/venue.hpp"
#include "marketdata/events.hpp"

namespace alphintra::backtest {

enum class ReplayDepth : std::uint8_t { L2 = 2, L3 = 3 };
enum class QueueModel : std::uint8_t { Pessimistic = 1, Proportional = 2 };

struct ReplayVenueOptions {
  QueueModel queue = QueueModel::Pessimistic;
  std::uint32_t expectedOrders = 1u << 14;  // live replayed orders per L3 book sized for
};

class ReplayVenue final : public engine::Venue {
 public:
  static constexpr std::uint64_t kFeedBit = 1ull << 63;
  static constexpr std::uint64_t kSyntheticBit = 1ull << 62;  // aggressors we make up for passive fills
  static constexpr AccountId kFeedAccount{0xFFFF'FFFF'FFFF'FFFFull};

  explicit ReplayVenue(ReplayVenueOptions options = {});
  ~ReplayVenue() override;

  std::string_view name() const noexcept override { return "REPLAY"; }
  bool synchronous() const noexcept override { return true; }

  void addInstrument(const Instrument& instrument) override;
  void submit(InstrumentId instrument, const book::NewOrder& order, Timestamp now,
              std::vector<book::Event>& out) override;
  void cancel(InstrumentId instrument, OrderId order, Timestamp now, std::vector<book::Event>& out) override;
  void replace(InstrumentId instrument, const book::ReplaceOrder& request, Timestamp now,
               std::vector<book::Event>& out) override;
  void massCancel(InstrumentId instrument, AccountId account, Timestamp now, std::vector<book::Event>& out) override;
  void setStatus(InstrumentId instrument, TradingStatus status, Timestamp now, std::vector<book::Event>& out) override;
  void advanceTime(InstrumentId instrument, Timestamp now, std::vector<book::Event>& out) override;
  void setReferencePrice(InstrumentId instrument, Price price) override;
  book::TopOfBook topOfBook(InstrumentId instrument) const override;
  void depth(InstrumentId instrument, Side side, std::size_t maxLevels,
             std::vector<book::LevelView>& out) const override;
  TradingStatus status(InstrumentId instrument) const override;
  void save(ByteWriter& out) const override;
  [[nodiscard]] bool load(ByteReader& in) override;

  // Before the first event of the instrument (index: order of addInstrument). Default: L2.
  void setDepth(std::uint32_t index, ReplayDepth depth);
  ReplayDepth depthOf(std::uint32_t index) const noexcept;

  // Replayed market data. Each returns true when fills of our orders wait for the next
  // advanceTime (the driver then sends a ClockTick through the engine).
  bool onOrder(std::uint32_t index, const marketdata::BookOrderEvent& e);
  bool onLevel(std::uint32_t index, const marketdata::BookLevelEvent& e);
  bool onQuote(std::uint32_t index, const marketdata::QuoteEvent& e);
  bool onTrade(std::uint32_t index, const marketdata::TradeEvent& e);

  // A hint that an order event about `orderId` of the instrument comes soon (L3: its slot in
  // the book's id index is fetched into cache); changes nothing.
  void prefetch(std::uint32_t index, std::uint64_t orderId) const noexcept;

  // The book's best prices and sizes as the strategies see them (ours included at L3).
  book::TopOfBook top(std::uint32_t index) const noexcept;
  void levels(std::uint32_t index, Side side, std::size_t maxLevels, std::vector<book::LevelView>& out) const;
  // The best out.size() levels into `out` without allocating; returns how many there are.
  std::size_t levelPairs(std::uint32_t index, Side side, std::span<std::int64_t> out) const noexcept;
  // An order-level (L3) market's book (ours included), nullptr for a level market; it lives
  // as long as the venue.
  const book::OrderBook* orderBook(std::uint32_t index) const noexcept;
  // Our live orders on the instrument (tests, reports).
  std::size_t ownOrders(std::uint32_t index) const noexcept;
  // L2: the queue-ahead estimate of one of our resting orders (undefined when not resting).
  Quantity queueAhead(std::uint32_t index, OrderId order) const noexcept;
  // Feed messages about orders the replay no longer holds (consumed by us, or never seen).
  std::uint64_t skippedMessages() const noexcept { return skipped_; }

 private:
  struct Market;
  struct WaitingStop;
  Market* find(InstrumentId id) noexcept;
  // Stops of `m` that `price` reaches: Triggered, then into the book; events to `out`.
  void triggerStops(Market& m, Price price, Timestamp now, std::vector<book::Event>& out);
  void expire(Market& m, Timestamp now, std::vector<book::Event>& out);
  // Our own trades among out[from..] are prints too: each sets the last print and triggers
  // the stops it reaches (whose own trades may trigger more).
  void triggerOnOwnTrades(Market& m, std::size_t from, Timestamp now, std::vector<book::Event>& out);
  void enter(Market& m, const book::NewOrder& order, Timestamp now, std::vector<book::Event>& out);
  void replaceIn(Market* m, const book::ReplaceOrder& request, Timestamp now, std::vector<book::Event>& out);
  const Market* find(InstrumentId id) const noexcept;

  ReplayVenueOptions options_;
  std::vector<std::unique_ptr<Market>> markets_;
  book::IdIndex index_{64};
  std::vector<book::Event> scratch_;
  std::uint64_t skipped_ = 0;
};

}  // namespace alphintra::backtest
