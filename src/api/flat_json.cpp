// FlatJson (see flat_json.hpp): a one-pass reader of one JSON object.
#include "api/flat_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "api/json_writer.hpp"

namespace alphintra::api {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Reader {
 public:
  Reader(std::string_view text, FlatJson& out, std::forward_list<std::string>& storage)
      : text_(text), out_(out), storage_(storage) {}

  // The whole text: one object, then only whitespace.
  bool document() {
    skipSpace();
    if (!more() || text_[pos_] != '{') {
      if (more() && valueStarts(text_[pos_])) {
        notObject_ = true;
        return false;
      }
      return fail(more() ? "expected '{'" : "the text is empty");
    }
    if (!object(0, true)) return false;
    skipSpace();
    if (more()) return fail("unexpected text after the object");
    return true;
  }

  bool notObject() const { return notObject_; }
  const std::string& error() const { return error_; }

 private:
  bool more() const { return pos_ < text_.size(); }
  void skipSpace() {
    while (more() && isSpace(text_[pos_])) ++pos_;
  }
  static bool valueStarts(char c) {
    return c == '[' || c == '"' || c == '-' || isDigit(c) || c == 't' || c == 'f' || c == 'n';
  }
  bool fail(std::string_view what) {
    if (error_.empty()) error_ = fmt::format("malformed JSON: {} at byte {}", what, pos_ + 1);
    return false;
  }

  // At '{'. `top`: members are recorded; below the top, only checked.
  bool object(int depth, bool top) {
    if (depth >= FlatJson::kMaxDepth) return fail("nesting too deep");
    if (closesAtOnce('}')) return true;
    for (;;) {
      skipSpace();
      if (!more() || text_[pos_] != '"') return fail("expected a member name in quotes");
      std::string_view key;
      if (!string(key)) return false;
      skipSpace();
      if (!more() || text_[pos_] != ':') return fail("expected ':' after a member name");
      ++pos_;
      skipSpace();
      FlatJson::Member m;
      m.key = key;
      if (!value(m, depth)) return false;
      if (top) out_.add(m);
      const Next next = afterItem('}', "object");
      if (next != Next::Item) return next == Next::Closed;
    }
  }

  bool array(int depth) {
    if (depth >= FlatJson::kMaxDepth) return fail("nesting too deep");
    if (closesAtOnce(']')) return true;
    for (;;) {
      skipSpace();
      FlatJson::Member ignored;
      if (!value(ignored, depth)) return false;
      const Next next = afterItem(']', "array");
      if (next != Next::Item) return next == Next::Closed;
    }
  }

  // At '{' or '[': steps past it, and past `close` too when the container is empty.
  bool closesAtOnce(char close) {
    ++pos_;
    skipSpace();
    if (!more() || text_[pos_] != close) return false;
    ++pos_;
    return true;
  }

  // After an object's member or an array's element: ',' (another follows) or `close`.
  enum class Next : std::uint8_t { Item, Closed, Failed };
  Next afterItem(char close, std::string_view container) {
    skipSpace();
    if (!more()) {
      fail(fmt::format("the {} is not closed", container));
      return Next::Failed;
    }
    if (text_[pos_] == ',' || text_[pos_] == close) {
      return text_[pos_++] == ',' ? Next::Item : Next::Closed;
    }
    fail(fmt::format("expected ',' or '{}'", close));
    return Next::Failed;
  }

  bool value(FlatJson::Member& m, int depth) {
    if (!more()) return fail("expected a value");
    const char c = text_[pos_];
    switch (c) {
      case '{': m.kind = FlatJson::Kind::Object; return object(depth + 1, false);
      case '[': m.kind = FlatJson::Kind::Array; return array(depth + 1);
      case '"': m.kind = FlatJson::Kind::String; return string(m.text);
      case 't':
        m.kind = FlatJson::Kind::Bool;
        m.bits = 1;
        return word("true");
      case 'f':
        m.kind = FlatJson::Kind::Bool;
        m.bits = 0;
        return word("false");
      case 'n': m.kind = FlatJson::Kind::Null; return word("null");
      default: break;
    }
    if (c == '-' || isDigit(c)) return number(m);
    return fail("expected a value");
  }

  bool word(std::string_view w) {
    if (text_.substr(pos_, w.size()) != w) return fail("expected a value");
    pos_ += w.size();
    return true;
  }

