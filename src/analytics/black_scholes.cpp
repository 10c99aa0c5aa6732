#include "analytics/black_scholes.hpp"

#include <cmath>

#include "analytics/normal_distribution.hpp"

namespace alphintra::analytics {

CarryInputs carryInputs(const OptionSpec& option) noexcept {
  CarryInputs in{option.type, option.underlying, option.strike, option.expiry, option.rate, 0.0, option.volatility};
  switch (option.model) {
    case Model::BlackScholesMerton:
    case Model::GarmanKohlhagen: in.carry = option.rate - option.yield; break;
    case Model::Black76: in.carry = 0.0; break;
  }
  return in;
}

double blackForwardPrice(OptionType type, double forward, double strike, double stdDev) noexcept {
  const double d1 = std::log(forward / strike) / stdDev + 0.5 * stdDev;
  const double d2 = d1 - stdDev;
  return type == OptionType::Call ? forward * normalCdf(d1) - strike * normalCdf(d2)
                                  : strike * normalCdf(-d2) - forward * normalCdf(-d1);
}

double blackScholesPrice(const CarryInputs& in) noexcept {
  const double discount = std::exp(-in.rate * in.expiry);
  const double forward = in.spot * std::exp(in.carry * in.expiry);
  return discount * blackForwardPrice(in.type, forward, in.strike, in.volatility * std::sqrt(in.expiry));
}

CarryGreeks blackScholesGreeks(const CarryInputs& in) noexcept {
  const double t = in.expiry;
  const double sqrtT = std::sqrt(t);
  const double stdDev = in.volatility * sqrtT;
  const double discount = std::exp(-in.rate * t);
  const double forward = in.spot * std::exp(in.carry * t);
  const double d1 = std::log(forward / in.strike) / stdDev + 0.5 * stdDev;
  const double d2 = d1 - stdDev;
  const double sign = in.type == OptionType::Call ? 1.0 : -1.0;
  const double carryDiscount = discount * forward / in.spot;  // e^{(b-r)T}
  const double nd1 = normalPdf(d1);
  const double cdf1 = normalCdf(sign * d1);  // N(d1) for a call, N(-d1) for a put
  const double cdf2 = normalCdf(sign * d2);
  const double price = sign * discount * (forward * cdf1 - in.strike * cdf2);

  CarryGreeks g;
  g.delta = sign * carryDiscount * cdf1;
  g.gamma = carryDiscount * nd1 / (in.spot * stdDev);
  g.vega = in.spot * carryDiscount * nd1 * sqrtT;
  // theta = -dV/dT = rV - b S e^{(b-r)T} (+-N(+-d1)) - S e^{(b-r)T} n(d1) sigma / (2 sqrt T)
  g.theta =
      in.rate * price - in.carry * in.spot * g.delta - in.spot * carryDiscount * nd1 * in.volatility / (2.0 * sqrtT);
  g.vanna = -carryDiscount * nd1 * d2 / in.volatility;
  g.volga = g.vega * d1 * d2 / in.volatility;
  g.rhoFixedCarry = -t * price;
  g.rhoFixedYield = sign * t * in.strike * discount * cdf2;
  g.carryRho = t * in.spot * g.delta;
  g.price = price;
  return g;
}

}  // namespace alphintra::analytics
