// The local lab: the Image Factory, Talos and Proxmox VE emulators started as background
// processes, wired to each other, plus a ready cluster.yaml and the token secret in an env file.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "lab/lab_state.h"
#include "util/result.h"

namespace lab {

struct LabOptions {
  std::string dir = "lab";
  std::string emulator_dir;  // where factory-emulator, talos-emulator, proxmox-emulator live
  int pve_nodes = 2;
  int subnet = 0;  // nodes on 127.10.<subnet>.0/24
  std::string pve_version = "8.4";
  double time_scale = 0.05;
  std::string faults = "none";  // none | flaky | slow
  std::chrono::milliseconds ready_timeout{std::chrono::seconds(30)};
};

inline constexpr const char* kLabTokenId = "talforge@pve!lab";
inline constexpr const char* kLabTokenEnv = "PROXMOX_TOKEN_SECRET";

// Conflict when a lab already runs in options.dir. On failure nothing started is left running.
util::Result<LabState> lab_up(const LabOptions& options, std::ostream& progress);

// Stops what lab_up started (only processes that are still the recorded executables).
util::Result<void> lab_down(const std::string& dir, std::ostream& progress);

// One line per emulator and per emulated Talos node.
util::Result<std::string> lab_status(const std::string& dir);

}  // namespace lab
