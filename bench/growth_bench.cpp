#include "bench/growth_bench.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "engine/engine.hpp"

namespace alphintra::bench {

GrowthBenchResult runGrowthBench(const GrowthBenchOptions& o) {
  using engine::Command;
  using engine::CommandType;
  GrowthBenchResult r;
  engine::EngineOptions eo;
  eo.expectedOrders = o.expectedOrders;
  eo.book.expectedOrders = o.expectedBookOrders;
  engine::Engine e(eo);
  std::vector<engine::EngineEvent> events;
  std::uint64_t sequence = 0;
  Timestamp time(1'700'000'000'000'000'000);
  const auto apply = [&](Command& c) {
    c.header.sequence = ++sequence;
    c.header.time = time + static_cast<std::int64_t>(sequence) * 1'000;
    events.clear();
    e.apply(c, events);
  };

  InstrumentSpec spec;
  spec.id = 1;
  spec.symbol = "GROW";
  spec.pricePrecision = 2;
  spec.quantityPrecision = 0;
  spec.tickSize = "0.01";
  Command define = engine::makeCommand(CommandType::DefineInstrument);
  define.body.defineInstrument = engine::toDefineBody(Instrument::create(spec).value());
  apply(define);
  const Currency usd = Currency::parse("USD").value();
  Command open = engine::makeCommand(CommandType::OpenAccount);
  open.body.openAccount.account = AccountId{1};
  open.body.openAccount.baseCurrency = usd;
  open.body.openAccount.type = risk::AccountType::Margin;
  apply(open);
  Command cash = engine::makeCommand(CommandType::AdjustCash);
  cash.body.adjustCash.account = AccountId{1};
  cash.body.adjustCash.currency = usd;
  cash.body.adjustCash.amount = Money::fromRaw(std::int64_t{1} << 60);  // funds never bind
  apply(cash);
  Command limits = engine::makeCommand(CommandType::SetAccountLimits);
  limits.body.accountLimits.limits.maxOpenOrders = 100'000'000;
  limits.body.accountLimits.limits.orderRatePerSecond = 4'000'000'000u;
  apply(limits);

  // Buy 1 at 1.00 to 1.99 (prices in cents, whole quantities): every order rests.
  std::vector<double> micros(o.orders);
  for (std::size_t i = 0; i < o.orders; ++i) {
    Command c = engine::makeCommand(CommandType::NewOrder);
    engine::NewOrderBody& b = c.body.newOrder;
    b.account = AccountId{1};
    b.instrument = InstrumentId{1};
    b.clientOrderId = ClientOrderId::fromTrusted(fmt::format("g{}", i));
    b.side = Side::Buy;
    b.quantity = Quantity::fromRaw(1);
    b.type = book::OrderType::Limit;
    b.timeInForce = book::TimeInForce::GTC;
    b.price = Price::fromRaw(100 + static_cast<std::int64_t>(i % 100));
    const auto start = std::chrono::steady_clock::now();
    apply(c);
    micros[i] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    if (events.empty() || events.front().kind != engine::EventKind::ExecutionReport ||
        events.front().body.execution.status != oms::OrdStatus::New) {
      r.error = fmt::format("order {} was not accepted", i);
      return r;
    }
  }
  std::vector<std::size_t> order(o.orders);
  for (std::size_t i = 0; i < o.orders; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return micros[a] > micros[b]; });
  for (std::size_t k = 0; k < std::min<std::size_t>(8, o.orders); ++k)
    r.longest.emplace_back(micros[order[k]], order[k]);
  std::vector<double> sorted = micros;
  std::sort(sorted.begin(), sorted.end());
  const auto pct = [&](double p) {
    return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
  };
  r.p50Us = pct(0.5);
  r.p99Us = pct(0.99);
  r.p999Us = pct(0.999);
  return r;
}

std::string toJson(const GrowthBenchResult& r, const GrowthBenchOptions& o) {
  std::string longest;
  for (const auto& [us, at] : r.longest) {
    longest += fmt::format("{}{{\"us\":{:.1f},\"resting\":{}}}", longest.empty() ? "" : ",", us, at);
  }
  return fmt::format(
      "{{\"bench\":\"engine-growth\",\"ok\":{},\"orders\":{},\"expected_orders\":{},\"expected_book_orders\":{},"
      "\"p50_us\":{:.2f},\"p99_us\":{:.2f},\"p999_us\":{:.2f},\"longest\":[{}],\"error\":\"{}\"}}",
      r.error.empty(), o.orders, o.expectedOrders, o.expectedBookOrders, r.p50Us, r.p99Us, r.p999Us, longest, r.error);
}

}  // namespace alphintra::bench
