// JSON → engine command: the edge every client protocol shares (the line-delimited protocol of
// `alphintra engine run` now, the REST API later). One JSON object in, one engine::Command out,
// or an Error that names the offending field and says why. The schema, with an example line
// per command, is in docs/engine-protocol.md.
//
// Everything is validated here, before the sequencer sees the command: JSON syntax, member
// types, required and unknown members (a misspelt member is an error, never ignored; it is
// reported before any other error, since it is usually the cause of them), duplicate members,
// enum spellings, ids, client order ids (ClientOrderId::parse), symbols and accounts (through
// the Directory), and every decimal against the instrument's or currency's precision —
// prices and quantities of orders also against tick, lot and min/max (Instrument::parsePrice /
// parseQuantity). Decimals are JSON strings ("150.05"), never JSON numbers, so that no value
// passes through a double; ids and counts are JSON integers. A member given as null counts as
// absent.
//
// The directory learns from the commands it parses: a define_instrument or open_account that
// parses successfully is added to it at once (unless its id or symbol is already known), so
// that the next line may already use the new symbol or account. If the engine then refuses the
// definition (already_exists is the only refusal left once the edge has validated it), the
// directory still holds the first definition, which is the one the engine kept too.
//
// Output: the command's header has type, source and requestId set; sequence and time are left
// 0 for the sequencer. All body bytes not set are zero (engine::makeCommand), so equal input
// gives byte-identical commands.
//
// Threading: parseCommand may run on any number of gateway threads at once (the directory is
// safe for that). Limits: at most kMaxCommandBytes of text per command; members must be
// scalars (no nested objects or arrays).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "api/directory.hpp"
#include "api/flat_json.hpp"
#include "core/result.hpp"
#include "engine/command.hpp"

namespace alphintra::api {

inline constexpr std::size_t kMaxCommandBytes = 64 * 1024;

// Parses one JSON object (one line of the protocol) into a command from gateway `source`.
Result<engine::Command> parseCommand(std::string_view jsonText, Directory& directory, std::uint32_t source);
// The same from an object already parsed, for an edge that reads its own format first (the
// REST API parses a body once, renames accountId and adds type and requestId). Members given
// twice must have been refused by that parse (an object cannot hold them any more).
Result<engine::Command> parseCommandObject(const nlohmann::json& object, Directory& directory, std::uint32_t source);
// The same from members already read (flat_json.hpp): the REST API's order path reads the body
// once, renames accountId and adds type and requestId. A member given twice is refused here.
Result<engine::Command> parseCommandMembers(const FlatJson& object, Directory& directory, std::uint32_t source);

// The "requestId" of a command line, when the text is a JSON object with a valid one; else 0.
// Lets a gateway echo the request id in the error answer to a line parseCommand refused.
std::uint64_t requestIdOf(std::string_view jsonText) noexcept;

}  // namespace alphintra::api
