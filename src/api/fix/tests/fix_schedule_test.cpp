// Session schedules: parsing the hours, the periods they make, and a session that keeps them —
// Logons refused outside the hours, a Logout at their end, sequence numbers reset to 1 when a
// new period begins, and the store's time across a reopen.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "api/fix/fix_schedule.hpp"
#include "api/fix/fix_session.hpp"
#include "api/fix/tests/session_doubles.hpp"
#include "core/tests/scratch_dir.hpp"

namespace alphintra::api::fix {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;

// Nanoseconds since the epoch of a UTC date and time.
std::int64_t utc(int y, unsigned m, unsigned d, int hour = 0, int minute = 0, int second = 0) {
  using namespace std::chrono;
  const sys_days day{year{y} / month{m} / d};
  return duration_cast<nanoseconds>(day.time_since_epoch()).count() + hour * kHour + minute * kMinute +
         second * kSecond;
}

SessionSchedule schedule(std::string_view spec) {
  auto s = SessionSchedule::parse(spec);
  EXPECT_TRUE(s.ok()) << spec << ": " << (s.ok() ? "" : s.error().message);
  return std::move(s).value();
}

TEST(SessionSchedule, DailyHours) {
  const SessionSchedule s = schedule("08:00-17:00");
  EXPECT_EQ(s.periodStart(utc(2026, 11, 30, 12)), utc(2026, 11, 30, 8));
  EXPECT_EQ(s.periodStart(utc(2026, 11, 30, 8)), utc(2026, 11, 30, 8));
  EXPECT_EQ(s.periodStart(utc(2026, 11, 30, 7, 59, 59)), utc(2026, 11, 29, 8));
  EXPECT_EQ(s.periodStart(utc(2026, 11, 30, 23)), utc(2026, 11, 30, 8));
  EXPECT_TRUE(s.open(utc(2026, 11, 30, 8)));
  EXPECT_TRUE(s.open(utc(2026, 11, 30, 16, 59, 59)));
  EXPECT_FALSE(s.open(utc(2026, 11, 30, 17)));
  EXPECT_FALSE(s.open(utc(2026, 11, 30, 7, 59, 59)));
  EXPECT_EQ(s.text(), "08:00-17:00");
}

TEST(SessionSchedule, HoursAcrossMidnightWithSeconds) {
  const SessionSchedule s = schedule("22:00:30-06:00:15");
  EXPECT_TRUE(s.open(utc(2026, 11, 30, 23)));
  EXPECT_EQ(s.periodStart(utc(2026, 11, 30, 23)), utc(2026, 11, 30, 22, 0, 30));
  EXPECT_TRUE(s.open(utc(2026, 12, 1, 3)));
  EXPECT_EQ(s.periodStart(utc(2026, 12, 1, 3)), utc(2026, 11, 30, 22, 0, 30));
  EXPECT_TRUE(s.open(utc(2026, 12, 1, 6, 0, 14)));
  EXPECT_FALSE(s.open(utc(2026, 12, 1, 6, 0, 15)));
  EXPECT_FALSE(s.open(utc(2026, 12, 1, 22, 0, 29)));
  EXPECT_TRUE(s.open(utc(2026, 12, 1, 22, 0, 30)));
  EXPECT_FALSE(s.open(utc(2026, 12, 1, 12)));
  EXPECT_EQ(s.periodStart(utc(2026, 12, 1, 12)), utc(2026, 11, 30, 22, 0, 30));
}

TEST(SessionSchedule, WeeklyHours) {
  // 2026-11-29 is a Sunday.
  const SessionSchedule s = schedule("sun 22:00-Fri 21:00");
  EXPECT_FALSE(s.open(utc(2026, 11, 29, 21, 59, 59)));
  EXPECT_EQ(s.periodStart(utc(2026, 11, 29, 21, 59, 59)), utc(2026, 11, 22, 22));
  EXPECT_TRUE(s.open(utc(2026, 11, 29, 22)));
  EXPECT_EQ(s.periodStart(utc(2026, 12, 2, 12)), utc(2026, 11, 29, 22));
  EXPECT_TRUE(s.open(utc(2026, 12, 4, 20, 59, 59)));
  EXPECT_FALSE(s.open(utc(2026, 12, 4, 21)));
  EXPECT_FALSE(s.open(utc(2026, 12, 5, 12)));  // Saturday
  EXPECT_EQ(s.periodStart(utc(2026, 12, 5, 12)), utc(2026, 11, 29, 22));
  EXPECT_EQ(s.periodStart(utc(2026, 12, 6, 22)), utc(2026, 12, 6, 22));
}

TEST(SessionSchedule, EqualStartAndEndNeverCloseButTurnOver) {
  const SessionSchedule s = schedule("00:00-00:00");
  for (int hour = 0; hour < 24; ++hour) EXPECT_TRUE(s.open(utc(2026, 11, 30, hour, 30)));
  EXPECT_EQ(s.periodStart(utc(2026, 11, 30, 23, 59, 59)), utc(2026, 11, 30));
  EXPECT_EQ(s.periodStart(utc(2026, 12, 1)), utc(2026, 12, 1));
  const SessionSchedule week = schedule("Mon 06:00-Mon 06:00");
  EXPECT_TRUE(week.open(utc(2026, 12, 5)));
  EXPECT_EQ(week.periodStart(utc(2026, 12, 5)), utc(2026, 11, 30, 6));
}

// A venue's local hours: the window follows the zone's clock through daylight saving.
TEST(SessionSchedule, HoursInATimeZoneFollowDaylightSaving) {
  // New York: EST (UTC−5) in January, EDT (UTC−4) in July. 2026-01-11 and 2026-07-12 are Sundays.
  const SessionSchedule week = schedule("Sun 17:00-Fri 16:00 America/New_York");
  EXPECT_EQ(week.periodStart(utc(2026, 1, 14, 12)), utc(2026, 1, 11, 22));
  EXPECT_EQ(week.periodStart(utc(2026, 7, 15, 12)), utc(2026, 7, 12, 21));
  EXPECT_TRUE(week.open(utc(2026, 1, 16, 20, 59)));   // Fri 15:59 EST
  EXPECT_FALSE(week.open(utc(2026, 1, 16, 21)));      // Fri 16:00 EST
  EXPECT_TRUE(week.open(utc(2026, 7, 17, 19, 59)));   // Fri 15:59 EDT
  EXPECT_FALSE(week.open(utc(2026, 7, 17, 20)));      // Fri 16:00 EDT
  EXPECT_FALSE(week.open(utc(2026, 7, 12, 20, 59)));  // Sun 16:59 EDT
  EXPECT_TRUE(week.open(utc(2026, 7, 12, 21)));       // Sun 17:00 EDT
  EXPECT_EQ(week.text(), "Sun 17:00-Fri 16:00 America/New_York");

  // London: 08:00-16:30 local is 08:00 UTC in winter, 07:00 UTC in summer.
  const SessionSchedule day = schedule("08:00-16:30 Europe/London");
  EXPECT_FALSE(day.open(utc(2026, 1, 14, 7, 30)));
  EXPECT_TRUE(day.open(utc(2026, 7, 15, 7, 30)));
  EXPECT_EQ(day.periodStart(utc(2026, 7, 15, 12)), utc(2026, 7, 15, 7));
  EXPECT_EQ(day.periodStart(utc(2026, 1, 15, 12)), utc(2026, 1, 15, 8));
  // The spring-forward day (2026-03-29, 01:00 UTC): the window is an hour shorter in real time.
  EXPECT_EQ(day.periodStart(utc(2026, 3, 29, 12)), utc(2026, 3, 29, 7));
  EXPECT_EQ(day.periodStart(utc(2026, 3, 28, 12)), utc(2026, 3, 28, 8));

  // A start inside the skipped hour (New York, 2026-03-08 02:00 → 03:00) is at the gap's end.
  const SessionSchedule gap = schedule("02:30-05:00 America/New_York");
  EXPECT_EQ(gap.periodStart(utc(2026, 3, 8, 8)), utc(2026, 3, 8, 7));  // 03:00 EDT
  EXPECT_EQ(gap.periodStart(utc(2026, 3, 9, 8)), utc(2026, 3, 9, 6, 30));

  // UTC named, and a daily window across midnight in Tokyo (no daylight saving, UTC+9).
  EXPECT_EQ(schedule("08:00-17:00 UTC").periodStart(utc(2026, 7, 15, 12)), utc(2026, 7, 15, 8));
  const SessionSchedule tokyo = schedule("21:00-06:00 Asia/Tokyo");
  EXPECT_TRUE(tokyo.open(utc(2026, 7, 15, 13)));  // 22:00 JST
  EXPECT_EQ(tokyo.periodStart(utc(2026, 7, 15, 13)), utc(2026, 7, 15, 12));
}

TEST(SessionSchedule, BadSpecsNameTheOptionAndTheProblem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "one '-'"},
      {"08:00", "one '-'"},
      {"08:00-17:00-18:00", "one '-'"},
      {"8:00-17:00", "the start"},
      {"24:00-17:00", "the start"},
      {"08:60-17:00", "the start"},
      {"08:00:60-17:00", "the start"},
      {"08-17:00", "the start"},
      {"08:00-17:0", "the end"},
      {"08:00-17:00:00:00", "the end"},
      {"Fun 08:00-Fri 17:00", "the start"},
      {"Mon 08:00-17:00", "a day on both sides"},
      {"08:00-Fri 17:00", "a day on both sides"},
      {"08:00-17:00 Mars/Olympus_Mons", "no time zone \"Mars/Olympus_Mons\""},
      {"08:00-17:00 est", "no time zone \"est\""},
      {"Mon 08:00-Fri 17:00 America/New_York UTC", "the end"},
  };
  for (const auto& [spec, why] : cases) {
    const auto s = SessionSchedule::parse(spec);
    ASSERT_FALSE(s.ok()) << spec;
    EXPECT_EQ(s.error().field, "fix-schedule") << spec;
    EXPECT_NE(s.error().message.find(why), std::string::npos) << spec << ": " << s.error().message;
  }
}

