// Stream parsing (plain and zstd), its error messages, and the generator's guarantees.
#include "bench/stream.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

#include <cstdio>
#include <fstream>

#include "bench/book_replay.hpp"

namespace alphintra::bench {
namespace {

TEST(Stream, ParsesEveryOperationKind) {
  auto ops = parseStream("A,0,S,10005,300\nC,0\r\nM,2,B,100\n\nA,3,B,9999,1\n", "test");
  ASSERT_TRUE(ops.ok()) << ops.error().message;
  ASSERT_EQ(ops->size(), 4u);
  EXPECT_EQ((*ops)[0].kind, StreamOp::Kind::Add);
  EXPECT_FALSE((*ops)[0].buy);
  EXPECT_EQ((*ops)[0].price, 10005);
  EXPECT_EQ((*ops)[0].quantity, 300);
  EXPECT_EQ((*ops)[1].kind, StreamOp::Kind::Cancel);
  EXPECT_EQ((*ops)[1].id, 0u);
  EXPECT_EQ((*ops)[2].kind, StreamOp::Kind::Market);
  EXPECT_TRUE((*ops)[2].buy);
  EXPECT_EQ((*ops)[2].quantity, 100);
  EXPECT_EQ((*ops)[3].id, 3u);
}

TEST(Stream, ErrorsNameSourceLineAndField) {
  const struct {
    const char* text;
    const char* expected;
  } cases[] = {
      {"A,1,B,100,5\nA,x,B,100,5\n", "test:2: id 'x' is not a non-negative integer"},
      {"A,1,Q,100,5\n", "test:1: side 'Q' is not B or S"},
      {"A,1,B,-3,5\n", "test:1: price '-3' is not a positive integer"},
      {"A,1,B,100,0\n", "test:1: quantity '0' is not a positive integer"},
      {"M,1,B\n", "test:1: operation 'M' with 3 fields"},
      {"X,1\n", "test:1: operation 'X'"},
      {"A,1,B,100,5,9\n", "test:1: too many fields"},
  };
  for (const auto& c : cases) {
    auto ops = parseStream(c.text, "test");
    ASSERT_FALSE(ops.ok()) << c.text;
    EXPECT_NE(ops.error().message.find(c.expected), std::string::npos) << ops.error().message;
  }
}

TEST(Stream, ReadsZstdCompressedFiles) {
  const std::string text = "A,0,B,100,5\nA,1,S,101,7\nC,0\n";
  std::string compressed(ZSTD_compressBound(text.size()), '\0');
  compressed.resize(ZSTD_compress(compressed.data(), compressed.size(), text.data(), text.size(), 3));
  const std::string path = ::testing::TempDir() + "/stream_test.csv.zst";
  std::ofstream(path, std::ios::binary) << compressed;
  auto ops = readStream(path);
  ASSERT_TRUE(ops.ok()) << ops.error().message;
  EXPECT_EQ(ops->size(), 3u);

  std::ofstream(path, std::ios::binary) << "not zstd at all";
  auto bad = readStream(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not a valid zstd file"), std::string::npos);
  std::remove(path.c_str());
  EXPECT_FALSE(readStream(path).ok());
}

TEST(Stream, GeneratorIsDeterministicAndOnlyCancelsRestingOrders) {
  GeneratorOptions options;
  options.operations = 50'000;
  options.seed = 3;
  options.targetOrders = 500;
  const auto a = generateStream(options);
  const auto b = generateStream(options);
  ASSERT_EQ(a.size(), 50'000u);
  EXPECT_EQ(formatStream(a), formatStream(b));

  const ReplayTotals totals = replayTotals(a);
  EXPECT_EQ(totals.cancelRejects, 0u);  // every cancel names a resting order
  EXPECT_GT(totals.fills, 1000u);
  EXPECT_GT(totals.cancelsInStream, 10'000u);
  EXPECT_GT(totals.markets, 3'000u);
  EXPECT_LT(totals.peakOrders, 1'000u);  // kept near the target depth

  // What the generator writes, the parser reads back identically.
  auto parsed = parseStream(formatStream(a), "generated");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(formatStream(*parsed), formatStream(a));
}

}  // namespace
}  // namespace alphintra::bench
