// WsHub (see websocket_hub.hpp): subscription lists, fan-out, book samples and heartbeats.
#include "api/http/websocket_hub.hpp"

#include "engine/command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "api/json_events.hpp"
#include "core/thread_name.hpp"

namespace alphintra::api::http {
namespace {

std::int64_t systemNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool contains(const std::vector<std::shared_ptr<WsSession>>& list, const WsSession& session) {
  return std::any_of(list.begin(), list.end(), [&](const auto& s) { return s.get() == &session; });
}

void erase(std::vector<std::shared_ptr<WsSession>>& list, const WsSession& session) {
  std::erase_if(list, [&](const auto& s) { return s.get() == &session; });
}

std::shared_ptr<const std::string> frameOf(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

}  // namespace

WsHub::WsHub(const Directory& directory, Authenticate authenticate, DepthSampler depth, WsHubOptions options)
    : directory_(directory),
      authenticate_(std::move(authenticate)),
      depth_(std::move(depth)),
      options_(std::move(options)) {
  if (!options_.clock) options_.clock = systemNanos;
}

WsHub::~WsHub() { stop(); }

std::shared_ptr<WsSession> WsHub::accept(std::weak_ptr<WebSocketTransport> transport) {
  auto session = std::make_shared<WsSession>(*this, std::move(transport), options_.limits);
  std::lock_guard lock(mutex_);
  sessions_.push_back(session);
  return session;
}

Result<auth::Principal> WsHub::authenticate(std::string_view token) const {
  if (!authenticate_) return makeError("token", "this server verifies no tokens");
  return authenticate_(token);
}

WsHub::InstrumentState& WsHub::instrumentState(const Instrument& instrument) {
  auto it = instruments_.find(instrument.id().value());
  if (it == instruments_.end()) it = instruments_.emplace(instrument.id().value(), InstrumentState(instrument)).first;
  return it->second;
}

std::optional<WsError> WsHub::subscribe(const std::shared_ptr<WsSession>& session, const WsRequest& request,
                                        const auth::Principal& principal) {
  auto error = addSubscription(session, request, principal);
  if (!error && request.channel == WsChannel::Book) {
    // The snapshot goes out now rather than at the next period.
    {
      std::lock_guard lock(samplerMutex_);
      bookWanted_ = true;
    }
    samplerWake_.notify_all();
  }
  return error;
}

std::optional<WsError> WsHub::addSubscription(const std::shared_ptr<WsSession>& session, const WsRequest& request,
                                              const auth::Principal& principal) {
  // Everything the request names is checked before anything changes.
  std::vector<Instrument> instruments;
  for (const std::string& symbol : request.symbols) {
    auto instrument = directory_.instrumentBySymbol(symbol);
    if (!instrument) {
      return WsError{request.id, "unknown_symbol", fmt::format("unknown symbol \"{}\"", symbol), "symbols"};
    }
    instruments.push_back(std::move(*instrument));
  }
  std::optional<marketdata::BarSpec> spec;
  if (request.channel == WsChannel::Bars) {
    auto span = marketdata::parseInterval(request.interval);
    if (!span.ok()) return WsError{request.id, "invalid_request", span.error().message, "interval"};
    spec = marketdata::BarSpec{marketdata::BarKind::Time, span.value()};
  }

  std::lock_guard lock(mutex_);
  if (!contains(sessions_, *session)) return WsError{request.id, "closed", "the connection is closing", ""};
  if (!session->push(wsAck(request.id))) {
    detachLocked(*session);
    return std::nullopt;
  }
  framesQueued_.fetch_add(1, std::memory_order_relaxed);
  const auto add = [&session](SessionList& list) {
    if (!contains(list, *session)) list.push_back(session);
  };
  if (request.channel == WsChannel::Orders) {
    const auto it = std::find_if(orders_.begin(), orders_.end(), [&](const auto& o) { return o.session == session; });
    if (it == orders_.end()) {
      orders_.push_back(OrderSubscriber{session, principal});
    } else {
      it->principal = principal;
    }
    return std::nullopt;
  }
  for (const Instrument& instrument : instruments) {
    InstrumentState& state = instrumentState(instrument);
    switch (request.channel) {
      case WsChannel::Quotes: add(state.quotes); break;
      case WsChannel::Trades: add(state.trades); break;
      case WsChannel::Book:
        if (!contains(state.book.active, *session)) add(state.book.pending);
        break;
      case WsChannel::Bars: {
        auto bar = std::find_if(state.bars.begin(), state.bars.end(),
                                [&](const BarState& b) { return b.aggregator.spec().size == spec->size; });
        if (bar == state.bars.end()) {
          auto aggregator = marketdata::BarAggregator::create(instrument.id(), *spec);
          if (!aggregator.ok()) break;  // parseInterval vouched for the spec
          state.bars.push_back(BarState{request.interval, std::move(aggregator).value(), {}});
          bar = std::prev(state.bars.end());
        }
        add(bar->subscribers);
        marketdata::Bar current;
        marketdata::BarAggregator open = bar->aggregator;  // flush hands out the open bar and closes it
        if (open.flush(current) && session->push(wsBar(state.instrument, bar->interval, current))) {
          framesQueued_.fetch_add(1, std::memory_order_relaxed);
        }
        break;
      }
      case WsChannel::Status: {
        add(state.status);
        const auto known = statuses_.find(instrument.id().value());
        const TradingStatus now = known != statuses_.end() ? known->second : state.instrument.status();
        if (session->push(frameOf(wsStatus(state.instrument, now, options_.clock())))) {
          framesQueued_.fetch_add(1, std::memory_order_relaxed);
        }
        break;
      }
      case WsChannel::Orders: break;
    }
  }
  return std::nullopt;
}

std::optional<WsError> WsHub::unsubscribe(const WsSession& session, const WsRequest& request) {
  std::vector<InstrumentId> ids;
  for (const std::string& symbol : request.symbols) {
    auto instrument = directory_.instrumentBySymbol(symbol);
    if (!instrument) {
      return WsError{request.id, "unknown_symbol", fmt::format("unknown symbol \"{}\"", symbol), "symbols"};
    }
    ids.push_back(instrument->id());
  }
  std::int64_t span = 0;
  if (request.channel == WsChannel::Bars) {
    auto parsed = marketdata::parseInterval(request.interval);
    if (!parsed.ok()) return WsError{request.id, "invalid_request", parsed.error().message, "interval"};
    span = parsed.value();
  }
  std::lock_guard lock(mutex_);
  if (request.channel == WsChannel::Orders) {
    std::erase_if(orders_, [&](const auto& o) { return o.session.get() == &session; });
    return std::nullopt;
  }
  for (InstrumentId id : ids) {
    const auto it = instruments_.find(id.value());
    if (it == instruments_.end()) continue;  // never subscribed: nothing to undo
    InstrumentState& state = it->second;
    switch (request.channel) {
      case WsChannel::Quotes: erase(state.quotes, session); break;
      case WsChannel::Trades: erase(state.trades, session); break;
      case WsChannel::Status: erase(state.status, session); break;
      case WsChannel::Book:
        erase(state.book.active, session);
        erase(state.book.pending, session);
        break;
      case WsChannel::Bars:
        for (BarState& bar : state.bars) {
          if (bar.aggregator.spec().size == span) erase(bar.subscribers, session);
        }
        break;
      case WsChannel::Orders: break;
    }
  }
  return std::nullopt;
}

void WsHub::updatePrincipal(const WsSession& session, const auth::Principal& principal) {
  std::lock_guard lock(mutex_);
  for (OrderSubscriber& o : orders_) {
    if (o.session.get() == &session) o.principal = principal;
  }
}

void WsHub::detach(const WsSession& session) {
  std::lock_guard lock(mutex_);
  detachLocked(session);
}

void WsHub::detachLocked(const WsSession& session) {
  if (!contains(sessions_, session)) return;
  if (session.slowConsumer()) slowConsumers_.fetch_add(1, std::memory_order_relaxed);
  // The session may be owned only by these lists: keep it alive until the erasing is done.
  std::shared_ptr<WsSession> keep;
  for (const auto& s : sessions_) {
    if (s.get() == &session) keep = s;
  }
  erase(sessions_, session);
  std::erase_if(orders_, [&](const auto& o) { return o.session.get() == &session; });
  for (auto& [id, state] : instruments_) {
    erase(state.quotes, session);
    erase(state.trades, session);
    erase(state.status, session);
    erase(state.book.active, session);
    erase(state.book.pending, session);
    for (BarState& bar : state.bars) erase(bar.subscribers, session);
  }
}

std::size_t WsHub::sessionCount() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void WsHub::fanOut(SessionList& list, const std::shared_ptr<const std::string>& frame) {
  for (const auto& session : list) {
    if (session->push(frame)) {
      framesQueued_.fetch_add(1, std::memory_order_relaxed);
    } else {
      overflowed_.push_back(session.get());
    }
  }
}

void WsHub::onEvent(const engine::EngineEvent& event) {
  std::lock_guard lock(mutex_);
  switch (event.kind) {
    case engine::EventKind::Quote: {
      const auto it = instruments_.find(event.body.quote.instrument.value());
      if (it == instruments_.end() || it->second.quotes.empty()) return;
      fanOut(it->second.quotes, frameOf(wsQuote(it->second.instrument, event.body.quote, event.time.nanos())));
      break;
    }
    case engine::EventKind::PublicTrade: {
      const engine::PublicTradeReport& trade = event.body.trade;
      const auto it = instruments_.find(trade.instrument.value());
      if (it == instruments_.end()) return;
      InstrumentState& state = it->second;
      if (!state.trades.empty()) fanOut(state.trades, frameOf(wsTrade(state.instrument, trade, event.time.nanos())));
      for (BarState& bar : state.bars) {
        marketdata::Bar completed;
        (void)bar.aggregator.onTrade(event.time, trade.price, trade.quantity, completed);
        if (bar.subscribers.empty()) continue;
        marketdata::Bar current;
        marketdata::BarAggregator open = bar.aggregator;  // flush hands out the open bar and closes it
        if (open.flush(current)) fanOut(bar.subscribers, frameOf(wsBar(state.instrument, bar.interval, current)));
      }
      break;
    }
    case engine::EventKind::ExecutionReport: {
      if (orders_.empty()) return;
      const AccountId account = event.body.execution.account;
      if (options_.orderAccounts && !options_.orderAccounts(account)) return;
      std::shared_ptr<const std::string> frame;
      for (const OrderSubscriber& o : orders_) {
        if (!o.principal.canRead(account)) continue;
        if (!frame) frame = frameOf(wsOrder(formatEvent(event, directory_)));
        if (o.session->push(frame)) {
          framesQueued_.fetch_add(1, std::memory_order_relaxed);
        } else {
          overflowed_.push_back(o.session.get());
        }
      }
      break;
    }
    case engine::EventKind::CommandResult: {
      const engine::CommandResultReport& r = event.body.result;
      // A status change carries the new status; a final settlement closes the instrument.
      const bool settled = r.commandType == static_cast<std::uint8_t>(engine::CommandType::SettleInstrument);
      if (!r.accepted ||
          (!settled && (r.commandType != static_cast<std::uint8_t>(engine::CommandType::InstrumentStatus) ||
                        r.value < 0 || r.value > static_cast<std::int64_t>(TradingStatus::Halted)))) {
        return;
      }
      const auto status = settled ? TradingStatus::Closed : static_cast<TradingStatus>(r.value);
      statuses_[r.subject] = status;
      const auto it = instruments_.find(r.subject);
      if (it == instruments_.end() || it->second.status.empty()) return;
      fanOut(it->second.status, frameOf(wsStatus(it->second.instrument, status, event.time.nanos())));
      break;
    }
    case engine::EventKind::CancelReject: return;
  }
  for (const WsSession* session : overflowed_) detachLocked(*session);
  overflowed_.clear();
}

void WsHub::sampleBooks() {
  std::vector<InstrumentId> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, state] : instruments_) {
      if (!state.book.active.empty() || !state.book.pending.empty()) ids.push_back(InstrumentId{id});
    }
  }
  if (ids.empty() || !depth_) return;
  std::vector<BookDepth> depths;
  if (!depth_(ids, options_.bookLevels, depths) || depths.size() != ids.size()) return;

  std::lock_guard lock(mutex_);
  std::vector<book::LevelView> bids;
  std::vector<book::LevelView> asks;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto it = instruments_.find(ids[i].value());
    if (it == instruments_.end()) continue;
    InstrumentState& state = it->second;
    BookState& book = state.book;
    bids.clear();
    asks.clear();
    diffSide(book.depth.bids, depths[i].bids, bids);
    diffSide(book.depth.asks, depths[i].asks, asks);
    const bool changed = !book.sampled || !bids.empty() || !asks.empty();
    if (changed) {
      ++book.sequence;
      if (book.sampled && !book.active.empty())
        fanOut(book.active, frameOf(wsBook(state.instrument, book.sequence, false, bids, asks)));
      book.depth = std::move(depths[i]);
      book.sampled = true;
    }
    if (!book.pending.empty()) {
      const auto snapshot = frameOf(wsBook(state.instrument, book.sequence, true, book.depth.bids, book.depth.asks));
      fanOut(book.pending, snapshot);
      for (auto& session : book.pending) {
        if (!session->closing()) book.active.push_back(std::move(session));
      }
      book.pending.clear();
    }
  }
  for (const WsSession* session : overflowed_) detachLocked(*session);
  overflowed_.clear();
}

