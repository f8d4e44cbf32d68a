// Exponential backoff between retries: initial, doubled each attempt, capped.
#pragma once

#include <algorithm>
#include <chrono>

namespace util {

struct Backoff {
  std::chrono::milliseconds initial{250};
  std::chrono::milliseconds max{4000};

  // Delay before retry number `attempt` (1 = the first retry).
  std::chrono::milliseconds delay(int attempt) const {
    std::chrono::milliseconds d = initial;
    for (int i = 1; i < attempt && d < max; ++i) {
      d *= 2;
    }
    return std::min(d, max);
  }
};

}  // namespace util
