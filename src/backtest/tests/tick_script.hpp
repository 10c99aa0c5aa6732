// Test helpers for the tick backtest: market events built by hand and a strategy that acts at
// set times (timers fire before the events of their time) and records what it heard.
#pragma once

#include <functional>
#include <map>
#include <vector>

#include "marketdata/events.hpp"
#include "strategy/strategy.hpp"

namespace alphintra::backtest::testing {

inline constexpr std::int64_t kT0 = 1'704'103'200'000'000'000;  // 2024-01-01T10:00:00Z

inline marketdata::MarketEvent orderEvent(std::int64_t t, marketdata::BookAction action, std::uint64_t id, Side side,
                                          std::int64_t price, std::int64_t qty, std::uint64_t instrument = 1) {
  marketdata::MarketEvent e;
  e.kind = marketdata::MarketEventKind::BookOrder;
  marketdata::BookOrderEvent& o = e.body.order;
  o.instrument = InstrumentId{instrument};
  o.exchangeTime = o.receiveTime = Timestamp{kT0 + t};
  o.orderId = id;
  o.side = side;
  o.price = Price::fromRaw(price);
  o.quantity = Quantity::fromRaw(qty);
  o.action = action;
  return e;
}

inline marketdata::MarketEvent tradeEvent(std::int64_t t, std::int64_t price, std::int64_t qty, Side aggressor,
                                          std::uint64_t instrument = 1) {
  marketdata::MarketEvent e;
  e.kind = marketdata::MarketEventKind::Trade;
  marketdata::TradeEvent& tr = e.body.trade;
  tr.instrument = InstrumentId{instrument};
  tr.exchangeTime = tr.receiveTime = Timestamp{kT0 + t};
  tr.price = Price::fromRaw(price);
  tr.quantity = Quantity::fromRaw(qty);
  tr.aggressor = aggressor;
  return e;
}

inline marketdata::MarketEvent levelEvent(std::int64_t t, Side side, std::int64_t price, std::int64_t size,
                                          std::uint64_t instrument = 1) {
  marketdata::MarketEvent e;
  e.kind = marketdata::MarketEventKind::BookLevel;
  marketdata::BookLevelEvent& l = e.body.level;
  l.instrument = InstrumentId{instrument};
  l.exchangeTime = l.receiveTime = Timestamp{kT0 + t};
  l.side = side;
  l.price = Price::fromRaw(price);
  l.size = Quantity::fromRaw(size);
  return e;
}

inline marketdata::MarketEvent quoteEvent(std::int64_t t, std::int64_t bid, std::int64_t bidSize, std::int64_t ask,
                                          std::int64_t askSize, std::uint64_t instrument = 1) {
  marketdata::MarketEvent e;
  e.kind = marketdata::MarketEventKind::Quote;
  marketdata::QuoteEvent& q = e.body.quote;
  q.instrument = InstrumentId{instrument};
  q.exchangeTime = q.receiveTime = Timestamp{kT0 + t};
  q.bidPrice = Price::fromRaw(bid);
  q.bidSize = Quantity::fromRaw(bidSize);
  q.askPrice = Price::fromRaw(ask);
  q.askSize = Quantity::fromRaw(askSize);
  return e;
}

// Runs actions[t] at kT0 + t (a timer each); records updates, fills, quotes and trades heard.
class TimedStrategy final : public strategy::Strategy {
 public:
  using Action = std::function<void(strategy::StrategyContext&, TimedStrategy&)>;
  explicit TimedStrategy(std::map<std::int64_t, Action> actions) : actions_(std::move(actions)) {}
  std::string_view name() const noexcept override { return "timed"; }
  void onStart() override {
    for (const auto& [t, action] : actions_) context().setTimer(Timestamp{kT0 + t}, static_cast<std::uint64_t>(t));
  }
  void onTimer(std::uint64_t id) override { actions_.at(static_cast<std::int64_t>(id))(context(), *this); }
  void onOrderUpdate(const strategy::OrderUpdate& u) override { updates.push_back(u); }
  void onFill(const strategy::Fill& f) override { fills.push_back(f); }
  void onQuote(const strategy::QuoteTick& q, strategy::InstrumentSlot) override { quotes.push_back(q); }
  void onTrade(const strategy::TradeTick& t, strategy::InstrumentSlot) override { trades.push_back(t); }
  void onBook(const strategy::BookUpdate& b, strategy::InstrumentSlot) override { books.push_back(b); }

  std::vector<strategy::OrderHandle> handles;
  std::vector<strategy::OrderUpdate> updates;
  std::vector<strategy::Fill> fills;
  std::vector<strategy::QuoteTick> quotes;
  std::vector<strategy::TradeTick> trades;
  std::vector<strategy::BookUpdate> books;

 private:
  std::map<std::int64_t, Action> actions_;
};

}  // namespace alphintra::backtest::testing
