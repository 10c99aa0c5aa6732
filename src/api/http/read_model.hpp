// ReadModel: what the REST API answers queries from — instruments, the last execution report
// of each order, and the last quote of each instrument. The engine's own state belongs to the
// engine thread; this is the edge's copy, kept up to date by the publisher thread from the
// events (DESIGN.md: other threads learn about engine state only from events).
//
// Owns: instruments by id (reference data, from recovery and from definitions the server
// submits), orders by OrderId (the last report, plus the fields queries filter on), and quotes
// by instrument (the last quote as JSON and as numbers).
// Orders keep the report itself (a fixed-size event), not its JSON: most reports are never
// queried (a FIX client streaming orders reads its reports over FIX), so the JSON is written
// when a query reads the order — off the publisher thread, outside the lock. That needs the
// Directory, which load() records; before load(), or without it (tests), apply() keeps the JSON
// its caller formatted, as wants() asks for it.
// Invariants: an order's entry is its latest report (reports arrive in engine order); an order
// is there only when `tracked(account)` holds — the simulator's accounts are left out, else its
// ~200 orders a second would grow the map without bound. Finished orders stay (queries about
// them are the point) until the engine retires them: retire() drops the same ones, so that
// memory answers the same before and after a restart; with a FillHistory every finished order
// is also stored there as it finishes, and queries go on answering it from there.
// Threading: one writer (the publisher thread, or the starting thread before the runtime
// runs), many readers (HTTP I/O threads); a std::shared_mutex per map. Readers get copies.
// Fills (execution reports of type trade) of tracked accounts are kept too, at most kMaxFills,
// from the process's start; with a FillHistory (SQLite) they are also stored, and older fills
// (before the start, or beyond kMaxFills) are read from there.
// Instruments follow their trading status (the engine's accepted answer to instrument_status
// carries the new one), and an instrument the engine accepts later is added from the directory.
// Known limits: memory grows with the orders of tracked accounts between purges.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "api/directory.hpp"
#include "core/instrument.hpp"
#include "engine/engine.hpp"
#include "engine/event.hpp"

namespace alphintra::api::http {

struct OrderEntry {
  OrderId orderId;
  AccountId account;
  InstrumentId instrument;
  oms::OrdStatus status = oms::OrdStatus::New;
  std::string json;  // the last execution report, as api::formatEvent writes it
};

// An order as the model keeps it: the last report as an event; `json` only when the caller of
// apply() formatted it anyway (an HTTP answer) or the model has no directory to format with.
struct StoredOrder {
  OrderId orderId;
  AccountId account;
  InstrumentId instrument;
  oms::OrdStatus status = oms::OrdStatus::New;
  engine::EngineEvent report{};
  std::string json;
  bool persisted = false;  // finished and handed to the order history
};

struct QuoteEntry {
  engine::QuoteReport quote;
  std::int64_t time = 0;  // ns since the epoch
  std::string json;       // the quote event, as api::formatEvent writes it
};

struct FillEntry {
  std::uint64_t execId = 0;
  AccountId account;
  InstrumentId instrument;
  std::string json;  // {"orderId",...} as docs/api.md's GET /api/v1/fills lists it
};

struct OrderFilter {
  std::optional<std::vector<AccountId>> accounts;  // any of these (a principal's grants)
  std::optional<AccountId> account;
  std::optional<oms::OrdStatus> status;
  std::optional<InstrumentId> instrument;
  // Order lists: only ids strictly between these (a page), newest first when asked.
  std::uint64_t afterOrderId = 0;
  std::uint64_t beforeOrderId = UINT64_MAX;
  bool newestFirst = false;
  std::size_t limit = 1000;
};

class FillHistory;

class ReadModel {
 public:
  explicit ReadModel(std::function<bool(AccountId)> tracked);

  void addInstrument(const Instrument& instrument);
  // Instruments and orders of a recovered engine (before its threads start): each order gets an
  // order_status report built from the engine's record. `directory` (which must outlive the
  // model) formats the orders' reports when they are read, from now on.
  void load(const engine::Engine& engine, const Directory& directory);
  // From now on the directory formats orders' reports when they are read, and holds the
  // definitions of instruments the engine accepts later (define_instrument). load() calls it.
  void useDirectory(const Directory& directory);
  // Publisher thread: execution reports, quotes and instrument status changes update the model; `json` is
  // formatEvent(event) when the caller formatted it (since a waiting request may need it too),
  // else empty.
  void apply(const engine::EngineEvent& event, const std::string& json);
  // Whether apply() needs the event's JSON (the publisher skips formatting what nobody reads):
  // quotes, and execution reports of tracked accounts only while there is no directory.
  bool wants(const engine::EngineEvent& event) const noexcept;

