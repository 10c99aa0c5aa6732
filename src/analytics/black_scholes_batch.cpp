// The batch loops of black_scholes_batch.hpp. They mirror blackScholesGreeks (black_scholes.cpp)
// line for line, with changes that keep them vectorizable and no less accurate: libm's exp, log
// and erfc are replaced by vector_math.hpp, the divisions by the standard deviation and by sqrt(T)
// become one reciprocal, and the model and call/put choices are selects, not branches.
//
// Each chunk of options takes two passes. The first computes everything up to d1 and notes the
// options with |d1| or |d2| beyond sqrt(32); the second takes the normal distribution and the
// outputs a block of 16 options at a time, evaluating only the near form of the distribution
// (one rational function) for a block without such an option, and both forms for one with it:
// one branch per block, never per option, so that the loop inside a block still vectorizes. The
// near forms equal the full-range ones bit for bit on their range (vector_math.hpp), so an
// option's results do not depend on its neighbours. The first-order entry point is the same code
// without the gamma, vanna and volga lines.
// Built with -fno-math-errno (CMakeLists.txt) so that std::sqrt is the vector instruction.
#include "analytics/black_scholes_batch.hpp"

#include <cmath>
#include <cstdint>
#include <initializer_list>
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

// Options per chunk: the call/put and model bytes are first turned into doubles, so that the
// pricing loops hold doubles only (with bytes in them GCC would process 64 options per iteration,
// one vector of bytes, and spill most of its registers); the chunk's intermediate columns (about
// 7 KB) stay in the L1 cache between the two passes.
constexpr std::size_t kChunk = 128;
// Options per choice of the normal distribution's form: a block whose arguments all lie within
// sqrt(32) evaluates only the near form; one option beyond sends its block down the path that
// evaluates both (about 3% of the blocks on the benchmark's options).
constexpr std::size_t kBlock = 16;

// What the first pass leaves for the second, one element per option of the chunk.
struct ChunkColumns {
  alignas(64) double sign[kChunk];            // +1 call, -1 put
  alignas(64) double forwardIsInput[kChunk];  // 1 for black76, else 0
  alignas(64) double d1[kChunk];
  alignas(64) double sqrtT[kChunk];
  alignas(64) double inverseStdDev[kChunk];
  alignas(64) double growth[kChunk];      // e^{bT}
  alignas(64) double moneyness[kChunk];   // F / K
  alignas(64) std::uint64_t far[kChunk];  // 1 when |d1| or |d2| exceeds sqrt(32)
};

// First pass: everything up to d1, which decides the form of the normal distribution.
[[gnu::always_inline]] inline void priceUpToD1(const Columns& c, std::size_t begin, std::size_t count,
                                               ChunkColumns& k) noexcept {
  for (std::size_t j = 0; j < count; ++j) {
    k.sign[j] = c.type[begin + j] == OptionType::Call ? 1.0 : -1.0;
    k.forwardIsInput[j] = c.model[begin + j] == Model::Black76 ? 1.0 : 0.0;
  }
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t i = begin + j;
    const double t = c.expiry[i];
    const double rate = c.rate[i];
    const double yield = c.yield[i];  // read unconditionally: a load under a condition is a branch
    const double carry = rate - (k.forwardIsInput[j] != 0.0 ? rate : yield);  // selects operands
    const double sqrtT = std::sqrt(t);
    const double stdDev = c.volatility[i] * sqrtT;
    const double inverseStdDev = 1.0 / stdDev;
    const double growth = vecmath::expNormalRange(carry * t);
    const double moneyness = c.underlying[i] * growth / c.strike[i];
    const double d1 = vecmath::log(moneyness) * inverseStdDev + 0.5 * stdDev;
    const double d2 = d1 - stdDev;
    const double largest =
        (d1 < 0.0 ? -d1 : d1) > (d2 < 0.0 ? -d2 : d2) ? (d1 < 0.0 ? -d1 : d1) : (d2 < 0.0 ? -d2 : d2);
    k.far[j] = largest > vecmath::kNormalNearLimit ? 1 : 0;
    k.d1[j] = d1;
    k.sqrtT[j] = sqrtT;
    k.inverseStdDev[j] = inverseStdDev;
    k.growth[j] = growth;
    k.moneyness[j] = moneyness;
  }
}

