#include "analytics/var.hpp"

#include <fmt/format.h>
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <exception>
#include <numbers>
#include <string>
#include <system_error>
#include <thread>

#include "analytics/normal_distribution.hpp"
#include "analytics/random_normal.hpp"

namespace alphintra::analytics::risk {
namespace {

std::optional<Error> checkSettings(const VarSettings& s) {
  if (!std::isfinite(s.confidence) || s.confidence <= 0.0 || s.confidence >= 1.0) {
    return makeError("confidence", fmt::format("must be strictly between 0 and 1, got {}", s.confidence));
  }
  if (!std::isfinite(s.horizonDays) || s.horizonDays <= 0.0) {
    return makeError("horizon_days", fmt::format("must be > 0, got {}", s.horizonDays));
  }
  return std::nullopt;
}

std::optional<Error> checkPortfolio(std::span<const Position> positions, std::size_t factorCount) {
  if (positions.empty()) return makeError("positions", "must hold at least one position");
  return validatePositions(positions, factorCount);
}

std::optional<Error> checkReturns(const Matrix& returns, std::size_t minRows) {
  if (returns.cols == 0) return makeError("returns", "must have at least one factor column");
  if (returns.rows < minRows) {
    return makeError("returns", fmt::format("needs at least {} scenarios, got {}", minRows, returns.rows));
  }
  for (std::size_t r = 0; r < returns.rows; ++r) {
    for (std::size_t c = 0; c < returns.cols; ++c) {
      if (!std::isfinite(returns(r, c))) {
        return makeError(fmt::format("returns[{}][{}]", r, c), fmt::format("must be finite, got {}", returns(r, c)));
      }
    }
  }
  return std::nullopt;
}

Eigen::MatrixXd toEigen(const Matrix& m) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(m.rows), static_cast<Eigen::Index>(m.cols));
  for (std::size_t r = 0; r < m.rows; ++r) {
    for (std::size_t c = 0; c < m.cols; ++c) out(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = m(r, c);
  }
  return out;
}

// SplitMix64 finalizer: decorrelates the seeds of neighbouring blocks.
std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

std::size_t tailCount(std::size_t scenarios, double confidence) noexcept {
  const double expected = static_cast<double>(scenarios) * (1.0 - confidence);
  const double k = std::ceil(expected - 1e-9 * std::max(1.0, expected));
  if (k < 1.0) return 1;
  if (k >= static_cast<double>(scenarios)) return scenarios;
  return static_cast<std::size_t>(k);
}

TailStatistics tailStatistics(std::vector<double> pnl, double confidence) {
  TailStatistics out;
  out.scenarios = pnl.size();
  if (pnl.empty()) return out;
  out.tailCount = tailCount(pnl.size(), confidence);
  const auto kth = pnl.begin() + static_cast<std::ptrdiff_t>(out.tailCount - 1);
  std::nth_element(pnl.begin(), kth, pnl.end());
  double sum = *kth;
  for (auto it = pnl.begin(); it != kth; ++it) sum += *it;  // the k - 1 smaller ones, unordered
  out.var = -*kth;
  out.expectedShortfall = -sum / static_cast<double>(out.tailCount);
  return out;
}

double inverseNormalCdf(double p) noexcept {
  if (!(p > 0.0 && p < 1.0)) return std::nan("");
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double low = 0.02425;
  double x = 0;
  if (p < low || p > 1.0 - low) {
    const double q = std::sqrt(-2.0 * std::log(p < low ? p : 1.0 - p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    if (p > 1.0 - low) x = -x;
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  // Halley steps on Phi(x) - p; Phi from erfc keeps the lower tail's relative precision.
  for (int i = 0; i < 2; ++i) {
    const double e = normalCdf(x) - p;
    const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
    x -= u / (1.0 + 0.5 * x * u);
  }
  return x;
}

double cornishFisherQuantile(double z, double s, double k) noexcept {
  const double z2 = z * z;
  const double z3 = z2 * z;
  return z + (z2 - 1.0) * s / 6.0 + (z3 - 3.0 * z) * k / 24.0 - (2.0 * z3 - 5.0 * z) * s * s / 36.0;
}

double cornishFisherShortfall(double alpha, double s, double k) noexcept {
  const double z = inverseNormalCdf(alpha);
  const double z2 = z * z;
  return normalPdf(z) / alpha * (1.0 + s * z / 6.0 + k * (z2 - 1.0) / 24.0 + s * s * (1.0 - 2.0 * z2) / 36.0);
}

std::optional<Error> checkCovariance(const Matrix& covariance, std::size_t factorCount, std::string_view field) {
  const std::string name{field};
  if (covariance.rows != factorCount || covariance.cols != factorCount) {
    return makeError(name, fmt::format("must be {0} x {0} (one row and column per factor), got {1} x {2}", factorCount,
                                       covariance.rows, covariance.cols));
  }
  for (std::size_t r = 0; r < factorCount; ++r) {
    for (std::size_t c = 0; c < factorCount; ++c) {
      const double v = covariance(r, c);
      if (!std::isfinite(v))
        return makeError(fmt::format("{}[{}][{}]", name, r, c), fmt::format("must be finite, got {}", v));
      const double w = covariance(c, r);
      if (c > r && std::abs(v - w) > 1e-10 * std::max({std::abs(v), std::abs(w), 1e-300})) {
        return makeError(name, fmt::format("is not symmetric: [{0}][{1}] = {2} but [{1}][{0}] = {3}", r, c, v, w));
      }
    }
  }
  // A pivot that is zero up to rounding (an exactly singular matrix) counts as a failure too.
  Eigen::LLT<Eigen::MatrixXd> llt(toEigen(covariance));
  const Eigen::MatrixXd lower = llt.matrixL();
  double largestVariance = 0;
  for (std::size_t i = 0; i < factorCount; ++i) largestVariance = std::max(largestVariance, covariance(i, i));
  bool degenerate = false;
  for (Eigen::Index i = 0; i < lower.rows(); ++i) {
    degenerate = degenerate || !(lower(i, i) * lower(i, i) > 1e-12 * largestVariance);
  }
  if (llt.info() != Eigen::Success || degenerate) {
    return makeError(name,
                     "is not positive definite (its Cholesky factorization fails): a variance is not > 0, or "
                     "some factors are perfectly correlated");
  }
  return std::nullopt;
}

Result<Matrix> sampleCovariance(const Matrix& returns) {
  if (auto e = checkReturns(returns, 2)) return *e;
  const std::size_t n = returns.rows;
  const std::size_t f = returns.cols;
  std::vector<double> mean(f, 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < f; ++c) mean[c] += returns(r, c);
  }
  for (double& m : mean) m /= static_cast<double>(n);
  Matrix out(f, f);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t i = 0; i < f; ++i) {
      for (std::size_t j = 0; j <= i; ++j) out(i, j) += (returns(r, i) - mean[i]) * (returns(r, j) - mean[j]);
    }
  }
  for (std::size_t i = 0; i < f; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      out(i, j) /= static_cast<double>(n - 1);
      out(j, i) = out(i, j);
    }
  }
  return out;
}

