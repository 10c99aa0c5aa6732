// `alphintra analytics NAME`: reads one JSON request on stdin and writes one JSON response line
// on stdout, for every command of analytics::analyticsCommands(). A bad request is answered on
// stdout too, with {"error":{"code","field","message"}}, and exit code 2, so a client always
// reads one JSON document from stdout and learns from the exit code whether it is an answer or
// an error. Schemas: docs/analytics*.md.
#include <fmt/format.h>

#include <iostream>
#include <iterator>
#include <string>

#include "analytics/json_api.hpp"
#include "app/commands.hpp"

namespace alphintra::app {
namespace {

int runAnalytics(analytics::JsonHandler handler) {
  const std::string request{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  const analytics::JsonReply reply = analytics::handleJson(handler, request);
  fmt::print("{}\n", reply.body);
  return reply.ok ? 0 : 2;
}

}  // namespace

void addAnalyticsCommand(CLI::App& app) {
  auto* analytics =
      app.add_subcommand("analytics", "Quant analytics: a JSON request on stdin, the JSON response on stdout");
  analytics->require_subcommand(1);
  analytics->footer(
      "Errors: {\"error\":{\"code\",\"field\",\"message\"}} on stdout and exit code 2. Schemas: docs/analytics.md");
  for (const analytics::AnalyticsCommand& command : analytics::analyticsCommands()) {
    auto* sub = analytics->add_subcommand(std::string{command.name}, std::string{command.summary});
    sub->callback([handler = command.handler] { setExitCode(runAnalytics(handler)); });
  }
}

}  // namespace alphintra::app
