// StrategyHost: the strategies running live inside `alphintra serve` (docs/strategies.md, "Live in
// serve"). It routes the engine's events to each strategy's LiveContext — quotes and public
// trades of its instruments (trades also build its time bars), the execution reports of its
// account — and fires its timers and the bars that ended on the clock. Control (stop, start)
// and a status copy for the REST API come from the same thread.
//
// The serve wiring (app/serve_strategies.cpp) runs one host on its own thread, fed by the
// publisher through a ring; tests drive it directly over an in-process engine. Either way the
// same contexts and strategies as in backtests: the strategy code does not know which it is in.
//
// Threading: one thread owns a StrategyHost (everything but the constructor's arguments).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/engine.hpp"
#include "engine/event.hpp"
#include "live/live_context.hpp"
#include "live/live_spec.hpp"

namespace alphintra::live {

// One strategy as the REST API shows it.
struct StrategyStatus {
  std::string id;
  std::string name;
  std::string spec;
  AccountId account;
  std::vector<Instrument> instruments;
  std::int64_t barNanos = 0;
  std::map<std::string, std::string> parameters;
  StrategyState state = StrategyState::Stopped;
  std::string error;
  std::uint64_t ordersSent = 0;
  std::uint64_t fills = 0;
  std::uint64_t rejects = 0;
  std::uint64_t bookUpdates = 0;  // onBook calls (strategies with `book=`)
  std::int64_t bookNanos = 0;
  std::vector<Quantity> positions;  // by slot
  std::vector<Quantity> openBuy;
  std::vector<Quantity> openSell;
  Currency currency;  // of cash and equity
  double cash = 0;
  double equity = 0;
  Timestamp startedAt;
};

class StrategyHost {
 public:
  using Factory =
      std::function<Result<std::unique_ptr<strategy::Strategy>>(std::string_view, const strategy::Parameters&)>;
  // `send` hands a command to the engine; `runTag` makes this start's client order ids unique
  // (e.g. the start time in base 36, at most 8 characters); `factory` builds strategies by name
  // (default: the built-in ones, strategy/registry.hpp).
  StrategyHost(std::function<void(engine::Command&)> send, std::string runTag, Factory factory = {});

  // Checks the spec against the recovered engine (instruments by symbol, the account, one
  // strategy per id and per account, the strategy's name and parameters) and loads the account.
  // Errors name the field ("strategy.instruments") and the strategy.
  std::optional<Error> add(LiveStrategySpec spec, const engine::Engine& engine);
  // Starts every strategy added (onStart), at `now`. A strategy that cannot start is Failed.
  void startAll(Timestamp now);
  // Stops every running strategy (onStop, its orders cancelled): the server is stopping.
  void stopAll(Timestamp now);

  void onEvent(const engine::EngineEvent& e);
  // Timers due and time bars ended by `now` (the live clock).
  void onClock(Timestamp now);
  // The top levels of an instrument's book (sampled by the caller every bookPeriod()): handed
  // to the strategies that asked for books (`book=` in their spec) when it changed.
  void onBook(const strategy::BookUpdate& book, Timestamp now);
  // The shortest `book=` period of the strategies (0: none asked), and the instruments to sample.
  std::int64_t bookPeriod() const noexcept;
  std::vector<InstrumentId> bookInstruments() const;
  // The engine's valuation of each strategy account at `sequence` (from a query on the engine thread).
  void resync(AccountId account, const oms::Valuation& v, std::uint64_t sequence);

  // REST control: an error names why (unknown id → field "id"; already in that state → "state").
  std::optional<Error> stop(std::string_view id, Timestamp now);
  std::optional<Error> start(std::string_view id, Timestamp now);

  void status(std::vector<StrategyStatus>& out) const;
  bool empty() const noexcept { return contexts_.empty(); }
  bool tracks(AccountId account) const noexcept;
  std::vector<AccountId> accounts() const;
  std::size_t size() const noexcept { return contexts_.size(); }

 private:
  struct Timer {
    Timestamp at;
    std::uint64_t order = 0;  // equal times fire in the order they were set
    std::uint32_t context = 0;
    std::uint64_t generation = 0;
    std::uint64_t id = 0;
    bool operator>(const Timer& o) const noexcept { return at != o.at ? at > o.at : order > o.order; }
  };
  struct Subscriber {
    std::uint32_t context = 0;
    strategy::InstrumentSlot slot = 0;
  };
  LiveContext* find(std::string_view id) const noexcept;

  HostServices services_;
  std::string runTag_;
  std::vector<std::unique_ptr<LiveContext>> contexts_;
  std::unordered_map<std::uint64_t, std::vector<Subscriber>> byInstrument_;
  std::unordered_map<std::uint64_t, std::uint32_t> byAccount_;
  std::unordered_map<std::uint64_t, strategy::BookUpdate> lastBook_;  // by instrument: the last one handed out
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::uint64_t timerOrder_ = 0;
};

}  // namespace alphintra::live
