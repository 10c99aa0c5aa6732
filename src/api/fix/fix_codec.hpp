// FIX 4.4 tag=value codec: framing a byte stream into messages, splitting a message into its
// fields, and writing messages. Our own code rather than a library's because it sits on the
// order path: nothing here allocates — a parsed message is a fixed array of (tag, view) pairs
// pointing into the caller's buffer, and a written message is built in a fixed buffer.
//
// Framing (frame()) checks what makes a message a message: it starts with 8=FIX.4.4, 9=<length>
// follows, the body is exactly BodyLength bytes, and 10=<three digits> closes it with the sum of
// every byte before it mod 256. A frame that fails is garbled: per the FIX session rules it is
// ignored (no Reject, the inbound sequence number does not move) and the gap it leaves is
// repaired by a resend. A BeginString other than FIX.4.4 is not garbage but the wrong protocol;
// the session logs out.
//
// Splitting (parse()) finds the fields and the problems a session Reject (35=3) names:
// an invalid tag number (not digits, 0, or above kMaxTag), a tag without a value, a tag given
// twice, MsgType not the third field, and in a repeating group: an entry not starting with the
// group's first field, a field twice in one entry, or a count (NoXXX) that is not the number of
// entries (or not a number). Only the first problem is kept; reading the fields that are there
// still works.
// Repeating groups: the FIX 4.4 groups of the components the accepted orders carry (Parties and
// their sub-ids, PreAllocGrp with its nested parties, TrdgSesGrp, SecAltIDGrp, EvntGrp,
// Stipulations, UndInstrmtGrp with its alt ids and stipulations) are checked for shape as above,
// so their fields may repeat; get() answers a group field's first occurrence. No order field is
// read from a group. The fields of a group FIX 4.4 defines elsewhere (a count tag not listed in
// fix_codec.cpp) are plain fields, which may not repeat.
//
// Invariants: a MessageView's views point into the frame it was parsed from, so the frame must
// outlive it. At most kMaxFields fields per message (more is the "Other" problem).
// Threading: none (values, used by one thread at a time).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace alphintra::api::fix {

inline constexpr char kSoh = '\x01';
inline constexpr std::string_view kBeginString = "FIX.4.4";
inline constexpr std::size_t kMaxFields = 128;
inline constexpr std::size_t kMaxMessageBytes = 16 * 1024;
inline constexpr std::uint32_t kMaxTag = 49'999;

// Tags the session and order layers read (FIX 4.4 numbers).
namespace tag {
inline constexpr std::uint32_t Account = 1, AvgPx = 6, BeginSeqNo = 7, BeginString = 8, BodyLength = 9, CheckSum = 10,
                               ClOrdID = 11, CumQty = 14, EndSeqNo = 16, ExecID = 17, ExecInst = 18, LastPx = 31,
                               LastQty = 32, MsgSeqNum = 34, MsgType = 35, NewSeqNo = 36, OrderID = 37, OrderQty = 38,
                               OrdStatus = 39, OrdType = 40, OrigClOrdID = 41, PossDupFlag = 43, Price = 44,
                               RefSeqNum = 45, SenderCompID = 49, SendingTime = 52, Side = 54, Symbol = 55,
                               TargetCompID = 56, Text = 58, TimeInForce = 59, TransactTime = 60, TradeDate = 75,
                               PossResend = 97, EncryptMethod = 98, StopPx = 99, OrdRejReason = 103, CxlRejReason = 102,
                               HeartBtInt = 108, MinQty = 110, MaxFloor = 111, TestReqID = 112, OrigSendingTime = 122,
                               GapFillFlag = 123, ExpireTime = 126, ResetSeqNumFlag = 141, ExecType = 150,
                               LeavesQty = 151, RefTagID = 371, RefMsgType = 372, SessionRejectReason = 373,
                               BusinessRejectRefID = 379, BusinessRejectReason = 380, CxlRejResponseTo = 434,
                               MassCancelRequestType = 530, MassCancelResponse = 531, MassCancelRejectReason = 532,
                               TotalAffectedOrders = 533, Password = 554;
}  // namespace tag

// SessionRejectReason (373) values.
enum class RejectReason : std::uint8_t {
  InvalidTagNumber = 0,
  RequiredTagMissing = 1,
  TagNotDefinedForMessage = 2,
  TagWithoutValue = 4,
  ValueIncorrect = 5,
  IncorrectDataFormat = 6,
  CompIdProblem = 9,
  SendingTimeAccuracy = 10,
  InvalidMsgType = 11,
  TagAppearsMoreThanOnce = 13,
  TagOutOfOrder = 14,
  RepeatingGroupFieldsOutOfOrder = 15,
  IncorrectNumInGroupCount = 16,
  Other = 99,
};

