// Market-data property test for the fast book (book::OrderBook): a consumer that takes an L2/L3
// snapshot and applies every incremental update (LevelUpdate, OrderAdded, OrderUpdated,
// OrderDeleted) with a higher sequence reproduces the book exactly (docs/matching.md, "Market
// data"), after every command of random streams.
//
// Owns: the consumer model (per side, the shown orders in priority order and the levels), and
// the checks: after every command the model equals a fresh snapshot (L3 orders with their shown
// quantity, L2 depth of every level, L1), sequence numbers are gap-free, each LevelUpdate agrees
// with the L3 orders of its level at the moment it arrives, and hidden iceberg quantity, stops
// and queued market orders never show. The consumer re-snapshots now and then, so that starting
// from a snapshot taken mid-stream is exercised too.
//
// Size: ALPHINTRA_DIFF_OPS / 5 commands per book configuration when set (default 200,000).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "book/order_book.hpp"
#include "book/tests/random_commands.hpp"
#include "book/types.hpp"
#include "core/instrument.hpp"

namespace alphintra::book::testing {
namespace {

std::uint64_t commandsPerRun() {
  const char* v = std::getenv("ALPHINTRA_DIFF_OPS");
  if (v == nullptr || *v == '\0') return 200'000;
  return std::max<std::uint64_t>(1000, std::strtoull(v, nullptr, 10) / 5);
}

Instrument makeInstrument(TradingStatus status) {
  InstrumentSpec spec;
  spec.id = 2;
  spec.symbol = "MD";
  spec.pricePrecision = 2;
  spec.tickSize = "0.05";
  spec.lotSize = "10";
  spec.minQuantity = "20";
  spec.maxQuantity = "2000";
  spec.status = status;
  auto inst = Instrument::create(spec);
  if (!inst) std::abort();
  return *inst;
}

// What a market-data consumer knows: shown orders per side in priority order, and levels.
struct Consumer {
  struct Shown {
    OrderId id;
    Price price;
    Quantity quantity;
  };
  std::vector<Shown> orders[2];
  std::map<std::int64_t, LevelView> levels[2];
  std::uint64_t sequence = 0;
  bool l2 = false;
  bool l3 = false;

  static int index(Side s) { return s == Side::Buy ? 0 : 1; }
  static bool better(Side s, Price a, Price b) { return s == Side::Buy ? a > b : a < b; }

  void loadSnapshot(const OrderBook& book) {
    sequence = book.topOfBook().sequence;
    for (Side s : {Side::Buy, Side::Sell}) {
      orders[index(s)].clear();
      levels[index(s)].clear();
      std::vector<OrderView> views;
      book.orders(s, views);
      for (const auto& v : views) orders[index(s)].push_back({v.id, v.price, v.displayedQuantity});
      std::vector<LevelView> depth;
      book.depth(s, 1'000'000, depth);
      for (const auto& l : depth) levels[index(s)][l.price.raw()] = l;
    }
  }