void WsHub::heartbeat() {
  std::lock_guard lock(mutex_);
  if (sessions_.empty()) return;
  fanOut(sessions_, frameOf(wsHeartbeat(options_.clock())));
  for (const WsSession* session : overflowed_) detachLocked(*session);
  overflowed_.clear();
}

void WsHub::start() {
  if (sampler_.joinable()) return;
  {
    std::lock_guard lock(samplerMutex_);
    samplerStop_ = false;
  }
  sampler_ = namedThread("ws-sampler", [this] { sampleLoop(); });
}

void WsHub::stop() {
  {
    std::lock_guard lock(samplerMutex_);
    samplerStop_ = true;
  }
  samplerWake_.notify_all();
  if (sampler_.joinable()) sampler_.join();
}

void WsHub::sampleLoop() {
  auto nextHeartbeat = std::chrono::steady_clock::now() + options_.heartbeatPeriod;
  std::unique_lock lock(samplerMutex_);
  while (!samplerStop_) {
    samplerWake_.wait_for(lock, options_.bookPeriod, [this] { return samplerStop_ || bookWanted_; });
    if (samplerStop_) break;
    bookWanted_ = false;
    lock.unlock();
    sampleBooks();
    if (std::chrono::steady_clock::now() >= nextHeartbeat) {
      heartbeat();
      nextHeartbeat += options_.heartbeatPeriod;
    }
    lock.lock();
  }
}

}  // namespace alphintra::api::http
