// Ledger: cash movements and fees of fills (maker rebate, per-order minimum across fills, a
// minimum in another currency), refused fills, marks (last / mid and their fallbacks),
// multi-currency valuation of a EUR instrument in a USD account, margin figures, cash
// exchange, the equity identity over random fills, no allocation per fill in steady state,
// and snapshot round trips that give identical bytes.
#include "oms/ledger.hpp"

#include <gtest/gtest.h>

#include <limits>

#include <algorithm>
#include <random>
#include <string_view>
#include <vector>

#include "bench/alloc_counter.hpp"
#include "core/tests/future_spec.hpp"

namespace alphintra::oms {
namespace {

Currency ccy(std::string_view code) { return Currency::parse(code).value(); }
const Currency USD = ccy("USD");
const Currency EUR = ccy("EUR");
const Currency JPY = ccy("JPY");

Instrument makeInstrument(std::uint64_t id, std::string symbol, std::string currency, AssetClass assetClass,
                          int pricePrecision, int quantityPrecision) {
  InstrumentSpec spec;
  spec.id = id;
  spec.symbol = std::move(symbol);
  spec.currency = std::move(currency);
  spec.assetClass = assetClass;
  spec.pricePrecision = pricePrecision;
  spec.quantityPrecision = quantityPrecision;
  spec.tickSize = "1";
  spec.lotSize = "1";
  auto i = Instrument::create(spec);
  EXPECT_TRUE(i.ok()) << i.error().message;
  return std::move(i).value();
}

// Prices in cents, whole-unit quantities unless said otherwise.
const Instrument AAPL = makeInstrument(10, "AAPL", "USD", AssetClass::Equity, 2, 0);
const Instrument SAP = makeInstrument(20, "SAP", "EUR", AssetClass::Equity, 2, 0);
const Instrument BTCUSD = makeInstrument(30, "BTC-USD", "USD", AssetClass::Crypto, 2, 4);
const Instrument TOYOTA = makeInstrument(40, "7203", "JPY", AssetClass::Equity, 1, 0);

const AccountId kCash{1};
const AccountId kMargin{2};

Price px(std::int64_t raw) { return Price::fromRaw(raw); }
Quantity qty(std::int64_t raw) { return Quantity::fromRaw(raw); }
Money m(std::int64_t raw) { return Money::fromRaw(raw); }

Ledger makeLedger(FeeSchedule fees = {}, CostMethod method = CostMethod::AverageCost) {
  Ledger l;
  for (const Instrument* i : {&AAPL, &SAP, &BTCUSD, &TOYOTA}) EXPECT_TRUE(l.registerInstrument(*i));
  EXPECT_TRUE(l.openAccount(kCash, AccountType::Cash, USD, method, fees).ok());
  EXPECT_TRUE(l.openAccount(kMargin, AccountType::Margin, USD, method, fees).ok());
  return l;
}

TEST(Ledger, FillsMoveCashAndChargeRateFeesWithMakerRebate) {
  FeeSchedule fees{.makerRatePpm = -200, .takerRatePpm = 1000};  // −2 bp / 10 bp
  Ledger l = makeLedger(fees);
  ASSERT_TRUE(l.account(kCash)->deposit(USD, m(10'000'000)).ok());  // 100'000.00

  // Buy 100 @ 150.00 as taker: notional 15'000.00, fee 15.00.
  FillResult buy = l.onFill(kCash, AAPL.id(), Side::Buy, px(15000), qty(100), false);
  ASSERT_TRUE(buy.ok());
  EXPECT_EQ(buy.currency, USD);
  EXPECT_EQ(buy.notional, m(1'500'000));
  EXPECT_EQ(buy.rateFee, m(1500));
  EXPECT_EQ(buy.fee, m(1500));
  EXPECT_EQ(buy.cashChange, m(-1'501'500));
  EXPECT_EQ(buy.realizedPnl, m(0));
  EXPECT_EQ(buy.positionAfter, qty(100));
  EXPECT_EQ(l.account(kCash)->balance(USD), m(8'498'500));

  // Sell 100 @ 151.00 as maker: notional 15'100.00, rebate 3.02 received.
  FillResult sell = l.onFill(kCash, AAPL.id(), Side::Sell, px(15100), qty(100), true);
  ASSERT_TRUE(sell.ok());
  EXPECT_EQ(sell.rateFee, m(-302));
  EXPECT_EQ(sell.fee, m(-302));
  EXPECT_EQ(sell.cashChange, m(1'510'302));
  EXPECT_EQ(sell.realizedPnl, m(10000));
  EXPECT_EQ(sell.positionAfter, qty(0));
  // 100'000 + 100 realized − 15 fee + 3.02 rebate
  EXPECT_EQ(l.account(kCash)->balance(USD), m(10'008'802));
  const Position* p = l.position(kCash, AAPL.id());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->realizedPnl(), m(10000));
  EXPECT_EQ(p->fees(), m(1198));
  const Valuation v = l.value(kCash);
  EXPECT_EQ(v.realizedPnl, m(10000));
  EXPECT_EQ(v.fees, m(1198));
  EXPECT_EQ(v.equity, m(10'008'802));
}

TEST(Ledger, PerOrderMinimumIsSpreadOverFills) {
  FeeSchedule fees{.makerRatePpm = -200, .takerRatePpm = 1000, .minimumPerOrder = m(100)};  // min 1.00
  Ledger l = makeLedger(fees);
  // One order, three taker fills of 300, 500 and 700 USD: rate fees 0.30, 0.50, 0.70.
  OrderFeesSoFar order;
  FillResult f1 = l.onFill(kCash, AAPL.id(), Side::Buy, px(10000), qty(3), false, order);
  EXPECT_EQ(f1.rateFee, m(30));
  EXPECT_EQ(f1.fee, m(100));  // the minimum, up front
  order = f1.orderFees;
  FillResult f2 = l.onFill(kCash, AAPL.id(), Side::Buy, px(10000), qty(5), false, order);
  EXPECT_EQ(f2.rateFee, m(50));
  EXPECT_EQ(f2.fee, m(0));  // 0.80 so far: still under the minimum
  // The engine may keep the sums itself: same result.
  order.rateFees += f2.rateFee;
  order.charged += f2.fee;
  EXPECT_EQ(order.rateFees, f2.orderFees.rateFees);
  EXPECT_EQ(order.charged, f2.orderFees.charged);
  FillResult f3 = l.onFill(kCash, AAPL.id(), Side::Buy, px(10000), qty(7), false, order);
  EXPECT_EQ(f3.rateFee, m(70));
  EXPECT_EQ(f3.fee, m(50));  // 1.50 in rate fees: 0.50 above the minimum already paid
  EXPECT_EQ(f3.orderFees.charged, m(150));
  EXPECT_EQ(f1.fee + f2.fee + f3.fee, m(150));  // = max(Σ rate fees, minimum)
  EXPECT_EQ(l.account(kCash)->balance(USD), m(-(300'00 + 500'00 + 700'00) - 150));

  // A new order of maker fills: rebates cannot take it below the minimum.
  OrderFeesSoFar maker;
  FillResult r1 = l.onFill(kCash, AAPL.id(), Side::Sell, px(10000), qty(10), true, maker);
  EXPECT_EQ(r1.rateFee, m(-20));
  EXPECT_EQ(r1.fee, m(100));
  FillResult r2 = l.onFill(kCash, AAPL.id(), Side::Sell, px(10000), qty(5), true, r1.orderFees);
  EXPECT_EQ(r2.rateFee, m(-10));
  EXPECT_EQ(r2.fee, m(0));
  EXPECT_EQ(r2.orderFees.rateFees, m(-30));
  EXPECT_EQ(r2.orderFees.charged, m(100));
}

TEST(Ledger, WithoutMinimumRebatesPassThrough) {
  FeeSchedule fees{.makerRatePpm = -200, .takerRatePpm = 1000};
  Ledger l = makeLedger(fees);
  FillResult r = l.onFill(kCash, AAPL.id(), Side::Sell, px(10000), qty(10), true);
  EXPECT_EQ(r.fee, m(-20));
  EXPECT_EQ(r.cashChange, m(100000 + 20));
}

TEST(Ledger, MinimumInAnotherCurrencyIsConvertedOrFlagged) {
  FeeSchedule fees{.takerRatePpm = 0, .minimumPerOrder = m(100), .minimumCurrency = EUR};  // 1.00 EUR
  Ledger l = makeLedger(fees);
  // No EUR/USD rate: the minimum cannot be applied, and the result says so.
  FillResult none = l.onFill(kCash, AAPL.id(), Side::Buy, px(10000), qty(1), false);
  EXPECT_TRUE(none.minimumFeeUnconverted);
  EXPECT_EQ(none.fee, m(0));
  ASSERT_TRUE(l.fxRates().set(EUR, USD, 1'100'000'000));
  FillResult usd = l.onFill(kCash, AAPL.id(), Side::Buy, px(10000), qty(1), false);
  EXPECT_FALSE(usd.minimumFeeUnconverted);
  EXPECT_EQ(usd.fee, m(110));  // 1.00 EUR = 1.10 USD
  // On a EUR instrument the minimum needs no conversion.
  FillResult eur = l.onFill(kCash, SAP.id(), Side::Buy, px(10000), qty(1), false);
  EXPECT_EQ(eur.currency, EUR);
  EXPECT_EQ(eur.fee, m(100));
  EXPECT_EQ(l.account(kCash)->balance(EUR), m(-10000 - 100));
}

TEST(Ledger, RefusedFillsChangeNothing) {
  Ledger l = makeLedger();
  EXPECT_EQ(l.onFill(AccountId{99}, AAPL.id(), Side::Buy, px(100), qty(1), false).status, FillStatus::UnknownAccount);
  EXPECT_EQ(l.onFill(kCash, InstrumentId{99}, Side::Buy, px(100), qty(1), false).status, FillStatus::UnknownInstrument);
  EXPECT_EQ(l.onFill(kCash, AAPL.id(), Side::None, px(100), qty(1), false).status, FillStatus::InvalidSide);
  EXPECT_EQ(l.onFill(kCash, AAPL.id(), Side::Buy, Price::undefined(), qty(1), false).status, FillStatus::InvalidPrice);
  EXPECT_EQ(l.onFill(kCash, AAPL.id(), Side::Buy, px(100), qty(0), false).status, FillStatus::InvalidQuantity);
  EXPECT_EQ(l.positionCount(), 0u);
  EXPECT_TRUE(l.account(kCash)->balances().empty());
  EXPECT_EQ(toString(FillStatus::UnknownAccount), "unknown account");
}

TEST(Ledger, MarksUseLastOrMidWithFallback) {
  Ledger l = makeLedger();
  EXPECT_EQ(l.mark(AAPL.id()), Price::undefined());
  EXPECT_FALSE(l.onMark(InstrumentId{99}, px(1)));
  ASSERT_TRUE(l.onQuote(AAPL.id(), px(10000), px(10003)));
  EXPECT_EQ(l.mark(AAPL.id()), px(10002));  // no last yet: mid 100.015 → 100.02
  ASSERT_TRUE(l.onMark(AAPL.id(), px(9990)));
  EXPECT_EQ(l.mark(AAPL.id()), px(9990));
  l.setMarkSource(MarkSource::Mid);
  EXPECT_EQ(l.mark(AAPL.id()), px(10002));
  ASSERT_TRUE(l.onQuote(AAPL.id(), px(10010), px(10000)));  // crossed: no mid
  EXPECT_EQ(l.mark(AAPL.id()), px(9990));
  ASSERT_TRUE(l.onQuote(AAPL.id(), px(10000), Price::undefined()));  // one-sided: no mid
  EXPECT_EQ(l.mark(AAPL.id()), px(9990));
  ASSERT_TRUE(l.onQuote(AAPL.id(), px(10000), px(10002)));
  EXPECT_EQ(l.mark(AAPL.id()), px(10001));

  Ledger mid(MarkSource::Mid);
  ASSERT_TRUE(mid.registerInstrument(AAPL));
  ASSERT_TRUE(mid.onMark(AAPL.id(), px(5000)));
  EXPECT_EQ(mid.mark(AAPL.id()), px(5000));  // no quote: falls back to last
}

TEST(Ledger, MultiCurrencyValuationOfAEurInstrumentInAUsdAccount) {
  Ledger l = makeLedger();
  ASSERT_TRUE(l.account(kCash)->deposit(USD, m(10'000'000)).ok());  // 100'000.00 USD
  ASSERT_TRUE(l.fxRates().set(EUR, USD, 1'100'000'000));            // 1 EUR = 1.10 USD
  // Buy 100 SAP @ 120.00 EUR: pays 12'000.00 EUR, which the account does not hold.
  ASSERT_TRUE(l.onFill(kCash, SAP.id(), Side::Buy, px(12000), qty(100), false).ok());
  EXPECT_EQ(l.account(kCash)->balance(EUR), m(-1'200'000));
  EXPECT_EQ(l.account(kCash)->balance(USD), m(10'000'000));
  ASSERT_TRUE(l.onMark(SAP.id(), px(12500)));

  const Valuation v = l.value(kCash);
  ASSERT_TRUE(v.complete());
  EXPECT_EQ(v.currency, USD);
  EXPECT_EQ(v.cash, m(8'680'000));            // 100'000 − 12'000 × 1.10
  EXPECT_EQ(v.positionsValue, m(1'375'000));  // 12'500 EUR × 1.10
  EXPECT_EQ(v.equity, m(10'055'000));
  EXPECT_EQ(v.unrealizedPnl, m(55'000));  // 500 EUR × 1.10
  EXPECT_EQ(v.grossExposure, m(1'375'000));
  EXPECT_EQ(v.netExposure, m(1'375'000));
  EXPECT_EQ(v.initialMargin, m(0));  // cash account
  EXPECT_EQ(v.maintenanceMargin, m(0));
  EXPECT_EQ(v.leveragePpm, 136'748);  // 13'750 / 100'550
  EXPECT_EQ(v.openPositions, 1u);

  EXPECT_EQ(l.toBase(kCash, m(100), EUR), m(110));
  EXPECT_EQ(l.toBase(kCash, m(100), JPY), std::nullopt);
  EXPECT_EQ(l.toBase(AccountId{99}, m(100), USD), std::nullopt);

  // Without the rate EUR amounts are left out and flagged, never counted at 1.
  ASSERT_TRUE(l.fxRates().remove(EUR, USD));
  const Valuation partial = l.value(kCash);
  EXPECT_TRUE(partial.missingFxRate);
  EXPECT_FALSE(partial.complete());
  EXPECT_EQ(partial.cash, m(10'000'000));
  EXPECT_EQ(partial.positionsValue, m(0));
}

TEST(Ledger, JpyInstrumentInAUsdAccount) {
  Ledger l = makeLedger();
  ASSERT_TRUE(l.fxRates().set(USD, JPY, 150'000'000'000));  // 1 USD = 150 JPY
  // Buy 100 @ 2'500.5 JPY = 250'050 JPY.
  ASSERT_TRUE(l.onFill(kCash, TOYOTA.id(), Side::Buy, px(25005), qty(100), false).ok());
  EXPECT_EQ(l.account(kCash)->balance(JPY), m(-250'050));
  ASSERT_TRUE(l.onMark(TOYOTA.id(), px(25100)));
  const Valuation v = l.value(kCash);
  EXPECT_EQ(v.cash, m(-166'700));           // −250'050 / 150 = −1'667.00
  EXPECT_EQ(v.positionsValue, m(167'333));  // 251'000 / 150 = 1'673.333.. → 1'673.33
  EXPECT_EQ(v.unrealizedPnl, m(633));       // 950 JPY / 150 = 6.333.. → 6.33
  EXPECT_EQ(v.equity, m(633));
}

TEST(Ledger, MarginFiguresPerAssetClass) {
  Ledger l = makeLedger();
  ASSERT_TRUE(l.account(kMargin)->deposit(USD, m(5'000'000)).ok());  // 50'000.00
  // Long 200 AAPL @ 100.00; short 1.5 BTC @ 60'000.00 (quantity precision 4).
  ASSERT_TRUE(l.onFill(kMargin, AAPL.id(), Side::Buy, px(10000), qty(200), false).ok());
  ASSERT_TRUE(l.onFill(kMargin, BTCUSD.id(), Side::Sell, px(6'000'000), qty(15000), false).ok());
  EXPECT_EQ(l.account(kMargin)->balance(USD), m(12'000'000));  // 50'000 − 20'000 + 90'000
  ASSERT_TRUE(l.onMark(AAPL.id(), px(11000)));
  ASSERT_TRUE(l.onMark(BTCUSD.id(), px(6'200'000)));

  const Valuation v = l.value(kMargin);
  ASSERT_TRUE(v.complete());
  EXPECT_EQ(v.positionsValue, m(-7'100'000));  // 22'000 − 93'000
  EXPECT_EQ(v.netExposure, m(-7'100'000));
  EXPECT_EQ(v.grossExposure, m(11'500'000));
  EXPECT_EQ(v.equity, m(4'900'000));  // 50'000 + 2'000 − 3'000
  EXPECT_EQ(v.unrealizedPnl, m(-100'000));
  EXPECT_EQ(v.initialMargin, m(5'750'000));      // 22'000 × 50% + 93'000 × 50%
  EXPECT_EQ(v.maintenanceMargin, m(3'340'000));  // 22'000 × 25% + 93'000 × 30%
  EXPECT_EQ(v.freeMargin, m(-850'000));
  EXPECT_EQ(v.leveragePpm, 2'346'939);  // 115'000 / 49'000
  EXPECT_EQ(v.openPositions, 2u);

  // Custom rates apply per asset class.
  MarginRates rates;
  rates.crypto = {1'000'000, 500'000};
  ASSERT_FALSE(l.account(kMargin)->setMarginRates(rates).has_value());
  EXPECT_EQ(l.value(kMargin).initialMargin, m(1'100'000 + 9'300'000));

  // Equity at or below zero: leverage is unbounded.
  ASSERT_TRUE(l.onMark(BTCUSD.id(), px(10'000'000)));  // short 1.5 at 100'000: −150'000
  const Valuation broke = l.value(kMargin);
  EXPECT_EQ(broke.equity, m(12'000'000 + 2'200'000 - 15'000'000));
  EXPECT_EQ(broke.leveragePpm, INT64_MAX);
}

TEST(Ledger, FuturesCountTheirContractMultiplierInEveryAmount) {
  // 50 USD per index point per contract.
  const Instrument es = Instrument::create(alphintra::testing::futureSpec(50, "ES", "0.25", "50")).value();
  FeeSchedule fees{.makerRatePpm = 0, .takerRatePpm = 100};  // 1 bp
  Ledger l = makeLedger(fees);
  ASSERT_TRUE(l.registerInstrument(es));
  ASSERT_TRUE(l.account(kMargin)->deposit(USD, m(100'000'00)).ok());  // 100'000.00

  // Buy 2 @ 5000.25: notional 2 × 5000.25 × 50 = 500'025.00, fee 50.00 (1 bp, rounded).
  FillResult buy = l.onFill(kMargin, es.id(), Side::Buy, px(500025), qty(2), false);
  ASSERT_TRUE(buy.ok());
  EXPECT_EQ(buy.notional, m(500'025'00));
  EXPECT_EQ(buy.fee, m(50'00));
  EXPECT_EQ(buy.cashChange, m(-50'00));  // a future: no notional changes hands, only the fee

  // Marked 10.5 points higher: 2 × 10.5 × 50 = 1'050.00 unrealized.
  ASSERT_TRUE(l.onMark(es.id(), px(501075)));
  const Position* p = l.position(kMargin, es.id());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->averagePrice(), px(500025));  // prices stay per point
  EXPECT_EQ(p->unrealizedPnl(px(501075), MoneyScale::of(es)), m(1'050'00));
  Valuation v = l.value(kMargin);
  EXPECT_EQ(v.cash, m(100'000'00 - 50'00));
  EXPECT_EQ(v.positionsValue, m(1'050'00));  // what the future adds to equity: its unrealized P&L
  EXPECT_EQ(v.unrealizedPnl, m(1'050'00));
  EXPECT_EQ(v.grossExposure, m(501'075'00));  // exposure and margin count its market value
  EXPECT_EQ(v.netExposure, m(501'075'00));
  EXPECT_EQ(v.initialMargin, m(50'107'50));  // 10% of the contracts' value
  EXPECT_EQ(v.equity, m(100'000'00 - 50'00 + 1'050'00));

  // Sell one at 4990.00: realizes (4990 − 5000.25) × 50 = −512.50.
  FillResult sell = l.onFill(kMargin, es.id(), Side::Sell, px(499000), qty(1), false);
  ASSERT_TRUE(sell.ok());
  EXPECT_EQ(sell.notional, m(249'500'00));
  EXPECT_EQ(sell.realizedPnl, m(-512'50));
  EXPECT_EQ(sell.fee, m(24'95));
  EXPECT_EQ(sell.cashChange, m(-512'50 - 24'95));  // the loss realized, and the fee
  v = l.value(kMargin);
  EXPECT_EQ(v.cash, m(100'000'00 - 50'00 - 512'50 - 24'95));
  EXPECT_EQ(v.realizedPnl, m(-512'50));
  // Equity = deposits + realized + unrealized − fees, to the cent.
  EXPECT_EQ(v.equity, m(100'000'00) + v.realizedPnl + v.unrealizedPnl - v.fees);
  EXPECT_EQ(v.unrealizedPnl, m(525'00));  // 1 × (5010.75 − 5000.25) × 50

  // A cash account holds what a future cost as margin (fully collateralized; a mark does not
  // move it), and a short realizes with the opposite sign: sell 1 at 5010.75, buy back at
  // 5000.00: +537.50.
  ASSERT_TRUE(l.account(kCash)->deposit(USD, m(300'000'00)).ok());
  ASSERT_TRUE(l.onFill(kCash, es.id(), Side::Sell, px(501075), qty(1), true).ok());
  Valuation c = l.value(kCash);
  EXPECT_EQ(c.initialMargin, m(250'537'50));
  EXPECT_EQ(c.maintenanceMargin, m(250'537'50));
  EXPECT_EQ(c.netExposure, m(-250'537'50));
  EXPECT_EQ(c.equity, c.cash);  // marked where it was sold
  ASSERT_TRUE(l.onMark(es.id(), px(502000)));
  c = l.value(kCash);
  EXPECT_EQ(c.initialMargin, m(250'537'50));  // what it cost, whatever the mark
  EXPECT_EQ(c.netExposure, m(-251'000'00));
  EXPECT_EQ(c.equity, c.cash - m(462'50));  // 9.25 points against the short
  FillResult cover = l.onFill(kCash, es.id(), Side::Buy, px(500000), qty(1), true);
  EXPECT_EQ(cover.realizedPnl, m(537'50));
  EXPECT_EQ(cover.cashChange, m(537'50));  // maker rate 0
  c = l.value(kCash);
  EXPECT_EQ(c.initialMargin, m(0));
  EXPECT_EQ(c.cash, m(300'000'00 + 537'50));
}

TEST(Ledger, ARedefinitionMayNotChangeAMultiplierOrWhetherItIsAFuture) {
  Ledger l = makeLedger();
  InstrumentSpec spec;
  spec.id = AAPL.id().value();
  spec.symbol = "AAPL";
  spec.assetClass = AssetClass::Option;  // another class that settles the same way: fine
  EXPECT_TRUE(l.registerInstrument(Instrument::create(spec).value()));
  spec.multiplier = "100";
  EXPECT_FALSE(l.registerInstrument(Instrument::create(spec).value()));
  spec.multiplier = "1";
  spec.assetClass = AssetClass::Future;
  EXPECT_FALSE(l.registerInstrument(Instrument::create(spec).value()));
}

TEST(Ledger, OpenPositionWithoutMarkIsValuedAtCostAndFlagged) {
  Ledger l = makeLedger();
  ASSERT_TRUE(l.onFill(kMargin, AAPL.id(), Side::Buy, px(10050), qty(10), false).ok());
  const Valuation v = l.value(kMargin);
  EXPECT_TRUE(v.missingMark);
  EXPECT_FALSE(v.complete());
  EXPECT_EQ(v.positionsValue, m(100'500));
  EXPECT_EQ(v.unrealizedPnl, m(0));
  EXPECT_EQ(v.equity, m(0));
  EXPECT_EQ(v.initialMargin, m(50'250));
  EXPECT_FALSE(l.value(AccountId{99}).accountKnown);
}

TEST(Ledger, AccountsAndInstrumentsAreValidatedAndListedInOrder) {
  Ledger l = makeLedger();
  auto dup = l.openAccount(kCash, AccountType::Cash, USD, CostMethod::Fifo);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().field, "account");
  EXPECT_FALSE(l.openAccount(AccountId{5}, AccountType::Cash, Currency{}, CostMethod::Fifo).ok());
  auto opened = l.openAccount(AccountId{3}, AccountType::Cash, EUR, CostMethod::Fifo);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ((*opened)->baseCurrency(), EUR);
  std::vector<AccountId> ids;
  l.accountIds(ids);
  EXPECT_EQ(ids, (std::vector<AccountId>{AccountId{1}, AccountId{2}, AccountId{3}}));

  // Re-registering may change the status, not the units of stored amounts.
  InstrumentSpec spec;
  spec.id = AAPL.id().value();
  spec.symbol = "AAPL";
  spec.status = TradingStatus::Halted;
  ASSERT_TRUE(l.registerInstrument(Instrument::create(spec).value()));
  EXPECT_EQ(l.instrument(AAPL.id())->status(), TradingStatus::Halted);
  spec.pricePrecision = 4;
  spec.tickSize = "0.0001";
  EXPECT_FALSE(l.registerInstrument(Instrument::create(spec).value()));
  EXPECT_EQ(l.instrument(AAPL.id())->pricePrecision(), 2);
  EXPECT_EQ(l.instrument(InstrumentId{99}), nullptr);

  // Positions listed by instrument id whatever order they opened in; accounts are separate.
  for (const Instrument* i : {&TOYOTA, &AAPL, &BTCUSD, &SAP}) {
    ASSERT_TRUE(l.onFill(kCash, i->id(), Side::Buy, px(100), qty(1), false).ok());
  }
  ASSERT_TRUE(l.onFill(kMargin, SAP.id(), Side::Sell, px(100), qty(1), false).ok());
  std::vector<const Position*> list;
  l.listPositions(kCash, list);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0]->instrument(), AAPL.id());
  EXPECT_EQ(list[1]->instrument(), SAP.id());
  EXPECT_EQ(list[2]->instrument(), BTCUSD.id());
  EXPECT_EQ(list[3]->instrument(), TOYOTA.id());
  EXPECT_EQ(l.position(kCash, SAP.id())->quantity(), qty(1));
  EXPECT_EQ(l.position(kMargin, SAP.id())->quantity(), qty(-1));
  EXPECT_EQ(l.position(kMargin, AAPL.id()), nullptr);
  l.listPositions(AccountId{99}, list);
  EXPECT_TRUE(list.empty());
}

TEST(Ledger, ExchangeCashAtTheLedgerRate) {
  Ledger l = makeLedger();
  ASSERT_TRUE(l.account(kCash)->deposit(USD, m(100'000)).ok());   // 1'000.00
  EXPECT_FALSE(l.exchangeCash(kCash, USD, EUR, m(11'000)).ok());  // no rate yet
  ASSERT_TRUE(l.fxRates().set(EUR, USD, 1'100'000'000));
  auto credited = l.exchangeCash(kCash, USD, EUR, m(11'000));  // 110.00 USD → 100.00 EUR
  ASSERT_TRUE(credited.ok());
  EXPECT_EQ(*credited, m(10'000));
  EXPECT_EQ(l.account(kCash)->balance(USD), m(89'000));
  EXPECT_EQ(l.account(kCash)->balance(EUR), m(10'000));
  EXPECT_FALSE(l.exchangeCash(kCash, USD, EUR, m(89'001)).ok());  // more than a cash account holds
  EXPECT_FALSE(l.exchangeCash(kCash, USD, EUR, m(0)).ok());
  EXPECT_FALSE(l.exchangeCash(kCash, USD, USD, m(1)).ok());
  EXPECT_TRUE(l.exchangeCash(kMargin, USD, EUR, m(1'100)).ok());  // margin accounts may borrow
  EXPECT_EQ(l.account(kMargin)->balance(USD), m(-1'100));
}

TEST(Ledger, EquityEqualsDepositsPlusPnlMinusFeesOverRandomFills) {
  for (CostMethod method : {CostMethod::AverageCost, CostMethod::Fifo}) {
    FeeSchedule fees{.makerRatePpm = -150, .takerRatePpm = 700, .minimumPerOrder = m(35)};
    Ledger l = makeLedger(fees, method);
    ASSERT_TRUE(l.account(kMargin)->deposit(USD, m(100'000'000)).ok());
    std::mt19937_64 rng(99 + static_cast<int>(method));
    OrderFeesSoFar order;
    for (int i = 0; i < 3000; ++i) {
      if (rng() % 4 == 0) order = {};  // a new order
      const Side side = rng() % 2 ? Side::Buy : Side::Sell;
      FillResult r = l.onFill(kMargin, AAPL.id(), side, px(9000 + static_cast<std::int64_t>(rng() % 2000)),
                              qty(1 + static_cast<std::int64_t>(rng() % 50)), rng() % 2 == 0, order);
      ASSERT_TRUE(r.ok());
      ASSERT_GE(r.orderFees.charged, m(35));
      order = r.orderFees;
      ASSERT_TRUE(l.onMark(AAPL.id(), px(9000 + static_cast<std::int64_t>(rng() % 2000))));
      const Valuation v = l.value(kMargin);
      // Prices in cents and whole shares: every figure is exact.
      ASSERT_EQ(v.equity, m(100'000'000) + v.realizedPnl + v.unrealizedPnl - v.fees) << i;
    }
  }
}

TEST(Ledger, SteadyStateFillsDoNotAllocate) {
  FeeSchedule fees{.makerRatePpm = -200, .takerRatePpm = 1000, .minimumPerOrder = m(100), .minimumCurrency = EUR};
  Ledger l = makeLedger(fees);
  ASSERT_TRUE(l.fxRates().set(EUR, USD, 1'100'000'000));
  ASSERT_TRUE(l.openAccount(AccountId{3}, AccountType::Margin, USD, CostMethod::Fifo, fees).ok());
  // Warm-up: every (account, instrument) and currency seen once; FIFO ring at its size.
  for (const Instrument* i : {&AAPL, &SAP}) {
    for (AccountId a : {kCash, kMargin, AccountId{3}}) {
      for (int k = 0; k < 8; ++k) ASSERT_TRUE(l.onFill(a, i->id(), Side::Buy, px(10000), qty(1), false).ok());
      for (int k = 0; k < 8; ++k) ASSERT_TRUE(l.onFill(a, i->id(), Side::Sell, px(10000), qty(1), false).ok());
    }
  }
  const std::uint64_t before = bench::allocationCount();
  Money sink;
  for (int k = 0; k < 50'000; ++k) {
    const Instrument& i = k % 3 == 0 ? SAP : AAPL;
    const AccountId a = k % 2 == 0 ? kCash : (k % 5 == 0 ? AccountId{3} : kMargin);
    const Quantity q = qty(1 + k % 3);
    // An order opening (or adding), then one closing, so positions stay bounded.
    const Side open = (k / 4) % 2 == 0 ? Side::Buy : Side::Sell;
    FillResult r1 = l.onFill(a, i.id(), open, px(10000 + k % 7), q, k % 2 == 0);
    FillResult r2 = l.onFill(a, i.id(), opposite(open), px(10000 + k % 5), q, k % 2 != 0, r1.orderFees);
    sink += r2.fee;
    l.onMark(i.id(), px(10000 + k % 11));
    l.onQuote(i.id(), px(9999), px(10001 + k % 2));
    if (k % 100 == 0) sink += l.value(a).equity;  // valuation does not allocate either
  }
  EXPECT_NE(sink, Money::undefined());
  EXPECT_EQ(bench::allocationCount() - before, 0u);
}

std::vector<std::byte> snapshot(const Ledger& l) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  l.save(w);
  return out;
}

// Builds the same state in a different order: accounts, instruments, rates and positions
// created in reverse.
void populate(Ledger& l, bool reverse) {
  std::vector<const Instrument*> instruments{&AAPL, &SAP, &BTCUSD, &TOYOTA};
  std::vector<AccountId> accounts{AccountId{1}, AccountId{2}, AccountId{3}};
  if (reverse) {
    std::reverse(instruments.begin(), instruments.end());
    std::reverse(accounts.begin(), accounts.end());
  }
  for (const Instrument* i : instruments) ASSERT_TRUE(l.registerInstrument(*i));
  for (AccountId a : accounts) {
    FeeSchedule fees{.makerRatePpm = -100, .takerRatePpm = static_cast<std::int64_t>(a.value() * 100)};
    const CostMethod method = a.value() == 2 ? CostMethod::AverageCost : CostMethod::Fifo;
    const AccountType type = a.value() == 1 ? AccountType::Cash : AccountType::Margin;
    ASSERT_TRUE(l.openAccount(a, type, a.value() == 3 ? EUR : USD, method, fees).ok());
  }
  if (reverse) {
    ASSERT_TRUE(l.fxRates().set(USD, JPY, 150'000'000'000));
    ASSERT_TRUE(l.fxRates().set(EUR, USD, 1'100'000'000));
  } else {
    ASSERT_TRUE(l.fxRates().set(EUR, USD, 1'100'000'000));
    ASSERT_TRUE(l.fxRates().set(USD, JPY, 150'000'000'000));
  }
  for (AccountId a : accounts) {
    ASSERT_TRUE(l.account(a)->deposit(USD, m(1'000'000)).ok());
    ASSERT_TRUE(l.account(a)->deposit(JPY, m(50'000)).ok());
    for (const Instrument* i : instruments) {
      // Several lots, a partial close: FIFO positions keep more than one lot.
      ASSERT_TRUE(l.onFill(a, i->id(), Side::Buy, px(1000), qty(30), false).ok());
      ASSERT_TRUE(l.onFill(a, i->id(), Side::Buy, px(1100), qty(20), true).ok());
      ASSERT_TRUE(l.onFill(a, i->id(), Side::Sell, px(1050), qty(35), false).ok());
    }
  }
  for (const Instrument* i : instruments) {
    if (i == &TOYOTA) continue;  // one instrument without marks
    ASSERT_TRUE(l.onMark(i->id(), px(1075)));
    ASSERT_TRUE(l.onQuote(i->id(), px(1070), px(1080)));
  }
}

// A version 1 snapshot booked a future's notional through cash; loading it gives the cash back
// the open basis, so that the account values as if it had always settled like a future.
TEST(Ledger, AVersionOneSnapshotsFuturesCashIsConverted) {
  const Instrument cl = Instrument::create(alphintra::testing::futureSpec(60, "CL", "0.01", "1000")).value();
  Ledger now = makeLedger(FeeSchedule{.makerRatePpm = 0, .takerRatePpm = 100});
  ASSERT_TRUE(now.registerInstrument(cl));
  ASSERT_TRUE(now.account(kMargin)->deposit(USD, m(1'000'000'00)).ok());
  ASSERT_TRUE(now.onFill(kMargin, AAPL.id(), Side::Buy, px(10000), qty(10), false).ok());
  // Long 3 @ 75.00 then 2 @ 76.10, sell 1 @ 77.00: basis left 4 × 75.44 × 1000 = 301'760.00.
  ASSERT_TRUE(now.onFill(kMargin, cl.id(), Side::Buy, px(7500), qty(3), false).ok());
  ASSERT_TRUE(now.onFill(kMargin, cl.id(), Side::Buy, px(7610), qty(2), false).ok());
  ASSERT_TRUE(now.onFill(kMargin, cl.id(), Side::Sell, px(7700), qty(1), false).ok());
  ASSERT_TRUE(now.onMark(cl.id(), px(7800)));
  ASSERT_TRUE(now.onMark(AAPL.id(), px(10100)));
  const Valuation expected = now.value(kMargin);

  // The same account as version 1 kept it: buys paid 225'000 + 152'200, the sell got 77'000.
  Ledger old = makeLedger(FeeSchedule{.makerRatePpm = 0, .takerRatePpm = 100});
  ASSERT_TRUE(old.registerInstrument(cl));
  std::vector<std::byte> bytes = snapshot(now);
  ByteReader copy(bytes);
  ASSERT_TRUE(old.load(copy));
  const Money realized = old.position(kMargin, cl.id())->realizedPnl();
  old.account(kMargin)->adjustCash(USD, m(-225'000'00 - 152'200'00 + 77'000'00) - realized);
  bytes = snapshot(old);
  bytes[4] = std::byte{1};         // the version byte after the 4-byte magic
  bytes.resize(bytes.size() - 4);  // versions 1 and 2 end before the settlement prices

  Ledger loaded = makeLedger();
  ASSERT_TRUE(loaded.registerInstrument(cl));
  ByteReader r(bytes);
  ASSERT_TRUE(loaded.load(r));
  const Valuation v = loaded.value(kMargin);
  EXPECT_EQ(v.cash, expected.cash);
  EXPECT_EQ(v.equity, expected.equity);
  EXPECT_EQ(v.positionsValue, expected.positionsValue);
  EXPECT_EQ(snapshot(loaded), snapshot(now));  // and it is saved as version 3
  // An unknown version is refused; the same bytes as version 2 load.
  Ledger other = makeLedger();
  ASSERT_TRUE(other.registerInstrument(cl));
  bytes[4] = std::byte{4};
  ByteReader bad(bytes);
  EXPECT_FALSE(other.load(bad));
  bytes[4] = std::byte{2};
  ByteReader good(bytes);
  EXPECT_TRUE(other.load(good));
}

// A future's final settlement closes every open position at the price as a fill with no fee
// would, in account order; the price is kept, saved and loaded, and a second one is refused.
TEST(Ledger, SettlementClosesEveryPositionAndIsSaved) {
  const Instrument cl = Instrument::create(alphintra::testing::futureSpec(60, "CL", "0.01", "1000")).value();
  Ledger l = makeLedger(FeeSchedule{.makerRatePpm = 0, .takerRatePpm = 100});
  ASSERT_TRUE(l.registerInstrument(cl));
  ASSERT_TRUE(l.account(kMargin)->deposit(USD, m(1'000'000'00)).ok());
  // Long 2 @ 75.00 (fees 2 × 75 × 1000 × 0.0001 = 15.00).
  ASSERT_TRUE(l.onFill(kMargin, cl.id(), Side::Buy, px(7500), qty(2), false).ok());
  const Money cashBefore = l.account(kMargin)->balance(USD);
  (void)l.value(kMargin);  // valued before, so the settlement goes through the incremental sums
  std::vector<Ledger::Settlement> settled;
  EXPECT_FALSE(l.settle(AAPL.id(), px(10000), settled));  // not a future
  EXPECT_FALSE(l.settle(InstrumentId{999}, px(10000), settled));
  EXPECT_FALSE(l.settle(cl.id(), Price::undefined(), settled));
  EXPECT_TRUE(settled.empty());

  ASSERT_TRUE(l.settle(cl.id(), px(7312), settled));  // 73.12: −1.88 × 1000 × 2 = −3,760.00
  ASSERT_EQ(settled.size(), 1u);
  EXPECT_EQ(settled[0].account, kMargin);
  EXPECT_EQ(settled[0].quantity, qty(2));
  EXPECT_EQ(settled[0].realizedPnl, m(-3'760'00));
  EXPECT_TRUE(l.position(kMargin, cl.id())->isFlat());
  EXPECT_EQ(l.account(kMargin)->balance(USD), cashBefore - m(3'760'00));  // no fee on a settlement
  EXPECT_EQ(l.settlementPrice(cl.id()), px(7312));
  EXPECT_EQ(l.mark(cl.id()), px(7312));
  EXPECT_EQ(l.value(kMargin), l.valueFromScratch(kMargin));
  EXPECT_FALSE(l.settle(cl.id(), px(7400), settled));
  EXPECT_EQ(settled.size(), 1u);

  Ledger loaded = makeLedger();
  ASSERT_TRUE(loaded.registerInstrument(cl));
  const std::vector<std::byte> bytes = snapshot(l);
  ByteReader r(bytes);
  ASSERT_TRUE(loaded.load(r));
  EXPECT_EQ(loaded.settlementPrice(cl.id()), px(7312));
  EXPECT_EQ(snapshot(loaded), bytes);
  EXPECT_FALSE(loaded.settlementPrice(AAPL.id()).isDefined());
}

// Amounts near the 64-bit limits (a damaged snapshot, absurd prices) saturate instead of
// wrapping: cash near the maximum plus a position worth as much is the maximum equity, not a
// negative one, and the kept sums still equal the figures from scratch.
TEST(Ledger, ValuationSaturatesInsteadOfOverflowing) {
  Ledger l = makeLedger();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  ASSERT_TRUE(l.account(kMargin)->deposit(USD, m(kMax - 1'000'000)).ok());
  ASSERT_TRUE(l.onFill(kMargin, AAPL.id(), Side::Buy, px(10000), qty(2), false).ok());
  ASSERT_TRUE(l.onFill(kMargin, SAP.id(), Side::Buy, px(10000), qty(2), false).ok());
  l.fxRates().set(Currency::parse("EUR").value(), USD, 1'000'000'000);
  (void)l.value(kMargin);
  ASSERT_TRUE(l.onMark(AAPL.id(), px(kMax / 2)));  // 2 × 2^62 cents: each share saturates
  ASSERT_TRUE(l.onMark(SAP.id(), px(kMax / 2)));
  const Valuation v = l.value(kMargin);
  EXPECT_EQ(v.positionsValue.raw(), kMax);
  EXPECT_EQ(v.grossExposure.raw(), kMax);
  EXPECT_EQ(v.equity.raw(), kMax);
  EXPECT_GT(v.freeMargin.raw(), 0);
  EXPECT_EQ(v, l.valueFromScratch(kMargin));
  // Pre-trade risk's figures take the same saturated (wide) path.
  const Ledger::RiskFigures risk = l.riskFigures(kMargin);
  EXPECT_EQ(risk.equity.raw(), kMax);
  EXPECT_EQ(risk.grossExposure.raw(), kMax);
  EXPECT_EQ(risk.cash, v.cash);
  EXPECT_EQ(risk.initialMargin, v.initialMargin);
  // Marked back down, the sums subtract exactly what they added.
  ASSERT_TRUE(l.onMark(AAPL.id(), px(10000)));
  ASSERT_TRUE(l.onMark(SAP.id(), px(10000)));
  EXPECT_EQ(l.value(kMargin), l.valueFromScratch(kMargin));
  EXPECT_EQ(l.value(kMargin).positionsValue, m(40000));
}

// Fills booked through a position's record (the engine's path) do what fills booked by ids do.
TEST(Ledger, FillsThroughThePositionRecordEqualFillsByIds) {
  const FeeSchedule fees{.makerRatePpm = -200, .takerRatePpm = 1000, .minimumPerOrder = m(150)};
  Ledger byIds = makeLedger(fees);
  Ledger bySlot = makeLedger(fees);
  for (Ledger* l : {&byIds, &bySlot}) ASSERT_TRUE(l->account(kMargin)->deposit(USD, m(10'000'000)).ok());
  EXPECT_EQ(bySlot.positionSlot(kMargin, AAPL.id()), nullptr);  // no fill yet: no record
  ASSERT_TRUE(bySlot.onFill(kMargin, AAPL.id(), Side::Buy, px(15000), qty(10), false).ok());
  Ledger::PositionSlot* slot = bySlot.positionSlot(kMargin, AAPL.id());
  ASSERT_NE(slot, nullptr);
  EXPECT_EQ(slot->position.quantity(), qty(10));
  ASSERT_TRUE(byIds.onFill(kMargin, AAPL.id(), Side::Buy, px(15000), qty(10), false).ok());

  const struct {
    Side side;
    std::int64_t price;
    std::int64_t quantity;
    bool maker;
  } fills[] = {{Side::Sell, 15100, 4, true}, {Side::Sell, 14900, 10, false}, {Side::Buy, 15050, 7, true}};
  OrderFeesSoFar a, b;
  for (const auto& f : fills) {
    const FillResult x = byIds.onFill(kMargin, AAPL.id(), f.side, px(f.price), qty(f.quantity), f.maker, a);
    const FillResult y = bySlot.onFill(*slot, f.side, px(f.price), qty(f.quantity), f.maker, b);
    ASSERT_TRUE(x.ok() && y.ok());
    EXPECT_EQ(x.fee, y.fee);
    EXPECT_EQ(x.realizedPnl, y.realizedPnl);
    EXPECT_EQ(x.cashChange, y.cashChange);
    EXPECT_EQ(x.positionAfter, y.positionAfter);
    a = x.orderFees;
    b = y.orderFees;
    (void)byIds.value(kMargin);  // valued between fills: the fills mark the position for revaluation
    (void)bySlot.value(kMargin);
  }
  EXPECT_EQ(snapshot(bySlot), snapshot(byIds));
  EXPECT_EQ(bySlot.value(kMargin), byIds.value(kMargin));
  EXPECT_EQ(bySlot.value(kMargin), bySlot.valueFromScratch(kMargin));
  // A fill's own terms are checked on this path too, before anything changes.
  EXPECT_EQ(bySlot.onFill(*slot, Side::None, px(15000), qty(1), false).status, FillStatus::InvalidSide);
  EXPECT_EQ(bySlot.onFill(*slot, Side::Buy, Price::undefined(), qty(1), false).status, FillStatus::InvalidPrice);
  EXPECT_EQ(bySlot.onFill(*slot, Side::Buy, px(15000), qty(0), false).status, FillStatus::InvalidQuantity);
  EXPECT_EQ(snapshot(bySlot), snapshot(byIds));
}

TEST(Ledger, SaveLoadRoundTripGivesIdenticalBytes) {
  Ledger a;
  populate(a, false);
  Ledger b;
  populate(b, true);
  const std::vector<std::byte> bytes = snapshot(a);
  EXPECT_EQ(snapshot(b), bytes);  // equal states, equal bytes, whatever the history order

  Ledger restored(MarkSource::Mid);
  for (const Instrument* i : {&TOYOTA, &BTCUSD, &SAP, &AAPL}) ASSERT_TRUE(restored.registerInstrument(*i));
  ByteReader r(bytes);
  ASSERT_TRUE(restored.load(r));
  EXPECT_TRUE(r.atEnd());
  EXPECT_EQ(snapshot(restored), bytes);

  // The restored ledger values and trades like the original.
  restored.setMarkSource(MarkSource::Last);
  for (AccountId id : {AccountId{1}, AccountId{2}, AccountId{3}}) {
    const Valuation va = a.value(id);
    const Valuation vr = restored.value(id);
    EXPECT_EQ(va.equity, vr.equity);
    EXPECT_EQ(va.initialMargin, vr.initialMargin);
    EXPECT_EQ(va.realizedPnl, vr.realizedPnl);
    EXPECT_EQ(va.missingMark, vr.missingMark);
    const Position* pa = a.position(id, SAP.id());
    const Position* pr = restored.position(id, SAP.id());
    ASSERT_NE(pr, nullptr);
    EXPECT_TRUE(*pa == *pr);
  }
  const Position* fifo = restored.position(AccountId{1}, AAPL.id());
  EXPECT_EQ(fifo->lotCount(), 1u);  // 30 @ 10.00 consumed 35: 15 left of the 11.00 lot
  EXPECT_EQ(fifo->lot(0).quantity, qty(15));
  for (Ledger* l : {&a, &restored}) {
    ASSERT_TRUE(l->onFill(AccountId{3}, AAPL.id(), Side::Sell, px(1200), qty(40), false).ok());
  }
  EXPECT_EQ(snapshot(restored), snapshot(a));
}

TEST(Ledger, LoadRefusesBadSnapshotsAndLeavesStateUnchanged) {
  Ledger source;
  populate(source, false);
  const std::vector<std::byte> bytes = snapshot(source);

  Ledger target;
  ASSERT_TRUE(target.registerInstrument(AAPL));
  ASSERT_TRUE(target.openAccount(AccountId{9}, AccountType::Cash, USD, CostMethod::Fifo).ok());
  ASSERT_TRUE(target.account(AccountId{9})->deposit(USD, m(5)).ok());
  ASSERT_TRUE(target.onMark(AAPL.id(), px(1)));
  const std::vector<std::byte> before = snapshot(target);

  // Instruments SAP, BTC-USD and 7203 are not registered in the target: refused.
  ByteReader r(bytes);
  EXPECT_FALSE(target.load(r));
  EXPECT_EQ(snapshot(target), before);

  for (const Instrument* i : {&SAP, &BTCUSD, &TOYOTA}) ASSERT_TRUE(target.registerInstrument(*i));
  // Truncated at many points: always refused, never partly applied.
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7) {
    std::vector<std::byte> part(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
    ByteReader rp(part);
    ASSERT_FALSE(target.load(rp)) << cut;
    ASSERT_EQ(snapshot(target), before) << cut;
  }
  // Wrong magic.
  std::vector<std::byte> bad = bytes;
  bad[0] = std::byte{0};
  ByteReader rb(bad);
  EXPECT_FALSE(target.load(rb));
  // The whole snapshot now loads.
  ByteReader ok(bytes);
  ASSERT_TRUE(target.load(ok));
  EXPECT_EQ(snapshot(target), bytes);
  EXPECT_EQ(target.account(AccountId{9}), nullptr);  // replaced, not merged
}

TEST(Ledger, IsMovableWithPointersIntact) {
  Ledger a;
  populate(a, false);
  const std::vector<std::byte> bytes = snapshot(a);
  Ledger b = std::move(a);
  EXPECT_EQ(snapshot(b), bytes);
  ASSERT_TRUE(b.onFill(AccountId{2}, SAP.id(), Side::Buy, px(1000), qty(5), false).ok());
  EXPECT_EQ(b.position(AccountId{2}, SAP.id())->quantity(), qty(20));
}

}  // namespace
}  // namespace alphintra::oms
