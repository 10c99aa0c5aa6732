// WsHub and WsSession without sockets: a fake transport records wakes and closes, the test
// drains frames as the connection would, events go to onEvent as the publisher would, and the
// book's depth comes from a fake sampler. Covers authenticate-first, acks and errors, fan-out
// per channel, the orders channel's account filter, book snapshot + increments, bars, heartbeats
// and the slow-consumer policy.
#include "api/http/websocket_hub.hpp"
#include "engine/command.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>

#include <atomic>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace alphintra::api::http {
namespace {

using json = nlohmann::json;

class FakeTransport : public WebSocketTransport {
 public:
  void wake() override { ++wakes; }
  void close(std::uint16_t code, std::string reason) override {
    ++closes;
    closeCode = code;
    closeReason = std::move(reason);
  }
  int wakes = 0;
  int closes = 0;
  std::uint16_t closeCode = 0;
  std::string closeReason;
};

struct Client {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<WsSession> session;

  void send(const std::string& text) { session->onMessage(text, false); }
  // Every frame waiting, as the connection would write them.
  std::vector<json> drain() {
    std::vector<json> out;
    while (auto frame = session->nextFrame()) out.push_back(json::parse(*frame));
    return out;
  }
};

Instrument makeInstrument(std::uint64_t id, const char* symbol) {
  InstrumentSpec spec;
  spec.id = id;
  spec.symbol = symbol;
  spec.tickSize = "0.01";
  return Instrument::create(spec).value();
}

class WsHubTest : public ::testing::Test {
 protected:
  WsHubTest() {
    directory.addInstrument(makeInstrument(1, "AAPL"));
    directory.addInstrument(makeInstrument(2, "MSFT"));
  }

  Client connect() {
    Client c;
    c.session = hub.accept(c.transport);
    return c;
  }
  Client login(const char* token) {
    Client c = connect();
    c.send(fmt::format(R"({{"id":1,"op":"authenticate","token":"{}"}})", token));
    const auto frames = c.drain();
    EXPECT_EQ(frames.size(), 1u);
    if (!frames.empty()) {
      EXPECT_EQ(frames[0]["type"], "ack");
    }
    return c;
  }

  static engine::EngineEvent quote(std::uint64_t instrument, std::int64_t bid) {
    engine::EngineEvent e;
    e.kind = engine::EventKind::Quote;
    e.time = Timestamp{1000};
    e.body.quote = engine::QuoteReport{};
    e.body.quote.instrument = InstrumentId{instrument};
    e.body.quote.bidPrice = Price::fromRaw(bid);
    e.body.quote.bidQuantity = Quantity::fromRaw(1);
    return e;
  }
  static engine::EngineEvent trade(std::uint64_t instrument, std::int64_t seconds, std::int64_t price,
                                   std::int64_t quantity) {
    engine::EngineEvent e;
    e.kind = engine::EventKind::PublicTrade;
    e.time = Timestamp::fromSeconds(seconds);
    e.body.trade = engine::PublicTradeReport{};
    e.body.trade.instrument = InstrumentId{instrument};
    e.body.trade.price = Price::fromRaw(price);
    e.body.trade.quantity = Quantity::fromRaw(quantity);
    e.body.trade.aggressor = Side::Buy;
    return e;
  }
  static engine::EngineEvent report(std::uint64_t account, std::uint64_t orderId) {
    engine::EngineEvent e;
    e.kind = engine::EventKind::ExecutionReport;
    e.body.execution = engine::ExecutionReport{};
    auto& r = e.body.execution;
    r.orderId = OrderId{orderId};
    r.account = AccountId{account};
    r.instrument = InstrumentId{1};
    r.side = Side::Buy;
    r.price = Price::fromRaw(15000);
    r.orderQuantity = Quantity::fromRaw(10);
    r.leavesQuantity = Quantity::fromRaw(10);
    return e;
  }

  static Result<auth::Principal> verify(std::string_view token) {
    if (token == "trader") return auth::Principal{"trader", {auth::Role::Trader}, {AccountId{1}}};
    if (token == "admin") return auth::Principal{"admin", {auth::Role::Admin}, {}};
    return makeError("token", "the token is invalid or expired");
  }

