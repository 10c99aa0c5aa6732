// Random order-book command streams for the differential test and the market-data property
// test: a Command record, its one-line description (for failure dumps), a function that plays
// it on any book with OrderBook's command methods, and a seeded generator.
//
// Owns: the mix of commands and how often each feature and each invalid input appears. Prices
// are clustered on a small tick grid around a slowly wandering centre so that orders cross,
// stops trigger and auctions have volume. Reproducible: a generator is fully determined by its
// seed, its Mix and the live orders and status it is shown (both books see the same commands).
//
// Test code only: allocates freely.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "book/order_book.hpp"
#include "book/types.hpp"
#include "core/instrument.hpp"

namespace alphintra::book::testing {

struct Command {
  enum class Kind : std::uint8_t { Submit, Cancel, Replace, MassCancel, SetStatus, AdvanceTime, SetReferencePrice };
  Kind kind = Kind::AdvanceTime;
  Timestamp time;
  NewOrder order;                                    // Submit
  ReplaceOrder replace;                              // Replace
  OrderId id;                                        // Cancel
  AccountId account;                                 // MassCancel
  TradingStatus status = TradingStatus::Continuous;  // SetStatus
  Price price = Price::undefined();                  // SetReferencePrice
};

template <typename Book>
void play(Book& book, const Command& c, std::vector<Event>& out) {
  switch (c.kind) {
    case Command::Kind::Submit: book.submit(c.order, c.time, out); break;
    case Command::Kind::Cancel: book.cancel(c.id, c.time, out); break;
    case Command::Kind::Replace: book.replace(c.replace, c.time, out); break;
    case Command::Kind::MassCancel: book.massCancel(c.account, c.time, out); break;
    case Command::Kind::SetStatus: book.setStatus(c.status, c.time, out); break;
    case Command::Kind::AdvanceTime: book.advanceTime(c.time, out); break;
    case Command::Kind::SetReferencePrice: book.setReferencePrice(c.price); break;
  }
}

inline std::string rawText(std::int64_t raw) {
  return raw == Price::undefined().raw() ? std::string("undef") : std::to_string(raw);
}
inline std::string text(Price p) { return rawText(p.raw()); }
inline std::string text(Quantity q) { return rawText(q.raw()); }

inline std::string describe(const Command& c) {
  std::ostringstream s;
  s << "t=" << c.time.nanos() << " ";
  switch (c.kind) {
    case Command::Kind::Submit: {
      const NewOrder& o = c.order;
      s << "submit id=" << o.id.value() << " acct=" << o.account.value() << " " << toString(o.side) << " "
        << toString(o.type) << " " << toString(o.timeInForce) << " qty=" << text(o.quantity) << " px=" << text(o.price)
        << " stop=" << text(o.stopPrice);
      if (!o.displayQuantity.isZero()) s << " display=" << text(o.displayQuantity);
      if (!o.minQuantity.isZero()) s << " minQty=" << text(o.minQuantity);
      if (o.postOnly) s << " postOnly";
      if (o.selfTrade != SelfTradePrevention::None) s << " stp=" << toString(o.selfTrade);
      if (o.expireTime != Timestamp{}) s << " expire=" << o.expireTime.nanos();
      break;
    }
    case Command::Kind::Cancel: s << "cancel id=" << c.id.value(); break;
    case Command::Kind::Replace:
      s << "replace id=" << c.replace.id.value() << " qty=" << text(c.replace.quantity)
        << " px=" << text(c.replace.price) << " stop=" << text(c.replace.stopPrice);
      break;
    case Command::Kind::MassCancel: s << "massCancel acct=" << c.account.value(); break;
    case Command::Kind::SetStatus: s << "setStatus " << toString(c.status); break;
    case Command::Kind::AdvanceTime: s << "advanceTime"; break;
    case Command::Kind::SetReferencePrice: s << "setReferencePrice " << text(c.price); break;
  }
  return s.str();
}

// What a stream exercises, in relative weights / probabilities.
struct Mix {
  const char* name = "default";
  bool auctions = true;         // walk through the trading day (call phases, close, halts)
  int accounts = 4;             // accounts 1..accounts
  double selfTradeShare = 0.3;  // share of orders with a self-trade prevention mode
  double invalidShare = 0.04;   // share of submits/replaces with a deliberately invalid field
  double icebergShare = 0.15;
  double minQtyShare = 0.08;
  double postOnlyShare = 0.08;
  double stopShare = 0.15;  // stop and stop-limit orders among submits
  double marketShare = 0.1;
  int priceHalfWidth = 6;       // ticks either side of the centre
  std::size_t targetLive = 80;  // above this, cancels become more frequent
};

class CommandGenerator {
 public:
  CommandGenerator(std::uint64_t seed, const Mix& mix, const Instrument& instrument)
      : rng_(seed),
        mix_(mix),
        tick_(instrument.tickSize().raw()),
        lot_(instrument.lotSize().raw()),
        minQty_(instrument.minQuantity().raw()),
        maxQty_(instrument.maxQuantity().raw()),
        centre_(10000 / tick_ * tick_) {}

