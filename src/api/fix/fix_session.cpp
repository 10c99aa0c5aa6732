// Session: the FIX 4.4 session layer (see fix_session.hpp).
#include "api/fix/fix_session.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace alphintra::api::fix {
namespace {

// |a - b| without overflow: a SendingTime may be any instant 64-bit nanoseconds hold (1678 to
// 2262), and its difference from now can exceed what a signed 64-bit number holds.
std::uint64_t distance(std::int64_t a, std::int64_t b) noexcept {
  return a > b ? static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b)
               : static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a);
}

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// Every MsgType FIX 4.4 defines (application and session).
constexpr std::array<std::string_view, 93> kFix44MsgTypes{
    "0",  "1",  "2",  "3",  "4",  "5",  "6",  "7",  "8",  "9",  "A",  "B",  "C",  "D",  "E",  "F",  "G",  "H",  "J",
    "K",  "L",  "M",  "N",  "P",  "Q",  "R",  "S",  "T",  "V",  "W",  "X",  "Y",  "Z",  "a",  "b",  "c",  "d",  "e",
    "f",  "g",  "h",  "i",  "j",  "k",  "l",  "m",  "n",  "o",  "p",  "q",  "r",  "s",  "t",  "u",  "v",  "w",  "x",
    "y",  "z",  "AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI", "AJ", "AK", "AL", "AM", "AN", "AO", "AP", "AQ",
    "AR", "AS", "AT", "AU", "AV", "AW", "AX", "AY", "AZ", "BA", "BB", "BC", "BD", "BE", "BF", "BG", "BH"};

}  // namespace

bool isFix44MsgType(std::string_view msgType) noexcept {
  for (std::string_view t : kFix44MsgTypes) {
    if (t == msgType) return true;
  }
  return false;
}

bool isSessionMsgType(std::string_view msgType) noexcept {
  return msgType.size() == 1 && std::string_view("0A12345").find(msgType[0]) != std::string_view::npos;
}

Session::Session(FixSessionConfig config, SessionStore& store, SessionApplication& application, SessionTimings timings,
                 Log log)
    : config_(std::move(config)), store_(store), application_(application), timings_(timings), log_(std::move(log)) {}

void Session::log(std::string_view line) const {
  if (log_) log_(fmt::format("fix {}: {}", name(), line));
}

MessageWriter& Session::begin(std::string_view msgType, std::int64_t now) {
  writer_.start(msgType);
  writer_.field(tag::SenderCompID, config_.targetCompId);
  writer_.field(tag::TargetCompID, config_.senderCompId);
  writer_.integer(tag::MsgSeqNum, static_cast<std::int64_t>(store_.nextOutbound()));
  writer_.timestamp(tag::SendingTime, now);
  lastSent_ = now;
  return writer_;
}

void Session::commit() {
  const std::string_view message = writer_.finish();
  store_.append(message);
  ++counters_.sent;
  if (output_ != nullptr) output_->write(message);
}

void Session::send(std::string_view msgType, std::int64_t now) {
  begin(msgType, now);
  commit();
}

void Session::reject(std::uint64_t refSeqNum, std::string_view refMsgType, RejectReason reason, std::uint32_t refTagId,
                     std::string_view text, std::int64_t now) {
  MessageWriter& w = begin("3", now);
  w.integer(tag::RefSeqNum, static_cast<std::int64_t>(refSeqNum));
  if (refTagId != 0) w.integer(tag::RefTagID, refTagId);
  if (!refMsgType.empty()) w.field(tag::RefMsgType, refMsgType);
  w.integer(tag::SessionRejectReason, static_cast<int>(reason));
  if (!text.empty()) w.field(tag::Text, text.substr(0, 200));
  commit();
  ++counters_.rejectsSent;
}

void Session::logout(std::string_view text, std::int64_t now) {
  if (state_ != SessionState::LoggedOn) return;
  MessageWriter& w = begin("5", now);
  if (!text.empty()) w.field(tag::Text, text.substr(0, 200));
  commit();
  state_ = SessionState::LogoutSent;
  logoutSentAt_ = now;
}

