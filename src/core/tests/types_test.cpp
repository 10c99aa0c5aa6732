// Tests for the small value types of core: FixedPoint (Price / Quantity / Money), the strong id
// types, Side, Timestamp, Currency and Result. Compile-time properties (distinct types, sizes,
// fixed enum values) are static_asserts, each paired with a positive check so that the
// detection itself is known to work.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <concepts>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <type_traits>
#include <unordered_set>

#include "core/client_order_id.hpp"
#include "core/currency.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/side.hpp"
#include "core/time.hpp"

namespace alphintra {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// Int128 has no stream operator; compare its decimal text instead.
std::string toDecimal(Int128 v) {
  if (v == 0) {
    return "0";
  }
  const bool negative = v < 0;
  UInt128 m = negative ? static_cast<UInt128>(0) - static_cast<UInt128>(v) : static_cast<UInt128>(v);
  std::string out;
  while (m != 0) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  return negative ? "-" + out : out;
}

// ---------------------------------------------------------------------------------------------
// Strong ids

// Can a T be passed to a function taking an AccountId?
template <typename T>
concept PassableAsAccount = requires(T t, void (*takesAccount)(AccountId)) {
  takesAccount(t);
};

template <typename A, typename B>
concept EqualityComparable = requires(A a, B b) {
  a == b;
};

// The positive cases prove the detection works; the negative ones are the property.
static_assert(PassableAsAccount<AccountId>);
static_assert(!PassableAsAccount<OrderId>);
static_assert(!PassableAsAccount<ClientOrderId>);
static_assert(!PassableAsAccount<InstrumentId>);
static_assert(!PassableAsAccount<std::uint64_t>);  // explicit constructor: no silent wrap of a number
static_assert(std::is_convertible_v<AccountId, AccountId>);
static_assert(!std::is_convertible_v<OrderId, AccountId>);
static_assert(!std::is_convertible_v<AccountId, OrderId>);
static_assert(!std::is_convertible_v<ClientOrderId, OrderId>);
static_assert(!std::is_convertible_v<TradeId, OrderId>);
static_assert(!std::is_constructible_v<AccountId, OrderId>);
static_assert(!std::is_assignable_v<AccountId&, OrderId>);
static_assert(!std::is_convertible_v<OrderId, std::uint64_t>);
static_assert(std::is_constructible_v<OrderId, std::uint64_t>);
static_assert(EqualityComparable<OrderId, OrderId>);
static_assert(!EqualityComparable<OrderId, AccountId>);
static_assert(sizeof(OrderId) == 8);
static_assert(std::is_trivially_copyable_v<OrderId>);

TEST(StrongId, ValueAndNone) {
  constexpr OrderId kNone;
  static_assert(kNone.isNone());
  EXPECT_TRUE(OrderId{}.isNone());
  EXPECT_EQ(OrderId{}.value(), 0u);
  const OrderId id{12345};
  EXPECT_FALSE(id.isNone());
  EXPECT_EQ(id.value(), 12345u);
  EXPECT_EQ(OrderId{std::numeric_limits<std::uint64_t>::max()}.value(), std::numeric_limits<std::uint64_t>::max());
}

TEST(StrongId, OrderingAndEquality) {
  EXPECT_EQ(AccountId{5}, AccountId{5});
  EXPECT_NE(AccountId{5}, AccountId{6});
  EXPECT_LT(AccountId{5}, AccountId{6});
  EXPECT_GT(AccountId{7}, AccountId{6});
  EXPECT_LT(AccountId{}, AccountId{1});
}

TEST(StrongId, HashesByValue) {
  std::unordered_set<InstrumentId> set;
  set.insert(InstrumentId{1});
  set.insert(InstrumentId{2});
  set.insert(InstrumentId{1});
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.count(InstrumentId{2}), 1u);
  EXPECT_EQ(set.count(InstrumentId{3}), 0u);
  EXPECT_EQ(std::hash<OrderId>{}(OrderId{99}), std::hash<std::uint64_t>{}(99));
}

