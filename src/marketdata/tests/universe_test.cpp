// The default universe and the simulator's accounts, applied to a real engine: every command is
// accepted, and the instruments carry the rules and levels docs/market-simulator.md lists.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engine/tests/engine_test_util.hpp"
#include "marketdata/simulator.hpp"
#include "marketdata/universe.hpp"

namespace alphintra::marketdata {
namespace {

using engine::CommandType;
using engine::testing::ccy;
using engine::testing::Harness;

TEST(DefaultUniverse, EveryCommandIsAcceptedByTheEngine) {
  Harness h;
  std::size_t defines = 0;
  std::set<std::string> fx;
  std::size_t marketData = 0;
  for (const engine::Command& c : defaultUniverse()) {
    EXPECT_EQ(c.header.source, 0u);
    EXPECT_EQ(c.header.sequence, 0u);
    const auto& events = h.run(c);
    ASSERT_TRUE(Harness::accepted(events)) << engine::toString(c.type()) << " refused";
    if (c.type() == CommandType::DefineInstrument) ++defines;
    if (c.type() == CommandType::MarketData) ++marketData;
    if (c.type() == CommandType::SetFxRate) {
      fx.insert(std::string(c.body.fxRate.base.code()) + "/" + std::string(c.body.fxRate.quote.code()));
    }
  }
  EXPECT_EQ(defines, 19u);
  EXPECT_EQ(marketData, 19u);
  EXPECT_EQ(fx, (std::set<std::string>{"EUR/USD", "GBP/USD", "USD/JPY", "AUD/USD"}));
  ASSERT_EQ(h.engine.instruments().size(), 19u);
  // Every instrument currency can be valued in USD: a USD account can trade all of them.
  for (const Instrument& in : h.engine.instruments()) {
    EXPECT_TRUE(h.engine.ledger().fxRates().rate(in.currency(), ccy("USD")).has_value()) << in.symbol();
  }
}

TEST(DefaultUniverse, InstrumentsHaveIdsOneToNAndTheDocumentedRules) {
  const std::vector<Instrument> all = defaultInstruments();
  ASSERT_EQ(all.size(), 19u);
  std::set<std::string> symbols;
  std::size_t equities = 0, fx = 0, crypto = 0, futures = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].id().value(), i + 1);
    EXPECT_EQ(all[i].venue(), "SIM");
    EXPECT_TRUE(symbols.insert(all[i].symbol()).second) << all[i].symbol();
    switch (all[i].assetClass()) {
      case AssetClass::Equity: ++equities; break;
      case AssetClass::Fx: ++fx; break;
      case AssetClass::Crypto: ++crypto; break;
      case AssetClass::Future: ++futures; break;
      case AssetClass::Option: break;
    }
  }
  EXPECT_EQ(equities, 10u);
  EXPECT_EQ(fx, 4u);
  EXPECT_EQ(crypto, 3u);
  EXPECT_EQ(futures, 2u);

  const auto find = [&](std::string_view symbol) -> const Instrument& {
    for (const Instrument& in : all) {
      if (in.symbol() == symbol) return in;
    }
    ADD_FAILURE() << "no " << symbol;
    return all.front();
  };
  const Instrument& eurusd = find("EUR/USD");
  EXPECT_EQ(eurusd.pricePrecision(), 5);
  EXPECT_EQ(eurusd.tickSize().raw(), 1);
  EXPECT_EQ(eurusd.lotSize().raw(), 1000);
  EXPECT_EQ(eurusd.currency().code(), "USD");
  const Instrument& usdjpy = find("USD/JPY");
  EXPECT_EQ(usdjpy.pricePrecision(), 3);
  EXPECT_EQ(usdjpy.tickSize().raw(), 1);
  EXPECT_EQ(usdjpy.currency().code(), "JPY");
  const Instrument& btc = find("BTC/USD");
  EXPECT_EQ(btc.pricePrecision(), 2);
  EXPECT_EQ(btc.tickSize().raw(), 1);
  EXPECT_EQ(btc.quantityPrecision(), 6);
  EXPECT_EQ(btc.lotSize().raw(), 1);
  EXPECT_EQ(find("ES").tickSize().raw(), 25);
  EXPECT_EQ(find("ES").assetClass(), AssetClass::Future);
  EXPECT_EQ(find("CL").tickSize().raw(), 1);
  // Futures carry their contract sizes; everything else is 1.
  EXPECT_EQ(find("ES").multiplier(), (ContractMultiplier{50, 0}));
  EXPECT_EQ(find("CL").multiplier(), (ContractMultiplier{1000, 0}));
  EXPECT_TRUE(find("AAPL").multiplier().isOne());
  EXPECT_TRUE(btc.multiplier().isOne());
  EXPECT_EQ(find("SAP").currency().code(), "EUR");
  EXPECT_EQ(find("SHEL").currency().code(), "GBP");
}

TEST(DefaultUniverse, ReferencePricesArePositiveOnTickAndMatchTheMarketDataCommands) {
  const std::vector<Instrument> all = defaultInstruments();
  const auto refs = defaultReferencePrices();
  ASSERT_EQ(refs.size(), all.size());
  std::vector<std::pair<InstrumentId, Price>> fromCommands;
  for (const engine::Command& c : defaultUniverse()) {
    if (c.type() == CommandType::MarketData)
      fromCommands.emplace_back(c.body.marketData.instrument, c.body.marketData.last);
  }
  EXPECT_EQ(fromCommands, refs);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    EXPECT_EQ(refs[i].first, all[i].id());
    EXPECT_TRUE(refs[i].second.isPositive());
    EXPECT_FALSE(all[i].checkPrice(refs[i].second).has_value()) << all[i].symbol();
  }
  const auto priceOf = [&](std::string_view symbol) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].symbol() == symbol) return all[i].formatPrice(refs[i].second);
    }
    return std::string();
  };
  EXPECT_EQ(priceOf("AAPL"), "190.00");
  EXPECT_EQ(priceOf("EUR/USD"), "1.08000");
  EXPECT_EQ(priceOf("BTC/USD"), "60000.00");
  EXPECT_EQ(priceOf("ES"), "5000.00");
}

TEST(SimulatorAccounts, OpenAndFundOneMarginAccountPerAgent) {
  Harness h;
  for (const engine::Command& c : defaultUniverse()) ASSERT_TRUE(Harness::accepted(h.run(c)));
  SimulatorOptions options;
  const auto commands = simulatorAccounts(options);
  std::size_t opened = 0;
  for (const engine::Command& c : commands) {
    ASSERT_TRUE(Harness::accepted(h.run(c))) << engine::toString(c.type());
    if (c.type() == CommandType::OpenAccount) {
      ++opened;
      EXPECT_EQ(c.body.openAccount.type, risk::AccountType::Margin);
    }
  }
  EXPECT_EQ(opened, simulatorAgentCount(options));
  EXPECT_EQ(opened, 27u);  // 2 market makers + 20 noise + 5 momentum
  for (std::uint64_t i = 0; i < opened; ++i) {
    EXPECT_TRUE(h.engine.hasAccount(AccountId{options.firstAccountId + i}));
  }
  EXPECT_FALSE(h.engine.hasAccount(AccountId{options.firstAccountId + opened}));
}

}  // namespace
}  // namespace alphintra::marketdata
