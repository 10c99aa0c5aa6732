// Engine: what the venue answered, applied to the OMS, the ledger and the risk bookkeeping,
// and reported as execution reports. The venue's events come in the order the book emitted
// them, so reports follow the same causal order (accept, then trades, then a remainder cancel).
#include "engine/engine.hpp"

namespace alphintra::engine {

void Engine::processVenueEvents(const Command& c, std::uint32_t instrument, std::vector<EngineEvent>& out) {
  for (const book::Event& e : venueEvents_) {
    switch (e.type) {
      case book::EventType::Accepted: {
        oms::OmsOrder* o = orders_.find(e.orderId);
        if (o == nullptr) break;
        auto t = oms::transition(o->state, oms::OrderEvent::VenueAccepted);
        if (!t) break;
        o->state = t->next;
        o->updatedTime = lastTime_;
        updateReservation(*o);
        report(c, *o, oms::ExecType::New, o->id == targetOrder_, out);
        break;
      }
      case book::EventType::Rejected: {
        oms::OmsOrder* o = orders_.find(e.orderId);
        if (c.header.type == CommandType::NewOrder) {
          if (o == nullptr) break;
          auto t = oms::transition(o->state, oms::OrderEvent::Rejected);
          if (!t) break;
          o->state = t->next;
          o->rejectSource = oms::RejectSource::Venue;
          o->rejectCode = e.reason;
          finishOrder(*o);
          report(c, *o, oms::ExecType::Rejected, true, out);
        } else if (c.header.type == CommandType::CancelOrder || c.header.type == CommandType::ReplaceOrder) {
          const bool replace = c.header.type == CommandType::ReplaceOrder;
          if (o != nullptr && !venue_->synchronous()) {
            auto t =
                oms::transition(o->state, replace ? oms::OrderEvent::ReplaceRejected : oms::OrderEvent::CancelRejected);
            if (t) o->state = t->next;
          }
          cancelReject(c, o, replace, oms::RejectSource::Venue, e.reason, nullptr, out);
        } else {
          lastVenueReject_ = e.reason;
        }
        break;
      }
      case book::EventType::Trade: onVenueTrade(c, instrument, e, out); break;
      case book::EventType::Cancelled:
      case book::EventType::Expired: {
        oms::OmsOrder* o = orders_.find(e.orderId);
        if (o == nullptr) break;
        const bool expired = e.type == book::EventType::Expired;
        auto t = oms::transition(o->state, expired ? oms::OrderEvent::Expired : oms::OrderEvent::Canceled);
        if (!t) break;
        o->state = t->next;
        o->updatedTime = lastTime_;
        if (!expired) {
          // Why it was cancelled (requested, IOC remainder, self-trade, mass cancel, ...).
          o->rejectSource = oms::RejectSource::Venue;
          o->rejectCode = e.reason;
        }
        finishOrder(*o);
        report(c, *o, t->execType, o->id == targetOrder_, out);
        break;
      }
      case book::EventType::Replaced: {
        oms::OmsOrder* o = orders_.find(e.orderId);
        if (o == nullptr || c.header.type != CommandType::ReplaceOrder) break;
        const ReplaceOrderBody& b = c.body.replace;
        PairState& p = pairs_[extra(o->id).pair];
        const Quantity delta = e.leavesQuantity - o->leavesQuantity;
        if (o->side() == Side::Buy) {
          p.openBuy += delta;
        } else {
          p.openSell += delta;
        }
        o->leavesQuantity = e.leavesQuantity;
        o->quantity = e.quantity;
        o->price = e.price;
        if (b.stopPrice.isDefined()) o->stopPrice = b.stopPrice;
        if (!b.clientOrderId.isNone() && b.clientOrderId != o->clientOrderId) {
          orders_.indexClientId(o->account(), b.clientOrderId, o->id);
          o->origClientOrderId = o->clientOrderId;
          o->clientOrderId = b.clientOrderId;
        }
        auto t = oms::transition(o->state, oms::OrderEvent::ReplacedOpen);
        if (t) o->state = t->next;
        o->updatedTime = lastTime_;
        updateReservation(*o);
        report(c, *o, oms::ExecType::Replaced, true, out);
        break;
      }
      case book::EventType::Triggered: {
        if (oms::OmsOrder* o = orders_.find(e.orderId)) o->triggered = true;
        break;
      }
      case book::EventType::Restated: {
        oms::OmsOrder* o = orders_.find(e.orderId);
        if (o == nullptr) break;
        auto t = oms::transition(o->state, oms::OrderEvent::Restated);
        if (!t) break;
        PairState& p = pairs_[extra(o->id).pair];
        if (o->side() == Side::Buy) {
          p.openBuy -= e.quantity;
        } else {
          p.openSell -= e.quantity;
        }
        // The venue removed quantity: the order's total shrinks with it, so that
        // cum + leaves = order quantity keeps holding (FIX restatement).
        o->quantity -= e.quantity;
        o->leavesQuantity = e.leavesQuantity;
        o->state = t->next;
        o->updatedTime = lastTime_;
        updateReservation(*o);
        report(c, *o, oms::ExecType::Restated, false, out);
        break;
      }
      default: break;  // AuctionUncross (its trades follow), StatusChanged, market-data deltas
    }
  }
  publishQuote(c, instrument, out);
}

void Engine::onVenueTrade(const Command& c, std::uint32_t instrument, const book::Event& e,
                          std::vector<EngineEvent>& out) {
  const TradeId trade{nextTradeId_++};
  oms::OmsOrder* first = orders_.find(e.orderId);         // aggressor (auction: the buy)
  oms::OmsOrder* second = orders_.find(e.contraOrderId);  // resting (auction: the sell)
  const bool auction = e.side == Side::None;
  if (first != nullptr) {
    fillOrder(c, *first, e.price, e.quantity, e.leavesQuantity, auction ? Liquidity::Auction : Liquidity::Taker, trade,
              out);
  }
  if (second != nullptr) {
    fillOrder(c, *second, e.price, e.quantity, e.contraLeavesQuantity, auction ? Liquidity::Auction : Liquidity::Maker,
              trade, out);
  }
  ledger_.onMark(instruments_[instrument].id(), e.price);
  if (options_.publishMarketData) {
    EngineEvent& ev = emit(c, EventKind::PublicTrade, false, out);
    PublicTradeReport& t = ev.body.trade;
    t.instrument = instruments_[instrument].id();
    t.tradeId = trade;
    t.price = e.price;
    t.quantity = e.quantity;
    t.aggressor = e.side;
  }
}

void Engine::fillOrder(const Command& c, oms::OmsOrder& o, Price price, Quantity qty, Quantity leaves,
                       Liquidity liquidity, TradeId trade, std::vector<EngineEvent>& out) {
  PairState& p = pairs_[extra(o.id).pair];
  // Auction fills pay the maker rate: neither side took liquidity from a resting book.
  const bool maker = liquidity != Liquidity::Taker;
  const oms::OrderFeesSoFar feesSoFar{o.rateFees, o.fees};
  oms::FillResult fill;
  if (p.position != nullptr) {
    fill = ledger_.onFill(*p.position, o.side(), price, qty, maker, feesSoFar);
  } else {
    fill = ledger_.onFill(o.account(), o.instrument(), o.side(), price, qty, maker, feesSoFar);
    p.position = ledger_.positionSlot(o.account(), o.instrument());  // created by that first fill
  }
  o.cumQuantity += qty;
  o.cumNotional += rawNotional(price, qty);
  o.rateFees += fill.rateFee;
  o.fees += fill.fee;
  if (o.side() == Side::Buy) {
    p.openBuy -= o.leavesQuantity - leaves;
  } else {
    p.openSell -= o.leavesQuantity - leaves;
  }
  o.leavesQuantity = leaves;
  auto t = oms::transition(o.state, leaves.isPositive() ? oms::OrderEvent::PartialFill : oms::OrderEvent::FullFill);
  if (t) o.state = t->next;
  o.updatedTime = lastTime_;
  if (o.state.isTerminal()) {
    finishOrder(o);
  } else {
    updateReservation(o);
  }
  ExecutionReport& r = report(c, o, oms::ExecType::Trade, o.id == targetOrder_, out);
  r.tradeId = trade;
  r.liquidity = liquidity;
  r.lastQuantity = qty;
  r.lastPrice = price;
  r.lastFee = fill.fee;
}

}  // namespace alphintra::engine
