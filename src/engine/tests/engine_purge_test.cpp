// Purging finished orders (PurgeOrders): what is retired is gone for every later command, what
// is kept — live orders parked below the table's window included — trades, cancels and
// snapshots exactly as before, and a stream with purges replays and restores deterministically.
#include <gtest/gtest.h>

#include "engine/recovery.hpp"
#include "engine/tests/engine_test_util.hpp"
#include "engine/tests/random_engine_commands.hpp"

namespace alphintra::engine {
namespace {

using oms::ExecType;
using oms::OrdStatus;
using testing::Harness;

constexpr std::size_t kChunk = ChunkedVector<oms::OmsOrder>::kPerChunk;  // orders per released chunk

Command purge(std::int64_t minAgeNanos) {
  Command c = makeCommand(CommandType::PurgeOrders);
  c.body.purgeOrders.minAgeNanos = minAgeNanos;
  return c;
}

std::vector<std::byte> saved(const Engine& e) {
  std::vector<std::byte> bytes;
  ByteWriter w(bytes);
  e.save(w);
  return bytes;
}

TEST(EnginePurge, RetiredOrdersAreGoneAndKeptOnesTradeAsBefore) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "live-buy", Side::Buy, 10, 900));    // order 1: rests
  h.run(testing::limitOrder(1, 1, "live-sell", Side::Sell, 5, 1100));  // order 2: rests
  // Orders 3 .. kChunk + 502: IOC buys far below the market, each cancelled at once.
  for (std::size_t i = 0; i < kChunk + 500; ++i) {
    h.run(testing::limitOrder(2, 1, "x" + std::to_string(i), Side::Buy, 1, 800, book::TimeInForce::IOC));
    ASSERT_EQ(h.lastReport().status, OrdStatus::Canceled) << i;
  }
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 2u);

  // Finished more than 100 ms (100 commands) ago: the window moves past the first chunk.
  const auto& result = h.run(purge(100'000'000));
  ASSERT_TRUE(Harness::accepted(result));
  EXPECT_EQ(result.back().body.result.value, static_cast<std::int64_t>(kChunk - 2));  // orders 3 .. kChunk
  EXPECT_EQ(h.engine.orders().base(), kChunk + 1);
  EXPECT_EQ(result.back().body.result.subject, kChunk + 1);  // the answer names the window's start
  EXPECT_EQ(h.engine.orders().parkedCount(), 2u);
  EXPECT_EQ(h.engine.orders().size(), kChunk + 502);
  EXPECT_EQ(h.engine.orders().kept(), 2u + 502u);
  EXPECT_EQ(h.engine.orders().find(OrderId{3}), nullptr);
  ASSERT_NE(h.engine.orders().find(OrderId{kChunk + 1}), nullptr);  // in the window: not retired yet

  // A retired order is unknown to a cancel, by id or by client id.
  h.run(testing::cancelOrder(2, 3));
  const EngineEvent* reject = h.find(EventKind::CancelReject);
  ASSERT_NE(reject, nullptr);
  EXPECT_EQ(reject->body.cancelReject.rejectCode, static_cast<std::uint8_t>(RejectCode::UnknownOrder));
  Command byClientId = testing::cancelOrder(2, 0);
  byClientId.body.cancel.orderId = OrderId{};
  byClientId.body.cancel.origClientOrderId = ClientOrderId::fromTrusted("x0");
  h.run(byClientId);
  ASSERT_NE(h.find(EventKind::CancelReject), nullptr);

  // Its client order id is free again: the same request is a new order, not a retry.
  h.run(testing::limitOrder(2, 1, "x0", Side::Buy, 1, 800, book::TimeInForce::IOC));
  EXPECT_EQ(h.lastReport().orderId.value(), kChunk + 503);
  // A retry of an order still kept is answered with that order.
  h.run(testing::limitOrder(1, 1, "live-buy", Side::Buy, 10, 900));
  EXPECT_EQ(h.lastReport().orderId.value(), 1u);

  // The parked orders trade, cancel and release their reservations as before.
  h.run(testing::limitOrder(2, 1, "lift", Side::Buy, 5, 1100));
  const auto sellerFills = h.reports(2);
  ASSERT_EQ(sellerFills.size(), 1u);
  EXPECT_EQ(sellerFills[0].execType, ExecType::Trade);
  EXPECT_EQ(sellerFills[0].status, OrdStatus::Filled);
  EXPECT_EQ(h.engine.ledger().position(AccountId{1}, InstrumentId{1})->quantity().raw(), -5);
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 1u);

  // A snapshot of the purged state loads into an equal engine, which goes on identically.
  const std::vector<std::byte> bytes = saved(h.engine);
  Engine restored;
  ByteReader reader(bytes);
  ASSERT_TRUE(restored.load(reader));
  EXPECT_EQ(restored.stateHash(), h.engine.stateHash());
  EXPECT_EQ(restored.orders().base(), kChunk + 1);
  EXPECT_EQ(restored.orders().parkedCount(), 2u);
  EXPECT_EQ(restored.orders().find(OrderId{3}), nullptr);

  Command cancelLive = testing::cancelOrder(1, 1);
  cancelLive.header.sequence = h.sequence + 1;  // stamped as the harness stamps its next command
  cancelLive.header.requestId = h.sequence + 1;
  cancelLive.header.time = h.time + 1'000'000;
  std::vector<EngineEvent> fromRestored;
  restored.apply(cancelLive, fromRestored);
  h.run(testing::cancelOrder(1, 1));
  ASSERT_EQ(h.lastReport().execType, ExecType::Canceled);
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 0u);
  ASSERT_EQ(fromRestored.size(), h.events.size());
  for (std::size_t i = 0; i < fromRestored.size(); ++i) {
    EXPECT_EQ(fnv1a(kFnvOffset, std::as_bytes(std::span(&fromRestored[i], 1))),
              fnv1a(kFnvOffset, std::as_bytes(std::span(&h.events[i], 1))))
        << i;
  }
  EXPECT_EQ(restored.stateHash(), h.engine.stateHash());

  // A later purge retires the parked orders that have finished since.
  h.run(purge(0));
  EXPECT_EQ(h.engine.orders().find(OrderId{1}), nullptr);
  EXPECT_EQ(h.engine.orders().find(OrderId{2}), nullptr);
  EXPECT_EQ(h.engine.orders().parkedCount(), 0u);
}