  bool number(FlatJson::Member& m) {
    const std::size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    if (!more() || !isDigit(text_[pos_])) return fail("expected a digit");
    if (text_[pos_] == '0') {
      ++pos_;
    } else {
      while (more() && isDigit(text_[pos_])) ++pos_;
    }
    bool integral = true;
    if (more() && text_[pos_] == '.') {
      integral = false;
      ++pos_;
      if (!more() || !isDigit(text_[pos_])) return fail("expected a digit after '.'");
      while (more() && isDigit(text_[pos_])) ++pos_;
    }
    if (more() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (more() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!more() || !isDigit(text_[pos_])) return fail("expected a digit in the exponent");
      while (more() && isDigit(text_[pos_])) ++pos_;
    }
    m.text = text_.substr(start, pos_ - start);
    m.kind = FlatJson::Kind::Float;
    if (!integral) return true;
    const char* first = m.text.data();
    const char* last = first + m.text.size();
    if (*first == '-') {
      std::int64_t v = 0;
      if (std::from_chars(first, last, v).ec == std::errc{}) {
        m.kind = v == 0 ? FlatJson::Kind::Unsigned : FlatJson::Kind::Negative;  // "-0" is 0
        m.bits = static_cast<std::uint64_t>(v);
      }
    } else {
      std::uint64_t v = 0;
      if (std::from_chars(first, last, v).ec == std::errc{}) {
        m.kind = FlatJson::Kind::Unsigned;
        m.bits = v;
      }
    }
    return true;  // out of 64-bit range: a float, like any other number that is not an integer
  }

  // At '"'. The view points into the text when there was nothing to unescape.
  bool string(std::string_view& out) {
    ++pos_;
    const std::size_t start = pos_;
    while (more()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        out = text_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      if (c == '\\') return escapedString(start, out);
      if (c < 0x20) return fail("a control character in a string (escape it)");
      if (c < 0x80) {
        ++pos_;
        continue;
      }
      const std::size_t n = utf8SequenceLength(text_, pos_);
      if (n == 0) return fail("invalid UTF-8 in a string");
      pos_ += n;
    }
    return fail("a string is not closed");
  }

  bool escapedString(std::size_t start, std::string_view& out) {
    std::string s(text_.substr(start, pos_ - start));
    while (more()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        out = storage_.emplace_front(std::move(s));
        return true;
      }
      if (c < 0x20) return fail("a control character in a string (escape it)");
      if (c >= 0x80) {
        const std::size_t n = utf8SequenceLength(text_, pos_);
        if (n == 0) return fail("invalid UTF-8 in a string");
        s.append(text_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      if (c != '\\') {
        s.push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      ++pos_;
      if (!more()) return fail("a string is not closed");
      const char e = text_[pos_++];
      switch (e) {
        case '"': s.push_back('"'); break;
        case '\\': s.push_back('\\'); break;
        case '/': s.push_back('/'); break;
        case 'b': s.push_back('\b'); break;
        case 'f': s.push_back('\f'); break;
        case 'n': s.push_back('\n'); break;
        case 'r': s.push_back('\r'); break;
        case 't': s.push_back('\t'); break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate: its low half must follow
            std::uint32_t low = 0;
            if (text_.substr(pos_, 2) != "\\u") return fail("a lone surrogate in a \\u escape");
            pos_ += 2;
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return fail("a lone surrogate in a \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("a lone surrogate in a \\u escape");
          }
          appendUtf8(s, cp);
          break;
        }
        default: --pos_; return fail("an invalid escape in a string");
      }
    }
    return fail("a string is not closed");
  }

  bool hex4(std::uint32_t& cp) {
    if (pos_ + 4 > text_.size()) return fail("a \\u escape needs four hex digits");
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      const int h = hexValue(text_[pos_ + static_cast<std::size_t>(k)]);
      if (h < 0) return fail("a \\u escape needs four hex digits");
      cp = cp * 16 + static_cast<std::uint32_t>(h);
    }
    pos_ += 4;
    return true;
  }

  std::string_view text_;
  FlatJson& out_;
  std::forward_list<std::string>& storage_;
  std::size_t pos_ = 0;
  std::string error_;
  bool notObject_ = false;
};

}  // namespace

Result<FlatJson> FlatJson::parse(std::string_view text) {
  FlatJson json;
  json.members_.reserve(16);  // an order has ~8 members: one allocation, no regrowth
  Reader reader(text, json, json.storage_);
  if (reader.document()) return json;
  if (reader.notObject()) return makeError("", "the JSON text is not an object");
  return makeError("", reader.error());
}

const FlatJson::Member* FlatJson::find(std::string_view key) const noexcept {
  for (const Member& m : members_) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

std::optional<std::string_view> FlatJson::duplicate() const {
  if (members_.size() < 2) return std::nullopt;
  if (members_.size() <= 32) {
    // Few members (an order's ~8): compare each with those before it, without allocating. The
    // first member that repeats an earlier name, in text order, as the sort below finds.
    for (std::size_t i = 1; i < members_.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (members_[i].key == members_[j].key) return members_[i].key;
      }
    }
    return std::nullopt;
  }
  std::vector<std::size_t> order(members_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return members_[a].key < members_[b].key; });
  std::optional<std::size_t> first;  // the repeated member that comes first in the text
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (members_[order[i]].key == members_[order[i - 1]].key && (!first || order[i] < *first)) first = order[i];
  }
  if (!first) return std::nullopt;
  return members_[*first].key;
}

void FlatJson::rename(std::string_view from, std::string_view to) noexcept {
  for (Member& m : members_) {
    if (m.key == from) m.key = to;
  }
}

}  // namespace alphintra::api
