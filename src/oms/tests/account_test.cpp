// Account: validation of terms (errors name the field), deposits and withdrawals per account
// type, multi-currency balances kept sorted, margin defaults, snapshot round trip.
#include "oms/account.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace alphintra::oms {
namespace {

Currency ccy(std::string_view code) { return Currency::parse(code).value(); }
const Currency USD = ccy("USD");
const Currency EUR = ccy("EUR");
const Currency JPY = ccy("JPY");
const Currency BTC = ccy("BTC");

Account open(AccountType type, CostMethod method = CostMethod::AverageCost) {
  auto a = Account::create(AccountId{1}, type, USD, method);
  EXPECT_TRUE(a.ok()) << a.error().message;
  return std::move(a).value();
}

TEST(Account, CreateValidatesEveryTerm) {
  EXPECT_EQ(Account::create(AccountId{}, AccountType::Cash, USD, CostMethod::Fifo).error().field, "account");
  EXPECT_EQ(Account::create(AccountId{1}, static_cast<AccountType>(9), USD, CostMethod::Fifo).error().field, "type");
  EXPECT_EQ(Account::create(AccountId{1}, AccountType::Cash, Currency{}, CostMethod::Fifo).error().field,
            "baseCurrency");
  EXPECT_EQ(Account::create(AccountId{1}, AccountType::Cash, USD, static_cast<CostMethod>(0)).error().field,
            "costMethod");

  FeeSchedule fees;
  fees.takerRatePpm = 2'000'000;
  EXPECT_EQ(Account::create(AccountId{1}, AccountType::Cash, USD, CostMethod::Fifo, fees).error().field,
            "takerRatePpm");
  fees = {};
  fees.minimumPerOrder = Money::fromRaw(-1);
  EXPECT_EQ(Account::create(AccountId{1}, AccountType::Cash, USD, CostMethod::Fifo, fees).error().field,
            "minimumPerOrder");

  MarginRates margin;
  margin.fx.maintenancePpm = margin.fx.initialPpm + 1;
  auto bad = Account::create(AccountId{1}, AccountType::Margin, USD, CostMethod::Fifo, {}, margin);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "margin.fx.maintenancePpm");
  margin = {};
  margin.maxLeveragePpm = 0;
  EXPECT_EQ(Account::create(AccountId{1}, AccountType::Margin, USD, CostMethod::Fifo, {}, margin).error().field,
            "margin.maxLeveragePpm");

  Account a = open(AccountType::Margin, CostMethod::Fifo);
  EXPECT_EQ(a.id(), AccountId{1});
  EXPECT_EQ(a.type(), AccountType::Margin);
  EXPECT_EQ(a.baseCurrency(), USD);
  EXPECT_EQ(a.costMethod(), CostMethod::Fifo);
  EXPECT_TRUE(a.balances().empty());
}

