// What a VM's stored config says about the settings talforge manages — the inverse of
// vm_spec.h's create_params, read from GET …/config (proxmox.md §2.8). Values PVE stores in its
// own forms (disk "size=20G", net0 "virtio=BC:24:11:…", smbios1 "uuid=…,serial=…") are parsed
// here so the engine compares plain values.
#pragma once

#include <optional>
#include <string>

#include "proxmox/api.h"
#include "proxmox/vm_spec.h"

namespace proxmox {

struct VmFacts {
  std::string name;
  int cores = 0;
  int memory_mib = 0;
  int disk_gib = 0;     // scsi0's size, rounded up to whole GiB; 0 when there is no scsi0
  std::string mac;      // net0's MAC, lower case
  std::string address;  // ipconfig0's ip= without the prefix; empty for dhcp or absent
  std::string smbios_uuid;
  std::optional<Ownership> owner;  // from the description marker
};

VmFacts vm_facts(const VmConfig& config);

// "20G" / "512M" / "1T" / "1048576K" → bytes; nullopt when it is not a PVE size.
std::optional<unsigned long long> parse_pve_size(const std::string& text);

}  // namespace proxmox
