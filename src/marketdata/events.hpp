// Normalized market-data events: what every importer and feed handler turns its input into,
// and what the history store and the backtester read back.
//
// Every record is fixed-layout (static_assert on its size), trivially copyable and begins with
// the same three fields — instrument at offset 0, exchange time at 8, receive time at 16 — so
// that the history store can check order and ownership of any record type the same way.
// Prices and quantities are raw integers at the instrument's precision (core/fixed_point.hpp).
// exchangeTime: when the venue stamped the event; receiveTime: when we saw it (equal to the
// exchange time for historical files that carry only one time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/side.hpp"
#include "core/time.hpp"
#include "marketdata/bar.hpp"

namespace alphintra::marketdata {

enum class MarketEventKind : std::uint8_t { Trade = 1, Quote = 2, BookLevel = 3, BookOrder = 4, Bar = 5 };

// A print. tradeId is the venue's match number (0 when the source has none).
struct TradeEvent {
  InstrumentId instrument;
  Timestamp exchangeTime;
  Timestamp receiveTime;
  Price price;
  Quantity quantity;
  std::uint64_t tradeId = 0;
  Side aggressor = Side::None;  // None when the source does not say
  std::uint8_t reserved[7]{};
};
static_assert(sizeof(TradeEvent) == 56);

// Top of book (L1). A missing side has an undefined price and zero size.
struct QuoteEvent {
  InstrumentId instrument;
  Timestamp exchangeTime;
  Timestamp receiveTime;
  Price bidPrice = Price::undefined();
  Quantity bidSize;
  Price askPrice = Price::undefined();
  Quantity askSize;
};
static_assert(sizeof(QuoteEvent) == 56);

// One price level changed (L2): its new total size and order count; size 0 removes the level.
struct BookLevelEvent {
  InstrumentId instrument;
  Timestamp exchangeTime;
  Timestamp receiveTime;
  Price price;
  Quantity size;
  std::uint32_t orderCount = 0;
  Side side = Side::None;
  std::uint8_t reserved[3]{};
};
static_assert(sizeof(BookLevelEvent) == 48);

// What happened to one order (L3). Values are fixed: they are stored.
enum class BookAction : std::uint8_t {
  Add = 1,      // new resting order: price, quantity = its size
  Cancel = 2,   // part cancelled: quantity = shares removed (order stays)
  Delete = 3,   // order gone: quantity = shares it still had
  Fill = 4,     // executed against: quantity = shares executed, price = execution price
  Replace = 5,  // new price/size under the same orderId (venues that re-number send Delete + Add)
  Clear = 6,    // the whole book of the instrument was cleared (halt, session end)
};

struct BookOrderEvent {
  InstrumentId instrument;
  Timestamp exchangeTime;
  Timestamp receiveTime;
  std::uint64_t orderId = 0;
  Price price;
  Quantity quantity;
  Side side = Side::None;
  BookAction action = BookAction::Add;
  std::uint8_t reserved[6]{};
};
static_assert(sizeof(BookOrderEvent) == 56);

// A finished bar: exchangeTime is its end (start + span for time bars, the last trade's time
// otherwise), receiveTime when it was built.
struct BarEvent {
  Bar bar;
  Timestamp exchangeTime;
  Timestamp receiveTime;
};
static_assert(sizeof(BarEvent) == 96);
static_assert(offsetof(Bar, instrument) == 0 && offsetof(Bar, start) == 8);

// One of the above, tagged; what a merged replay stream carries.
struct MarketEvent {
  MarketEventKind kind = MarketEventKind::Trade;
  std::uint8_t reserved[15]{};  // the body is 16-byte aligned (Bar holds an Int128)
  union Body {
    TradeEvent trade;
    QuoteEvent quote;
    BookLevelEvent level;
    BookOrderEvent order;
    BarEvent bar;
    Body() noexcept : trade{} {}
  } body;

  InstrumentId instrument() const noexcept { return body.trade.instrument; }  // common initial member
  Timestamp exchangeTime() const noexcept {
    return kind == MarketEventKind::Bar ? body.bar.exchangeTime : body.trade.exchangeTime;
  }
};
static_assert(sizeof(MarketEvent) == 112);
static_assert(std::is_trivially_copyable_v<MarketEvent>);

}  // namespace alphintra::marketdata
