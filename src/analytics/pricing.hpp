// The analytics pricing API: the same calls the JSON interface (json_api.hpp) and the
// `alphintra analytics` sub-command make. Every call validates its inputs first and answers a
// bad one with an Error naming the field as JSON spells it (fieldName() in option.hpp).
//
//   price(option)              European: closed form with Greeks; American: CRR tree or BAW (price only)
//   priceBatch(options)        the same for many options; the first invalid one fails the call,
//                              its error field prefixed with its index ("[3].volatility")
//   impliedVolatility(option, price)   European options; option.volatility is ignored
//
// Stateless and reentrant: safe to call from any thread.
#pragma once

#include <span>
#include <vector>

#include "analytics/option.hpp"
#include "core/result.hpp"

namespace alphintra::analytics {

// Checks the option's inputs (positive spot/forward, strike, expiry and volatility; finite rates;
// steps in range). `needVolatility` is false for implied volatility. Empty optional when valid.
std::optional<Error> validate(const OptionSpec& option, bool needVolatility = true);

Result<Valuation> price(const OptionSpec& option);

Result<std::vector<Valuation>> priceBatch(std::span<const OptionSpec> options);

Result<ImpliedVolatility> impliedVolatility(const OptionSpec& option, double optionPrice);

// European price and Greeks without validation, for callers that have already validated.
Valuation priceEuropean(const OptionSpec& option) noexcept;

}  // namespace alphintra::analytics
