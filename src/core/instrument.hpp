// Instrument: what is traded and the rules every order on it must obey (tick, lot, min/max
// quantity, precision) plus its trading status. Prices and quantities of an instrument are
// raw integers at `pricePrecision` / `quantityPrecision` decimal places.
//
// Instrument::create validates a spec once; afterwards the rules hold (tick and lot positive,
// min <= max, precisions in range), so the hot path can rely on them without re-checking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/currency.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"

namespace alphintra {

enum class AssetClass : std::uint8_t { Equity = 1, Fx = 2, Future = 3, Option = 4, Crypto = 5 };

// Trading phases of one instrument on one venue. Values are fixed: they reach journals.
enum class TradingStatus : std::uint8_t {
  Closed = 0,          // no new orders; cancels accepted
  PreOpen = 1,         // orders accepted and rest, nothing matches (opening call)
  OpeningAuction = 2,  // call phase right before the opening uncross; as PreOpen
  Continuous = 3,      // continuous matching
  ClosingAuction = 4,  // closing call: orders rest, nothing matches until the uncross
  Halted = 5,          // new orders rejected, cancels accepted
};

std::string_view toString(AssetClass c) noexcept;
std::string_view toString(TradingStatus s) noexcept;
std::optional<AssetClass> parseAssetClass(std::string_view text) noexcept;
std::optional<TradingStatus> parseTradingStatus(std::string_view text) noexcept;

// A contract's size: how much money one unit of price is worth per unit of quantity. ES (the
// S&P 500 future) is 50 (USD per index point per contract), CL (crude oil) 1000 (barrels), an
// equity option 100; a share, an FX unit or a coin is 1. Every amount the ledger and pre-trade
// risk compute (notional, P&L, fees, margin, exposure) is price x quantity x multiplier.
// Exact decimal: mantissa x 10^-decimals, mantissa 1..99,999,999 (8 significant digits),
// decimals 0..9, kept without trailing zeros so that equal multipliers are equal values and
// 1 is {1, 0}.
struct ContractMultiplier {
  static constexpr std::int64_t kMaxMantissa = 99'999'999;
  static constexpr int kMaxDecimals = 9;

  std::int64_t mantissa = 1;
  int decimals = 0;

  bool isOne() const noexcept { return mantissa == 1 && decimals == 0; }
  double value() const noexcept;
  std::string toString() const;  // "50", "0.1"
  // Decimal text, e.g. "50", "1000", "0.1", "12500000"; `field` names the input in the error.
  static Result<ContractMultiplier> parse(std::string_view text, std::string_view field = "multiplier");
  // Four bytes for fixed layouts (journal records, snapshots): mantissa << 4 | decimals.
  // 0 unpacks to 1: records written before instruments carried a multiplier.
  std::uint32_t pack() const noexcept {
    return static_cast<std::uint32_t>(mantissa) << 4 | static_cast<std::uint32_t>(decimals);
  }
  // Nullopt for a packed value no parse() could give (a damaged record).
  static std::optional<ContractMultiplier> unpack(std::uint32_t packed) noexcept;

  friend bool operator==(const ContractMultiplier&, const ContractMultiplier&) = default;
};

// Everything needed to define an instrument, in decimal text where a person writes it.
struct InstrumentSpec {
  std::uint64_t id = 0;
  std::string symbol;
  std::string venue = "SIM";
  AssetClass assetClass = AssetClass::Equity;
  std::string currency = "USD";
  int pricePrecision = 2;
  int quantityPrecision = 0;
  std::string tickSize = "0.01";
  std::string lotSize = "1";
  std::string minQuantity;       // empty: one lot
  std::string maxQuantity;       // empty: no maximum
  std::string multiplier = "1";  // contract size (ContractMultiplier)
  TradingStatus status = TradingStatus::Continuous;
};

class Instrument {
 public:
  static Result<Instrument> create(const InstrumentSpec& spec);

  InstrumentId id() const noexcept { return id_; }
  const std::string& symbol() const noexcept { return symbol_; }
  const std::string& venue() const noexcept { return venue_; }
  AssetClass assetClass() const noexcept { return assetClass_; }
  Currency currency() const noexcept { return currency_; }
  int pricePrecision() const noexcept { return pricePrecision_; }
  int quantityPrecision() const noexcept { return quantityPrecision_; }
  Price tickSize() const noexcept { return tickSize_; }
  Quantity lotSize() const noexcept { return lotSize_; }
  Quantity minQuantity() const noexcept { return minQuantity_; }
  Quantity maxQuantity() const noexcept { return maxQuantity_; }  // raw INT64_MAX: no maximum
  ContractMultiplier multiplier() const noexcept { return multiplier_; }
  TradingStatus status() const noexcept { return status_; }
  void setStatus(TradingStatus s) noexcept { status_ = s; }

  // Decimal text → value, checked against precision and tick / lot / min / max.
  Result<Price> parsePrice(std::string_view text, std::string_view field = "price") const;
  Result<Quantity> parseQuantity(std::string_view text, std::string_view field = "quantity") const;
  // The rule a value breaks, if any (the same checks as parse*, for values already numeric).
  std::optional<Error> checkPrice(Price p, std::string_view field = "price") const;
  std::optional<Error> checkQuantity(Quantity q, std::string_view field = "quantity") const;

  std::string formatPrice(Price p) const;
  std::string formatQuantity(Quantity q) const;

 private:
  Instrument() = default;

  InstrumentId id_;
  std::string symbol_;
  std::string venue_;
  AssetClass assetClass_ = AssetClass::Equity;
  Currency currency_;
  int pricePrecision_ = 0;
  int quantityPrecision_ = 0;
  Price tickSize_;
  Quantity lotSize_;
  Quantity minQuantity_;
  Quantity maxQuantity_;
  ContractMultiplier multiplier_;
  TradingStatus status_ = TradingStatus::Continuous;
};

}  // namespace alphintra
