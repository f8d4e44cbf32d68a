// Steps shared by several VM endpoints: the not-found text, flock acquisition with PVE's timeout
// text, and the start/stop effects (including the Talos emulator link).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "emulators/proxmox/emulator.h"

namespace pve_emu {

std::string config_missing_text(const std::string& node, int vmid);
std::string lock_timeout_text(int vmid);

// The VM on `node` (caller holds cluster.mutex), or nullptr.
Vm* find_vm(Emulator& emu, const std::string& node, int vmid);

// The VM's flock taken within PVE's 10 s (proxmox.md §3.2), or — when `held` is empty — PVE's
// error text: the config does not exist on `node`, or the lock timed out.
struct VmFlock {
  std::optional<std::unique_lock<std::timed_mutex>> held;
  std::string error;
};
VmFlock lock_vm(Emulator& emu, const std::string& node, int vmid);

// Task bodies (run on task threads; they take cluster.mutex themselves). "" = success.
std::string start_vm(Emulator& emu, TaskContext& ctx, const std::string& node, int vmid);
std::string stop_vm(Emulator& emu, TaskContext& ctx, const std::string& node, int vmid,
                    double duration_s);
// Moves pending changes into the config (stopped VM or restart).
void apply_pending(Vm& vm);

}  // namespace pve_emu
