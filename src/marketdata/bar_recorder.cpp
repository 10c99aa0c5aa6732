#include "marketdata/bar_recorder.hpp"

namespace alphintra::marketdata {

Result<bool> BarRecorder::onTrade(const TradeEvent& trade) {
  auto it = aggregators_.find(trade.instrument.value());
  if (it == aggregators_.end()) {
    auto created = BarAggregator::create(trade.instrument, BarSpec{BarKind::Time, interval_});
    if (!created) return created.error();
    it = aggregators_.emplace(trade.instrument.value(), std::move(created).value()).first;
  }
  if (storeTrades_) {
    auto stored = writer_.appendTrade(trade);
    if (!stored) return stored;
  }
  ++trades_;
  Bar done;
  if (it->second.onTrade(trade.exchangeTime, trade.price, trade.quantity, done)) {
    ++bars_;
    return writer_.appendBar(done, interval_);
  }
  return true;
}

Result<bool> BarRecorder::onEngineEvent(const engine::EngineEvent& event) {
  if (event.kind != engine::EventKind::PublicTrade) return true;
  const engine::PublicTradeReport& t = event.body.trade;
  TradeEvent trade;
  trade.instrument = t.instrument;
  trade.exchangeTime = event.time;
  trade.receiveTime = event.time;
  trade.price = t.price;
  trade.quantity = t.quantity;
  trade.tradeId = t.tradeId.value();
  trade.aggressor = t.aggressor;
  return onTrade(trade);
}

Result<bool> BarRecorder::finish() {
  Bar done;
  for (auto& [id, agg] : aggregators_) {
    if (agg.flush(done)) {
      ++bars_;
      auto stored = writer_.appendBar(done, interval_);
      if (!stored) return stored;
    }
  }
  return writer_.flush();
}

}  // namespace alphintra::marketdata