Result<Moments> portfolioMoments(std::span<const Position> positions, const Matrix& returns) {
  if (auto e = checkReturns(returns, 2)) return *e;
  if (auto e = checkPortfolio(positions, returns.cols)) return *e;
  const std::vector<double> exposure = Revaluer(positions).factorExposures(returns.cols);
  std::vector<double> pnl(returns.rows, 0.0);
  double mean = 0;
  for (std::size_t r = 0; r < returns.rows; ++r) {
    for (std::size_t c = 0; c < returns.cols; ++c) pnl[r] += exposure[c] * returns(r, c);
    mean += pnl[r];
  }
  mean /= static_cast<double>(returns.rows);
  double m2 = 0, m3 = 0, m4 = 0;
  for (double x : pnl) {
    const double d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const auto n = static_cast<double>(returns.rows);
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0.0)) {
    return makeError("returns",
                     "the portfolio P&L is constant over the scenarios: skewness and kurtosis are undefined");
  }
  return Moments{m3 / std::pow(m2, 1.5), m4 / (m2 * m2) - 3.0};
}

Result<VarResult> historicalVar(std::span<const Position> positions, const Matrix& returns,
                                const VarSettings& settings) {
  if (auto e = checkSettings(settings)) return *e;
  if (auto e = checkReturns(returns, 1)) return *e;
  if (auto e = checkPortfolio(positions, returns.cols)) return *e;
  const Revaluer portfolio(positions);
  const double scale = std::sqrt(settings.horizonDays);
  std::vector<double> pnl(returns.rows, 0.0);
  for (std::size_t s = 0; s < returns.rows; ++s) {
    for (std::size_t i = 0; i < positions.size(); ++i)
      pnl[s] += portfolio.pnl(i, scale * returns(s, positions[i].factor));
  }
  const TailStatistics tail = tailStatistics(std::move(pnl), settings.confidence);
  return VarResult{portfolio.portfolioValue(), tail.var, tail.expectedShortfall, tail.scenarios, tail.tailCount};
}

