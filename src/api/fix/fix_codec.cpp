// FIX 4.4 tag=value codec (see fix_codec.hpp).
#include "api/fix/fix_codec.hpp"

#include <cstring>
#include <span>

namespace alphintra::api::fix {
namespace {

constexpr std::string_view kBeginPrefix =
    "8=FIX.4.4\x01"
    "9=";
constexpr std::size_t kTrailerLength = 7;  // "10=NNN|"

bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

// Where the next frame may start: the next "8=" at the start of a field after position 0.
std::size_t skipToNextBegin(std::string_view bytes) noexcept {
  for (std::size_t i = 1; i + 1 < bytes.size(); ++i) {
    if (bytes[i] == '8' && bytes[i + 1] == '=' && bytes[i - 1] == kSoh) return i;
  }
  // Keep a trailing "8" that may be the start of the next frame.
  return bytes.empty() ? 0 : (bytes.back() == '8' ? bytes.size() - 1 : bytes.size());
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm).
constexpr std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

constexpr Civil civilFromDays(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Civil{static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

std::optional<unsigned> digits(std::string_view text, std::size_t at, std::size_t count) noexcept {
  unsigned v = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!isDigit(text[i])) return std::nullopt;
    v = v * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return v;
}

}  // namespace

std::uint8_t checksum(std::string_view bytes) noexcept {
  unsigned sum = 0;
  for (char c : bytes) sum += static_cast<unsigned char>(c);
  return static_cast<std::uint8_t>(sum & 0xFF);
}

std::string_view toString(Garble g) noexcept {
  switch (g) {
    case Garble::None: return "none";
    case Garble::NoBeginString: return "does not start with 8=FIX.4.4 and 9=BodyLength";
    case Garble::BadBodyLength: return "BodyLength does not match where CheckSum (10) is";
    case Garble::BadChecksum: return "CheckSum does not match the bytes";
    case Garble::TooLong: return "longer than the largest message accepted";
  }
  return "unknown";
}

Frame frame(std::string_view bytes) noexcept {
  if (bytes.empty()) return {};
  // The fixed prefix, as far as it has arrived.
  const std::size_t prefix = bytes.size() < kBeginPrefix.size() ? bytes.size() : kBeginPrefix.size();
  if (bytes.substr(0, prefix) != kBeginPrefix.substr(0, prefix)) {
    // "8=FIX.4.2|..." is another protocol version; anything else is garbage up to the next "8=".
    if (bytes.starts_with("8=FIX") && bytes.size() > 5) {
      const std::size_t soh = bytes.find(kSoh);
      if (soh == std::string_view::npos) {
        return bytes.size() > 32 ? Frame{FrameStatus::Garbled, skipToNextBegin(bytes), Garble::NoBeginString} : Frame{};
      }
      if (bytes.substr(2, soh - 2) != kBeginString) return Frame{FrameStatus::WrongBeginString, soh + 1};
    }
    return Frame{FrameStatus::Garbled, skipToNextBegin(bytes), Garble::NoBeginString};
  }
  if (bytes.size() == prefix) return {};
  // BodyLength digits.
  std::size_t i = kBeginPrefix.size();
  std::size_t bodyLength = 0;
  const std::size_t digitsStart = i;
  while (i < bytes.size() && isDigit(bytes[i]) && i - digitsStart < 6) {
    bodyLength = bodyLength * 10 + static_cast<std::size_t>(bytes[i] - '0');
    ++i;
  }
  if (i == bytes.size()) return {};
  if (i == digitsStart || bytes[i] != kSoh) {
    return Frame{FrameStatus::Garbled, skipToNextBegin(bytes), Garble::NoBeginString};
  }
  const std::size_t bodyStart = i + 1;
  const std::size_t total = bodyStart + bodyLength + kTrailerLength;
  if (total > kMaxMessageBytes) return Frame{FrameStatus::Garbled, skipToNextBegin(bytes), Garble::TooLong};
  if (bytes.size() < total) return {};
  const std::size_t trailer = bodyStart + bodyLength;
  const std::string_view t = bytes.substr(trailer, kTrailerLength);
  if (bytes[trailer - 1] != kSoh || !t.starts_with("10=") || !isDigit(t[3]) || !isDigit(t[4]) || !isDigit(t[5]) ||
      t[6] != kSoh) {
    return Frame{FrameStatus::Garbled, skipToNextBegin(bytes), Garble::BadBodyLength};
  }
  const unsigned stated = static_cast<unsigned>((t[3] - '0') * 100 + (t[4] - '0') * 10 + (t[5] - '0'));
  if (stated != checksum(bytes.substr(0, trailer))) return Frame{FrameStatus::Garbled, total, Garble::BadChecksum};
  return Frame{FrameStatus::Complete, total};
}

namespace {

// A repeating group: its count tag (NoXXX), then entries that each start with members[0] (the
// delimiter) and hold each other member at most once. A member may be the count tag of a nested
// group. Lists from the FIX 4.4 components (members in the specification's order).
struct GroupSpec {
  std::uint32_t count;
  std::span<const std::uint32_t> members;
};

constexpr std::uint32_t kPartyIds[] = {448, 447, 452, 802};
constexpr std::uint32_t kPartySubIds[] = {523, 803};
constexpr std::uint32_t kAllocs[] = {79, 661, 736, 467, 539, 80};
constexpr std::uint32_t kNestedPartyIds[] = {524, 525, 538, 804};
constexpr std::uint32_t kNestedPartySubIds[] = {545, 805};
constexpr std::uint32_t kTradingSessions[] = {336, 625};
constexpr std::uint32_t kSecurityAltIds[] = {455, 456};
constexpr std::uint32_t kEvents[] = {865, 866, 867, 868};
constexpr std::uint32_t kStipulations[] = {233, 234};
constexpr std::uint32_t kUnderlyings[] = {311, 312, 309, 305, 457, 462, 463, 310, 763, 313, 542, 315,
                                          241, 242, 243, 244, 245, 246, 256, 595, 592, 593, 594, 247,
                                          316, 941, 317, 436, 435, 308, 306, 362, 363, 307, 364, 365,
                                          877, 878, 318, 879, 810, 882, 883, 884, 885, 886, 887};
constexpr std::uint32_t kUnderlyingAltIds[] = {458, 459};
constexpr std::uint32_t kUnderlyingStips[] = {888, 889};

constexpr GroupSpec kGroups[] = {
    {453, kPartyIds},
    {802, kPartySubIds},
    {78, kAllocs},
    {539, kNestedPartyIds},
    {804, kNestedPartySubIds},
    {386, kTradingSessions},
    {454, kSecurityAltIds},
    {864, kEvents},
    {232, kStipulations},
    {711, kUnderlyings},
    {457, kUnderlyingAltIds},
    {887, kUnderlyingStips},
};
static_assert(sizeof(kUnderlyings) / sizeof(kUnderlyings[0]) <= 64, "an entry's fields are tracked in 64 bits");

// The count tags as bits, so that a field that opens no group costs one test (all are < 1024).
constexpr std::array<std::uint64_t, 16> kCountTagBits = [] {
  std::array<std::uint64_t, 16> bits{};
  for (const GroupSpec& g : kGroups) bits[g.count >> 6] |= std::uint64_t{1} << (g.count & 63);
  return bits;
}();

const GroupSpec* groupOf(std::uint32_t countTag) noexcept {
  if (countTag >= 1024 || (kCountTagBits[countTag >> 6] & (std::uint64_t{1} << (countTag & 63))) == 0) return nullptr;
  for (const GroupSpec& g : kGroups) {
    if (g.count == countTag) return &g;
  }
  return nullptr;
}

int memberIndex(const GroupSpec& g, std::uint32_t t) noexcept {
  for (std::size_t i = 0; i < g.members.size(); ++i) {
    if (g.members[i] == t) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

void MessageView::note(RejectReason r, std::uint32_t t) noexcept {
  if (!problem_) {
    problem_ = r;
    problemTag_ = t;
  }
}

bool MessageView::parse(std::string_view message) noexcept {
  raw_ = message;
  msgType_ = {};
  count_ = 0;
  problem_.reset();
  problemTag_ = 0;
  // Which tags below 1024 were seen: duplicates are found without a pass over the fields.
  std::uint64_t seen[16] = {};
  // The repeating groups open at this field, outermost first.
  struct OpenGroup {
    const GroupSpec* spec;
    std::uint64_t expected;  // the count field's value
    std::uint64_t entries;
    std::uint64_t inEntry;  // members seen in the current entry, by index
  };
  constexpr std::size_t kMaxDepth = 4;
  OpenGroup open[kMaxDepth];
  std::size_t depth = 0;
  const auto closeGroup = [&] {
    const OpenGroup& g = open[--depth];
    if (g.entries != g.expected) note(RejectReason::IncorrectNumInGroupCount, g.spec->count);
  };
  std::size_t pos = 0;
  while (pos < message.size()) {
    const std::size_t eq = message.find('=', pos);
    const std::size_t soh = message.find(kSoh, pos);
    if (soh == std::string_view::npos) break;  // frame() guarantees a final SOH
    std::uint32_t t = 0;
    bool tagOk = eq != std::string_view::npos && eq < soh && eq > pos && eq - pos <= 6 && message[pos] != '0';
    if (tagOk) {
      for (std::size_t k = pos; k < eq; ++k) {
        if (!isDigit(message[k])) {
          tagOk = false;
          break;
        }
        t = t * 10 + static_cast<std::uint32_t>(message[k] - '0');
      }
    }
    if (!tagOk || t > kMaxTag) {
      note(RejectReason::InvalidTagNumber, tagOk ? t : 0);
      pos = soh + 1;
      continue;
    }
    const std::string_view value = message.substr(eq + 1, soh - eq - 1);
    if (value.empty()) note(RejectReason::TagWithoutValue, t);
    // In a group when a member of the innermost open one; a field that is not ends it.
    bool member = false;
    while (depth > 0 && !member) {
      OpenGroup& g = open[depth - 1];
      const int index = memberIndex(*g.spec, t);
      if (index < 0) {
        closeGroup();
        continue;
      }
      member = true;
      if (index == 0) {
        if (++g.entries > g.expected) note(RejectReason::IncorrectNumInGroupCount, g.spec->count);
        g.inEntry = 1;
      } else if (g.entries == 0) {
        note(RejectReason::RepeatingGroupFieldsOutOfOrder, t);
      } else {
        const std::uint64_t bit = std::uint64_t{1} << index;
        if (g.inEntry & bit) note(RejectReason::TagAppearsMoreThanOnce, t);
        g.inEntry |= bit;
      }
    }
    // A group's fields are marked seen too: one of them again after its group ended is a
    // duplicate.
    if (t < 1024) {
      std::uint64_t& word = seen[t >> 6];
      const std::uint64_t bit = std::uint64_t{1} << (t & 63);
      if (!member && (word & bit)) note(RejectReason::TagAppearsMoreThanOnce, t);
      word |= bit;
    } else if (!member) {
      for (std::size_t k = 0; k < count_; ++k) {
        if (fields_[k].tag == t) note(RejectReason::TagAppearsMoreThanOnce, t);
      }
    }
    if (const GroupSpec* group = groupOf(t)) {
      const auto n = parseUnsigned(value);
      if (!n) {
        if (!value.empty()) note(RejectReason::IncorrectDataFormat, t);
      } else if (*n > 0) {
        if (depth == kMaxDepth) {
          note(RejectReason::Other, t);
        } else {
          open[depth++] = OpenGroup{group, *n, 0, 0};
        }
      }
    }
    if (count_ == kMaxFields) {
      note(RejectReason::Other, t);
      break;
    }
    if (count_ == 2) {
      if (t == tag::MsgType) {
        msgType_ = value;
      } else {
        note(RejectReason::TagOutOfOrder, t);
      }
    }
    fields_[count_++] = Field{t, value};
    pos = soh + 1;
  }
  while (depth > 0) closeGroup();
  if (msgType_.empty()) {
    if (auto m = get(tag::MsgType)) msgType_ = *m;
  }
  return !problem_;
}

std::optional<std::string_view> MessageView::get(std::uint32_t t) const noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (fields_[i].tag == t) return fields_[i].value;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parseUnsigned(std::string_view text) noexcept {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (!isDigit(c)) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::optional<char> parseChar(std::string_view text) noexcept {
  if (text.size() != 1) return std::nullopt;
  return text[0];
}

std::optional<bool> parseBoolean(std::string_view text) noexcept {
  if (text == "Y") return true;
  if (text == "N") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parseUtcTimestamp(std::string_view text) noexcept {
  // YYYYMMDD-HH:MM:SS is 17 characters; a fraction of 3, 6 or 9 digits may follow a '.'.
  if (text.size() < 17 || text[8] != '-' || text[11] != ':' || text[14] != ':') return std::nullopt;
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 4, 2);
  const auto day = digits(text, 6, 2);
  const auto hour = digits(text, 9, 2);
  const auto minute = digits(text, 12, 2);
  const auto second = digits(text, 15, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  // Nanoseconds since the epoch in 64 bits reach from 1677-09-21 to 2262-04-11: whole years
  // inside that span only (a year such as 2823 would overflow, not be refused).
  if (*year < 1678 || *year > 2261) return std::nullopt;
  std::int64_t fractionNanos = 0;
  if (text.size() > 17) {
    const std::size_t places = text.size() - 18;
    if (text[17] != '.' || (places != 3 && places != 6 && places != 9)) return std::nullopt;
    const auto fraction = digits(text, 18, places);
    if (!fraction) return std::nullopt;
    fractionNanos = *fraction;
    for (std::size_t p = places; p < 9; ++p) fractionNanos *= 10;
  }
  const std::int64_t days = daysFromCivil(*year, *month, *day);
  const std::int64_t seconds = days * 86400 + *hour * 3600 + *minute * 60 + *second;
  return seconds * 1'000'000'000 + fractionNanos;
}

std::size_t formatUnsigned(std::uint64_t value, char* out) noexcept {
  char tmp[20];
  std::size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (std::size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  return n;
}

void MessageWriter::put(std::string_view text) noexcept {
  if (end_ + text.size() + kTrailerLength > buffer_.size()) {
    overflow_ = true;
    return;
  }
  std::memcpy(buffer_.data() + end_, text.data(), text.size());
  end_ += text.size();
}

void MessageWriter::putChar(char c) noexcept {
  if (end_ + 1 + kTrailerLength > buffer_.size()) {
    overflow_ = true;
    return;
  }
  buffer_[end_++] = c;
}

void MessageWriter::tagEquals(std::uint32_t t) noexcept {
  char tmp[24];
  std::size_t n = formatUnsigned(t, tmp);
  tmp[n++] = '=';
  put({tmp, n});
}

void MessageWriter::start(std::string_view msgType) noexcept {
  bodyStart_ = kPrefixRoom;
  end_ = kPrefixRoom;
  overflow_ = false;
  field(tag::MsgType, msgType);
}

void MessageWriter::field(std::uint32_t t, std::string_view value) noexcept {
  tagEquals(t);
  put(value);
  putChar(kSoh);
}

void MessageWriter::field(std::uint32_t t, char value) noexcept { field(t, std::string_view(&value, 1)); }

void MessageWriter::integer(std::uint32_t t, std::int64_t value) noexcept {
  char tmp[24];
  std::size_t n = 0;
  std::uint64_t magnitude = static_cast<std::uint64_t>(value);
  if (value < 0) {
    tmp[n++] = '-';
    magnitude = ~magnitude + 1;
  }
  n += formatUnsigned(magnitude, tmp + n);
  field(t, std::string_view(tmp, n));
}

void MessageWriter::decimal(std::uint32_t t, std::int64_t raw, int places) noexcept {
  char digitsText[24];
  std::uint64_t magnitude = static_cast<std::uint64_t>(raw);
  const bool negative = raw < 0;
  if (negative) magnitude = ~magnitude + 1;
  std::size_t n = formatUnsigned(magnitude, digitsText);
  char out[48];
  std::size_t o = 0;
  if (negative) out[o++] = '-';
  const std::size_t p = places > 0 ? static_cast<std::size_t>(places) : 0;
  if (n <= p) {  // 0.0042 style: zeros before the digits
    out[o++] = '0';
    out[o++] = '.';
    for (std::size_t z = n; z < p; ++z) out[o++] = '0';
    for (std::size_t k = 0; k < n; ++k) out[o++] = digitsText[k];
  } else {
    for (std::size_t k = 0; k < n - p; ++k) out[o++] = digitsText[k];
    if (p > 0) {
      out[o++] = '.';
      for (std::size_t k = n - p; k < n; ++k) out[o++] = digitsText[k];
    }
  }
  field(t, std::string_view(out, o));
}

void MessageWriter::timestamp(std::uint32_t t, std::int64_t nanos) noexcept {
  std::int64_t seconds = nanos / 1'000'000'000;
  std::int64_t millis = (nanos % 1'000'000'000) / 1'000'000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t secondOfDay = seconds % 86400;
  if (secondOfDay < 0) {
    secondOfDay += 86400;
    days -= 1;
  }
  const Civil c = civilFromDays(days);
  char out[21];
  const auto two = [&out](std::size_t at, std::int64_t v) {
    out[at] = static_cast<char>('0' + v / 10);
    out[at + 1] = static_cast<char>('0' + v % 10);
  };
  const std::int64_t year = c.year < 0 ? 0 : (c.year > 9999 ? 9999 : c.year);
  two(0, year / 100);
  two(2, year % 100);
  two(4, c.month);
  two(6, c.day);
  out[8] = '-';
  two(9, secondOfDay / 3600);
  out[11] = ':';
  two(12, secondOfDay / 60 % 60);
  out[14] = ':';
  two(15, secondOfDay % 60);
  out[17] = '.';
  out[18] = static_cast<char>('0' + millis / 100);
  two(19, millis % 100);
  field(t, std::string_view(out, 21));
}

std::string_view MessageWriter::finish() noexcept {
  // The prefix goes right before the body: "8=FIX.4.4|9=<length>|".
  const std::size_t bodyLength = end_ - bodyStart_;
  char lengthText[24];
  const std::size_t n = formatUnsigned(bodyLength, lengthText);
  const std::size_t prefixLength = kBeginPrefix.size() + n + 1;
  messageStart_ = bodyStart_ - prefixLength;
  char* p = buffer_.data() + messageStart_;
  std::memcpy(p, kBeginPrefix.data(), kBeginPrefix.size());
  std::memcpy(p + kBeginPrefix.size(), lengthText, n);
  p[kBeginPrefix.size() + n] = kSoh;
  const std::uint8_t sum = checksum(std::string_view(p, end_ - messageStart_));
  char* t = buffer_.data() + end_;
  t[0] = '1';
  t[1] = '0';
  t[2] = '=';
  t[3] = static_cast<char>('0' + sum / 100);
  t[4] = static_cast<char>('0' + sum / 10 % 10);
  t[5] = static_cast<char>('0' + sum % 10);
  t[6] = kSoh;
  return std::string_view(p, end_ + kTrailerLength - messageStart_);
}

}  // namespace alphintra::api::fix
