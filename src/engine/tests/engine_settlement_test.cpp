// A future's final settlement (CommandType::SettleInstrument) through the real Engine: live
// orders expire, open positions close at the settlement price with the P&L worked out by hand,
// the instrument closes for good, and all of it survives a snapshot.
//
// Numbers: ES has prices to 2 places, tick 0.25 and 50 USD a point, so 1 contract moving 4.00
// points is 4.00 × 50 = $200.00 = 20'000 cents. Accounts have no fees.
#include <gtest/gtest.h>

#include <vector>

#include "core/tests/future_spec.hpp"
#include "engine/engine.hpp"
#include "engine/tests/engine_test_util.hpp"

namespace alphintra::engine {
namespace {

using namespace alphintra::engine::testing;  // NOLINT(google-build-using-namespace): test builders

constexpr std::uint64_t kEs = 2;

Command settle(std::uint64_t instrument, std::int64_t price) {
  Command c = makeCommand(CommandType::SettleInstrument);
  c.body.settle.instrument = InstrumentId{instrument};
  c.body.settle.price = px(price);
  return c;
}

Command status(std::uint64_t instrument, TradingStatus s) {
  Command c = makeCommand(CommandType::InstrumentStatus);
  c.body.instrumentStatus.instrument = InstrumentId{instrument};
  c.body.instrumentStatus.status = s;
  return c;
}

const CommandResultReport& result(const Harness& h) {
  const EngineEvent* e = nullptr;
  for (const EngineEvent& ev : h.events) {
    if (ev.kind == EventKind::CommandResult) e = &ev;
  }
  if (e == nullptr) {
    ADD_FAILURE() << "no command result";
    static CommandResultReport none{};
    return none;
  }
  return e->body.result;
}

class SettlementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h.setUpMargin();  // AAA (an equity) and margin accounts 1 and 2 with $1,000,000.00
    Command define = makeCommand(CommandType::DefineInstrument);
    define.body.defineInstrument =
        toDefineBody(Instrument::create(alphintra::testing::futureSpec(kEs, "ES", "0.25", "50")).value());
    ASSERT_TRUE(Harness::accepted(h.run(define)));
    ASSERT_TRUE(Harness::accepted(h.run(openAccount(3, risk::AccountType::Margin))));
    ASSERT_TRUE(Harness::accepted(h.run(deposit(3, 100'000'000))));
    // Account 1 buys 3 at 5000.00: 2 from account 2, 1 from account 3.
    h.run(limitOrder(2, kEs, "s2", Side::Sell, 2, 500000));
    h.run(limitOrder(3, kEs, "s3", Side::Sell, 1, 500000));
    h.run(limitOrder(1, kEs, "b1", Side::Buy, 3, 500000));
    ASSERT_EQ(position(1), 3);
    ASSERT_EQ(position(2), -2);
    ASSERT_EQ(position(3), -1);
    // Resting when the contract expires: a buy of account 1, a partly filled sell of account 2.
    h.run(limitOrder(1, kEs, "rest-b", Side::Buy, 5, 490000));
    restingBuy = h.lastReport().orderId.value();
    h.run(limitOrder(2, kEs, "rest-s", Side::Sell, 4, 510000));
    restingSell = h.lastReport().orderId.value();
    h.run(limitOrder(3, kEs, "lift", Side::Buy, 1, 510000));  // fills 1 of rest-s: account 3 flat
    ASSERT_EQ(position(2), -3);
    ASSERT_EQ(position(3), 0);
  }

  // The engine saved and loaded into `restored`, which must come out with the same state.
  void restore(Engine& restored) const {
    std::vector<std::byte> bytes;
    ByteWriter writer(bytes);
    h.engine.save(writer);
    ByteReader reader(bytes);
    ASSERT_TRUE(restored.load(reader));
    EXPECT_EQ(restored.stateHash(), h.engine.stateHash());
  }

  std::int64_t position(std::uint64_t account) const {
    const oms::Position* p = h.engine.ledger().position(AccountId{account}, InstrumentId{kEs});
    return p == nullptr ? 0 : p->quantity().raw();
  }
  std::int64_t cash(std::uint64_t account) const {
    return h.engine.ledger().account(AccountId{account})->balance(ccy("USD")).raw();
  }
  std::int64_t realized(std::uint64_t account) const {
    return h.engine.ledger().position(AccountId{account}, InstrumentId{kEs})->realizedPnl().raw();
  }

  Harness h;
  std::uint64_t restingBuy = 0;
  std::uint64_t restingSell = 0;
};

