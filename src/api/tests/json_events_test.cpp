// Engine event → JSON: hand-built events format to the exact text clients read (decimals at
// the instrument's precision, money in the right minor units, reasons as sentences), and a
// real engine driven by JSON lines answers with the reports a client expects.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "api/directory.hpp"
#include "api/json_commands.hpp"
#include "api/json_events.hpp"
#include "engine/engine.hpp"

namespace alphintra::api {
namespace {

using engine::EngineEvent;
using engine::EventKind;
using json = nlohmann::ordered_json;  // keeps the members in the order they were written

EngineEvent event(EventKind kind) {
  EngineEvent e;
  std::memset(static_cast<void*>(&e), 0, sizeof(EngineEvent));
  e.kind = kind;
  e.commandSequence = 12;
  e.time = Timestamp{1'700'000'000'000'000'123};
  return e;
}

engine::ExecutionReport& blankReport(EngineEvent& e) {
  engine::ExecutionReport& r = e.body.execution;
  r.price = Price::undefined();
  r.stopPrice = Price::undefined();
  r.lastPrice = Price::undefined();
  r.averagePrice = Price::undefined();
  r.orderType = book::OrderType::Limit;
  r.timeInForce = book::TimeInForce::GTC;
  return r;
}

class JsonEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    InstrumentSpec spec;
    spec.id = 1;
    spec.symbol = "AAA";
    spec.pricePrecision = 2;
    spec.quantityPrecision = 0;
    ASSERT_TRUE(directory.addInstrument(Instrument::create(spec).value()));
    spec.id = 2;
    spec.symbol = "ETH-JPY";
    spec.currency = "JPY";
    spec.pricePrecision = 0;
    spec.quantityPrecision = 4;
    spec.tickSize = "1";
    spec.lotSize = "0.0001";
    ASSERT_TRUE(directory.addInstrument(Instrument::create(spec).value()));
    ASSERT_TRUE(directory.addAccount(AccountId{1}, Currency::parse("USD").value()));
    ASSERT_TRUE(directory.addAccount(AccountId{2}, Currency::parse("JPY").value()));
  }

  Directory directory;
};

TEST_F(JsonEvents, NewOrderAcknowledgement) {
  EngineEvent e = event(EventKind::ExecutionReport);
  e.requestId = 42;
  engine::ExecutionReport& r = blankReport(e);
  r.orderId = OrderId{5};
  r.account = AccountId{1};
  r.instrument = InstrumentId{1};
  r.clientOrderId = ClientOrderId::fromTrusted("ord-1");
  r.execId = 9;
  r.execType = oms::ExecType::New;
  r.status = oms::OrdStatus::New;
  r.side = Side::Buy;
  r.price = Price::fromRaw(15005);
  r.orderQuantity = Quantity::fromRaw(100);
  r.leavesQuantity = Quantity::fromRaw(100);
  EXPECT_EQ(formatEvent(e, directory),
            R"({"event":"execution_report","sequence":12,"time":1700000000000000123,"requestId":42,"orderId":5,)"
            R"("account":1,"instrument":1,"symbol":"AAA","clientOrderId":"ord-1","execId":9,"execType":"new",)"
            R"("status":"new","side":"buy","orderType":"limit","timeInForce":"gtc","price":"150.05",)"
            R"("quantity":"100","cumQuantity":"0","leavesQuantity":"100","totalFees":"0.00","feeCurrency":"USD"})");
}