  Directory directory;
  BookDepth depthOfAapl;
  int samples = 0;
  WsHubOptions options() {
    WsHubOptions o;
    o.limits.maxQueuedFrames = 8;
    o.orderAccounts = [](AccountId a) { return a.value() < 1'000'000; };
    o.clock = [] { return std::int64_t{77}; };
    return o;
  }
  // A hub whose connections may send 2 requests a second in bursts of 3, timed by `now`.
  std::unique_ptr<WsHub> rateLimitedHub(std::int64_t& now) {
    WsHubOptions limited = options();
    limited.limits.maxQueuedFrames = 64;
    limited.limits.messages = RateLimit{2, 3};
    limited.limits.monotonicNanos = [&now] { return now; };
    return std::make_unique<WsHub>(
        directory, verify, [](const std::vector<InstrumentId>&, std::size_t, std::vector<BookDepth>&) { return true; },
        limited);
  }
  WsHub hub{directory, verify,
            [this](const std::vector<InstrumentId>& ids, std::size_t, std::vector<BookDepth>& out) {
              ++samples;
              out.assign(ids.size(), BookDepth{});
              for (std::size_t i = 0; i < ids.size(); ++i) {
                if (ids[i] == InstrumentId{1}) out[i] = depthOfAapl;
              }
              return true;
            },
            options()};
};

TEST_F(WsHubTest, NothingButAuthenticateAndPingBeforeAuthenticate) {
  Client c = connect();
  c.send(R"({"id":5,"op":"subscribe","channel":"quotes","symbols":["AAPL"]})");
  c.send(R"({"id":6,"op":"ping"})");
  c.send(R"({"id":7,"op":"authenticate","token":"forged"})");
  c.send(R"({"id":8,"op":"subscribe","channel":"orders"})");
  const auto frames = c.drain();
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0]["type"], "error");
  EXPECT_EQ(frames[0]["id"], 5);
  EXPECT_EQ(frames[0]["code"], "unauthorized");
  EXPECT_EQ(frames[1], (json{{"type", "ack"}, {"id", 6}}));
  EXPECT_EQ(frames[2]["code"], "invalid_token");
  EXPECT_EQ(frames[2]["field"], "token");
  EXPECT_EQ(frames[3]["code"], "unauthorized");

  hub.onEvent(quote(1, 15000));
  EXPECT_TRUE(c.drain().empty());
}

TEST_F(WsHubTest, BadFramesAreAnsweredAndTheSessionGoesOn) {
  Client c = login("trader");
  c.send("{not json");
  c.session->onMessage("\x01\x02", true);
  c.send(R"({"id":3,"op":"subscribe","channel":"quotes","symbols":["AAPL","NOPE"]})");
  c.send(R"({"id":4,"op":"subscribe","channel":"bars","symbols":["AAPL"],"interval":"7m"})");
  c.send(R"({"id":5,"op":"subscribe","channel":"quotes","symbols":["AAPL"]})");
  const auto frames = c.drain();
  ASSERT_EQ(frames.size(), 5u);
  EXPECT_EQ(frames[0]["code"], "malformed_json");
  EXPECT_EQ(frames[1]["code"], "invalid_request");
  EXPECT_EQ(frames[2]["code"], "unknown_symbol");
  EXPECT_EQ(frames[2]["field"], "symbols");
  EXPECT_NE(frames[2]["message"].get<std::string>().find("NOPE"), std::string::npos);
  EXPECT_EQ(frames[3]["field"], "interval");
  EXPECT_EQ(frames[4]["type"], "ack");
  EXPECT_EQ(c.transport->closes, 0);

  // The refused subscription changed nothing: AAPL once (from id 5), MSFT never.
  hub.onEvent(quote(1, 15000));
  hub.onEvent(quote(2, 30000));
  const auto quotes = c.drain();
  ASSERT_EQ(quotes.size(), 1u);
  EXPECT_EQ(quotes[0]["symbol"], "AAPL");
}