using Output = doubles::RecordingOutput;
using doubles::fieldsOf;

struct App : SessionApplication {
  void onApplicationMessage(Session&, const MessageView&, std::int64_t) override {}
};

// A session with the hours 08:00-17:00 UTC and its store in a directory.
class ScheduledSession : public ::testing::Test {
 protected:
  ScheduledSession() : dir_(scratchDirectory("fix-schedule")) { open(); }

  void open() {
    session_.reset();
    store_ = std::move(SessionStore::open(dir_)).value();
    FixSessionConfig config{"CL", "US", AccountId{1}, ""};
    config.schedule = schedule("08:00-17:00");
    session_ = std::make_unique<Session>(config, *store_, app_);
  }

  std::string message(std::string_view type, std::uint64_t seq, std::int64_t sent) {
    if (type != "A") return doubles::counterpartyMessage(type, "CL", "US", seq, sent);
    return doubles::counterpartyMessage(type, "CL", "US", seq, sent,
                                        {{tag::EncryptMethod, "0"}, {tag::HeartBtInt, "30"}});
  }

  // The counterparty's Logon (or another message) at `now`.
  void logon(std::uint64_t seq, std::int64_t now) {
    out_ = Output{};
    views_.emplace_back();
    raw_.push_back(message("A", seq, now));
    views_.back().parse(raw_.back());
    session_->onLogon(out_, views_.back(), now);
  }
  void deliver(std::string_view type, std::uint64_t seq, std::int64_t now) {
    views_.emplace_back();
    raw_.push_back(message(type, seq, now));
    views_.back().parse(raw_.back());
    session_->onMessage(views_.back(), now);
  }
  std::map<std::uint32_t, std::string> last() const { return fieldsOf(out_.written.back()); }

