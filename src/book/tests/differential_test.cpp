// Randomized differential test: the fast book (book::OrderBook) against the naive reference
// book (testing::ReferenceBook), both implementing docs/matching.md.
//
// Owns: the scenario mixes, the seeds, the field-by-field comparison of every event of every
// command, periodic comparison of the market-data snapshots (L1, L2, L3, find), the coverage
// report (how often each event type, reject / cancel reason and contract branch occurred), and
// short reproductions of past disagreements replayed on both books.
//
// Reproducible: every scenario runs from fixed seeds (std::mt19937_64); a mismatch prints the
// scenario, seed, command index, the last commands and both event lists.
// Environment:
//   ALPHINTRA_DIFF_OPS      total random commands over all scenarios (default 1,000,000;
//                           the sanitizer run sets it lower)
//   ALPHINTRA_DIFF_SEED     added to every seed, to explore new streams without editing the file
//   ALPHINTRA_DIFF_HISTORY  how many of the last commands a failure prints (default 20)
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "book/order_book.hpp"
#include "book/tests/random_commands.hpp"
#include "book/tests/reference_book.hpp"
#include "book/types.hpp"
#include "core/instrument.hpp"

namespace alphintra::book::testing {
namespace {

std::uint64_t envNumber(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 10);
}

Instrument makeInstrument(TradingStatus status) {
  InstrumentSpec spec;
  spec.id = 1;
  spec.symbol = "DIFF";
  spec.pricePrecision = 2;
  spec.quantityPrecision = 0;
  spec.tickSize = "0.05";  // raw 5: raw prices off the grid exist to be refused
  spec.lotSize = "10";     // raw 10: quantities off the lot exist to be refused
  spec.minQuantity = "20";
  spec.maxQuantity = "2000";
  spec.status = status;
  auto inst = Instrument::create(spec);
  if (!inst) {
    ADD_FAILURE() << inst.error().message;
    std::abort();
  }
  return *inst;
}

// ---- printing ---------------------------------------------------------------------------

std::string reasonText(const Event& e) {
  switch (e.type) {
    case EventType::Rejected: return std::string(toString(static_cast<RejectReason>(e.reason)));
    case EventType::Cancelled: return std::string(toString(static_cast<CancelReason>(e.reason)));
    case EventType::StatusChanged: return std::string(toString(static_cast<TradingStatus>(e.reason)));
    default: return std::to_string(e.reason);
  }
}

std::string describe(const Event& e) {
  std::ostringstream s;
  s << "#" << e.sequence << " " << toString(e.type) << " side=" << toString(e.side) << " reason=" << reasonText(e)
    << " otype=" << static_cast<int>(e.orderType) << " count=" << e.count << " id=" << e.orderId.value()
    << " contra=" << e.contraOrderId.value() << " px=" << text(e.price) << " qty=" << text(e.quantity)
    << " leaves=" << text(e.leavesQuantity) << " cleaves=" << text(e.contraLeavesQuantity) << " t=" << e.time.nanos();
  return s.str();
}

// Names of the fields in which two events differ (empty: equal).
std::string differingFields(const Event& a, const Event& b) {
  std::string d;
  auto check = [&](bool same, const char* name) {
    if (!same) d += std::string(d.empty() ? "" : ",") + name;
  };
  check(a.type == b.type, "type");
  check(a.side == b.side, "side");
  check(a.reason == b.reason, "reason");
  check(a.orderType == b.orderType, "orderType");
  check(a.count == b.count, "count");
  check(a.orderId == b.orderId, "orderId");
  check(a.contraOrderId == b.contraOrderId, "contraOrderId");
  check(a.price == b.price, "price");
  check(a.quantity == b.quantity, "quantity");
  check(a.leavesQuantity == b.leavesQuantity, "leavesQuantity");
  check(a.contraLeavesQuantity == b.contraLeavesQuantity, "contraLeavesQuantity");
  check(a.sequence == b.sequence, "sequence");
  check(a.time == b.time, "time");
  return d;
}

std::string describe(const OrderView& v) {
  std::ostringstream s;
  s << "id=" << v.id.value() << " acct=" << v.account.value() << " " << toString(v.side) << " " << toString(v.type)
    << " " << toString(v.timeInForce) << " px=" << text(v.price) << " stop=" << text(v.stopPrice)
    << " qty=" << text(v.quantity) << " filled=" << text(v.filledQuantity) << " leaves=" << text(v.leavesQuantity)
    << " shown=" << text(v.displayedQuantity) << (v.resting ? " resting" : "");
  return s.str();
}

bool sameView(const OrderView& a, const OrderView& b) {
  return a.id == b.id && a.account == b.account && a.side == b.side && a.type == b.type &&
         a.timeInForce == b.timeInForce && a.price == b.price && a.stopPrice == b.stopPrice &&
         a.quantity == b.quantity && a.filledQuantity == b.filledQuantity && a.leavesQuantity == b.leavesQuantity &&
         a.displayedQuantity == b.displayedQuantity && a.resting == b.resting;
}

// ---- coverage -----------------------------------------------------------------------------

struct Coverage {
  std::map<EventType, std::uint64_t> events;
  std::map<RejectReason, std::uint64_t> rejects;
  std::map<CancelReason, std::uint64_t> cancels;
  std::map<std::string, std::uint64_t> features;
  std::uint64_t commands = 0;

