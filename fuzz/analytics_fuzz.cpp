// Fuzz target: the analytics commands' JSON edge (`alphintra analytics NAME`, POST
// /api/v1/analytics/NAME). The input is lines "NAME JSON"; a line naming no command goes whole to
// the command its first byte picks. Whatever the request: no crash, one JSON answer,
// and never an internal_error (an exception escaping a command means a check is missing at
// the edge: bad sizes, non-finite numbers, impossible constraints must be refused naming the
// field).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "analytics/json_api.hpp"
#include "fuzz/fuzz_input.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view detail, std::string_view answer) {
  std::fprintf(stderr, "analytics_fuzz: %s: %.*s\nanswer: %.*s\n", what, static_cast<int>(detail.size()), detail.data(),
               static_cast<int>(answer.size()), answer.data());
  std::abort();
}

void run(std::string_view line) {
  const auto commands = alphintra::analytics::analyticsCommands();
  const std::size_t space = line.find(' ');
  const std::string_view name = line.substr(0, space);
  const std::string_view request = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
  const alphintra::analytics::AnalyticsCommand* command = nullptr;
  for (const auto& c : commands) {
    if (c.name == name) command = &c;
  }
  if (command == nullptr) {
    if (line.empty()) return;
    command = &commands[static_cast<unsigned char>(line[0]) % commands.size()];
  }
  const auto reply = alphintra::analytics::handleJson(command->handler, request);
  if (!nlohmann::json::accept(reply.body)) fail("an answer that is not JSON", line, reply.body);
  if (!reply.ok && reply.body.find("\"internal_error\"") != std::string::npos)
    fail("an internal error", line, reply.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (const std::string_view line : alphintra::fuzz::lines(data, size)) run(line);
  return 0;
}
