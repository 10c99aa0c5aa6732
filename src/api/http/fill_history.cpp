#include "api/http/fill_history.hpp"
#include "core/thread_name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace alphintra::api::http {
namespace {

// A prepared statement, finalized on scope exit.
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  Statement(sqlite3* db, const std::string& sql) { sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr); }
  ~Statement() { sqlite3_finalize(stmt); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
};

Error sqliteError(sqlite3* db, std::string_view what) {
  return makeError("fills", fmt::format("{}: {}", what, db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

// A failure inside the open transaction: rolls it back (the next flush begins a new one) and says why.
Error rollback(sqlite3* db, std::string_view what) {
  Error e = sqliteError(db, what);
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return e;
}

// Runs a bound statement of the open transaction and resets it for the next row.
std::optional<Error> stepRow(sqlite3* db, sqlite3_stmt* stmt, std::string_view what) {
  if (sqlite3_step(stmt) != SQLITE_DONE) return rollback(db, what);
  sqlite3_reset(stmt);
  return std::nullopt;
}

Result<sqlite3*> openConnection(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    Error e = sqliteError(db, fmt::format("cannot open {}", file.string()));
    sqlite3_close(db);
    return e;
  }
  sqlite3_busy_timeout(db, 5'000);
  return db;
}

}  // namespace

Result<std::unique_ptr<FillHistory>> FillHistory::open(const std::filesystem::path& file) {
  auto writer = openConnection(file);
  if (!writer.ok()) return writer.error();
  const char* schema =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
      "CREATE TABLE IF NOT EXISTS fills(exec_id INTEGER PRIMARY KEY, account INTEGER NOT NULL,"
      " instrument INTEGER NOT NULL, json TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS fills_account ON fills(account, exec_id);"
      "CREATE TABLE IF NOT EXISTS orders(order_id INTEGER PRIMARY KEY, account INTEGER NOT NULL,"
      " instrument INTEGER NOT NULL, status INTEGER NOT NULL, json TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS orders_account ON orders(account, order_id);"
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);";
  if (sqlite3_exec(writer.value(), schema, nullptr, nullptr, nullptr) != SQLITE_OK) {
    Error e = sqliteError(writer.value(), fmt::format("cannot create the fills table in {}", file.string()));
    sqlite3_close(writer.value());
    return e;
  }
  auto reader = openConnection(file);
  if (!reader.ok()) {
    sqlite3_close(writer.value());
    return reader.error();
  }
  std::unique_ptr<FillHistory> history(new FillHistory(writer.value(), reader.value()));
  auto through = history->scalar("SELECT value FROM meta WHERE key = 'events_through'");
  auto lastExec = through.ok() ? history->scalar("SELECT max(exec_id) FROM fills") : through;
  if (!lastExec.ok()) return makeError("fills", fmt::format("{}: {}", file.string(), lastExec.error().message));
  history->openedEventsThrough_ = history->committedSeen_ = through.value();
  history->seen_.store(through.value(), std::memory_order_relaxed);
  history->durable_.store(through.value(), std::memory_order_release);
  history->openedLastExecId_ = lastExec.value();
  history->thread_ = namedThread("fill-history", [h = history.get()] { h->run(); });
  return history;
}

FillHistory::FillHistory(sqlite3* writer, sqlite3* reader) : writer_(writer), reader_(reader) {}

FillHistory::~FillHistory() {
  {
    std::lock_guard lock(queueMutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  (void)flush();
  sqlite3_close(reader_);
  sqlite3_close(writer_);
}

void FillHistory::append(const FillEntry& fill) {
  std::lock_guard lock(queueMutex_);
  if (queue_.size() >= kMaxQueued) {
    ++dropped_;
    return;
  }
  queue_.push_back(fill);
}

void FillHistory::appendOrder(const StoredOrder& order) {
  std::lock_guard lock(queueMutex_);
  orderQueue_.push_back(order);  // never dropped: the engine retires it once it is committed
}

void FillHistory::setOrderFormatter(OrderFormatter formatter) {
  std::lock_guard write(writeMutex_);
  formatter_ = std::move(formatter);
}

void FillHistory::advance(std::uint64_t sequence) noexcept {
  // Release: the appends before it are in the queue when a flush reads this value.
  if (sequence > seen_.load(std::memory_order_relaxed)) seen_.store(sequence, std::memory_order_release);
}

Result<std::uint64_t> FillHistory::scalar(const char* sql) const {
  Statement select(writer_, sql);
  if (select.stmt == nullptr) return sqliteError(writer_, "prepare");
  const int rc = sqlite3_step(select.stmt);
  if (rc == SQLITE_ROW) return static_cast<std::uint64_t>(sqlite3_column_int64(select.stmt, 0));
  if (rc == SQLITE_DONE) return std::uint64_t{0};
  return sqliteError(writer_, "read");
}

std::uint64_t FillHistory::dropped() const {
  std::lock_guard lock(queueMutex_);
  return dropped_;
}

void FillHistory::run() {
  std::unique_lock lock(queueMutex_);
  auto nextDurable = std::chrono::steady_clock::now() + kDurablePeriod;
  while (!stop_) {
    wake_.wait_for(lock, kFlushPeriod, [this] { return stop_; });
    lock.unlock();
    const bool durable = std::chrono::steady_clock::now() >= nextDurable;
    if (durable) nextDurable = std::chrono::steady_clock::now() + kDurablePeriod;
    (void)flush(durable);
    lock.lock();
  }
}

Result<bool> FillHistory::flush(bool durable) {
  std::lock_guard write(writeMutex_);
  // Read before taking the queue: every fill of the events through `seen` is then in the batch.
  const std::uint64_t seen = seen_.load(std::memory_order_acquire);
  std::vector<FillEntry> batch;
  std::vector<StoredOrder> orderBatch;
  {
    std::lock_guard lock(queueMutex_);
    batch.swap(queue_);
    orderBatch.swap(orderQueue_);
  }
  if (!durable && batch.empty() && orderBatch.empty() && seen == committedSeen_) return true;
  std::vector<OrderEntry> formatted;  // before the transaction: formatting takes no lock of the database
  formatted.reserve(orderBatch.size());
  for (const StoredOrder& o : orderBatch) {
    formatted.push_back(formatter_ ? formatter_(o) : OrderEntry{o.orderId, o.account, o.instrument, o.status, o.json});
  }
  // In WAL mode a FULL commit syncs the log, earlier (NORMAL) commits' frames included.
  if (durable && sqlite3_exec(writer_, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return sqliteError(writer_, "synchronous=FULL");
  }
  struct Restore {
    sqlite3* db;
    bool on;
    ~Restore() {
      if (on) sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
    }
  } restore{writer_, durable};
  if (sqlite3_exec(writer_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return sqliteError(writer_, "begin");
  Statement insert(writer_, "INSERT OR IGNORE INTO fills(exec_id, account, instrument, json) VALUES(?, ?, ?, ?)");
  if (insert.stmt == nullptr) return rollback(writer_, "prepare insert");
  for (const FillEntry& f : batch) {
    sqlite3_bind_int64(insert.stmt, 1, static_cast<sqlite3_int64>(f.execId));
    sqlite3_bind_int64(insert.stmt, 2, static_cast<sqlite3_int64>(f.account.value()));
    sqlite3_bind_int64(insert.stmt, 3, static_cast<sqlite3_int64>(f.instrument.value()));
    sqlite3_bind_text(insert.stmt, 4, f.json.data(), static_cast<int>(f.json.size()), SQLITE_STATIC);
    if (auto error = stepRow(writer_, insert.stmt, "insert")) return *error;
  }
  Statement insertOrder(
      writer_, "INSERT OR REPLACE INTO orders(order_id, account, instrument, status, json) VALUES(?, ?, ?, ?, ?)");
  if (insertOrder.stmt == nullptr) return rollback(writer_, "prepare order insert");
  for (const OrderEntry& o : formatted) {
    if (o.json.empty()) continue;  // nothing to answer with (no formatter, no JSON)
    sqlite3_bind_int64(insertOrder.stmt, 1, static_cast<sqlite3_int64>(o.orderId.value()));
    sqlite3_bind_int64(insertOrder.stmt, 2, static_cast<sqlite3_int64>(o.account.value()));
    sqlite3_bind_int64(insertOrder.stmt, 3, static_cast<sqlite3_int64>(o.instrument.value()));
    sqlite3_bind_int64(insertOrder.stmt, 4, static_cast<sqlite3_int64>(o.status));
    sqlite3_bind_text(insertOrder.stmt, 5, o.json.data(), static_cast<int>(o.json.size()), SQLITE_STATIC);
    if (auto error = stepRow(writer_, insertOrder.stmt, "insert order")) return *error;
  }
  Statement mark(writer_,
                 "INSERT INTO meta(key, value) VALUES('events_through', ?)"
                 " ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)");
  if (mark.stmt == nullptr) return rollback(writer_, "prepare mark");
  sqlite3_bind_int64(mark.stmt, 1, static_cast<sqlite3_int64>(seen));
  if (auto error = stepRow(writer_, mark.stmt, "mark")) return *error;
  if (sqlite3_exec(writer_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return sqliteError(writer_, "commit");
  committedSeen_ = seen;
  if (durable) durable_.store(seen, std::memory_order_release);
  return true;
}

Result<std::vector<FillEntry>> FillHistory::query(const OrderFilter& filter, std::uint64_t belowExecId) const {
  std::vector<FillEntry> out;
  if (filter.limit == 0 || (filter.accounts && filter.accounts->empty())) return out;
  std::string sql = "SELECT exec_id, account, instrument, json FROM fills WHERE exec_id < ?";
  if (filter.account) sql += " AND account = ?";
  if (filter.accounts) {
    sql += " AND account IN (";
    for (std::size_t i = 0; i < filter.accounts->size(); ++i) sql += i == 0 ? "?" : ", ?";
    sql += ")";
  }
  if (filter.instrument) sql += " AND instrument = ?";
  sql += " ORDER BY exec_id DESC LIMIT ?";
  std::lock_guard lock(readMutex_);
  Statement select(reader_, sql);
  if (select.stmt == nullptr) return sqliteError(reader_, "prepare query");
  int at = 1;
  const auto bind = [&](std::uint64_t v) { sqlite3_bind_int64(select.stmt, at++, static_cast<sqlite3_int64>(v)); };
  bind(std::min<std::uint64_t>(belowExecId, static_cast<std::uint64_t>(INT64_MAX)));
  if (filter.account) bind(filter.account->value());
  if (filter.accounts) {
    for (AccountId a : *filter.accounts) bind(a.value());
  }
  if (filter.instrument) bind(filter.instrument->value());
  bind(filter.limit);
  int rc;
  while ((rc = sqlite3_step(select.stmt)) == SQLITE_ROW) {
    FillEntry f;
    f.execId = static_cast<std::uint64_t>(sqlite3_column_int64(select.stmt, 0));
    f.account = AccountId{static_cast<std::uint64_t>(sqlite3_column_int64(select.stmt, 1))};
    f.instrument = InstrumentId{static_cast<std::uint64_t>(sqlite3_column_int64(select.stmt, 2))};
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(select.stmt, 3));
    f.json.assign(text != nullptr ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(select.stmt, 3)));
    out.push_back(std::move(f));
  }
  if (rc != SQLITE_DONE) return sqliteError(reader_, "query");
  return out;
}

namespace {

OrderEntry orderRow(sqlite3_stmt* stmt) {
  OrderEntry o;
  o.orderId = OrderId{static_cast<std::uint64_t>(sqlite3_column_int64(stmt, 0))};
  o.account = AccountId{static_cast<std::uint64_t>(sqlite3_column_int64(stmt, 1))};
  o.instrument = InstrumentId{static_cast<std::uint64_t>(sqlite3_column_int64(stmt, 2))};
  o.status = static_cast<oms::OrdStatus>(sqlite3_column_int64(stmt, 3));
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 4));
  o.json.assign(text != nullptr ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, 4)));
  return o;
}

}  // namespace

Result<std::optional<OrderEntry>> FillHistory::order(OrderId id) const {
  std::lock_guard lock(readMutex_);
  Statement select(reader_, "SELECT order_id, account, instrument, status, json FROM orders WHERE order_id = ?");
  if (select.stmt == nullptr) return sqliteError(reader_, "prepare order query");
  sqlite3_bind_int64(select.stmt, 1, static_cast<sqlite3_int64>(std::min<std::uint64_t>(id.value(), INT64_MAX)));
  const int rc = sqlite3_step(select.stmt);
  if (rc == SQLITE_ROW) return std::optional<OrderEntry>(orderRow(select.stmt));
  if (rc == SQLITE_DONE) return std::optional<OrderEntry>();
  return sqliteError(reader_, "order query");
}

Result<std::vector<OrderEntry>> FillHistory::orders(const OrderFilter& filter) const {
  std::vector<OrderEntry> out;
  if (filter.limit == 0 || (filter.accounts && filter.accounts->empty())) return out;
  if (filter.afterOrderId >= filter.beforeOrderId) return out;
  std::string sql =
      "SELECT order_id, account, instrument, status, json FROM orders WHERE order_id > ? AND order_id < ?";
  if (filter.account) sql += " AND account = ?";
  if (filter.accounts) {
    sql += " AND account IN (";
    for (std::size_t i = 0; i < filter.accounts->size(); ++i) sql += i == 0 ? "?" : ", ?";
    sql += ")";
  }
  if (filter.status) sql += " AND status = ?";
  if (filter.instrument) sql += " AND instrument = ?";
  sql += filter.newestFirst ? " ORDER BY order_id DESC LIMIT ?" : " ORDER BY order_id LIMIT ?";
  std::lock_guard lock(readMutex_);
  Statement select(reader_, sql);
  if (select.stmt == nullptr) return sqliteError(reader_, "prepare orders query");
  int at = 1;
  const auto bind = [&](std::uint64_t v) { sqlite3_bind_int64(select.stmt, at++, static_cast<sqlite3_int64>(v)); };
  bind(std::min<std::uint64_t>(filter.afterOrderId, static_cast<std::uint64_t>(INT64_MAX)));
  bind(std::min<std::uint64_t>(filter.beforeOrderId, static_cast<std::uint64_t>(INT64_MAX)));
  if (filter.account) bind(filter.account->value());
  if (filter.accounts) {
    for (AccountId a : *filter.accounts) bind(a.value());
  }
  if (filter.status) bind(static_cast<std::uint64_t>(*filter.status));
  if (filter.instrument) bind(filter.instrument->value());
  bind(filter.limit);
  int rc;
  while ((rc = sqlite3_step(select.stmt)) == SQLITE_ROW) out.push_back(orderRow(select.stmt));
  if (rc != SQLITE_DONE) return sqliteError(reader_, "orders query");
  return out;
}

}  // namespace alphintra::api::http