  // The next command, given the live orders (from the reference book) and the book's status.
  Command next(const std::vector<OrderView>& live, TradingStatus status, Price lastTrade) {
    Command c;
    advanceClock(c);
    if (chance(0.002)) centre_ += tick_ * pick(-2, 2);
    if (centre_ < 40 * tick_) centre_ = 40 * tick_;

    if (pendingStatus_) {
      c.kind = Command::Kind::SetStatus;
      c.status = *pendingStatus_;
      pendingStatus_.reset();
      return c;
    }
    if (const auto s = statusChange(status)) {
      // Before an uncross, now and then a reference price right between the best bid and ask.
      const bool uncross = status != TradingStatus::Continuous && status != TradingStatus::Closed;
      if (uncross && chance(0.4)) {
        pendingStatus_ = *s;
        c.kind = Command::Kind::SetReferencePrice;
        c.price = referencePrice(live);
        return c;
      }
      c.kind = Command::Kind::SetStatus;
      c.status = *s;
      return c;
    }
    const double r = uniform();
    const double cancelWeight = live.size() > mix_.targetLive ? 0.30 : 0.10;
    if (r < cancelWeight) {
      c.kind = Command::Kind::Cancel;
      c.id = liveOrOther(live);
    } else if (r < cancelWeight + 0.13) {
      c.kind = Command::Kind::Replace;
      c.replace = makeReplace(live, lastTrade);
    } else if (r < cancelWeight + 0.135 || (live.size() > 4 * mix_.targetLive && r < cancelWeight + 0.2)) {
      c.kind = Command::Kind::MassCancel;
      c.account = AccountId{static_cast<std::uint64_t>(pick(0, mix_.accounts))};
    } else if (r < cancelWeight + 0.165) {
      c.kind = Command::Kind::AdvanceTime;
      c.time = Timestamp{latest_ + pick(0, 20'000'000)};
      latest_ = std::max(latest_, c.time.nanos());
    } else if (r < cancelWeight + 0.175 || (status != TradingStatus::Continuous && r < cancelWeight + 0.2)) {
      c.kind = Command::Kind::SetReferencePrice;
      c.price = referencePrice(live);
    } else {
      c.kind = Command::Kind::Submit;
      c.order = makeOrder(live, lastTrade);
    }
    return c;
  }

 private:
  double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
  bool chance(double p) { return uniform() < p; }
  std::int64_t pick(std::int64_t lo, std::int64_t hi) {  // inclusive
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  template <typename T>
  const T& oneOf(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(pick(0, static_cast<std::int64_t>(v.size()) - 1))];
  }

  void advanceClock(Command& c) {
    latest_ += pick(0, 1'000'000);
    // Now and then a command from the past: processed at the latest time seen.
    c.time = Timestamp{chance(0.03) ? latest_ - pick(1, 5'000'000) : latest_};
  }

