#include "analytics/risk_portfolio.hpp"

#include <fmt/format.h>

#include <cmath>

#include "analytics/black_scholes.hpp"
#include "analytics/pricing.hpp"

namespace alphintra::analytics::risk {
namespace {

std::string positionField(std::size_t i, std::string_view member) { return fmt::format("positions[{}].{}", i, member); }

}  // namespace

std::optional<Error> validatePositions(std::span<const Position> positions, std::size_t factorCount) {
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const Position& p = positions[i];
    if (!std::isfinite(p.quantity)) {
      return makeError(positionField(i, "quantity"), fmt::format("must be a finite number, got {}", p.quantity));
    }
    if (!std::isfinite(p.price) || p.price <= 0.0) {
      return makeError(positionField(i, "price"), fmt::format("must be > 0, got {}", p.price));
    }
    if (!std::isfinite(p.multiplier) || p.multiplier <= 0.0) {
      return makeError(positionField(i, "multiplier"), fmt::format("must be > 0, got {}", p.multiplier));
    }
    if (p.factor >= factorCount) {
      return makeError(positionField(i, "factor"),
                       fmt::format("factor index {} is out of range: there are {} factors", p.factor, factorCount));
    }
    if (p.duration && (!std::isfinite(*p.duration) || *p.duration < 0.0)) {
      return makeError(positionField(i, "duration"), fmt::format("must be >= 0, got {}", *p.duration));
    }
    if (p.option) {
      OptionSpec o = *p.option;
      o.underlying = p.price;
      if (auto e = validate(o)) return makeError(positionField(i, "option." + e->field), e->message);
    }
  }
  return std::nullopt;
}

double optionValue(OptionSpec option, double underlying) noexcept {
  if (!(underlying > 0.0)) {
    if (option.type == OptionType::Call) return 0.0;
    if (option.style == ExerciseStyle::American) return option.strike;
    return option.strike * std::exp(-option.rate * option.expiry);
  }
  option.underlying = underlying;
  if (option.style == ExerciseStyle::European) return blackScholesPrice(carryInputs(option));
  auto v = price(option);
  return v ? v->price : std::nan("");  // inputs validated by validatePositions: never the NaN branch
}

Revaluer::Revaluer(std::span<const Position> positions)
    : positions_(positions), baseOptionValue_(positions.size(), 0.0) {
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (positions[i].option) {
      baseOptionValue_[i] = optionValue(*positions[i].option, positions[i].price);
      hasOptions_ = true;
    }
  }
}

double Revaluer::value(std::size_t i) const noexcept {
  const Position& p = positions_[i];
  const double unit = p.option ? baseOptionValue_[i] : p.price;
  return p.quantity * p.multiplier * unit;
}

double Revaluer::portfolioValue() const noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < positions_.size(); ++i) sum += value(i);
  return sum;
}

double Revaluer::pnl(std::size_t i, double r) const noexcept {
  const Position& p = positions_[i];
  if (!p.option) return p.quantity * p.multiplier * p.price * r;
  return p.quantity * p.multiplier * (optionValue(*p.option, p.price * (1.0 + r)) - baseOptionValue_[i]);
}

double Revaluer::exposure(std::size_t i) const noexcept {
  const Position& p = positions_[i];
  const double notional = p.quantity * p.multiplier * p.price;
  if (!p.option) return notional;
  OptionSpec o = *p.option;
  o.underlying = p.price;
  if (o.style == ExerciseStyle::European) return notional * priceEuropean(o).greeks->delta;
  const double h = 1e-4;
  const double up = optionValue(o, p.price * (1.0 + h));
  const double down = optionValue(o, p.price * (1.0 - h));
  return p.quantity * p.multiplier * (up - down) / (2.0 * h);  // d(value)/d(return)
}

std::vector<double> Revaluer::factorExposures(std::size_t factorCount) const {
  std::vector<double> out(factorCount, 0.0);
  for (std::size_t i = 0; i < positions_.size(); ++i) out[positions_[i].factor] += exposure(i);
  return out;
}

}  // namespace alphintra::analytics::risk