// ---------------------------------------------------------------------------------------------
// Side

static_assert(std::is_same_v<std::underlying_type_t<Side>, std::uint8_t>);
static_assert(static_cast<int>(Side::None) == 0);
static_assert(static_cast<int>(Side::Buy) == 1);
static_assert(static_cast<int>(Side::Sell) == 2);
static_assert(opposite(Side::Buy) == Side::Sell);  // usable at compile time

TEST(SideTest, Opposite) {
  EXPECT_EQ(opposite(Side::Buy), Side::Sell);
  EXPECT_EQ(opposite(Side::Sell), Side::Buy);
  EXPECT_EQ(opposite(Side::None), Side::None);
  EXPECT_EQ(opposite(opposite(Side::Buy)), Side::Buy);
  EXPECT_EQ(opposite(static_cast<Side>(7)), Side::None);
}

TEST(SideTest, ToString) {
  EXPECT_EQ(toString(Side::Buy), "BUY");
  EXPECT_EQ(toString(Side::Sell), "SELL");
  EXPECT_EQ(toString(Side::None), "NONE");
  EXPECT_EQ(toString(static_cast<Side>(7)), "NONE");
}

// ---------------------------------------------------------------------------------------------
// Timestamp

static_assert(sizeof(Timestamp) == 8);

