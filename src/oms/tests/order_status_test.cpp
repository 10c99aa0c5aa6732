// The FIX 4.4 transition table, exhaustively: every (state, event) pair is either a listed
// transition with its OrdStatus and ExecType, or refused. The expected table is written out
// here independently of order_status.cpp's switch.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "oms/order_status.hpp"

namespace alphintra::oms {
namespace {

using S = OrdStatus;
using E = OrderEvent;
using X = ExecType;

const S kBases[] = {S::PendingNew, S::New,      S::PartiallyFilled, S::Filled,
                    S::DoneForDay, S::Canceled, S::Rejected,        S::Expired};
const Pending kPendings[] = {Pending::None, Pending::Cancel, Pending::Replace};
const E kEvents[] = {E::VenueAccepted,    E::Rejected, E::PartialFill,      E::FullFill,        E::CancelRequested,
                     E::CancelRejected,   E::Canceled, E::ReplaceRequested, E::ReplaceRejected, E::ReplacedOpen,
                     E::ReplacedToFilled, E::Expired,  E::DoneForDay,       E::Reopened,        E::Restated};

bool terminal(S s) { return s == S::Filled || s == S::Canceled || s == S::Rejected || s == S::Expired; }
bool open(S s) { return s == S::New || s == S::PartiallyFilled; }

// The expected outcome, written from the FIX 4.4 order state change matrices.
struct Expect {
  bool allowed = false;
  S base{};
  Pending pending = Pending::None;
  X exec{};
  bool report = true;
};

Expect expected(S base, Pending pending, bool fills, E e) {
  Expect x;
  if (terminal(base)) return x;
  const bool live = open(base) || base == S::DoneForDay;
  const S openStatus = fills ? S::PartiallyFilled : S::New;
  switch (e) {
    case E::VenueAccepted:
      if (base == S::PendingNew) x = {true, S::New, Pending::None, X::New};
      break;
    case E::Rejected:
      if (base == S::PendingNew) x = {true, S::Rejected, Pending::None, X::Rejected};
      break;
    case E::PartialFill:
      if (open(base)) x = {true, S::PartiallyFilled, pending, X::Trade};
      break;
    case E::FullFill:
      if (open(base)) x = {true, S::Filled, Pending::None, X::Trade};
      break;
    case E::CancelRequested:
      if (live && pending == Pending::None) x = {true, base, Pending::Cancel, X::PendingCancel};
      break;
    case E::CancelRejected:
      if (pending == Pending::Cancel) x = {true, base, Pending::None, X::PendingCancel, false};
      break;
    case E::Canceled:
      if (live) x = {true, S::Canceled, Pending::None, X::Canceled};
      break;
    case E::ReplaceRequested:
      if (live && pending == Pending::None) x = {true, base, Pending::Replace, X::PendingReplace};
      break;
    case E::ReplaceRejected:
      if (pending == Pending::Replace) x = {true, base, Pending::None, X::PendingReplace, false};
      break;
    case E::ReplacedOpen:
      if (live && pending != Pending::Cancel) {
        x = {true, base == S::DoneForDay ? S::DoneForDay : openStatus, Pending::None, X::Replaced};
      }
      break;
    case E::ReplacedToFilled:
      if (live && pending != Pending::Cancel && fills) x = {true, S::Filled, Pending::None, X::Replaced};
      break;
    case E::Expired:
      if (live) x = {true, S::Expired, Pending::None, X::Expired};
      break;
    case E::DoneForDay:
      if (open(base)) x = {true, S::DoneForDay, pending, X::DoneForDay};
      break;
    case E::Reopened:
      if (base == S::DoneForDay) x = {true, openStatus, pending, X::Restated};
      break;
    case E::Restated:
      if (open(base)) x = {true, base, pending, X::Restated};
      break;
  }
  return x;
}

TEST(OrderStatus, EveryStateAndEventFollowsTheFixTable) {
  int allowed = 0;
  for (S base : kBases) {
    for (Pending pending : kPendings) {
      for (bool fills : {false, true}) {
        const OrderState state{base, pending, fills};
        for (E e : kEvents) {
          const Expect x = expected(base, pending, fills, e);
          const auto t = transition(state, e);
          SCOPED_TRACE(std::string(toString(base)) + " pending=" + std::to_string(static_cast<int>(pending)) +
                       " fills=" + std::to_string(fills) + " event=" + std::string(toString(e)));
          ASSERT_EQ(t.has_value(), x.allowed);
          if (!t) continue;
          ++allowed;
          EXPECT_EQ(t->next.base, x.base);
          EXPECT_EQ(t->next.pending, x.pending);
          EXPECT_EQ(t->execType, x.exec);
          EXPECT_EQ(t->report, x.report);
          if (e == E::PartialFill || e == E::FullFill) {
            EXPECT_TRUE(t->next.hasFills);
          }
        }
      }
    }
  }
  EXPECT_GT(allowed, 100);  // the table is not trivially empty
}

TEST(OrderStatus, ReportedStatusFollowsFixPrecedence) {
  EXPECT_EQ((OrderState{S::New, Pending::Cancel, false}).reported(), S::PendingCancel);
  EXPECT_EQ((OrderState{S::PartiallyFilled, Pending::Replace, true}).reported(), S::PendingReplace);
  EXPECT_EQ((OrderState{S::Filled, Pending::Cancel, true}).reported(), S::Filled);  // terminal always shows
  EXPECT_EQ((OrderState{S::PartiallyFilled, Pending::None, true}).reported(), S::PartiallyFilled);
  EXPECT_FALSE((OrderState{S::PendingNew, Pending::None, false}).isLive());
  EXPECT_TRUE((OrderState{S::DoneForDay, Pending::None, false}).isLive());
  EXPECT_TRUE((OrderState{S::Expired, Pending::None, false}).isTerminal());
}

TEST(OrderStatus, AFullLifecycleWithAPartialFillAReplaceAndACancel) {
  OrderState s;
  const E steps[] = {E::VenueAccepted, E::PartialFill,     E::ReplaceRequested, E::PartialFill,
                     E::ReplacedOpen,  E::CancelRequested, E::Canceled};
  const S reported[] = {S::New,           S::PartiallyFilled, S::PendingReplace, S::PendingReplace, S::PartiallyFilled,
                        S::PendingCancel, S::Canceled};
  for (std::size_t i = 0; i < std::size(steps); ++i) {
    auto t = transition(s, steps[i]);
    ASSERT_TRUE(t) << i;
    s = t->next;
    EXPECT_EQ(s.reported(), reported[i]) << i;
  }
  EXPECT_FALSE(transition(s, E::PartialFill));  // nothing happens to a finished order
}

TEST(OrderStatus, FixCharactersAreTheEnumValues) {
  EXPECT_EQ(static_cast<char>(S::PendingNew), 'A');
  EXPECT_EQ(static_cast<char>(S::PendingReplace), 'E');
  EXPECT_EQ(static_cast<char>(S::Expired), 'C');
  EXPECT_EQ(static_cast<char>(X::Trade), 'F');
  EXPECT_EQ(static_cast<char>(X::Restated), 'D');
  EXPECT_EQ(toString(S::DoneForDay), "done_for_day");
}

}  // namespace
}  // namespace alphintra::oms
