// Account: a trading account's static terms (type, base currency, cost method, fees, margin
// rates) and its cash, one balance per currency.
//
// Cash balances are a small flat vector sorted by currency code: an account holds a handful of
// currencies, a linear scan beats hashing at that size, and the order is the output order.
// Deposits and withdrawals go through deposit(), which refuses to take a Cash account below
// zero; fills and fees go through adjustCash(), which never refuses — a fill is a fact that
// already happened, and pre-trade checks belong to the risk engine.
//
// Invariants: id not none, base currency set, balances sorted by code and unique, every amount
// defined; fee and margin terms validated at create / set.
// Threading: owned by the engine thread. Allocation: only when a currency first appears.
// Known limits: no interest, no borrow fees, no automatic currency conversion (a buy in a
// currency the account does not hold makes that balance negative: a currency loan, valued at
// the FX rate); margin accounts may withdraw below zero cash — checking free margin first is
// the risk engine's job.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/binary_io.hpp"
#include "core/currency.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "oms/position.hpp"

namespace alphintra::oms {

// Values fixed: they reach snapshots and the wire.
enum class AccountType : std::uint8_t { Cash = 1, Margin = 2 };

// Fees of an order: a rate on each fill's notional (maker when the fill rested, taker when it
// took liquidity) and a floor on the whole order. Charged in the instrument currency.
//   order fee = max(Σ fill rate fees, minimum)   when minimumPerOrder > 0
//             = Σ fill rate fees                  otherwise (rebates pass through)
// A rate fee is rounded per fill (half away from zero); see Ledger::onFill for how the floor
// is spread over fills.
struct FeeSchedule {
  std::int64_t makerRatePpm = 0;  // millionths of notional; negative: rebate
  std::int64_t takerRatePpm = 0;
  Money minimumPerOrder{};     // minor units of minimumCurrency; 0: no minimum
  Currency minimumCurrency{};  // none: the instrument's currency

  // Rates within ±100% (±1'000'000 ppm), minimum defined and >= 0.
  std::optional<Error> validate() const;
  bool operator==(const FeeSchedule&) const noexcept = default;
};

// Margin as a share of |exposure| (mark × quantity in the account's base currency).
struct MarginRate {
  std::int64_t initialPpm = 0;      // to open / add: 500'000 = 50%
  std::int64_t maintenancePpm = 0;  // to keep: below this equity is a margin call
  bool operator==(const MarginRate&) const noexcept = default;
};

// Defaults, Reg-T-like for equities and typical retail-broker levels elsewhere:
//   equity  50% / 25%      (Reg T initial, FINRA 4210 maintenance)
//   fx      3.33% / 2%     (30:1 on major pairs, ESMA retail)
//   future  10% / 8%       (a flat stand-in for exchange SPAN margins)
//   option  100% / 100%    (premium paid in full; short options are not modelled)
//   crypto  50% / 30%
// maxLeveragePpm: gross exposure / equity the risk engine allows, in millionths (4× = 4'000'000).
struct MarginRates {
  MarginRate equity{500'000, 250'000};
  MarginRate fx{33'333, 20'000};
  MarginRate future{100'000, 80'000};
  MarginRate option{1'000'000, 1'000'000};
  MarginRate crypto{500'000, 300'000};
  std::int64_t maxLeveragePpm = 4'000'000;

  const MarginRate& of(AssetClass assetClass) const noexcept {
    switch (assetClass) {
      case AssetClass::Equity: return equity;
      case AssetClass::Fx: return fx;
      case AssetClass::Future: return future;
      case AssetClass::Option: return option;
      case AssetClass::Crypto: return crypto;
    }
    return equity;  // Instrument::create admits only the named classes
  }
  // Rates within 0..100%, maintenance <= initial, maxLeveragePpm > 0.
  std::optional<Error> validate() const;
  bool operator==(const MarginRates&) const noexcept = default;
};

struct CashBalance {
  Currency currency{};
  Money amount{};
  bool operator==(const CashBalance&) const noexcept = default;
};

class Account {
 public:
  // Checks every term: id not none, known type and cost method, base currency set, fees and
  // margin valid. Errors name the field.
  static Result<Account> create(AccountId id, AccountType type, Currency baseCurrency, CostMethod costMethod,
                                FeeSchedule fees = {}, MarginRates margin = {});

  AccountId id() const noexcept { return id_; }
  AccountType type() const noexcept { return type_; }
  Currency baseCurrency() const noexcept { return base_; }
  CostMethod costMethod() const noexcept { return costMethod_; }
  const FeeSchedule& fees() const noexcept { return fees_; }
  const MarginRates& marginRates() const noexcept { return margin_; }
  // Terms may change while the account lives (new fee tier); refused when invalid.
  std::optional<Error> setFees(const FeeSchedule& fees);
  std::optional<Error> setMarginRates(const MarginRates& margin);

  // Adds `amount` (negative: a withdrawal) to the balance in `currency` and returns the new
  // balance. Refused: currency none, amount undefined, overflow, or a Cash account going below
  // zero in that currency.
  Result<Money> deposit(Currency currency, Money amount);
  Result<Money> withdraw(Currency currency, Money amount);  // deposit(currency, −amount)
  // Books a cash movement from trading (fill notional, fee); never refused. Saturates rather
  // than wraps on overflow. Allocates only when the currency first appears.
  void adjustCash(Currency currency, Money amount);

  // Zero for a currency never held; balances() lists every currency held, by code.
  Money balance(Currency currency) const noexcept;
  const std::vector<CashBalance>& balances() const noexcept { return balances_; }

  void save(ByteWriter& out) const;
  // Reads one account as save() wrote it; the reader is marked failed on bad input.
  static std::optional<Account> load(ByteReader& in);
  bool operator==(const Account&) const noexcept = default;

 private:
  Account() = default;
  std::vector<CashBalance>::iterator slot(Currency currency);

  AccountId id_;
  AccountType type_ = AccountType::Cash;
  Currency base_;
  CostMethod costMethod_ = CostMethod::AverageCost;
  FeeSchedule fees_;
  MarginRates margin_;
  std::vector<CashBalance> balances_;
};

}  // namespace alphintra::oms