Result<ParametricVarResult> parametricVar(std::span<const Position> positions, const Matrix& covariance,
                                          const VarSettings& settings, const ParametricOptions& options) {
  if (auto e = checkSettings(settings)) return *e;
  if (auto e = checkPortfolio(positions, covariance.rows)) return *e;
  if (auto e = checkCovariance(covariance, covariance.rows, "covariance")) return *e;
  if (options.cornishFisher) {
    if (!std::isfinite(options.moments.skewness)) return makeError("skewness", "must be finite");
    if (!std::isfinite(options.moments.excessKurtosis)) return makeError("excess_kurtosis", "must be finite");
  }
  const std::size_t f = covariance.rows;
  const Revaluer portfolio(positions);
  const std::vector<double> e = portfolio.factorExposures(f);
  std::vector<double> sigmaE(f, 0.0);  // Sigma e
  double variance = 0;
  for (std::size_t i = 0; i < f; ++i) {
    for (std::size_t j = 0; j < f; ++j) sigmaE[i] += covariance(i, j) * e[j];
    variance += e[i] * sigmaE[i];
  }
  const double sd1 = std::sqrt(std::max(variance, 0.0));
  const double root = std::sqrt(settings.horizonDays);
  const double alpha = 1.0 - settings.confidence;
  const double zNormal = inverseNormalCdf(alpha);  // < 0 for confidence > 1/2
  double q = zNormal;
  double shortfall = normalPdf(zNormal) / alpha;
  if (options.cornishFisher) {
    q = cornishFisherQuantile(zNormal, options.moments.skewness, options.moments.excessKurtosis);
    shortfall = cornishFisherShortfall(alpha, options.moments.skewness, options.moments.excessKurtosis);
  }
  ParametricVarResult out;
  out.portfolioValue = portfolio.portfolioValue();
  out.volatility = sd1 * root;
  out.z = -q;
  out.var = out.z * out.volatility;
  out.expectedShortfall = shortfall * out.volatility;
  out.components.reserve(positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    ComponentVar c;
    c.exposure = portfolio.exposure(i);
    c.marginal = sd1 > 0.0 ? out.z * root * sigmaE[positions[i].factor] / sd1 : 0.0;
    c.component = c.exposure * c.marginal;
    out.components.push_back(c);
  }
  return out;
}