TEST_F(WsHubTest, QuotesAndTradesGoToTheirSubscribersOnly) {
  Client a = login("trader");
  Client b = login("trader");
  a.send(R"({"id":2,"op":"subscribe","channel":"quotes","symbols":["AAPL","MSFT"]})");
  b.send(R"({"id":2,"op":"subscribe","channel":"trades","symbols":["AAPL"]})");
  a.drain();
  b.drain();
  EXPECT_GT(a.transport->wakes, 0);

  hub.onEvent(quote(1, 15000));
  hub.onEvent(quote(2, 30000));
  hub.onEvent(trade(1, 60, 15000, 3));
  const auto fa = a.drain();
  const auto fb = b.drain();
  ASSERT_EQ(fa.size(), 2u);
  EXPECT_EQ(fa[0]["type"], "quote");
  EXPECT_EQ(fa[0]["bid"], "150.00");
  EXPECT_EQ(fa[1]["symbol"], "MSFT");
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fb[0]["type"], "trade");
  EXPECT_EQ(fb[0]["quantity"], "3");

  a.send(R"({"id":3,"op":"unsubscribe","channel":"quotes","symbols":["AAPL"]})");
  EXPECT_EQ(a.drain()[0]["type"], "ack");
  hub.onEvent(quote(1, 15001));
  hub.onEvent(quote(2, 30001));
  const auto after = a.drain();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0]["symbol"], "MSFT");
}

// The status channel: the current status on subscribe (a change made before anyone subscribed
// included), then each accepted change; refused ones and other commands' results send nothing.
TEST_F(WsHubTest, StatusOnSubscribeThenEachChange) {
  const auto statusResult = [](std::uint64_t instrument, TradingStatus status, bool accepted) {
    engine::EngineEvent e;
    e.kind = engine::EventKind::CommandResult;
    e.time = Timestamp{5000};
    e.body.result = engine::CommandResultReport{};
    e.body.result.commandType = static_cast<std::uint8_t>(engine::CommandType::InstrumentStatus);
    e.body.result.accepted = accepted;
    e.body.result.subject = instrument;
    e.body.result.value = static_cast<std::int64_t>(status);
    return e;
  };
  hub.onEvent(statusResult(2, TradingStatus::Halted, true));  // MSFT, nobody subscribed yet
  Client a = login("trader");
  a.send(R"({"id":2,"op":"subscribe","channel":"status","symbols":["AAPL","MSFT"]})");
  auto frames = a.drain();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0]["type"], "ack");
  EXPECT_EQ(frames[1]["type"], "status");
  EXPECT_EQ(frames[1]["symbol"], "AAPL");
  EXPECT_EQ(frames[1]["status"], "continuous");
  EXPECT_EQ(frames[1]["time"], 77);
  EXPECT_EQ(frames[2]["symbol"], "MSFT");
  EXPECT_EQ(frames[2]["status"], "halted");

  hub.onEvent(statusResult(1, TradingStatus::Closed, true));
  hub.onEvent(statusResult(1, TradingStatus::Halted, false));  // refused: no change
  engine::EngineEvent other = statusResult(1, TradingStatus::Halted, true);
  other.body.result.commandType = static_cast<std::uint8_t>(engine::CommandType::KillSwitch);
  hub.onEvent(other);
  frames = a.drain();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0]["symbol"], "AAPL");
  EXPECT_EQ(frames[0]["status"], "closed");
  EXPECT_EQ(frames[0]["time"], 5000);

  a.send(R"({"id":3,"op":"unsubscribe","channel":"status","symbols":["AAPL"]})");
  EXPECT_EQ(a.drain()[0]["type"], "ack");
  hub.onEvent(statusResult(1, TradingStatus::Continuous, true));
  hub.onEvent(statusResult(2, TradingStatus::Continuous, true));
  frames = a.drain();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0]["symbol"], "MSFT");
  EXPECT_EQ(frames[0]["status"], "continuous");

  // A later subscriber gets the status now.
  Client b = login("trader");
  b.send(R"({"id":2,"op":"subscribe","channel":"status","symbols":["AAPL"]})");
  frames = b.drain();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1]["status"], "continuous");
  b.send(R"({"id":3,"op":"subscribe","channel":"status"})");
  frames = b.drain();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0]["type"], "error");
}