  std::filesystem::path dir_;
  Output out_;
  App app_;
  std::unique_ptr<SessionStore> store_;
  std::unique_ptr<Session> session_;
  std::deque<std::string> raw_;
  std::deque<MessageView> views_;
};

TEST_F(ScheduledSession, LogonOutsideTheHoursIsRefused) {
  logon(1, utc(2026, 11, 30, 7, 59, 59));
  ASSERT_EQ(out_.written.size(), 1u);
  EXPECT_EQ(last()[tag::MsgType], "5");
  EXPECT_NE(last()[tag::Text].find("outside the session's hours (08:00-17:00 UTC)"), std::string::npos);
  EXPECT_TRUE(out_.closed);
  EXPECT_FALSE(session_->connected());
  EXPECT_EQ(session_->nextInbound(), 1u);  // nothing of the Logon was taken

  logon(1, utc(2026, 11, 30, 8));
  EXPECT_EQ(last()[tag::MsgType], "A");
  EXPECT_EQ(session_->state(), SessionState::LoggedOn);
}

TEST_F(ScheduledSession, TheEndOfTheHoursLogsOutAndTheNextPeriodStartsAtOne) {
  const std::int64_t monday = utc(2026, 11, 30, 9);
  logon(1, monday);
  ASSERT_EQ(last()[tag::MsgType], "A");
  for (std::uint64_t seq = 2; seq <= 5; ++seq) deliver("0", seq, monday + static_cast<std::int64_t>(seq) * kSecond);
  session_->begin("8", monday + 10 * kSecond).field(tag::ClOrdID, "A1");
  session_->commit();
  EXPECT_EQ(session_->nextInbound(), 6u);
  EXPECT_EQ(session_->nextOutbound(), 3u);

  // 16:59:59: still open. 17:00: Logout; the counterparty's answer closes the connection.
  session_->onTimer(utc(2026, 11, 30, 16, 59, 59));
  EXPECT_EQ(session_->state(), SessionState::LoggedOn);
  const std::size_t before = out_.written.size();
  session_->onTimer(utc(2026, 11, 30, 17));
  ASSERT_EQ(out_.written.size(), before + 1);
  EXPECT_EQ(last()[tag::MsgType], "5");
  EXPECT_EQ(last()[tag::Text], "end of the session's hours");
  EXPECT_EQ(session_->state(), SessionState::LogoutSent);
  deliver("5", 6, utc(2026, 11, 30, 17, 0, 1));
  EXPECT_TRUE(out_.closed);
  EXPECT_FALSE(session_->connected());

  // Overnight the numbers stay (a report made now is stored as 5) ...
  session_->onTimer(utc(2026, 11, 30, 23));
  EXPECT_EQ(session_->nextOutbound(), 5u);
  EXPECT_EQ(session_->nextInbound(), 7u);
  // ... until the next period begins: both sides at 1, in the store on disk too.
  session_->onTimer(utc(2026, 12, 1, 8, 0, 0));
  EXPECT_EQ(session_->nextOutbound(), 1u);
  EXPECT_EQ(session_->nextInbound(), 1u);
  EXPECT_EQ(store_->created(), utc(2026, 12, 1, 8));
  open();
  EXPECT_EQ(session_->nextOutbound(), 1u);
  EXPECT_EQ(store_->created(), utc(2026, 12, 1, 8));

  logon(1, utc(2026, 12, 1, 8, 0, 5));
  EXPECT_EQ(last()[tag::MsgType], "A");
  EXPECT_EQ(last()[tag::MsgSeqNum], "1");
  EXPECT_EQ(session_->nextInbound(), 2u);
}

