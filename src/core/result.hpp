// Result<T>: a value or an Error, for the edges of the system (text, files, config, HTTP).
// An Error names the field that was wrong and says why, so a client can act on it.
// Hot paths use [[nodiscard]] enum codes instead (see book/types.hpp).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace alphintra {

struct Error {
  std::string field;    // which input was wrong, e.g. "price"; empty when not about one field
  std::string message;  // why, in words a user understands, naming the value and the rule
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

inline Error makeError(std::string field, std::string message) { return Error{std::move(field), std::move(message)}; }

}  // namespace alphintra
