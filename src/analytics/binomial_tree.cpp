#include "analytics/binomial_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace alphintra::analytics {

Result<double> coxRossRubinsteinPrice(const CarryInputs& in, ExerciseStyle style, int steps,
                                      TreeProbability probability) {
  const double dt = in.expiry / steps;
  const double dx = in.volatility * std::sqrt(dt);
  // expm1 keeps the textbook probability accurate when b dt and dx are small.
  const double p = probability == TreeProbability::Textbook
                       ? (std::expm1(in.carry * dt) - std::expm1(-dx)) / (std::expm1(dx) - std::expm1(-dx))
                       : 0.5 + 0.5 * (in.carry - 0.5 * in.volatility * in.volatility) * dt / dx;
  if (!(p >= 0.0 && p <= 1.0)) {
    return makeError("steps", fmt::format("{} steps are too few for this volatility and carry: the tree's "
                                          "up-probability would be {:.6g}, outside [0, 1]",
                                          steps, p));
  }
  const double discount = std::exp(-in.rate * dt);
  const double sign = in.type == OptionType::Call ? 1.0 : -1.0;
  auto exercise = [&](int i, int j) {
    return std::max(sign * (in.spot * std::exp(static_cast<double>(2 * j - i) * dx) - in.strike), 0.0);
  };

  std::vector<double> values(static_cast<std::size_t>(steps) + 1);
  for (int j = 0; j <= steps; ++j) values[static_cast<std::size_t>(j)] = exercise(steps, j);
  for (int i = steps - 1; i >= 0; --i) {
    for (int j = 0; j <= i; ++j) {
      const auto k = static_cast<std::size_t>(j);
      double continuation = discount * (p * values[k + 1] + (1.0 - p) * values[k]);
      if (style == ExerciseStyle::American) continuation = std::max(continuation, exercise(i, j));
      values[k] = continuation;
    }
  }
  return values[0];
}

}  // namespace alphintra::analytics
