// Tests for core/instrument.hpp: Instrument::create validates every field of a spec (each
// error names the field), parsePrice / parseQuantity / check* enforce precision, tick, lot,
// min, max and positivity with messages naming the value and the rule, and the enum names of
// AssetClass / TradingStatus round-trip through text.
#include "core/instrument.hpp"

#include <gtest/gtest.h>
#include "core/tests/future_spec.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

namespace alphintra {
namespace {

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

InstrumentSpec equitySpec() {
  InstrumentSpec s;
  s.id = 7;
  s.symbol = "AAPL";
  s.venue = "XNAS";
  s.assetClass = AssetClass::Equity;
  s.currency = "USD";
  s.pricePrecision = 2;
  s.quantityPrecision = 0;
  s.tickSize = "0.05";
  s.lotSize = "100";
  s.minQuantity = "200";
  s.maxQuantity = "10000";
  s.status = TradingStatus::Continuous;
  return s;
}

InstrumentSpec cryptoSpec() {
  InstrumentSpec s;
  s.id = 42;
  s.symbol = "BTC-USDT";
  s.venue = "BINANCE";
  s.assetClass = AssetClass::Crypto;
  s.currency = "USDT";
  s.pricePrecision = 2;
  s.quantityPrecision = 8;
  s.tickSize = "0.01";
  s.lotSize = "0.0001";
  return s;
}

Instrument make(const InstrumentSpec& spec) {
  auto r = Instrument::create(spec);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().field << ": " << r.error().message;
  }
  return std::move(r).value();
}

// Creates `spec`, expects a rejection naming `field`, and returns the message.
std::string rejectedField(const InstrumentSpec& spec, std::string_view field) {
  auto r = Instrument::create(spec);
  EXPECT_FALSE(r.ok()) << "expected a rejection of field " << field;
  if (r.ok()) {
    return {};
  }
  EXPECT_EQ(r.error().field, field) << r.error().message;
  EXPECT_FALSE(r.error().message.empty());
  return r.error().message;
}

// ---------------------------------------------------------------------------------------------
// Instrument::create: accepted specs

TEST(InstrumentCreate, ValidSpecKeepsEveryField) {
  const Instrument inst = make(equitySpec());
  EXPECT_EQ(inst.id(), InstrumentId{7});
  EXPECT_EQ(inst.symbol(), "AAPL");
  EXPECT_EQ(inst.venue(), "XNAS");
  EXPECT_EQ(inst.assetClass(), AssetClass::Equity);
  EXPECT_EQ(inst.currency().code(), "USD");
  EXPECT_EQ(inst.pricePrecision(), 2);
  EXPECT_EQ(inst.quantityPrecision(), 0);
  EXPECT_EQ(inst.tickSize().raw(), 5);
  EXPECT_EQ(inst.lotSize().raw(), 100);
  EXPECT_EQ(inst.minQuantity().raw(), 200);
  EXPECT_EQ(inst.maxQuantity().raw(), 10000);
  EXPECT_EQ(inst.status(), TradingStatus::Continuous);
}

TEST(InstrumentCreate, DefaultsForMinAndMaxQuantity) {
  const Instrument inst = make(cryptoSpec());
  EXPECT_EQ(inst.lotSize().raw(), 10'000);                                        // 0.0001 at 8 places
  EXPECT_EQ(inst.minQuantity(), inst.lotSize());                                  // empty minimum: one lot
  EXPECT_EQ(inst.maxQuantity().raw(), std::numeric_limits<std::int64_t>::max());  // no maximum
  EXPECT_EQ(inst.currency().minorUnits(), 6);
  EXPECT_EQ(inst.assetClass(), AssetClass::Crypto);
}

TEST(InstrumentCreate, DefaultSpecWithIdAndSymbolIsValid) {
  InstrumentSpec s;
  s.id = 1;
  s.symbol = "X";
  const Instrument inst = make(s);
  EXPECT_EQ(inst.venue(), "SIM");
  EXPECT_EQ(inst.currency().code(), "USD");
  EXPECT_EQ(inst.tickSize().raw(), 1);
  EXPECT_EQ(inst.lotSize().raw(), 1);
  EXPECT_EQ(inst.minQuantity().raw(), 1);
}

TEST(InstrumentCreate, SymbolCharactersAndLength) {
  for (std::string_view symbol : {"BRK.B", "BTC-USD", "EUR/USD", "ES_Z4", "CME:ESZ4", "abc123", "A"}) {
    SCOPED_TRACE(std::string{symbol});
    InstrumentSpec s = equitySpec();
    s.symbol = symbol;
    EXPECT_TRUE(Instrument::create(s).ok());
  }
  InstrumentSpec s = equitySpec();
  s.symbol = std::string(32, 'A');
  EXPECT_TRUE(Instrument::create(s).ok());
}

TEST(InstrumentCreate, PrecisionBoundsAreInclusive) {
  InstrumentSpec s = equitySpec();
  s.pricePrecision = 0;
  s.tickSize = "1";
  s.quantityPrecision = 12;
  s.lotSize = "0.000000000001";
  s.minQuantity = "";
  s.maxQuantity = "";
  EXPECT_TRUE(Instrument::create(s).ok());
  s.pricePrecision = 12;
  s.tickSize = "0.000000000001";
  s.quantityPrecision = 0;
  s.lotSize = "1";
  EXPECT_TRUE(Instrument::create(s).ok());
}

TEST(InstrumentCreate, MaxEqualToMinIsAccepted) {
  InstrumentSpec s = equitySpec();
  s.maxQuantity = "200";
  const Instrument inst = make(s);
  EXPECT_EQ(inst.maxQuantity().raw(), 200);
}

TEST(InstrumentCreate, EveryStatusAndAssetClassIsAccepted) {
  for (auto st : {TradingStatus::Closed, TradingStatus::PreOpen, TradingStatus::OpeningAuction,
                  TradingStatus::Continuous, TradingStatus::ClosingAuction, TradingStatus::Halted}) {
    InstrumentSpec s = equitySpec();
    s.status = st;
    EXPECT_EQ(make(s).status(), st);
  }
  for (auto ac : {AssetClass::Equity, AssetClass::Fx, AssetClass::Future, AssetClass::Option, AssetClass::Crypto}) {
    InstrumentSpec s = equitySpec();
    s.assetClass = ac;
    EXPECT_EQ(make(s).assetClass(), ac);
  }
}

// ---------------------------------------------------------------------------------------------
// Instrument::create: every field rejected with its name

TEST(InstrumentCreate, RejectsZeroId) {
  InstrumentSpec s = equitySpec();
  s.id = 0;
  rejectedField(s, "id");
}

TEST(InstrumentCreate, RejectsBadSymbol) {
  InstrumentSpec s = equitySpec();
  s.symbol = "";
  EXPECT_TRUE(contains(rejectedField(s, "symbol"), "empty"));

  s.symbol = std::string(33, 'A');
  const std::string tooLong = rejectedField(s, "symbol");
  EXPECT_TRUE(contains(tooLong, s.symbol)) << tooLong;
  EXPECT_TRUE(contains(tooLong, "32")) << tooLong;

  for (std::string_view bad : {"AA PL", "AAPL$", "A,B", "A\tB", "A\"B", "A\nB", "\xC3\xA9t\xC3\xA9"}) {
    SCOPED_TRACE(std::string{bad});
    s.symbol = bad;
    const std::string msg = rejectedField(s, "symbol");
    EXPECT_TRUE(contains(msg, "allowed")) << msg;
  }
  s.symbol = "AA PL";
  EXPECT_TRUE(contains(rejectedField(s, "symbol"), "'AA PL' contains ' '"));
}

TEST(InstrumentCreate, RejectsEmptyVenue) {
  InstrumentSpec s = equitySpec();
  s.venue = "";
  rejectedField(s, "venue");
}

TEST(InstrumentCreate, RejectsUnknownAssetClassAndStatus) {
  InstrumentSpec s = equitySpec();
  s.assetClass = static_cast<AssetClass>(0);
  rejectedField(s, "assetClass");
  s.assetClass = static_cast<AssetClass>(6);
  EXPECT_TRUE(contains(rejectedField(s, "assetClass"), "6"));

  s = equitySpec();
  s.status = static_cast<TradingStatus>(6);
  EXPECT_TRUE(contains(rejectedField(s, "status"), "6"));
  s.status = static_cast<TradingStatus>(255);
  rejectedField(s, "status");
}

TEST(InstrumentCreate, RejectsPrecisionOutOfRange) {
  for (int p : {-1, 13, 99}) {
    SCOPED_TRACE(p);
    InstrumentSpec s = equitySpec();
    s.pricePrecision = p;
    const std::string pm = rejectedField(s, "pricePrecision");
    EXPECT_TRUE(contains(pm, std::to_string(p))) << pm;
    EXPECT_TRUE(contains(pm, "0..12")) << pm;

    s = equitySpec();
    s.quantityPrecision = p;
    const std::string qm = rejectedField(s, "quantityPrecision");
    EXPECT_TRUE(contains(qm, std::to_string(p))) << qm;
  }
}

TEST(InstrumentCreate, RejectsBadCurrency) {
  for (std::string_view code : {"", "US", "usd", "US$", "TOOLONG", "U SD"}) {
    SCOPED_TRACE(std::string{code});
    InstrumentSpec s = equitySpec();
    s.currency = code;
    const std::string msg = rejectedField(s, "currency");
    EXPECT_TRUE(contains(msg, std::string{"'"} + std::string{code} + "'")) << msg;
  }
}

TEST(InstrumentCreate, RejectsBadTickSize) {
  InstrumentSpec s = equitySpec();
  for (std::string_view tick : {"0", "0.00", "-0.05"}) {
    SCOPED_TRACE(std::string{tick});
    s.tickSize = tick;
    const std::string msg = rejectedField(s, "tickSize");
    EXPECT_TRUE(contains(msg, tick)) << msg;
    EXPECT_TRUE(contains(msg, "positive")) << msg;
  }
  s.tickSize = "0.001";  // finer than the price precision of 2
  EXPECT_TRUE(contains(rejectedField(s, "tickSize"), "2 decimal places"));
  s.tickSize = "abc";
  rejectedField(s, "tickSize");
  s.tickSize = "";
  rejectedField(s, "tickSize");
}

TEST(InstrumentCreate, RejectsBadLotSize) {
  InstrumentSpec s = equitySpec();
  s.minQuantity = "";
  s.maxQuantity = "";
  for (std::string_view lot : {"0", "-100"}) {
    SCOPED_TRACE(std::string{lot});
    s.lotSize = lot;
    const std::string msg = rejectedField(s, "lotSize");
    EXPECT_TRUE(contains(msg, lot)) << msg;
    EXPECT_TRUE(contains(msg, "positive")) << msg;
  }
  s.lotSize = "0.5";  // quantity precision 0
  EXPECT_TRUE(contains(rejectedField(s, "lotSize"), "0 decimal places"));
  s.lotSize = "1e2";
  rejectedField(s, "lotSize");
  s.lotSize = "";
  rejectedField(s, "lotSize");
}

TEST(InstrumentCreate, RejectsBadMinQuantity) {
  InstrumentSpec s = equitySpec();  // lot 100
  for (std::string_view min : {"0", "-100", "150", "50"}) {
    SCOPED_TRACE(std::string{min});
    s.minQuantity = min;
    const std::string msg = rejectedField(s, "minQuantity");
    EXPECT_TRUE(contains(msg, min)) << msg;
    EXPECT_TRUE(contains(msg, "lot size 100")) << msg;
  }
  s.minQuantity = "200.5";
  rejectedField(s, "minQuantity");
  s.minQuantity = "two";
  rejectedField(s, "minQuantity");
}

TEST(InstrumentCreate, RejectsBadMaxQuantity) {
  InstrumentSpec s = equitySpec();  // min 200
  s.maxQuantity = "100";
  const std::string msg = rejectedField(s, "maxQuantity");
  EXPECT_TRUE(contains(msg, "100")) << msg;
  EXPECT_TRUE(contains(msg, "minimum")) << msg;
  s.maxQuantity = "0";
  rejectedField(s, "maxQuantity");
  s.maxQuantity = "-1000";
  rejectedField(s, "maxQuantity");
  s.maxQuantity = "lots";
  rejectedField(s, "maxQuantity");
  s.maxQuantity = "99999999999999999999";
  EXPECT_TRUE(contains(rejectedField(s, "maxQuantity"), "out of range"));
  // Without an explicit minimum, max below one lot is also rejected.
  s = equitySpec();
  s.minQuantity = "";
  s.maxQuantity = "99";
  rejectedField(s, "maxQuantity");
}

// ---------------------------------------------------------------------------------------------
// parsePrice / checkPrice

TEST(InstrumentPrice, AcceptsOnTickPrices) {
  const Instrument inst = make(equitySpec());  // tick 0.05, precision 2
  auto p = inst.parsePrice("150.05");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->raw(), 15005);
  EXPECT_EQ(inst.parsePrice("0.05")->raw(), 5);
  EXPECT_EQ(inst.parsePrice("150.1")->raw(), 15010);
  EXPECT_EQ(inst.parsePrice("150.100")->raw(), 15010);
  EXPECT_EQ(inst.parsePrice("+7")->raw(), 700);
  EXPECT_EQ(inst.formatPrice(*p), "150.05");
}

TEST(InstrumentPrice, RejectsOffTickNamingValueTickAndSymbol) {
  const Instrument inst = make(equitySpec());
  auto p = inst.parsePrice("150.03");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field, "price");
  EXPECT_TRUE(contains(p.error().message, "150.03")) << p.error().message;
  EXPECT_TRUE(contains(p.error().message, "tick size 0.05")) << p.error().message;
  EXPECT_TRUE(contains(p.error().message, "AAPL")) << p.error().message;
  EXPECT_FALSE(inst.parsePrice("0.01").ok());
  EXPECT_FALSE(inst.parsePrice("150.04").ok());
}

