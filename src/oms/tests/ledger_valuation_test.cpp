// Ledger valuation kept incrementally (ledger.hpp): value() must equal valueFromScratch()
// exactly, whatever happened since the account was last valued — fills that open, add to,
// reduce, close and flip positions, marks and quotes (last and mid sources), FX rates set,
// replaced and removed, margin rates and instrument terms changed, cash moved, a snapshot
// loaded. A randomized driver checks a random subset of accounts after every step (so that
// several changes pile up between two valuations of one account) and every account at the end;
// a few targeted cases pin the invalidation rules one by one.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "oms/ledger.hpp"

namespace alphintra::oms {
namespace {

Currency ccy(std::string_view code) { return Currency::parse(code).value(); }
const Currency USD = ccy("USD");
const Currency EUR = ccy("EUR");
const Currency JPY = ccy("JPY");

Instrument makeInstrument(std::uint64_t id, std::string currency, AssetClass assetClass, int pricePrecision,
                          int quantityPrecision, std::string multiplier = "1") {
  InstrumentSpec spec;
  spec.multiplier = std::move(multiplier);
  spec.id = id;
  spec.symbol = "I" + std::to_string(id);
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

// Five of mixed currencies and classes (a JPY future of 1 000 a point, a crypto contract of
// 0.1 coin), then (count > 5) USD and EUR equities.
std::vector<Instrument> instruments(std::uint64_t count = 5) {
  std::vector<Instrument> out{
      makeInstrument(1, "USD", AssetClass::Equity, 2, 0), makeInstrument(2, "EUR", AssetClass::Equity, 2, 0),
      makeInstrument(3, "USD", AssetClass::Crypto, 2, 4, "0.1"),
      makeInstrument(4, "JPY", AssetClass::Future, 1, 0, "1000"), makeInstrument(5, "EUR", AssetClass::Fx, 5, 0)};
  for (std::uint64_t id = 6; id <= count; ++id) {
    out.push_back(makeInstrument(id, id % 3 == 0 ? "EUR" : "USD", AssetClass::Equity, 2, 0));
  }
  return out;
}

// Every field, so that a failure names what drifted.
void expectSame(const Valuation& incremental, const Valuation& scratch, const std::string& where) {
  EXPECT_EQ(incremental.cash.raw(), scratch.cash.raw()) << where;
  EXPECT_EQ(incremental.positionsValue.raw(), scratch.positionsValue.raw()) << where;
  EXPECT_EQ(incremental.equity.raw(), scratch.equity.raw()) << where;
  EXPECT_EQ(incremental.unrealizedPnl.raw(), scratch.unrealizedPnl.raw()) << where;
  EXPECT_EQ(incremental.realizedPnl.raw(), scratch.realizedPnl.raw()) << where;
  EXPECT_EQ(incremental.fees.raw(), scratch.fees.raw()) << where;
  EXPECT_EQ(incremental.grossExposure.raw(), scratch.grossExposure.raw()) << where;
  EXPECT_EQ(incremental.netExposure.raw(), scratch.netExposure.raw()) << where;
  EXPECT_EQ(incremental.initialMargin.raw(), scratch.initialMargin.raw()) << where;
  EXPECT_EQ(incremental.maintenanceMargin.raw(), scratch.maintenanceMargin.raw()) << where;
  EXPECT_EQ(incremental.freeMargin.raw(), scratch.freeMargin.raw()) << where;
  EXPECT_EQ(incremental.leveragePpm, scratch.leveragePpm) << where;
  EXPECT_EQ(incremental.openPositions, scratch.openPositions) << where;
  EXPECT_EQ(incremental.missingFxRate, scratch.missingFxRate) << where;
  EXPECT_EQ(incremental.missingMark, scratch.missingMark) << where;
  EXPECT_TRUE(incremental == scratch) << where;
}

struct Driver {
  std::mt19937_64 rng;
  Ledger ledger;
  std::vector<Instrument> defs;
  std::vector<AccountId> accounts;

  explicit Driver(std::uint64_t seed, std::uint64_t instrumentCount = 5)
      : rng(seed), defs(instruments(instrumentCount)) {
    for (const Instrument& i : defs) EXPECT_TRUE(ledger.registerInstrument(i));
    for (std::uint64_t a = 1; a <= 6; ++a) {
      const AccountType type = a % 2 == 0 ? AccountType::Margin : AccountType::Cash;
      const Currency base = a % 3 == 0 ? EUR : USD;
      const CostMethod method = a % 4 == 0 ? CostMethod::Fifo : CostMethod::AverageCost;
      FeeSchedule fees;
      fees.makerRatePpm = -20;
      fees.takerRatePpm = 35;
      EXPECT_TRUE(ledger.openAccount(AccountId{a}, type, base, method, fees).ok());
      EXPECT_TRUE(ledger.account(AccountId{a})->deposit(base, Money::fromRaw(100'000'000)).ok());
      accounts.push_back(AccountId{a});
    }
    ledger.fxRates().set(EUR, USD, 1'085'000'000);
  }

  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  }
  const Instrument& anyInstrument() {
    return defs[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(defs.size()) - 1))];
  }
  AccountId anyAccount() { return accounts[static_cast<std::size_t>(between(0, 5))]; }
  Price anyPrice() { return Price::fromRaw(between(50, 20'000)); }

  // One random change; returns what it did (for failure messages).
  std::string step() {
    const std::int64_t pick = between(0, 99);
    if (pick < 45) {
      const AccountId a = anyAccount();
      const Instrument& i = anyInstrument();
      const Side side = between(0, 1) == 0 ? Side::Buy : Side::Sell;
      const FillResult r =
          ledger.onFill(a, i.id(), side, anyPrice(), Quantity::fromRaw(between(1, 40)), between(0, 1) == 0);
      EXPECT_TRUE(r.ok());
      return "fill";
    }
    if (pick < 65) {
      const Instrument& i = anyInstrument();
      ledger.onMark(i.id(), between(0, 9) == 0 ? Price::undefined() : anyPrice());
      return "mark";
    }
    if (pick < 78) {
      const Instrument& i = anyInstrument();
      const Price bid = anyPrice();
      const Price ask = between(0, 5) == 0 ? Price::undefined() : Price::fromRaw(bid.raw() + between(-3, 40));
      ledger.onQuote(i.id(), bid, ask);
      return "quote";
    }
    if (pick < 84) {
      // Rates come and go: JPY sometimes has no path at all (missing FX flags).
      const std::int64_t which = between(0, 3);
      if (which == 0) ledger.fxRates().set(EUR, USD, between(900'000'000, 1'300'000'000));
      if (which == 1) ledger.fxRates().set(USD, JPY, between(100'000'000'000, 160'000'000'000));
      if (which == 2) ledger.fxRates().remove(USD, JPY);
      if (which == 3) ledger.fxRates().set(JPY, EUR, between(5'000'000, 7'000'000));
      return "fx";
    }
    if (pick < 87) {
      ledger.setMarkSource(ledger.markSource() == MarkSource::Last ? MarkSource::Mid : MarkSource::Last);
      return "mark source";
    }
    if (pick < 90) {
      MarginRates rates;
      rates.equity = MarginRate{between(100'000, 900'000), 50'000};
      rates.future = MarginRate{between(60'000, 300'000), 40'000};
      EXPECT_FALSE(ledger.account(anyAccount())->setMarginRates(rates).has_value());
      return "margin rates";
    }
    if (pick < 92) {
      // A redefinition may change the asset class (and so the margin rate), not the units, the
      // multiplier or whether it is a future (Ledger::registerInstrument).
      const std::size_t k = static_cast<std::size_t>(between(0, static_cast<std::int64_t>(defs.size()) - 1));
      const Instrument& old = defs[k];
      const AssetClass classes[] = {AssetClass::Equity, AssetClass::Option, AssetClass::Crypto};
      defs[k] =
          makeInstrument(old.id().value(), std::string(old.currency().code()),
                         old.assetClass() == AssetClass::Future ? AssetClass::Future
                                                                : classes[static_cast<std::size_t>(between(0, 2))],
                         old.pricePrecision(), old.quantityPrecision(), old.multiplier().toString());
      EXPECT_TRUE(ledger.registerInstrument(defs[k]));
      return "redefine instrument";
    }
    if (pick < 96) {
      const AccountId a = anyAccount();
      const Currency c = between(0, 1) == 0 ? USD : EUR;
      (void)ledger.account(a)->deposit(c, Money::fromRaw(between(-5'000, 50'000)));
      return "deposit";
    }
    if (pick < 98) {
      (void)ledger.exchangeCash(anyAccount(), USD, EUR, Money::fromRaw(between(1, 10'000)));
      return "exchange";
    }
    // Snapshot round trip into the same ledger: loaded accounts start unvalued.
    std::vector<std::byte> bytes;
    ByteWriter w(bytes);
    ledger.save(w);
    ByteReader r(bytes);
    EXPECT_TRUE(ledger.load(r));
    return "reload";
  }

  void check(AccountId a, const std::string& where) {
    // Pre-trade risk's figures first (they bring the sums up to date as value() would), then
    // the whole valuation: both must equal the valuation from scratch.
    const std::string at = where + " account " + std::to_string(a.value());
    const Ledger::RiskFigures risk = ledger.riskFigures(a);
    const Valuation scratch = ledger.valueFromScratch(a);
    EXPECT_EQ(risk.cash.raw(), scratch.cash.raw()) << at;
    EXPECT_EQ(risk.equity.raw(), scratch.equity.raw()) << at;
    EXPECT_EQ(risk.grossExposure.raw(), scratch.grossExposure.raw()) << at;
    EXPECT_EQ(risk.netExposure.raw(), scratch.netExposure.raw()) << at;
    EXPECT_EQ(risk.initialMargin.raw(), scratch.initialMargin.raw()) << at;
    expectSame(ledger.value(a), scratch, at);
  }
  // Steps (each from `next`, which returns what it did) with some accounts checked after each
  // (each with chance 1 / oneIn), then every account; returns the open positions left.
  template <typename Next>
  std::uint64_t run(std::uint64_t seed, int steps, std::int64_t oneIn, Next next) {
    for (int i = 0; i < steps && !::testing::Test::HasFailure(); ++i) {
      const std::string what = next();
      const std::string where = "seed " + std::to_string(seed) + " step " + std::to_string(i) + " (" + what + ")";
      for (AccountId a : accounts) {
        if (between(0, oneIn - 1) == 0) check(a, where);
      }
    }
    std::uint64_t open = 0;
    for (AccountId a : accounts) {
      check(a, "seed " + std::to_string(seed) + " end");
      open += ledger.value(a).openPositions;
    }
    return open;
  }
};

TEST(LedgerValuation, IncrementalEqualsFromScratchUnderRandomChanges) {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u}) {
    Driver d(seed);
    const std::uint64_t open = d.run(seed, 3'000, 3, [&d] { return d.step(); });
    EXPECT_GT(open, 0u) << "the driver should leave open positions to value";
  }
}

// Accounts holding dozens of instruments: between two valuations few marks move compared with
// the open positions, so value() finds them through the ledger's log of mark changes; bursts of
// more changes than the log keeps send it back to the scan of every open position.
TEST(LedgerValuation, IncrementalEqualsFromScratchWithManyPositions) {
  for (std::uint64_t seed : {11u, 12u, 13u}) {
    Driver d(seed, 80);
    const std::uint64_t open = d.run(seed, 4'000, 2, [&d]() -> std::string {
      if (d.between(0, 499) != 0) return d.step();
      const std::int64_t n = d.between(900, 1'300);  // around the log's 1,024 entries
      for (std::int64_t k = 0; k < n; ++k) d.ledger.onMark(d.anyInstrument().id(), d.anyPrice());
      return "burst of " + std::to_string(n) + " marks";
    });
    EXPECT_GT(open, 6u * 16u) << "the accounts should hold many open positions";
  }
}

// The targeted rules: each change below must reach an account valued just before it.
class LedgerValuationRules : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const Instrument& i : defs) ASSERT_TRUE(ledger.registerInstrument(i));
    ASSERT_TRUE(ledger.openAccount(margin, AccountType::Margin, USD, CostMethod::AverageCost).ok());
    ledger.fxRates().set(EUR, USD, 1'100'000'000);
    ledger.onMark(defs[0].id(), Price::fromRaw(10'000));
    ledger.onMark(defs[1].id(), Price::fromRaw(5'000));
    ASSERT_TRUE(
        ledger.onFill(margin, defs[0].id(), Side::Buy, Price::fromRaw(10'000), Quantity::fromRaw(10), true).ok());
    ASSERT_TRUE(
        ledger.onFill(margin, defs[1].id(), Side::Sell, Price::fromRaw(5'000), Quantity::fromRaw(4), true).ok());
    before = ledger.value(margin);
  }
  void expectMovedAndExact() {
    const Valuation now = ledger.value(margin);
    expectSame(now, ledger.valueFromScratch(margin), "after the change");
    EXPECT_FALSE(now == before) << "the change should have moved the valuation";
  }

  std::vector<Instrument> defs = instruments();
  Ledger ledger;
  AccountId margin{7};
  Valuation before;
};

TEST_F(LedgerValuationRules, MarkMovesValue) {
  ledger.onMark(defs[0].id(), Price::fromRaw(10'500));
  expectMovedAndExact();
  EXPECT_EQ(ledger.value(margin).positionsValue.raw() - before.positionsValue.raw(), 10 * 500);
}

TEST_F(LedgerValuationRules, QuoteMovesMidMarkedValue) {
  ledger.setMarkSource(MarkSource::Mid);
  ledger.onQuote(defs[0].id(), Price::fromRaw(10'000), Price::fromRaw(10'002));
  before = ledger.value(margin);
  ledger.onQuote(defs[0].id(), Price::fromRaw(10'100), Price::fromRaw(10'102));
  expectMovedAndExact();
}

TEST_F(LedgerValuationRules, FxRateMovesConvertedValue) {
  ledger.fxRates().set(EUR, USD, 1'200'000'000);
  expectMovedAndExact();
}

TEST_F(LedgerValuationRules, MarginRatesMoveMargin) {
  MarginRates rates;
  rates.equity = MarginRate{800'000, 400'000};
  ASSERT_FALSE(ledger.account(margin)->setMarginRates(rates).has_value());
  expectMovedAndExact();
}

TEST_F(LedgerValuationRules, RedefinedAssetClassMovesMargin) {
  ASSERT_TRUE(ledger.registerInstrument(makeInstrument(1, "USD", AssetClass::Option, 2, 0)));
  expectMovedAndExact();
}

TEST_F(LedgerValuationRules, ClosingFillDropsTheOpenPosition) {
  ASSERT_TRUE(
      ledger.onFill(margin, defs[0].id(), Side::Sell, Price::fromRaw(10'000), Quantity::fromRaw(10), true).ok());
  expectMovedAndExact();
  EXPECT_EQ(ledger.value(margin).openPositions, 1u);
  // A later mark of the closed instrument changes nothing.
  const Valuation closed = ledger.value(margin);
  ledger.onMark(defs[0].id(), Price::fromRaw(20'000));
  EXPECT_TRUE(ledger.value(margin) == closed);
}

}  // namespace
}  // namespace alphintra::oms
