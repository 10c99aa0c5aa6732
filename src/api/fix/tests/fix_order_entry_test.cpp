// Order entry: FIX order messages become the engine commands REST would build, refusals are
// answered at the right level (session Reject, ExecutionReport rejected, OrderCancelReject,
// BusinessMessageReject), and engine events become FIX reports with FIX 4.4 codes.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "api/fix/fix_gateway.hpp"
#include "api/fix/fix_order_entry.hpp"
#include "api/fix/tests/session_doubles.hpp"

namespace alphintra::api::fix {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;

using Output = doubles::RecordingOutput;
using doubles::fieldsOf;

class OrderEntryTest : public ::testing::Test {
 protected:
  OrderEntryTest()
      : entry_(directory_, 4, [this](const engine::Command& c) {
          commands_.push_back(c);
          return true;
        }) {
    InstrumentSpec spec;
    spec.id = 7;
    spec.symbol = "AAPL";
    directory_.addInstrument(Instrument::create(spec).value());
    directory_.addAccount(AccountId{1}, Currency::parse("USD").value());
    store_ = std::move(SessionStore::open("")).value();
    session_ = std::make_unique<Session>(FixSessionConfig{"CL", "US", AccountId{1}, ""}, *store_, entry_);
    entry_.addSession(*session_);
    std::string logon = message("A", {{tag::EncryptMethod, "0"}, {tag::HeartBtInt, "30"}});
    MessageView v;
    v.parse(logon);
    session_->onLogon(out_, v, kT0);
  }

  std::string message(std::string_view type, const std::vector<std::pair<std::uint32_t, std::string>>& body) {
    return doubles::counterpartyMessage(type, "CL", "US", seq_++, kT0, body);
  }

  void deliver(std::string_view type, const std::vector<std::pair<std::uint32_t, std::string>>& body) {
    raw_.push_back(message(type, body));
    MessageView v;
    v.parse(raw_.back());
    session_->onMessage(v, kT0);
  }

  std::map<std::uint32_t, std::string> last() const { return fieldsOf(out_.written.back()); }

  static std::vector<std::pair<std::uint32_t, std::string>> newOrder(std::string qty = "10",
                                                                     std::string price = "150.25") {
    return {{tag::ClOrdID, "C1"}, {tag::Symbol, "AAPL"}, {tag::Side, "2"},    {tag::TransactTime, "20231114-22:13:20"},
            {tag::OrderQty, qty}, {tag::OrdType, "2"},   {tag::Price, price}, {tag::TimeInForce, "1"}};
  }

