#include "bench/stream.hpp"

#include <fmt/format.h>
#include <zstd.h>

#include <charconv>
#include <fstream>
#include <random>
#include <sstream>

#include "book/order_book.hpp"

namespace alphintra::bench {
namespace {

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError("stream", fmt::format("cannot open {}", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string data = buffer.str();
  if (path.size() < 4 || path.compare(path.size() - 4, 4, ".zst") != 0) return data;

  // Streaming decompression: the frame may not record its decompressed size.
  std::string text;
  ZSTD_DStream* stream = ZSTD_createDStream();
  ZSTD_initDStream(stream);
  std::vector<char> chunk(ZSTD_DStreamOutSize());
  ZSTD_inBuffer input{data.data(), data.size(), 0};
  std::size_t last = 0;
  while (input.pos < input.size) {
    ZSTD_outBuffer output{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(stream, &output, &input);
    if (ZSTD_isError(last)) {
      ZSTD_freeDStream(stream);
      return makeError("stream", fmt::format("{}: not a valid zstd file ({})", path, ZSTD_getErrorName(last)));
    }
    text.append(chunk.data(), output.pos);
  }
  ZSTD_freeDStream(stream);
  if (last != 0) return makeError("stream", fmt::format("{}: truncated zstd file", path));
  return text;
}

template <typename T>
bool parseNumber(std::string_view s, T& value) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

}  // namespace

Result<std::vector<StreamOp>> readStream(const std::string& path) {
  auto text = readFile(path);
  if (!text) return text.error();
  return parseStream(*text, path);
}

Result<std::vector<StreamOp>> parseStream(std::string_view text, const std::string& source) {
  std::vector<StreamOp> ops;
  ops.reserve(text.size() / 16);
  std::size_t lineNo = 0;
  std::string_view fields[5];
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::size_t n = 0;
    while (n < 5) {
      const std::size_t comma = line.find(',');
      fields[n++] = line.substr(0, comma);
      if (comma == std::string_view::npos) break;
      line = line.substr(comma + 1);
      if (n == 5) return makeError("stream", fmt::format("{}:{}: too many fields", source, lineNo));
    }
    const auto fail = [&](std::string_view field, std::string_view why) {
      return makeError("stream", fmt::format("{}:{}: {} {}", source, lineNo, field, why));
    };
    StreamOp op;
    if (fields[0] == "A" && n == 5) {
      op.kind = StreamOp::Kind::Add;
    } else if (fields[0] == "C" && n == 2) {
      op.kind = StreamOp::Kind::Cancel;
    } else if (fields[0] == "M" && n == 4) {
      op.kind = StreamOp::Kind::Market;
    } else {
      return fail(
          "operation",
          fmt::format("'{}' with {} fields is not one of A,id,side,price,qty | C,id | M,id,side,qty", fields[0], n));
    }
    if (!parseNumber(fields[1], op.id)) return fail("id", fmt::format("'{}' is not a non-negative integer", fields[1]));
    if (op.kind != StreamOp::Kind::Cancel) {
      if (fields[2] != "B" && fields[2] != "S") return fail("side", fmt::format("'{}' is not B or S", fields[2]));
      op.buy = fields[2] == "B";
      const std::string_view qty = op.kind == StreamOp::Kind::Add ? fields[4] : fields[3];
      if (!parseNumber(qty, op.quantity) || op.quantity <= 0)
        return fail("quantity", fmt::format("'{}' is not a positive integer", qty));
      if (op.kind == StreamOp::Kind::Add && (!parseNumber(fields[3], op.price) || op.price <= 0)) {
        return fail("price", fmt::format("'{}' is not a positive integer", fields[3]));
      }
    }
    ops.push_back(op);
  }
  return ops;
}

std::vector<StreamOp> generateStream(const GeneratorOptions& options) {
  // The generator runs the real book to know which orders rest, so that every cancel names a
  // resting order, exactly like the reference streams.
  InstrumentSpec spec;
  spec.id = 1;
  spec.symbol = "GEN";
  spec.pricePrecision = 0;
  spec.tickSize = "1";
  auto instrument = Instrument::create(spec);
  book::OrderBook book(*instrument);
  std::vector<book::Event> events;
  std::vector<std::uint64_t> live;      // resting ids (stream ids)
  std::vector<std::uint32_t> position;  // stream id → index in live, or npos
  constexpr std::uint32_t kAbsent = 0xFFFFFFFFu;
  const auto forget = [&](std::uint64_t id) {
    if (id >= position.size() || position[id] == kAbsent) return;
    const std::uint32_t at = position[id];
    live[at] = live.back();
    position[live[at]] = at;
    live.pop_back();
    position[id] = kAbsent;
  };

  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<StreamOp> ops;
  ops.reserve(options.operations);
  const std::int64_t mid = options.midPrice;
  for (std::uint64_t id = 0; ops.size() < options.operations; ++id) {
    StreamOp op;
    op.id = id;
    op.buy = unit(rng) < 0.5;
    op.quantity = 100 * static_cast<std::int64_t>(1 + rng() % 9);
    const double fill = static_cast<double>(live.size()) / static_cast<double>(options.targetOrders);
    const double r = unit(rng);
    const double cancelShare = 0.37 * fill;  // cancel more when the book is fuller
    if (r < 0.10) {
      op.kind = StreamOp::Kind::Market;
    } else if (r < 0.10 + cancelShare && !live.empty()) {
      op.kind = StreamOp::Kind::Cancel;
      op.id = live[rng() % live.size()];
    } else {
      op.kind = StreamOp::Kind::Add;
      const auto top = book.topOfBook();
      const bool crossing = unit(rng) < 0.15;
      const std::int64_t offset =
          1 + static_cast<std::int64_t>(std::abs(std::round(std::normal_distribution<double>(0, 8)(rng))));
      if (op.buy) {
        const std::int64_t ref = top.askPrice.isDefined() ? top.askPrice.raw() : mid + 1;
        op.price = crossing ? ref + static_cast<std::int64_t>(rng() % 3) : ref - offset;
      } else {
        const std::int64_t ref = top.bidPrice.isDefined() ? top.bidPrice.raw() : mid - 1;
        op.price = crossing ? ref - static_cast<std::int64_t>(rng() % 3) : ref + offset;
      }
      op.price = std::clamp<std::int64_t>(op.price, options.midPrice - 40, options.midPrice + 40);
    }

    events.clear();
    const Timestamp now{static_cast<std::int64_t>(ops.size())};
    const OrderId orderId = bookOrderId(op);
    if (op.kind == StreamOp::Kind::Cancel) {
      book.cancel(orderId, now, events);
      forget(op.id);
    } else {
      book.submit(toNewOrder(op), now, events);
      for (const book::Event& e : events) {
        if (e.type == book::EventType::Trade && e.contraLeavesQuantity.isZero()) forget(e.contraOrderId.value() - 1);
      }
      if (op.kind == StreamOp::Kind::Add && book.find(orderId)) {
        if (position.size() <= op.id) position.resize(op.id + 1, kAbsent);
        position[op.id] = static_cast<std::uint32_t>(live.size());
        live.push_back(op.id);
      }
    }
    ops.push_back(op);
    if (op.kind == StreamOp::Kind::Cancel) --id;  // a cancel consumes no new id
  }
  return ops;
}

book::NewOrder toNewOrder(const StreamOp& op) noexcept {
  book::NewOrder order;
  order.id = bookOrderId(op);
  order.account = AccountId{1};
  order.side = op.buy ? Side::Buy : Side::Sell;
  order.quantity = Quantity::fromRaw(op.quantity);
  if (op.kind == StreamOp::Kind::Add) {
    order.price = Price::fromRaw(op.price);
  } else {
    order.type = book::OrderType::Market;
    order.timeInForce = book::TimeInForce::IOC;
  }
  return order;
}

std::string formatStream(const std::vector<StreamOp>& ops) {
  std::string out;
  out.reserve(ops.size() * 20);
  for (const StreamOp& op : ops) {
    switch (op.kind) {
      case StreamOp::Kind::Add:
        out += fmt::format("A,{},{},{},{}\n", op.id, op.buy ? 'B' : 'S', op.price, op.quantity);
        break;
      case StreamOp::Kind::Cancel: out += fmt::format("C,{}\n", op.id); break;
      case StreamOp::Kind::Market: out += fmt::format("M,{},{},{}\n", op.id, op.buy ? 'B' : 'S', op.quantity); break;
    }
  }
  return out;
}

}  // namespace alphintra::bench
