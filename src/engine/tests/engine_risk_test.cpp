// Pre-trade risk through the real Engine: every rule of docs/risk.md driven by commands
// (limits, trading states, kill switch, restrictions, market data), each with the order that
// breaks it — an ExecutionReport Rejected with rejectSource Risk, the rule, and the unit,
// limit and value the rule reports — and the boundary order that passes. Then replaces (an
// increase is checked, a reduction always passes) and the engine's own refusals (unknown
// account or instrument, a market order with nothing to value it, client order id reuse and
// the safe retry).
//
// Numbers: instrument AAA has prices with 2 decimals and whole-share quantities, USD has
// cents, so a notional in cents is price raw × quantity (100 @ 100.00 = 10000 × 100 =
// 1'000'000 cents = $10,000). Cash accounts 1 and 2 hold $1,000,000 (Harness::setUp); margin
// account 3 ($1,000,000) provides liquidity and shorts; equities need 50% initial margin.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/tests/future_spec.hpp"
#include "engine/engine.hpp"
#include "engine/simulated_venue.hpp"
#include "engine/tests/engine_test_util.hpp"

namespace alphintra::engine {
namespace {

using namespace alphintra::engine::testing;  // NOLINT(google-build-using-namespace): test builders
using risk::RiskRule;
using risk::RiskUnit;

// ---- command builders the shared harness does not have ----

Command accountLimits(std::uint64_t account, const risk::AccountLimits& limits) {
  Command c = makeCommand(CommandType::SetAccountLimits);
  c.body.accountLimits.account = AccountId{account};
  c.body.accountLimits.limits = limits;
  return c;
}

Command instrumentLimits(std::uint64_t account, std::uint64_t instrument, const risk::InstrumentLimits& limits) {
  Command c = makeCommand(CommandType::SetInstrumentLimits);
  c.body.instrumentLimits.account = AccountId{account};
  c.body.instrumentLimits.instrument = InstrumentId{instrument};
  c.body.instrumentLimits.limits = limits;
  return c;
}

Command tradingState(std::uint64_t account, risk::TradingState state) {
  Command c = makeCommand(CommandType::SetTradingState);
  c.body.tradingState.account = AccountId{account};
  c.body.tradingState.state = state;
  return c;
}

Command killSwitch(risk::KillSwitchScope scope, bool activate, std::uint64_t id = 0) {
  Command c = makeCommand(CommandType::KillSwitch);
  c.body.killSwitch.scope = scope;
  c.body.killSwitch.activate = activate;
  c.body.killSwitch.id = id;
  return c;
}

Command restrictInstrument(std::uint64_t account, std::uint64_t instrument, bool restricted) {
  Command c = makeCommand(CommandType::RestrictInstrument);
  c.body.restrict.account = AccountId{account};
  c.body.restrict.instrument = InstrumentId{instrument};
  c.body.restrict.restricted = restricted;
  return c;
}

// Prices raw; 0 leaves that field undefined.
Command marketData(std::uint64_t instrument, std::int64_t bid, std::int64_t ask, std::int64_t last) {
  Command c = makeCommand(CommandType::MarketData);
  c.body.marketData.instrument = InstrumentId{instrument};
  c.body.marketData.bid = bid != 0 ? px(bid) : Price::undefined();
  c.body.marketData.ask = ask != 0 ? px(ask) : Price::undefined();
  c.body.marketData.last = last != 0 ? px(last) : Price::undefined();
  return c;
}

Command openMarginAccount(std::uint64_t id, std::uint32_t maxLeverageHundredths = 0) {
  Command c = openAccount(id, risk::AccountType::Margin);
  c.body.openAccount.maxLeverageHundredths = maxLeverageHundredths;
  return c;
}

// ---- reading the answers ----

// The first execution report that answers the last command (it carries the request id).
template <class H>
const ExecutionReport* answer(const H& h) {
  for (const EngineEvent& e : h.events) {
    if (e.kind == EventKind::ExecutionReport && e.requestId == h.sequence) return &e.body.execution;
  }
  return nullptr;
}

template <class H>
const EngineEvent* eventOf(const H& h, EventKind kind) {
  for (const EngineEvent& e : h.events) {
    if (e.kind == kind) return &e;
  }
  return nullptr;
}

std::string codeText(oms::RejectSource source, std::uint8_t code) {
  switch (source) {
    case oms::RejectSource::Risk: return "risk:" + std::string(risk::toString(static_cast<RiskRule>(code)));
    case oms::RejectSource::Engine: return "engine:" + std::string(toString(static_cast<RejectCode>(code)));
    case oms::RejectSource::Venue: return "venue:" + std::to_string(code);
    case oms::RejectSource::None: break;
  }
  return "none";
}

std::string describe(const ExecutionReport& r) {
  return "execType '" + std::string(1, static_cast<char>(r.execType)) + "' status '" +
         std::string(1, static_cast<char>(r.status)) + "' " + codeText(r.rejectSource, r.rejectCode) + " unit " +
         std::string(risk::toString(static_cast<RiskUnit>(r.riskUnit))) + " limit " + std::to_string(r.riskLimit) +
         " value " + std::to_string(r.riskValue);
}

// The new order was refused by `rule`, reporting `unit`, `limit` and `value`.
template <class H>
::testing::AssertionResult riskRejected(const H& h, RiskRule rule, RiskUnit unit, std::int64_t limit,
                                        std::int64_t value) {
  const ExecutionReport* r = answer(h);
  if (r == nullptr) return ::testing::AssertionFailure() << "no execution report answers the order";
  if (r->execType != oms::ExecType::Rejected || r->status != oms::OrdStatus::Rejected ||
      r->rejectSource != oms::RejectSource::Risk || r->rejectCode != static_cast<std::uint8_t>(rule) ||
      r->riskUnit != static_cast<std::uint8_t>(unit) || r->riskLimit != limit || r->riskValue != value ||
      !r->leavesQuantity.isZero()) {
    return ::testing::AssertionFailure() << "expected risk:" << risk::toString(rule) << " unit " << risk::toString(unit)
                                         << " limit " << limit << " value " << value << "; got " << describe(*r);
  }
  return ::testing::AssertionSuccess();
}

// The new order was refused by the engine itself with `code`.
template <class H>
::testing::AssertionResult engineRejected(const H& h, RejectCode code) {
  const ExecutionReport* r = answer(h);
  if (r == nullptr) return ::testing::AssertionFailure() << "no execution report answers the order";
  if (r->execType != oms::ExecType::Rejected || r->status != oms::OrdStatus::Rejected ||
      r->rejectSource != oms::RejectSource::Engine || r->rejectCode != static_cast<std::uint8_t>(code)) {
    return ::testing::AssertionFailure() << "expected engine:" << toString(code) << "; got " << describe(*r);
  }
  return ::testing::AssertionSuccess();
}

// The new order passed risk and the venue accepted it.
template <class H>
::testing::AssertionResult accepted(const H& h) {
  const ExecutionReport* r = answer(h);
  if (r == nullptr) return ::testing::AssertionFailure() << "no execution report answers the order";
  if (r->execType != oms::ExecType::New) return ::testing::AssertionFailure() << "not accepted: " << describe(*r);
  return ::testing::AssertionSuccess();
}

// The replace was refused by `rule` (an OrderCancelReject answering a replace).
template <class H>
::testing::AssertionResult replaceRiskRejected(const H& h, RiskRule rule, RiskUnit unit, std::int64_t limit,
                                               std::int64_t value) {
  const EngineEvent* e = eventOf(h, EventKind::CancelReject);
  if (e == nullptr) {
    const ExecutionReport* r = answer(h);
    return ::testing::AssertionFailure() << "no cancel reject; answer: " << (r ? describe(*r) : "none");
  }
  const CancelRejectReport& r = e->body.cancelReject;
  if (!r.replace || r.rejectSource != oms::RejectSource::Risk || r.rejectCode != static_cast<std::uint8_t>(rule) ||
      r.riskUnit != static_cast<std::uint8_t>(unit) || r.riskLimit != limit || r.riskValue != value) {
    return ::testing::AssertionFailure() << "expected risk:" << risk::toString(rule) << " limit " << limit << " value "
                                         << value << "; got replace=" << r.replace << " "
                                         << codeText(r.rejectSource, r.rejectCode) << " limit " << r.riskLimit
                                         << " value " << r.riskValue;
  }
  return ::testing::AssertionSuccess();
}

template <class H>
::testing::AssertionResult answeredWith(const H& h, oms::ExecType type) {
  const ExecutionReport* r = answer(h);
  if (r == nullptr) {
    const EngineEvent* e = eventOf(h, EventKind::CancelReject);
    return ::testing::AssertionFailure() << "no execution report"
                                         << (e ? "; cancel reject " + codeText(e->body.cancelReject.rejectSource,
                                                                               e->body.cancelReject.rejectCode)
                                               : std::string());
  }
  if (r->execType != type) {
    return ::testing::AssertionFailure() << "expected execType '" << static_cast<char>(type) << "'; got "
                                         << describe(*r);
  }
  return ::testing::AssertionSuccess();
}

// Execution reports with execType Canceled among the last command's events (kill switch: they
// answer no request, so they carry request id 0).
template <class H>
std::vector<ExecutionReport> canceledReports(const H& h) {
  std::vector<ExecutionReport> out;
  for (const EngineEvent& e : h.events) {
    if (e.kind == EventKind::ExecutionReport && e.body.execution.execType == oms::ExecType::Canceled) {
      out.push_back(e.body.execution);
    }
  }
  return out;
}

class EngineRiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h.setUp();
    admin(openMarginAccount(3));
    admin(deposit(3, 100'000'000));
  }