TEST_F(WsHubTest, OrdersOnlyOfReadableAccounts) {
  Client trader = login("trader");
  Client admin = login("admin");
  trader.send(R"({"id":2,"op":"subscribe","channel":"orders"})");
  admin.send(R"({"id":2,"op":"subscribe","channel":"orders"})");
  trader.drain();
  admin.drain();

  hub.onEvent(report(1, 10));
  hub.onEvent(report(2, 11));
  hub.onEvent(report(1'000'001, 12));  // a simulator account: never sent
  const auto t = trader.drain();
  const auto a = admin.drain();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]["type"], "order");
  EXPECT_EQ(t[0]["orderId"], 10);
  EXPECT_EQ(t[0]["symbol"], "AAPL");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1]["orderId"], 11);
}

TEST_F(WsHubTest, BookSnapshotThenIncrementsWithSequenceNumbers) {
  const auto level = [](std::int64_t price, std::int64_t quantity) {
    return book::LevelView{Price::fromRaw(price), Quantity::fromRaw(quantity), 1};
  };
  depthOfAapl.bids = {level(15000, 10), level(14999, 5)};
  depthOfAapl.asks = {level(15001, 7)};
  Client a = login("trader");
  a.send(R"({"id":2,"op":"subscribe","channel":"book","symbols":["AAPL"]})");
  hub.sampleBooks();
  auto frames = a.drain();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0]["type"], "ack");  // the ack comes before the snapshot
  EXPECT_EQ(frames[1]["snapshot"], true);
  const std::uint64_t first = frames[1]["sequence"];
  EXPECT_EQ(frames[1]["bids"].size(), 2u);

  hub.sampleBooks();  // nothing changed: nothing sent
  EXPECT_TRUE(a.drain().empty());

  depthOfAapl.bids = {level(15000, 12)};
  hub.sampleBooks();
  frames = a.drain();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0]["snapshot"], false);
  EXPECT_EQ(frames[0]["sequence"], first + 1);
  EXPECT_EQ(frames[0]["bids"],
            json::parse(R"([{"price":"150.00","quantity":"12"},{"price":"149.99","quantity":"0"}])"));
  EXPECT_EQ(frames[0]["asks"], json::array());

  Client b = login("trader");  // joins later: a snapshot at the current sequence
  b.send(R"({"id":2,"op":"subscribe","channel":"book","symbols":["AAPL"]})");
  hub.sampleBooks();
  frames = b.drain();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1]["snapshot"], true);
  EXPECT_EQ(frames[1]["sequence"], first + 1);
  EXPECT_EQ(frames[1]["bids"].size(), 1u);
  EXPECT_TRUE(a.drain().empty());

  a.send(R"({"id":3,"op":"unsubscribe","channel":"book","symbols":["AAPL"]})");
  b.send(R"({"id":3,"op":"unsubscribe","channel":"book","symbols":["AAPL"]})");
  const int before = samples;
  hub.sampleBooks();  // nobody subscribed: the engine is not asked
  EXPECT_EQ(samples, before);
}

TEST_F(WsHubTest, BarsFollowTradesPerInterval) {
  Client c = login("trader");
  c.send(R"({"id":2,"op":"subscribe","channel":"bars","symbols":["AAPL"],"interval":"1m"})");
  EXPECT_EQ(c.drain().size(), 1u);
  hub.onEvent(trade(1, 120, 10000, 2));
  hub.onEvent(trade(1, 130, 10500, 1));
  hub.onEvent(trade(1, 150, 9900, 4));
  hub.onEvent(trade(1, 185, 10100, 1));  // the next minute
  const auto frames = c.drain();
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[2]["time"], 120);
  EXPECT_EQ(frames[2]["open"], "100.00");
  EXPECT_EQ(frames[2]["high"], "105.00");
  EXPECT_EQ(frames[2]["low"], "99.00");
  EXPECT_EQ(frames[2]["close"], "99.00");
  EXPECT_EQ(frames[2]["volume"], "7");
  EXPECT_EQ(frames[3]["time"], 180);
  EXPECT_EQ(frames[3]["open"], "101.00");

  Client late = login("trader");  // subscribes mid-bar: gets the current bar at once
  late.send(R"({"id":2,"op":"subscribe","channel":"bars","symbols":["AAPL"],"interval":"1m"})");
  const auto lateFrames = late.drain();
  ASSERT_EQ(lateFrames.size(), 2u);
  EXPECT_EQ(lateFrames[1]["time"], 180);
}

