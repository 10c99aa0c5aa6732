// Names of the OMS states and events (the transition table is inline in order_status.hpp).
#include "oms/order_status.hpp"

namespace alphintra::oms {

std::string_view toString(OrdStatus s) noexcept {
  switch (s) {
    case OrdStatus::New: return "new";
    case OrdStatus::PartiallyFilled: return "partially_filled";
    case OrdStatus::Filled: return "filled";
    case OrdStatus::DoneForDay: return "done_for_day";
    case OrdStatus::Canceled: return "canceled";
    case OrdStatus::Replaced: return "replaced";
    case OrdStatus::PendingCancel: return "pending_cancel";
    case OrdStatus::Rejected: return "rejected";
    case OrdStatus::PendingNew: return "pending_new";
    case OrdStatus::Expired: return "expired";
    case OrdStatus::PendingReplace: return "pending_replace";
  }
  return "unknown";
}

std::string_view toString(ExecType t) noexcept {
  switch (t) {
    case ExecType::New: return "new";
    case ExecType::DoneForDay: return "done_for_day";
    case ExecType::Canceled: return "canceled";
    case ExecType::Replaced: return "replaced";
    case ExecType::PendingCancel: return "pending_cancel";
    case ExecType::Rejected: return "rejected";
    case ExecType::PendingNew: return "pending_new";
    case ExecType::Expired: return "expired";
    case ExecType::Restated: return "restated";
    case ExecType::PendingReplace: return "pending_replace";
    case ExecType::Trade: return "trade";
    case ExecType::OrderStatus: return "order_status";
  }
  return "unknown";
}

std::string_view toString(OrderEvent e) noexcept {
  switch (e) {
    case OrderEvent::VenueAccepted: return "venue_accepted";
    case OrderEvent::Rejected: return "rejected";
    case OrderEvent::PartialFill: return "partial_fill";
    case OrderEvent::FullFill: return "full_fill";
    case OrderEvent::CancelRequested: return "cancel_requested";
    case OrderEvent::CancelRejected: return "cancel_rejected";
    case OrderEvent::Canceled: return "canceled";
    case OrderEvent::ReplaceRequested: return "replace_requested";
    case OrderEvent::ReplaceRejected: return "replace_rejected";
    case OrderEvent::ReplacedOpen: return "replaced_open";
    case OrderEvent::ReplacedToFilled: return "replaced_to_filled";
    case OrderEvent::Expired: return "expired";
    case OrderEvent::DoneForDay: return "done_for_day";
    case OrderEvent::Reopened: return "reopened";
    case OrderEvent::Restated: return "restated";
  }
  return "unknown";
}

}  // namespace alphintra::oms
