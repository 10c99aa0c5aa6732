// ItchEventWriter and SimulatedDay: engine events become the ITCH messages an exchange feed
// would publish, and the file written from the market simulator rebuilds, through the ITCH book
// builder and importer, exactly the books and the trades the matching engine ended with.
//
// The scenario tests drive a real engine (the default universe, AAPL at 190.00 → ITCH Price(4)
// 1 900 000) with hand-written orders and compare the decoded messages one by one.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/engine.hpp"
#include "engine/simulated_venue.hpp"
#include "marketdata/history_store.hpp"
#include "marketdata/itch/itch_book.hpp"
#include "marketdata/itch/itch_event_writer.hpp"
#include "marketdata/itch/itch_import.hpp"
#include "marketdata/itch/itch_parser.hpp"
#include "marketdata/itch/simulated_day.hpp"
#include "marketdata/simulator.hpp"
#include "marketdata/tests/temp_dir.hpp"
#include "marketdata/universe.hpp"

namespace alphintra::marketdata::itch {
namespace {

using engine::Command;
using engine::CommandType;
using engine::EngineEvent;

constexpr Timestamp kMidnight{1'704'153'600'000'000'000};  // 2024-01-02T00:00:00Z
constexpr std::int64_t kOpen = 34'200'000'000'000;         // 09:30
constexpr InstrumentId kAapl{1};
constexpr InstrumentId kMsft{2};
constexpr InstrumentId kEurUsd{11};
constexpr AccountId kAlice{1'000'000};
constexpr AccountId kBob{1'000'001};
constexpr AccountId kCarol{1'000'002};

// Every message as one line of text: "A 1 B 100 AAPL 1890000", "E 1 50 m3", ...
struct Tape {
  std::vector<std::string> lines;
  std::vector<std::uint64_t> times;
  template <typename M>
  void on(const M& m) {
    times.push_back(m.header.timestamp);
    lines.push_back(text(m));
  }
  static std::string text(const SystemEvent& m) { return fmt::format("S {}", m.eventCode); }
  static std::string text(const StockDirectory& m) {
    return fmt::format("R {} {}", m.header.stockLocate, stockName(m.stock));
  }
  static std::string text(const StockTradingAction& m) {
    return fmt::format("H {} {}", stockName(m.stock), m.tradingState);
  }
  static std::string text(const AddOrder& m) {
    const std::string attribution =
        m.header.type == 'F' ? " " + std::string(m.attribution.data(), m.attribution.size()) : "";
    return fmt::format("{} {} {} {} {} {}{}", m.header.type, m.orderRef, m.side, m.shares, stockName(m.stock), m.price,
                       attribution);
  }
  static std::string text(const OrderExecuted& m) {
    return fmt::format("E {} {} m{}", m.orderRef, m.executedShares, m.matchNumber);
  }
  static std::string text(const OrderExecutedWithPrice& m) {
    return fmt::format("C {} {} m{} {} {}", m.orderRef, m.executedShares, m.matchNumber, m.printable, m.executionPrice);
  }
  static std::string text(const OrderCancel& m) { return fmt::format("X {} {}", m.orderRef, m.cancelledShares); }
  static std::string text(const OrderDelete& m) { return fmt::format("D {}", m.orderRef); }
  static std::string text(const OrderReplace& m) {
    return fmt::format("U {} {} {} {}", m.originalOrderRef, m.newOrderRef, m.shares, m.price);
  }
  static std::string text(const CrossTrade& m) {
    return fmt::format("Q {} {} {} m{}", stockName(m.stock), m.shares, m.crossPrice, m.matchNumber);
  }
  template <typename M>
  static std::string text(const M& m) {
    return fmt::format("{}?", m.header.type);
  }
};

Tape decode(const std::vector<std::uint8_t>& bytes) {
  Tape tape;
  std::uint64_t n = 0;
  FrameError error;
  EXPECT_EQ(decodeFrames(bytes.data(), bytes.size(), tape, n, error), bytes.size());
  EXPECT_EQ(error.status, DecodeStatus::Ok);
  return tape;
}

// A real engine with the default universe and three funded margin accounts; every command's
// events go to the writer.
class Market {
 public:
  Market() : writer_(bytes_, kMidnight) {
    for (const Command& c : defaultUniverse()) apply(c);
    SimulatorOptions accounts;
    accounts.marketMakersPerInstrument = 3;
    accounts.noiseTraders = 0;
    accounts.momentumTraders = 0;
    for (const Command& c : simulatorAccounts(accounts)) apply(c);
    EXPECT_TRUE(writer_.addStock(*engine_.instrument(kAapl)).ok());
    EXPECT_TRUE(writer_.addStock(*engine_.instrument(kMsft)).ok());
    writer_.startOfDay(now());
    writer_.finishCommand();
    bytes_.clear();  // the tests look at the order flow
  }

