// RestApi without sockets: requests go straight to handle(), the "engine" is a vector the
// submit hook fills, and its answers are events handed to onEvent() as the publisher would.
// Covers the translation to engine commands, every 4xx the routes produce, waiting for the
// answer (201 / 422 / 404 / 409 / 504) and the read model behind GET.
#include "api/http/rest_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/tests/future_spec.hpp"

namespace alphintra::api::http {
namespace {

class RestApiTest : public ::testing::Test {
 protected:
  RestApiTest() {
    InstrumentSpec spec;
    spec.id = 1;
    spec.symbol = "AAPL";
    spec.tickSize = "0.05";
    auto instrument = Instrument::create(spec);
    directory.addInstrument(instrument.value());
    readModel.addInstrument(instrument.value());
    directory.addAccount(AccountId{1}, Currency::parse("USD").value());
    api.setReady(true);
  }

  std::optional<Response> call(Method method, std::string path, std::string body = "", std::string query = "") {
    std::optional<Response> out;
    Request request;
    request.method = method;
    request.path = std::move(path);
    request.query = std::move(query);
    request.body = std::move(body);
    api.handle(std::move(request), [&out](Response r) { out = std::move(r); });
    return out;
  }

  // The engine's accepted command_result answering `c`.
  static engine::EngineEvent commandResult(const engine::Command& c, std::uint64_t subject, std::int64_t value) {
    engine::EngineEvent e;
    e.kind = engine::EventKind::CommandResult;
    e.requestId = c.header.requestId;
    e.body.result = engine::CommandResultReport{};
    e.body.result.commandType = static_cast<std::uint8_t>(c.type());
    e.body.result.subject = subject;
    e.body.result.value = value;
    return e;
  }

  // The engine's report for the last submitted new order.
  engine::EngineEvent reportFor(const engine::Command& c, oms::ExecType type, oms::OrdStatus status) {
    engine::EngineEvent e;
    e.kind = engine::EventKind::ExecutionReport;
    e.source = c.header.source;
    e.requestId = c.header.requestId;
    e.commandSequence = 7;
    auto& r = e.body.execution;
    r = engine::ExecutionReport{};
    r.orderId = OrderId{42};
    r.account = AccountId{1};
    r.instrument = InstrumentId{1};
    r.execType = type;
    r.status = status;
    r.side = Side::Buy;
    r.price = Price::fromRaw(15000);
    r.orderQuantity = Quantity::fromRaw(10);
    r.leavesQuantity = Quantity::fromRaw(10);
    return e;
  }

