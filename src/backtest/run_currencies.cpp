#include "backtest/run_currencies.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "engine/command.hpp"

namespace alphintra::backtest {

namespace {

// "EUR/USD" → (EUR, USD); nullopt for any other symbol.
std::optional<std::pair<Currency, Currency>> fxPair(const std::string& symbol) {
  const auto slash = symbol.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto base = Currency::parse(std::string_view(symbol).substr(0, slash));
  auto quote = Currency::parse(std::string_view(symbol).substr(slash + 1));
  if (!base || !quote || *base == *quote) return std::nullopt;
  return std::make_pair(*base, *quote);
}

void sendRate(Currency base, Currency quote, double rate, const RunCurrencies::Apply& apply) {
  engine::Command c = engine::makeCommand(engine::CommandType::SetFxRate);
  c.body.fxRate.base = base;
  c.body.fxRate.quote = quote;
  c.body.fxRate.rate = std::llround(rate * 1e9);
  apply(c);
}

}  // namespace

Result<bool> RunCurrencies::setUp(RunnerHost& host, std::span<const Instrument> instruments, Currency base,
                                  std::span<const FxQuote> fixed, const Apply& apply) {
  instruments_.assign(instruments.begin(), instruments.end());
  std::vector<Currency>& currencies = host.currencies;
  currencies = {base};
  host.fxRate = {1.0};
  for (const Instrument& in : instruments) {
    if (std::find(currencies.begin(), currencies.end(), in.currency()) == currencies.end()) {
      currencies.push_back(in.currency());
      host.fxRate.push_back(0.0);
    }
  }
  // Rate sources: the pairs in the data first, else a fixed rate.
  feed_.assign(instruments.size(), -1);
  inverse_.assign(instruments.size(), false);
  anySource_ = false;
  std::vector<bool> covered(currencies.size(), false);
  covered[0] = true;
  for (std::size_t i = 0; i < instruments.size(); ++i) {
    const auto pair = fxPair(instruments[i].symbol());
    if (!pair) continue;
    for (std::size_t k = 1; k < currencies.size(); ++k) {
      const bool direct = pair->first == currencies[k] && pair->second == base;
      const bool inverse = pair->first == base && pair->second == currencies[k];
      if (!(direct || inverse) || covered[k]) continue;
      feed_[i] = static_cast<std::int32_t>(k);
      inverse_[i] = inverse;
      anySource_ = true;
      covered[k] = true;
    }
  }
  for (const FxQuote& q : fixed) {
    auto from = Currency::parse(q.base);
    auto to = Currency::parse(q.quote);
    const std::string field = "fx." + q.base + "/" + q.quote;
    if (!from || !to || *from == *to) return makeError(field, "is not a pair of two currency codes such as EUR/USD");
    if (!(q.rate > 0) || !std::isfinite(q.rate)) return makeError(field, "must be a positive rate");
    for (std::size_t k = 1; k < currencies.size(); ++k) {
      const bool direct = *from == currencies[k] && *to == base;
      const bool inverse = *from == base && *to == currencies[k];
      if (!(direct || inverse) || covered[k]) continue;
      sendRate(*from, *to, q.rate, apply);
      host.fxRate[k] = direct ? q.rate : 1.0 / q.rate;
      covered[k] = true;
    }
  }
  for (std::size_t k = 1; k < currencies.size(); ++k) {
    if (covered[k]) continue;
    const std::string pair = std::string(currencies[k].code()) + "/" + std::string(base.code());
    std::string symbols;
    for (const Instrument& in : instruments) {
      if (in.currency() == currencies[k]) symbols += (symbols.empty() ? "" : ", ") + in.symbol();
    }
    return makeError("fx", "instruments quoted in " + std::string(currencies[k].code()) + " (" + symbols +
                               ") need a rate to the account's " + std::string(base.code()) + ": prices of " + pair +
                               " in the data, or a fixed rate ([fx] \"" + pair + "\" = RATE)");
  }
  return true;
}

void RunCurrencies::setRate(RunnerHost& host, std::uint32_t i, Price price, const Apply& apply) const {
  if (!isSource(i) || !price.isDefined()) return;
  const auto pair = fxPair(instruments_[i].symbol());
  const double value = static_cast<double>(price.raw()) * std::pow(10.0, -instruments_[i].pricePrecision());
  if (!pair || !(value > 0)) return;
  sendRate(pair->first, pair->second, value, apply);
  host.fxRate[static_cast<std::size_t>(feed_[i])] = inverse_[i] ? 1.0 / value : value;
}

}  // namespace alphintra::backtest
