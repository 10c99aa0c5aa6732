// JsonObject writes the text nlohmann::ordered_json::dump() gives for the same members: checked
// member by member, for escapes, for random strings (valid UTF-8 and not), and for nesting.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "api/json_writer.hpp"

namespace alphintra::api {
namespace {

using json = nlohmann::ordered_json;

std::string nlohmannText(const std::string& s) { return json(s).dump(-1, ' ', false, json::error_handler_t::replace); }

std::string ours(const std::string& s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

TEST(JsonWriter, EscapesLikeNlohmann) {
  for (const std::string& s : {std::string(""), std::string("plain"), std::string("quote \" and \\ backslash"),
                               std::string("\b\f\n\r\t"), std::string("\x01\x1f\x7f", 3), std::string(1, '\0'),
                               std::string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")}) {
    EXPECT_EQ(ours(s), nlohmannText(s)) << s;
  }
  EXPECT_EQ(ours(std::string("\x01", 1)), "\"\\u0001\"");
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(ours("a\xFFz"), "\"a\xEF\xBF\xBDz\"");
  EXPECT_EQ(ours("\xC3"), "\"\xEF\xBF\xBD\"");                                  // cut short
  EXPECT_EQ(ours("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                  // overlong: both bytes refused
  EXPECT_EQ(ours("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // a surrogate
  // Whatever the bytes, the text is JSON that parses back to a string.
  std::mt19937 random(7);
  for (int round = 0; round < 2000; ++round) {
    std::string s(random() % 12, '\0');
    for (char& c : s) c = static_cast<char>(random() % 256);
    const std::string text = ours(s);
    const json parsed = json::parse(text, nullptr, false);
    ASSERT_TRUE(parsed.is_string()) << text;
    if (parsed.get<std::string>() == s) {
      EXPECT_EQ(text, nlohmannText(s));  // valid UTF-8: the same text
    }
  }
}

TEST(JsonWriter, WritesMembersInOrderWithNesting) {
  std::string out;
  JsonObject j(out);
  j.string("event", "quote")
      .unsignedInteger("sequence", std::numeric_limits<std::uint64_t>::max())
      .integer("time", std::numeric_limits<std::int64_t>::min())
      .boolean("accepted", false);
  JsonObject reason = j.object("reason");
  reason.string("code", "requested").raw("limit", "12");
  reason.close();
  j.object("empty").close();
  j.integer("value", -3);
  j.close();
  json expected;
  expected["event"] = "quote";
  expected["sequence"] = std::numeric_limits<std::uint64_t>::max();
  expected["time"] = std::numeric_limits<std::int64_t>::min();
  expected["accepted"] = false;
  expected["reason"]["code"] = "requested";
  expected["reason"]["limit"] = 12;
  expected["empty"] = json::object();
  expected["value"] = -3;
  EXPECT_EQ(out, expected.dump());
}

}  // namespace
}  // namespace alphintra::api
