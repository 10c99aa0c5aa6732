// Parameters and the registry: values parsed with ranges, errors that name the parameter, and
// a parameter no strategy reads refused instead of ignored.
#include <gtest/gtest.h>

#include "strategy/parameters.hpp"
#include "strategy/registry.hpp"

namespace alphintra::strategy {
namespace {

TEST(Parameters, ParsesTypedValuesWithRanges) {
  auto p = Parameters::parse({"fast=5", "ratio=0.25", "short=true"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p->integer("fast", 1, 1, 10), 5);
  EXPECT_EQ(*p->integer("slow", 30, 1, 100), 30);
  EXPECT_DOUBLE_EQ(*p->number("ratio", 1, 0, 1), 0.25);
  EXPECT_TRUE(*p->boolean("short", false));
  EXPECT_TRUE(p->unused().empty());
  EXPECT_EQ(p->describe(), "fast=5,ratio=0.25,short=true");
}

TEST(Parameters, ErrorsNameTheParameterAndTheReason) {
  EXPECT_EQ(Parameters::parse({"fast"}).error().field, "param");
  auto p = Parameters::parse({"fast=x", "slow=500", "flag=maybe", "n=1e400"}).value();
  const auto fast = p.integer("fast", 1, 1, 10);
  ASSERT_FALSE(fast.ok());
  EXPECT_EQ(fast.error().field, "param.fast");
  EXPECT_NE(fast.error().message.find("not an integer"), std::string::npos);
  const auto slow = p.integer("slow", 1, 1, 100);
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.error().message.find("out of range"), std::string::npos);
  EXPECT_FALSE(p.boolean("flag", false).ok());
  EXPECT_FALSE(p.number("n", 0, 0, 1).ok());
}

TEST(Registry, BuildsEveryBuiltInAndRefusesUnknownNamesAndParameters) {
  for (const StrategyInfo& info : builtinStrategies()) {
    auto s = makeStrategy(info.name, Parameters{});
    ASSERT_TRUE(s.ok()) << info.name << ": " << s.error().message;
    EXPECT_EQ((*s)->name(), info.name);
  }
  const auto unknown = makeStrategy("nope", Parameters{});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "strategy");
  auto typo = Parameters::parse({"fsat=3"}).value();
  const auto bad = makeStrategy("sma_cross", typo);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "param.fsat");
  auto inverted = Parameters::parse({"fast=30", "slow=10"}).value();
  EXPECT_EQ(makeStrategy("sma_cross", inverted).error().field, "param.fast");
}

}  // namespace
}  // namespace alphintra::strategy
