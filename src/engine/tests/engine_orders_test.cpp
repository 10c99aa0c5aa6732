// The order lifecycle through the whole engine (OMS + simulated venue): every report a client
// sees, with FIX OrdStatus/ExecType, quantities, average price and the request it answers.
#include <gtest/gtest.h>

#include "engine/tests/engine_test_util.hpp"

namespace alphintra::engine {
namespace {

using oms::ExecType;
using oms::OrdStatus;
using testing::Harness;

TEST(EngineOrders, AnInstrumentIdOrSymbolIsDefinedOnce) {
  Harness h;
  ASSERT_TRUE(Harness::accepted(h.run(testing::defineInstrument(1, "AAA"))));
  for (const Command& again : {testing::defineInstrument(2, "AAA"), testing::defineInstrument(1, "BBB")}) {
    const auto& events = h.run(again);
    ASSERT_FALSE(Harness::accepted(events));
    EXPECT_EQ(events.back().body.result.code, RejectCode::AlreadyExists);
  }
  ASSERT_TRUE(Harness::accepted(h.run(testing::defineInstrument(3, "CCC"))));
  ASSERT_NE(h.engine.instrumentBySymbol("AAA"), nullptr);
  EXPECT_EQ(h.engine.instrumentBySymbol("AAA")->id().value(), 1u);
  EXPECT_EQ(h.engine.instrumentBySymbol("CCC")->id().value(), 3u);
  EXPECT_EQ(h.engine.instrumentBySymbol("BBB"), nullptr);  // the refused definition left nothing
  EXPECT_EQ(h.engine.instrumentBySymbol("AA"), nullptr);
  EXPECT_EQ(h.engine.instruments().size(), 2u);
}

TEST(EngineOrders, ARestingOrderIsAcknowledgedNewAndAnswersItsRequest) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "b1", Side::Buy, 100, 1000));
  const auto reports = h.reports();
  ASSERT_EQ(reports.size(), 1u);
  const ExecutionReport& r = reports[0];
  EXPECT_EQ(r.execType, ExecType::New);
  EXPECT_EQ(r.status, OrdStatus::New);
  EXPECT_EQ(r.orderId.value(), 1u);
  EXPECT_EQ(r.clientOrderId.view(), "b1");
  EXPECT_EQ(r.leavesQuantity.raw(), 100);
  EXPECT_EQ(r.cumQuantity.raw(), 0);
  EXPECT_EQ(h.events.front().requestId, h.sequence);  // answers the request
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 1u);
  ASSERT_NE(h.find(EventKind::Quote), nullptr);  // the book changed: a quote is published
  EXPECT_EQ(h.find(EventKind::Quote)->body.quote.bidPrice.raw(), 1000);
}

TEST(EngineOrders, ACrossFillsBothSidesWithTradeReportsAndAPublicTrade) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "s1", Side::Sell, 100, 1000));
  h.run(testing::limitOrder(2, 1, "b1", Side::Buy, 60, 1001));
  const auto buyer = h.reports(2);
  ASSERT_EQ(buyer.size(), 2u);
  EXPECT_EQ(buyer[0].execType, ExecType::New);
  EXPECT_EQ(buyer[1].execType, ExecType::Trade);
  EXPECT_EQ(buyer[1].status, OrdStatus::Filled);
  EXPECT_EQ(buyer[1].lastPrice.raw(), 1000);  // the resting order's price
  EXPECT_EQ(buyer[1].lastQuantity.raw(), 60);
  EXPECT_EQ(buyer[1].liquidity, Liquidity::Taker);
  const auto seller = h.reports(1);
  ASSERT_EQ(seller.size(), 1u);
  EXPECT_EQ(seller[0].execType, ExecType::Trade);
  EXPECT_EQ(seller[0].status, OrdStatus::PartiallyFilled);
  EXPECT_EQ(seller[0].leavesQuantity.raw(), 40);
  EXPECT_EQ(seller[0].cumQuantity.raw(), 60);
  EXPECT_EQ(seller[0].liquidity, Liquidity::Maker);
  EXPECT_EQ(seller[0].tradeId, buyer[1].tradeId);
  const EngineEvent* trade = h.find(EventKind::PublicTrade);
  ASSERT_NE(trade, nullptr);
  EXPECT_EQ(trade->body.trade.quantity.raw(), 60);
  EXPECT_EQ(trade->body.trade.aggressor, Side::Buy);
  EXPECT_EQ(h.engine.openOrders(AccountId{2}), 0u);
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 1u);
  EXPECT_EQ(h.engine.ledger().position(AccountId{2}, InstrumentId{1})->quantity().raw(), 60);
  EXPECT_EQ(h.engine.ledger().position(AccountId{1}, InstrumentId{1})->quantity().raw(), -60);
}

