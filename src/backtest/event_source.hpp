// EventSource: where a tick backtest reads its market events (marketdata::MarketEvent: trades,
// L1 quotes, L2 levels, L3 order events), in batches, in time order. Sources stream: a file
// source holds one batch and its reader's line or 4 MiB buffer, never the whole history.
//
//   MemoryEventSource   events held in memory (tests), stably sorted by exchange time
//   SpanEventSource     events in time order the caller holds (the benchmark), not copied
//   MergedEventSource   several sources (one file per instrument) merged by exchange time; ties go
//                       to the earlier source, and within a source keep its order (deterministic)
//   LobsterEventSource  a LOBSTER message file: order events, plus a trade for each execution
//   TradeCsvEventSource / QuoteCsvEventSource   trade or quote CSV (event_csv.hpp)
//   ItchEventSource     a framed TotalView-ITCH 5.0 file: order events of the chosen stocks
//                       (A/F add, E/C fill, X cancel, D delete, U delete + add) and their prints
//                       (E, printable C, P hidden, Q cross) as trades; the ITCH book builder
//                       supplies the side and price that E/C/X/D leave out
//
// Errors name the file and the line (text) or byte offset (ITCH), and the field.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "marketdata/event_csv.hpp"
#include "marketdata/events.hpp"
#include "marketdata/lobster.hpp"

namespace alphintra::backtest {

class EventSource {
 public:
  virtual ~EventSource() = default;
  // Fills up to out.size() events; 0 at the end.
  virtual Result<std::size_t> read(std::span<marketdata::MarketEvent> out) = 0;
  // The next events, read into `scratch` or, where the source holds them already, a view of its
  // own (valid until the next call); empty at the end. The backtest loop reads through this.
  virtual Result<std::span<const marketdata::MarketEvent>> next(std::span<marketdata::MarketEvent> scratch) {
    auto got = read(scratch);
    if (!got) return got.error();
    return std::span<const marketdata::MarketEvent>(scratch.data(), *got);
  }
  // Total events when known in advance (progress display), else 0.
  virtual std::size_t sizeHint() const noexcept { return 0; }
};

class MemoryEventSource final : public EventSource {
 public:
  explicit MemoryEventSource(std::vector<marketdata::MarketEvent> events);
  Result<std::size_t> read(std::span<marketdata::MarketEvent> out) override;
  std::size_t sizeHint() const noexcept override { return events_.size(); }
  void rewind() noexcept { next_ = 0; }

 private:
  std::vector<marketdata::MarketEvent> events_;
  std::size_t next_ = 0;
};

// Events already in time order held by the caller (not copied): benchmarks replay one stream
// several times.
class SpanEventSource final : public EventSource {
 public:
  explicit SpanEventSource(std::span<const marketdata::MarketEvent> events) : events_(events) {}
  Result<std::size_t> read(std::span<marketdata::MarketEvent> out) override {
    const std::size_t n = std::min(out.size(), events_.size() - next_);
    std::copy_n(events_.begin() + static_cast<std::ptrdiff_t>(next_), n, out.begin());
    next_ += n;
    return n;
  }
  Result<std::span<const marketdata::MarketEvent>> next(std::span<marketdata::MarketEvent> scratch) override {
    const std::size_t n = std::min(scratch.size(), events_.size() - next_);  // no copy
    const auto view = events_.subspan(next_, n);
    next_ += n;
    return view;
  }
  std::size_t sizeHint() const noexcept override { return events_.size(); }

 private:
  std::span<const marketdata::MarketEvent> events_;
  std::size_t next_ = 0;
};

class MergedEventSource final : public EventSource {
 public:
  explicit MergedEventSource(std::vector<std::unique_ptr<EventSource>> sources);
  Result<std::size_t> read(std::span<marketdata::MarketEvent> out) override;
  std::size_t sizeHint() const noexcept override;

 private:
  struct Input {
    std::unique_ptr<EventSource> source;
    std::vector<marketdata::MarketEvent> buffer;
    std::size_t next = 0;
    std::size_t size = 0;
    bool done = false;
  };
  Result<bool> refill(Input& input);
  std::vector<Input> inputs_;
};

class LobsterEventSource final : public EventSource {
 public:
  static Result<std::unique_ptr<LobsterEventSource>> open(const std::filesystem::path& file,
                                                          marketdata::LobsterOptions options);
  Result<std::size_t> read(std::span<marketdata::MarketEvent> out) override;

 private:
  explicit LobsterEventSource(marketdata::LobsterReader reader) : reader_(std::move(reader)) {}
  marketdata::LobsterReader reader_;
  bool tradeWaiting_ = false;  // the trade of the last execution row, not yet handed out
  marketdata::TradeEvent trade_;
};

class TradeCsvEventSource final : public EventSource {
 public:
  static Result<std::unique_ptr<TradeCsvEventSource>> open(const std::filesystem::path& file,
                                                           marketdata::EventCsvOptions options);
  Result<std::size_t> read(std::span<marketdata::MarketEvent> out) override;

 private:
  explicit TradeCsvEventSource(marketdata::TradeCsvReader reader) : reader_(std::move(reader)) {}
  marketdata::TradeCsvReader reader_;
};

class QuoteCsvEventSource final : public EventSource {
 public:
  static Result<std::unique_ptr<QuoteCsvEventSource>> open(const std::filesystem::path& file,
                                                           marketdata::EventCsvOptions options);
  Result<std::size_t> read(std::span<marketdata::MarketEvent> out) override;

 private:
  explicit QuoteCsvEventSource(marketdata::QuoteCsvReader reader) : reader_(std::move(reader)) {}
  marketdata::QuoteCsvReader reader_;
};

struct ItchSourceOptions {
  Timestamp midnight;                     // UTC instant of the file's local midnight
  std::vector<std::uint16_t> locates;     // the stocks replayed (empty: all, instrument id = locate)
  std::vector<InstrumentId> instruments;  // the instrument of each of `locates`
};

// The stock directory of an ITCH file (R messages before the first order): locate → symbol.
Result<std::vector<std::pair<std::uint16_t, std::string>>> itchStockDirectory(const std::filesystem::path& file);

class ItchEventSource final : public EventSource {
 public:
  static Result<std::unique_ptr<ItchEventSource>> open(const std::filesystem::path& file, ItchSourceOptions options);
  ~ItchEventSource() override;
  Result<std::size_t> read(std::span<marketdata::MarketEvent> out) override;

 private:
  struct State;
  explicit ItchEventSource(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace alphintra::backtest
