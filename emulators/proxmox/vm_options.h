// Per-option rules for VM create/config (proxmox.md §1.7, §2.7, §2.9): which VM.Config.*
// privilege an option needs, whether a running VM takes it live, and generated defaults.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "emulators/proxmox/reply.h"

namespace pve_emu {

// 403 Reply when a privilege for one of `options` is missing on /vms/<vmid>.
std::optional<Reply> check_option_privileges(const std::set<std::string>& privileges, int vmid,
                                             const std::map<std::string, std::string>& options);
// True when PVE applies the option to a running VM at once (else it stays pending).
bool hotpluggable(const std::string& key, const std::string& hotplug_setting);
// Fills what PVE generates on create: MACs in net*, smbios1 uuid, vmgenid, meta, boot order.
void add_create_defaults(std::map<std::string, std::string>& config, bool bc2411_mac_prefix);
std::string random_uuid();

}  // namespace pve_emu