TEST(EngineOrders, AverageFillPriceAcrossLevels) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "s1", Side::Sell, 10, 1000));
  h.run(testing::limitOrder(1, 1, "s2", Side::Sell, 20, 1003));
  h.run(testing::limitOrder(2, 1, "b1", Side::Buy, 30, 1005));
  const auto buyer = h.reports(3);
  ASSERT_EQ(buyer.size(), 3u);
  EXPECT_EQ(buyer[2].status, OrdStatus::Filled);
  EXPECT_EQ(buyer[2].averagePrice.raw(), 1002);  // (10×1000 + 20×1003) / 30 = 1002
  EXPECT_EQ(buyer[2].cumQuantity.raw(), 30);
}

TEST(EngineOrders, AnImmediateOrCancelRemainderIsCanceledWithItsReason) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "s1", Side::Sell, 10, 1000));
  h.run(testing::limitOrder(2, 1, "b1", Side::Buy, 25, 1000, book::TimeInForce::IOC));
  const auto buyer = h.reports(2);
  ASSERT_EQ(buyer.size(), 3u);
  EXPECT_EQ(buyer[1].execType, ExecType::Trade);
  EXPECT_EQ(buyer[2].execType, ExecType::Canceled);
  EXPECT_EQ(buyer[2].status, OrdStatus::Canceled);
  EXPECT_EQ(buyer[2].cumQuantity.raw(), 10);
  EXPECT_EQ(buyer[2].leavesQuantity.raw(), 0);
  EXPECT_EQ(buyer[2].rejectSource, oms::RejectSource::Venue);
  EXPECT_EQ(buyer[2].rejectCode, static_cast<std::uint8_t>(book::CancelReason::ImmediateOrCancel));
  EXPECT_EQ(h.engine.openOrders(AccountId{2}), 0u);
}

TEST(EngineOrders, CancelByOrderIdAndByClientOrderId) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "b1", Side::Buy, 10, 990));
  h.run(testing::limitOrder(1, 1, "b2", Side::Buy, 10, 991));
  h.run(testing::cancelOrder(1, 1, "c1"));
  ASSERT_EQ(h.reports().size(), 1u);
  EXPECT_EQ(h.lastReport().execType, ExecType::Canceled);
  EXPECT_EQ(h.lastReport().clientOrderId.view(), "c1");
  EXPECT_EQ(h.lastReport().origClientOrderId.view(), "b1");
  EXPECT_EQ(h.events.front().requestId, h.sequence);

  Command byClientId = testing::cancelOrder(1, 0);
  byClientId.body.cancel.origClientOrderId = ClientOrderId::fromTrusted("b2");
  h.run(byClientId);
  EXPECT_EQ(h.lastReport().orderId.value(), 2u);
  EXPECT_EQ(h.lastReport().status, OrdStatus::Canceled);
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 0u);
}

TEST(EngineOrders, CancelRejectsNameWhy) {
  Harness h;
  h.setUpMargin();
  h.run(testing::cancelOrder(1, 42));
  const EngineEvent* reject = h.find(EventKind::CancelReject);
  ASSERT_NE(reject, nullptr);
  EXPECT_EQ(reject->body.cancelReject.rejectCode, static_cast<std::uint8_t>(RejectCode::UnknownOrder));
  EXPECT_FALSE(reject->body.cancelReject.replace);

  h.run(testing::limitOrder(1, 1, "b1", Side::Buy, 10, 990));
  h.run(testing::cancelOrder(2, 1));  // another account's order
  reject = h.find(EventKind::CancelReject);
  ASSERT_NE(reject, nullptr);
  EXPECT_EQ(reject->body.cancelReject.rejectCode, static_cast<std::uint8_t>(RejectCode::NotOrderOwner));
  EXPECT_TRUE(reject->body.cancelReject.orderId.isNone());  // nothing about someone else's order leaks

  h.run(testing::cancelOrder(1, 1));
  h.run(testing::cancelOrder(1, 1));  // already finished
  reject = h.find(EventKind::CancelReject);
  ASSERT_NE(reject, nullptr);
  EXPECT_EQ(reject->body.cancelReject.rejectCode, static_cast<std::uint8_t>(RejectCode::OrderNotLive));
  EXPECT_EQ(reject->body.cancelReject.status, OrdStatus::Canceled);
}