  void count(const Command& c, const std::vector<Event>& evs) {
    ++commands;
    for (const Event& e : evs) {
      ++events[e.type];
      if (e.type == EventType::Rejected) ++rejects[static_cast<RejectReason>(e.reason)];
      if (e.type == EventType::Cancelled) ++cancels[static_cast<CancelReason>(e.reason)];
      if (e.type == EventType::Trade && e.side == Side::None) ++features["auction trade"];
      if (e.type == EventType::Expired) ++features[e.time == c.time ? "expiry" : "expiry (late command)"];
    }
    for (std::size_t i = 1; i < evs.size(); ++i) {
      if (evs[i - 1].type == EventType::OrderDeleted && evs[i].type == EventType::LevelUpdate && i + 1 < evs.size() &&
          evs[i + 1].type == EventType::OrderAdded && evs[i + 1].orderId == evs[i - 1].orderId) {
        ++features["order re-added at back (iceberg / replace)"];
      }
    }
    if (c.kind == Command::Kind::Submit) {
      const NewOrder& o = c.order;
      const bool accepted = !evs.empty() && evs.back().type != EventType::Rejected;
      if (!accepted) return;
      ++features[std::string("accepted ") + std::string(toString(o.type)) + " " + std::string(toString(o.timeInForce))];
      if (!o.displayQuantity.isZero()) ++features["accepted iceberg"];
      if (!o.minQuantity.isZero()) ++features["accepted min quantity"];
      if (o.postOnly) ++features["accepted post-only"];
      if (o.selfTrade != SelfTradePrevention::None) {
        ++features[std::string("accepted stp ") + std::string(toString(o.selfTrade))];
      }
    }
  }

  void print(std::ostream& os) const {
    os << "Differential coverage over " << commands << " commands\n  events:\n";
    for (const auto& [t, n] : events) os << "    " << toString(t) << ": " << n << "\n";
    os << "  reject reasons:\n";
    for (const auto& [r, n] : rejects) os << "    " << toString(r) << ": " << n << "\n";
    os << "  cancel reasons:\n";
    for (const auto& [r, n] : cancels) os << "    " << toString(r) << ": " << n << "\n";
    os << "  features:\n";
    for (const auto& [f, n] : features) os << "    " << f << ": " << n << "\n";
  }
};

// ---- one scenario -------------------------------------------------------------------------

struct Scenario {
  Mix mix;
  BookOptions options;
  TradingStatus initialStatus = TradingStatus::Continuous;
  std::uint64_t seed = 1;
  double weight = 1.0;  // share of the total commands
};

BookOptions withTopVersions(BookOptions o) {
  o.topVersions = true;  // changes no event: the scenarios' own options otherwise
  return o;
}

class Runner {
 public:
  Runner(const Scenario& sc, Coverage& coverage)
      : sc_(sc),
        instrument_(makeInstrument(sc.initialStatus)),
        fast_(instrument_, withTopVersions(sc.options)),
        ref_(instrument_, sc.options),
        gen_(sc.seed, sc.mix, instrument_),
        coverage_(coverage) {}

  const std::map<std::string, std::uint64_t>& branchCounts() const { return ref_.branchCounts(); }

