#include "backtest/bar_fill_venue.hpp"

#include <algorithm>

namespace alphintra::backtest {

void BarFillVenue::addInstrument(const Instrument& instrument) {
  if (index_.find(instrument.id().value()) != book::IdIndex::kMissing) return;
  index_.insert(instrument.id().value(), static_cast<std::uint32_t>(markets_.size()));
  Market m;
  m.id = instrument.id();
  m.tick = instrument.tickSize();
  m.lot = instrument.lotSize();
  markets_.push_back(std::move(m));
  last_.push_back(Price::undefined());
  mayRest_.push_back(0);
}

BarFillVenue::Market* BarFillVenue::find(InstrumentId id) noexcept {
  const std::uint32_t i = index_.find(id.value());
  return i == book::IdIndex::kMissing ? nullptr : &markets_[i];
}

const BarFillVenue::Market* BarFillVenue::find(InstrumentId id) const noexcept {
  const std::uint32_t i = index_.find(id.value());
  return i == book::IdIndex::kMissing ? nullptr : &markets_[i];
}

book::Event& BarFillVenue::emit(Market& m, book::EventType type, Timestamp now, std::vector<book::Event>& out) {
  book::Event& e = out.emplace_back();
  e.type = type;
  e.sequence = ++m.sequence;
  e.time = now;
  return e;
}

void BarFillVenue::submit(InstrumentId instrument, const book::NewOrder& order, Timestamp now,
                          std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  auto reject = [&](book::RejectReason reason) {
    book::Event& e = emit(*m, book::EventType::Rejected, now, out);
    e.side = order.side;
    e.orderId = order.id;
    e.reason = static_cast<std::uint8_t>(reason);
  };
  if (!order.quantity.isPositive()) return reject(book::RejectReason::InvalidQuantity);
  if (order.type != book::OrderType::Market && order.type != book::OrderType::Limit) {
    return reject(book::RejectReason::InvalidOrderType);
  }
  if (order.type == book::OrderType::Limit && (!order.price.isPositive() || !order.price.isMultipleOf(m->tick))) {
    return reject(order.price.isPositive() ? book::RejectReason::PriceOffTick : book::RejectReason::InvalidPrice);
  }
  // The matching engine's expiry rules: a GTD order needs an expire time still to come, any
  // other order none.
  if (order.timeInForce == book::TimeInForce::GTD ? order.expireTime <= now : order.expireTime.nanos() != 0) {
    return reject(book::RejectReason::InvalidExpireTime);
  }
  if (m->status == TradingStatus::Halted) return reject(book::RejectReason::InstrumentHalted);
  if (m->status == TradingStatus::Closed) return reject(book::RejectReason::InstrumentClosed);
  book::Event& e = emit(*m, book::EventType::Accepted, now, out);
  e.side = order.side;
  e.orderType = static_cast<std::uint8_t>(order.type);
  e.orderId = order.id;
  e.price = order.type == book::OrderType::Limit ? order.price : Price::zero();
  e.quantity = order.quantity;
  e.leavesQuantity = order.quantity;
  mayRest_[static_cast<std::size_t>(m - markets_.data())] = 1;
  m->resting.push_back(Resting{order.id, order.account, order.side, order.type, order.timeInForce, order.price,
                               order.quantity, Quantity::zero(),
                               order.timeInForce == book::TimeInForce::GTD ? order.expireTime : Timestamp{}});
}

void BarFillVenue::cancel(InstrumentId instrument, OrderId order, Timestamp now, std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  const auto it = std::find_if(m->resting.begin(), m->resting.end(), [&](const Resting& r) { return r.id == order; });
  if (it == m->resting.end()) {
    book::Event& e = emit(*m, book::EventType::Rejected, now, out);
    e.orderId = order;
    e.reason = static_cast<std::uint8_t>(book::RejectReason::UnknownOrder);
    return;
  }
  book::Event& e = emit(*m, book::EventType::Cancelled, now, out);
  e.side = it->side;
  e.orderId = it->id;
  e.reason = static_cast<std::uint8_t>(book::CancelReason::Requested);
  e.price = it->type == book::OrderType::Limit ? it->price : Price::zero();
  e.quantity = it->leaves();
  m->resting.erase(it);
}

void BarFillVenue::replace(InstrumentId instrument, const book::ReplaceOrder& request, Timestamp now,
                           std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  const auto it =
      std::find_if(m->resting.begin(), m->resting.end(), [&](const Resting& r) { return r.id == request.id; });
  auto reject = [&](book::RejectReason reason) {
    book::Event& e = emit(*m, book::EventType::Rejected, now, out);
    e.orderId = request.id;
    e.reason = static_cast<std::uint8_t>(reason);
  };
  if (it == m->resting.end()) return reject(book::RejectReason::UnknownOrder);
  // The new quantity is the order's total: it must stay above what has filled.
  if (request.quantity.isDefined() && (!request.quantity.isPositive() || request.quantity <= it->filled)) {
    return reject(book::RejectReason::InvalidQuantity);
  }
  if (request.price.isDefined()) {
    if (it->type != book::OrderType::Limit || !request.price.isPositive()) {
      return reject(book::RejectReason::InvalidPrice);
    }
    if (!request.price.isMultipleOf(m->tick)) return reject(book::RejectReason::PriceOffTick);
    it->price = request.price;
  }
  if (request.quantity.isDefined()) it->quantity = request.quantity;
  book::Event& e = emit(*m, book::EventType::Replaced, now, out);
  e.side = it->side;
  e.orderType = static_cast<std::uint8_t>(it->type);
  e.orderId = it->id;
  e.price = it->type == book::OrderType::Limit ? it->price : Price::zero();
  e.quantity = it->quantity;
  e.leavesQuantity = it->leaves();
}

void BarFillVenue::massCancel(InstrumentId instrument, AccountId account, Timestamp now,
                              std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  std::vector<Resting> kept;
  for (const Resting& r : m->resting) {
    if (!account.isNone() && r.account != account) {
      kept.push_back(r);
      continue;
    }
    book::Event& e = emit(*m, book::EventType::Cancelled, now, out);
    e.side = r.side;
    e.orderId = r.id;
    e.reason = static_cast<std::uint8_t>(book::CancelReason::MassCancel);
    e.quantity = r.leaves();
  }
  m->resting = std::move(kept);
}

void BarFillVenue::setStatus(InstrumentId instrument, TradingStatus status, Timestamp now,
                             std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr) return;
  m->status = status;
  book::Event& e = emit(*m, book::EventType::StatusChanged, now, out);
  e.reason = static_cast<std::uint8_t>(status);
}