Result<std::vector<double>> simulatePnl(std::span<const Position> positions, const Matrix& covariance,
                                        const VarSettings& settings, const MonteCarloSettings& mc) {
  if (auto e = checkSettings(settings)) return *e;
  if (auto e = checkPortfolio(positions, covariance.rows)) return *e;
  if (auto e = checkCovariance(covariance, covariance.rows, "covariance")) return *e;
  if (mc.simulations < 1) return makeError("simulations", "must be >= 1");
  if (mc.threads < 1) return makeError("threads", "must be >= 1");
  if (mc.distribution == ShockDistribution::StudentT && (!std::isfinite(mc.dof) || mc.dof <= 2.0)) {
    return makeError("dof", fmt::format("must be > 2 (finite variance), got {}", mc.dof));
  }
  const std::size_t f = covariance.rows;
  const Eigen::MatrixXd lower = Eigen::LLT<Eigen::MatrixXd>(toEigen(covariance)).matrixL();
  std::vector<double> chol(f * f, 0.0);  // row-major lower factor
  for (std::size_t i = 0; i < f; ++i) {
    for (std::size_t j = 0; j <= i; ++j)
      chol[i * f + j] = lower(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
  }
  const Revaluer portfolio(positions);
  // Linear positions aggregate into one exposure per factor; options are repriced one by one.
  std::vector<double> linear(f, 0.0);
  std::vector<std::size_t> options;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (positions[i].option) {
      options.push_back(i);
    } else {
      linear[positions[i].factor] += portfolio.exposure(i);
    }
  }
  // The linear P&L of a path is linear' (L z) = (L' linear)' z: one O(f) dot product per path
  // instead of the O(f^2) product L z. Only the factors that options read need L z, row by row.
  std::vector<double> linearLoading(f, 0.0);  // L' linear
  for (std::size_t i = 0; i < f; ++i) {
    if (linear[i] == 0.0) continue;
    for (std::size_t j = 0; j <= i; ++j) linearLoading[j] += chol[i * f + j] * linear[i];
  }
  std::vector<char> optionFactor(f, 0);
  for (std::size_t i : options) optionFactor[positions[i].factor] = 1;
  std::vector<std::size_t> shockedFactors;  // factors whose shock an option needs
  for (std::size_t i = 0; i < f; ++i) {
    if (optionFactor[i]) shockedFactors.push_back(i);
  }
  const double root = std::sqrt(settings.horizonDays);
  const bool studentT = mc.distribution == ShockDistribution::StudentT;
  const std::size_t blocks = (mc.simulations + kMonteCarloBlock - 1) / kMonteCarloBlock;
  const std::size_t threads = std::min<std::size_t>(mc.threads, blocks);
  std::vector<double> pnl(mc.simulations, 0.0);
  // Scratch per thread, taken before the threads start so that they never allocate.
  std::vector<std::vector<double>> scratch(threads, std::vector<double>(2 * f, 0.0));

  auto work = [&](std::size_t t) noexcept {
    double* z = scratch[t].data();
    double* x = z + f;
    for (std::size_t b = t; b < blocks; b += threads) {
      NormalSampler normal(mix(mc.seed ^ mix(b)));
      const std::size_t end = std::min(mc.simulations, (b + 1) * kMonteCarloBlock);
      for (std::size_t path = b * kMonteCarloBlock; path < end; ++path) {
        for (std::size_t i = 0; i < f; ++i) z[i] = normal();
        double scale = root;
        if (studentT) scale *= std::sqrt((mc.dof - 2.0) / normal.chiSquare(mc.dof));
        double linearPnl = 0.0;
        for (std::size_t j = 0; j < f; ++j) linearPnl += linearLoading[j] * z[j];
        double value = scale * linearPnl;
        for (std::size_t i : shockedFactors) {
          double xi = 0.0;
          for (std::size_t j = 0; j <= i; ++j) xi += chol[i * f + j] * z[j];
          x[i] = scale * xi;
        }
        for (std::size_t i : options) value += portfolio.pnl(i, x[positions[i].factor]);
        pnl[path] = value;
      }
    }
  };

  std::vector<std::thread> pool;
  pool.reserve(threads);
  std::size_t started = 1;  // worker 0 runs on the calling thread
  try {
    for (; started < threads; ++started) pool.emplace_back(work, started);
  } catch (const std::system_error&) {
    // No more threads: the calling thread does the remaining workers' blocks after its own.
  }
  work(0);
  for (std::size_t t = started; t < threads; ++t) work(t);
  for (auto& th : pool) th.join();
  return pnl;
}

Result<VarResult> monteCarloVar(std::span<const Position> positions, const Matrix& covariance,
                                const VarSettings& settings, const MonteCarloSettings& mc) {
  auto pnl = simulatePnl(positions, covariance, settings, mc);
  if (!pnl) return pnl.error();
  const TailStatistics tail = tailStatistics(std::move(pnl).value(), settings.confidence);
  return VarResult{Revaluer(positions).portfolioValue(), tail.var, tail.expectedShortfall, tail.scenarios,
                   tail.tailCount};
}

}  // namespace alphintra::analytics::risk