  // Returns an empty string when both books agreed on every command, else the failure dump.
  std::string run(std::uint64_t commands) {
    std::vector<Event> fastEvents;
    std::vector<Event> refEvents;
    for (std::uint64_t i = 0; i < commands; ++i) {
      const Command c = gen_.next(ref_.liveOrders(), ref_.status(), ref_.lastTradePrice());
      history_.push_back(c);
      if (history_.size() > historyLength_) history_.pop_front();
      fastEvents.clear();
      refEvents.clear();
      play(fast_, c, fastEvents);
      play(ref_, c, refEvents);
      coverage_.count(c, refEvents);
      if (std::string d = compareEvents(fastEvents, refEvents); !d.empty()) return dump(i, d, fastEvents, refEvents);
      if (std::string d = checkWatchedLevels(); !d.empty()) return dump(i, d, fastEvents, refEvents);
      if (i % 64 == 63 || c.kind == Command::Kind::SetStatus) {
        if (std::string d = compareSnapshots(); !d.empty()) return dump(i, d, fastEvents, refEvents);
      }
    }
    if (std::string d = compareSnapshots(); !d.empty()) return dump(commands, d, fastEvents, refEvents);
    return {};
  }

 private:
  static std::string compareEvents(const std::vector<Event>& fast, const std::vector<Event>& ref) {
    const std::size_t n = std::min(fast.size(), ref.size());
    for (std::size_t k = 0; k < n; ++k) {
      if (std::string f = differingFields(fast[k], ref[k]); !f.empty()) {
        return "event " + std::to_string(k) + " differs in: " + f;
      }
    }
    if (fast.size() != ref.size()) {
      return "event count differs: fast " + std::to_string(fast.size()) + ", reference " + std::to_string(ref.size());
    }
    return {};
  }

  // The best levels of a side read the same whenever its topVersion has not moved (a reader
  // that skips the read on an unchanged version relies on it); checked after every command.
  std::string checkWatchedLevels() {
    std::string out;
    for (Side side : {Side::Buy, Side::Sell}) {
      const std::size_t k = side == Side::Buy ? 0 : 1;
      std::array<std::int64_t, 2 * OrderBook::kWatchedLevels> pairs{};
      const std::size_t n = fast_.depthPairs(side, pairs);
      const std::uint64_t version = fast_.topVersion(side);
      if (version == watchedVersion_[k] && (pairs != watched_[k] || n != watchedCount_[k])) {
        out += "the best " + std::string(toString(side)) + " levels changed but topVersion stayed at " +
               std::to_string(version) + "\n";
      }
      if (version < watchedVersion_[k] && watchedVersion_[k] != UINT64_MAX) out += "topVersion went back\n";
      watched_[k] = pairs;
      watchedCount_[k] = n;
      watchedVersion_[k] = version;
    }
    return out;
  }

