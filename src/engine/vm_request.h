// The proxmox::VmSpec talforge creates for one node of cluster.yaml.
#pragma once

#include <string>

#include "proxmox/vm_spec.h"
#include "spec/cluster.h"

namespace engine {

// `vmid` is the allocated or configured VMID; `boot_iso` the volid of the boot image on the
// node's PVE node; `smbios_uuid` a fresh random UUID (the identity the node must later report).
proxmox::VmSpec vm_request(const spec::Cluster& cluster, const spec::Node& node, int vmid,
                           const std::string& boot_iso, const std::string& smbios_uuid);

}  // namespace engine
