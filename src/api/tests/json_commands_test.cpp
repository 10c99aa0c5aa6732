// JSON → engine command: every command type parses into the body the engine expects (raw
// values at the instrument's or currency's precision), and every class of bad input is refused
// with an Error whose field names the culprit. Also: the directory learns from definitions.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "api/directory.hpp"
#include "api/json_commands.hpp"

namespace alphintra::api {
namespace {

using engine::Command;
using engine::CommandType;

Instrument makeInstrument(std::uint64_t id, std::string symbol, std::string currency, int pricePrecision,
                          int quantityPrecision, std::string tick, std::string lot, std::string min = "",
                          std::string max = "") {
  InstrumentSpec spec;
  spec.id = id;
  spec.symbol = std::move(symbol);
  spec.currency = std::move(currency);
  spec.pricePrecision = pricePrecision;
  spec.quantityPrecision = quantityPrecision;
  spec.tickSize = std::move(tick);
  spec.lotSize = std::move(lot);
  spec.minQuantity = std::move(min);
  spec.maxQuantity = std::move(max);
  return Instrument::create(spec).value();
}

class JsonCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    // AAA: cents, whole shares. BTC-USD: tick 0.50, lots of 0.001 between 0.010 and 100.
    ASSERT_TRUE(directory.addInstrument(makeInstrument(1, "AAA", "USD", 2, 0, "0.01", "1")));
    ASSERT_TRUE(directory.addInstrument(makeInstrument(2, "BTC-USD", "USD", 2, 3, "0.50", "0.001", "0.010", "100")));
    ASSERT_TRUE(directory.addAccount(AccountId{1}, Currency::parse("USD").value()));
    ASSERT_TRUE(directory.addAccount(AccountId{2}, Currency::parse("JPY").value()));
  }

  Command parse(std::string_view text) {
    auto r = parseCommand(text, directory, 7);
    EXPECT_TRUE(r.ok()) << text << "\n  -> " << (r.ok() ? "" : r.error().field + ": " + r.error().message);
    if (!r.ok()) return engine::makeCommand(CommandType::ClockTick);
    return r.value();
  }

  // The error for `text`; fails the test when the text parses.
  Error error(std::string_view text) {
    auto r = parseCommand(text, directory, 7);
    EXPECT_FALSE(r.ok()) << text << " parsed";
    if (r.ok()) return Error{};
    return r.error();
  }

  void expectError(std::string_view text, std::string_view field, std::string_view messagePart) {
    const Error e = error(text);
    EXPECT_EQ(e.field, field) << text << "\n  -> " << e.message;
    EXPECT_NE(e.message.find(messagePart), std::string::npos)
        << text << "\n  -> " << e.field << ": " << e.message << "\n  expected to contain: " << messagePart;
  }

  Directory directory;
};

// ---- every command type ----

TEST_F(JsonCommands, NewLimitOrder) {
  const Command c =
      parse(R"({"type":"new_order","requestId":42,"account":1,"symbol":"AAA","clientOrderId":"ord-1","side":"buy",)"
            R"("quantity":"100","price":"150.05"})");
  EXPECT_EQ(c.header.type, CommandType::NewOrder);
  EXPECT_EQ(c.header.source, 7u);
  EXPECT_EQ(c.header.requestId, 42u);
  EXPECT_EQ(c.header.sequence, 0u);  // the sequencer's
  EXPECT_EQ(c.header.time, Timestamp{});
  const engine::NewOrderBody& b = c.body.newOrder;
  EXPECT_EQ(b.account, AccountId{1});
  EXPECT_EQ(b.instrument, InstrumentId{1});
  EXPECT_EQ(b.clientOrderId.view(), "ord-1");
  EXPECT_EQ(b.side, Side::Buy);
  EXPECT_EQ(b.type, book::OrderType::Limit);
  EXPECT_EQ(b.timeInForce, book::TimeInForce::GTC);
  EXPECT_EQ(b.selfTrade, book::SelfTradePrevention::None);
  EXPECT_FALSE(b.postOnly);
  EXPECT_EQ(b.price.raw(), 15005);
  EXPECT_FALSE(b.stopPrice.isDefined());
  EXPECT_EQ(b.quantity.raw(), 100);
  EXPECT_EQ(b.displayQuantity.raw(), 0);
  EXPECT_EQ(b.minQuantity.raw(), 0);
  EXPECT_EQ(b.expireTime, Timestamp{});
}

TEST_F(JsonCommands, NewOrderEveryOption) {
  const Command c = parse(R"({"type":"new_order","account":1,"instrument":2,"side":"sell","orderType":"stop_limit",)"
                          R"("timeInForce":"gtd","expireTime":1700000000000000000,"quantity":"1.5","price":"30000.50",)"
                          R"("stopPrice":"30100","displayQuantity":"0.25","minQuantity":"0.010","postOnly":true,)"
                          R"("selfTrade":"decrement_and_cancel"})");
  const engine::NewOrderBody& b = c.body.newOrder;
  EXPECT_EQ(b.instrument, InstrumentId{2});
  EXPECT_TRUE(b.clientOrderId.isNone());
  EXPECT_EQ(b.side, Side::Sell);
  EXPECT_EQ(b.type, book::OrderType::StopLimit);
  EXPECT_EQ(b.timeInForce, book::TimeInForce::GTD);
  EXPECT_EQ(b.expireTime.nanos(), 1'700'000'000'000'000'000);
  EXPECT_EQ(b.quantity.raw(), 1500);  // 3 decimal places
  EXPECT_EQ(b.price.raw(), 3000050);
  EXPECT_EQ(b.stopPrice.raw(), 3010000);
  EXPECT_EQ(b.displayQuantity.raw(), 250);
  EXPECT_EQ(b.minQuantity.raw(), 10);
  EXPECT_TRUE(b.postOnly);
  EXPECT_EQ(b.selfTrade, book::SelfTradePrevention::DecrementAndCancel);
}

