// Snapshot tests for OrderBook::saveState / loadState (docs/matching.md, "Snapshots").
//
// Owns the checks that a snapshot is the book's complete state:
// * random streams (random_commands.hpp): at random points the state is saved and loaded into
//   a fresh book, which then gets every following command of the stream; each of its events
//   must equal the original's in every field (sequence numbers included), and at the end of
//   its run its saveState bytes must equal the original's. The states at those points are
//   classified (stops, icebergs with hidden quantity, GTD orders, queued market orders, call
//   phases, ...) and every class must have been restored at least once;
// * a hand-written trading day that restores after every one of its commands, so that each
//   feature is restored right before it matters (uncross with queued market orders, stop
//   cascade, GTD and DAY expiry, iceberg replenishment);
// * determinism: saving twice gives equal bytes, equal states reached through different pool
//   histories give equal bytes, and every accepted input is written back byte for byte;
// * malformed input: every truncation and many byte flips of a snapshot are refused (or, for
//   a flip that still encodes a valid state, accepted and written back unchanged), never crash,
//   and a refused load leaves the book empty and usable.
//
// Size: ALPHINTRA_SNAPSHOT_OPS commands per random scenario; else ALPHINTRA_DIFF_OPS / 10 when
// set (the sanitizer preset sets it); else 50,000.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "book/order_book.hpp"
#include "book/tests/random_commands.hpp"
#include "book/types.hpp"
#include "core/binary_io.hpp"
#include "core/instrument.hpp"

namespace alphintra::book::testing {
namespace {

using Bytes = std::vector<std::byte>;

// Small pools: the malformed-input tests build thousands of books.
constexpr BookOptions kSmall{.expectedOrders = 16, .expectedLevels = 4};

std::uint64_t commandsPerScenario() {
  if (const char* v = std::getenv("ALPHINTRA_SNAPSHOT_OPS"); v != nullptr && *v != '\0') {
    return std::max<std::uint64_t>(500, std::strtoull(v, nullptr, 10));
  }
  // The sanitizer preset sizes the random tests through ALPHINTRA_DIFF_OPS.
  if (const char* v = std::getenv("ALPHINTRA_DIFF_OPS"); v != nullptr && *v != '\0') {
    return std::max<std::uint64_t>(500, std::strtoull(v, nullptr, 10) / 10);
  }
  return 50'000;
}

Instrument makeInstrument(TradingStatus status, std::uint64_t id = 3) {
  InstrumentSpec spec;
  spec.id = id;
  spec.symbol = "SNAP";
  spec.pricePrecision = 2;
  spec.tickSize = "0.05";  // raw 5
  spec.lotSize = "10";     // raw 10
  spec.minQuantity = "20";
  spec.maxQuantity = "2000";
  spec.status = status;
  auto inst = Instrument::create(spec);
  if (!inst) std::abort();
  return *inst;
}

Bytes save(const OrderBook& book) {
  Bytes bytes;
  ByteWriter writer(bytes);
  book.saveState(writer);
  return bytes;
}

// ---- events ---------------------------------------------------------------------------------

std::string describe(const Event& e) {
  std::ostringstream s;
  s << "#" << e.sequence << " " << toString(e.type) << " side=" << toString(e.side)
    << " reason=" << static_cast<int>(e.reason) << " otype=" << static_cast<int>(e.orderType) << " count=" << e.count
    << " id=" << e.orderId.value() << " contra=" << e.contraOrderId.value() << " px=" << text(e.price)
    << " qty=" << text(e.quantity) << " leaves=" << text(e.leavesQuantity)
    << " cleaves=" << text(e.contraLeavesQuantity) << " t=" << e.time.nanos();
  return s.str();
}

bool sameEvent(const Event& a, const Event& b) {
  return a.type == b.type && a.side == b.side && a.reason == b.reason && a.orderType == b.orderType &&
         a.count == b.count && a.orderId == b.orderId && a.contraOrderId == b.contraOrderId && a.price == b.price &&
         a.quantity == b.quantity && a.leavesQuantity == b.leavesQuantity &&
         a.contraLeavesQuantity == b.contraLeavesQuantity && a.sequence == b.sequence && a.time == b.time;
}

// Empty when equal, else both lists.
std::string compareEvents(const std::vector<Event>& original, const std::vector<Event>& restored) {
  bool same = original.size() == restored.size();
  for (std::size_t k = 0; same && k < original.size(); ++k) same = sameEvent(original[k], restored[k]);
  if (same) return {};
  std::ostringstream s;
  s << "original events:\n";
  for (const Event& e : original) s << "  " << describe(e) << "\n";
  s << "restored book's events:\n";
  for (const Event& e : restored) s << "  " << describe(e) << "\n";
  return s.str();
}

// ---- the live orders the generator is shown -------------------------------------------------

// Every accepted id, pruned of finished ones, looked up in the book: resting orders, stops and
// queued market orders alike (the public API has no list of non-resting orders).
class LiveOrders {
 public:
  void note(const std::vector<Event>& events) {
    for (const Event& e : events) {
      if (e.type == EventType::Accepted) ids_.push_back(e.orderId);
    }
  }
  const std::vector<OrderView>& views(const OrderBook& book) {
    views_.clear();
    std::size_t kept = 0;
    for (const OrderId id : ids_) {
      if (const auto v = book.find(id)) {
        views_.push_back(*v);
        ids_[kept++] = id;
      }
    }
    ids_.resize(kept);
    return views_;
  }

