// Exponential backoff between retries or polls: initial, multiplied by `growth` each attempt,
// capped at max.
#pragma once

#include <algorithm>
#include <chrono>

namespace util {

struct Backoff {
  std::chrono::milliseconds initial{250};
  std::chrono::milliseconds max{4000};
  double growth = 2.0;

  // Delay before retry number `attempt` (1 = the first retry).
  std::chrono::milliseconds delay(int attempt) const {
    double d = static_cast<double>(initial.count());
    for (int i = 1; i < attempt && d < static_cast<double>(max.count()); ++i) {
      d *= growth;
    }
    return std::min(std::chrono::milliseconds(static_cast<long long>(d)), max);
  }
};

}  // namespace util
