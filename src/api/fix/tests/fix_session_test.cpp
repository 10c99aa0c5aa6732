// The session layer driven without sockets: the FIX session-level acceptance cases (logon,
// heartbeats, test requests, sequence gaps, PossDup, sequence reset, garbled and malformed
// messages, resend) and the store across a restart.
#include <gtest/gtest.h>

#include <unistd.h>

#include <deque>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "api/fix/fix_session.hpp"

namespace alphintra::api::fix {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;

using Fields = std::vector<std::pair<std::uint32_t, std::string>>;

struct Output : SessionOutput {
  std::vector<std::string> written;
  bool closed = false;
  void write(std::string_view bytes) override { written.emplace_back(bytes); }
  void close() override { closed = true; }
};

struct App : SessionApplication {
  std::vector<std::string> seen;  // MsgSeqNum of each application message
  void onApplicationMessage(Session&, const MessageView& m, std::int64_t) override {
    seen.emplace_back(m.get(tag::MsgSeqNum).value_or(""));
  }
};

std::map<std::uint32_t, std::string> fieldsOf(std::string_view m) {
  MessageView v;
  v.parse(m);
  std::map<std::uint32_t, std::string> out;
  for (const Field& f : v) out[f.tag] = std::string(f.value);
  return out;
}

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() {
    store_ = std::move(SessionStore::open("")).value();
    session_ = std::make_unique<Session>(FixSessionConfig{"CL", "US", AccountId{1}, "pw"}, *store_, app_);
  }

  // Builds a message from the counterparty.
  std::string message(std::string_view type, std::uint64_t seq, const Fields& body, std::int64_t sent = kT0,
                      const char* sender = "CL") {
    MessageWriter w;
    w.start(type);
    w.field(tag::SenderCompID, sender);
    w.field(tag::TargetCompID, "US");
    w.integer(tag::MsgSeqNum, static_cast<std::int64_t>(seq));
    w.timestamp(tag::SendingTime, sent);
    for (const auto& [t, v] : body) w.field(t, v);
    return std::string(w.finish());
  }

  void deliver(const std::string& m, std::int64_t now = kT0) {
    views_.emplace_back();
    raw_.push_back(m);
    views_.back().parse(raw_.back());
    session_->onMessage(views_.back(), now);
  }

  void logon(std::uint64_t seq = 1, Fields extra = {}) {
    Fields f{{tag::EncryptMethod, "0"}, {tag::HeartBtInt, "30"}, {tag::Password, "pw"}};
    f.insert(f.end(), extra.begin(), extra.end());
    static std::string raw;
    raw = message("A", seq, f);
    static MessageView view;
    view.parse(raw);
    session_->onLogon(out_, view, kT0);
  }

  std::map<std::uint32_t, std::string> last() const { return fieldsOf(out_.written.back()); }
  std::size_t sent() const { return out_.written.size(); }

  Output out_;
  App app_;
  std::unique_ptr<SessionStore> store_;
  std::unique_ptr<Session> session_;
  std::vector<std::string> raw_;
  std::deque<MessageView> views_;
};

TEST_F(SessionTest, LogonIsAnswered) {
  logon();
  ASSERT_EQ(sent(), 1u);
  EXPECT_EQ(last()[tag::MsgType], "A");
  EXPECT_EQ(last()[tag::HeartBtInt], "30");
  EXPECT_EQ(last()[tag::SenderCompID], "US");
  EXPECT_EQ(last()[tag::TargetCompID], "CL");
  EXPECT_EQ(session_->state(), SessionState::LoggedOn);
  EXPECT_EQ(session_->nextInbound(), 2u);
}

TEST_F(SessionTest, LogonWithWrongPasswordIsLoggedOut) {
  static std::string raw = message("A", 1, {{tag::EncryptMethod, "0"}, {tag::HeartBtInt, "30"}, {554, "no"}});
  MessageView v;
  v.parse(raw);
  session_->onLogon(out_, v, kT0);
  EXPECT_EQ(last()[tag::MsgType], "5");
  EXPECT_TRUE(out_.closed);
  EXPECT_FALSE(session_->connected());
}

TEST_F(SessionTest, LogonWithHigherSequenceAsksForResend) {
  logon(5);
  ASSERT_EQ(sent(), 2u);
  EXPECT_EQ(last()[tag::MsgType], "2");
  EXPECT_EQ(last()[tag::BeginSeqNo], "1");
  EXPECT_EQ(last()[tag::EndSeqNo], "0");
}

TEST_F(SessionTest, LogonWithLowerSequenceIsLoggedOut) {
  store_->setNextInbound(10);
  logon(3);
  EXPECT_EQ(last()[tag::MsgType], "5");
  EXPECT_NE(last()[tag::Text].find("MsgSeqNum too low"), std::string::npos);
  EXPECT_TRUE(out_.closed);
}