TEST(EnginePurge, NothingToRetireChangesNothing) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "b", Side::Buy, 10, 900, book::TimeInForce::IOC));  // finished now
  const auto& result = h.run(purge(3'600'000'000'000));                               // an hour: too young to retire
  ASSERT_TRUE(Harness::accepted(result));
  EXPECT_EQ(result.back().body.result.value, 0);
  EXPECT_EQ(h.engine.orders().base(), 1u);
  EXPECT_EQ(h.engine.orders().kept(), 1u);
  EXPECT_NE(h.engine.orders().findByClientId(AccountId{1}, ClientOrderId::fromTrusted("b")), nullptr);
  // Finished orders inside the window but not past a whole chunk stay too (the window moves
  // by chunks), even when old enough.
  h.run(purge(0));
  EXPECT_EQ(h.engine.orders().kept(), 1u);
}

TEST(EnginePurge, OnlyTheAccountsInRangeAreRetired) {
  Harness h;
  h.setUpMargin();
  for (std::size_t i = 0; i < kChunk + 300; ++i) {  // orders 1 .. kChunk + 300, accounts 1 and 2 in turn
    h.run(testing::limitOrder(1 + i % 2, 1, "x" + std::to_string(i), Side::Buy, 1, 800, book::TimeInForce::IOC));
  }
  Command onlyTwo = purge(100'000'000);
  onlyTwo.body.purgeOrders.firstAccount = AccountId{2};
  onlyTwo.body.purgeOrders.lastAccount = AccountId{2};
  const auto& result = h.run(onlyTwo);
  EXPECT_EQ(result.back().body.result.value, static_cast<std::int64_t>(kChunk / 2));
  EXPECT_EQ(h.engine.orders().parkedCount(), kChunk / 2);  // account 1's, kept
  EXPECT_NE(h.engine.orders().find(OrderId{1}), nullptr);
  EXPECT_EQ(h.engine.orders().find(OrderId{2}), nullptr);
  // From account 1 on, no upper bound: the parked ones go too.
  Command all = purge(100'000'000);
  all.body.purgeOrders.firstAccount = AccountId{1};
  h.run(all);
  EXPECT_EQ(h.engine.orders().parkedCount(), 0u);
  EXPECT_EQ(h.engine.orders().find(OrderId{1}), nullptr);
}

TEST(EnginePurge, AStreamWithPurgesReplaysAndRestoresExactly) {
  const auto commands = testing::randomStream(13, 40'000, 2'500);
  Engine a;
  Engine b;
  std::vector<EngineEvent> events;
  std::uint64_t ha = kFnvOffset;
  std::uint64_t hb = kFnvOffset;
  for (const Command& c : commands) {
    events.clear();
    a.apply(c, events);
    for (const EngineEvent& e : events) ha = fnv1a(ha, std::as_bytes(std::span(&e, 1)));
    events.clear();
    b.apply(c, events);
    for (const EngineEvent& e : events) hb = fnv1a(hb, std::as_bytes(std::span(&e, 1)));
  }
  EXPECT_EQ(ha, hb);
  EXPECT_EQ(a.stateHash(), b.stateHash());
  // The purges did retire orders: the window moved, and most finished orders are gone.
  EXPECT_GT(a.orders().base(), kChunk);
  EXPECT_LT(a.orders().kept(), a.orders().size() / 2);

  // Snapshots taken after purges continue exactly like the engine they came from.
  for (std::size_t cut : {std::size_t{25'001}, std::size_t{33'333}}) {
    Engine original;
    for (std::size_t i = 0; i < cut; ++i) {
      events.clear();
      original.apply(commands[i], events);
    }
    ASSERT_GT(original.orders().base(), 1u) << cut;
    const std::vector<std::byte> bytes = saved(original);
    Engine restored;
    ByteReader reader(bytes);
    ASSERT_TRUE(restored.load(reader)) << cut;
    EXPECT_EQ(restored.stateHash(), original.stateHash()) << cut;
    std::uint64_t ho = kFnvOffset;
    std::uint64_t hr = kFnvOffset;
    for (std::size_t i = cut; i < commands.size(); ++i) {
      events.clear();
      original.apply(commands[i], events);
      for (const EngineEvent& e : events) ho = fnv1a(ho, std::as_bytes(std::span(&e, 1)));
      events.clear();
      restored.apply(commands[i], events);
      for (const EngineEvent& e : events) hr = fnv1a(hr, std::as_bytes(std::span(&e, 1)));
    }
    EXPECT_EQ(ho, hr) << cut;
    EXPECT_EQ(restored.stateHash(), a.stateHash()) << cut;

    // Damaged: every truncation (sampled) is refused, never a crash.
    for (std::size_t len = 0; len < bytes.size(); len += 1 + len / 16) {
      Engine fresh;
      ByteReader partial(std::span(bytes.data(), len));
      EXPECT_FALSE(fresh.load(partial)) << "length " << len;
    }
  }
}

}  // namespace
}  // namespace alphintra::engine
