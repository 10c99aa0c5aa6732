#include "core/instrument.hpp"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <utility>

#include "core/decimal.hpp"

namespace alphintra {
namespace {

constexpr std::array<std::pair<AssetClass, std::string_view>, 5> kAssetClasses{{
    {AssetClass::Equity, "equity"},
    {AssetClass::Fx, "fx"},
    {AssetClass::Future, "future"},
    {AssetClass::Option, "option"},
    {AssetClass::Crypto, "crypto"},
}};

constexpr std::array<std::pair<TradingStatus, std::string_view>, 6> kStatuses{{
    {TradingStatus::Closed, "closed"},
    {TradingStatus::PreOpen, "pre_open"},
    {TradingStatus::OpeningAuction, "opening_auction"},
    {TradingStatus::Continuous, "continuous"},
    {TradingStatus::ClosingAuction, "closing_auction"},
    {TradingStatus::Halted, "halted"},
}};

}  // namespace

double ContractMultiplier::value() const noexcept {
  double v = static_cast<double>(mantissa);
  for (int i = 0; i < decimals; ++i) v /= 10.0;
  return v;
}

std::string ContractMultiplier::toString() const { return formatDecimal(mantissa, decimals); }

Result<ContractMultiplier> ContractMultiplier::parse(std::string_view text, std::string_view field) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    return makeError(std::string(field), fmt::format("contract multiplier '{}' must be a positive number", text));
  }
  auto raw = parseDecimal(text, kMaxDecimals, field);
  if (!raw) return raw.error();
  if (*raw <= 0) return makeError(std::string(field), fmt::format("contract multiplier '{}' must be positive", text));
  ContractMultiplier m{*raw, kMaxDecimals};
  while (m.decimals > 0 && m.mantissa % 10 == 0) {
    m.mantissa /= 10;
    --m.decimals;
  }
  if (m.mantissa > kMaxMantissa) {
    return makeError(std::string(field),
                     fmt::format("contract multiplier '{}' is out of range: at most 99999999, with at most 8 "
                                 "significant digits",
                                 text));
  }
  return m;
}

std::optional<ContractMultiplier> ContractMultiplier::unpack(std::uint32_t packed) noexcept {
  if (packed == 0) return ContractMultiplier{};
  const ContractMultiplier m{static_cast<std::int64_t>(packed >> 4), static_cast<int>(packed & 0xF)};
  if (m.mantissa == 0 || m.mantissa > kMaxMantissa || m.decimals > kMaxDecimals) return std::nullopt;
  if (m.decimals > 0 && m.mantissa % 10 == 0) return std::nullopt;  // not the normal form
  return m;
}

std::string_view toString(AssetClass c) noexcept {
  for (const auto& [value, name] : kAssetClasses) {
    if (value == c) return name;
  }
  return "unknown";
}

std::string_view toString(TradingStatus s) noexcept {
  for (const auto& [value, name] : kStatuses) {
    if (value == s) return name;
  }
  return "unknown";
}