TEST(Account, MarginDefaultsPerAssetClass) {
  const MarginRates m;
  EXPECT_EQ(m.of(AssetClass::Equity).initialPpm, 500'000);
  EXPECT_EQ(m.of(AssetClass::Equity).maintenancePpm, 250'000);
  EXPECT_EQ(m.of(AssetClass::Fx).initialPpm, 33'333);
  EXPECT_EQ(m.of(AssetClass::Fx).maintenancePpm, 20'000);
  EXPECT_EQ(m.of(AssetClass::Future).initialPpm, 100'000);
  EXPECT_EQ(m.of(AssetClass::Future).maintenancePpm, 80'000);
  EXPECT_EQ(m.of(AssetClass::Option).initialPpm, 1'000'000);
  EXPECT_EQ(m.of(AssetClass::Crypto).initialPpm, 500'000);
  EXPECT_EQ(m.of(AssetClass::Crypto).maintenancePpm, 300'000);
  EXPECT_EQ(m.maxLeveragePpm, 4'000'000);
  EXPECT_FALSE(m.validate().has_value());
}

TEST(Account, CashAccountRefusesWithdrawalBelowZero) {
  Account a = open(AccountType::Cash);
  auto r = a.deposit(USD, Money::fromRaw(10000));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Money::fromRaw(10000));
  EXPECT_EQ(*a.withdraw(USD, Money::fromRaw(2500)), Money::fromRaw(7500));
  auto refused = a.withdraw(USD, Money::fromRaw(7501));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "amount");
  EXPECT_EQ(a.balance(USD), Money::fromRaw(7500));
  EXPECT_EQ(*a.withdraw(USD, Money::fromRaw(7500)), Money::fromRaw(0));
  // Withdrawing a currency never held.
  EXPECT_FALSE(a.withdraw(EUR, Money::fromRaw(1)).ok());
  EXPECT_FALSE(a.deposit(Currency{}, Money::fromRaw(1)).ok());
  EXPECT_FALSE(a.deposit(USD, Money::undefined()).ok());
  EXPECT_FALSE(a.withdraw(USD, Money::undefined()).ok());
  ASSERT_TRUE(a.deposit(USD, Money::fromRaw(INT64_MAX)).ok());
  EXPECT_FALSE(a.deposit(USD, Money::fromRaw(1)).ok());  // would overflow
  EXPECT_EQ(a.balance(USD).raw(), INT64_MAX);
}

TEST(Account, MarginAccountMayBorrowCash) {
  Account a = open(AccountType::Margin);
  EXPECT_EQ(*a.withdraw(USD, Money::fromRaw(500)), Money::fromRaw(-500));
}

TEST(Account, BalancesAreSortedByCurrencyAndTradingNeverRefused) {
  Account a = open(AccountType::Cash);
  ASSERT_TRUE(a.deposit(USD, Money::fromRaw(100)).ok());
  ASSERT_TRUE(a.deposit(JPY, Money::fromRaw(5000)).ok());
  a.adjustCash(EUR, Money::fromRaw(-250));  // a fill in EUR without EUR cash: a currency loan
  a.adjustCash(BTC, Money::fromRaw(1));
  a.adjustCash(USD, Money::fromRaw(-300));  // fills may take a cash account negative
  ASSERT_EQ(a.balances().size(), 4u);
  EXPECT_EQ(a.balances()[0].currency, BTC);
  EXPECT_EQ(a.balances()[1].currency, EUR);
  EXPECT_EQ(a.balances()[2].currency, JPY);
  EXPECT_EQ(a.balances()[3].currency, USD);
  EXPECT_EQ(a.balance(EUR), Money::fromRaw(-250));
  EXPECT_EQ(a.balance(USD), Money::fromRaw(-200));
  EXPECT_EQ(a.balance(ccy("GBP")), Money::fromRaw(0));
  // adjustCash saturates instead of wrapping.
  a.adjustCash(BTC, Money::fromRaw(INT64_MAX));
  EXPECT_EQ(a.balance(BTC).raw(), INT64_MAX);
}

TEST(Account, TermsCanChangeButOnlyToValidOnes) {
  Account a = open(AccountType::Margin);
  FeeSchedule fees;
  fees.makerRatePpm = -200;
  fees.takerRatePpm = 1000;
  EXPECT_FALSE(a.setFees(fees).has_value());
  EXPECT_EQ(a.fees().makerRatePpm, -200);
  fees.makerRatePpm = -2'000'000;
  EXPECT_TRUE(a.setFees(fees).has_value());
  EXPECT_EQ(a.fees().makerRatePpm, -200);
  MarginRates m;
  m.equity.initialPpm = -1;
  EXPECT_TRUE(a.setMarginRates(m).has_value());
  EXPECT_EQ(a.marginRates().equity.initialPpm, 500'000);
}

TEST(Account, SaveLoadRoundTrip) {
  FeeSchedule fees{
      .makerRatePpm = -150, .takerRatePpm = 700, .minimumPerOrder = Money::fromRaw(100), .minimumCurrency = EUR};
  MarginRates margin;
  margin.crypto = {600'000, 400'000};
  auto created = Account::create(AccountId{42}, AccountType::Margin, USD, CostMethod::Fifo, fees, margin);
  ASSERT_TRUE(created.ok());
  Account a = std::move(created).value();
  a.adjustCash(USD, Money::fromRaw(-12345));
  a.adjustCash(JPY, Money::fromRaw(777));

  std::vector<std::byte> bytes;
  ByteWriter w(bytes);
  a.save(w);
  ByteReader r(bytes);
  auto loaded = Account::load(r);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_TRUE(r.atEnd());
  EXPECT_TRUE(*loaded == a);

  std::vector<std::byte> again;
  ByteWriter w2(again);
  loaded->save(w2);
  EXPECT_EQ(again, bytes);

  // Invalid terms in a snapshot are refused like at create.
  std::vector<std::byte> bad = bytes;
  bad[8] = std::byte{7};  // account type
  ByteReader rb(bad);
  EXPECT_FALSE(Account::load(rb).has_value());
  EXPECT_FALSE(rb.ok());
}

}  // namespace
}  // namespace alphintra::oms
