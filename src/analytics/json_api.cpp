#include "analytics/json_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

#include "analytics/json_reader.hpp"
#include "analytics/pricing.hpp"

namespace alphintra::analytics {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::array<std::string_view, 3> kModels{"bsm", "black76", "garman-kohlhagen"};
constexpr std::array<std::string_view, 2> kTypes{"call", "put"};
constexpr std::array<std::string_view, 2> kStyles{"european", "american"};
constexpr std::array<std::string_view, 2> kMethods{"crr", "baw"};
constexpr std::array<std::string_view, 2> kProbabilities{"textbook", "log-drift"};

// Reads the option members of a price or implied-vol request into `option`.
void readOption(MemberReader& in, OptionSpec& option, bool needVolatility) {
  const auto model = in.choice("model", kModels);
  if (!model) return;
  option.model = static_cast<Model>(*model);
  if (auto type = in.choice("type", kTypes)) option.type = static_cast<OptionType>(*type);
  if (auto style = in.choice("style", kStyles, std::size_t{0})) option.style = static_cast<ExerciseStyle>(*style);

  auto name = [&](Field f) { return fieldName(option.model, f); };
  if (auto v = in.number(name(Field::Underlying))) option.underlying = *v;
  if (auto v = in.number(name(Field::Strike))) option.strike = *v;
  if (auto v = in.number(name(Field::Expiry))) option.expiry = *v;
  if (auto v = in.number(name(Field::Rate))) option.rate = *v;
  if (option.model == Model::BlackScholesMerton) {
    if (auto v = in.number(name(Field::Yield), 0.0)) option.yield = *v;
  } else if (option.model == Model::GarmanKohlhagen) {
    if (auto v = in.number(name(Field::Yield))) option.yield = *v;
  }
  if (needVolatility) {
    if (auto v = in.number("volatility")) option.volatility = *v;
  }
  if (option.style == ExerciseStyle::American) {
    if (auto m = in.choice("method", kMethods, std::size_t{0})) option.method = static_cast<AmericanMethod>(*m);
    if (option.method == AmericanMethod::CoxRossRubinstein) {
      if (auto steps = in.integer("steps", option.steps)) {
        if (*steps < 1 || *steps > kMaxSteps) {
          in.setError(makeError("steps", fmt::format("must be between 1 and {}, got {}", kMaxSteps, *steps)));
        } else {
          option.steps = static_cast<int>(*steps);
        }
      }
      if (auto p = in.choice("probability", kProbabilities, std::size_t{0})) {
        option.probability = static_cast<TreeProbability>(*p);
      }
    }
  }
}

Error notAnObject(const json& request) {
  return makeError("", fmt::format("the request must be a JSON object (one option) or an array of objects (a "
                                   "batch), got {}",
                                   typeName(request)));
}

Result<ordered_json> runOne(JsonCommand command, const json& request) {
  if (command == JsonCommand::Price) {
    auto option = optionFromJson(request);
    if (!option) return option.error();
    auto valuation = price(*option);
    if (!valuation) return valuation.error();
    return toJson(*option, *valuation);
  }
  auto parsed = impliedVolRequestFromJson(request);
  if (!parsed) return parsed.error();
  auto vol = impliedVolatility(parsed->option, parsed->price);
  if (!vol) return vol.error();
  return toJson(*vol);
}

std::string errorBody(std::string_view code, const Error& error) {
  ordered_json body;
  body["error"] = {{"code", code}, {"field", error.field}, {"message", error.message}};
  // Replacement characters for invalid UTF-8: a message may quote the request's own bytes.
  return body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace

Result<OptionSpec> optionFromJson(const json& request) {
  if (!request.is_object()) return notAnObject(request);
  MemberReader in(request);
  OptionSpec option;
  readOption(in, option, /*needVolatility=*/true);
  in.rejectUnknown();
  if (in.error()) return *in.error();
  return option;
}

Result<ImpliedVolRequest> impliedVolRequestFromJson(const json& request) {
  if (!request.is_object()) return notAnObject(request);
  MemberReader in(request);
  ImpliedVolRequest out;
  readOption(in, out.option, /*needVolatility=*/false);
  if (out.option.style == ExerciseStyle::American) {
    in.setError(makeError("style", "implied volatility is available for european options only"));
  }
  if (auto p = in.number("price")) out.price = *p;
  in.rejectUnknown();
  if (in.error()) return *in.error();
  return out;
}

ordered_json toJson(const OptionSpec& option, const Valuation& valuation) {
  ordered_json out;
  out["price"] = valuation.price;
  if (valuation.greeks) {
    const Greeks& g = *valuation.greeks;
    ordered_json greeks;
    greeks["delta"] = g.delta;
    greeks["gamma"] = g.gamma;
    greeks["vega"] = g.vega;
    greeks["theta"] = g.theta;
    switch (option.model) {
      case Model::BlackScholesMerton:
        greeks["rho"] = g.rho;
        greeks["dividend_rho"] = g.yieldRho;
        break;
      case Model::Black76: greeks["rho"] = g.rho; break;
      case Model::GarmanKohlhagen:
        greeks["rho_domestic"] = g.rho;
        greeks["rho_foreign"] = g.yieldRho;
        break;
    }
    greeks["vanna"] = g.vanna;
    greeks["volga"] = g.volga;
    out["greeks"] = std::move(greeks);
  }
  return out;
}

ordered_json toJson(const ImpliedVolatility& result) {
  ordered_json out;
  out["volatility"] = result.volatility;
  out["iterations"] = result.iterations;
  return out;
}

Result<ordered_json> runJson(JsonCommand command, const json& request) {
  if (!request.is_array()) return runOne(command, request);
  auto indexed = [](std::size_t i, const Error& e) {
    return makeError(e.field.empty() ? fmt::format("[{}]", i) : fmt::format("[{}].{}", i, e.field), e.message);
  };
  ordered_json out = ordered_json::array();
  if (command == JsonCommand::Price) {
    // Parse the whole batch first, then price it with the one batch call.
    std::vector<OptionSpec> options;
    options.reserve(request.size());
    for (std::size_t i = 0; i < request.size(); ++i) {
      auto option = optionFromJson(request[i]);
      if (!option) return indexed(i, option.error());
      options.push_back(*option);
    }
    auto valuations = priceBatch(options);
    if (!valuations) return valuations.error();  // already indexed by priceBatch
    for (std::size_t i = 0; i < options.size(); ++i) out.push_back(toJson(options[i], (*valuations)[i]));
    return out;
  }
  for (std::size_t i = 0; i < request.size(); ++i) {
    auto one = runOne(command, request[i]);
    if (!one) return indexed(i, one.error());
    out.push_back(std::move(one).value());
  }
  return out;
}

JsonReply handleJsonRequest(JsonCommand command, std::string_view request) {
  return handleJson(command == JsonCommand::Price ? analyticsCommands()[0].handler : analyticsCommands()[1].handler,
                    request);
}

JsonReply handleJson(JsonHandler handler, std::string_view request) {
  try {
    json parsed;
    try {
      parsed = json::parse(request);
    } catch (const json::exception& e) {  // syntax errors, and numbers out of range (1e999)
      return JsonReply{false, errorBody("invalid_json", makeError("", e.what()))};
    }
    auto result = handler(parsed);
    if (!result) return JsonReply{false, errorBody("invalid_request", result.error())};
    return JsonReply{true, result->dump(-1, ' ', false, ordered_json::error_handler_t::replace)};
  } catch (const std::exception& e) {  // e.g. bad_alloc, or a bug: still one JSON answer
    return JsonReply{false, errorBody("internal_error", makeError("", e.what()))};
  }
}

}  // namespace alphintra::analytics
