// util::Result<T> — a value or an Error; how failures from outside the program travel (STYLE.md).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "util/assert.h"

namespace util {

enum class ErrorCode {
  InvalidInput,   // the user's input is wrong; never retried
  NotFound,       // a file, node, VM or resource does not exist
  AlreadyExists,  // creating something that is there already
  Conflict,       // the world is in a state that forbids the action
  PermissionDenied,
  Unavailable,  // transient: a peer did not answer; retried by the engine
  Timeout,      // a wait ran out; retried by the engine where idempotent
  Io,           // local filesystem failure
  Internal,     // a bug of ours or a peer answer we cannot interpret
};

const char* error_code_name(ErrorCode code);

// Error says what failed (message), what to do next (hint) and where (context, outermost last).
struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
  std::string hint;
  std::vector<std::string> context;

  static Error invalid_input(std::string message) {
    return {ErrorCode::InvalidInput, std::move(message)};
  }
  static Error not_found(std::string message) { return {ErrorCode::NotFound, std::move(message)}; }
  static Error already_exists(std::string message) {
    return {ErrorCode::AlreadyExists, std::move(message)};
  }
  static Error conflict(std::string message) { return {ErrorCode::Conflict, std::move(message)}; }
  static Error unavailable(std::string message) {
    return {ErrorCode::Unavailable, std::move(message)};
  }
  static Error timeout(std::string message) { return {ErrorCode::Timeout, std::move(message)}; }
  static Error io(std::string message) { return {ErrorCode::Io, std::move(message)}; }
  static Error internal(std::string message) { return {ErrorCode::Internal, std::move(message)}; }

  Error&& with_hint(std::string h) && {
    hint = std::move(h);
    return std::move(*this);
  }
  Error&& with_context(std::string c) && {
    context.push_back(std::move(c));
    return std::move(*this);
  }
  Error& with_context(std::string c) & {
    context.push_back(std::move(c));
    return *this;
  }

  // "context: context: message" — outermost context first, as a reader expects.
  std::string describe() const;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    TALFORGE_ASSERT(ok());
    return std::get<0>(data_);
  }
  const T& value() const& {
    TALFORGE_ASSERT(ok());
    return std::get<0>(data_);
  }
  T&& value() && {
    TALFORGE_ASSERT(ok());
    return std::get<0>(std::move(data_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    TALFORGE_ASSERT(!ok());
    return std::get<1>(data_);
  }
  Error&& error() && {
    TALFORGE_ASSERT(!ok());
    return std::get<1>(std::move(data_));
  }

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    TALFORGE_ASSERT(!ok());
    return *error_;
  }
  Error&& error() && {
    TALFORGE_ASSERT(!ok());
    return std::move(*error_);
  }

 private:
  std::optional<Error> error_;
};

}  // namespace util

#define TALFORGE_CONCAT_INNER(a, b) a##b
#define TALFORGE_CONCAT(a, b) TALFORGE_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                     \
  do {                                            \
    auto&& talforge_status_ = (expr);             \
    if (!talforge_status_.ok()) {                 \
      return std::move(talforge_status_).error(); \
    }                                             \
  } while (false)

#define TALFORGE_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) {                                      \
    return std::move(tmp).error();                      \
  }                                                     \
  decl = std::move(tmp).value()

#define ASSIGN_OR_RETURN(decl, expr) \
  TALFORGE_ASSIGN_OR_RETURN_IMPL(TALFORGE_CONCAT(talforge_result_, __LINE__), decl, expr)