  Directory directory;
  ReadModel readModel{[](AccountId a) { return a.value() < 1'000'000; }};
  std::vector<engine::Command> submitted;
  bool accepting = true;
  RestApi api{directory, readModel,
              [this](const engine::Command& c) {
                if (accepting) submitted.push_back(c);
                return accepting;
              },
              RestOptions{0, std::chrono::milliseconds{60'000}, {}}};
};

nlohmann::json bodyOf(const Response& r) { return nlohmann::json::parse(r.body); }

constexpr const char* kOrder =
    R"({"symbol":"AAPL","side":"buy","quantity":"10","price":"150.00","accountId":1,"clientOrderId":"t-1"})";

TEST_F(RestApiTest, HealthAndReadiness) {
  EXPECT_EQ(call(Method::Get, "/healthz")->status, 200u);
  EXPECT_EQ(call(Method::Get, "/readyz")->status, 200u);
  api.setReady(false);
  EXPECT_EQ(call(Method::Get, "/readyz")->status, 503u);
  EXPECT_EQ(call(Method::Post, "/api/v1/orders", kOrder)->status, 503u);
  EXPECT_EQ(call(Method::Post, "/healthz")->status, 405u);
  EXPECT_EQ(call(Method::Get, "/nowhere")->status, 404u);
}

TEST_F(RestApiTest, InstrumentsListed) {
  const auto r = call(Method::Get, "/api/v1/instruments");
  ASSERT_EQ(r->status, 200u);
  const auto j = bodyOf(*r)["instruments"];
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["symbol"], "AAPL");
  EXPECT_EQ(j[0]["tickSize"], "0.05");
  EXPECT_EQ(j[0]["status"], "continuous");
}

TEST_F(RestApiTest, BadOrdersNameTheField) {
  const auto expect400 = [&](const std::string& body, const std::string& field, const std::string& code) {
    const auto r = call(Method::Post, "/api/v1/orders", body);
    ASSERT_TRUE(r) << body;
    EXPECT_EQ(r->status, 400u) << body;
    const auto j = bodyOf(*r);
    EXPECT_EQ(j["field"], field) << body << " " << r->body;
    EXPECT_EQ(j["code"], code) << body;
    EXPECT_FALSE(j["message"].get<std::string>().empty());
  };
  expect400(R"({"symbol":"AAPL","side":"buy","quantity":"10","price":"150.01","accountId":1})", "price",
            "invalid_request");
  expect400(R"({"symbol":"ZZZ","side":"buy","quantity":"10","price":"150.00","accountId":1})", "symbol",
            "invalid_request");
  expect400(R"({"symbol":"AAPL","side":"buy","quantity":"10","price":"150.00","accountId":9})", "accountId",
            "invalid_request");
  expect400(R"({"symbol":"AAPL","side":"buy","quantity":"10","price":"150.00"})", "accountId", "invalid_request");
  expect400(R"({"symbol":"AAPL","side":"buy","quantity":"10","price":"150.00","account":1})", "account",
            "invalid_request");
  expect400(R"({"symbol":"AAPL","side":"buy","side":"sell","quantity":"10","price":"150.00","accountId":1})", "side",
            "invalid_request");
  expect400(R"({"symbol":"AAPL",)", "", "malformed_json");
  expect400(R"([1,2])", "", "invalid_request");
  expect400("", "", "invalid_request");
  EXPECT_TRUE(submitted.empty());
}

TEST_F(RestApiTest, NewOrderWaitsForTheEngineThenIsQueryable) {
  std::optional<Response> answer;
  Request request;
  request.method = Method::Post;
  request.path = "/api/v1/orders";
  request.body = kOrder;
  api.handle(std::move(request), [&answer](Response r) { answer = std::move(r); });
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_FALSE(answer) << "answered before the engine did";
  const engine::Command& c = submitted[0];
  EXPECT_EQ(c.type(), engine::CommandType::NewOrder);
  EXPECT_EQ(c.header.source, 0u);
  EXPECT_NE(c.header.requestId, 0u);
  EXPECT_EQ(c.body.newOrder.account, AccountId{1});
  EXPECT_EQ(c.body.newOrder.price, Price::fromRaw(15000));

  api.onEvent(reportFor(c, oms::ExecType::New, oms::OrdStatus::New));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 201u);
  EXPECT_EQ(bodyOf(*answer)["status"], "new");
  EXPECT_EQ(bodyOf(*answer)["orderId"], 42);

  const auto got = call(Method::Get, "/api/v1/orders/42");
  ASSERT_EQ(got->status, 200u);
  EXPECT_EQ(bodyOf(*got)["orderId"], 42);
  EXPECT_EQ(call(Method::Get, "/api/v1/orders/43")->status, 404u);
  const auto listed = call(Method::Get, "/api/v1/orders", "", "accountId=1&status=new&symbol=AAPL");
  ASSERT_EQ(listed->status, 200u);
  EXPECT_EQ(bodyOf(*listed)["orders"].size(), 1u);
  EXPECT_EQ(bodyOf(*call(Method::Get, "/api/v1/orders", "", "status=filled"))["orders"].size(), 0u);
  EXPECT_EQ(call(Method::Get, "/api/v1/orders", "", "status=nope")->status, 400u);
  EXPECT_EQ(call(Method::Get, "/api/v1/orders", "", "colour=red")->status, 400u);

  // Cancel: the command names the order's account (from the read model); a cancel reject for
  // an unknown order answers 404.
  std::optional<Response> cancelAnswer;
  Request cancel;
  cancel.method = Method::Delete;
  cancel.path = "/api/v1/orders/42";
  api.handle(std::move(cancel), [&cancelAnswer](Response r) { cancelAnswer = std::move(r); });
  ASSERT_EQ(submitted.size(), 2u);
  EXPECT_EQ(submitted[1].type(), engine::CommandType::CancelOrder);
  EXPECT_EQ(submitted[1].body.cancel.account, AccountId{1});
  EXPECT_EQ(submitted[1].body.cancel.orderId, OrderId{42});
  engine::EngineEvent reject;
  reject.kind = engine::EventKind::CancelReject;
  reject.requestId = submitted[1].header.requestId;
  reject.body.cancelReject = engine::CancelRejectReport{};
  reject.body.cancelReject.account = AccountId{1};
  reject.body.cancelReject.rejectCode = static_cast<std::uint8_t>(engine::RejectCode::OrderNotLive);
  api.onEvent(reject);
  ASSERT_TRUE(cancelAnswer);
  EXPECT_EQ(cancelAnswer->status, 409u);
  EXPECT_EQ(bodyOf(*cancelAnswer)["code"], "order_not_live");
}

TEST_F(RestApiTest, RejectionIs422WithTheReason) {
  std::optional<Response> answer;
  Request request;
  request.method = Method::Post;
  request.path = "/api/v1/orders";
  request.body = kOrder;
  api.handle(std::move(request), [&answer](Response r) { answer = std::move(r); });
  ASSERT_EQ(submitted.size(), 1u);
  auto e = reportFor(submitted[0], oms::ExecType::Rejected, oms::OrdStatus::Rejected);
  e.body.execution.rejectSource = oms::RejectSource::Engine;
  e.body.execution.rejectCode = static_cast<std::uint8_t>(engine::RejectCode::DuplicateClientOrderId);
  api.onEvent(e);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 422u);
  EXPECT_EQ(bodyOf(*answer)["code"], "duplicate_client_order_id");
  EXPECT_EQ(bodyOf(*answer)["report"]["status"], "rejected");
}

TEST_F(RestApiTest, NoAnswerTimesOutAndAStoppedEngineIsUnavailable) {
  RestApi quick{directory, readModel, [](const engine::Command&) { return true; },
                RestOptions{0, std::chrono::milliseconds{0}, {}}};
  quick.setReady(true);
  std::optional<Response> answer;
  Request request;
  request.method = Method::Post;
  request.path = "/api/v1/orders";
  request.body = kOrder;
  quick.handle(std::move(request), [&answer](Response r) { answer = std::move(r); });
  EXPECT_FALSE(answer);
  quick.expire();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 504u);

