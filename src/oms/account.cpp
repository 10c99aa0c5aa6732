#include "oms/account.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "oms/fx_rates.hpp"
#include "oms/money_math.hpp"

namespace alphintra::oms {

std::optional<Error> FeeSchedule::validate() const {
  if (makerRatePpm < -kPpm || makerRatePpm > kPpm) {
    return makeError("makerRatePpm", fmt::format("maker rate {} ppm is outside -1000000..1000000", makerRatePpm));
  }
  if (takerRatePpm < -kPpm || takerRatePpm > kPpm) {
    return makeError("takerRatePpm", fmt::format("taker rate {} ppm is outside -1000000..1000000", takerRatePpm));
  }
  if (!minimumPerOrder.isDefined() || minimumPerOrder.raw() < 0) {
    return makeError("minimumPerOrder", "minimum fee per order must be zero or positive");
  }
  return std::nullopt;
}

std::optional<Error> MarginRates::validate() const {
  const std::pair<const char*, const MarginRate*> classes[] = {
      {"equity", &equity}, {"fx", &fx}, {"future", &future}, {"option", &option}, {"crypto", &crypto}};
  for (const auto& [name, rate] : classes) {
    if (rate->initialPpm < 0 || rate->initialPpm > kPpm) {
      return makeError(fmt::format("margin.{}.initialPpm", name),
                       fmt::format("initial margin {} ppm is outside 0..1000000", rate->initialPpm));
    }
    if (rate->maintenancePpm < 0 || rate->maintenancePpm > rate->initialPpm) {
      return makeError(fmt::format("margin.{}.maintenancePpm", name),
                       fmt::format("maintenance margin {} ppm must be between 0 and the initial margin {} ppm",
                                   rate->maintenancePpm, rate->initialPpm));
    }
  }
  if (maxLeveragePpm <= 0) {
    return makeError("margin.maxLeveragePpm", fmt::format("maximum leverage {} ppm must be positive", maxLeveragePpm));
  }
  return std::nullopt;
}

Result<Account> Account::create(AccountId id, AccountType type, Currency baseCurrency, CostMethod costMethod,
                                FeeSchedule fees, MarginRates margin) {
  if (id.isNone()) return makeError("account", "account id must be positive");
  if (type != AccountType::Cash && type != AccountType::Margin) {
    return makeError("type", fmt::format("account type {} is not cash (1) or margin (2)", static_cast<int>(type)));
  }
  if (baseCurrency.isNone()) return makeError("baseCurrency", "base currency is missing");
  if (costMethod != CostMethod::AverageCost && costMethod != CostMethod::Fifo) {
    return makeError("costMethod",
                     fmt::format("cost method {} is not average cost (1) or FIFO (2)", static_cast<int>(costMethod)));
  }
  if (auto err = fees.validate()) return *err;
  if (auto err = margin.validate()) return *err;
  Account a;
  a.id_ = id;
  a.type_ = type;
  a.base_ = baseCurrency;
  a.costMethod_ = costMethod;
  a.fees_ = fees;
  a.margin_ = margin;
  return a;
}

std::optional<Error> Account::setFees(const FeeSchedule& fees) {
  if (auto err = fees.validate()) return err;
  fees_ = fees;
  return std::nullopt;
}

std::optional<Error> Account::setMarginRates(const MarginRates& margin) {
  if (auto err = margin.validate()) return err;
  margin_ = margin;
  return std::nullopt;
}

std::vector<CashBalance>::iterator Account::slot(Currency currency) {
  auto it = std::lower_bound(balances_.begin(), balances_.end(), currency,
                             [](const CashBalance& b, Currency c) { return b.currency < c; });
  if (it == balances_.end() || it->currency != currency) it = balances_.insert(it, CashBalance{currency, Money{}});
  return it;
}

Result<Money> Account::deposit(Currency currency, Money amount) {
  if (currency.isNone()) return makeError("currency", "currency is missing");
  if (!amount.isDefined()) return makeError("amount", "amount is undefined");
  const Money current = balance(currency);
  const Int128 next = static_cast<Int128>(current.raw()) + amount.raw();
  if (next > kMoneyMax || next < kMoneyMin) {
    return makeError("amount", fmt::format("amount {} would overflow the {} balance", amount.raw(), currency.code()));
  }
  if (type_ == AccountType::Cash && next < 0) {
    return makeError("amount", fmt::format("withdrawal of {} {} (minor units) exceeds the cash balance of {}",
                                           -amount.raw(), currency.code(), current.raw()));
  }
  auto it = slot(currency);
  it->amount = Money::fromRaw(static_cast<std::int64_t>(next));
  return it->amount;
}

Result<Money> Account::withdraw(Currency currency, Money amount) {
  // Negating the undefined sentinel would overflow: refuse it before.
  if (!amount.isDefined()) return makeError("amount", "amount is undefined");
  return deposit(currency, -amount);
}

void Account::adjustCash(Currency currency, Money amount) {
  // Linear scan first: the instrument currency is almost always already held, and this is the
  // per-fill path.
  for (CashBalance& b : balances_) {
    if (sameCurrency(b.currency, currency)) {
      b.amount = Money::fromRaw(saturate64(static_cast<Int128>(b.amount.raw()) + amount.raw()));
      return;
    }
  }
  slot(currency)->amount = amount;
}

Money Account::balance(Currency currency) const noexcept {
  for (const CashBalance& b : balances_) {
    if (sameCurrency(b.currency, currency)) return b.amount;
  }
  return Money{};
}

void Account::save(ByteWriter& out) const {
  out.u64(id_.value());
  out.u8(static_cast<std::uint8_t>(type_));
  writeCurrency(out, base_);
  out.u8(static_cast<std::uint8_t>(costMethod_));
  out.i64(fees_.makerRatePpm);
  out.i64(fees_.takerRatePpm);
  out.i64(fees_.minimumPerOrder.raw());
  writeCurrency(out, fees_.minimumCurrency);
  for (const MarginRate* r : {&margin_.equity, &margin_.fx, &margin_.future, &margin_.option, &margin_.crypto}) {
    out.i64(r->initialPpm);
    out.i64(r->maintenancePpm);
  }
  out.i64(margin_.maxLeveragePpm);
  out.u32(static_cast<std::uint32_t>(balances_.size()));
  for (const CashBalance& b : balances_) {
    writeCurrency(out, b.currency);
    out.i64(b.amount.raw());
  }
}

std::optional<Account> Account::load(ByteReader& in) {
  const AccountId id{in.u64()};
  const auto type = static_cast<AccountType>(in.u8());
  const Currency base = readCurrency(in);
  const auto method = static_cast<CostMethod>(in.u8());
  FeeSchedule fees;
  fees.makerRatePpm = in.i64();
  fees.takerRatePpm = in.i64();
  fees.minimumPerOrder = Money::fromRaw(in.i64());
  fees.minimumCurrency = readCurrency(in);
  MarginRates margin;
  for (MarginRate* r : {&margin.equity, &margin.fx, &margin.future, &margin.option, &margin.crypto}) {
    r->initialPpm = in.i64();
    r->maintenancePpm = in.i64();
  }
  margin.maxLeveragePpm = in.i64();
  const std::uint32_t n = in.count(1024);
  if (!in.ok()) return std::nullopt;
  auto created = create(id, type, base, method, fees, margin);
  if (!created) {
    in.fail();
    return std::nullopt;
  }
  Account account = std::move(created).value();
  account.balances_.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const Currency c = readCurrency(in);
    const Money amount = Money::fromRaw(in.i64());
    if (!in.ok()) return std::nullopt;
    const bool ordered = account.balances_.empty() || account.balances_.back().currency < c;
    if (c.isNone() || !amount.isDefined() || !ordered) {
      in.fail();
      return std::nullopt;
    }
    account.balances_.push_back(CashBalance{c, amount});
  }
  return account;
}

}  // namespace alphintra::oms