  Directory directory_;
  std::vector<engine::Command> commands_;
  OrderEntry entry_;
  std::unique_ptr<SessionStore> store_;
  std::unique_ptr<Session> session_;
  Output out_;
  std::uint64_t seq_ = 1;
  std::deque<std::string> raw_;
};

TEST_F(OrderEntryTest, NewOrderSingleBecomesANewOrderCommand) {
  deliver("D", newOrder());
  ASSERT_EQ(commands_.size(), 1u);
  const engine::Command& c = commands_[0];
  EXPECT_EQ(c.type(), engine::CommandType::NewOrder);
  EXPECT_EQ(c.header.source, 4u);
  EXPECT_NE(c.header.requestId, 0u);
  const engine::NewOrderBody& b = c.body.newOrder;
  EXPECT_EQ(b.account, AccountId{1});
  EXPECT_EQ(b.instrument, InstrumentId{7});
  EXPECT_EQ(b.clientOrderId.view(), "C1");
  EXPECT_EQ(b.side, Side::Sell);
  EXPECT_EQ(b.type, book::OrderType::Limit);
  EXPECT_EQ(b.timeInForce, book::TimeInForce::GTC);
  EXPECT_EQ(b.price.raw(), 15025);
  EXPECT_EQ(b.quantity.raw(), 10);
}

TEST_F(OrderEntryTest, MissingOrBadFieldsAreSessionRejects) {
  auto order = newOrder();
  order.erase(order.begin() + 4);  // OrderQty
  deliver("D", order);
  EXPECT_EQ(last()[tag::MsgType], "3");
  EXPECT_EQ(last()[tag::RefTagID], "38");
  EXPECT_EQ(last()[tag::SessionRejectReason], "1");
  deliver("D", newOrder("ten"));
  EXPECT_EQ(last()[tag::RefTagID], "38");
  EXPECT_EQ(last()[tag::SessionRejectReason], "6");
  auto badSide = newOrder();
  badSide[2].second = "Z";
  deliver("D", badSide);
  EXPECT_EQ(last()[tag::RefTagID], "54");
  EXPECT_EQ(last()[tag::SessionRejectReason], "5");
  EXPECT_TRUE(commands_.empty());
}

TEST_F(OrderEntryTest, RefusedOrdersAreRejectedExecutionReports) {
  deliver("D", newOrder("10", "150.255"));  // off tick
  EXPECT_EQ(last()[tag::MsgType], "8");
  EXPECT_EQ(last()[tag::OrdStatus], "8");
  EXPECT_EQ(last()[tag::ExecType], "8");
  EXPECT_NE(last()[tag::Text].find("Price"), std::string::npos);
  auto unknown = newOrder();
  unknown[1].second = "NOPE";
  deliver("D", unknown);
  EXPECT_EQ(last()[tag::OrdRejReason], "1");
  auto otherAccount = newOrder();
  otherAccount.push_back({tag::Account, "2"});
  deliver("D", otherAccount);
  EXPECT_EQ(last()[tag::OrdRejReason], "15");
  auto pegged = newOrder();
  pegged[5].second = "P";  // pegged: FIX defines it, we do not take it
  deliver("D", pegged);
  EXPECT_EQ(last()[tag::OrdRejReason], "11");
  EXPECT_TRUE(commands_.empty());
}

TEST_F(OrderEntryTest, CancelAndReplaceNameTheOrder) {
  deliver("F", {{tag::OrigClOrdID, "C1"},
                {tag::ClOrdID, "C2"},
                {tag::Symbol, "AAPL"},
                {tag::Side, "2"},
                {tag::TransactTime, "20231114-22:13:20"}});
  ASSERT_EQ(commands_.size(), 1u);
  EXPECT_EQ(commands_[0].type(), engine::CommandType::CancelOrder);
  EXPECT_EQ(commands_[0].body.cancel.origClientOrderId.view(), "C1");
  EXPECT_EQ(commands_[0].body.cancel.clientOrderId.view(), "C2");
  deliver("G", {{tag::OrderID, "55"},
                {tag::OrigClOrdID, "C2"},
                {tag::ClOrdID, "C3"},
                {tag::Symbol, "AAPL"},
                {tag::Side, "2"},
                {tag::TransactTime, "20231114-22:13:20"},
                {tag::OrdType, "2"},
                {tag::OrderQty, "12"},
                {tag::Price, "151"}});
  ASSERT_EQ(commands_.size(), 2u);
  const engine::ReplaceOrderBody& r = commands_[1].body.replace;
  EXPECT_EQ(r.orderId, OrderId{55});
  EXPECT_EQ(r.quantity.raw(), 12);
  EXPECT_EQ(r.price.raw(), 15100);
  EXPECT_EQ(r.instrument, InstrumentId{7});
}

TEST_F(OrderEntryTest, UnsupportedMessageIsABusinessReject) {
  deliver("R", {{131, "Q"}});
  EXPECT_EQ(last()[tag::MsgType], "j");
  EXPECT_EQ(last()[tag::BusinessRejectReason], "3");
  EXPECT_EQ(last()[tag::RefMsgType], "R");
}

TEST_F(OrderEntryTest, EngineReportsBecomeExecutionReportsAndAnswerStatus) {
  engine::EngineEvent e;
  e.kind = engine::EventKind::ExecutionReport;
  e.time = Timestamp{kT0};
  engine::ExecutionReport& r = e.body.execution;
  r = engine::ExecutionReport{};
  r.orderId = OrderId{9};
  r.account = AccountId{1};
  r.instrument = InstrumentId{7};
  r.clientOrderId = ClientOrderId::fromTrusted("C1");
  r.execId = 33;
  r.execType = oms::ExecType::Trade;
  r.status = oms::OrdStatus::PartiallyFilled;
  r.side = Side::Buy;
  r.price = Price::fromRaw(15025);
  r.orderQuantity = Quantity::fromRaw(10);
  r.lastQuantity = Quantity::fromRaw(4);
  r.lastPrice = Price::fromRaw(15020);
  r.cumQuantity = Quantity::fromRaw(4);
  r.leavesQuantity = Quantity::fromRaw(6);
  r.averagePrice = Price::fromRaw(15020);
  entry_.onEvent(e, kT0);
  auto m = last();
  EXPECT_EQ(m[tag::MsgType], "8");
  EXPECT_EQ(m[tag::OrderID], "9");
  EXPECT_EQ(m[tag::ExecID], "33");
  EXPECT_EQ(m[tag::ExecType], "F");
  EXPECT_EQ(m[tag::OrdStatus], "1");
  EXPECT_EQ(m[tag::Symbol], "AAPL");
  EXPECT_EQ(m[tag::LastQty], "4");
  EXPECT_EQ(m[tag::LastPx], "150.20");
  EXPECT_EQ(m[tag::LeavesQty], "6");
  EXPECT_EQ(m[tag::AvgPx], "150.20");
  // Another account's report is not ours.
  r.account = AccountId{2};
  const std::size_t before = out_.written.size();
  entry_.onEvent(e, kT0);
  EXPECT_EQ(out_.written.size(), before);
  // The status request is answered from the last report.
  deliver("H", {{tag::ClOrdID, "C1"}, {tag::Symbol, "AAPL"}, {tag::Side, "1"}});
  EXPECT_EQ(last()[tag::ExecType], "I");
  EXPECT_EQ(last()[tag::OrdStatus], "1");
  EXPECT_EQ(last()[tag::CumQty], "4");
  deliver("H", {{tag::ClOrdID, "NOPE"}, {tag::Symbol, "AAPL"}, {tag::Side, "1"}});
  EXPECT_EQ(last()[tag::OrdStatus], "8");
}

// The engine's purges reach the report table: once the retired orders are worth a compaction,
// a status request for one answers "unknown" (as after a restart); live and recent orders stay.
TEST_F(OrderEntryTest, OrdersTheEngineRetiredLeaveTheStatusTable) {
  const auto report = [&](std::uint64_t order, std::string_view clOrdId, oms::OrdStatus status, std::int64_t time) {
    engine::EngineEvent e;
    e.kind = engine::EventKind::ExecutionReport;
    e.time = Timestamp{time};
    engine::ExecutionReport& r = e.body.execution;
    r = engine::ExecutionReport{};
    r.orderId = OrderId{order};
    r.account = AccountId{1};
    r.instrument = InstrumentId{7};
    r.clientOrderId = ClientOrderId::fromTrusted(clOrdId);
    r.execType = status == oms::OrdStatus::New ? oms::ExecType::New : oms::ExecType::Canceled;
    r.status = status;
    r.side = Side::Buy;
    r.price = Price::fromRaw(15025);
    r.orderQuantity = Quantity::fromRaw(10);
    entry_.onEvent(e, kT0);
  };
  const std::uint64_t kOld = OrderEntry::kMinCompaction + 100;
  for (std::uint64_t i = 1; i <= kOld; ++i) report(i, "R" + std::to_string(i), oms::OrdStatus::Canceled, kT0 + 10);
  report(kOld + 1, "LIVE", oms::OrdStatus::New, kT0 + 10);         // below the window, but live
  report(kOld + 2, "YOUNG", oms::OrdStatus::Canceled, kT0 + 900);  // finished after the cutoff
  report(kOld + 3, "ABOVE", oms::OrdStatus::Canceled, kT0 + 10);   // at or above the window's first id
  const auto status = [&](std::string_view clOrdId) {
    deliver("H", {{tag::ClOrdID, std::string(clOrdId)}, {tag::Symbol, "AAPL"}, {tag::Side, "1"}});
    return last()[tag::OrdStatus];
  };
  const auto purge = [&](std::int64_t retired) {
    engine::EngineEvent e;
    e.kind = engine::EventKind::CommandResult;
    e.source = 3;  // not the order entry's: a purge result is taken from any source
    e.time = Timestamp{kT0 + 500};
    e.body.result = engine::CommandResultReport{};
    e.body.result.commandType = static_cast<std::uint8_t>(engine::CommandType::PurgeOrders);
    e.body.result.subject = kOld + 3;
    e.body.result.value = retired;
    entry_.onEvent(e, kT0);
  };
  // Too few retired for a compaction: the table still answers them.
  purge(10);
  EXPECT_EQ(entry_.orderCount(), kOld + 3);
  EXPECT_EQ(status("R1"), "4");
  purge(static_cast<std::int64_t>(kOld));
  EXPECT_EQ(entry_.orderCount(), 3u);
  EXPECT_EQ(status("R1"), "8");  // unknown
  EXPECT_EQ(status("R" + std::to_string(kOld)), "8");
  EXPECT_EQ(status("LIVE"), "0");
  EXPECT_EQ(status("YOUNG"), "4");
  EXPECT_EQ(status("ABOVE"), "4");
  // The order ids are free of their reports too: a later report of a kept order updates it.
  report(kOld + 1, "LIVE", oms::OrdStatus::Canceled, kT0 + 1'000);
  EXPECT_EQ(status("LIVE"), "4");
  EXPECT_EQ(entry_.orderCount(), 3u);
}

TEST_F(OrderEntryTest, CancelRejectAndMassCancelReport) {
  engine::EngineEvent e;
  e.kind = engine::EventKind::CancelReject;
  e.body.cancelReject = engine::CancelRejectReport{};
  e.body.cancelReject.account = AccountId{1};
  e.body.cancelReject.clientOrderId = ClientOrderId::fromTrusted("C9");
  e.body.cancelReject.rejectCode = static_cast<std::uint8_t>(engine::RejectCode::UnknownOrder);
  entry_.onEvent(e, kT0);
  EXPECT_EQ(last()[tag::MsgType], "9");
  EXPECT_EQ(last()[tag::CxlRejReason], "1");
  EXPECT_EQ(last()[tag::CxlRejResponseTo], "1");

  deliver("q", {{tag::ClOrdID, "M1"}, {tag::MassCancelRequestType, "7"}, {tag::TransactTime, "20231114-22:13:20"}});
  ASSERT_EQ(commands_.size(), 1u);
  EXPECT_EQ(commands_[0].type(), engine::CommandType::MassCancel);
  engine::EngineEvent done;
  done.kind = engine::EventKind::CommandResult;
  done.source = 4;
  done.requestId = commands_[0].header.requestId;
  done.body.result.accepted = true;
  done.body.result.value = 3;
  entry_.onEvent(done, kT0);
  EXPECT_EQ(last()[tag::MsgType], "r");
  EXPECT_EQ(last()[tag::MassCancelResponse], "7");
  EXPECT_EQ(last()[tag::TotalAffectedOrders], "3");
}

}  // namespace
}  // namespace alphintra::api::fix