TEST_F(JsonEvents, TradeReportCarriesTheFillAndFeesInTheInstrumentCurrency) {
  EngineEvent e = event(EventKind::ExecutionReport);
  engine::ExecutionReport& r = blankReport(e);
  r.orderId = OrderId{6};
  r.account = AccountId{2};
  r.instrument = InstrumentId{2};
  r.clientOrderId = ClientOrderId::fromTrusted("new-id");
  r.origClientOrderId = ClientOrderId::fromTrusted("old-id");
  r.execId = 10;
  r.tradeId = TradeId{3};
  r.execType = oms::ExecType::Trade;
  r.status = oms::OrdStatus::PartiallyFilled;
  r.side = Side::Sell;
  r.timeInForce = book::TimeInForce::Day;
  r.price = Price::fromRaw(350000);
  r.orderQuantity = Quantity::fromRaw(25000);  // 2.5000
  r.lastQuantity = Quantity::fromRaw(5);       // 0.0005
  r.lastPrice = Price::fromRaw(350001);
  r.cumQuantity = Quantity::fromRaw(5);
  r.leavesQuantity = Quantity::fromRaw(24995);
  r.averagePrice = Price::fromRaw(350001);
  r.liquidity = engine::Liquidity::Maker;
  r.lastFee = Money::fromRaw(2);  // yen: no minor units
  r.totalFees = Money::fromRaw(2);
  const json j = json::parse(formatEvent(e, directory));
  EXPECT_FALSE(j.contains("requestId"));  // not an answer to this gateway's request
  EXPECT_EQ(j["symbol"], "ETH-JPY");
  EXPECT_EQ(j["origClientOrderId"], "old-id");
  EXPECT_EQ(j["execType"], "trade");
  EXPECT_EQ(j["status"], "partially_filled");
  EXPECT_EQ(j["side"], "sell");
  EXPECT_EQ(j["timeInForce"], "day");
  EXPECT_EQ(j["price"], "350000");
  EXPECT_EQ(j["quantity"], "2.5000");
  EXPECT_EQ(j["lastQuantity"], "0.0005");
  EXPECT_EQ(j["lastPrice"], "350001");
  EXPECT_EQ(j["tradeId"], 3);
  EXPECT_EQ(j["liquidity"], "maker");
  EXPECT_EQ(j["lastFee"], "2");
  EXPECT_EQ(j["cumQuantity"], "0.0005");
  EXPECT_EQ(j["leavesQuantity"], "2.4995");
  EXPECT_EQ(j["averagePrice"], "350001");
  EXPECT_EQ(j["totalFees"], "2");
  EXPECT_EQ(j["feeCurrency"], "JPY");
  EXPECT_FALSE(j.contains("stopPrice"));
  EXPECT_FALSE(j.contains("reason"));
}

TEST_F(JsonEvents, RiskRejectionFormatsLimitAndValueByUnit) {
  EngineEvent e = event(EventKind::ExecutionReport);
  engine::ExecutionReport& r = blankReport(e);
  r.orderId = OrderId{7};
  r.account = AccountId{1};
  r.instrument = InstrumentId{1};
  r.execType = oms::ExecType::Rejected;
  r.status = oms::OrdStatus::Rejected;
  r.side = Side::Buy;
  r.price = Price::fromRaw(10000);
  r.orderQuantity = Quantity::fromRaw(1500);
  r.rejectSource = oms::RejectSource::Risk;

  r.rejectCode = static_cast<std::uint8_t>(risk::RiskRule::MaxOrderQuantity);
  r.riskUnit = static_cast<std::uint8_t>(risk::RiskUnit::Quantity);
  r.riskLimit = 1000;
  r.riskValue = 1500;
  EXPECT_EQ(json::parse(formatEvent(e, directory))["reason"].dump(),
            R"({"source":"risk","code":"max_order_quantity","message":"max order quantity: 1500 exceeds the limit )"
            R"(of 1000","unit":"quantity","limit":"1000","value":"1500"})");

  r.rejectCode = static_cast<std::uint8_t>(risk::RiskRule::BuyingPower);
  r.riskUnit = static_cast<std::uint8_t>(risk::RiskUnit::Money);
  r.riskLimit = 99'999;   // available
  r.riskValue = 150'000;  // required
  const json money = json::parse(formatEvent(e, directory))["reason"];
  EXPECT_EQ(money["code"], "buying_power");
  EXPECT_EQ(money["unit"], "money");
  EXPECT_EQ(money["limit"], "999.99");
  EXPECT_EQ(money["value"], "1500.00");
  EXPECT_EQ(money["message"], "buying power: 1500.00 USD required exceeds the 999.99 USD available");

  r.rejectCode = static_cast<std::uint8_t>(risk::RiskRule::PriceCollarPercent);
  r.riskUnit = static_cast<std::uint8_t>(risk::RiskUnit::BasisPoints);
  r.riskLimit = 500;
  r.riskValue = 731;
  const json collar = json::parse(formatEvent(e, directory))["reason"];
  EXPECT_EQ(collar["limit"], 500);  // counts stay integers
  EXPECT_EQ(collar["value"], 731);
  EXPECT_EQ(collar["message"], "price collar: 731 bp from the reference price exceeds the limit of 500 bp");

  r.rejectCode = static_cast<std::uint8_t>(risk::RiskRule::MaxLeverage);
  r.riskUnit = static_cast<std::uint8_t>(risk::RiskUnit::Ratio);
  r.riskLimit = 250;
  r.riskValue = 311;
  const json leverage = json::parse(formatEvent(e, directory))["reason"];
  EXPECT_EQ(leverage["limit"], "2.50");
  EXPECT_EQ(leverage["value"], "3.11");
  EXPECT_EQ(leverage["message"], "max leverage: 3.11x exceeds the limit of 2.50x");

  r.rejectCode = static_cast<std::uint8_t>(risk::RiskRule::KillSwitch);
  r.riskUnit = 0;
  r.riskLimit = 0;
  r.riskValue = 0;
  EXPECT_EQ(json::parse(formatEvent(e, directory))["reason"].dump(),
            R"({"source":"risk","code":"kill_switch","message":"kill switch: new orders are blocked"})");
}