void Session::logoutAndClose(std::string_view text, std::int64_t now) {
  log(fmt::format("logout: {}", text));
  MessageWriter& w = begin("5", now);
  w.field(tag::Text, text.substr(0, 200));
  commit();
  close();
}

void Session::close(bool clean) {
  SessionOutput* out = std::exchange(output_, nullptr);
  state_ = SessionState::Disconnected;
  resendUntil_ = 0;
  testRequestPending_ = false;
  if (out != nullptr) {
    out->close();
    afterEnd(clean);
  }
}

void Session::onDisconnect() {
  const bool wasConnected = output_ != nullptr;
  if (wasConnected) log("disconnected");
  output_ = nullptr;
  state_ = SessionState::Disconnected;
  resendUntil_ = 0;
  testRequestPending_ = false;
  if (wasConnected) afterEnd(false);
}

void Session::afterEnd(bool clean) {
  const SessionReset when = config_.reset;
  if (when == SessionReset::Never || (when == SessionReset::OnLogout && !clean)) return;
  // The store's time: the session's last activity (the reset has no clock of its own).
  if (auto e = store_.reset(std::max(lastSent_, lastReceived_)))
    log(fmt::format("cannot reset the store: {}", e->message));
  log(clean ? "sequence numbers reset to 1 after the Logout" : "sequence numbers reset to 1 after the disconnect");
}

void Session::onGarbled(Garble why) {
  ++counters_.garbled;
  log(fmt::format("ignored a garbled message: {}", toString(why)));
}

void Session::onWrongBeginString(std::int64_t now) {
  if (output_ == nullptr) return;
  logoutAndClose("BeginString must be FIX.4.4", now);
}

bool Session::keepSchedule(std::int64_t now) {
  if (!config_.schedule) return true;
  const SessionSchedule& schedule = *config_.schedule;
  // A store from before its time was recorded belongs to the period it is found in.
  if (store_.created() == 0) {
    if (auto e = store_.setCreated(now)) log(fmt::format("cannot record the store's time: {}", e->message));
  }
  const bool newPeriod = store_.created() < schedule.periodStart(now);
  const bool open = schedule.open(now);
  if (output_ != nullptr) {
    if ((newPeriod || !open) && state_ == SessionState::LoggedOn) {
      log(fmt::format("the session's hours ({}) ended: logging out", schedule.description()));
      logout("end of the session's hours", now);
    }
    return open && !newPeriod;
  }
  if (newPeriod) {
    if (auto e = store_.reset(now)) log(fmt::format("cannot reset the store: {}", e->message));
    log(fmt::format("a new period of the session's hours ({}): sequence numbers reset to 1", schedule.description()));
  }
  return open;
}

