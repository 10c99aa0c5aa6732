// A seeded generator of engine command streams for the determinism, snapshot and recovery
// tests: a setup (two instruments, four margin accounts with cash, limits) followed by a random
// mix of every command the engine takes — limit / market / stop / iceberg / IOC / GTD orders,
// cancels and replaces (by order id and client order id), mass cancels, trading-status changes,
// kill switch on and off, trading states, market data, FX and clock ticks (and, on request,
// purges of finished orders). Prices stay near a
// mid so that orders cross often.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine/tests/engine_test_util.hpp"

namespace alphintra::engine::testing {

inline std::vector<Command> setupCommands() {
  std::vector<Command> out;
  out.push_back(defineInstrument(1, "AAA"));
  out.push_back(defineInstrument(2, "EURX", "EUR"));
  Command fx = makeCommand(CommandType::SetFxRate);
  fx.body.fxRate.base = ccy("EUR");
  fx.body.fxRate.quote = ccy("USD");
  fx.body.fxRate.rate = 1'080'000'000;
  out.push_back(fx);
  for (std::uint64_t a = 1; a <= 4; ++a) {
    out.push_back(openAccount(a, risk::AccountType::Margin, "USD", -200, 300));
    if (a == 4) out.back().body.openAccount.costBasis = CostBasis::Fifo;
    out.push_back(deposit(a, 1'000'000'000));
  }
  Command limits = makeCommand(CommandType::SetAccountLimits);
  limits.body.accountLimits.limits.maxOpenOrders = 200;
  limits.body.accountLimits.limits.orderRatePerSecond = 5000;
  limits.body.accountLimits.limits.collarBasisPoints = 2000;
  out.push_back(limits);
  return out;
}

class RandomCommands {
 public:
  explicit RandomCommands(std::uint64_t seed) : rng_(seed) {}

  Command next() {
    const int roll = pick(0, 999);
    if (roll < 520) return newOrder();
    if (roll < 720) return cancel();
    if (roll < 860) return replace();
    if (roll < 880) return massCancel();
    if (roll < 900) return status();
    if (roll < 915) return killSwitch();
    if (roll < 930) return tradingState();
    if (roll < 970) return marketData();
    return makeCommand(CommandType::ClockTick);
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::uint64_t account() { return static_cast<std::uint64_t>(pick(1, 4)); }
  std::uint64_t instrument() { return static_cast<std::uint64_t>(pick(1, 2)); }
  std::int64_t price() { return 10'000 + pick(-20, 20); }

  Command newOrder() {
    const std::uint64_t a = account();
    const std::string id = "o" + std::to_string(++issued_);
    Command c = limitOrder(a, instrument(), id, pick(0, 1) ? Side::Buy : Side::Sell, pick(1, 50) * 10, price());
    NewOrderBody& b = c.body.newOrder;
    const int kind = pick(0, 19);
    if (kind == 0) {
      b.type = book::OrderType::Market;
      b.price = Price::undefined();
      b.timeInForce = book::TimeInForce::IOC;
    } else if (kind == 1) {
      b.type = book::OrderType::Stop;
      b.stopPrice = b.price;
      b.price = Price::undefined();
    } else if (kind == 2) {
      b.type = book::OrderType::StopLimit;
      b.stopPrice = b.price;
    } else if (kind == 3) {
      b.displayQuantity = qty(10);
    } else if (kind == 4) {
      b.timeInForce = book::TimeInForce::IOC;
    } else if (kind == 5) {
      b.timeInForce = book::TimeInForce::GTD;
      b.expireTime = Timestamp(1'700'000'000'000'000'000 + static_cast<std::int64_t>(issued_) * 3'000'000);
    } else if (kind == 6) {
      b.postOnly = true;
    } else if (kind == 7) {
      b.selfTrade = book::SelfTradePrevention::DecrementAndCancel;
    } else if (kind == 8) {
      b.clientOrderId =
          ClientOrderId::fromTrusted("o" + std::to_string(pick(1, static_cast<int>(issued_))));  // maybe a retry
    }
    return c;
  }

  Command cancel() {
    Command c = cancelOrder(account(), static_cast<std::uint64_t>(pick(1, static_cast<int>(issued_ + 1))));
    if (pick(0, 3) == 0) {
      c.body.cancel.orderId = OrderId{};
      c.body.cancel.origClientOrderId =
          ClientOrderId::fromTrusted("o" + std::to_string(pick(1, static_cast<int>(issued_ + 1))));
    }
    return c;
  }

  Command replace() {
    Command c = replaceOrder(account(), static_cast<std::uint64_t>(pick(1, static_cast<int>(issued_ + 1))),
                             pick(0, 2) == 0 ? 0 : pick(1, 60) * 10, pick(0, 2) == 0 ? 0 : price());
    if (pick(0, 2) == 0) c.body.replace.clientOrderId = ClientOrderId::fromTrusted("r" + std::to_string(++issued_));
    return c;
  }

  Command massCancel() {
    Command c = makeCommand(CommandType::MassCancel);
    c.body.massCancel.account = pick(0, 1) ? AccountId{account()} : AccountId{};
    c.body.massCancel.side = pick(0, 2) == 0 ? Side::Buy : Side::None;
    return c;
  }

  Command status() {
    static constexpr TradingStatus kStatuses[] = {TradingStatus::PreOpen,    TradingStatus::Continuous,
                                                  TradingStatus::Continuous, TradingStatus::Halted,
                                                  TradingStatus::Closed,     TradingStatus::ClosingAuction};
    Command c = makeCommand(CommandType::InstrumentStatus);
    c.body.instrumentStatus.instrument = InstrumentId{instrument()};
    c.body.instrumentStatus.status = kStatuses[pick(0, 5)];
    return c;
  }

  Command killSwitch() {
    Command c = makeCommand(CommandType::KillSwitch);
    c.body.killSwitch.scope = risk::KillSwitchScope::Account;
    c.body.killSwitch.id = account();
    c.body.killSwitch.activate = pick(0, 2) == 0;
    return c;
  }

  Command tradingState() {
    Command c = makeCommand(CommandType::SetTradingState);
    c.body.tradingState.account = AccountId{account()};
    c.body.tradingState.state = pick(0, 3) == 0 ? risk::TradingState::ReducingOnly : risk::TradingState::Active;
    return c;
  }

  Command marketData() {
    Command c = makeCommand(CommandType::MarketData);
    c.body.marketData.instrument = InstrumentId{instrument()};
    const std::int64_t mid = price();
    c.body.marketData.bid = px(mid - 1);
    c.body.marketData.ask = px(mid + 1);
    return c;
  }

  std::mt19937_64 rng_;
  std::uint64_t issued_ = 0;
};

// Stamps commands like the sequencer: sequence from 1, time 1 ms apart. With `purgeEvery`, every
// that many commands one is a PurgeOrders retiring what finished more than 2 s (2,000
// commands) before it.
inline std::vector<Command> randomStream(std::uint64_t seed, std::size_t count, std::size_t purgeEvery = 0) {
  std::vector<Command> out = setupCommands();
  RandomCommands gen(seed);
  while (out.size() < count) {
    if (purgeEvery != 0 && out.size() % purgeEvery == 0) {
      Command purge = makeCommand(CommandType::PurgeOrders);
      purge.body.purgeOrders.minAgeNanos = 2'000'000'000;
      out.push_back(purge);
    } else {
      out.push_back(gen.next());
    }
  }
  Timestamp t(1'700'000'000'000'000'000);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].header.sequence = i + 1;
    out[i].header.time = t + static_cast<std::int64_t>(i) * 1'000'000;
  }
  return out;
}

}  // namespace alphintra::engine::testing