std::optional<AssetClass> parseAssetClass(std::string_view text) noexcept {
  for (const auto& [value, name] : kAssetClasses) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::optional<TradingStatus> parseTradingStatus(std::string_view text) noexcept {
  for (const auto& [value, name] : kStatuses) {
    if (name == text) return value;
  }
  return std::nullopt;
}

Result<Instrument> Instrument::create(const InstrumentSpec& spec) {
  if (spec.id == 0) return makeError("id", "instrument id must be positive");
  if (spec.symbol.empty()) return makeError("symbol", "symbol is empty");
  if (spec.symbol.size() > 32)
    return makeError("symbol", fmt::format("symbol '{}' is longer than 32 characters", spec.symbol));
  for (char c : spec.symbol) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                         c == '-' || c == '/' || c == '_' || c == ':';
    if (!allowed)
      return makeError(
          "symbol",
          fmt::format("symbol '{}' contains '{}': allowed are letters, digits and . - / _ :", spec.symbol, c));
  }
  if (spec.venue.empty()) return makeError("venue", "venue is empty");
  // The enums may come from a cast integer (journal, wire); an unnamed value is not a rule.
  if (!parseAssetClass(toString(spec.assetClass))) {
    return makeError("assetClass", fmt::format("asset class {} is not one of equity, fx, future, option, crypto",
                                               static_cast<int>(spec.assetClass)));
  }
  if (!parseTradingStatus(toString(spec.status))) {
    return makeError("status", fmt::format("trading status {} is not one of closed, pre_open, opening_auction, "
                                           "continuous, closing_auction, halted",
                                           static_cast<int>(spec.status)));
  }
  if (spec.pricePrecision < 0 || spec.pricePrecision > kMaxDecimalPlaces) {
    return makeError("pricePrecision",
                     fmt::format("price precision {} is outside 0..{}", spec.pricePrecision, kMaxDecimalPlaces));
  }
  if (spec.quantityPrecision < 0 || spec.quantityPrecision > kMaxDecimalPlaces) {
    return makeError("quantityPrecision",
                     fmt::format("quantity precision {} is outside 0..{}", spec.quantityPrecision, kMaxDecimalPlaces));
  }
  auto currency = Currency::parse(spec.currency);
  if (!currency) return currency.error();

  Instrument inst;
  inst.id_ = InstrumentId{spec.id};
  inst.symbol_ = spec.symbol;
  inst.venue_ = spec.venue;
  inst.assetClass_ = spec.assetClass;
  inst.currency_ = *currency;
  inst.pricePrecision_ = spec.pricePrecision;
  inst.quantityPrecision_ = spec.quantityPrecision;
  inst.status_ = spec.status;

  auto tick = parseDecimal(spec.tickSize, spec.pricePrecision, "tickSize");
  if (!tick) return tick.error();
  if (*tick <= 0) return makeError("tickSize", fmt::format("tick size {} must be positive", spec.tickSize));
  inst.tickSize_ = Price::fromRaw(*tick);

  auto lot = parseDecimal(spec.lotSize, spec.quantityPrecision, "lotSize");
  if (!lot) return lot.error();
  if (*lot <= 0) return makeError("lotSize", fmt::format("lot size {} must be positive", spec.lotSize));
  inst.lotSize_ = Quantity::fromRaw(*lot);

  inst.minQuantity_ = inst.lotSize_;
  if (!spec.minQuantity.empty()) {
    auto min = parseDecimal(spec.minQuantity, spec.quantityPrecision, "minQuantity");
    if (!min) return min.error();
    if (*min <= 0 || *min % *lot != 0) {
      return makeError("minQuantity", fmt::format("minimum quantity {} must be a positive multiple of the lot size {}",
                                                  spec.minQuantity, spec.lotSize));
    }
    inst.minQuantity_ = Quantity::fromRaw(*min);
  }
  auto multiplier = ContractMultiplier::parse(spec.multiplier.empty() ? "1" : spec.multiplier);
  if (!multiplier) return multiplier.error();
  inst.multiplier_ = *multiplier;
  inst.maxQuantity_ = Quantity::fromRaw(std::numeric_limits<std::int64_t>::max());
  if (!spec.maxQuantity.empty()) {
    auto max = parseDecimal(spec.maxQuantity, spec.quantityPrecision, "maxQuantity");
    if (!max) return max.error();
    if (*max < inst.minQuantity_.raw()) {
      return makeError("maxQuantity",
                       fmt::format("maximum quantity {} is below the minimum quantity", spec.maxQuantity));
    }
    inst.maxQuantity_ = Quantity::fromRaw(*max);
  }
  return inst;
}

Result<Price> Instrument::parsePrice(std::string_view text, std::string_view field) const {
  auto raw = parseDecimal(text, pricePrecision_, field);
  if (!raw) return raw.error();
  const Price p = Price::fromRaw(*raw);
  if (auto err = checkPrice(p, field)) return *err;
  return p;
}

Result<Quantity> Instrument::parseQuantity(std::string_view text, std::string_view field) const {
  auto raw = parseDecimal(text, quantityPrecision_, field);
  if (!raw) return raw.error();
  const Quantity q = Quantity::fromRaw(*raw);
  if (auto err = checkQuantity(q, field)) return *err;
  return q;
}

std::optional<Error> Instrument::checkPrice(Price p, std::string_view field) const {
  if (!p.isPositive()) {
    return makeError(std::string{field}, fmt::format("{} {} must be positive", field, formatPrice(p)));
  }
  if (!p.isMultipleOf(tickSize_)) {
    return makeError(std::string{field}, fmt::format("{} {} is not a multiple of the tick size {} of {}", field,
                                                     formatPrice(p), formatPrice(tickSize_), symbol_));
  }
  return std::nullopt;
}

std::optional<Error> Instrument::checkQuantity(Quantity q, std::string_view field) const {
  if (!q.isPositive()) {
    return makeError(std::string{field}, fmt::format("{} {} must be positive", field, formatQuantity(q)));
  }
  if (!q.isMultipleOf(lotSize_)) {
    return makeError(std::string{field}, fmt::format("{} {} is not a multiple of the lot size {} of {}", field,
                                                     formatQuantity(q), formatQuantity(lotSize_), symbol_));
  }
  if (q < minQuantity_) {
    return makeError(std::string{field}, fmt::format("{} {} is below the minimum quantity {} of {}", field,
                                                     formatQuantity(q), formatQuantity(minQuantity_), symbol_));
  }
  if (q > maxQuantity_) {
    return makeError(std::string{field}, fmt::format("{} {} is above the maximum quantity {} of {}", field,
                                                     formatQuantity(q), formatQuantity(maxQuantity_), symbol_));
  }
  return std::nullopt;
}

std::string Instrument::formatPrice(Price p) const { return formatDecimal(p.raw(), pricePrecision_); }
std::string Instrument::formatQuantity(Quantity q) const { return formatDecimal(q.raw(), quantityPrecision_); }

}  // namespace alphintra
