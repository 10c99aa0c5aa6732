#include "app/serve_config.hpp"

#include <fmt/format.h>

#include <cctype>
#include <vector>

#include "core/toml_parser.hpp"
#include "core/toml_text.hpp"

namespace alphintra::app {
namespace {

// A TOML scalar as the text CLI11 would have read on the command line.
std::optional<std::string> scalarText(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* f = node.as_floating_point()) return fmt::format("{}", f->get());
  return std::nullopt;
}

}  // namespace

void addConfigOptions(CLI::App& cmd, std::string& configPath) {
  for (CLI::Option* option : cmd.get_options()) {
    const std::string& name = option->get_single_name();
    if (name.empty() || name == "help") continue;
    std::string env = "ALPHINTRA_";
    for (const char c : name) env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    option->envname(env);
  }
  cmd.add_option("--config", configPath,
                 "TOML file of options: keys are the long option names (port = 8080, data-dir = \"/srv/alphintra\", "
                 "fix-session = [\"A:B:1\"]); ALPHINTRA_<NAME> variables and the command line override it")
      ->envname("ALPHINTRA_CONFIG");
}

std::optional<Error> applyConfigFile(CLI::App& cmd, const std::string& configPath) {
  if (configPath.empty()) return std::nullopt;
  auto source = readTomlText(configPath);
  if (!source) return source.error();
  toml::table table;
  try {
    table = toml::parse(source.value(), configPath);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    return makeError("config", fmt::format("{}:{}:{}: {}", configPath, at.line, at.column, e.description()));
  }
  for (const auto& [key, node] : table) {
    const std::string name{key.str()};
    const auto fail = [&](const std::string& why) {
      return makeError(name, fmt::format("{}: {}: {}", configPath, name, why));
    };
    CLI::Option* option = name == "config" || name == "help" ? nullptr : cmd.get_option_no_throw("--" + name);
    if (option == nullptr) return fail("unknown option (the keys are serve's long option names; see --help)");
    if (option->count() > 0) continue;  // the command line or the environment set it
    std::vector<std::string> values;
    if (const auto* array = node.as_array()) {
      if (option->get_items_expected_max() <= 1 && !option->get_allow_extra_args() && option->get_expected_max() <= 1)
        return fail("takes one value, not an array");
      for (const auto& element : *array) {
        auto text = scalarText(element);
        if (!text) return fail("array elements must be strings, numbers or booleans");
        values.push_back(std::move(*text));
      }
    } else {
      auto text = scalarText(node);
      if (!text) return fail("must be a string, number or boolean, not a table");
      values.push_back(std::move(*text));
    }
    try {
      for (const auto& v : values) option->add_result(v);
      option->run_callback();
    } catch (const CLI::Error& e) {
      return fail(e.what());
    }
  }
  return std::nullopt;
}

}  // namespace alphintra::app
