#include "bench/analytics_bench.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "analytics/black_scholes_batch.hpp"
#include "analytics/mean_variance.hpp"
#include "analytics/pricing.hpp"
#include "analytics/var.hpp"

namespace alphintra::bench {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU time of the calling thread: on a shared machine, the time the pass actually ran.
double threadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Daily covariance of n assets: B B' + D with a market factor (betas uniform in [0.5, 1.5] times
// 1% daily), 9 more factors (loadings ~ N(0, 0.5%)) and specific variances uniform in [1e-5, 1e-3]
// (0.3-3% daily volatility). SPD by construction; the long-only bound binds for many assets.
Eigen::MatrixXd factorCovariance(std::size_t assets, std::uint64_t seed) {
  const auto n = static_cast<Eigen::Index>(assets);
  constexpr Eigen::Index kFactors = 10;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> beta(0.5, 1.5);
  std::normal_distribution<double> loading(0.0, 0.005);
  std::uniform_real_distribution<double> specific(1e-5, 1e-3);
  Eigen::MatrixXd b(n, kFactors);
  for (Eigen::Index i = 0; i < n; ++i) {
    b(i, 0) = 0.01 * beta(rng);  // the market: every asset loads on it, so short positions would hedge it
    for (Eigen::Index k = 1; k < kFactors; ++k) b(i, k) = loading(rng);
  }
  Eigen::MatrixXd cov = b * b.transpose();
  for (Eigen::Index i = 0; i < n; ++i) cov(i, i) += specific(rng);
  return cov;
}

std::vector<analytics::OptionSpec> makeOptions(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> strike(70.0, 130.0);
  std::uniform_real_distribution<double> expiry(0.05, 2.0);
  std::uniform_real_distribution<double> rate(0.0, 0.05);
  std::uniform_real_distribution<double> yield(0.0, 0.03);
  std::uniform_real_distribution<double> vol(0.1, 0.6);
  std::vector<analytics::OptionSpec> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto& o = out[i];
    o.model = analytics::Model::BlackScholesMerton;
    o.type = i % 2 == 0 ? analytics::OptionType::Call : analytics::OptionType::Put;
    o.underlying = 100.0;
    o.strike = strike(rng);
    o.expiry = expiry(rng);
    o.rate = rate(rng);
    o.yield = yield(rng);
    o.volatility = vol(rng);
  }
  return out;
}

void benchBlackScholes(const AnalyticsBenchOptions& opt, AnalyticsBenchResult& out) {
  const auto options = makeOptions(opt.options, opt.seed);
  double best = std::numeric_limits<double>::infinity();
  for (int pass = 0; pass < opt.passes; ++pass) {
    double checksum = 0;
    const auto start = Clock::now();
    for (const auto& o : options) {
      const analytics::Valuation v = analytics::priceEuropean(o);
      const analytics::Greeks& g = *v.greeks;
      checksum += v.price + g.delta + g.vega + g.theta + g.rho + g.yieldRho;
    }
    best = std::min(best, secondsSince(start));
    out.priceChecksum = checksum;
  }
  out.optionsPerSecond = static_cast<double>(options.size()) / best;
  out.nsPerOption = best * 1e9 / static_cast<double>(options.size());
}

// The same options through priceEuropeanBatch: the arrays are filled before the clock starts, and
// the outputs go to one block of kBlock options, summed into the checksum as the scalar loop
// does, so that the figure measures pricing rather than writing 72 MB of results to memory.
// firstOrder: the overload without gamma, vanna and volga (the same checksum, bit for bit).
struct BatchFigures {
  double perSecond = 0, perCpuSecond = 0, nsPerOption = 0, checksum = 0;
};