void Session::onLogon(SessionOutput& output, const MessageView& m, std::int64_t now) {
  const bool inHours = keepSchedule(now);  // before the connection is taken: a new period resets
  output_ = &output;
  lastReceived_ = now;
  ++counters_.received;
  const auto refuse = [&](std::string_view why) {
    // Refused before the session is up: a Logout answers (with the next number) and the
    // connection closes. Nothing of the logon is taken as received.
    log(fmt::format("logon refused: {}", why));
    state_ = SessionState::LoggedOn;  // so that the Logout is numbered and sent
    logoutAndClose(why, now);
  };
  if (!inHours) return refuse(fmt::format("outside the session's hours ({})", config_.schedule->description()));
  if (m.problem()) {
    return refuse(fmt::format("malformed Logon (tag {}, SessionRejectReason {})", m.problemTag(),
                              static_cast<int>(*m.problem())));
  }
  const auto seq = parseUnsigned(m.get(tag::MsgSeqNum).value_or(""));
  if (!seq || *seq == 0) return refuse("MsgSeqNum (34) is missing or not a positive integer");
  if (m.get(tag::Password).value_or("") != config_.password) return refuse("wrong or missing Password (554)");
  const auto encrypt = m.get(tag::EncryptMethod);
  if (!encrypt || *encrypt != "0") return refuse("EncryptMethod (98) must be 0");
  const auto heartbeat = parseUnsigned(m.get(tag::HeartBtInt).value_or(""));
  if (!heartbeat || *heartbeat < timings_.minHeartBtInt || *heartbeat > timings_.maxHeartBtInt) {
    return refuse(
        fmt::format("HeartBtInt (108) must be {}..{} seconds", timings_.minHeartBtInt, timings_.maxHeartBtInt));
  }
  const auto sendingTime = parseUtcTimestamp(m.get(tag::SendingTime).value_or(""));
  if (!sendingTime) return refuse("SendingTime (52) is missing or not a UTCTimestamp");
  if (distance(*sendingTime, now) > static_cast<std::uint64_t>(timings_.maxLatencyNanos))
    return refuse("SendingTime (52) is too far from our clock");
  const bool reset = m.get(tag::ResetSeqNumFlag).value_or("N") == "Y";
  if (reset) {
    if (auto e = store_.reset(now)) log(fmt::format("cannot reset the store: {}", e->message));
    log("sequence numbers reset by the counterparty's Logon");
  }
  const std::uint64_t expected = store_.nextInbound();
  if (*seq < expected) {
    return refuse(fmt::format("MsgSeqNum too low, expecting {} but received {}", expected, *seq));
  }

  state_ = SessionState::LoggedOn;
  heartbeatNanos_ = static_cast<std::int64_t>(*heartbeat) * kNanosPerSecond;
  testRequestPending_ = false;
  resendUntil_ = 0;
  MessageWriter& w = begin("A", now);
  w.field(tag::EncryptMethod, '0');
  w.integer(tag::HeartBtInt, static_cast<std::int64_t>(*heartbeat));
  if (reset) w.field(tag::ResetSeqNumFlag, 'Y');
  commit();
  log(fmt::format("logged on (in {}, out {})", *seq, store_.nextOutbound() - 1));
  if (*seq > expected) {
    sendResendRequest(expected, now);
  } else {
    store_.setNextInbound(*seq + 1);
  }
}

void Session::sendResendRequest(std::uint64_t from, std::int64_t now) {
  MessageWriter& w = begin("2", now);
  w.integer(tag::BeginSeqNo, static_cast<std::int64_t>(from));
  w.integer(tag::EndSeqNo, 0);
  commit();
  ++counters_.resendRequestsSent;
  resendUntil_ = from;  // any value > 0 marks it outstanding; updated as the gap closes
  log(fmt::format("gap: ResendRequest from {}", from));
}