// Second pass over options [from, to) of the chunk: the normal distribution and the outputs.
// kFar: some option of the range has |d1| or |d2| beyond sqrt(32).
template <bool kSecondOrder, bool kFar>
[[gnu::always_inline]] inline void priceFromD1(const Columns& c, std::size_t begin, std::size_t from, std::size_t to,
                                               const ChunkColumns& k) noexcept {
  for (std::size_t j = from; j < to; ++j) {
    const std::size_t i = begin + j;
    const double spot = c.underlying[i];
    const double strike = c.strike[i];
    const double t = c.expiry[i];
    const double rate = c.rate[i];
    const double vol = c.volatility[i];
    const bool black76 = k.forwardIsInput[j] != 0.0;
    const double carry = rate - (black76 ? rate : c.yield[i]);
    const double sign = k.sign[j];
    const double d1 = k.d1[j];
    const double sqrtT = k.sqrtT[j];
    const double inverseStdDev = k.inverseStdDev[j];
    const double stdDev = c.volatility[i] * sqrtT;
    const double d2 = d1 - stdDev;

    const double discount = vecmath::expNormalRange(-rate * t);
    const double forward = spot * k.growth[j];
    const double carryDiscount = discount * k.growth[j];  // e^{(b-r)T}
    const double absD1 = d1 < 0.0 ? -d1 : d1;
    const double g1 = kFar ? vecmath::gaussian(absD1) : vecmath::gaussianNear(absD1);
    // d1^2 - d2^2 = 2 log(F / K), so exp(-d2^2 / 2) = exp(-d1^2 / 2) F / K: one exp fewer.
    const double g2 = g1 * k.moneyness[j];
    const double nd1 = g1 * (std::numbers::inv_sqrtpi / std::numbers::sqrt2);
    // N(d1) for a call, N(-d1) for a put
    const double cdf1 = kFar ? vecmath::normalCdf(sign * d1, g1) : vecmath::normalCdfNear(sign * d1, g1);
    const double cdf2 = kFar ? vecmath::normalCdf(sign * d2, g2) : vecmath::normalCdfNear(sign * d2, g2);
    const double value = sign * discount * (forward * cdf1 - strike * cdf2);

    const double delta = sign * carryDiscount * cdf1;
    const double vega = spot * carryDiscount * nd1 * sqrtT;
    c.price[i] = value;
    c.delta[i] = delta;
    c.vega[i] = vega;
    // sigma / (2 sqrt T) = sigma^2 / (2 sigma sqrt T)
    c.theta[i] = rate * value - carry * spot * delta - spot * carryDiscount * nd1 * (0.5 * vol * vol * inverseStdDev);
    // Black-76 holds the forward: only the discount factor moves with r. Otherwise b = r - q
    // moves with r, and the yield rho is -dV/db.
    const double rhoForwardHeld = -t * value;
    const double rhoYieldHeld = sign * t * strike * discount * cdf2;
    const double yieldRho = -t * spot * delta;
    c.rho[i] = black76 ? rhoForwardHeld : rhoYieldHeld;
    c.yieldRho[i] = black76 ? 0.0 : yieldRho;
    if constexpr (kSecondOrder) {
      c.gamma[i] = carryDiscount * nd1 * inverseStdDev / spot;
      // 1 / sigma = sqrt T / (sigma sqrt T)
      const double inverseVol = sqrtT * inverseStdDev;
      c.vanna[i] = -carryDiscount * nd1 * d2 * inverseVol;
      c.volga[i] = vega * d1 * d2 * inverseVol;
    }
  }
}