void BarFillVenue::advanceTime(InstrumentId instrument, Timestamp now, std::vector<book::Event>& out) {
  Market* m = find(instrument);
  if (m == nullptr || !m->barPending) return;
  m->barPending = false;
  fillAgainstBar(*m, now, out);
}

bool BarFillVenue::takeDue(std::vector<InstrumentId>& out) {
  std::sort(due_.begin(), due_.end());  // the order of addInstrument, the engine's order
  for (const std::uint32_t i : due_) {
    if (markets_[i].barPending) out.push_back(markets_[i].id);
  }
  due_.clear();  // each one taken is advanced now, which clears its barPending
  return true;
}

void BarFillVenue::fillAgainstBar(Market& m, Timestamp now, std::vector<book::Event>& out) {
  const marketdata::Bar& bar = m.bar;
  std::int64_t allowance = model_.volumeAllowance(bar.volume, m.lot);  // what is left of the bar's volume
  const auto cancelRest = [&](const Resting& r, book::CancelReason reason) {
    book::Event& e = emit(m, book::EventType::Cancelled, now, out);
    e.side = r.side;
    e.orderId = r.id;
    e.reason = static_cast<std::uint8_t>(reason);
    e.quantity = r.leaves();
  };
  std::size_t kept = 0;
  for (std::size_t i = 0; i < m.resting.size(); ++i) {
    Resting r = m.resting[i];
    if (r.timeInForce == book::TimeInForce::GTD && r.expireTime <= bar.start) {
      book::Event& e = emit(m, book::EventType::Expired, now, out);  // its time came before this bar
      e.side = r.side;
      e.orderId = r.id;
      e.price = r.price;
      e.quantity = r.leaves();
      continue;
    }
    Price fill = Price::undefined();
    if (r.type == book::OrderType::Market) {
      fill = model_.slipped(r.side, bar.open, m.tick);
    } else if (r.side == Side::Buy) {
      if (bar.open <= r.price) {
        fill = std::min(model_.slipped(Side::Buy, bar.open, m.tick), r.price);
      } else if (bar.low <= r.price) {
        fill = r.price;
      }
    } else {
      if (bar.open >= r.price) {
        fill = std::max(model_.slipped(Side::Sell, bar.open, m.tick), r.price);
      } else if (bar.high >= r.price) {
        fill = r.price;
      }
    }
    const bool fok = r.timeInForce == book::TimeInForce::FOK;
    const bool ioc = r.timeInForce == book::TimeInForce::IOC;
    if (fill.isDefined() && fill.isPositive()) {
      const std::int64_t leaves = r.leaves().raw();
      const std::int64_t take = std::min(leaves, allowance);
      if (fok && take < leaves) {
        cancelRest(r, book::CancelReason::FillOrKill);
        continue;
      }
      if (take > 0) {
        allowance -= take;
        r.filled = Quantity::fromRaw(r.filled.raw() + take);
        book::Event& e = emit(m, book::EventType::Trade, now, out);
        e.side = r.side;
        e.orderId = r.id;
        e.price = fill;
        e.quantity = Quantity::fromRaw(take);
        e.leavesQuantity = r.leaves();
        if (take == leaves) continue;
      }
      // Short of volume: IOC ends here; anything else works on in the next bars.
      if (ioc) {
        cancelRest(r, book::CancelReason::ImmediateOrCancel);
        continue;
      }
      m.resting[kept++] = r;
      continue;
    }
    if (ioc || fok || r.type == book::OrderType::Market) {
      cancelRest(r, fok ? book::CancelReason::FillOrKill : book::CancelReason::ImmediateOrCancel);
      continue;
    }
    m.resting[kept++] = r;
  }
  m.resting.resize(kept);
}