TEST_F(WsHubTest, HeartbeatsReachEverySession) {
  Client a = connect();
  Client b = login("trader");
  hub.heartbeat();
  EXPECT_EQ(a.drain(), (std::vector<json>{json{{"type", "heartbeat"}, {"time", 77}}}));
  EXPECT_EQ(b.drain().size(), 1u);
}

TEST_F(WsHubTest, SlowConsumerIsClosedAndDropped) {
  Client slow = login("trader");
  Client fast = login("trader");
  slow.send(R"({"id":2,"op":"subscribe","channel":"quotes","symbols":["AAPL"]})");
  fast.send(R"({"id":2,"op":"subscribe","channel":"quotes","symbols":["AAPL"]})");
  fast.drain();  // the slow one never drains: its ack stays queued
  for (int i = 0; i < 7; ++i) hub.onEvent(quote(1, 15000 + i));
  EXPECT_EQ(slow.transport->closes, 0);
  EXPECT_EQ(slow.session->queuedFrames(), 8u);  // at the bound
  EXPECT_EQ(fast.drain().size(), 7u);

  hub.onEvent(quote(1, 15100));  // one more than the bound
  EXPECT_EQ(slow.transport->closes, 1);
  EXPECT_EQ(slow.transport->closeCode, 1008);
  EXPECT_EQ(slow.transport->closeReason, "slow consumer");
  EXPECT_EQ(slow.session->queuedFrames(), 0u);  // what waited is dropped
  EXPECT_EQ(hub.sessionCount(), 1u);
  EXPECT_EQ(hub.slowConsumers(), 1u);

  std::size_t received = fast.drain().size();
  for (int i = 0; i < 20; ++i) {
    hub.onEvent(quote(1, 15200 + i));
    received += fast.drain().size();  // a consumer that keeps up is never closed
  }
  EXPECT_EQ(slow.transport->closes, 1);
  EXPECT_TRUE(slow.drain().empty());
  EXPECT_EQ(received, 21u);
  EXPECT_EQ(fast.transport->closes, 0);
}

TEST_F(WsHubTest, ClosedSessionsLeaveTheHub) {
  Client c = login("trader");
  c.send(R"({"id":2,"op":"subscribe","channel":"quotes","symbols":["AAPL"]})");
  c.drain();
  EXPECT_EQ(hub.sessionCount(), 1u);
  c.session->onClosed();
  EXPECT_EQ(hub.sessionCount(), 0u);
  hub.onEvent(quote(1, 15000));
  EXPECT_TRUE(c.drain().empty());
}

TEST_F(WsHubTest, TheSamplerThreadSendsBooksAndStops) {
  depthOfAapl.bids = {book::LevelView{Price::fromRaw(15000), Quantity::fromRaw(1), 1}};
  Client c = login("trader");
  c.send(R"({"id":2,"op":"subscribe","channel":"book","symbols":["AAPL"]})");
  hub.start();
  std::vector<json> frames;
  for (int i = 0; i < 2000 && frames.size() < 2; ++i) {
    for (auto& f : c.drain()) frames.push_back(std::move(f));
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  hub.stop();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1]["snapshot"], true);
}