namespace alphintra::api::fix {
namespace {

// A drop copy gets the reports of every account, tracked or not, beside the account's own
// session; what it sends is refused with a BusinessMessageReject and reaches no engine.
TEST_F(OrderEntryTest, ADropCopyGetsEveryAccountsReportsAndTakesNoOrders) {
  // A drop copy session added to the order entry and logged on as `sender`.
  const auto logOn = [this](Session& session, Output& out, std::string_view sender) {
    entry_.addSession(session);
    const std::string logon =
        doubles::counterpartyMessage("A", sender, "US", 1, kT0, {{tag::EncryptMethod, "0"}, {tag::HeartBtInt, "30"}});
    MessageView v;
    v.parse(logon);
    session.onLogon(out, v, kT0);
  };
  auto copyStore = std::move(SessionStore::open("")).value();
  FixSessionConfig config{"DC", "US", AccountId{}, ""};
  config.dropCopy = true;
  Session copy(config, *copyStore, entry_);
  Output copyOut;
  logOn(copy, copyOut, "DC");
  EXPECT_TRUE(entry_.reportsAbout(AccountId{2}));
  EXPECT_FALSE(entry_.tracks(AccountId{2}));
  ASSERT_EQ(fieldsOf(copyOut.written.back())[tag::MsgType], "A");

  engine::EngineEvent e;
  e.kind = engine::EventKind::ExecutionReport;
  e.time = Timestamp{kT0};
  engine::ExecutionReport& r = e.body.execution;
  r = engine::ExecutionReport{};
  r.orderId = OrderId{5};
  r.account = AccountId{1};
  r.instrument = InstrumentId{7};
  r.clientOrderId = ClientOrderId::fromTrusted("A1");
  r.execType = oms::ExecType::New;
  r.status = oms::OrdStatus::New;
  r.side = Side::Buy;
  r.orderQuantity = Quantity::fromRaw(3);
  r.leavesQuantity = Quantity::fromRaw(3);
  const std::size_t ownBefore = out_.written.size();
  entry_.onEvent(e, kT0);
  EXPECT_EQ(out_.written.size(), ownBefore + 1);  // the account's session
  auto m = fieldsOf(copyOut.written.back());
  EXPECT_EQ(m[tag::MsgType], "8");
  EXPECT_EQ(m[tag::ClOrdID], "A1");
  EXPECT_EQ(m[tag::Account], "1");
  EXPECT_EQ(m[tag::TargetCompID], "DC");

  r.account = AccountId{2};  // no session trades it
  r.clientOrderId = ClientOrderId::fromTrusted("B1");
  r.orderId = OrderId{6};
  entry_.onEvent(e, kT0);
  EXPECT_EQ(out_.written.size(), ownBefore + 1);
  m = fieldsOf(copyOut.written.back());
  EXPECT_EQ(m[tag::ClOrdID], "B1");
  EXPECT_EQ(m[tag::Account], "2");

  // A drop copy of account 2 only, beside the one of every account.
  auto onlyStore = std::move(SessionStore::open("")).value();
  FixSessionConfig onlyConfig{"DC2", "US", AccountId{}, ""};
  onlyConfig.dropCopy = true;
  onlyConfig.copiedAccounts = {AccountId{2}};
  Session only(onlyConfig, *onlyStore, entry_);
  Output onlyOut;
  logOn(only, onlyOut, "DC2");
  const std::size_t onlyBefore = onlyOut.written.size();
  entry_.onEvent(e, kT0);  // account 2's: both drop copies
  ASSERT_EQ(onlyOut.written.size(), onlyBefore + 1);
  EXPECT_EQ(fieldsOf(onlyOut.written.back())[tag::Account], "2");
  EXPECT_EQ(fieldsOf(copyOut.written.back())[tag::Account], "2");
  r.account = AccountId{1};
  r.orderId = OrderId{7};
  r.clientOrderId = ClientOrderId::fromTrusted("A2");
  const std::size_t everyBefore = copyOut.written.size();
  entry_.onEvent(e, kT0);  // account 1's: only the drop copy of every account
  EXPECT_EQ(onlyOut.written.size(), onlyBefore + 1);
  EXPECT_EQ(copyOut.written.size(), everyBefore + 1);

  // An account the drop copies do not get (serve: the market simulator's).
  entry_.setDropCopyAccounts([](AccountId a) { return a.value() < 3; });
  EXPECT_FALSE(entry_.reportsAbout(AccountId{3}));
  EXPECT_TRUE(entry_.reportsAbout(AccountId{1}));
  r.account = AccountId{3};
  const std::size_t copiesBefore = copyOut.written.size();
  entry_.onEvent(e, kT0);
  EXPECT_EQ(copyOut.written.size(), copiesBefore);

  // An order from the drop copy.
  const std::string order = doubles::counterpartyMessage("D", "DC", "US", 2, kT0, newOrder());
  MessageView v;
  v.parse(order);
  copy.onMessage(v, kT0);
  m = fieldsOf(copyOut.written.back());
  EXPECT_EQ(m[tag::MsgType], "j");
  EXPECT_EQ(m[tag::BusinessRejectReason], "6");
  EXPECT_EQ(m[tag::BusinessRejectRefID], "C1");
  EXPECT_TRUE(commands_.empty());
}

TEST(FixSessionSpec, SessionsAndDropCopies) {
  auto s = parseSessionSpec("CL:US:3:pw:with:colons");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->senderCompId, "CL");
  EXPECT_EQ(s->account, AccountId{3});
  EXPECT_EQ(s->password, "pw:with:colons");
  EXPECT_FALSE(s->dropCopy);
  EXPECT_FALSE(parseSessionSpec("CL:US").ok());
  EXPECT_FALSE(parseSessionSpec("CL:US:0").ok());

