// Fuzz target: the engine protocol's edge and the engine behind it. The input is lines of the
// line-delimited JSON protocol (docs/engine-protocol.md); each line is parsed against a
// directory that already lists a stock, a future with a multiplier, an FX pair and cash and
// margin accounts with money, and every command the edge accepts is stamped and applied to a
// fresh engine. Whatever the lines say, nothing may crash, and at the end the engine's state
// must survive a snapshot: save, load into a new engine, save again — the same bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "api/directory.hpp"
#include "api/json_commands.hpp"
#include "core/binary_io.hpp"
#include "engine/engine.hpp"

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

std::vector<std::byte> saved(const engine::Engine& e) {
  std::vector<std::byte> bytes;
  ByteWriter out(bytes);
  e.save(out);
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  engine::EngineOptions options;
  options.expectedOrders = 256;
  options.book.expectedOrders = 256;
  options.book.expectedLevels = 64;
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

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    run(text.substr(start, end - start));
    start = end + 1;
  }

  const std::vector<std::byte> first = saved(e);
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
  if (saved(restored) != first) fail("a reloaded snapshot saves different bytes");
  if (restored.stateHash() != e.stateHash()) fail("a reloaded snapshot hashes differently");
  return 0;
}
