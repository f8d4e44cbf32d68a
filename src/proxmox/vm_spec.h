// The VM talforge wants for one Talos node, and the create/config parameters that express it
// (proxmox.md §2.7, §2.16, §5.3; talos.md §10): q35 + SeaBIOS, x86-64-v2-capable CPU, no memory
// hot-plug, no balloon, virtio-scsi-single with the system disk on scsi0, cloud-init drive on
// ide2 carrying the static network (ipconfig0, nameserver) for the nocloud image, the boot ISO on
// ide3 behind the disk in the boot order (empty disk → ISO; installed disk wins afterwards),
// serial console, guest agent, SMBIOS serial "h=<hostname>", tags and a description marker that
// record ownership.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "proxmox/http.h"
#include "proxmox/pve_version.h"
#include "util/result.h"

namespace proxmox {

struct VmSpec {
  std::string pve_node;
  int vmid = 0;
  std::string name;  // the Talos node name (a DNS label)
  int cores = 2;
  std::string cpu_type = "x86-64-v2-AES";
  int memory_mib = 2048;
  int disk_gib = 10;
  std::string disk_storage;      // images content, e.g. local-lvm
  std::string cloudinit_storage;  // where PVE allocates vm-<vmid>-cloudinit; usually disk_storage
  std::string boot_iso;           // volid, e.g. local:iso/talos-<schematic>-v1.11.6-nocloud-amd64.iso
  // The disk-image route instead of the ISO (PVE 8.4+ only): scsi0 is imported from this
  // `import` volume (e.g. local:import/talos-…-nocloud-amd64.qcow2), then grown to disk_gib.
  std::string boot_disk_image;
  std::string bridge = "vmbr0";
  std::optional<int> vlan;
  std::string mac;                // BC:24:11:xx:xx:xx (upper case, as PVE stores it)
  std::string ip_cidr;            // address/prefix, e.g. 127.10.0.11/8 in the lab
  std::string gateway;
  std::vector<std::string> nameservers;
  std::string smbios_uuid;        // fixed, so the Talos node's SystemInformation UUID is known
  bool guest_agent = true;
  std::string cluster;            // cluster name: tags and ownership marker
  std::string role;               // controlplane | worker
  std::vector<std::string> extra_tags;
};

// The first line of the description of every VM talforge owns.
inline constexpr const char* kOwnershipMarker = "managed-by: talforge";

struct Ownership {
  std::string cluster;
  std::string node;  // Talos node name
};

std::string ownership_description(const VmSpec& spec);

// The owner recorded in a VM's description, when the description is talforge's marker.
std::optional<Ownership> parse_ownership(const std::string& description);

// Tags in PVE's stored form: lower case, unique, sorted, ';'-joined.
std::string tags_value(const VmSpec& spec);

// A local error when this PVE release cannot create the VM as specified (the import route
// before 8.4), so talforge never sends a request whose failure would be obscure.
util::Result<void> check_supported(const VmSpec& spec, const PveVersion& version);

// Everything for POST /nodes/{node}/qemu (without `node`, which is in the path).
Params create_params(const VmSpec& spec, const PveVersion& version);

}  // namespace proxmox