TEST_F(JsonCommands, MarketOrdersDefaultToImmediateOrCancelAndStopsTakeAStopPrice) {
  const Command market = parse(R"({"type":"new_order","account":1,"symbol":"AAA","side":"sell","orderType":"market",)"
                               R"("quantity":"5"})");
  EXPECT_EQ(market.body.newOrder.type, book::OrderType::Market);
  EXPECT_EQ(market.body.newOrder.timeInForce, book::TimeInForce::IOC);
  EXPECT_FALSE(market.body.newOrder.price.isDefined());

  const Command stop = parse(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","orderType":"stop",)"
                             R"("timeInForce":"day","quantity":"5","stopPrice":"151"})");
  EXPECT_EQ(stop.body.newOrder.type, book::OrderType::Stop);
  EXPECT_EQ(stop.body.newOrder.timeInForce, book::TimeInForce::Day);
  EXPECT_EQ(stop.body.newOrder.stopPrice.raw(), 15100);
  EXPECT_FALSE(stop.body.newOrder.price.isDefined());
}

TEST_F(JsonCommands, SymbolAndInstrumentIdMayBothBeGivenWhenTheyAgree) {
  const Command c = parse(R"({"type":"new_order","account":1,"symbol":"AAA","instrument":1,"side":"buy",)"
                          R"("quantity":"1","price":"1"})");
  EXPECT_EQ(c.body.newOrder.instrument, InstrumentId{1});
  expectError(
      R"({"type":"new_order","account":1,"symbol":"AAA","instrument":2,"side":"buy","quantity":"1","price":"1"})",
      "instrument", "instrument 2 is not AAA");
}

TEST_F(JsonCommands, CancelByOrderIdOrByClientOrderId) {
  const Command byId = parse(R"({"type":"cancel_order","account":1,"orderId":17,"clientOrderId":"c-2"})");
  EXPECT_EQ(byId.header.type, CommandType::CancelOrder);
  EXPECT_EQ(byId.body.cancel.account, AccountId{1});
  EXPECT_EQ(byId.body.cancel.orderId, OrderId{17});
  EXPECT_TRUE(byId.body.cancel.origClientOrderId.isNone());
  EXPECT_EQ(byId.body.cancel.clientOrderId.view(), "c-2");

  const Command byClientId = parse(R"({"type":"cancel_order","account":1,"origClientOrderId":"ord-1"})");
  EXPECT_TRUE(byClientId.body.cancel.orderId.isNone());
  EXPECT_EQ(byClientId.body.cancel.origClientOrderId.view(), "ord-1");
  EXPECT_TRUE(byClientId.body.cancel.clientOrderId.isNone());
}

TEST_F(JsonCommands, ReplaceReadsDecimalsAtTheNamedInstrumentsPrecision) {
  const Command c = parse(R"({"type":"replace_order","account":1,"orderId":3,"clientOrderId":"ord-1b",)"
                          R"("symbol":"BTC-USD","quantity":"2.5","price":"30001.5"})");
  const engine::ReplaceOrderBody& b = c.body.replace;
  EXPECT_EQ(b.account, AccountId{1});
  EXPECT_EQ(b.orderId, OrderId{3});
  EXPECT_EQ(b.clientOrderId.view(), "ord-1b");
  EXPECT_EQ(b.quantity.raw(), 2500);
  EXPECT_EQ(b.price.raw(), 3000150);
  EXPECT_FALSE(b.stopPrice.isDefined());

  const Command priceOnly = parse(R"({"type":"replace_order","account":1,"origClientOrderId":"x","symbol":"AAA",)"
                                  R"("price":"99.99"})");
  EXPECT_FALSE(priceOnly.body.replace.quantity.isDefined());
  EXPECT_EQ(priceOnly.body.replace.price.raw(), 9999);
  EXPECT_EQ(priceOnly.body.replace.origClientOrderId.view(), "x");
}

TEST_F(JsonCommands, MassCancel) {
  const Command all = parse(R"({"type":"mass_cancel"})");
  EXPECT_TRUE(all.body.massCancel.account.isNone());
  EXPECT_TRUE(all.body.massCancel.instrument.isNone());
  EXPECT_EQ(all.body.massCancel.side, Side::None);

  const Command some = parse(R"({"type":"mass_cancel","account":1,"symbol":"BTC-USD","side":"sell"})");
  EXPECT_EQ(some.body.massCancel.account, AccountId{1});
  EXPECT_EQ(some.body.massCancel.instrument, InstrumentId{2});
  EXPECT_EQ(some.body.massCancel.side, Side::Sell);
}

TEST_F(JsonCommands, MarketDataPricesNeedThePrecisionButNotTheTick) {
  const Command c = parse(R"({"type":"market_data","symbol":"BTC-USD","bid":"30000.25","ask":"30001"})");
  EXPECT_EQ(c.body.marketData.instrument, InstrumentId{2});
  EXPECT_EQ(c.body.marketData.bid.raw(), 3000025);  // off the 0.50 tick: an external price
  EXPECT_EQ(c.body.marketData.ask.raw(), 3000100);
  EXPECT_FALSE(c.body.marketData.last.isDefined());
  expectError(R"({"type":"market_data","symbol":"AAA","last":"1.001"})", "last", "more than 2 decimal places");
  expectError(R"({"type":"market_data","symbol":"AAA","last":"0"})", "last", "must be positive");
}

TEST_F(JsonCommands, ClockTick) {
  const Command c = parse(R"({"type":"clock_tick","requestId":9})");
  EXPECT_EQ(c.header.type, CommandType::ClockTick);
  EXPECT_EQ(c.header.requestId, 9u);
}