TEST(InstrumentPrice, RejectsNonPositiveNamingTheValue) {
  const Instrument inst = make(equitySpec());
  for (std::string_view text : {"0", "-0.05", "-150.00"}) {
    SCOPED_TRACE(std::string{text});
    auto p = inst.parsePrice(text);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().field, "price");
    EXPECT_TRUE(contains(p.error().message, "must be positive")) << p.error().message;
  }
  auto neg = inst.parsePrice("-150");
  ASSERT_FALSE(neg.ok());
  EXPECT_TRUE(contains(neg.error().message, "-150.00")) << neg.error().message;
}

TEST(InstrumentPrice, RejectsTooManyDecimalsAndGarbage) {
  const Instrument inst = make(equitySpec());
  auto p = inst.parsePrice("150.051");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field, "price");
  EXPECT_TRUE(contains(p.error().message, "150.051")) << p.error().message;
  EXPECT_TRUE(contains(p.error().message, "2 decimal places")) << p.error().message;
  EXPECT_FALSE(inst.parsePrice("").ok());
  EXPECT_FALSE(inst.parsePrice("1.5e2").ok());
  EXPECT_FALSE(inst.parsePrice("92233720368547758.08").ok());
}

TEST(InstrumentPrice, FieldNameIsTheCallers) {
  const Instrument inst = make(equitySpec());
  auto p = inst.parsePrice("150.03", "stopPrice");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field, "stopPrice");
  EXPECT_TRUE(contains(p.error().message, "stopPrice 150.03")) << p.error().message;
  auto q = inst.parseQuantity("150", "displayQuantity");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().field, "displayQuantity");
}

