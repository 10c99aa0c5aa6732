// FlatJson: one JSON object read into a list of members, for the command edge (json_commands.hpp),
// whose objects are flat: every member a string, number, boolean or null. A nested object or array
// is checked for syntax and kept as its kind only (the command reader refuses it by type).
//
// Why our own reader: an order is one small flat object, and the general tree (nlohmann::json:
// a map node and a string per member) cost about 3 µs to build and 5 µs more to read on the
// REST path, the largest share of an order's CPU after the sockets (docs/benchmarks.md, "API").
// This reader makes one pass, allocates only for strings with escapes, and keeps members in the
// order they came.
//
// Strictness is the JSON grammar's (RFC 8259): no trailing commas, no comments, no bare words,
// strings with valid UTF-8, no raw control characters and only the standard escapes (\uXXXX
// surrogate pairs joined), nothing but whitespace after the object. Nesting is limited to
// kMaxDepth. Numbers: an integer that fits 64 bits (unsigned, or signed when negative) is an
// integer; anything else (fraction, exponent, too large) is a float, kept as its text.
// A member given twice is not an error here: duplicate() finds it, and the caller words it.
//
// Lifetime: string_views point into the parsed text or into the object's own storage; keep the
// text alive as long as the object. Threading: none (a value type).
#pragma once

#include <cstddef>
#include <cstdint>
#include <forward_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace alphintra::api {

class FlatJson {
 public:
  static constexpr int kMaxDepth = 64;

  enum class Kind : std::uint8_t { Null, Bool, String, Unsigned, Negative, Float, Array, Object };

  struct Member {
    std::string_view key;
    Kind kind = Kind::Null;
    std::string_view text;   // String: the unescaped value; numbers: as written; others: empty
    std::uint64_t bits = 0;  // Unsigned: the value; Negative: the value as two's complement; Bool: 0 or 1

    std::int64_t negative() const noexcept { return static_cast<std::int64_t>(bits); }
  };

  FlatJson() = default;
  // Move only: views point into storage_, whose strings a move keeps in place and a copy would not.
  FlatJson(FlatJson&&) = default;
  FlatJson& operator=(FlatJson&&) = default;
  FlatJson(const FlatJson&) = delete;
  FlatJson& operator=(const FlatJson&) = delete;

  // Errors read "malformed JSON: <what> at byte N" (field empty), or say the text is not an object.
  static Result<FlatJson> parse(std::string_view text);

  const std::vector<Member>& members() const noexcept { return members_; }
  // The first member named `key`, or null.
  const Member* find(std::string_view key) const noexcept;
  // The name of a member given twice (the first such name in the text), if any.
  std::optional<std::string_view> duplicate() const;

  // Edits, for an edge that maps its own names onto the protocol's (the REST API's accountId).
  // `key` and a String's text must outlive the object (string literals) or be copied with own().
  void rename(std::string_view from, std::string_view to) noexcept;
  void add(Member member) { members_.push_back(member); }
  void addString(std::string_view key, std::string_view text) { add(Member{key, Kind::String, text, 0}); }
  void addUnsigned(std::string_view key, std::uint64_t value) { add(Member{key, Kind::Unsigned, {}, value}); }
  std::string_view own(std::string text) { return storage_.emplace_front(std::move(text)); }

 private:
  std::vector<Member> members_;
  // Unescaped strings. A list: views into it stay valid, and an object without escapes (an
  // order, nearly always) allocates nothing for it — a deque allocates its map and a first block
  // even empty, two of the ~85 allocations a REST order cost.
  std::forward_list<std::string> storage_;
};

}  // namespace alphintra::api