  // An admin command that must be accepted.
  void admin(const Command& c) {
    const auto& events = h.run(c);
    ASSERT_TRUE(Harness::accepted(events)) << toString(c.type());
  }

  std::string nextClientId() { return "o" + std::to_string(++clientIds_); }

  // A new limit order; returns its order id (0 when the engine created none).
  std::uint64_t order(std::uint64_t account, Side side, std::int64_t quantity, std::int64_t price,
                      std::uint64_t instrument = 1) {
    const std::string id = nextClientId();
    h.run(limitOrder(account, instrument, id, side, quantity, price));
    const ExecutionReport* r = answer(h);
    return r == nullptr ? 0 : r->orderId.value();
  }
  std::uint64_t buy(std::uint64_t account, std::int64_t quantity, std::int64_t price, std::uint64_t instrument = 1) {
    return order(account, Side::Buy, quantity, price, instrument);
  }
  std::uint64_t sell(std::uint64_t account, std::int64_t quantity, std::int64_t price, std::uint64_t instrument = 1) {
    return order(account, Side::Sell, quantity, price, instrument);
  }

  // `seller` rests a sell of `quantity` at `price` and `buyer` takes all of it.
  void trade(std::uint64_t buyer, std::uint64_t seller, std::int64_t quantity, std::int64_t price) {
    sell(seller, quantity, price);
    ASSERT_TRUE(accepted(h));
    const std::uint64_t id = buy(buyer, quantity, price);
    ASSERT_TRUE(accepted(h));
    ASSERT_EQ(h.engine.orders().find(OrderId{id})->state.reported(), oms::OrdStatus::Filled);
  }

  std::int64_t position(std::uint64_t account, std::uint64_t instrument = 1) const {
    const oms::Position* p = h.engine.ledger().position(AccountId{account}, InstrumentId{instrument});
    return p == nullptr ? 0 : p->quantity().raw();
  }

  Harness h;

 private:
  std::uint64_t clientIds_ = 0;
};

// ---------------------------------------------------------------------------------------------
// 5. Max order quantity (per account and instrument; account 0 sets the instrument default).

TEST_F(EngineRiskTest, MaxOrderQuantityRejectsAboveTheLimitAndPassesAtIt) {
  risk::InstrumentLimits own;
  own.maxOrderQuantity = 100;
  admin(instrumentLimits(1, 1, own));

  buy(1, 101, 10000);
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxOrderQuantity, RiskUnit::Quantity, 100, 101));
  buy(1, 100, 10000);
  EXPECT_TRUE(accepted(h));

  // Account 2 has no limit of its own and there is no instrument default yet.
  buy(2, 101, 10000);
  EXPECT_TRUE(accepted(h));

  // The instrument default applies to account 2; account 1 keeps its own 100.
  risk::InstrumentLimits defaults;
  defaults.maxOrderQuantity = 50;
  admin(instrumentLimits(0, 1, defaults));
  buy(2, 51, 10000);
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxOrderQuantity, RiskUnit::Quantity, 50, 51));
  buy(2, 50, 10000);
  EXPECT_TRUE(accepted(h));
  buy(1, 100, 10000);
  EXPECT_TRUE(accepted(h));
}

// 6. Max order notional, for limit orders at their price and market orders at the best ask.

TEST_F(EngineRiskTest, MaxOrderNotionalValuesLimitOrdersAtTheirPriceAndMarketOrdersAtTheBestAsk) {
  admin(accountLimits(3, risk::AccountLimits{}));  // account 3: own limits, none
  risk::AccountLimits defaults;
  defaults.maxOrderNotional = 1'000'000;  // $10,000.00, default for accounts without their own
  admin(accountLimits(0, defaults));

  buy(1, 101, 10000);  // 101 × 100.00 = 1'010'000
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxOrderNotional, RiskUnit::Money, 1'000'000, 1'010'000));
  buy(1, 100, 10000);  // 1'000'000: at the limit
  EXPECT_TRUE(accepted(h));

  sell(3, 300, 10050);  // best ask 100.50 (account 3 has no limit)
  ASSERT_TRUE(accepted(h));
  h.run(marketOrder(2, 1, "m1", Side::Buy, 100));  // valued 100 × 100.50 = 1'005'000
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxOrderNotional, RiskUnit::Money, 1'000'000, 1'005'000));
  h.run(marketOrder(2, 1, "m2", Side::Buy, 99));  // 99 × 100.50 = 994'950
  EXPECT_TRUE(accepted(h));
  EXPECT_EQ(position(2), 99);
}

// 10. Max long position: position + every open buy + the order.