TEST(TimestampTest, NanosecondArithmetic) {
  EXPECT_EQ(Timestamp{}.nanos(), 0);
  EXPECT_EQ(Timestamp::fromSeconds(1).nanos(), 1'000'000'000);
  EXPECT_EQ(Timestamp::fromSeconds(1'700'000'000).nanos(), 1'700'000'000'000'000'000);
  EXPECT_EQ(Timestamp::fromSeconds(-2).nanos(), -2'000'000'000);
  const Timestamp t{1'000};
  EXPECT_EQ((t + 500).nanos(), 1'500);
  EXPECT_EQ((t + -1'500).nanos(), -500);
  EXPECT_EQ(Timestamp{1'500} - t, 500);
  EXPECT_EQ(t - Timestamp{1'500}, -500);
  EXPECT_LT(t, Timestamp{1'001});
  EXPECT_EQ(t, Timestamp{1'000});
  EXPECT_GT(Timestamp::fromSeconds(2), Timestamp::fromSeconds(1) + 999'999'999);
}

// ---------------------------------------------------------------------------------------------
// FixedPoint

static_assert(sizeof(Price) == 8 && sizeof(Quantity) == 8 && sizeof(Money) == 8);
static_assert(std::is_trivially_copyable_v<Price>);
static_assert(!std::is_convertible_v<Price, Quantity>);
static_assert(!std::is_convertible_v<Quantity, Money>);
static_assert(!std::is_constructible_v<Price, Quantity>);
static_assert(!std::is_convertible_v<std::int64_t, Price>);  // no silent scale-less construction
static_assert(!std::is_constructible_v<Price, std::int64_t>);
static_assert(!EqualityComparable<Price, Quantity>);
static_assert(EqualityComparable<Price, Price>);
template <typename A, typename B>
concept Addable = requires(A a, B b) {
  a + b;
};
static_assert(Addable<Price, Price>);
static_assert(!Addable<Price, Quantity>);
static_assert(!Addable<Price, std::int64_t>);
static_assert(Price::fromRaw(3) + Price::fromRaw(4) == Price::fromRaw(7));  // constexpr

TEST(FixedPointTest, RawZeroAndDefault) {
  EXPECT_EQ(Price{}.raw(), 0);
  EXPECT_EQ(Price::zero().raw(), 0);
  EXPECT_EQ(Price::fromRaw(15005).raw(), 15005);
  EXPECT_EQ(Price::fromRaw(kMax).raw(), kMax);
  EXPECT_TRUE(Quantity{}.isZero());
  EXPECT_TRUE(Quantity{}.isDefined());
  EXPECT_FALSE(Quantity{}.isPositive());
}

TEST(FixedPointTest, UndefinedSentinel) {
  const Price u = Price::undefined();
  EXPECT_EQ(u.raw(), kMin);
  EXPECT_FALSE(u.isDefined());
  EXPECT_FALSE(u.isPositive());
  EXPECT_FALSE(u.isZero());
  EXPECT_EQ(u, Price::undefined());
  EXPECT_NE(u, Price::zero());
  EXPECT_TRUE(Price::fromRaw(kMin + 1).isDefined());
  EXPECT_TRUE(Price::fromRaw(-1).isDefined());
  EXPECT_FALSE(Quantity::undefined().isDefined());
  EXPECT_FALSE(Money::undefined().isDefined());
  // It orders below every defined value.
  EXPECT_LT(u, Price::fromRaw(kMin + 1));
}

TEST(FixedPointTest, Predicates) {
  EXPECT_TRUE(Price::fromRaw(1).isPositive());
  EXPECT_FALSE(Price::fromRaw(-1).isPositive());
  EXPECT_FALSE(Price::fromRaw(0).isPositive());
  EXPECT_TRUE(Price::fromRaw(0).isZero());
  EXPECT_FALSE(Price::fromRaw(1).isZero());
}

TEST(FixedPointTest, Arithmetic) {
  const Money a = Money::fromRaw(1'050);
  const Money b = Money::fromRaw(-300);
  EXPECT_EQ((a + b).raw(), 750);
  EXPECT_EQ((a - b).raw(), 1'350);
  EXPECT_EQ((b - a).raw(), -1'350);
  EXPECT_EQ((-a).raw(), -1'050);
  EXPECT_EQ((-b).raw(), 300);
  Money c = a;
  c += b;
  EXPECT_EQ(c.raw(), 750);
  c -= a;
  EXPECT_EQ(c.raw(), -300);
  c += Money::fromRaw(kMax - 1'000);
  EXPECT_EQ(c.raw(), kMax - 1'300);
  EXPECT_EQ((Money::fromRaw(kMin + 1) + Money::fromRaw(kMax)).raw(), 0);
}

TEST(FixedPointTest, Ordering) {
  EXPECT_LT(Price::fromRaw(-5), Price::fromRaw(3));
  EXPECT_LE(Price::fromRaw(3), Price::fromRaw(3));
  EXPECT_GT(Price::fromRaw(kMax), Price::fromRaw(kMax - 1));
  EXPECT_GE(Price::fromRaw(0), Price::fromRaw(-1));
  EXPECT_EQ(minQuantity(Quantity::fromRaw(5), Quantity::fromRaw(3)).raw(), 3);
  EXPECT_EQ(minQuantity(Quantity::fromRaw(3), Quantity::fromRaw(5)).raw(), 3);
  EXPECT_EQ(minQuantity(Quantity::fromRaw(4), Quantity::fromRaw(4)).raw(), 4);
}

TEST(FixedPointTest, IsMultipleOf) {
  const Price tick = Price::fromRaw(5);
  EXPECT_TRUE(Price::fromRaw(15005).isMultipleOf(tick));
  EXPECT_FALSE(Price::fromRaw(15003).isMultipleOf(tick));
  EXPECT_TRUE(Price::fromRaw(0).isMultipleOf(tick));
  EXPECT_TRUE(Price::fromRaw(-10).isMultipleOf(tick));
  EXPECT_FALSE(Price::fromRaw(-11).isMultipleOf(tick));
  EXPECT_TRUE(Price::fromRaw(7).isMultipleOf(Price::fromRaw(1)));
  EXPECT_TRUE(Price::fromRaw(kMax).isMultipleOf(Price::fromRaw(kMax)));
  EXPECT_FALSE(Price::fromRaw(kMax - 1).isMultipleOf(Price::fromRaw(kMax)));
  // INT64_MIN = -2^63 is a multiple of every power of two.
  EXPECT_TRUE(Price::fromRaw(kMin).isMultipleOf(Price::fromRaw(std::int64_t{1} << 62)));
  EXPECT_FALSE(Price::fromRaw(kMin).isMultipleOf(Price::fromRaw(3)));
  const Quantity lot = Quantity::fromRaw(10'000);
  EXPECT_TRUE(Quantity::fromRaw(30'000).isMultipleOf(lot));
  EXPECT_FALSE(Quantity::fromRaw(15'000).isMultipleOf(lot));
}

TEST(FixedPointTest, RawNotionalIsExactForLargeValues) {
  EXPECT_EQ(toDecimal(rawNotional(Price::fromRaw(15005), Quantity::fromRaw(300))), "4501500");
  EXPECT_EQ(toDecimal(rawNotional(Price::fromRaw(-15005), Quantity::fromRaw(300))), "-4501500");
  EXPECT_EQ(toDecimal(rawNotional(Price::fromRaw(0), Quantity::fromRaw(kMax))), "0");
  // (2^63 - 1)^2 = 85070591730234615847396907784232501249: would overflow int64 by far.
  EXPECT_EQ(toDecimal(rawNotional(Price::fromRaw(kMax), Quantity::fromRaw(kMax))),
            "85070591730234615847396907784232501249");
  EXPECT_EQ(toDecimal(rawNotional(Price::fromRaw(-kMax), Quantity::fromRaw(kMax))),
            "-85070591730234615847396907784232501249");
  // 2^63 * 2^63 = 2^126 = 85070591730234615865843651857942052864 still fits in int128.
  EXPECT_EQ(toDecimal(rawNotional(Price::fromRaw(kMin), Quantity::fromRaw(kMin))),
            "85070591730234615865843651857942052864");
  // A realistic case: 1e6 BTC at 100000.00 USDT, price at 2 places, quantity at 8 places.
  EXPECT_EQ(toDecimal(rawNotional(Price::fromRaw(10'000'000), Quantity::fromRaw(100'000'000'000'000))),
            "1000000000000000000000");
  static_assert(rawNotional(Price::fromRaw(3), Quantity::fromRaw(4)) == 12);
}

TEST(FixedPointTest, Int128DecimalHelperIsItselfCorrect) {
  EXPECT_EQ(toDecimal(0), "0");
  EXPECT_EQ(toDecimal(-1), "-1");
  EXPECT_EQ(toDecimal(static_cast<Int128>(kMax) + 1), "9223372036854775808");
  EXPECT_EQ(toDecimal(std::numeric_limits<Int128>::min()), "-170141183460469231731687303715884105728");
}

// ---------------------------------------------------------------------------------------------
// Currency

static_assert(sizeof(Currency) == 8);
static_assert(std::is_trivially_copyable_v<Currency>);

Currency currency(std::string_view code) {
  auto r = Currency::parse(code);
  if (!r.ok()) {
    ADD_FAILURE() << code << ": " << r.error().message;
  }
  return r.ok() ? *r : Currency{};
}

TEST(CurrencyTest, ParsesValidCodes) {
  for (std::string_view code : {"USD", "EUR", "JPY", "BTC", "USDT", "USDC", "1INCH", "ABC12"}) {
    SCOPED_TRACE(std::string{code});
    auto r = Currency::parse(code);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->code(), code);
    EXPECT_FALSE(r->isNone());
  }
}

TEST(CurrencyTest, RejectsInvalidCodesNamingTheCode) {
  for (std::string_view code : {"", "US", "USDTXX", "usd", "Usd", "US$", "U D", "EUR\n"}) {
    SCOPED_TRACE(std::string{code});
    auto r = Currency::parse(code);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "currency");
    EXPECT_NE(r.error().message.find("'" + std::string{code} + "'"), std::string::npos) << r.error().message;
  }
  EXPECT_NE(Currency::parse("US").error().message.find("3 to 5"), std::string::npos);
  EXPECT_NE(Currency::parse("us$").error().message.find("A-Z and 0-9"), std::string::npos);
}

// A client order id copied from bytes (a journal record): wellFormed() for exactly the ids
// fromTrusted() makes, whatever the length and wherever a stray byte sits.
TEST(ClientOrderIdTest, WellFormedOnlyWithZerosPastTheLength) {
  for (std::size_t length = 0; length <= ClientOrderId::kMaxLength; ++length) {
    const ClientOrderId id = ClientOrderId::fromTrusted(std::string(length, 'x'));
    ASSERT_TRUE(id.wellFormed()) << length;
    for (std::size_t at = 0; at < 39; ++at) {
      auto bytes = std::bit_cast<std::array<unsigned char, 40>>(id);
      bytes[at] = at < length ? 'y' : 1;
      EXPECT_EQ(std::bit_cast<ClientOrderId>(bytes).wellFormed(), at < length) << length << " " << at;
    }
  }
  for (const unsigned length : {37u, 39u, 200u, 255u}) {
    auto bytes = std::bit_cast<std::array<unsigned char, 40>>(ClientOrderId{});
    bytes[39] = static_cast<unsigned char>(length);
    EXPECT_FALSE(std::bit_cast<ClientOrderId>(bytes).wellFormed()) << length;
  }
}

// A Currency copied from bytes (journal, snapshot) is checked before its length is trusted.
TEST(CurrencyTest, WellFormedOnlyAsParseOrDefaultMakesIt) {
  EXPECT_TRUE(Currency{}.wellFormed());
  EXPECT_TRUE(Currency::parse("USD")->wellFormed());
  EXPECT_TRUE(Currency::parse("1INCH")->wellFormed());
  const auto fromBytes = [](std::array<unsigned char, 8> bytes) { return std::bit_cast<Currency>(bytes); };
  EXPECT_TRUE(fromBytes({'U', 'S', 'D', 0, 0, 0, 0, 3}).wellFormed());
  EXPECT_FALSE(fromBytes({'U', 'S', 'D', 0, 0, 0, 0, 253}).wellFormed());  // a length past the code
  EXPECT_FALSE(fromBytes({'U', 'S', 0, 0, 0, 0, 0, 2}).wellFormed());      // too short
  EXPECT_FALSE(fromBytes({'u', 's', 'd', 0, 0, 0, 0, 3}).wellFormed());    // not A-Z / 0-9
  EXPECT_FALSE(fromBytes({'U', 'S', 'D', 'X', 0, 0, 0, 3}).wellFormed());  // not zero past the code
  EXPECT_FALSE(fromBytes({'U', 0, 0, 0, 0, 0, 0, 0}).wellFormed());        // none with bytes left
}

TEST(CurrencyTest, DefaultIsNone) {
  const Currency c;
  EXPECT_TRUE(c.isNone());
  EXPECT_EQ(c.code(), "");
  EXPECT_EQ(c.minorUnits(), 2);
}

TEST(CurrencyTest, MinorUnits) {
  EXPECT_EQ(currency("USD").minorUnits(), 2);
  EXPECT_EQ(currency("EUR").minorUnits(), 2);
  EXPECT_EQ(currency("GBP").minorUnits(), 2);
  EXPECT_EQ(currency("HUF").minorUnits(), 2);
  EXPECT_EQ(currency("JPY").minorUnits(), 0);
  EXPECT_EQ(currency("KRW").minorUnits(), 0);
  EXPECT_EQ(currency("CLP").minorUnits(), 0);
  EXPECT_EQ(currency("ISK").minorUnits(), 0);
  EXPECT_EQ(currency("VND").minorUnits(), 0);
  EXPECT_EQ(currency("BHD").minorUnits(), 3);
  EXPECT_EQ(currency("KWD").minorUnits(), 3);
  EXPECT_EQ(currency("OMR").minorUnits(), 3);
  EXPECT_EQ(currency("JOD").minorUnits(), 3);
  EXPECT_EQ(currency("TND").minorUnits(), 3);
  EXPECT_EQ(currency("BTC").minorUnits(), 8);
  EXPECT_EQ(currency("ETH").minorUnits(), 8);
  EXPECT_EQ(currency("SOL").minorUnits(), 8);
  EXPECT_EQ(currency("USDT").minorUnits(), 6);
  EXPECT_EQ(currency("USDC").minorUnits(), 6);
}

TEST(CurrencyTest, EqualityUsesTheWholeCode) {
  EXPECT_EQ(currency("USD"), currency("USD"));
  EXPECT_NE(currency("USD"), currency("USDT"));  // a prefix is a different code
  EXPECT_NE(currency("USD"), currency("EUR"));
  EXPECT_NE(currency("USD"), Currency{});
  EXPECT_LT(currency("EUR"), currency("USD"));
  const Currency copy = currency("USDC");
  EXPECT_EQ(copy.code(), "USDC");
}

// ---------------------------------------------------------------------------------------------
// Result

TEST(ResultTest, HoldsValueOrError) {
  Result<int> ok = 5;
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(static_cast<bool>(ok));
  EXPECT_EQ(ok.value(), 5);
  EXPECT_EQ(*ok, 5);

  Result<int> bad = makeError("price", "price -1 must be positive");
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(bad.error().field, "price");
  EXPECT_EQ(bad.error().message, "price -1 must be positive");

  Result<std::string> text = std::string{"abc"};
  EXPECT_EQ(text->size(), 3u);
  EXPECT_EQ(std::move(text).value(), "abc");
}

TEST(ClientOrderId, ParsesPrintableAsciiUpToThirtySixCharacters) {
  auto id = ClientOrderId::parse("a1b2c3d4-e5f6-7890-abcd-ef0123456789");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->view(), "a1b2c3d4-e5f6-7890-abcd-ef0123456789");
  EXPECT_EQ(*id, ClientOrderId::fromTrusted("a1b2c3d4-e5f6-7890-abcd-ef0123456789"));
  EXPECT_NE(*id, ClientOrderId::fromTrusted("other"));
  EXPECT_EQ(id->hash(), ClientOrderId::fromTrusted(id->view()).hash());
}

TEST(ClientOrderId, HashTellsApartIdsThatDifferInAnyOneCharacterOrInLength) {
  // The hash reads the id word by word: a change in any of the 36 positions, and a prefix of
  // the id, must each give another value (all of them distinct).
  const std::string base = "a1b2c3d4-e5f6-7890-abcd-ef0123456789";
  std::set<std::uint64_t> seen{ClientOrderId::fromTrusted(base).hash()};
  for (std::size_t position = 0; position < base.size(); ++position) {
    std::string changed = base;
    changed[position] = changed[position] == 'z' ? 'y' : 'z';
    EXPECT_TRUE(seen.insert(ClientOrderId::fromTrusted(changed).hash()).second) << "position " << position;
  }
  for (std::size_t length = 1; length < base.size(); ++length) {
    EXPECT_TRUE(seen.insert(ClientOrderId::fromTrusted(base.substr(0, length)).hash()).second) << "length " << length;
  }
  EXPECT_EQ(ClientOrderId::fromTrusted(base).hash(), ClientOrderId::parse(base).value().hash());
}

TEST(ClientOrderId, RejectsEmptyTooLongAndControlCharacters) {
  auto empty = ClientOrderId::parse("", "ClOrdID");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().field, "ClOrdID");
  auto tooLong = ClientOrderId::parse(std::string(37, 'x'));
  ASSERT_FALSE(tooLong.ok());
  EXPECT_NE(tooLong.error().message.find("37"), std::string::npos);
  EXPECT_FALSE(ClientOrderId::parse("with space").ok());
  EXPECT_FALSE(ClientOrderId::parse("soh\x01").ok());
  EXPECT_TRUE(ClientOrderId().isNone());
}

}  // namespace
}  // namespace alphintra
