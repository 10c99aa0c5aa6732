#include "bench/engine_bench.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "bench/alloc_counter.hpp"
#include "bench/stream.hpp"
#include "engine/engine.hpp"
#include "engine/recovery.hpp"
#include "engine/runtime.hpp"
#include "store/crc32c.hpp"

namespace alphintra::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// CPU time of the calling thread: on a shared machine the wall clock also counts the time other
// processes held the core; this counts only the benchmark thread's own work.
double cpuSeconds(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double threadCpuSeconds() { return cpuSeconds(CLOCK_THREAD_CPUTIME_ID); }
// Recovery's helpers (the journal reader, the tables' prefault) count too: the process's CPU
// time, taken while no other thread of the benchmark runs.
double processCpuSeconds() { return cpuSeconds(CLOCK_PROCESS_CPUTIME_ID); }

engine::Command define(std::uint64_t id) {
  InstrumentSpec spec;
  spec.id = id;
  spec.symbol = fmt::format("BENCH{}", id);
  spec.pricePrecision = 2;
  spec.tickSize = "0.01";
  engine::Command c = engine::makeCommand(engine::CommandType::DefineInstrument);
  c.body.defineInstrument = engine::toDefineBody(Instrument::create(spec).value());
  return c;
}

}  // namespace

std::vector<engine::Command> engineWorkload(const EngineBenchOptions& o, std::size_t& setupCount) {
  using engine::Command;
  using engine::CommandType;
  std::vector<Command> out;
  out.reserve(o.commands + o.accounts * 2 + o.instruments + 2);
  for (std::size_t i = 1; i <= o.instruments; ++i) out.push_back(define(i));
  const Currency usd = Currency::parse("USD").value();
  for (std::size_t a = 1; a <= o.accounts; ++a) {
    Command open = engine::makeCommand(CommandType::OpenAccount);
    open.body.openAccount.account = AccountId{a};
    open.body.openAccount.baseCurrency = usd;
    open.body.openAccount.type = risk::AccountType::Margin;
    open.body.openAccount.makerFeePpm = -20;
    open.body.openAccount.takerFeePpm = 30;
    out.push_back(open);
    Command cash = engine::makeCommand(CommandType::AdjustCash);
    cash.body.adjustCash.account = AccountId{a};
    cash.body.adjustCash.currency = usd;
    cash.body.adjustCash.amount = Money::fromRaw(1'000'000'000'000);  // $10bn: funds never bind
    out.push_back(cash);
  }
  // Limits that every order is checked against (and passes): the checks run, none binds.
  Command limits = engine::makeCommand(CommandType::SetAccountLimits);
  limits.body.accountLimits.limits.maxOrderNotional = 100'000'000'000;
  limits.body.accountLimits.limits.maxOpenOrders = 1'000'000;
  limits.body.accountLimits.limits.orderRatePerSecond = 4'000'000'000u;
  limits.body.accountLimits.limits.collarBasisPoints = 5'000;
  out.push_back(limits);
  setupCount = out.size();

  GeneratorOptions gen;
  gen.operations = o.commands;
  gen.seed = o.seed;
  gen.targetOrders = 5'000;
  const std::vector<StreamOp> ops = generateStream(gen);
  // Stream ids → engine order ids: the engine numbers every new order from 1.
  std::vector<std::uint64_t> engineId;
  std::uint64_t nextOrder = 1;
  std::vector<std::uint64_t> accountOf;
  std::size_t k = 0;
  for (const StreamOp& op : ops) {
    const std::uint64_t instrument = 1 + (op.id % o.instruments);
    if (op.kind == StreamOp::Kind::Cancel) {
      if (op.id >= engineId.size() || engineId[op.id] == 0) continue;
      Command c = engine::makeCommand(CommandType::CancelOrder);
      c.body.cancel.account = AccountId{accountOf[op.id]};
      c.body.cancel.orderId = OrderId{engineId[op.id]};
      out.push_back(c);
      continue;
    }
    const std::uint64_t account = 1 + (k++ * 7919) % o.accounts;
    if (op.id >= engineId.size()) {
      engineId.resize(op.id + 1, 0);
      accountOf.resize(op.id + 1, 0);
    }
    engineId[op.id] = nextOrder++;
    accountOf[op.id] = account;
    Command c = engine::makeCommand(CommandType::NewOrder);
    engine::NewOrderBody& b = c.body.newOrder;
    b.account = AccountId{account};
    b.instrument = InstrumentId{instrument};
    b.clientOrderId = ClientOrderId::fromTrusted(fmt::format("c{}", op.id));
    b.side = op.buy ? Side::Buy : Side::Sell;
    b.quantity = Quantity::fromRaw(op.quantity);
    if (op.kind == StreamOp::Kind::Add) {
      b.type = book::OrderType::Limit;
      b.timeInForce = book::TimeInForce::GTC;
      b.price = Price::fromRaw(op.price);
    } else {
      b.type = book::OrderType::Market;
      b.timeInForce = book::TimeInForce::IOC;
    }
    out.push_back(c);
  }
  Timestamp t(1'700'000'000'000'000'000);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].header.sequence = i + 1;
    out[i].header.time = t + static_cast<std::int64_t>(i) * 1'000;
  }
  return out;
}

