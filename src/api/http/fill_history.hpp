// FillHistory: the fills and the finished orders of the platform's accounts kept across
// restarts, in SQLite (DATA_DIR/fills.db), so GET /api/v1/fills lists fills from before the
// process started — the engine keeps positions, not a fill history, and the in-memory read model
// only holds the fills since the start — and GET /api/v1/orders still answers an order after the
// engine has retired it (engine PurgeOrders).
//
// Owns: the database file (table fills: exec_id primary key, account, instrument, the fill's
// JSON as GET /api/v1/fills lists it; table orders: order_id primary key, account, instrument,
// status, the order's last report as GET /api/v1/orders answers it); two connections, one for
// the writer thread and one for queries. WAL journal, synchronous NORMAL: a commit survives a process crash (kill -9);
// a power cut may lose the last commits (the engine's journal, not this projection, is the record).
// Threading: append() on the publisher thread only queues (bounded; beyond kMaxQueued a fill is
// dropped and counted — history must never slow the engine down); appendOrder() queues too,
// never dropping (the read model hands over batches its caller commits before retiring them);
// the writer thread formats the orders' JSON and commits both queues in one transaction every
// kFlushPeriod (or flush() does, from any thread); queries from any thread.
// Invariants: exec ids are the engine's, unique and increasing, so a fill seen twice (a replay)
// is stored once, and "older than exec id X" splits memory from history exactly.
// Crash recovery: each commit also records `eventsThrough`, the engine sequence through which
// every event has been queued (advance()), in the same transaction as the fills. A kill -9 loses
// at most the commits after it; on the next start the server recovers the engine from a snapshot
// no newer than eventsThrough() and hands the fills the replay regenerates back here (the
// primary key drops the ones already stored), so the history has no hole.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "api/http/read_model.hpp"
#include "core/result.hpp"

namespace alphintra::api::http {

class FillHistory {
 public:
  static constexpr std::size_t kMaxQueued = 1'000'000;
  static constexpr std::chrono::milliseconds kFlushPeriod{200};

  static Result<std::unique_ptr<FillHistory>> open(const std::filesystem::path& file);
  ~FillHistory();  // commits what is queued
  FillHistory(const FillHistory&) = delete;
  FillHistory& operator=(const FillHistory&) = delete;

  void append(const FillEntry& fill);  // publisher thread
  // A finished order's last report (any thread: the read model queues them before a purge);
  // stored by order id, a later one for the same order replacing it. Its JSON is written by
  // `formatter` on the writer thread.
  void appendOrder(const StoredOrder& order);
  using OrderFormatter = std::function<OrderEntry(const StoredOrder&)>;
  void setOrderFormatter(OrderFormatter formatter);  // before the first appendOrder
  // Every event of engine sequences up to `sequence` has been appended (publisher thread).
  void advance(std::uint64_t sequence) noexcept;
  // As committed when the file was opened: the sequence recorded with the last commit (0 for a
  // new file or one written before this was recorded) and the highest exec id stored.
  std::uint64_t eventsThrough() const noexcept { return openedEventsThrough_; }
  std::uint64_t lastExecId() const noexcept { return openedLastExecId_; }
  // The sequence recorded with the latest commit synced to disk (any thread): a restart, even
  // after a power cut, recovers from a snapshot no newer than this (the journal's retention
  // keeps what that needs). The writer thread syncs a commit every kDurablePeriod.
  std::uint64_t durableEventsThrough() const noexcept { return durable_.load(std::memory_order_acquire); }
  static constexpr std::chrono::seconds kDurablePeriod{60};
  // Commits the queue now (the writer thread does it every kFlushPeriod). Any thread.
  // `durable`: the commit is synced to disk (synchronous=FULL), and with it every earlier one —
  // what the server asks before it lets the engine retire the orders just stored, so that not
  // even a power cut loses them.
  Result<bool> flush(bool durable = false);
  // Fills with execId < belowExecId matching the filter (accounts, account, instrument), newest
  // first, at most filter.limit.
  Result<std::vector<FillEntry>> query(const OrderFilter& filter, std::uint64_t belowExecId) const;
  std::uint64_t dropped() const;
  // A stored order by id; the stored orders matching the filter (filter.status included) in id
  // order, at most filter.limit.
  Result<std::optional<OrderEntry>> order(OrderId id) const;
  Result<std::vector<OrderEntry>> orders(const OrderFilter& filter) const;

 private:
  FillHistory(sqlite3* writer, sqlite3* reader);
  void run();
  Result<std::uint64_t> scalar(const char* sql) const;  // one integer (0 when no row or NULL)

  sqlite3* writer_;
  sqlite3* reader_;
  mutable std::mutex queueMutex_;
  std::vector<FillEntry> queue_;
  std::vector<StoredOrder> orderQueue_;
  OrderFormatter formatter_;
  std::uint64_t dropped_ = 0;
  std::atomic<std::uint64_t> seen_{0};
  std::uint64_t committedSeen_ = 0;        // under writeMutex_
  std::atomic<std::uint64_t> durable_{0};  // committedSeen_ as of the last synced commit
  std::uint64_t openedEventsThrough_ = 0;
  std::uint64_t openedLastExecId_ = 0;
  std::mutex writeMutex_;  // one flush at a time (the thread, flush(), the destructor)
  mutable std::mutex readMutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace alphintra::api::http