TEST_F(WsHubTest, ABookSubscriberGetsItsSnapshotAtOnceNotAtTheNextPeriod) {
  depthOfAapl.bids = {book::LevelView{Price::fromRaw(15000), Quantity::fromRaw(3), 1}};
  WsHubOptions slow = options();
  slow.bookPeriod = std::chrono::hours{1};  // the period alone would not send it within the test
  slow.heartbeatPeriod = std::chrono::hours{1};
  std::atomic<int> asked{0};
  WsHub lazy{directory, verify,
             [&](const std::vector<InstrumentId>& ids, std::size_t, std::vector<BookDepth>& out) {
               ++asked;
               out.assign(ids.size(), depthOfAapl);
               return true;
             },
             slow};
  lazy.start();
  Client c;
  c.session = lazy.accept(c.transport);
  c.send(R"({"id":1,"op":"authenticate","token":"trader"})");
  c.send(R"({"id":2,"op":"subscribe","channel":"book","symbols":["AAPL"]})");
  std::vector<json> frames;
  for (int i = 0; i < 4000 && frames.size() < 3; ++i) {
    for (auto& f : c.drain()) frames.push_back(std::move(f));
    if (frames.size() < 3) std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  lazy.stop();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[1]["type"], "ack");
  EXPECT_EQ(frames[2]["snapshot"], true);
  EXPECT_EQ(frames[2]["bids"], json::parse(R"([{"price":"150.00","quantity":"3"}])"));
  EXPECT_GE(asked.load(), 1);
}

TEST_F(WsHubTest, RequestsOverTheConnectionsRateAreRefusedThenTheFloodIsClosed) {
  std::int64_t now = 1'000'000'000;
  auto limitedHub = rateLimitedHub(now);
  WsHub& h = *limitedHub;
  Client c;
  c.session = h.accept(c.transport);
  for (int i = 1; i <= 3; ++i) c.send(fmt::format(R"({{"id":{},"op":"ping"}})", i));
  c.send(R"({"id":4,"op":"ping"})");  // the bucket is empty: refused, not handled
  auto frames = c.drain();
  ASSERT_EQ(frames.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(frames[i]["type"], "ack");
    EXPECT_EQ(frames[i]["id"], i + 1);
  }
  EXPECT_EQ(frames[3]["type"], "error");
  EXPECT_EQ(frames[3]["code"], "rate_limited");
  EXPECT_NE(frames[3]["message"].get<std::string>().find("retry in 500 ms"), std::string::npos) << frames[3];

  now += 500'000'000;  // one token back
  c.send(R"({"id":5,"op":"ping"})");
  frames = c.drain();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0]["type"], "ack");
  EXPECT_EQ(c.transport->closes, 0);

  // Still sending with the bucket empty: three more refusals are answered, the fourth closes.
  for (int i = 0; i < 3; ++i) c.send(R"({"id":6,"op":"ping"})");
  EXPECT_EQ(c.drain().size(), 3u);
  EXPECT_EQ(c.transport->closes, 0);
  c.send(R"({"id":7,"op":"ping"})");
  EXPECT_EQ(c.transport->closes, 1);
  EXPECT_EQ(c.transport->closeCode, 1008);
  EXPECT_EQ(c.transport->closeReason, "rate limit exceeded");
  EXPECT_EQ(h.sessionCount(), 0u);
}

TEST_F(WsHubTest, ARateLimitCloseStillDeliversTheAnswersAlreadyQueued) {
  // Nothing is written before the close here: every answer given before it must still come out
  // of the session, in order (the transport writes them ahead of the close frame).
  std::int64_t now = 1'000'000'000;
  auto limitedHub = rateLimitedHub(now);
  WsHub& h = *limitedHub;
  Client c;
  c.session = h.accept(c.transport);
  for (int i = 1; i <= 7; ++i) c.send(fmt::format(R"({{"id":{},"op":"ping"}})", i));  // 3 acks, 3 refusals, closed
  EXPECT_EQ(c.transport->closes, 1);
  EXPECT_EQ(c.transport->closeCode, 1008);
  const auto frames = c.drain();
  ASSERT_EQ(frames.size(), 6u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(frames[i]["type"], "ack") << frames[i];
    EXPECT_EQ(frames[i]["id"], i + 1);
  }
  for (int i = 3; i < 6; ++i) EXPECT_EQ(frames[i]["code"], "rate_limited") << frames[i];
  EXPECT_TRUE(c.drain().empty());
}

}  // namespace
}  // namespace alphintra::api::http
