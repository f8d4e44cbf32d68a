// Error naming and formatting, plus the assertion handler.
#include "util/result.h"

#include <cstdio>
#include <cstdlib>

namespace util {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidInput:
      return "invalid input";
    case ErrorCode::NotFound:
      return "not found";
    case ErrorCode::AlreadyExists:
      return "already exists";
    case ErrorCode::Conflict:
      return "conflict";
    case ErrorCode::PermissionDenied:
      return "permission denied";
    case ErrorCode::Unavailable:
      return "unavailable";
    case ErrorCode::Timeout:
      return "timeout";
    case ErrorCode::Io:
      return "i/o error";
    case ErrorCode::Internal:
      return "internal error";
  }
  return "error";
}

std::string Error::describe() const {
  std::string out;
  for (auto it = context.rbegin(); it != context.rend(); ++it) {
    out += *it;
    out += ": ";
  }
  out += message;
  return out;
}

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "talforge: internal assertion failed: %s at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace util