  accepting = false;
  EXPECT_EQ(call(Method::Post, "/api/v1/orders", kOrder)->status, 503u);
}

TEST_F(RestApiTest, RequestsBeyondTheUsersRateAre429WithRetryAfter) {
  RestApi limited{directory, readModel, [](const engine::Command&) { return true; },
                  RestOptions{0, std::chrono::milliseconds{60'000}, {0.001, 2.0}}};  // 2 at once, then 1 per 1000 s
  limited.setReady(true);
  const auto get = [&limited](const char* path) {
    std::optional<Response> answer;
    Request request;
    request.method = Method::Get;
    request.path = path;
    limited.handle(std::move(request), [&answer](Response r) { answer = std::move(r); });
    return answer;
  };
  EXPECT_EQ(get("/api/v1/instruments")->status, 200u);
  EXPECT_EQ(get("/api/v1/instruments")->status, 200u);
  const auto refused = get("/api/v1/instruments");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429u);
  EXPECT_EQ(bodyOf(*refused)["code"], "rate_limited");
  ASSERT_EQ(refused->headers.size(), 1u);
  EXPECT_EQ(refused->headers[0].first, "Retry-After");
  const int retry = std::stoi(refused->headers[0].second);
  EXPECT_GE(retry, 999);
  EXPECT_LE(retry, 1000);
  // Health checks need no credentials and are not counted.
  EXPECT_EQ(get("/healthz")->status, 200u);
  // The fixture's API has no limit: many requests pass.
  for (int i = 0; i < 100; ++i) ASSERT_EQ(call(Method::Get, "/api/v1/instruments")->status, 200u);
}

TEST_F(RestApiTest, QuoteAndBookFromQuoteEvents) {
  EXPECT_EQ(call(Method::Get, "/api/v1/market-data/quote/AAPL")->status, 404u);
  EXPECT_EQ(call(Method::Get, "/api/v1/market-data/quote/ZZZ")->status, 404u);
  engine::EngineEvent q;
  q.kind = engine::EventKind::Quote;
  q.body.quote = engine::QuoteReport{};
  q.body.quote.instrument = InstrumentId{1};
  q.body.quote.bidPrice = Price::fromRaw(14995);
  q.body.quote.bidQuantity = Quantity::fromRaw(5);
  api.onEvent(q);
  const auto quote = call(Method::Get, "/api/v1/market-data/quote/AAPL");
  ASSERT_EQ(quote->status, 200u);
  EXPECT_EQ(bodyOf(*quote)["bid"], "149.95");
  const auto book = call(Method::Get, "/api/v1/market-data/book/AAPL", "", "depth=5");
  ASSERT_EQ(book->status, 200u);
  EXPECT_EQ(bodyOf(*book)["bids"][0]["price"], "149.95");
  EXPECT_TRUE(bodyOf(*book)["asks"].empty());
  EXPECT_EQ(call(Method::Get, "/api/v1/market-data/book/AAPL", "", "depth=0")->status, 400u);
}

}  // namespace
}  // namespace alphintra::api::http

namespace alphintra::api::http {
namespace {

// PUT /api/v1/admin/instruments/{symbol}/status: the engine's instrument_status; its accepted
// answer (which carries the new status) is what GET /api/v1/instruments shows from then on.
TEST_F(RestApiTest, InstrumentStatusChangesAreSubmittedAndTracked) {
  std::optional<Response> answer;
  Request request;
  request.method = Method::Put;
  request.path = "/api/v1/admin/instruments/AAPL/status";
  request.body = R"({"status":"halted"})";
  api.handle(std::move(request), [&answer](Response r) { answer = std::move(r); });
  ASSERT_EQ(submitted.size(), 1u);
  const engine::Command& c = submitted[0];
  ASSERT_EQ(c.type(), engine::CommandType::InstrumentStatus);
  EXPECT_EQ(c.body.instrumentStatus.instrument, InstrumentId{1});
  EXPECT_EQ(c.body.instrumentStatus.status, TradingStatus::Halted);
  EXPECT_FALSE(answer);

  engine::EngineEvent result = commandResult(c, 1, static_cast<std::int64_t>(TradingStatus::Halted));
  api.onEvent(result);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200u);
  EXPECT_EQ(bodyOf(*answer)["command"], "instrument_status");
  EXPECT_EQ(bodyOf(*call(Method::Get, "/api/v1/instruments"))["instruments"][0]["status"], "halted");