  std::int64_t priceNear(std::int64_t around) {
    const std::int64_t w = mix_.priceHalfWidth;
    std::int64_t k = pick(-w, w);
    if (chance(0.5)) k /= 2;  // denser near the centre
    return std::max(tick_, around + k * tick_);
  }

  // Undefined, near the centre, or the midpoint of the best bid and ask: in a crossed call
  // phase that midpoint is as far from two candidate uncrossing prices, so the tie-break goes
  // on to the lower price.
  Price referencePrice(const std::vector<OrderView>& live) {
    if (chance(0.2)) return Price::undefined();
    std::int64_t bid = 0;
    std::int64_t ask = 0;
    for (const OrderView& o : live) {
      if (!o.resting) continue;
      if (o.side == Side::Buy && (bid == 0 || o.price.raw() > bid)) bid = o.price.raw();
      if (o.side == Side::Sell && (ask == 0 || o.price.raw() < ask)) ask = o.price.raw();
    }
    if (bid != 0 && ask != 0 && chance(0.6)) return Price::fromRaw((bid + ask) / 2);
    return Price::fromRaw(priceNear(centre_));
  }

  std::int64_t quantity() {
    const double r = uniform();
    std::int64_t lots = r < 0.6 ? pick(1, 5) : (r < 0.95 ? pick(1, 20) : pick(20, 80));
    return std::clamp(lots * lot_, minQty_, std::min<std::int64_t>(maxQty_, 1'000'000));
  }

  OrderId liveOrOther(const std::vector<OrderView>& live) {
    if (!live.empty() && chance(0.9)) return oneOf(live).id;
    if (chance(0.3)) return OrderId{};
    return OrderId{static_cast<std::uint64_t>(pick(1, static_cast<std::int64_t>(nextId_) + 1))};  // finished or unknown
  }

  // The trading day: Continuous -> ClosingAuction -> Closed -> PreOpen -> OpeningAuction ->
  // Continuous, with halts, odd transitions and repeated (invalid) ones mixed in.
  std::optional<TradingStatus> statusChange(TradingStatus s) {
    using TS = TradingStatus;
    if (!mix_.auctions) {
      if (s != TS::Continuous) return chance(0.2) ? std::optional<TS>(TS::Continuous) : std::nullopt;
      if (chance(0.001)) return TS::Halted;
      if (chance(0.0005)) return TS::Continuous;  // invalid: already Continuous
      return std::nullopt;
    }
    const double stay = s == TS::Continuous ? 0.006 : (s == TS::Closed || s == TS::Halted ? 0.08 : 0.025);
    if (!chance(stay)) return std::nullopt;
    if (chance(0.08)) return static_cast<TS>(pick(0, 5));  // anything, including the same status
    switch (s) {
      case TS::Continuous: return chance(0.7) ? TS::ClosingAuction : TS::Halted;
      case TS::ClosingAuction: return chance(0.85) ? TS::Closed : TS::Continuous;
      case TS::Closed: return chance(0.9) ? TS::PreOpen : TS::Continuous;
      case TS::PreOpen: return chance(0.8) ? TS::OpeningAuction : TS::Continuous;
      case TS::OpeningAuction: return chance(0.9) ? TS::Continuous : TS::Halted;
      case TS::Halted: return chance(0.8) ? TS::Continuous : TS::PreOpen;
    }
    return std::nullopt;
  }