TEST_F(JsonEvents, EngineAndVenueRejectionsAndCancelReasons) {
  EngineEvent e = event(EventKind::ExecutionReport);
  engine::ExecutionReport& r = blankReport(e);
  r.account = AccountId{1};
  r.instrument = InstrumentId{1};
  r.execType = oms::ExecType::Rejected;
  r.status = oms::OrdStatus::Rejected;
  r.rejectSource = oms::RejectSource::Engine;
  r.rejectCode = static_cast<std::uint8_t>(engine::RejectCode::DuplicateClientOrderId);
  json j = json::parse(formatEvent(e, directory));
  EXPECT_FALSE(j.contains("orderId"));  // refused before it got one
  EXPECT_EQ(j["reason"]["source"], "engine");
  EXPECT_EQ(j["reason"]["code"], "duplicate_client_order_id");

  r.rejectSource = oms::RejectSource::Venue;
  r.rejectCode = static_cast<std::uint8_t>(book::RejectReason::WouldTakeLiquidity);
  j = json::parse(formatEvent(e, directory));
  EXPECT_EQ(j["reason"]["source"], "venue");
  EXPECT_EQ(j["reason"]["code"], "would_take_liquidity");
  EXPECT_EQ(j["reason"]["message"], "the post-only order would have traded on entry");

  // On a canceled order the venue's code is a CancelReason (the same number means another thing).
  r.execType = oms::ExecType::Canceled;
  r.status = oms::OrdStatus::Canceled;
  r.rejectCode = static_cast<std::uint8_t>(book::CancelReason::ImmediateOrCancel);
  j = json::parse(formatEvent(e, directory));
  EXPECT_EQ(j["reason"]["code"], "immediate_or_cancel");
  EXPECT_EQ(j["execType"], "canceled");
}

TEST_F(JsonEvents, AnUnknownInstrumentKeepsIdsButPrintsNoDecimals) {
  EngineEvent e = event(EventKind::ExecutionReport);
  engine::ExecutionReport& r = blankReport(e);
  r.account = AccountId{1};
  r.instrument = InstrumentId{77};
  r.price = Price::fromRaw(15005);
  r.orderQuantity = Quantity::fromRaw(10);
  r.execType = oms::ExecType::Rejected;
  r.status = oms::OrdStatus::Rejected;
  r.rejectSource = oms::RejectSource::Engine;
  r.rejectCode = static_cast<std::uint8_t>(engine::RejectCode::UnknownInstrument);
  const json j = json::parse(formatEvent(e, directory));
  EXPECT_EQ(j["instrument"], 77);
  EXPECT_FALSE(j.contains("symbol"));
  EXPECT_FALSE(j.contains("price"));
  EXPECT_FALSE(j.contains("quantity"));
  EXPECT_EQ(j["reason"]["message"], "instrument 77 is not defined");
}