  auto d = parseDropCopySpec("BO:US");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->dropCopy);
  EXPECT_EQ(d->targetCompId, "US");
  EXPECT_EQ(d->password, "");
  EXPECT_EQ(parseDropCopySpec("BO:US:secret")->password, "secret");
  for (const char* bad : {"BO", "BO:", ":US", "B O:US"}) {
    const auto e = parseDropCopySpec(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().field, "fix-drop-copy");
  }
}

// --fix-schedule: the hours of every session, then each session's own over them (whatever the
// order given), "always" for none; errors name the option and the spec.
TEST(FixSessionSpec, SchedulesForEverySessionAndForOne) {
  std::vector<FixSessionConfig> sessions = {parseSessionSpec("A:US:1").value(), parseSessionSpec("B:US:2").value(),
                                            parseDropCopySpec("BO:US").value()};
  ASSERT_FALSE(applySchedules(sessions, {"B:US=Sun 21:00-Fri 21:00", "07:30-21:00", "BO:US=always"}));
  ASSERT_TRUE(sessions[0].schedule);
  EXPECT_EQ(sessions[0].schedule->text(), "07:30-21:00");
  ASSERT_TRUE(sessions[1].schedule);
  EXPECT_EQ(sessions[1].schedule->text(), "Sun 21:00-Fri 21:00");
  EXPECT_FALSE(sessions[2].schedule);

  std::vector<FixSessionConfig> none = sessions;
  ASSERT_FALSE(applySchedules(none, {}));  // nothing given: nothing changes
  EXPECT_EQ(none[0].schedule->text(), "07:30-21:00");

  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"07:30-21:00", "08:00-17:00"}, "given twice"},
      {{"C:US=08:00-17:00"}, "no session C:US"},
      {{"A=08:00-17:00"}, "no session A"},
      {{"A:US=08:00-17:00", "A:US=09:00-17:00"}, "value of A:US is given twice"},
      {{"A:US=8:00-17:00"}, "the start"},
      {{"25:00-17:00"}, "the start"},
  };
  for (const auto& [specs, why] : bad) {
    auto copy = sessions;
    const auto e = applySchedules(copy, specs);
    ASSERT_TRUE(e) << specs.front();
    EXPECT_EQ(e->field, "fix-schedule");
    EXPECT_NE(e->message.find(why), std::string::npos) << e->message;
  }
}

