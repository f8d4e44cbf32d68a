#include "emulators/talos/timing.h"

#include <algorithm>

namespace talos_emu {

std::chrono::microseconds Timing::scaled(Seconds unscaled, double extra_factor) const {
  const double micros = unscaled.count() * time_scale * extra_factor * 1e6;
  return std::chrono::microseconds(static_cast<long long>(std::max(1000.0, micros)));
}

}  // namespace talos_emu