void Session::onMessage(const MessageView& m, std::int64_t now) {
  if (output_ == nullptr) return;
  lastReceived_ = now;
  testRequestPending_ = false;
  ++counters_.received;
  const std::string_view type = m.msgType();

  // CompIDs: a message from someone else on this connection ends the session.
  const auto sender = m.get(tag::SenderCompID);
  const auto target = m.get(tag::TargetCompID);
  const auto seqText = m.get(tag::MsgSeqNum);
  const auto seq = parseUnsigned(seqText.value_or(""));
  if (!seq || *seq == 0) {
    return logoutAndClose("MsgSeqNum (34) is missing or not a positive integer", now);
  }
  if (!sender || *sender != config_.senderCompId || !target || *target != config_.targetCompId) {
    const std::uint32_t refTag = (!sender || *sender != config_.senderCompId) ? tag::SenderCompID : tag::TargetCompID;
    if (*seq == store_.nextInbound()) store_.setNextInbound(*seq + 1);
    reject(*seq, type, RejectReason::CompIdProblem, refTag, "CompID problem", now);
    return logoutAndClose("CompID problem", now);
  }

  const bool possDup = m.get(tag::PossDupFlag).value_or("N") == "Y";
  const bool gapFill = m.get(tag::GapFillFlag).value_or("N") == "Y";
  // SequenceReset-Reset ignores the sequence number.
  if (type == "4" && !gapFill) return onSequenceReset(m, *seq, false, now);

  const std::uint64_t expected = store_.nextInbound();
  if (*seq < expected) {
    if (!possDup) {
      return logoutAndClose(fmt::format("MsgSeqNum too low, expecting {} but received {}", expected, *seq), now);
    }
    // A duplicate of what we have: checked for OrigSendingTime, then ignored.
    if (type != "4" && !m.has(tag::OrigSendingTime)) {
      reject(*seq, type, RejectReason::RequiredTagMissing, tag::OrigSendingTime,
             "OrigSendingTime (122) is required when PossDupFlag=Y", now);
    }
    return;
  }
  if (*seq > expected) {
    // A gap. The counterparty's own ResendRequest and Logout are served before ours is answered.
    if (type == "2") dispatch(m, *seq, now);
    if (type == "5") return logoutAndClose("Logout received during a sequence gap", now);
    if (resendUntil_ == 0) sendResendRequest(expected, now);
    return;
  }
  if (resendUntil_ != 0) resendUntil_ = 0;  // the gap is being filled in order

  if (m.problem()) {
    store_.setNextInbound(*seq + 1);
    const RejectReason reason = *m.problem();
    std::string_view text = "malformed message";
    switch (reason) {
      case RejectReason::InvalidTagNumber: text = "invalid tag number"; break;
      case RejectReason::TagWithoutValue: text = "tag specified without a value"; break;
      case RejectReason::TagAppearsMoreThanOnce: text = "tag appears more than once"; break;
      case RejectReason::TagOutOfOrder: text = "MsgType (35) must be the third field"; break;
      case RejectReason::RepeatingGroupFieldsOutOfOrder:
        text = "a repeating group's entry does not start with its first field";
        break;
      case RejectReason::IncorrectNumInGroupCount:
        text = "the repeating group's count is not the number of its entries";
        break;
      case RejectReason::IncorrectDataFormat: text = "a repeating group's count is not a number"; break;
      default: break;
    }
    return reject(*seq, type, reason, m.problemTag(), text, now);
  }
  if (!checkSendingTime(m, *seq, now)) return;
  if (possDup && type != "4" && !m.has(tag::OrigSendingTime)) {
    store_.setNextInbound(*seq + 1);
    return reject(*seq, type, RejectReason::RequiredTagMissing, tag::OrigSendingTime,
                  "OrigSendingTime (122) is required when PossDupFlag=Y", now);
  }
  if (type == "4") return onSequenceReset(m, *seq, true, now);
  store_.setNextInbound(*seq + 1);
  dispatch(m, *seq, now);
}

bool Session::checkSendingTime(const MessageView& m, std::uint64_t seq, std::int64_t now) {
  const auto text = m.get(tag::SendingTime);
  if (!text) {
    store_.setNextInbound(seq + 1);
    reject(seq, m.msgType(), RejectReason::RequiredTagMissing, tag::SendingTime, "SendingTime (52) is required", now);
    return false;
  }
  const auto time = parseUtcTimestamp(*text);
  if (!time) {
    store_.setNextInbound(seq + 1);
    reject(seq, m.msgType(), RejectReason::IncorrectDataFormat, tag::SendingTime,
           "SendingTime (52) must be a UTCTimestamp YYYYMMDD-HH:MM:SS[.sss]", now);
    return false;
  }
  if (distance(*time, now) > static_cast<std::uint64_t>(timings_.maxLatencyNanos)) {
    store_.setNextInbound(seq + 1);
    reject(seq, m.msgType(), RejectReason::SendingTimeAccuracy, tag::SendingTime,
           "SendingTime (52) is too far from our clock", now);
    logoutAndClose("SendingTime accuracy problem", now);
    return false;
  }
  if (const auto orig = m.get(tag::OrigSendingTime)) {
    const auto origTime = parseUtcTimestamp(*orig);
    if (!origTime) {
      store_.setNextInbound(seq + 1);
      reject(seq, m.msgType(), RejectReason::IncorrectDataFormat, tag::OrigSendingTime,
             "OrigSendingTime (122) must be a UTCTimestamp", now);
      return false;
    }
    if (*origTime > *time) {
      store_.setNextInbound(seq + 1);
      reject(seq, m.msgType(), RejectReason::SendingTimeAccuracy, tag::OrigSendingTime,
             "OrigSendingTime (122) is later than SendingTime (52)", now);
      logoutAndClose("SendingTime accuracy problem", now);
      return false;
    }
  }
  return true;
}