TEST_F(JsonCommands, AccountLimitsAreInTheAccountsBaseCurrency) {
  const Command usd =
      parse(R"({"type":"set_account_limits","account":1,"maxOrderNotional":"250000.50","maxGrossExposure":"1000000",)"
            R"("maxNetExposure":"500000","maxOpenOrders":50,"orderRatePerSecond":10,"orderBurst":20,)"
            R"("collarBasisPoints":500,"collarTicks":40,"maxLeverage":"2.5"})");
  const risk::AccountLimits& l = usd.body.accountLimits.limits;
  EXPECT_EQ(usd.body.accountLimits.account, AccountId{1});
  EXPECT_EQ(l.maxOrderNotional, 25000050);
  EXPECT_EQ(l.maxGrossExposure, 100000000);
  EXPECT_EQ(l.maxNetExposure, 50000000);
  EXPECT_EQ(l.maxOpenOrders, 50u);
  EXPECT_EQ(l.orderRatePerSecond, 10u);
  EXPECT_EQ(l.orderBurst, 20u);
  EXPECT_EQ(l.collarBasisPoints, 500u);
  EXPECT_EQ(l.collarTicks, 40u);
  EXPECT_EQ(l.maxLeverageHundredths, 250u);

  const Command jpy = parse(R"({"type":"set_account_limits","account":2,"maxOrderNotional":"1000000"})");
  EXPECT_EQ(jpy.body.accountLimits.limits.maxOrderNotional, 1000000);  // yen have no minor units
  expectError(R"({"type":"set_account_limits","account":2,"maxOrderNotional":"1000.5"})", "maxOrderNotional",
              "more than 0 decimal places");
  expectError(R"({"type":"set_account_limits","account":2,"currency":"USD"})", "currency", "base currency JPY");
}

TEST_F(JsonCommands, DefaultAccountLimitsNameTheirCurrency) {
  const Command usd = parse(R"({"type":"set_account_limits","maxOrderNotional":"10.25"})");
  EXPECT_TRUE(usd.body.accountLimits.account.isNone());
  EXPECT_EQ(usd.body.accountLimits.limits.maxOrderNotional, 1025);
  const Command jpy = parse(R"({"type":"set_account_limits","currency":"JPY","maxOrderNotional":"1025"})");
  EXPECT_EQ(jpy.body.accountLimits.limits.maxOrderNotional, 1025);
  // risk::checkLimits runs at the edge.
  expectError(R"({"type":"set_account_limits","orderBurst":5})", "orderBurst", "needs orderRatePerSecond");
  expectError(R"({"type":"set_account_limits","maxGrossExposure":"-1"})", "maxGrossExposure", "0 or positive");
  expectError(R"({"type":"set_account_limits","maxOpenOrders":4294967296})", "maxOpenOrders", "out of range");
}

TEST_F(JsonCommands, InstrumentLimitsAreQuantitiesAtTheInstrumentsPrecision) {
  const Command c = parse(R"({"type":"set_instrument_limits","account":1,"symbol":"BTC-USD",)"
                          R"("maxOrderQuantity":"5","maxLongPosition":"10.5","maxShortPosition":"0.001"})");
  const engine::SetInstrumentLimitsBody& b = c.body.instrumentLimits;
  EXPECT_EQ(b.account, AccountId{1});
  EXPECT_EQ(b.instrument, InstrumentId{2});
  EXPECT_EQ(b.limits.maxOrderQuantity, 5000);
  EXPECT_EQ(b.limits.maxLongPosition, 10500);
  EXPECT_EQ(b.limits.maxShortPosition, 1);
  const Command defaults = parse(R"({"type":"set_instrument_limits","symbol":"AAA","maxOrderQuantity":"1000"})");
  EXPECT_TRUE(defaults.body.instrumentLimits.account.isNone());
  EXPECT_EQ(defaults.body.instrumentLimits.limits.maxOrderQuantity, 1000);
  expectError(R"({"type":"set_instrument_limits","symbol":"AAA","maxShortPosition":"-5"})", "maxShortPosition",
              "0 or positive");
}

TEST_F(JsonCommands, TradingState) {
  const Command global = parse(R"({"type":"set_trading_state","state":"halted"})");
  EXPECT_TRUE(global.body.tradingState.account.isNone());
  EXPECT_EQ(global.body.tradingState.state, risk::TradingState::Halted);
  const Command account = parse(R"({"type":"set_trading_state","account":1,"state":"reducing_only"})");
  EXPECT_EQ(account.body.tradingState.account, AccountId{1});
  EXPECT_EQ(account.body.tradingState.state, risk::TradingState::ReducingOnly);
  expectError(R"({"type":"set_trading_state","state":"paused"})", "state",
              R"(expected "active", "reducing_only" or "halted")");
}

TEST_F(JsonCommands, KillSwitchScopes) {
  const Command global = parse(R"({"type":"kill_switch","scope":"global"})");
  EXPECT_EQ(global.body.killSwitch.scope, risk::KillSwitchScope::Global);
  EXPECT_TRUE(global.body.killSwitch.activate);
  EXPECT_EQ(global.body.killSwitch.id, 0u);
  const Command account = parse(R"({"type":"kill_switch","scope":"account","account":2,"activate":false})");
  EXPECT_EQ(account.body.killSwitch.scope, risk::KillSwitchScope::Account);
  EXPECT_FALSE(account.body.killSwitch.activate);
  EXPECT_EQ(account.body.killSwitch.id, 2u);
  const Command instrument = parse(R"({"type":"kill_switch","scope":"instrument","symbol":"BTC-USD"})");
  EXPECT_EQ(instrument.body.killSwitch.scope, risk::KillSwitchScope::Instrument);
  EXPECT_EQ(instrument.body.killSwitch.id, 2u);

  expectError(R"({"type":"kill_switch","scope":"account"})", "account", "required for scope \"account\"");
  expectError(R"({"type":"kill_switch","scope":"global","account":1})", "account", "only for scope \"account\"");
  expectError(R"({"type":"kill_switch","scope":"account","account":1,"symbol":"AAA"})", "symbol",
              "only for scope \"instrument\"");
  expectError(R"({"type":"kill_switch","scope":"instrument"})", "symbol", "required for scope \"instrument\"");
}

