// Multi-currency bar backtests, worked out by hand: a USD account trading a EUR-quoted stock,
// the rate moving with the EUR/USD bars in the data (or fixed from the options), and the
// errors when a currency has no rate.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "backtest/backtester.hpp"
#include "backtest/spec.hpp"
#include "backtest/tests/scripted_strategy.hpp"
#include "backtest/tests/tick_script.hpp"
#include "backtest/tick_backtester.hpp"
#include "engine/engine.hpp"

namespace alphintra::backtest {
namespace {

using testing::bar;
using testing::kDay;
using testing::kStart;
using testing::ScriptedStrategy;

Instrument make(std::uint64_t id, std::string symbol, std::string currency, int pricePrecision = 2) {
  InstrumentSpec spec;
  spec.id = id;
  spec.symbol = std::move(symbol);
  spec.currency = std::move(currency);
  spec.pricePrecision = pricePrecision;
  spec.tickSize = pricePrecision == 2 ? "0.01" : "0.0001";
  return Instrument::create(spec).value();
}

// Buys 10 of the EUR stock on day 0's close (filled at day 1's open), sells them on day 2's close.
std::unique_ptr<ScriptedStrategy> roundTrip() {
  return std::make_unique<ScriptedStrategy>(
      [](std::size_t i, strategy::InstrumentSlot slot, strategy::StrategyContext& c) {
        if (c.instruments()[slot].symbol() != "SAP") return;
        if (i == 0) c.submit(testing::market(InstrumentId{1}, Side::Buy, 10));
        if (i == 2) c.submit(testing::market(InstrumentId{1}, Side::Sell, 10));
      });
}

TEST(MultiCurrencyBacktest, AUsdAccountTradesAEurStockAtTheRatesOfTheEurUsdBars) {
  // SAP in EUR opens 100.00 on day 1 and 110.00 on day 3; EUR/USD closes 1.1000, 1.2000, 1.2500, 1.3000.
  const std::vector<marketdata::Bar> bars = {
      bar(1, 0, 9'900, 10'000, 9'800, 10'000),   bar(2, 0, 11'000, 11'000, 11'000, 11'000),
      bar(1, 1, 10'000, 10'500, 9'900, 10'500),  bar(2, 1, 12'000, 12'000, 12'000, 12'000),
      bar(1, 2, 10'500, 10'800, 10'400, 10'800), bar(2, 2, 12'500, 12'500, 12'500, 12'500),
      bar(1, 3, 11'000, 11'000, 10'900, 11'000), bar(2, 3, 13'000, 13'000, 13'000, 13'000)};
  BacktestOptions options;
  options.account.initialCash = 10'000;
  Backtester bt({make(1, "SAP", "EUR"), make(2, "EUR/USD", "USD", 4)}, options);
  ASSERT_TRUE(bt.addStrategy(roundTrip(), {}, "eur").ok());
  MemoryBarSource source(bars);
  auto r = bt.run(source);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->strategies.size(), 1u);
  EXPECT_EQ(r->strategies[0].rejects, 0u);
  ASSERT_EQ(r->fills.size(), 2u);
  // Bought 10 at 100.00 EUR (rate 1.10, the last close before the fill) = 1,100 USD; sold at 110.00
  // EUR when EUR/USD was 1.25 = 1,375 USD.
  EXPECT_NEAR(r->fills[0].notional, 1'100.0, 1e-9);
  EXPECT_NEAR(r->fills[1].notional, 1'375.0, 1e-9);
  // Equity at each close (USD 10,000 and a EUR balance):
  //   day 0: 10,000;
  //   day 1: −1,000 EUR cash + 10 × 105.00 EUR = 50 EUR at 1.20 → 10,060;
  //   day 2: −1,000 EUR + 1,080 EUR = 80 EUR at 1.25 → 10,100;
  //   day 3: sold at 110: +100 EUR at 1.30 → 10,130.
  ASSERT_EQ(r->equity.size(), 4u);
  EXPECT_NEAR(r->equity[0].equity, 10'000, 1e-9);
  EXPECT_NEAR(r->equity[1].equity, 10'060, 1e-9);
  EXPECT_NEAR(r->equity[1].cash, 10'000 - 1'200, 1e-9);  // −1,000 EUR at 1.20
  EXPECT_NEAR(r->equity[2].equity, 10'100, 1e-9);
  EXPECT_NEAR(r->equity[3].equity, 10'130, 1e-9);
  EXPECT_NEAR(r->finalEquity, 10'130, 1e-9);  // the ledger's valuation at its own rates agrees
  // The engine holds the balances in their currencies.
  const oms::Account* account = bt.engine().ledger().account(AccountId{1});
  ASSERT_NE(account, nullptr);
  EXPECT_EQ(account->balance(Currency::parse("EUR").value()).raw(), 10'000);  // +100.00 EUR
  EXPECT_EQ(account->balance(Currency::parse("USD").value()).raw(), 1'000'000);
  // The round trip in USD: 1,375 − 1,100.
  ASSERT_EQ(r->trades.size(), 1u);
  EXPECT_NEAR(r->trades[0].pnl, 275.0, 1e-9);
}

TEST(MultiCurrencyBacktest, AFixedRateStandsInWhenThePairIsNotInTheData) {
  const std::vector<marketdata::Bar> bars = {
      bar(1, 0, 9'900, 10'000, 9'800, 10'000), bar(1, 1, 10'000, 10'500, 9'900, 10'500),
      bar(1, 2, 10'500, 10'800, 10'400, 10'800), bar(1, 3, 11'000, 11'000, 10'900, 11'000)};
  BacktestOptions options;
  options.account.initialCash = 10'000;
  options.fx.push_back(FxQuote{"USD", "EUR", 0.8});  // the inverse pair: 1 EUR = 1.25 USD
  Backtester bt({make(1, "SAP", "EUR")}, options);
  ASSERT_TRUE(bt.addStrategy(roundTrip(), {}, "eur").ok());
  MemoryBarSource source(bars);
  auto r = bt.run(source);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NEAR(r->equity[1].equity, 10'000 + 50 * 1.25, 1e-9);
  EXPECT_NEAR(r->finalEquity, 10'000 + 100 * 1.25, 1e-9);
}

TEST(MultiCurrencyBacktest, ACurrencyWithoutARateIsAnErrorNamingTheInstrumentsAndTheWayOut) {
  const std::vector<marketdata::Bar> bars = {bar(1, 0, 9'900, 10'000, 9'800, 10'000)};
  Backtester bt({make(1, "SAP", "EUR"), make(2, "AAA", "USD")}, BacktestOptions{});
  ASSERT_TRUE(bt.addStrategy(roundTrip(), {}, "eur").ok());
  MemoryBarSource source(bars);
  auto r = bt.run(source);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "fx");
  EXPECT_NE(r.error().message.find("quoted in EUR (SAP)"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("[fx] \"EUR/USD\" = RATE"), std::string::npos) << r.error().message;

  BacktestOptions bad;
  bad.fx.push_back(FxQuote{"EUR", "USD", -1});
  Backtester bt2({make(1, "SAP", "EUR")}, bad);
  ASSERT_TRUE(bt2.addStrategy(roundTrip(), {}, "eur").ok());
  MemoryBarSource source2(bars);
  auto r2 = bt2.run(source2);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().field, "fx.EUR/USD");
}

TEST(MultiCurrencyBacktest, ATickReplayTakesItsRatesFromThePairsPrints) {
  // SAP (EUR) at L2: ask 100.00 × 100. EUR/USD prints 1.1000 before our buy, 1.2000 after it.
  using testing::kT0;
  std::vector<marketdata::MarketEvent> events = {
      testing::tradeEvent(1, 11'000, 1, Side::Buy, 2), testing::levelEvent(2, Side::Sell, 10'000, 100),
      testing::levelEvent(3, Side::Buy, 9'900, 100), testing::tradeEvent(20, 12'000, 1, Side::Buy, 2),
      testing::tradeEvent(30, 10'000, 1, Side::Buy)};
  TickOptions options;
  options.account.initialCash = 10'000;
  TickBacktester bt({make(1, "SAP", "EUR"), make(2, "EUR/USD", "USD", 4)}, {ReplayDepth::L2, ReplayDepth::L2}, options);
  std::map<std::int64_t, testing::TimedStrategy::Action> actions;
  actions[10] = [](strategy::StrategyContext& c, testing::TimedStrategy& s) {
    s.handles.push_back(c.submit(testing::market(InstrumentId{1}, Side::Buy, 10)));
  };
  ASSERT_TRUE(bt.addStrategy(std::make_unique<testing::TimedStrategy>(actions), {InstrumentId{1}}, "eur").ok());
  MemoryEventSource source(std::move(events));
  auto r = bt.run(source);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->fills.size(), 1u);
  EXPECT_NEAR(r->fills[0].notional, 1'000 * 1.10, 1e-9);  // 10 × 100.00 EUR at 1.10
  // After: −1,000 EUR cash and 10 SAP marked at the 100.00 print, at 1.20: the USD cash alone.
  EXPECT_NEAR(r->finalEquity, 10'000, 1e-9);
  const oms::Account* account = bt.engine().ledger().account(AccountId{1});
  ASSERT_NE(account, nullptr);
  EXPECT_EQ(account->balance(Currency::parse("EUR").value()).raw(), -100'000);
  // Without the pair's prints or a fixed rate, the run does not start.
  TickBacktester alone({make(1, "SAP", "EUR")}, {ReplayDepth::L2}, options);
  ASSERT_TRUE(alone.addStrategy(std::make_unique<testing::TimedStrategy>(actions), {}, "eur").ok());
  MemoryEventSource none(std::vector<marketdata::MarketEvent>{});
  auto refused = alone.run(none);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "fx");
}

TEST(MultiCurrencyBacktest, TheConfigGivesCurrenciesAndFixedRates) {
  const auto dir = std::filesystem::temp_directory_path() / "alphintra-multi-currency-config";
  std::filesystem::create_directories(dir);
  const auto load = [&](const std::string& text) {
    std::ofstream(dir / "run.toml") << text << "\n[[strategy]]\nname = \"sma_cross\"\n";
    return loadConfig(dir / "run.toml");
  };
  auto good = load(
      "[fx]\n\"JPY/USD\" = 0.0067\n"
      "[[instrument]]\nsymbol = \"SAP\"\ndata = \"sap.csv\"\ncurrency = \"EUR\"\n"
      "[[instrument]]\nsymbol = \"EUR/USD\"\ndata = \"eurusd.csv\"\nprice_precision = 4\n"
      "[[instrument]]\nsymbol = \"KO\"\ndata = \"ko.csv\"\n");
  ASSERT_TRUE(good.ok()) << good.error().message;
  ASSERT_EQ(good->options.fx.size(), 1u);
  EXPECT_EQ(good->options.fx[0].base, "JPY");
  EXPECT_EQ(good->options.fx[0].quote, "USD");
  EXPECT_DOUBLE_EQ(good->options.fx[0].rate, 0.0067);
  auto instruments = specInstruments(*good);
  ASSERT_TRUE(instruments.ok()) << instruments.error().message;
  EXPECT_EQ(instruments->at(0).currency().code(), "EUR");
  EXPECT_EQ(instruments->at(1).currency().code(), "USD");  // a pair is quoted in its second currency
  EXPECT_EQ(instruments->at(2).currency().code(), "USD");  // the account's
  const auto refused = [&](const std::string& text, const std::string& field) {
    auto r = load(text + "\n[[instrument]]\nsymbol = \"KO\"\ndata = \"ko.csv\"\n");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().field, field) << text;
  };
  refused("[fx]\n\"EURUSD\" = 1.1", "fx.EURUSD");
  refused("[fx]\n\"EUR/USD\" = -1", "fx.EUR/USD");
  refused("[fx]\n\"EUR/USD\" = \"high\"", "fx.EUR/USD");
  refused("fx = 3", "fx");
  auto badCurrency = load("[[instrument]]\nsymbol = \"SAP\"\ndata = \"sap.csv\"\ncurrency = \"euro!\"\n");
  ASSERT_FALSE(badCurrency.ok());
  EXPECT_EQ(badCurrency.error().field, "instrument[0].currency");
  std::filesystem::remove_all(dir);
}

TEST(MultiCurrencyBacktest, TheConfigGivesContractMultipliers) {
  const auto dir = std::filesystem::temp_directory_path() / "alphintra-multiplier-config";
  std::filesystem::create_directories(dir);
  const auto load = [&](const std::string& text) {
    std::ofstream(dir / "run.toml") << text << "\n[[strategy]]\nname = \"sma_cross\"\n";
    return loadConfig(dir / "run.toml");
  };
  auto good = load(
      "[[instrument]]\nsymbol = \"ES\"\ndata = \"es.csv\"\nmultiplier = 50\nasset_class = \"future\"\n"
      "[[instrument]]\nsymbol = \"MBT\"\ndata = \"mbt.csv\"\nmultiplier = 0.00001\n"
      "[[instrument]]\nsymbol = \"6J\"\ndata = \"6j.csv\"\nmultiplier = \"12500000\"\n"
      "[[instrument]]\nsymbol = \"KO\"\ndata = \"ko.csv\"\n");
  ASSERT_TRUE(good.ok()) << good.error().message;
  auto instruments = specInstruments(*good);
  ASSERT_TRUE(instruments.ok()) << instruments.error().message;
  EXPECT_EQ(instruments->at(0).multiplier().toString(), "50");
  EXPECT_EQ(instruments->at(0).assetClass(), AssetClass::Future);
  EXPECT_EQ(instruments->at(1).multiplier().toString(), "0.00001");  // a float, in fixed notation
  EXPECT_EQ(instruments->at(1).assetClass(), AssetClass::Equity);
  EXPECT_EQ(instruments->at(2).multiplier().toString(), "12500000");
  EXPECT_TRUE(instruments->at(3).multiplier().isOne());
  auto wrongType = load("[[instrument]]\nsymbol = \"ES\"\ndata = \"es.csv\"\nmultiplier = true\n");
  ASSERT_FALSE(wrongType.ok());
  EXPECT_EQ(wrongType.error().field, "instrument[0].multiplier");
  auto fine = load("[[instrument]]\nsymbol = \"ES\"\ndata = \"es.csv\"\nmultiplier = 0.0000000001\n");
  ASSERT_FALSE(fine.ok());
  EXPECT_EQ(fine.error().field, "instrument[0].multiplier");
  EXPECT_NE(fine.error().message.find("decimal string"), std::string::npos) << fine.error().message;
  auto badClass = load("[[instrument]]\nsymbol = \"ES\"\ndata = \"es.csv\"\nasset_class = \"futures\"\n");
  ASSERT_FALSE(badClass.ok());
  EXPECT_EQ(badClass.error().field, "instrument[0].asset_class");
  auto zero = load("[[instrument]]\nsymbol = \"ES\"\ndata = \"es.csv\"\nmultiplier = 0\n");
  ASSERT_TRUE(zero.ok());  // the value is checked with the rest of the instrument's rules
  auto refused = specInstruments(*zero);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "instrument ES.multiplier");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace alphintra::backtest
