// The session layer driven without sockets: the FIX session-level acceptance cases (logon,
// heartbeats, test requests, sequence gaps, PossDup, sequence reset, garbled and malformed
// messages, resend) and the store across a restart.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "api/fix/fix_session.hpp"
#include "api/fix/tests/session_doubles.hpp"
#include "core/tests/scratch_dir.hpp"

namespace alphintra::api::fix {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;

using Fields = std::vector<std::pair<std::uint32_t, std::string>>;

using Output = doubles::RecordingOutput;
using doubles::fieldsOf;

struct App : SessionApplication {
  std::vector<std::string> seen;  // MsgSeqNum of each application message
  void onApplicationMessage(Session&, const MessageView& m, std::int64_t) override {
    seen.emplace_back(m.get(tag::MsgSeqNum).value_or(""));
  }
};

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() {
    store_ = std::move(SessionStore::open("")).value();
    session_ = std::make_unique<Session>(FixSessionConfig{"CL", "US", AccountId{1}, "pw"}, *store_, app_);
  }

  // Builds a message from the counterparty.
  std::string message(std::string_view type, std::uint64_t seq, const Fields& body, std::int64_t sent = kT0,
                      const char* sender = "CL") {
    return doubles::counterpartyMessage(type, sender, "US", seq, sent, body);
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

// A SendingTime centuries away: its distance from our clock is more than a signed 64-bit
// number holds; it is too far, not wrapped around into "close enough".
TEST_F(SessionTest, SendingTimeCenturiesAwayIsRejected) {
  logon();
  MessageWriter w;
  w.start("0");
  w.field(tag::SenderCompID, "CL");
  w.field(tag::TargetCompID, "US");
  w.integer(tag::MsgSeqNum, 2);
  w.field(tag::SendingTime, "17000101-00:00:00.000");
  deliver(std::string(w.finish()));
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

// With a retention of 2, the store keeps the newest messages only: a resend from 1 gap-fills
// what was dropped in one message, then resends what is kept.
TEST_F(SessionTest, ResendOfMessagesTheStoreDroppedIsAGapFill) {
  store_ = std::move(SessionStore::open("", 2)).value();
  session_ = std::make_unique<Session>(FixSessionConfig{"CL", "US", AccountId{1}, "pw"}, *store_, app_);
  logon();  // out 1
  for (const char* id : {"X2", "X3", "X4"}) {
    session_->begin("8", kT0).field(tag::ClOrdID, id);  // out 2, 3, 4
    session_->commit();
  }
  ASSERT_FALSE(store_->flush());
  EXPECT_EQ(store_->firstStored(), 3u);  // 4 stored reached twice the retention: 1 and 2 dropped
  std::string stored;
  EXPECT_FALSE(store_->load(2, stored));
  const std::size_t before = sent();
  deliver(message("2", 2, {{tag::BeginSeqNo, "1"}, {tag::EndSeqNo, "0"}}), kT0 + kSecond);
  ASSERT_EQ(sent() - before, 3u);
  auto gap = fieldsOf(out_.written[before]);
  EXPECT_EQ(gap[tag::MsgType], "4");
  EXPECT_EQ(gap[tag::MsgSeqNum], "1");
  EXPECT_EQ(gap[tag::NewSeqNo], "3");
  EXPECT_EQ(gap[tag::GapFillFlag], "Y");
  EXPECT_EQ(fieldsOf(out_.written[before + 1])[tag::ClOrdID], "X3");
  EXPECT_EQ(fieldsOf(out_.written[before + 2])[tag::ClOrdID], "X4");
  EXPECT_EQ(fieldsOf(out_.written[before + 2])[tag::PossDupFlag], "Y");
}

// SessionReset::OnLogout: a Logout exchange (theirs answered, or ours answered) resets both
// numbers; a lost link does not. OnDisconnect: every end does.
TEST_F(SessionTest, ResetOnLogoutAndOnDisconnect) {
  FixSessionConfig config{"CL", "US", AccountId{1}, "pw"};
  config.reset = SessionReset::OnLogout;
  session_ = std::make_unique<Session>(config, *store_, app_);
  logon();
  deliver(message("0", 2, {}));
  ASSERT_EQ(session_->nextInbound(), 3u);
  deliver(message("5", 3, {}));  // theirs, answered
  EXPECT_EQ(last()[tag::MsgType], "5");
  EXPECT_TRUE(out_.closed);
  EXPECT_EQ(session_->nextInbound(), 1u);
  EXPECT_EQ(session_->nextOutbound(), 1u);

  out_ = Output{};
  logon();  // MsgSeqNum 1 again, no ResetSeqNumFlag
  EXPECT_EQ(last()[tag::MsgType], "A");
  EXPECT_EQ(last()[tag::MsgSeqNum], "1");
  session_->logout("bye", kT0);  // ours, answered
  deliver(message("5", 2, {}));
  EXPECT_EQ(session_->nextInbound(), 1u);
  EXPECT_EQ(session_->nextOutbound(), 1u);

  out_ = Output{};
  logon();
  deliver(message("0", 2, {}));
  session_->onDisconnect();  // a lost link: no reset on logout only
  EXPECT_EQ(session_->nextInbound(), 3u);
  EXPECT_EQ(session_->nextOutbound(), 2u);

  config.reset = SessionReset::OnDisconnect;
  session_ = std::make_unique<Session>(config, *store_, app_);
  out_ = Output{};
  logon(3);
  EXPECT_EQ(last()[tag::MsgType], "A");
  session_->onDisconnect();
  EXPECT_EQ(session_->nextInbound(), 1u);
  EXPECT_EQ(session_->nextOutbound(), 1u);
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

// A reset emptied `messages` and the process died before `start` was rewritten: the store is
// empty, and what it stores from then on must still be there at the next open (`start` is
// rewritten at once). Number files are read up to their first newline, whatever follows it.
TEST(SessionStoreFile, AStartBeyondTheEndIsRewrittenAndNumbersEndAtTheirNewline) {
  const auto dir = alphintra::scratchDirectory("fix-store-start");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "start") << "00000000000000004096\n";       // `messages` is empty (created at open)
  std::ofstream(dir / "inbound") << "13\n0000000000000000099\n";  // "13" written over a longer number
  std::string message;
  {
    auto opened = SessionStore::open(dir);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto store = std::move(opened).value();
    EXPECT_EQ(store->nextOutbound(), 1u);
    EXPECT_EQ(store->nextInbound(), 13u);
    MessageWriter w;
    w.start("0");
    w.integer(tag::MsgSeqNum, 1);
    message = std::string(w.finish());
    store->append(message);
    ASSERT_FALSE(store->flush());
  }
  auto reopened = SessionStore::open(dir);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ(reopened.value()->nextOutbound(), 2u);  // was 1: the message hidden behind the old start
  std::string loaded;
  ASSERT_TRUE(reopened.value()->load(1, loaded));
  EXPECT_EQ(loaded, message);
  std::ofstream(dir / "inbound", std::ios::trunc) << std::string(40, '1');  // a first line longer than any number
  const auto refused = SessionStore::open(dir);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("too long"), std::string::npos) << refused.error().message;
  std::filesystem::remove_all(dir);
}

// Retention on disk: at twice `keep` stored messages the oldest go; `start` says where the kept
// ones begin, the bytes before it are punched out, and a reopen sees exactly the kept ones.
TEST(SessionStoreFile, RetentionKeepsTheNewestMessagesAcrossReopen) {
  const auto dir = alphintra::scratchDirectory("fix-store-keep");
  const std::string padding(500, 'p');
  const auto messageFor = [&](std::uint64_t seq) {
    MessageWriter w;
    w.start("8");
    w.integer(tag::MsgSeqNum, static_cast<std::int64_t>(seq));
    w.field(tag::Text, padding);
    return std::string(w.finish());
  };
  const auto appendUpTo = [&](SessionStore& store, std::uint64_t last) {
    while (store.nextOutbound() <= last) {
      store.append(messageFor(store.nextOutbound()));
      ASSERT_FALSE(store.flush());  // as the gateway does before each write to the socket
    }
  };
  std::string loaded;
  {
    auto store = std::move(SessionStore::open(dir, 1000)).value();
    appendUpTo(*store, 2500);
    EXPECT_EQ(store->firstStored(), 1001u);  // pruned once, at 2,000 stored
    EXPECT_EQ(store->nextOutbound(), 2501u);
    EXPECT_FALSE(store->load(1000, loaded));
    ASSERT_TRUE(store->load(1001, loaded));
    EXPECT_EQ(loaded, messageFor(1001));
  }
  const std::uint64_t size = std::filesystem::file_size(dir / "messages");
  struct stat st {};
  ASSERT_EQ(::stat((dir / "messages").c_str(), &st), 0);
  // Where the file system has holes the first thousand messages' blocks are gone; elsewhere the
  // file keeps them and only the index and `start` moved.
  if (static_cast<std::uint64_t>(st.st_blocks) * 512 < size) {
    EXPECT_LE(static_cast<std::uint64_t>(st.st_blocks) * 512, size - 1000 * messageFor(1).size() + 8192);
  }
  {
    auto reopened = SessionStore::open(dir, 1000);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    auto store = std::move(reopened).value();
    EXPECT_EQ(store->firstStored(), 1001u);
    EXPECT_EQ(store->nextOutbound(), 2501u);
    ASSERT_TRUE(store->load(1001, loaded));
    EXPECT_EQ(loaded, messageFor(1001));
    ASSERT_TRUE(store->load(2500, loaded));
    EXPECT_EQ(loaded, messageFor(2500));
    appendUpTo(*store, 3200);
    EXPECT_EQ(store->firstStored(), 2001u);
    ASSERT_TRUE(store->load(3200, loaded));
    EXPECT_EQ(loaded, messageFor(3200));
    // A reset empties it, `start` included.
    ASSERT_FALSE(store->reset());
    EXPECT_EQ(store->firstStored(), 1u);
    appendUpTo(*store, 3);
  }
  auto store = std::move(SessionStore::open(dir, 1000)).value();
  EXPECT_EQ(store->firstStored(), 1u);
  EXPECT_EQ(store->nextOutbound(), 4u);
  ASSERT_TRUE(store->load(1, loaded));
  EXPECT_EQ(loaded, messageFor(1));
}

}  // namespace
}  // namespace alphintra::api::fix
