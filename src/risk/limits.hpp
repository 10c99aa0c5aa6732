// Risk limits: what an operator configures per account (AccountLimits) and per account and
// instrument (InstrumentLimits), plus their snapshot encoding and their validation at the edge.
//
// Invariants: every field is >= 0 and 0 means "no limit". checkLimits() enforces this when a
// limit is set through an edge (config, HTTP, FIX admin); the rules in risk/rules.hpp treat a
// negative value that got past it as a limit nothing can satisfy (fail closed), never as "none".
// Units: Money fields are raw integers in the account's base currency minor units; quantity
// fields are raw integers in the instrument's quantity precision (core/fixed_point.hpp).
//
// Snapshot encoding (ByteWriter, little-endian, field by field in declaration order):
//   AccountLimits:    i64 maxOrderNotional, i64 maxGrossExposure, i64 maxNetExposure,
//                     u32 maxOpenOrders, u32 orderRatePerSecond, u32 orderBurst,
//                     u32 collarBasisPoints, u32 collarTicks, u32 maxLeverageHundredths (52 bytes)
//   InstrumentLimits: i64 maxOrderQuantity, i64 maxLongPosition, i64 maxShortPosition (24 bytes)
// load() leaves its target unchanged when the input is short (the reader's failure flag is set;
// the caller checks reader.ok() once, as for every snapshot). It restores exactly what save()
// wrote, without re-validating: replay must rebuild the state that was live, and the rules
// behave deterministically for every value.
//
// Threading: plain values, owned by the engine thread like the rest of the risk state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/binary_io.hpp"
#include "core/result.hpp"

namespace alphintra::risk {

// Account-wide limits; 0 means "no limit" for every field.
struct AccountLimits {
  std::int64_t maxOrderNotional = 0;        // Money raw, base currency
  std::int64_t maxGrossExposure = 0;        // Money raw: sum |position value| incl. this order
  std::int64_t maxNetExposure = 0;          // Money raw: |sum signed position value| incl. this order
  std::uint32_t maxOpenOrders = 0;          // live orders of the account
  std::uint32_t orderRatePerSecond = 0;     // token bucket refill rate
  std::uint32_t orderBurst = 0;             // bucket size (0 with a rate: burst = rate)
  std::uint32_t collarBasisPoints = 0;      // limit price within this many bp of the reference price
  std::uint32_t collarTicks = 0;            // limit price within this many ticks of the reference price
  std::uint32_t maxLeverageHundredths = 0;  // margin accounts: gross exposure / equity, 250 = 2.50x

  bool operator==(const AccountLimits&) const noexcept = default;
};

// Limits per account and instrument; 0 = no limit. Raw in the instrument's quantity precision.
// maxShortPosition is a magnitude: 500 allows a position down to -500.
struct InstrumentLimits {
  std::int64_t maxOrderQuantity = 0;
  std::int64_t maxLongPosition = 0;
  std::int64_t maxShortPosition = 0;

  bool operator==(const InstrumentLimits&) const noexcept = default;
};

inline constexpr std::size_t kAccountLimitsBytes = 3 * 8 + 6 * 4;
inline constexpr std::size_t kInstrumentLimitsBytes = 3 * 8;

// The first rule a configured limit set breaks, naming the field; nullopt when it is valid.
inline std::optional<Error> checkLimits(const AccountLimits& l) {
  if (l.maxOrderNotional < 0) return makeError("maxOrderNotional", "must be 0 (no limit) or positive");
  if (l.maxGrossExposure < 0) return makeError("maxGrossExposure", "must be 0 (no limit) or positive");
  if (l.maxNetExposure < 0) return makeError("maxNetExposure", "must be 0 (no limit) or positive");
  // A burst without a rate would never refill: almost certainly a half-written config.
  if (l.orderBurst != 0 && l.orderRatePerSecond == 0) {
    return makeError("orderBurst", "needs orderRatePerSecond: a bucket without a refill rate is not a limit");
  }
  return std::nullopt;
}

inline std::optional<Error> checkLimits(const InstrumentLimits& l) {
  if (l.maxOrderQuantity < 0) return makeError("maxOrderQuantity", "must be 0 (no limit) or positive");
  if (l.maxLongPosition < 0) return makeError("maxLongPosition", "must be 0 (no limit) or positive");
  if (l.maxShortPosition < 0) {
    return makeError("maxShortPosition", "must be 0 (no limit) or positive (a magnitude: 500 allows -500)");
  }
  return std::nullopt;
}

inline void save(ByteWriter& out, const AccountLimits& l) {
  out.i64(l.maxOrderNotional);
  out.i64(l.maxGrossExposure);
  out.i64(l.maxNetExposure);
  out.u32(l.maxOpenOrders);
  out.u32(l.orderRatePerSecond);
  out.u32(l.orderBurst);
  out.u32(l.collarBasisPoints);
  out.u32(l.collarTicks);
  out.u32(l.maxLeverageHundredths);
}

inline void save(ByteWriter& out, const InstrumentLimits& l) {
  out.i64(l.maxOrderQuantity);
  out.i64(l.maxLongPosition);
  out.i64(l.maxShortPosition);
}

inline void load(ByteReader& in, AccountLimits& target) {
  AccountLimits l;
  l.maxOrderNotional = in.i64();
  l.maxGrossExposure = in.i64();
  l.maxNetExposure = in.i64();
  l.maxOpenOrders = in.u32();
  l.orderRatePerSecond = in.u32();
  l.orderBurst = in.u32();
  l.collarBasisPoints = in.u32();
  l.collarTicks = in.u32();
  l.maxLeverageHundredths = in.u32();
  if (in.ok()) target = l;
}

inline void load(ByteReader& in, InstrumentLimits& target) {
  InstrumentLimits l;
  l.maxOrderQuantity = in.i64();
  l.maxLongPosition = in.i64();
  l.maxShortPosition = in.i64();
  if (in.ok()) target = l;
}

}  // namespace alphintra::risk