TEST_F(SettlementTest, LiveOrdersExpireAndPositionsCloseAtTheSettlementPrice) {
  const std::int64_t cash1 = cash(1);
  const std::int64_t cash2 = cash(2);
  const std::int64_t cash3 = cash(3);
  const std::int64_t realized2 = realized(2);  // the sell at 5100.00 closed nothing: 0
  const std::int64_t realized3 = realized(3);  // short 1 at 5000.00 bought back at 5100.00: −$5,000.00
  EXPECT_EQ(realized2, 0);
  EXPECT_EQ(realized3, -500'000);

  h.run(settle(kEs, 500400));  // 5004.00
  ASSERT_TRUE(Harness::accepted(h.events));
  EXPECT_EQ(result(h).subject, kEs);
  EXPECT_EQ(result(h).value, 500400);  // the settlement price, for the positions' mirrors

  // Both resting orders expired, the partly filled one keeping its fill.
  const auto buy = h.reports(restingBuy);
  ASSERT_EQ(buy.size(), 1u);
  EXPECT_EQ(buy[0].execType, oms::ExecType::Expired);
  EXPECT_EQ(buy[0].status, oms::OrdStatus::Expired);
  EXPECT_EQ(buy[0].leavesQuantity.raw(), 0);
  const auto sell = h.reports(restingSell);
  ASSERT_EQ(sell.size(), 1u);
  EXPECT_EQ(sell[0].execType, oms::ExecType::Expired);
  EXPECT_EQ(sell[0].status, oms::OrdStatus::Expired);
  EXPECT_EQ(sell[0].cumQuantity.raw(), 1);
  EXPECT_EQ(sell[0].leavesQuantity.raw(), 0);

  // Long 3 from 5000.00 settled at 5004.00: 4.00 × 50 × 3 = $600.00; a future's cash moves by
  // its realized P&L. Short 2 at 5000.00 and 1 at 5100.00 (average 5033.33…) settled at
  // 5004.00: the average cost basis 15'100.00 points against 15'012.00 is +88.00 × 50 = $4,400.00.
  EXPECT_EQ(position(1), 0);
  EXPECT_EQ(position(2), 0);
  EXPECT_EQ(realized(1), 60'000);
  EXPECT_EQ(cash(1) - cash1, 60'000);
  EXPECT_EQ(realized(2) - realized2, 440'000);
  EXPECT_EQ(cash(2) - cash2, 440'000);
  EXPECT_EQ(cash(3), cash3);
  EXPECT_EQ(h.engine.ledger().settlementPrice(InstrumentId{kEs}).raw(), 500400);

  // Nothing is left open or reserved: the accounts' valuations hold no ES exposure or margin.
  for (std::uint64_t a : {1u, 2u, 3u}) {
    const oms::Valuation v = h.engine.ledger().value(AccountId{a});
    EXPECT_EQ(v.grossExposure.raw(), 0) << "account " << a;
    EXPECT_EQ(v.initialMargin.raw(), 0) << "account " << a;
    EXPECT_EQ(v.unrealizedPnl.raw(), 0) << "account " << a;
  }
}

TEST_F(SettlementTest, ASettledInstrumentNeverTradesAgain) {
  h.run(settle(kEs, 500400));
  ASSERT_TRUE(Harness::accepted(h.events));

  h.run(limitOrder(1, kEs, "late", Side::Buy, 1, 500000));
  EXPECT_EQ(h.lastReport().status, oms::OrdStatus::Rejected);
  EXPECT_EQ(h.lastReport().rejectSource, oms::RejectSource::Venue);
  EXPECT_EQ(h.lastReport().rejectCode, static_cast<std::uint8_t>(book::RejectReason::InstrumentClosed));

  h.run(status(kEs, TradingStatus::Continuous));
  EXPECT_FALSE(result(h).accepted);
  EXPECT_EQ(result(h).code, RejectCode::InstrumentSettled);
  h.run(settle(kEs, 510000));
  EXPECT_FALSE(result(h).accepted);
  EXPECT_EQ(result(h).code, RejectCode::InstrumentSettled);
  EXPECT_EQ(h.engine.ledger().settlementPrice(InstrumentId{kEs}).raw(), 500400);
}

// Settled after the session closed: the good-till orders resting DoneForDay expire too, and so
// does an untriggered stop; market data can no longer move the settled price.
TEST_F(SettlementTest, OrdersDoneForTheDayAndStopsExpireAndMarksStop) {
  Command stop = limitOrder(1, kEs, "stop", Side::Sell, 1, 0);
  stop.body.newOrder.type = book::OrderType::Stop;
  stop.body.newOrder.price = Price::undefined();
  stop.body.newOrder.stopPrice = px(480000);
  h.run(stop);
  const std::uint64_t stopId = h.lastReport().orderId.value();
  ASSERT_EQ(h.lastReport().status, oms::OrdStatus::New);
  h.run(status(kEs, TradingStatus::Closed));
  ASSERT_TRUE(Harness::accepted(h.events));
  ASSERT_EQ(h.reports(restingBuy).at(0).status, oms::OrdStatus::DoneForDay);

  h.run(settle(kEs, 500400));
  ASSERT_TRUE(Harness::accepted(h.events));
  for (std::uint64_t id : {restingBuy, restingSell, stopId}) {
    const auto r = h.reports(id);
    ASSERT_EQ(r.size(), 1u) << "order " << id;
    EXPECT_EQ(r[0].execType, oms::ExecType::Expired) << "order " << id;
    EXPECT_EQ(r[0].status, oms::OrdStatus::Expired) << "order " << id;
  }
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 0u);
  EXPECT_EQ(h.engine.openOrders(AccountId{2}), 0u);

  Command mark = makeCommand(CommandType::MarketData);
  mark.body.marketData.instrument = InstrumentId{kEs};
  mark.body.marketData.last = px(510000);
  h.run(mark);
  EXPECT_FALSE(result(h).accepted);
  EXPECT_EQ(result(h).code, RejectCode::InstrumentSettled);
  EXPECT_EQ(h.engine.ledger().mark(InstrumentId{kEs}).raw(), 500400);
}

// A cash account's futures are fully collateralized: the settlement frees what they held.
TEST_F(SettlementTest, ACashAccountsHeldCostIsFreed) {
  ASSERT_TRUE(Harness::accepted(h.run(openAccount(4, risk::AccountType::Cash))));
  ASSERT_TRUE(Harness::accepted(h.run(deposit(4, 30'000'000))));  // $300,000.00
  h.run(limitOrder(3, kEs, "s4", Side::Sell, 1, 500000));
  h.run(limitOrder(4, kEs, "b4", Side::Buy, 1, 500000));
  ASSERT_EQ(position(4), 1);
  EXPECT_EQ(h.engine.ledger().value(AccountId{4}).initialMargin.raw(), 25'000'000);  // 5000.00 × 50
  h.run(settle(kEs, 499000));                                                        // −10.00 × 50 = −$500.00
  ASSERT_TRUE(Harness::accepted(h.events));
  const oms::Valuation v = h.engine.ledger().value(AccountId{4});
  EXPECT_EQ(v.initialMargin.raw(), 0);
  EXPECT_EQ(v.cash.raw(), 30'000'000 - 50'000);
  EXPECT_EQ(realized(4), -50'000);
}

TEST_F(SettlementTest, OnlyAKnownFutureWithAPriceSettles) {
  h.run(settle(1, 10000));  // AAA is an equity
  EXPECT_FALSE(result(h).accepted);
  EXPECT_EQ(result(h).code, RejectCode::NotAFuture);
  h.run(settle(99, 10000));
  EXPECT_FALSE(result(h).accepted);
  EXPECT_EQ(result(h).code, RejectCode::UnknownInstrument);
  Command noPrice = settle(kEs, 0);
  noPrice.body.settle.price = Price::undefined();
  h.run(noPrice);
  EXPECT_FALSE(result(h).accepted);
  EXPECT_EQ(result(h).code, RejectCode::InvalidRequest);
  // Nothing changed: the positions and the resting orders are still there.
  EXPECT_EQ(position(1), 3);
  EXPECT_FALSE(h.engine.ledger().settlementPrice(InstrumentId{kEs}).isDefined());
  h.run(limitOrder(3, kEs, "hit", Side::Sell, 1, 490000));  // fills against rest-b
  EXPECT_EQ(position(1), 4);
}

TEST_F(SettlementTest, ASettlementBelowZeroIsAPrice) {
  h.run(settle(kEs, -3763));  // -37.63, as a crude contract once settled
  ASSERT_TRUE(Harness::accepted(h.events));
  // Long 3 from 5000.00 to -37.63: −5037.63 × 50 × 3 = −$755,644.50.
  EXPECT_EQ(realized(1), -75'564'450);
}

TEST_F(SettlementTest, TheSettlementSurvivesASnapshot) {
  h.run(settle(kEs, 500400));
  ASSERT_TRUE(Harness::accepted(h.events));
  Engine restored;
  ASSERT_NO_FATAL_FAILURE(restore(restored));
  EXPECT_EQ(restored.ledger().settlementPrice(InstrumentId{kEs}).raw(), 500400);

  std::vector<EngineEvent> events;
  Command reopen = status(kEs, TradingStatus::Continuous);
  reopen.header.sequence = h.sequence + 1;
  reopen.header.time = h.time + 1'000'000;
  restored.apply(reopen, events);
  ASSERT_FALSE(events.empty());
  EXPECT_FALSE(events.back().body.result.accepted);
  EXPECT_EQ(events.back().body.result.code, RejectCode::InstrumentSettled);
}

Command schedule(std::uint64_t instrument, Timestamp at, Price price = Price::undefined()) {
  Command c = makeCommand(CommandType::ScheduleSettlement);
  c.body.schedule.instrument = InstrumentId{instrument};
  c.body.schedule.at = at;
  c.body.schedule.price = price;
  return c;
}

const CommandResultReport* settlementResult(const Harness& h) {
  for (const EngineEvent& e : h.events) {
    if (e.kind == EventKind::CommandResult &&
        e.body.result.commandType == static_cast<std::uint8_t>(CommandType::SettleInstrument)) {
      return &e.body.result;
    }
  }
  return nullptr;
}

// An expiry: the first clock tick at or after the time settles the future at its mark then (the
// last trade), its orders expiring; ticks before it, and a later schedule replacing it, do not.
TEST_F(SettlementTest, AScheduledExpirySettlesAtTheFirstTickAfterItAtTheMark) {
  const Timestamp expiry = h.time + 11'000'000;  // 11 ms on (1 ms a command): the tick after the trade
  h.run(schedule(kEs, h.time + 5'000'000));
  ASSERT_TRUE(Harness::accepted(h.events));
  h.run(schedule(kEs, expiry));  // replaces the first
  ASSERT_TRUE(Harness::accepted(h.events));
  EXPECT_EQ(result(h).value, expiry.nanos());
  EXPECT_FALSE(Price::fromRaw(result(h).detail).isDefined());  // no price: the mark then
  const auto pending = h.engine.ledger().scheduledSettlement(InstrumentId{kEs});
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->at, expiry);
  EXPECT_FALSE(pending->price.isDefined());
  for (int i = 0; i < 6; ++i) {
    h.run(makeCommand(CommandType::ClockTick));
    ASSERT_EQ(settlementResult(h), nullptr) << "tick " << i << " at " << h.time.nanos();
  }
  // A last trade at 5002.50 between two other accounts: the mark the expiry settles at.
  h.run(limitOrder(3, kEs, "m-s", Side::Sell, 1, 500250));
  h.run(limitOrder(2, kEs, "m-b", Side::Buy, 1, 500250));
  ASSERT_EQ(position(2), -3 + 1);
  ASSERT_LT(h.time, expiry);
  h.run(makeCommand(CommandType::ClockTick));
  ASSERT_GE(h.time, expiry);
  const CommandResultReport* settled = settlementResult(h);
  ASSERT_NE(settled, nullptr);
  EXPECT_TRUE(settled->accepted);
  EXPECT_EQ(settled->subject, kEs);
  EXPECT_EQ(settled->value, 500250);
  for (const EngineEvent& e : h.events) {
    if (e.kind == EventKind::CommandResult &&
        e.body.result.commandType == static_cast<std::uint8_t>(CommandType::SettleInstrument)) {
      EXPECT_EQ(e.requestId, 0u);  // it answers nobody: the tick has its own answer
    }
  }
  EXPECT_EQ(h.reports(restingBuy).at(0).execType, oms::ExecType::Expired);
  EXPECT_EQ(position(1), 0);
  EXPECT_EQ(realized(1), 37'500);  // long 3 from 5000.00 to 5002.50: 2.50 × 50 × 3 = $375.00
  EXPECT_EQ(h.engine.ledger().settlementPrice(InstrumentId{kEs}).raw(), 500250);
  EXPECT_FALSE(h.engine.ledger().scheduledSettlement(InstrumentId{kEs}));  // settled: nothing pending
  h.run(makeCommand(CommandType::ClockTick));
  EXPECT_EQ(settlementResult(h), nullptr);  // once
  h.run(schedule(kEs, h.time + 1'000'000));
  EXPECT_EQ(result(h).code, RejectCode::InstrumentSettled);
}

// The schedule survives a snapshot; a price given with it is the settlement price; a time
// already past settles at once, after the schedule's own answer.
TEST_F(SettlementTest, AScheduleSurvivesASnapshotAndCarriesItsPrice) {
  const Timestamp expiry = h.time + 3'000'000;
  h.run(schedule(kEs, expiry, px(499975)));
  ASSERT_TRUE(Harness::accepted(h.events));
  EXPECT_EQ(result(h).detail, 499975);  // the answer carries the scheduled price
  Engine restored;
  ASSERT_NO_FATAL_FAILURE(restore(restored));
  const auto pending = restored.ledger().scheduledSettlement(InstrumentId{kEs});
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->at, expiry);
  EXPECT_EQ(pending->price.raw(), 499975);
  Command tick = makeCommand(CommandType::ClockTick);
  tick.header.sequence = h.sequence + 1;
  tick.header.time = expiry;
  std::vector<EngineEvent> events;
  restored.apply(tick, events);
  EXPECT_EQ(restored.ledger().settlementPrice(InstrumentId{kEs}).raw(), 499975);
  std::vector<EngineEvent> original;
  h.engine.apply(tick, original);  // the same tick on the engine that was saved
  EXPECT_EQ(h.engine.stateHash(), restored.stateHash());
  EXPECT_EQ(original.size(), events.size());

  Harness other;
  other.setUpMargin();
  Command define = makeCommand(CommandType::DefineInstrument);
  define.body.defineInstrument =
      toDefineBody(Instrument::create(alphintra::testing::futureSpec(kEs, "ES", "0.25", "50")).value());
  other.run(define);
  other.run(schedule(kEs, Timestamp{other.time.nanos() - 1'000'000'000}, px(500000)));  // a second ago
  ASSERT_GE(other.events.size(), 2u);
  EXPECT_EQ(other.events.front().body.result.commandType, static_cast<std::uint8_t>(CommandType::ScheduleSettlement));
  const CommandResultReport* settled = settlementResult(other);
  ASSERT_NE(settled, nullptr);
  EXPECT_EQ(settled->value, 500000);
}

TEST_F(SettlementTest, OnlyAFutureNotSettledYetHasAnExpiry) {
  h.run(schedule(1, h.time + 1'000'000));
  EXPECT_EQ(result(h).code, RejectCode::NotAFuture);
  h.run(schedule(99, h.time + 1'000'000));
  EXPECT_EQ(result(h).code, RejectCode::UnknownInstrument);
  h.run(schedule(kEs, Timestamp{0}));
  EXPECT_EQ(result(h).code, RejectCode::InvalidRequest);
  h.run(schedule(kEs, Timestamp{INT64_MAX}));
  EXPECT_EQ(result(h).code, RejectCode::InvalidRequest);
  h.run(settle(kEs, 500000));
  h.run(schedule(kEs, h.time + 1'000'000));
  EXPECT_EQ(result(h).code, RejectCode::InstrumentSettled);
}

// Only a clock tick settles what is due: another command (here a second future's schedule)
// after the time leaves it for the tick.
TEST_F(SettlementTest, OnlyATickSettlesWhatIsDue) {
  Command define = makeCommand(CommandType::DefineInstrument);
  define.body.defineInstrument =
      toDefineBody(Instrument::create(alphintra::testing::futureSpec(3, "NQ", "0.25", "20")).value());
  ASSERT_TRUE(Harness::accepted(h.run(define)));
  h.run(schedule(kEs, h.time + 2'000'000));
  ASSERT_TRUE(Harness::accepted(h.events));
  h.run(limitOrder(1, kEs, "later", Side::Buy, 1, 480000));
  h.run(schedule(3, h.time + 60'000'000'000));  // after ES's time, not a tick
  ASSERT_TRUE(Harness::accepted(h.events));
  EXPECT_EQ(settlementResult(h), nullptr);
  EXPECT_FALSE(h.engine.ledger().settlementPrice(InstrumentId{kEs}).isDefined());
  h.run(makeCommand(CommandType::ClockTick));
  ASSERT_NE(settlementResult(h), nullptr);
  EXPECT_EQ(settlementResult(h)->value, 510000);  // ES's last trade (the lift at 5100.00)
  EXPECT_FALSE(h.engine.ledger().settlementPrice(InstrumentId{3}).isDefined());
}

}  // namespace
}  // namespace alphintra::engine