EngineBenchResult runEngineBench(const EngineBenchOptions& o) {
  EngineBenchResult r;
  std::size_t setup = 0;
  const std::vector<engine::Command> commands = engineWorkload(o, setup);
  r.commands = commands.size() - setup;

  // In process: encode + CRC + append to a memory journal, then apply.
  {
    engine::EngineOptions eo;
    eo.expectedOrders = commands.size();
    engine::Engine e(eo);
    std::vector<engine::EngineEvent> events;
    events.reserve(4096);
    // The sequencer's group-commit buffer: records are appended (header + CRC32C + payload)
    // and the buffer is reused once "written", as store::JournalWriter does between commits.
    std::vector<std::byte> journal(1u << 20);
    std::size_t used = 0;
    for (std::size_t i = 0; i < setup; ++i) {
      events.clear();
      e.apply(commands[i], events);
    }
    // Allocations are counted over the second half: the first order of an account on an
    // instrument creates that pair's bookkeeping once (warm-up), after which none may allocate.
    const std::size_t steadyFrom = setup + (commands.size() - setup) / 2;
    std::uint64_t allocBefore = 0;
    // Like the runtime's engine loop over a batch: cache hints a few commands ahead.
    const std::span<const engine::Command> all(commands);
    const auto start = Clock::now();
    const double cpuStart = threadCpuSeconds();
    for (std::size_t i = setup; i < commands.size(); ++i) {
      if (i == steadyFrom) allocBefore = allocationCount();
      e.prefetchUpcoming(all.subspan(i));
      if (used + 16 + sizeof(engine::Command) > journal.size()) used = 0;
      std::byte* record = journal.data() + used;
      const std::size_t n = engine::encode(commands[i], std::span(record + 16, sizeof(engine::Command)));
      const std::uint32_t crc = store::crc32c(std::span<const std::byte>(record + 16, n));
      std::memcpy(record, &crc, sizeof crc);
      used += 16 + n;
      events.clear();
      e.apply(commands[i], events);
      r.events += events.size();
    }
    const auto end = Clock::now();
    r.inProcessCpuPerSecond = static_cast<double>(r.commands) / (threadCpuSeconds() - cpuStart);
    r.inProcessAllocations = allocationCount() - allocBefore;
    r.inProcessPerSecond = static_cast<double>(r.commands) / seconds(start, end);
    r.stateHash = e.stateHash();
  }
  if (!o.disk) return r;

  std::filesystem::path dir =
      o.dataDir.empty() ? std::filesystem::temp_directory_path() / fmt::format("alphintra-bench-engine-{}", ::getpid())
                        : std::filesystem::path(o.dataDir);
  std::filesystem::remove_all(dir);

  // Threaded runtime with the journal on disk.
  {
    engine::RuntimeOptions ro;
    ro.dataDir = dir;
    ro.durability = o.durability;
    ro.engine.expectedOrders = commands.size();
    ro.engine.publishMarketData = true;
    std::atomic<std::uint64_t> events{0};
    auto rt = engine::EngineRuntime::start(
        ro, [&events](const engine::EngineEvent&) { events.fetch_add(1, std::memory_order_relaxed); });
    if (!rt.ok()) {
      r.error = rt.error().message;
      return r;
    }
    engine::EngineRuntime& runtime = *rt.value();
    for (std::size_t i = 0; i < setup; ++i) runtime.submit(0, commands[i]);
    while (runtime.appliedSequence() < setup && !runtime.failed()) std::this_thread::yield();
    const auto start = Clock::now();
    for (std::size_t i = setup; i < commands.size(); ++i) runtime.submit(0, commands[i]);
    while (runtime.appliedSequence() < commands.size() && !runtime.failed()) std::this_thread::yield();
    const auto end = Clock::now();
    if (runtime.failed()) {
      r.error = runtime.failure();
      return r;
    }
    if (auto err = runtime.stop()) {
      r.error = err->message;
      return r;
    }
    r.diskPerSecond = static_cast<double>(r.commands) / seconds(start, end);
  }
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(dir / "journal", ec)) {
    r.journalBytes += std::filesystem::file_size(f.path(), ec);
  }

  // Recovery: the whole journal replayed into a fresh engine.
  {
    engine::RecoveryOptions ro;
    ro.journalDir = dir / "journal";
    ro.snapshotDir = dir / "snapshots";
    ro.useSnapshots = false;
    ro.engine.expectedOrders = commands.size();
    const auto start = Clock::now();
    const double cpuStart = processCpuSeconds();
    auto rec = engine::recover(ro);
    const auto end = Clock::now();
    const double cpuSeconds = processCpuSeconds() - cpuStart;
    if (!rec.ok()) {
      r.error = rec.error().message;
      return r;
    }
    r.recoveryPerSecond = static_cast<double>(rec->replayed) / seconds(start, end);
    r.recoveryCpuPerSecond = static_cast<double>(rec->replayed) / cpuSeconds;
    r.recoveredHash = rec->engine->stateHash();
  }
  std::filesystem::remove_all(dir, ec);
  return r;
}

