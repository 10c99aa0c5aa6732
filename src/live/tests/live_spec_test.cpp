#include <gtest/gtest.h>

#include "live/live_spec.hpp"

namespace alphintra::live {
namespace {

TEST(LiveStrategySpec, ReadsTheHostKeysAndLeavesTheRestAsParameters) {
  auto spec = parseLiveStrategySpec("sma_cross:account=2,instruments=AAPL+MSFT,bar=5s,fast=5,slow=20,id=trend-1");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec.value().name, "sma_cross");
  EXPECT_EQ(spec.value().id, "trend-1");
  EXPECT_EQ(spec.value().account, AccountId{2});
  EXPECT_EQ(spec.value().symbols, (std::vector<std::string>{"AAPL", "MSFT"}));
  EXPECT_EQ(spec.value().barNanos, 5'000'000'000);
  EXPECT_EQ(spec.value().params.describe(), "fast=5,slow=20");
  EXPECT_EQ(spec.value().bookNanos, 0);
  auto books = parseLiveStrategySpec("market_maker:account=3,instruments=AAPL,book=250ms");
  ASSERT_TRUE(books.ok()) << books.error().message;
  EXPECT_EQ(books.value().bookNanos, 250'000'000);
  EXPECT_EQ(parseLiveStrategySpec("market_maker:account=3,instruments=AAPL,book=2s").value().bookNanos, 2'000'000'000);
}

TEST(LiveStrategySpec, DefaultsTheIdToTheNameAndTheBarToOneMinute) {
  auto spec = parseLiveStrategySpec("momentum:account=7,instruments=BTC/USD");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec.value().id, "momentum");
  EXPECT_EQ(spec.value().barNanos, 60'000'000'000);
  EXPECT_EQ(spec.value().symbols, (std::vector<std::string>{"BTC/USD"}));
}

void expectError(std::string_view text, std::string_view field, std::string_view words) {
  auto spec = parseLiveStrategySpec(text);
  ASSERT_FALSE(spec.ok()) << text;
  EXPECT_EQ(spec.error().field, field) << text;
  EXPECT_NE(spec.error().message.find(words), std::string::npos) << spec.error().message;
}

TEST(LiveStrategySpec, NamesTheKeyThatIsWrong) {
  expectError(":account=1,instruments=A", "strategy", "no strategy name");
  expectError("sma_cross:instruments=AAPL", "strategy.account", "names no account");
  expectError("sma_cross:account=0,instruments=AAPL", "strategy.account", "not an account id");
  expectError("sma_cross:account=x2,instruments=AAPL", "strategy.account", "not an account id");
  expectError("sma_cross:account=2", "strategy.instruments", "names no instruments");
  expectError("sma_cross:account=2,instruments=AAPL++MSFT", "strategy.instruments", "empty symbol");
  expectError("sma_cross:account=2,instruments=AAPL,bar=7q", "strategy.bar", "no unit");
  expectError("sma_cross:account=2,instruments=AAPL,bar=7s", "strategy.bar", "divide a day");
  expectError("sma_cross:account=2,instruments=AAPL,id=has space", "strategy.id", "letters, digits");
  expectError("sma_cross:account=2,instruments=AAPL,id=thirteen-char", "strategy.id", "1 to 12");
  expectError("a_very_long_strategy_name:account=2,instruments=AAPL", "strategy.id", "give id=NAME");
  expectError("sma_cross:account=2,instruments=AAPL,fast", "strategy", "not key=value");
  expectError("sma_cross:account=2,instruments=AAPL,book=5ms", "strategy.book", "10ms to 60s");
  expectError("sma_cross:account=2,instruments=AAPL,book=2m", "strategy.book", "10ms to 60s");
  expectError("sma_cross:account=2,instruments=AAPL,book=ms", "strategy.book", "10ms to 60s");
  expectError("sma_cross:account=2,instruments=AAPL,fast=1,fast=2", "strategy.fast", "given twice");
}

}  // namespace
}  // namespace alphintra::live
