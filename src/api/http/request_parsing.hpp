// Request parsing shared by the REST routes: ids, %-escapes, query strings and strict JSON
// bodies (a member given twice is an error, as in the line protocol), with errors that name
// the parameter or member at fault.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/http_server.hpp"
#include "core/result.hpp"

namespace alphintra::api::http {

std::optional<std::uint64_t> parseUnsigned(std::string_view text);
// %XX (and '+' as a space in queries) decoded; nullopt on a broken escape.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace);
// The query string as name → value; an Error names a broken or repeated parameter.
Result<std::vector<std::pair<std::string, std::string>>> parseQuery(std::string_view query);
// A request body that must be one JSON object.
Result<nlohmann::ordered_json> parseBodyObject(std::string_view body);
// 400 invalid_request (or malformed_json) naming the field; the protocol's "account" is "accountId".
Response badRequest(const Error& error);

}  // namespace alphintra::api::http