void BarFillVenue::setReferencePrice(InstrumentId instrument, Price price) {
  if (Market* m = find(instrument)) last_[static_cast<std::size_t>(m - markets_.data())] = price;
}

book::TopOfBook BarFillVenue::topOfBook(InstrumentId instrument) const {
  book::TopOfBook top;
  if (const Market* m = find(instrument)) {
    top.bidPrice = top.askPrice = top.lastTradePrice = last_[static_cast<std::size_t>(m - markets_.data())];
    top.sequence = m->sequence;
  }
  return top;
}

TradingStatus BarFillVenue::status(InstrumentId instrument) const {
  const Market* m = find(instrument);
  return m == nullptr ? TradingStatus::Closed : m->status;
}

void BarFillVenue::save(ByteWriter& out) const {
  out.u32(static_cast<std::uint32_t>(markets_.size()));
  for (std::size_t k = 0; k < markets_.size(); ++k) {
    const Market& m = markets_[k];
    out.u64(m.id.value());
    out.i64(last_[k].raw());
    out.u64(m.sequence);
    out.u32(static_cast<std::uint32_t>(m.resting.size()));
    for (const Resting& r : m.resting) {
      out.u64(r.id.value());
      out.u64(r.account.value());
      out.u8(static_cast<std::uint8_t>(r.side));
      out.u8(static_cast<std::uint8_t>(r.type));
      out.u8(static_cast<std::uint8_t>(r.timeInForce));
      out.i64(r.price.raw());
      out.i64(r.quantity.raw());
      out.i64(r.filled.raw());
      out.i64(r.expireTime.nanos());
    }
  }
}

bool BarFillVenue::load(ByteReader& in) {
  const std::uint32_t n = in.u32();
  if (!in.ok() || n != markets_.size()) return false;
  for (std::size_t k = 0; k < markets_.size(); ++k) {
    Market& m = markets_[k];
    if (in.u64() != m.id.value()) return false;
    last_[k] = Price::fromRaw(in.i64());
    m.sequence = in.u64();
    const std::uint32_t count = in.u32();
    if (!in.ok() || count > 1'000'000'000u) return false;
    m.resting.clear();
    for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
      Resting r;
      r.id = OrderId{in.u64()};
      r.account = AccountId{in.u64()};
      r.side = static_cast<Side>(in.u8());
      r.type = static_cast<book::OrderType>(in.u8());
      r.timeInForce = static_cast<book::TimeInForce>(in.u8());
      r.price = Price::fromRaw(in.i64());
      r.quantity = Quantity::fromRaw(in.i64());
      r.filled = Quantity::fromRaw(in.i64());
      r.expireTime = Timestamp(in.i64());
      const auto side = static_cast<std::uint8_t>(r.side);
      const auto type = static_cast<std::uint8_t>(r.type);
      const auto tif = static_cast<std::uint8_t>(r.timeInForce);
      if (side < 1 || side > 2 || type < 1 || type > 4 || tif < 1 || tif > 5) in.fail();  // none of their values
      m.resting.push_back(r);
    }
  }
  due_.clear();
  for (std::uint32_t i = 0; i < markets_.size(); ++i) {
    if (markets_[i].barPending) due_.push_back(i);
    mayRest_[i] = markets_[i].resting.empty() ? 0 : 1;
  }
  return in.ok();
}

}  // namespace alphintra::backtest
