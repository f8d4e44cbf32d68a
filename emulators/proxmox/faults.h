// Fault injection for tests and the lab (emulator-only, POST /_emulator/faults): 5xx bursts,
// dropped connections, slow and failing tasks, lock contention. All off by default.
//
//   {"error_rate": 0.2, "error_burst": 3, "drop_rate": 0.05, "task_failure_rate": 0.1,
//    "slow_task_factor": 5, "lock_contention_rate": 0.1, "seed": 42}
#pragma once

#include <mutex>
#include <random>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace pve_emu {

struct FaultSettings {
  double error_rate = 0;           // fraction of API requests answered 500/503 before any effect
  int error_burst = 0;             // the next N API requests answer 503
  double drop_rate = 0;            // fraction of API requests whose connection is dropped
  double task_failure_rate = 0;    // fraction of tasks that end with an error
  double slow_task_factor = 1;     // multiplies task durations
  double lock_contention_rate = 0; // fraction of mutating calls that find the VM flock held
};

class FaultInjector {
 public:
  util::Result<void> configure(const nlohmann::json& doc);  // replaces all settings
  nlohmann::json describe() const;
  FaultSettings settings() const;

  std::optional<int> take_error_status();  // 500/503 when this request should fail
  bool take_drop();
  bool take_task_failure();
  bool take_lock_contention();

 private:
  bool roll(double probability);  // caller holds mutex_
  mutable std::mutex mutex_;
  FaultSettings settings_;
  std::mt19937_64 random_{0x5EED};
};

}  // namespace pve_emu