 private:
  std::vector<OrderId> ids_;
  std::vector<OrderView> views_;
};

// What a saved state holds, by kinds of state that loadState must restore.
std::vector<std::string> classify(const OrderBook& book, const std::vector<OrderView>& live) {
  std::vector<std::string> kinds;
  const TradingStatus s = book.status();
  if (s == TradingStatus::PreOpen || s == TradingStatus::OpeningAuction || s == TradingStatus::ClosingAuction) {
    kinds.push_back("call phase");
  }
  if (s == TradingStatus::Halted || s == TradingStatus::Closed) kinds.push_back("halted or closed");
  if (book.lastTradePrice().isDefined()) kinds.push_back("last trade price");
  if (book.restingOrders() > 0) kinds.push_back("resting orders");
  std::map<std::string, bool> seen;
  for (const OrderView& v : live) {
    const bool stopType = v.type == OrderType::Stop || v.type == OrderType::StopLimit;
    if (!v.resting && stopType) seen["pending stop"] = true;
    if (!v.resting && v.type == OrderType::Market) seen["queued market order"] = true;
    if (v.resting && v.type == OrderType::StopLimit) seen["triggered stop-limit resting"] = true;
    if (v.resting && v.displayedQuantity < v.leavesQuantity) seen["iceberg with hidden quantity"] = true;
    if (v.timeInForce == TimeInForce::GTD) seen["GTD order"] = true;
    if (v.timeInForce == TimeInForce::Day) seen["DAY order"] = true;
    if (v.filledQuantity.isPositive()) seen["partially filled order"] = true;
  }
  for (const auto& [kind, yes] : seen) kinds.push_back(kind);
  return kinds;
}

// ---- random streams ---------------------------------------------------------------------------

struct Scenario {
  Mix mix;
  BookOptions options;
  TradingStatus initialStatus = TradingStatus::Continuous;
  std::uint64_t seed = 1;
};

// A fresh book loaded from the original's state at command `from`, fed the stream until `until`.
struct Restored {
  std::unique_ptr<OrderBook> book;
  std::uint64_t from = 0;
  std::uint64_t until = 0;
};

class StreamRunner {
 public:
  StreamRunner(const Scenario& sc, std::map<std::string, std::uint64_t>& restoredKinds)
      : sc_(sc),
        instrument_(makeInstrument(sc.initialStatus)),
        original_(instrument_, sc.options),
        scratch_(instrument_, sc.options),
        gen_(sc.seed, sc.mix, instrument_),
        pick_(sc.seed * 7919 + 17),
        restoredKinds_(restoredKinds) {}

