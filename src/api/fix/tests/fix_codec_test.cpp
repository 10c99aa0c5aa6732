// The FIX codec: framing (BodyLength, CheckSum, BeginString), splitting and its problems, values,
// and the writer (a written message frames and parses back to the same fields).
#include <gtest/gtest.h>

#include <string>

#include "api/fix/fix_codec.hpp"

namespace alphintra::api::fix {
namespace {

// A message with a correct BodyLength and CheckSum around `body` ("35=0|49=A|..." with | as SOH).
std::string wire(std::string body, int lengthDelta = 0, int checksumDelta = 0) {
  for (char& c : body) {
    if (c == '|') c = kSoh;
  }
  std::string m = "8=FIX.4.4";
  m += kSoh;
  m += "9=" + std::to_string(static_cast<int>(body.size()) + lengthDelta);
  m += kSoh;
  m += body;
  const unsigned sum = (checksum(m) + static_cast<unsigned>(checksumDelta + 256)) % 256;
  char trailer[16];
  std::snprintf(trailer, sizeof trailer, "10=%03u", sum);
  m += trailer;
  m += kSoh;
  return m;
}

TEST(FixFrame, CompleteMessage) {
  const std::string m = wire("35=0|49=A|56=B|34=1|52=20240102-03:04:05.678|");
  const Frame f = frame(m + "8=FIX");
  EXPECT_EQ(f.status, FrameStatus::Complete);
  EXPECT_EQ(f.length, m.size());
}

TEST(FixFrame, NeedsMoreUntilTheLastByte) {
  const std::string m = wire("35=0|49=A|56=B|34=1|");
  for (std::size_t n = 1; n < m.size(); ++n) EXPECT_EQ(frame(m.substr(0, n)).status, FrameStatus::NeedMore) << n;
}

TEST(FixFrame, WrongChecksumIsGarbledAndSkipsTheFrame) {
  const std::string m = wire("35=0|49=A|56=B|34=1|", 0, 1);
  const Frame f = frame(m);
  EXPECT_EQ(f.status, FrameStatus::Garbled);
  EXPECT_EQ(f.garble, Garble::BadChecksum);
  EXPECT_EQ(f.length, m.size());
}

TEST(FixFrame, WrongBodyLengthIsGarbled) {
  const std::string longer = wire("35=0|49=A|56=B|34=1|", 2);
  const std::string next = wire("35=0|49=A|56=B|34=2|");
  const Frame f = frame(longer + next);
  EXPECT_EQ(f.status, FrameStatus::Garbled);
  EXPECT_EQ(f.garble, Garble::BadBodyLength);
  // Skipping lands on the next message, which frames.
  const Frame g = frame(std::string_view(longer + next).substr(f.length));
  EXPECT_EQ(g.status, FrameStatus::Complete);
}

TEST(FixFrame, GarbageBeforeAMessageIsSkipped) {
  const std::string m = wire("35=0|49=A|56=B|34=1|");
  const std::string bytes = std::string("xyz\x01") + m;
  const Frame f = frame(bytes);
  EXPECT_EQ(f.status, FrameStatus::Garbled);
  EXPECT_EQ(frame(std::string_view(bytes).substr(f.length)).status, FrameStatus::Complete);
}

TEST(FixFrame, OtherVersionIsWrongBeginString) {
  std::string m = wire("35=0|");
  m.replace(0, 9, "8=FIX.4.2");
  EXPECT_EQ(frame(m).status, FrameStatus::WrongBeginString);
}

TEST(FixFrame, TooLongIsGarbled) {
  const std::string m = std::string("8=FIX.4.4\x01") + "9=999999\x01";
  EXPECT_EQ(frame(m).status, FrameStatus::Garbled);
}

TEST(FixParse, FieldsAndMsgType) {
  const std::string m = wire("35=D|49=A|56=B|34=7|11=X1|55=AAPL|");
  MessageView v;
  ASSERT_TRUE(v.parse(m));
  EXPECT_EQ(v.msgType(), "D");
  EXPECT_EQ(v.get(tag::ClOrdID), "X1");
  EXPECT_EQ(v.get(tag::Symbol), "AAPL");
  EXPECT_FALSE(v.get(tag::Price));
  EXPECT_EQ(v.size(), 9u);  // 8, 9, 35, 49, 56, 34, 11, 55, 10
}

struct ProblemCase {
  const char* body;
  RejectReason reason;
  std::uint32_t tag;
};

class FixParseProblem : public ::testing::TestWithParam<ProblemCase> {};

TEST_P(FixParseProblem, NamesReasonAndTag) {
  MessageView v;
  EXPECT_FALSE(v.parse(wire(GetParam().body)));
  ASSERT_TRUE(v.problem());
  EXPECT_EQ(*v.problem(), GetParam().reason);
  EXPECT_EQ(v.problemTag(), GetParam().tag);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FixParseProblem,
    ::testing::Values(ProblemCase{"35=D|49=A|11=|", RejectReason::TagWithoutValue, 11},
                      ProblemCase{"35=D|49=A|11=a|11=b|", RejectReason::TagAppearsMoreThanOnce, 11},
                      ProblemCase{"35=D|6000=a|6000=b|", RejectReason::TagAppearsMoreThanOnce, 6000},
                      ProblemCase{"35=D|x1=a|", RejectReason::InvalidTagNumber, 0},
                      ProblemCase{"35=D|0=a|", RejectReason::InvalidTagNumber, 0},
                      ProblemCase{"35=D|99999=a|", RejectReason::InvalidTagNumber, 99999},
                      ProblemCase{"49=A|35=D|", RejectReason::TagOutOfOrder, 49},
                      // Repeating groups: the count against the entries, each entry's shape.
                      ProblemCase{"35=D|453=2|448=A|447=D|452=1|11=X|", RejectReason::IncorrectNumInGroupCount, 453},
                      ProblemCase{"35=D|453=1|448=A|448=B|11=X|", RejectReason::IncorrectNumInGroupCount, 453},
                      ProblemCase{"35=D|453=1|447=D|448=A|", RejectReason::RepeatingGroupFieldsOutOfOrder, 447},
                      ProblemCase{"35=D|453=1|448=A|452=1|452=3|", RejectReason::TagAppearsMoreThanOnce, 452},
                      ProblemCase{"35=D|453=two|448=A|", RejectReason::IncorrectDataFormat, 453},
                      ProblemCase{"35=D|453=1|448=A|802=2|523=s|11=X|", RejectReason::IncorrectNumInGroupCount, 802},
                      // A group's field after the group ended is a plain field again.
                      ProblemCase{"35=D|453=1|448=A|11=X|448=B|", RejectReason::TagAppearsMoreThanOnce, 448},
                      // Fields of groups we do not know may not repeat.
                      ProblemCase{"35=D|555=2|600=A|600=B|", RejectReason::TagAppearsMoreThanOnce, 600}));

// Parties with sub-ids, pre-allocations with nested parties, trading sessions, alternative ids
// and underlyings: their fields repeat across entries, and the order's fields read as before.
TEST(FixParse, RepeatingGroupsOfOrders) {
  const std::string m = wire(
      "35=D|49=A|56=B|34=7|11=X1|"
      "453=3|448=DESK1|447=D|452=3|802=2|523=s1|803=1|523=s2|803=2|448=TRADER|447=D|452=11|448=CLR|452=4|"
      "78=2|79=ACC1|539=1|524=NP|525=D|80=60|79=ACC2|80=40|"
      "386=2|336=REG|336=PRE|454=2|455=US0378331005|456=4|455=037833100|456=1|"
      "711=1|311=SPX|457=1|458=U1|459=4|887=1|888=K|889=V|"
      "55=AAPL|54=1|38=100|40=2|44=10.5|");
  MessageView v;
  ASSERT_TRUE(v.parse(m)) << static_cast<int>(*v.problem()) << " tag " << v.problemTag();
  EXPECT_EQ(v.get(tag::ClOrdID), "X1");
  EXPECT_EQ(v.get(tag::Symbol), "AAPL");
  EXPECT_EQ(v.get(tag::Price), "10.5");
  EXPECT_EQ(v.get(448), "DESK1");  // a group field: its first occurrence
  EXPECT_EQ(v.get(80), "60");
}

// Header fields only: a group's count of 0 opens nothing, and a message with no group parses as
// before (a duplicate still rejected).
TEST(FixParse, EmptyGroupsAndPlainDuplicates) {
  MessageView v;
  EXPECT_TRUE(v.parse(wire("35=D|49=A|453=0|11=X|")));
  EXPECT_FALSE(v.parse(wire("35=D|453=0|448=A|448=B|")));
  EXPECT_EQ(*v.problem(), RejectReason::TagAppearsMoreThanOnce);
  EXPECT_EQ(v.problemTag(), 448u);
}

TEST(FixValues, Unsigned) {
  EXPECT_EQ(parseUnsigned("12345"), 12345u);
  EXPECT_FALSE(parseUnsigned(""));
  EXPECT_FALSE(parseUnsigned("-1"));
  EXPECT_FALSE(parseUnsigned("1a"));
}

TEST(FixValues, UtcTimestamp) {
  EXPECT_EQ(parseUtcTimestamp("19700101-00:00:00"), 0);
  EXPECT_EQ(parseUtcTimestamp("19700101-00:00:01.500"), 1'500'000'000);
  EXPECT_EQ(parseUtcTimestamp("20240229-12:00:00.000001"), 1709208000'000'001'000);
  EXPECT_FALSE(parseUtcTimestamp("20241301-00:00:00"));
  EXPECT_FALSE(parseUtcTimestamp("20240101 00:00:00"));
  // Outside what nanoseconds since the epoch hold in 64 bits: refused, not overflowed.
  EXPECT_FALSE(parseUtcTimestamp("28231114-22:13:20.000"));
  EXPECT_FALSE(parseUtcTimestamp("16000101-00:00:00"));
  EXPECT_EQ(parseUtcTimestamp("22611231-23:59:59"), 9'214'646'399'000'000'000);
  EXPECT_FALSE(parseUtcTimestamp("20240101-00:00:00.12"));
}

TEST(FixWriter, WritesAMessageThatFramesAndParses) {
  MessageWriter w;
  w.start("8");
  w.field(tag::SenderCompID, "US");
  w.integer(tag::MsgSeqNum, 42);
  w.timestamp(tag::SendingTime, 1709208000'123'456'789);
  w.decimal(tag::Price, 15005, 2);
  w.decimal(tag::LastPx, 5, 3);
  w.decimal(tag::CumQty, -1250, 2);
  w.decimal(tag::LeavesQty, 7, 0);
  w.field(tag::Side, '1');
  const std::string m(w.finish());
  const Frame f = frame(m);
  ASSERT_EQ(f.status, FrameStatus::Complete);
  ASSERT_EQ(f.length, m.size());
  MessageView v;
  ASSERT_TRUE(v.parse(m));
  EXPECT_EQ(v.msgType(), "8");
  EXPECT_EQ(v.get(tag::MsgSeqNum), "42");
  EXPECT_EQ(v.get(tag::SendingTime), "20240229-12:00:00.123");
  EXPECT_EQ(v.get(tag::Price), "150.05");
  EXPECT_EQ(v.get(tag::LastPx), "0.005");
  EXPECT_EQ(v.get(tag::CumQty), "-12.50");
  EXPECT_EQ(v.get(tag::LeavesQty), "7");
  EXPECT_EQ(parseUtcTimestamp(*v.get(tag::SendingTime)), 1709208000'123'000'000);
}

TEST(FixWriter, OverflowIsReported) {
  MessageWriter w;
  w.start("8");
  const std::string big(1000, 'x');
  for (int i = 0; i < 10; ++i) w.field(tag::Text, big);
  EXPECT_TRUE(w.overflowed());
  EXPECT_EQ(frame(w.finish()).status, FrameStatus::Complete);  // cut, but still a message
}

}  // namespace
}  // namespace alphintra::api::fix