TEST_F(EngineRiskTest, MaxLongPositionCountsThePositionAndOpenBuys) {
  trade(1, 3, 30, 10000);  // account 1 long 30
  risk::InstrumentLimits limits;
  limits.maxLongPosition = 100;
  admin(instrumentLimits(1, 1, limits));

  const std::uint64_t first = buy(1, 60, 9900);  // worst case 30 + 60 = 90
  ASSERT_TRUE(accepted(h));
  buy(1, 11, 9900);  // 30 + 60 + 11 = 101
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxLongPosition, RiskUnit::Quantity, 100, 101));
  buy(1, 10, 9900);  // 30 + 60 + 10 = 100
  EXPECT_TRUE(accepted(h));

  // A cancelled buy stops counting: open buys 10 after it.
  h.run(cancelOrder(1, first));
  ASSERT_TRUE(answeredWith(h, oms::ExecType::Canceled));
  buy(1, 61, 9900);  // 30 + 10 + 61 = 101
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxLongPosition, RiskUnit::Quantity, 100, 101));
  buy(1, 60, 9900);  // 30 + 10 + 60 = 100
  EXPECT_TRUE(accepted(h));
}

// 10. Max short position (a magnitude): −(position − open sells − order).

TEST_F(EngineRiskTest, MaxShortPositionCountsThePositionAndOpenSells) {
  risk::InstrumentLimits limits;
  limits.maxShortPosition = 100;
  admin(instrumentLimits(3, 1, limits));

  sell(3, 60, 10100);  // worst short 60
  ASSERT_TRUE(accepted(h));
  sell(3, 41, 10100);  // 60 + 41 = 101
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxShortPosition, RiskUnit::Quantity, 100, 101));
  sell(3, 40, 10100);  // 100
  EXPECT_TRUE(accepted(h));

  // 40 of the open sells fill: position −40, open sells 60; the worst case stays 100.
  buy(2, 40, 10100);
  ASSERT_TRUE(accepted(h));
  ASSERT_EQ(position(3), -40);
  sell(3, 1, 10100);  // −(−40 − 60 − 1) = 101
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxShortPosition, RiskUnit::Quantity, 100, 101));
}

// 11. A cash account sells only what it holds and has not already offered.

TEST_F(EngineRiskTest, NakedShortOnACashAccount) {
  sell(1, 1, 10000);  // flat: nothing to sell
  EXPECT_TRUE(riskRejected(h, RiskRule::NakedShort, RiskUnit::Quantity, 0, 1));

  trade(1, 3, 100, 10000);  // long 100
  sell(1, 60, 10100);
  ASSERT_TRUE(accepted(h));
  sell(1, 41, 10100);  // sellable 100 − 60 = 40
  EXPECT_TRUE(riskRejected(h, RiskRule::NakedShort, RiskUnit::Quantity, 40, 41));
  sell(1, 40, 10100);
  EXPECT_TRUE(accepted(h));

  // A margin account may go short.
  sell(3, 10, 10200);
  EXPECT_TRUE(accepted(h));
}

// 12. Gross exposure: Σ |position value| + the order's notional.

TEST_F(EngineRiskTest, MaxGrossExposureAddsTheOrderToThePositionsValue) {
  trade(1, 3, 100, 10000);  // long 100 marked at 100.00: gross 1'000'000
  risk::AccountLimits limits;
  limits.maxGrossExposure = 1'500'000;
  admin(accountLimits(1, limits));

  buy(1, 51, 10000);  // 1'000'000 + 510'000 = 1'510'000
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxGrossExposure, RiskUnit::Money, 1'500'000, 1'510'000));
  buy(1, 50, 10000);  // 1'500'000
  EXPECT_TRUE(accepted(h));
}

// rules.hpp, ExposureFacts::grossExposure: "sum over instruments of |position + worst-case
// open| value". Without open orders in the figure, a client splits a position the limit would
// refuse into orders that each pass, and the limit bounds nothing.
TEST_F(EngineRiskTest, MaxGrossExposureCountsOpenOrders) {
  risk::AccountLimits limits;
  limits.maxGrossExposure = 1'000'000;
  admin(accountLimits(1, limits));

  buy(1, 50, 10000);  // flat, open buy 50 × 100.00 = 500'000
  ASSERT_TRUE(accepted(h));
  buy(1, 51, 10000);  // worst case long 101 × 100.00 = 1'010'000
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxGrossExposure, RiskUnit::Money, 1'000'000, 1'010'000));
  buy(1, 50, 10000);  // 1'000'000
  EXPECT_TRUE(accepted(h));
}

// 13. Net exposure: |net ± notional|, and an order that takes net exposure towards zero passes.

TEST_F(EngineRiskTest, MaxNetExposureBuysAddSellsSubtractAndReductionsPass) {
  trade(1, 3, 100, 10000);  // account 1 net +1'000'000; account 3 net −1'000'000
  risk::AccountLimits limits;
  limits.maxNetExposure = 1'500'000;
  admin(accountLimits(1, limits));

  buy(1, 51, 10000);  // |1'000'000 + 510'000|
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxNetExposure, RiskUnit::Money, 1'500'000, 1'510'000));
  buy(1, 50, 10000);  // 1'500'000
  EXPECT_TRUE(accepted(h));

  limits.maxNetExposure = 500'000;  // lowered below the position
  admin(accountLimits(1, limits));
  sell(1, 10, 10100);  // |1'000'000 − 101'000| = 899'000: above the limit, but closer to zero
  EXPECT_TRUE(accepted(h));
  buy(1, 1, 9000);  // |1'000'000 + 9'000| = 1'009'000: further from zero
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxNetExposure, RiskUnit::Money, 500'000, 1'009'000));

  // Sells subtract: account 3 is short 100 at 100.00.
  risk::AccountLimits shortLimits;
  shortLimits.maxNetExposure = 1'050'000;
  admin(accountLimits(3, shortLimits));
  sell(3, 6, 10100);  // |−1'000'000 − 60'600| = 1'060'600
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxNetExposure, RiskUnit::Money, 1'050'000, 1'060'600));
  sell(3, 4, 10100);  // |−1'000'000 − 40'400| = 1'040'400
  EXPECT_TRUE(accepted(h));
}

// 14. Buying power: required = notional + the dearer fee, available = cash − open buys.