std::optional<std::string> timeBatch(const AnalyticsBenchOptions& opt, bool firstOrder, BatchFigures& figures) {
  constexpr std::size_t kBlock = 1024;
  const auto options = makeOptions(opt.options, opt.seed);
  analytics::EuropeanBatch batch;
  batch.reserve(options.size());
  for (const auto& o : options) batch.add(o);
  const analytics::EuropeanBatchInputs inputs = batch.inputs();
  analytics::EuropeanBatchResults results(kBlock);
  double best = std::numeric_limits<double>::infinity();
  double bestCpu = std::numeric_limits<double>::infinity();
  for (int pass = 0; pass < opt.passes; ++pass) {
    double checksum = 0;
    const double cpuStart = threadCpuSeconds();
    const auto start = Clock::now();
    for (std::size_t begin = 0; begin < options.size(); begin += kBlock) {
      const std::size_t count = std::min(kBlock, options.size() - begin);
      const analytics::EuropeanBatchOutputs block = results.outputs().slice(0, count);
      auto error = firstOrder ? analytics::priceEuropeanBatch(inputs.slice(begin, count), block.firstOrder())
                              : analytics::priceEuropeanBatch(inputs.slice(begin, count), block);
      if (error) return fmt::format("{}: {}", error->field, error->message);
      for (std::size_t i = 0; i < count; ++i) {
        checksum += block.price[i] + block.delta[i] + block.vega[i] + block.theta[i] + block.rho[i] + block.yieldRho[i];
      }
    }
    best = std::min(best, secondsSince(start));
    bestCpu = std::min(bestCpu, threadCpuSeconds() - cpuStart);
    figures.checksum = checksum;
  }
  figures.perSecond = static_cast<double>(options.size()) / best;
  figures.perCpuSecond = static_cast<double>(options.size()) / bestCpu;
  figures.nsPerOption = best * 1e9 / static_cast<double>(options.size());
  return std::nullopt;
}

void benchBlackScholesBatch(const AnalyticsBenchOptions& opt, AnalyticsBenchResult& out) {
  BatchFigures all, firstOrder;
  if (auto error = timeBatch(opt, false, all)) {
    out.ok = false;
    out.error = "black-scholes batch: " + *error;
    return;
  }
  if (auto error = timeBatch(opt, true, firstOrder)) {
    out.ok = false;
    out.error = "black-scholes first-order batch: " + *error;
    return;
  }
  out.batchOptionsPerSecond = all.perSecond;
  out.batchOptionsPerCpuSecond = all.perCpuSecond;
  out.batchNsPerOption = all.nsPerOption;
  out.batchChecksum = all.checksum;
  out.firstOrderOptionsPerSecond = firstOrder.perSecond;
  out.firstOrderOptionsPerCpuSecond = firstOrder.perCpuSecond;
  out.firstOrderNsPerOption = firstOrder.nsPerOption;
  out.firstOrderChecksum = firstOrder.checksum;
}

