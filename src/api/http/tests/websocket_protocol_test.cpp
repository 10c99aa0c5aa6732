// The WebSocket API's request parser and message formats: every refusal names its field and
// carries the request's id when it had one; messages are the JSON the contract describes.
#include "api/http/websocket_protocol.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/http/websocket_book.hpp"

namespace alphintra::api::http {
namespace {

WsError errorOf(std::string_view text) {
  auto parsed = parseWsRequest(text);
  EXPECT_TRUE(std::holds_alternative<WsError>(parsed)) << text;
  if (auto* e = std::get_if<WsError>(&parsed)) return *e;
  return {};
}

WsRequest requestOf(std::string_view text) {
  auto parsed = parseWsRequest(text);
  if (auto* e = std::get_if<WsError>(&parsed)) ADD_FAILURE() << text << ": " << e->message;
  if (auto* r = std::get_if<WsRequest>(&parsed)) return *r;
  return {};
}

Instrument aapl() {
  InstrumentSpec spec;
  spec.id = 1;
  spec.symbol = "AAPL";
  spec.tickSize = "0.01";
  return Instrument::create(spec).value();
}

TEST(WebSocketProtocol, ParsesEachOp) {
  const WsRequest auth = requestOf(R"({"id":1,"op":"authenticate","token":"abc"})");
  EXPECT_EQ(auth.id, 1);
  EXPECT_EQ(auth.op, WsOp::Authenticate);
  EXPECT_EQ(auth.token, "abc");

  const WsRequest sub = requestOf(R"({"id":2,"op":"subscribe","channel":"quotes","symbols":["AAPL","MSFT"]})");
  EXPECT_EQ(sub.op, WsOp::Subscribe);
  EXPECT_EQ(sub.channel, WsChannel::Quotes);
  EXPECT_EQ(sub.symbols, (std::vector<std::string>{"AAPL", "MSFT"}));

  const WsRequest bars =
      requestOf(R"({"id":3,"op":"unsubscribe","channel":"bars","symbols":["AAPL"],"interval":"1m"})");
  EXPECT_EQ(bars.op, WsOp::Unsubscribe);
  EXPECT_EQ(bars.channel, WsChannel::Bars);
  EXPECT_EQ(bars.interval, "1m");

  const WsRequest orders = requestOf(R"({"id":4,"op":"subscribe","channel":"orders"})");
  EXPECT_EQ(orders.channel, WsChannel::Orders);
  EXPECT_TRUE(orders.symbols.empty());

  EXPECT_EQ(requestOf(R"({"op":"ping","id":-5})").id, -5);
}

TEST(WebSocketProtocol, MalformedJsonHasNoId) {
  const WsError e = errorOf(R"({"id":1,"op":)");
  EXPECT_EQ(e.code, "malformed_json");
  EXPECT_FALSE(e.id.has_value());
  EXPECT_EQ(errorOf("[1,2]").code, "invalid_request");
}

TEST(WebSocketProtocol, IdMustBeAnInteger) {
  EXPECT_EQ(errorOf(R"({"op":"ping"})").field, "id");
  EXPECT_EQ(errorOf(R"({"id":"1","op":"ping"})").field, "id");
  EXPECT_EQ(errorOf(R"({"id":1.5,"op":"ping"})").field, "id");
}

TEST(WebSocketProtocol, RefusalsNameTheField) {
  struct Case {
    const char* text;
    const char* code;
    const char* field;
  };
  const Case cases[] = {
      {R"({"id":7,"op":"fly"})", "unknown_op", "op"},
      {R"({"id":7})", "invalid_request", "op"},
      {R"({"id":7,"op":3})", "invalid_request", "op"},
      {R"({"id":7,"op":"authenticate"})", "invalid_request", "token"},
      {R"({"id":7,"op":"authenticate","token":""})", "invalid_request", "token"},
      {R"({"id":7,"op":"authenticate","token":"t","extra":1})", "invalid_request", "extra"},
      {R"({"id":7,"op":"subscribe","symbols":["AAPL"]})", "invalid_request", "channel"},
      {R"({"id":7,"op":"subscribe","channel":"news","symbols":["AAPL"]})", "unknown_channel", "channel"},
      {R"({"id":7,"op":"subscribe","channel":"quotes"})", "invalid_request", "symbols"},
      {R"({"id":7,"op":"subscribe","channel":"quotes","symbols":[]})", "invalid_request", "symbols"},
      {R"({"id":7,"op":"subscribe","channel":"quotes","symbols":"AAPL"})", "invalid_request", "symbols"},
      {R"({"id":7,"op":"subscribe","channel":"quotes","symbols":[1]})", "invalid_request", "symbols"},
      {R"({"id":7,"op":"subscribe","channel":"orders","symbols":["AAPL"]})", "invalid_request", "symbols"},
      {R"({"id":7,"op":"subscribe","channel":"bars","symbols":["AAPL"]})", "invalid_request", "interval"},
      {R"({"id":7,"op":"subscribe","channel":"quotes","symbols":["AAPL"],"interval":"1m"})", "invalid_request",
       "interval"},
      {R"({"id":7,"op":"ping","op":"ping"})", "invalid_request", "op"},
      {R"({"id":7,"op":"ping","token":"x"})", "invalid_request", "token"},
  };
  for (const Case& c : cases) {
    const WsError e = errorOf(c.text);
    EXPECT_EQ(e.code, c.code) << c.text;
    EXPECT_EQ(e.field, c.field) << c.text;
    EXPECT_EQ(e.id, std::optional<std::int64_t>{7}) << c.text;
    EXPECT_FALSE(e.message.empty()) << c.text;
  }
}

TEST(WebSocketProtocol, TooManySymbolsIsRefused) {
  nlohmann::json j = {{"id", 1}, {"op", "subscribe"}, {"channel", "trades"}};
  j["symbols"] = std::vector<std::string>(kWsMaxSymbolsPerRequest + 1, "AAPL");
  EXPECT_EQ(errorOf(j.dump()).field, "symbols");
}

TEST(WebSocketProtocol, AckErrorAndHeartbeatAreJson) {
  EXPECT_EQ(nlohmann::json::parse(wsAck(12)), (nlohmann::json{{"type", "ack"}, {"id", 12}}));
  const auto e = nlohmann::json::parse(wsError(WsError{std::nullopt, "malformed_json", "bad \"x\"\n", ""}));
  EXPECT_EQ(e["type"], "error");
  EXPECT_TRUE(e["id"].is_null());
  EXPECT_EQ(e["message"], "bad \"x\"\n");
  EXPECT_EQ(e["field"], "");
  const auto h = nlohmann::json::parse(wsHeartbeat(1'700'000'000'000'000'000));
  EXPECT_EQ(h["type"], "heartbeat");
  EXPECT_EQ(h["time"], 1'700'000'000'000'000'000);
}

TEST(WebSocketProtocol, QuoteAndTradeUseTheInstrumentsPrecision) {
  engine::QuoteReport q;
  q.instrument = InstrumentId{1};
  q.bidPrice = Price::fromRaw(15001);
  q.bidQuantity = Quantity::fromRaw(300);
  q.lastPrice = Price::fromRaw(15000);
  const auto quote = nlohmann::json::parse(wsQuote(aapl(), q, 42));
  EXPECT_EQ(quote["type"], "quote");
  EXPECT_EQ(quote["symbol"], "AAPL");
  EXPECT_EQ(quote["bid"], "150.01");
  EXPECT_EQ(quote["bidQuantity"], "300");
  EXPECT_FALSE(quote.contains("ask"));  // no ask side: left out, not "undefined"
  EXPECT_EQ(quote["last"], "150.00");
  EXPECT_EQ(quote["time"], 42);

  engine::PublicTradeReport t;
  t.instrument = InstrumentId{1};
  t.price = Price::fromRaw(14999);
  t.quantity = Quantity::fromRaw(5);
  t.aggressor = Side::Sell;
  const auto trade = nlohmann::json::parse(wsTrade(aapl(), t, 43));
  EXPECT_EQ(trade["price"], "149.99");
  EXPECT_EQ(trade["quantity"], "5");
  EXPECT_EQ(trade["aggressor"], "sell");
}

TEST(WebSocketProtocol, BookAndBarMessages) {
  const std::vector<book::LevelView> bids{{Price::fromRaw(15000), Quantity::fromRaw(10), 1}};
  const auto b = nlohmann::json::parse(wsBook(aapl(), 9, true, bids, {}));
  EXPECT_EQ(b["sequence"], 9);
  EXPECT_EQ(b["snapshot"], true);
  EXPECT_EQ(b["bids"], nlohmann::json::parse(R"([{"price":"150.00","quantity":"10"}])"));
  EXPECT_EQ(b["asks"], nlohmann::json::array());

  marketdata::Bar bar;
  bar.start = Timestamp::fromSeconds(1'700'000'040);
  bar.open = Price::fromRaw(100);
  bar.high = Price::fromRaw(120);
  bar.low = Price::fromRaw(90);
  bar.close = Price::fromRaw(110);
  bar.volume = Quantity::fromRaw(7);
  const auto j = nlohmann::json::parse(wsBar(aapl(), "1m", bar));
  EXPECT_EQ(j["time"], 1'700'000'040);
  EXPECT_EQ(j["interval"], "1m");
  EXPECT_EQ(j["open"], "1.00");
  EXPECT_EQ(j["high"], "1.20");
  EXPECT_EQ(j["volume"], "7");
}

TEST(WebSocketProtocol, OrderReplacesTheEventMember) {
  const auto j = nlohmann::json::parse(wsOrder(R"({"event":"execution_report","sequence":3,"orderId":9})"));
  EXPECT_EQ(j["type"], "order");
  EXPECT_FALSE(j.contains("event"));
  EXPECT_EQ(j["orderId"], 9);
}

TEST(WebSocketBook, DiffSetsChangedLevelsAndRemovesMissingOnes) {
  const auto level = [](std::int64_t price, std::int64_t quantity) {
    return book::LevelView{Price::fromRaw(price), Quantity::fromRaw(quantity), 1};
  };
  const std::vector<book::LevelView> before{level(100, 5), level(99, 3), level(98, 1)};
  const std::vector<book::LevelView> after{level(101, 2), level(100, 5), level(99, 4)};
  std::vector<book::LevelView> out;
  diffSide(before, after, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].price.raw(), 101);  // new level
  EXPECT_EQ(out[0].quantity.raw(), 2);
  EXPECT_EQ(out[1].price.raw(), 99);  // changed quantity
  EXPECT_EQ(out[1].quantity.raw(), 4);
  EXPECT_EQ(out[2].price.raw(), 98);  // gone: quantity 0
  EXPECT_EQ(out[2].quantity.raw(), 0);

  out.clear();
  diffSide(after, after, out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace alphintra::api::http