TEST_F(EngineRiskTest, BuyingPowerOnACashAccount) {
  admin(openAccount(5));
  admin(deposit(5, 100'000));  // $1,000.00

  buy(5, 11, 10000);  // 110'000 > 100'000
  EXPECT_TRUE(riskRejected(h, RiskRule::BuyingPower, RiskUnit::Money, 100'000, 110'000));
  buy(5, 10, 10000);  // 100'000: everything
  EXPECT_TRUE(accepted(h));
  buy(5, 1, 1);  // 0.01, but the open buy holds all the cash
  EXPECT_TRUE(riskRejected(h, RiskRule::BuyingPower, RiskUnit::Money, 0, 1));

  // With fees (taker 10 bp, the dearer rate): 100'000 + 100 fee.
  admin(openAccount(6, risk::AccountType::Cash, "USD", 0, 1'000));
  admin(deposit(6, 100'000));
  buy(6, 10, 10000);
  EXPECT_TRUE(riskRejected(h, RiskRule::BuyingPower, RiskUnit::Money, 100'000, 100'100));
  buy(6, 9, 10000);  // 90'000 + 90
  EXPECT_TRUE(accepted(h));
}

// 14. Margin: required = initial margin of the order (50% for equities), available = equity −
// initial margin in use − margin held by open orders.

TEST_F(EngineRiskTest, MarginOnAMarginAccount) {
  admin(openMarginAccount(6));
  admin(deposit(6, 1'000'000));  // equity $10,000.00

  buy(6, 201, 10000);  // 2'010'000 × 50% = 1'005'000
  EXPECT_TRUE(riskRejected(h, RiskRule::Margin, RiskUnit::Money, 1'000'000, 1'005'000));
  buy(6, 200, 10000);  // 1'000'000: all of it
  EXPECT_TRUE(accepted(h));
  sell(6, 1, 10100);  // a short sale needs margin too: 10'100 × 50% = 5'050
  EXPECT_TRUE(riskRejected(h, RiskRule::Margin, RiskUnit::Money, 0, 5'050));

  // Filled: position 200 marked 100.00 uses 1'000'000 initial margin; equity still 1'000'000.
  sell(3, 200, 10000);
  ASSERT_TRUE(accepted(h));
  ASSERT_EQ(position(6), 200);
  buy(6, 1, 10000);  // 5'000 more, nothing free
  EXPECT_TRUE(riskRejected(h, RiskRule::Margin, RiskUnit::Money, 0, 5'000));
}

// docs/risk.md: "An order that needs no funds (e.g. a sale of held stock without fees) always
// passes this rule." A sale that only reduces a margin long adds no initial margin (it frees
// some): an account that used all its margin must still be able to get out.
TEST_F(EngineRiskTest, MarginAccountAtItsLimitMayStillSellToReduce) {
  admin(openMarginAccount(6));
  admin(deposit(6, 1'000'000));
  trade(6, 3, 200, 10000);  // long 200 @ 100.00: initial margin 1'000'000 = equity
  sell(6, 100, 10000);      // reduces the long to 100
  EXPECT_TRUE(accepted(h));
}

// A future's contract multiplier is in every money figure the rules compare: ES at 5000.00
// with 50 USD a point is 250'000.00 USD a contract (25'000'000 cents), not 5'000.00.
TEST_F(EngineRiskTest, ContractMultiplierIsInEveryNotionalTheRulesCompare) {
  Command define = makeCommand(CommandType::DefineInstrument);
  define.body.defineInstrument =
      toDefineBody(Instrument::create(alphintra::testing::futureSpec(2, "ES", "0.25", "50")).value());
  admin(define);
  admin(openMarginAccount(7));
  admin(deposit(7, 10'000'000));  // equity $100,000.00
  risk::AccountLimits limits;
  limits.maxOrderNotional = 30'000'000;  // $300,000.00
  admin(accountLimits(7, limits));

  buy(7, 2, 500000, 2);  // 2 × 5000.00 × 50 = $500,000.00
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxOrderNotional, RiskUnit::Money, 30'000'000, 50'000'000));
  buy(7, 1, 500000, 2);  // $250,000.00: margin 10% = $25,000.00, leverage 2.5x
  ASSERT_TRUE(accepted(h));
  buy(7, 1, 500000, 2);  // gross $500,000.00 with the open buy: 5.00x over the default 4x
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxLeverage, RiskUnit::Ratio, 400, 500));

  // Filled at 5000.00 (account 3 sells): a future moves no notional through cash, its exposure
  // is mark × quantity × 50, and a 2-point move is worth $100.00.
  sell(3, 1, 500000, 2);
  ASSERT_TRUE(accepted(h));
  ASSERT_EQ(position(7, 2), 1);
  const oms::Ledger& ledger = h.engine.ledger();
  EXPECT_EQ(ledger.account(AccountId{7})->balance(ccy("USD")).raw(), 10'000'000);
  EXPECT_EQ(ledger.value(AccountId{7}).grossExposure.raw(), 25'000'000);
  const oms::Position* p = ledger.position(AccountId{7}, InstrumentId{2});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->unrealizedPnl(px(500200), oms::MoneyScale::of(*h.engine.instrument(InstrumentId{2}))).raw(), 10'000);

  // A cash account trades futures fully collateralized: its open futures hold their value out
  // of the cash that buys the next one.
  admin(openAccount(8));
  admin(deposit(8, 30'000'000));  // $300,000.00
  sell(3, 2, 500000, 2);
  ASSERT_TRUE(accepted(h));
  buy(8, 1, 500000, 2);  // $250,000.00, filled
  ASSERT_TRUE(accepted(h));
  ASSERT_EQ(position(8, 2), 1);
  EXPECT_EQ(ledger.account(AccountId{8})->balance(ccy("USD")).raw(), 30'000'000);
  buy(8, 1, 500000, 2);  // $300,000 − $250,000 held = $50,000.00 available
  EXPECT_TRUE(riskRejected(h, RiskRule::BuyingPower, RiskUnit::Money, 5'000'000, 25'000'000));
  // A mark does not move what is held (a loss does not free cash), and a withdrawal may take
  // only what is not held.
  sell(3, 1, 490000, 2);
  buy(2, 1, 490000, 2);  // prints at 4900.00
  buy(8, 1, 500000, 2);
  EXPECT_TRUE(riskRejected(h, RiskRule::BuyingPower, RiskUnit::Money, 5'000'000, 25'000'000));
  EXPECT_FALSE(Harness::accepted(h.run(deposit(8, -5'000'001))));
  EXPECT_TRUE(Harness::accepted(h.run(deposit(8, -5'000'000))));
  EXPECT_EQ(ledger.account(AccountId{8})->balance(ccy("USD")).raw(), 25'000'000);
}

// 15. Leverage: (gross + order notional) × 100 <= limit × equity.

TEST_F(EngineRiskTest, MaxLeverageOnAMarginAccount) {
  admin(openMarginAccount(6));
  admin(deposit(6, 1'000'000));
  risk::AccountLimits limits;
  limits.maxLeverageHundredths = 150;  // 1.50x
  admin(accountLimits(6, limits));

  buy(6, 151, 10000);  // 1'510'000 / 1'000'000 = 1.51x (margin 755'000 is fine)
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxLeverage, RiskUnit::Ratio, 150, 151));
  buy(6, 150, 10000);  // 1.50x
  EXPECT_TRUE(accepted(h));

  // Filled: gross 1'500'000, equity 1'000'000 (cash −500'000 + positions 1'500'000); free
  // margin 250'000, so the next buy breaks leverage, not margin.
  sell(3, 150, 10000);
  ASSERT_TRUE(accepted(h));
  ASSERT_EQ(position(6), 150);
  buy(6, 1, 10000);  // (1'500'000 + 10'000) × 100 / 1'000'000 = 151
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxLeverage, RiskUnit::Ratio, 150, 151));
}

// OpenAccountBody::maxLeverageHundredths ("margin accounts; 0: the default") becomes
// MarginRates::maxLeveragePpm, "gross exposure / equity the risk engine allows" (account.hpp).
TEST_F(EngineRiskTest, MaxLeverageFromTheAccountTermsIsEnforced) {
  admin(openMarginAccount(7, 150));  // 1.50x in its terms, no AccountLimits of its own
  admin(deposit(7, 1'000'000));

  buy(7, 151, 10000);
  ASSERT_TRUE(riskRejected(h, RiskRule::MaxLeverage, RiskUnit::Ratio, 150, 151));
  buy(7, 150, 10000);
  EXPECT_TRUE(accepted(h));
}

// 7. Price collar in basis points of the reference price.

TEST_F(EngineRiskTest, PriceCollarPercentAroundTheMarketDataPrice) {
  admin(marketData(1, 0, 0, 10000));  // last 100.00
  risk::AccountLimits limits;
  limits.collarBasisPoints = 500;  // 5%
  admin(accountLimits(1, limits));

  buy(1, 1, 10501);  // 1.01 × 10000 / 100.00 = 501 bp
  EXPECT_TRUE(riskRejected(h, RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 500, 501));
  buy(1, 1, 10500);  // 500 bp
  EXPECT_TRUE(accepted(h));
  buy(1, 1, 9499);
  EXPECT_TRUE(riskRejected(h, RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 500, 501));
  buy(1, 1, 9500);
  EXPECT_TRUE(accepted(h));

  // Market orders have no limit price: no collar.
  h.run(marketOrder(1, 1, "m1", Side::Buy, 1));
  EXPECT_TRUE(accepted(h));
}

TEST_F(EngineRiskTest, PriceCollarPercentAroundTheLastTradeBeforeMarketData) {
  admin(marketData(1, 0, 0, 10000));  // 100.00 from outside
  trade(1, 3, 10, 11000);             // the venue traded at 110.00
  risk::AccountLimits limits;
  limits.collarBasisPoints = 500;
  admin(accountLimits(1, limits));

  buy(1, 1, 11550);  // 5.50 / 110.00 = 500 bp exactly (1550 bp from the market-data price)
  EXPECT_TRUE(accepted(h));
  buy(1, 1, 11551);  // 5.51 × 10000 / 110.00 = 500.9 → 501
  EXPECT_TRUE(riskRejected(h, RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 500, 501));
  buy(1, 1, 10449);
  EXPECT_TRUE(riskRejected(h, RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 500, 501));
  buy(1, 1, 10450);
  EXPECT_TRUE(accepted(h));
}

// 8. Price collar in ticks; the reference is the mid when market data has no last price.

TEST_F(EngineRiskTest, PriceCollarTicksAroundTheMid) {
  admin(marketData(1, 9990, 10010, 0));  // mid 100.00
  risk::AccountLimits limits;
  limits.collarTicks = 10;  // 10 × 0.01
  admin(accountLimits(1, limits));

  buy(1, 1, 10011);  // 11 ticks
  EXPECT_TRUE(riskRejected(h, RiskRule::PriceCollarTicks, RiskUnit::Ticks, 10, 11));
  buy(1, 1, 10010);
  EXPECT_TRUE(accepted(h));
  buy(1, 1, 9989);
  EXPECT_TRUE(riskRejected(h, RiskRule::PriceCollarTicks, RiskUnit::Ticks, 10, 11));
  buy(1, 1, 9990);
  EXPECT_TRUE(accepted(h));
}

// 9. Max open orders: live orders of the account + 1.

TEST_F(EngineRiskTest, MaxOpenOrdersCountsLiveOrdersOnly) {
  risk::AccountLimits limits;
  limits.maxOpenOrders = 2;
  admin(accountLimits(1, limits));

  const std::uint64_t first = buy(1, 1, 9900);
  ASSERT_TRUE(accepted(h));
  buy(1, 1, 9800);
  ASSERT_TRUE(accepted(h));
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 2u);
  buy(1, 1, 9700);
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxOpenOrders, RiskUnit::Count, 2, 3));

  h.run(cancelOrder(1, first));  // a cancel frees a slot
  ASSERT_TRUE(answeredWith(h, oms::ExecType::Canceled));
  buy(1, 1, 9700);
  EXPECT_TRUE(accepted(h));
  buy(1, 1, 9600);
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxOpenOrders, RiskUnit::Count, 2, 3));

  sell(3, 1, 9700);  // fills the 98.00 buy: a fill frees a slot too
  ASSERT_TRUE(accepted(h));
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 1u);
  buy(1, 1, 9600);
  EXPECT_TRUE(accepted(h));
}