  // A refused change leaves the status as it was.
  result.requestId = 0;
  result.body.result.accepted = false;
  result.body.result.value = static_cast<std::int64_t>(TradingStatus::Closed);
  api.onEvent(result);
  EXPECT_EQ(bodyOf(*call(Method::Get, "/api/v1/instruments"))["instruments"][0]["status"], "halted");

  // Bad requests: the field named, nothing submitted.
  const auto bad = call(Method::Put, "/api/v1/admin/instruments/AAPL/status", R"({"status":"open"})");
  EXPECT_EQ(bad->status, 400u);
  EXPECT_EQ(bodyOf(*bad)["field"], "status");
  EXPECT_EQ(call(Method::Put, "/api/v1/admin/instruments/AAPL/status", R"({"state":"halted"})")->status, 400u);
  EXPECT_EQ(call(Method::Put, "/api/v1/admin/instruments/AAPL/status", "{not json")->status, 400u);
  EXPECT_EQ(call(Method::Put, "/api/v1/admin/instruments/NOPE/status", R"({"status":"halted"})")->status, 404u);
  EXPECT_EQ(call(Method::Put, "/api/v1/admin/instruments/AAPL", R"({"status":"halted"})")->status, 404u);
  EXPECT_EQ(call(Method::Get, "/api/v1/admin/instruments/AAPL/status")->status, 405u);
  EXPECT_EQ(submitted.size(), 1u);
}

// POST /api/v1/admin/instruments: the engine's define_instrument, with the next free id unless
// one is given; once the engine accepts it the instrument is listed.
TEST_F(RestApiTest, InstrumentsAreDefinedAndListedOnceAccepted) {
  readModel.useDirectory(directory);
  std::optional<Response> answer;
  Request request;
  request.method = Method::Post;
  request.path = "/api/v1/admin/instruments";
  request.body = R"({"symbol":"NEWCO","assetClass":"future","currency":"USD","pricePrecision":2,"tickSize":"0.05",)"
                 R"("multiplier":"25"})";
  api.handle(std::move(request), [&answer](Response r) { answer = std::move(r); });
  ASSERT_EQ(submitted.size(), 1u);
  const engine::Command& c = submitted[0];
  ASSERT_EQ(c.type(), engine::CommandType::DefineInstrument);
  EXPECT_EQ(c.body.defineInstrument.instrument, InstrumentId{2});  // after AAPL's 1
  EXPECT_EQ(std::string(c.body.defineInstrument.symbol), "NEWCO");
  EXPECT_FALSE(answer);
  EXPECT_EQ(bodyOf(*call(Method::Get, "/api/v1/instruments"))["instruments"].size(), 1u);  // not yet accepted

  api.onEvent(commandResult(c, 2, 0));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200u);
  const auto listed = bodyOf(*call(Method::Get, "/api/v1/instruments"))["instruments"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1]["symbol"], "NEWCO");
  EXPECT_EQ(listed[1]["tickSize"], "0.05");
  EXPECT_EQ(listed[1]["multiplier"], "25");
  EXPECT_EQ(listed[0]["multiplier"], "1");  // AAPL: none given

