// The order lifecycle with FIX 4.4 semantics: OrdStatus (tag 39), ExecType (tag 150) and the
// transitions between them. Enum values are the FIX characters, so a FIX gateway writes them
// as they are and journals stay readable.
//
// An order's state is a base status plus, at most, one pending request (cancel or replace)
// sent to a venue and not yet answered. The reported OrdStatus follows FIX 4.4's precedence:
// PendingCancel / PendingReplace hide New / PartiallyFilled while the request is open; a
// terminal status (Filled, Canceled, Rejected, Expired) always shows. DoneForDay marks a live
// good-till order whose instrument closed for the day; it returns to New / PartiallyFilled
// (ExecType Restated) when trading reopens. Replaced is the status of a client order id that a
// replace superseded: the order itself keeps its OrderId and continues under the new id.
//
// transition() is a pure function: the whole table is unit-tested, the engine only calls it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace alphintra::oms {

enum class OrdStatus : std::uint8_t {
  New = '0',
  PartiallyFilled = '1',
  Filled = '2',
  DoneForDay = '3',
  Canceled = '4',
  Replaced = '5',
  PendingCancel = '6',
  Rejected = '8',
  PendingNew = 'A',
  Expired = 'C',
  PendingReplace = 'E',
};

// A finished order: nothing happens to it any more, and a purge may retire it.
constexpr bool isTerminal(OrdStatus s) noexcept {
  return s == OrdStatus::Filled || s == OrdStatus::Canceled || s == OrdStatus::Rejected || s == OrdStatus::Expired;
}

enum class ExecType : std::uint8_t {
  New = '0',
  DoneForDay = '3',
  Canceled = '4',
  Replaced = '5',
  PendingCancel = '6',
  Rejected = '8',
  PendingNew = 'A',
  Expired = 'C',
  Restated = 'D',
  PendingReplace = 'E',
  Trade = 'F',
  OrderStatus = 'I',  // answer to a status request or an idempotent resubmission: nothing changed
};

enum class Pending : std::uint8_t { None = 0, Cancel = 1, Replace = 2 };

// What happened to an order, from the OMS's point of view.
enum class OrderEvent : std::uint8_t {
  VenueAccepted = 1,     // the venue took the order
  Rejected = 2,          // refused by risk, the engine or the venue
  PartialFill = 3,       // a fill that leaves quantity open
  FullFill = 4,          // a fill that leaves nothing open
  CancelRequested = 5,   // a cancel sent to an asynchronous venue
  CancelRejected = 6,    // the venue refused the cancel (too late, unknown)
  Canceled = 7,          // requested or unsolicited (IOC remainder, mass cancel, kill switch)
  ReplaceRequested = 8,  // a replace sent to an asynchronous venue
  ReplaceRejected = 9,
  ReplacedOpen = 10,      // replace applied, quantity still open
  ReplacedToFilled = 11,  // replace lowered the quantity to what had filled: the order is done
  Expired = 12,           // DAY / GTD expiry
  DoneForDay = 13,        // the instrument closed; the order stays for the next session
  Reopened = 14,          // the instrument reopened after DoneForDay
  Restated = 15,          // the venue reduced the order (self-trade decrement), quantity still open
};

struct OrderState {
  OrdStatus base = OrdStatus::PendingNew;  // never PendingCancel/PendingReplace/Replaced
  Pending pending = Pending::None;
  bool hasFills = false;  // cumulative quantity > 0 (New vs PartiallyFilled after a reopen/replace)

  // The OrdStatus a report carries (FIX 4.4 precedence, see above).
  OrdStatus reported() const noexcept {
    if (isTerminal()) return base;
    if (pending == Pending::Cancel) return OrdStatus::PendingCancel;
    if (pending == Pending::Replace) return OrdStatus::PendingReplace;
    return base;
  }
  bool isTerminal() const noexcept { return oms::isTerminal(base); }
  // Live: can still trade (also while a cancel/replace is pending).
  bool isLive() const noexcept { return !isTerminal() && base != OrdStatus::PendingNew; }
};

struct Transition {
  OrderState next;
  ExecType execType;
  bool report = true;  // false for CancelRejected / ReplaceRejected: answered by OrderCancelReject
};

// The state after `event`, or nullopt when the event is not allowed in `state` (a caller bug or
// a venue protocol violation, which the engine reports instead of applying). Inline: every
// caller names its event, so the compiler keeps only that case of the table.
namespace detail {

inline OrdStatus openStatus(bool hasFills) noexcept { return hasFills ? OrdStatus::PartiallyFilled : OrdStatus::New; }

inline Transition make(OrdStatus base, Pending pending, bool hasFills, ExecType type, bool report = true) noexcept {
  return Transition{OrderState{base, pending, hasFills}, type, report};
}

}  // namespace detail

inline std::optional<Transition> transition(OrderState s, OrderEvent event) noexcept {
  using detail::make;
  using detail::openStatus;
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

std::string_view toString(OrdStatus s) noexcept;
std::string_view toString(ExecType t) noexcept;
std::string_view toString(OrderEvent e) noexcept;

}  // namespace alphintra::oms
