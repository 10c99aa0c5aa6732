// Directory: the reference data a client-facing edge needs to turn decimal text into the
// engine's fixed-point values and back — instruments (by id and by symbol, for their price and
// quantity precision, tick, lot and currency) and accounts (for their base currency, the unit
// of money limits and risk figures).
//
// The engine owns the truth; the directory is the edge's copy of it. It is filled at start-up
// from the engine (addInstruments(engine.instruments()), and addAccount for each of
// engine.ledger().accountIds() with its baseCurrency()), and it learns from every
// define_instrument / open_account command that api::parseCommand accepts, so that later
// commands can name the new symbol or account before the engine has answered.
//
// Invariants: ids are positive; one instrument per id and per symbol, one base currency per
// account. A definition is never replaced: adding an id or symbol that is already known
// changes nothing and returns false (the engine answers such a command with already_exists,
// so the first definition is the one both sides keep).
// Threading: one writer and many readers (std::shared_mutex: definitions are rare, look-ups
// frequent). An instrument look-up returns a pointer into the directory, valid for the
// directory's lifetime: a definition is never replaced, changed or removed, and the map's
// nodes do not move when it grows, so nothing a reader holds can change under it (a copy per
// look-up cost the publisher an allocation per event).
// Known limits: instrument status changes are not tracked (nothing at the edge depends on
// them), and definitions are never removed (the engine never removes one either).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/currency.hpp"
#include "core/ids.hpp"
#include "core/instrument.hpp"

namespace alphintra::api {

class Directory {
 public:
  // False (and nothing changes) when the instrument's id or symbol is already known.
  bool addInstrument(const Instrument& instrument);
  void addInstruments(const std::vector<Instrument>& instruments);
  // False (and nothing changes) for account id 0, a currency of none, or an account already known.
  bool addAccount(AccountId account, Currency baseCurrency);

  // Null when unknown.
  const Instrument* instrument(InstrumentId id) const;
  const Instrument* instrumentBySymbol(std::string_view symbol) const;
  std::optional<Currency> accountCurrency(AccountId account) const;

  std::size_t instrumentCount() const;
  std::size_t accountCount() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::uint64_t, Instrument> instruments_;  // by id: one hash look-up per event
  // symbol → id; std::less<> finds a string_view without building a string.
  std::map<std::string, std::uint64_t, std::less<>> symbols_;
  std::unordered_map<std::uint64_t, Currency> accounts_;
};

}  // namespace alphintra::api
