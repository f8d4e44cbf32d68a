// The values `plan::diff` compares: what cluster.yaml wants (Desired, built by the engine from
// the validated spec and the generated machine configs) and what exists (Observed, filled by the
// engine through the provider interfaces). Plain data, no I/O: two machines that observe the
// same estate with the same checkout compute the same plan.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "spec/cluster.h"

namespace plan {

// The VM settings talforge manages and compares. vmid 0 = allocated at apply time.
struct VmShape {
  std::string pve_node;
  int vmid = 0;
  std::string name;
  int cores = 0;
  int memory_mib = 0;
  int disk_gib = 0;
  std::string mac;      // lower case
  std::string address;  // the static IPv4 address in ipconfig0, without prefix
};

struct DesiredNode {
  std::string name;
  spec::NodeRole role = spec::NodeRole::Worker;
  VmShape vm;
  std::string config_yaml;  // the whole machine config; holds secrets, never printed
};

// Where the boot image of the cluster's schematic and Talos version must be.
struct BootImage {
  std::string pve_node;
  std::string storage;
  std::string filename;  // talos-<schematic12>-<version>-<platform>-amd64.iso

  friend bool operator<(const BootImage& a, const BootImage& b) {
    return std::tie(a.pve_node, a.storage, a.filename) <
           std::tie(b.pve_node, b.storage, b.filename);
  }
};

struct Desired {
  std::string cluster;
  std::string talos_version;
  std::string kubernetes_version;  // "1.35.4" (without v)
  std::string schematic_id;
  std::string installer_image;  // what machine.install.image says in every generated config
  // engine::inline_manifests_digest of the control planes' config ("" when it has none).
  std::string manifests_digest;
  std::string boot_image_filename;
  std::string iso_storage;
  std::vector<DesiredNode> nodes;  // in cluster.yaml order
};

enum class PowerState { Running, Stopped, Unknown };

// A VM on Proxmox that carries this cluster's ownership marker.
struct ObservedVm {
  std::string node;                              // the Talos node name recorded in the marker
  spec::NodeRole role = spec::NodeRole::Worker;  // from the VM's tags
  VmShape vm;
  PowerState power = PowerState::Unknown;
  std::string smbios_uuid;
  std::string lock;  // non-empty while PVE holds a config lock (e.g. a task runs)
};

enum class TalosState {
  NotProbed,    // no VM, or the VM is not running
  Unreachable,  // neither mTLS nor maintenance answered
  Maintenance,  // waits for a config
  Configured,   // answers mTLS with the cluster's OS CA
  ForeignCa,    // answers TLS with a certificate the bundle's OS CA did not sign
};

struct ObservedNode {
  std::string node;
  TalosState state = TalosState::NotProbed;
  std::string talos_version;
  std::optional<std::string> config_yaml;  // the node's active config (Configured only)
  std::string error;                       // why the probe failed, for the plan's notes
};

// A Kubernetes node talforge cordoned and did not uncordon: a run was killed in between.
struct LeftCordoned {
  std::string node;
  std::string reason;  // what the cordon was for ("talos upgrade to v1.12.11")
};

struct Observed {
  std::vector<ObservedVm> vms;
  std::vector<ObservedNode> nodes;
  std::set<BootImage> boot_images_present;
  // Names of etcd members, from a configured control plane; nullopt when none could be asked.
  std::optional<std::vector<std::string>> etcd_members;
  // From the Kubernetes API of a configured control plane (empty when none answered).
  std::vector<LeftCordoned> left_cordoned;
  // The digest of the inline manifests talforge last applied server-side ("" when none is
  // recorded); nullopt when no control plane's Kubernetes API answered.
  std::optional<std::string> manifests_digest;

  const ObservedVm* vm_of(const std::string& node) const;
  const ObservedNode* node_of(const std::string& node) const;
};

enum class ChangeKind { Create, Update, Replace, Delete, Run };

enum class Subject { BootImage, Vm, Power, MachineConfig, Bootstrap, EtcdMember, Talos, Uncordon, Kubernetes, Manifests };

struct Change {
  ChangeKind kind = ChangeKind::Create;
  Subject subject = Subject::Vm;
  std::string target;                // node name, or "pve-node/storage" for a boot image
  std::vector<std::string> details;  // e.g. "cores 2 → 4", "machine.network.hostname"
  std::string reason;                // why (always set for Replace and Delete)
};

struct Plan {
  std::vector<Change> changes;     // in execution order
  std::vector<std::string> notes;  // what the plan could not know (unreachable nodes…)
  // Reasons not to touch the estate at all (e.g. nodes of another PKI): apply refuses.
  std::vector<std::string> blockers;
  bool empty() const { return changes.empty(); }
};

}  // namespace plan
