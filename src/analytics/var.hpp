// Value-at-Risk and Expected Shortfall of a portfolio of positions (risk_portfolio.hpp) over a
// horizon of `horizonDays` days, three ways:
//
//   historicalVar   full revaluation of every historical scenario (one row of factor returns);
//   parametricVar   delta-normal: sigma^2 = e' Sigma e from the factor covariance and the
//                   delta-equivalent exposures e, optionally with the Cornish–Fisher expansion
//                   for skewness and excess kurtosis; Euler (component and marginal) allocation;
//   monteCarloVar   correlated normal or Student-t factor shocks (Cholesky of Sigma), full
//                   revaluation of options; seeded and multi-threaded, with a result that does
//                   not depend on the number of threads.
//
// Conventions (docs/analytics-risk.md): VaR and ES are positive numbers for losses, in money.
// Factor returns are one-day simple returns; a horizon of h days scales every return (historical
// scenario or simulated shock) by sqrt(h) before revaluation, so linear VaR scales by sqrt(h)
// and options are revalued at the scaled move (expiry unchanged: an instantaneous shock). For a
// sample of n P&L values (historical, Monte Carlo), with alpha = 1 - confidence:
//   k   = ceil(n * alpha)    (at least 1; a 1e-9 relative tolerance absorbs rounding in n*alpha)
//   VaR = -(k-th smallest P&L)
//   ES  = -(mean of the k smallest P&L)
// No interpolation. The parametric methods assume a zero mean P&L.
//
// All functions are reentrant. monteCarloVar starts its own threads and joins them before
// returning; nothing is shared between calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "analytics/risk_portfolio.hpp"
#include "core/result.hpp"

namespace alphintra::analytics::risk {

struct VarSettings {
  double confidence = 0.99;  // in (0, 1)
  double horizonDays = 1;    // > 0; returns are scaled by sqrt(horizonDays)
};

// The tail of a sample of P&L by the convention above.
struct TailStatistics {
  double var = 0;
  double expectedShortfall = 0;
  std::size_t tailCount = 0;  // k
  std::size_t scenarios = 0;  // n
};

// k = ceil(n * (1 - confidence)), clamped to [1, n]. n > 0.
std::size_t tailCount(std::size_t scenarios, double confidence) noexcept;

// Sorts a copy of `pnl` (non-empty). `confidence` in (0, 1).
TailStatistics tailStatistics(std::vector<double> pnl, double confidence);

// Phi^{-1}(p) for p in (0, 1): Acklam's rational approximation refined by two Halley steps on
// erfc, good to about 1e-15 relative.
double inverseNormalCdf(double p) noexcept;

// The Cornish–Fisher quantile for a standard normal quantile z, skewness S and excess kurtosis K:
//   z + (z^2 - 1) S / 6 + (z^3 - 3z) K / 24 - (2 z^3 - 5 z) S^2 / 36.
double cornishFisherQuantile(double z, double skewness, double excessKurtosis) noexcept;

// Expected shortfall (as a positive multiple of sigma) of the Cornish–Fisher distribution at tail
// probability alpha, z = Phi^{-1}(alpha): minus the mean of the Cornish–Fisher quantile over the
// tail, in closed form
//   phi(z) / alpha * [1 + S z / 6 + K (z^2 - 1) / 24 + S^2 (1 - 2 z^2) / 36].
double cornishFisherShortfall(double alpha, double skewness, double excessKurtosis) noexcept;

// Checks a covariance matrix: square, `factorCount` wide, finite, symmetric (to 1e-10 relative)
// and positive definite (Cholesky). The error names `field`.
std::optional<Error> checkCovariance(const Matrix& covariance, std::size_t factorCount, std::string_view field);

// Sample covariance of factor returns (rows are scenarios), denominator n - 1. Needs n >= 2.
Result<Matrix> sampleCovariance(const Matrix& returns);

struct Moments {
  double skewness = 0;        // population estimator m3 / m2^{3/2}
  double excessKurtosis = 0;  // population estimator m4 / m2^2 - 3
};

// Skewness and excess kurtosis of the delta-equivalent portfolio P&L series sum_f e_f r_{t,f}.
Result<Moments> portfolioMoments(std::span<const Position> positions, const Matrix& returns);

struct VarResult {
  double portfolioValue = 0;
  double var = 0;
  double expectedShortfall = 0;
  std::size_t scenarios = 0;  // n (historical, Monte Carlo)
  std::size_t tailCount = 0;  // k (historical, Monte Carlo)
};

// One row of `returns` per scenario, one column per factor. Needs at least one scenario.
Result<VarResult> historicalVar(std::span<const Position> positions, const Matrix& returns,
                                const VarSettings& settings);

struct ParametricOptions {
  bool cornishFisher = false;
  Moments moments;  // used when cornishFisher
};

// Euler allocation of the parametric VaR to one position.
struct ComponentVar {
  double exposure = 0;   // delta-equivalent money exposure to its factor's return
  double marginal = 0;   // d VaR / d exposure (per 1 unit of money of exposure)
  double component = 0;  // exposure * marginal; the components sum to the VaR
};

struct ParametricVarResult {
  double portfolioValue = 0;
  double var = 0;
  double expectedShortfall = 0;
  double volatility = 0;                 // standard deviation of the P&L over the horizon: sqrt(e' Sigma e * h)
  double z = 0;                          // VaR / volatility: Phi^{-1}(confidence), or its Cornish–Fisher correction
  std::vector<ComponentVar> components;  // one per position, in order
};

// `covariance` is the one-day covariance of factor returns. With Cornish–Fisher the components
// are the delta-normal ones scaled by VaR_cf / VaR_normal (skewness and kurtosis held fixed).
Result<ParametricVarResult> parametricVar(std::span<const Position> positions, const Matrix& covariance,
                                          const VarSettings& settings, const ParametricOptions& options = {});

enum class ShockDistribution : std::uint8_t { Normal = 0, StudentT = 1 };

struct MonteCarloSettings {
  ShockDistribution distribution = ShockDistribution::Normal;
  double dof = 5;                     // Student-t degrees of freedom, > 2
  std::size_t simulations = 100'000;  // >= 1
  std::uint64_t seed = 1;
  unsigned threads = 1;  // >= 1; does not change the result
};

// Paths are simulated in blocks of kMonteCarloBlock, each from its own NormalSampler
// (random_normal.hpp: xoshiro256** and a ziggurat) seeded from (seed, block index), so the P&L of
// path j depends on the seed only, on every platform and for any number of threads.
inline constexpr std::size_t kMonteCarloBlock = 4096;

// The simulated P&L of every path, in path order. Student-t shocks are multivariate t
// (one chi-square draw per path) scaled by sqrt((dof - 2) / dof) so that their covariance is
// `covariance`.
Result<std::vector<double>> simulatePnl(std::span<const Position> positions, const Matrix& covariance,
                                        const VarSettings& settings, const MonteCarloSettings& mc);

Result<VarResult> monteCarloVar(std::span<const Position> positions, const Matrix& covariance,
                                const VarSettings& settings, const MonteCarloSettings& mc);

}  // namespace alphintra::analytics::risk
