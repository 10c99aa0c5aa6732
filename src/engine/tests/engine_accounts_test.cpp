// Accounting through the real Engine: what fills do to the ledger (cash, fees, positions,
// realized and unrealized P&L), valuation across currencies, the per-order minimum fee, the
// cash an open buy holds back, and the open-order count — all driven by commands, with the
// expected figures worked out by hand next to each check.
//
// Numbers: instrument AAA has prices with 2 decimals and whole-share quantities in USD, so a
// notional in cents is price raw × quantity (100 @ 50.00 = 5000 × 100 = 500'000 cents). Fees
// are millionths of notional, rounded half away from zero per fill. Margin account 9
// ($1,000,000, no fees) is the other side of every trade that does not name one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "engine/tests/engine_test_util.hpp"

namespace alphintra::engine {
namespace {

using namespace alphintra::engine::testing;  // NOLINT(google-build-using-namespace): test builders
using risk::RiskRule;

Command openAccountWith(std::uint64_t id, risk::AccountType type, std::int64_t makerPpm, std::int64_t takerPpm,
                        CostBasis costBasis = CostBasis::AverageCost, std::int64_t minimumFee = 0,
                        std::string_view minimumFeeCurrency = "") {
  Command c = openAccount(id, type, "USD", makerPpm, takerPpm);
  c.body.openAccount.costBasis = costBasis;
  c.body.openAccount.minimumFee = Money::fromRaw(minimumFee);
  if (!minimumFeeCurrency.empty()) c.body.openAccount.minimumFeeCurrency = ccy(minimumFeeCurrency);
  return c;
}

Command fxRate(std::string_view base, std::string_view quote, std::int64_t rate) {
  Command c = makeCommand(CommandType::SetFxRate);
  c.body.fxRate.base = ccy(base);
  c.body.fxRate.quote = ccy(quote);
  c.body.fxRate.rate = rate;
  return c;
}

Command lastPrice(std::uint64_t instrument, std::int64_t last) {
  Command c = makeCommand(CommandType::MarketData);
  c.body.marketData.instrument = InstrumentId{instrument};
  c.body.marketData.last = px(last);
  return c;
}

Command instrumentLimits(std::uint64_t account, std::uint64_t instrument, const risk::InstrumentLimits& limits) {
  Command c = makeCommand(CommandType::SetInstrumentLimits);
  c.body.instrumentLimits.account = AccountId{account};
  c.body.instrumentLimits.instrument = InstrumentId{instrument};
  c.body.instrumentLimits.limits = limits;
  return c;
}

// The first execution report that answers the last command (it carries the request id).
const ExecutionReport* answer(const Harness& h) {
  for (const EngineEvent& e : h.events) {
    if (e.kind == EventKind::ExecutionReport && e.requestId == h.sequence) return &e.body.execution;
  }
  return nullptr;
}

std::string describe(const ExecutionReport& r) {
  return "execType '" + std::string(1, static_cast<char>(r.execType)) + "' source " +
         std::to_string(static_cast<int>(r.rejectSource)) + " code " + std::to_string(r.rejectCode) + " limit " +
         std::to_string(r.riskLimit) + " value " + std::to_string(r.riskValue);
}

::testing::AssertionResult accepted(const Harness& h) {
  const ExecutionReport* r = answer(h);
  if (r == nullptr) return ::testing::AssertionFailure() << "no execution report answers the order";
  if (r->execType != oms::ExecType::New) return ::testing::AssertionFailure() << "not accepted: " << describe(*r);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult rejected(const Harness& h, oms::RejectSource source, std::uint8_t code,
                                    std::int64_t limit = 0, std::int64_t value = 0) {
  const ExecutionReport* r = answer(h);
  if (r == nullptr) return ::testing::AssertionFailure() << "no execution report answers the order";
  if (r->execType != oms::ExecType::Rejected || r->rejectSource != source || r->rejectCode != code ||
      r->riskLimit != limit || r->riskValue != value) {
    return ::testing::AssertionFailure() << "expected source " << static_cast<int>(source) << " code "
                                         << static_cast<int>(code) << " limit " << limit << " value " << value
                                         << "; got " << describe(*r);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult buyingPowerRejected(const Harness& h, std::int64_t available, std::int64_t required) {
  return rejected(h, oms::RejectSource::Risk, static_cast<std::uint8_t>(RiskRule::BuyingPower), available, required);
}

class EngineAccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin(defineInstrument(1, "AAA"));
    admin(openAccount(9, risk::AccountType::Margin));
    admin(deposit(9, 100'000'000));
  }

  void admin(const Command& c) {
    const auto& events = h.run(c);
    ASSERT_TRUE(Harness::accepted(events)) << toString(c.type());
  }

  // A new cash account in USD with `cents` deposited.
  void cashAccount(std::uint64_t id, std::int64_t cents, std::int64_t makerPpm = 0, std::int64_t takerPpm = 0,
                   CostBasis costBasis = CostBasis::AverageCost) {
    admin(openAccountWith(id, risk::AccountType::Cash, makerPpm, takerPpm, costBasis));
    admin(deposit(id, cents));
  }

  std::uint64_t order(std::uint64_t account, Side side, std::int64_t quantity, std::int64_t price,
                      std::uint64_t instrument = 1, book::TimeInForce tif = book::TimeInForce::GTC) {
    const std::string id = "o" + std::to_string(++clientIds_);
    h.run(limitOrder(account, instrument, id, side, quantity, price, tif));
    const ExecutionReport* r = answer(h);
    return r == nullptr ? 0 : r->orderId.value();
  }
  std::uint64_t buy(std::uint64_t account, std::int64_t quantity, std::int64_t price, std::uint64_t instrument = 1) {
    return order(account, Side::Buy, quantity, price, instrument);
  }
  std::uint64_t sell(std::uint64_t account, std::int64_t quantity, std::int64_t price, std::uint64_t instrument = 1) {
    return order(account, Side::Sell, quantity, price, instrument);
  }

  // The last report of `orderId` among the last command's events.
  ExecutionReport lastReportOf(std::uint64_t orderId) const {
    const std::vector<ExecutionReport> reports = h.reports(orderId);
    if (reports.empty()) {
      ADD_FAILURE() << "no report for order " << orderId;
      return ExecutionReport{};
    }
    return reports.back();
  }

  const oms::Ledger& ledger() const { return h.engine.ledger(); }
  std::int64_t cash(std::uint64_t account, std::string_view currency = "USD") const {
    return ledger().account(AccountId{account})->balance(ccy(currency)).raw();
  }
  const oms::Position& position(std::uint64_t account, std::uint64_t instrument = 1) const {
    const oms::Position* p = ledger().position(AccountId{account}, InstrumentId{instrument});
    if (p == nullptr) {
      ADD_FAILURE() << "no position for account " << account;
      static const oms::Position none;
      return none;
    }
    return *p;
  }
  oms::Valuation value(std::uint64_t account) const { return ledger().value(AccountId{account}); }

  Harness h;

 private:
  std::uint64_t clientIds_ = 0;
};

TEST_F(EngineAccountsTest, CrossBetweenTwoCashAccountsMovesCashFeesAndPositions) {
  // Maker 2 bp, taker 5 bp; $100,000 each.
  cashAccount(11, 10'000'000, 200, 500);
  cashAccount(12, 10'000'000, 200, 500);

  // Account 12 first buys 100 @ 50.00 from account 9, taking liquidity:
  // notional 500'000, fee 500'000 × 500 / 1e6 = 250; cash 10'000'000 − 500'250 = 9'499'750.
  sell(9, 100, 5000);
  const std::uint64_t firstBuy = buy(12, 100, 5000);
  const ExecutionReport takerFill = lastReportOf(firstBuy);
  EXPECT_EQ(takerFill.execType, oms::ExecType::Trade);
  EXPECT_EQ(takerFill.status, oms::OrdStatus::Filled);
  EXPECT_EQ(takerFill.liquidity, Liquidity::Taker);
  EXPECT_EQ(takerFill.lastQuantity.raw(), 100);
  EXPECT_EQ(takerFill.lastPrice.raw(), 5000);
  EXPECT_EQ(takerFill.averagePrice.raw(), 5000);
  EXPECT_EQ(takerFill.lastFee.raw(), 250);
  EXPECT_EQ(takerFill.totalFees.raw(), 250);
  EXPECT_EQ(cash(12), 9'499'750);

  // The cross: account 12 offers 100 @ 60.00 (maker), account 11 takes it (taker).
  // Notional 600'000. Buyer pays 600'000 + 300 (5 bp): 10'000'000 − 600'300 = 9'399'700.
  // Seller receives 600'000 − 120 (2 bp): 9'499'750 + 599'880 = 10'099'630.
  const std::uint64_t offer = sell(12, 100, 6000);
  ASSERT_TRUE(accepted(h));
  const std::uint64_t bid = buy(11, 100, 6000);
  const ExecutionReport buyerFill = lastReportOf(bid);
  const ExecutionReport sellerFill = lastReportOf(offer);
  EXPECT_EQ(buyerFill.liquidity, Liquidity::Taker);
  EXPECT_EQ(buyerFill.lastFee.raw(), 300);
  EXPECT_EQ(buyerFill.status, oms::OrdStatus::Filled);
  EXPECT_EQ(sellerFill.liquidity, Liquidity::Maker);
  EXPECT_EQ(sellerFill.lastFee.raw(), 120);
  EXPECT_EQ(sellerFill.status, oms::OrdStatus::Filled);
  EXPECT_EQ(buyerFill.tradeId, sellerFill.tradeId);
  EXPECT_EQ(cash(11), 9'399'700);
  EXPECT_EQ(cash(12), 10'099'630);

  // Positions: account 11 long 100 at 60.00; account 12 flat after its round trip, having
  // realized (60.00 − 50.00) × 100 = $1,000.00 = 100'000 gross, and paid 250 + 120 in fees.
  EXPECT_EQ(position(11).quantity().raw(), 100);
  EXPECT_EQ(position(11).averagePrice().raw(), 6000);
  EXPECT_TRUE(position(11).realizedPnl().isZero());
  EXPECT_EQ(position(11).fees().raw(), 300);
  EXPECT_TRUE(position(12).isFlat());
  EXPECT_EQ(position(12).realizedPnl().raw(), 100'000);
  EXPECT_EQ(position(12).fees().raw(), 370);

  // Account 12: equity = deposit + realized − fees = 10'000'000 + 100'000 − 370.
  const oms::Valuation v12 = value(12);
  EXPECT_EQ(v12.realizedPnl.raw(), 100'000);
  EXPECT_EQ(v12.fees.raw(), 370);
  EXPECT_EQ(v12.equity.raw(), 10'099'630);
  EXPECT_EQ(v12.openPositions, 0u);

  // Nothing is created or lost: cash + fees = the deposits. Account 9 received 500'000.
  EXPECT_EQ(cash(9), 100'500'000);
  EXPECT_EQ(cash(9) + cash(11) + cash(12) + 250 + 300 + 120, 120'000'000);
}

TEST_F(EngineAccountsTest, RealizedPnlOfARoundTripUnderAverageCostAndFifo) {
  cashAccount(21, 10'000'000, 0, 0, CostBasis::AverageCost);
  cashAccount(22, 10'000'000, 0, 0, CostBasis::Fifo);

  // Each account buys 100 @ 50.00 and 100 @ 60.00, then sells 150 @ 70.00.
  for (std::uint64_t account : {21u, 22u}) {
    sell(9, 100, 5000);
    buy(account, 100, 5000);
    sell(9, 100, 6000);
    buy(account, 100, 6000);
    buy(9, 150, 7000);
    sell(account, 150, 7000);
    ASSERT_EQ(position(account).quantity().raw(), 50) << account;
  }

  // Average cost: basis 500'000 + 600'000 = 1'100'000 for 200, 55.00 each. The sale closes
  // 3/4 of it (825'000) for 1'050'000: realized 225'000. Left: 50 @ 55.00 (basis 275'000).
  const oms::Position& average = position(21);
  EXPECT_EQ(average.realizedPnl().raw(), 225'000);
  EXPECT_EQ(average.averagePrice().raw(), 5500);
  // FIFO: 100 @ 50.00 close first (+200'000), then 50 of the 60.00 lot (+50'000): 250'000.
  // Left: one lot of 50 @ 60.00.
  const oms::Position& fifo = position(22);
  EXPECT_EQ(fifo.realizedPnl().raw(), 250'000);
  EXPECT_EQ(fifo.averagePrice().raw(), 6000);
  ASSERT_EQ(fifo.lotCount(), 1u);
  EXPECT_EQ(fifo.lot(0).price.raw(), 6000);
  EXPECT_EQ(fifo.lot(0).quantity.raw(), 50);

  // Same cash for both: 10'000'000 − 500'000 − 600'000 + 1'050'000 = 9'950'000. Marked at the
  // last trade (70.00), 50 shares are worth 350'000: unrealized 75'000 (average) and 50'000
  // (FIFO); total P&L 300'000 either way, so equity is 10'300'000 for both.
  for (std::uint64_t account : {21u, 22u}) EXPECT_EQ(cash(account), 9'950'000) << account;
  const oms::Valuation va = value(21);
  const oms::Valuation vf = value(22);
  EXPECT_EQ(va.unrealizedPnl.raw(), 75'000);
  EXPECT_EQ(vf.unrealizedPnl.raw(), 50'000);
  EXPECT_EQ(va.realizedPnl.raw() + va.unrealizedPnl.raw(), 300'000);
  EXPECT_EQ(vf.realizedPnl.raw() + vf.unrealizedPnl.raw(), 300'000);
  EXPECT_EQ(va.equity.raw(), 10'300'000);
  EXPECT_EQ(vf.equity.raw(), 10'300'000);
}

TEST_F(EngineAccountsTest, UnrealizedPnlFollowsTheMarketDataMark) {
  cashAccount(11, 10'000'000);
  sell(9, 100, 6000);
  buy(11, 100, 6000);  // long 100 @ 60.00; cash 9'400'000; account 9 short 100 @ 60.00
  EXPECT_TRUE(value(11).unrealizedPnl.isZero());
  EXPECT_EQ(value(11).equity.raw(), 10'000'000);

  admin(lastPrice(1, 6500));  // (65.00 − 60.00) × 100
  oms::Valuation v = value(11);
  EXPECT_EQ(v.unrealizedPnl.raw(), 50'000);
  EXPECT_EQ(v.positionsValue.raw(), 650'000);
  EXPECT_EQ(v.grossExposure.raw(), 650'000);
  EXPECT_EQ(v.netExposure.raw(), 650'000);
  EXPECT_EQ(v.equity.raw(), 10'050'000);
  EXPECT_TRUE(v.complete());

  admin(lastPrice(1, 5800));  // (58.00 − 60.00) × 100; the short gains as much
  v = value(11);
  EXPECT_EQ(v.unrealizedPnl.raw(), -20'000);
  EXPECT_EQ(v.equity.raw(), 9'980'000);
  const oms::Valuation shortSide = value(9);
  EXPECT_EQ(shortSide.unrealizedPnl.raw(), 20'000);
  EXPECT_EQ(shortSide.netExposure.raw(), -580'000);
  EXPECT_EQ(shortSide.grossExposure.raw(), 580'000);
}

TEST_F(EngineAccountsTest, EuroInstrumentInADollarAccountIsValuedAtTheFxRate) {
  admin(defineInstrument(2, "EURX", "EUR"));
  cashAccount(31, 100'000);  // $1,000.00

  buy(31, 1, 1000, 2);  // no EUR/USD rate yet: the order cannot be valued
  EXPECT_TRUE(rejected(h, oms::RejectSource::Engine, static_cast<std::uint8_t>(RejectCode::MissingFxRate)));

  admin(fxRate("EUR", "USD", 1'100'000'000));  // 1 EUR = 1.10 USD
  buy(31, 10, 10000, 2);                       // €1,000.00 = $1,100.00 > $1,000.00
  EXPECT_TRUE(buyingPowerRejected(h, 100'000, 110'000));
  buy(31, 9, 10000, 2);  // €900.00 = $990.00
  ASSERT_TRUE(accepted(h));
  sell(9, 9, 10000, 2);  // fills it

  // The fill is paid in euros: a EUR balance of −90'000 (a currency loan), USD untouched.
  EXPECT_EQ(cash(31, "USD"), 100'000);
  EXPECT_EQ(cash(31, "EUR"), -90'000);
  // Cash 100'000 − 90'000 × 1.1 = 1'000; the position €900.00 = 99'000; equity 100'000.
  oms::Valuation v = value(31);
  EXPECT_EQ(v.cash.raw(), 1'000);
  EXPECT_EQ(v.positionsValue.raw(), 99'000);
  EXPECT_EQ(v.equity.raw(), 100'000);
  EXPECT_TRUE(v.unrealizedPnl.isZero());
  EXPECT_FALSE(v.missingFxRate);

  admin(lastPrice(2, 11000));  // €990.00 = $1,089.00; unrealized €90.00 = $99.00
  v = value(31);
  EXPECT_EQ(v.positionsValue.raw(), 108'900);
  EXPECT_EQ(v.unrealizedPnl.raw(), 9'900);
  EXPECT_EQ(v.equity.raw(), 109'900);

  admin(fxRate("EUR", "USD", 1'200'000'000));  // the euro moves: both legs are revalued
  v = value(31);
  EXPECT_EQ(v.cash.raw(), 100'000 - 108'000);  // −90'000 × 1.2
  EXPECT_EQ(v.positionsValue.raw(), 118'800);  // 99'000 × 1.2
  EXPECT_EQ(v.unrealizedPnl.raw(), 10'800);    // 9'000 × 1.2
  EXPECT_EQ(v.equity.raw(), 110'800);
}

TEST_F(EngineAccountsTest, MinimumFeeIsAFloorOnTheWholeOrderAcrossPartialFills) {
  // Maker and taker 5 bp, at least $1.00 (100 cents) per order.
  admin(openAccountWith(41, risk::AccountType::Cash, 500, 500, CostBasis::AverageCost, 100));
  admin(deposit(41, 10'000'000));

  // Three fills of 100 @ 10.00 (100'000 each, rate fee 50 each) into a resting buy of 300:
  //   fill 1: Σ rate 50,  order total max(50, 100)  = 100 → charged 100
  //   fill 2: Σ rate 100, order total max(100, 100) = 100 → charged 0
  //   fill 3: Σ rate 150, order total max(150, 100) = 150 → charged 50
  const std::uint64_t id = buy(41, 300, 1000);
  ASSERT_TRUE(accepted(h));
  const std::int64_t charged[] = {100, 0, 50};
  const std::int64_t totals[] = {100, 100, 150};
  for (int i = 0; i < 3; ++i) {
    sell(9, 100, 1000);
    const ExecutionReport r = lastReportOf(id);
    EXPECT_EQ(r.execType, oms::ExecType::Trade) << i;
    EXPECT_EQ(r.liquidity, Liquidity::Maker) << i;
    EXPECT_EQ(r.lastFee.raw(), charged[i]) << i;
    EXPECT_EQ(r.totalFees.raw(), totals[i]) << i;
    EXPECT_EQ(r.status, i < 2 ? oms::OrdStatus::PartiallyFilled : oms::OrdStatus::Filled) << i;
  }
  EXPECT_EQ(cash(41), 10'000'000 - 300'000 - 150);

  // An order whose rate fees stay below the minimum: two fills of 10 @ 10.00, rate fee 5 each:
  // Σ 10, so the order pays max(10, 100) = 100, all on the first fill.
  const std::uint64_t small = buy(41, 20, 1000);
  ASSERT_TRUE(accepted(h));
  sell(9, 10, 1000);
  EXPECT_EQ(lastReportOf(small).lastFee.raw(), 100);
  sell(9, 10, 1000);
  const ExecutionReport last = lastReportOf(small);
  EXPECT_EQ(last.status, oms::OrdStatus::Filled);
  EXPECT_EQ(last.lastFee.raw(), 0);
  EXPECT_EQ(last.totalFees.raw(), 100);
  EXPECT_EQ(cash(41), 10'000'000 - 300'000 - 150 - 20'000 - 100);
  EXPECT_EQ(position(41).fees().raw(), 250);

  // A minimum in another currency is converted at the current rate: €1.00 = 110 cents.
  admin(fxRate("EUR", "USD", 1'100'000'000));
  admin(openAccountWith(42, risk::AccountType::Cash, 500, 500, CostBasis::AverageCost, 100, "EUR"));
  admin(deposit(42, 10'000'000));
  sell(9, 10, 1000);
  const std::uint64_t taker = buy(42, 10, 1000);  // rate fee 5 < 110
  EXPECT_EQ(lastReportOf(taker).lastFee.raw(), 110);
  EXPECT_EQ(cash(42), 10'000'000 - 10'000 - 110);
}

TEST_F(EngineAccountsTest, OpenBuysHoldCashBackUntilTheyFillOrAreCancelled) {
  cashAccount(51, 100'000);  // $1,000.00, no fees

  const std::uint64_t first = buy(51, 6, 10000);  // holds 60'000
  ASSERT_TRUE(accepted(h));
  buy(51, 5, 10000);  // 50'000 > 100'000 − 60'000
  EXPECT_TRUE(buyingPowerRejected(h, 40'000, 50'000));
  const std::uint64_t second = buy(51, 4, 10000);  // 40'000: exactly what is free
  ASSERT_TRUE(accepted(h));
  buy(51, 1, 1);
  EXPECT_TRUE(buyingPowerRejected(h, 0, 1));

  h.run(cancelOrder(51, first));  // frees 60'000
  ASSERT_EQ(h.lastReport().execType, oms::ExecType::Canceled);
  buy(51, 5, 10000);  // 50'000 ≤ 60'000
  ASSERT_TRUE(accepted(h));

  // 2 of the 4 @ 100.00 fill (time priority): cash 80'000, still held 2 × 10'000 + 50'000.
  sell(9, 2, 10000);
  EXPECT_EQ(lastReportOf(second).cumQuantity.raw(), 2);
  EXPECT_EQ(cash(51), 80'000);
  buy(51, 1, 10001);  // 10'001 > 10'000 free
  EXPECT_TRUE(buyingPowerRejected(h, 10'000, 10'001));
  buy(51, 1, 10000);
  EXPECT_TRUE(accepted(h));
}

// docs/risk.md: for a cash account "required = buy notional plus fees, available = cash not
// reserved for open buys". An open buy's fee is as much a claim on the cash as its notional;
// if only the notional is held back, the fee room of one order is spent by the next, and the
// fills take a cash account below zero.
TEST_F(EngineAccountsTest, OpenBuysHoldBackTheirFeesToo) {
  admin(openAccountWith(52, risk::AccountType::Cash, 1'000, 1'000));  // 10 bp
  admin(deposit(52, 100'100));

  buy(52, 10, 10000);  // 100'000 + fee 100 = 100'100: everything
  ASSERT_TRUE(accepted(h));
  buy(52, 1, 100);  // 1.00: notional 100, fee 0.1 → 0; nothing is free
  EXPECT_TRUE(buyingPowerRejected(h, 0, 100));

  // Whatever was accepted fills: the cash account must not end below zero.
  sell(9, 11, 100);
  EXPECT_GE(cash(52), 0);
}

TEST_F(EngineAccountsTest, OpenOrderCountReturnsToZeroAfterFillsAndCancels) {
  cashAccount(61, 10'000'000);
  const AccountId account{61};

  const std::uint64_t a = buy(61, 100, 1000);
  const std::uint64_t b = buy(61, 50, 900);
  const std::uint64_t c = buy(61, 30, 800);
  EXPECT_EQ(h.engine.openOrders(account), 3u);

  sell(9, 100, 1000);  // fills a
  EXPECT_EQ(lastReportOf(a).status, oms::OrdStatus::Filled);
  EXPECT_EQ(h.engine.openOrders(account), 2u);
  sell(9, 20, 900);  // b partly: still open
  EXPECT_EQ(lastReportOf(b).status, oms::OrdStatus::PartiallyFilled);
  EXPECT_EQ(h.engine.openOrders(account), 2u);
  h.run(cancelOrder(61, b));
  EXPECT_EQ(h.engine.openOrders(account), 1u);
  h.run(cancelOrder(61, c));
  EXPECT_EQ(h.engine.openOrders(account), 0u);

  order(61, Side::Buy, 10, 1000, 1, book::TimeInForce::IOC);  // nothing to take: cancelled at once
  EXPECT_EQ(h.lastReport().execType, oms::ExecType::Canceled);
  EXPECT_EQ(h.engine.openOrders(account), 0u);
  sell(9, 5, 1100);
  h.run(marketOrder(61, 1, "mkt", Side::Buy, 5));  // filled at once
  EXPECT_EQ(h.lastReport().status, oms::OrdStatus::Filled);
  EXPECT_EQ(h.engine.openOrders(account), 0u);
  order(61, Side::Buy, 10, 1000, 1, book::TimeInForce::GTD);  // no expire time: the venue refuses it
  EXPECT_EQ(answer(h)->rejectSource, oms::RejectSource::Venue);
  EXPECT_EQ(h.engine.openOrders(account), 0u);

  // The open quantity went back to zero with the count: position 100 + 20 + 5 = 125, and a
  // long limit of 225 leaves exactly 100 to buy.
  ASSERT_EQ(position(61).quantity().raw(), 125);
  risk::InstrumentLimits limits;
  limits.maxLongPosition = 225;
  admin(instrumentLimits(61, 1, limits));
  buy(61, 100, 900);
  EXPECT_TRUE(accepted(h));
  buy(61, 1, 900);
  EXPECT_TRUE(rejected(h, oms::RejectSource::Risk, static_cast<std::uint8_t>(RiskRule::MaxLongPosition), 225, 226));
  EXPECT_EQ(h.engine.openOrders(account), 1u);
}

}  // namespace
}  // namespace alphintra::engine
