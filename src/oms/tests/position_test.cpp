// Position: average cost vs FIFO on the same fills, crossing through zero, shorts, average
// price rounding without drift, unrealized P&L, a randomized differential test against a naive
// lot list, and snapshot round trips (including a wrapped FIFO ring).
#include "oms/position.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <vector>

namespace alphintra::oms {
namespace {

Instrument makeInstrument(int pricePrecision, int quantityPrecision, std::string currency = "USD",
                          std::string multiplier = "1") {
  InstrumentSpec spec;
  spec.id = 7;
  spec.symbol = "XYZ";
  spec.currency = std::move(currency);
  spec.pricePrecision = pricePrecision;
  spec.quantityPrecision = quantityPrecision;
  spec.tickSize = "1";
  spec.lotSize = "1";
  spec.multiplier = std::move(multiplier);
  auto i = Instrument::create(spec);
  EXPECT_TRUE(i.ok()) << i.error().message;
  return std::move(i).value();
}

// Prices in cents (precision 2), whole-share quantities: raw notional units are cents.
const Instrument kUsd = makeInstrument(2, 0);

Price px(std::int64_t cents) { return Price::fromRaw(cents); }
Quantity qty(std::int64_t n) { return Quantity::fromRaw(n); }
Money usd(std::int64_t cents) { return Money::fromRaw(cents); }

Position make(CostMethod m) { return Position(AccountId{1}, InstrumentId{7}, m); }

TEST(Position, MarkToGivesMarketValueAndUnrealizedAsTheirOwnCallsDo) {
  // markTo computes mark × quantity once for both figures: equal to the two separate calls for
  // long, short and flat positions, an undefined mark, and a contract multiplier with rescaling.
  const Instrument future = makeInstrument(2, 0, "USD", "12.5");
  for (const Instrument* in : {&kUsd, &future}) {
    const MoneyScale scale = MoneyScale::of(*in);
    Position p = make(CostMethod::AverageCost);
    const auto check = [&](const char* what) {
      for (const Price mark : {px(1), px(1075), px(123457), Price::undefined()}) {
        const Position::Marked m = p.markTo(mark, scale);
        EXPECT_EQ(m.value, p.marketValue(mark, scale)) << what << " at " << mark.raw();
        EXPECT_EQ(m.unrealized, p.unrealizedPnl(mark, scale)) << what << " at " << mark.raw();
      }
    };
    check("flat");
    p.applyFill(Side::Buy, px(1000), qty(3), scale);
    p.applyFill(Side::Buy, px(1025), qty(4), scale);
    check("long");
    p.applyFill(Side::Sell, px(1050), qty(10), scale);
    check("short");
    EXPECT_FALSE(p.markTo(px(1075), scale).value.isZero());
  }
}

TEST(Position, AverageCostAndFifoOnTheSameFills) {
  Position avg = make(CostMethod::AverageCost);
  Position fifo = make(CostMethod::Fifo);
  for (Position* p : {&avg, &fifo}) {
    EXPECT_EQ(p->applyFill(Side::Buy, px(1000), qty(100), kUsd), usd(0));
    EXPECT_EQ(p->applyFill(Side::Buy, px(1200), qty(100), kUsd), usd(0));
    EXPECT_EQ(p->quantity(), qty(200));
    EXPECT_EQ(p->costBasis(), 220000);
    EXPECT_EQ(p->averagePrice(), px(1100));
  }
  // Sell 150 @ 11: average cost realizes 150 × (11 − 11) = 0; FIFO 100 × (11 − 10) + 50 × (11 − 12) = 50.
  EXPECT_EQ(avg.applyFill(Side::Sell, px(1100), qty(150), kUsd), usd(0));
  EXPECT_EQ(fifo.applyFill(Side::Sell, px(1100), qty(150), kUsd), usd(5000));
  EXPECT_EQ(avg.realizedPnl(), usd(0));
  EXPECT_EQ(fifo.realizedPnl(), usd(5000));

  // 50 left: average cost at 11, FIFO the rest of the second lot at 12.
  EXPECT_EQ(avg.quantity(), qty(50));
  EXPECT_EQ(fifo.quantity(), qty(50));
  EXPECT_EQ(avg.averagePrice(), px(1100));
  EXPECT_EQ(fifo.averagePrice(), px(1200));
  EXPECT_EQ(avg.costBasis(), 55000);
  EXPECT_EQ(fifo.costBasis(), 60000);
  ASSERT_EQ(fifo.lotCount(), 1u);
  EXPECT_EQ(fifo.lot(0).price, px(1200));
  EXPECT_EQ(fifo.lot(0).quantity, qty(50));
  EXPECT_EQ(avg.lotCount(), 0u);

  // Marked at 11: the methods split the same total P&L differently.
  EXPECT_EQ(avg.unrealizedPnl(px(1100), kUsd), usd(0));
  EXPECT_EQ(fifo.unrealizedPnl(px(1100), kUsd), usd(-5000));
  EXPECT_EQ(avg.realizedPnl() + avg.unrealizedPnl(px(1100), kUsd),
            fifo.realizedPnl() + fifo.unrealizedPnl(px(1100), kUsd));
  // Marked at 13: avg 50 × 2 = 100; FIFO 50 × 1 = 50.
  EXPECT_EQ(avg.unrealizedPnl(px(1300), kUsd), usd(10000));
  EXPECT_EQ(fifo.unrealizedPnl(px(1300), kUsd), usd(5000));
}

TEST(Position, CrossingThroughZeroClosesThenOpensAtTheFillPrice) {
  for (CostMethod m : {CostMethod::AverageCost, CostMethod::Fifo}) {
    Position p = make(m);
    p.applyFill(Side::Buy, px(1000), qty(100), kUsd);
    // Sell 150 @ 12: close 100 long (+200.00), open 50 short at 12.
    EXPECT_EQ(p.applyFill(Side::Sell, px(1200), qty(150), kUsd), usd(20000));
    EXPECT_EQ(p.quantity(), qty(-50));
    EXPECT_EQ(p.averagePrice(), px(1200));
    EXPECT_EQ(p.costBasis(), -60000);
    // Buy 80 @ 11: close 50 short (+50.00), open 30 long at 11.
    EXPECT_EQ(p.applyFill(Side::Buy, px(1100), qty(80), kUsd), usd(5000));
    EXPECT_EQ(p.quantity(), qty(30));
    EXPECT_EQ(p.averagePrice(), px(1100));
    EXPECT_EQ(p.realizedPnl(), usd(25000));
    // Exactly to flat: everything realized, nothing left.
    EXPECT_EQ(p.applyFill(Side::Sell, px(1050), qty(30), kUsd), usd(-1500));
    EXPECT_TRUE(p.isFlat());
    EXPECT_EQ(p.costBasis(), 0);
    EXPECT_EQ(p.averagePrice(), Price::undefined());
    EXPECT_EQ(p.unrealizedPnl(px(999), kUsd), usd(0));
    EXPECT_EQ(p.lotCount(), 0u);
    EXPECT_EQ(p.realizedPnl(), usd(23500));
  }
}

TEST(Position, ShortsRealizeWhenCoveredLower) {
  Position avg = make(CostMethod::AverageCost);
  Position fifo = make(CostMethod::Fifo);
  for (Position* p : {&avg, &fifo}) {
    p->applyFill(Side::Sell, px(2000), qty(100), kUsd);
    p->applyFill(Side::Sell, px(2200), qty(100), kUsd);
    EXPECT_EQ(p->quantity(), qty(-200));
    EXPECT_EQ(p->costBasis(), -420000);
    EXPECT_EQ(p->averagePrice(), px(2100));
  }
  // Buy 50 @ 19: average (21 − 19) × 50 = 100; FIFO (20 − 19) × 50 = 50.
  EXPECT_EQ(avg.applyFill(Side::Buy, px(1900), qty(50), kUsd), usd(10000));
  EXPECT_EQ(fifo.applyFill(Side::Buy, px(1900), qty(50), kUsd), usd(5000));
  // Marked at 18, 150 short: average (21 − 18) × 150 = 450; FIFO (20−18)×50 + (22−18)×100 = 500.
  EXPECT_EQ(avg.unrealizedPnl(px(1800), kUsd), usd(45000));
  EXPECT_EQ(fifo.unrealizedPnl(px(1800), kUsd), usd(50000));
  EXPECT_EQ(avg.marketValue(px(1800), MoneyScale::of(kUsd)), usd(-270000));
  // A loss when the price rises: cover 150 @ 23.
  EXPECT_EQ(avg.applyFill(Side::Buy, px(2300), qty(150), kUsd), usd(-30000));
  EXPECT_EQ(fifo.applyFill(Side::Buy, px(2300), qty(150), kUsd), usd(-25000));
  EXPECT_EQ(avg.realizedPnl(), fifo.realizedPnl());  // flat: both = Σ sells − Σ buys
  EXPECT_EQ(avg.realizedPnl(), usd(420000 - 95000 - 345000));
}

TEST(Position, AverageCostRoundingLeavesNoResidueAtFlat) {
  Position p = make(CostMethod::AverageCost);
  p.applyFill(Side::Buy, px(1000), qty(1), kUsd);
  p.applyFill(Side::Buy, px(1001), qty(2), kUsd);
  EXPECT_EQ(p.costBasis(), 3002);
  EXPECT_EQ(p.averagePrice(), px(1001));  // 10.00666.. → 10.01
  // Sell 1 @ 10.00: the closed third of 30.02 is 10.0066.. → 10.01 removed, −0.01 realized.
  EXPECT_EQ(p.applyFill(Side::Sell, px(1000), qty(1), kUsd), usd(-1));
  EXPECT_EQ(p.costBasis(), 2001);
  EXPECT_EQ(p.averagePrice(), px(1001));  // 10.005 → 10.01 (half away from zero)
  // The rest closes against the whole remaining basis: total realized = 30.00 − 30.02 exactly.
  EXPECT_EQ(p.applyFill(Side::Sell, px(1000), qty(2), kUsd), usd(-1));
  EXPECT_EQ(p.realizedPnl(), usd(-2));
  EXPECT_EQ(p.costBasis(), 0);
}

TEST(Position, RealizedIsRoundedToMoneyOncePerClosingFill) {
  // Prices with 4 places, quantities with 1: raw units are 1e-5 USD, money is cents.
  const Instrument fine = makeInstrument(4, 1);
  Position p = make(CostMethod::Fifo);
  p.applyFill(Side::Buy, Price::fromRaw(100000), Quantity::fromRaw(10), fine);  // 1 @ 10.0000
  // Sell 0.5 @ 10.0125: 0.5 × 0.0125 = 0.00625 → 0.01
  EXPECT_EQ(p.applyFill(Side::Sell, Price::fromRaw(100125), Quantity::fromRaw(5), fine), usd(1));
  // Sell 0.5 @ 9.9875: −0.00625 → −0.01 (half away from zero)
  EXPECT_EQ(p.applyFill(Side::Sell, Price::fromRaw(99875), Quantity::fromRaw(5), fine), usd(-1));
  EXPECT_EQ(p.realizedPnl(), usd(0));
  // Unrealized is one rounding of the exact difference.
  p.applyFill(Side::Buy, Price::fromRaw(100000), Quantity::fromRaw(3), fine);  // 0.3 @ 10
  EXPECT_EQ(p.unrealizedPnl(Price::fromRaw(100150), fine), usd(0));            // 0.3 × 0.015 = 0.0045
  EXPECT_EQ(p.unrealizedPnl(Price::fromRaw(100170), fine), usd(1));            // 0.0051
  EXPECT_EQ(p.unrealizedPnl(Price::undefined(), fine), Money::undefined());
}

TEST(Position, InvalidFillsChangeNothing) {
  Position p = make(CostMethod::AverageCost);
  p.applyFill(Side::Buy, px(1000), qty(10), kUsd);
  const Position before = p;
  EXPECT_EQ(p.applyFill(Side::None, px(1000), qty(10), kUsd), usd(0));
  EXPECT_EQ(p.applyFill(Side::Sell, Price::undefined(), qty(10), kUsd), usd(0));
  EXPECT_EQ(p.applyFill(Side::Sell, px(1000), qty(0), kUsd), usd(0));
  EXPECT_EQ(p.applyFill(Side::Sell, px(1000), qty(-5), kUsd), usd(0));
  EXPECT_TRUE(p == before);
}

// Naive FIFO reference: a list of signed lots, erased from the front; every number computed
// the obvious way.
struct NaiveFifo {
  struct Lot {
    std::int64_t price;
    std::int64_t qty;  // signed
  };
  std::vector<Lot> lots;
  Int128 realized = 0;
  void fill(int sign, std::int64_t price, std::int64_t q) {
    while (q > 0 && !lots.empty() && (lots.front().qty > 0) != (sign > 0)) {
      Lot& l = lots.front();
      const std::int64_t take = std::min<std::int64_t>(std::llabs(l.qty), q);
      realized += static_cast<Int128>(price - l.price) * take * (l.qty > 0 ? 1 : -1);
      l.qty += sign * take;
      q -= take;
      if (l.qty == 0) lots.erase(lots.begin());
    }
    if (q > 0) lots.push_back({price, sign * q});
  }
  std::int64_t quantity() const {
    std::int64_t s = 0;
    for (const Lot& l : lots) s += l.qty;
    return s;
  }
  Int128 basis() const {
    Int128 s = 0;
    for (const Lot& l : lots) s += static_cast<Int128>(l.price) * l.qty;
    return s;
  }
};

TEST(Position, RandomFillsMatchNaiveFifoAndTotalPnlIsMethodIndependent) {
  std::mt19937_64 rng(12345);
  for (int run = 0; run < 50; ++run) {
    Position avg = make(CostMethod::AverageCost);
    Position fifo = make(CostMethod::Fifo);
    NaiveFifo naive;
    Int128 cashFlow = 0;  // −Σ buys + Σ sells, cents
    for (int i = 0; i < 400; ++i) {
      const Side side = rng() % 2 ? Side::Buy : Side::Sell;
      const std::int64_t price = 900 + static_cast<std::int64_t>(rng() % 300);
      const std::int64_t q = 1 + static_cast<std::int64_t>(rng() % 120);
      const int sign = side == Side::Buy ? 1 : -1;
      avg.applyFill(side, px(price), qty(q), kUsd);
      fifo.applyFill(side, px(price), qty(q), kUsd);
      naive.fill(sign, price, q);
      cashFlow -= static_cast<Int128>(sign) * price * q;

      ASSERT_EQ(fifo.quantity().raw(), naive.quantity());
      ASSERT_EQ(fifo.costBasis(), naive.basis());
      ASSERT_EQ(fifo.realizedPnl().raw(), static_cast<std::int64_t>(naive.realized));
      ASSERT_EQ(fifo.lotCount(), naive.lots.size());
      for (std::size_t k = 0; k < naive.lots.size(); ++k) {
        ASSERT_EQ(fifo.lot(k).price.raw(), naive.lots[k].price);
        ASSERT_EQ(fifo.lot(k).quantity.raw(), std::llabs(naive.lots[k].qty));
      }
      ASSERT_EQ(avg.quantity(), fifo.quantity());
      // Raw units are cents here, so every figure is exact: realized + unrealized is the same
      // for both methods and equals the cash flow plus the marked position.
      const Price mark = px(1000 + static_cast<std::int64_t>(rng() % 100));
      const Int128 total = cashFlow + static_cast<Int128>(mark.raw()) * avg.quantity().raw();
      ASSERT_EQ(avg.realizedPnl().raw() + avg.unrealizedPnl(mark, kUsd).raw(), static_cast<std::int64_t>(total));
      ASSERT_EQ(fifo.realizedPnl().raw() + fifo.unrealizedPnl(mark, kUsd).raw(), static_cast<std::int64_t>(total));
      // The average-cost basis stays within the range of entry prices of the open quantity.
      if (!avg.isFlat()) {
        const std::int64_t a = avg.averagePrice().raw();
        ASSERT_GE(a, 900);
        ASSERT_LE(a, 1199);
      }
    }
  }
}

std::vector<std::byte> bytesOf(const Position& p) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  p.save(w);
  return out;
}

TEST(Position, SaveLoadRoundTripIncludingWrappedFifoRing) {
  Position p = make(CostMethod::Fifo);
  // Fill the ring (capacity 4), consume from the front, add more so it wraps.
  for (int i = 0; i < 4; ++i) p.applyFill(Side::Buy, px(1000 + i), qty(10), kUsd);
  p.applyFill(Side::Sell, px(1100), qty(25), kUsd);
  p.applyFill(Side::Buy, px(1010), qty(5), kUsd);
  p.applyFill(Side::Buy, px(1011), qty(5), kUsd);
  p.addFee(usd(123));
  ASSERT_EQ(p.lotCount(), 4u);
  EXPECT_EQ(p.lot(0).price, px(1002));
  EXPECT_EQ(p.lot(0).quantity, qty(5));
  EXPECT_EQ(p.lot(3).price, px(1011));

  const std::vector<std::byte> bytes = bytesOf(p);
  Position loaded;
  ByteReader r(bytes);
  ASSERT_TRUE(loaded.load(r));
  EXPECT_TRUE(r.atEnd());
  EXPECT_TRUE(loaded == p);
  EXPECT_EQ(bytesOf(loaded), bytes);
  EXPECT_EQ(loaded.fees(), usd(123));
  // The loaded position keeps trading the same way.
  EXPECT_EQ(loaded.applyFill(Side::Sell, px(1100), qty(30), kUsd), p.applyFill(Side::Sell, px(1100), qty(30), kUsd));
  EXPECT_TRUE(loaded == p);

  Position avg = make(CostMethod::AverageCost);
  avg.applyFill(Side::Sell, px(1000), qty(3), kUsd);
  Position avgLoaded;
  const auto avgBytes = bytesOf(avg);
  ByteReader ra(avgBytes);
  ASSERT_TRUE(avgLoaded.load(ra));
  EXPECT_TRUE(avgLoaded == avg);
}

TEST(Position, LoadRefusesBrokenInvariants) {
  Position p = make(CostMethod::Fifo);
  p.applyFill(Side::Buy, px(1000), qty(10), kUsd);
  std::vector<std::byte> bytes = bytesOf(p);
  Position target = make(CostMethod::AverageCost);
  target.applyFill(Side::Buy, px(500), qty(1), kUsd);
  const Position before = target;

  // Layout: account 8, instrument 8, method 1, quantity 8, basis 16, realized 8, fees 8, lots 4,
  // then price 8 and quantity 8 per lot.
  auto corrupt = [&](std::size_t offset, std::byte value) {
    std::vector<std::byte> b = bytes;
    b[offset] = value;
    ByteReader r(b);
    EXPECT_FALSE(target.load(r)) << offset;
    EXPECT_TRUE(target == before);
  };
  corrupt(16, std::byte{9});      // unknown cost method
  corrupt(17, std::byte{11});     // quantity 11 but lots hold 10
  corrupt(25, std::byte{0x01});   // basis no longer Σ lots
  corrupt(61 + 8, std::byte{0});  // lot quantity 0
  corrupt(0, std::byte{0});       // account id 0 (the id was 1)
  std::vector<std::byte> cut(bytes.begin(), bytes.end() - 1);
  ByteReader rc(cut);
  EXPECT_FALSE(target.load(rc));
  EXPECT_TRUE(target == before);
}

}  // namespace
}  // namespace alphintra::oms