TEST(InstrumentPrice, CheckPriceOnNumericValues) {
  const Instrument inst = make(equitySpec());
  EXPECT_FALSE(inst.checkPrice(Price::fromRaw(15005)).has_value());
  EXPECT_TRUE(inst.checkPrice(Price::fromRaw(15003)).has_value());
  EXPECT_TRUE(inst.checkPrice(Price::zero()).has_value());
  const auto undefined = inst.checkPrice(Price::undefined());
  ASSERT_TRUE(undefined.has_value());
  EXPECT_TRUE(contains(undefined->message, "must be positive")) << undefined->message;
  // The largest on-tick price is accepted: 9223372036854775805 is a multiple of 5.
  EXPECT_FALSE(inst.checkPrice(Price::fromRaw(std::numeric_limits<std::int64_t>::max() - 2)).has_value());
  EXPECT_TRUE(inst.checkPrice(Price::fromRaw(std::numeric_limits<std::int64_t>::max())).has_value());
}

// ---------------------------------------------------------------------------------------------
// parseQuantity / checkQuantity

TEST(InstrumentQuantity, AcceptsOnLotQuantitiesWithinBounds) {
  const Instrument inst = make(equitySpec());  // lot 100, min 200, max 10000
  for (std::string_view text : {"200", "300", "10000", "9900", "+500", "500.000"}) {
    SCOPED_TRACE(std::string{text});
    auto q = inst.parseQuantity(text);
    ASSERT_TRUE(q.ok()) << q.error().message;
  }
  EXPECT_EQ(inst.parseQuantity("300")->raw(), 300);
  EXPECT_EQ(inst.formatQuantity(Quantity::fromRaw(300)), "300");
}

