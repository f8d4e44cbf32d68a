// What the emulator counts for tests and benchmarks (admin API GET /v1/counters).
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace talos_emu {

class Counters {
 public:
  void bootstrap_call() { add(&bootstrap_calls_); }
  void apply_call(const std::string& node) {
    std::lock_guard lock(mu_);
    ++apply_calls_[node];
  }
  void upgrade() { add(&upgrades_); }
  void upgrade_fallback() { add(&upgrade_fallbacks_); }
  // An upgrade started while the node still ran pods a drain would have evicted.
  void undrained_upgrade() { add(&undrained_upgrades_); }
  void reboot() { add(&reboots_); }
  void reset() { add(&resets_); }
  void rpc_call(const std::string& method) {
    std::lock_guard lock(mu_);
    ++rpc_calls_[method];
  }

  struct Values {
    int bootstrap_calls = 0;
    std::map<std::string, int> apply_calls;  // node address → calls
    int upgrades = 0;
    int upgrade_fallbacks = 0;
    int reboots = 0;
    int resets = 0;
    std::map<std::string, int> rpc_calls;  // gRPC method path → calls received, on any node
    int undrained_upgrades = 0;
  };
  Values values() const {
    std::lock_guard lock(mu_);
    return {bootstrap_calls_, apply_calls_, upgrades_,  upgrade_fallbacks_,
            reboots_,         resets_,      rpc_calls_, undrained_upgrades_};
  }

 private:
  void add(int* counter) {
    std::lock_guard lock(mu_);
    ++*counter;
  }
  mutable std::mutex mu_;
  int bootstrap_calls_ = 0;
  std::map<std::string, int> apply_calls_;
  int upgrades_ = 0;
  int upgrade_fallbacks_ = 0;
  int reboots_ = 0;
  int resets_ = 0;
  std::map<std::string, int> rpc_calls_;
  int undrained_upgrades_ = 0;
};

}  // namespace talos_emu