  // An id given is used; bad members are named; nothing more submitted.
  call(Method::Post, "/api/v1/admin/instruments", R"({"id":9,"symbol":"OTHER"})");
  ASSERT_EQ(submitted.size(), 2u);
  EXPECT_EQ(submitted[1].body.defineInstrument.instrument, InstrumentId{9});
  const auto bad = [&](const std::string& body, const std::string& field) {
    const auto r = call(Method::Post, "/api/v1/admin/instruments", body);
    EXPECT_EQ(r->status, 400u) << body;
    EXPECT_EQ(bodyOf(*r)["field"], field) << body;
  };
  bad(R"({"assetClass":"equity"})", "symbol");
  bad(R"({"symbol":"X","tickSize":"0.003","pricePrecision":2})", "tickSize");
  bad(R"({"symbol":"X","assetClass":"stock"})", "assetClass");
  bad(R"({"symbol":"X","id":0})", "id");
  bad(R"({"symbol":"X","colour":"red"})", "colour");
  bad(R"({"symbol":"X","multiplier":"0"})", "multiplier");
  bad(R"({"symbol":"X","multiplier":50})", "multiplier");  // a decimal string, not a number
  bad(R"({"symbol":"X","multiplier":"123456789"})", "multiplier");
  EXPECT_EQ(call(Method::Get, "/api/v1/admin/instruments")->status, 405u);
  EXPECT_EQ(submitted.size(), 2u);
}

// A listing with a referencePrice: checked against the new instrument's tick; once the engine
// accepts the definition, serve's hook gets the instrument and the price (and not otherwise).
TEST_F(RestApiTest, AListingsReferencePriceGoesToTheHookOnceAccepted) {
  readModel.useDirectory(directory);
  std::vector<std::pair<std::string, std::int64_t>> listed;
  api.setInstrumentListed([&listed](const Instrument& i, Price p, bool engineHasPrice) {
    EXPECT_FALSE(engineHasPrice);  // serve still has to give it to the engine
    listed.emplace_back(std::string(i.symbol()), p.raw());
  });
  const auto bad = [&](const std::string& body, const std::string& why) {
    const auto r = call(Method::Post, "/api/v1/admin/instruments", body);
    EXPECT_EQ(r->status, 400u) << body;
    EXPECT_EQ(bodyOf(*r)["field"], "referencePrice") << body;
    EXPECT_NE(bodyOf(*r)["message"].get<std::string>().find(why), std::string::npos) << bodyOf(*r).dump();
  };
  bad(R"({"symbol":"NQ","tickSize":"0.25","referencePrice":"18000.10"})", "tick");
  bad(R"({"symbol":"NQ","tickSize":"0.25","referencePrice":18000})", "string");
  bad(R"({"symbol":"NQ","tickSize":"0.25","referencePrice":"-1.00"})", "");
  EXPECT_TRUE(submitted.empty());

  std::optional<Response> answer;
  Request request;
  request.method = Method::Post;
  request.path = "/api/v1/admin/instruments";
  request.body =
      R"({"symbol":"NQ","assetClass":"future","tickSize":"0.25","multiplier":"20","referencePrice":"18000.25"})";
  api.handle(std::move(request), [&answer](Response r) { answer = std::move(r); });
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_TRUE(listed.empty());  // not before the engine's answer
  api.onEvent(commandResult(submitted[0], 2, 0));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200u);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0], (std::pair<std::string, std::int64_t>{"NQ", 1'800'025}));

  // Refused by the engine (the symbol exists): no hook.
  answer.reset();
  Request again;
  again.method = Method::Post;
  again.path = "/api/v1/admin/instruments";
  again.body = R"({"symbol":"NQ","tickSize":"0.25","referencePrice":"18000.25"})";
  api.handle(std::move(again), [&answer](Response r) { answer = std::move(r); });
  ASSERT_EQ(submitted.size(), 2u);
  engine::EngineEvent refused = commandResult(submitted[1], 3, 0);
  refused.body.result.accepted = false;
  refused.body.result.code = engine::RejectCode::AlreadyExists;
  api.onEvent(refused);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 422u);
  EXPECT_EQ(listed.size(), 1u);
}

