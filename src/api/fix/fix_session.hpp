// Session: one FIX 4.4 session of the acceptor — the session layer of the protocol, driven
// without sockets: the gateway hands it framed, parsed messages, the time, and a SessionOutput
// to write to; tests do the same with a recording output.
//
// What it does (FIX 4.4 session rules; docs/fix.md lists the cases and the answers):
//  * Logon: CompIDs, password, EncryptMethod 0, HeartBtInt in range, ResetSeqNumFlag; a
//    MsgSeqNum above the expected one is answered with Logon then a ResendRequest, one below
//    (without a reset) with a Logout.
//  * Sequence numbers: in order → processed; above → one ResendRequest for the gap (the message
//    is dropped: the resend brings it again); below → ignored when PossDupFlag=Y, else Logout.
//  * Heartbeat, TestRequest (answered with its TestReqID), ResendRequest (stored application
//    messages resent with PossDupFlag=Y and OrigSendingTime; session messages replaced by
//    SequenceReset-GapFill), SequenceReset (gap fill and reset), Reject, Logout.
//  * Problems a Reject (35=3) names with RefSeqNum, RefTagID, RefMsgType and
//    SessionRejectReason: invalid tag, tag without value, duplicate tag, MsgType out of order,
//    required tag missing, wrong data format, unknown MsgType, SendingTime off by more than
//    maxLatency (then Logout), wrong CompID (then Logout).
//  * Timers (onTimer): a Heartbeat after HeartBtInt of silence from us; a TestRequest after
//    1.2 × HeartBtInt of silence from the counterparty; disconnect after 2.4 × HeartBtInt;
//    disconnect when a Logout we sent is not answered within logoutTimeout.
//  * Resets (FixSessionConfig::reset): the store back to 1 after a normal Logout exchange, or
//    after every end of the connection, as the counterparty's configuration expects.
//  * Schedule (FixSessionConfig::schedule): a Logon outside the session's hours is refused with
//    a Logout; at the end of the hours (or the turn of the period, for a window that never
//    closes) a connected session is logged out; when a period begins, the store is reset, so
//    both sides start again at MsgSeqNum 1. Checked on every timer tick and on Logon.
// Application messages (anything not a session message) go to the SessionApplication, in
// sequence, with the header already checked; it answers with begin()/commit() and reject().
// Messages are stored (SessionStore) and numbered even while no counterparty is connected:
// it gets them by resend after its next Logon.
//
// Threading: one thread (the gateway's) calls everything. A message begun with begin() must be
// committed before anything else is sent on the session.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/fix/fix_codec.hpp"
#include "api/fix/fix_schedule.hpp"
#include "api/fix/fix_store.hpp"
#include "core/ids.hpp"

namespace alphintra::api::fix {

// When a session's sequence numbers go back to 1 besides a Logon with ResetSeqNumFlag and the
// schedule's new period (QuickFIX's ResetOnLogout / ResetOnDisconnect).
enum class SessionReset : std::uint8_t {
  Never,         // only by the Logon flag or the schedule
  OnLogout,      // after a Logout exchange that ended the session normally (each side sent one)
  OnDisconnect,  // after every end of the connection (a Logout exchange, an error, a lost link)
};

struct FixSessionConfig {
  std::string senderCompId;  // the counterparty's SenderCompID (49 on what it sends)
  std::string targetCompId;  // ours: the counterparty's TargetCompID (56)
  AccountId account;         // the account the session trades
  std::string password;      // Logon Password (554); empty: none required
  // A drop copy: receives the execution reports of every account's orders and takes no orders
  // (`account` unused).
  bool dropCopy = false;
  // A drop copy's accounts: only their reports (empty: every account's).
  std::vector<AccountId> copiedAccounts{};
  // The session's hours (fix_schedule.hpp); none: always open, sequence numbers reset only by
  // a Logon with ResetSeqNumFlag.
  std::optional<SessionSchedule> schedule = std::nullopt;
  SessionReset reset = SessionReset::Never;
};

struct SessionTimings {
  std::uint32_t minHeartBtInt = 1;  // seconds
  std::uint32_t maxHeartBtInt = 300;
  std::int64_t maxLatencyNanos = 120'000'000'000;  // SendingTime vs our clock
  std::int64_t logoutTimeoutNanos = 2'000'000'000;
};

// Where a session writes (the connection). close(): disconnect once written bytes are out.
class SessionOutput {
 public:
  virtual ~SessionOutput() = default;
  virtual void write(std::string_view bytes) = 0;
  virtual void close() = 0;
};

class Session;

class SessionApplication {
 public:
  virtual ~SessionApplication() = default;
  virtual void onApplicationMessage(Session& session, const MessageView& message, std::int64_t now) = 0;
};

enum class SessionState : std::uint8_t { Disconnected, LoggedOn, LogoutSent };

struct SessionCounters {
  std::uint64_t received = 0;
  std::uint64_t sent = 0;
  std::uint64_t garbled = 0;
  std::uint64_t rejectsSent = 0;
  std::uint64_t resendRequestsSent = 0;
  std::uint64_t messagesResent = 0;
};

class Session {
 public:
  using Log = std::function<void(std::string_view)>;