// 16. Order rate: a token bucket over the commands' stamped time.

TEST_F(EngineRiskTest, OrderRateIsATokenBucketOverCommandTime) {
  risk::AccountLimits limits;
  limits.orderRatePerSecond = 2;  // burst 0: 2
  admin(accountLimits(1, limits));

  // 2 tokens/s = 2 units of 1e-9 token per ns. t1: full bucket, 2 → 1 token.
  buy(1, 1, 9900);
  EXPECT_TRUE(accepted(h));
  buy(1, 1, 9900);  // t1 + 1 ms: 1 + 0.002 → 0.002 after the take
  EXPECT_TRUE(accepted(h));
  buy(1, 1, 9900);  // t1 + 2 ms: 0.004 < 1
  EXPECT_TRUE(riskRejected(h, RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 2, 2));

  h.time = h.time + 496'000'000;  // the next command is stamped 497 ms later
  buy(1, 1, 9900);                // 0.004 + 0.994 = 0.998
  EXPECT_TRUE(riskRejected(h, RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 2, 2));
  buy(1, 1, 9900);  // 1 ms later: 1.000
  EXPECT_TRUE(accepted(h));

  // Another account has its own (unlimited) bucket.
  buy(2, 1, 9900);
  EXPECT_TRUE(accepted(h));
}

TEST_F(EngineRiskTest, OrderRateTokenIsTakenOnlyByOrdersThatPassEveryOtherRule) {
  risk::AccountLimits limits;
  limits.orderRatePerSecond = 1;
  limits.orderBurst = 1;
  admin(accountLimits(1, limits));
  risk::InstrumentLimits size;
  size.maxOrderQuantity = 10;
  admin(instrumentLimits(1, 1, size));

  buy(1, 11, 9900);  // refused for its size: no token used
  EXPECT_TRUE(riskRejected(h, RiskRule::MaxOrderQuantity, RiskUnit::Quantity, 10, 11));
  buy(1, 10, 9900);  // the one token
  EXPECT_TRUE(accepted(h));
  buy(1, 10, 9900);  // 1 ms later: 0.001 token
  EXPECT_TRUE(riskRejected(h, RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 1, 1));
}

// 4. Restricted instruments, per account and global.

TEST_F(EngineRiskTest, RestrictedInstrumentPerAccountAndGlobal) {
  admin(defineInstrument(2, "BBB"));
  admin(restrictInstrument(1, 1, true));
  buy(1, 1, 9900);
  EXPECT_TRUE(riskRejected(h, RiskRule::RestrictedInstrument, RiskUnit::None, 0, 0));
  buy(1, 1, 9900, 2);  // another instrument
  EXPECT_TRUE(accepted(h));
  buy(2, 1, 9900);  // another account
  EXPECT_TRUE(accepted(h));

  admin(restrictInstrument(1, 1, false));
  buy(1, 1, 9900);
  EXPECT_TRUE(accepted(h));

  admin(restrictInstrument(0, 1, true));  // global
  buy(1, 1, 9900);
  EXPECT_TRUE(riskRejected(h, RiskRule::RestrictedInstrument, RiskUnit::None, 0, 0));
  buy(2, 1, 9900);
  EXPECT_TRUE(riskRejected(h, RiskRule::RestrictedInstrument, RiskUnit::None, 0, 0));
  buy(2, 1, 9900, 2);
  EXPECT_TRUE(accepted(h));
  admin(restrictInstrument(0, 1, false));
  buy(2, 1, 9900);
  EXPECT_TRUE(accepted(h));
}

// 3. Reducing only: a reducing order passes, growing or flipping the position is refused.

