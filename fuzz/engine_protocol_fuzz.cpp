// Fuzz target: the engine protocol's edge and the engine behind it. The input is lines of the
// line-delimited JSON protocol (docs/engine-protocol.md); each line is parsed against a
// directory that already lists a stock, a future with a multiplier, an FX pair and cash and
// margin accounts with money, and every command the edge accepts is stamped and applied to a
// fresh engine. Whatever the lines say, nothing may crash, and at the end the engine's state
// must survive a snapshot: save, load into a new engine, save again — the same bytes; and the
// reloaded engine must then answer further commands with the same events as the original.
#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "api/directory.hpp"
#include "api/json_commands.hpp"
#include "api/json_events.hpp"
#include "core/binary_io.hpp"
#include "engine/engine.hpp"
#include "fuzz/fuzz_input.hpp"

namespace {

using namespace alphintra;

// The listing every input starts from (parsed like any other line, so it is checked too).
constexpr const char* kSetup[] = {
    R"({"type":"define_instrument","instrument":1,"symbol":"AAPL","venue":"SIM","assetClass":"equity","currency":"USD","pricePrecision":2,"quantityPrecision":0,"tickSize":"0.01","lotSize":"1"})",
    R"({"type":"define_instrument","instrument":2,"symbol":"ES","venue":"SIM","assetClass":"future","currency":"USD","pricePrecision":2,"quantityPrecision":0,"tickSize":"0.25","lotSize":"1","multiplier":"50"})",
    R"({"type":"define_instrument","instrument":3,"symbol":"EUR/USD","venue":"SIM","assetClass":"fx","currency":"USD","pricePrecision":5,"quantityPrecision":0,"tickSize":"0.00001","lotSize":"1000"})",
    R"({"type":"open_account","account":1,"currency":"USD","accountType":"cash","costMethod":"average_cost","makerFeePpm":-20,"takerFeePpm":100,"minimumFee":"1.00"})",
    R"({"type":"open_account","account":2,"currency":"USD","accountType":"margin","costMethod":"fifo"})",
    R"({"type":"open_account","account":3,"currency":"EUR","accountType":"margin"})",
    R"({"type":"adjust_cash","account":1,"currency":"USD","amount":"1000000.00"})",
    R"({"type":"adjust_cash","account":2,"currency":"USD","amount":"250000.00"})",
    R"({"type":"adjust_cash","account":3,"currency":"EUR","amount":"50000.00"})",
    R"({"type":"set_fx_rate","base":"EUR","quote":"USD","rate":"1.085"})",
};

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "engine_protocol_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const engine::EngineOptions options = alphintra::fuzz::smallEngine();
  engine::Engine e(options);
  api::Directory directory;
  std::vector<engine::EngineEvent> events;
  std::uint64_t sequence = 0;
  Timestamp time(1'700'000'000'000'000'000);
  const auto run = [&](std::string_view line) {
    auto parsed = api::parseCommand(line, directory, 1);
    if (!parsed) return;
    engine::Command command = parsed.value();
    command.header.sequence = ++sequence;
    time = time + 1'000'000;  // 1 ms a command: token buckets refill, GTD orders expire
    command.header.time = time;
    events.clear();
    e.apply(command, events);
  };
  for (const char* line : kSetup) run(line);

  for (const std::string_view line : alphintra::fuzz::lines(data, size)) run(line);

  const std::vector<std::byte> first = alphintra::fuzz::saved(e);
  // FUZZ_WRITE_SNAPSHOT=FILE keeps the last state's snapshot: the seeds of engine_snapshot_fuzz.
  if (const char* keep = std::getenv("FUZZ_WRITE_SNAPSHOT")) {
    if (std::FILE* f = std::fopen(keep, "wb")) {
      std::fwrite(first.data(), 1, first.size(), f);
      std::fclose(f);
    }
  }
  engine::Engine restored(options);
  ByteReader in(first);
  if (!restored.load(in)) fail("a snapshot of the engine's own state does not load");
  if (alphintra::fuzz::saved(restored) != first) fail("a reloaded snapshot saves different bytes");

  // The same bytes are not enough: what load() rebuilds (order and client-id indexes, books,
  // valuations) must behave as the original. The input's lines once more (resubmissions,
  // cancels and replaces by client id), then market orders from every account on every
  // instrument, a mass cancel and a day later, through both engines: the same events.
  std::vector<std::string_view> probe = alphintra::fuzz::lines(data, size);
  static const std::vector<std::string> kProbe = [] {
    std::vector<std::string> lines;
    for (const char* account : {"1", "2", "3"}) {
      for (const char* symbol : {"AAPL", "ES", "EUR/USD"}) {
        for (const char* side : {"buy", "sell"}) {
          lines.push_back(fmt::format(
              R"({{"type":"new_order","account":{},"symbol":"{}","side":"{}","orderType":"market","quantity":"{}"}})",
              account, symbol, side, std::string_view(symbol) == "EUR/USD" ? "1000" : "1"));
        }
      }
    }
    lines.push_back(R"({"type":"mass_cancel","account":0})");
    return lines;
  }();
  for (const std::string& line : kProbe) probe.push_back(line);
  std::vector<engine::EngineEvent> original;
  std::vector<engine::EngineEvent> reloaded;
  std::uint64_t probeSequence = sequence;
  for (std::size_t k = 0; k <= probe.size(); ++k) {
    engine::Command command = engine::makeCommand(engine::CommandType::ClockTick);
    if (k < probe.size()) {
      auto parsed = api::parseCommand(probe[k], directory, 1);
      if (!parsed) continue;
      command = parsed.value();
    }
    command.header.sequence = ++probeSequence;
    command.header.time =
        k < probe.size() ? time + static_cast<std::int64_t>(k + 1) * 1'000'000 : time + 86'400'000'000'000;
    original.clear();
    reloaded.clear();
    e.apply(command, original);
    restored.apply(command, reloaded);
    if (original.size() != reloaded.size()) fail("a reloaded engine answers a command with other events");
    for (std::size_t i = 0; i < original.size(); ++i) {
      if (api::formatEvent(original[i], directory) != api::formatEvent(reloaded[i], directory)) {
        fail("a reloaded engine answers a command with other events");
      }
    }
  }
  if (alphintra::fuzz::saved(restored) != alphintra::fuzz::saved(e))
    fail("a reloaded engine ends in another state than the original");
  return 0;
}