void benchMonteCarloVar(const AnalyticsBenchOptions& opt, AnalyticsBenchResult& out) {
  const Eigen::MatrixXd cov = factorCovariance(opt.varAssets, opt.seed + 1);
  analytics::risk::Matrix covariance(opt.varAssets, opt.varAssets);
  for (std::size_t i = 0; i < opt.varAssets; ++i) {
    for (std::size_t j = 0; j < opt.varAssets; ++j)
      covariance(i, j) = cov(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
  }
  std::mt19937_64 rng(opt.seed + 2);
  std::uniform_real_distribution<double> quantity(-1000.0, 1000.0);
  std::uniform_real_distribution<double> price(10.0, 500.0);
  std::vector<analytics::risk::Position> positions(opt.varAssets);
  for (std::size_t i = 0; i < opt.varAssets; ++i) {
    positions[i].id = fmt::format("asset{}", i);
    positions[i].quantity = quantity(rng);
    positions[i].price = price(rng);
    positions[i].factor = i;
  }
  analytics::risk::VarSettings settings;
  settings.confidence = 0.99;
  analytics::risk::MonteCarloSettings mc;
  mc.simulations = opt.scenarios;
  mc.seed = opt.seed;
  mc.threads = opt.threads;
  double best = std::numeric_limits<double>::infinity();
  for (int pass = 0; pass < opt.passes; ++pass) {
    const auto start = Clock::now();
    auto result = analytics::risk::monteCarloVar(positions, covariance, settings, mc);
    best = std::min(best, secondsSince(start));
    if (!result) {
      out.ok = false;
      out.error = fmt::format("monte carlo var: {}: {}", result.error().field, result.error().message);
      return;
    }
    out.var = result->var;
    out.expectedShortfall = result->expectedShortfall;
  }
  out.varSeconds = best;
}

void benchMinimumVariance(const AnalyticsBenchOptions& opt, AnalyticsBenchResult& out) {
  const Eigen::MatrixXd cov = factorCovariance(opt.portfolioAssets, opt.seed + 3);
  const analytics::PortfolioConstraints constraints;  // long-only (lower 0), fully invested
  double best = std::numeric_limits<double>::infinity();
  const auto first = Clock::now();
  // A slow solve is not repeated past 10 s: its figure is far from the target either way.
  for (int pass = 0; pass < opt.passes && (pass == 0 || secondsSince(first) < 10.0); ++pass) {
    const auto start = Clock::now();
    auto result = analytics::minimumVariance(cov, Eigen::VectorXd(), constraints);
    best = std::min(best, secondsSince(start));
    if (!result) {
      out.ok = false;
      out.error = fmt::format("minimum variance: {}: {}", result.error().field, result.error().message);
      return;
    }
    out.minVarianceVolatility = result->volatility;
    out.minVarianceIterations = result->iterations;
    out.minVarianceKkt = result->kkt.max();
    out.minVarianceNonZero = static_cast<std::size_t>(
        std::count_if(result->weights.begin(), result->weights.end(), [](double w) { return w > 1e-10; }));
  }
  out.minVarianceSeconds = best;
}

}  // namespace

AnalyticsBenchResult runAnalyticsBench(const AnalyticsBenchOptions& options) {
  AnalyticsBenchResult out;
  benchBlackScholes(options, out);
  benchBlackScholesBatch(options, out);
  benchMonteCarloVar(options, out);
  if (out.ok) benchMinimumVariance(options, out);
  return out;
}

std::string toJson(const AnalyticsBenchResult& r, const AnalyticsBenchOptions& o) {
  return fmt::format(
      "{{\"bench\":\"analytics\",\"ok\":{},\"passes\":{},\"seed\":{},"
      "\"black_scholes\":{{\"options\":{},\"options_per_s\":{:.0f},\"ns_per_option\":{:.2f},\"checksum\":{:.17g}}},"
      "\"black_scholes_batch\":{{\"options_per_s\":{:.0f},\"options_per_cpu_s\":{:.0f},\"ns_per_option\":{:.2f},"
      "\"checksum\":{:.17g}}},"
      "\"black_scholes_batch_first_order\":{{\"options_per_s\":{:.0f},\"options_per_cpu_s\":{:.0f},"
      "\"ns_per_option\":{:.2f},\"checksum\":{:.17g}}},"
      "\"monte_carlo_var\":{{\"assets\":{},\"scenarios\":{},\"threads\":{},\"seconds\":{:.6f},\"var\":{:.17g},"
      "\"es\":{:.17g}}},"
      "\"minimum_variance\":{{\"assets\":{},\"seconds\":{:.6f},\"volatility\":{:.17g},\"non_zero\":{},"
      "\"iterations\":{},\"kkt\":{:.3g}}}}}",
      r.ok, o.passes, o.seed, o.options, r.optionsPerSecond, r.nsPerOption, r.priceChecksum, r.batchOptionsPerSecond,
      r.batchOptionsPerCpuSecond, r.batchNsPerOption, r.batchChecksum, r.firstOrderOptionsPerSecond,
      r.firstOrderOptionsPerCpuSecond, r.firstOrderNsPerOption, r.firstOrderChecksum, o.varAssets, o.scenarios,
      o.threads, r.varSeconds, r.var, r.expectedShortfall, o.portfolioAssets, r.minVarianceSeconds,
      r.minVarianceVolatility, r.minVarianceNonZero, r.minVarianceIterations, r.minVarianceKkt);
}

}  // namespace alphintra::bench