TEST(InstrumentQuantity, RejectsOffLot) {
  const Instrument inst = make(equitySpec());
  auto q = inst.parseQuantity("250");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().field, "quantity");
  EXPECT_TRUE(contains(q.error().message, "250")) << q.error().message;
  EXPECT_TRUE(contains(q.error().message, "lot size 100")) << q.error().message;
  EXPECT_TRUE(contains(q.error().message, "AAPL")) << q.error().message;
}

TEST(InstrumentQuantity, RejectsBelowMinimum) {
  const Instrument inst = make(equitySpec());
  auto q = inst.parseQuantity("100");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().field, "quantity");
  EXPECT_TRUE(contains(q.error().message, "quantity 100 ")) << q.error().message;
  EXPECT_TRUE(contains(q.error().message, "below the minimum quantity 200")) << q.error().message;
}

TEST(InstrumentQuantity, RejectsAboveMaximum) {
  const Instrument inst = make(equitySpec());
  auto q = inst.parseQuantity("10100");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().field, "quantity");
  EXPECT_TRUE(contains(q.error().message, "10100")) << q.error().message;
  EXPECT_TRUE(contains(q.error().message, "above the maximum quantity 10000")) << q.error().message;
}

TEST(InstrumentQuantity, RejectsNonPositive) {
  const Instrument inst = make(equitySpec());
  for (std::string_view text : {"0", "-100", "-0"}) {
    SCOPED_TRACE(std::string{text});
    auto q = inst.parseQuantity(text);
    ASSERT_FALSE(q.ok());
    EXPECT_TRUE(contains(q.error().message, "must be positive")) << q.error().message;
  }
  auto neg = inst.parseQuantity("-100");
  EXPECT_TRUE(contains(neg.error().message, "-100")) << neg.error().message;
}

