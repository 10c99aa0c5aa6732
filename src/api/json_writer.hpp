// JsonObject: writes one JSON object straight into a string, member by member, in the order
// they are added — the text nlohmann::ordered_json::dump() gives for the same members (compact,
// no spaces; strings escaped the same way; invalid UTF-8 replaced by U+FFFD).
//
// Why our own: every engine event an API client sees (REST answers, WebSocket order updates,
// the read model) is formatted on the publisher thread. Building an nlohmann tree for it cost
// one allocation per member and about 5 µs per event (docs/benchmarks.md, "API"); appending to
// one string costs a fraction of that. Parsing stays with nlohmann (request bodies are small and
// their validation wants its error positions).
//
//   std::string out;
//   JsonObject j(out);
//   j.string("event", "quote").integer("sequence", 7);
//   JsonObject reason = j.object("reason");
//   reason.string("code", "requested");
//   reason.close();
//   j.close();               // out == {"event":"quote","sequence":7,"reason":{"code":"requested"}}
//
// Keys are written as given: they must be plain ASCII with nothing to escape (they are the
// protocol's member names, all literals). A nested object must be closed before its parent
// takes another member. Threading: none; the string is the caller's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace alphintra::api {

// The length of the valid UTF-8 sequence that starts at text[i] (i < size), or 0 when it is not
// one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, or cut short).
std::size_t utf8SequenceLength(std::string_view text, std::size_t i);

// Appends `text` as a JSON string, quotes included.
void appendJsonString(std::string& out, std::string_view text);

class JsonObject {
 public:
  explicit JsonObject(std::string& out) : out_(&out) { out.push_back('{'); }

  JsonObject& string(std::string_view key, std::string_view value) {
    appendKey(key);
    appendJsonString(*out_, value);
    return *this;
  }
  JsonObject& integer(std::string_view key, std::int64_t value);
  JsonObject& unsignedInteger(std::string_view key, std::uint64_t value);
  JsonObject& boolean(std::string_view key, bool value) {
    appendKey(key);
    *out_ += value ? "true" : "false";
    return *this;
  }
  // A member whose value is JSON text already (an object, a number); copied as it is.
  JsonObject& raw(std::string_view key, std::string_view json) {
    appendKey(key);
    *out_ += json;
    return *this;
  }
  // Opens a nested object under `key`; close it before adding to this one again.
  JsonObject object(std::string_view key) {
    appendKey(key);
    return JsonObject(*out_);
  }
  void close() { out_->push_back('}'); }

 private:
  void appendKey(std::string_view key) {
    if (out_->back() != '{') out_->push_back(',');
    out_->push_back('"');
    *out_ += key;
    *out_ += "\":";
  }

  std::string* out_;
};

}  // namespace alphintra::api
