// ItchGenerator: the generated order flow is what a consistent exchange book would publish —
// after every order message the stock's book is uncrossed, every execution takes the oldest
// order at its side's best price, and the book builder meets no unknown order or share count.
#include <gtest/gtest.h>

#include <vector>

#include "marketdata/itch/itch_book.hpp"
#include "marketdata/itch/itch_generator.hpp"
#include "marketdata/itch/itch_parser.hpp"

namespace alphintra::marketdata::itch {
namespace {

// Applies each message to an ItchBookBuilder and checks the book of its stock after it.
struct CheckedBook {
  ItchBookBuilder book{1u << 12};
  std::uint64_t crossed = 0;
  std::uint64_t executions = 0;
  std::uint64_t executionsOffBest = 0;
  std::uint64_t adds = 0;

  void check(std::uint16_t locate) {
    const ItchLevel* bid = book.bestBid(locate);
    const ItchLevel* ask = book.bestAsk(locate);
    if (bid != nullptr && ask != nullptr && bid->price >= ask->price) ++crossed;
  }
  void executed(std::uint64_t ref) {
    ++executions;
    OrderInfo info;
    if (!book.findOrder(ref, info)) return;  // counted by the builder as an anomaly
    const ItchLevel* best = info.side == 'B' ? book.bestBid(info.locate) : book.bestAsk(info.locate);
    if (best == nullptr || best->price != info.price) ++executionsOffBest;
  }
  template <typename M>
  void on(const M& m) {
    if constexpr (std::is_same_v<M, AddOrder>) ++adds;
    if constexpr (std::is_same_v<M, OrderExecuted> || std::is_same_v<M, OrderExecutedWithPrice>) executed(m.orderRef);
    if constexpr (requires { book.on(m); }) {
      book.on(m);
      check(m.header.stockLocate);
    }
  }
};

TEST(ItchGenerator, BooksNeverCrossAndExecutionsTakeTheBest) {
  ItchGeneratorOptions options;
  options.seed = 3;
  options.stocks = 6;
  options.targetLiveOrders = 2'000;
  options.messages = 200'000;
  ItchGenerator gen(options);
  CheckedBook checked;
  std::vector<std::uint8_t> chunk;
  while (!gen.done()) {
    chunk.clear();
    gen.generate(chunk, 20'000);
    std::uint64_t n = 0;
    FrameError error;
    ASSERT_EQ(decodeFrames(chunk.data(), chunk.size(), checked, n, error), chunk.size());
  }
  EXPECT_GT(checked.adds, 50'000u);
  EXPECT_GT(checked.executions, 10'000u);
  EXPECT_EQ(checked.crossed, 0u);
  EXPECT_EQ(checked.executionsOffBest, 0u);
  EXPECT_EQ(checked.book.anomalies(), 0u);
  for (std::uint16_t l = 1; l <= options.stocks; ++l) {  // both sides stay populated: a real two-sided book
    EXPECT_NE(checked.book.bestBid(l), nullptr) << "locate " << l;
    EXPECT_NE(checked.book.bestAsk(l), nullptr) << "locate " << l;
  }
}

}  // namespace
}  // namespace alphintra::marketdata::itch
