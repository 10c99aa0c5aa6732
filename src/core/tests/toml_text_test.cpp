// readTomlText: the file's bytes for the TOML parser, control characters TOML never allows
// refused with their line and column.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

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

TEST(TomlText, AMissingFileIsAnError) {
  const auto r = readTomlText("/nonexistent/dir/run.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/dir/run.toml: cannot open"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace alphintra
