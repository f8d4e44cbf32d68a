// TALFORGE_ASSERT — invariants of our own code; aborts with file:line. Never for peer input.
#pragma once

namespace util {
[[noreturn]] void assertion_failed(const char* expr, const char* file, int line);
}

#define TALFORGE_ASSERT(expr)                              \
  do {                                                     \
    if (!(expr)) {                                         \
      ::util::assertion_failed(#expr, __FILE__, __LINE__); \
    }                                                      \
  } while (false)
