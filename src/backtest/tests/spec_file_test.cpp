// loadConfig on files that are not TOML: refused with the file, line and column, never an
// abort — whatever the bytes (the fuzz target market_files found the two cases below).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "backtest/spec.hpp"

namespace alphintra::backtest {
namespace {

class SpecFileTest : public ::testing::Test {
 protected:
  Result<BacktestSpec> load(const std::string& text) {
    std::ofstream(path_, std::ios::binary) << text;
    return loadConfig(path_);
  }
  ~SpecFileTest() override { std::filesystem::remove(path_); }

  std::filesystem::path path_ =
      std::filesystem::temp_directory_path() / ("spec_file_test_" + std::to_string(::getpid()) + ".toml");
};

constexpr const char* kValid = "[account]\ncash = 1000\n[[instrument]]\nsymbol = \"AAA\"\ndata = \"aaa.csv\"\n";

TEST_F(SpecFileTest, ATableNameThatNoKeyCanStartIsAParseError) {
  // toml++ 3.3 asserts before it reports this one (core/toml_parser.hpp turns that off).
  for (const char* header : {"[!x]\n", "[[#x]]\n", "[ ^x]\n"}) {
    const auto r = load(std::string(kValid) + header);
    ASSERT_FALSE(r.ok()) << header;
    EXPECT_EQ(r.error().field, "config");
    EXPECT_NE(r.error().message.find(path_.string() + ":6:"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("expected bare key"), std::string::npos) << r.error().message;
  }
}

TEST_F(SpecFileTest, AControlCharacterIsRefusedWhereItIs) {
  const auto r = load(std::string(kValid) + "[\x01x]\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(path_.string() + ":6:2: control character 0x01"), std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace alphintra::backtest