// PUT /api/v1/admin/instruments/{symbol}/reference-price: the engine's market_data with `last`;
// once accepted, the hook (the engine has the price already).
TEST_F(RestApiTest, AReferencePriceIsGivenToTheEngineAndThenTheHook) {
  std::vector<std::pair<std::int64_t, bool>> given;
  api.setInstrumentListed(
      [&given](const Instrument&, Price p, bool engineHasPrice) { given.emplace_back(p.raw(), engineHasPrice); });
  std::optional<Response> answer;
  Request request;
  request.method = Method::Put;
  request.path = "/api/v1/admin/instruments/AAPL/reference-price";
  request.body = R"({"referencePrice":"191.25"})";
  api.handle(std::move(request), [&answer](Response r) { answer = std::move(r); });
  ASSERT_EQ(submitted.size(), 1u);
  const engine::Command& c = submitted[0];
  ASSERT_EQ(c.type(), engine::CommandType::MarketData);
  EXPECT_EQ(c.body.marketData.instrument, InstrumentId{1});
  EXPECT_EQ(c.body.marketData.last.raw(), 19125);
  EXPECT_FALSE(c.body.marketData.bid.isDefined());
  EXPECT_TRUE(given.empty());
  api.onEvent(commandResult(c, 1, 0));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200u);
  EXPECT_EQ(given, (std::vector<std::pair<std::int64_t, bool>>{{19125, true}}));

  const auto bad = [&](const std::string& body, const std::string& field) {
    const auto r = call(Method::Put, "/api/v1/admin/instruments/AAPL/reference-price", body);
    EXPECT_EQ(r->status, 400u) << body;
    EXPECT_EQ(bodyOf(*r)["field"], field) << body;
  };
  bad(R"({"referencePrice":"191.255"})", "referencePrice");  // off the cent
  bad(R"({"referencePrice":191.25})", "referencePrice");
  bad(R"({"referencePrice":"0.00"})", "referencePrice");
  bad(R"({"price":"191.25"})", "referencePrice");
  EXPECT_EQ(call(Method::Put, "/api/v1/admin/instruments/NOPE/reference-price", R"({"referencePrice":"1.00"})")->status,
            404u);
  EXPECT_EQ(call(Method::Get, "/api/v1/admin/instruments/AAPL/reference-price")->status, 405u);
  EXPECT_EQ(call(Method::Put, "/api/v1/admin/instruments/AAPL/price", R"({"referencePrice":"1.00"})")->status, 404u);
  EXPECT_EQ(submitted.size(), 1u);
}

