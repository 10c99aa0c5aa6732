#include "api/http/account_views.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/decimal.hpp"
#include "oms/money_math.hpp"

namespace alphintra::api::http {
namespace {

using json = nlohmann::ordered_json;

std::string money(Money m, Currency currency) { return formatDecimal(m.raw(), currency.minorUnits()); }

// Leverage in ppm as a decimal string with 2 places ("2.50"); "inf" when equity is not positive.
std::string leverageText(std::int64_t ppm) {
  if (ppm == std::numeric_limits<std::int64_t>::max()) return "inf";
  return formatDecimal(ppm / 10'000, 2);
}

std::string decimal(double value, int places) { return fmt::format("{:.{}f}", value, places); }

json varJson(const engine::Engine& engine, AccountId account, Currency base, const VarEstimator& estimator) {
  json out;
  auto exposures = accountExposures(engine, account, base);
  if (!exposures.ok()) {
    out["available"] = false;
    out["reason"] = fmt::format("{}: {}", exposures.error().field, exposures.error().message);
    return out;
  }
  auto figures = estimator(exposures.value());
  if (!figures.ok()) {
    out["available"] = false;
    out["reason"] = figures.error().field.empty()
                        ? figures.error().message
                        : fmt::format("{}: {}", figures.error().field, figures.error().message);
    return out;
  }
  const VarFigures& f = figures.value();
  const int places = base.minorUnits();
  out["available"] = true;
  out["method"] = f.method;
  out["confidence"] = decimal(f.confidence, 4);
  out["horizonDays"] = f.horizonDays;
  out["var"] = decimal(f.var, places);
  out["expectedShortfall"] = decimal(f.expectedShortfall, places);
  out["volatility"] = decimal(f.volatility, places);
  out["observations"] = f.observations;
  out["asOf"] = f.asOfNanos;  // nanoseconds since the epoch, as every "time" of the API
  json components = json::array();
  for (std::size_t i = 0; i < exposures.value().size() && i < f.components.size(); ++i) {
    json c;
    c["symbol"] = exposures.value()[i].symbol;
    c["exposure"] = decimal(exposures.value()[i].value, places);
    c["component"] = decimal(f.components[i], places);
    components.push_back(std::move(c));
  }
  out["components"] = std::move(components);
  return out;
}

}  // namespace

Result<std::vector<InstrumentExposure>> accountExposures(const engine::Engine& engine, AccountId account,
                                                         Currency currency) {
  const oms::Ledger& ledger = engine.ledger();
  std::vector<const oms::Position*> positions;
  ledger.listPositions(account, positions);
  std::vector<InstrumentExposure> out;
  for (const oms::Position* p : positions) {
    if (p->isFlat()) continue;
    const Instrument* instrument = engine.instrument(p->instrument());
    if (instrument == nullptr) continue;
    const Price mark = ledger.mark(p->instrument());
    if (!mark.isDefined()) return makeError(instrument->symbol(), "has no mark price yet");
    const Money value = p->marketValue(mark, oms::MoneyScale::of(*instrument));
    const auto converted = instrument->currency() == currency
                               ? std::optional<Money>(value)
                               : ledger.fxRates().convert(value, instrument->currency(), currency);
    if (!converted) {
      return makeError(instrument->symbol(),
                       fmt::format("no FX rate from {} to {}", instrument->currency().code(), currency.code()));
    }
    out.push_back({instrument->id(), instrument->symbol(),
                   static_cast<double>(converted->raw()) / std::pow(10.0, currency.minorUnits())});
  }
  return out;
}

std::optional<std::string> portfolioJson(const engine::Engine& engine, AccountId account) {
  const oms::Ledger& ledger = engine.ledger();
  const oms::Account* a = ledger.account(account);
  if (a == nullptr) return std::nullopt;
  const oms::Valuation v = ledger.value(account);
  const Currency base = v.currency;
  json body;
  body["accountId"] = account.value();
  body["accountType"] = a->type() == oms::AccountType::Margin ? "margin" : "cash";
  body["currency"] = base.code();
  body["totalValue"] = money(v.equity, base);
  body["cash"] = money(v.cash, base);
  body["positionsValue"] = money(v.positionsValue, base);
  body["marginUsed"] = money(v.initialMargin, base);
  body["maintenanceMargin"] = money(v.maintenanceMargin, base);
  body["freeMargin"] = money(v.freeMargin, base);
  body["realizedPnl"] = money(v.realizedPnl, base);
  body["unrealizedPnl"] = money(v.unrealizedPnl, base);
  body["fees"] = money(v.fees, base);
  body["complete"] = v.complete();
  json balances = json::array();
  for (const oms::CashBalance& b : a->balances()) {
    json entry;
    entry["currency"] = b.currency.code();
    entry["amount"] = money(b.amount, b.currency);
    balances.push_back(std::move(entry));
  }
  body["balances"] = std::move(balances);
  std::vector<const oms::Position*> positions;
  ledger.listPositions(account, positions);
  json list = json::array();
  for (const oms::Position* p : positions) {
    const Instrument* instrument = engine.instrument(p->instrument());
    if (instrument == nullptr) continue;
    if (p->isFlat() && p->realizedPnl().isZero()) continue;
    const oms::MoneyScale scale = oms::MoneyScale::of(*instrument);
    const Currency ccy = instrument->currency();
    const Price mark = ledger.mark(p->instrument());
    json entry;
    entry["symbol"] = instrument->symbol();
    entry["instrument"] = instrument->id().value();
    entry["currency"] = ccy.code();
    entry["quantity"] = instrument->formatQuantity(p->quantity());
    if (const Price avg = p->averagePrice(); avg.isDefined()) entry["averagePrice"] = instrument->formatPrice(avg);
    if (mark.isDefined()) {
      entry["marketPrice"] = instrument->formatPrice(mark);
      entry["marketValue"] = money(p->marketValue(mark, scale), ccy);
      entry["unrealizedPnl"] = money(p->unrealizedPnl(mark, scale), ccy);
    }
    entry["realizedPnl"] = money(p->realizedPnl(), ccy);
    entry["fees"] = money(p->fees(), ccy);
    list.push_back(std::move(entry));
  }
  body["positions"] = std::move(list);
  return body.dump();
}

std::optional<std::string> riskJson(const engine::Engine& engine, AccountId account, const VarEstimator* var) {
  const oms::Account* a = engine.ledger().account(account);
  const auto limits = engine.accountLimits(account);
  if (a == nullptr || !limits) return std::nullopt;
  const oms::Valuation v = engine.ledger().value(account);
  const Currency base = v.currency;
  json body;
  body["accountId"] = account.value();
  body["currency"] = base.code();
  body["equity"] = money(v.equity, base);
  body["grossExposure"] = money(v.grossExposure, base);
  body["netExposure"] = money(v.netExposure, base);
  body["leverage"] = leverageText(v.leveragePpm);
  body["marginUsed"] = money(v.initialMargin, base);
  body["openOrders"] = engine.openOrders(account);
  const auto state = engine.accountTradingState(account);
  body["tradingState"] = state ? std::string(risk::toString(*state)) : "active";
  body["globalTradingState"] = std::string(risk::toString(engine.globalTradingState()));
  body["killSwitch"] = engine.killSwitch().isActive(risk::KillSwitchScope::Account, account.value());
  body["globalKillSwitch"] = engine.killSwitch().isActive(risk::KillSwitchScope::Global);
  json usage = json::array();
  const auto add = [&](std::string_view name, std::int64_t limit, std::string limitText, std::string usedText) {
    if (limit == 0) return;  // 0: no limit
    json l;
    l["name"] = name;
    l["limit"] = std::move(limitText);
    l["used"] = std::move(usedText);
    usage.push_back(std::move(l));
  };
  add("max_gross_exposure", limits->maxGrossExposure, formatDecimal(limits->maxGrossExposure, base.minorUnits()),
      money(v.grossExposure, base));
  add("max_net_exposure", limits->maxNetExposure, formatDecimal(limits->maxNetExposure, base.minorUnits()),
      money(Money::fromRaw(v.netExposure.raw() < 0 ? -v.netExposure.raw() : v.netExposure.raw()), base));
  add("max_open_orders", limits->maxOpenOrders, std::to_string(limits->maxOpenOrders),
      std::to_string(engine.openOrders(account)));
  add("max_leverage", limits->maxLeverageHundredths, formatDecimal(limits->maxLeverageHundredths, 2),
      leverageText(v.leveragePpm));
  body["limits"] = std::move(usage);
  if (var != nullptr && *var) body["valueAtRisk"] = varJson(engine, account, base, *var);
  return body.dump();
}

std::optional<std::string> limitsJson(const engine::Engine& engine, AccountId account) {
  const oms::Account* a = engine.ledger().account(account);
  const auto limits = engine.accountLimits(account);
  if (a == nullptr || !limits) return std::nullopt;
  const Currency base = a->baseCurrency();
  json l;
  l["maxOrderNotional"] = formatDecimal(limits->maxOrderNotional, base.minorUnits());
  l["maxGrossExposure"] = formatDecimal(limits->maxGrossExposure, base.minorUnits());
  l["maxNetExposure"] = formatDecimal(limits->maxNetExposure, base.minorUnits());
  l["maxOpenOrders"] = limits->maxOpenOrders;
  l["orderRatePerSecond"] = limits->orderRatePerSecond;
  l["orderBurst"] = limits->orderBurst;
  l["collarBasisPoints"] = limits->collarBasisPoints;
  l["collarTicks"] = limits->collarTicks;
  l["maxLeverage"] = formatDecimal(limits->maxLeverageHundredths, 2);
  json body;
  body["accountId"] = account.value();
  body["currency"] = base.code();
  body["limits"] = std::move(l);
  return body.dump();
}

}  // namespace alphintra::api::http