TEST(InstrumentQuantity, RejectsFractionAtWholeUnitPrecision) {
  const Instrument inst = make(equitySpec());
  auto q = inst.parseQuantity("200.5");
  ASSERT_FALSE(q.ok());
  EXPECT_TRUE(contains(q.error().message, "200.5")) << q.error().message;
  EXPECT_TRUE(contains(q.error().message, "0 decimal places")) << q.error().message;
}

TEST(InstrumentQuantity, FractionalLotsForCrypto) {
  const Instrument inst = make(cryptoSpec());  // lot 0.0001 at 8 places, min one lot, no max
  auto ok = inst.parseQuantity("0.0003");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->raw(), 30'000);
  EXPECT_EQ(inst.formatQuantity(*ok), "0.00030000");

  auto offLot = inst.parseQuantity("0.00015");
  ASSERT_FALSE(offLot.ok());
  EXPECT_TRUE(contains(offLot.error().message, "0.00015000")) << offLot.error().message;
  EXPECT_TRUE(contains(offLot.error().message, "lot size 0.00010000")) << offLot.error().message;

  auto tooFine = inst.parseQuantity("0.000000001");
  ASSERT_FALSE(tooFine.ok());
  EXPECT_TRUE(contains(tooFine.error().message, "8 decimal places")) << tooFine.error().message;

  // No maximum: a very large on-lot quantity is accepted.
  EXPECT_TRUE(inst.parseQuantity("92233720368.5477").ok());
  EXPECT_TRUE(inst.checkQuantity(Quantity::fromRaw(std::numeric_limits<std::int64_t>::max() / 10'000 * 10'000)) ==
              std::nullopt);
}

TEST(InstrumentQuantity, CheckQuantityOnNumericValues) {
  const Instrument inst = make(equitySpec());
  EXPECT_FALSE(inst.checkQuantity(Quantity::fromRaw(200)).has_value());
  EXPECT_FALSE(inst.checkQuantity(Quantity::fromRaw(10000)).has_value());
  EXPECT_TRUE(inst.checkQuantity(Quantity::fromRaw(199)).has_value());
  EXPECT_TRUE(inst.checkQuantity(Quantity::fromRaw(100)).has_value());
  EXPECT_TRUE(inst.checkQuantity(Quantity::fromRaw(10100)).has_value());
  EXPECT_TRUE(inst.checkQuantity(Quantity::zero()).has_value());
  EXPECT_TRUE(inst.checkQuantity(Quantity::undefined()).has_value());
  const auto err = inst.checkQuantity(Quantity::fromRaw(150), "leavesQuantity");
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->field, "leavesQuantity");
}

