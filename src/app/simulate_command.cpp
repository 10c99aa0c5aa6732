// `alphintra simulate`: the market simulator trading the default universe's equities against an
// in-process engine on a simulated clock (marketdata/itch/simulated_day.hpp), written as a
// Nasdaq TotalView-ITCH 5.0 file of the day (--itch) and/or into a history store (--out: trades
// and 1-second bars, as `alphintra serve` records them). Deterministic from --seed.
//
// Output: one summary line, then one JSON object on the last line with the figures (messages,
// bytes, wall and per-CPU-second rates, the load average) and, per stock, the engine's trades,
// volume and final book (every level: Price(4) price, shares, orders) — what the ITCH file must
// rebuild (tests/integration/simulate_itch_test.py checks it). Bad options: exit 2 with the
// option named.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "marketdata/bar_recorder.hpp"
#include "marketdata/history_store.hpp"
#include "marketdata/itch/simulated_day.hpp"
#include "marketdata/text_fields.hpp"

namespace alphintra::app {
namespace {

using marketdata::itch::SimulatedDay;
using marketdata::itch::SimulatedDayOptions;

struct SimulateArgs {
  std::string itch;
  std::string out;
  std::uint64_t seed = 42;
  std::string duration = "30m";
  std::string start = "09:30";
  std::string date = "2024-01-02";
  std::string utcOffset = "+00:00";
  std::string instruments;  // comma-separated symbols; empty: every equity
  double rate = 200;
  int writerPasses = 0;  // --time-writer: replays of the recorded events through a fresh writer
};

double threadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "null" : one;
}

// "90s", "30m", "6.5h" (a decimal number of seconds, minutes or hours) in nanoseconds.
Result<std::int64_t> parseDuration(std::string_view text) {
  std::int64_t unit = 0;
  std::string_view number = text;
  if (text.ends_with("ms")) {
    unit = 1'000'000;
    number.remove_suffix(2);
  } else if (text.ends_with('s')) {
    unit = 1'000'000'000;
  } else if (text.ends_with('m')) {
    unit = 60'000'000'000;
  } else if (text.ends_with('h')) {
    unit = 3'600'000'000'000;
  }
  if (unit == 0) {
    return makeError("duration", fmt::format("'{}' needs a unit: s, m or h (e.g. 90s, 30m, 6.5h)", text));
  }
  if (unit != 1'000'000) number.remove_suffix(1);
  std::int64_t scaled = 0;  // the number × 10^6
  std::string reason;
  if (!marketdata::parseRoundedDecimal(number, 6, scaled, reason) || scaled <= 0) {
    return makeError("duration",
                     fmt::format("'{}' is not a positive duration{}", text, reason.empty() ? "" : ": " + reason));
  }
  const std::int64_t nanosPerMillionth = unit / 1'000'000;
  if (scaled > 86'400'000'000'000 / nanosPerMillionth) {
    return makeError("duration", fmt::format("'{}' is longer than a day", text));
  }
  return scaled * nanosPerMillionth;
}

// "HH:MM" or "HH:MM:SS" in nanoseconds after midnight.
Result<std::int64_t> parseTimeOfDay(std::string_view text) {
  unsigned h = 0;
  unsigned m = 0;
  unsigned s = 0;
  char tail = 0;
  const std::string copy(text);
  const int n = std::sscanf(copy.c_str(), "%2u:%2u:%2u%c", &h, &m, &s, &tail);
  const bool shapeOk = (n == 2 && copy.size() == 5) || (n == 3 && copy.size() == 8);
  if (!shapeOk || h > 23 || m > 59 || s > 59) {
    return makeError("start", fmt::format("'{}' is not a time of day HH:MM or HH:MM:SS", text));
  }
  return (static_cast<std::int64_t>(h) * 3'600 + m * 60 + s) * 1'000'000'000;
}

std::vector<std::string> splitSymbols(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    std::string symbol = std::string(marketdata::trimField(std::string_view(text).substr(at, comma - at)));
    if (!symbol.empty()) out.push_back(std::move(symbol));
    at = comma + 1;
  }
  return out;
}

int fail(const Error& e) {
  fmt::print(stderr, "error: {}{}\n", e.field.empty() ? "" : "--" + e.field + ": ", e.message);
  return 2;
}

std::string levelsJson(const engine::Engine& engine, InstrumentId id, Side side, std::int64_t priceScale) {
  std::vector<book::LevelView> levels;
  engine.venue().depth(id, side, 1'000'000, levels);
  std::string out = "[";
  for (std::size_t i = 0; i < levels.size(); ++i) {
    out += fmt::format("{}[{},{},{}]", i == 0 ? "" : ",", levels[i].price.raw() * priceScale, levels[i].quantity.raw(),
                       levels[i].orders);
  }
  return out + "]";
}

struct WriterTiming {
  double bestWall = 0;  // seconds, best pass
  double bestCpu = 0;
  std::uint64_t messages = 0;
  std::string error;
};

// The ITCH writer alone: the session's recorded events replayed through a fresh writer into a
// buffer reserved up front, best of `passes`; the bytes must be the file's.
WriterTiming timeWriter(const SimulatedDay& day, const std::vector<engine::EngineEvent>& events, int passes,
                        std::uint64_t expectedBytes) {
  WriterTiming t;
  std::vector<std::uint8_t> out;
  out.reserve(expectedBytes + (1u << 20));
  for (int pass = 0; pass < passes; ++pass) {
    out.clear();
    marketdata::itch::ItchEventWriter writer(out, day.midnight());
    day.configure(writer);
    const double cpu0 = threadCpuSeconds();
    const auto wall0 = std::chrono::steady_clock::now();
    writer.startOfDay(day.sessionStart());
    for (const engine::EngineEvent& e : events) writer.onEvent(e);
    writer.endOfDay(day.sessionEnd());
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    const double cpu = threadCpuSeconds() - cpu0;
    if (expectedBytes > 0 && out.size() != expectedBytes) {
      t.error = fmt::format("the replayed events wrote {} bytes, the file has {}", out.size(), expectedBytes);
      return t;
    }
    if (pass == 0 || wall < t.bestWall) t.bestWall = wall;
    if (pass == 0 || cpu < t.bestCpu) t.bestCpu = cpu;
    t.messages = writer.counts().messages;
  }
  return t;
}

int runSimulate(const SimulateArgs& args) {
  SimulatedDayOptions options;
  options.seed = args.seed;
  options.ordersPerSecond = args.rate;
  options.symbols = splitSymbols(args.instruments);
  auto duration = parseDuration(args.duration);
  if (!duration) return fail(duration.error());
  options.durationNanos = *duration;
  auto start = parseTimeOfDay(args.start);
  if (!start) return fail(start.error());
  options.sessionStartNanos = *start;
  std::string reason;
  if (!marketdata::parseUtcTime(args.date + "T00:00:00" + args.utcOffset, options.midnight, reason) ||
      args.date.size() != 10) {
    return fail(makeError("date", fmt::format("'{}' with --utc-offset '{}': {}", args.date, args.utcOffset,
                                              reason.empty() ? "expected YYYY-MM-DD" : reason)));
  }
  auto created = SimulatedDay::create(options);
  if (!created) return fail(created.error());
  SimulatedDay& day = *created.value();

  // Outputs, opened before the run so that a bad path fails at once.
  std::FILE* itchFile = nullptr;
  if (!args.itch.empty()) {
    itchFile = std::fopen(args.itch.c_str(), "wb");
    if (itchFile == nullptr) {
      return fail(makeError("itch", fmt::format("cannot create {}: {}", args.itch, std::strerror(errno))));
    }
  }
  struct Closer {
    std::FILE*& f;
    ~Closer() {
      if (f != nullptr) std::fclose(f);
    }
  } closer{itchFile};
  std::unique_ptr<marketdata::HistoryWriter> store;
  std::unique_ptr<marketdata::BarRecorder> recorder;
  if (!args.out.empty()) {
    auto opened = marketdata::HistoryWriter::open(args.out, marketdata::HistoryWriterOptions{false, 256});
    if (!opened) return fail(makeError("out", opened.error().message));
    store = std::make_unique<marketdata::HistoryWriter>(std::move(opened).value());
    for (const Instrument& s : day.stocks()) {
      auto described =
          store->describe(marketdata::HistoryInstrument{s.id(), s.symbol(), s.pricePrecision(), s.quantityPrecision()});
      if (!described) return fail(makeError("out", described.error().message));
    }
    recorder = std::make_unique<marketdata::BarRecorder>(*store);
  }

  SimulatedDay::ByteSink sink;
  if (itchFile != nullptr) {
    sink = [&](std::span<const std::uint8_t> bytes) -> std::optional<Error> {
      if (std::fwrite(bytes.data(), 1, bytes.size(), itchFile) != bytes.size()) {
        return makeError("itch", fmt::format("cannot write {}: {}", args.itch, std::strerror(errno)));
      }
      return std::nullopt;
    };
  }
  std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> tape;  // instrument → trades, volume
  std::vector<engine::EngineEvent> recorded;                              // --time-writer: what the writer reads
  const SimulatedDay::EventSink observe = [&](const engine::EngineEvent& e) -> std::optional<Error> {
    if (args.writerPasses > 0 &&
        (e.kind == engine::EventKind::ExecutionReport || e.kind == engine::EventKind::PublicTrade)) {
      recorded.push_back(e);
    }
    if (e.kind != engine::EventKind::PublicTrade) return std::nullopt;
    auto& [trades, volume] = tape[e.body.trade.instrument.value()];
    ++trades;
    volume += static_cast<std::uint64_t>(e.body.trade.quantity.raw());
    if (recorder) {
      auto stored = recorder->onEngineEvent(e);
      if (!stored) return makeError("out", stored.error().message);
    }
    return std::nullopt;
  };

  const double cpu0 = threadCpuSeconds();
  const auto wall0 = std::chrono::steady_clock::now();
  auto ran = day.run(sink, observe);
  if (ran && recorder) {
    auto finished = recorder->finish();
    if (!finished) ran = makeError("out", finished.error().message);
  }
  if (ran && itchFile != nullptr) {
    const int closed = std::fclose(itchFile);
    itchFile = nullptr;
    if (closed != 0) ran = makeError("itch", fmt::format("cannot close {}: {}", args.itch, std::strerror(errno)));
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double cpu = threadCpuSeconds() - cpu0;
  if (!ran) {
    if (itchFile != nullptr) {
      std::fclose(itchFile);
      itchFile = nullptr;
    }
    if (!args.itch.empty()) std::filesystem::remove(args.itch);  // never leave half a day behind
    return fail(ran.error());
  }
  const marketdata::itch::SimulatedDaySummary& s = ran.value();
  const WriterTiming writerTiming = timeWriter(day, recorded, args.writerPasses, s.itchBytes);
  if (!writerTiming.error.empty()) return fail(makeError("time-writer", writerTiming.error));

  std::uint64_t trades = 0;
  std::uint64_t volume = 0;
  std::string stocks;
  for (std::size_t i = 0; i < day.stocks().size(); ++i) {
    const Instrument& in = day.stocks()[i];
    const auto [n, v] = tape[in.id().value()];
    trades += n;
    volume += v;
    std::int64_t scale = 1;
    for (int p = in.pricePrecision(); p < 4; ++p) scale *= 10;
    stocks += fmt::format(
        "{}{{\"symbol\":\"{}\",\"instrument\":{},\"locate\":{},\"trades\":{},\"volume\":{},\"bids\":{},\"asks\":{}}}",
        i == 0 ? "" : ",", in.symbol(), in.id().value(), i + 1, n, v,
        levelsJson(day.engine(), in.id(), Side::Buy, scale), levelsJson(day.engine(), in.id(), Side::Sell, scale));
  }
  const double messages = static_cast<double>(s.itchMessages);
  if (args.writerPasses > 0) {
    const auto writerMessages = static_cast<double>(writerTiming.messages);
    fmt::print(
        "the ITCH writer alone (best of {} passes over {} recorded events): {:.2f} M messages/s wall, {:.2f} M per "
        "CPU second\n",
        args.writerPasses, recorded.size(), writerMessages / writerTiming.bestWall / 1e6,
        writerMessages / writerTiming.bestCpu / 1e6);
  }
  fmt::print(
      "simulated {} of {} stock(s) from {} (seed {}): {} commands, {} trades, {} shares{}{} in {:.2f} s wall, {:.2f} "
      "s CPU{}\n",
      args.duration, day.stocks().size(), args.start, args.seed, s.commands, trades, volume,
      !args.itch.empty() ? fmt::format("; {} ITCH messages ({:.1f} MB) to {}", s.itchMessages,
                                       static_cast<double>(s.itchBytes) / 1e6, args.itch)
                         : "",
      args.out.empty() ? "" : fmt::format("; history in {}", args.out), wall, cpu,
      args.itch.empty() ? ""
                        : fmt::format(", {:.2f} M messages/s wall, {:.2f} M per CPU second", messages / wall / 1e6,
                                      messages / cpu / 1e6));
  fmt::print(
      "{{\"simulate\":\"ok\",\"seed\":{},\"date\":\"{}\",\"start\":\"{}\",\"duration_s\":{:.3f},"
      "\"commands\":{},\"orders\":{},\"events\":{},\"trades\":{},\"volume\":{},"
      "\"itch_messages\":{},\"itch_bytes\":{},\"wall_s\":{:.3f},\"cpu_s\":{:.3f},"
      "\"msgs_per_sec\":{:.0f},\"msgs_per_cpu_sec\":{:.0f},"
      "\"writer_msgs_per_sec\":{:.0f},\"writer_msgs_per_cpu_sec\":{:.0f},"
      "\"loadavg_1m\":{},\"stocks\":[{}]}}\n",
      args.seed, args.date, args.start, static_cast<double>(options.durationNanos) / 1e9, s.commands, s.orders,
      s.events, trades, volume, s.itchMessages, s.itchBytes, wall, cpu, wall > 0 ? messages / wall : 0,
      cpu > 0 ? messages / cpu : 0,
      writerTiming.bestWall > 0 ? static_cast<double>(writerTiming.messages) / writerTiming.bestWall : 0,
      writerTiming.bestCpu > 0 ? static_cast<double>(writerTiming.messages) / writerTiming.bestCpu : 0, loadAverage(),
      stocks);
  return 0;
}

}  // namespace

void addSimulateCommand(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  auto* cmd = app.add_subcommand(
      "simulate",
      "Run the market simulator on the default universe's equities against an in-process engine for a simulated "
      "span and write the day as a TotalView-ITCH 5.0 file and/or a history store (docs/market-data.md)");
  cmd->add_option("--itch", args->itch, "Write the day as a framed ITCH 5.0 file here");
  cmd->add_option("--out", args->out, "Record the trades and 1-second bars into this history store directory");
  cmd->add_option("--seed", args->seed, "Seed of the market simulator (same seed, same bytes)");
  cmd->add_option("--duration", args->duration, "Simulated time: 90s, 30m, 6.5h (default 30m)");
  cmd->add_option("--start", args->start, "Session start, local time HH:MM[:SS] (default 09:30)");
  cmd->add_option("--date", args->date, "The trading day YYYY-MM-DD (default 2024-01-02)");
  cmd->add_option("--utc-offset", args->utcOffset, "The local time zone of --start and of ITCH times (default +00:00)");
  cmd->add_option("--instruments", args->instruments,
                  "Comma-separated equities of the default universe (default: all ten)");
  cmd->add_option("--rate", args->rate, "Simulator commands a second (default 200, at most 100000)");
  cmd->add_option("--time-writer", args->writerPasses,
                  "Also time the ITCH writer alone: replay the session's events through it N times (keeps them "
                  "in memory)")
      ->check(CLI::Range(1, 100));
  cmd->callback([args] { setExitCode(runSimulate(*args)); });
}

}  // namespace alphintra::app