TEST(FixSessionSpec, ResetsForEverySessionAndForOne) {
  std::vector<FixSessionConfig> sessions = {parseSessionSpec("A:US:1").value(), parseSessionSpec("B:US:2").value()};
  EXPECT_EQ(sessions[0].reset, SessionReset::Never);
  ASSERT_FALSE(applyResets(sessions, {"B:US=disconnect", "logout"}));
  EXPECT_EQ(sessions[0].reset, SessionReset::OnLogout);
  EXPECT_EQ(sessions[1].reset, SessionReset::OnDisconnect);
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"sometimes"}, {"A:US=always"}, {"C:US=logout"}, {"never", "logout"}}) {
    auto copy = sessions;
    const auto e = applyResets(copy, bad);
    ASSERT_TRUE(e) << bad.front();
    EXPECT_EQ(e->field, "fix-reset");
  }
}

TEST(FixSessionSpec, DropCopyAccountsForEveryDropCopyAndForOne) {
  std::vector<FixSessionConfig> sessions = {parseSessionSpec("A:US:1").value(), parseDropCopySpec("DC1:US").value(),
                                            parseDropCopySpec("DC2:US").value()};
  EXPECT_TRUE(sessions[1].copiedAccounts.empty());  // every account by default
  ASSERT_FALSE(applyDropCopyAccounts(sessions, {"DC2:US=7", "1,2"}));
  EXPECT_EQ(sessions[1].copiedAccounts, (std::vector<AccountId>{AccountId{1}, AccountId{2}}));
  EXPECT_EQ(sessions[2].copiedAccounts, (std::vector<AccountId>{AccountId{7}}));
  EXPECT_TRUE(sessions[0].copiedAccounts.empty());  // an order-entry session takes no list
  ASSERT_FALSE(applyDropCopyAccounts(sessions, {"DC1:US=all"}));
  EXPECT_TRUE(sessions[1].copiedAccounts.empty());
  const std::pair<std::vector<std::string>, std::string_view> bad[] = {
      {{"1,x"}, "\"x\" is not an account id"},   {{"1,,2"}, "\"\" is not an account id"},
      {{"0"}, "\"0\" is not an account id"},     {{"A:US=1"}, "A:US is an order-entry session"},
      {{"C:US=1"}, "no session C:US"},           {{"1", "2"}, "given twice"},
      {{"DC1:US=1", "DC1:US=2"}, "given twice"},
  };
  std::vector<FixSessionConfig> noCopies = {parseSessionSpec("A:US:1").value()};
  const auto none = applyDropCopyAccounts(noCopies, {"1"});
  ASSERT_TRUE(none);
  EXPECT_NE(none->message.find("no drop copy"), std::string::npos) << none->message;
  for (const auto& [specs, why] : bad) {
    auto copy = sessions;
    const auto e = applyDropCopyAccounts(copy, specs);
    ASSERT_TRUE(e) << specs.front();
    EXPECT_EQ(e->field, "fix-drop-copy-accounts");
    EXPECT_NE(e->message.find(why), std::string::npos) << e->message;
  }
}

}  // namespace
}  // namespace alphintra::api::fix