TEST_F(JsonEvents, CancelReject) {
  EngineEvent e = event(EventKind::CancelReject);
  e.requestId = 8;
  engine::CancelRejectReport& r = e.body.cancelReject;
  r.orderId = OrderId{5};
  r.account = AccountId{1};
  r.clientOrderId = ClientOrderId::fromTrusted("cxl-1");
  r.origClientOrderId = ClientOrderId::fromTrusted("ord-1");
  r.status = oms::OrdStatus::Filled;
  r.replace = false;
  r.rejectSource = oms::RejectSource::Engine;
  r.rejectCode = static_cast<std::uint8_t>(engine::RejectCode::OrderNotLive);
  EXPECT_EQ(formatEvent(e, directory),
            R"({"event":"cancel_reject","sequence":12,"time":1700000000000000123,"requestId":8,"orderId":5,)"
            R"("account":1,"clientOrderId":"cxl-1","origClientOrderId":"ord-1","status":"filled",)"
            R"("responseTo":"cancel","reason":{"source":"engine","code":"order_not_live",)"
            R"("message":"the order has already finished"}})");

  // A replace refused by risk: money figures in the account's currency.
  r.replace = true;
  r.rejectSource = oms::RejectSource::Risk;
  r.rejectCode = static_cast<std::uint8_t>(risk::RiskRule::MaxOrderNotional);
  r.riskUnit = static_cast<std::uint8_t>(risk::RiskUnit::Money);
  r.riskLimit = 100'000;
  r.riskValue = 100'001;
  const json j = json::parse(formatEvent(e, directory));
  EXPECT_EQ(j["responseTo"], "replace");
  EXPECT_EQ(j["reason"]["limit"], "1000.00");
  EXPECT_EQ(j["reason"]["value"], "1000.01");
  EXPECT_EQ(j["reason"]["message"], "max order notional: 1000.01 USD exceeds the limit of 1000.00 USD");
}

TEST_F(JsonEvents, CommandResults) {
  EngineEvent e = event(EventKind::CommandResult);
  e.requestId = 3;
  engine::CommandResultReport& r = e.body.result;
  r.commandType = static_cast<std::uint8_t>(engine::CommandType::MassCancel);
  r.accepted = true;
  r.subject = 1;
  r.value = 4;
  EXPECT_EQ(formatEvent(e, directory),
            R"({"event":"command_result","sequence":12,"time":1700000000000000123,"requestId":3,)"
            R"("command":"mass_cancel","accepted":true,"subject":1,"value":4})");
  r.commandType = static_cast<std::uint8_t>(engine::CommandType::OpenAccount);
  r.accepted = false;
  r.code = engine::RejectCode::AlreadyExists;
  r.value = 0;
  EXPECT_EQ(formatEvent(e, directory),
            R"({"event":"command_result","sequence":12,"time":1700000000000000123,"requestId":3,)"
            R"("command":"open_account","accepted":false,"code":"already_exists",)"
            R"("message":"the id (or symbol) already exists","subject":1,"value":0})");
  // A future's schedule gives its price, when it named one, with the instrument's precision.
  r.commandType = static_cast<std::uint8_t>(engine::CommandType::ScheduleSettlement);
  r.accepted = true;
  r.code = engine::RejectCode::None;
  r.value = 1800000000000000000;
  r.detail = 123456;
  EXPECT_EQ(formatEvent(e, directory),
            R"({"event":"command_result","sequence":12,"time":1700000000000000123,"requestId":3,)"
            R"("command":"schedule_settlement","accepted":true,"subject":1,"value":1800000000000000000,)"
            R"("price":"1234.56"})");
  r.detail = Price::undefined().raw();  // settles at its mark then: no price to give
  EXPECT_EQ(formatEvent(e, directory),
            R"({"event":"command_result","sequence":12,"time":1700000000000000123,"requestId":3,)"
            R"("command":"schedule_settlement","accepted":true,"subject":1,"value":1800000000000000000})");
}