  // Applies one event; returns a description of what went wrong, empty when fine.
  std::string apply(const Event& e) {
    if (e.sequence <= sequence) return {};  // already in the snapshot
    if (e.sequence != sequence + 1) {
      return "sequence gap: expected " + std::to_string(sequence + 1) + ", got " + std::to_string(e.sequence);
    }
    sequence = e.sequence;
    const bool l3Event =
        e.type == EventType::OrderAdded || e.type == EventType::OrderUpdated || e.type == EventType::OrderDeleted;
    if (l3Event && !l3) return "L3 event while L3 updates are disabled";
    if (e.type == EventType::LevelUpdate && !l2) return "L2 event while L2 updates are disabled";
    if (e.side != Side::Buy && e.side != Side::Sell && (l3Event || e.type == EventType::LevelUpdate)) {
      return "market-data event without a side";
    }
    const int si = index(e.side);
    auto& side = orders[si];
    auto at = [&](OrderId id) {
      for (std::size_t k = 0; k < side.size(); ++k) {
        if (side[k].id == id) return static_cast<std::ptrdiff_t>(k);
      }
      return std::ptrdiff_t{-1};
    };
    switch (e.type) {
      case EventType::OrderAdded: {
        if (at(e.orderId) >= 0) return "OrderAdded of an order already shown";
        if (!e.quantity.isPositive()) return "OrderAdded with no shown quantity";
        std::size_t pos = 0;
        while (pos < side.size() && !better(e.side, e.price, side[pos].price)) ++pos;
        side.insert(side.begin() + static_cast<std::ptrdiff_t>(pos), Shown{e.orderId, e.price, e.quantity});
        break;
      }
      case EventType::OrderUpdated: {
        const auto k = at(e.orderId);
        if (k < 0) return "OrderUpdated of an order not shown";
        if (side[static_cast<std::size_t>(k)].price != e.price) return "OrderUpdated with another price";
        if (!e.quantity.isPositive()) return "OrderUpdated to no shown quantity";
        side[static_cast<std::size_t>(k)].quantity = e.quantity;
        break;
      }
      case EventType::OrderDeleted: {
        const auto k = at(e.orderId);
        if (k < 0) return "OrderDeleted of an order not shown";
        side.erase(side.begin() + k);
        break;
      }
      case EventType::LevelUpdate: {
        if (e.quantity.isZero()) {
          if (e.count != 0) return "LevelUpdate removing a level with a non-zero count";
          levels[si].erase(e.price.raw());
        } else {
          levels[si][e.price.raw()] = LevelView{e.price, e.quantity, e.count};
        }
        if (l3) {  // with L3 on, the L2 update follows its L3 event: both views agree now
          Quantity q;
          std::uint32_t n = 0;
          for (const auto& o : side) {
            if (o.price == e.price) {
              q += o.quantity;
              ++n;
            }
          }
          if (q != e.quantity || n != e.count) {
            return "LevelUpdate " + text(e.quantity) + "(" + std::to_string(e.count) + ") disagrees with L3 " +
                   text(q) + "(" + std::to_string(n) + ") at that moment";
          }
        }
        break;
      }
      default: break;
    }
    return {};
  }

