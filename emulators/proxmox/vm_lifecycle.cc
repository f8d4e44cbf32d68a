#include "emulators/proxmox/vm_lifecycle.h"

#include <thread>

#include <fmt/format.h>

#include "emulators/proxmox/property_string.h"
#include "emulators/proxmox/vm_drives.h"
#include "emulators/proxmox/vm_view.h"

namespace pve_emu {

std::string config_missing_text(const std::string& node, int vmid) {
  return fmt::format("Configuration file 'nodes/{}/qemu-server/{}.conf' does not exist", node,
                     vmid);
}

std::string lock_timeout_text(int vmid) {
  return fmt::format("can't lock file '/var/lock/qemu-server/lock-{}.conf' - got timeout", vmid);
}

Vm* find_vm(Emulator& emu, const std::string& node, int vmid) {
  auto it = emu.cluster.vms.find(vmid);
  if (it == emu.cluster.vms.end() || it->second.node != node) {
    return nullptr;
  }
  return &it->second;
}

namespace {

// Takes the flock within `timeout_s` emulated seconds (or fails as under contention when fault
// injection says so). Returns the held lock, or nullopt on timeout.
std::optional<std::unique_lock<std::timed_mutex>> acquire_flock(
    Emulator& emu, std::shared_ptr<std::timed_mutex> m, double timeout_s) {
  if (emu.faults.take_lock_contention()) {
    std::this_thread::sleep_for(emu.scaled(timeout_s));
    return std::nullopt;
  }
  std::unique_lock<std::timed_mutex> lock(*m, std::defer_lock);
  if (!lock.try_lock_for(emu.scaled(timeout_s))) {
    return std::nullopt;
  }
  return lock;
}

}  // namespace

VmFlock lock_vm(Emulator& emu, const std::string& node, int vmid) {
  std::shared_ptr<std::timed_mutex> flock;
  {
    std::lock_guard lock(emu.cluster.mutex);
    Vm* vm = find_vm(emu, node, vmid);
    if (vm == nullptr) {
      return {std::nullopt, config_missing_text(node, vmid)};
    }
    flock = vm->flock;
  }
  auto held = acquire_flock(emu, flock, 10);
  if (!held) {
    return {std::nullopt, lock_timeout_text(vmid)};
  }
  return {std::move(held), ""};
}

void apply_pending(Vm& vm) {
  for (const auto& [key, value] : vm.pending) {
    vm.config[key] = value;
  }
  for (const std::string& key : vm.pending_delete) {
    vm.config.erase(key);
  }
  vm.pending.clear();
  vm.pending_delete.clear();
}

namespace {

std::optional<TalosNodeSpec> talos_spec(Emulator& emu, const Vm& vm, std::string* why_not) {
  auto ipconfig = vm.config.find("ipconfig0");
  const std::string ip = ipconfig == vm.config.end()
                             ? ""
                             : parse_property_string(ipconfig->second, "").value.get("ip").value_or("");
  if (ip.empty() || ip == "dhcp") {
    *why_not = "no static ipconfig0 address";
    return std::nullopt;
  }
  std::optional<BootImage> image = vm_boot_image(emu.cluster, vm);
  if (!image) {
    *why_not = "no Talos boot image attached";
    return std::nullopt;
  }
  TalosNodeSpec spec;
  spec.address = ip.substr(0, ip.find('/'));
  auto smbios = vm.config.find("smbios1");
  if (smbios != vm.config.end()) {
    spec.uuid = parse_property_string(smbios->second, "").value.get("uuid").value_or("");
  }
  spec.memory_mib = memory_mib(vm);
  spec.disk_gib = boot_disk_bytes(vm) >> 30;
  spec.talos_version = image->version;
  spec.schematic_id = image->schematic;
  spec.extensions = image->extensions;
  spec.platform = image->platform;
  return spec;
}

std::string ipconfig_address(const Vm& vm) {
  auto ipconfig = vm.config.find("ipconfig0");
  if (ipconfig == vm.config.end()) {
    return "";
  }
  const std::string ip = parse_property_string(ipconfig->second, "").value.get("ip").value_or("");
  return ip == "dhcp" ? "" : ip.substr(0, ip.find('/'));
}

}  // namespace

std::string start_vm(Emulator& emu, TaskContext& ctx, const std::string& node, int vmid) {
  VmFlock flock = lock_vm(emu, node, vmid);
  if (!flock.held) {
    return flock.error;
  }
  std::optional<TalosNodeSpec> spec;
  std::string why_not;
  {
    std::lock_guard lock(emu.cluster.mutex);
    Vm* vm = find_vm(emu, node, vmid);
    if (vm == nullptr) {
      return config_missing_text(node, vmid);
    }
    if (!vm->lock().empty()) {
      return fmt::format("VM is locked ({})", vm->lock());
    }
    if (vm->running) {
      return fmt::format("VM {} already running", vmid);
    }
    if (vm->config.contains("template") && vm->config["template"] == "1") {
      return "you can't start a vm if it's a template";
    }
    apply_pending(*vm);
    if (emu.talos) {
      spec = talos_spec(emu, *vm, &why_not);
    }
  }
  ctx.log(fmt::format("generating cloud-init ISO"));
  if (!ctx.sleep(1)) {
    return "interrupted by signal";
  }
  if (emu.talos) {
    if (!spec) {
      ctx.warn(fmt::format("talos emulator: node not powered on ({})", why_not));
    } else if (util::Result<void> on = emu.talos->power_on(*spec); !on.ok()) {
      std::lock_guard lock(emu.counters.mutex);
      ++emu.counters.talos_link_errors;
      ctx.warn(on.error().message);
    }
  }
  std::lock_guard lock(emu.cluster.mutex);
  Vm* vm = find_vm(emu, node, vmid);
  if (vm == nullptr) {
    return config_missing_text(node, vmid);
  }
  vm->running = true;
  vm->qmpstatus = "running";
  vm->started_at = now_epoch();
  vm->booted_at = std::chrono::steady_clock::now();
  return "";
}

std::string stop_vm(Emulator& emu, TaskContext& ctx, const std::string& node, int vmid,
                    double duration_s) {
  VmFlock flock = lock_vm(emu, node, vmid);
  if (!flock.held) {
    return flock.error;
  }
  std::string address;
  {
    std::lock_guard lock(emu.cluster.mutex);
    Vm* vm = find_vm(emu, node, vmid);
    if (vm == nullptr) {
      return config_missing_text(node, vmid);
    }
    if (!vm->lock().empty()) {
      return fmt::format("VM is locked ({})", vm->lock());
    }
    if (!vm->running) {
      return "";
    }
    address = ipconfig_address(*vm);
  }
  if (!ctx.sleep(duration_s)) {
    return "interrupted by signal";
  }
  if (emu.talos && !address.empty()) {
    if (util::Result<void> off = emu.talos->power_off(address); !off.ok()) {
      std::lock_guard lock(emu.counters.mutex);
      ++emu.counters.talos_link_errors;
      ctx.warn(off.error().message);
    }
  }
  std::lock_guard lock(emu.cluster.mutex);
  Vm* vm = find_vm(emu, node, vmid);
  if (vm != nullptr) {
    vm->running = false;
    vm->qmpstatus = "stopped";
    vm->started_at = 0;
    apply_pending(*vm);
  }
  return "";
}

}  // namespace pve_emu
