#include "api/http/request_parsing.hpp"

#include <fmt/format.h>

#include <charconv>
#include <set>

namespace alphintra::api::http {

using json = nlohmann::ordered_json;

std::optional<std::uint64_t> parseUnsigned(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      unsigned value = 0;
      const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec != std::errc{} || end != text.data() + i + 3) return std::nullopt;
      out.push_back(static_cast<char>(value));
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> parseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    auto name = percentDecode(part.substr(0, eq), true);
    auto value = percentDecode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
    if (!name || !value) return makeError("", fmt::format("malformed query parameter \"{}\"", part));
    for (const auto& [n, v] : out) {
      if (n == *name) return makeError(*name, fmt::format("query parameter {} is given twice", *name));
    }
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

// A request body that must be one JSON object; a member given twice is an error, as in the
// line protocol (nlohmann would keep the last one silently).
Result<json> parseBodyObject(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return makeError("", "the request body is empty; a JSON object is expected");
  }
  std::optional<std::string> duplicate;
  std::vector<std::set<std::string>> keys;  // per open object, by depth
  const json::parser_callback_t callback = [&](int depth, json::parse_event_t event, json& parsed) {
    const auto d = static_cast<std::size_t>(depth);
    if (event == json::parse_event_t::object_start) {
      if (keys.size() <= d) keys.resize(d + 1);
      keys[d].clear();
    } else if (event == json::parse_event_t::key && d >= 1 && d <= keys.size()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!keys[d - 1].insert(key).second && !duplicate) duplicate = key;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(body, callback);
  } catch (const json::exception& e) {
    return makeError("", fmt::format("malformed JSON: {}", e.what()));
  }
  if (duplicate) return makeError(*duplicate, fmt::format("member {} is given twice", *duplicate));
  if (!j.is_object()) return makeError("", "the request body must be a JSON object");
  return j;
}

Response badRequest(const Error& error) {
  const std::string_view field = error.field == "account" ? std::string_view("accountId") : error.field;
  const bool malformed = error.message.starts_with("malformed JSON");
  return errorResponse(400, malformed ? "malformed_json" : "invalid_request", error.message, field);
}

}  // namespace alphintra::api::http
