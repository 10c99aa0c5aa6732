#include "api/http/account_views.hpp"

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

}  // namespace

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

std::optional<std::string> riskJson(const engine::Engine& engine, AccountId account) {
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