  NewOrder makeOrder(const std::vector<OrderView>& live, Price lastTrade) {
    NewOrder o;
    o.id = OrderId{++nextId_};
    o.account = AccountId{static_cast<std::uint64_t>(pick(1, mix_.accounts))};
    o.side = chance(0.5) ? Side::Buy : Side::Sell;
    const double t = uniform();
    if (t < mix_.marketShare) {
      o.type = OrderType::Market;
    } else if (t < mix_.marketShare + mix_.stopShare) {
      o.type = chance(0.5) ? OrderType::Stop : OrderType::StopLimit;
    } else {
      o.type = OrderType::Limit;
    }
    o.quantity = Quantity::fromRaw(quantity());
    // A buyer leans towards higher prices, a seller lower, so that orders cross often.
    const std::int64_t lean = (o.side == Side::Buy ? 1 : -1) * tick_ * pick(0, 2);
    if (o.type == OrderType::Limit || o.type == OrderType::StopLimit) {
      o.price = Price::fromRaw(priceNear(centre_ + lean));
    }
    if (o.type == OrderType::Stop || o.type == OrderType::StopLimit) {
      const std::int64_t base = lastTrade.isDefined() ? lastTrade.raw() : centre_;
      o.stopPrice = Price::fromRaw(std::max(tick_, base + tick_ * pick(-3, 3)));
    }
    // Time in force.
    if (o.type == OrderType::Market) {
      o.timeInForce = chance(0.7) ? TimeInForce::IOC : TimeInForce::FOK;
    } else {
      const double f = uniform();
      o.timeInForce = f < 0.35   ? TimeInForce::GTC
                      : f < 0.55 ? TimeInForce::Day
                      : f < 0.7  ? TimeInForce::IOC
                      : f < 0.8  ? TimeInForce::FOK
                                 : TimeInForce::GTD;
    }
    if (o.timeInForce == TimeInForce::GTD) {
      // Half of the expiries on a 5 ms grid, so that several orders expire at the same time.
      std::int64_t expire = latest_ + pick(1, 40'000'000);
      if (chance(0.5)) expire = (expire / 5'000'000 + 1) * 5'000'000;
      o.expireTime = Timestamp{expire};
    }
    const bool immediate = o.timeInForce == TimeInForce::IOC || o.timeInForce == TimeInForce::FOK;
    const bool hasLimit = o.type == OrderType::Limit || o.type == OrderType::StopLimit;
    if (hasLimit && !immediate && chance(mix_.icebergShare) && o.quantity.raw() > lot_) {
      o.displayQuantity = Quantity::fromRaw(pick(1, o.quantity.raw() / lot_ - 1) * lot_);
    }
    if (chance(mix_.minQtyShare)) o.minQuantity = Quantity::fromRaw(pick(1, o.quantity.raw() / lot_) * lot_);
    if (o.type == OrderType::Limit && !immediate && chance(mix_.postOnlyShare)) o.postOnly = true;
    if (chance(mix_.selfTradeShare)) o.selfTrade = static_cast<SelfTradePrevention>(pick(1, 4));
    if (chance(mix_.invalidShare)) breakOrder(o, live);
    return o;
  }

