// `alphintra analytics price` and `alphintra analytics implied-vol`: read one JSON request on
// stdin, write one JSON response line on stdout. A bad request is answered on stdout too, with
// {"error":{"code","field","message"}}, and exit code 2, so a client always reads one JSON
// document from stdout and learns from the exit code whether it is an answer or an error.
// Schemas: docs/analytics.md.
#include <fmt/format.h>

#include <iostream>
#include <iterator>
#include <string>

#include "analytics/json_api.hpp"
#include "app/commands.hpp"

namespace alphintra::app {
namespace {

int runAnalytics(analytics::JsonCommand command) {
  const std::string request{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  const analytics::JsonReply reply = analytics::handleJsonRequest(command, request);
  fmt::print("{}\n", reply.body);
  return reply.ok ? 0 : 2;
}

}  // namespace

void addAnalyticsCommand(CLI::App& app) {
  auto* analytics = app.add_subcommand(
      "analytics", "Option pricing, Greeks and implied volatility: a JSON request on stdin, the response on stdout");
  analytics->require_subcommand(1);
  analytics->footer(
      "Errors: {\"error\":{\"code\",\"field\",\"message\"}} on stdout and exit code 2. Schemas: docs/analytics.md");
  auto* priceCommand = analytics->add_subcommand(
      "price",
      "Price one option {\"model\",\"type\",\"spot\",\"strike\",\"expiry\",\"rate\",\"volatility\",...} or a "
      "batch (an array of them): price and Greeks");
  priceCommand->callback([] { setExitCode(runAnalytics(analytics::JsonCommand::Price)); });
  auto* impliedVol = analytics->add_subcommand(
      "implied-vol", "Implied volatility of a European option from its \"price\" (or of a batch: an array)");
  impliedVol->callback([] { setExitCode(runAnalytics(analytics::JsonCommand::ImpliedVol)); });
}

}  // namespace alphintra::app
