// FxRates: the exchange rates the ledger converts money with (cash and positions into an
// account's base currency, a fee minimum into the instrument currency).
//
// A rate is an int64 scaled by kFxScale (1e9): set(EUR, USD, 1'085'000'000) means
// 1 EUR = 1.085 USD. Lookup order for from → to, first that exists wins:
//   1. identity (from == to): 1e9;
//   2. the direct pair (from, to);
//   3. the inverse of the pair (to, from);
//   4. a cross through one common currency C (from ↔ C ↔ to, each leg direct or inverse), C the
//      common currency whose code sorts first — deterministic, whatever order rates came in.
// A missing rate is reported (nullopt), never treated as 1.
//
// convert() applies the path as an exact fraction (inverse legs divide, they are not rounded
// to 1e-9 first) and rounds once, half away from zero, into the target currency's minor units
// (JPY 0, USD 2, BTC 8). rate() returns the same fraction rounded to 1e-9, for display and
// for callers that want a single number; it is nullopt when that rounds to 0.
//
// Invariants: entries sorted by (base, quote), unique, rate > 0, base != quote, neither none.
// Threading: owned by the engine thread. Known limits: no time stamps or staleness — a rate is
// valid until replaced; inconsistent direct and inverse quotes are used as given.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/binary_io.hpp"
#include "core/currency.hpp"
#include "core/fixed_point.hpp"

namespace alphintra::oms {

inline constexpr std::int64_t kFxScale = 1'000'000'000;

// Snapshot encoding of a currency shared by the ledger's files: its code as a length-prefixed
// string, empty for none. readCurrency marks the reader failed on a malformed code.
void writeCurrency(ByteWriter& out, Currency currency);
Currency readCurrency(ByteReader& in);

class FxRates {
 public:
  struct Entry {
    Currency base;
    Currency quote;
    std::int64_t rate = 0;  // 1 base = rate / 1e9 quote
    bool operator==(const Entry&) const noexcept = default;
  };

  // Sets or replaces 1 base = rate / 1e9 quote. Refused (false, nothing changes) when rate <= 0,
  // base == quote or either currency is none.
  bool set(Currency base, Currency quote, std::int64_t rate);
  bool remove(Currency base, Currency quote);
  void clear() noexcept {
    entries_.clear();
    ++version_;
  }

  // Units of `to` per unit of `from`, scaled by 1e9 (see the lookup order above).
  std::optional<std::int64_t> rate(Currency from, Currency to) const;
  // amount (minor units of `from`) in minor units of `to`; nullopt when no path exists, the
  // amount is undefined or the result does not fit int64.
  std::optional<Money> convert(Money amount, Currency from, Currency to) const;

  // Sorted by (base, quote).
  const std::vector<Entry>& entries() const noexcept { return entries_; }
  std::size_t size() const noexcept { return entries_.size(); }
  // Changes with every set, remove, clear and load (never repeats within a table's life): the
  // ledger's cached valuations compare it to know when converted amounts are stale.
  std::uint64_t version() const noexcept { return version_; }
  // The same rates (the version is bookkeeping, not content).
  bool operator==(const FxRates& other) const noexcept { return entries_ == other.entries_; }

  // Count then (base code, quote code, rate) in sorted order: equal tables, equal bytes.
  void save(ByteWriter& out) const;
  // Replaces the table; on malformed input returns false and leaves it unchanged.
  bool load(ByteReader& in);

 private:
  // to = from × num / den in major units; num, den > 0 and each below 2^127.
  struct Fraction {
    Int128 num;
    Int128 den;
  };
  const Entry* find(Currency base, Currency quote) const noexcept;
  std::optional<Fraction> leg(Currency from, Currency to) const noexcept;
  std::optional<Fraction> path(Currency from, Currency to) const noexcept;

  std::vector<Entry> entries_;  // sorted flat vector: few pairs, binary search, ordered output
  std::uint64_t version_ = 0;
};

}  // namespace alphintra::oms
