// ITCH 5.0: every message type round-trips encoder → parser; framing errors are named with the
// offset; the order-level books equal a deliberately naive reference model after a generated
// day; the generator emits every type; the importer stores the feed's prints.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <variant>
#include <vector>

#include "marketdata/history_store.hpp"
#include "marketdata/itch/itch_book.hpp"
#include "marketdata/itch/itch_encoder.hpp"
#include "marketdata/itch/itch_file.hpp"
#include "marketdata/itch/itch_generator.hpp"
#include "marketdata/itch/itch_import.hpp"
#include "marketdata/itch/itch_parser.hpp"
#include "marketdata/tests/temp_dir.hpp"
#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata::itch {
namespace {

using AnyMessage =
    std::variant<SystemEvent, StockDirectory, StockTradingAction, RegShoRestriction, MarketParticipantPosition,
                 MwcbDeclineLevel, MwcbStatus, IpoQuotingPeriodUpdate, LuldAuctionCollar, OperationalHalt, AddOrder,
                 OrderExecuted, OrderExecutedWithPrice, OrderCancel, OrderDelete, OrderReplace, Trade, CrossTrade,
                 BrokenTrade, Noii, Rpii, DirectListingPriceDiscovery>;

struct Capture {
  std::vector<AnyMessage> messages;
  template <typename M>
  void on(const M& m) {
    messages.emplace_back(m);
  }
};

// Headers whose every byte differs, so a field read from a wrong offset shows.
Header h(char type, std::uint16_t locate) { return Header{type, locate, 0x0102, 0x0000'A1B2'C3D4'E5F6ull}; }

std::vector<AnyMessage> oneOfEach() {
  const Stock s = makeStock("ZVZZT");
  StockDirectory r{h('R', 7), s, 'Q', 'N', 100, 'N', 'C', {'Z', 'Y'}, 'P', 'N', 'N', '1', 'Y', 3, 'N'};
  AddOrder a{h('A', 7), 0x1122334455667788ull, 'B', 0x01020304, s, 0x05060708, {' ', ' ', ' ', ' '}};
  AddOrder f{h('F', 7), 99, 'S', 500, s, 1'234'500, {'G', 'S', 'C', 'O'}};
  return {SystemEvent{h('S', 0), 'O'},
          r,
          StockTradingAction{h('H', 7), s, 'T', ' ', {'I', 'P', 'O', '1'}},
          RegShoRestriction{h('Y', 7), s, '1'},
          MarketParticipantPosition{h('L', 7), {'N', 'S', 'D', 'Q'}, s, 'Y', 'N', 'A'},
          MwcbDeclineLevel{h('V', 0), 0x0102030405060708ull, 2, 3},
          MwcbStatus{h('W', 0), '2'},
          IpoQuotingPeriodUpdate{h('K', 7), s, 36'000, 'A', 250'000},
          LuldAuctionCollar{h('J', 7), s, 100'000, 110'000, 90'000, 2},
          OperationalHalt{h('h', 7), s, 'Q', 'H'},
          a,
          f,
          OrderExecuted{h('E', 7), 0x1122334455667788ull, 77, 0xCAFEBABEDEADBEEFull},
          OrderExecutedWithPrice{h('C', 7), 99, 100, 5, 'Y', 1'234'600},
          OrderCancel{h('X', 7), 99, 50},
          OrderDelete{h('D', 7), 99},
          OrderReplace{h('U', 7), 99, 100, 300, 1'234'700},
          Trade{h('P', 7), 0, 'B', 200, s, 1'234'800, 6},
          CrossTrade{h('Q', 7), 0x0000'0001'0000'0000ull, s, 1'234'900, 7, 'O'},
          BrokenTrade{h('B', 7), 7},
          Noii{h('I', 7), 1'000, 200, 'S', s, 1'000'000, 1'100'000, 1'050'000, 'C', 'L'},
          Rpii{h('N', 7), s, 'A'},
          DirectListingPriceDiscovery{h('O', 7), s, 'Y', 100'000, 200'000, 150'000, 0x0102030405060708ull, 140'000,
                                      160'000}};
}

TEST(Itch, EveryMessageTypeRoundTrips) {
  const auto messages = oneOfEach();
  std::vector<std::uint8_t> bytes;
  ItchEncoder enc(bytes);
  std::set<char> types;
  for (const auto& m : messages) {
    const std::size_t before = bytes.size();
    std::visit([&](const auto& x) { enc.put(x); }, m);
    const char type = static_cast<char>(bytes[before + 2]);
    types.insert(type);
    EXPECT_EQ(bytes.size() - before, messageLength(type) + 2) << type;
    EXPECT_EQ(wire::u16(bytes.data() + before), messageLength(type));
  }
  EXPECT_EQ(types.size(), kMessageTypes.size());  // all 23 types
  Capture capture;
  std::uint64_t count = 0;
  FrameError error;
  EXPECT_EQ(decodeFrames(bytes.data(), bytes.size(), capture, count, error), bytes.size());
  EXPECT_EQ(error.status, DecodeStatus::Ok);
  ASSERT_EQ(capture.messages.size(), messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) EXPECT_TRUE(capture.messages[i] == messages[i]) << "message " << i;
  // The 48-bit timestamp and the big-endian layout, byte for byte, on the first message.
  EXPECT_EQ(bytes[2], 'S');
  EXPECT_EQ(bytes[7], 0xA1);
  EXPECT_EQ(bytes[12], 0xF6);
}

TEST(Itch, FramingErrorsNameTheOffset) {
  testing::TempDir dir;
  std::vector<std::uint8_t> good;
  ItchEncoder enc(good);
  enc.put(SystemEvent{h('S', 0), 'O'});  // 14 bytes
  struct Case {
    std::vector<std::uint8_t> tail;
    const char* fragment;
  };
  const std::vector<Case> cases = {
      {{0x00, 0x03, 'Z', 0, 0}, "offset 14: type byte 0x5a is not an ITCH 5.0 message type"},
      {{0x00, 0x05, 'D', 0, 0, 0, 0}, "offset 14: message 'D' has 5 bytes, the specification says 19"},
      {{0x00, 0x13, 'D', 0, 0}, "offset 14: the file ends inside a message (5 of 21 bytes)"},
      {{0x00, 0x00}, "offset 14: a message of length 0"}};
  for (const Case& c : cases) {
    std::vector<std::uint8_t> bytes = good;
    bytes.insert(bytes.end(), c.tail.begin(), c.tail.end());
    const auto file = dir.write("bad.itch", std::string(bytes.begin(), bytes.end()));
    Capture capture;
    auto read = readItchFile(file, capture);
    ASSERT_FALSE(read.ok());
    EXPECT_NE(read.error().message.find(c.fragment), std::string::npos) << read.error().message;
    EXPECT_NE(read.error().message.find("bad.itch"), std::string::npos);
  }
  Capture capture;
  EXPECT_FALSE(readItchFile(dir.path() / "missing.itch", capture).ok());
}

// The naive reference: std::map everywhere, no cleverness.
struct ReferenceBooks {
  struct Order {
    std::uint16_t locate;
    char side;
    std::uint32_t price;
    std::uint32_t shares;
  };
  std::map<std::uint64_t, Order> orders;
  std::map<std::tuple<std::uint16_t, char, std::uint32_t>, std::pair<std::uint64_t, std::uint32_t>> levels;

  void addShares(const Order& o, std::int64_t shares, int orderCount) {
    auto& l = levels[{o.locate, o.side, o.price}];
    l.first = static_cast<std::uint64_t>(static_cast<std::int64_t>(l.first) + shares);
    l.second = static_cast<std::uint32_t>(static_cast<int>(l.second) + orderCount);
    if (l.second == 0) levels.erase({o.locate, o.side, o.price});
  }
  void on(const AddOrder& m) {
    Order o{m.header.stockLocate, m.side, m.price, m.shares};
    orders[m.orderRef] = o;
    addShares(o, m.shares, 1);
  }
  void take(std::uint64_t ref, std::uint32_t shares) {
    Order& o = orders.at(ref);
    const bool gone = shares >= o.shares;
    addShares(o, -static_cast<std::int64_t>(std::min(shares, o.shares)), gone ? -1 : 0);
    o.shares -= std::min(shares, o.shares);
    if (gone) orders.erase(ref);
  }
  void on(const OrderExecuted& m) { take(m.orderRef, m.executedShares); }
  void on(const OrderExecutedWithPrice& m) { take(m.orderRef, m.executedShares); }
  void on(const OrderCancel& m) { take(m.orderRef, m.cancelledShares); }
  void on(const OrderDelete& m) { take(m.orderRef, orders.at(m.orderRef).shares); }
  void on(const OrderReplace& m) {
    const Order old = orders.at(m.originalOrderRef);
    take(m.originalOrderRef, old.shares);
    on(AddOrder{m.header, m.newOrderRef, old.side, m.shares, {}, m.price, {}});
  }
};

struct Both {
  ItchBookBuilder fast{1024};  // small on purpose: the table must grow
  ReferenceBooks reference;
  template <typename M>
  void on(const M& m) requires requires(ItchBookBuilder& b, ReferenceBooks& r) {
    b.on(m);
    r.on(m);
  }
  {
    fast.on(m);
    reference.on(m);
  }
};

void expectSameBooks(const ItchBookBuilder& fast, const ReferenceBooks& ref, std::uint16_t stocks) {
  std::size_t levels = 0;
  for (std::uint16_t locate = 1; locate <= stocks; ++locate) {
    for (char side : {'B', 'S'}) {
      const auto view = side == 'B' ? fast.bidsBestLast(locate) : fast.asksBestLast(locate);
      std::vector<std::tuple<std::uint32_t, std::uint64_t, std::uint32_t>> got, want;
      for (const ItchLevel& l : view) got.emplace_back(l.price, l.shares, l.orders);
      for (auto it = ref.levels.lower_bound({locate, side, 0});
           it != ref.levels.end() && std::get<0>(it->first) == locate && std::get<1>(it->first) == side; ++it) {
        want.emplace_back(std::get<2>(it->first), it->second.first, it->second.second);
      }
      if (side == 'S') std::reverse(want.begin(), want.end());  // asks: best (lowest) last
      ASSERT_EQ(got, want) << "locate " << locate << " side " << side;
      levels += got.size();
    }
  }
  EXPECT_GT(levels, 0u);
  EXPECT_EQ(fast.liveOrders(), ref.orders.size());
}

TEST(ItchBook, EqualsTheNaiveReferenceThroughAGeneratedDay) {
  ItchGeneratorOptions options;
  options.seed = 7;
  options.stocks = 40;
  options.targetLiveOrders = 3'000;
  options.messages = 150'000;
  ItchGenerator gen(options);
  Both both;
  ItchBookBuilder prefetching(256);
  std::vector<std::uint8_t> chunk;
  int checkpoints = 0;
  while (!gen.done()) {
    chunk.clear();
    gen.generate(chunk, 10'000);
    std::uint64_t n = 0, built = 0;
    FrameError error;
    ASSERT_EQ(decodeFrames(chunk.data(), chunk.size(), both, n, error), chunk.size());
    ASSERT_EQ(prefetching.build(chunk.data(), chunk.size(), built, error), chunk.size());  // the bench's loop
    ASSERT_EQ(built, n);
    expectSameBooks(both.fast, both.reference, 40);
    expectSameBooks(prefetching, both.reference, 40);
    ++checkpoints;
  }
  EXPECT_GE(checkpoints, 15);
  EXPECT_EQ(both.fast.anomalies(), 0u);
  EXPECT_GT(both.fast.tableCapacity(), 1024u * 2);  // it grew
  for (std::uint16_t l = 1; l <= 40; ++l) {
    const ItchLevel* bid = both.fast.bestBid(l);
    const ItchLevel* ask = both.fast.bestAsk(l);
    if (bid && both.fast.bidsBestLast(l).size() > 1) {
      EXPECT_GT(bid->price, both.fast.bidsBestLast(l).front().price);
    }
    if (ask && both.fast.asksBestLast(l).size() > 1) {
      EXPECT_LT(ask->price, both.fast.asksBestLast(l).front().price);
    }
  }
}

TEST(ItchBook, UnknownOrdersAreCountedNotFatal) {
  ItchBookBuilder book(16);
  book.on(OrderExecuted{h('E', 1), 42, 100, 1});
  book.on(OrderDelete{h('D', 1), 43});
  book.on(OrderReplace{h('U', 1), 44, 45, 100, 100});
  book.add(1, 1, 'B', 100, 10'000);
  book.add(1, 1, 'B', 100, 10'000);  // duplicate reference
  OrderInfo info;
  EXPECT_TRUE(book.reduce(1, 150, info));  // more than it has: removed, counted
  EXPECT_EQ(info.shares, 100u);
  EXPECT_EQ(book.liveOrders(), 0u);
  EXPECT_EQ(book.bestBid(1), nullptr);
  EXPECT_EQ(book.anomalies(), 5u);
}

struct CountTypes {
  std::map<char, std::uint64_t> counts;
  std::vector<std::uint64_t> printMatches;  // match numbers of the prints
  std::set<std::uint64_t> broken;           // of the broken trades
  template <typename M>
  void on(const M& m) {
    ++counts[m.header.type];
    bool print = false;
    if constexpr (std::is_same_v<M, OrderExecuted> || std::is_same_v<M, Trade>) print = true;
    if constexpr (std::is_same_v<M, OrderExecutedWithPrice>) print = m.printable == 'Y';
    if constexpr (std::is_same_v<M, CrossTrade>) print = m.shares > 0;
    if constexpr (std::is_same_v<M, BrokenTrade>) broken.insert(m.matchNumber);
    if constexpr (requires { m.matchNumber; }) {
      if (print) printMatches.push_back(m.matchNumber);
    }
  }
  // The prints an import keeps: all but the broken ones.
  std::uint64_t kept() const {
    return static_cast<std::uint64_t>(
        std::count_if(printMatches.begin(), printMatches.end(), [&](std::uint64_t m) { return !broken.contains(m); }));
  }
};

TEST(ItchImport, WritesTheFeedsPrintsAndBarsPerStock) {
  testing::TempDir dir;
  ItchGeneratorOptions options;
  options.stocks = 5;
  options.targetLiveOrders = 500;
  options.messages = 20'000;
  const auto file = dir.path() / "day.itch";
  auto written = writeItchFile(file, options);
  ASSERT_TRUE(written.ok());
  CountTypes counts;
  auto read = readItchFile(file, counts);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->messages, written->messages);
  EXPECT_EQ(read->bytes, written->bytes);
  for (char type : kMessageTypes) EXPECT_GT(counts.counts[type], 0u) << "type " << type;

  auto writer = HistoryWriter::open(dir.path() / "store");
  ASSERT_TRUE(writer.ok());
  ItchImportOptions importOptions;
  importOptions.firstInstrument = 100;
  importOptions.midnight = Timestamp{daysFromCivil(2024, 5, 1) * kNanosPerDay};
  auto imported = importItchFile(file, writer.value(), importOptions);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->trades, counts.kept());
  EXPECT_EQ(imported->trades + imported->brokenTradesLeftOut, counts.printMatches.size());
  EXPECT_EQ(imported->instruments, 5u);
  EXPECT_EQ(imported->anomalies, 0u);
  ASSERT_TRUE(writer.value().flush().ok());

  auto reader = HistoryReader::open(dir.path() / "store").value();
  const auto stocks = reader.instruments();
  ASSERT_EQ(stocks.size(), 5u);
  EXPECT_EQ(stocks[0].instrument, InstrumentId{100});
  EXPECT_EQ(stocks[0].symbol, "S00001");
  std::uint64_t stored = 0, volume = 0, barVolume = 0;
  for (const auto& s : stocks) {
    ASSERT_TRUE(reader
                    .queryTrades(s.instrument, Timestamp{0}, Timestamp{importOptions.midnight.nanos() + kNanosPerDay},
                                 [&](const TradeEvent& t) {
                                   ++stored;
                                   volume += static_cast<std::uint64_t>(t.quantity.raw());
                                   return true;
                                 })
                    .ok());
    ASSERT_TRUE(reader
                    .queryBars(s.instrument, 60 * kNanosPerSecond, Timestamp{0},
                               Timestamp{importOptions.midnight.nanos() + kNanosPerDay},
                               [&](const Bar& b) {
                                 barVolume += static_cast<std::uint64_t>(b.volume.raw());
                                 return true;
                               })
                    .ok());
  }
  EXPECT_EQ(stored, counts.kept());
  EXPECT_EQ(barVolume, volume);
}

// A broken trade (B) leaves its print out of the store and of the bars, whether the B message
// comes after the print (the usual case) or before it; the order book still executes it.
TEST(ItchImport, BrokenTradesAreLeftOutOfTheTradesAndTheBars) {
  testing::TempDir dir;
  const Stock s = makeStock("BRKN");
  const auto at = [](char type, std::uint64_t seconds) {
    return Header{type, 1, 0, 9 * 3600 * kNanosPerSecond + seconds * kNanosPerSecond};
  };
  std::vector<std::uint8_t> bytes;
  ItchEncoder enc(bytes);
  enc.put(StockDirectory{at('R', 0), s, 'Q', 'N', 100, 'N', 'C', {' ', ' '}, 'P', 'N', 'N', '1', 'N', 0, 'N'});
  enc.put(AddOrder{at('A', 1), 1, 'S', 1'000, s, 1'000'000, {' ', ' ', ' ', ' '}});  // 100.0000
  enc.put(BrokenTrade{at('B', 2), 33});                                              // before its print
  enc.put(OrderExecuted{at('E', 3), 1, 100, 31});
  enc.put(OrderExecuted{at('E', 4), 1, 200, 32});
  enc.put(Trade{at('P', 5), 0, 'B', 300, s, 1'010'000, 33});
  enc.put(OrderExecuted{at('E', 6), 1, 400, 34});
  enc.put(BrokenTrade{at('B', 7), 32});  // after its print
  const auto file = dir.path() / "broken.itch";
  {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
    std::fclose(f);
  }
  auto writer = HistoryWriter::open(dir.path() / "store");
  ASSERT_TRUE(writer.ok());
  ItchImportOptions options;
  options.midnight = Timestamp{daysFromCivil(2024, 5, 1) * kNanosPerDay};
  options.barIntervalNanos = 60 * kNanosPerSecond;
  auto imported = importItchFile(file, writer.value(), options);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->brokenTrades, 2u);
  EXPECT_EQ(imported->brokenTradesLeftOut, 2u);
  EXPECT_EQ(imported->trades, 2u);
  ASSERT_TRUE(writer.value().flush().ok());

  auto reader = HistoryReader::open(dir.path() / "store").value();
  const Timestamp end{options.midnight.nanos() + kNanosPerDay};
  std::vector<std::uint64_t> matches;
  std::int64_t volume = 0;
  ASSERT_TRUE(reader
                  .queryTrades(InstrumentId{1}, Timestamp{0}, end,
                               [&](const TradeEvent& t) {
                                 matches.push_back(t.tradeId);
                                 volume += t.quantity.raw();
                                 return true;
                               })
                  .ok());
  EXPECT_EQ(matches, (std::vector<std::uint64_t>{31, 34}));
  std::int64_t barVolume = 0;
  ASSERT_TRUE(reader
                  .queryBars(InstrumentId{1}, 60 * kNanosPerSecond, Timestamp{0}, end,
                             [&](const Bar& b) {
                               barVolume += b.volume.raw();
                               EXPECT_EQ(b.high.raw(), 1'000'000);  // the broken 101.00 print is not in it
                               return true;
                             })
                  .ok());
  EXPECT_EQ(volume, 500);
  EXPECT_EQ(barVolume, 500);
}

}  // namespace
}  // namespace alphintra::marketdata::itch
