// readTomlText: the file's bytes for the TOML parser, control characters TOML never allows
// refused with their line and column.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "core/toml_text.hpp"

namespace alphintra {
namespace {

class TomlTextTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& text) {
    std::ofstream(path_, std::ios::binary) << text;
    return path_;
  }
  ~TomlTextTest() override { std::filesystem::remove(path_); }

  std::filesystem::path path_ =
      std::filesystem::temp_directory_path() / ("toml_text_test_" + std::to_string(::getpid()) + ".toml");
};

TEST_F(TomlTextTest, TextWithTabsAndLineEndsIsReturnedWhole) {
  const std::string text = "[account]\r\ncash = 100000\t# comment\n\"key\" = \"caf\xc3\xa9\"\n";
  const auto r = readTomlText(write(text));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), text);
}

TEST_F(TomlTextTest, ControlCharactersAreRefusedWithTheirPlace) {
  for (const char c : {'\0', '\x01', '\x0b', '\x1f', '\x7f'}) {
    const auto r = readTomlText(write(std::string("a = 1\n[") + c + "fx]\n"));
    ASSERT_FALSE(r.ok()) << static_cast<int>(c);
    EXPECT_EQ(r.error().field, "config");
    EXPECT_NE(r.error().message.find(path_.string() + ":2:2: control character"), std::string::npos)
        << r.error().message;
  }
}

TEST_F(TomlTextTest, BeyondAsciiOnlyInsideStringsAndComments) {
  // Allowed: in every kind of string (escaped quotes do not end one), in comments, in a quoted key.
  const std::string text =
      "# caf\xc3\xa9\n"
      "\"cl\xc3\xa9\" = 1\n"
      "a = \"x\\\"\xc3\xa9\"  # \xc3\x9c\n"
      "b = 'C:\\\xc3\xa9'\n"
      "c = \"\"\"\n\xc3\xa9 \"\" \xc3\xa9\n\"\"\"\n"
      "d = '''\n\xc3\xa9 ' \xc3\xa9\n'''\n";
  const auto ok = readTomlText(write(text));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  // Refused where the parser would meet it as code: after a value, in a bare key, after a string.
  for (const auto& [bad, place] : {std::pair<std::string, std::string>{"cash = 1\xc3\x9c\n", ":1:9:"},
                                   {"a = 1\n\xc3\xa9t\xc3\xa9 = 2\n", ":2:1:"},
                                   {"s = \"\xc3\xa9\"\xc3\xa9\n", ":1:8:"},
                                   {"m = \"\"\"x\"\"\" \xc3\x9c\n", ":1:13:"}}) {
    const auto r = readTomlText(write(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find(path_.string() + place + " a character beyond ASCII"), std::string::npos)
        << r.error().message;
  }
}

TEST(TomlText, AMissingFileIsAnError) {
  const auto r = readTomlText("/nonexistent/dir/run.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/dir/run.toml: cannot open"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace alphintra
