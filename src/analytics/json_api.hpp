// The JSON interface of the analytics module: one request, one response, validated at the edge.
// The schemas, with examples, are in docs/analytics.md. In short:
//
//   price        {"model":"bsm","type":"call","style":"european","spot":100,"strike":100,
//                 "expiry":1.0,"rate":0.05,"dividend":0.02,"volatility":0.2}
//                -> {"price":..., "greeks":{"delta":...,...}}
//                or an array of such objects (a batch) -> an array of responses, in order.
//   implied-vol  the same without "volatility", with "price" -> {"volatility":...,"iterations":...}
//                (or arrays of them).
//
// A bad request is answered with {"error":{"code":...,"field":...,"message":...}}: code
// "invalid_json" when the text is not JSON, "invalid_request" otherwise; field names the
// offending member ("volatility", "[2].strike" in a batch; "" for the request as a whole).
// Unknown members are errors too, so that a misspelt field is never silently ignored.
//
// The JSON layer only converts: every number goes through the calls of pricing.hpp.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "analytics/option.hpp"
#include "core/result.hpp"

namespace alphintra::analytics {

enum class JsonCommand : std::uint8_t { Price = 0, ImpliedVol = 1 };

struct JsonReply {
  bool ok = false;
  std::string body;  // the response, or {"error":{...}}; one line, no trailing newline
};

// Parses `request` (text), runs the command, and serializes the answer. Never throws.
JsonReply handleJsonRequest(JsonCommand command, std::string_view request);

// Every analytics command as a handler from a parsed request to its response (or an Error
// naming the field). The table of all of them, as `alphintra analytics NAME` and (once the
// server exists) `POST /api/v1/analytics/NAME` expose them, is analyticsCommands().
using JsonHandler = Result<nlohmann::ordered_json> (*)(const nlohmann::json& request);

struct AnalyticsCommand {
  std::string_view name;     // e.g. "price"
  std::string_view summary;  // one line for --help
  JsonHandler handler;
};

std::span<const AnalyticsCommand> analyticsCommands();

// Parses `request` (text), runs `handler`, and serializes the answer: {"error":{...}} with code
// invalid_json / invalid_request / internal_error when it fails. Never throws.
JsonReply handleJson(JsonHandler handler, std::string_view request);

// The pieces, for callers that already hold parsed JSON.
struct ImpliedVolRequest {
  OptionSpec option;
  double price = 0;
};
Result<OptionSpec> optionFromJson(const nlohmann::json& request);  // a price request
Result<ImpliedVolRequest> impliedVolRequestFromJson(const nlohmann::json& request);
nlohmann::ordered_json toJson(const OptionSpec& option, const Valuation& valuation);
nlohmann::ordered_json toJson(const ImpliedVolatility& result);

// Runs a parsed request (object or batch array); the error field carries the batch index.
Result<nlohmann::ordered_json> runJson(JsonCommand command, const nlohmann::json& request);

}  // namespace alphintra::analytics