TEST_F(EngineRiskTest, ReducingOnlyLetsReducingOrdersThroughAndRefusesFlips) {
  trade(1, 3, 100, 10000);  // account 1 long 100, account 3 short 100
  admin(tradingState(1, risk::TradingState::ReducingOnly));
  EXPECT_EQ(h.engine.accountTradingState(AccountId{1}), risk::TradingState::ReducingOnly);

  buy(1, 1, 9900);  // grows the long: nothing reducible on the buy side
  EXPECT_TRUE(riskRejected(h, RiskRule::ReducingOnly, RiskUnit::Quantity, 0, 1));
  sell(1, 101, 10100);  // would flip to short 1
  EXPECT_TRUE(riskRejected(h, RiskRule::ReducingOnly, RiskUnit::Quantity, 100, 101));
  sell(1, 60, 10100);  // reducing
  EXPECT_TRUE(accepted(h));
  sell(1, 41, 10100);  // with 60 offered, 40 remain reducible
  EXPECT_TRUE(riskRejected(h, RiskRule::ReducingOnly, RiskUnit::Quantity, 40, 41));
  sell(1, 40, 10100);  // ends exactly flat
  EXPECT_TRUE(accepted(h));

  buy(2, 1, 9900);  // account 2 is active
  EXPECT_TRUE(accepted(h));

  // Global reducing-only: a flat account has nothing to reduce; the short account may buy back.
  admin(tradingState(0, risk::TradingState::ReducingOnly));
  EXPECT_EQ(h.engine.globalTradingState(), risk::TradingState::ReducingOnly);
  buy(2, 1, 9900);
  EXPECT_TRUE(riskRejected(h, RiskRule::ReducingOnly, RiskUnit::Quantity, 0, 1));
  buy(3, 100, 9900);
  EXPECT_TRUE(accepted(h));
  buy(3, 1, 9900);
  EXPECT_TRUE(riskRejected(h, RiskRule::ReducingOnly, RiskUnit::Quantity, 0, 1));
  sell(3, 1, 10200);  // grows the short
  EXPECT_TRUE(riskRejected(h, RiskRule::ReducingOnly, RiskUnit::Quantity, 0, 1));

  admin(tradingState(0, risk::TradingState::Active));
  admin(tradingState(1, risk::TradingState::Active));
  buy(1, 1, 9900);
  EXPECT_TRUE(accepted(h));
}

// 2. Halted, per account and global; the more restrictive state applies.

TEST_F(EngineRiskTest, HaltedAccountAndGlobalRefuseEveryNewOrder) {
  admin(tradingState(1, risk::TradingState::Halted));
  buy(1, 1, 9900);
  EXPECT_TRUE(riskRejected(h, RiskRule::TradingHalted, RiskUnit::None, 0, 0));
  buy(2, 1, 9900);
  EXPECT_TRUE(accepted(h));
  admin(tradingState(1, risk::TradingState::Active));
  buy(1, 1, 9900);
  EXPECT_TRUE(accepted(h));

  admin(tradingState(0, risk::TradingState::Halted));
  buy(2, 1, 9900);
  EXPECT_TRUE(riskRejected(h, RiskRule::TradingHalted, RiskUnit::None, 0, 0));
  // Global halted beats an account's reducing-only.
  admin(tradingState(1, risk::TradingState::ReducingOnly));
  sell(1, 1, 10100);
  EXPECT_TRUE(riskRejected(h, RiskRule::TradingHalted, RiskUnit::None, 0, 0));
  admin(tradingState(0, risk::TradingState::Active));
  buy(2, 1, 9900);
  EXPECT_TRUE(accepted(h));
  // Halting cancels nothing: account 2's orders are still open.
  EXPECT_EQ(h.engine.openOrders(AccountId{2}), 2u);
}

// 1. Kill switch: activation cancels what it covers, blocks new orders until reset.

TEST_F(EngineRiskTest, KillSwitchForOneAccountCancelsItsOrdersAndBlocksIt) {
  admin(defineInstrument(2, "BBB"));
  buy(1, 10, 9900);
  buy(1, 10, 9800, 2);
  const std::uint64_t other = buy(2, 10, 9900);
  ASSERT_EQ(h.engine.openOrders(AccountId{1}), 2u);

  h.run(killSwitch(risk::KillSwitchScope::Account, true, 1));
  const auto cancels = canceledReports(h);
  ASSERT_EQ(cancels.size(), 2u);
  for (const ExecutionReport& r : cancels) {
    EXPECT_EQ(r.account, AccountId{1});
    EXPECT_EQ(r.status, oms::OrdStatus::Canceled);
    EXPECT_TRUE(r.leavesQuantity.isZero());
    EXPECT_EQ(r.rejectSource, oms::RejectSource::Venue);
    EXPECT_EQ(r.rejectCode, static_cast<std::uint8_t>(book::CancelReason::MassCancel));
  }
  ASSERT_EQ(h.events.back().kind, EventKind::CommandResult);
  EXPECT_TRUE(h.events.back().body.result.accepted);
  EXPECT_EQ(h.events.back().body.result.value, 2);
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 0u);
  EXPECT_EQ(h.engine.openOrders(AccountId{2}), 1u);
  EXPECT_TRUE(h.engine.orders().find(OrderId{other})->state.isLive());

  buy(1, 1, 9900);
  EXPECT_TRUE(riskRejected(h, RiskRule::KillSwitch, RiskUnit::None, 0, 0));
  buy(1, 1, 9900, 2);
  EXPECT_TRUE(riskRejected(h, RiskRule::KillSwitch, RiskUnit::None, 0, 0));
  buy(2, 1, 9900);
  EXPECT_TRUE(accepted(h));
  h.run(cancelOrder(2, other));  // cancels are never checked
  EXPECT_TRUE(answeredWith(h, oms::ExecType::Canceled));

  h.run(killSwitch(risk::KillSwitchScope::Account, false, 1));
  ASSERT_TRUE(Harness::accepted(h.events));
  EXPECT_EQ(h.events.back().body.result.value, 0);
  buy(1, 1, 9900);
  EXPECT_TRUE(accepted(h));
}

TEST_F(EngineRiskTest, KillSwitchForOneInstrumentCancelsEveryAccountsOrdersOnIt) {
  admin(defineInstrument(2, "BBB"));
  buy(1, 10, 9900);
  sell(3, 10, 10100);
  const std::uint64_t elsewhere = buy(1, 10, 9800, 2);

  h.run(killSwitch(risk::KillSwitchScope::Instrument, true, 1));
  const auto cancels = canceledReports(h);
  ASSERT_EQ(cancels.size(), 2u);
  for (const ExecutionReport& r : cancels) EXPECT_EQ(r.instrument, InstrumentId{1});
  ASSERT_EQ(h.events.back().kind, EventKind::CommandResult);
  EXPECT_EQ(h.events.back().body.result.value, 2);
  EXPECT_TRUE(h.engine.orders().find(OrderId{elsewhere})->state.isLive());
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 1u);
  EXPECT_EQ(h.engine.openOrders(AccountId{3}), 0u);

  buy(2, 1, 9900);
  EXPECT_TRUE(riskRejected(h, RiskRule::KillSwitch, RiskUnit::None, 0, 0));
  sell(3, 1, 10100);
  EXPECT_TRUE(riskRejected(h, RiskRule::KillSwitch, RiskUnit::None, 0, 0));
  buy(2, 1, 9900, 2);
  EXPECT_TRUE(accepted(h));

  admin(killSwitch(risk::KillSwitchScope::Instrument, false, 1));
  buy(2, 1, 9900);
  EXPECT_TRUE(accepted(h));
}