TEST(InstrumentStatus, SetStatusChangesOnlyTheStatus) {
  Instrument inst = make(equitySpec());
  inst.setStatus(TradingStatus::Halted);
  EXPECT_EQ(inst.status(), TradingStatus::Halted);
  EXPECT_EQ(inst.symbol(), "AAPL");
  inst.setStatus(TradingStatus::Closed);
  EXPECT_EQ(inst.status(), TradingStatus::Closed);
}

// ---------------------------------------------------------------------------------------------
// AssetClass / TradingStatus text

// Values reach journals: pin them.
static_assert(std::is_same_v<std::underlying_type_t<TradingStatus>, std::uint8_t>);
static_assert(std::is_same_v<std::underlying_type_t<AssetClass>, std::uint8_t>);
static_assert(static_cast<int>(TradingStatus::Closed) == 0);
static_assert(static_cast<int>(TradingStatus::PreOpen) == 1);
static_assert(static_cast<int>(TradingStatus::OpeningAuction) == 2);
static_assert(static_cast<int>(TradingStatus::Continuous) == 3);
static_assert(static_cast<int>(TradingStatus::ClosingAuction) == 4);
static_assert(static_cast<int>(TradingStatus::Halted) == 5);
static_assert(static_cast<int>(AssetClass::Equity) == 1);
static_assert(static_cast<int>(AssetClass::Fx) == 2);
static_assert(static_cast<int>(AssetClass::Future) == 3);
static_assert(static_cast<int>(AssetClass::Option) == 4);
static_assert(static_cast<int>(AssetClass::Crypto) == 5);

TEST(TradingStatusText, RoundTripsEveryValue) {
  const std::pair<TradingStatus, std::string_view> expected[] = {
      {TradingStatus::Closed, "closed"},
      {TradingStatus::PreOpen, "pre_open"},
      {TradingStatus::OpeningAuction, "opening_auction"},
      {TradingStatus::Continuous, "continuous"},
      {TradingStatus::ClosingAuction, "closing_auction"},
      {TradingStatus::Halted, "halted"},
  };
  for (const auto& [status, name] : expected) {
    SCOPED_TRACE(std::string{name});
    EXPECT_EQ(toString(status), name);
    EXPECT_EQ(parseTradingStatus(name), status);
    EXPECT_EQ(parseTradingStatus(toString(status)), status);
  }
}

TEST(TradingStatusText, UnknownTextAndValues) {
  EXPECT_EQ(parseTradingStatus(""), std::nullopt);
  EXPECT_EQ(parseTradingStatus("Continuous"), std::nullopt);  // names are lower case
  EXPECT_EQ(parseTradingStatus("continuous "), std::nullopt);
  EXPECT_EQ(parseTradingStatus("open"), std::nullopt);
  EXPECT_EQ(parseTradingStatus("3"), std::nullopt);
  EXPECT_EQ(toString(static_cast<TradingStatus>(6)), "unknown");
}

// ---------------------------------------------------------------------------------------------
// ContractMultiplier

TEST(ContractMultiplier, ParsesToTheNormalFormAndFormatsBack) {
  struct Case {
    std::string_view text;
    std::int64_t mantissa;
    int decimals;
    std::string_view formatted;
    double value;
  };
  const Case cases[] = {
      {"1", 1, 0, "1", 1.0},
      {"50", 50, 0, "50", 50.0},
      {"50.000", 50, 0, "50", 50.0},  // trailing zeros go
      {"1000", 1000, 0, "1000", 1000.0},
      {"0.1", 1, 1, "0.1", 0.1},
      {"2.5", 25, 1, "2.5", 2.5},
      {"12500000", 12'500'000, 0, "12500000", 12'500'000.0},
      {"99999999", 99'999'999, 0, "99999999", 99'999'999.0},
      {"0.000000001", 1, 9, "0.000000001", 1e-9},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    auto m = ContractMultiplier::parse(c.text);
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->mantissa, c.mantissa);
    EXPECT_EQ(m->decimals, c.decimals);
    EXPECT_EQ(m->toString(), c.formatted);
    EXPECT_DOUBLE_EQ(m->value(), c.value);
    EXPECT_EQ(m->isOne(), c.text == "1");
    // The four-byte form used by journal records and snapshots gives the same value back.
    EXPECT_EQ(ContractMultiplier::unpack(m->pack()), *m);
  }
}

