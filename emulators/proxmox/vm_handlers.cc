// VM create, list, config read/update and resize (proxmox.md §2.6, §2.7, §2.9, §2.10).
#include <regex>

#include <fmt/format.h>

#include "emulators/proxmox/emulator.h"
#include "emulators/proxmox/permissions.h"
#include "emulators/proxmox/property_string.h"
#include "emulators/proxmox/vm_drives.h"
#include "emulators/proxmox/vm_lifecycle.h"
#include "emulators/proxmox/vm_options.h"
#include "emulators/proxmox/vm_view.h"

namespace pve_emu {
namespace {

using nlohmann::json;

// Parameters that steer the call rather than becoming config options.
const std::set<std::string> kControlParams = {
    "node", "vmid", "start", "storage", "pool", "archive", "force", "unique", "live-restore",
    "bwlimit", "import-working-storage", "digest", "skiplock", "background_delay", "delete",
    "revert", "ha-managed"};

std::map<std::string, std::string> option_params(const Call& call) {
  std::map<std::string, std::string> options;
  for (const auto& [key, value] : call.params) {
    if (!kControlParams.contains(key)) {
      options[key == "cdrom" ? "ide2" : key] =
          key == "cdrom" && value.find("media=") == std::string::npos ? value + ",media=cdrom"
                                                                       : value;
    }
  }
  return options;
}

Reply list_vms(Emulator& emu, const Call& call) {
  std::lock_guard lock(emu.cluster.mutex);
  json list = json::array();
  for (const auto& [vmid, vm] : emu.cluster.vms) {
    if (vm.node == call.node()) {
      list.push_back(vm_status_json(vm, call.flag("full")));
    }
  }
  return reply_data(list);
}

// Allocates drives and fills defaults; on error frees what was allocated.
std::optional<Reply> build_config(Emulator& emu, const Call& call,
                                  std::map<std::string, std::string>& options,
                                  std::vector<std::string>* allocated) {
  for (auto& [key, value] : options) {
    if (!is_disk_key(key)) {
      continue;
    }
    std::string stored;
    if (auto bad = prepare_drive(emu, {call, call.node(), call.vmid(), key, value}, &stored,
                                 allocated)) {
      free_volumes(emu.cluster, call.node(), *allocated);
      allocated->clear();
      return bad;
    }
    value = stored;
  }
  return std::nullopt;
}

Reply create_vm(Emulator& emu, const Call& call) {
  const int vmid = call.vmid();
  const std::string node = call.node();
  if (auto denied = require_privilege(call.who.privileges, fmt::format("/vms/{}", vmid),
                                      "VM.Allocate")) {
    return reply_error(403, *denied);
  }
  std::map<std::string, std::string> options = option_params(call);
  if (auto denied = check_option_privileges(call.who.privileges, vmid, options)) {
    return *denied;
  }
  if (emu.faults.take_lock_contention()) {
    std::this_thread::sleep_for(emu.scaled(5));
    return reply_error(500, fmt::format("unable to create VM {} - {}", vmid,
                                        lock_timeout_text(vmid)));
  }
  std::lock_guard lock(emu.cluster.mutex);
  if (auto existing = emu.cluster.vms.find(vmid); existing != emu.cluster.vms.end()) {
    return reply_error(500, fmt::format("unable to create VM {0} - VM {0} already exists on node "
                                        "'{1}'",
                                        vmid, existing->second.node));
  }
  std::vector<std::string> allocated;
  if (auto bad = build_config(emu, call, options, &allocated)) {
    return *bad;
  }
  add_create_defaults(options, emu.version.at_least(8, 1));
  Vm vm;
  vm.vmid = vmid;
  vm.node = node;
  vm.config["lock"] = "create";
  emu.cluster.vms[vmid] = vm;
  const bool start = call.flag("start");
  const bool imports = call.params.end() != std::find_if(call.params.begin(), call.params.end(),
                                                         [](const auto& p) {
                                                           return p.second.find("import-from") !=
                                                                  std::string::npos;
                                                         });
  const bool fail = emu.faults.take_task_failure();
  std::string upid = emu.tasks.start(
      node, "qmcreate", std::to_string(vmid), call.who.token_id,
      [&emu, node, vmid, options, allocated, start, imports, fail](TaskContext& ctx) {
        for (const std::string& volid : allocated) {
          ctx.log(fmt::format("  volume '{}' created", volid));
        }
        if (imports) {
          ctx.log("transferred 1.0 GiB of 1.0 GiB (100.00%)");
        }
        ctx.sleep(imports ? 2 : 1);
        std::lock_guard lock(emu.cluster.mutex);
        if (fail) {
          free_volumes(emu.cluster, node, allocated);
          emu.cluster.vms.erase(vmid);
          return fmt::format("unable to create VM {} - emulated failure (fault injection)", vmid);
        }
        emu.cluster.vms[vmid].config = options;
        {
          std::lock_guard counters(emu.counters.mutex);
          ++emu.counters.vms_created;
        }
        if (start) {
          emu.cluster.mutex.unlock();
          std::string error = start_vm(emu, ctx, node, vmid);
          emu.cluster.mutex.lock();
          if (!error.empty()) {
            ctx.warn(error);
          }
        }
        return std::string();
      });
  return reply_data(upid);
}

Reply get_config(Emulator& emu, const Call& call) {
  std::lock_guard lock(emu.cluster.mutex);
  Vm* vm = find_vm(emu, call.node(), call.vmid());
  if (vm == nullptr) {
    return reply_error(500, config_missing_text(call.node(), call.vmid()));
  }
  std::map<std::string, std::string> config = vm->config;
  if (!call.flag("current")) {
    for (const auto& [key, value] : vm->pending) {
      config[key] = value;
    }
    for (const std::string& key : vm->pending_delete) {
      config.erase(key);
    }
  }
  json data = config_json(emu, config);
  if (data.contains("cipassword")) {
    data["cipassword"] = "**********";
  }
  data["digest"] = config_digest(*vm);
  return reply_data(data);
}

Reply get_pending(Emulator& emu, const Call& call) {
  std::lock_guard lock(emu.cluster.mutex);
  Vm* vm = find_vm(emu, call.node(), call.vmid());
  if (vm == nullptr) {
    return reply_error(500, config_missing_text(call.node(), call.vmid()));
  }
  json list = json::array();
  std::set<std::string> keys;
  for (const auto& [k, v] : vm->config) {
    keys.insert(k);
  }
  for (const auto& [k, v] : vm->pending) {
    keys.insert(k);
  }
  for (const std::string& key : keys) {
    json item = {{"key", key}};
    if (vm->config.contains(key)) {
      item["value"] = config_json(emu, {{key, vm->config.at(key)}})[key];
    }
    if (vm->pending.contains(key)) {
      item["pending"] = config_json(emu, {{key, vm->pending.at(key)}})[key];
    }
    if (vm->pending_delete.contains(key)) {
      item["delete"] = 1;
    }
    list.push_back(item);
  }
  return reply_data(list);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::regex separator(R"([,;\s]+)");
  for (std::sregex_token_iterator it(text.begin(), text.end(), separator, -1), end; it != end;
       ++it) {
    if (!it->str().empty()) {
      items.push_back(*it);
    }
  }
  return items;
}

// Applies options and deletions to a VM (running: non-hotpluggable ones become pending).
std::optional<Reply> apply_update(Emulator& emu, const Call& call, Vm& vm,
                                  std::map<std::string, std::string> options) {
  std::vector<std::string> allocated;
  if (auto bad = build_config(emu, call, options, &allocated)) {
    return bad;
  }
  const std::string hotplug = vm.config.contains("hotplug") ? vm.config.at("hotplug") : "";
  for (const auto& [key, value] : options) {
    if (vm.running && !hotpluggable(key, hotplug)) {
      vm.pending[key] = value;
    } else {
      vm.config[key] = value;
    }
  }
  for (const std::string& key : split_list(call.param("delete"))) {
    if (vm.running && !hotpluggable(key, hotplug)) {
      vm.pending_delete.insert(key);
      continue;
    }
    auto it = vm.config.find(key);
    if (it == vm.config.end()) {
      continue;
    }
    if (is_disk_key(key) && it->second.find("media=cdrom") == std::string::npos) {
      const std::string file =
          parse_property_string(it->second, "file").value.get("file").value_or("");
      if (call.flag("force")) {
        free_volumes(emu.cluster, vm.node, {file});
      } else {
        for (int n = 0;; ++n) {
          if (!vm.config.contains(fmt::format("unused{}", n))) {
            vm.config[fmt::format("unused{}", n)] = file;
            break;
          }
        }
      }
    }
    vm.config.erase(key);
  }
  for (const std::string& key : split_list(call.param("revert"))) {
    vm.pending.erase(key);
    vm.pending_delete.erase(key);
  }
  return std::nullopt;
}

Reply update_config(Emulator& emu, const Call& call) {
  const int vmid = call.vmid();
  std::map<std::string, std::string> options = option_params(call);
  if (options.empty() && !call.params.contains("delete") && !call.params.contains("revert")) {
    return reply_error(500, "no options specified");
  }
  const json& properties = emu.vm_config_properties();
  for (const std::string& key : split_list(call.param("delete"))) {
    if (find_property(properties, key) == nullptr && key.rfind("unused", 0) != 0) {
      return reply_param_error("delete", fmt::format("unknown option '{}'", key));
    }
  }
  if (auto denied = check_option_privileges(call.who.privileges, vmid, options)) {
    return *denied;
  }
  VmFlock flock = lock_vm(emu, call.node(), vmid);
  if (!flock.held) {
    return reply_error(500, flock.error);
  }
  std::lock_guard lock(emu.cluster.mutex);
  Vm* vm = find_vm(emu, call.node(), vmid);
  if (vm == nullptr) {
    return reply_error(500, config_missing_text(call.node(), vmid));
  }
  if (call.params.contains("digest") && call.param("digest") != config_digest(*vm)) {
    return reply_error(500, "checksum mismatch (file change by other user?)");
  }
  if (!vm->lock().empty()) {
    return reply_error(500, fmt::format("VM is locked ({})", vm->lock()));
  }
  if (auto bad = apply_update(emu, call, *vm, options)) {
    return *bad;
  }
  if (call.method == "PUT") {
    return reply_data(nullptr);
  }
  return reply_data(emu.tasks.start(call.node(), "qmconfig", std::to_string(vmid),
                                    call.who.token_id, [](TaskContext& ctx) {
                                      ctx.sleep(0.2);
                                      return std::string();
                                    }));
}

// The resize itself; "" or PVE's error text.
std::string resize_disk(Emulator& emu, const std::string& node, int vmid, const std::string& disk,
                        const std::string& size_text) {
  std::lock_guard lock(emu.cluster.mutex);
  Vm* vm = find_vm(emu, node, vmid);
  if (vm == nullptr) {
    return config_missing_text(node, vmid);
  }
  if (!vm->lock().empty()) {
    return fmt::format("VM is locked ({})", vm->lock());
  }
  auto it = vm->config.find(disk);
  if (it == vm->config.end()) {
    return fmt::format("disk '{}' does not exist", disk);
  }
  PropertyString p = parse_property_string(it->second, "file").value;
  if (p.get("media").value_or("disk") == "cdrom") {
    return "you can't resize a cdrom";
  }
  const long long current = parse_size(p.get("size").value_or("0"));
  const bool grow = !size_text.empty() && size_text[0] == '+';
  const long long amount = parse_size(grow ? size_text.substr(1) : size_text);
  const long long wanted = grow ? current + amount : amount;
  if (wanted < current) {
    return "shrinking disks is not supported";
  }
  p.set("size", format_size(wanted));
  it->second = p.sorted_str("file");
  if (Volume* volume = emu.cluster.volume(node, p.get("file").value_or(""))) {
    volume->size = wanted;
  }
  return "";
}

Reply resize(Emulator& emu, const Call& call) {
  const int vmid = call.vmid();
  const std::string node = call.node();
  const std::string disk = call.param("disk");
  const std::string size = call.param("size");
  {
    std::lock_guard lock(emu.cluster.mutex);
    Vm* vm = find_vm(emu, node, vmid);
    if (vm == nullptr) {
      return reply_error(500, config_missing_text(node, vmid));
    }
    if (auto it = vm->config.find(disk); it != vm->config.end()) {
      const std::string file = parse_property_string(it->second, "file").value.get("file").value_or("");
      if (auto denied = require_privilege(call.who.privileges,
                                          "/storage/" + file.substr(0, file.find(':')),
                                          "Datastore.AllocateSpace")) {
        return reply_error(403, *denied);
      }
    }
  }
  if (!emu.version.at_least(8, 0)) {
    const std::string error = resize_disk(emu, node, vmid, disk, size);
    return error.empty() ? reply_data(nullptr) : reply_error(500, error);
  }
  return reply_data(emu.tasks.start(
      node, "resize", std::to_string(vmid), call.who.token_id,
      [&emu, node, vmid, disk, size](TaskContext& ctx) {
        VmFlock flock = lock_vm(emu, node, vmid);
        if (!flock.held) {
          return flock.error;
        }
        ctx.sleep(0.5);
        return resize_disk(emu, node, vmid, disk, size);
      }));
}

}  // namespace

void register_vm_handlers(HandlerTable& table) {
  table[{"GET", "/nodes/{node}/qemu"}] = list_vms;
  table[{"POST", "/nodes/{node}/qemu"}] = create_vm;
  table[{"GET", "/nodes/{node}/qemu/{vmid}/config"}] = get_config;
  table[{"POST", "/nodes/{node}/qemu/{vmid}/config"}] = update_config;
  table[{"PUT", "/nodes/{node}/qemu/{vmid}/config"}] = update_config;
  table[{"GET", "/nodes/{node}/qemu/{vmid}/pending"}] = get_pending;
  table[{"PUT", "/nodes/{node}/qemu/{vmid}/resize"}] = resize;
}

}  // namespace pve_emu
