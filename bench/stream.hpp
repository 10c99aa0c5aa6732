// Order-book operation streams for the matching-engine benchmark: the CSV format of the
// reference streams (`A,id,B|S,price,qty`, `C,id`, `M,id,B|S,qty`; prices in integer ticks),
// read from plain or zstd-compressed files, and a seeded generator that produces streams of
// the same shape so that the benchmark never needs files it does not ship.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "book/types.hpp"
#include "core/result.hpp"

namespace alphintra::bench {

struct StreamOp {
  enum class Kind : std::uint8_t { Add = 'A', Cancel = 'C', Market = 'M' };
  Kind kind = Kind::Add;
  bool buy = true;
  std::uint64_t id = 0;    // as in the stream (may be 0; the replay shifts ids by one)
  std::int64_t price = 0;  // ticks (Add only)
  std::int64_t quantity = 0;
};
static_assert(sizeof(StreamOp) == 32);

// Reads a stream file; `.zst` files are decompressed on the fly. Errors name file, line and field.
Result<std::vector<StreamOp>> readStream(const std::string& path);

// Parses stream text (one op per line). `source` names the input in errors.
Result<std::vector<StreamOp>> parseStream(std::string_view text, const std::string& source);

struct GeneratorOptions {
  std::size_t operations = 1'000'000;
  std::uint64_t seed = 1;
  std::size_t targetOrders = 5'000;  // resting orders the book is kept near
  std::int64_t midPrice = 10'000;
};

// Generates a stream like the reference ones: about 53% limit adds (15% of them crossing),
// 37% cancels of resting orders, 10% market orders. Deterministic for a given seed.
std::vector<StreamOp> generateStream(const GeneratorOptions& options);

std::string formatStream(const std::vector<StreamOp>& ops);

// The book's id of a stream order: stream ids start at 0, and 0 is "no order" in the book.
inline OrderId bookOrderId(const StreamOp& op) noexcept { return OrderId{op.id + 1}; }

// The new-order command of an Add (GTC limit) or Market (IOC) op, for account 1.
book::NewOrder toNewOrder(const StreamOp& op) noexcept;

}  // namespace alphintra::bench