TEST_F(JsonCommands, InstrumentStatusUsesCoresSpellings) {
  const Command c = parse(R"({"type":"instrument_status","symbol":"AAA","status":"opening_auction"})");
  EXPECT_EQ(c.body.instrumentStatus.instrument, InstrumentId{1});
  EXPECT_EQ(c.body.instrumentStatus.status, TradingStatus::OpeningAuction);
  expectError(R"({"type":"instrument_status","symbol":"AAA","status":"open"})", "status",
              R"("closed", "pre_open", "opening_auction", "continuous", "closing_auction" or "halted")");
}

TEST_F(JsonCommands, DefineInstrumentBuildsTheBodyAndTeachesTheDirectory) {
  const Command c =
      parse(R"({"type":"define_instrument","instrument":9,"symbol":"EURUSD","venue":"FXALL","assetClass":"fx",)"
            R"("currency":"USD","pricePrecision":5,"quantityPrecision":0,"tickSize":"0.00005","lotSize":"1000",)"
            R"("minQuantity":"10000","maxQuantity":"50000000","multiplier":"2.5","status":"pre_open"})");
  const engine::DefineInstrumentBody& b = c.body.defineInstrument;
  EXPECT_EQ(b.instrument, InstrumentId{9});
  EXPECT_STREQ(b.symbol, "EURUSD");
  EXPECT_EQ(std::string_view(b.venue, 5), "FXALL");
  EXPECT_EQ(b.assetClass, AssetClass::Fx);
  EXPECT_EQ(b.currency.code(), "USD");
  EXPECT_EQ(b.pricePrecision, 5);
  EXPECT_EQ(b.tickSize.raw(), 5);
  EXPECT_EQ(b.lotSize.raw(), 1000);
  EXPECT_EQ(b.minQuantity.raw(), 10000);
  EXPECT_EQ(b.maxQuantity.raw(), 50000000);
  EXPECT_EQ(b.status, TradingStatus::PreOpen);
  EXPECT_EQ(b.multiplier, (ContractMultiplier{25, 1}.pack()));

  // The next line can already use the symbol.
  auto learned = directory.instrumentBySymbol("EURUSD");
  ASSERT_NE(learned, nullptr);
  EXPECT_EQ(learned->id(), InstrumentId{9});
  const Command order = parse(R"({"type":"new_order","account":1,"symbol":"EURUSD","side":"buy",)"
                              R"("quantity":"20000","price":"1.08465"})");
  EXPECT_EQ(order.body.newOrder.price.raw(), 108465);
  expectError(R"({"type":"new_order","account":1,"symbol":"EURUSD","side":"buy","quantity":"20000","price":"1.08463"})",
              "price", "not a multiple of the tick size 0.00005 of EURUSD");
}

TEST_F(JsonCommands, DefineInstrumentDefaultsToOneUnitOfTheLastPlace) {
  const Command c = parse(R"({"type":"define_instrument","instrument":10,"symbol":"XYZ","pricePrecision":4})");
  const engine::DefineInstrumentBody& b = c.body.defineInstrument;
  EXPECT_STREQ(b.venue, "SIM");
  EXPECT_EQ(b.assetClass, AssetClass::Equity);
  EXPECT_EQ(b.currency.code(), "USD");
  EXPECT_EQ(b.tickSize.raw(), 1);  // 0.0001
  EXPECT_EQ(b.lotSize.raw(), 1);
  EXPECT_EQ(b.status, TradingStatus::Continuous);
  EXPECT_TRUE(engine::fromDefineBody(b)->multiplier().isOne());
}

TEST_F(JsonCommands, ARedefinitionParsesButKeepsTheFirstDefinition) {
  // The engine answers already_exists; the directory keeps what the engine keeps.
  const Command c = parse(R"({"type":"define_instrument","instrument":1,"symbol":"AAA","pricePrecision":4})");
  EXPECT_EQ(c.body.defineInstrument.pricePrecision, 4);
  EXPECT_EQ(directory.instrument(InstrumentId{1})->pricePrecision(), 2);
  EXPECT_EQ(directory.instrumentCount(), 2u);
}

TEST_F(JsonCommands, ASymbolMayFillTheWholeFixedField) {
  const std::string symbol(24, 'S');  // DefineInstrumentBody::symbol is 24 bytes, no terminator needed
  const Command c = parse(R"({"type":"define_instrument","instrument":12,"symbol":")" + symbol + "\"}");
  auto back = engine::fromDefineBody(c.body.defineInstrument);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->symbol(), symbol);
  EXPECT_NE(directory.instrumentBySymbol(symbol), nullptr);
}

TEST_F(JsonCommands, DefineInstrumentErrorsNameTheField) {
  expectError(R"({"type":"define_instrument","instrument":11,"symbol":"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"})",
              "symbol", "at most 32");
  expectError(R"({"type":"define_instrument","instrument":11,"symbol":"X","venue":"VERYLONGVENUE"})", "venue",
              "at most 8");
  expectError(R"({"type":"define_instrument","instrument":0,"symbol":"X"})", "instrument", "positive");
  expectError(R"({"type":"define_instrument","instrument":11,"symbol":"X","multiplier":"-50"})", "multiplier",
              "must be a positive number");
  expectError(R"({"type":"define_instrument","instrument":11,"symbol":"X","multiplier":50})", "multiplier",
              "decimal number written as a string");
  expectError(R"({"type":"define_instrument","instrument":11,"symbol":"X","tickSize":"0"})", "tickSize",
              "must be positive");
  expectError(R"({"type":"define_instrument","instrument":11,"symbol":"X","tickSize":"0.001"})", "tickSize",
              "more than 2 decimal places");
  expectError(R"({"type":"define_instrument","instrument":11,"symbol":"X","pricePrecision":13})", "pricePrecision",
              "out of range 0..12");
  expectError(R"({"type":"define_instrument","instrument":11,"symbol":"X Y"})", "symbol", "contains ' '");
  expectError(R"({"type":"define_instrument","instrument":11,"symbol":"X","currency":"usd"})", "currency",
              "not a currency code");
  expectError(R"({"type":"define_instrument","instrument":11,"symbol":"X","assetClass":"bond"})", "assetClass",
              R"("equity", "fx", "future", "option" or "crypto")");
  EXPECT_EQ(directory.instrument(InstrumentId{11}), nullptr);  // nothing learned from refusals
}

