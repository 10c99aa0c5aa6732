#include "book/types.hpp"

namespace alphintra::book {

std::string_view toString(EventType t) noexcept {
  switch (t) {
    case EventType::Accepted: return "accepted";
    case EventType::Rejected: return "rejected";
    case EventType::Trade: return "trade";
    case EventType::Cancelled: return "cancelled";
    case EventType::Replaced: return "replaced";
    case EventType::Triggered: return "triggered";
    case EventType::Expired: return "expired";
    case EventType::AuctionUncross: return "auction_uncross";
    case EventType::StatusChanged: return "status_changed";
    case EventType::LevelUpdate: return "level_update";
    case EventType::OrderAdded: return "order_added";
    case EventType::OrderUpdated: return "order_updated";
    case EventType::OrderDeleted: return "order_deleted";
    case EventType::Restated: return "restated";
  }
  return "unknown";
}

std::string_view toString(RejectReason r) noexcept {
  switch (r) {
    case RejectReason::None: return "none";
    case RejectReason::InvalidQuantity: return "invalid_quantity";
    case RejectReason::QuantityOffLot: return "quantity_off_lot";
    case RejectReason::QuantityBelowMinimum: return "quantity_below_minimum";
    case RejectReason::QuantityAboveMaximum: return "quantity_above_maximum";
    case RejectReason::InvalidPrice: return "invalid_price";
    case RejectReason::PriceOffTick: return "price_off_tick";
    case RejectReason::InvalidStopPrice: return "invalid_stop_price";
    case RejectReason::DuplicateOrderId: return "duplicate_order_id";
    case RejectReason::UnknownOrder: return "unknown_order";
    case RejectReason::NoLiquidity: return "no_liquidity";
    case RejectReason::WouldTakeLiquidity: return "would_take_liquidity";
    case RejectReason::InvalidDisplayQuantity: return "invalid_display_quantity";
    case RejectReason::InvalidMinQuantity: return "invalid_min_quantity";
    case RejectReason::InvalidExpireTime: return "invalid_expire_time";
    case RejectReason::InvalidTimeInForce: return "invalid_time_in_force";
    case RejectReason::InvalidOrderType: return "invalid_order_type";
    case RejectReason::InvalidOrderId: return "invalid_order_id";
    case RejectReason::InstrumentHalted: return "instrument_halted";
    case RejectReason::InstrumentClosed: return "instrument_closed";
    case RejectReason::InvalidStatusTransition: return "invalid_status_transition";
    case RejectReason::InvalidAccount: return "invalid_account";
    case RejectReason::NothingToReplace: return "nothing_to_replace";
  }
  return "unknown";
}

std::string_view toString(CancelReason r) noexcept {
  switch (r) {
    case CancelReason::None: return "none";
    case CancelReason::Requested: return "requested";
    case CancelReason::ImmediateOrCancel: return "immediate_or_cancel";
    case CancelReason::FillOrKill: return "fill_or_kill";
    case CancelReason::MinQuantityNotMet: return "min_quantity_not_met";
    case CancelReason::SelfTrade: return "self_trade";
    case CancelReason::MassCancel: return "mass_cancel";
    case CancelReason::ReplacedToFilled: return "replaced_to_filled";
    case CancelReason::AuctionRemainder: return "auction_remainder";
    case CancelReason::NoLiquidity: return "no_liquidity";
  }
  return "unknown";
}

std::string_view toString(OrderType t) noexcept {
  switch (t) {
    case OrderType::Limit: return "limit";
    case OrderType::Market: return "market";
    case OrderType::Stop: return "stop";
    case OrderType::StopLimit: return "stop_limit";
  }
  return "unknown";
}

std::string_view toString(TimeInForce t) noexcept {
  switch (t) {
    case TimeInForce::GTC: return "gtc";
    case TimeInForce::Day: return "day";
    case TimeInForce::IOC: return "ioc";
    case TimeInForce::FOK: return "fok";
    case TimeInForce::GTD: return "gtd";
  }
  return "unknown";
}

std::string_view toString(SelfTradePrevention s) noexcept {
  switch (s) {
    case SelfTradePrevention::None: return "none";
    case SelfTradePrevention::CancelResting: return "cancel_resting";
    case SelfTradePrevention::CancelIncoming: return "cancel_incoming";
    case SelfTradePrevention::CancelBoth: return "cancel_both";
    case SelfTradePrevention::DecrementAndCancel: return "decrement_and_cancel";
  }
  return "unknown";
}

}  // namespace alphintra::book
