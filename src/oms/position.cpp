#include "oms/position.hpp"

#include <algorithm>

namespace alphintra::oms {

Money Position::applyFill(Side side, Price price, Quantity quantity, const Instrument& instrument) {
  return applyFill(side, price, quantity, MoneyScale::of(instrument));
}

Money Position::applyFill(Side side, Price price, Quantity quantity, MoneyScale scale) {
  if ((side != Side::Buy && side != Side::Sell) || !price.isDefined() || !quantity.isPositive()) return Money{};
  const int fillSign = side == Side::Buy ? 1 : -1;
  const std::int64_t q = quantity.raw();
  const std::int64_t held = quantity_.raw();

  if (held == 0 || (held > 0) == (fillSign > 0)) {
    openOrAdd(fillSign, price, q);
    return Money{};
  }

  // Reducing: close up to the open quantity, then open any remainder the other way.
  const int positionSign = -fillSign;
  const std::int64_t open = held > 0 ? held : -held;
  const std::int64_t closed = std::min(q, open);
  const Int128 realizedRaw =
      method_ == CostMethod::Fifo ? closeFifo(positionSign, price, closed) : closeAverage(positionSign, price, closed);
  quantity_ = Quantity::fromRaw(held + fillSign * closed);
  if (quantity_.isZero()) costBasis_ = 0;  // already 0 by construction; stated for clarity
  const Money realized = scale.toMoney(realizedRaw);
  realized_ = Money::fromRaw(saturatingAdd(realized_.raw(), realized.raw()));  // absurd prices saturate
  if (q > closed) openOrAdd(fillSign, price, q - closed);
  return realized;
}

void Position::openOrAdd(int sign, Price price, std::int64_t quantity) {
  costBasis_ += static_cast<Int128>(sign) * rawNotional(price, Quantity::fromRaw(quantity));
  quantity_ = Quantity::fromRaw(quantity_.raw() + sign * quantity);
  if (method_ == CostMethod::Fifo) pushLot(Lot{price, Quantity::fromRaw(quantity)});
}

Int128 Position::closeAverage(int positionSign, Price price, std::int64_t closed) noexcept {
  const std::int64_t held = quantity_.raw();
  const std::int64_t open = held > 0 ? held : -held;
  // The closed share of the basis; the whole basis when everything closes, so rounding
  // residue never outlives the position.
  const Int128 removed = closed == open ? costBasis_ : mulDivRound(costBasis_, closed, open);
  costBasis_ -= removed;
  return static_cast<Int128>(positionSign) * rawNotional(price, Quantity::fromRaw(closed)) - removed;
}

Int128 Position::closeFifo(int positionSign, Price price, std::int64_t closed) noexcept {
  Int128 realized = 0;
  std::int64_t remaining = closed;
  const std::size_t mask = lots_.size() - 1;
  while (remaining > 0 && lotCount_ > 0) {
    Lot& oldest = lots_[lotHead_];
    const std::int64_t take = std::min(oldest.quantity.raw(), remaining);
    const Int128 entry = rawNotional(oldest.price, Quantity::fromRaw(take));
    realized += positionSign * (rawNotional(price, Quantity::fromRaw(take)) - entry);
    costBasis_ -= positionSign * entry;
    remaining -= take;
    oldest.quantity = Quantity::fromRaw(oldest.quantity.raw() - take);
    if (oldest.quantity.isZero()) {
      lotHead_ = (lotHead_ + 1) & mask;
      --lotCount_;
    }
  }
  if (lotCount_ == 0) lotHead_ = 0;
  return realized;
}

void Position::pushLot(Lot lot) {
  if (lotCount_ == lots_.size()) {
    // Grow by doubling, unrolling the ring so the oldest lot lands at index 0.
    std::vector<Lot> grown(lots_.empty() ? 4 : lots_.size() * 2);
    for (std::size_t i = 0; i < lotCount_; ++i) grown[i] = this->lot(i);
    lots_.swap(grown);
    lotHead_ = 0;
  }
  lots_[(lotHead_ + lotCount_) & (lots_.size() - 1)] = lot;
  ++lotCount_;
}

Price Position::averagePrice() const noexcept {
  if (quantity_.isZero()) return Price::undefined();
  return Price::fromRaw(saturate64(divRound(costBasis_, quantity_.raw())));
}

Money Position::unrealizedPnl(Price mark, const Instrument& instrument) const noexcept {
  return unrealizedPnl(mark, MoneyScale::of(instrument));
}

Money Position::unrealizedPnl(Price mark, MoneyScale scale) const noexcept {
  if (quantity_.isZero()) return Money{};
  if (!mark.isDefined()) return Money::undefined();
  return scale.toMoney(rawNotional(mark, quantity_) - costBasis_);
}

Money Position::marketValue(Price mark, MoneyScale scale) const noexcept {
  if (quantity_.isZero()) return Money{};
  if (!mark.isDefined()) return Money::undefined();
  return scale.toMoney(rawNotional(mark, quantity_));
}

Position::Marked Position::markTo(Price mark, MoneyScale scale) const noexcept {
  if (quantity_.isZero()) return {};
  if (!mark.isDefined()) return {Money::undefined(), Money::undefined()};
  const Int128 notional = rawNotional(mark, quantity_);
  return {scale.toMoney(notional), scale.toMoney(notional - costBasis_)};
}

bool Position::operator==(const Position& o) const noexcept {
  if (account_ != o.account_ || instrument_ != o.instrument_ || method_ != o.method_ || quantity_ != o.quantity_ ||
      costBasis_ != o.costBasis_ || realized_ != o.realized_ || fees_ != o.fees_ || lotCount_ != o.lotCount_) {
    return false;
  }
  for (std::size_t i = 0; i < lotCount_; ++i) {
    if (!(lot(i) == o.lot(i))) return false;
  }
  return true;
}

void Position::save(ByteWriter& out) const {
  out.u64(account_.value());
  out.u64(instrument_.value());
  out.u8(static_cast<std::uint8_t>(method_));
  out.i64(quantity_.raw());
  const auto basis = static_cast<UInt128>(costBasis_);
  out.u64(static_cast<std::uint64_t>(basis));
  out.u64(static_cast<std::uint64_t>(basis >> 64));
  out.i64(realized_.raw());
  out.i64(fees_.raw());
  out.u32(static_cast<std::uint32_t>(lotCount_));
  for (std::size_t i = 0; i < lotCount_; ++i) {
    const Lot l = lot(i);
    out.i64(l.price.raw());
    out.i64(l.quantity.raw());
  }
}

bool Position::load(ByteReader& in) {
  Position p;
  p.account_ = AccountId{in.u64()};
  p.instrument_ = InstrumentId{in.u64()};
  const std::uint8_t method = in.u8();
  p.quantity_ = Quantity::fromRaw(in.i64());
  const std::uint64_t basisLo = in.u64();
  const std::uint64_t basisHi = in.u64();
  p.costBasis_ = static_cast<Int128>((static_cast<UInt128>(basisHi) << 64) | basisLo);
  p.realized_ = Money::fromRaw(in.i64());
  p.fees_ = Money::fromRaw(in.i64());
  const std::uint32_t lots = in.count(1u << 24);
  if (!in.ok()) return false;
  if (method != static_cast<std::uint8_t>(CostMethod::AverageCost) &&
      method != static_cast<std::uint8_t>(CostMethod::Fifo)) {
    return false;
  }
  p.method_ = static_cast<CostMethod>(method);
  if (p.account_.isNone() || p.instrument_.isNone() || !p.quantity_.isDefined() || !p.realized_.isDefined() ||
      !p.fees_.isDefined()) {
    return false;
  }
  if (p.quantity_.isZero() && p.costBasis_ != 0) return false;
  if (p.method_ == CostMethod::AverageCost && lots != 0) return false;

  if (p.method_ == CostMethod::Fifo) {
    const int sign = p.quantity_.raw() > 0 ? 1 : -1;
    Int128 lotQuantity = 0;
    Int128 lotBasis = 0;
    for (std::uint32_t i = 0; i < lots; ++i) {
      const Price price = Price::fromRaw(in.i64());
      const Quantity quantity = Quantity::fromRaw(in.i64());
      if (!in.ok() || !price.isDefined() || !quantity.isPositive()) return false;
      lotQuantity += quantity.raw();
      lotBasis += sign * rawNotional(price, quantity);
      p.pushLot(Lot{price, quantity});
    }
    const Int128 open = p.quantity_.raw() > 0 ? p.quantity_.raw() : -static_cast<Int128>(p.quantity_.raw());
    if (lotQuantity != open || lotBasis != p.costBasis_) return false;
  }
  *this = std::move(p);
  return true;
}

}  // namespace alphintra::oms