  std::string compareSnapshots() {
    std::ostringstream s;
    if (fast_.sequence() != ref_.sequence()) s << "sequence " << fast_.sequence() << " vs " << ref_.sequence() << "\n";
    if (fast_.status() != ref_.status())
      s << "status " << toString(fast_.status()) << " vs " << toString(ref_.status()) << "\n";
    if (fast_.lastTradePrice() != ref_.lastTradePrice()) {
      s << "last trade " << text(fast_.lastTradePrice()) << " vs " << text(ref_.lastTradePrice()) << "\n";
    }
    const TopOfBook a = fast_.topOfBook();
    const TopOfBook b = ref_.topOfBook();
    if (a.bidPrice != b.bidPrice || a.bidQuantity != b.bidQuantity || a.bidOrders != b.bidOrders ||
        a.askPrice != b.askPrice || a.askQuantity != b.askQuantity || a.askOrders != b.askOrders ||
        a.lastTradePrice != b.lastTradePrice || a.sequence != b.sequence) {
      auto tob = [](const TopOfBook& t) {
        std::ostringstream o;
        o << "bid " << text(t.bidQuantity) << "@" << text(t.bidPrice) << "(" << t.bidOrders << ") ask "
          << text(t.askQuantity) << "@" << text(t.askPrice) << "(" << t.askOrders << ") last " << text(t.lastTradePrice)
          << " seq " << t.sequence;
        return o.str();
      };
      s << "top of book: fast " << tob(a) << "\n             ref  " << tob(b) << "\n";
    }
    for (Side side : {Side::Buy, Side::Sell}) {
      for (std::size_t levels : {std::size_t{3}, std::size_t{100000}}) {
        std::vector<LevelView> fa;
        std::vector<LevelView> ra;
        fast_.depth(side, levels, fa);
        ref_.depth(side, levels, ra);
        bool same = fa.size() == ra.size();
        for (std::size_t k = 0; same && k < fa.size(); ++k) {
          same = fa[k].price == ra[k].price && fa[k].quantity == ra[k].quantity && fa[k].orders == ra[k].orders;
        }
        if (!same) {
          s << "depth " << toString(side) << " (" << levels << " levels)\n";
          for (const auto* v : {&fa, &ra}) {
            s << (v == &fa ? "  fast:" : "  ref: ");
            for (const auto& l : *v) s << " " << text(l.quantity) << "@" << text(l.price) << "(" << l.orders << ")";
            s << "\n";
          }
        }
      }
      {  // the allocation-free read of the best levels gives the same levels
        std::array<LevelView, 3> into{};
        const std::size_t n = fast_.depth(side, into);
        std::vector<LevelView> fv;
        fast_.depth(side, 3, fv);
        bool same = n == fv.size();
        for (std::size_t k = 0; same && k < n; ++k) {
          same = into[k].price == fv[k].price && into[k].quantity == fv[k].quantity && into[k].orders == fv[k].orders;
        }
        if (!same) s << "depth " << toString(side) << " into a span differs from the vector read\n";
        std::array<std::int64_t, 6> pairs{};
        const std::size_t np = fast_.depthPairs(side, pairs);
        same = np == fv.size();
        for (std::size_t k = 0; same && k < np; ++k) {
          same = pairs[2 * k] == fv[k].price.raw() && pairs[2 * k + 1] == fv[k].quantity.raw();
        }
        if (!same) s << "depth " << toString(side) << " as raw pairs differs from the vector read\n";
      }
      std::vector<OrderView> fo;
      std::vector<OrderView> ro;
      fast_.orders(side, fo);
      ref_.orders(side, ro);
      bool same = fo.size() == ro.size();
      for (std::size_t k = 0; same && k < fo.size(); ++k) same = sameView(fo[k], ro[k]);
      if (!same) {
        s << "L3 orders " << toString(side) << "\n";
        for (const auto* v : {&fo, &ro}) {
          s << (v == &fo ? "  fast:\n" : "  ref:\n");
          for (const auto& o : *v) s << "    " << describe(o) << "\n";
        }
      }
    }
    for (const OrderView& live : ref_.liveOrders()) {
      const auto f = fast_.find(live.id);
      if (!f) {
        s << "find(" << live.id.value() << "): fast has no such live order; ref: " << describe(live) << "\n";
      } else if (!sameView(*f, live)) {
        s << "find(" << live.id.value() << "):\n  fast " << describe(*f) << "\n  ref  " << describe(live) << "\n";
      }
    }
    return s.str();
  }

  std::string dump(std::uint64_t index, const std::string& what, const std::vector<Event>& fast,
                   const std::vector<Event>& ref) const {
    std::ostringstream s;
    s << "MISMATCH in scenario '" << sc_.mix.name << "' seed " << sc_.seed << " at command #" << index << ": " << what
      << "\nlast commands (oldest first):\n";
    for (const auto& c : history_) s << "  " << testing::describe(c) << "\n";
    s << "fast book events:\n";
    for (const auto& e : fast) s << "  " << describe(e) << "\n";
    s << "reference events:\n";
    for (const auto& e : ref) s << "  " << describe(e) << "\n";
    return s.str();
  }

