#include "oms/fx_rates.hpp"

#include <algorithm>

#include "oms/money_math.hpp"

namespace alphintra::oms {

void writeCurrency(ByteWriter& out, Currency currency) { out.string(currency.code()); }

Currency readCurrency(ByteReader& in) {
  const std::string code = in.string();
  if (!in.ok() || code.empty()) return Currency{};
  auto parsed = Currency::parse(code);
  if (!parsed) {
    in.fail();
    return Currency{};
  }
  return *parsed;
}

namespace {
bool entryLess(const FxRates::Entry& e, Currency base, Currency quote) noexcept {
  return e.base != base ? e.base < base : e.quote < quote;
}
}  // namespace

const FxRates::Entry* FxRates::find(Currency base, Currency quote) const noexcept {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), 0,
                             [&](const Entry& e, int) { return entryLess(e, base, quote); });
  if (it == entries_.end() || it->base != base || it->quote != quote) return nullptr;
  return &*it;
}

bool FxRates::set(Currency base, Currency quote, std::int64_t rate) {
  if (rate <= 0 || base.isNone() || quote.isNone() || base == quote) return false;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), 0,
                             [&](const Entry& e, int) { return entryLess(e, base, quote); });
  if (it != entries_.end() && it->base == base && it->quote == quote) {
    it->rate = rate;
  } else {
    entries_.insert(it, Entry{base, quote, rate});
  }
  ++version_;
  return true;
}

bool FxRates::remove(Currency base, Currency quote) {
  const Entry* e = find(base, quote);
  if (e == nullptr) return false;
  entries_.erase(entries_.begin() + (e - entries_.data()));
  ++version_;
  return true;
}

std::optional<FxRates::Fraction> FxRates::leg(Currency from, Currency to) const noexcept {
  if (const Entry* e = find(from, to)) return Fraction{e->rate, kFxScale};
  if (const Entry* e = find(to, from)) return Fraction{kFxScale, e->rate};
  return std::nullopt;
}

std::optional<FxRates::Fraction> FxRates::path(Currency from, Currency to) const noexcept {
  if (from.isNone() || to.isNone()) return std::nullopt;
  if (from == to) return Fraction{1, 1};
  if (auto direct = leg(from, to)) return direct;

  // One cross: every currency quoted against `from` is a candidate pivot; the one whose code
  // sorts first and also reaches `to` wins, so the choice never depends on insertion order.
  std::optional<Currency> pivot;
  for (const Entry& e : entries_) {
    Currency c;
    if (e.base == from) {
      c = e.quote;
    } else if (e.quote == from) {
      c = e.base;
    } else {
      continue;
    }
    if (pivot && !(c < *pivot)) continue;
    if (leg(c, to)) pivot = c;
  }
  if (!pivot) return std::nullopt;
  const Fraction first = *leg(from, *pivot);
  const Fraction second = *leg(*pivot, to);
  // Each term is an int64 rate or 1e9, so each product stays below 2^127.
  return Fraction{first.num * second.num, first.den * second.den};
}

std::optional<std::int64_t> FxRates::rate(Currency from, Currency to) const {
  auto f = path(from, to);
  if (!f) return std::nullopt;
  const Int128 r = mulDivRound(kFxScale, f->num, f->den);
  if (r <= 0 || r > kMoneyMax) return std::nullopt;
  return static_cast<std::int64_t>(r);
}

std::optional<Money> FxRates::convert(Money amount, Currency from, Currency to) const {
  if (!amount.isDefined()) return std::nullopt;
  if (from == to && !from.isNone()) return amount;
  auto f = path(from, to);
  if (!f) return std::nullopt;
  // Minor units differ (JPY 0, USD 2, BTC 8): fold 10^(toMinor − fromMinor) into the fraction.
  // Multiplying the amount (an int64) by up to 10^8 fits easily; a power on the denominator is
  // moved to the numerator as a division when it would overflow (only 1e18 / (r1·r2) crosses
  // are that large, and their numerator 1e18 is divisible by it).
  const int shift = to.minorUnits() - from.minorUnits();
  Int128 a = amount.raw();
  Int128 num = f->num;
  Int128 den = f->den;
  if (shift > 0) {
    a *= pow10(shift);
  } else if (shift < 0) {
    const Int128 p = pow10(-shift);
    const Int128 int128Max = static_cast<Int128>(~static_cast<UInt128>(0) >> 1);
    if (den <= int128Max / p) {
      den *= p;
    } else if (num % p == 0) {
      num /= p;
    } else {
      return std::nullopt;  // unreachable with int64 rates and minor units 0..8
    }
  }
  const Int128 result = mulDivRound(a, num, den);
  if (result > kMoneyMax || result < kMoneyMin) return std::nullopt;
  return Money::fromRaw(static_cast<std::int64_t>(result));
}

void FxRates::save(ByteWriter& out) const {
  out.u32(static_cast<std::uint32_t>(entries_.size()));
  for (const Entry& e : entries_) {
    writeCurrency(out, e.base);
    writeCurrency(out, e.quote);
    out.i64(e.rate);
  }
}

bool FxRates::load(ByteReader& in) {
  const std::uint32_t n = in.count(1u << 16);
  std::vector<Entry> loaded;
  loaded.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    Entry e;
    e.base = readCurrency(in);
    e.quote = readCurrency(in);
    e.rate = in.i64();
    if (!in.ok()) break;
    // The writer emits sorted, valid, unique entries; anything else is corruption.
    const bool valid = e.rate > 0 && !e.base.isNone() && !e.quote.isNone() && e.base != e.quote;
    const bool ordered = loaded.empty() || entryLess(loaded.back(), e.base, e.quote);
    if (!valid || !ordered) in.fail();
    loaded.push_back(e);
  }
  if (!in.ok()) return false;
  entries_ = std::move(loaded);
  ++version_;
  return true;
}

}  // namespace alphintra::oms