void Session::onSequenceReset(const MessageView& m, std::uint64_t seq, bool gapFill, std::int64_t now) {
  const auto newSeqText = m.get(tag::NewSeqNo);
  const auto newSeq = parseUnsigned(newSeqText.value_or(""));
  const std::uint64_t expected = store_.nextInbound();
  if (!newSeqText) {
    if (gapFill) store_.setNextInbound(seq + 1);
    return reject(seq, "4", RejectReason::RequiredTagMissing, tag::NewSeqNo, "NewSeqNo (36) is required", now);
  }
  if (!newSeq) {
    if (gapFill) store_.setNextInbound(seq + 1);
    return reject(seq, "4", RejectReason::IncorrectDataFormat, tag::NewSeqNo, "NewSeqNo (36) must be an integer", now);
  }
  if (*newSeq < expected || (gapFill && *newSeq <= seq)) {
    if (gapFill) store_.setNextInbound(seq + 1);
    return reject(seq, "4", RejectReason::ValueIncorrect, tag::NewSeqNo,
                  fmt::format("NewSeqNo {} would move the expected MsgSeqNum {} back", *newSeq, expected), now);
  }
  store_.setNextInbound(*newSeq);
  if (!gapFill) log(fmt::format("SequenceReset-Reset: next inbound {}", *newSeq));
}

void Session::dispatch(const MessageView& m, std::uint64_t seq, std::int64_t now) {
  const std::string_view type = m.msgType();
  if (type.size() == 1) {
    switch (type[0]) {
      case '0':  // Heartbeat
        return;
      case '1': {  // TestRequest
        const auto id = m.get(tag::TestReqID);
        if (!id) {
          return reject(seq, type, RejectReason::RequiredTagMissing, tag::TestReqID, "TestReqID (112) is required",
                        now);
        }
        MessageWriter& w = begin("0", now);
        w.field(tag::TestReqID, *id);
        return commit();
      }
      case '2': {  // ResendRequest
        const auto beginText = m.get(tag::BeginSeqNo);
        const auto endText = m.get(tag::EndSeqNo);
        if (!beginText || !endText) {
          return reject(seq, type, RejectReason::RequiredTagMissing, beginText ? tag::EndSeqNo : tag::BeginSeqNo,
                        "BeginSeqNo (7) and EndSeqNo (16) are required", now);
        }
        const auto b = parseUnsigned(*beginText);
        const auto e = parseUnsigned(*endText);
        if (!b || !e) {
          return reject(seq, type, RejectReason::IncorrectDataFormat, b ? tag::EndSeqNo : tag::BeginSeqNo,
                        "BeginSeqNo (7) and EndSeqNo (16) must be integers", now);
        }
        return resend(*b, *e, now);
      }
      case '3':  // Reject
        log(fmt::format("the counterparty rejected our message {}: {}", m.get(tag::RefSeqNum).value_or("?"),
                        m.get(tag::Text).value_or("")));
        return;
      case '5':  // Logout
        if (state_ == SessionState::LoggedOn) {
          log("logout requested by the counterparty");
          begin("5", now);
          commit();
        }
        return close(true);  // each side has sent its Logout
      case 'A':              // Logon on a session that is up
        return logoutAndClose("Logon received on a session already logged on", now);
      default: break;
    }
  }
  if (!isFix44MsgType(type)) {
    return reject(seq, type, RejectReason::InvalidMsgType, tag::MsgType, "unknown MsgType", now);
  }
  application_.onApplicationMessage(*this, m, now);
}

