// Position: what one account holds of one instrument — signed quantity, cost basis, realized
// P&L and fees paid — under the account's cost method.
//
// Cost basis is kept exactly, in raw notional units (price raw × quantity raw, 128-bit, signed
// like the quantity: a long of 100 @ 10.00 at precisions (2, 0) is +100'000), so repeated fills
// never drift:
//   * AverageCost: adding adds price × qty; reducing removes the closed share of the basis,
//     costBasis × closed / |qty|, rounded half away from zero to one raw unit — and closing
//     the whole position removes the whole basis, so a position that returns to flat has
//     realized exactly Σ sells − Σ buys. Crossing through zero closes the old position at the
//     fill price and opens the remainder at the fill price.
//   * Fifo: open lots (price, quantity) in fill order; a reducing fill consumes the oldest
//     first. The basis is Σ lot price × lot quantity.
// Realized P&L of a fill is (fill price − entry price) × closed quantity (negated for a short),
// in raw units, then converted to Money of the instrument currency with one rounding (half away
// from zero) per reducing fill and added up. It is gross: fees are tracked apart (fees()).
//
// Invariants: quantity 0 ⇔ cost basis 0 ⇔ no lots; Fifo: Σ lot quantities = |quantity|, every
// lot quantity > 0, basis = sign × Σ lot price × lot quantity; AverageCost: no lots.
// Threading: owned by the engine thread. Allocation: AverageCost never allocates; Fifo keeps
// lots in a ring buffer that only grows (doubling), so steady state allocates nothing.
// Amounts are raw price × raw quantity until MoneyScale turns them into money (with the
// instrument's contract multiplier). Known limits: quantities must stay within int64 raw units.
#pragma once

#include <cstdint>
#include <vector>

#include "core/binary_io.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/instrument.hpp"
#include "core/side.hpp"
#include "oms/money_math.hpp"

namespace alphintra::oms {

// Values fixed: they reach snapshots and the wire.
enum class CostMethod : std::uint8_t { AverageCost = 1, Fifo = 2 };

class Position {
 public:
  // An open FIFO lot; quantity > 0, direction = the position's sign.
  struct Lot {
    Price price;
    Quantity quantity;
    bool operator==(const Lot&) const noexcept = default;
  };

  Position() noexcept = default;
  Position(AccountId account, InstrumentId instrument, CostMethod method) noexcept
      : account_(account), instrument_(instrument), method_(method) {}

  // Books one fill and returns the P&L it realized (zero when it only opens or adds).
  // Precondition (checked by the ledger): side Buy or Sell, price defined, quantity > 0;
  // otherwise nothing changes and zero is returned.
  Money applyFill(Side side, Price price, Quantity quantity, const Instrument& instrument);
  Money applyFill(Side side, Price price, Quantity quantity, MoneyScale scale);
  void addFee(Money fee) noexcept { fees_ = Money::fromRaw(saturatingAdd(fees_.raw(), fee.raw())); }

  AccountId account() const noexcept { return account_; }
  InstrumentId instrument() const noexcept { return instrument_; }
  CostMethod method() const noexcept { return method_; }
  Quantity quantity() const noexcept { return quantity_; }  // signed: > 0 long, < 0 short
  bool isFlat() const noexcept { return quantity_.isZero(); }
  Int128 costBasis() const noexcept { return costBasis_; }  // raw notional units, signed
  // costBasis / quantity rounded half away from zero to the instrument's raw price units;
  // undefined when flat.
  Price averagePrice() const noexcept;
  Money realizedPnl() const noexcept { return realized_; }
  Money fees() const noexcept { return fees_; }
  // mark × quantity − cost basis, one rounding, instrument currency; zero when flat,
  // undefined when the mark is undefined and the position is open.
  Money unrealizedPnl(Price mark, const Instrument& instrument) const noexcept;
  Money unrealizedPnl(Price mark, MoneyScale scale) const noexcept;
  // mark × quantity (signed), instrument currency; same undefined rule.
  Money marketValue(Price mark, MoneyScale scale) const noexcept;
  // Both at once from one mark × quantity (what a valuation asks of every open position).
  struct Marked {
    Money value;       // = marketValue(mark, scale)
    Money unrealized;  // = unrealizedPnl(mark, scale)
  };
  Marked markTo(Price mark, MoneyScale scale) const noexcept;

  // Fifo lots, oldest first (AverageCost: none).
  std::size_t lotCount() const noexcept { return lotCount_; }
  Lot lot(std::size_t index) const noexcept { return lots_[(lotHead_ + index) & (lots_.size() - 1)]; }

  // Field by field; lots oldest first. Equal positions give equal bytes.
  void save(ByteWriter& out) const;
  // Replaces *this; refuses (false, unchanged) input that breaks the invariants above.
  bool load(ByteReader& in);

  // Same account, instrument, method, quantity, basis, P&L, fees and lots (not buffer layout).
  bool operator==(const Position& o) const noexcept;

 private:
  void openOrAdd(int sign, Price price, std::int64_t quantity);
  Int128 closeAverage(int positionSign, Price price, std::int64_t closed) noexcept;
  Int128 closeFifo(int positionSign, Price price, std::int64_t closed) noexcept;
  void pushLot(Lot lot);

  AccountId account_;
  InstrumentId instrument_;
  CostMethod method_ = CostMethod::AverageCost;
  Quantity quantity_;
  Int128 costBasis_ = 0;
  Money realized_;
  Money fees_;
  // FIFO lots as a ring buffer: capacity a power of two (or 0), live lots at
  // [head, head + count) modulo capacity.
  std::vector<Lot> lots_;
  std::size_t lotHead_ = 0;
  std::size_t lotCount_ = 0;
};

}  // namespace alphintra::oms
