// The history store's on-disk layout (docs/market-data.md):
//
//   DIR/<instrument id>/instrument.txt           symbol, price_places, quantity_places
//   DIR/<instrument id>/<series>/<partition>.md   one file per series and UTC day (or year)
//
// Series: "bars-<interval>" (Bar records; e.g. bars-1s, bars-1m, bars-1d), "trades"
// (TradeEvent), "quotes" (QuoteEvent), "orders" (BookOrderEvent). Partition: the UTC day
// "YYYY-MM-DD" of the record's time, except bars of 1 h and longer, which go one file per UTC
// year "YYYY" (a file per daily bar would be 80 bytes of data in a 4 KiB block).
//
// A file is a 32-byte header followed by whole records, each the in-memory struct (the store is
// little-endian; the header's magic and record size catch a foreign or damaged file). Records
// in a file are ordered by their time (offset 8): strictly increasing for bars, non-decreasing
// for events. A crash can leave a torn tail (a partial record, or records that are zero or out
// of order from a file extended before its data reached the disk); readers stop there and the
// next writer cuts it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "marketdata/events.hpp"

namespace alphintra::marketdata {

struct HistoryFileHeader {
  char magic[8] = {'A', 'L', 'P', 'H', 'M', 'D', 'H', '1'};
  std::uint32_t version = 1;
  std::uint32_t recordSize = 0;
  std::uint64_t instrument = 0;
  std::uint8_t kind = 0;  // MarketEventKind
  std::uint8_t reserved[3]{};
  std::uint32_t intervalSeconds = 0;  // bars only
};
static_assert(sizeof(HistoryFileHeader) == 32);

// Bytes each record kind takes in a file.
constexpr std::uint32_t historyRecordSize(MarketEventKind kind) noexcept {
  switch (kind) {
    case MarketEventKind::Trade: return sizeof(TradeEvent);
    case MarketEventKind::Quote: return sizeof(QuoteEvent);
    case MarketEventKind::BookOrder: return sizeof(BookOrderEvent);
    case MarketEventKind::Bar: return sizeof(Bar);
    case MarketEventKind::BookLevel: return sizeof(BookLevelEvent);
  }
  return 0;
}

inline std::int64_t recordTime(const std::byte* record) noexcept {
  std::int64_t t = 0;
  std::memcpy(&t, record + 8, sizeof t);
  return t;
}
inline std::uint64_t recordInstrument(const std::byte* record) noexcept {
  std::uint64_t id = 0;
  std::memcpy(&id, record, sizeof id);
  return id;
}

}  // namespace alphintra::marketdata