TEST_F(JsonEvents, PublicTradeAndQuote) {
  EngineEvent t = event(EventKind::PublicTrade);
  t.body.trade.instrument = InstrumentId{2};
  t.body.trade.tradeId = TradeId{11};
  t.body.trade.price = Price::fromRaw(350000);
  t.body.trade.quantity = Quantity::fromRaw(12345);
  t.body.trade.aggressor = Side::Buy;
  EXPECT_EQ(formatEvent(t, directory),
            R"({"event":"public_trade","sequence":12,"time":1700000000000000123,"instrument":2,)"
            R"("symbol":"ETH-JPY","tradeId":11,"price":"350000","quantity":"1.2345","aggressor":"buy"})");

  EngineEvent q = event(EventKind::Quote);
  q.body.quote.instrument = InstrumentId{1};
  q.body.quote.bidPrice = Price::fromRaw(14999);
  q.body.quote.bidQuantity = Quantity::fromRaw(300);
  q.body.quote.askPrice = Price::undefined();
  q.body.quote.lastPrice = Price::fromRaw(15000);
  EXPECT_EQ(formatEvent(q, directory),
            R"({"event":"quote","sequence":12,"time":1700000000000000123,"instrument":1,"symbol":"AAA",)"
            R"("bid":"149.99","bidQuantity":"300","last":"150.00"})");
}

TEST(FormatError, NamesTheFieldAndEchoesTheRequest) {
  EXPECT_EQ(formatError(makeError("price", "price 1.001 has more than 2 decimal places"), 7),
            R"({"event":"error","field":"price","message":"price 1.001 has more than 2 decimal places",)"
            R"("requestId":7})");
  EXPECT_EQ(formatError(makeError("", "malformed JSON: \"x\""), 0),
            R"({"event":"error","field":"","message":"malformed JSON: \"x\""})");
  // Not valid UTF-8 from a client: replaced, never a throw.
  EXPECT_NO_THROW((void)formatError(makeError("\xff", "bad \xc3"), 0));
}

// ---- a real engine driven by JSON lines ----

class EngineOverJson : public ::testing::Test {
 protected:
  // Parses a line, stamps it like the sequencer, applies it and returns its events as JSON.
  std::vector<json> run(std::string_view line) {
    auto c = parseCommand(line, directory, 1);
    EXPECT_TRUE(c.ok()) << line << "\n  -> " << (c.ok() ? "" : c.error().field + ": " + c.error().message);
    if (!c.ok()) return {};
    engine::Command command = c.value();
    command.header.sequence = ++sequence;
    command.header.time = Timestamp{1'700'000'000'000'000'000 + static_cast<std::int64_t>(sequence) * 1'000'000};
    std::vector<EngineEvent> events;
    engine.apply(command, events);
    std::vector<json> out;
    for (const EngineEvent& e : events) {
      const std::string text = formatEvent(e, directory);
      EXPECT_EQ(text.find('\n'), std::string::npos);
      out.push_back(json::parse(text));
    }
    return out;
  }

  static const json* find(const std::vector<json>& events, std::string_view kind, std::uint64_t orderId = 0) {
    for (const json& j : events) {
      if (j["event"] != kind) continue;
      if (orderId != 0 && j.value("orderId", std::uint64_t{0}) != orderId) continue;
      return &j;
    }
    return nullptr;
  }

  static bool accepted(const std::vector<json>& events) {
    const json* r = find(events, "command_result");
    return r != nullptr && (*r)["accepted"] == true;
  }

  engine::Engine engine;
  Directory directory;
  std::uint64_t sequence = 0;
};

