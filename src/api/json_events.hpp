// Engine event → JSON: one object per event, on one line without a trailing newline, for every
// client protocol built on the JSON edge (docs/engine-protocol.md has an example of each).
//
//   {"event":"execution_report","sequence":7,"time":1700000000007000000,"requestId":7,...}
//
// Common members: "event" (engine::toString(EventKind)), "sequence" (the journal sequence of
// the command that caused it), "time" (ns since the epoch, UTC), "requestId" (only when the
// event answers a request). Ids and counts are JSON integers; prices, quantities and money
// are decimal strings at the instrument's precision or the currency's minor units. A value
// that is undefined (no limit price, no fill yet) or an id that is none is left out.
// Refusals carry "reason": {"source", "code", "message"} — risk refusals also "unit", "limit"
// and "value", formatted by the rule's unit.
//
// The Directory supplies precisions and currencies. An event about an instrument the
// directory does not know (it cannot happen when the directory is fed as json_commands.hpp
// says) keeps its ids but leaves out the decimals it cannot format, rather than print raw
// integers that would read as wrong prices.
//
// Threading: pure functions of their arguments; any thread. Allocates (edges only).
#pragma once

#include <cstdint>
#include <string>

#include "api/directory.hpp"
#include "core/result.hpp"
#include "engine/event.hpp"

namespace alphintra::api {

std::string formatEvent(const engine::EngineEvent& event, const Directory& directory);

// {"event":"error","field":"price","message":"...","requestId":7}: the answer to a line that
// parseCommand refused (requestId left out when 0).
std::string formatError(const Error& error, std::uint64_t requestId);

}  // namespace alphintra::api
