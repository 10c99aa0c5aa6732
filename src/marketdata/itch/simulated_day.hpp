// SimulatedDay: the market simulator (simulator.hpp) trading equities of the default universe
// against an in-process engine on a simulated clock, for `alphintra simulate`: every command is
// applied at once (no threads, no journal), its events go back to the simulator after each step
// as they would from a live server, and the ITCH writer (itch_event_writer.hpp) turns them into
// a TotalView-ITCH 5.0 day.
//
// The session: the default universe and the simulator's accounts are applied at the session
// start; the simulator is called every `stepNanos` of simulated time until start + duration; the
// commands of one step are stamped at evenly spaced times within it (the last at the step's
// end), so that ITCH timestamps rise command by command. Orders still resting at the end stay on
// the books (the file ends like a feed at the end of the session, without a closing cross).
//
// Determinism: the same options give the same commands, events and bytes (the simulator's and the
// engine's contracts; nothing here reads a clock or a random source of its own).
//
// Memory: the engine keeps finished orders in its order table (engine.hpp), so memory grows with
// the session (about one order per two commands: 2.2 M orders and 1.4 GB resident for 6.5 h at the
// default 200 commands a second); ITCH bytes are handed out in pieces of about 4 MiB.
// Threading: one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "engine/engine.hpp"
#include "marketdata/itch/itch_event_writer.hpp"
#include "marketdata/simulator.hpp"

namespace alphintra::marketdata::itch {

struct SimulatedDayOptions {
  std::uint64_t seed = 42;
  Timestamp midnight;                                   // the instant ITCH times count from
  std::int64_t sessionStartNanos = 34'200'000'000'000;  // after midnight: 09:30
  std::int64_t durationNanos = 1'800'000'000'000;       // 30 min of simulated time
  std::vector<std::string> symbols;                     // equities of the default universe (empty: all)
  double ordersPerSecond = 200;                         // the simulator's command rate (1 .. 100 000)
  std::int64_t stepNanos = 10'000'000;                  // simulated time between simulator calls
  bool attributeMarketMakers = true;                    // market makers' orders as F, MPIDs MM01, MM02, ...
};

struct SimulatedDaySummary {
  std::uint64_t commands = 0;  // simulator commands applied
  std::uint64_t orders = 0;    // orders the engine holds at the end (finished ones included)
  std::uint64_t events = 0;    // engine events of the session
  std::uint64_t itchMessages = 0;
  std::uint64_t itchBytes = 0;
};

class SimulatedDay {
 public:
  // ITCH bytes, in pieces; an error stops the run with it.
  using ByteSink = std::function<std::optional<Error>(std::span<const std::uint8_t>)>;
  // Every engine event of the session (after the start-up commands), in order.
  using EventSink = std::function<std::optional<Error>(const engine::EngineEvent&)>;

  // Checks the options (an error names the option: symbols, duration, start, rate, step) and
  // applies the start-up commands.
  static Result<std::unique_ptr<SimulatedDay>> create(const SimulatedDayOptions& options);

  // Runs the whole session once. `itch` empty: no ITCH is written (the engine and the
  // simulator alone, e.g. for a baseline time).
  Result<SimulatedDaySummary> run(const ByteSink& itch, const EventSink& events = {});

  // Gives another writer the day's stocks and attributions, as the day's own writer has them
  // (to replay the session's events through it, e.g. to time the writer alone).
  void configure(ItchEventWriter& writer) const;

  const engine::Engine& engine() const noexcept { return engine_; }
  const ItchEventWriter& writer() const noexcept { return writer_; }
  // The simulated stocks; stock i has ITCH locate i + 1.
  const std::vector<Instrument>& stocks() const noexcept { return stocks_; }
  Timestamp midnight() const noexcept { return options_.midnight; }
  Timestamp sessionStart() const noexcept { return options_.midnight + options_.sessionStartNanos; }
  Timestamp sessionEnd() const noexcept { return sessionStart() + options_.durationNanos; }

 private:
  explicit SimulatedDay(const SimulatedDayOptions& options);
  std::optional<Error> startUp();
  void attributeMarketMakers(ItchEventWriter& writer) const;

  SimulatedDayOptions options_;
  engine::Engine engine_;
  MarketSimulator simulator_;
  std::vector<std::uint8_t> buffer_;
  ItchEventWriter writer_;
  std::vector<Instrument> stocks_;
  std::uint64_t sequence_ = 0;
  bool ran_ = false;
};

}  // namespace alphintra::marketdata::itch
