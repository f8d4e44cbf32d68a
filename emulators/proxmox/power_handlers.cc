// VM power actions, status/current and destroy (proxmox.md §2.11, §2.12).
#include <fmt/format.h>

#include "emulators/proxmox/emulator.h"
#include "emulators/proxmox/vm_drives.h"
#include "emulators/proxmox/vm_lifecycle.h"
#include "emulators/proxmox/vm_view.h"

namespace pve_emu {
namespace {

using nlohmann::json;

// Sync part of every power action: the VM must exist on the node.
std::optional<Reply> require_vm(Emulator& emu, const Call& call, bool must_run) {
  std::lock_guard lock(emu.cluster.mutex);
  Vm* vm = find_vm(emu, call.node(), call.vmid());
  if (vm == nullptr) {
    return reply_error(500, config_missing_text(call.node(), call.vmid()));
  }
  if (must_run && !vm->running) {
    return reply_error(500, fmt::format("VM {} not running", call.vmid()));
  }
  return std::nullopt;
}

std::string failed_task_text(Emulator& emu) {
  return emu.faults.take_task_failure() ? "emulated failure (fault injection)" : "";
}

Reply status_current(Emulator& emu, const Call& call) {
  std::lock_guard lock(emu.cluster.mutex);
  Vm* vm = find_vm(emu, call.node(), call.vmid());
  if (vm == nullptr) {
    return reply_error(500, config_missing_text(call.node(), call.vmid()));
  }
  return reply_data(vm_status_json(*vm, true));
}

Reply power_task(Emulator& emu, const Call& call, const std::string& type, bool must_run,
                 std::function<std::string(Emulator&, TaskContext&, const std::string&, int)> body) {
  if (auto bad = require_vm(emu, call, must_run)) {
    return *bad;
  }
  const std::string node = call.node();
  const int vmid = call.vmid();
  const std::string injected = failed_task_text(emu);
  return reply_data(emu.tasks.start(node, type, std::to_string(vmid), call.who.token_id,
                                    [&emu, node, vmid, injected, body](TaskContext& ctx) {
                                      if (!injected.empty()) {
                                        ctx.log("emulated task failure");
                                        ctx.sleep(0.2);
                                        return injected;
                                      }
                                      return body(emu, ctx, node, vmid);
                                    }));
}

Reply start(Emulator& emu, const Call& call) {
  return power_task(emu, call, "qmstart", false, start_vm);
}

Reply stop(Emulator& emu, const Call& call) {
  return power_task(emu, call, "qmstop", false,
                    [](Emulator& e, TaskContext& ctx, const std::string& node, int vmid) {
                      return stop_vm(e, ctx, node, vmid, 0.5);
                    });
}

Reply shutdown(Emulator& emu, const Call& call) {
  return power_task(emu, call, "qmshutdown", false,
                    [](Emulator& e, TaskContext& ctx, const std::string& node, int vmid) {
                      return stop_vm(e, ctx, node, vmid, 2);
                    });
}

Reply reboot(Emulator& emu, const Call& call) {
  return power_task(emu, call, "qmreboot", true,
                    [](Emulator& e, TaskContext& ctx, const std::string& node, int vmid) {
                      std::string error = stop_vm(e, ctx, node, vmid, 1);
                      return error.empty() ? start_vm(e, ctx, node, vmid) : error;
                    });
}

Reply destroy(Emulator& emu, const Call& call) {
  const std::string node = call.node();
  const int vmid = call.vmid();
  {
    std::lock_guard lock(emu.cluster.mutex);
    Vm* vm = find_vm(emu, node, vmid);
    if (vm == nullptr) {
      return reply_error(500, config_missing_text(node, vmid));
    }
    if (vm->config.contains("protection") && vm->config["protection"] == "1") {
      return reply_error(500, fmt::format("can't remove VM {} - protection mode enabled", vmid));
    }
    if (vm->running) {
      return reply_error(500, fmt::format("VM {} is running - destroy failed", vmid));
    }
  }
  const bool unreferenced = call.flag("destroy-unreferenced-disks");
  const std::string injected = failed_task_text(emu);
  return reply_data(emu.tasks.start(
      node, "qmdestroy", std::to_string(vmid), call.who.token_id,
      [&emu, node, vmid, unreferenced, injected](TaskContext& ctx) {
        VmFlock flock = lock_vm(emu, node, vmid);
        if (!flock.held) {
          return flock.error;
        }
        if (!injected.empty()) {
          return injected;
        }
        {
          std::lock_guard lock(emu.cluster.mutex);
          Vm* vm = find_vm(emu, node, vmid);
          if (vm == nullptr) {
            return config_missing_text(node, vmid);
          }
          if (!vm->lock().empty()) {
            return fmt::format("VM is locked ({})", vm->lock());
          }
          std::vector<std::string> volumes = referenced_volumes(vm->config);
          for (const auto& [key, value] : vm->pending) {
            for (const std::string& v : referenced_volumes({{key, value}})) {
              volumes.push_back(v);
            }
          }
          for (const std::string& volid : volumes) {
            Volume* volume = emu.cluster.volume(node, volid);
            if (volume != nullptr && volume->vmid == vmid) {
              ctx.log(fmt::format("Removing image: 100% complete...done. ({})", volid));
              free_volumes(emu.cluster, node, {volid});
            }
          }
          if (unreferenced) {
            for (auto& [id, storage] : emu.cluster.nodes[node].storages) {
              std::erase_if(storage.volumes, [vmid](const auto& v) { return v.second.vmid == vmid; });
            }
          }
          vm->config = {{"lock", "destroyed"}};
        }
        ctx.sleep(0.5);
        std::lock_guard lock(emu.cluster.mutex);
        flock.held->unlock();
        emu.cluster.vms.erase(vmid);
        std::lock_guard counters(emu.counters.mutex);
        ++emu.counters.vms_destroyed;
        return std::string();
      }));
}

}  // namespace

void register_power_handlers(HandlerTable& table) {
  table[{"GET", "/nodes/{node}/qemu/{vmid}/status/current"}] = status_current;
  table[{"POST", "/nodes/{node}/qemu/{vmid}/status/start"}] = start;
  table[{"POST", "/nodes/{node}/qemu/{vmid}/status/stop"}] = stop;
  table[{"POST", "/nodes/{node}/qemu/{vmid}/status/shutdown"}] = shutdown;
  table[{"POST", "/nodes/{node}/qemu/{vmid}/status/reboot"}] = reboot;
  table[{"DELETE", "/nodes/{node}/qemu/{vmid}"}] = destroy;
}

}  // namespace pve_emu
