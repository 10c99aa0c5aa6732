// The default universe: what `alphintra serve` trades out of the box, as engine commands.
//
// Owns the table of default instruments (10 equities listed in USD, EUR and GBP, 4 FX pairs,
// 3 crypto pairs, 2 futures; ids 1..19, venue "SIM"), the FX rates that value them in USD and
// their reference prices. Everything is produced as ordinary engine commands, so that the
// journal alone rebuilds the universe (docs/engine.md): applying defaultUniverse() to a fresh
// engine defines every instrument, sets every rate and gives every instrument a reference
// price (mark and collar reference), and every one of those commands is accepted.
//
// Invariants: ids are 1..N in table order; every reference price is positive and on its
// instrument's tick; defaultReferencePrices() lists the same prices, in the same order, as the
// MarketData commands of defaultUniverse().
//
// Threading: pure functions; no shared state. Known limits: the levels are fixed round numbers
// (circa 2024), not live data. The table is in docs/market-simulator.md.
#pragma once

#include <utility>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/instrument.hpp"
#include "engine/command.hpp"

namespace alphintra::marketdata {

// The default universe as engine commands, in order: DefineInstrument for every instrument
// (ids 1..N), then SetFxRate for EUR, GBP, AUD (each to USD) and USD/JPY, then one MarketData
// command per instrument whose `last` is its reference price. Headers carry only the type.
std::vector<engine::Command> defaultUniverse();

// The default instruments themselves (what the DefineInstrument commands define), in id order.
std::vector<Instrument> defaultInstruments();

// The reference (starting) mid price of each default instrument, by instrument id (id order).
std::vector<std::pair<InstrumentId, Price>> defaultReferencePrices();

}  // namespace alphintra::marketdata
