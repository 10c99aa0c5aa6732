// ReadModel (see read_model.hpp): maps under shared_mutexes, written by the publisher thread;
// order reports formatted as JSON by the reader that asks for them.
#include "api/http/read_model.hpp"

#include "api/http/fill_history.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>

#include "api/json_events.hpp"
#include "core/decimal.hpp"

namespace alphintra::api::http {

ReadModel::ReadModel(std::function<bool(AccountId)> tracked) : tracked_(std::move(tracked)) {}

void ReadModel::addInstrument(const Instrument& instrument) {
  std::unique_lock lock(instrumentsMutex_);
  instruments_.try_emplace(instrument.id().value(), instrument);
}

void ReadModel::setFillHistory(FillHistory* history) {
  history_ = history;
  if (history_ != nullptr) history_->setOrderFormatter([this](const StoredOrder& o) { return toEntry(o); });
}

void ReadModel::useDirectory(const Directory& directory) { directory_.store(&directory, std::memory_order_release); }

void ReadModel::load(const engine::Engine& engine, const Directory& directory) {
  useDirectory(directory);
  for (const Instrument& i : engine.instruments()) {
    addInstrument(i);
    const Price settled = engine.ledger().settlementPrice(i.id());
    const auto scheduled = engine.ledger().scheduledSettlement(i.id());
    std::unique_lock lock(instrumentsMutex_);
    if (settled.isDefined()) settlements_[i.id().value()] = settled;
    if (scheduled) expiries_[i.id().value()] = Expiry{scheduled->at, scheduled->price};
  }
  // The engine's record as an order_status report: the same fields Engine::report fills.
  engine::EngineEvent event;
  event.kind = engine::EventKind::ExecutionReport;
  event.commandSequence = engine.lastSequence();
  engine.orders().forEach([&](const oms::OmsOrder& o) {
    if (!tracked_(o.account())) return;
    event.time = o.updatedTime;  // its last change: what retire() compares, as the engine does
    engine::ExecutionReport& r = event.body.execution;
    r = engine::ExecutionReport{};
    engine::describeOrder(o, r);
    r.execType = oms::ExecType::OrderStatus;
    apply(event, {});
  });
  // Loaded in id order; the queue of finished orders must be in report-time order.
  std::unique_lock lock(ordersMutex_);
  std::stable_sort(finishedQueue_.begin(), finishedQueue_.end());
}

bool ReadModel::keeps(const engine::EngineEvent& event) const noexcept {
  switch (event.kind) {
    case engine::EventKind::ExecutionReport:
      return !event.body.execution.orderId.isNone() && tracked_(event.body.execution.account);
    case engine::EventKind::Quote: return true;
    default: return false;
  }
}

void ReadModel::applyResult(const engine::CommandResultReport& r) {
  if (!r.accepted) return;
  // A new instrument: its definition is in the directory (the edge that parsed the command put
  // it there).
  if (r.commandType == static_cast<std::uint8_t>(engine::CommandType::DefineInstrument)) {
    const Directory* directory = directory_.load(std::memory_order_acquire);
    if (directory == nullptr) return;
    if (const Instrument* instrument = directory->instrument(InstrumentId{r.subject})) addInstrument(*instrument);
    return;
  }
  // A future's expiry scheduled (the answer carries when, and the price in `detail`); a later
  // schedule replaces it.
  if (r.commandType == static_cast<std::uint8_t>(engine::CommandType::ScheduleSettlement)) {
    std::unique_lock lock(instrumentsMutex_);
    if (!settlements_.contains(r.subject)) expiries_[r.subject] = Expiry{Timestamp(r.value), Price::fromRaw(r.detail)};
    return;
  }
  // An instrument's trading status changed (the engine's answer carries the new one), or a
  // future had its final settlement (it is closed for good).
  TradingStatus status = TradingStatus::Closed;
  if (r.commandType == static_cast<std::uint8_t>(engine::CommandType::InstrumentStatus)) {
    if (r.value < 0 || r.value > static_cast<std::int64_t>(TradingStatus::Halted)) return;
    status = static_cast<TradingStatus>(r.value);
  } else if (r.commandType != static_cast<std::uint8_t>(engine::CommandType::SettleInstrument)) {
    return;
  }
  std::unique_lock lock(instrumentsMutex_);
  if (r.commandType == static_cast<std::uint8_t>(engine::CommandType::SettleInstrument)) {
    settlements_[r.subject] = Price::fromRaw(r.value);  // the result carries the price
    expiries_.erase(r.subject);
  }
  const auto it = instruments_.find(r.subject);
  if (it != instruments_.end()) it->second.setStatus(status);
}

bool ReadModel::wants(const engine::EngineEvent& event) const noexcept {
  if (event.kind == engine::EventKind::ExecutionReport && directory_.load(std::memory_order_acquire) != nullptr) {
    return false;  // formatted when read
  }
  return keeps(event);
}

void ReadModel::apply(const engine::EngineEvent& event, const std::string& json) {
  if (event.kind == engine::EventKind::CommandResult) return applyResult(event.body.result);
  if (!keeps(event)) return;
  if (event.kind == engine::EventKind::ExecutionReport) {
    const engine::ExecutionReport& r = event.body.execution;
    std::unique_lock lock(ordersMutex_);
    StoredOrder& entry = orders_[r.orderId.value()];
    const bool wasFinished = entry.orderId.value() != 0 && oms::isTerminal(entry.status);
    entry.orderId = r.orderId;
    entry.account = r.account;
    entry.instrument = r.instrument;
    entry.status = r.status;
    entry.report = event;
    entry.json = json;  // empty (no allocation) unless the caller formatted it
    if (history_ != nullptr && !wasFinished && oms::isTerminal(r.status)) {
      finishedQueue_.emplace_back(event.time.nanos(), r.orderId.value());  // to store before a purge
    }
    lock.unlock();
    if (r.execType == oms::ExecType::Trade) addFill(event);
  } else {
    std::unique_lock lock(quotesMutex_);
    QuoteEntry& entry = quotes_[event.body.quote.instrument.value()];
    entry.quote = event.body.quote;
    entry.time = event.time.nanos();
    entry.json = json;
  }
}

void ReadModel::addFill(const engine::EngineEvent& event) {
  std::optional<FillEntry> entry = formatFill(event);
  if (!entry) return;
  if (history_ != nullptr) history_->append(*entry);
  std::unique_lock lock(fillsMutex_);
  fills_.push_back(std::move(*entry));
  if (fills_.size() > kMaxFills) fills_.pop_front();
}

void ReadModel::recordReplayedFill(const engine::EngineEvent& event) {
  if (history_ == nullptr || !keeps(event) || event.kind != engine::EventKind::ExecutionReport ||
      event.body.execution.execType != oms::ExecType::Trade) {
    return;
  }
  if (std::optional<FillEntry> entry = formatFill(event)) history_->append(*entry);
}

std::optional<FillEntry> ReadModel::formatFill(const engine::EngineEvent& event) const {
  const engine::ExecutionReport& r = event.body.execution;
  const auto instrument = this->instrument(r.instrument);
  if (!instrument) return std::nullopt;
  nlohmann::ordered_json j;
  j["orderId"] = r.orderId.value();
  j["clientOrderId"] = std::string(r.clientOrderId.view());
  j["accountId"] = r.account.value();
  j["symbol"] = instrument->symbol();
  j["side"] = r.side == Side::Buy ? "buy" : "sell";
  j["price"] = instrument->formatPrice(r.lastPrice);
  j["quantity"] = instrument->formatQuantity(r.lastQuantity);
  j["fee"] = formatDecimal(r.lastFee.raw(), instrument->currency().minorUnits());
  j["feeCurrency"] = instrument->currency().code();
  j["liquidity"] = std::string(engine::toString(r.liquidity));
  j["tradeId"] = r.tradeId.value();
  j["execId"] = r.execId;
  j["time"] = event.time.nanos();
  return FillEntry{r.execId, r.account, r.instrument, j.dump()};
}

std::vector<FillEntry> ReadModel::fills(const OrderFilter& filter) const {
  std::vector<FillEntry> out;
  std::shared_lock lock(fillsMutex_);
  for (auto it = fills_.rbegin(); it != fills_.rend() && out.size() < filter.limit; ++it) {
    if (filter.account && it->account != *filter.account) continue;
    if (filter.accounts &&
        std::find(filter.accounts->begin(), filter.accounts->end(), it->account) == filter.accounts->end()) {
      continue;
    }
    if (filter.instrument && it->instrument != *filter.instrument) continue;
    out.push_back(*it);
  }
  if (history_ == nullptr || out.size() >= filter.limit) return out;
  const std::uint64_t below = fills_.empty() ? std::numeric_limits<std::uint64_t>::max() : fills_.front().execId;
  lock.unlock();
  OrderFilter rest = filter;
  rest.limit = filter.limit - out.size();
  auto older = history_->query(rest, below);
  if (older.ok()) {
    for (auto& f : older.value()) out.push_back(std::move(f));
  }
  return out;
}

std::vector<Instrument> ReadModel::instruments() const {
  std::shared_lock lock(instrumentsMutex_);
  std::vector<Instrument> out;
  out.reserve(instruments_.size());
  for (const auto& [id, instrument] : instruments_) out.push_back(instrument);
  return out;
}

std::optional<Price> ReadModel::settlementPrice(InstrumentId id) const {
  std::shared_lock lock(instrumentsMutex_);
  const auto it = settlements_.find(id.value());
  if (it == settlements_.end()) return std::nullopt;
  return it->second;
}

std::optional<ReadModel::Expiry> ReadModel::scheduledSettlement(InstrumentId id) const {
  std::shared_lock lock(instrumentsMutex_);
  const auto it = expiries_.find(id.value());
  if (it == expiries_.end()) return std::nullopt;
  return it->second;
}

std::optional<Instrument> ReadModel::instrument(InstrumentId id) const {
  std::shared_lock lock(instrumentsMutex_);
  const auto it = instruments_.find(id.value());
  if (it == instruments_.end()) return std::nullopt;
  return it->second;
}

OrderEntry ReadModel::toEntry(StoredOrder stored) const {
  OrderEntry out{stored.orderId, stored.account, stored.instrument, stored.status, std::move(stored.json)};
  if (out.json.empty()) {
    // Without a directory apply() was always handed the JSON, so there is one here.
    if (const Directory* directory = directory_.load(std::memory_order_acquire)) {
      out.json = formatEvent(stored.report, *directory);
    }
  }
  return out;
}

std::optional<OrderEntry> ReadModel::order(OrderId id) const {
  std::shared_lock lock(ordersMutex_);
  const auto it = orders_.find(id.value());
  if (it == orders_.end()) {
    lock.unlock();
    if (history_ == nullptr) return std::nullopt;
    auto stored = history_->order(id);  // retired by the engine, or from before this start
    return stored.ok() ? std::move(stored).value() : std::nullopt;
  }
  StoredOrder stored = it->second;
  lock.unlock();
  return toEntry(std::move(stored));
}

std::vector<OrderEntry> ReadModel::orders(const OrderFilter& filter) const {
  std::vector<StoredOrder> found;
  if (filter.afterOrderId < filter.beforeOrderId) {
    const auto matches = [&filter](const StoredOrder& entry) {
      if (filter.account && entry.account != *filter.account) return false;
      if (filter.accounts &&
          std::find(filter.accounts->begin(), filter.accounts->end(), entry.account) == filter.accounts->end()) {
        return false;
      }
      if (filter.status && entry.status != *filter.status) return false;
      return !filter.instrument || entry.instrument == *filter.instrument;
    };
    std::shared_lock lock(ordersMutex_);
    const auto first = orders_.upper_bound(filter.afterOrderId);
    const auto last = orders_.lower_bound(filter.beforeOrderId);  // one past the range
    const auto collect = [&](auto begin, auto end) {
      for (auto it = begin; it != end && found.size() < filter.limit; ++it) {
        if (matches(it->second)) found.push_back(it->second);
      }
    };
    if (filter.newestFirst) {
      collect(std::make_reverse_iterator(last), std::make_reverse_iterator(first));
    } else {
      collect(first, last);
    }
  }
  std::vector<OrderEntry> out;
  out.reserve(found.size());
  for (StoredOrder& stored : found) out.push_back(toEntry(std::move(stored)));
  // The history holds finished orders only: a query for live ones (status=new, ...) skips it.
  if (history_ == nullptr || (filter.status && !oms::isTerminal(*filter.status))) return out;
  // With the history: both lists in the same id order, merged, an order in both answered from
  // memory.
  auto stored = history_->orders(filter);
  if (!stored.ok() || stored.value().empty()) return out;
  const auto before = [&filter](const OrderEntry& x, const OrderEntry& y) {
    return filter.newestFirst ? x.orderId.value() > y.orderId.value() : x.orderId.value() < y.orderId.value();
  };
  std::vector<OrderEntry> merged;
  merged.reserve(std::min(filter.limit, out.size() + stored.value().size()));
  auto a = out.begin();
  auto b = stored.value().begin();
  while (merged.size() < filter.limit && (a != out.end() || b != stored.value().end())) {
    if (b == stored.value().end() || (a != out.end() && !before(*b, *a))) {
      if (b != stored.value().end() && a->orderId == b->orderId) ++b;
      merged.push_back(std::move(*a++));
    } else {
      merged.push_back(std::move(*b++));
    }
  }
  return merged;
}

std::optional<QuoteEntry> ReadModel::quote(InstrumentId id) const {
  std::shared_lock lock(quotesMutex_);
  const auto it = quotes_.find(id.value());
  if (it == quotes_.end()) return std::nullopt;
  return it->second;
}

std::size_t ReadModel::retire(Timestamp cutoff, OrderId below) {
  std::vector<StoredOrder> unstored;  // normally none: persistFinished stored them before the purge
  std::unique_lock lock(ordersMutex_);
  std::size_t dropped = 0;
  for (auto it = orders_.begin(); it != orders_.end() && it->first < below.value();) {
    if (oms::isTerminal(it->second.status) && it->second.report.time < cutoff) {
      if (history_ != nullptr && !it->second.persisted) unstored.push_back(std::move(it->second));
      it = orders_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  lock.unlock();
  for (const StoredOrder& o : unstored) history_->appendOrder(o);
  return dropped;
}

std::size_t ReadModel::persistFinished(Timestamp cutoff, std::size_t limit) {
  if (history_ == nullptr) return 0;
  std::vector<StoredOrder> batch;
  {
    std::unique_lock lock(ordersMutex_);
    while (!finishedQueue_.empty() && finishedQueue_.front().first < cutoff.nanos() && batch.size() < limit) {
      const auto it = orders_.find(finishedQueue_.front().second);
      finishedQueue_.pop_front();
      if (it == orders_.end() || it->second.persisted) continue;  // retired meanwhile, or stored
      it->second.persisted = true;
      batch.push_back(it->second);
    }
  }
  for (const StoredOrder& o : batch) history_->appendOrder(o);
  return batch.size();
}

std::size_t ReadModel::orderCount() const {
  std::shared_lock lock(ordersMutex_);
  return orders_.size();
}

}  // namespace alphintra::api::http