  std::vector<Instrument> instruments() const;  // by id
  // A future's final settlement price (settle_instrument); nullopt while it has had none.
  std::optional<Price> settlementPrice(InstrumentId id) const;
  // A future's pending expiry (schedule_settlement): when, and at what price (undefined: the mark
  // then); nullopt when none is pending (or it has settled).
  struct Expiry {
    Timestamp at;
    Price price;
  };
  std::optional<Expiry> scheduledSettlement(InstrumentId id) const;
  std::optional<Instrument> instrument(InstrumentId id) const;
  // From memory, else (with a fill history) from the stored finished orders: an order the engine
  // retired is still answered.
  std::optional<OrderEntry> order(OrderId id) const;
  // By orderId (descending with filter.newestFirst), at most filter.limit: memory and the stored
  // finished orders merged.
  std::vector<OrderEntry> orders(const OrderFilter& filter) const;
  std::optional<QuoteEntry> quote(InstrumentId id) const;
  // Before the runtime starts: fills are also kept in `history` (fill_history.hpp), so that
  // fills() continues with those from before the process started.
  // Finished orders of tracked accounts are stored there too before the engine retires them
  // (persistFinished, retire), and order() / orders() answer from it what memory no longer holds.
  void setFillHistory(FillHistory* history);
  // After load(): a fill the recovery replay regenerated goes to the fill history only (it is
  // from before this start). Events of other kinds or of untracked accounts are ignored.
  void recordReplayedFill(const engine::EngineEvent& event);
  // Fills of tracked accounts, newest first (filter.status unused): those since the process
  // started from memory, then the older ones from the fill history when there is one.
  std::vector<FillEntry> fills(const OrderFilter& filter) const;
  std::size_t orderCount() const;
  // Publisher thread, on the answer to an engine purge_orders: drops the finished orders
  // (filled, canceled, rejected, expired) with ids below `below` (the engine's window start,
  // the answer's subject) whose last report is older than `cutoff` — what the engine retired.
  // Returns how many it dropped.
  // An order still unstored goes to the history as it is dropped (see persistFinished).
  std::size_t retire(Timestamp cutoff, OrderId below);
  // Hands the finished orders last reported before `cutoff`, not stored yet, to the history
  // (queued; its flush() commits them). The server calls it, and commits, before each purge it
  // sends, with a cutoff a little later than the purge's: so every order the engine retires is
  // already stored and a crash cannot lose one. Cost: the orders stored (a queue of finished
  // orders in report-time order, not a scan). Answers how many it queued.
  // At most `limit` at a time (the caller commits, then asks again).
  std::size_t persistFinished(Timestamp cutoff, std::size_t limit = SIZE_MAX);

 private:
  // Whether apply() keeps the event at all (an order report of a tracked account, a quote).
  bool keeps(const engine::EngineEvent& event) const noexcept;
  void applyResult(const engine::CommandResultReport& result);
  void addFill(const engine::EngineEvent& event);
  std::optional<FillEntry> formatFill(const engine::EngineEvent& event) const;
  // The query's answer for `stored`: its JSON written now when it has none. No lock held.
  OrderEntry toEntry(StoredOrder stored) const;

  std::function<bool(AccountId)> tracked_;
  std::atomic<const Directory*> directory_{nullptr};
  mutable std::shared_mutex instrumentsMutex_;
  std::map<std::uint64_t, Instrument> instruments_;
  std::map<std::uint64_t, Price> settlements_;  // futures' final settlement prices (instrumentsMutex_)
  std::map<std::uint64_t, Expiry> expiries_;    // futures' pending schedules (instrumentsMutex_)
  mutable std::shared_mutex ordersMutex_;
  std::map<std::uint64_t, StoredOrder> orders_;                       // ordered: lists come out by orderId
  std::deque<std::pair<std::int64_t, std::uint64_t>> finishedQueue_;  // (report time, order id), by time
  static constexpr std::size_t kMaxFills = 100'000;                   // oldest dropped beyond
  mutable std::shared_mutex fillsMutex_;
  std::deque<FillEntry> fills_;
  FillHistory* history_ = nullptr;
  mutable std::shared_mutex quotesMutex_;
  std::map<std::uint64_t, QuoteEntry> quotes_;
};

}  // namespace alphintra::api::http
