// A harness for engine tests: stamps commands like the sequencer (sequence + time), keeps the
// events of the last command, and builds the usual commands in one line each.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "engine/command.hpp"
#include "engine/engine.hpp"

namespace alphintra::engine::testing {

inline Price px(std::int64_t raw) { return Price::fromRaw(raw); }
inline Quantity qty(std::int64_t raw) { return Quantity::fromRaw(raw); }
inline Currency ccy(std::string_view code) { return Currency::parse(code).value(); }

inline Command defineInstrument(std::uint64_t id, std::string_view symbol, std::string_view currency = "USD",
                                AssetClass assetClass = AssetClass::Equity) {
  InstrumentSpec spec;
  spec.id = id;
  spec.symbol = std::string(symbol);
  spec.currency = std::string(currency);
  spec.assetClass = assetClass;
  spec.pricePrecision = 2;
  spec.quantityPrecision = 0;
  spec.tickSize = "0.01";
  spec.lotSize = "1";
  Command c = makeCommand(CommandType::DefineInstrument);
  c.body.defineInstrument = toDefineBody(Instrument::create(spec).value());
  return c;
}

inline Command openAccount(std::uint64_t id, risk::AccountType type = risk::AccountType::Cash,
                           std::string_view base = "USD", std::int64_t makerPpm = 0, std::int64_t takerPpm = 0) {
  Command c = makeCommand(CommandType::OpenAccount);
  c.body.openAccount.account = AccountId{id};
  c.body.openAccount.baseCurrency = ccy(base);
  c.body.openAccount.type = type;
  c.body.openAccount.makerFeePpm = makerPpm;
  c.body.openAccount.takerFeePpm = takerPpm;
  return c;
}

inline Command deposit(std::uint64_t account, std::int64_t minorUnits, std::string_view currency = "USD") {
  Command c = makeCommand(CommandType::AdjustCash);
  c.body.adjustCash.account = AccountId{account};
  c.body.adjustCash.currency = ccy(currency);
  c.body.adjustCash.amount = Money::fromRaw(minorUnits);
  return c;
}

inline Command limitOrder(std::uint64_t account, std::uint64_t instrument, std::string_view clientId, Side side,
                          std::int64_t quantity, std::int64_t price, book::TimeInForce tif = book::TimeInForce::GTC) {
  Command c = makeCommand(CommandType::NewOrder);
  NewOrderBody& b = c.body.newOrder;
  b.account = AccountId{account};
  b.instrument = InstrumentId{instrument};
  b.clientOrderId = ClientOrderId::fromTrusted(clientId);
  b.side = side;
  b.type = book::OrderType::Limit;
  b.timeInForce = tif;
  b.quantity = qty(quantity);
  b.price = px(price);
  return c;
}

inline Command marketOrder(std::uint64_t account, std::uint64_t instrument, std::string_view clientId, Side side,
                           std::int64_t quantity) {
  Command c = limitOrder(account, instrument, clientId, side, quantity, 0, book::TimeInForce::IOC);
  c.body.newOrder.type = book::OrderType::Market;
  c.body.newOrder.price = Price::undefined();
  return c;
}

inline Command cancelOrder(std::uint64_t account, std::uint64_t orderId, std::string_view clientId = "") {
  Command c = makeCommand(CommandType::CancelOrder);
  c.body.cancel.account = AccountId{account};
  c.body.cancel.orderId = OrderId{orderId};
  c.body.cancel.clientOrderId = ClientOrderId::fromTrusted(clientId);
  return c;
}

inline Command replaceOrder(std::uint64_t account, std::uint64_t orderId, std::int64_t quantity, std::int64_t price,
                            std::string_view clientId = "") {
  Command c = makeCommand(CommandType::ReplaceOrder);
  c.body.replace.account = AccountId{account};
  c.body.replace.orderId = OrderId{orderId};
  c.body.replace.clientOrderId = ClientOrderId::fromTrusted(clientId);
  c.body.replace.quantity = quantity > 0 ? qty(quantity) : Quantity::undefined();
  c.body.replace.price = price > 0 ? px(price) : Price::undefined();
  return c;
}

class Harness {
 public:
  explicit Harness(EngineOptions options = {}) : engine(options) {}

  const std::vector<EngineEvent>& run(Command c) {
    c.header.sequence = ++sequence;
    time = time + 1'000'000;  // 1 ms per command
    c.header.time = time;
    c.header.requestId = sequence;
    events.clear();
    engine.apply(c, events);
    return events;
  }

  // The standard setup: instrument 1 "AAA" (USD equity), cash accounts 1 and 2 with $1,000,000.
  void setUp(risk::AccountType type = risk::AccountType::Cash) {
    ASSERT_TRUE(accepted(run(defineInstrument(1, "AAA"))));
    for (std::uint64_t a : {1u, 2u}) {
      ASSERT_TRUE(accepted(run(openAccount(a, type))));
      ASSERT_TRUE(accepted(run(deposit(a, 100'000'000))));
    }
  }

  // The same with margin accounts (they may sell short).
  void setUpMargin() { setUp(risk::AccountType::Margin); }

  static bool accepted(const std::vector<EngineEvent>& events) {
    return !events.empty() && events.back().kind == EventKind::CommandResult && events.back().body.result.accepted;
  }

  // Execution reports of the last command, optionally only for one order.
  std::vector<ExecutionReport> reports(std::uint64_t orderId = 0) const {
    std::vector<ExecutionReport> out;
    for (const EngineEvent& e : events) {
      if (e.kind == EventKind::ExecutionReport && (orderId == 0 || e.body.execution.orderId.value() == orderId)) {
        out.push_back(e.body.execution);
      }
    }
    return out;
  }
  const ExecutionReport& lastReport() const {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->kind == EventKind::ExecutionReport) return it->body.execution;
    }
    ADD_FAILURE() << "no execution report";
    static ExecutionReport none{};
    return none;
  }
  const EngineEvent* find(EventKind kind) const {
    for (const EngineEvent& e : events) {
      if (e.kind == kind) return &e;
    }
    return nullptr;
  }

  Engine engine;
  std::vector<EngineEvent> events;
  std::uint64_t sequence = 0;
  Timestamp time{1'700'000'000'000'000'000};
};

}  // namespace alphintra::engine::testing