// POST /api/v1/admin/instruments/{symbol}/settlement: a future's final settlement, the engine's
// settle_instrument; once accepted the instrument reads as closed. Any price the precision writes
// (zero and below included); an equity, a bad body, another method refused at the edge.
TEST_F(RestApiTest, AFuturesSettlementGoesToTheEngineAndClosesTheInstrument) {
  InstrumentSpec spec;
  spec.id = 2;
  spec.symbol = "CL";
  spec.assetClass = AssetClass::Future;
  spec.tickSize = "0.01";
  spec.multiplier = "1000";
  const Instrument cl = Instrument::create(spec).value();
  directory.addInstrument(cl);
  readModel.addInstrument(cl);

  std::optional<Response> answer;
  Request request;
  request.method = Method::Post;
  request.path = "/api/v1/admin/instruments/CL/settlement";
  request.body = R"({"price":"-37.63"})";
  api.handle(std::move(request), [&answer](Response r) { answer = std::move(r); });
  ASSERT_EQ(submitted.size(), 1u);
  const engine::Command& c = submitted[0];
  ASSERT_EQ(c.type(), engine::CommandType::SettleInstrument);
  EXPECT_EQ(c.body.settle.instrument, InstrumentId{2});
  EXPECT_EQ(c.body.settle.price.raw(), -3763);
  EXPECT_FALSE(answer);
  api.onEvent(commandResult(c, 2, -3763));  // the engine's result carries the settlement price
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200u);
  EXPECT_EQ(bodyOf(*answer)["command"], "settle_instrument");
  const auto listed = bodyOf(*call(Method::Get, "/api/v1/instruments"));
  bool closed = false;
  for (const auto& i : listed["instruments"]) {
    if (i["symbol"] != "CL") continue;
    closed = i["status"] == "closed" && i.value("settlementPrice", "") == "-37.63";
  }
  EXPECT_TRUE(closed) << listed.dump();

  const auto bad = [&](const std::string& body, unsigned status, const std::string& field,
                       const std::string& says = "") {
    const auto r = call(Method::Post, "/api/v1/admin/instruments/CL/settlement", body);
    EXPECT_EQ(r->status, status) << body;
    EXPECT_EQ(bodyOf(*r)["field"], field) << body;
    EXPECT_NE(bodyOf(*r)["message"].get<std::string>().find(says), std::string::npos) << bodyOf(*r).dump();
  };
  bad(R"({"price":"73.123"})", 400, "price");  // more places than the instrument's prices have
  bad(R"({"price":73.12})", 400, "price");
  bad(R"({"price":"abc"})", 400, "price");
  bad(R"({"price":"-92233720368547758.08"})", 400, "price", "out of range");  // the undefined price's raw value
  bad(R"({"settlementPrice":"73.12"})", 400, "settlementPrice");
  bad(R"({"price":"73.12","extra":1})", 400, "extra");
  bad(R"({})", 400, "price");
  bad(R"({"at":"tomorrow"})", 400, "at");
  bad(R"({"at":0})", 400, "at");
  bad(R"({"at":1.5e18})", 400, "at");
  EXPECT_EQ(call(Method::Post, "/api/v1/admin/instruments/NOPE/settlement", R"({"price":"1.00"})")->status, 404u);
  EXPECT_EQ(call(Method::Put, "/api/v1/admin/instruments/CL/settlement", R"({"price":"1.00"})")->status, 405u);
  EXPECT_EQ(submitted.size(), 1u);

  // An expiry: {"at"} (and a price, or the mark then) schedules it.
  std::optional<Response> scheduled;
  Request expiry;
  expiry.method = Method::Post;
  expiry.path = "/api/v1/admin/instruments/CL/settlement";
  expiry.body = R"({"at":1800000000000000000,"price":"71.05"})";
  api.handle(std::move(expiry), [&scheduled](Response r) { scheduled = std::move(r); });
  ASSERT_EQ(submitted.size(), 2u);
  EXPECT_EQ(submitted[1].type(), engine::CommandType::ScheduleSettlement);
  EXPECT_EQ(submitted[1].body.schedule.at.nanos(), 1'800'000'000'000'000'000);
  EXPECT_EQ(submitted[1].body.schedule.price.raw(), 7105);
  api.onEvent(commandResult(submitted[1], 2, 1'800'000'000'000'000'000));
  ASSERT_TRUE(scheduled);
  EXPECT_EQ(scheduled->status, 200u);
  call(Method::Post, "/api/v1/admin/instruments/CL/settlement", R"({"at":1800000000000000000})");
  ASSERT_EQ(submitted.size(), 3u);
  EXPECT_FALSE(submitted[2].body.schedule.price.isDefined());
  submitted.resize(1);

  // An equity's settlement is the engine's to refuse: 422 with its code.
  std::optional<Response> refused;
  Request equity;
  equity.method = Method::Post;
  equity.path = "/api/v1/admin/instruments/AAPL/settlement";
  equity.body = R"({"price":"191.25"})";
  api.handle(std::move(equity), [&refused](Response r) { refused = std::move(r); });
  ASSERT_EQ(submitted.size(), 2u);
  engine::EngineEvent no = commandResult(submitted[1], 1, 0);
  no.body.result.accepted = false;
  no.body.result.code = engine::RejectCode::NotAFuture;
  api.onEvent(no);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422u);
  EXPECT_EQ(bodyOf(*refused)["code"], "not_a_future");
  const auto after = bodyOf(*call(Method::Get, "/api/v1/instruments"));
  const bool stillOpen = [&] {
    for (const auto& i : after["instruments"]) {
      if (i["symbol"] == "AAPL") return i["status"] != "closed" && !i.contains("settlementPrice");
    }
    return false;
  }();
  EXPECT_TRUE(stillOpen) << after.dump();
}