void Session::sendGapFill(std::uint64_t sequence, std::uint64_t newSequence, std::int64_t now) {
  MessageWriter& w = resendWriter_;
  w.start("4");
  w.field(tag::SenderCompID, config_.targetCompId);
  w.field(tag::TargetCompID, config_.senderCompId);
  w.integer(tag::MsgSeqNum, static_cast<std::int64_t>(sequence));
  w.field(tag::PossDupFlag, 'Y');
  w.timestamp(tag::SendingTime, now);
  w.timestamp(tag::OrigSendingTime, now);
  w.field(tag::GapFillFlag, 'Y');
  w.integer(tag::NewSeqNo, static_cast<std::int64_t>(newSequence));
  if (output_ != nullptr) output_->write(w.finish());
}

void Session::resend(std::uint64_t beginSeq, std::uint64_t endSeq, std::int64_t now) {
  const std::uint64_t last = store_.nextOutbound() - 1;  // the request itself is answered after
  if (endSeq == 0 || endSeq > last) endSeq = last;
  if (beginSeq == 0) beginSeq = 1;
  if (beginSeq > endSeq) return;
  log(fmt::format("resending {}..{}", beginSeq, endSeq));
  std::uint64_t gapStart = 0;  // first of a run of session messages to skip with a gap fill
  std::uint64_t s = beginSeq;
  if (s < store_.firstStored()) {  // pruned by the store's retention: one gap fill over them
    gapStart = s;
    s = std::min(store_.firstStored(), endSeq + 1);
  }
  for (; s <= endSeq; ++s) {
    const bool stored = store_.load(s, resendBuffer_);
    if (stored) resendView_.parse(resendBuffer_);
    if (!stored || isSessionMsgType(resendView_.msgType())) {
      if (gapStart == 0) gapStart = s;
      continue;
    }
    if (gapStart != 0) {
      sendGapFill(gapStart, s, now);
      gapStart = 0;
    }
    // The stored message again, with PossDupFlag=Y, OrigSendingTime and a new SendingTime.
    MessageWriter& w = resendWriter_;
    w.start(resendView_.msgType());
    w.field(tag::SenderCompID, config_.targetCompId);
    w.field(tag::TargetCompID, config_.senderCompId);
    w.integer(tag::MsgSeqNum, static_cast<std::int64_t>(s));
    w.field(tag::PossDupFlag, 'Y');
    w.timestamp(tag::SendingTime, now);
    w.field(tag::OrigSendingTime, resendView_.get(tag::SendingTime).value_or(""));
    for (const Field& f : resendView_) {
      switch (f.tag) {
        case tag::BeginString:
        case tag::BodyLength:
        case tag::MsgType:
        case tag::SenderCompID:
        case tag::TargetCompID:
        case tag::MsgSeqNum:
        case tag::PossDupFlag:
        case tag::SendingTime:
        case tag::OrigSendingTime:
        case tag::PossResend:
        case tag::CheckSum: continue;
        default: w.field(f.tag, f.value);
      }
    }
    if (output_ != nullptr) output_->write(w.finish());
    ++counters_.messagesResent;
  }
  if (gapStart != 0) sendGapFill(gapStart, endSeq + 1, now);
  lastSent_ = now;
}

void Session::onTimer(std::int64_t now) {
  keepSchedule(now);
  if (output_ == nullptr) return;
  if (state_ == SessionState::LogoutSent) {
    if (now - logoutSentAt_ >= timings_.logoutTimeoutNanos) {
      log("no answer to our Logout: disconnecting");
      close();
    }
    return;
  }
  if (state_ != SessionState::LoggedOn) return;
  const std::int64_t silence = now - lastReceived_;
  if (testRequestPending_ && silence >= heartbeatNanos_ * 24 / 10) {
    return logoutAndClose("heartbeat timeout: no answer to our TestRequest", now);
  }
  if (!testRequestPending_ && silence >= heartbeatNanos_ * 12 / 10) {
    MessageWriter& w = begin("1", now);
    char id[32] = "TEST-";
    const std::size_t n = 5 + formatUnsigned(++testRequestCounter_, id + 5);
    w.field(tag::TestReqID, std::string_view(id, n));
    commit();
    testRequestPending_ = true;
    return;
  }
  if (now - lastSent_ >= heartbeatNanos_) send("0", now);
}

}  // namespace alphintra::api::fix