TEST_F(SessionTest, ResetSeqNumFlagResetsBothSides) {
  store_->setNextInbound(10);
  store_->append("x");
  logon(1, {{tag::ResetSeqNumFlag, "Y"}});
  EXPECT_EQ(last()[tag::MsgType], "A");
  EXPECT_EQ(last()[tag::MsgSeqNum], "1");
  EXPECT_EQ(last()[tag::ResetSeqNumFlag], "Y");
}

TEST_F(SessionTest, TestRequestIsAnsweredWithItsId) {
  logon();
  deliver(message("1", 2, {{tag::TestReqID, "abc"}}));
  EXPECT_EQ(last()[tag::MsgType], "0");
  EXPECT_EQ(last()[tag::TestReqID], "abc");
}

TEST_F(SessionTest, HeartbeatsAndTestRequestsOnSilence) {
  logon();
  session_->onTimer(kT0 + 29 * kSecond);
  EXPECT_EQ(sent(), 1u);
  // 30 s without sending: a Heartbeat. 36 s without hearing: a TestRequest; 72 s: Logout.
  deliver(message("0", 2, {}), kT0 + 10 * kSecond);
  session_->onTimer(kT0 + 30 * kSecond);
  EXPECT_EQ(last()[tag::MsgType], "0");
  session_->onTimer(kT0 + 46 * kSecond);
  EXPECT_EQ(last()[tag::MsgType], "1");
  EXPECT_FALSE(last()[tag::TestReqID].empty());
  session_->onTimer(kT0 + 83 * kSecond);
  EXPECT_EQ(last()[tag::MsgType], "5");
  EXPECT_TRUE(out_.closed);
}

TEST_F(SessionTest, GapAsksOnceForResendAndGapFillCloses) {
  logon();
  deliver(message("D", 5, {}));
  deliver(message("D", 6, {}));
  EXPECT_EQ(sent(), 2u);  // one ResendRequest for the gap
  EXPECT_EQ(last()[tag::MsgType], "2");
  EXPECT_EQ(last()[tag::BeginSeqNo], "2");
  EXPECT_TRUE(app_.seen.empty());
  deliver(message("4", 2,
                  {{tag::GapFillFlag, "Y"},
                   {tag::NewSeqNo, "5"},
                   {tag::PossDupFlag, "Y"},
                   {tag::OrigSendingTime, "20231114-22:13:20.000"}}));
  EXPECT_EQ(session_->nextInbound(), 5u);
  deliver(message("D", 5, {{tag::PossDupFlag, "Y"}, {tag::OrigSendingTime, "20231114-22:13:20.000"}}));
  EXPECT_EQ(app_.seen, std::vector<std::string>{"5"});
}

TEST_F(SessionTest, PossDupBelowExpectedIsIgnored) {
  logon();
  deliver(message("D", 2, {}));
  const std::size_t before = sent();
  deliver(message("D", 2, {{tag::PossDupFlag, "Y"}, {tag::OrigSendingTime, "20231114-22:13:20.000"}}));
  EXPECT_EQ(sent(), before);
  EXPECT_EQ(app_.seen.size(), 1u);
  EXPECT_TRUE(session_->connected());
}

TEST_F(SessionTest, LowSequenceWithoutPossDupLogsOut) {
  logon();
  deliver(message("D", 2, {}));
  deliver(message("D", 2, {}));
  EXPECT_EQ(last()[tag::MsgType], "5");
  EXPECT_TRUE(out_.closed);
}

TEST_F(SessionTest, SequenceResetMovesExpectedAndRejectsGoingBack) {
  logon();
  deliver(message("4", 1, {{tag::NewSeqNo, "50"}}));
  EXPECT_EQ(session_->nextInbound(), 50u);
  deliver(message("4", 1, {{tag::NewSeqNo, "10"}}));
  EXPECT_EQ(last()[tag::MsgType], "3");
  EXPECT_EQ(last()[tag::RefTagID], "36");
  EXPECT_EQ(last()[tag::SessionRejectReason], "5");
  EXPECT_EQ(session_->nextInbound(), 50u);
}

TEST_F(SessionTest, MalformedMessagesAreRejectedAndConsumeTheirNumber) {
  logon();
  deliver(message("D", 2, {{tag::ClOrdID, "a"}, {tag::ClOrdID, "b"}}));
  EXPECT_EQ(last()[tag::MsgType], "3");
  EXPECT_EQ(last()[tag::RefSeqNum], "2");
  EXPECT_EQ(last()[tag::RefTagID], "11");
  EXPECT_EQ(last()[tag::SessionRejectReason], "13");
  deliver(message("ZZ", 3, {}));
  EXPECT_EQ(last()[tag::SessionRejectReason], "11");
  EXPECT_EQ(last()[tag::RefMsgType], "ZZ");
  deliver(message("1", 4, {}));
  EXPECT_EQ(last()[tag::SessionRejectReason], "1");
  EXPECT_EQ(last()[tag::RefTagID], "112");
  EXPECT_EQ(session_->nextInbound(), 5u);
  EXPECT_TRUE(session_->connected());
}

