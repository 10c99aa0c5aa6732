#include "marketdata/lobster.hpp"

#include <fmt/format.h>

#include <array>

#include "marketdata/text_fields.hpp"

namespace alphintra::marketdata {

Result<LobsterReader> LobsterReader::open(const std::filesystem::path& file, LobsterOptions options) {
  if (options.pricePrecision < 0 || options.pricePrecision > 12) {
    return makeError("pricePrecision", fmt::format("{} is outside 0..12", options.pricePrecision));
  }
  auto lines = LineReader::open(file);
  if (!lines) return lines.error();
  LobsterReader r{std::move(lines).value()};
  r.options_ = options;
  return r;
}

Result<bool> LobsterReader::next(LobsterRecord& out) {
  static constexpr const char* kNames[6] = {"time", "type", "order_id", "size", "price", "direction"};
  while (true) {
    std::string_view line;
    auto got = lines_.next(line);
    if (!got) return got.error();
    if (!*got) return false;
    if (trimField(line).empty()) continue;
    std::array<std::string_view, 8> f{};
    const std::size_t n = splitCsv(line, f);
    auto fail = [&](int c, std::string_view reason) {
      return makeError(kNames[c], fmt::format("{}{}: {}", lines_.where(), kNames[c], reason));
    };
    if (n < 6) {
      return makeError("row", fmt::format("{}row has {} fields, a LOBSTER message has 6", lines_.where(), n));
    }
    std::string reason;
    std::int64_t seconds = 0, type = 0, id = 0, size = 0, price = 0, direction = 0;
    if (!parseRoundedDecimal(f[0], 9, seconds, reason)) return fail(0, reason);
    if (seconds < 0 || seconds >= 2 * kNanosPerDay)
      return fail(0, fmt::format("{} is not seconds after midnight", f[0]));
    if (seconds < lastTime_) return fail(0, fmt::format("{} is before the previous message", f[0]));
    if (!parseInteger(f[1], type, reason)) return fail(1, reason);
    if (type < 1 || type > 7) return fail(1, fmt::format("{} is not an event type 1..7", f[1]));
    if (!parseInteger(f[2], id, reason) || id < 0) return fail(2, reason.empty() ? "negative" : reason);
    if (!parseInteger(f[3], size, reason)) return fail(3, reason);
    if (!parseInteger(f[4], price, reason)) return fail(4, reason);
    if (!parseInteger(f[5], direction, reason)) return fail(5, reason);
    lastTime_ = seconds;
    if (type == 7) {
      ++haltRows_;
      continue;
    }
    if (direction != 1 && direction != -1) return fail(5, fmt::format("{} is not 1 (buy) or -1 (sell)", f[5]));
    if (size <= 0) return fail(3, fmt::format("{} is not a positive size", f[3]));
    if (price <= 0) return fail(4, fmt::format("{} is not a positive price", f[4]));
    // Rescale from 4 places.
    std::int64_t scaled = price;
    for (int p = 4; p < options_.pricePrecision; ++p) scaled *= 10;
    for (int p = options_.pricePrecision; p < 4; ++p) {
      if (scaled % 10 != 0) {
        return fail(4, fmt::format("{} (×10000) has more than {} decimal places", f[4], options_.pricePrecision));
      }
      scaled /= 10;
    }
    std::int64_t qty = size;
    for (int p = 0; p < options_.quantityPrecision; ++p) qty *= 10;
    const Timestamp time{options_.midnight.nanos() + seconds};
    const Side side = direction == 1 ? Side::Buy : Side::Sell;
    out = LobsterRecord{};
    BookOrderEvent& o = out.order;
    o.instrument = options_.instrument;
    o.exchangeTime = o.receiveTime = time;
    o.orderId = static_cast<std::uint64_t>(id);
    o.price = Price::fromRaw(scaled);
    o.quantity = Quantity::fromRaw(qty);
    o.side = side;
    switch (type) {
      case 1: o.action = BookAction::Add; break;
      case 2: o.action = BookAction::Cancel; break;
      case 3: o.action = BookAction::Delete; break;
      default: o.action = BookAction::Fill; break;
    }
    out.hasOrder = type <= 4;
    out.hasTrade = type >= 4;
    if (out.hasTrade) {
      TradeEvent& t = out.trade;
      t.instrument = options_.instrument;
      t.exchangeTime = t.receiveTime = time;
      t.price = o.price;
      t.quantity = o.quantity;
      t.aggressor = type == 6 ? Side::None : opposite(side);
    }
    return true;
  }
}

}  // namespace alphintra::marketdata