// Down across the turn of the period (no timer ran in between): the Logon itself resets first,
// so the counterparty's MsgSeqNum 1 is what we expect.
TEST_F(ScheduledSession, ALogonInANewPeriodResetsBeforeItIsChecked) {
  logon(1, utc(2026, 11, 30, 9));
  for (std::uint64_t seq = 2; seq <= 9; ++seq) deliver("0", seq, utc(2026, 11, 30, 9, 0, 1));
  session_->onDisconnect();
  ASSERT_FALSE(store_->flush());
  open();  // a restart of serve
  EXPECT_EQ(session_->nextInbound(), 10u);
  logon(1, utc(2026, 12, 1, 9));
  EXPECT_EQ(last()[tag::MsgType], "A");
  EXPECT_EQ(last()[tag::MsgSeqNum], "1");
  EXPECT_EQ(session_->state(), SessionState::LoggedOn);
  // The same day, a reconnect continues the numbers.
  session_->onDisconnect();
  logon(2, utc(2026, 12, 1, 10));
  EXPECT_EQ(last()[tag::MsgType], "A");
  EXPECT_EQ(last()[tag::MsgSeqNum], "2");
}

// A store from before its time was recorded (no `created` file) belongs to the period it is
// found in: adding a schedule does not reset a session in the middle of its day.
TEST_F(ScheduledSession, AStoreWithoutItsTimeIsTakenAsThisPeriods) {
  session_.reset();
  store_.reset();
  std::filesystem::remove_all(dir_);
  {
    auto plain = std::move(SessionStore::open(dir_)).value();
    plain->setNextInbound(40);
    ASSERT_FALSE(plain->flush());
  }
  std::filesystem::remove(dir_ / "created");
  open();
  EXPECT_EQ(store_->created(), 0);
  logon(40, utc(2026, 11, 30, 12));
  EXPECT_EQ(last()[tag::MsgType], "A");
  EXPECT_EQ(session_->nextInbound(), 41u);
  EXPECT_EQ(store_->created(), utc(2026, 11, 30, 12));
}

// A window that never closes still turns over: at the turn a connected session is logged out,
// and reset once it is gone.
TEST(ScheduledSessionAlwaysOpen, TurnsOverOnceADay) {
  auto store = std::move(SessionStore::open("")).value();
  App app;
  FixSessionConfig config{"CL", "US", AccountId{1}, ""};
  config.schedule = schedule("00:00-00:00");
  Session session(config, *store, app);
  ASSERT_FALSE(store->setCreated(utc(2026, 11, 30, 6)));
  store->setNextInbound(12);
  Output out;
  const std::string raw = doubles::counterpartyMessage("A", "CL", "US", 12, utc(2026, 11, 30, 23, 59),
                                                       {{tag::EncryptMethod, "0"}, {tag::HeartBtInt, "30"}});
  MessageView view;
  view.parse(raw);
  session.onLogon(out, view, utc(2026, 11, 30, 23, 59));
  ASSERT_EQ(session.state(), SessionState::LoggedOn);
  session.onTimer(utc(2026, 12, 1, 0, 0, 0));
  EXPECT_EQ(fieldsOf(out.written.back())[tag::MsgType], "5");
  EXPECT_EQ(session.nextInbound(), 13u);       // not while connected
  session.onTimer(utc(2026, 12, 1, 0, 0, 2));  // no answer within the logout timeout
  EXPECT_TRUE(out.closed);
  session.onTimer(utc(2026, 12, 1, 0, 0, 3));
  EXPECT_EQ(session.nextInbound(), 1u);
  EXPECT_EQ(session.nextOutbound(), 1u);
}

}  // namespace
}  // namespace alphintra::api::fix