TEST(EngineOrders, ReplaceChangesPriceAndQuantityUnderANewClientOrderId) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "b1", Side::Buy, 10, 990));
  h.run(testing::replaceOrder(1, 1, 15, 995, "b1-r1"));
  const ExecutionReport& r = h.lastReport();
  EXPECT_EQ(r.execType, ExecType::Replaced);
  EXPECT_EQ(r.status, OrdStatus::New);
  EXPECT_EQ(r.price.raw(), 995);
  EXPECT_EQ(r.orderQuantity.raw(), 15);
  EXPECT_EQ(r.leavesQuantity.raw(), 15);
  EXPECT_EQ(r.clientOrderId.view(), "b1-r1");
  EXPECT_EQ(r.origClientOrderId.view(), "b1");
  // The order is now found under both client ids; a new order reusing either is refused.
  h.run(testing::limitOrder(1, 1, "b1", Side::Buy, 1, 900));
  EXPECT_EQ(h.lastReport().status, OrdStatus::Rejected);
  EXPECT_EQ(h.lastReport().rejectCode, static_cast<std::uint8_t>(RejectCode::DuplicateClientOrderId));
}

TEST(EngineOrders, AReplaceThatCrossesTrades) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "s1", Side::Sell, 10, 1000));
  h.run(testing::limitOrder(2, 1, "b1", Side::Buy, 10, 990));
  h.run(testing::replaceOrder(2, 2, 0, 1000));
  const auto buyer = h.reports(2);
  ASSERT_EQ(buyer.size(), 2u);
  EXPECT_EQ(buyer[0].execType, ExecType::Replaced);
  EXPECT_EQ(buyer[1].execType, ExecType::Trade);
  EXPECT_EQ(buyer[1].status, OrdStatus::Filled);
}

TEST(EngineOrders, VenueRejectionsCarryTheBookReason) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "b1", Side::Buy, 10, 1000));
  h.run(testing::limitOrder(1, 1, "b2", Side::Buy, 0, 1000));
  EXPECT_EQ(h.lastReport().status, OrdStatus::Rejected);
  EXPECT_EQ(h.lastReport().rejectSource, oms::RejectSource::Venue);
  EXPECT_EQ(h.lastReport().rejectCode, static_cast<std::uint8_t>(book::RejectReason::InvalidQuantity));
  Command postOnly = testing::limitOrder(2, 1, "p1", Side::Sell, 10, 1000);
  postOnly.body.newOrder.postOnly = true;
  h.run(postOnly);  // would trade with b1
  EXPECT_EQ(h.lastReport().status, OrdStatus::Rejected);
  EXPECT_EQ(h.lastReport().rejectCode, static_cast<std::uint8_t>(book::RejectReason::WouldTakeLiquidity));
  EXPECT_EQ(h.engine.openOrders(AccountId{2}), 0u);
}

TEST(EngineOrders, SafeRetryAnswersTheExistingOrder) {
  Harness h;
  h.setUpMargin();
  const Command order = testing::limitOrder(1, 1, "b1", Side::Buy, 10, 990);
  h.run(order);
  h.run(order);  // the client did not see the ack and sends again
  ASSERT_EQ(h.reports().size(), 1u);
  EXPECT_EQ(h.lastReport().execType, ExecType::OrderStatus);
  EXPECT_EQ(h.lastReport().orderId.value(), 1u);
  EXPECT_EQ(h.lastReport().status, OrdStatus::New);
  EXPECT_EQ(h.engine.orders().size(), 1u);
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 1u);
}