  // A limit order (price in cents); returns its engine order id (0 when none was created).
  std::uint64_t limit(AccountId account, Side side, std::int64_t quantity, std::int64_t cents,
                      book::TimeInForce tif = book::TimeInForce::GTC,
                      book::SelfTradePrevention stp = book::SelfTradePrevention::None, InstrumentId id = kAapl) {
    Command c = engine::makeCommand(CommandType::NewOrder);
    engine::NewOrderBody& b = c.body.newOrder;
    b.account = account;
    b.instrument = id;
    b.clientOrderId = ClientOrderId::fromTrusted(fmt::format("c{}", ++clientIds_));
    b.side = side;
    b.type = book::OrderType::Limit;
    b.timeInForce = tif;
    b.selfTrade = stp;
    b.price = Price::fromRaw(cents);
    b.quantity = Quantity::fromRaw(quantity);
    return orderOf(apply(c));
  }
  std::uint64_t market(AccountId account, Side side, std::int64_t quantity) {
    Command c = engine::makeCommand(CommandType::NewOrder);
    engine::NewOrderBody& b = c.body.newOrder;
    b.account = account;
    b.instrument = kAapl;
    b.clientOrderId = ClientOrderId::fromTrusted(fmt::format("c{}", ++clientIds_));
    b.side = side;
    b.type = book::OrderType::Market;
    b.timeInForce = book::TimeInForce::IOC;
    b.quantity = Quantity::fromRaw(quantity);
    return orderOf(apply(c));
  }
  void replace(AccountId account, std::uint64_t order, std::int64_t quantity, std::int64_t cents) {
    Command c = engine::makeCommand(CommandType::ReplaceOrder);
    engine::ReplaceOrderBody& b = c.body.replace;
    b.account = account;
    b.orderId = OrderId{order};
    b.quantity = Quantity::fromRaw(quantity);
    b.price = Price::fromRaw(cents);
    expectExecution(apply(c), oms::ExecType::Replaced);
  }
  void cancel(AccountId account, std::uint64_t order) {
    Command c = engine::makeCommand(CommandType::CancelOrder);
    c.body.cancel.account = account;
    c.body.cancel.orderId = OrderId{order};
    expectExecution(apply(c), oms::ExecType::Canceled);
  }
  void status(TradingStatus s) {
    Command c = engine::makeCommand(CommandType::InstrumentStatus);
    c.body.instrumentStatus.instrument = kAapl;
    c.body.instrumentStatus.status = s;
    apply(c);
  }

  // The messages written since the last call, as text.
  std::vector<std::string> take() {
    writer_.finishCommand();
    Tape tape = decode(bytes_);
    bytes_.clear();
    return tape.lines;
  }

