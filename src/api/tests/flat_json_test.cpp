// FlatJson reads what the JSON grammar allows and refuses the rest with the byte it stopped at:
// strings unescaped (surrogate pairs joined), numbers sorted into integers and floats, nested
// values checked and kept as their kind, members in their order, duplicates found.
#include "api/flat_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>

namespace alphintra::api {
namespace {

using Kind = FlatJson::Kind;

FlatJson parsed(std::string_view text) {
  auto r = FlatJson::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : FlatJson{};
}

TEST(FlatJson, ReadsEveryKindOfMemberInOrder) {
  const std::string text =
      R"( { "s" : "a\"b\\c\/d\n\u00e9\ud83d\ude00" , "u":18446744073709551615, "n":-9223372036854775808,)"
      R"("z":-0,"f":1.5e3,"big":18446744073709551616,"t":true,"fa":false,"nu":null,"a":[1,{"x":[]}],"o":{"k":"v"}} )";
  const FlatJson j = parsed(text);
  ASSERT_EQ(j.members().size(), 11u);
  const auto& m = j.members();
  EXPECT_EQ(m[0].key, "s");
  EXPECT_EQ(m[0].kind, Kind::String);
  EXPECT_EQ(m[0].text, "a\"b\\c/d\n\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(m[1].kind, Kind::Unsigned);
  EXPECT_EQ(m[1].bits, 18446744073709551615u);
  EXPECT_EQ(m[2].kind, Kind::Negative);
  EXPECT_EQ(m[2].negative(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(m[3].kind, Kind::Unsigned);  // -0 is 0
  EXPECT_EQ(m[4].kind, Kind::Float);
  EXPECT_EQ(m[4].text, "1.5e3");
  EXPECT_EQ(m[5].kind, Kind::Float);  // past 64 bits
  EXPECT_EQ(m[6].kind, Kind::Bool);
  EXPECT_EQ(m[6].bits, 1u);
  EXPECT_EQ(m[7].bits, 0u);
  EXPECT_EQ(m[8].kind, Kind::Null);
  EXPECT_EQ(m[9].kind, Kind::Array);
  EXPECT_EQ(m[10].kind, Kind::Object);
  EXPECT_EQ(j.find("o"), &m[10]);
  EXPECT_EQ(j.find("k"), nullptr);  // nested members are not members of the object
  EXPECT_FALSE(j.duplicate().has_value());
}

TEST(FlatJson, RefusesWhatTheGrammarDoesNotAllowAndSaysWhere) {
  const auto error = [](std::string_view text) {
    auto r = FlatJson::parse(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_EQ(error(R"({"a":1,})"), "malformed JSON: expected a member name in quotes at byte 8");
  EXPECT_NE(error(R"({"a":01})").find("at byte 7"), std::string::npos);
  EXPECT_NE(error(R"({"a":1} x)").find("unexpected text after the object"), std::string::npos);
  EXPECT_NE(error(R"({"a":"\x"})").find("invalid escape"), std::string::npos);
  EXPECT_NE(error(R"({"a":"\udc00"})").find("lone surrogate"), std::string::npos);
  EXPECT_NE(error(R"({"a":"\ud800x"})").find("lone surrogate"), std::string::npos);
  EXPECT_NE(error(R"({"a":"\u12"})").find("four hex digits"), std::string::npos);
  EXPECT_NE(error("{\"a\":\"\xC0\xAF\"}").find("invalid UTF-8"), std::string::npos);
  EXPECT_NE(error("{\"a\":\"\t\"}").find("control character"), std::string::npos);
  EXPECT_NE(error(R"({"a":1.})").find("after '.'"), std::string::npos);
  EXPECT_NE(error(R"({"a":1e})").find("exponent"), std::string::npos);
  EXPECT_NE(error(R"({"a":nul})").find("expected a value"), std::string::npos);
  EXPECT_NE(error(R"({"a" 1})").find("expected ':'"), std::string::npos);
  EXPECT_NE(error(R"({"a":[1 2]})").find("expected ',' or ']'"), std::string::npos);
  EXPECT_NE(error(R"({"a":"x)").find("not closed"), std::string::npos);
  EXPECT_NE(error("").find("empty"), std::string::npos);
  EXPECT_NE(error(std::string(100, '[')).find("not an object"), std::string::npos);
  EXPECT_NE(error("{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}").find("nesting too deep"),
            std::string::npos);
}

TEST(FlatJson, FindsTheFirstNameGivenTwiceAndEdits) {
  FlatJson j = parsed(R"({"b":1,"a":2,"c":3,"a":4,"b":5})");
  ASSERT_TRUE(j.duplicate().has_value());
  EXPECT_EQ(*j.duplicate(), "a");  // the first repeat met when reading
  // Past 32 members the search sorts instead of comparing pairs: the same answers.
  for (const std::size_t n : {std::size_t{5}, std::size_t{40}}) {
    std::string text = "{";
    for (std::size_t i = 0; i < n; ++i) text += "\"m" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    const std::string unique = text.substr(0, text.size() - 1) + "}";
    EXPECT_FALSE(parsed(unique).duplicate().has_value()) << n;
    const std::string twice = text + "\"m3\":0,\"m1\":0,\"m3\":1}";
    ASSERT_TRUE(parsed(twice).duplicate().has_value()) << n;
    EXPECT_EQ(*parsed(twice).duplicate(), "m3") << n;
  }
  FlatJson k = parsed(R"({"accountId":7})");
  k.rename("accountId", "account");
  k.addString("type", k.own("new_order"));
  k.addUnsigned("requestId", 9);
  ASSERT_NE(k.find("account"), nullptr);
  EXPECT_EQ(k.find("account")->bits, 7u);
  EXPECT_EQ(k.find("type")->text, "new_order");
  EXPECT_EQ(k.find("requestId")->kind, Kind::Unsigned);
  EXPECT_EQ(k.find("requestId")->bits, 9u);
  EXPECT_EQ(k.find("accountId"), nullptr);
}

// Whatever nlohmann accepts as a flat object, FlatJson reads to the same strings and integers;
// whatever it refuses, FlatJson refuses too (random mutations of a valid order).
TEST(FlatJson, AgreesWithNlohmannOnMutatedOrders) {
  const std::string base =
      R"({"symbol":"AAPL","side":"buy","quantity":"10","price":"150.25","account":1,"flag":true,"note":"caf\u00e9"})";
  std::mt19937 random(11);
  const std::string alphabet = "{}[]\":,.-+eE0123456789 \\tfnu";
  for (int round = 0; round < 5000; ++round) {
    std::string text = base;
    for (int k = 0; k < 1 + static_cast<int>(random() % 3); ++k) {
      const std::size_t at = random() % text.size();
      text[at] = alphabet[random() % alphabet.size()];
    }
    const auto ours = FlatJson::parse(text);
    const auto theirs = nlohmann::json::parse(text, nullptr, false);
    const bool theyRead = !theirs.is_discarded() && theirs.is_object();
    ASSERT_EQ(ours.ok(), theyRead) << text;
    if (!theyRead) continue;
    for (const auto& m : ours->members()) {
      const auto& v = theirs.at(std::string(m.key));
      if (m.kind == Kind::String) {
        EXPECT_EQ(m.text, v.get<std::string>()) << text;
      }
      if (m.kind == Kind::Unsigned) {
        EXPECT_EQ(m.bits, v.get<std::uint64_t>()) << text;
      }
    }
  }
}

}  // namespace
}  // namespace alphintra::api