TEST_F(SessionTest, SendingTimeOffIsRejectedThenLoggedOut) {
  logon();
  deliver(message("0", 2, {}, kT0 - 600 * kSecond));
  ASSERT_GE(sent(), 3u);
  EXPECT_EQ(fieldsOf(out_.written[sent() - 2])[tag::SessionRejectReason], "10");
  EXPECT_EQ(last()[tag::MsgType], "5");
}

TEST_F(SessionTest, WrongCompIdIsRejectedThenLoggedOut) {
  logon();
  deliver(message("0", 2, {}, kT0, "OTHER"));
  EXPECT_EQ(fieldsOf(out_.written[sent() - 2])[tag::SessionRejectReason], "9");
  EXPECT_EQ(last()[tag::MsgType], "5");
  EXPECT_TRUE(out_.closed);
}

TEST_F(SessionTest, ResendGapFillsSessionMessagesAndResendsApplicationMessages) {
  logon();                                              // out 1: Logon
  session_->begin("8", kT0).field(tag::ClOrdID, "X1");  // out 2: an ExecutionReport
  session_->commit();
  deliver(message("1", 2, {{tag::TestReqID, "t"}}));    // out 3: Heartbeat
  session_->begin("8", kT0).field(tag::ClOrdID, "X2");  // out 4
  session_->commit();
  const std::size_t before = sent();
  deliver(message("2", 3, {{tag::BeginSeqNo, "1"}, {tag::EndSeqNo, "0"}}), kT0 + kSecond);
  ASSERT_EQ(sent() - before, 4u);
  auto m1 = fieldsOf(out_.written[before]);
  EXPECT_EQ(m1[tag::MsgType], "4");
  EXPECT_EQ(m1[tag::MsgSeqNum], "1");
  EXPECT_EQ(m1[tag::NewSeqNo], "2");
  EXPECT_EQ(m1[tag::GapFillFlag], "Y");
  auto m2 = fieldsOf(out_.written[before + 1]);
  EXPECT_EQ(m2[tag::MsgType], "8");
  EXPECT_EQ(m2[tag::MsgSeqNum], "2");
  EXPECT_EQ(m2[tag::PossDupFlag], "Y");
  EXPECT_EQ(m2[tag::ClOrdID], "X1");
  EXPECT_EQ(m2[tag::OrigSendingTime], "20231114-22:13:20.000");
  EXPECT_NE(m2[tag::SendingTime], m2[tag::OrigSendingTime]);
  auto m3 = fieldsOf(out_.written[before + 2]);
  EXPECT_EQ(m3[tag::MsgType], "4");
  EXPECT_EQ(m3[tag::NewSeqNo], "4");
  EXPECT_EQ(fieldsOf(out_.written[before + 3])[tag::ClOrdID], "X2");
}

TEST_F(SessionTest, MessagesWhileDisconnectedAreNumberedAndStored) {
  logon();
  session_->onDisconnect();
  session_->begin("8", kT0).field(tag::ClOrdID, "X1");
  session_->commit();
  EXPECT_EQ(sent(), 1u);
  EXPECT_EQ(session_->nextOutbound(), 3u);
  std::string stored;
  ASSERT_TRUE(store_->load(2, stored));
  EXPECT_EQ(fieldsOf(stored)[tag::ClOrdID], "X1");
}

TEST(SessionStoreFile, SurvivesReopenAndCutsATornTail) {
  const auto dir = std::filesystem::temp_directory_path() / ("fix-store-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string first;
  {
    auto store = std::move(SessionStore::open(dir)).value();
    MessageWriter w;
    for (int i = 1; i <= 3; ++i) {
      w.start("8");
      w.integer(tag::MsgSeqNum, i);
      store->append(w.finish());
      if (i == 1) first = std::string(w.finish());
    }
    store->setNextInbound(17);
    ASSERT_FALSE(store->flush());
  }
  {
    std::FILE* f = std::fopen((dir / "messages").c_str(), "ab");
    std::fputs(
        "8=FIX.4.4\x01"
        "9=40\x01"
        "35=8",
        f);  // a write cut short by a crash
    std::fclose(f);
  }
  auto store = std::move(SessionStore::open(dir)).value();
  EXPECT_EQ(store->nextOutbound(), 4u);
  EXPECT_EQ(store->nextInbound(), 17u);
  std::string loaded;
  ASSERT_TRUE(store->load(1, loaded));
  EXPECT_EQ(loaded, first);
  EXPECT_FALSE(store->load(4, loaded));
  ASSERT_FALSE(store->reset());
  EXPECT_EQ(store->nextOutbound(), 1u);
  EXPECT_EQ(store->nextInbound(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace alphintra::api::fix
