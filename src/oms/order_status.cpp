// The OMS transition table (see order_status.hpp for the model).
#include "oms/order_status.hpp"

namespace alphintra::oms {

namespace {

OrdStatus openStatus(bool hasFills) noexcept { return hasFills ? OrdStatus::PartiallyFilled : OrdStatus::New; }

Transition make(OrdStatus base, Pending pending, bool hasFills, ExecType type, bool report = true) noexcept {
  return Transition{OrderState{base, pending, hasFills}, type, report};
}

}  // namespace

std::optional<Transition> transition(OrderState s, OrderEvent event) noexcept {
  if (s.isTerminal()) return std::nullopt;  // nothing happens to a finished order
  const bool open = s.base == OrdStatus::New || s.base == OrdStatus::PartiallyFilled;
  switch (event) {
    case OrderEvent::VenueAccepted:
      if (s.base != OrdStatus::PendingNew) return std::nullopt;
      return make(OrdStatus::New, Pending::None, false, ExecType::New);
    case OrderEvent::Rejected:
      if (s.base != OrdStatus::PendingNew) return std::nullopt;
      return make(OrdStatus::Rejected, Pending::None, false, ExecType::Rejected);
    case OrderEvent::PartialFill:
      if (!open) return std::nullopt;
      return make(OrdStatus::PartiallyFilled, s.pending, true, ExecType::Trade);
    case OrderEvent::FullFill:
      if (!open) return std::nullopt;
      return make(OrdStatus::Filled, Pending::None, true, ExecType::Trade);
    case OrderEvent::CancelRequested:
      if (!open && s.base != OrdStatus::DoneForDay) return std::nullopt;
      if (s.pending != Pending::None) return std::nullopt;  // one request at a time
      return make(s.base, Pending::Cancel, s.hasFills, ExecType::PendingCancel);
    case OrderEvent::CancelRejected:
      if (s.pending != Pending::Cancel) return std::nullopt;
      return make(s.base, Pending::None, s.hasFills, ExecType::PendingCancel, false);
    case OrderEvent::Canceled:
      if (!open && s.base != OrdStatus::DoneForDay) return std::nullopt;
      return make(OrdStatus::Canceled, Pending::None, s.hasFills, ExecType::Canceled);
    case OrderEvent::ReplaceRequested:
      if (!open && s.base != OrdStatus::DoneForDay) return std::nullopt;
      if (s.pending != Pending::None) return std::nullopt;
      return make(s.base, Pending::Replace, s.hasFills, ExecType::PendingReplace);
    case OrderEvent::ReplaceRejected:
      if (s.pending != Pending::Replace) return std::nullopt;
      return make(s.base, Pending::None, s.hasFills, ExecType::PendingReplace, false);
    case OrderEvent::ReplacedOpen:
      if (!open && s.base != OrdStatus::DoneForDay) return std::nullopt;
      if (s.pending == Pending::Cancel) return std::nullopt;
      return make(s.base == OrdStatus::DoneForDay ? OrdStatus::DoneForDay : openStatus(s.hasFills), Pending::None,
                  s.hasFills, ExecType::Replaced);
    case OrderEvent::ReplacedToFilled:
      if (!open && s.base != OrdStatus::DoneForDay) return std::nullopt;
      if (s.pending == Pending::Cancel || !s.hasFills) return std::nullopt;
      return make(OrdStatus::Filled, Pending::None, true, ExecType::Replaced);
    case OrderEvent::Expired:
      if (!open && s.base != OrdStatus::DoneForDay) return std::nullopt;
      return make(OrdStatus::Expired, Pending::None, s.hasFills, ExecType::Expired);
    case OrderEvent::DoneForDay:
      if (!open) return std::nullopt;
      return make(OrdStatus::DoneForDay, s.pending, s.hasFills, ExecType::DoneForDay);
    case OrderEvent::Reopened:
      if (s.base != OrdStatus::DoneForDay) return std::nullopt;
      return make(openStatus(s.hasFills), s.pending, s.hasFills, ExecType::Restated);
    case OrderEvent::Restated:
      if (!open) return std::nullopt;
      return make(s.base, s.pending, s.hasFills, ExecType::Restated);
  }
  return std::nullopt;
}

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