TEST(ContractMultiplier, RefusesWhatIsNotAPositiveSizeNamingTheField) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"0", "must be positive"},
      {"0.000", "must be positive"},
      {"-50", "must be a positive number"},
      {"+50", "must be a positive number"},
      {"", "empty"},
      {"fifty", "not a decimal number"},
      {"0.0000000001", "more than 9 decimal places"},
      {"100000000", "out of range"},
      {"123456.789", "out of range"},  // 9 significant digits
      {"1e3", "not a decimal number"},
  };
  for (const auto& [text, why] : cases) {
    SCOPED_TRACE(std::string(text));
    auto m = ContractMultiplier::parse(text, "instrument.multiplier");
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().field, "instrument.multiplier");
    EXPECT_TRUE(contains(m.error().message, why)) << m.error().message;
  }
}

TEST(ContractMultiplier, UnpacksZeroAsOneAndRefusesDamagedValues) {
  EXPECT_EQ(ContractMultiplier::unpack(0), ContractMultiplier{});  // records before multipliers
  EXPECT_TRUE(ContractMultiplier::unpack(0)->isOne());
  EXPECT_EQ(ContractMultiplier::unpack(50u << 4), (ContractMultiplier{50, 0}));
  EXPECT_EQ(ContractMultiplier::unpack(0x3u), std::nullopt);               // mantissa 0
  EXPECT_EQ(ContractMultiplier::unpack(1u << 4 | 10u), std::nullopt);      // 10 decimals
  EXPECT_EQ(ContractMultiplier::unpack(10u << 4 | 1u), std::nullopt);      // 1.0: not the normal form
  EXPECT_EQ(ContractMultiplier::unpack(100'000'000u << 4), std::nullopt);  // above 99,999,999
}

TEST(InstrumentCreate, CarriesItsContractMultiplier) {
  InstrumentSpec s = testing::futureSpec(18, "ES", "0.25", "50");
  EXPECT_EQ(make(s).multiplier(), (ContractMultiplier{50, 0}));
  s.multiplier = InstrumentSpec{}.multiplier;
  EXPECT_TRUE(make(s).multiplier().isOne());  // the default
  s.multiplier = "";                          // empty text: the default too
  EXPECT_TRUE(make(s).multiplier().isOne());
  s.multiplier = "0";
  EXPECT_TRUE(contains(rejectedField(s, "multiplier"), "'0' must be positive"));
  s.multiplier = "1.5.0";
  EXPECT_TRUE(contains(rejectedField(s, "multiplier"), "more than one '.'"));
}

TEST(AssetClassText, RoundTripsEveryValue) {
  const std::pair<AssetClass, std::string_view> expected[] = {
      {AssetClass::Equity, "equity"}, {AssetClass::Fx, "fx"},         {AssetClass::Future, "future"},
      {AssetClass::Option, "option"}, {AssetClass::Crypto, "crypto"},
  };
  for (const auto& [assetClass, name] : expected) {
    SCOPED_TRACE(std::string{name});
    EXPECT_EQ(toString(assetClass), name);
    EXPECT_EQ(parseAssetClass(name), assetClass);
    EXPECT_EQ(parseAssetClass(toString(assetClass)), assetClass);
  }
}

TEST(AssetClassText, UnknownTextAndValues) {
  EXPECT_EQ(parseAssetClass(""), std::nullopt);
  EXPECT_EQ(parseAssetClass("Equity"), std::nullopt);
  EXPECT_EQ(parseAssetClass("bond"), std::nullopt);
  EXPECT_EQ(parseAssetClass("unknown"), std::nullopt);
  EXPECT_EQ(toString(static_cast<AssetClass>(0)), "unknown");
  EXPECT_EQ(toString(static_cast<AssetClass>(6)), "unknown");
}

}  // namespace
}  // namespace alphintra