TEST_F(EngineRiskTest, GlobalKillSwitchCancelsEverythingAndBlocksEveryone) {
  admin(defineInstrument(2, "BBB"));
  buy(1, 10, 9900);
  buy(2, 10, 9800, 2);
  sell(3, 10, 10100);

  h.run(killSwitch(risk::KillSwitchScope::Global, true));
  EXPECT_EQ(canceledReports(h).size(), 3u);
  ASSERT_EQ(h.events.back().kind, EventKind::CommandResult);
  EXPECT_TRUE(h.events.back().body.result.accepted);
  EXPECT_EQ(h.events.back().body.result.value, 3);
  for (std::uint64_t a : {1u, 2u, 3u}) EXPECT_EQ(h.engine.openOrders(AccountId{a}), 0u) << a;

  buy(1, 1, 9900);
  EXPECT_TRUE(riskRejected(h, RiskRule::KillSwitch, RiskUnit::None, 0, 0));
  buy(2, 1, 9900, 2);
  EXPECT_TRUE(riskRejected(h, RiskRule::KillSwitch, RiskUnit::None, 0, 0));

  admin(killSwitch(risk::KillSwitchScope::Global, false));
  buy(1, 1, 9900);
  EXPECT_TRUE(accepted(h));
  buy(2, 1, 9900, 2);
  EXPECT_TRUE(accepted(h));
}

// ---- what a kill switch lets through while orders are still live ----
//
// With the simulated exchange, activation cancels every order in scope within the command, so
// nothing in scope is left to cancel or shrink. An external venue confirms the mass cancel
// later; this venue models that window by leaving the orders live, so the test can show that
// the switch itself refuses only what adds risk.
class MassCancelPendingVenue final : public Venue {
 public:
  std::string_view name() const noexcept override { return "PENDING"; }
  bool synchronous() const noexcept override { return true; }
  void addInstrument(const Instrument& instrument) override { inner_.addInstrument(instrument); }
  void submit(InstrumentId instrument, const book::NewOrder& order, Timestamp now,
              std::vector<book::Event>& out) override {
    inner_.submit(instrument, order, now, out);
  }
  void cancel(InstrumentId instrument, OrderId order, Timestamp now, std::vector<book::Event>& out) override {
    inner_.cancel(instrument, order, now, out);
  }
  void replace(InstrumentId instrument, const book::ReplaceOrder& request, Timestamp now,
               std::vector<book::Event>& out) override {
    inner_.replace(instrument, request, now, out);
  }
  void massCancel(InstrumentId, AccountId, Timestamp, std::vector<book::Event>&) override {}
  void setStatus(InstrumentId instrument, TradingStatus status, Timestamp now, std::vector<book::Event>& out) override {
    inner_.setStatus(instrument, status, now, out);
  }
  void advanceTime(InstrumentId instrument, Timestamp now, std::vector<book::Event>& out) override {
    inner_.advanceTime(instrument, now, out);
  }
  void setReferencePrice(InstrumentId instrument, Price price) override { inner_.setReferencePrice(instrument, price); }
  book::TopOfBook topOfBook(InstrumentId instrument) const override { return inner_.topOfBook(instrument); }
  void depth(InstrumentId instrument, Side side, std::size_t maxLevels,
             std::vector<book::LevelView>& out) const override {
    inner_.depth(instrument, side, maxLevels, out);
  }
  TradingStatus status(InstrumentId instrument) const override { return inner_.status(instrument); }
  void save(ByteWriter& out) const override { inner_.save(out); }
  [[nodiscard]] bool load(ByteReader& in) override { return inner_.load(in); }

 private:
  SimulatedVenue inner_;
};

// Harness's twin around an engine with that venue.
struct PendingVenueHarness {
  const std::vector<EngineEvent>& run(Command c) {
    c.header.sequence = ++sequence;
    time = time + 1'000'000;
    c.header.time = time;
    c.header.requestId = sequence;
    events.clear();
    engine.apply(c, events);
    return events;
  }

  Engine engine{EngineOptions{}, std::make_unique<MassCancelPendingVenue>()};
  std::vector<EngineEvent> events;
  std::uint64_t sequence = 0;
  Timestamp time{1'700'000'000'000'000'000};
};

TEST(EngineKillSwitch, LetsCancelsAndReductionsThroughButNotIncreasesOrNewPrices) {
  PendingVenueHarness h;
  ASSERT_TRUE(Harness::accepted(h.run(defineInstrument(1, "AAA"))));
  ASSERT_TRUE(Harness::accepted(h.run(openAccount(1))));
  ASSERT_TRUE(Harness::accepted(h.run(deposit(1, 100'000'000))));
  h.run(limitOrder(1, 1, "a", Side::Buy, 50, 9900));
  ASSERT_TRUE(accepted(h));
  const std::uint64_t a = answer(h)->orderId.value();
  h.run(limitOrder(1, 1, "b", Side::Buy, 50, 9800));
  ASSERT_TRUE(accepted(h));
  const std::uint64_t b = answer(h)->orderId.value();

  ASSERT_TRUE(Harness::accepted(h.run(killSwitch(risk::KillSwitchScope::Account, true, 1))));
  ASSERT_TRUE(h.engine.orders().find(OrderId{a})->state.isLive());  // the venue has not answered

  h.run(limitOrder(1, 1, "c", Side::Buy, 1, 9900));
  EXPECT_TRUE(riskRejected(h, RiskRule::KillSwitch, RiskUnit::None, 0, 0));
  h.run(replaceOrder(1, a, 60, 0));  // more quantity
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::KillSwitch, RiskUnit::None, 0, 0));
  h.run(replaceOrder(1, a, 0, 9950));  // a new price
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::KillSwitch, RiskUnit::None, 0, 0));
  h.run(replaceOrder(1, a, 30, 0));  // less quantity, same price
  ASSERT_TRUE(answeredWith(h, oms::ExecType::Replaced));
  EXPECT_EQ(answer(h)->leavesQuantity.raw(), 30);
  h.run(cancelOrder(1, b));
  EXPECT_TRUE(answeredWith(h, oms::ExecType::Canceled));
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 1u);
}

// ---- replaces ----

TEST_F(EngineRiskTest, ReplaceIncreaseIsCheckedOnTheWholeOrderAndReductionsAlwaysPass) {
  risk::InstrumentLimits limits;
  limits.maxOrderQuantity = 100;
  admin(instrumentLimits(1, 1, limits));
  const std::uint64_t id = buy(1, 50, 9900);
  ASSERT_TRUE(accepted(h));

  h.run(replaceOrder(1, id, 101, 0));  // the order after the replace: 101
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::MaxOrderQuantity, RiskUnit::Quantity, 100, 101));
  EXPECT_EQ(h.engine.orders().find(OrderId{id})->quantity.raw(), 50);
  h.run(replaceOrder(1, id, 100, 0));
  ASSERT_TRUE(answeredWith(h, oms::ExecType::Replaced));
  EXPECT_EQ(answer(h)->orderQuantity.raw(), 100);
  EXPECT_EQ(answer(h)->leavesQuantity.raw(), 100);

  // Halted: shrinking passes, growing and re-pricing do not, cancels do.
  admin(tradingState(1, risk::TradingState::Halted));
  h.run(replaceOrder(1, id, 80, 0));
  ASSERT_TRUE(answeredWith(h, oms::ExecType::Replaced));
  EXPECT_EQ(answer(h)->leavesQuantity.raw(), 80);
  h.run(replaceOrder(1, id, 90, 0));
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::TradingHalted, RiskUnit::None, 0, 0));
  h.run(replaceOrder(1, id, 0, 9800));
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::TradingHalted, RiskUnit::None, 0, 0));
  h.run(cancelOrder(1, id));
  EXPECT_TRUE(answeredWith(h, oms::ExecType::Canceled));
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 0u);
}

