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
  bool isTerminal() const noexcept {
    return base == OrdStatus::Filled || base == OrdStatus::Canceled || base == OrdStatus::Rejected ||
           base == OrdStatus::Expired;
  }
  // Live: can still trade (also while a cancel/replace is pending).
  bool isLive() const noexcept { return !isTerminal() && base != OrdStatus::PendingNew; }
};

struct Transition {
  OrderState next;
  ExecType execType;
  bool report = true;  // false for CancelRejected / ReplaceRejected: answered by OrderCancelReject
};

// The state after `event`, or nullopt when the event is not allowed in `state` (a caller bug or
// a venue protocol violation, which the engine reports instead of applying).
std::optional<Transition> transition(OrderState state, OrderEvent event) noexcept;

std::string_view toString(OrdStatus s) noexcept;
std::string_view toString(ExecType t) noexcept;
std::string_view toString(OrderEvent e) noexcept;

}  // namespace alphintra::oms
