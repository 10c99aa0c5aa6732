// The generalized Black–Scholes formula with a cost of carry b (Haug, "The Complete Guide to
// Option Pricing Formulas", ch. 1): one closed form for the three European models.
//   Black–Scholes–Merton  b = r - q      (q: continuous dividend yield)
//   Black-76              b = 0          (the underlying is the forward; r only discounts)
//   Garman–Kohlhagen      b = r_d - r_f
// Prices are formed from the forward F = S e^{bT} and the discount factor D = e^{-rT}; puts are
// computed directly from N(-d), never through parity, so out-of-the-money values keep their
// relative precision. Inputs are assumed valid (validate() in pricing.hpp checks them).
#pragma once

#include "analytics/option.hpp"

namespace alphintra::analytics {

struct CarryInputs {
  OptionType type = OptionType::Call;
  double spot = 0;  // the underlying: spot, or the forward when carry is 0 (Black-76)
  double strike = 0;
  double expiry = 0;  // years
  double rate = 0;    // discount rate
  double carry = 0;   // cost of carry b
  double volatility = 0;
};

// Sensitivities of the generalized formula; the model-specific rhos are combined in pricing.cpp.
struct CarryGreeks {
  double delta = 0, gamma = 0, vega = 0, theta = 0, vanna = 0, volga = 0;
  double rhoFixedCarry = 0;  // dV/dr with b held: -T V (Black-76's rho)
  double rhoFixedYield = 0;  // dV/dr with r - b held (BSM/GK rho): +-T K D N(+-d2)
  double carryRho = 0;       // dV/db with r held: T S delta; the dividend or foreign rho is its negative
  double price = 0;          // the price itself, bit for bit blackScholesPrice(in) (same operations)
};

CarryInputs carryInputs(const OptionSpec& option) noexcept;

double blackScholesPrice(const CarryInputs& in) noexcept;
CarryGreeks blackScholesGreeks(const CarryInputs& in) noexcept;

// Undiscounted Black price of a call or put on forward F with total standard deviation s = sigma sqrt(T).
double blackForwardPrice(OptionType type, double forward, double strike, double stdDev) noexcept;

}  // namespace alphintra::analytics
