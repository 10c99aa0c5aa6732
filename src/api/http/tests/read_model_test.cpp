// ReadModel (api/http/read_model.hpp): once load() has given it the directory, order reports are
// kept as events and formatted when read — the same JSON formatEvent writes, none asked of the
// publisher — while quotes and replayed fills keep their old paths; before load() it keeps the
// JSON its caller formatted. With a fill history, finished orders are stored as they finish and
// answered from there once retired, lists merging memory and history.
#include "api/http/read_model.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>

#include "api/http/fill_history.hpp"
#include "api/json_events.hpp"
#include "core/tests/future_spec.hpp"
#include "engine/engine.hpp"

namespace alphintra::api::http {
namespace {

class ReadModelTest : public ::testing::Test {
 protected:
  ReadModelTest() {
    InstrumentSpec spec;
    spec.id = 1;
    spec.symbol = "AAPL";
    spec.tickSize = "0.01";
    auto instrument = Instrument::create(spec);
    directory.addInstrument(instrument.value());
    model.addInstrument(instrument.value());
    directory.addAccount(AccountId{1}, Currency::parse("USD").value());
  }

  static engine::EngineEvent report(std::uint64_t orderId, AccountId account, oms::OrdStatus status) {
    engine::EngineEvent e;
    e.kind = engine::EventKind::ExecutionReport;
    e.commandSequence = orderId;
    e.time = Timestamp(1'700'000'000'000'000'000 + static_cast<std::int64_t>(orderId));
    engine::ExecutionReport& r = e.body.execution;
    r = engine::ExecutionReport{};
    r.orderId = OrderId{orderId};
    r.account = account;
    r.instrument = InstrumentId{1};
    r.side = Side::Buy;
    r.execType = status == oms::OrdStatus::New ? oms::ExecType::New : oms::ExecType::Canceled;
    r.status = status;
    r.price = Price::fromRaw(10'000);
    r.orderQuantity = Quantity::fromRaw(5);
    r.leavesQuantity = Quantity::fromRaw(5);
    return e;
  }

  Directory directory;
  ReadModel model{[](AccountId a) { return a.value() < 100; }};
};

TEST_F(ReadModelTest, AfterLoadReportsAreFormattedWhenRead) {
  const engine::Engine empty;
  model.load(empty, directory);
  const engine::EngineEvent first = report(7, AccountId{1}, oms::OrdStatus::New);
  EXPECT_FALSE(model.wants(first));  // the publisher formats nothing for it
  model.apply(first, {});
  const engine::EngineEvent second = report(7, AccountId{1}, oms::OrdStatus::Canceled);
  model.apply(second, {});

  const auto order = model.order(OrderId{7});
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(order->json, formatEvent(second, directory));  // the latest report, as formatEvent writes it
  EXPECT_EQ(order->status, oms::OrdStatus::Canceled);
  OrderFilter filter;
  filter.account = AccountId{1};
  const auto listed = model.orders(filter);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].json, formatEvent(second, directory));
}

// After a restart the model learns a future's pending expiry from the engine it loads.
TEST_F(ReadModelTest, LoadTakesAPendingExpiryFromTheEngine) {
  engine::Engine e;
  std::vector<engine::EngineEvent> out;
  std::uint64_t sequence = 0;
  const auto run = [&](engine::Command c) {
    c.header.sequence = ++sequence;
    c.header.time = Timestamp(1'700'000'000'000'000'000);
    out.clear();
    e.apply(c, out);
    return !out.empty() && out.back().kind == engine::EventKind::CommandResult && out.back().body.result.accepted;
  };
  engine::Command define = engine::makeCommand(engine::CommandType::DefineInstrument);
  define.body.defineInstrument =
      engine::toDefineBody(Instrument::create(alphintra::testing::futureSpec(2, "ES", "0.25", "50")).value());
  ASSERT_TRUE(run(define));
  engine::Command schedule = engine::makeCommand(engine::CommandType::ScheduleSettlement);
  schedule.body.schedule.instrument = InstrumentId{2};
  schedule.body.schedule.at = Timestamp(1'800'000'000'000'000'000);
  schedule.body.schedule.price = Price::fromRaw(512'325);
  ASSERT_TRUE(run(schedule));

  model.load(e, directory);
  const auto expiry = model.scheduledSettlement(InstrumentId{2});
  ASSERT_TRUE(expiry.has_value());
  EXPECT_EQ(expiry->at.nanos(), 1'800'000'000'000'000'000);
  EXPECT_EQ(expiry->price.raw(), 512'325);
  EXPECT_FALSE(model.scheduledSettlement(InstrumentId{1}).has_value());  // nothing scheduled
  EXPECT_FALSE(model.settlementPrice(InstrumentId{2}).has_value());
}

TEST_F(ReadModelTest, AJsonTheCallerFormattedIsKeptAndUntrackedAccountsAreLeftOut) {
  const engine::Engine empty;
  model.load(empty, directory);
  model.apply(report(8, AccountId{1}, oms::OrdStatus::New), "{\"as\":\"answered\"}");
  EXPECT_EQ(model.order(OrderId{8})->json, "{\"as\":\"answered\"}");
  model.apply(report(9, AccountId{500}, oms::OrdStatus::New), {});
  EXPECT_FALSE(model.order(OrderId{9}).has_value());
  EXPECT_EQ(model.orderCount(), 1u);
}

TEST_F(ReadModelTest, RetireDropsWhatTheEngineRetired) {
  const engine::Engine empty;
  model.load(empty, directory);
  // Report times are 1.7e18 + order id (see report()).
  model.apply(report(1, AccountId{1}, oms::OrdStatus::Canceled), {});
  model.apply(report(2, AccountId{1}, oms::OrdStatus::New), {});       // live
  model.apply(report(3, AccountId{1}, oms::OrdStatus::Filled), {});    // finished after the cutoff
  model.apply(report(4, AccountId{1}, oms::OrdStatus::Rejected), {});  // at or above the window's start
  engine::EngineEvent expired = report(1'000, AccountId{1}, oms::OrdStatus::Expired);
  expired.body.execution.orderId = OrderId{5};
  model.apply(expired, {});  // below the window but last reported late
  EXPECT_EQ(model.retire(Timestamp(1'700'000'000'000'000'003), OrderId{4}), 1u);
  EXPECT_FALSE(model.order(OrderId{1}).has_value());
  EXPECT_TRUE(model.order(OrderId{2}).has_value());
  EXPECT_TRUE(model.order(OrderId{3}).has_value());
  EXPECT_TRUE(model.order(OrderId{4}).has_value());
  EXPECT_TRUE(model.order(OrderId{5}).has_value());
  EXPECT_EQ(model.retire(Timestamp(1'700'000'000'000'010'000), OrderId{100}), 3u);  // 3, 4 and 5 now
  EXPECT_EQ(model.orderCount(), 1u);
}

TEST_F(ReadModelTest, FinishedOrdersAreStoredAndAnsweredAfterTheEngineRetiresThem) {
  const auto dir = std::filesystem::temp_directory_path() / ("read_model_history_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string expectedJson = [&] {
    auto history = FillHistory::open(dir / "fills.db");
    EXPECT_TRUE(history.ok());
    model.setFillHistory(history.value().get());
    const engine::Engine empty;
    model.load(empty, directory);
    model.apply(report(1, AccountId{1}, oms::OrdStatus::New), {});
    const engine::EngineEvent canceled = report(1, AccountId{1}, oms::OrdStatus::Canceled);
    model.apply(canceled, {});
    model.apply(report(2, AccountId{1}, oms::OrdStatus::New), {});       // live: never stored
    model.apply(report(3, AccountId{500}, oms::OrdStatus::Filled), {});  // untracked: never stored
    model.apply(report(4, AccountId{2}, oms::OrdStatus::Rejected), {});
    // Before a purge the server stores what it may retire: order 1 (report time 1.7e18 + 1);
    // order 4 finished after this cutoff.
    EXPECT_EQ(model.persistFinished(Timestamp(1'700'000'000'000'000'003)), 1u);
    EXPECT_EQ(model.persistFinished(Timestamp(1'700'000'000'000'000'003)), 0u);  // once
    EXPECT_TRUE(history.value()->flush().ok());
    EXPECT_TRUE(history.value()->order(OrderId{1}).value().has_value());
    EXPECT_FALSE(history.value()->order(OrderId{4}).value().has_value());
    // The engine retires 1 and 4: 4, not stored yet, goes to the history as it is dropped.
    EXPECT_EQ(model.retire(Timestamp(1'700'000'000'000'010'000), OrderId{100}), 2u);
    EXPECT_EQ(model.orderCount(), 1u);
    EXPECT_TRUE(history.value()->flush().ok());

    // Retired from memory, answered from the history with the last report.
    const auto retired = model.order(OrderId{1});
    EXPECT_TRUE(retired.has_value());
    if (!retired) return std::string{};
    EXPECT_EQ(retired->json, formatEvent(canceled, directory));
    EXPECT_EQ(retired->status, oms::OrdStatus::Canceled);
    EXPECT_EQ(retired->account, AccountId{1});
    EXPECT_FALSE(model.order(OrderId{3}).has_value());
    // Lists merge both in id order; filters apply to the history too.
    OrderFilter all;
    const auto listed = model.orders(all);
    EXPECT_EQ(listed.size(), 3u);
    if (listed.size() == 3) {
      EXPECT_EQ(listed[0].orderId, OrderId{1});
      EXPECT_EQ(listed[1].orderId, OrderId{2});
      EXPECT_EQ(listed[2].orderId, OrderId{4});
    }
    OrderFilter canceledOnly;
    canceledOnly.status = oms::OrdStatus::Canceled;
    EXPECT_EQ(model.orders(canceledOnly).size(), 1u);
    OrderFilter granted;
    granted.accounts = std::vector<AccountId>{AccountId{2}};
    EXPECT_EQ(model.orders(granted).size(), 1u);
    OrderFilter two;
    two.limit = 2;
    EXPECT_EQ(model.orders(two).size(), 2u);
    OrderFilter next;  // the page after order 1: memory's 2, then the history's 4
    next.afterOrderId = 1;
    next.limit = 2;
    const auto page = model.orders(next);
    EXPECT_EQ(page.size(), 2u);
    if (page.size() == 2) {
      EXPECT_EQ(page[0].orderId, OrderId{2});
      EXPECT_EQ(page[1].orderId, OrderId{4});
    }
    next.afterOrderId = 4;
    EXPECT_TRUE(model.orders(next).empty());
    OrderFilter newest;  // newest first, across memory and history, and paged backwards
    newest.newestFirst = true;
    newest.limit = 2;
    auto top = model.orders(newest);
    EXPECT_EQ(top.size(), 2u);
    if (top.size() == 2) {
      EXPECT_EQ(top[0].orderId, OrderId{4});
      EXPECT_EQ(top[1].orderId, OrderId{2});
    }
    newest.beforeOrderId = 2;
    top = model.orders(newest);
    EXPECT_EQ(top.size(), 1u);
    if (top.size() == 1) {
      EXPECT_EQ(top[0].orderId, OrderId{1});
    }
    // An order in memory and in the history (finished, not retired yet) is listed once.
    model.apply(report(5, AccountId{1}, oms::OrdStatus::Filled), {});
    EXPECT_EQ(model.persistFinished(Timestamp(1'800'000'000'000'000'000)), 1u);
    EXPECT_TRUE(history.value()->flush().ok());
    EXPECT_EQ(model.orders(all).size(), 4u);
    return formatEvent(canceled, directory);
  }();
  // Another process start: the store alone answers.
  ReadModel later{[](AccountId a) { return a.value() < 100; }};
  auto history = FillHistory::open(dir / "fills.db");
  ASSERT_TRUE(history.ok());
  later.setFillHistory(history.value().get());
  const engine::Engine empty;
  later.load(empty, directory);
  ASSERT_TRUE(later.order(OrderId{1}).has_value());
  EXPECT_EQ(later.order(OrderId{1})->json, expectedJson);
  EXPECT_EQ(later.orders(OrderFilter{}).size(), 3u);  // 1, 4 and 5
  std::filesystem::remove_all(dir);
}

TEST_F(ReadModelTest, BeforeLoadItAsksForTheJsonAndKeepsIt) {
  const engine::EngineEvent e = report(3, AccountId{1}, oms::OrdStatus::New);
  EXPECT_TRUE(model.wants(e));
  model.apply(e, formatEvent(e, directory));
  EXPECT_EQ(model.order(OrderId{3})->json, formatEvent(e, directory));
  engine::EngineEvent quote;
  quote.kind = engine::EventKind::Quote;
  EXPECT_TRUE(model.wants(quote));  // quotes are always kept as JSON
}

}  // namespace
}  // namespace alphintra::api::http
