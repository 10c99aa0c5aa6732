// Reading JSON requests at the edge: MemberReader pulls typed members out of one request object,
// remembers which it used so the rest can be reported as unknown, and keeps the first error
// (naming the field and why). Shared by every analytics command's JSON layer.
#pragma once

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace alphintra::analytics {

// "a number", "a string", ...: how an error names the type it got.
inline std::string_view typeName(const nlohmann::json& value) {
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_null()) return "null";
  if (value.is_array()) return "an array";
  return "an object";
}

// "\"a\", \"b\" or \"c\"".
template <std::size_t N>
std::string oneOf(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += i + 1 == N ? " or " : ", ";
    out += fmt::format("\"{}\"", names[i]);
  }
  return out;
}

// Reads the members of one request object, remembering which it used so that the rest can be
// reported as unknown. The first error wins.
class MemberReader {
 public:
  explicit MemberReader(const nlohmann::json& object) : object_(object) {}

  bool has(std::string_view name) const { return object_.contains(name); }

  std::optional<double> number(std::string_view name, std::optional<double> fallback = std::nullopt) {
    const nlohmann::json* value = find(name);
    if (!value) return missing(name, fallback);
    if (!value->is_number()) return fail(name, fmt::format("must be a number, got {}", typeName(*value)));
    return value->get<double>();
  }

  std::optional<std::int64_t> integer(std::string_view name, std::int64_t fallback) {
    const nlohmann::json* value = find(name);
    if (!value) return fallback;
    if (!value->is_number_integer()) {
      return fail(name,
                  fmt::format("must be an integer, got {}", value->is_number() ? value->dump() : typeName(*value)));
    }
    if (value->is_number_unsigned() && value->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      return fail(name, fmt::format("is out of range: {}", value->dump()));
    }
    return value->get<std::int64_t>();
  }

  template <std::size_t N>
  std::optional<std::size_t> choice(std::string_view name, const std::array<std::string_view, N>& names,
                                    std::optional<std::size_t> fallback = std::nullopt) {
    const nlohmann::json* value = find(name);
    if (!value) return missing(name, fallback);
    if (!value->is_string()) {
      return fail(name, fmt::format("must be a string, one of {}; got {}", oneOf(names), typeName(*value)));
    }
    const auto& text = value->get_ref<const std::string&>();
    for (std::size_t i = 0; i < N; ++i) {
      if (text == names[i]) return i;
    }
    return fail(name, fmt::format("unknown {} \"{}\"; expected {}", name, text, oneOf(names)));
  }

  // Names a member that this request does not use, if any.
  void rejectUnknown() {
    if (error_) return;
    for (const auto& [key, value] : object_.items()) {
      if (std::find(used_.begin(), used_.end(), key) == used_.end()) {
        error_ = makeError(key, "unknown field for this request (see docs/analytics.md for the schema)");
        return;
      }
    }
  }

  void allow(std::string_view name) { used_.emplace_back(name); }
  const std::optional<Error>& error() const { return error_; }
  void setError(Error e) {
    if (!error_) error_ = std::move(e);
  }

 private:
  const nlohmann::json* find(std::string_view name) {
    used_.emplace_back(name);
    auto it = object_.find(name);
    return it == object_.end() ? nullptr : &*it;
  }

  template <typename T>
  std::optional<T> missing(std::string_view name, std::optional<T> fallback) {
    if (fallback) return fallback;
    return fail(name, "is required");
  }

  std::nullopt_t fail(std::string_view name, std::string message) {
    setError(makeError(std::string{name}, std::move(message)));
    return std::nullopt;
  }

  const nlohmann::json& object_;
  std::vector<std::string> used_;
  std::optional<Error> error_;
};

}  // namespace alphintra::analytics