  Scenario sc_;
  Instrument instrument_;
  OrderBook fast_;
  ReferenceBook ref_;
  CommandGenerator gen_;
  Coverage& coverage_;
  std::deque<Command> history_;
  std::array<std::array<std::int64_t, 2 * OrderBook::kWatchedLevels>, 2> watched_{};
  std::array<std::size_t, 2> watchedCount_{};
  std::array<std::uint64_t, 2> watchedVersion_{UINT64_MAX, UINT64_MAX};
  std::size_t historyLength_ = envNumber("ALPHINTRA_DIFF_HISTORY", 20);
};

std::vector<Scenario> scenarios(std::uint64_t seedShift) {
  std::vector<Scenario> all;
  auto add = [&](Scenario s) {
    s.seed += seedShift;
    all.push_back(s);
  };
  const BookOptions deltas{.expectedOrders = 1024, .expectedLevels = 64, .levelUpdates = true, .orderUpdates = true};
  const BookOptions quiet{.expectedOrders = 1024, .expectedLevels = 64, .levelUpdates = false, .orderUpdates = false};
  const BookOptions l2only{.expectedOrders = 16, .expectedLevels = 4, .levelUpdates = true, .orderUpdates = false};
  const BookOptions l3only{.expectedOrders = 16, .expectedLevels = 4, .levelUpdates = false, .orderUpdates = true};

  Mix continuous;
  continuous.name = "continuous, deltas on";
  continuous.auctions = false;
  add({continuous, deltas, TradingStatus::Continuous, 11, 2.0});
  add({continuous, deltas, TradingStatus::Continuous, 12, 1.0});

  Mix day;
  day.name = "trading day with auctions, deltas on";
  add({day, deltas, TradingStatus::PreOpen, 21, 2.0});
  add({day, deltas, TradingStatus::Closed, 22, 1.0});

  Mix quietDay = day;
  quietDay.name = "trading day with auctions, no deltas";
  add({quietDay, quiet, TradingStatus::Continuous, 31, 1.0});

  Mix stp;
  stp.name = "self-trade heavy, two accounts";
  stp.accounts = 2;
  stp.selfTradeShare = 0.85;
  add({stp, deltas, TradingStatus::Continuous, 41, 1.5});

  Mix hidden;
  hidden.name = "icebergs, stops and minimum quantities";
  hidden.icebergShare = 0.5;
  hidden.stopShare = 0.35;
  hidden.minQtyShare = 0.25;
  hidden.marketShare = 0.15;
  add({hidden, l2only, TradingStatus::Continuous, 51, 1.0});
  add({hidden, l3only, TradingStatus::PreOpen, 52, 1.0});

  Mix invalid;
  invalid.name = "invalid inputs";
  invalid.invalidShare = 0.35;
  add({invalid, deltas, TradingStatus::Continuous, 61, 0.5});

  Mix wide;
  wide.name = "wide and deep book";
  wide.priceHalfWidth = 25;
  wide.targetLive = 300;
  wide.accounts = 6;
  add({wide, deltas, TradingStatus::PreOpen, 71, 1.0});
  return all;
}

// ---- reproductions ----------------------------------------------------------------------

// Short command sequences, distilled from random streams where the books once disagreed,
// replayed on both books. Each names the sentence of docs/matching.md it checks.
struct Reproduction {
  const char* name;
  const char* contract;  // the sentence of docs/matching.md
  TradingStatus initialStatus;
  std::vector<Command> commands;
};

Command at(std::int64_t second, Command c) {
  c.time = Timestamp::fromSeconds(1'700'000'000 + second);
  return c;
}

Command submit(std::uint64_t id, std::uint64_t account, Side side, OrderType type, TimeInForce tif, std::int64_t qty,
               std::int64_t price, std::int64_t stopPrice = 0, std::int64_t minQty = 0) {
  Command c;
  c.kind = Command::Kind::Submit;
  c.order.id = OrderId{id};
  c.order.account = AccountId{account};
  c.order.side = side;
  c.order.type = type;
  c.order.timeInForce = tif;
  c.order.quantity = Quantity::fromRaw(qty);
  c.order.price = price == 0 ? Price::undefined() : Price::fromRaw(price);
  c.order.stopPrice = stopPrice == 0 ? Price::undefined() : Price::fromRaw(stopPrice);
  c.order.minQuantity = Quantity::fromRaw(minQty);
  return c;
}

Command replaceQuantity(std::uint64_t id, std::int64_t qty) {
  Command c;
  c.kind = Command::Kind::Replace;
  c.replace.id = OrderId{id};
  c.replace.quantity = Quantity::fromRaw(qty);
  return c;
}

Command status(TradingStatus s) {
  Command c;
  c.kind = Command::Kind::SetStatus;
  c.status = s;
  return c;
}

std::vector<Reproduction> reproductions() {
  using OT = OrderType;
  using TIF = TimeInForce;
  std::vector<Reproduction> all;
  all.push_back(
      {"minimum quantity above a replaced quantity, FOK stop-limit",
       "Fill-or-kill and minimum quantity: \"If that is below the order quantity (FOK) or below the minimum "
       "quantity, the order is Cancelled whole\"",
       TradingStatus::Continuous,
       {at(1, submit(1, 1, Side::Sell, OT::Limit, TIF::GTC, 50, 10000)),
        at(2, submit(2, 2, Side::Buy, OT::StopLimit, TIF::FOK, 40, 10100, 10000, 40)), at(3, replaceQuantity(2, 20)),
        // Trades 20 @ 100.00: id 2 triggers; 30 is executable: >= 20 (FOK) but < 40 (min).
        at(4, submit(3, 3, Side::Buy, OT::Limit, TIF::IOC, 20, 10000))}});
  all.push_back(
      {"minimum quantity above a replaced quantity, executable spread over two orders",
       "Fill-or-kill and minimum quantity: the executable quantity is \"the leaves ... of every resting "
       "order at a price it reaches\"",
       TradingStatus::Continuous,
       {at(1, submit(1, 1, Side::Sell, OT::Limit, TIF::GTC, 50, 10000)),
        at(2, submit(4, 1, Side::Sell, OT::Limit, TIF::GTC, 30, 10000)),
        at(3, submit(2, 2, Side::Buy, OT::StopLimit, TIF::GTC, 40, 10100, 10000, 40)), at(4, replaceQuantity(2, 20)),
        // Trades 20 @ 100.00: id 2 triggers; 30 + 30 = 60 >= 40 is executable.
        at(5, submit(3, 3, Side::Buy, OT::Limit, TIF::IOC, 20, 10000))}});
  all.push_back({"queued market order when moving from one call phase to another",
                 "Trading status and auctions: \"Queued market orders stay queued from one call phase to the next "
                 "(PreOpen -> OpeningAuction)\"",
                 TradingStatus::PreOpen,
                 {at(1, submit(1, 1, Side::Buy, OT::Market, TIF::IOC, 20, 0)),
                  at(2, submit(2, 2, Side::Sell, OT::Limit, TIF::GTC, 20, 10000)),
                  at(3, status(TradingStatus::OpeningAuction)), at(4, status(TradingStatus::Continuous))}});
  return all;
}

TEST(DifferentialTest, ReproductionsMatchReference) {
  const BookOptions deltas{.expectedOrders = 64, .expectedLevels = 8, .levelUpdates = true, .orderUpdates = true};
  for (const Reproduction& r : reproductions()) {
    const Instrument instrument = makeInstrument(r.initialStatus);
    OrderBook fast(instrument, deltas);
    ReferenceBook ref(instrument, deltas);
    std::ostringstream trace;
    for (std::size_t i = 0; i < r.commands.size(); ++i) {
      const Command& c = r.commands[i];
      std::vector<Event> fe;
      std::vector<Event> re;
      play(fast, c, fe);
      play(ref, c, re);
      trace << "  " << testing::describe(c) << "\n";
      bool same = fe.size() == re.size();
      for (std::size_t k = 0; same && k < fe.size(); ++k) same = differingFields(fe[k], re[k]).empty();
      if (!same) {
        std::ostringstream s;
        s << "reproduction '" << r.name << "' differs at command " << i << "\ncontract: " << r.contract
          << "\ncommands:\n"
          << trace.str() << "fast book events:\n";
        for (const auto& e : fe) s << "  " << describe(e) << "\n";
        s << "reference events:\n";
        for (const auto& e : re) s << "  " << describe(e) << "\n";
        ADD_FAILURE() << s.str();
        break;
      }
    }
  }
}

TEST(DifferentialTest, FastBookMatchesReferenceOnRandomStreams) {
  const std::uint64_t total = envNumber("ALPHINTRA_DIFF_OPS", 1'000'000);
  const std::vector<Scenario> all = scenarios(envNumber("ALPHINTRA_DIFF_SEED", 0));
  double weights = 0;
  for (const auto& s : all) weights += s.weight;

  Coverage coverage;
  for (const auto& s : all) {
    const auto commands = static_cast<std::uint64_t>(static_cast<double>(total) * s.weight / weights) + 1;
    Runner runner(s, coverage);
    const std::string failure = runner.run(commands);
    EXPECT_TRUE(failure.empty()) << failure;
    for (const auto& [branch, n] : runner.branchCounts()) coverage.features[branch] += n;
  }
  coverage.print(std::cout);

  // Every event type appears at least once (the streams are large enough, see coverage above).
  for (std::uint8_t t = 1; t <= 14; ++t) {
    EXPECT_GT(coverage.events[static_cast<EventType>(t)], 0u) << "never saw " << toString(static_cast<EventType>(t));
  }
}

}  // namespace
}  // namespace alphintra::book::testing
