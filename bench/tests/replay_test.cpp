// The replay: zero allocations in steady state, determinism, and, when ../shared/bench holds
// the reference streams, their published totals reproduced exactly.
#include "bench/book_replay.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace alphintra::bench {
namespace {

TEST(Replay, TimedPassesAllocateNothing) {
  GeneratorOptions gen;
  gen.operations = 100'000;
  gen.targetOrders = 2'000;
  const auto ops = generateStream(gen);
  ReplayOptions options;
  options.throughputPasses = 1;
  const ReplayResult result = runReplay(ops, options);
  EXPECT_EQ(result.allocations, 0u);
  EXPECT_EQ(result.operations, ops.size());
  EXPECT_GT(result.totals.fills, 0u);
  options.marketData = true;
  EXPECT_EQ(runReplay(ops, options).allocations, 0u);
}

TEST(Replay, TotalsDoNotDependOnMarketDataUpdates) {
  GeneratorOptions gen;
  gen.operations = 30'000;
  const auto ops = generateStream(gen);
  EXPECT_EQ(replayTotals(ops, false), replayTotals(ops, true));
}

struct Expected {
  const char* file;
  std::uint64_t adds, cancelsInStream, markets, fills;
  std::int64_t fillQty, notional;
  std::uint64_t cancels, cancelRejects, resting, levels;
};

class ReferenceStream : public ::testing::TestWithParam<Expected> {};

TEST_P(ReferenceStream, ReproducesThePublishedTotals) {
  const Expected& e = GetParam();
  const char* root = std::getenv("ALPHINTRA_SOURCE_DIR");
  const std::filesystem::path path = std::filesystem::path(root ? root : ".") / ".." / "shared" / "bench" / e.file;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not present";
  auto ops = readStream(path.string());
  ASSERT_TRUE(ops.ok()) << ops.error().message;
  const ReplayTotals t = replayTotals(*ops);
  EXPECT_EQ(t.adds, e.adds);
  EXPECT_EQ(t.cancelsInStream, e.cancelsInStream);
  EXPECT_EQ(t.markets, e.markets);
  EXPECT_EQ(t.fills, e.fills);
  EXPECT_EQ(t.fillQuantity, e.fillQty);
  EXPECT_EQ(t.notional, e.notional);
  EXPECT_EQ(t.cancels, e.cancels);
  EXPECT_EQ(t.cancelRejects, e.cancelRejects);
  EXPECT_EQ(t.resting, e.resting);
  EXPECT_EQ(t.levels, e.levels);
}

// The table of ../shared/bench/README.md.
INSTANTIATE_TEST_SUITE_P(SharedBench, ReferenceStream,
                         ::testing::Values(Expected{"book-mixed-1m-shallow.csv.zst", 528'735, 371'245, 100'020, 225'902,
                                                    57'292'400, 572'924'854'900, 371'246, 0, 3'857, 77},
                                           Expected{"book-mixed-1m-deep.csv.zst", 549'107, 351'012, 99'881, 230'737,
                                                    58'845'800, 588'460'450'800, 351'013, 0, 38'800, 79}),
                         [](const ::testing::TestParamInfo<Expected>& param) {
                           return std::string(param.index == 0 ? "shallow" : "deep");
                         });

}  // namespace
}  // namespace alphintra::bench
