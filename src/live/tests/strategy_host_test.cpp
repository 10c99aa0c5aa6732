// The live host over a real in-process engine: commands the strategies send are applied by the
// engine (risk, OMS, matching, ledger) and every event goes back through the host, as the serve's
// publisher does — without threads, so each step is exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <stdexcept>

#include "core/tests/future_spec.hpp"
#include "live/strategy_host.hpp"
#include "strategy/registry.hpp"

namespace alphintra::live {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
const Currency kUsd = Currency::parse("USD").value();

Instrument equity(std::uint64_t id, std::string symbol) {
  InstrumentSpec spec;
  spec.id = id;
  spec.symbol = std::move(symbol);
  return Instrument::create(spec).value();
}

// A test strategy: rests one buy 1 below and one sell 1 above the first quote, records what it
// hears, throws on demand, and sets a timer at start.
struct Journal {
  std::vector<std::string> lines;
};
class Recorder final : public strategy::Strategy {
 public:
  Recorder(Journal& journal, std::vector<Recorder*>& started, bool throwOnTrade)
      : journal_(journal), started_(started), throwOnTrade_(throwOnTrade) {}
  std::string_view name() const noexcept override { return "recorder"; }
  void onStart() override {
    started_.push_back(this);
    journal_.lines.push_back("start");
    context().setTimer(Timestamp{context().now().nanos() + 5 * kSecond}, 7);
    context().setTimer(Timestamp{context().now().nanos() + 2 * kSecond}, 3);
  }
  void onQuote(const strategy::QuoteTick& q, strategy::InstrumentSlot) override {
    if (quoted_ || !q.bidPrice.isDefined() || !q.askPrice.isDefined()) return;
    quoted_ = true;
    const InstrumentId id = context().instruments()[0].id();
    buy = context().submit({id, Side::Buy, Quantity::fromRaw(5), book::OrderType::Limit, book::TimeInForce::GTC,
                            Price::fromRaw(q.bidPrice.raw() - 100)});
    sell = context().submit({id, Side::Sell, Quantity::fromRaw(5), book::OrderType::Limit, book::TimeInForce::GTC,
                             Price::fromRaw(q.askPrice.raw() + 100)});
  }
  void onTrade(const strategy::TradeTick&, strategy::InstrumentSlot) override {
    if (throwOnTrade_) throw std::runtime_error("model blew up");
    journal_.lines.push_back("trade");
  }
  void onBar(const marketdata::Bar& bar, strategy::InstrumentSlot) override {
    journal_.lines.push_back("bar " + std::to_string(bar.start.nanos() / kSecond) + " " +
                             std::to_string(bar.close.raw()));
  }
  void onOrderUpdate(const strategy::OrderUpdate& u) override {
    journal_.lines.push_back("update " + std::to_string(u.handle) + " " + std::string(oms::toString(u.status)));
  }
  void onFill(const strategy::Fill& f) override {
    journal_.lines.push_back("fill " + std::to_string(f.handle) + " " + std::to_string(f.quantity.raw()));
  }
  void onTimer(std::uint64_t id) override { journal_.lines.push_back("timer " + std::to_string(id)); }
  void onBook(const strategy::BookUpdate& b, strategy::InstrumentSlot) override {
    journal_.lines.push_back("book " + std::to_string(b.bids[0].price.raw()));
  }
  void onStop() override { journal_.lines.push_back("stop"); }

  strategy::OrderHandle buy = 0, sell = 0;

 private:
  Journal& journal_;
  std::vector<Recorder*>& started_;
  bool throwOnTrade_;
  bool quoted_ = false;
};

class LiveHostTest : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kStrategyAccount = 10, kMaker = 20, kSeller = 30, kBuyer = 40;

