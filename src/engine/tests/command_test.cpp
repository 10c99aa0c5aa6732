// Commands as journal records: exact sizes, encode/decode round trips for every type, and
// decode's refusals (unknown type, wrong length, sequence mismatch) with a message that says so.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <tuple>

#include "core/tests/future_spec.hpp"
#include "engine/command.hpp"
#include "engine/tests/engine_test_util.hpp"

namespace alphintra::engine {
namespace {

TEST(Command, EveryTypeRoundTripsThroughItsJournalEncoding) {
  for (std::uint8_t t = 1; t <= kMaxCommandType; ++t) {
    Command c = makeCommand(static_cast<CommandType>(t));
    c.header.sequence = 77;
    c.header.time = Timestamp(123456789);
    c.header.requestId = 5;
    c.header.source = 3;
    std::byte buffer[sizeof(Command)];
    const std::size_t n = encode(c, buffer);
    EXPECT_EQ(n, sizeof(CommandHeader) + bodySize(c.header.type));
    auto back = decode(std::span(buffer, n), 77);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->header.type, c.header.type);
    EXPECT_EQ(back->header.requestId, 5u);
    EXPECT_EQ(back->header.source, 3u);
    EXPECT_EQ(std::memcmp(&back->body, &c.body, bodySize(c.header.type)), 0) << toString(c.header.type);
  }
}

TEST(Command, NewOrderRecordIsCompact) {
  EXPECT_EQ(sizeof(CommandHeader) + bodySize(CommandType::NewOrder), 144u);
  EXPECT_EQ(sizeof(CommandHeader) + bodySize(CommandType::CancelOrder), 128u);
}

TEST(Command, DecodeRefusesUnknownTypesWrongLengthsAndSequenceMismatches) {
  Command c = testing::limitOrder(1, 1, "a", Side::Buy, 10, 100);
  c.header.sequence = 9;
  std::byte buffer[sizeof(Command)];
  const std::size_t n = encode(c, buffer);

  auto shortRecord = decode(std::span(buffer, n - 1));
  ASSERT_FALSE(shortRecord.ok());
  EXPECT_NE(shortRecord.error().message.find("expected 144"), std::string::npos);

  auto wrongSequence = decode(std::span(buffer, n), 10);
  ASSERT_FALSE(wrongSequence.ok());
  EXPECT_EQ(wrongSequence.error().field, "sequence");

  buffer[0] = std::byte{200};
  auto unknown = decode(std::span(buffer, n));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown command type 200"), std::string::npos);

  EXPECT_FALSE(decode(std::span(buffer, 3)).ok());
}

// A record whose CRC is right but whose bytes no edge writes (another build, a bug, a flipped
// byte the CRC did not catch): refused naming the field, before the engine reads a bool that is
// not 0 or 1, an enumeration outside its values or an id longer than its storage.
TEST(Command, DecodeRefusesFieldsNoEdgeWrites) {
  Command c = testing::limitOrder(1, 1, "a", Side::Buy, 10, 100);
  c.header.sequence = 9;
  std::byte buffer[sizeof(Command)];
  const std::size_t n = encode(c, buffer);
  const std::size_t body = sizeof(CommandHeader);
  const auto patched = [&](std::size_t offset, std::uint8_t value) {
    std::byte copy[sizeof(Command)];
    std::memcpy(copy, buffer, n);
    copy[body + offset] = std::byte{value};
    return decode(std::span(copy, n), 9);
  };
  ASSERT_TRUE(patched(offsetof(NewOrderBody, side), 2).ok());
  for (const auto& [offset, value, field] :
       {std::tuple{offsetof(NewOrderBody, side), 3, "side"}, std::tuple{offsetof(NewOrderBody, type), 0, "orderType"},
        std::tuple{offsetof(NewOrderBody, timeInForce), 6, "timeInForce"},
        std::tuple{offsetof(NewOrderBody, selfTrade), 5, "selfTrade"},
        std::tuple{offsetof(NewOrderBody, postOnly), 200, "postOnly"},
        // the client order id's length byte (its last byte)
        std::tuple{offsetof(NewOrderBody, clientOrderId) + 39, 37, "clientOrderId"}}) {
    const auto r = patched(offset, static_cast<std::uint8_t>(value));
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.error().field, field);
    EXPECT_NE(r.error().message.find("no edge writes"), std::string::npos) << r.error().message;
  }

  Command account = makeCommand(CommandType::OpenAccount);
  account.body.openAccount.account = AccountId{1};
  account.body.openAccount.baseCurrency = Currency::parse("USD").value();
  account.header.sequence = 3;
  const std::size_t m = encode(account, buffer);
  ASSERT_TRUE(decode(std::span(buffer, m), 3).ok());
  buffer[body + offsetof(OpenAccountBody, baseCurrency) + 7] = std::byte{253};  // the currency's length byte
  const auto badCurrency = decode(std::span(buffer, m), 3);
  ASSERT_FALSE(badCurrency.ok());
  EXPECT_EQ(badCurrency.error().field, "currency");
}

TEST(Command, InstrumentDefinitionsSurviveTheFixedLayout) {
  InstrumentSpec spec;
  spec.id = 7;
  spec.symbol = "EUR/USD";
  spec.assetClass = AssetClass::Fx;
  spec.currency = "USD";
  spec.pricePrecision = 5;
  spec.quantityPrecision = 0;
  spec.tickSize = "0.00001";
  spec.lotSize = "1000";
  spec.maxQuantity = "10000000";
  const Instrument in = Instrument::create(spec).value();
  auto back = fromDefineBody(toDefineBody(in));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->symbol(), "EUR/USD");
  EXPECT_EQ(back->tickSize(), in.tickSize());
  EXPECT_EQ(back->lotSize(), in.lotSize());
  EXPECT_EQ(back->maxQuantity(), in.maxQuantity());
  EXPECT_EQ(back->assetClass(), AssetClass::Fx);
  EXPECT_TRUE(back->multiplier().isOne());
}

TEST(Command, ContractMultipliersSurviveTheFixedLayoutAndOldRecordsReadAsOne) {
  InstrumentSpec spec = alphintra::testing::futureSpec(18, "MBT", "5", "0.1");
  spec.pricePrecision = 0;
  const DefineInstrumentBody body = toDefineBody(Instrument::create(spec).value());
  auto back = fromDefineBody(body);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->multiplier(), (ContractMultiplier{1, 1}));

  // A record journaled before instruments had multipliers holds 0 in those bytes: 1.
  DefineInstrumentBody old = body;
  old.multiplier = 0;
  ASSERT_TRUE(fromDefineBody(old).ok());
  EXPECT_TRUE(fromDefineBody(old)->multiplier().isOne());
  // A damaged value is refused, naming the field.
  DefineInstrumentBody damaged = body;
  damaged.multiplier = 0x7;  // mantissa 0
  ASSERT_FALSE(fromDefineBody(damaged).ok());
  EXPECT_EQ(fromDefineBody(damaged).error().field, "multiplier");
}

}  // namespace
}  // namespace alphintra::engine
