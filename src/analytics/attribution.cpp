#include "analytics/attribution.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <set>
#include <utility>

namespace alphintra::analytics {
namespace {

std::optional<Error> checkWeightSum(const std::vector<SectorInput>& sectors, double SectorInput::*weight,
                                    const char* field) {
  double sum = 0;
  for (const auto& s : sectors) sum += s.*weight;
  if (std::abs(sum - 1.0) > kWeightSumTolerance) {
    return makeError(field, fmt::format("must sum to 1 (within {}), got {}", kWeightSumTolerance, sum));
  }
  return std::nullopt;
}

}  // namespace

Result<Attribution> brinsonFachler(const std::vector<SectorInput>& sectors) {
  if (sectors.empty()) return makeError("sectors", "needs at least one sector");
  std::set<std::string> names;
  for (std::size_t i = 0; i < sectors.size(); ++i) {
    const SectorInput& s = sectors[i];
    if (s.name.empty()) return makeError(fmt::format("sectors[{}]", i), "sector name is empty");
    if (!names.insert(s.name).second) {
      return makeError(fmt::format("sectors[{}]", i), fmt::format("sector \"{}\" appears twice", s.name));
    }
    const std::pair<double, const char*> values[] = {{s.portfolioWeight, "portfolio_weights"},
                                                     {s.benchmarkWeight, "benchmark_weights"},
                                                     {s.portfolioReturn, "portfolio_returns"},
                                                     {s.benchmarkReturn, "benchmark_returns"}};
    for (const auto& [value, field] : values) {
      if (!std::isfinite(value)) return makeError(fmt::format("{}[{}]", field, i), "must be a finite number");
    }
    if (s.portfolioReturn <= -1) {
      return makeError(fmt::format("portfolio_returns[{}]", i), fmt::format("must be > -1, got {}", s.portfolioReturn));
    }
    if (s.benchmarkReturn <= -1) {
      return makeError(fmt::format("benchmark_returns[{}]", i), fmt::format("must be > -1, got {}", s.benchmarkReturn));
    }
  }
  if (auto e = checkWeightSum(sectors, &SectorInput::portfolioWeight, "portfolio_weights")) return *e;
  if (auto e = checkWeightSum(sectors, &SectorInput::benchmarkWeight, "benchmark_weights")) return *e;

  Attribution out;
  for (const auto& s : sectors) {
    out.portfolioReturn += s.portfolioWeight * s.portfolioReturn;
    out.benchmarkReturn += s.benchmarkWeight * s.benchmarkReturn;
  }
  out.activeReturn = out.portfolioReturn - out.benchmarkReturn;
  out.sectors.reserve(sectors.size());
  for (const auto& s : sectors) {
    SectorEffects e;
    e.name = s.name;
    const double activeWeight = s.portfolioWeight - s.benchmarkWeight;
    e.allocation = activeWeight * (s.benchmarkReturn - out.benchmarkReturn);
    e.selection = s.benchmarkWeight * (s.portfolioReturn - s.benchmarkReturn);
    e.interaction = activeWeight * (s.portfolioReturn - s.benchmarkReturn);
    e.total = e.allocation + e.selection + e.interaction;
    out.totals.allocation += e.allocation;
    out.totals.selection += e.selection;
    out.totals.interaction += e.interaction;
    out.totals.total += e.total;
    out.sectors.push_back(std::move(e));
  }
  return out;
}

}  // namespace alphintra::analytics
