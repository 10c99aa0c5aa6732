// The batch loop of black_scholes_batch.hpp. It mirrors blackScholesGreeks (black_scholes.cpp)
// line for line, with three changes that keep it vectorizable and no less accurate: libm's exp,
// log and erfc are replaced by vector_math.hpp, the divisions by the standard deviation and by
// sqrt(T) become one reciprocal, and the model and call/put choices are selects, not branches.
// Built with -fno-math-errno (CMakeLists.txt) so that std::sqrt is the vector instruction.
#include "analytics/black_scholes_batch.hpp"

#include <cmath>
#include <numbers>
#include <string>
#include <utility>

#include "analytics/vector_math.hpp"

namespace alphintra::analytics {
namespace {

// Plain pointers: the loop must see that nothing it writes is read (the header requires that
// outputs do not alias inputs), which spans do not tell the vectorizer.
struct Columns {
  const Model* __restrict model;
  const OptionType* __restrict type;
  const double* __restrict underlying;
  const double* __restrict strike;
  const double* __restrict expiry;
  const double* __restrict rate;
  const double* __restrict yield;
  const double* __restrict volatility;
  double* __restrict price;
  double* __restrict delta;
  double* __restrict gamma;
  double* __restrict vega;
  double* __restrict theta;
  double* __restrict rho;
  double* __restrict yieldRho;
  double* __restrict vanna;
  double* __restrict volga;
};

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ALPHINTRA_BATCH_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define ALPHINTRA_BATCH_CLONES
#endif

// Options per chunk. The call/put and model bytes are first turned into doubles, so that the main
// loop holds doubles only: with bytes in it GCC would process 64 options per iteration (one vector
// of bytes) and spill most of its registers.
constexpr std::size_t kChunk = 256;

ALPHINTRA_BATCH_CLONES
void priceColumns(const Columns c, std::size_t n) noexcept {
  double signs[kChunk];           // +1 call, -1 put
  double forwardIsInput[kChunk];  // 1 for black76, else 0
  for (std::size_t begin = 0; begin < n; begin += kChunk) {
    const std::size_t count = n - begin < kChunk ? n - begin : kChunk;
    for (std::size_t j = 0; j < count; ++j) {
      signs[j] = c.type[begin + j] == OptionType::Call ? 1.0 : -1.0;
      forwardIsInput[j] = c.model[begin + j] == Model::Black76 ? 1.0 : 0.0;
    }
    for (std::size_t j = 0; j < count; ++j) {
      const std::size_t i = begin + j;
      const double spot = c.underlying[i];
      const double strike = c.strike[i];
      const double t = c.expiry[i];
      const double rate = c.rate[i];
      const double vol = c.volatility[i];
      const double yield = c.yield[i];  // read unconditionally: a load under a condition is a branch
      const bool black76 = forwardIsInput[j] != 0.0;
      const double carry = rate - (black76 ? rate : yield);  // selects operands, not operations
      const double sign = signs[j];

      const double sqrtT = std::sqrt(t);
      const double stdDev = vol * sqrtT;
      const double inverseStdDev = 1.0 / stdDev;
      const double discount = vecmath::exp(-rate * t);
      const double growth = vecmath::exp(carry * t);
      const double forward = spot * growth;
      const double moneyness = forward / strike;
      const double d1 = vecmath::log(moneyness) * inverseStdDev + 0.5 * stdDev;
      const double d2 = d1 - stdDev;
      const double carryDiscount = discount * growth;  // e^{(b-r)T}
      const double g1 = vecmath::gaussian(d1 < 0.0 ? -d1 : d1);
      // d1^2 - d2^2 = 2 log(F / K), so exp(-d2^2 / 2) = exp(-d1^2 / 2) F / K: one exp fewer.
      const double g2 = g1 * moneyness;
      const double nd1 = g1 * (std::numbers::inv_sqrtpi / std::numbers::sqrt2);
      const double cdf1 = vecmath::normalCdf(sign * d1, g1);  // N(d1) for a call, N(-d1) for a put
      const double cdf2 = vecmath::normalCdf(sign * d2, g2);
      const double value = sign * discount * (forward * cdf1 - strike * cdf2);

      const double delta = sign * carryDiscount * cdf1;
      const double vega = spot * carryDiscount * nd1 * sqrtT;
      c.price[i] = value;
      c.delta[i] = delta;
      c.gamma[i] = carryDiscount * nd1 * inverseStdDev / spot;
      c.vega[i] = vega;
      // sigma / (2 sqrt T) = sigma^2 / (2 sigma sqrt T)
      c.theta[i] = rate * value - carry * spot * delta - spot * carryDiscount * nd1 * (0.5 * vol * vol * inverseStdDev);
      // 1 / sigma = sqrt T / (sigma sqrt T)
      const double inverseVol = sqrtT * inverseStdDev;
      c.vanna[i] = -carryDiscount * nd1 * d2 * inverseVol;
      c.volga[i] = vega * d1 * d2 * inverseVol;
      // Black-76 holds the forward: only the discount factor moves with r. Otherwise b = r - q
      // moves with r, and the yield rho is -dV/db.
      const double rhoForwardHeld = -t * value;
      const double rhoYieldHeld = sign * t * strike * discount * cdf2;
      const double yieldRho = -t * spot * delta;
      c.rho[i] = black76 ? rhoForwardHeld : rhoYieldHeld;
      c.yieldRho[i] = black76 ? 0.0 : yieldRho;
    }
  }
}

}  // namespace

std::optional<Error> priceEuropeanBatch(const EuropeanBatchInputs& in, const EuropeanBatchOutputs& out) {
  const std::size_t n = in.model.size();
  const std::pair<const char*, std::size_t> sizes[] = {{"type", in.type.size()},
                                                       {"underlying", in.underlying.size()},
                                                       {"strike", in.strike.size()},
                                                       {"expiry", in.expiry.size()},
                                                       {"rate", in.rate.size()},
                                                       {"yield", in.yield.size()},
                                                       {"volatility", in.volatility.size()},
                                                       {"price", out.price.size()},
                                                       {"delta", out.delta.size()},
                                                       {"gamma", out.gamma.size()},
                                                       {"vega", out.vega.size()},
                                                       {"theta", out.theta.size()},
                                                       {"rho", out.rho.size()},
                                                       {"yield_rho", out.yieldRho.size()},
                                                       {"vanna", out.vanna.size()},
                                                       {"volga", out.volga.size()}};
  for (const auto& [name, size] : sizes) {
    if (size != n) {
      return makeError(name, "has " + std::to_string(size) + " elements, the batch has " + std::to_string(n));
    }
  }
  priceColumns(Columns{in.model.data(), in.type.data(), in.underlying.data(), in.strike.data(), in.expiry.data(),
                       in.rate.data(), in.yield.data(), in.volatility.data(), out.price.data(), out.delta.data(),
                       out.gamma.data(), out.vega.data(), out.theta.data(), out.rho.data(), out.yieldRho.data(),
                       out.vanna.data(), out.volga.data()},
               n);
  return std::nullopt;
}

void EuropeanBatch::reserve(std::size_t n) {
  model_.reserve(n);
  type_.reserve(n);
  underlying_.reserve(n);
  strike_.reserve(n);
  expiry_.reserve(n);
  rate_.reserve(n);
  yield_.reserve(n);
  volatility_.reserve(n);
}

void EuropeanBatch::add(const OptionSpec& option) {
  model_.push_back(option.model);
  type_.push_back(option.type);
  underlying_.push_back(option.underlying);
  strike_.push_back(option.strike);
  expiry_.push_back(option.expiry);
  rate_.push_back(option.rate);
  yield_.push_back(option.yield);
  volatility_.push_back(option.volatility);
}

EuropeanBatchInputs EuropeanBatch::inputs() const noexcept {
  return EuropeanBatchInputs{model_, type_, underlying_, strike_, expiry_, rate_, yield_, volatility_};
}

void EuropeanBatchResults::resize(std::size_t n) {
  for (auto* column : {&price_, &delta_, &gamma_, &vega_, &theta_, &rho_, &yieldRho_, &vanna_, &volga_}) {
    column->resize(n);
  }
}

EuropeanBatchOutputs EuropeanBatchResults::outputs() noexcept {
  return EuropeanBatchOutputs{price_, delta_, gamma_, vega_, theta_, rho_, yieldRho_, vanna_, volga_};
}

Valuation EuropeanBatchResults::valuation(std::size_t i) const {
  Greeks g;
  g.delta = delta_[i];
  g.gamma = gamma_[i];
  g.vega = vega_[i];
  g.theta = theta_[i];
  g.rho = rho_[i];
  g.yieldRho = yieldRho_[i];
  g.vanna = vanna_[i];
  g.volga = volga_[i];
  return Valuation{price_[i], g};
}

}  // namespace alphintra::analytics
