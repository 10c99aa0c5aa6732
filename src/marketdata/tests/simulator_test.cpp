// The market simulator driven against a real engine: the default universe, the simulator's
// accounts, then simulated time in 10 ms steps, every command stamped like the sequencer does
// and every event fed back. Checks the contract in simulator.hpp: valid prices and quantities,
// unique client ids, own accounts only, bounded open orders, live books with trades on every
// instrument, prices in a band around the reference, and byte-identical streams per seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "marketdata/simulator.hpp"
#include "marketdata/universe.hpp"

namespace alphintra::marketdata {
namespace {

using engine::Command;
using engine::CommandType;
using engine::EngineEvent;
using engine::EventKind;

constexpr std::int64_t kStepNanos = 10'000'000;  // generate() every 10 ms of simulated time
constexpr Timestamp kStart{1'700'000'000'000'000'000};

struct Stats {
  std::vector<std::byte> stream;  // every generated command, encoded (header + body)
  std::uint64_t commands = 0;
  std::uint64_t newOrders = 0;
  std::uint64_t cancels = 0;
  std::uint64_t replaces = 0;
  std::uint64_t massCancels = 0;
  std::uint64_t invalidCommands = 0;  // price/quantity off the instrument's rules, foreign account
  std::uint64_t duplicateIds = 0;
  std::uint64_t venueRejects = 0;
  std::uint64_t engineRejects = 0;
  std::uint64_t riskRejects = 0;
  std::uint64_t cancelRejects = 0;
  std::uint64_t outOfBand = 0;                      // trades or quotes beyond ±20% of the reference
  std::map<std::uint64_t, std::uint64_t> trades;    // instrument → public trades
  std::map<std::uint64_t, std::uint64_t> ordersOn;  // instrument → new orders and replaces sent
  std::map<std::uint64_t, std::uint64_t> twoSidedSamples;
  std::uint64_t samples = 0;
  std::uint32_t maxOpenMarketMaker = 0;
  std::uint32_t maxOpenNoise = 0;
  std::uint32_t maxOpenMomentum = 0;
  std::uint32_t maxSimulatorOpen = 0;
  std::string firstProblem;
};

class World {
 public:
  explicit World(SimulatorOptions options) : options_(options), simulator_(options) {
    for (const Command& c : defaultUniverse()) admin(c);
    for (const Command& c : simulatorAccounts(options)) admin(c);
    const auto refs = defaultReferencePrices();
    for (std::size_t i = 0; i < refs.size(); ++i) {
      const Instrument* in = engine_.instrument(refs[i].first);
      EXPECT_NE(in, nullptr);
      if (in == nullptr) continue;
      simulator_.addInstrument(*in, refs[i].second);
      reference_[in->id().value()] = refs[i].second;
    }
  }

