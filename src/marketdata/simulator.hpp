// MarketSimulator: an agent-based market that keeps the default venue's books alive, so that
// `alphintra serve` shows moving prices, depth and trades with no outside feed.
//
// It is a client of the engine like any gateway — an analytics-like component that sits off
// the order path: it reads engine events and writes ordinary NewOrder / CancelOrder /
// ReplaceOrder (and, once at start, MassCancel) commands on its own accounts, which go through
// the sequencer, the journal, risk and the matching engine like everybody else's. It never
// touches engine state and the engine never waits for it.
//
// Agents (docs/market-simulator.md has the parameters):
//   market makers   one GTC quote per side per instrument around a latent fair value, skewed
//                   by inventory, requoted with cancel/replace when the fair value moves;
//   noise traders   random passive limit orders and marketable IOC / market orders;
//   momentum        IOC orders in the direction of the recent trade-price trend.
// The fair value of each instrument is a mean-reverting random walk around its reference
// price that also moves with the signed trade flow (price impact); it is clamped to ±15% of the
// reference and every emitted price to ±19%, so prices stay in a sane band forever.
//
// Invariants (tests in tests/simulator_test.cpp hold them through a real engine):
//   * every price it emits is positive, on the instrument's tick and computed from integer tick
//     counts (doubles steer decisions only); every quantity is a positive multiple of the lot,
//     >= the minimum and <= the maximum quantity;
//   * every command carries a client order id that was never used before by this simulator:
//     "<8-char session tag><base-36 sequence>", the tag taken from the time of the first
//     generate() call, so a restarted simulator does not collide with an earlier one's ids;
//   * it uses only its own accounts (options.firstAccountId + 0 .. agentCount() - 1);
//   * open orders are bounded: a market maker holds at most 2 per instrument, a noise trader at
//     most kMaxNoiseOrders (cancelling its oldest or stale ones), a momentum trader none resting.
//
// Determinism: the same options, the same instruments (same order) and the same sequence of
// onEvent()/generate() calls give the same command stream, byte for byte. The random source is a
// hand-written xoshiro256** (no std distributions, whose output differs between standard
// libraries) and the arithmetic avoids libm transcendental functions.
//
// Threading: single-threaded and not locked; whoever owns it calls every method from one
// thread. Allocation: containers grow with the number of open orders, which is bounded; steady
// state allocates only for the id map's nodes.
//
// Known limits: it sees the market only through events, so within one generate() batch its view
// is as of the previous events; a request can therefore race a fill (the engine answers with a
// CancelReject, which the simulator absorbs). Sizes use a fixed table of approximate USD values
// per currency (no live FX). Agents do not react to trading-status changes or risk rejections
// other than by forgetting the rejected order; a future's final settlement (an accepted
// settle_instrument result) retires its market: no agent sends it another order.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/instrument.hpp"
#include "core/time.hpp"
#include "engine/command.hpp"
#include "engine/event.hpp"

namespace alphintra::marketdata {

struct SimulatorOptions {
  std::uint64_t seed = 42;
  std::uint32_t marketMakersPerInstrument = 2;  // market-maker accounts; each quotes every instrument
  std::uint32_t noiseTraders = 20;
  std::uint32_t momentumTraders = 5;
  double ordersPerSecond = 200;              // total command rate across the universe (live mode; <= 100 000)
  std::uint64_t firstAccountId = 1'000'000;  // simulator accounts use ids from here
};

// Accounts: market makers first (firstAccountId + 0 .. mm-1), then noise traders, then momentum
// traders; one account per agent.
std::uint32_t simulatorAgentCount(const SimulatorOptions& options) noexcept;

// Commands opening the simulator's own accounts: one margin account per agent (USD base,
// average cost, no fees) funded with 100 million USD and 10 million each of EUR and GBP and
// 1.5 billion JPY (the settlement currencies of the default universe), so that no agent is
// ever short of buying power or margin at the sizes it trades.
std::vector<engine::Command> simulatorAccounts(const SimulatorOptions& options);

class MarketSimulator {
 public:
  // Most resting orders a noise trader keeps; beyond that it cancels its oldest first.
  static constexpr std::uint32_t kMaxNoiseOrders = 8;

  explicit MarketSimulator(SimulatorOptions options);

  // The instruments it trades (from defaultUniverse() or any other set) and their starting mids.
  // Call before the first generate(); a non-positive reference price is ignored (instrument
  // skipped).
  void addInstrument(const Instrument& instrument, Price referencePrice);
  // Feed every engine event (thread: whoever owns the simulator; it does not lock).
  void onEvent(const engine::EngineEvent& event);
  // Appends the commands due between the previous call and `now` (at options.ordersPerSecond),
  // in order. The first call only records the time; the second also starts with one MassCancel
  // per simulator account (orders left by an earlier run on a recovered engine). A gap longer
  // than 10 s counts as 10 s. Command headers: type set, source/requestId 0, sequence/time 0
  // (the sequencer stamps them).
  void generate(Timestamp now, std::vector<engine::Command>& out);
  std::uint64_t commandsGenerated() const noexcept { return commandsGenerated_; }

  // For tests and dashboards.
  std::uint32_t agentCount() const noexcept { return static_cast<std::uint32_t>(agents_.size()); }
  std::uint32_t openOrders() const noexcept { return openOrderCount_; }  // as the simulator believes
  // Current fair value of an added instrument (undefined when unknown), on tick.
  Price fairValue(InstrumentId instrument) const noexcept;