// GET /api/v1/instruments shows a future's pending expiry (schedule_settlement): when, and the
// price when one was given; a later schedule replaces it, the settlement takes its place.
TEST_F(RestApiTest, AScheduledExpiryIsListedUntilTheFutureSettles) {
  InstrumentSpec spec = alphintra::testing::futureSpec(3, "NG", "0.001", "10000");
  spec.pricePrecision = 3;
  const Instrument ng = Instrument::create(spec).value();
  directory.addInstrument(ng);
  readModel.addInstrument(ng);
  const auto listedNg = [&]() -> nlohmann::json {
    const auto listed = bodyOf(*call(Method::Get, "/api/v1/instruments"));
    for (const auto& i : listed["instruments"]) {
      if (i["symbol"] == "NG") return i;
    }
    return nlohmann::json::object();
  };
  EXPECT_FALSE(listedNg().contains("scheduledSettlement")) << listedNg().dump();
  // A schedule's POST waits for the engine's answer: the test keeps where the answer goes.
  std::optional<Response> first, second;
  const auto schedule = [&](const std::string& body, std::optional<Response>& answer) {
    Request r;
    r.method = Method::Post;
    r.path = "/api/v1/admin/instruments/NG/settlement";
    r.body = body;
    api.handle(std::move(r), [&answer](Response response) { answer = std::move(response); });
  };

  schedule(R"({"at":1800000000000000000,"price":"2.875"})", first);
  ASSERT_EQ(submitted.size(), 1u);
  engine::EngineEvent result = commandResult(submitted[0], 3, 1'800'000'000'000'000'000);
  result.body.result.detail = submitted[0].body.schedule.price.raw();  // as the engine answers
  api.onEvent(result);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200u);
  EXPECT_EQ(bodyOf(*first)["price"], "2.875") << first->body;  // the answer says what was scheduled
  nlohmann::json ng1 = listedNg();
  ASSERT_TRUE(ng1.contains("scheduledSettlement")) << ng1.dump();
  EXPECT_EQ(ng1["scheduledSettlement"]["at"], 1'800'000'000'000'000'000);
  EXPECT_EQ(ng1["scheduledSettlement"]["price"], "2.875");
  EXPECT_NE(ng1["status"], "closed");

  // Rescheduled at the mark then: no price.
  schedule(R"({"at":1700000000000000000})", second);
  ASSERT_EQ(submitted.size(), 2u);
  result = commandResult(submitted[1], 3, 1'700'000'000'000'000'000);
  result.body.result.detail = submitted[1].body.schedule.price.raw();
  api.onEvent(result);
  ASSERT_TRUE(second);
  EXPECT_FALSE(bodyOf(*second).contains("price")) << second->body;
  ng1 = listedNg();
  EXPECT_EQ(ng1["scheduledSettlement"]["at"], 1'700'000'000'000'000'000);
  EXPECT_FALSE(ng1["scheduledSettlement"].contains("price")) << ng1.dump();

  // A refused schedule changes nothing; the settlement replaces the schedule.
  engine::EngineEvent no = commandResult(submitted[1], 3, 5);
  no.body.result.accepted = false;
  no.body.result.code = engine::RejectCode::InvalidRequest;
  no.requestId = 0;
  api.onEvent(no);
  EXPECT_EQ(listedNg()["scheduledSettlement"]["at"], 1'700'000'000'000'000'000);
  engine::Command settle = submitted[1];
  settle.header.type = engine::CommandType::SettleInstrument;
  settle.header.requestId = 0;  // a scheduled settlement answers nobody
  api.onEvent(commandResult(settle, 3, 2'911));
  ng1 = listedNg();
  EXPECT_FALSE(ng1.contains("scheduledSettlement")) << ng1.dump();
  EXPECT_EQ(ng1["settlementPrice"], "2.911");
  EXPECT_EQ(ng1["status"], "closed");
}

}  // namespace
}  // namespace alphintra::api::http