TEST_F(EngineRiskTest, ReplacePositionAndFundsRulesCountWhatTheReplaceAdds) {
  risk::InstrumentLimits limits;
  limits.maxLongPosition = 100;
  admin(instrumentLimits(1, 1, limits));
  const std::uint64_t id = buy(1, 60, 9900);
  ASSERT_TRUE(accepted(h));
  h.run(replaceOrder(1, id, 101, 0));  // open buys 60 + 41 added
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::MaxLongPosition, RiskUnit::Quantity, 100, 101));
  h.run(replaceOrder(1, id, 100, 0));
  EXPECT_TRUE(answeredWith(h, oms::ExecType::Replaced));

  // Cash account 5 with $1,000: buy 10 @ 100.00 holds all of it.
  admin(openAccount(5));
  admin(deposit(5, 100'000));
  const std::uint64_t held = buy(5, 10, 10000);
  ASSERT_TRUE(accepted(h));
  h.run(replaceOrder(5, held, 11, 0));  // 10'000 more
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::BuyingPower, RiskUnit::Money, 0, 10'000));
  h.run(replaceOrder(5, held, 0, 10001));  // 10 × 0.01 more
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::BuyingPower, RiskUnit::Money, 0, 10));
  h.run(replaceOrder(5, held, 9, 0));  // frees 10'000
  ASSERT_TRUE(answeredWith(h, oms::ExecType::Replaced));
  buy(5, 1, 10000);
  EXPECT_TRUE(accepted(h));
  buy(5, 1, 1);
  EXPECT_TRUE(riskRejected(h, RiskRule::BuyingPower, RiskUnit::Money, 0, 1));
}

TEST_F(EngineRiskTest, ReplaceRepricingIsCollaredAndMeteredButReductionsAreNot) {
  admin(marketData(1, 0, 0, 10000));  // reference 100.00
  risk::AccountLimits limits;
  limits.collarBasisPoints = 500;
  limits.orderRatePerSecond = 1;
  limits.orderBurst = 1;
  admin(accountLimits(1, limits));
  const std::uint64_t id = buy(1, 10, 9900);  // takes the only token
  ASSERT_TRUE(accepted(h));
  const Timestamp placed = h.time;

  h.run(replaceOrder(1, id, 5, 0));  // a reduction: no token needed
  ASSERT_TRUE(answeredWith(h, oms::ExecType::Replaced));
  h.run(replaceOrder(1, id, 0, 10501));  // 501 bp from 100.00
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::PriceCollarPercent, RiskUnit::BasisPoints, 500, 501));
  h.run(replaceOrder(1, id, 0, 10500));  // inside the collar, but 3 ms after the last token
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::OrderRate, RiskUnit::OrdersPerSecond, 1, 1));
  h.time = placed + 999'000'000;  // stamped one second after the order: one token again
  h.run(replaceOrder(1, id, 0, 10500));
  ASSERT_TRUE(answeredWith(h, oms::ExecType::Replaced));
  EXPECT_EQ(answer(h)->price.raw(), 10500);
  EXPECT_EQ(answer(h)->leavesQuantity.raw(), 5);
}

TEST_F(EngineRiskTest, ReplaceUnderReducingOnlyCountsTheOrderItselfOnce) {
  trade(1, 3, 100, 10000);  // long 100
  admin(tradingState(1, risk::TradingState::ReducingOnly));
  const std::uint64_t id = sell(1, 60, 10100);
  ASSERT_TRUE(accepted(h));

  h.run(replaceOrder(1, id, 101, 0));  // adds 41 to the 60 offered: 40 remain reducible
  EXPECT_TRUE(replaceRiskRejected(h, RiskRule::ReducingOnly, RiskUnit::Quantity, 40, 41));
  h.run(replaceOrder(1, id, 100, 0));  // ends exactly flat
  EXPECT_TRUE(answeredWith(h, oms::ExecType::Replaced));
  h.run(replaceOrder(1, id, 50, 0));
  EXPECT_TRUE(answeredWith(h, oms::ExecType::Replaced));
}

// ---- the engine's own refusals ----

TEST_F(EngineRiskTest, UnknownAccountAndUnknownInstrumentAreRefusedWithoutAnOrder) {
  const std::size_t before = h.engine.orders().size();
  h.run(limitOrder(99, 1, "x", Side::Buy, 1, 9900));
  EXPECT_TRUE(engineRejected(h, RejectCode::UnknownAccount));
  EXPECT_TRUE(answer(h)->orderId.isNone());
  h.run(limitOrder(1, 42, "y", Side::Buy, 1, 9900));
  EXPECT_TRUE(engineRejected(h, RejectCode::UnknownInstrument));
  EXPECT_EQ(h.engine.orders().size(), before);
}

TEST_F(EngineRiskTest, MarketOrderWithNothingToValueItIsRefused) {
  h.run(marketOrder(1, 1, "m1", Side::Buy, 10));  // empty book, no trade, no market data
  EXPECT_TRUE(engineRejected(h, RejectCode::NoReferencePrice));
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 0u);

  admin(marketData(1, 0, 0, 10000));  // now there is a reference price
  h.run(marketOrder(1, 1, "m2", Side::Buy, 10));
  EXPECT_TRUE(accepted(h));  // then cancelled: nothing to trade against
  EXPECT_EQ(h.lastReport().execType, oms::ExecType::Canceled);
  EXPECT_EQ(h.lastReport().rejectCode, static_cast<std::uint8_t>(book::CancelReason::NoLiquidity));
}

TEST_F(EngineRiskTest, DuplicateClientOrderIdIsRefusedAndTheSameRequestIsASafeRetry) {
  h.run(limitOrder(1, 1, "dup", Side::Buy, 10, 9900));
  ASSERT_TRUE(accepted(h));
  const OrderId id = answer(h)->orderId;
  const std::size_t orders = h.engine.orders().size();

  h.run(limitOrder(1, 1, "dup", Side::Buy, 11, 9900));  // same id, other content
  EXPECT_TRUE(engineRejected(h, RejectCode::DuplicateClientOrderId));
  EXPECT_EQ(h.engine.orders().find(id)->quantity.raw(), 10);
  EXPECT_TRUE(h.engine.orders().find(id)->state.isLive());

  h.run(limitOrder(1, 1, "dup", Side::Buy, 10, 9900));  // the same request again
  const std::vector<ExecutionReport> reports = h.reports();
  ASSERT_EQ(reports.size(), 1u);
  const ExecutionReport& r = reports.front();
  EXPECT_EQ(r.execType, oms::ExecType::OrderStatus);
  EXPECT_EQ(r.orderId, id);
  EXPECT_EQ(r.status, oms::OrdStatus::New);
  EXPECT_EQ(r.leavesQuantity.raw(), 10);
  EXPECT_EQ(h.engine.orders().size(), orders);
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 1u);

  // Client order ids are per account.
  h.run(limitOrder(2, 1, "dup", Side::Buy, 11, 9900));
  EXPECT_TRUE(accepted(h));
}

}  // namespace
}  // namespace alphintra::engine