  // Runs `seconds` of simulated time. feedPerCommand: events go back after each command (as if
  // the engine answered instantly) instead of after each batch (as a live server does).
  // `cadence`: the gaps between generate() calls, cycled.
  void run(std::int64_t seconds, bool feedPerCommand = false, const std::vector<std::int64_t>& cadence = {kStepNanos}) {
    const Timestamp end = time_ + seconds * 1'000'000'000;
    for (std::size_t s = 0; time_ < end; ++s) {
      time_ = time_ + cadence[s % cadence.size()];
      batch_.clear();
      simulator_.generate(time_, batch_);
      std::vector<EngineEvent> pending;
      for (const Command& c : batch_) {
        check(c);
        Command stamped = c;
        stamped.header.sequence = ++sequence_;
        stamped.header.time = time_;
        events_.clear();
        engine_.apply(stamped, events_);
        for (const EngineEvent& e : events_) {
          observe(e);
          if (feedPerCommand) {
            simulator_.onEvent(e);
          } else {
            pending.push_back(e);
          }
        }
      }
      for (const EngineEvent& e : pending) simulator_.onEvent(e);
      if (time_ - kStart >= 5'000'000'000 && s % 10 == 0) sample();  // every 100 ms after a warm-up
    }
  }

  const Stats& stats() const { return stats_; }
  // An outside command (an operator's), applied with its events fed back like the simulator's.
  std::vector<EngineEvent> apply(Command c) {
    c.header.sequence = ++sequence_;
    c.header.time = time_;
    std::vector<EngineEvent> events;
    engine_.apply(c, events);
    for (const EngineEvent& e : events) simulator_.onEvent(e);
    return events;
  }
  MarketSimulator& simulator() { return simulator_; }
  engine::Engine& engine() { return engine_; }
  Timestamp time() const { return time_; }
  void setTime(Timestamp t) { time_ = t; }

 private:
  void admin(const Command& c) {
    Command stamped = c;
    stamped.header.sequence = ++sequence_;
    stamped.header.time = time_;
    events_.clear();
    engine_.apply(stamped, events_);
    ASSERT_FALSE(events_.empty());
    ASSERT_EQ(events_.back().kind, EventKind::CommandResult);
    ASSERT_TRUE(events_.back().body.result.accepted) << engine::toString(c.type());
  }

  void problem(const std::string& what) {
    ++stats_.invalidCommands;
    if (stats_.firstProblem.empty()) stats_.firstProblem = what;
  }

  bool ownAccount(AccountId a) const {
    return a.value() >= options_.firstAccountId && a.value() < options_.firstAccountId + simulatorAgentCount(options_);
  }

  void useId(AccountId account, const ClientOrderId& id) {
    if (id.isNone()) return problem("a command without a client order id");
    if (!ids_.insert({account.value(), std::string(id.view())}).second) ++stats_.duplicateIds;
  }

  void check(const Command& c) {
    ++stats_.commands;
    std::byte bytes[sizeof(Command)];
    const std::size_t n = engine::encode(c, bytes);
    stats_.stream.insert(stats_.stream.end(), bytes, bytes + n);
    if (c.header.source != 0 || c.header.requestId != 0 || c.header.sequence != 0 || c.header.time.nanos() != 0) {
      problem("header not blank");
    }
    switch (c.type()) {
      case CommandType::NewOrder: {
        ++stats_.newOrders;
        const engine::NewOrderBody& b = c.body.newOrder;
        if (!ownAccount(b.account)) problem("foreign account");
        useId(b.account, b.clientOrderId);
        ++stats_.ordersOn[b.instrument.value()];
        const Instrument* in = engine_.instrument(b.instrument);
        if (in == nullptr) return problem("unknown instrument");
        if (b.type == book::OrderType::Limit) {
          if (!b.price.isDefined() || !b.price.isPositive() || in->checkPrice(b.price)) {
            problem("bad price on " + in->symbol());
          }
        } else if (b.type != book::OrderType::Market || b.price.isDefined()) {
          problem("unexpected order type");
        }
        if (!b.quantity.isPositive() || in->checkQuantity(b.quantity)) problem("bad quantity on " + in->symbol());
        break;
      }
      case CommandType::CancelOrder:
        ++stats_.cancels;
        if (!ownAccount(c.body.cancel.account)) problem("foreign account");
        useId(c.body.cancel.account, c.body.cancel.clientOrderId);
        break;
      case CommandType::ReplaceOrder: {
        ++stats_.replaces;
        const engine::ReplaceOrderBody& b = c.body.replace;
        if (!ownAccount(b.account)) problem("foreign account");
        useId(b.account, b.clientOrderId);
        ++stats_.ordersOn[b.instrument.value()];
        const Instrument* in = engine_.instrument(b.instrument);
        if (in == nullptr) return problem("replace without its instrument");
        if (!b.price.isPositive() || in->checkPrice(b.price)) problem("bad replace price on " + in->symbol());
        if (!b.quantity.isPositive() || in->checkQuantity(b.quantity)) problem("bad replace quantity");
        break;
      }
      case CommandType::MassCancel:
        ++stats_.massCancels;
        if (!ownAccount(c.body.massCancel.account)) problem("mass cancel of a foreign account");
        break;
      default: problem(std::string("unexpected command ") + std::string(engine::toString(c.type())));
    }
  }

  bool inBand(std::uint64_t instrument, Price p) const {
    const auto it = reference_.find(instrument);
    if (it == reference_.end() || !p.isDefined()) return true;
    const std::int64_t ref = it->second.raw();
    return p.raw() >= ref - ref / 5 && p.raw() <= ref + ref / 5;
  }

  void observe(const EngineEvent& e) {
    switch (e.kind) {
      case EventKind::ExecutionReport: {
        const engine::ExecutionReport& r = e.body.execution;
        if (r.execType != oms::ExecType::Rejected) break;
        if (r.rejectSource == oms::RejectSource::Venue) ++stats_.venueRejects;
        if (r.rejectSource == oms::RejectSource::Engine) ++stats_.engineRejects;
        if (r.rejectSource == oms::RejectSource::Risk) ++stats_.riskRejects;
        break;
      }
      case EventKind::CancelReject: ++stats_.cancelRejects; break;
      case EventKind::PublicTrade:
        ++stats_.trades[e.body.trade.instrument.value()];
        if (!inBand(e.body.trade.instrument.value(), e.body.trade.price)) ++stats_.outOfBand;
        break;
      case EventKind::Quote: {
        const engine::QuoteReport& q = e.body.quote;
        if (!inBand(q.instrument.value(), q.bidPrice) || !inBand(q.instrument.value(), q.askPrice)) ++stats_.outOfBand;
        break;
      }
      case EventKind::CommandResult: break;
    }
  }

  void sample() {
    ++stats_.samples;
    for (const auto& [id, ref] : reference_) {
      const book::TopOfBook top = engine_.venue().topOfBook(InstrumentId{id});
      if (top.bidPrice.isDefined() && top.askPrice.isDefined()) ++stats_.twoSidedSamples[id];
    }
    for (std::uint32_t i = 0; i < simulatorAgentCount(options_); ++i) {
      const std::uint32_t open = engine_.openOrders(AccountId{options_.firstAccountId + i});
      if (i < options_.marketMakersPerInstrument) {
        stats_.maxOpenMarketMaker = std::max(stats_.maxOpenMarketMaker, open);
      } else if (i < options_.marketMakersPerInstrument + options_.noiseTraders) {
        stats_.maxOpenNoise = std::max(stats_.maxOpenNoise, open);
      } else {
        stats_.maxOpenMomentum = std::max(stats_.maxOpenMomentum, open);
      }
    }
    stats_.maxSimulatorOpen = std::max(stats_.maxSimulatorOpen, simulator_.openOrders());
  }

  SimulatorOptions options_;
  engine::Engine engine_;
  MarketSimulator simulator_;
  std::map<std::uint64_t, Price> reference_;
  std::set<std::pair<std::uint64_t, std::string>> ids_;
  std::vector<Command> batch_;
  std::vector<EngineEvent> events_;
  std::uint64_t sequence_ = 0;
  Timestamp time_ = kStart;
  Stats stats_;
};

const Stats& sixtySeconds() {
  static const Stats stats = [] {
    World world{SimulatorOptions{}};
    world.run(60);
    return world.stats();
  }();
  return stats;
}

TEST(MarketSimulator, EmitsOnlyValidCommandsOnItsOwnAccountsWithUniqueIds) {
  const Stats& s = sixtySeconds();
  EXPECT_EQ(s.invalidCommands, 0u) << s.firstProblem;
  EXPECT_EQ(s.duplicateIds, 0u);
  EXPECT_EQ(s.massCancels, 27u);  // the start-up sweep, one per account
  EXPECT_GT(s.newOrders, 0u);
  EXPECT_GT(s.cancels, 0u);
  EXPECT_GT(s.replaces, 0u);
}

TEST(MarketSimulator, NothingIsRejectedForItsPriceOrQuantity) {
  const Stats& s = sixtySeconds();
  EXPECT_EQ(s.venueRejects, 0u);                 // InvalidPrice, PriceOffTick, QuantityOffLot, ...
  EXPECT_EQ(s.engineRejects, 0u);                // unknown account/instrument, duplicate id, no reference price
  EXPECT_LE(s.riskRejects * 1000, s.newOrders);  // at most 0.1%
  // Cancel/replace races with fills are possible (the simulator's view lags one batch) but rare.
  EXPECT_LE(s.cancelRejects * 100, s.cancels + s.replaces) << s.cancelRejects;
}

TEST(MarketSimulator, KeepsToItsCommandRate) {
  const Stats& s = sixtySeconds();
  // 200 per second over 60 s (plus the first step), and the 27 start-up mass cancels.
  const std::uint64_t expected = 200 * 60 + 27;
  std::uint64_t trades = 0;
  for (const auto& [id, n] : s.trades) trades += n;
  std::printf(
      "[ simulator ] 60 s: %llu commands (%llu new, %llu cancel, %llu replace), %llu trades, "
      "%llu cancel rejects, %llu risk rejects\n",
      static_cast<unsigned long long>(s.commands), static_cast<unsigned long long>(s.newOrders),
      static_cast<unsigned long long>(s.cancels), static_cast<unsigned long long>(s.replaces),
      static_cast<unsigned long long>(trades), static_cast<unsigned long long>(s.cancelRejects),
      static_cast<unsigned long long>(s.riskRejects));
  EXPECT_GE(s.commands, expected * 97 / 100);
  EXPECT_LE(s.commands, expected * 103 / 100);
}

TEST(MarketSimulator, BooksAreAliveAndTradeOnEveryInstrument) {
  const Stats& s = sixtySeconds();
  ASSERT_GT(s.samples, 500u);
  for (std::uint64_t id = 1; id <= 19; ++id) {
    const auto trades = s.trades.count(id) ? s.trades.at(id) : 0;
    EXPECT_GE(trades, 20u) << "instrument " << id;
    const auto twoSided = s.twoSidedSamples.count(id) ? s.twoSidedSamples.at(id) : 0;
    EXPECT_GE(twoSided * 100, s.samples * 95)
        << "instrument " << id << ": two-sided in " << twoSided << " of " << s.samples << " samples";
  }
}

TEST(MarketSimulator, PricesStayWithinTwentyPercentOfTheReference) { EXPECT_EQ(sixtySeconds().outOfBand, 0u); }

TEST(MarketSimulator, OpenOrdersStayBounded) {
  const Stats& s = sixtySeconds();
  EXPECT_LE(s.maxOpenMarketMaker, 2u * 19u);
  EXPECT_LE(s.maxOpenNoise, MarketSimulator::kMaxNoiseOrders);
  EXPECT_LE(s.maxOpenMomentum, 2u);
  EXPECT_LE(s.maxSimulatorOpen, 2u * 2u * 19u + 20u * MarketSimulator::kMaxNoiseOrders + 5u * 2u);
  EXPECT_GT(s.maxOpenMarketMaker, 19u);  // the market makers do quote
}

TEST(MarketSimulator, SameSeedSameStreamOtherSeedAnotherStream) {
  const Stats& a = sixtySeconds();
  World again{SimulatorOptions{}};
  again.run(60);
  EXPECT_EQ(again.stats().stream.size(), a.stream.size());
  EXPECT_TRUE(again.stats().stream == a.stream) << "same seed, different command bytes";

  SimulatorOptions other;
  other.seed = 7;
  World different{other};
  different.run(60);
  EXPECT_FALSE(different.stats().stream == a.stream);
}

TEST(MarketSimulator, AlsoWorksWhenEventsComeBackAfterEveryCommand) {
  World world{SimulatorOptions{}};
  world.run(20, /*feedPerCommand=*/true);
  const Stats& s = world.stats();
  EXPECT_EQ(s.invalidCommands, 0u) << s.firstProblem;
  EXPECT_EQ(s.duplicateIds, 0u);
  EXPECT_EQ(s.venueRejects + s.engineRejects, 0u);
  for (std::uint64_t id = 1; id <= 19; ++id) EXPECT_GT(s.trades.count(id), 0u) << "instrument " << id;
}

TEST(MarketSimulator, FirstCallOnlyRecordsTheTime) {
  MarketSimulator sim{SimulatorOptions{}};
  for (const Instrument& in : defaultInstruments()) {
    sim.addInstrument(in, defaultReferencePrices()[in.id().value() - 1].second);
  }
  std::vector<Command> out;
  sim.generate(kStart, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(sim.commandsGenerated(), 0u);
  sim.generate(kStart + 100'000'000, out);  // 100 ms at 200/s: 20 commands after the 27 sweeps
  EXPECT_EQ(out.size(), 27u + 20u);
  EXPECT_EQ(sim.commandsGenerated(), out.size());
}

TEST(MarketSimulator, FollowsTheConfiguredRateWhateverTheCallCadence) {
  SimulatorOptions options;
  options.ordersPerSecond = 50;
  World world{options};
  world.run(20, false, {3'000'000, 17'000'000, 1'000'000, 250'000'000});  // uneven gaps between calls
  // The first call (at kStart + 3 ms) only records the time; the run ends a little after 20 s.
  const auto elapsed = static_cast<std::uint64_t>(world.time() - (kStart + 3'000'000));
  const std::uint64_t expected = 27 + elapsed * 50 / 1'000'000'000;
  EXPECT_GE(world.stats().commands, expected * 98 / 100);
  EXPECT_LE(world.stats().commands, expected);
  EXPECT_EQ(world.simulator().commandsGenerated(), world.stats().commands);
}

TEST(MarketSimulator, ARestartedSimulatorSweepsTheOldOrdersAndUsesFreshIds) {
  World world{SimulatorOptions{}};
  world.run(5);
  std::uint32_t before = 0;
  for (std::uint32_t i = 0; i < 27; ++i) before += world.engine().openOrders(AccountId{1'000'000 + i});
  ASSERT_GT(before, 0u);

  // A new simulator on the same engine (what `serve` does after recovering a data directory).
  MarketSimulator fresh{SimulatorOptions{}};
  for (const Instrument& in : world.engine().instruments()) {
    fresh.addInstrument(in, defaultReferencePrices()[in.id().value() - 1].second);
  }
  std::vector<Command> out;
  Timestamp t = world.time() + 1'000'000;
  fresh.generate(t, out);
  t = t + 10'000'000;
  fresh.generate(t, out);
  ASSERT_GE(out.size(), 27u);
  std::uint64_t sequence = world.engine().lastSequence();
  std::vector<EngineEvent> events;
  std::uint64_t duplicateRejects = 0;
  for (int step = 0; step < 500; ++step) {
    for (const Command& c : out) {
      Command stamped = c;
      stamped.header.sequence = ++sequence;
      stamped.header.time = t;
      events.clear();
      world.engine().apply(stamped, events);
      for (const EngineEvent& e : events) {
        if (e.kind == EventKind::ExecutionReport && e.body.execution.rejectSource == oms::RejectSource::Engine &&
            e.body.execution.rejectCode == static_cast<std::uint8_t>(engine::RejectCode::DuplicateClientOrderId)) {
          ++duplicateRejects;
        }
        fresh.onEvent(e);
      }
      if (step == 0 && c.type() == CommandType::MassCancel) {
        EXPECT_EQ(world.engine().openOrders(c.body.massCancel.account), 0u);
      }
    }
    out.clear();
    t = t + 10'000'000;
    fresh.generate(t, out);
  }
  EXPECT_EQ(duplicateRejects, 0u);
  EXPECT_GT(fresh.commandsGenerated(), 27u + 500u);
}

// A future's final settlement retires its market: its agents' orders expire in the engine, and
// no agent sends it another order, while the other instruments trade on.
TEST(MarketSimulator, ASettledFutureIsNotTradedAgain) {
  World world{SimulatorOptions{}};
  world.run(5);
  InstrumentId future;
  for (const Instrument& in : world.engine().instruments()) {
    if (in.assetClass() == AssetClass::Future && future.isNone()) future = in.id();
  }
  ASSERT_FALSE(future.isNone());
  ASSERT_GT(world.stats().ordersOn.at(future.value()), 0u);
  Command settle = engine::makeCommand(CommandType::SettleInstrument);
  settle.body.settle.instrument = future;
  settle.body.settle.price = world.simulator().fairValue(future);
  const auto events = world.apply(settle);
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().body.result.accepted);
  const std::uint64_t ordersBefore = world.stats().ordersOn.at(future.value());
  const std::uint64_t tradesBefore = world.stats().trades.at(future.value());
  const std::uint64_t commandsBefore = world.stats().commands;
  const std::uint64_t venueRejectsBefore = world.stats().venueRejects;

  world.run(10);
  EXPECT_EQ(world.stats().ordersOn.at(future.value()), ordersBefore);
  EXPECT_EQ(world.stats().trades.at(future.value()), tradesBefore);
  EXPECT_EQ(world.stats().venueRejects, venueRejectsBefore);
  EXPECT_GT(world.stats().commands, commandsBefore + 1000);
  for (const Instrument& in : world.engine().instruments()) {
    if (in.id() != future) {
      EXPECT_GT(world.stats().trades.at(in.id().value()), 0u) << in.symbol();
    }
  }
  EXPECT_EQ(world.stats().invalidCommands, 0u) << world.stats().firstProblem;
}

}  // namespace
}  // namespace alphintra::marketdata
