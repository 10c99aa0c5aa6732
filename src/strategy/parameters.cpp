#include "strategy/parameters.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace alphintra::strategy {

namespace {

Error bad(std::string_view name, std::string_view value, std::string_view why) {
  return makeError("param." + std::string(name), "value '" + std::string(value) + "' " + std::string(why));
}

}  // namespace

Result<Parameters> Parameters::parse(const std::vector<std::string>& items) {
  Parameters p;
  for (const std::string& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return makeError("param", "'" + item + "' is not of the form name=value");
    }
    p.set(item.substr(0, eq), item.substr(eq + 1));
  }
  return p;
}

const std::string* Parameters::find(std::string_view name) const {
  read_.insert(std::string(name));
  const auto it = values_.find(std::string(name));
  return it == values_.end() ? nullptr : &it->second;
}

Result<std::int64_t> Parameters::integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                                         std::int64_t max) const {
  const std::string* v = find(name);
  if (v == nullptr) return fallback;
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{} || end != v->data() + v->size()) return bad(name, *v, "is not an integer");
  if (out < min || out > max) {
    return bad(name, *v, "is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return out;
}

Result<double> Parameters::number(std::string_view name, double fallback, double min, double max) const {
  const std::string* v = find(name);
  if (v == nullptr) return fallback;
  if (v->empty()) return bad(name, *v, "is not a number");
  char* end = nullptr;
  errno = 0;
  const double out = std::strtod(v->c_str(), &end);
  if (end != v->c_str() + v->size() || errno != 0 || !std::isfinite(out)) return bad(name, *v, "is not a number");
  if (out < min || out > max) {
    return bad(name, *v, "is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return out;
}

Result<bool> Parameters::boolean(std::string_view name, bool fallback) const {
  const std::string* v = find(name);
  if (v == nullptr) return fallback;
  if (*v == "true" || *v == "1" || *v == "yes") return true;
  if (*v == "false" || *v == "0" || *v == "no") return false;
  return bad(name, *v, "is not a boolean (true/false)");
}

Result<std::string> Parameters::text(std::string_view name, std::string fallback) const {
  const std::string* v = find(name);
  return v == nullptr ? fallback : *v;
}

std::vector<std::string> Parameters::unused() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : values_) {
    if (read_.find(name) == read_.end()) out.push_back(name);
  }
  return out;
}

std::string Parameters::describe() const {
  std::string out;
  for (const auto& [name, value] : values_) {
    if (!out.empty()) out += ',';
    out += name + '=' + value;
  }
  return out;
}

}  // namespace alphintra::strategy
