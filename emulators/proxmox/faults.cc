#include "emulators/proxmox/faults.h"

#include <fmt/format.h>

namespace pve_emu {

using nlohmann::json;

util::Result<void> FaultInjector::configure(const json& doc) {
  if (!doc.is_object()) {
    return util::Error::invalid_input("faults: expected a JSON object");
  }
  static const char* const kKnown[] = {"error_rate",        "error_burst",      "drop_rate",
                                       "task_failure_rate", "slow_task_factor", "lock_contention_rate",
                                       "seed"};
  for (const auto& [key, value] : doc.items()) {
    bool known = false;
    for (const char* k : kKnown) {
      known = known || key == k;
    }
    if (!known || !value.is_number()) {
      return util::Error::invalid_input(
          fmt::format("faults: unknown or non-numeric key \"{}\"", key))
          .with_hint("keys: error_rate, error_burst, drop_rate, task_failure_rate, "
                     "slow_task_factor, lock_contention_rate, seed");
    }
  }
  FaultSettings s;
  s.error_rate = doc.value("error_rate", 0.0);
  s.error_burst = doc.value("error_burst", 0);
  s.drop_rate = doc.value("drop_rate", 0.0);
  s.task_failure_rate = doc.value("task_failure_rate", 0.0);
  s.slow_task_factor = doc.value("slow_task_factor", 1.0);
  s.lock_contention_rate = doc.value("lock_contention_rate", 0.0);
  std::lock_guard lock(mutex_);
  settings_ = s;
  if (doc.contains("seed")) {
    random_.seed(doc["seed"].get<unsigned long long>());
  }
  return {};
}

json FaultInjector::describe() const {
  std::lock_guard lock(mutex_);
  return {{"error_rate", settings_.error_rate},
          {"error_burst", settings_.error_burst},
          {"drop_rate", settings_.drop_rate},
          {"task_failure_rate", settings_.task_failure_rate},
          {"slow_task_factor", settings_.slow_task_factor},
          {"lock_contention_rate", settings_.lock_contention_rate}};
}

FaultSettings FaultInjector::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

bool FaultInjector::roll(double probability) {
  if (probability <= 0) {
    return false;
  }
  return std::uniform_real_distribution<double>(0, 1)(random_) < probability;
}

std::optional<int> FaultInjector::take_error_status() {
  std::lock_guard lock(mutex_);
  if (settings_.error_burst > 0) {
    --settings_.error_burst;
    return 503;
  }
  if (roll(settings_.error_rate)) {
    return roll(0.5) ? 500 : 503;
  }
  return std::nullopt;
}

bool FaultInjector::take_drop() {
  std::lock_guard lock(mutex_);
  return roll(settings_.drop_rate);
}

bool FaultInjector::take_task_failure() {
  std::lock_guard lock(mutex_);
  return roll(settings_.task_failure_rate);
}

bool FaultInjector::take_lock_contention() {
  std::lock_guard lock(mutex_);
  return roll(settings_.lock_contention_rate);
}

}  // namespace pve_emu
