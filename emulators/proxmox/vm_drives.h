// Drive options of create/config (scsiN, virtioN, sataN, ideN, efidisk0, tpmstate0; proxmox.md
// §2.7 "Disks"): allocates new volumes ("local-lvm:32", "local-lvm:cloudinit", import-from) and
// returns the value PVE would store. Callers hold cluster.mutex.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emulators/proxmox/boot_image.h"
#include "emulators/proxmox/emulator.h"

namespace pve_emu {

// Stand-in images have no real virtual size; an imported disk gets this one.
constexpr long long kStandInVirtualSize = 1LL << 30;

struct DriveRequest {
  const Call& call;
  std::string node;
  int vmid = 0;
  std::string key;    // "scsi0"
  std::string value;  // as sent
};

// The stored value on success; a Reply (PVE's error) otherwise. New volids are appended to
// `allocated` so the caller can free them when a later option fails.
std::optional<Reply> prepare_drive(Emulator& emu, const DriveRequest& request, std::string* stored,
                                   std::vector<std::string>* allocated);

void free_volumes(Cluster& cluster, const std::string& node, const std::vector<std::string>& volids);
// Volume ids a config references (drives and unusedN), excluding "none"/"cdrom".
std::vector<std::string> referenced_volumes(const std::map<std::string, std::string>& config);
// The Talos image a VM boots: an imported disk's source, else an attached stand-in ISO.
std::optional<BootImage> vm_boot_image(Cluster& cluster, const Vm& vm);

}  // namespace pve_emu