  // Empty when every restored book agreed with the original, else the failure dump.
  std::string run(std::uint64_t commands) {
    const std::uint64_t spacing = std::max<std::uint64_t>(50, commands / 40);
    std::vector<Event> expected;
    std::vector<Event> actual;
    for (std::uint64_t i = 0; i < commands; ++i) {
      const std::vector<OrderView>& live = live_.views(original_);
      if (i % 16 == 0) {
        if (std::string d = roundTrip(); !d.empty()) return dump(i, d);
      }
      if (i > 0 && chance(1.0 / static_cast<double>(spacing))) {
        if (std::string d = restoreAt(i, commands, live); !d.empty()) return dump(i, d);
      }
      const Command c = gen_.next(live, original_.status(), original_.lastTradePrice());
      history_.push_back(c);
      if (history_.size() > 20) history_.pop_front();
      expected.clear();
      play(original_, c, expected);
      live_.note(expected);
      for (Restored& r : restored_) {
        actual.clear();
        play(*r.book, c, actual);
        if (std::string d = compareEvents(expected, actual); !d.empty()) {
          return dump(i, "book restored at command " + std::to_string(r.from) + " disagrees:\n" + d);
        }
      }
      std::string finished;
      std::erase_if(restored_, [&](const Restored& r) {
        if (r.until > i + 1) return false;
        if (save(*r.book) != save(original_) && finished.empty()) {
          finished = "book restored at command " + std::to_string(r.from) + ": saveState bytes differ after its run";
        }
        return true;
      });
      if (!finished.empty()) return dump(i, finished);
    }
    return {};
  }

  std::uint64_t restoredCount() const { return restoredCount_; }

 private:
  bool chance(double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(pick_) < p; }

  // Saving twice gives equal bytes; loading into a used book and saving again gives them back.
  std::string roundTrip() {
    const Bytes bytes = save(original_);
    if (save(original_) != bytes) return "saving the same state twice gave different bytes";
    ByteReader reader(bytes);
    if (!scratch_.loadState(reader)) return "loadState refused a state written by saveState";
    if (!reader.atEnd()) return "loadState did not read the whole state";
    if (save(scratch_) != bytes) return "a loaded state is written back differently";
    return {};
  }

