#include "analytics/pricing.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "analytics/barone_adesi_whaley.hpp"
#include "analytics/binomial_tree.hpp"
#include "analytics/black_scholes.hpp"
#include "analytics/implied_volatility.hpp"

namespace alphintra::analytics {
namespace {

std::optional<Error> checkPositive(const OptionSpec& option, Field field, double value) {
  if (!std::isfinite(value) || value <= 0.0) {
    return makeError(std::string{fieldName(option.model, field)}, fmt::format("must be > 0, got {}", value));
  }
  return std::nullopt;
}

std::optional<Error> checkFinite(const OptionSpec& option, Field field, double value) {
  if (!std::isfinite(value)) {
    return makeError(std::string{fieldName(option.model, field)},
                     fmt::format("must be a finite number, got {}", value));
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> validate(const OptionSpec& option, bool needVolatility) {
  if (auto e = checkPositive(option, Field::Underlying, option.underlying)) return e;
  if (auto e = checkPositive(option, Field::Strike, option.strike)) return e;
  if (auto e = checkPositive(option, Field::Expiry, option.expiry)) return e;
  if (auto e = checkFinite(option, Field::Rate, option.rate)) return e;
  if (option.model != Model::Black76) {
    if (auto e = checkFinite(option, Field::Yield, option.yield)) return e;
  }
  if (needVolatility) {
    if (auto e = checkPositive(option, Field::Volatility, option.volatility)) return e;
  }
  if (option.style == ExerciseStyle::American && option.method == AmericanMethod::CoxRossRubinstein &&
      (option.steps < 1 || option.steps > kMaxSteps)) {
    return makeError("steps", fmt::format("must be between 1 and {}, got {}", kMaxSteps, option.steps));
  }
  return std::nullopt;
}

Valuation priceEuropean(const OptionSpec& option) noexcept {
  const CarryInputs in = carryInputs(option);
  const CarryGreeks g = blackScholesGreeks(in);
  Greeks greeks;
  greeks.delta = g.delta;
  greeks.gamma = g.gamma;
  greeks.vega = g.vega;
  greeks.theta = g.theta;
  greeks.vanna = g.vanna;
  greeks.volga = g.volga;
  if (option.model == Model::Black76) {
    greeks.rho = g.rhoFixedCarry;  // the forward is an input: only the discount factor moves with r
    greeks.yieldRho = 0.0;
  } else {
    greeks.rho = g.rhoFixedYield;  // b = r - q moves with r
    greeks.yieldRho = -g.carryRho;
  }
  return Valuation{g.price, greeks};  // the price the Greeks were formed from: no second evaluation
}

Result<Valuation> price(const OptionSpec& option) {
  if (auto e = validate(option)) return *e;
  if (option.style == ExerciseStyle::European) return priceEuropean(option);
  const CarryInputs in = carryInputs(option);
  if (option.method == AmericanMethod::BaroneAdesiWhaley) return Valuation{baroneAdesiWhaleyPrice(in), std::nullopt};
  auto tree = coxRossRubinsteinPrice(in, ExerciseStyle::American, option.steps, option.probability);
  if (!tree) return tree.error();
  return Valuation{*tree, std::nullopt};
}

Result<std::vector<Valuation>> priceBatch(std::span<const OptionSpec> options) {
  std::vector<Valuation> out;
  out.reserve(options.size());
  for (std::size_t i = 0; i < options.size(); ++i) {
    auto one = price(options[i]);
    if (!one) return makeError(fmt::format("[{}].{}", i, one.error().field), one.error().message);
    out.push_back(*one);
  }
  return out;
}

Result<ImpliedVolatility> impliedVolatility(const OptionSpec& option, double optionPrice) {
  if (auto e = validate(option, /*needVolatility=*/false)) return *e;
  if (option.style != ExerciseStyle::European) {
    return makeError("style", "implied volatility is available for european options only");
  }
  return solveImpliedVolatility(carryInputs(option), optionPrice, fieldName(option.model, Field::Price));
}

}  // namespace alphintra::analytics
