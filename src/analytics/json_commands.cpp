// The table of analytics commands: each JSON command of the module, by name. The CLI
// (`alphintra analytics NAME`) and the HTTP API expose exactly this list.
#include <array>

#include "analytics/json_api.hpp"

namespace alphintra::analytics {

std::span<const AnalyticsCommand> analyticsCommands() {
  static constexpr std::array kCommands{
      AnalyticsCommand{"price", "Price one option (or a batch: an array) with its Greeks",
                       [](const nlohmann::json& r) { return runJson(JsonCommand::Price, r); }},
      AnalyticsCommand{"implied-vol", "Implied volatility of a European option from its price (or of a batch)",
                       [](const nlohmann::json& r) { return runJson(JsonCommand::ImpliedVol, r); }},
  };
  return kCommands;
}

}  // namespace alphintra::analytics