 private:
  enum class AgentKind : std::uint8_t { MarketMaker, Noise, Momentum };

  struct Rng {  // xoshiro256**, seeded through splitmix64
    std::uint64_t s[4]{};
    void seed(std::uint64_t value) noexcept;
    std::uint64_t next() noexcept;
    std::uint64_t below(std::uint64_t n) noexcept;  // uniform in [0, n), n > 0
    double unit() noexcept;                         // uniform in [0, 1)
    double normal() noexcept;                       // mean 0, variance 1 (Irwin-Hall of 4)
  };

  struct Market {  // one instrument as the simulator sees it; prices in integer ticks
    InstrumentId id;
    std::int64_t tickRaw = 1;
    std::int64_t lotRaw = 1;
    std::int64_t minLots = 1;
    std::int64_t maxLots = 0;
    std::int64_t referenceTicks = 0;
    std::int64_t lowTicks = 1;   // band of emitted prices
    std::int64_t highTicks = 1;  // (±19% of the reference)
    double fairTicks = 0;        // latent value, clamped to ±15%
    double halfSpreadTicks = 1;  // market makers' base half spread (>= 1)
    double sigmaTicks = 0;       // fair-value volatility per step
    double typicalLots = 1;      // a typical order, in lots
    std::int64_t bidTicks = 0;   // 0: no bid (from Quote events)
    std::int64_t askTicks = 0;   // 0: no ask
    double emaFast = 0;          // trade-price trend (momentum)
    double emaSlow = 0;
    bool traded = false;
    bool settled = false;  // a future after its final settlement: no agent trades it again
  };

  struct Order {  // an order the simulator sent and believes open
    std::uint32_t agent = 0;
    std::uint32_t market = 0;
    Side side = Side::Buy;
    bool inUse = false;
    bool acknowledged = false;  // New seen
    std::int64_t priceTicks = 0;
    std::int64_t quantity = 0;    // raw, total
    std::int64_t leaves = 0;      // raw
    std::uint64_t currentId = 0;  // the id the engine knows the order by
    std::uint64_t pendingId = 0;  // a cancel/replace in flight (0: none)
    Timestamp created;
  };

  struct Agent {
    AgentKind kind = AgentKind::Noise;
    AccountId account;
    std::uint32_t rank = 0;              // index within its kind
    std::vector<std::uint32_t> open;     // order slots, oldest first
    std::vector<std::int64_t> position;  // raw quantity per market (signed)
  };

  // Commands.
  std::uint64_t nextId() noexcept { return ++idSequence_; }
  engine::Command newOrder(std::uint32_t agent, std::uint32_t market, Side side, std::int64_t priceTicks,
                           std::int64_t lots, bool immediate, bool marketOrder);
  engine::Command cancel(std::uint32_t slot);
  engine::Command replace(std::uint32_t slot, std::int64_t priceTicks, std::int64_t leavesLots);
  ClientOrderId clientId(std::uint64_t sequence) const noexcept;
  std::uint64_t parseId(const ClientOrderId& id) const noexcept;  // 0: not ours

  // Agents: each appends at most one command; false when it had nothing to do.
  bool marketMakerStep(std::vector<engine::Command>& out);
  bool quoteSide(std::uint32_t agent, std::uint32_t market, Side side, std::vector<engine::Command>& out);
  bool noiseStep(std::vector<engine::Command>& out);
  bool momentumStep(std::vector<engine::Command>& out);
  void advanceFairValues(std::int64_t steps);

  // Helpers.
  std::int64_t clampTicks(const Market& m, std::int64_t ticks) const noexcept;
  std::int64_t lotsOf(const Market& m, double scale);  // typical size × scale, valid lots
  std::uint32_t allocateSlot();
  void releaseSlot(std::uint32_t slot);
  Order* findOrder(const ClientOrderId& id, std::uint32_t& slot) noexcept;
  std::int32_t agentOf(AccountId account) const noexcept;  // -1: not ours
  std::int64_t position(std::uint32_t agent, std::uint32_t market) const noexcept;
  std::uint32_t& quoteSlot(std::uint32_t agent, std::uint32_t market, Side side) noexcept;

  SimulatorOptions options_;
  Rng rng_;
  std::vector<Market> markets_;
  std::unordered_map<std::uint64_t, std::uint32_t> marketIndex_;  // instrument id → markets_
  std::vector<std::uint64_t> settled_;  // futures settled (also before addInstrument named them)
  std::vector<Agent> agents_;
  std::vector<Order> orders_;
  std::vector<std::uint32_t> freeSlots_;
  std::unordered_map<std::uint64_t, std::uint32_t> idToSlot_;  // our id sequence → orders_ (lookups only)
  std::vector<std::uint32_t> quotes_;  // market makers' quote slots: (rank × markets + market) × 2 + side

  std::int64_t rateMilli_ = 0;  // commands per 1000 s
  bool started_ = false;
  bool prologueDone_ = false;
  Timestamp start_;
  Timestamp last_;
  std::int64_t owedUnits_ = 0;  // ns × rateMilli_ not yet turned into commands (< 1e12)
  std::int64_t fairSteps_ = 0;  // fair-value steps done since start_
  char tag_[9]{};
  std::uint64_t idSequence_ = 0;
  std::uint64_t commandsGenerated_ = 0;
  std::uint32_t openOrderCount_ = 0;
  Timestamp now_;
};

}  // namespace alphintra::marketdata