  // Differences between the model and a fresh snapshot of the book.
  std::string compare(const OrderBook& book) const {
    std::ostringstream s;
    if (book.sequence() != sequence)
      s << "consumer at sequence " << sequence << ", book at " << book.sequence() << "\n";
    if (book.topOfBook().sequence != book.sequence()) s << "top of book stamped with a stale sequence\n";
    for (Side side : {Side::Buy, Side::Sell}) {
      const int si = index(side);
      if (l3) {
        std::vector<OrderView> views;
        book.orders(side, views);
        bool same = views.size() == orders[si].size();
        for (std::size_t k = 0; same && k < views.size(); ++k) {
          same = views[k].id == orders[si][k].id && views[k].price == orders[si][k].price &&
                 views[k].displayedQuantity == orders[si][k].quantity;
        }
        if (!same) {
          s << "L3 " << toString(side) << " differs\n  book:";
          for (const auto& v : views)
            s << " " << v.id.value() << ":" << text(v.displayedQuantity) << "@" << text(v.price);
          s << "\n  model:";
          for (const auto& o : orders[si]) s << " " << o.id.value() << ":" << text(o.quantity) << "@" << text(o.price);
          s << "\n";
        }
        for (const auto& v : views) {
          if (!v.resting || v.displayedQuantity > v.leavesQuantity || !v.displayedQuantity.isPositive()) {
            s << "L3 order " << v.id.value() << " shown " << text(v.displayedQuantity) << " of leaves "
              << text(v.leavesQuantity) << "\n";
          }
        }
      }
      if (l2) {
        std::vector<LevelView> depth;
        book.depth(side, 1'000'000, depth);
        bool same = depth.size() == levels[si].size();
        if (same) {
          // Best first: descending prices for bids, ascending for asks.
          std::vector<LevelView> model;
          for (const auto& [p, l] : levels[si]) model.push_back(l);
          if (side == Side::Buy) std::reverse(model.begin(), model.end());
          for (std::size_t k = 0; same && k < depth.size(); ++k) {
            same = depth[k].price == model[k].price && depth[k].quantity == model[k].quantity &&
                   depth[k].orders == model[k].orders;
          }
        }
        if (!same) {
          s << "L2 " << toString(side) << " differs\n  book:";
          for (const auto& l : depth) s << " " << text(l.quantity) << "@" << text(l.price) << "(" << l.orders << ")";
          s << "\n  model:";
          for (const auto& [p, l] : levels[si])
            s << " " << text(l.quantity) << "@" << text(l.price) << "(" << l.orders << ")";
          s << "\n";
        }
      }
    }
    return s.str();
  }
};

void runStream(const Mix& mix, BookOptions options, TradingStatus initial, std::uint64_t seed, std::uint64_t commands) {
  const Instrument instrument = makeInstrument(initial);
  OrderBook book(instrument, options);
  CommandGenerator gen(seed, mix, instrument);
  Consumer consumer;
  consumer.l2 = options.levelUpdates;
  consumer.l3 = options.orderUpdates;
  consumer.loadSnapshot(book);

  std::set<std::uint64_t> known;  // ids that may still be live
  std::vector<Event> events;
  std::deque<std::string> history;
  for (std::uint64_t i = 0; i < commands; ++i) {
    std::vector<OrderView> live;
    for (auto it = known.begin(); it != known.end();) {
      if (auto v = book.find(OrderId{*it})) {
        live.push_back(*v);
        ++it;
      } else {
        it = known.erase(it);
      }
    }
    const Command c = gen.next(live, book.status(), book.lastTradePrice());
    if (c.kind == Command::Kind::Submit && !c.order.id.isNone()) known.insert(c.order.id.value());
    history.push_back(describe(c));
    if (history.size() > 12) history.pop_front();

    const std::uint64_t before = book.sequence();
    events.clear();
    play(book, c, events);
    auto fail = [&](const std::string& what) {
      std::ostringstream s;
      s << "seed " << seed << " (" << mix.name << ") command #" << i << ": " << what << "\nlast commands:\n";
      for (const auto& h : history) s << "  " << h << "\n";
      s << "events:\n";
      for (const auto& e : events) {
        s << "  #" << e.sequence << " " << toString(e.type) << " " << toString(e.side) << " id=" << e.orderId.value()
          << " px=" << text(e.price) << " qty=" << text(e.quantity) << " count=" << e.count << "\n";
      }
      return s.str();
    };
    for (std::size_t k = 0; k < events.size(); ++k) {
      if (events[k].sequence != before + k + 1) {
        FAIL() << fail("book sequence not gap-free at event " + std::to_string(k));
      }
      if (std::string err = consumer.apply(events[k]); !err.empty()) {
        FAIL() << fail("event " + std::to_string(k) + ": " + err);
      }
    }
    if (book.sequence() != before + events.size()) FAIL() << fail("sequence() does not count the events");
    if (std::string diff = consumer.compare(book); !diff.empty()) FAIL() << fail(diff);
    if (i % 997 == 996) consumer.loadSnapshot(book);  // a consumer joining mid-stream
  }
}

Mix daily(const char* name) {
  Mix m;
  m.name = name;
  m.icebergShare = 0.35;
  m.stopShare = 0.2;
  return m;
}

TEST(MarketDataTest, DeltasAppliedToSnapshotReproduceTheBookL2AndL3) {
  const BookOptions both{.expectedOrders = 256, .expectedLevels = 16, .levelUpdates = true, .orderUpdates = true};
  runStream(daily("trading day, L2+L3"), both, TradingStatus::PreOpen, 101, commandsPerRun());
  Mix stp = daily("self-trade heavy, L2+L3");
  stp.accounts = 2;
  stp.selfTradeShare = 0.85;
  runStream(stp, both, TradingStatus::Continuous, 102, commandsPerRun() / 2);
}

TEST(MarketDataTest, L2OnlyDeltasReproduceDepth) {
  const BookOptions l2{.expectedOrders = 256, .expectedLevels = 16, .levelUpdates = true, .orderUpdates = false};
  runStream(daily("trading day, L2 only"), l2, TradingStatus::Continuous, 103, commandsPerRun() / 2);
}

TEST(MarketDataTest, L3OnlyDeltasReproduceOrders) {
  const BookOptions l3{.expectedOrders = 256, .expectedLevels = 16, .levelUpdates = false, .orderUpdates = true};
  runStream(daily("trading day, L3 only"), l3, TradingStatus::Closed, 104, commandsPerRun() / 2);
}

}  // namespace
}  // namespace alphintra::book::testing