  // One deliberately invalid field (or a combination the contract refuses).
  void breakOrder(NewOrder& o, const std::vector<OrderView>& live) {
    switch (pick(0, 21)) {
      case 0: o.id = OrderId{}; break;
      case 1: o.account = AccountId{}; break;
      case 2:
        if (!live.empty()) o.id = oneOf(live).id;
        break;
      case 3: o.quantity = Quantity::zero(); break;
      case 4: o.quantity = Quantity::fromRaw(-lot_ * pick(1, 3)); break;
      case 5: o.quantity = Quantity::fromRaw(o.quantity.raw() + pick(1, lot_ - 1)); break;
      case 6: o.quantity = Quantity::fromRaw(std::max<std::int64_t>(lot_, minQty_ - lot_)); break;
      case 7: o.quantity = Quantity::fromRaw(maxQty_ + lot_); break;
      case 8: o.price = chance(0.5) ? Price::zero() : Price::fromRaw(-tick_); break;
      case 9: o.price = o.price.isDefined() ? Price::fromRaw(o.price.raw() + 1) : Price::fromRaw(centre_); break;
      case 10: o.price = Price::undefined(); break;
      case 11:
        o.stopPrice = o.stopPrice.isDefined() ? Price::fromRaw(o.stopPrice.raw() + 1) : Price::fromRaw(centre_);
        break;
      case 12: o.stopPrice = chance(0.5) ? Price::undefined() : Price::zero(); break;
      case 13: o.displayQuantity = Quantity::fromRaw(o.quantity.raw() + lot_); break;
      case 14: o.displayQuantity = Quantity::fromRaw(chance(0.5) ? -lot_ : lot_ + 1); break;
      case 15: o.displayQuantity = Quantity::fromRaw(lot_); break;  // maybe on a market/IOC order
      case 16: o.minQuantity = Quantity::fromRaw(chance(0.5) ? o.quantity.raw() + lot_ : lot_ + 1); break;
      case 17: o.timeInForce = static_cast<TimeInForce>(pick(1, 5)); break;
      case 18:
        o.expireTime = Timestamp{latest_ - pick(0, 1'000'000)};
        o.timeInForce = TimeInForce::GTD;
        break;
      case 19:
        o.expireTime = Timestamp{latest_ + 1'000'000};
        o.timeInForce = chance(0.5) ? TimeInForce::GTC : TimeInForce::Day;
        break;
      case 20: o.postOnly = true; break;  // maybe on a non-limit or IOC order
      case 21: o.minQuantity = Quantity::fromRaw(-lot_); break;
    }
  }

  ReplaceOrder makeReplace(const std::vector<OrderView>& live, Price lastTrade) {
    ReplaceOrder r;
    if (live.empty() || chance(0.05)) {
      r.id = liveOrOther(live);
      r.quantity = Quantity::fromRaw(quantity());
      return r;
    }
    const OrderView& o = oneOf(live);
    r.id = o.id;
    const double what = uniform();
    const bool changeQty = what < 0.5 || what > 0.85;
    const bool changePrice = (what >= 0.35 && what < 0.8) || chance(0.1);
    const bool changeStop = o.stopPrice.isDefined() && (chance(0.5) || (!changeQty && !changePrice));
    if (changeQty) {
      const std::int64_t delta = pick(-3, 3) * lot_;
      r.quantity = Quantity::fromRaw(std::max(lot_, o.quantity.raw() + delta));
    }
    if (changePrice) r.price = Price::fromRaw(priceNear(o.price.isDefined() ? o.price.raw() : centre_));
    if (changeStop) {
      const std::int64_t base = lastTrade.isDefined() ? lastTrade.raw() : centre_;
      r.stopPrice = Price::fromRaw(std::max(tick_, base + tick_ * pick(-3, 3)));
    }
    if (chance(mix_.invalidShare * 3)) {
      switch (pick(0, 8)) {
        case 0:
          r = ReplaceOrder{};
          r.id = o.id;
          break;  // nothing to replace
        case 1: r.quantity = Quantity::zero(); break;
        case 2: r.quantity = Quantity::fromRaw(o.quantity.raw() + 1); break;
        case 3: r.quantity = o.filledQuantity; break;  // not above what already filled
        case 4: r.price = Price::fromRaw(-tick_); break;
        case 5: r.price = Price::fromRaw(centre_ + 1); break;
        case 6: r.stopPrice = Price::fromRaw(centre_ + 1); break;
        case 7: r.stopPrice = Price::fromRaw(centre_); break;  // maybe on a non-stop order
        case 8: r.quantity = Quantity::fromRaw(maxQty_ + lot_); break;
      }
    }
    return r;
  }

  std::mt19937_64 rng_;
  Mix mix_;
  std::int64_t tick_;
  std::int64_t lot_;
  std::int64_t minQty_;
  std::int64_t maxQty_;
  std::int64_t centre_;
  std::int64_t latest_ = 1'700'000'000'000'000'000;
  std::uint64_t nextId_ = 0;
  std::optional<TradingStatus> pendingStatus_;
};

}  // namespace alphintra::book::testing
