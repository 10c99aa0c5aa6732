// Vanilla option contracts and their valuations as the analytics module sees them: the model
// (Black–Scholes–Merton, Black-76, Garman–Kohlhagen), call or put, European or American, the
// market inputs, and the price with its Greeks.
//
// Conventions (docs/analytics.md): expiry in years (no day count is applied here: the caller
// turns dates into a year fraction), rates and yields continuously compounded per year,
// volatility per sqrt(year). Greeks use QuantLib's units: vega and volga per 1.00 of volatility,
// theta per year (-dV/dt as calendar time passes), rho per 1.00 of rate.
//
// Doubles throughout: analytics never touches the order path. Plain values, no threading.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace alphintra::analytics {

enum class Model : std::uint8_t {
  BlackScholesMerton = 0,  // equity/index with a continuous dividend yield
  Black76 = 1,             // options on futures or forwards: the underlying is the forward price
  GarmanKohlhagen = 2,     // FX: domestic and foreign risk-free rates
};

enum class OptionType : std::uint8_t { Call = 0, Put = 1 };

enum class ExerciseStyle : std::uint8_t { European = 0, American = 1 };

enum class AmericanMethod : std::uint8_t {
  CoxRossRubinstein = 0,  // binomial tree, `steps` steps
  BaroneAdesiWhaley = 1,  // quadratic approximation (1987)
};

// Up-probability of the Cox–Ross–Rubinstein tree (u = exp(sigma sqrt(dt)), d = 1/u).
enum class TreeProbability : std::uint8_t {
  Textbook = 0,  // p = (exp(b dt) - d) / (u - d): the tree's expected growth equals the carry
  LogDrift = 1,  // p = 1/2 + (b - sigma^2/2) sqrt(dt) / (2 sigma): matches the log-drift (QuantLib's CRR)
};

// One vanilla option and its market. The meaning of `underlying`, `rate` and `yield` follows the
// model; their names in errors and in JSON are those of fieldName() below.
struct OptionSpec {
  Model model = Model::BlackScholesMerton;
  OptionType type = OptionType::Call;
  ExerciseStyle style = ExerciseStyle::European;
  double underlying = 0;  // spot (bsm, garman-kohlhagen) or forward/futures price (black76); > 0
  double strike = 0;      // > 0
  double expiry = 0;      // years; > 0
  double rate = 0;        // risk-free rate; the domestic rate for garman-kohlhagen
  double yield = 0;       // dividend yield (bsm) or foreign rate (garman-kohlhagen); unused for black76
  double volatility = 0;  // > 0 (ignored by impliedVolatility)
  AmericanMethod method = AmericanMethod::CoxRossRubinstein;  // American only
  int steps = 1000;                                           // CRR only; 1..kMaxSteps
  TreeProbability probability = TreeProbability::Textbook;    // CRR only
};

inline constexpr int kMaxSteps = 20'000;

// First- and second-order sensitivities (units in the file comment).
struct Greeks {
  double delta = 0;     // dV/d(underlying): spot, or the forward for black76
  double gamma = 0;     // d2V/d(underlying)2
  double vega = 0;      // dV/d(sigma), per 1.00 of volatility
  double theta = 0;     // -dV/d(expiry), per year, other inputs held
  double rho = 0;       // dV/d(rate) (domestic rate for FX), per 1.00; black76 holds the forward fixed
  double yieldRho = 0;  // dV/d(yield): dividend rho (bsm), foreign rho (garman-kohlhagen); 0 for black76
  double vanna = 0;     // d2V/d(underlying)d(sigma)
  double volga = 0;     // d2V/d(sigma)2
};

struct Valuation {
  double price = 0;
  std::optional<Greeks> greeks;  // closed-form Greeks for European options; absent for American
};

struct ImpliedVolatility {
  double volatility = 0;
  int iterations = 0;
};

// The names the fields carry in errors and JSON, which depend on the model.
enum class Field : std::uint8_t { Underlying, Strike, Expiry, Rate, Yield, Volatility, Steps, Price };

constexpr std::string_view fieldName(Model model, Field field) noexcept {
  switch (field) {
    case Field::Underlying: return model == Model::Black76 ? "forward" : "spot";
    case Field::Strike: return "strike";
    case Field::Expiry: return "expiry";
    case Field::Rate: return model == Model::GarmanKohlhagen ? "domestic_rate" : "rate";
    case Field::Yield: return model == Model::GarmanKohlhagen ? "foreign_rate" : "dividend";
    case Field::Volatility: return "volatility";
    case Field::Steps: return "steps";
    case Field::Price: return "price";
  }
  return "";
}

constexpr std::string_view toString(Model m) noexcept {
  switch (m) {
    case Model::BlackScholesMerton: return "bsm";
    case Model::Black76: return "black76";
    case Model::GarmanKohlhagen: return "garman-kohlhagen";
  }
  return "";
}

constexpr std::string_view toString(OptionType t) noexcept { return t == OptionType::Call ? "call" : "put"; }

constexpr std::string_view toString(ExerciseStyle s) noexcept {
  return s == ExerciseStyle::European ? "european" : "american";
}

constexpr std::string_view toString(AmericanMethod m) noexcept {
  return m == AmericanMethod::CoxRossRubinstein ? "crr" : "baw";
}

constexpr std::string_view toString(TreeProbability p) noexcept {
  return p == TreeProbability::Textbook ? "textbook" : "log-drift";
}

}  // namespace alphintra::analytics
