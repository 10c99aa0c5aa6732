// European options priced many at a time: the generalized Black–Scholes formula of
// black_scholes.hpp (cost of carry b: r - q for Black–Scholes–Merton, 0 for Black-76, r_d - r_f
// for Garman–Kohlhagen) over a structure of arrays, one array per input and per output, so that
// the compiler evaluates 4 (AVX2) or 8 (AVX-512) options per instruction. The loop is compiled
// for x86-64, x86-64-v3 and x86-64-v4 and the best the CPU supports is chosen at load time
// (GCC target_clones); the binary runs on any x86-64 (the baseline x86-64 variant one option at a
// time: GCC does not vectorize these loops for SSE2).
//
// Agreement with the one-at-a-time path (priceEuropean in pricing.hpp): the same formulas, with
// exp, log and the normal distribution from vector_math.hpp instead of libm; every output agrees
// to ~1e-13 relative or better (black_scholes_batch_test.cpp checks 1e-12 on a broad grid). An
// option's results do not depend on the other options of the batch, and the first-order overload
// gives the same price and first-order Greeks as the full one, bit for bit.
//
// Speed (docs/benchmarks.md): ~95 M options per second of CPU time on one Zen 4 core at 2.1 GHz
// with every first-order Greek (~22 cycles an option), ~85 M with gamma, vanna and volga as well
// (AVX-512; AVX2 about two thirds of that).
//
// Inputs are assumed valid (validate() in pricing.hpp: positive underlying, strike, expiry and
// volatility, finite rates, |rate x expiry| and |carry x expiry| up to 708, beyond which the
// discount and growth factors stop at e^-708 and e^708); invalid values give meaningless
// numbers, never a crash. The outputs must not alias the inputs. No allocation on the pricing
// call; reentrant, any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "analytics/option.hpp"
#include "core/result.hpp"

namespace alphintra::analytics {

// n options: element i of every span describes option i (fields as in OptionSpec).
struct EuropeanBatchInputs {
  std::span<const Model> model;
  std::span<const OptionType> type;
  std::span<const double> underlying;  // spot, or the forward for black76
  std::span<const double> strike;
  std::span<const double> expiry;  // years
  std::span<const double> rate;
  std::span<const double> yield;  // dividend yield or foreign rate; ignored for black76
  std::span<const double> volatility;

  // Options [offset, offset + count) of every span; the range must lie within the spans.
  EuropeanBatchInputs slice(std::size_t offset, std::size_t count) const noexcept {
    return {model.subspan(offset, count),  type.subspan(offset, count),      underlying.subspan(offset, count),
            strike.subspan(offset, count), expiry.subspan(offset, count),    rate.subspan(offset, count),
            yield.subspan(offset, count),  volatility.subspan(offset, count)};
  }
};

// Where the n valuations go when only the price and the first-order Greeks are wanted: the
// sensitivities to the underlying, volatility, time, rate and yield (fields as in Greeks).
struct EuropeanFirstOrderOutputs {
  std::span<double> price, delta, vega, theta, rho, yieldRho;

  EuropeanFirstOrderOutputs slice(std::size_t offset, std::size_t count) const noexcept {
    return {price.subspan(offset, count), delta.subspan(offset, count), vega.subspan(offset, count),
            theta.subspan(offset, count), rho.subspan(offset, count),   yieldRho.subspan(offset, count)};
  }
};

// Where the n valuations go (fields and units as in Greeks, option.hpp).
struct EuropeanBatchOutputs {
  std::span<double> price, delta, gamma, vega, theta, rho, yieldRho, vanna, volga;

  EuropeanBatchOutputs slice(std::size_t offset, std::size_t count) const noexcept {
    return {price.subspan(offset, count),    delta.subspan(offset, count), gamma.subspan(offset, count),
            vega.subspan(offset, count),     theta.subspan(offset, count), rho.subspan(offset, count),
            yieldRho.subspan(offset, count), vanna.subspan(offset, count), volga.subspan(offset, count)};
  }

  EuropeanFirstOrderOutputs firstOrder() const noexcept { return {price, delta, vega, theta, rho, yieldRho}; }
};

// Prices every option of `in` into `out`. An error, and nothing written, when the spans do not
// all have the same length (the field names the first one that differs from `model`).
std::optional<Error> priceEuropeanBatch(const EuropeanBatchInputs& in, const EuropeanBatchOutputs& out);

// The same prices and first-order Greeks, bit for bit, without gamma, vanna and volga (about a
// tenth less work).
std::optional<Error> priceEuropeanBatch(const EuropeanBatchInputs& in, const EuropeanFirstOrderOutputs& out);

// Owning storage for the arrays above, for callers that start from OptionSpecs.
class EuropeanBatch {
 public:
  void reserve(std::size_t n);
  void add(const OptionSpec& option);  // the style and the American fields are not looked at
  std::size_t size() const noexcept { return model_.size(); }
  EuropeanBatchInputs inputs() const noexcept;

 private:
  std::vector<Model> model_;
  std::vector<OptionType> type_;
  std::vector<double> underlying_, strike_, expiry_, rate_, yield_, volatility_;
};

class EuropeanBatchResults {
 public:
  explicit EuropeanBatchResults(std::size_t n = 0) { resize(n); }
  void resize(std::size_t n);
  std::size_t size() const noexcept { return price_.size(); }
  EuropeanBatchOutputs outputs() noexcept;
  Valuation valuation(std::size_t i) const;  // option i as the one-at-a-time API returns it

 private:
  std::vector<double> price_, delta_, gamma_, vega_, theta_, rho_, yieldRho_, vanna_, volga_;
};

}  // namespace alphintra::analytics
