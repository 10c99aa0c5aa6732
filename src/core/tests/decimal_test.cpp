// Tests for core/decimal.hpp: exact text <-> scaled-integer conversion.
// Covers the accepted grammar, every rejection path (each error names the field and the value),
// the int64 limits at several scales, and seeded property tests: parse(format(x)) == x for
// random values at every scale 0..12, and parse checked against std::from_chars on random text.
#include "core/decimal.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

namespace alphintra {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// Parses and expects success; reports the error text otherwise.
std::int64_t parseOk(std::string_view text, int places) {
  auto r = parseDecimal(text, places, "value");
  EXPECT_TRUE(r.ok()) << "'" << text << "' at " << places << " places: " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : 0;
}

// Parses and expects failure; returns the error (field "price" so the field is checked too).
Error parseErr(std::string_view text, int places) {
  auto r = parseDecimal(text, places, "price");
  EXPECT_FALSE(r.ok()) << "'" << text << "' at " << places << " places parsed as " << (r.ok() ? *r : 0);
  if (r.ok()) {
    return Error{};
  }
  EXPECT_EQ(r.error().field, "price");
  return r.error();
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// Parsing: accepted text

TEST(ParseDecimal, ScalesToTheGivenPlaces) {
  EXPECT_EQ(parseOk("150.05", 2), 15005);
  EXPECT_EQ(parseOk("150.5", 2), 15050);
  EXPECT_EQ(parseOk("150", 2), 15000);
  EXPECT_EQ(parseOk("0.01", 2), 1);
  EXPECT_EQ(parseOk("0", 0), 0);
  EXPECT_EQ(parseOk("7", 0), 7);
  EXPECT_EQ(parseOk("1", 12), 1'000'000'000'000);
  EXPECT_EQ(parseOk("0.000000000001", 12), 1);
  EXPECT_EQ(parseOk("123.456789", 6), 123'456'789);
  EXPECT_EQ(parseOk("0.12345678", 8), 12'345'678);
}

TEST(ParseDecimal, LeadingZerosAreInsignificant) {
  EXPECT_EQ(parseOk("000150.05", 2), 15005);
  EXPECT_EQ(parseOk("0000000000000000000000000000000000001", 0), 1);
  EXPECT_EQ(parseOk("00.10", 2), 10);
}

TEST(ParseDecimal, TrailingZerosBeyondTheScaleAreExact) {
  EXPECT_EQ(parseOk("150.0500000", 2), 15005);
  EXPECT_EQ(parseOk("150.000", 0), 150);
  EXPECT_EQ(parseOk("1.0", 0), 1);
  EXPECT_EQ(parseOk("0.10000000000000000000000000", 1), 1);
  EXPECT_EQ(parseOk("-2.500", 1), -25);
}

TEST(ParseDecimal, NegativeNumbers) {
  EXPECT_EQ(parseOk("-150.05", 2), -15005);
  EXPECT_EQ(parseOk("-0.01", 2), -1);
  EXPECT_EQ(parseOk("-7", 0), -7);
  EXPECT_EQ(parseOk("-0", 0), 0);
  EXPECT_EQ(parseOk("-0.00", 2), 0);
}

TEST(ParseDecimal, LeadingPlusIsAccepted) {
  EXPECT_EQ(parseOk("+150.05", 2), 15005);
  EXPECT_EQ(parseOk("+0", 3), 0);
  EXPECT_EQ(parseOk("+1", 0), 1);
}

TEST(ParseDecimal, PointWithDigitsOnOneSideOnly) {
  // The grammar needs at least one digit, on either side of the point.
  EXPECT_EQ(parseOk(".5", 1), 5);
  EXPECT_EQ(parseOk("-.25", 2), -25);
  EXPECT_EQ(parseOk("5.", 2), 500);
}

// ---------------------------------------------------------------------------------------------
// Parsing: rejected text

TEST(ParseDecimal, ExtraNonZeroDigitsAreRejectedNamingValueAndPlaces) {
  const Error e = parseErr("150.051", 2);
  EXPECT_TRUE(contains(e.message, "150.051")) << e.message;
  EXPECT_TRUE(contains(e.message, "2 decimal places")) << e.message;

  const Error e0 = parseErr("3.5", 0);
  EXPECT_TRUE(contains(e0.message, "3.5")) << e0.message;
  EXPECT_TRUE(contains(e0.message, "0 decimal places")) << e0.message;

  // A non-zero digit after zeros beyond the scale is still caught.
  const Error e6 = parseErr("1.0000001", 6);
  EXPECT_TRUE(contains(e6.message, "1.0000001")) << e6.message;
  EXPECT_TRUE(contains(e6.message, "6 decimal places")) << e6.message;

  parseErr("-0.001", 2);
  parseErr("1.1200000000000000000000001", 2);
}

TEST(ParseDecimal, EmptyIsRejected) {
  const Error e = parseErr("", 2);
  EXPECT_TRUE(contains(e.message, "empty")) << e.message;
}

TEST(ParseDecimal, GarbageCharactersAreRejectedNamingTheCharacter) {
  struct Case {
    std::string_view text;
    char bad;
  };
  for (const Case& c : {Case{"12a.5", 'a'}, Case{"1 2", ' '}, Case{" 1", ' '}, Case{"1 ", ' '}, Case{"1e5", 'e'},
                        Case{"0x10", 'x'}, Case{"1,000", ','}, Case{"--1", '-'}, Case{"+-1", '-'}, Case{"1-", '-'},
                        Case{"abc", 'a'}, Case{"1.5$", '$'}, Case{"\t1", '\t'}, Case{"NaN", 'N'}, Case{"inf", 'i'}}) {
    SCOPED_TRACE(std::string{c.text});
    const Error e = parseErr(c.text, 2);
    EXPECT_TRUE(contains(e.message, c.text)) << e.message;
    EXPECT_TRUE(contains(e.message, std::string{"unexpected character '"} + c.bad + "'")) << e.message;
  }
  // An embedded NUL is a character like any other, not the end of the text.
  parseErr(std::string_view{"1\0"
                            "2",
                            3},
           0);
}

TEST(ParseDecimal, TwoDotsAreRejected) {
  for (std::string_view text : {"1.2.3", "1..2", "..", "-1.0.", ".1."}) {
    SCOPED_TRACE(std::string{text});
    const Error e = parseErr(text, 3);
    EXPECT_TRUE(contains(e.message, text)) << e.message;
    EXPECT_TRUE(contains(e.message, "more than one '.'")) << e.message;
  }
}

TEST(ParseDecimal, TextWithoutDigitsIsRejected) {
  for (std::string_view text : {"-", "+", ".", "-.", "+."}) {
    SCOPED_TRACE(std::string{text});
    const Error e = parseErr(text, 2);
    EXPECT_TRUE(contains(e.message, "no digits")) << e.message;
  }
}

TEST(ParseDecimal, ScaleOutsideZeroToTwelveIsRejected) {
  for (int places : {-1, 13, 100, std::numeric_limits<int>::min()}) {
    SCOPED_TRACE(places);
    const Error e = parseErr("1", places);
    EXPECT_TRUE(contains(e.message, std::to_string(places))) << e.message;
    EXPECT_TRUE(contains(e.message, "0..12")) << e.message;
  }
  EXPECT_EQ(parseOk("1", kMaxDecimalPlaces), 1'000'000'000'000);
}

TEST(ParseDecimal, ErrorsCarryTheCallersFieldName) {
  auto r = parseDecimal("x", 2, "limitPrice");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "limitPrice");
}

// ---------------------------------------------------------------------------------------------
// Parsing: int64 limits

TEST(ParseDecimal, Int64LimitsAtScaleZero) {
  EXPECT_EQ(parseOk("9223372036854775807", 0), kMax);
  EXPECT_EQ(parseOk("-9223372036854775808", 0), kMin);
  EXPECT_EQ(parseOk("+9223372036854775807", 0), kMax);
  EXPECT_EQ(parseOk("9223372036854775807.000", 0), kMax);

  const Error e = parseErr("9223372036854775808", 0);
  EXPECT_TRUE(contains(e.message, "9223372036854775808")) << e.message;
  EXPECT_TRUE(contains(e.message, "out of range")) << e.message;
  parseErr("-9223372036854775809", 0);
  parseErr("18446744073709551616", 0);  // 2^64: must not wrap to 0
  parseErr("18446744073709551615", 0);  // 2^64 - 1
  parseErr("99999999999999999999999999999999999999999999999999", 0);
  parseErr("-99999999999999999999999999999999999999999999999999", 0);
}

TEST(ParseDecimal, Int64LimitsAtScaleTwo) {
  EXPECT_EQ(parseOk("92233720368547758.07", 2), kMax);
  EXPECT_EQ(parseOk("-92233720368547758.08", 2), kMin);
  parseErr("92233720368547758.08", 2);
  parseErr("-92233720368547758.09", 2);
  // Overflow that only shows when the fraction is padded out to the scale.
  parseErr("92233720368547758.1", 2);
  parseErr("92233720368547759", 2);
  EXPECT_EQ(parseOk("92233720368547758", 2), 9'223'372'036'854'775'800);
}

TEST(ParseDecimal, Int64LimitsAtScaleTwelve) {
  EXPECT_EQ(parseOk("9223372.036854775807", 12), kMax);
  EXPECT_EQ(parseOk("-9223372.036854775808", 12), kMin);
  parseErr("9223372.036854775808", 12);
  parseErr("9223373", 12);
  parseErr("-9223373", 12);
}

// ---------------------------------------------------------------------------------------------
// Formatting

TEST(FormatDecimal, WritesExactlyThePlaces) {
  EXPECT_EQ(formatDecimal(15005, 2), "150.05");
  EXPECT_EQ(formatDecimal(15050, 2), "150.50");
  EXPECT_EQ(formatDecimal(100, 2), "1.00");
  EXPECT_EQ(formatDecimal(5, 2), "0.05");
  EXPECT_EQ(formatDecimal(50, 2), "0.50");
  EXPECT_EQ(formatDecimal(0, 2), "0.00");
  EXPECT_EQ(formatDecimal(0, 0), "0");
  EXPECT_EQ(formatDecimal(42, 0), "42");
  EXPECT_EQ(formatDecimal(1, 12), "0.000000000001");
  EXPECT_EQ(formatDecimal(1'000'000'000'000, 12), "1.000000000000");
  EXPECT_EQ(formatDecimal(123'456'789, 6), "123.456789");
}

TEST(FormatDecimal, NegativeValues) {
  EXPECT_EQ(formatDecimal(-15005, 2), "-150.05");
  EXPECT_EQ(formatDecimal(-5, 2), "-0.05");
  EXPECT_EQ(formatDecimal(-1, 12), "-0.000000000001");
  EXPECT_EQ(formatDecimal(-42, 0), "-42");
}

TEST(FormatDecimal, Int64Limits) {
  EXPECT_EQ(formatDecimal(kMax, 0), "9223372036854775807");
  EXPECT_EQ(formatDecimal(kMin, 0), "-9223372036854775808");
  EXPECT_EQ(formatDecimal(kMax, 2), "92233720368547758.07");
  EXPECT_EQ(formatDecimal(kMin, 2), "-92233720368547758.08");
  EXPECT_EQ(formatDecimal(kMax, 12), "9223372.036854775807");
  EXPECT_EQ(formatDecimal(kMin, 12), "-9223372.036854775808");
  EXPECT_EQ(formatDecimal(kMin + 1, 0), "-9223372036854775807");
}

// ---------------------------------------------------------------------------------------------
// Properties

TEST(DecimalRoundTrip, ParseOfFormatIsIdentityForRandomValuesAtEveryScale) {
  std::mt19937_64 rng(20240611);
  std::uniform_int_distribution<std::int64_t> full(kMin, kMax);
  std::uniform_int_distribution<std::int64_t> small(-1'000'000, 1'000'000);
  std::uniform_int_distribution<int> bits(1, 63);  // >= 1: the value stays below 2^63
  for (int places = 0; places <= kMaxDecimalPlaces; ++places) {
    SCOPED_TRACE(places);
    for (std::int64_t x : {kMin, kMin + 1, std::int64_t{-1}, std::int64_t{0}, std::int64_t{1}, kMax - 1, kMax}) {
      auto r = parseDecimal(formatDecimal(x, places), places, "x");
      ASSERT_TRUE(r.ok()) << formatDecimal(x, places) << ": " << r.error().message;
      EXPECT_EQ(*r, x);
    }
    for (int i = 0; i < 3000; ++i) {
      // Mix full-range values, small values, and values of every magnitude (random bit width).
      std::int64_t x = 0;
      switch (i % 3) {
        case 0: x = full(rng); break;
        case 1: x = small(rng); break;
        default: x = static_cast<std::int64_t>(rng() >> bits(rng)) * ((i & 4) ? -1 : 1); break;
      }
      const std::string text = formatDecimal(x, places);
      auto r = parseDecimal(text, places, "x");
      ASSERT_TRUE(r.ok()) << text << ": " << r.error().message;
      ASSERT_EQ(*r, x) << text << " at " << places << " places";
      // The text has exactly `places` digits after the point (and no point at scale 0).
      const auto point = text.find('.');
      if (places == 0) {
        ASSERT_EQ(point, std::string::npos) << text;
      } else {
        ASSERT_NE(point, std::string::npos) << text;
        ASSERT_EQ(text.size() - point - 1, static_cast<std::size_t>(places)) << text;
      }
    }
  }
}

// Reference: build the decimal text from random digit strings, compute the expected raw value
// independently (shift the point by string manipulation, then std::from_chars), and compare.
TEST(DecimalRoundTrip, ParseAgreesWithFromCharsOnRandomText) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> digit(0, 9);
  std::uniform_int_distribution<int> length(0, 22);
  std::uniform_int_distribution<int> scale(0, kMaxDecimalPlaces);
  int accepted = 0;
  int rejected = 0;
  for (int i = 0; i < 20000; ++i) {
    const int places = scale(rng);
    std::string intPart;
    std::string fracPart;
    const int intLen = length(rng) % 21;
    const int fracLen = length(rng) % 16;
    for (int k = 0; k < intLen; ++k) {
      intPart += static_cast<char>('0' + digit(rng));
    }
    for (int k = 0; k < fracLen; ++k) {
      // Bias towards zeros so "trailing zeros beyond the scale" is exercised often.
      fracPart += static_cast<char>('0' + (digit(rng) < 5 ? 0 : digit(rng)));
    }
    if (intPart.empty() && fracPart.empty()) {
      intPart = "0";
    }
    const int signChoice = static_cast<int>(rng() % 3);
    const std::string sign = signChoice == 0 ? "" : (signChoice == 1 ? "-" : "+");
    const bool withPoint = !fracPart.empty() || (rng() % 4 == 0);
    std::string text = sign;
    text += intPart;
    text += withPoint ? "." : "";
    text += fracPart;

    // Expected outcome.
    bool expectOk = true;
    std::string scaled = intPart;
    const std::size_t keep = std::min<std::size_t>(fracPart.size(), static_cast<std::size_t>(places));
    scaled += fracPart.substr(0, keep);
    scaled.append(static_cast<std::size_t>(places) - keep, '0');
    if (scaled.empty()) {
      scaled = "0";  // ".0" at scale 0
    }
    if (fracPart.size() > keep && fracPart.find_first_not_of('0', keep) != std::string::npos) {
      expectOk = false;
    }
    std::int64_t expected = 0;
    if (expectOk) {
      const std::string signedText = (sign == "-" ? "-" : "") + scaled;
      const auto res = std::from_chars(signedText.data(), signedText.data() + signedText.size(), expected);
      ASSERT_TRUE(res.ec == std::errc{} || res.ec == std::errc::result_out_of_range) << signedText;
      expectOk = res.ec == std::errc{};
    }

    auto r = parseDecimal(text, places, "x");
    ASSERT_EQ(r.ok(), expectOk) << "'" << text << "' at " << places << " places"
                                << (r.ok() ? "" : ": " + r.error().message);
    if (expectOk) {
      ASSERT_EQ(*r, expected) << "'" << text << "' at " << places << " places";
      ++accepted;
    } else {
      ++rejected;
    }
  }
  // Both outcomes must actually have been exercised for the comparison to mean anything.
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(rejected, 1000);
}

// Random bytes from a hostile alphabet: parse never crashes (the sanitizer build checks UB),
// and whatever it accepts formats back to text that parses to the same value.
TEST(DecimalRoundTrip, RandomTextNeverMisbehaves) {
  std::mt19937_64 rng(99);
  constexpr std::string_view kAlphabet = "0123456789000000000.-+ eE,x\x7f";
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 30);
  std::uniform_int_distribution<int> scale(0, kMaxDecimalPlaces);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) {
      text += kAlphabet[pick(rng)];
    }
    const int places = scale(rng);
    auto r = parseDecimal(text, places, "x");
    if (!r.ok()) {
      ASSERT_EQ(r.error().field, "x");
      ASSERT_FALSE(r.error().message.empty());
      continue;
    }
    ++accepted;
    auto again = parseDecimal(formatDecimal(*r, places), places, "x");
    ASSERT_TRUE(again.ok()) << text;
    ASSERT_EQ(*again, *r) << text;
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace alphintra