TEST_F(JsonCommands, OpenAccountTeachesTheDirectory) {
  const Command c =
      parse(R"({"type":"open_account","account":5,"currency":"EUR","accountType":"margin","costMethod":"fifo",)"
            R"("makerFeePpm":-20,"takerFeePpm":50,"minimumFee":"1.25","maxLeverage":"3"})");
  const engine::OpenAccountBody& b = c.body.openAccount;
  EXPECT_EQ(b.account, AccountId{5});
  EXPECT_EQ(b.baseCurrency.code(), "EUR");
  EXPECT_EQ(b.type, risk::AccountType::Margin);
  EXPECT_EQ(b.costBasis, engine::CostBasis::Fifo);
  EXPECT_EQ(b.makerFeePpm, -20);
  EXPECT_EQ(b.takerFeePpm, 50);
  EXPECT_EQ(b.minimumFee.raw(), 125);
  EXPECT_EQ(b.minimumFeeCurrency.code(), "EUR");  // the base currency, written out
  EXPECT_EQ(b.maxLeverageHundredths, 300u);
  EXPECT_EQ(directory.accountCurrency(AccountId{5}), Currency::parse("EUR").value());

  const Command cash = parse(R"({"type":"open_account","account":6,"currency":"USD","minimumFee":"100",)"
                             R"("minimumFeeCurrency":"JPY"})");
  EXPECT_EQ(cash.body.openAccount.type, risk::AccountType::Cash);
  EXPECT_EQ(cash.body.openAccount.costBasis, engine::CostBasis::AverageCost);
  EXPECT_EQ(cash.body.openAccount.minimumFee.raw(), 100);
  EXPECT_EQ(cash.body.openAccount.minimumFeeCurrency.code(), "JPY");
  EXPECT_EQ(cash.body.openAccount.maxLeverageHundredths, 0u);

  const Command noFee = parse(R"({"type":"open_account","account":7,"currency":"USD"})");
  EXPECT_TRUE(noFee.body.openAccount.minimumFeeCurrency.isNone());

  // The new account can be used on the next line.
  const Command order = parse(R"({"type":"new_order","account":5,"symbol":"AAA","side":"buy","quantity":"1",)"
                              R"("price":"1"})");
  EXPECT_EQ(order.body.newOrder.account, AccountId{5});
}

TEST_F(JsonCommands, OpenAccountErrorsNameTheField) {
  expectError(R"({"type":"open_account","account":8,"currency":"USD","maxLeverage":"2"})", "maxLeverage",
              "only for accountType \"margin\"");
  expectError(R"({"type":"open_account","account":8,"currency":"USD","takerFeePpm":1000001})", "takerFeePpm",
              "out of range");
  expectError(R"({"type":"open_account","account":8,"currency":"USD","minimumFee":"0.001"})", "minimumFee",
              "more than 2 decimal places");
  expectError(R"({"type":"open_account","account":8})", "currency", "required");
  expectError(R"({"type":"open_account","account":8,"currency":"USD","accountType":"spot"})", "accountType",
              R"("cash" or "margin")");
  expectError(R"({"type":"open_account","account":8,"currency":"USD","accountType":"margin","maxLeverage":"0"})",
              "maxLeverage", "must be positive");
  EXPECT_FALSE(directory.accountCurrency(AccountId{8}).has_value());
}

TEST_F(JsonCommands, AdjustCashInTheCurrencysMinorUnits) {
  const Command usd = parse(R"({"type":"adjust_cash","account":1,"currency":"USD","amount":"-12.34"})");
  EXPECT_EQ(usd.body.adjustCash.account, AccountId{1});
  EXPECT_EQ(usd.body.adjustCash.currency.code(), "USD");
  EXPECT_EQ(usd.body.adjustCash.amount.raw(), -1234);
  const Command btc = parse(R"({"type":"adjust_cash","account":1,"currency":"BTC","amount":"0.5"})");
  EXPECT_EQ(btc.body.adjustCash.amount.raw(), 50'000'000);
  expectError(R"({"type":"adjust_cash","account":1,"currency":"JPY","amount":"1.5"})", "amount",
              "more than 0 decimal places");
  expectError(R"({"type":"adjust_cash","account":1,"currency":"USD","amount":"0"})", "amount", "must not be zero");
}

