#include "live/live_spec.hpp"

#include <charconv>

#include "marketdata/bar_aggregator.hpp"

namespace alphintra::live {

namespace {

bool validId(std::string_view id) {
  if (id.empty() || id.size() > kMaxStrategyIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// "250ms", "1s": 10 ms to 60 s.
bool parseBookPeriod(std::string_view text, std::int64_t& nanos) {
  std::int64_t unit = 0;
  std::string_view digits;
  if (text.ends_with("ms")) {
    unit = 1'000'000;
    digits = text.substr(0, text.size() - 2);
  } else if (text.ends_with("s")) {
    unit = 1'000'000'000;
    digits = text.substr(0, text.size() - 1);
  } else {
    return false;
  }
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty()) return false;
  if (n <= 0 || n > 60'000'000'000 / unit) return false;
  nanos = n * unit;
  return nanos >= 10'000'000 && nanos <= 60'000'000'000;
}

}  // namespace

Result<LiveStrategySpec> parseLiveStrategySpec(std::string_view text) {
  LiveStrategySpec spec;
  spec.text = std::string(text);
  const std::size_t colon = text.find(':');
  spec.name = std::string(text.substr(0, colon));
  if (spec.name.empty()) {
    return makeError("strategy", "'" + spec.text + "' has no strategy name (NAME:account=N,instruments=SYM+SYM,...)");
  }
  spec.id = spec.name;
  bool haveAccount = false;
  std::string_view rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return makeError("strategy", "'" + std::string(item) + "' in '" + spec.text + "' is not key=value");
    }
    const std::string key(item.substr(0, eq));
    const std::string_view value = item.substr(eq + 1);
    if (key == "account") {
      std::uint64_t n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || end != value.data() + value.size() || n == 0) {
        return makeError("strategy.account", "'" + std::string(value) + "' is not an account id (a positive integer)");
      }
      spec.account = AccountId{n};
      haveAccount = true;
    } else if (key == "instruments") {
      spec.symbols.clear();
      std::string_view list = value;
      while (true) {
        const std::size_t plus = list.find('+');
        const std::string_view symbol = list.substr(0, plus);
        if (symbol.empty()) {
          return makeError("strategy.instruments",
                           "'" + std::string(value) + "' has an empty symbol (join symbols with '+')");
        }
        spec.symbols.emplace_back(symbol);
        if (plus == std::string_view::npos) break;
        list = list.substr(plus + 1);
      }
    } else if (key == "id") {
      if (!validId(value)) {
        return makeError("strategy.id", "'" + std::string(value) + "' must be 1 to " +
                                            std::to_string(kMaxStrategyIdLength) + " letters, digits, '_' or '-'");
      }
      spec.id = std::string(value);
    } else if (key == "book") {
      if (!parseBookPeriod(value, spec.bookNanos)) {
        return makeError("strategy.book",
                         "'" + std::string(value) + "' is not a period from 10ms to 60s (e.g. 250ms, 1s)");
      }
    } else if (key == "bar") {
      auto span = marketdata::parseInterval(value);
      if (!span) return makeError("strategy.bar", span.error().message);
      spec.barNanos = span.value();
    } else {
      if (spec.params.has(key)) return makeError("strategy." + key, "is given twice in '" + spec.text + "'");
      spec.params.set(key, std::string(value));
    }
  }
  if (!haveAccount) return makeError("strategy.account", "'" + spec.text + "' names no account (account=N)");
  if (spec.symbols.empty()) {
    return makeError("strategy.instruments", "'" + spec.text + "' names no instruments (instruments=SYM+SYM)");
  }
  if (!validId(spec.id)) {
    return makeError("strategy.id", "'" + spec.id +
                                        "' (from the strategy name) is not a valid id: give id=NAME, 1 to " +
                                        std::to_string(kMaxStrategyIdLength) + " letters, digits, '_' or '-'");
  }
  return spec;
}

}  // namespace alphintra::live
