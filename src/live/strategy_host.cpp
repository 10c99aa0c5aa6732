#include "live/strategy_host.hpp"

#include <algorithm>

#include "strategy/registry.hpp"

namespace alphintra::live {

StrategyHost::StrategyHost(std::function<void(engine::Command&)> send, std::string runTag, Factory factory)
    : runTag_(std::move(runTag)) {
  services_.send = std::move(send);
  services_.make = factory ? std::move(factory) : Factory(&strategy::makeStrategy);
  services_.setTimer = [this](std::uint32_t context, Timestamp at, std::uint64_t id) {
    timers_.push(Timer{at, timerOrder_++, context, contexts_[context]->generation(), id});
  };
}

LiveContext* StrategyHost::find(std::string_view id) const noexcept {
  for (const auto& c : contexts_) {
    if (c->spec().id == id) return c.get();
  }
  return nullptr;
}

std::optional<Error> StrategyHost::add(LiveStrategySpec spec, const engine::Engine& engine) {
  const auto fail = [&](const std::string& field, const std::string& why) {
    return makeError(field, "strategy '" + spec.id + "': " + why);
  };
  if (find(spec.id) != nullptr) return fail("strategy.id", "another strategy has this id (give each one id=NAME)");
  if (tracks(spec.account)) {
    return fail("strategy.account",
                "account " + std::to_string(spec.account.value()) +
                    " already runs a strategy (one strategy per account: positions are the account's)");
  }
  const oms::Account* account = engine.ledger().account(spec.account);
  if (account == nullptr)
    return fail("strategy.account", "account " + std::to_string(spec.account.value()) + " does not exist");
  std::vector<Instrument> instruments;
  for (const std::string& symbol : spec.symbols) {
    const Instrument* in = engine.instrumentBySymbol(symbol);
    if (in == nullptr) return fail("strategy.instruments", "no instrument '" + symbol + "'");
    for (const Instrument& other : instruments) {
      if (other.id() == in->id()) return fail("strategy.instruments", "'" + symbol + "' is named twice");
    }
    instruments.push_back(*in);
  }
  // The name and the parameters: build one instance now so that a typo fails the start-up.
  auto probe = services_.make(spec.name, spec.params);
  if (!probe.ok()) return fail(probe.error().field, probe.error().message);
  const std::size_t needed = probe.value()->instrumentsNeeded();
  if (needed != 0 && needed != instruments.size()) {
    return fail("strategy.instruments", spec.name + " trades " + std::to_string(needed) + " instruments, not " +
                                            std::to_string(instruments.size()));
  }
  const auto index = static_cast<std::uint32_t>(contexts_.size());
  const AccountId accountId = spec.account;
  auto context =
      std::make_unique<LiveContext>(services_, index, std::move(spec), instruments, account->baseCurrency(), runTag_);
  context->loadAccount(engine);
  for (strategy::InstrumentSlot s = 0; s < instruments.size(); ++s) {
    byInstrument_[instruments[s].id().value()].push_back(Subscriber{index, s});
  }
  byAccount_[accountId.value()] = index;
  contexts_.push_back(std::move(context));
  return std::nullopt;
}

void StrategyHost::startAll(Timestamp now) {
  services_.now = now;
  for (const auto& c : contexts_) {
    if (auto error = c->start()) c->stop(error->message);
  }
}

void StrategyHost::stopAll(Timestamp now) {
  services_.now = now;
  for (const auto& c : contexts_) c->stop();
}

std::optional<Error> StrategyHost::stop(std::string_view id, Timestamp now) {
  LiveContext* c = find(id);
  if (c == nullptr) return makeError("id", "no strategy '" + std::string(id) + "'");
  if (c->state() != StrategyState::Running)
    return makeError("state", "strategy '" + std::string(id) + "' is not running");
  services_.now = now;
  c->stop();
  return std::nullopt;
}

std::optional<Error> StrategyHost::start(std::string_view id, Timestamp now) {
  LiveContext* c = find(id);
  if (c == nullptr) return makeError("id", "no strategy '" + std::string(id) + "'");
  services_.now = now;
  return c->start();
}

bool StrategyHost::tracks(AccountId account) const noexcept { return byAccount_.contains(account.value()); }

std::vector<AccountId> StrategyHost::accounts() const {
  std::vector<AccountId> out;
  for (const auto& c : contexts_) out.push_back(c->spec().account);
  return out;
}

void StrategyHost::onEvent(const engine::EngineEvent& e) {
  services_.now = e.time;
  // Events come in the engine's time order: none still to come can fall in a bar ended by now.
  for (const auto& c : contexts_) c->closeBars(e.time);
  switch (e.kind) {
    case engine::EventKind::ExecutionReport: {
      const auto it = byAccount_.find(e.body.execution.account.value());
      if (it != byAccount_.end()) contexts_[it->second]->onReport(e.body.execution, e.commandSequence);
      return;
    }
    case engine::EventKind::PublicTrade: {
      const auto it = byInstrument_.find(e.body.trade.instrument.value());
      if (it == byInstrument_.end()) return;
      for (const Subscriber& s : it->second) contexts_[s.context]->onTrade(e.body.trade, e.time, s.slot);
      return;
    }
    case engine::EventKind::Quote: {
      const auto it = byInstrument_.find(e.body.quote.instrument.value());
      if (it == byInstrument_.end()) return;
      for (const Subscriber& s : it->second) contexts_[s.context]->onQuote(e.body.quote, e.time, s.slot);
      return;
    }
    case engine::EventKind::CommandResult: {
      // A future's final settlement closes the positions the mirrors hold in it (the value is
      // the settlement price).
      const engine::CommandResultReport& r = e.body.result;
      if (!r.accepted || r.commandType != static_cast<std::uint8_t>(engine::CommandType::SettleInstrument)) return;
      const auto it = byInstrument_.find(r.subject);
      if (it == byInstrument_.end()) return;
      for (const Subscriber& s : it->second) {
        contexts_[s.context]->onSettlement(s.slot, Price::fromRaw(r.value), e.commandSequence);
      }
      return;
    }
    case engine::EventKind::CancelReject: return;
  }
}

void StrategyHost::onClock(Timestamp now) {
  services_.now = now;
  while (!timers_.empty() && timers_.top().at <= now) {
    const Timer t = timers_.top();
    timers_.pop();
    LiveContext& c = *contexts_[t.context];
    if (c.generation() != t.generation || c.state() != StrategyState::Running) continue;
    services_.now = t.at;
    c.onTimer(t.id);
  }
  services_.now = now;
  for (const auto& c : contexts_) c->closeBars(now);
}

std::int64_t StrategyHost::bookPeriod() const noexcept {
  std::int64_t period = 0;
  for (const auto& c : contexts_) {
    const std::int64_t p = c->spec().bookNanos;
    if (p != 0 && (period == 0 || p < period)) period = p;
  }
  return period;
}

std::vector<InstrumentId> StrategyHost::bookInstruments() const {
  std::vector<InstrumentId> out;
  for (const auto& c : contexts_) {
    if (c->spec().bookNanos == 0) continue;
    for (const Instrument& in : c->instruments()) {
      if (std::find(out.begin(), out.end(), in.id()) == out.end()) out.push_back(in.id());
    }
  }
  return out;
}

namespace {

bool sameLevels(const strategy::BookUpdate& a, const strategy::BookUpdate& b) noexcept {
  for (std::size_t i = 0; i < strategy::BookUpdate::kLevels; ++i) {
    if (a.bids[i].price != b.bids[i].price || a.bids[i].quantity != b.bids[i].quantity) return false;
    if (a.asks[i].price != b.asks[i].price || a.asks[i].quantity != b.asks[i].quantity) return false;
  }
  return true;
}

}  // namespace

void StrategyHost::onBook(const strategy::BookUpdate& book, Timestamp now) {
  auto [last, first] = lastBook_.try_emplace(book.instrument.value(), book);
  if (!first) {
    if (sameLevels(last->second, book)) return;
    last->second = book;
  }
  const auto it = byInstrument_.find(book.instrument.value());
  if (it == byInstrument_.end()) return;
  services_.now = now;
  for (const Subscriber& s : it->second) contexts_[s.context]->onBook(book, s.slot);
}

void StrategyHost::resync(AccountId account, const oms::Valuation& v, std::uint64_t sequence) {
  const auto it = byAccount_.find(account.value());
  if (it != byAccount_.end()) contexts_[it->second]->resync(v, sequence);
}

void StrategyHost::status(std::vector<StrategyStatus>& out) const {
  out.clear();
  for (const auto& c : contexts_) {
    StrategyStatus s;
    const LiveStrategySpec& spec = c->spec();
    s.id = spec.id;
    s.name = spec.name;
    s.spec = spec.text;
    s.account = spec.account;
    s.instruments.assign(c->instruments().begin(), c->instruments().end());
    s.barNanos = spec.barNanos;
    s.parameters = spec.params.values();
    s.state = c->state();
    s.error = c->error();
    s.ordersSent = c->ordersSent();
    s.fills = c->fills();
    s.rejects = c->rejects();
    s.bookUpdates = c->bookUpdates();
    s.bookNanos = spec.bookNanos;
    for (strategy::InstrumentSlot slot = 0; slot < s.instruments.size(); ++slot) {
      s.positions.push_back(c->position(slot));
      s.openBuy.push_back(c->openQuantity(slot, Side::Buy));
      s.openSell.push_back(c->openQuantity(slot, Side::Sell));
    }
    s.currency = c->baseCurrency();
    s.cash = c->cash();
    s.equity = c->equity();
    s.startedAt = c->startedAt();
    out.push_back(std::move(s));
  }
}

}  // namespace alphintra::live