enum class FrameStatus : std::uint8_t {
  Complete,         // a whole, valid frame of `length` bytes
  NeedMore,         // nothing wrong yet; read more bytes
  Garbled,          // drop `length` bytes (up to the next "8=" or the whole bad frame) and go on
  WrongBeginString  // a frame of another FIX version: log out
};

enum class Garble : std::uint8_t { None, NoBeginString, BadBodyLength, BadChecksum, TooLong };

struct Frame {
  FrameStatus status = FrameStatus::NeedMore;
  std::size_t length = 0;
  Garble garble = Garble::None;
};

// Looks at the start of `bytes` for one message.
Frame frame(std::string_view bytes) noexcept;
// Sum of the bytes mod 256 (the CheckSum rule).
std::uint8_t checksum(std::string_view bytes) noexcept;
std::string_view toString(Garble g) noexcept;

struct Field {
  std::uint32_t tag = 0;
  std::string_view value;
};

class MessageView {
 public:
  // Splits a framed message (frame() said Complete). Never fails as a whole: see problem().
  bool parse(std::string_view message) noexcept;

  std::string_view raw() const noexcept { return raw_; }
  std::string_view msgType() const noexcept { return msgType_; }
  std::size_t size() const noexcept { return count_; }
  const Field& operator[](std::size_t i) const noexcept { return fields_[i]; }
  const Field* begin() const noexcept { return fields_.data(); }
  const Field* end() const noexcept { return fields_.data() + count_; }

  std::optional<std::string_view> get(std::uint32_t t) const noexcept;
  bool has(std::uint32_t t) const noexcept { return get(t).has_value(); }

  // The first structural problem, if any, and the tag it concerns.
  std::optional<RejectReason> problem() const noexcept { return problem_; }
  std::uint32_t problemTag() const noexcept { return problemTag_; }

 private:
  void note(RejectReason r, std::uint32_t t) noexcept;

  std::string_view raw_;
  std::string_view msgType_;
  std::array<Field, kMaxFields> fields_{};
  std::size_t count_ = 0;
  std::optional<RejectReason> problem_;
  std::uint32_t problemTag_ = 0;
};

// Values. Each returns nullopt when the text is not of the type (a reason-6 Reject).
std::optional<std::uint64_t> parseUnsigned(std::string_view text) noexcept;  // digits only, no sign
std::optional<char> parseChar(std::string_view text) noexcept;               // exactly one character
std::optional<bool> parseBoolean(std::string_view text) noexcept;            // Y / N
// UTCTimestamp YYYYMMDD-HH:MM:SS[.sss[sss[sss]]] → ns since the epoch.
std::optional<std::int64_t> parseUtcTimestamp(std::string_view text) noexcept;

// Builds one message in a fixed buffer: start(type), fields, finish(). The header's first
// three fields (8, 9, 35) and the trailer (10) are written by the writer; the caller writes
// the rest in order. A message longer than the buffer is cut (overflowed() says so).
class MessageWriter {
 public:
  static constexpr std::size_t kCapacity = 8 * 1024;

  void start(std::string_view msgType) noexcept;
  void field(std::uint32_t t, std::string_view value) noexcept;
  void field(std::uint32_t t, char value) noexcept;
  void integer(std::uint32_t t, std::int64_t value) noexcept;
  // A scaled integer as a decimal with `places` places, trailing zeros kept ("150.50").
  void decimal(std::uint32_t t, std::int64_t raw, int places) noexcept;
  void timestamp(std::uint32_t t, std::int64_t nanosSinceEpoch) noexcept;  // millisecond UTCTimestamp
  // The whole message, 8= to 10=; valid until the next start().
  std::string_view finish() noexcept;
  bool overflowed() const noexcept { return overflow_; }

 private:
  void tagEquals(std::uint32_t t) noexcept;
  void put(std::string_view text) noexcept;
  void putChar(char c) noexcept;

  static constexpr std::size_t kPrefixRoom = 32;  // "8=FIX.4.4|9=NNNNN|" is written before the body
  std::array<char, kCapacity> buffer_{};
  std::size_t bodyStart_ = kPrefixRoom;
  std::size_t end_ = kPrefixRoom;
  std::size_t messageStart_ = 0;
  bool overflow_ = false;
};

// Writes `value` in decimal into `out` (at least 20 chars); returns the length.
std::size_t formatUnsigned(std::uint64_t value, char* out) noexcept;

}  // namespace alphintra::api::fix
