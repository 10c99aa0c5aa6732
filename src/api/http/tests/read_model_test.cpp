// ReadModel (api/http/read_model.hpp): once load() has given it the directory, order reports are
// kept as events and formatted when read — the same JSON formatEvent writes, none asked of the
// publisher — while quotes and replayed fills keep their old paths; before load() it keeps the
// JSON its caller formatted.
#include "api/http/read_model.hpp"

#include <gtest/gtest.h>

#include "api/json_events.hpp"
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
