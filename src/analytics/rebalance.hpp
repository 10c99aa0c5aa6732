// Rebalancing a long-only portfolio to target weights: current holdings (quantity, price, lot
// size and precisions per instrument), cash, and target weights in; orders that respect the lot
// size, a minimum notional and a drift threshold out, with the resulting weights and cash.
//
// Invariants of a plan (tests/rebalance_test.cpp checks each): every order quantity is a
// positive whole number of lots; no position crosses its target (each order is rounded toward
// zero, in whole lots); executing the sells first, then the buys, in plan order at the given
// prices, cash never goes below zero; every order's notional is >= the minimum.
//
// Quantities, prices and cash are exact integers (core/fixed_point.hpp, core/decimal.hpp);
// money is an Int128 at `moneyPrecision` = the largest of the cash, minimum-notional and every
// price+quantity precision, with overflow checked. Doubles appear only as weights: a target
// weight is read to 12 decimal places (round(w * 1e12)), and everything after that is integer.
// The rules are written out in docs/analytics-reporting.md. Pure functions, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/result.hpp"
#include "core/side.hpp"

namespace alphintra::analytics {

// Which instruments trade once the drift threshold is crossed.
enum class DriftPolicy : std::uint8_t {
  Portfolio = 0,   // any instrument's drift above the threshold rebalances every instrument
  Instrument = 1,  // only the instruments whose own drift is above the threshold trade
};

struct RebalanceHolding {
  std::string symbol;
  int pricePrecision = 2;     // decimal places of `price` (0..12)
  int quantityPrecision = 0;  // decimal places of `quantity` and `lotSize` (0..12)
  Quantity lotSize = Quantity::fromRaw(1);
  Quantity quantity;        // held now, >= 0 (need not be a whole number of lots)
  Price price;              // > 0
  double targetWeight = 0;  // of net asset value, 0..1
};

struct RebalanceInput {
  std::int64_t cash = 0;  // raw at cashPrecision, >= 0
  int cashPrecision = 2;
  std::int64_t minTradeNotional = 0;  // raw at minTradePrecision, >= 0
  int minTradePrecision = 0;
  double cashWeight = 0;      // target weight of cash; holdings' targets + this = 1
  double driftThreshold = 0;  // 0..1; drifted: |value - target value| > this x NAV, in money
  DriftPolicy policy = DriftPolicy::Portfolio;
  std::vector<RebalanceHolding> holdings;
};

struct RebalanceOrder {
  std::string symbol;
  Side side = Side::None;
  Quantity quantity;    // at the holding's quantityPrecision
  Int128 notional = 0;  // at moneyPrecision
};

struct HoldingResult {
  std::string symbol;
  Quantity quantity;  // after the orders
  double weightBefore = 0;
  double targetWeight = 0;
  double weightAfter = 0;
  bool drifted = false;  // |value - target value| > threshold x NAV
};

struct RebalancePlan {
  std::vector<RebalanceOrder> orders;   // sells first (input order), then buys (largest shortfall first)
  std::vector<HoldingResult> holdings;  // in input order
  int moneyPrecision = 0;
  Int128 netAssetValue = 0;  // cash + sum price x quantity, unchanged by the orders
  Int128 cash = 0;           // residual cash after the orders
  double cashWeightBefore = 0;
  double cashWeightAfter = 0;
  bool triggered = false;  // some instrument drifted past the threshold
};

// Validates (errors name the JSON field: "cash", "holdings[2].price", ...) and plans the orders.
Result<RebalancePlan> planRebalance(const RebalanceInput& input);

// An Int128 amount with `places` decimal places as text: (123456, 3) -> "123.456".
std::string formatMoney(Int128 raw, int places);

}  // namespace alphintra::analytics