  std::string restoreAt(std::uint64_t i, std::uint64_t commands, const std::vector<OrderView>& live) {
    const Bytes bytes = save(original_);
    Restored r;
    r.book = std::make_unique<OrderBook>(instrument_, sc_.options);
    ByteReader reader(bytes);
    if (!r.book->loadState(reader) || !reader.atEnd()) return "loadState refused a state written by saveState";
    if (save(*r.book) != bytes) return "a loaded state is written back differently";
    r.from = i;
    // A quarter run to the end of the stream, the others a shorter window.
    const auto window = std::uniform_int_distribution<std::uint64_t>(50, 2'000)(pick_);
    r.until = chance(0.25) ? commands : std::min(commands, i + window);
    for (const std::string& kind : classify(original_, live)) ++restoredKinds_[kind];
    restored_.push_back(std::move(r));
    ++restoredCount_;
    return {};
  }

  std::string dump(std::uint64_t index, const std::string& what) const {
    std::ostringstream s;
    s << "scenario '" << sc_.mix.name << "' seed " << sc_.seed << " at command #" << index << ": " << what
      << "\nlast commands (oldest first):\n";
    for (const Command& c : history_) s << "  " << testing::describe(c) << "\n";
    return s.str();
  }

  Scenario sc_;
  Instrument instrument_;
  OrderBook original_;
  OrderBook scratch_;  // reused: every round trip loads over the previous state
  CommandGenerator gen_;
  std::mt19937_64 pick_;
  LiveOrders live_;
  std::vector<Restored> restored_;
  std::deque<Command> history_;
  std::map<std::string, std::uint64_t>& restoredKinds_;
  std::uint64_t restoredCount_ = 0;
};

std::vector<Scenario> scenarios() {
  const BookOptions deltas{.expectedOrders = 256, .expectedLevels = 16, .levelUpdates = true, .orderUpdates = true};
  const BookOptions quiet{.expectedOrders = 16, .expectedLevels = 4, .levelUpdates = false, .orderUpdates = false};
  std::vector<Scenario> all;

  Mix continuous;
  continuous.name = "continuous";
  continuous.auctions = false;
  all.push_back({continuous, deltas, TradingStatus::Continuous, 101});

  Mix day;
  day.name = "trading day with auctions";
  all.push_back({day, deltas, TradingStatus::PreOpen, 201});
  all.push_back({day, quiet, TradingStatus::Closed, 202});

  Mix hidden;
  hidden.name = "icebergs, stops and minimum quantities";
  hidden.icebergShare = 0.5;
  hidden.stopShare = 0.35;
  hidden.minQtyShare = 0.25;
  hidden.marketShare = 0.15;
  all.push_back({hidden, deltas, TradingStatus::Continuous, 301});
  all.push_back({hidden, quiet, TradingStatus::PreOpen, 302});

  Mix stp;
  stp.name = "self-trade heavy";
  stp.accounts = 2;
  stp.selfTradeShare = 0.85;
  all.push_back({stp, deltas, TradingStatus::Continuous, 401});

  Mix invalid;
  invalid.name = "invalid inputs";
  invalid.invalidShare = 0.35;
  all.push_back({invalid, deltas, TradingStatus::Continuous, 501});

  Mix wide;
  wide.name = "wide and deep book";
  wide.priceHalfWidth = 25;
  wide.targetLive = 300;
  all.push_back({wide, quiet, TradingStatus::PreOpen, 601});
  return all;
}

TEST(BookSnapshot, RestoredBookContinuesExactlyOnRandomStreams) {
  const std::uint64_t commands = commandsPerScenario();
  std::map<std::string, std::uint64_t> restoredKinds;
  std::uint64_t restored = 0;
  for (const Scenario& sc : scenarios()) {
    StreamRunner runner(sc, restoredKinds);
    const std::string failure = runner.run(commands);
    EXPECT_TRUE(failure.empty()) << failure;
    restored += runner.restoredCount();
  }
  std::cout << "Restored " << restored << " snapshots; states they held:\n";
  for (const auto& [kind, n] : restoredKinds) std::cout << "  " << kind << ": " << n << "\n";
  for (const char* kind : {"call phase", "halted or closed", "last trade price", "resting orders", "pending stop",
                           "queued market order", "triggered stop-limit resting", "iceberg with hidden quantity",
                           "GTD order", "DAY order", "partially filled order"}) {
    EXPECT_GT(restoredKinds[kind], 0u) << "no restored snapshot held: " << kind;
  }
}

// ---- a hand-written trading day ---------------------------------------------------------------

Command at(std::int64_t second, Command c) {
  c.time = Timestamp::fromSeconds(1'700'000'000 + second);
  return c;
}

struct OrderSpec {
  std::uint64_t id = 0;
  std::uint64_t account = 1;
  Side side = Side::Buy;
  OrderType type = OrderType::Limit;
  TimeInForce tif = TimeInForce::GTC;
  std::int64_t qty = 0;
  std::int64_t price = 0;  // 0: undefined
  std::int64_t stop = 0;   // 0: undefined
  std::int64_t display = 0;
  std::int64_t expireSecond = 0;  // GTD
  bool postOnly = false;
};

Command submit(const OrderSpec& o) {
  Command c;
  c.kind = Command::Kind::Submit;
  c.order.id = OrderId{o.id};
  c.order.account = AccountId{o.account};
  c.order.side = o.side;
  c.order.type = o.type;
  c.order.timeInForce = o.tif;
  c.order.quantity = Quantity::fromRaw(o.qty);
  c.order.price = o.price == 0 ? Price::undefined() : Price::fromRaw(o.price);
  c.order.stopPrice = o.stop == 0 ? Price::undefined() : Price::fromRaw(o.stop);
  c.order.displayQuantity = Quantity::fromRaw(o.display);
  c.order.postOnly = o.postOnly;
  if (o.expireSecond != 0) c.order.expireTime = Timestamp::fromSeconds(1'700'000'000 + o.expireSecond);
  return c;
}

Command status(TradingStatus s) {
  Command c;
  c.kind = Command::Kind::SetStatus;
  c.status = s;
  return c;
}

Command reference(std::int64_t price) {
  Command c;
  c.kind = Command::Kind::SetReferencePrice;
  c.price = Price::fromRaw(price);
  return c;
}

Command tick() {
  Command c;
  c.kind = Command::Kind::AdvanceTime;
  return c;
}

Command cancel(std::uint64_t id) {
  Command c;
  c.kind = Command::Kind::Cancel;
  c.id = OrderId{id};
  return c;
}

Command replacePrice(std::uint64_t id, std::int64_t price) {
  Command c;
  c.kind = Command::Kind::Replace;
  c.replace.id = OrderId{id};
  c.replace.price = Price::fromRaw(price);
  return c;
}

Command massCancel(std::uint64_t account) {
  Command c;
  c.kind = Command::Kind::MassCancel;
  c.account = AccountId{account};
  return c;
}

std::vector<Command> tradingDay() {
  using enum OrderType;
  using TIF = TimeInForce;
  const Side B = Side::Buy;
  const Side S = Side::Sell;
  return {
      // Opening call: an iceberg, limits, queued market orders, GTD and DAY orders, stops.
      at(1, submit({.id = 1, .account = 1, .side = B, .qty = 100, .price = 10000, .display = 20})),
      at(2, submit({.id = 2, .account = 2, .side = S, .qty = 50, .price = 9990})),
      at(3, submit({.id = 3, .account = 3, .side = B, .type = Market, .tif = TIF::IOC, .qty = 30})),
      at(4, submit({.id = 4, .account = 4, .side = S, .type = Market, .tif = TIF::IOC, .qty = 20})),
      at(5, submit({.id = 5, .account = 2, .side = S, .tif = TIF::GTD, .qty = 40, .price = 10010, .expireSecond = 30})),
      at(6, submit({.id = 6, .account = 3, .side = B, .type = Stop, .qty = 30, .stop = 10020})),
      at(7, submit({.id = 7,
                    .account = 4,
                    .side = B,
                    .type = StopLimit,
                    .tif = TIF::GTD,
                    .qty = 40,
                    .price = 10030,
                    .stop = 10015,
                    .display = 20,
                    .expireSecond = 600})),
      at(8, submit({.id = 8, .account = 1, .side = S, .type = Stop, .tif = TIF::Day, .qty = 20, .stop = 9950})),
      at(9, submit({.id = 9, .account = 1, .side = S, .tif = TIF::Day, .qty = 30, .price = 10050})),
      at(10, submit({.id = 10, .account = 3, .side = S, .qty = 20, .price = 10040, .postOnly = true})),
      at(11, reference(10000)),
      at(12, status(TradingStatus::OpeningAuction)),
      at(13, submit({.id = 11, .account = 2, .side = B, .type = Market, .tif = TIF::IOC, .qty = 20})),
      // Uncross at 100.00 for 70: both queued market buys and the iceberg fill; it replenishes.
      at(14, status(TradingStatus::Continuous)),
      at(15, submit({.id = 12, .account = 4, .side = B, .qty = 60, .price = 10010})),
      at(16, submit({.id = 13, .account = 2, .side = S, .qty = 30, .price = 10020})),
      // Trades at 100.20: stops 6 (market) then 7 (limit, rests as an iceberg) trigger.
      at(17, submit({.id = 14, .account = 3, .side = B, .tif = TIF::IOC, .qty = 30, .price = 10020})),
      at(18,
         submit({.id = 15, .account = 1, .side = B, .tif = TIF::GTD, .qty = 20, .price = 9980, .expireSecond = 40})),
      at(19, replacePrice(12, 10005)),
      at(45, tick()),  // 15 expires
      at(46, submit({.id = 16, .account = 3, .side = B, .qty = 20, .price = 9950})),
      // Sweeps the bids down to 99.50: sell stop 8 triggers and finds no bid left.
      at(47, submit({.id = 17, .account = 2, .side = S, .qty = 200, .price = 9950})),
      at(48, status(TradingStatus::ClosingAuction)),
      at(49, submit({.id = 18, .account = 4, .side = B, .tif = TIF::Day, .qty = 80, .price = 9960})),
      at(50, submit({.id = 19, .account = 1, .side = S, .type = Market, .tif = TIF::IOC, .qty = 20})),
      // Closing uncross, then DAY orders expire.
      at(51, status(TradingStatus::Closed)),
      at(52, status(TradingStatus::PreOpen)),
      at(53,
         submit({.id = 21, .account = 2, .side = B, .tif = TIF::GTD, .qty = 20, .price = 9900, .expireSecond = 600})),
      at(54, submit({.id = 20, .account = 1, .side = S, .qty = 40, .price = 10100, .display = 20})),
      at(55, submit({.id = 22, .account = 3, .side = S, .type = Stop, .qty = 20, .stop = 9900})),
      at(56, cancel(20)),
      at(700, tick()),  // 21 expires
      at(701, massCancel(0)),
  };
}

TEST(BookSnapshot, HandWrittenDayRestoresAfterEveryCommand) {
  const Instrument instrument = makeInstrument(TradingStatus::PreOpen);
  const BookOptions options{.expectedOrders = 8, .expectedLevels = 2, .levelUpdates = true, .orderUpdates = true};
  const std::vector<Command> day = tradingDay();

  // The whole day once, to check that it shows what it is meant to.
  std::map<EventType, int> types;
  std::map<CancelReason, int> cancels;
  {
    OrderBook book(instrument, options);
    std::vector<Event> events;
    for (const Command& c : day) play(book, c, events);
    for (const Event& e : events) {
      ++types[e.type];
      if (e.type == EventType::Cancelled) ++cancels[static_cast<CancelReason>(e.reason)];
      EXPECT_NE(e.type, EventType::Rejected) << describe(e);
    }
  }
  EXPECT_EQ(types[EventType::AuctionUncross], 2);
  EXPECT_EQ(types[EventType::Triggered], 3);
  EXPECT_EQ(types[EventType::Expired], 4);  // GTD by time (15, 21), DAY at the close (9, 18)
  EXPECT_GT(types[EventType::Replaced], 0);
  EXPECT_EQ(cancels[CancelReason::NoLiquidity], 1);
  EXPECT_EQ(cancels[CancelReason::MassCancel], 1);
  EXPECT_EQ(cancels[CancelReason::Requested], 1);

  for (std::size_t k = 0; k <= day.size(); ++k) {
    OrderBook original(instrument, options);
    std::vector<Event> events;
    for (std::size_t i = 0; i < k; ++i) play(original, day[i], events);
    const Bytes bytes = save(original);
    OrderBook restored(instrument, options);
    ByteReader reader(bytes);
    ASSERT_TRUE(restored.loadState(reader)) << "after command " << k;
    ASSERT_TRUE(reader.atEnd());
    ASSERT_EQ(save(restored), bytes) << "after command " << k;
    EXPECT_EQ(restored.sequence(), original.sequence());
    EXPECT_EQ(restored.status(), original.status());
    EXPECT_EQ(restored.pendingStops(), original.pendingStops());
    EXPECT_EQ(restored.restingOrders(), original.restingOrders());
    for (std::size_t i = k; i < day.size(); ++i) {
      std::vector<Event> expected;
      std::vector<Event> actual;
      play(original, day[i], expected);
      play(restored, day[i], actual);
      const std::string d = compareEvents(expected, actual);
      ASSERT_TRUE(d.empty()) << "restored after command " << k << ", command " << i << " (" << testing::describe(day[i])
                             << "):\n"
                             << d;
    }
    EXPECT_EQ(save(restored), save(original)) << "restored after command " << k;
  }
}

// ---- determinism ------------------------------------------------------------------------------

TEST(BookSnapshot, EqualStatesGiveEqualBytes) {
  const Instrument instrument = makeInstrument(TradingStatus::Continuous);
  // The same commands on books with very different pool sizes: pools grow at different times.
  OrderBook small(instrument, BookOptions{.expectedOrders = 2, .expectedLevels = 1});
  OrderBook large(instrument, BookOptions{.expectedOrders = 4096, .expectedLevels = 512});
  Mix mix;
  CommandGenerator gen(7, mix, instrument);
  LiveOrders live;
  std::vector<Event> a;
  std::vector<Event> b;
  for (int i = 0; i < 3000; ++i) {
    const Command c = gen.next(live.views(small), small.status(), small.lastTradePrice());
    a.clear();
    b.clear();
    play(small, c, a);
    play(large, c, b);
    live.note(a);
    ASSERT_TRUE(compareEvents(a, b).empty());
    if (i % 50 == 0) {
      const Bytes bytes = save(small);
      EXPECT_EQ(save(small), bytes);
      EXPECT_EQ(save(large), bytes) << "after command " << i;
    }
  }
}

TEST(BookSnapshot, LoadReplacesTheWholeState) {
  const Instrument instrument = makeInstrument(TradingStatus::PreOpen);
  const std::vector<Command> day = tradingDay();
  OrderBook source(instrument, kSmall);
  OrderBook target(instrument, kSmall);
  std::vector<Event> events;
  for (std::size_t i = 0; i < 10; ++i) play(source, day[i], events);
  // The target holds other orders, some with the source's ids, at other prices.
  for (std::uint64_t id = 1; id <= 30; ++id) {
    play(target,
         at(1, submit({.id = id,
                       .account = 9,
                       .side = id % 2 ? Side::Buy : Side::Sell,
                       .qty = 20,
                       .price = id % 2 ? 9000 : 11000})),
         events);
  }
  const Bytes bytes = save(source);
  ByteReader reader(bytes);
  ASSERT_TRUE(target.loadState(reader));
  EXPECT_EQ(save(target), bytes);
  EXPECT_FALSE(target.find(OrderId{25}).has_value());
  ASSERT_TRUE(target.find(OrderId{1}).has_value());
  EXPECT_EQ(target.find(OrderId{1})->account, AccountId{1});
  EXPECT_EQ(target.restingOrders(), source.restingOrders());
}

// ---- malformed input --------------------------------------------------------------------------

// The hand-written day's state after its first `commands` commands. After 11: the opening call
// (levels, an iceberg, stops on both sides, GTD and DAY orders, queued market orders on both
// sides). After 19: continuous trading (a last trade price, a partly filled iceberg, a
// triggered stop-limit iceberg resting, a sell stop, GTD orders).
Bytes dayState(const Instrument& instrument, std::size_t commands = 11) {
  OrderBook book(instrument, kSmall);
  std::vector<Event> events;
  const std::vector<Command> day = tradingDay();
  for (std::size_t i = 0; i < commands; ++i) play(book, day[i], events);
  return save(book);
}

// A book that refused a load is empty, as if new, and takes commands.
void expectEmptyAndUsable(OrderBook& book, const Bytes& emptyState, const std::string& context) {
  ASSERT_EQ(save(book), emptyState) << context;
  EXPECT_EQ(book.sequence(), 0u) << context;
  EXPECT_EQ(book.restingOrders(), 0u) << context;
  EXPECT_EQ(book.pendingStops(), 0u) << context;
  EXPECT_EQ(book.levelCount(), 0u) << context;
  EXPECT_FALSE(book.find(OrderId{1}).has_value()) << context;
  std::vector<Event> events;
  book.submit(submit({.id = 1, .account = 1, .side = Side::Buy, .qty = 20, .price = 10000}).order,
              Timestamp::fromSeconds(1), events);
  ASSERT_EQ(events.size(), 1u) << context;
  EXPECT_EQ(events[0].type, EventType::Accepted) << context;
  EXPECT_EQ(events[0].sequence, 1u) << context;
}

TEST(BookSnapshot, EveryTruncationIsRefused) {
  const Instrument instrument = makeInstrument(TradingStatus::PreOpen);
  const Bytes full = dayState(instrument);
  const Bytes emptyState = save(OrderBook(instrument, kSmall));
  OrderBook book(instrument, kSmall);
  for (std::size_t length = 0; length < full.size(); ++length) {
    {
      ByteReader valid(full);
      ASSERT_TRUE(book.loadState(valid));  // something to lose
    }
    ByteReader reader(std::span<const std::byte>(full.data(), length));
    EXPECT_FALSE(book.loadState(reader)) << "length " << length;
    expectEmptyAndUsable(book, emptyState, "length " + std::to_string(length));
  }
  // The state is self-delimiting: whatever follows it is left to the caller.
  Bytes longer = full;
  longer.push_back(std::byte{0x5A});
  ByteReader reader(longer);
  ASSERT_TRUE(book.loadState(reader));
  EXPECT_EQ(reader.position(), full.size());
}

TEST(BookSnapshot, ByteFlipsAreRefusedOrWrittenBackUnchanged) {
  const Instrument instrument = makeInstrument(TradingStatus::PreOpen);
  const Bytes emptyState = save(OrderBook(instrument, kSmall));
  int refused = 0;
  int accepted = 0;
  for (const std::size_t commands : {std::size_t{11}, std::size_t{19}}) {
    const Bytes full = dayState(instrument, commands);
    for (std::size_t pos = 0; pos < full.size(); ++pos) {
      for (const unsigned mask : {0x01u, 0x02u, 0x10u, 0x80u, 0xFFu}) {
        Bytes flipped = full;
        flipped[pos] ^= std::byte(mask);
        OrderBook book(instrument, kSmall);
        ByteReader reader(flipped);
        const std::string context = "state after " + std::to_string(commands) + " commands, byte " +
                                    std::to_string(pos) + " ^ " + std::to_string(mask);
        if (!book.loadState(reader)) {
          ++refused;
          expectEmptyAndUsable(book, emptyState, context);
          continue;
        }
        ++accepted;
        // Still a valid state (e.g. another account id): read exactly, written back unchanged,
        // and the book goes on working through an uncross, matching, expiries and a mass cancel.
        // (A flipped count may end the state early: what follows is then left unread.)
        const Bytes read(flipped.begin(), flipped.begin() + static_cast<std::ptrdiff_t>(reader.position()));
        ASSERT_EQ(save(book), read) << context;
        std::vector<Event> events;
        for (const Command& c :
             {at(100, status(TradingStatus::Continuous)),
              at(101, submit({.id = 900, .account = 7, .side = Side::Sell, .qty = 2000, .price = 5})),
              at(102, submit({.id = 901,
                      .account = 7,
                      .side = Side::Buy,
                      .type = OrderType::Market,
                      .tif = TimeInForce::IOC,
                      .qty = 2000})),
              at(100'000, tick()), at(100'001, massCancel(0))}) {
          play(book, c, events);
        }
        EXPECT_FALSE(events.empty()) << context;
        EXPECT_EQ(book.restingOrders(), 0u) << context;
        EXPECT_EQ(book.pendingStops(), 0u) << context;
      }
    }
  }
  std::cout << "byte flips: " << refused << " refused, " << accepted << " accepted as another valid state\n";
  EXPECT_GT(refused, 0);
  EXPECT_GT(accepted, 0);
}

TEST(BookSnapshot, AnotherInstrumentsStateIsRefused) {
  const Bytes state = dayState(makeInstrument(TradingStatus::PreOpen, 3));
  const Instrument other = makeInstrument(TradingStatus::PreOpen, 4);
  OrderBook book(other, kSmall);
  ByteReader reader(state);
  EXPECT_FALSE(book.loadState(reader));
  EXPECT_EQ(book.sequence(), 0u);
}

// A reference price is a price; setReferencePrice does not check it, loadState does (the
// uncross tie-break would overflow on a very negative one).
TEST(BookSnapshot, NonPositiveReferencePriceIsRefused) {
  const Instrument instrument = makeInstrument(TradingStatus::PreOpen);
  OrderBook source(instrument, kSmall);
  OrderBook target(instrument, kSmall);
  for (const std::int64_t raw : {std::int64_t{0}, std::int64_t{-5}}) {
    source.setReferencePrice(Price::fromRaw(raw));
    const Bytes bytes = save(source);
    ByteReader reader(bytes);
    EXPECT_FALSE(target.loadState(reader)) << raw;
  }
  source.setReferencePrice(Price::fromRaw(1));
  const Bytes bytes = save(source);
  ByteReader reader(bytes);
  EXPECT_TRUE(target.loadState(reader));
}

}  // namespace
}  // namespace alphintra::book::testing