TEST_F(EngineOverJson, CrossTwoOrdersAndRejectOneByRisk) {
  ASSERT_TRUE(accepted(run(R"({"type":"define_instrument","instrument":1,"symbol":"AAA"})")));
  ASSERT_TRUE(accepted(run(R"({"type":"open_account","account":1,"currency":"USD","takerFeePpm":100})")));
  ASSERT_TRUE(accepted(run(R"({"type":"open_account","account":2,"currency":"USD"})")));
  ASSERT_TRUE(accepted(run(R"({"type":"adjust_cash","account":1,"currency":"USD","amount":"1000000"})")));
  ASSERT_TRUE(accepted(run(R"({"type":"adjust_cash","account":2,"currency":"USD","amount":"1000000"})")));
  ASSERT_TRUE(accepted(run(R"({"type":"set_fx_rate","base":"EUR","quote":"USD","rate":"1.085"})")));
  // The seller holds no AAA: a cash account may not sell short, so it sells from a margin account.
  ASSERT_TRUE(accepted(run(R"({"type":"open_account","account":3,"currency":"USD","accountType":"margin"})")));
  ASSERT_TRUE(accepted(run(R"({"type":"adjust_cash","account":3,"currency":"USD","amount":"1000000"})")));

  const auto rest = run(R"({"type":"new_order","requestId":100,"account":3,"symbol":"AAA","clientOrderId":"s-1",)"
                        R"("side":"sell","quantity":"100","price":"150.05"})");
  const json* ack = find(rest, "execution_report");
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ((*ack)["execType"], "new");
  EXPECT_EQ((*ack)["requestId"], 100);
  EXPECT_EQ((*ack)["price"], "150.05");
  EXPECT_EQ((*ack)["leavesQuantity"], "100");
  const std::uint64_t sellId = (*ack)["orderId"].get<std::uint64_t>();

  const auto cross = run(R"({"type":"new_order","requestId":101,"account":1,"symbol":"AAA","clientOrderId":"b-1",)"
                         R"("side":"buy","quantity":"150","price":"150.10"})");
  const json* buyAck = find(cross, "execution_report");
  ASSERT_NE(buyAck, nullptr);
  const std::uint64_t buyId = (*buyAck)["orderId"].get<std::uint64_t>();
  const json* buyFill = nullptr;
  const json* sellFill = nullptr;
  for (const json& j : cross) {
    if (j["event"] != "execution_report" || j["execType"] != "trade") continue;
    (j["orderId"] == buyId ? buyFill : sellFill) = &j;
  }
  ASSERT_NE(buyFill, nullptr);
  ASSERT_NE(sellFill, nullptr);
  EXPECT_EQ((*buyFill)["requestId"], 101);        // answers the request ...
  EXPECT_FALSE(sellFill->contains("requestId"));  // ... the resting side's report does not
  EXPECT_EQ((*buyFill)["lastPrice"], "150.05");
  EXPECT_EQ((*buyFill)["lastQuantity"], "100");
  EXPECT_EQ((*buyFill)["cumQuantity"], "100");
  EXPECT_EQ((*buyFill)["leavesQuantity"], "50");
  EXPECT_EQ((*buyFill)["averagePrice"], "150.05");
  EXPECT_EQ((*buyFill)["status"], "partially_filled");
  EXPECT_EQ((*buyFill)["liquidity"], "taker");
  EXPECT_EQ((*buyFill)["lastFee"], "1.50");  // 1 bp of 15005.00, rounded to the cent
  EXPECT_EQ((*buyFill)["totalFees"], "1.50");
  EXPECT_EQ((*sellFill)["orderId"], sellId);
  EXPECT_EQ((*sellFill)["status"], "filled");
  EXPECT_EQ((*sellFill)["liquidity"], "maker");
  EXPECT_EQ((*sellFill)["lastFee"], "0.00");
  const json* tape = find(cross, "public_trade");
  ASSERT_NE(tape, nullptr);
  EXPECT_EQ((*tape)["price"], "150.05");
  EXPECT_EQ((*tape)["quantity"], "100");
  EXPECT_EQ((*tape)["aggressor"], "buy");
  const json* top = find(cross, "quote");
  ASSERT_NE(top, nullptr);
  EXPECT_EQ((*top)["bid"], "150.10");
  EXPECT_EQ((*top)["bidQuantity"], "50");
  EXPECT_EQ((*top)["last"], "150.05");
  EXPECT_FALSE(top->contains("ask"));

  // Risk: an instrument limit, then an order above it.
  ASSERT_TRUE(
      accepted(run(R"({"type":"set_instrument_limits","account":1,"symbol":"AAA","maxOrderQuantity":"1000"})")));
  const auto refused = run(R"({"type":"new_order","requestId":102,"account":1,"symbol":"AAA","side":"buy",)"
                           R"("quantity":"1500","price":"150.00"})");
  const json* reject = find(refused, "execution_report");
  ASSERT_NE(reject, nullptr);
  EXPECT_EQ((*reject)["execType"], "rejected");
  EXPECT_EQ((*reject)["requestId"], 102);
  EXPECT_EQ((*reject)["reason"].dump(),
            R"({"source":"risk","code":"max_order_quantity","message":"max order quantity: 1500 exceeds the limit )"
            R"(of 1000","unit":"quantity","limit":"1000","value":"1500"})");

  // Money: a notional limit in the account's currency.
  ASSERT_TRUE(accepted(run(R"({"type":"set_account_limits","account":1,"maxOrderNotional":"1000.00"})")));
  const auto tooBig = run(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"10",)"
                          R"("price":"150.00"})");
  const json* notional = find(tooBig, "execution_report");
  ASSERT_NE(notional, nullptr);
  EXPECT_EQ((*notional)["reason"]["code"], "max_order_notional");
  EXPECT_EQ((*notional)["reason"]["limit"], "1000.00");
  EXPECT_EQ((*notional)["reason"]["value"], "1500.00");
  EXPECT_EQ((*notional)["reason"]["message"], "max order notional: 1500.00 USD exceeds the limit of 1000.00 USD");

  // The rest of the buy is cancelled on request: the reason is the cancel reason.
  const auto cancel = run(R"({"type":"cancel_order","account":1,"origClientOrderId":"b-1","clientOrderId":"c-1"})");
  const json* canceled = find(cancel, "execution_report");
  ASSERT_NE(canceled, nullptr);
  EXPECT_EQ((*canceled)["execType"], "canceled");
  EXPECT_EQ((*canceled)["clientOrderId"], "c-1");
  EXPECT_EQ((*canceled)["origClientOrderId"], "b-1");
  EXPECT_EQ((*canceled)["leavesQuantity"], "0");
  EXPECT_EQ((*canceled)["reason"]["code"], "requested");

  // And again: the order has finished.
  const auto again = run(R"({"type":"cancel_order","account":1,"orderId":)" + std::to_string(buyId) + "}");
  const json* cxlReject = find(again, "cancel_reject");
  ASSERT_NE(cxlReject, nullptr);
  EXPECT_EQ((*cxlReject)["reason"]["code"], "order_not_live");
  EXPECT_EQ((*cxlReject)["status"], "canceled");
}

