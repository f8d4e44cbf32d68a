// JSON views of a VM shared by several endpoints: config with PVE's value types (§1.4), the
// status/current object (§2.11), the cluster/resources entry (§2.4), and size helpers.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "emulators/proxmox/cluster.h"

namespace pve_emu {

struct Emulator;

// Config values typed as PVE returns them: integers and booleans as numbers, the rest strings.
nlohmann::json config_json(const Emulator& emu, const std::map<std::string, std::string>& config);
nlohmann::json vm_status_json(const Vm& vm, bool full);
nlohmann::json vm_resource_json(const Vm& vm);

long long memory_mib(const Vm& vm);
long long boot_disk_bytes(const Vm& vm);
// "32G", "512M", "4194304" → bytes; -1 when unparsable.
long long parse_size(const std::string& text);
std::string format_size(long long bytes);  // "32G" / "528K" style, as PVE stores size=
bool is_disk_key(const std::string& key);

}  // namespace pve_emu