  LiveHostTest() {
    for (const char* symbol : {"AAA", "BBB"}) {
      const std::uint64_t id = symbol[0] == 'A' ? 1 : 2;
      engine::Command c = engine::makeCommand(engine::CommandType::DefineInstrument);
      c.body.defineInstrument = engine::toDefineBody(equity(id, symbol));
      apply(c);
    }
    for (std::uint64_t account : {kStrategyAccount, kMaker, kSeller, kBuyer, std::uint64_t{11}}) {
      engine::Command open = engine::makeCommand(engine::CommandType::OpenAccount);
      open.body.openAccount.account = AccountId{account};
      open.body.openAccount.baseCurrency = kUsd;
      open.body.openAccount.type = risk::AccountType::Margin;
      apply(open);
      engine::Command cash = engine::makeCommand(engine::CommandType::AdjustCash);
      cash.body.adjustCash.account = AccountId{account};
      cash.body.adjustCash.currency = kUsd;
      cash.body.adjustCash.amount = Money::fromRaw(100'000'000);  // 1,000,000.00
      apply(cash);
    }
  }

  std::unique_ptr<StrategyHost> makeHost(std::string tag = "T1") {
    return std::make_unique<StrategyHost>(
        [this](engine::Command& c) { outbox_.push_back(c); }, std::move(tag),
        [this](std::string_view name, const strategy::Parameters& p) -> Result<std::unique_ptr<strategy::Strategy>> {
          if (name == "recorder") {
            auto throws = p.boolean("throw_on_trade", false);
            if (!throws.ok()) return throws.error();
            return std::unique_ptr<strategy::Strategy>(std::make_unique<Recorder>(journal, recorders, throws.value()));
          }
          return strategy::makeStrategy(name, p);
        });
  }

  // Stamps and applies one command; its events go to the host (if any), then what the host sent.
  void apply(engine::Command c) {
    outbox_.push_back(c);
    while (!outbox_.empty()) {
      engine::Command next = outbox_.front();
      outbox_.pop_front();
      next.header.sequence = ++sequence_;
      next.header.time = Timestamp{now};
      events_.clear();
      engine_.apply(next, events_);
      std::vector<engine::EngineEvent> copy = events_;
      for (engine::EngineEvent& e : copy) {
        e.commandSequence = next.header.sequence;
        e.time = next.header.time;
        if (host) host->onEvent(e);
      }
    }
  }

  void order(std::uint64_t account, std::uint64_t instrument, Side side, std::int64_t price, std::int64_t qty,
             const char* clientId = "") {
    engine::Command c = engine::makeCommand(engine::CommandType::NewOrder);
    c.body.newOrder.account = AccountId{account};
    c.body.newOrder.instrument = InstrumentId{instrument};
    c.body.newOrder.side = side;
    c.body.newOrder.type = book::OrderType::Limit;
    c.body.newOrder.price = Price::fromRaw(price);
    c.body.newOrder.quantity = Quantity::fromRaw(qty);
    c.body.newOrder.clientOrderId = ClientOrderId::fromTrusted(clientId[0] ? clientId : "c" + std::to_string(++cid_));
    apply(c);
  }
  // A print at `price` between two other accounts.
  void print(std::uint64_t instrument, std::int64_t price, std::int64_t qty = 1) {
    order(kSeller, instrument, Side::Sell, price, qty);
    order(kBuyer, instrument, Side::Buy, price, qty);
  }
  void add(const std::string& text) {
    auto spec = parseLiveStrategySpec(text);
    ASSERT_TRUE(spec.ok()) << spec.error().message;
    auto error = host->add(spec.value(), engine_);
    ASSERT_FALSE(error) << error->message;
  }
  void clock(std::int64_t at) {
    now = at;
    host->onClock(Timestamp{now});
    flush();
  }
  void flush() {
    if (outbox_.empty()) return;
    engine::Command c = outbox_.front();
    outbox_.pop_front();
    apply(c);
  }
  StrategyStatus status(std::size_t i = 0) {
    std::vector<StrategyStatus> all;
    host->status(all);
    return all.at(i);
  }
  std::vector<const oms::OmsOrder*> liveOrders(std::uint64_t account) {
    std::vector<const oms::OmsOrder*> out;
    engine_.orders().forEach([&](const oms::OmsOrder& o) {
      if (o.account().value() == account && o.state.isLive()) out.push_back(&o);
    });
    return out;
  }