TEST_F(EngineOverJson, AnIocRemainderIsCanceledWithItsReason) {
  ASSERT_TRUE(accepted(run(R"({"type":"define_instrument","instrument":1,"symbol":"AAA"})")));
  ASSERT_TRUE(accepted(run(R"({"type":"open_account","account":1,"currency":"USD","accountType":"margin"})")));
  ASSERT_TRUE(accepted(run(R"({"type":"open_account","account":2,"currency":"USD","accountType":"margin"})")));
  for (int a : {1, 2}) {
    ASSERT_TRUE(accepted(
        run(R"({"type":"adjust_cash","currency":"USD","amount":"100000","account":)" + std::to_string(a) + "}")));
  }
  (void)run(R"({"type":"new_order","account":2,"symbol":"AAA","side":"sell","quantity":"10","price":"10"})");
  const auto ioc = run(R"({"type":"new_order","account":1,"symbol":"AAA","side":"buy","quantity":"25","price":"10",)"
                       R"("timeInForce":"ioc"})");
  const json* rest = nullptr;
  for (const json& j : ioc) {
    if (j["event"] == "execution_report" && j["execType"] == "canceled") rest = &j;
  }
  ASSERT_NE(rest, nullptr);
  EXPECT_EQ((*rest)["cumQuantity"], "10");
  EXPECT_EQ((*rest)["reason"].dump(), R"({"source":"venue","code":"immediate_or_cancel",)"
                                      R"("message":"the unfilled rest of an immediate-or-cancel or market order"})");
}

TEST_F(EngineOverJson, TheDirectoryLoadsFromARunningEngine) {
  ASSERT_TRUE(accepted(run(R"({"type":"define_instrument","instrument":4,"symbol":"BBB","pricePrecision":3})")));
  ASSERT_TRUE(accepted(run(R"({"type":"open_account","account":9,"currency":"CHF"})")));
  Directory fresh;
  fresh.addInstruments(engine.instruments());
  std::vector<AccountId> ids;
  engine.ledger().accountIds(ids);
  for (AccountId id : ids) fresh.addAccount(id, engine.ledger().account(id)->baseCurrency());
  ASSERT_NE(fresh.instrumentBySymbol("BBB"), nullptr);
  EXPECT_EQ(fresh.instrumentBySymbol("BBB")->pricePrecision(), 3);
  EXPECT_EQ(fresh.accountCurrency(AccountId{9})->code(), "CHF");
}

}  // namespace
}  // namespace alphintra::api