TEST_F(JsonCommands, FxRateScaledByABillion) {
  const Command c = parse(R"({"type":"set_fx_rate","base":"EUR","quote":"USD","rate":"1.085"})");
  EXPECT_EQ(c.body.fxRate.base.code(), "EUR");
  EXPECT_EQ(c.body.fxRate.quote.code(), "USD");
  EXPECT_EQ(c.body.fxRate.rate, 1'085'000'000);
  expectError(R"({"type":"set_fx_rate","base":"EUR","quote":"USD","rate":"1.0000000001"})", "rate",
              "more than 9 decimal places");
  expectError(R"({"type":"set_fx_rate","base":"EUR","quote":"EUR","rate":"1"})", "quote", "differ");
  expectError(R"({"type":"set_fx_rate","base":"EUR","quote":"USD","rate":"-1"})", "rate", "positive");
}

TEST_F(JsonCommands, RestrictInstrument) {
  const Command c = parse(R"({"type":"restrict_instrument","account":1,"symbol":"AAA"})");
  EXPECT_EQ(c.body.restrict.account, AccountId{1});
  EXPECT_EQ(c.body.restrict.instrument, InstrumentId{1});
  EXPECT_TRUE(c.body.restrict.restricted);
  const Command lift = parse(R"({"type":"restrict_instrument","symbol":"AAA","restricted":false})");
  EXPECT_TRUE(lift.body.restrict.account.isNone());
  EXPECT_FALSE(lift.body.restrict.restricted);
}

TEST_F(JsonCommands, PurgeOrders) {
  const Command c = parse(R"({"type":"purge_orders","minAgeNanos":3600000000000})");
  EXPECT_EQ(c.header.type, CommandType::PurgeOrders);
  EXPECT_EQ(c.body.purgeOrders.minAgeNanos, 3'600'000'000'000);
  expectError(R"({"type":"purge_orders"})", "minAgeNanos", "required");
  expectError(R"({"type":"purge_orders","minAgeNanos":-1})", "minAgeNanos", "");
  expectError(R"({"type":"purge_orders","minAgeNanos":"soon"})", "minAgeNanos", "");
  const Command some = parse(R"({"type":"purge_orders","minAgeNanos":0,"firstAccount":5,"lastAccount":9})");
  EXPECT_EQ(some.body.purgeOrders.firstAccount, AccountId{5});
  EXPECT_EQ(some.body.purgeOrders.lastAccount, AccountId{9});
  expectError(R"({"type":"purge_orders","minAgeNanos":0,"firstAccount":9,"lastAccount":5})", "lastAccount",
              "must not be below");
}

// The edge parses the price at the instrument's precision only: whether the instrument is a
// future (and not yet settled) is the engine's to answer.
TEST_F(JsonCommands, SettleInstrument) {
  const Command c = parse(R"({"type":"settle_instrument","symbol":"AAA","price":"-37.63"})");
  EXPECT_EQ(c.header.type, CommandType::SettleInstrument);
  EXPECT_EQ(c.body.settle.instrument, InstrumentId{1});
  EXPECT_EQ(c.body.settle.price.raw(), -3763);
  EXPECT_EQ(parse(R"({"type":"settle_instrument","instrument":2,"price":"0"})").body.settle.price.raw(), 0);
  expectError(R"({"type":"settle_instrument","symbol":"AAA"})", "price", "required");
  expectError(R"({"type":"settle_instrument","symbol":"AAA","price":"1.001"})", "price", "");
  expectError(R"({"type":"settle_instrument","symbol":"AAA","price":12})", "price", "");
  expectError(R"({"type":"settle_instrument","price":"1.00"})", "symbol", "");
  expectError(R"({"type":"settle_instrument","symbol":"NOPE","price":"1.00"})", "symbol", "");
  expectError(R"({"type":"settle_instrument","symbol":"AAA","price":"-92233720368547758.08"})", "price",
              "out of range");
}

TEST_F(JsonCommands, ScheduleSettlement) {
  const Command c = parse(R"({"type":"schedule_settlement","symbol":"AAA","at":1800000000000000000})");
  EXPECT_EQ(c.header.type, CommandType::ScheduleSettlement);
  EXPECT_EQ(c.body.schedule.instrument, InstrumentId{1});
  EXPECT_EQ(c.body.schedule.at.nanos(), 1'800'000'000'000'000'000);
  EXPECT_FALSE(c.body.schedule.price.isDefined());
  EXPECT_EQ(parse(R"({"type":"schedule_settlement","symbol":"AAA","at":5,"price":"12.34"})").body.schedule.price.raw(),
            1234);
  expectError(R"({"type":"schedule_settlement","symbol":"AAA"})", "at", "required");
  expectError(R"({"type":"schedule_settlement","symbol":"AAA","at":0})", "at", "");
  expectError(R"({"type":"schedule_settlement","symbol":"AAA","at":"soon"})", "at", "");
  expectError(R"({"type":"schedule_settlement","symbol":"AAA","at":5,"price":"1.234"})", "price", "");
}

TEST_F(JsonCommands, EqualInputGivesByteIdenticalCommands) {
  const char* line = R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","price":"1"})";
  const Command a = parse(line);
  const Command b = parse(line);
  EXPECT_EQ(std::memcmp(&a, &b, sizeof(Command)), 0);
}

TEST_F(JsonCommands, NullCountsAsAbsent) {
  const Command c = parse(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1",)"
                          R"("price":"1","clientOrderId":null,"stopPrice":null,"requestId":null})");
  EXPECT_TRUE(c.body.newOrder.clientOrderId.isNone());
  EXPECT_EQ(c.header.requestId, 0u);
}

// ---- bad input: the error names the culprit ----

TEST_F(JsonCommands, MalformedJson) {
  expectError(R"({"type":"clock_tick",)", "", "malformed JSON: expected a member name in quotes at byte 22");
  expectError(R"({"type":"clock_tick","x":01})", "", "malformed JSON");  // no leading zeros
  expectError(R"({"type":"clock_tick","x":"\q"})", "", "invalid escape");
  expectError(R"({"type":"clock_tick","x":"\ud800"})", "", "lone surrogate");
  expectError("{\"type\":\"clock_tick\",\"x\":\"a\x01\"}", "", "control character");
  expectError("{\"type\":\"clock_tick\",\"x\":\"\xff\"}", "", "invalid UTF-8");
  expectError(R"({"type":"clock_tick","x":1,})", "", "malformed JSON");  // trailing comma
  expectError(R"({"type":"clock_tick","x":tru})", "", "malformed JSON");
  expectError("", "", "malformed JSON");
  expectError(R"({"type":"clock_tick"} trailing)", "", "malformed JSON");
  expectError("[1,2]", "", "must be a JSON object, got an array");
  expectError("42", "", "must be a JSON object, got the number 42");
  expectError(std::string(kMaxCommandBytes + 1, ' '), "", "at most 65536");
  const Error longToken = error(R"({"type":"clock_tick","x":")" + std::string(10000, 'a'));  // unterminated string
  EXPECT_EQ(longToken.field, "");
  EXPECT_LT(longToken.message.size(), 300u);
}

TEST_F(JsonCommands, MissingOrWrongType) {
  expectError(R"({"account":1})", "type", "required");
  expectError(R"({"type":5})", "type", "must be a string");
  expectError(R"({"type":"fly"})", "type", "unknown command type \"fly\"; expected new_order, cancel_order");
}

TEST_F(JsonCommands, WrongMemberTypes) {
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":100,"price":"1"})", "quantity",
              "must be a decimal number written as a string, e.g. \"101.25\", got the number 100");
  expectError(R"({"type":"new_order","account":"1","symbol":"AAA","side":"buy","quantity":"1","price":"1"})", "account",
              "must be an integer, got the string \"1\"");
  expectError(R"({"type":"new_order","account":1.5,"symbol":"AAA","side":"buy","quantity":"1","price":"1"})", "account",
              "must be an integer, got the number 1.5");
  expectError(R"({"type":"new_order","account":-1,"symbol":"AAA","side":"buy","quantity":"1","price":"1"})", "account",
              "must not be negative");
  expectError(R"({"type":"new_order","account":1,"symbol":["AAA"],"side":"buy","quantity":"1","price":"1"})", "symbol",
              "must be a string, got an array");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","price":"1",)"
              R"("postOnly":"yes"})",
              "postOnly", "must be true or false");
  expectError(R"({"type":"clock_tick","requestId":-3})", "requestId", "must not be negative");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","price":"1",)"
              R"("expireTime":"soon","timeInForce":"gtd"})",
              "expireTime", "must be an integer");
}

