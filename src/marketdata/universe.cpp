// The default universe table and its commands (see universe.hpp). The table is data: one row
// per instrument with its rules in decimal text, turned into Instruments by Instrument::create
// (the same validation every other definition goes through). A row that failed validation
// would be a programming error in this file; the unit tests apply every command to a real
// engine and require each to be accepted.
#include "marketdata/universe.hpp"

#include <array>
#include <cstdlib>
#include <string_view>

#include "core/decimal.hpp"

namespace alphintra::marketdata {

namespace {

struct Row {
  std::string_view symbol;
  AssetClass assetClass;
  std::string_view currency;
  int pricePrecision;
  int quantityPrecision;
  std::string_view tickSize;
  std::string_view lotSize;
  std::string_view referencePrice;    // at pricePrecision
  std::string_view multiplier = "1";  // contract size: money per price unit per quantity unit
};

// Ids are the row numbers, from 1. Levels are round numbers near 2024 prices; spreads and
// volatilities are the simulator's business (simulator.cpp).
constexpr std::array<Row, 19> kRows{{
    // US equities (USD)
    {"AAPL", AssetClass::Equity, "USD", 2, 0, "0.01", "1", "190.00"},
    {"MSFT", AssetClass::Equity, "USD", 2, 0, "0.01", "1", "420.00"},
    {"NVDA", AssetClass::Equity, "USD", 2, 0, "0.01", "1", "120.00"},
    {"AMZN", AssetClass::Equity, "USD", 2, 0, "0.01", "1", "185.00"},
    {"GOOGL", AssetClass::Equity, "USD", 2, 0, "0.01", "1", "170.00"},
    {"JPM", AssetClass::Equity, "USD", 2, 0, "0.01", "1", "200.00"},
    {"TSLA", AssetClass::Equity, "USD", 2, 0, "0.01", "1", "250.00"},
    // European equities (EUR, GBP)
    {"SAP", AssetClass::Equity, "EUR", 2, 0, "0.01", "1", "180.00"},
    {"ASML", AssetClass::Equity, "EUR", 2, 0, "0.01", "1", "900.00"},
    {"SHEL", AssetClass::Equity, "GBP", 2, 0, "0.01", "1", "27.50"},
    // FX: quantity in units of the base currency, price in the quote currency (the settlement
    // currency); lot 1 000 units
    {"EUR/USD", AssetClass::Fx, "USD", 5, 0, "0.00001", "1000", "1.08000"},
    {"GBP/USD", AssetClass::Fx, "USD", 5, 0, "0.00001", "1000", "1.27000"},
    {"USD/JPY", AssetClass::Fx, "JPY", 3, 0, "0.001", "1000", "150.000"},
    {"AUD/USD", AssetClass::Fx, "USD", 5, 0, "0.00001", "1000", "0.66000"},
    // Crypto (USD quoted; fractional quantities)
    {"BTC/USD", AssetClass::Crypto, "USD", 2, 6, "0.01", "0.000001", "60000.00"},
    {"ETH/USD", AssetClass::Crypto, "USD", 2, 5, "0.01", "0.00001", "3000.00"},
    {"SOL/USD", AssetClass::Crypto, "USD", 2, 3, "0.01", "0.001", "150.00"},
    // Futures: an equity-index future (50 USD per index point) and a crude-oil future (1 000
    // barrels a contract)
    {"ES", AssetClass::Future, "USD", 2, 0, "0.25", "1", "5000.00", "50"},
    {"CL", AssetClass::Future, "USD", 2, 0, "0.01", "1", "75.00", "1000"},
}};

// 1 base = rate / 1e9 quote. USD/JPY is given in the market's own direction (1 USD = 150 JPY)
// because 1/150 has no exact 1e-9 expansion; the ledger uses inverse legs exactly
// (oms/fx_rates.hpp). The levels match the FX instruments' reference prices.
struct FxRow {
  std::string_view base;
  std::string_view quote;
  std::int64_t rate;
};
constexpr std::array<FxRow, 4> kFxRates{{
    {"EUR", "USD", 1'080'000'000},
    {"GBP", "USD", 1'270'000'000},
    {"USD", "JPY", 150'000'000'000},
    {"AUD", "USD", 660'000'000},
}};

Instrument instrumentOf(std::size_t index) {
  const Row& r = kRows[index];
  InstrumentSpec spec;
  spec.id = index + 1;
  spec.symbol = std::string(r.symbol);
  spec.venue = "SIM";
  spec.assetClass = r.assetClass;
  spec.currency = std::string(r.currency);
  spec.pricePrecision = r.pricePrecision;
  spec.quantityPrecision = r.quantityPrecision;
  spec.tickSize = std::string(r.tickSize);
  spec.lotSize = std::string(r.lotSize);
  spec.multiplier = std::string(r.multiplier);
  Result<Instrument> in = Instrument::create(spec);
  if (!in) std::abort();  // a broken row in the table above: caught by the unit tests
  return std::move(in).value();
}

Price referenceOf(std::size_t index) {
  const Row& r = kRows[index];
  Result<std::int64_t> raw = parseDecimal(r.referencePrice, r.pricePrecision, "referencePrice");
  if (!raw) std::abort();
  return Price::fromRaw(raw.value());
}

Currency currencyOf(std::string_view code) {
  Result<Currency> c = Currency::parse(code);
  if (!c) std::abort();
  return c.value();
}

}  // namespace

std::vector<Instrument> defaultInstruments() {
  std::vector<Instrument> out;
  out.reserve(kRows.size());
  for (std::size_t i = 0; i < kRows.size(); ++i) out.push_back(instrumentOf(i));
  return out;
}

std::vector<std::pair<InstrumentId, Price>> defaultReferencePrices() {
  std::vector<std::pair<InstrumentId, Price>> out;
  out.reserve(kRows.size());
  for (std::size_t i = 0; i < kRows.size(); ++i) out.emplace_back(InstrumentId{i + 1}, referenceOf(i));
  return out;
}

std::vector<engine::Command> defaultUniverse() {
  std::vector<engine::Command> out;
  out.reserve(kRows.size() * 2 + kFxRates.size());
  for (const Instrument& in : defaultInstruments()) {
    engine::Command c = engine::makeCommand(engine::CommandType::DefineInstrument);
    c.body.defineInstrument = engine::toDefineBody(in);
    out.push_back(c);
  }
  for (const FxRow& fx : kFxRates) {
    engine::Command c = engine::makeCommand(engine::CommandType::SetFxRate);
    c.body.fxRate.base = currencyOf(fx.base);
    c.body.fxRate.quote = currencyOf(fx.quote);
    c.body.fxRate.rate = fx.rate;
    out.push_back(c);
  }
  for (const auto& [id, price] : defaultReferencePrices()) {
    engine::Command c = engine::makeCommand(engine::CommandType::MarketData);
    c.body.marketData.instrument = id;
    c.body.marketData.last = price;
    out.push_back(c);
  }
  return out;
}

}  // namespace alphintra::marketdata
