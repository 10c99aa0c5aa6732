// The WebSocket API's messages (docs/api.md, "WebSocket /api/v1/ws"): client requests parsed
// and checked, server messages formatted. No state, no I/O.
//
// Client → server, one JSON object per text frame, every request with an integer "id":
//   {"id":1,"op":"authenticate","token":"..."}
//   {"id":2,"op":"subscribe"|"unsubscribe","channel":"quotes"|"trades"|"book"|"bars"|"orders"|"status",
//    "symbols":["AAPL"],"interval":"1m"}          symbols: all but orders; interval: bars only
//   {"id":3,"op":"ping"}
// Parsing is strict, as at the REST edge: an unknown or repeated member, a wrong type, a
// missing member is an error naming the member ("field"). Checks that need the server's state
// (does the symbol exist, is the connection authenticated) are the session's.
//
// Server → client: {"type":"ack","id":N}, {"type":"error","id":N|null,"code","message","field"},
// {"type":"heartbeat","time"}, and the channels' messages (quote, trade, book, bar, order, status).
// Prices and quantities are decimal strings at the instrument's precision; "time" is ns since
// the epoch except for bars (epoch seconds, the bar's start).
//
// Threading: pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "book/order_book.hpp"
#include "core/instrument.hpp"
#include "engine/event.hpp"
#include "marketdata/bar.hpp"

namespace alphintra::api::http {

enum class WsOp : std::uint8_t { Authenticate = 1, Subscribe = 2, Unsubscribe = 3, Ping = 4 };
enum class WsChannel : std::uint8_t { Quotes = 1, Trades = 2, Book = 3, Bars = 4, Orders = 5, Status = 6 };

std::string_view toString(WsChannel channel) noexcept;

struct WsRequest {
  std::int64_t id = 0;
  WsOp op = WsOp::Ping;
  std::string token;                      // authenticate
  WsChannel channel = WsChannel::Quotes;  // subscribe / unsubscribe
  std::vector<std::string> symbols;       // subscribe / unsubscribe, all channels but orders
  std::string interval;                   // bars
};

// A refused request: the answer's code, message and field; id when the request had a valid one.
struct WsError {
  std::optional<std::int64_t> id;
  std::string code;
  std::string message;
  std::string field;
};

inline constexpr std::size_t kWsMaxSymbolsPerRequest = 256;

std::variant<WsRequest, WsError> parseWsRequest(std::string_view text);

std::string wsAck(std::int64_t id);
std::string wsError(const WsError& error);
std::string wsHeartbeat(std::int64_t timeNanos);
std::string wsQuote(const Instrument& instrument, const engine::QuoteReport& quote, std::int64_t timeNanos);
std::string wsTrade(const Instrument& instrument, const engine::PublicTradeReport& trade, std::int64_t timeNanos);
// {"type":"status","symbol","status","time"}: the instrument's trading status.
std::string wsStatus(const Instrument& instrument, TradingStatus status, std::int64_t timeNanos);
std::string wsBook(const Instrument& instrument, std::uint64_t sequence, bool snapshot,
                   const std::vector<book::LevelView>& bids, const std::vector<book::LevelView>& asks);
std::string wsBar(const Instrument& instrument, std::string_view interval, const marketdata::Bar& bar);
// An execution report as api::formatEvent writes it, as an order message: its "event" member
// becomes "type":"order" (the other members are those of docs/api.md's execution report).
std::string wsOrder(std::string_view executionReportJson);

}  // namespace alphintra::api::http