  ItchEventWriter& writer() { return writer_; }
  engine::Engine& engine() { return engine_; }
  Timestamp now() const { return kMidnight + kOpen + static_cast<std::int64_t>(sequence_) * 1'000; }

 private:
  std::vector<EngineEvent> apply(Command c) {
    c.header.sequence = ++sequence_;
    c.header.time = now();
    std::vector<EngineEvent> events;
    engine_.apply(c, events);
    for (const EngineEvent& e : events) writer_.onEvent(e);
    return events;
  }
  static std::uint64_t orderOf(const std::vector<EngineEvent>& events) {
    for (const EngineEvent& e : events) {
      if (e.kind == engine::EventKind::ExecutionReport && e.body.execution.execType == oms::ExecType::New) {
        return e.body.execution.orderId.value();
      }
    }
    ADD_FAILURE() << "the order was not accepted";
    return 0;
  }
  static void expectExecution(const std::vector<EngineEvent>& events, oms::ExecType type) {
    for (const EngineEvent& e : events) {
      if (e.kind == engine::EventKind::ExecutionReport && e.body.execution.execType == type) return;
    }
    ADD_FAILURE() << "no execution report of type " << static_cast<char>(type);
  }

  engine::Engine engine_;
  std::vector<std::uint8_t> bytes_;
  ItchEventWriter writer_;
  std::uint64_t sequence_ = 0;
  std::uint64_t clientIds_ = 0;
};

using Lines = std::vector<std::string>;

TEST(ItchEventWriter, StartOfDayListsEveryStock) {
  std::vector<std::uint8_t> bytes;
  ItchEventWriter writer(bytes, kMidnight);
  const auto instruments = defaultInstruments();
  ASSERT_EQ(writer.addStock(instruments[0]).value(), 1);
  ASSERT_EQ(writer.addStock(instruments[9]).value(), 2);  // SHEL
  writer.startOfDay(kMidnight + kOpen);
  writer.endOfDay(kMidnight + kOpen + 60'000'000'000);
  const Tape tape = decode(bytes);
  EXPECT_EQ(tape.lines,
            (Lines{"S O", "S S", "R 1 AAPL", "R 2 SHEL", "H AAPL T", "H SHEL T", "S Q", "S M", "S E", "S C"}));
  EXPECT_EQ(tape.times.front(), static_cast<std::uint64_t>(kOpen));
  EXPECT_EQ(tape.times.back(), static_cast<std::uint64_t>(kOpen + 60'000'000'000));
  EXPECT_EQ(writer.counts().messages, 10u);
  EXPECT_FALSE(writer.error());
}

TEST(ItchEventWriter, RefusesWhatItchCannotCarry) {
  std::vector<std::uint8_t> bytes;
  ItchEventWriter writer(bytes, kMidnight);
  const auto instruments = defaultInstruments();
  for (const Instrument& in : instruments) {
    auto locate = writer.addStock(in);
    if (in.assetClass() == AssetClass::Equity) {
      EXPECT_TRUE(locate.ok()) << in.symbol();
    } else {
      ASSERT_FALSE(locate.ok()) << in.symbol();
      EXPECT_EQ(locate.error().field, "instrument");
      EXPECT_NE(locate.error().message.find("not an equity"), std::string::npos) << locate.error().message;
    }
  }
  EXPECT_EQ(writer.stocks(), 10u);
  auto twice = writer.addStock(instruments[0]);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("twice"), std::string::npos);

  InstrumentSpec spec;
  spec.id = 100;
  spec.symbol = "LONGSYMBOL";
  auto longName = writer.addStock(Instrument::create(spec).value());
  ASSERT_FALSE(longName.ok());
  EXPECT_NE(longName.error().message.find("8 printable"), std::string::npos);
  spec.symbol = "FRAC";
  spec.quantityPrecision = 2;
  spec.lotSize = "0.01";
  auto fractional = writer.addStock(Instrument::create(spec).value());
  ASSERT_FALSE(fractional.ok());
  EXPECT_NE(fractional.error().message.find("whole shares"), std::string::npos);
  spec.symbol = "FINE";
  spec.quantityPrecision = 0;
  spec.lotSize = "1";
  spec.pricePrecision = 6;
  spec.tickSize = "0.000001";
  auto finePrice = writer.addStock(Instrument::create(spec).value());
  ASSERT_FALSE(finePrice.ok());
  EXPECT_NE(finePrice.error().message.find("6 price places"), std::string::npos);
}

TEST(ItchEventWriter, RestingOrdersAddAndFillsExecute) {
  Market m;
  m.limit(kAlice, Side::Buy, 100, 18'900);
  m.limit(kAlice, Side::Buy, 50, 18'950);
  EXPECT_EQ(m.take(), (Lines{"A 1 B 100 AAPL 1890000", "A 2 B 50 AAPL 1895000"}));
  // A sell through both bids, best first; nothing left to rest.
  m.limit(kBob, Side::Sell, 120, 18'900);
  EXPECT_EQ(m.take(), (Lines{"E 2 50 m1", "E 1 70 m2"}));
  // The rest of an aggressive order rests after its executions.
  m.limit(kBob, Side::Sell, 100, 18'900);
  EXPECT_EQ(m.take(), (Lines{"E 1 30 m3", "A 3 S 70 AAPL 1890000"}));
  // IOC and market orders never rest; a market order's executions print on the resting order.
  m.limit(kAlice, Side::Buy, 10, 18'800, book::TimeInForce::IOC);
  m.market(kAlice, Side::Buy, 20);
  EXPECT_EQ(m.take(), (Lines{"E 3 20 m4"}));
  EXPECT_EQ(m.writer().prints(1).trades, 4u);
  EXPECT_EQ(m.writer().prints(1).shares, 170u);
  EXPECT_EQ(m.writer().prints(2).trades, 0u);
  EXPECT_FALSE(m.writer().error());
}

TEST(ItchEventWriter, ReplacesKeepOrLosePriorityAsTheMatchingEngineDoes) {
  Market m;
  const std::uint64_t ask = m.limit(kBob, Side::Sell, 100, 19'100);
  m.limit(kAlice, Side::Buy, 30, 19'100);  // 30 filled: leaves 70 of 100
  EXPECT_EQ(m.take(), (Lines{"A 1 S 100 AAPL 1910000", "E 1 30 m1"}));
  EXPECT_EQ(m.writer().referenceOf(OrderId{ask}), 1u);
  // Same price, smaller total: keeps its priority, the feed cancels the shares taken off.
  m.replace(kBob, ask, 80, 19'100);
  EXPECT_EQ(m.take(), (Lines{"X 1 20"}));
  // A larger total loses priority: a replace to a new reference.
  m.replace(kBob, ask, 90, 19'100);
  EXPECT_EQ(m.take(), (Lines{"U 1 2 60 1910000"}));
  // A new price too.
  m.replace(kBob, ask, 90, 19'120);
  EXPECT_EQ(m.take(), (Lines{"U 2 3 60 1912000"}));
  EXPECT_EQ(m.writer().referenceOf(OrderId{ask}), 3u);
  m.cancel(kBob, ask);
  EXPECT_EQ(m.take(), (Lines{"D 3"}));
  EXPECT_EQ(m.writer().referenceOf(OrderId{ask}), 0u);
}

TEST(ItchEventWriter, AReplaceThatTradesDeletesThenAddsTheRest) {
  Market m;
  const std::uint64_t bid = m.limit(kAlice, Side::Buy, 100, 18'900);
  m.limit(kBob, Side::Sell, 60, 19'000);
  m.limit(kCarol, Side::Sell, 70, 19'010);
  EXPECT_EQ(m.take(), (Lines{"A 1 B 100 AAPL 1890000", "A 2 S 60 AAPL 1900000", "A 3 S 70 AAPL 1901000"}));
  // The bid moves through both asks: the old reference goes first, then the executions, then
  // what is left rests under a new reference.
  m.replace(kAlice, bid, 150, 19'010);
  EXPECT_EQ(m.take(), (Lines{"D 1", "E 2 60 m1", "E 3 70 m2", "A 4 B 20 AAPL 1901000"}));
  m.limit(kBob, Side::Sell, 10, 19'100);
  m.replace(kAlice, bid, 200, 19'100);  // cum 130: leaves 70, takes the 10 and rests 60
  EXPECT_EQ(m.take(), (Lines{"A 5 S 10 AAPL 1910000", "D 4", "E 5 10 m3", "A 6 B 60 AAPL 1910000"}));
}

TEST(ItchEventWriter, SelfTradeCancelsAndRestatementsReduceTheRestingOrder) {
  Market m;
  m.limit(kAlice, Side::Sell, 100, 19'000);
  m.limit(kAlice, Side::Buy, 40, 19'000, book::TimeInForce::GTC, book::SelfTradePrevention::CancelResting);
  EXPECT_EQ(m.take(), (Lines{"A 1 S 100 AAPL 1900000", "D 1", "A 2 B 40 AAPL 1900000"}));
  // Decrement and cancel: the resting order loses the smaller quantity, the incoming one is
  // cancelled without reaching the book.
  m.limit(kAlice, Side::Sell, 15, 19'000, book::TimeInForce::GTC, book::SelfTradePrevention::DecrementAndCancel);
  EXPECT_EQ(m.take(), (Lines{"X 2 15"}));
}

TEST(ItchEventWriter, AttributedAccountsWriteF) {
  Market m;
  m.writer().attribute(kBob, "MM01");
  m.limit(kBob, Side::Buy, 100, 18'900);
  m.limit(kAlice, Side::Buy, 100, 18'900);
  EXPECT_EQ(m.take(), (Lines{"F 1 B 100 AAPL 1890000 MM01", "A 2 B 100 AAPL 1890000"}));
  EXPECT_EQ(m.writer().counts().attributedAdds, 1u);
}

TEST(ItchEventWriter, OtherInstrumentsWriteNothing) {
  Market m;
  m.limit(kAlice, Side::Buy, 1'000, 107'900, book::TimeInForce::GTC, book::SelfTradePrevention::None, kEurUsd);
  m.limit(kBob, Side::Sell, 1'000, 107'900, book::TimeInForce::GTC, book::SelfTradePrevention::None, kEurUsd);
  EXPECT_EQ(m.take(), Lines{});
  m.limit(kAlice, Side::Buy, 10, 41'900, book::TimeInForce::GTC, book::SelfTradePrevention::None, kMsft);
  EXPECT_EQ(m.take(), (Lines{"A 1 B 10 MSFT 4190000"}));
}

TEST(ItchEventWriter, AuctionMatchesExecuteBothSidesAndPrintOneCross) {
  Market m;
  m.status(TradingStatus::PreOpen);
  m.limit(kAlice, Side::Buy, 100, 19'050);
  m.limit(kBob, Side::Sell, 60, 19'000);  // crossed, but nothing matches in the call
  EXPECT_EQ(m.take(), (Lines{"A 1 B 100 AAPL 1905000", "A 2 S 60 AAPL 1900000"}));
  m.status(TradingStatus::Continuous);
  const Lines lines = m.take();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].substr(0, 12), "C 1 60 m1 N ");
  EXPECT_EQ(lines[1].substr(0, 12), "C 2 60 m1 N ");
  EXPECT_EQ(lines[2], "Q AAPL 60 " + lines[0].substr(12) + " m1");
  EXPECT_EQ(m.writer().prints(1).trades, 1u);
  EXPECT_EQ(m.writer().prints(1).shares, 60u);
}

TEST(ItchEventWriter, TimestampsCountFromMidnightAndBadTimesAreNamed) {
  std::vector<std::uint8_t> bytes;
  ItchEventWriter writer(bytes, kMidnight);
  ASSERT_TRUE(writer.addStock(defaultInstruments()[0]).ok());
  writer.startOfDay(kMidnight + 5);
  EXPECT_EQ(decode(bytes).times.front(), 5u);
  EXPECT_FALSE(writer.error());
  writer.endOfDay(kMidnight + (-1));
  ASSERT_TRUE(writer.error());
  EXPECT_EQ(writer.error()->field, "time");
}

// ---------------------------------------------------------------------------------------------
// The simulated day, round trip

// The books of an ITCH stream, checked after every message: never crossed, no unknown order.
struct Rebuilt {
  ItchBookBuilder book{1u << 14};
  std::uint64_t crossed = 0;
  std::map<std::uint16_t, std::uint64_t> prints;  // locate → executed shares in printed messages
  std::map<std::uint16_t, std::uint64_t> printCount;
  std::uint64_t lastTime = 0;
  std::uint64_t timeWentBack = 0;
  template <typename M>
  void on(const M& m) {
    if (m.header.timestamp < lastTime) ++timeWentBack;
    lastTime = m.header.timestamp;
    std::uint16_t locate = m.header.stockLocate;
    if constexpr (std::is_same_v<M, OrderExecuted> || std::is_same_v<M, OrderExecutedWithPrice>) {
      OrderInfo info;
      if (book.findOrder(m.orderRef, info)) {
        locate = info.locate;
        bool printable = true;
        if constexpr (std::is_same_v<M, OrderExecutedWithPrice>) printable = m.printable == 'Y';
        if (printable) {
          prints[locate] += m.executedShares;
          ++printCount[locate];
        }
      }
    }
    if constexpr (requires { book.on(m); }) {
      book.on(m);
      const ItchLevel* bid = book.bestBid(locate);
      const ItchLevel* ask = book.bestAsk(locate);
      if (bid != nullptr && ask != nullptr && bid->price >= ask->price) ++crossed;
    }
  }
};

struct EngineTape {
  std::map<std::uint64_t, std::uint64_t> trades;  // instrument → public trades
  std::map<std::uint64_t, std::uint64_t> volume;
  std::optional<Error> observe(const EngineEvent& e) {
    if (e.kind == engine::EventKind::PublicTrade) {
      ++trades[e.body.trade.instrument.value()];
      volume[e.body.trade.instrument.value()] += static_cast<std::uint64_t>(e.body.trade.quantity.raw());
    }
    return std::nullopt;
  }
};

SimulatedDayOptions shortDay(std::uint64_t seed) {
  SimulatedDayOptions o;
  o.seed = seed;
  o.midnight = kMidnight;
  o.durationNanos = 90'000'000'000;  // 90 s
  o.ordersPerSecond = 2'000;
  return o;
}

TEST(SimulatedDay, TheFileRebuildsTheEnginesBooksAndTrades) {
  auto created = SimulatedDay::create(shortDay(7));
  ASSERT_TRUE(created.ok()) << created.error().message;
  SimulatedDay& day = *created.value();
  std::vector<std::uint8_t> bytes;
  EngineTape engineTape;
  auto summary = day.run(
      [&](std::span<const std::uint8_t> piece) -> std::optional<Error> {
        bytes.insert(bytes.end(), piece.begin(), piece.end());
        return std::nullopt;
      },
      [&](const EngineEvent& e) { return engineTape.observe(e); });
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->itchBytes, bytes.size());
  EXPECT_GT(summary->commands, 150'000u);
  ASSERT_EQ(day.stocks().size(), 10u);

  Rebuilt rebuilt;
  std::uint64_t messages = 0;
  FrameError error;
  ASSERT_EQ(decodeFrames(bytes.data(), bytes.size(), rebuilt, messages, error), bytes.size());
  EXPECT_EQ(messages, summary->itchMessages);
  EXPECT_EQ(rebuilt.book.anomalies(), 0u);
  EXPECT_EQ(rebuilt.crossed, 0u);
  EXPECT_EQ(rebuilt.timeWentBack, 0u);
  EXPECT_EQ(rebuilt.lastTime, static_cast<std::uint64_t>(kOpen + 90'000'000'000));

  // The simulator's flow uses every message kind it can cause. (X needs a partial cancel or a
  // replace that lowers the quantity at the same price; its agents do neither: the market makers'
  // refills raise it. The scenario tests above cover X.)
  const ItchWriterCounts& counts = day.writer().counts();
  EXPECT_GT(counts.adds, 10'000u);
  EXPECT_GT(counts.attributedAdds, 100u);
  EXPECT_GT(counts.executions, 1'000u);
  EXPECT_GT(counts.deletes, 1'000u);
  EXPECT_GT(counts.replaces, 1'000u);

  // The books: every level, and every resting order under its reference, in time priority.
  const auto* venue = dynamic_cast<const engine::SimulatedVenue*>(&day.engine().venue());
  ASSERT_NE(venue, nullptr);
  std::size_t engineResting = 0;
  for (std::size_t i = 0; i < day.stocks().size(); ++i) {
    const Instrument& stock = day.stocks()[i];
    const auto locate = static_cast<std::uint16_t>(i + 1);
    SCOPED_TRACE(stock.symbol());
    for (Side side : {Side::Buy, Side::Sell}) {
      std::vector<book::LevelView> levels;
      day.engine().venue().depth(stock.id(), side, 100'000, levels);
      const auto built = side == Side::Buy ? rebuilt.book.bidsBestLast(locate) : rebuilt.book.asksBestLast(locate);
      ASSERT_EQ(levels.size(), built.size());
      ASSERT_FALSE(levels.empty());
      for (std::size_t k = 0; k < levels.size(); ++k) {
        const ItchLevel& b = built[built.size() - 1 - k];
        EXPECT_EQ(levels[k].price.raw() * 100, b.price) << k;
        EXPECT_EQ(static_cast<std::uint64_t>(levels[k].quantity.raw()), b.shares) << k;
        EXPECT_EQ(levels[k].orders, b.orders) << k;
      }
      std::vector<book::OrderView> orders;
      venue->book(stock.id())->orders(side, orders);
      std::int64_t levelPrice = -1;
      std::uint64_t previousRef = 0;
      for (const book::OrderView& o : orders) {
        ++engineResting;
        const std::uint64_t ref = day.writer().referenceOf(o.id);
        OrderInfo info;
        ASSERT_TRUE(rebuilt.book.findOrder(ref, info)) << "order " << o.id.value();
        EXPECT_EQ(info.locate, locate);
        EXPECT_EQ(info.side, side == Side::Buy ? 'B' : 'S');
        EXPECT_EQ(info.price, o.price.raw() * 100);
        EXPECT_EQ(info.shares, o.leavesQuantity.raw());
        if (o.price.raw() == levelPrice) {
          EXPECT_GT(ref, previousRef) << "time priority at " << o.price.raw();
        }
        levelPrice = o.price.raw();
        previousRef = ref;
      }
    }
    // The trades: every engine trade of the stock printed once, with its quantity.
    const std::uint64_t id = stock.id().value();
    EXPECT_GT(engineTape.trades[id], 100u);
    EXPECT_EQ(rebuilt.printCount[locate], engineTape.trades[id]);
    EXPECT_EQ(rebuilt.prints[locate], engineTape.volume[id]);
    EXPECT_EQ(day.writer().prints(locate).trades, engineTape.trades[id]);
    EXPECT_EQ(day.writer().prints(locate).shares, engineTape.volume[id]);
  }
  EXPECT_EQ(rebuilt.book.liveOrders(), engineResting);

  // The importer reads the file: one stored trade per engine trade, with its quantity.
  testing::TempDir dir;
  const auto file = dir.path() / "day.itch";
  {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
    std::fclose(f);
  }
  auto store = HistoryWriter::open(dir.path() / "store", HistoryWriterOptions{false, 64});
  ASSERT_TRUE(store.ok());
  ItchImportOptions importOptions;
  importOptions.midnight = kMidnight;
  auto imported = importItchFile(file, store.value(), importOptions);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  ASSERT_TRUE(store.value().flush().ok());
  std::uint64_t engineTrades = 0;
  for (const auto& [id, n] : engineTape.trades) engineTrades += n;
  EXPECT_EQ(imported->trades, engineTrades);
  EXPECT_EQ(imported->instruments, 10u);
  EXPECT_EQ(imported->anomalies, 0u);
  auto reader = HistoryReader::open(dir.path() / "store");
  ASSERT_TRUE(reader.ok());
  std::uint64_t storedVolume = 0;
  auto read = reader.value().queryTrades(kAapl, kMidnight, kMidnight + 86'400'000'000'000, [&](const TradeEvent& t) {
    storedVolume += static_cast<std::uint64_t>(t.quantity.raw());
    return true;
  });
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(storedVolume, engineTape.volume[kAapl.value()]);
}

TEST(SimulatedDay, TheSameSeedWritesTheSameBytes) {
  const auto bytesOf = [](std::uint64_t seed) {
    SimulatedDayOptions o = shortDay(seed);
    o.durationNanos = 10'000'000'000;
    auto day = SimulatedDay::create(o);
    std::vector<std::uint8_t> bytes;
    EXPECT_TRUE(day.ok());
    auto run = day.value()->run([&](std::span<const std::uint8_t> piece) -> std::optional<Error> {
      bytes.insert(bytes.end(), piece.begin(), piece.end());
      return std::nullopt;
    });
    EXPECT_TRUE(run.ok());
    return bytes;
  };
  const auto a = bytesOf(11);
  EXPECT_GT(a.size(), 100'000u);
  EXPECT_EQ(a, bytesOf(11));
  EXPECT_NE(a, bytesOf(12));
}

TEST(SimulatedDay, OptionsAreCheckedByName) {
  const auto fieldOf = [](const SimulatedDayOptions& o) {
    auto day = SimulatedDay::create(o);
    return day.ok() ? std::string{} : day.error().field;
  };
  SimulatedDayOptions o = shortDay(1);
  o.symbols = {"AAPL", "NOPE"};
  EXPECT_EQ(fieldOf(o), "instruments");
  o.symbols = {"EUR/USD"};
  EXPECT_EQ(fieldOf(o), "instruments");
  o.symbols = {"MSFT"};
  EXPECT_EQ(fieldOf(o), "");
  o.durationNanos = 15 * 3'600'000'000'000;  // 09:30 + 15 h: past midnight
  EXPECT_EQ(fieldOf(o), "duration");
  o.durationNanos = 0;
  EXPECT_EQ(fieldOf(o), "duration");
  o = shortDay(1);
  o.sessionStartNanos = 86'400'000'000'000;
  EXPECT_EQ(fieldOf(o), "start");
  o = shortDay(1);
  o.ordersPerSecond = 0;
  EXPECT_EQ(fieldOf(o), "rate");

  o = shortDay(1);
  o.symbols = {"SHEL", "MSFT"};
  o.durationNanos = 2'000'000'000;
  auto day = SimulatedDay::create(o);
  ASSERT_TRUE(day.ok());
  ASSERT_EQ(day.value()->stocks().size(), 2u);
  EXPECT_EQ(day.value()->stocks()[0].symbol(), "MSFT");  // the default universe's order
  EXPECT_EQ(day.value()->stocks()[1].symbol(), "SHEL");
  auto ran = day.value()->run({});
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(ran->itchBytes, 0u);  // no sink: nothing written
  EXPECT_GT(ran->commands, 1'000u);
  EXPECT_FALSE(day.value()->run({}).ok());  // a day runs once
}

}  // namespace
}  // namespace alphintra::marketdata::itch