  engine::Engine engine_;
  std::unique_ptr<StrategyHost> host;
  std::deque<engine::Command> outbox_;
  std::vector<engine::EngineEvent> events_;
  std::uint64_t sequence_ = 0;
  std::uint64_t cid_ = 0;
  std::int64_t now = 1'000 * kSecond;
  Journal journal;
  std::vector<Recorder*> recorders;  // started instances
};

TEST_F(LiveHostTest, SmaCrossTradesLiveThroughTheEngineOnBarsClosedByTheClock) {
  order(kMaker, 1, Side::Sell, 11'000, 1'000);  // liquidity the strategy's market orders take
  order(kMaker, 1, Side::Buy, 9'000, 1'000);
  host = makeHost();
  add("sma_cross:account=10,instruments=AAA,bar=1s,fast=2,slow=3,quantity=10,allow_short=true");
  host->startAll(Timestamp{now});
  EXPECT_EQ(status().state, StrategyState::Running);
  // Rising closes, one print a second: after the third bar fast (2) > slow (3) → buy 10.
  for (int i = 0; i < 3; ++i) {
    now += kSecond;
    print(1, 10'000 + 100 * i);
  }
  EXPECT_EQ(status().ordersSent, 0u);  // the third bar is still open: no later event closed it
  clock(now + kSecond);                // the clock closes it
  ASSERT_EQ(status().ordersSent, 1u);
  const oms::Position* p = engine_.ledger().position(AccountId{kStrategyAccount}, InstrumentId{1});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->quantity().raw(), 10);  // filled at 110.00 against the maker
  EXPECT_EQ(status().positions.at(0).raw(), 10);
  EXPECT_EQ(status().fills, 1u);
  // Its client order id carries the strategy id and the run tag.
  bool found = false;
  engine_.orders().forEach([&](const oms::OmsOrder& o) { found |= o.clientOrderId.view() == "sma_cross.T1.1"; });
  EXPECT_TRUE(found);
  // Cash followed the fill exactly: 1,000,000.00 − 10 × 110.00.
  EXPECT_DOUBLE_EQ(status().cash, 1'000'000.0 - 1'100.0);
  // Falling closes: the fast average crosses below → sell 20 (short 10).
  for (int i = 0; i < 3; ++i) {
    now += kSecond;
    print(1, 9'900 - 200 * i);
  }
  clock(now + kSecond);
  EXPECT_EQ(engine_.ledger().position(AccountId{kStrategyAccount}, InstrumentId{1})->quantity().raw(), -10);
  EXPECT_EQ(status().positions.at(0).raw(), -10);
  EXPECT_EQ(status().ordersSent, 2u);
}

TEST_F(LiveHostTest, RoutesQuotesTradesReportsAndTimersToTheRightStrategy) {
  host = makeHost();
  add("recorder:account=10,instruments=AAA,bar=1s");
  add("recorder:account=11,instruments=BBB,id=other");
  host->startAll(Timestamp{now});
  ASSERT_EQ(recorders.size(), 2u);
  journal.lines.clear();
  order(kMaker, 1, Side::Sell, 10'100, 100);
  order(kMaker, 1, Side::Buy, 9'900, 100);  // a two-sided quote on AAA → the first recorder rests 5 @ 98.00 / 102.00
  ASSERT_EQ(recorders[0]->buy, 1u);
  ASSERT_EQ(recorders[1]->buy, 0u);  // BBB has no quote
  EXPECT_EQ(status(0).openBuy.at(0).raw(), 5);
  EXPECT_EQ(status(0).openSell.at(0).raw(), 5);
  const std::vector<std::string> acks{"update 1 new", "update 2 new"};
  EXPECT_EQ(journal.lines, acks);
  journal.lines.clear();
  // Someone sells 7 at 98.00 or better: the maker's 99.00 bid fills first, no fill for the strategy.
  order(kSeller, 1, Side::Sell, 9'800, 7);
  EXPECT_EQ(status(0).fills, 0u);
  order(kSeller, 1, Side::Sell, 9'800, 100);  // takes the rest of the maker's bid, then 5 from the strategy
  EXPECT_EQ(status(0).fills, 1u);
  EXPECT_EQ(status(0).positions.at(0).raw(), 5);
  EXPECT_EQ(status(0).openBuy.at(0).raw(), 0);
  const std::vector<std::string> traded{"trade", "trade", "update 1 filled", "fill 1 5", "trade"};
  EXPECT_EQ(journal.lines, traded);
  journal.lines.clear();
  // Timers fire in time order, on the clock.
  clock(now + 3 * kSecond);
  clock(now + 3 * kSecond);
  EXPECT_EQ(std::count(journal.lines.begin(), journal.lines.end(), "timer 3"), 2);  // one per recorder
  EXPECT_EQ(std::count(journal.lines.begin(), journal.lines.end(), "timer 7"), 2);
  EXPECT_LT(std::find(journal.lines.begin(), journal.lines.end(), "timer 3"),
            std::find(journal.lines.begin(), journal.lines.end(), "timer 7"));
}

TEST_F(LiveHostTest, StopCancelsOnlyTheStrategysOrdersAndARestartCancelsAnEarlierRunsOrders) {
  order(kStrategyAccount, 1, Side::Buy, 9'000, 3, "by-hand-1");  // a trader's own order on the account
  host = makeHost("RUN1");
  add("recorder:account=10,instruments=AAA");
  host->startAll(Timestamp{now});
  order(kMaker, 1, Side::Sell, 10'100, 100);
  order(kMaker, 1, Side::Buy, 9'900, 100);
  ASSERT_EQ(liveOrders(kStrategyAccount).size(), 3u);
  EXPECT_EQ(status().openBuy.at(0).raw(), 8);  // the account's: the trader's 3 and the strategy's 5

  // The server stops with the strategy's orders resting (a kill -9: no onStop, nothing cancelled).
  // The next start's host sees them as an earlier run's and cancels them; the trader's stays.
  host = makeHost("RUN2");
  add("recorder:account=10,instruments=AAA");
  EXPECT_EQ(status().openBuy.at(0).raw(), 8);
  host->startAll(Timestamp{now});
  flush();
  const auto idsOfLive = [&] {
    std::vector<std::string> ids;
    for (const auto* o : liveOrders(kStrategyAccount)) ids.emplace_back(o->clientOrderId.view());
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_EQ(idsOfLive(), std::vector<std::string>{"by-hand-1"});
  EXPECT_EQ(status().openBuy.at(0).raw(), 3);
  EXPECT_EQ(status().openSell.at(0).raw(), 0);

  // A new best ask: the new instance quotes around it; a stop cancels its orders, not the trader's.
  order(kMaker, 1, Side::Sell, 10'050, 100);
  EXPECT_EQ(idsOfLive(), (std::vector<std::string>{"by-hand-1", "recorder.RUN2.1", "recorder.RUN2.2"}));
  journal.lines.clear();
  ASSERT_FALSE(host->stop("recorder", Timestamp{now}));
  flush();
  EXPECT_EQ(idsOfLive(), std::vector<std::string>{"by-hand-1"});
  EXPECT_EQ(status().state, StrategyState::Stopped);
  EXPECT_EQ(journal.lines.front(), "stop");
  // Reports of the cancels reach no strategy (it is stopped), but the mirror follows them.
  EXPECT_EQ(std::count(journal.lines.begin(), journal.lines.end(), "update 1 canceled"), 0);
  EXPECT_EQ(status().openBuy.at(0).raw(), 3);
  auto again = host->stop("recorder", Timestamp{now});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->field, "state");
  auto unknown = host->start("nobody", Timestamp{now});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->field, "id");
  // Started again: a fresh instance (new handles continue the count, so client ids stay unique).
  ASSERT_FALSE(host->start("recorder", Timestamp{now}));
  EXPECT_EQ(status().state, StrategyState::Running);
  EXPECT_EQ(recorders.size(), 3u);  // one per host start, and this one
  order(kMaker, 1, Side::Sell, 10'040, 100);
  EXPECT_EQ(idsOfLive(), (std::vector<std::string>{"by-hand-1", "recorder.RUN2.3", "recorder.RUN2.4"}));
}

TEST_F(LiveHostTest, AStrategyThatThrowsIsStoppedAndTheOthersRunOn) {
  host = makeHost();
  add("recorder:account=10,instruments=AAA,throw_on_trade=true");
  add("recorder:account=11,instruments=AAA,id=calm");
  host->startAll(Timestamp{now});
  order(kMaker, 1, Side::Sell, 10'100, 100);
  order(kMaker, 1, Side::Buy, 9'900, 100);
  print(1, 10'000);
  EXPECT_EQ(status(0).state, StrategyState::Failed);
  EXPECT_NE(status(0).error.find("model blew up"), std::string::npos) << status(0).error;
  EXPECT_EQ(status(1).state, StrategyState::Running);
  flush();
  // The failed strategy's resting quotes were cancelled; the other's stay.
  std::size_t failedLive = 0, calmLive = 0;
  engine_.orders().forEach([&](const oms::OmsOrder& o) {
    if (!o.state.isLive()) return;
    failedLive += o.account().value() == kStrategyAccount;
    calmLive += o.account().value() == 11;
  });
  EXPECT_EQ(failedLive, 0u);
  EXPECT_EQ(calmLive, 2u);
}

TEST_F(LiveHostTest, BooksReachTheStrategiesThatAskedForThemWhenTheyChange) {
  host = makeHost();
  add("recorder:account=10,instruments=AAA,book=250ms");
  add("recorder:account=11,instruments=AAA,id=nobook");
  EXPECT_EQ(host->bookPeriod(), 250'000'000);
  EXPECT_EQ(host->bookInstruments(), std::vector<InstrumentId>{InstrumentId{1}});
  host->startAll(Timestamp{now});
  journal.lines.clear();
  strategy::BookUpdate b;
  b.instrument = InstrumentId{1};
  b.bids[0] = {Price::fromRaw(9'900), Quantity::fromRaw(5)};
  host->onBook(b, Timestamp{now});
  host->onBook(b, Timestamp{now});  // unchanged: not handed out again
  b.bids[0].quantity = Quantity::fromRaw(6);
  host->onBook(b, Timestamp{now});
  EXPECT_EQ(journal.lines, (std::vector<std::string>{"book 9900", "book 9900"}));  // the first recorder only
  EXPECT_EQ(status(0).bookUpdates, 2u);
  EXPECT_EQ(status(1).bookUpdates, 0u);
}

TEST_F(LiveHostTest, RefusesSpecsTheEngineCannotRun) {
  host = makeHost();
  const auto refuse = [&](const std::string& text, const std::string& field, const std::string& words) {
    auto spec = parseLiveStrategySpec(text);
    ASSERT_TRUE(spec.ok()) << spec.error().message;
    auto error = host->add(spec.value(), engine_);
    ASSERT_TRUE(error) << text;
    EXPECT_EQ(error->field, field) << text;
    EXPECT_NE(error->message.find(words), std::string::npos) << error->message;
  };
  refuse("sma_cross:account=10,instruments=ZZZ", "strategy.instruments", "no instrument 'ZZZ'");
  refuse("sma_cross:account=10,instruments=AAA+AAA", "strategy.instruments", "named twice");
  refuse("sma_cross:account=99,instruments=AAA", "strategy.account", "does not exist");
  refuse("astrology:account=10,instruments=AAA", "strategy", "unknown strategy");
  refuse("sma_cross:account=10,instruments=AAA,fats=3", "param.fats", "is not a parameter");
  refuse("sma_cross:account=10,instruments=AAA,fast=0", "param.fast", "");
  refuse("pairs:account=10,instruments=AAA", "strategy.instruments", "trades 2 instruments");
  add("sma_cross:account=10,instruments=AAA");
  refuse("sma_cross:account=11,instruments=AAA", "strategy.id", "another strategy has this id");
  refuse("momentum:account=10,instruments=AAA", "strategy.account", "already runs a strategy");
}

TEST_F(LiveHostTest, CashAndEquityFollowFillsAndTakeTheEnginesFiguresOnResync) {
  order(kMaker, 1, Side::Sell, 10'000, 20);
  order(kStrategyAccount, 1, Side::Buy, 10'000, 20, "by-hand-1");  // 20 bought at 100.00 before the host
  host = makeHost();
  add("recorder:account=10,instruments=AAA");
  host->startAll(Timestamp{now});
  EXPECT_EQ(status().positions.at(0).raw(), 20);
  EXPECT_DOUBLE_EQ(status().cash, 1'000'000.0 - 2'000.0);
  EXPECT_DOUBLE_EQ(status().equity, 1'000'000.0);
  print(1, 10'500);  // the mark moves to 105.00
  EXPECT_DOUBLE_EQ(status().equity, 1'000'000.0 + 100.0);
  // The engine's own figures at the current sequence replace the mirror's.
  host->resync(AccountId{kStrategyAccount}, engine_.ledger().value(AccountId{kStrategyAccount}), sequence_);
  EXPECT_DOUBLE_EQ(status().cash, 1'000'000.0 - 2'000.0);
  EXPECT_DOUBLE_EQ(status().equity,
                   static_cast<double>(engine_.ledger().value(AccountId{kStrategyAccount}).equity.raw()) / 100.0);
  // A valuation older than what the mirror has seen is ignored.
  oms::Valuation stale = engine_.ledger().value(AccountId{kStrategyAccount});
  stale.cash = Money::fromRaw(1);
  host->resync(AccountId{kStrategyAccount}, stale, sequence_ - 5);
  EXPECT_DOUBLE_EQ(status().cash, 1'000'000.0 - 2'000.0);
}

// A future (50 USD a point) settles like one in the mirror too: between two resyncs its cash and
// equity are the engine's, to the cent.
TEST_F(LiveHostTest, AFuturesCashAndEquityFollowTheLedgersSettlement) {
  engine::Command define = engine::makeCommand(engine::CommandType::DefineInstrument);
  define.body.defineInstrument =
      engine::toDefineBody(Instrument::create(alphintra::testing::futureSpec(3, "FUT", "0.25", "50")).value());
  apply(define);
  order(kMaker, 3, Side::Sell, 500'000, 3);                        // what the strategy account buys, no more
  order(kStrategyAccount, 3, Side::Buy, 500'000, 2, "by-hand-1");  // long 2 at 5000.00 before the host
  host = makeHost();
  add("recorder:account=10,instruments=FUT");
  host->startAll(Timestamp{now});
  const auto expectLedgerFigures = [&](const char* when) {
    const oms::Valuation v = engine_.ledger().value(AccountId{kStrategyAccount});
    EXPECT_DOUBLE_EQ(status().cash, static_cast<double>(v.cash.raw()) / 100.0) << when;
    EXPECT_DOUBLE_EQ(status().equity, static_cast<double>(v.equity.raw()) / 100.0) << when;
  };
  EXPECT_DOUBLE_EQ(status().cash, 1'000'000.0);  // no notional paid
  expectLedgerFigures("at start");
  order(kStrategyAccount, 3, Side::Buy, 500'000, 1, "by-hand-2");  // the third at 5000.00, mirrored
  print(3, 501'000);                                               // marked 10 points up: +1'500.00
  EXPECT_DOUBLE_EQ(status().equity, 1'000'000.0 + 1'500.0);
  expectLedgerFigures("after a buy and a mark");
  order(kBuyer, 3, Side::Buy, 502'000, 2);
  order(kStrategyAccount, 3, Side::Sell, 502'000, 2, "by-hand-3");  // sells 2 at 5020.00: +2'000.00 realized
  EXPECT_DOUBLE_EQ(status().cash, 1'000'000.0 + 2'000.0);
  expectLedgerFigures("after a sale");
  // Its final settlement at 5004.00 closes the last contract in the mirror as in the ledger:
  // 4.00 × 50 = +200.00 realized, the position flat.
  engine::Command settle = engine::makeCommand(engine::CommandType::SettleInstrument);
  settle.body.settle.instrument = InstrumentId{3};
  settle.body.settle.price = Price::fromRaw(500'400);
  apply(settle);
  EXPECT_EQ(status().positions.at(0).raw(), 0);
  EXPECT_DOUBLE_EQ(status().cash, 1'000'000.0 + 2'000.0 + 200.0);
  expectLedgerFigures("after the settlement");
}

}  // namespace
}  // namespace alphintra::live
