// OmsOrder: the OMS's record of one order — what the client asked for, what the venue did with
// it, and its FIX state. One record per OrderId for the life of the engine (finished orders
// stay, so that status queries and idempotent resubmissions keep working).
//
// Fixed layout and trivially copyable: the table is a flat array and snapshots write records
// field by field. Owned by the engine thread.
#pragma once

#include <cstdint>

#include "book/types.hpp"
#include "core/client_order_id.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/side.hpp"
#include "core/time.hpp"
#include "oms/order_status.hpp"

namespace alphintra::oms {

// Who refused an order or request; the code's meaning depends on it.
enum class RejectSource : std::uint8_t {
  None = 0,
  Engine = 1,  // code = engine::RejectCode (unknown account, duplicate client id, ...)
  Risk = 2,    // code = risk::RiskRule
  Venue = 3,   // code = book::RejectReason
};

// The order as the client submitted it: compared field by field for idempotent resubmission.
struct OrderRequest {
  AccountId account;
  InstrumentId instrument;
  ClientOrderId clientOrderId;
  Side side = Side::Buy;
  book::OrderType type = book::OrderType::Limit;
  book::TimeInForce timeInForce = book::TimeInForce::GTC;
  book::SelfTradePrevention selfTrade = book::SelfTradePrevention::None;
  bool postOnly = false;
  Price price = Price::undefined();
  Price stopPrice = Price::undefined();
  Quantity quantity;
  Quantity displayQuantity;
  Quantity minQuantity;
  Timestamp expireTime;

  bool sameContent(const OrderRequest& o) const noexcept {
    return account == o.account && instrument == o.instrument && clientOrderId == o.clientOrderId && side == o.side &&
           type == o.type && timeInForce == o.timeInForce && selfTrade == o.selfTrade && postOnly == o.postOnly &&
           price == o.price && stopPrice == o.stopPrice && quantity == o.quantity &&
           displayQuantity == o.displayQuantity && minQuantity == o.minQuantity && expireTime == o.expireTime;
  }
};

struct OmsOrder {
  OmsOrder() = default;
  // A new order as submitted: every field written once (the table builds records in place).
  OmsOrder(OrderId orderId, const OrderRequest& r, Timestamp now) noexcept
      : id(orderId),
        request(r),
        clientOrderId(r.clientOrderId),
        price(r.price),
        stopPrice(r.stopPrice),
        quantity(r.quantity),
        leavesQuantity(r.quantity),
        createdTime(now),
        updatedTime(now) {}

  OrderId id;
  OrderRequest request;                  // as first submitted (idempotency compares against this)
  ClientOrderId clientOrderId;           // current: changes with each replace
  ClientOrderId origClientOrderId;       // the id the last replace superseded (none before a replace)
  Price price = Price::undefined();      // current limit price
  Price stopPrice = Price::undefined();  // current stop price
  Quantity quantity;                     // current total quantity (FIX OrderQty)
  Quantity cumQuantity;
  Quantity leavesQuantity;
  Int128 cumNotional = 0;  // sum of lastPx × lastQty in raw units: average price exactly
  Money rateFees;          // sum of the rate-based fees of its fills (instrument currency)
  Money fees;              // fees charged (rate fees topped up to the per-order minimum)
  OrderState state;
  RejectSource rejectSource = RejectSource::None;
  std::uint8_t rejectCode = 0;
  bool triggered = false;  // a stop order that has triggered
  Timestamp createdTime;
  Timestamp updatedTime;

  Side side() const noexcept { return request.side; }
  AccountId account() const noexcept { return request.account; }
  InstrumentId instrument() const noexcept { return request.instrument; }
  // Average fill price in the instrument's raw price units, rounded half away from zero;
  // undefined before the first fill.
  Price averagePrice() const noexcept {
    if (!cumQuantity.isPositive()) return Price::undefined();
    if (cumNotional >= INT64_MIN / 2 && cumNotional <= INT64_MAX / 2) {  // 64-bit division, same rounding
      const std::int64_t n = static_cast<std::int64_t>(cumNotional);
      const std::int64_t q = cumQuantity.raw();
      return Price::fromRaw(n >= 0 ? (n + q / 2) / q : (n - q / 2) / q);
    }
    const Int128 q = cumQuantity.raw();
    const Int128 half = q / 2;
    const Int128 avg = cumNotional >= 0 ? (cumNotional + half) / q : (cumNotional - half) / q;
    return Price::fromRaw(static_cast<std::int64_t>(avg));
  }
};

}  // namespace alphintra::oms
