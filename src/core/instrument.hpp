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
  std::string minQuantity;  // empty: one lot
  std::string maxQuantity;  // empty: no maximum
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
  TradingStatus status_ = TradingStatus::Continuous;
};

}  // namespace alphintra