std::string toJson(const EngineBenchResult& r, const EngineBenchOptions& o) {
  return fmt::format(
      "{{\"bench\":\"engine\",\"ok\":{},\"commands\":{},\"events\":{},\"seed\":{},\"instruments\":{},\"accounts\":{},"
      "\"in_process\":{{\"cmds_per_sec\":{:.0f},\"cmds_per_cpu_sec\":{:.0f},\"state_hash\":\"{:016x}\","
      "\"allocations\":{}}},"
      "\"journal_disk\":{{\"cmds_per_sec\":{:.0f},\"durability\":\"{}\",\"journal_bytes\":{}}},"
      "\"recovery\":{{\"cmds_per_sec\":{:.0f},\"cmds_per_cpu_sec\":{:.0f},\"state_hash\":\"{:016x}\"}},\"error\":\"{}"
      "\"}}",
      r.error.empty(), r.commands, r.events, o.seed, o.instruments, o.accounts, r.inProcessPerSecond,
      r.inProcessCpuPerSecond, r.stateHash, r.inProcessAllocations, r.diskPerSecond,
      o.durability == store::Durability::Fsync ? "fsync" : "none", r.journalBytes, r.recoveryPerSecond,
      r.recoveryCpuPerSecond, r.recoveredHash, r.error);
}

}  // namespace alphintra::bench