TEST(EngineOrders, ClosingReportsDoneForDayAndReopeningRestates) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "gtc", Side::Buy, 10, 990));
  h.run(testing::limitOrder(1, 1, "day", Side::Buy, 10, 980, book::TimeInForce::Day));
  Command close = makeCommand(CommandType::InstrumentStatus);
  close.body.instrumentStatus.instrument = InstrumentId{1};
  close.body.instrumentStatus.status = TradingStatus::Closed;
  h.run(close);
  EXPECT_EQ(h.reports(2).at(0).execType, ExecType::Expired);
  EXPECT_EQ(h.reports(1).at(0).execType, ExecType::DoneForDay);
  EXPECT_EQ(h.reports(1).at(0).status, OrdStatus::DoneForDay);
  EXPECT_TRUE(Harness::accepted(h.events));
  // The answer carries the new status (the edges' copies of the instrument follow it).
  ASSERT_EQ(h.events.back().kind, EventKind::CommandResult);
  EXPECT_EQ(h.events.back().body.result.subject, 1u);
  EXPECT_EQ(h.events.back().body.result.value, static_cast<std::int64_t>(TradingStatus::Closed));

  Command open = close;
  open.body.instrumentStatus.status = TradingStatus::Continuous;
  h.run(open);
  EXPECT_EQ(h.reports(1).at(0).execType, ExecType::Restated);
  EXPECT_EQ(h.reports(1).at(0).status, OrdStatus::New);

  h.run(open);  // same status again: the venue refuses the transition
  EXPECT_FALSE(Harness::accepted(h.events));
}

TEST(EngineOrders, MassCancelBySideLeavesTheOtherSide) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "b1", Side::Buy, 10, 990));
  h.run(testing::limitOrder(1, 1, "s1", Side::Sell, 10, 1010));
  h.run(testing::limitOrder(1, 1, "b2", Side::Buy, 10, 991));
  Command mass = makeCommand(CommandType::MassCancel);
  mass.body.massCancel.account = AccountId{1};
  mass.body.massCancel.side = Side::Buy;
  h.run(mass);
  EXPECT_EQ(h.reports().size(), 2u);
  EXPECT_EQ(h.events.back().body.result.value, 2);
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 1u);
  mass.body.massCancel.side = Side::None;
  h.run(mass);
  EXPECT_EQ(h.events.back().body.result.value, 1);
  EXPECT_EQ(h.engine.openOrders(AccountId{1}), 0u);
}

TEST(EngineOrders, SelfTradeDecrementRestatesTheRestingOrder) {
  Harness h;
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "s1", Side::Sell, 30, 1000));
  Command buy = testing::limitOrder(1, 1, "b1", Side::Buy, 10, 1000);
  buy.body.newOrder.selfTrade = book::SelfTradePrevention::DecrementAndCancel;
  h.run(buy);
  const auto resting = h.reports(1);
  ASSERT_EQ(resting.size(), 1u);
  EXPECT_EQ(resting[0].execType, ExecType::Restated);
  EXPECT_EQ(resting[0].leavesQuantity.raw(), 20);
  EXPECT_EQ(resting[0].orderQuantity.raw(), 20);  // cum + leaves = order quantity
  EXPECT_EQ(h.reports(2).back().status, OrdStatus::Canceled);
}

}  // namespace
}  // namespace alphintra::engine

namespace alphintra::engine {
namespace {

// EngineOptions::markSource: positions marked to the mid of the external quote instead of the
// last trade.
TEST(EngineMarks, MidMarkingUsesTheQuoteMidpoint) {
  EngineOptions options;
  options.markSource = oms::MarkSource::Mid;
  testing::Harness h(options);
  h.setUpMargin();
  h.run(testing::limitOrder(1, 1, "s1", Side::Sell, 100, 6000));
  h.run(testing::limitOrder(2, 1, "b1", Side::Buy, 100, 6000));  // account 2 long 100 @ 60.00
  Command quote = makeCommand(CommandType::MarketData);
  quote.body.marketData.instrument = InstrumentId{1};
  quote.body.marketData.bid = testing::px(6090);
  quote.body.marketData.ask = testing::px(6110);
  h.run(quote);
  // Mid 61.00: (61.00 − 60.00) × 100 = $100.00; the last trade (60.00) would give 0.
  EXPECT_EQ(h.engine.ledger().value(AccountId{2}).unrealizedPnl.raw(), 10'000);

  testing::Harness last;  // the default marks to the last trade
  last.setUpMargin();
  last.run(testing::limitOrder(1, 1, "s1", Side::Sell, 100, 6000));
  last.run(testing::limitOrder(2, 1, "b1", Side::Buy, 100, 6000));
  last.run(quote);
  EXPECT_EQ(last.engine.ledger().value(AccountId{2}).unrealizedPnl.raw(), 0);
}

}  // namespace
}  // namespace alphintra::engine
