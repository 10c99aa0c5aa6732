// AccountLimits / InstrumentLimits: exact snapshot round trips of every field (extreme values
// included), fixed encoded sizes, short input refused without touching the target, and the
// edge validation naming the offending field.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "risk/limits.hpp"

namespace alphintra::risk {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::uint32_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

AccountLimits sampleAccount() {
  AccountLimits l;
  l.maxOrderNotional = 1;
  l.maxGrossExposure = kMax;
  l.maxNetExposure = 123'456'789'012;
  l.maxOpenOrders = 2;
  l.orderRatePerSecond = 3;
  l.orderBurst = kMaxU32;
  l.collarBasisPoints = 4;
  l.collarTicks = 5;
  l.maxLeverageHundredths = 250;
  return l;
}

TEST(RiskLimits, AccountLimitsRoundTrip) {
  const AccountLimits original = sampleAccount();
  std::vector<std::byte> bytes;
  ByteWriter w(bytes);
  save(w, original);
  EXPECT_EQ(bytes.size(), kAccountLimitsBytes);
  AccountLimits restored;
  ByteReader r(bytes);
  load(r, restored);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.atEnd());
  EXPECT_EQ(restored, original);
}

TEST(RiskLimits, InstrumentLimitsRoundTrip) {
  const InstrumentLimits original{kMax, 7, 1'000'000};
  std::vector<std::byte> bytes;
  ByteWriter w(bytes);
  save(w, original);
  EXPECT_EQ(bytes.size(), kInstrumentLimitsBytes);
  InstrumentLimits restored;
  ByteReader r(bytes);
  load(r, restored);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.atEnd());
  EXPECT_EQ(restored, original);
}

TEST(RiskLimits, ShortInputLeavesTargetUnchanged) {
  std::vector<std::byte> bytes;
  ByteWriter w(bytes);
  save(w, sampleAccount());
  const AccountLimits target{9, 9, 9, 9, 9, 9, 9, 9, 9};
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    AccountLimits l = target;
    ByteReader r(std::span<const std::byte>(bytes.data(), cut));
    load(r, l);
    EXPECT_FALSE(r.ok()) << cut;
    EXPECT_EQ(l, target) << cut;
  }
  InstrumentLimits i{1, 2, 3};
  ByteReader r(std::span<const std::byte>(bytes.data(), kInstrumentLimitsBytes - 1));
  load(r, i);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(i, (InstrumentLimits{1, 2, 3}));
}

TEST(RiskLimits, ValidationNamesTheField) {
  EXPECT_FALSE(checkLimits(AccountLimits{}).has_value());
  EXPECT_FALSE(checkLimits(sampleAccount()).has_value());
  EXPECT_FALSE(checkLimits(InstrumentLimits{}).has_value());

  AccountLimits a;
  a.maxNetExposure = -1;
  auto e = checkLimits(a);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->field, "maxNetExposure");

  a = AccountLimits{};
  a.orderBurst = 10;  // a burst without a rate
  e = checkLimits(a);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->field, "orderBurst");

  InstrumentLimits i;
  i.maxShortPosition = -500;
  e = checkLimits(i);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->field, "maxShortPosition");
  EXPECT_NE(e->message.find("magnitude"), std::string::npos);
}

}  // namespace
}  // namespace alphintra::risk
