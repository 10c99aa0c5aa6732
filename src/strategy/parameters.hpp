// Parameters: a strategy's settings as name → text, as given by `--param k=v` or a TOML table,
// read with typed getters that check ranges. Every getter records the name it was asked for,
// so that unused() can name a parameter nobody reads (a typo) instead of ignoring it.
//
// Errors name the parameter ("param.fast") and say what was wrong with the value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace alphintra::strategy {

class Parameters {
 public:
  Parameters() = default;
  // From "k=v" items; an item without '=' or with an empty name is an error naming it.
  static Result<Parameters> parse(const std::vector<std::string>& items);

  void set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }
  bool has(std::string_view name) const { return values_.find(std::string(name)) != values_.end(); }
  const std::map<std::string, std::string>& values() const noexcept { return values_; }

  Result<std::int64_t> integer(std::string_view name, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  Result<double> number(std::string_view name, double fallback, double min, double max) const;
  Result<bool> boolean(std::string_view name, bool fallback) const;
  Result<std::string> text(std::string_view name, std::string fallback) const;

  // Parameters given but never read by the strategy, sorted.
  std::vector<std::string> unused() const;

  // "fast=10,slow=30": canonical text (sorted by name), for tables and file names.
  std::string describe() const;

 private:
  const std::string* find(std::string_view name) const;

  std::map<std::string, std::string> values_;
  mutable std::set<std::string, std::less<>> read_;
};

}  // namespace alphintra::strategy