template <bool kSecondOrder>
[[gnu::always_inline]] inline void priceColumns(const Columns& c, std::size_t n) noexcept {
  ChunkColumns k;
  for (std::size_t begin = 0; begin < n; begin += kChunk) {
    const std::size_t count = n - begin < kChunk ? n - begin : kChunk;
    priceUpToD1(c, begin, count, k);
    for (std::size_t from = 0; from < count; from += kBlock) {
      const std::size_t to = count - from < kBlock ? count : from + kBlock;
      std::uint64_t far = 0;
      for (std::size_t j = from; j < to; ++j) far |= k.far[j];
      if (far != 0) {
        priceFromD1<kSecondOrder, true>(c, begin, from, to, k);
      } else {
        priceFromD1<kSecondOrder, false>(c, begin, from, to, k);
      }
    }
  }
}

ALPHINTRA_BATCH_CLONES
void priceAllGreeks(const Columns c, std::size_t n) noexcept { priceColumns<true>(c, n); }

ALPHINTRA_BATCH_CLONES
void priceFirstOrderGreeks(const Columns c, std::size_t n) noexcept { priceColumns<false>(c, n); }

using Length = std::pair<const char*, std::size_t>;

// The first span whose length differs from the batch's (inputs first, then the outputs given).
std::optional<Error> checkLengths(const EuropeanBatchInputs& in, std::initializer_list<Length> outputs) {
  const std::size_t n = in.model.size();
  const Length inputs[] = {{"type", in.type.size()},
                           {"underlying", in.underlying.size()},
                           {"strike", in.strike.size()},
                           {"expiry", in.expiry.size()},
                           {"rate", in.rate.size()},
                           {"yield", in.yield.size()},
                           {"volatility", in.volatility.size()}};
  for (const std::span<const Length> list : {std::span<const Length>(inputs), std::span<const Length>(outputs)}) {
    for (const auto& [name, size] : list) {
      if (size != n) {
        return makeError(name, "has " + std::to_string(size) + " elements, the batch has " + std::to_string(n));
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> priceEuropeanBatch(const EuropeanBatchInputs& in, const EuropeanBatchOutputs& out) {
  if (auto error = checkLengths(in, {{"price", out.price.size()},
                                     {"delta", out.delta.size()},
                                     {"gamma", out.gamma.size()},
                                     {"vega", out.vega.size()},
                                     {"theta", out.theta.size()},
                                     {"rho", out.rho.size()},
                                     {"yield_rho", out.yieldRho.size()},
                                     {"vanna", out.vanna.size()},
                                     {"volga", out.volga.size()}})) {
    return error;
  }
  priceAllGreeks(Columns{in.model.data(), in.type.data(), in.underlying.data(), in.strike.data(), in.expiry.data(),
                         in.rate.data(), in.yield.data(), in.volatility.data(), out.price.data(), out.delta.data(),
                         out.gamma.data(), out.vega.data(), out.theta.data(), out.rho.data(), out.yieldRho.data(),
                         out.vanna.data(), out.volga.data()},
                 in.model.size());
  return std::nullopt;
}

std::optional<Error> priceEuropeanBatch(const EuropeanBatchInputs& in, const EuropeanFirstOrderOutputs& out) {
  if (auto error = checkLengths(in, {{"price", out.price.size()},
                                     {"delta", out.delta.size()},
                                     {"vega", out.vega.size()},
                                     {"theta", out.theta.size()},
                                     {"rho", out.rho.size()},
                                     {"yield_rho", out.yieldRho.size()}})) {
    return error;
  }
  priceFirstOrderGreeks(
      Columns{in.model.data(), in.type.data(), in.underlying.data(), in.strike.data(), in.expiry.data(), in.rate.data(),
              in.yield.data(), in.volatility.data(), out.price.data(), out.delta.data(), nullptr, out.vega.data(),
              out.theta.data(), out.rho.data(), out.yieldRho.data(), nullptr, nullptr},
      in.model.size());
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