  Session(FixSessionConfig config, SessionStore& store, SessionApplication& application, SessionTimings timings = {},
          Log log = {});

  const FixSessionConfig& config() const noexcept { return config_; }
  std::string name() const { return config_.senderCompId + "-" + config_.targetCompId; }
  SessionState state() const noexcept { return state_; }
  bool connected() const noexcept { return output_ != nullptr; }
  const SessionCounters& counters() const noexcept { return counters_; }
  std::uint64_t nextOutbound() const noexcept { return store_.nextOutbound(); }
  std::uint64_t nextInbound() const noexcept { return store_.nextInbound(); }
  SessionStore& store() noexcept { return store_; }

  // The first message of a new connection (the gateway matched its CompIDs to this session).
  void onLogon(SessionOutput& output, const MessageView& logon, std::int64_t now);
  // Every later message of the connection.
  void onMessage(const MessageView& message, std::int64_t now);
  void onGarbled(Garble why);
  // The wrong FIX version on the connection: Logout and close.
  void onWrongBeginString(std::int64_t now);
  // The connection is gone (read error, EOF, or after close()).
  void onDisconnect();
  void onTimer(std::int64_t now);

  // An outgoing message: begin() writes the header (35, 49, 56, 34, 52), the caller the body;
  // commit() stores it and writes it when connected.
  MessageWriter& begin(std::string_view msgType, std::int64_t now);
  void commit();
  // A session Reject (35=3) of the message `refSeqNum`.
  void reject(std::uint64_t refSeqNum, std::string_view refMsgType, RejectReason reason, std::uint32_t refTagId,
              std::string_view text, std::int64_t now);
  // Logout with `text`, then wait for the counterparty's Logout (or logoutTimeout).
  void logout(std::string_view text, std::int64_t now);

 private:
  void send(std::string_view msgType, std::int64_t now);  // header-only message (Heartbeat ...) helper
  void logoutAndClose(std::string_view text, std::int64_t now);
  // Ends the connection; `clean`: after a Logout exchange (for SessionReset::OnLogout).
  void close(bool clean = false);
  // The connection ended: resets the store when the config's SessionReset says so.
  void afterEnd(bool clean);
  void sendResendRequest(std::uint64_t from, std::int64_t now);
  void resend(std::uint64_t begin, std::uint64_t end, std::int64_t now);
  void sendGapFill(std::uint64_t sequence, std::uint64_t newSequence, std::int64_t now);
  // Header checks common to every message after Logon; false when the message is done with.
  bool checkSendingTime(const MessageView& m, std::uint64_t seq, std::int64_t now);
  void dispatch(const MessageView& m, std::uint64_t seq, std::int64_t now);
  void onSequenceReset(const MessageView& m, std::uint64_t seq, bool gapFill, std::int64_t now);
  // The schedule's part of the timer and of Logon: resets the store for a new period when no
  // counterparty is connected, logs a connected one out at the end of the hours. Whether the
  // session may be up at `now`.
  bool keepSchedule(std::int64_t now);
  void log(std::string_view line) const;

  FixSessionConfig config_;
  SessionStore& store_;
  SessionApplication& application_;
  SessionTimings timings_;
  Log log_;

  SessionOutput* output_ = nullptr;
  SessionState state_ = SessionState::Disconnected;
  std::int64_t heartbeatNanos_ = 30'000'000'000;
  std::int64_t lastSent_ = 0;
  std::int64_t lastReceived_ = 0;
  std::int64_t logoutSentAt_ = 0;
  bool testRequestPending_ = false;
  std::uint64_t testRequestCounter_ = 0;
  std::uint64_t resendUntil_ = 0;  // a ResendRequest is out for messages below this (0: none)
  MessageWriter writer_;
  MessageWriter resendWriter_;
  std::string resendBuffer_;
  MessageView resendView_;
  SessionCounters counters_;
};

// Whether `msgType` is one FIX 4.4 defines (an unknown one is a reason-11 Reject).
bool isFix44MsgType(std::string_view msgType) noexcept;
bool isSessionMsgType(std::string_view msgType) noexcept;

}  // namespace alphintra::api::fix