TEST_F(JsonCommands, MissingRequiredMembers) {
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","quantity":"1","price":"1"})", "side",
              "side is required for new_order");
  expectError(R"({"type":"new_order","symbol":"AAA","side":"buy","quantity":"1","price":"1"})", "account", "required");
  expectError(R"({"type":"new_order","account":1,"side":"buy","quantity":"1","price":"1"})", "symbol", "required");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","price":"1"})", "quantity", "required");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1"})", "price",
              "price is required for a limit order");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","orderType":"stop"})",
              "stopPrice", "required for a stop order");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","price":"1",)"
              R"("timeInForce":"gtd"})",
              "expireTime", "required for timeInForce gtd");
  expectError(R"({"type":"cancel_order","account":1})", "orderId", "required to name the order");
  expectError(R"({"type":"replace_order","account":1,"orderId":1,"quantity":"5"})", "symbol", "required");
  expectError(R"({"type":"replace_order","account":1,"orderId":1,"symbol":"AAA"})", "quantity",
              "at least one of quantity, price or stopPrice");
  expectError(R"({"type":"market_data","symbol":"AAA"})", "last", "at least one of bid, ask or last");
  expectError(R"({"type":"adjust_cash","account":1,"currency":"USD"})", "amount", "required");
}

TEST_F(JsonCommands, UnknownMembersAreNamedFirst) {
  // "qty" is the real culprit: named before the missing "quantity" it causes.
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","qty":"1","price":"1"})", "qty",
              "unknown field \"qty\" for new_order");
  expectError(R"({"type":"clock_tick","symbol":"AAA"})", "symbol", "unknown field \"symbol\" for clock_tick");
  expectError(R"({"type":"cancel_order","account":1,"orderId":1,"price":"1"})", "price", "unknown field");
}

TEST_F(JsonCommands, DuplicateMembersAreRefused) {
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","quantity":"100",)"
              R"("price":"1"})",
              "quantity", "appears more than once");
}

TEST_F(JsonCommands, BadEnumValues) {
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"b","quantity":"1","price":"1"})", "side",
              R"(unknown side "b"; expected "buy" or "sell")");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","orderType":"iceberg","quantity":"1"})",
              "orderType", R"("limit", "market", "stop" or "stop_limit")");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","timeInForce":"GTC","quantity":"1",)"
              R"("price":"1"})",
              "timeInForce", R"("gtc", "day", "ioc", "fok" or "gtd")");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","selfTrade":"cancel","quantity":"1",)"
              R"("price":"1"})",
              "selfTrade", R"("none", "cancel_resting", "cancel_incoming", "cancel_both" or "decrement_and_cancel")");
  expectError(R"({"type":"kill_switch","scope":"world"})", "scope", R"("global", "account" or "instrument")");
  expectError(R"({"type":"open_account","account":8,"currency":"USD","costMethod":"lifo"})", "costMethod",
              R"("average_cost" or "fifo")");
}

TEST_F(JsonCommands, QuantitiesMustBePositiveAndOnTheLot) {
  const auto order = [](std::string quantity) {
    return R"({"type":"new_order","account":1,"symbol":"BTC-USD","side":"buy","price":"30000","quantity":")" +
           quantity + "\"}";
  };
  expectError(order("0"), "quantity", "must be positive");
  expectError(order("-1"), "quantity", "must be positive");
  expectError(order("0.0015"), "quantity", "more than 3 decimal places");
  expectError(order("0.005"), "quantity", "below the minimum quantity 0.010 of BTC-USD");
  expectError(order("100.001"), "quantity", "above the maximum quantity 100.000 of BTC-USD");
  expectError(order("1e3"), "quantity", "not a decimal number");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1.5","price":"1"})",
              "quantity", "more than 0 decimal places");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"10","price":"1",)"
              R"("displayQuantity":"11"})",
              "displayQuantity", "more than the order quantity 10");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"10","price":"1",)"
              R"("minQuantity":"0"})",
              "minQuantity", "must be positive");
  expectError(R"({"type":"replace_order","account":1,"orderId":1,"symbol":"AAA","quantity":"0"})", "quantity",
              "must be positive");
}

