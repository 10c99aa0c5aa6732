// Fuzz target: Engine::load, the reader of snapshot files (their CRC passed, their bytes
// otherwise anything). A snapshot the engine refuses is refused, never half-loaded into a crash;
// one it accepts is a state it can work with: saved again, it loads again to the same bytes, and
// new orders, cancels and a clock tick apply to it without a crash. The seeds are snapshots of
// the states engine_protocol_fuzz builds (FUZZ_WRITE_SNAPSHOT=FILE there writes one).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "core/binary_io.hpp"
#include "engine/engine.hpp"
#include "fuzz/fuzz_input.hpp"

namespace {

using namespace alphintra;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "engine_snapshot_fuzz: %s\n", what);
  std::abort();
}

// A few commands against whatever the state holds: orders on the first instruments and
// accounts, cancels of the first orders, time passing.
void exercise(engine::Engine& e) {
  std::vector<engine::EngineEvent> events;
  std::uint64_t sequence = 1'000'000;
  Timestamp time(1'800'000'000'000'000'000);
  const auto apply = [&](engine::Command c) {
    c.header.sequence = ++sequence;
    time = time + 1'000'000;
    c.header.time = time;
    events.clear();
    e.apply(c, events);
  };
  for (std::uint32_t i = 1; i <= 4; ++i) {
    engine::Command c = engine::makeCommand(engine::CommandType::NewOrder);
    c.body.newOrder.account = AccountId{1 + i % 3};
    c.body.newOrder.instrument = InstrumentId{1 + i % 2};
    c.body.newOrder.side = i % 2 == 0 ? Side::Buy : Side::Sell;
    c.body.newOrder.type = i == 4 ? book::OrderType::Market : book::OrderType::Limit;
    c.body.newOrder.timeInForce = i == 4 ? book::TimeInForce::IOC : book::TimeInForce::GTC;
    c.body.newOrder.quantity = Quantity::fromRaw(1);
    c.body.newOrder.price = i == 4 ? Price::undefined() : Price::fromRaw(15'000 + i);
    apply(c);
  }
  for (std::uint64_t id = 1; id <= 3; ++id) {
    engine::Command c = engine::makeCommand(engine::CommandType::CancelOrder);
    c.body.cancel.account = AccountId{1 + id % 3};
    c.body.cancel.orderId = OrderId{id};
    apply(c);
  }
  apply(engine::makeCommand(engine::CommandType::ClockTick));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  engine::Engine e(alphintra::fuzz::smallEngine());
  ByteReader in(std::span(reinterpret_cast<const std::byte*>(data), size));
  if (!e.load(in)) return 0;
  const std::vector<std::byte> first = alphintra::fuzz::saved(e);
  engine::Engine again(alphintra::fuzz::smallEngine());
  ByteReader in2(first);
  if (!again.load(in2)) fail("an accepted snapshot, saved again, does not load");
  if (alphintra::fuzz::saved(again) != first) fail("an accepted snapshot does not save the same bytes twice");
  exercise(e);
  return 0;
}
