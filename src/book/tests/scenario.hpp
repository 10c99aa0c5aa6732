// Golden scenarios for the order book: a text format with commands in and expected events out,
// its parser, the printer of events in the same format, and a runner that plays a scenario on
// a book and reports every difference. The format is described in docs/golden-scenarios.md.
//
// Owns: the text format (command and event grammar, names of enums in files). The names used
// here are the format's own, independent of the toString functions of book/types.hpp, so a
// change of a log spelling does not invalidate the committed scenarios.
//
// Invariants: printing an event and parsing the line back yields the same Event (every field,
// sequence and time included); an event's time is printed only when it differs from the time
// of the command that produced it. Errors name the file, the line and what is wrong.
//
// Test code only: it allocates freely and is not meant for the engine's hot path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "book/order_book.hpp"
#include "book/types.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"

namespace alphintra::book::golden {

// ---- names used in scenario files -------------------------------------------------------

std::string_view name(EventType t) noexcept;
std::string_view name(RejectReason r) noexcept;
std::string_view name(CancelReason r) noexcept;
std::string_view name(OrderType t) noexcept;
std::string_view name(TimeInForce t) noexcept;
std::string_view name(SelfTradePrevention s) noexcept;

// "09:30:00", "09:30:00.000000001" or a plain nanosecond count "1000".
std::optional<Timestamp> parseTime(std::string_view text);
// HH:MM:SS, with .nnnnnnnnn when the time is not a whole second.
std::string formatTime(Timestamp t);

// ---- event lines -----------------------------------------------------------------------

// Prints and parses the part of a `<` line after the marker, e.g.
//   "2 trade id=2 contra=1 sell 40 @ 10.00 leaves=0 contra_leaves=60"
// `commandTime` is the time written for the command: the event's time is printed (time=...)
// only when it differs.
class EventFormat {
 public:
  explicit EventFormat(const Instrument& instrument)
      : pricePlaces_(instrument.pricePrecision()), quantityPlaces_(instrument.quantityPrecision()) {}
  EventFormat(int pricePlaces, int quantityPlaces) : pricePlaces_(pricePlaces), quantityPlaces_(quantityPlaces) {}

  std::string print(const Event& e, Timestamp commandTime) const;
  // Error.field is empty; Error.message says which token is wrong.
  Result<Event> parse(std::string_view text, Timestamp commandTime) const;

  std::string price(Price p) const;        // decimal, "mkt" when undefined
  std::string quantity(Quantity q) const;  // decimal

 private:
  int pricePlaces_;
  int quantityPlaces_;
};

bool sameEvent(const Event& a, const Event& b) noexcept;

// ---- scenarios ---------------------------------------------------------------------------

enum class CommandKind : std::uint8_t { New, Cancel, Replace, MassCancel, Status, Tick, Reference };

struct Command {
  CommandKind kind = CommandKind::Tick;
  Timestamp time;                                    // from the latest `at` line
  NewOrder order;                                    // New
  ReplaceOrder replace;                              // Replace
  OrderId id;                                        // Cancel
  AccountId account;                                 // MassCancel
  TradingStatus status = TradingStatus::Continuous;  // Status
  Price reference = Price::undefined();              // Reference
};

// A `=` line: a query of the book compared, as canonical text, with what it shows.
enum class CheckKind : std::uint8_t { Bids, Asks, Orders, Order, Last, Seq, Status, Stops };

struct Check {
  CheckKind kind = CheckKind::Seq;
  Side side = Side::None;  // Orders
  OrderId id;              // Order
  std::string expected;    // canonical text of the whole check, e.g. "bids 10.00x60(1)"
  bool unfilled = false;   // written as `= bids ?`: never matches (to be regenerated)
};

struct ExpectedEvent {
  Event event;
  int line = 0;
};

struct Step {
  int line = 0;
  bool isCheck = false;
  Command command;                      // !isCheck
  std::vector<ExpectedEvent> expected;  // !isCheck: the `<` lines that follow the command
  Check check;                          // isCheck
};

struct Scenario {
  std::string path;                // as given, for messages
  std::vector<std::string> lines;  // the original text, for regeneration
  InstrumentSpec instrumentSpec;
  BookOptions options;
  std::vector<Step> steps;
};

// Parses a scenario; an error's field is "path:line".
Result<Scenario> parseScenario(std::string_view text, const std::string& path);
Result<Scenario> loadScenario(const std::string& path);

// The canonical text of a check, computed from the book.
std::string describe(const Check& check, const OrderBook& book);

// ---- running -----------------------------------------------------------------------------

struct Mismatch {
  int line = 0;         // line of the expected event or check (or of the command)
  std::string message;  // "expected: ...\n  actual: ..."
};

struct StepResult {
  std::vector<Event> actual;  // commands: the events the book emitted
  std::string actualCheck;    // checks: what the book shows
};

struct RunResult {
  std::vector<StepResult> steps;  // one per Scenario::steps
  std::vector<Mismatch> mismatches;
  bool ok() const noexcept { return mismatches.empty(); }
};

// Plays the scenario on a fresh book and compares every step. Also checks that sequence
// numbers are gap-free from 1 and that the book's sequence() follows the events.
Result<RunResult> runScenario(const Scenario& scenario);

// The scenario text with every `<` line and every `=` line replaced by what the book did
// (ALPHINTRA_GOLDEN_UPDATE=1). Everything else is kept as written.
std::string regenerate(const Scenario& scenario, const RunResult& result);

}  // namespace alphintra::book::golden