TEST_F(JsonCommands, PricesMustBeOnTheTickWithTheInstrumentsPrecision) {
  expectError(R"({"type":"new_order","account":1,"symbol":"BTC-USD","side":"buy","quantity":"1","price":"30000.25"})",
              "price", "30000.25 is not a multiple of the tick size 0.50 of BTC-USD");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","price":"150.055"})",
              "price", "price 150.055 has more than 2 decimal places");  // the field named in the sentence
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","price":"-1"})", "price",
              "must be positive");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","orderType":"stop",)"
              R"("stopPrice":"1.001"})",
              "stopPrice", "more than 2 decimal places");
  expectError(R"({"type":"replace_order","account":1,"orderId":1,"symbol":"BTC-USD","price":"1.25"})", "price",
              "not a multiple of the tick size");
}

TEST_F(JsonCommands, MembersThatTheOrderTypeRulesOut) {
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","orderType":"market","quantity":"1",)"
              R"("price":"1"})",
              "price", "a market order has no limit price");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","price":"1",)"
              R"("stopPrice":"2"})",
              "stopPrice", "a limit order has no stop price");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","price":"1",)"
              R"("expireTime":5})",
              "expireTime", "only for timeInForce gtd");
  expectError(R"({"type":"cancel_order","account":1,"orderId":1,"origClientOrderId":"a"})", "origClientOrderId",
              "not both");
}

TEST_F(JsonCommands, UnknownSymbolAccountOrInstrument) {
  expectError(R"({"type":"new_order","account":1,"symbol":"ZZZ","side":"buy","quantity":"1","price":"1"})", "symbol",
              "unknown symbol \"ZZZ\"");
  expectError(R"({"type":"new_order","account":99,"symbol":"AAA","side":"buy","quantity":"1","price":"1"})", "account",
              "account 99 is not open");
  expectError(R"({"type":"new_order","account":1,"instrument":99,"side":"buy","quantity":"1","price":"1"})",
              "instrument", "instrument 99 is not defined");
  expectError(R"({"type":"new_order","account":0,"symbol":"AAA","side":"buy","quantity":"1","price":"1"})", "account",
              "must be a positive id");
  expectError(R"({"type":"cancel_order","account":3,"orderId":1})", "account", "not open");
  expectError(R"({"type":"set_trading_state","account":3,"state":"active"})", "account", "not open");
  expectError(R"({"type":"restrict_instrument","symbol":"NOPE"})", "symbol", "unknown symbol");
}

TEST_F(JsonCommands, ClientOrderIdsAreChecked) {
  const std::string tooLong(37, 'x');
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","price":"1",)"
              R"("clientOrderId":")" +
                  tooLong + "\"}",
              "clientOrderId", "clientOrderId is 37 characters long; at most 36");
  expectError(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"1","price":"1",)"
              R"("clientOrderId":""})",
              "clientOrderId", "clientOrderId must not be empty");
  expectError(R"({"type":"cancel_order","account":1,"origClientOrderId":"a b"})", "origClientOrderId",
              "printable ASCII");
}

TEST_F(JsonCommands, LongUserTextIsNotEchoedWhole) {
  const std::string symbol(1000, 'Q');
  const Error e = error(R"({"type":"mass_cancel","symbol":")" + symbol + "\"}");
  EXPECT_EQ(e.field, "symbol");
  EXPECT_LT(e.message.size(), 200u);
}

TEST_F(JsonCommands, DeeplyNestedInputIsRefusedWithoutCrashing) {
  const std::string nested = R"({"type":"clock_tick","x":)" + std::string(30000, '[') + std::string(30000, ']') + "}";
  expectError(nested, "", "nesting too deep");
  const std::string shallow = R"({"type":"clock_tick","x":)" + std::string(20, '[') + std::string(20, ']') + "}";
  expectError(shallow, "x", "unknown field");
}

TEST(RequestIdOf, FindsTheRequestIdEvenInARefusedCommand) {
  EXPECT_EQ(requestIdOf(R"({"type":"new_order","requestId":77,"side":"up"})"), 77u);
  EXPECT_EQ(requestIdOf(R"({"type":"new_order","requestId":-1})"), 0u);
  EXPECT_EQ(requestIdOf(R"({"type":"new_order")"), 0u);
  EXPECT_EQ(requestIdOf("[]"), 0u);
}

TEST(DirectoryTest, KeepsTheFirstDefinitionOfAnIdOrSymbol) {
  Directory d;
  EXPECT_TRUE(d.addInstrument(makeInstrument(1, "AAA", "USD", 2, 0, "0.01", "1")));
  EXPECT_FALSE(d.addInstrument(makeInstrument(1, "BBB", "USD", 2, 0, "0.01", "1")));
  EXPECT_FALSE(d.addInstrument(makeInstrument(2, "AAA", "USD", 2, 0, "0.01", "1")));
  EXPECT_EQ(d.instrumentBySymbol("BBB"), nullptr);
  EXPECT_EQ(d.instrument(InstrumentId{2}), nullptr);
  EXPECT_TRUE(d.addAccount(AccountId{1}, Currency::parse("USD").value()));
  EXPECT_FALSE(d.addAccount(AccountId{1}, Currency::parse("EUR").value()));
  EXPECT_FALSE(d.addAccount(AccountId{0}, Currency::parse("EUR").value()));
  EXPECT_FALSE(d.addAccount(AccountId{2}, Currency{}));
  EXPECT_EQ(d.accountCurrency(AccountId{1})->code(), "USD");
  EXPECT_EQ(d.accountCount(), 1u);
}

}  // namespace
}  // namespace alphintra::api
