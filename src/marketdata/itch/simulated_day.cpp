#include "marketdata/itch/simulated_day.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "marketdata/universe.hpp"

namespace alphintra::marketdata::itch {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::int64_t kNanosPerDay = 86'400 * kNanosPerSecond;
constexpr std::size_t kDrainBytes = 4u << 20;

engine::EngineOptions engineOptions(const SimulatedDayOptions& o) {
  engine::EngineOptions e;
  // Sized for the session's orders (finished ones stay in the table; about one order for every
  // two simulator commands), within sane bounds: the table grows past it if need be.
  const double expected = o.ordersPerSecond * static_cast<double>(o.durationNanos) / 1e9 / 2;
  e.expectedOrders = static_cast<std::size_t>(std::clamp(expected, 65'536.0, 4'194'304.0));
  return e;
}

SimulatorOptions simulatorOptions(const SimulatedDayOptions& o) {
  SimulatorOptions s;
  s.seed = o.seed;
  s.ordersPerSecond = o.ordersPerSecond;
  return s;
}

}  // namespace

SimulatedDay::SimulatedDay(const SimulatedDayOptions& options)
    : options_(options),
      engine_(engineOptions(options)),
      simulator_(simulatorOptions(options)),
      writer_(buffer_, options.midnight) {
  buffer_.reserve(kDrainBytes + (64u << 10));
}

Result<std::unique_ptr<SimulatedDay>> SimulatedDay::create(const SimulatedDayOptions& options) {
  if (options.sessionStartNanos < 0 || options.sessionStartNanos >= kNanosPerDay) {
    return makeError("start", "the session start must be a time of day, 00:00 to 23:59:59");
  }
  if (options.durationNanos <= 0) return makeError("duration", "the duration must be positive");
  if (options.sessionStartNanos + options.durationNanos > kNanosPerDay) {
    return makeError("duration",
                     fmt::format("the session ({} s from {} s after midnight) runs past midnight; "
                                 "an ITCH file holds one day",
                                 options.durationNanos / kNanosPerSecond, options.sessionStartNanos / kNanosPerSecond));
  }
  if (!(options.ordersPerSecond >= 1 && options.ordersPerSecond <= 100'000)) {
    return makeError("rate", fmt::format("{} orders a second is outside 1 .. 100000", options.ordersPerSecond));
  }
  if (options.stepNanos < 1'000'000 || options.stepNanos > 1'000'000'000) {
    return makeError("step", "the simulator's step must be 1 ms .. 1 s");
  }
  std::unique_ptr<SimulatedDay> day(new SimulatedDay(options));
  if (auto error = day->startUp()) return *error;
  return day;
}

std::optional<Error> SimulatedDay::startUp() {
  const Timestamp start = sessionStart();
  std::vector<engine::EngineEvent> events;
  const auto apply = [&](engine::Command c) -> std::optional<Error> {
    c.header.sequence = ++sequence_;
    c.header.time = start;
    events.clear();
    engine_.apply(c, events);
    if (events.empty() || events.back().kind != engine::EventKind::CommandResult ||
        !events.back().body.result.accepted) {
      return makeError("engine", fmt::format("start-up command {} refused", engine::toString(c.type())));
    }
    return std::nullopt;
  };
  for (const engine::Command& c : defaultUniverse()) {
    if (auto error = apply(c)) return error;
  }
  const SimulatorOptions simulator = simulatorOptions(options_);
  for (const engine::Command& c : simulatorAccounts(simulator)) {
    if (auto error = apply(c)) return error;
  }

  // The stocks, in the default universe's order (locates follow it).
  std::vector<std::string> unknown = options_.symbols;
  for (const auto& [id, price] : defaultReferencePrices()) {
    const Instrument* in = engine_.instrument(id);
    if (in == nullptr) continue;
    const bool wanted = options_.symbols.empty() ? in->assetClass() == AssetClass::Equity
                                                 : std::find(options_.symbols.begin(), options_.symbols.end(),
                                                             in->symbol()) != options_.symbols.end();
    if (!wanted) continue;
    std::erase(unknown, in->symbol());
    auto locate = writer_.addStock(*in);
    if (!locate) return makeError("instruments", locate.error().message);
    simulator_.addInstrument(*in, price);
    stocks_.push_back(*in);
  }
  if (!unknown.empty()) {
    return makeError("instruments", fmt::format("{} is not an instrument of the default universe", unknown.front()));
  }
  if (stocks_.empty()) return makeError("instruments", "no instrument to simulate");
  attributeMarketMakers(writer_);
  return std::nullopt;
}

void SimulatedDay::attributeMarketMakers(ItchEventWriter& writer) const {
  if (!options_.attributeMarketMakers) return;
  const SimulatorOptions simulator = simulatorOptions(options_);
  for (std::uint32_t i = 0; i < simulator.marketMakersPerInstrument && i < 99; ++i) {
    writer.attribute(AccountId{simulator.firstAccountId + i}, fmt::format("MM{:02}", i + 1));
  }
}

void SimulatedDay::configure(ItchEventWriter& writer) const {
  for (const Instrument& stock : stocks_) (void)writer.addStock(stock);  // checked by create()
  attributeMarketMakers(writer);
}

Result<SimulatedDaySummary> SimulatedDay::run(const ByteSink& itch, const EventSink& observe) {
  if (ran_) return makeError("session", "a simulated day runs once");
  ran_ = true;
  const bool writing = static_cast<bool>(itch);
  SimulatedDaySummary summary;
  const auto drain = [&](bool all) -> std::optional<Error> {
    if (!writing || buffer_.empty() || (!all && buffer_.size() < kDrainBytes)) return std::nullopt;
    summary.itchBytes += buffer_.size();
    auto error = itch(std::span<const std::uint8_t>(buffer_.data(), buffer_.size()));
    buffer_.clear();
    return error;
  };

  const Timestamp start = sessionStart();
  const Timestamp end = sessionEnd();
  if (writing) writer_.startOfDay(start);
  std::vector<engine::Command> batch;
  std::vector<engine::EngineEvent> events;
  std::vector<engine::EngineEvent> stepEvents;
  batch.reserve(1024);
  events.reserve(256);
  stepEvents.reserve(4096);
  simulator_.generate(start, batch);  // the first call only sets the simulator's clock
  Timestamp now = start;
  while (now < end) {
    const Timestamp previous = now;
    now = std::min(now + options_.stepNanos, end);
    batch.clear();
    simulator_.generate(now, batch);
    stepEvents.clear();
    const auto n = static_cast<std::int64_t>(batch.size());
    for (std::int64_t i = 0; i < n; ++i) {
      engine::Command c = batch[static_cast<std::size_t>(i)];
      c.header.sequence = ++sequence_;
      c.header.time = previous + (now - previous) * (i + 1) / n;
      events.clear();
      engine_.apply(c, events);
      stepEvents.insert(stepEvents.end(), events.begin(), events.end());
    }
    summary.commands += batch.size();
    summary.events += stepEvents.size();
    for (const engine::EngineEvent& e : stepEvents) {
      if (writing) writer_.onEvent(e);
      if (observe) {
        if (auto error = observe(e)) return *error;
      }
      simulator_.onEvent(e);
    }
    if (writer_.error()) return *writer_.error();
    if (auto error = drain(false)) return *error;
  }
  if (writing) {
    writer_.endOfDay(end);
    if (writer_.error()) return *writer_.error();
  }
  if (auto error = drain(true)) return *error;
  summary.itchMessages = writer_.counts().messages;
  summary.orders = engine_.orders().size();
  return summary;
}

}  // namespace alphintra::marketdata::itch
