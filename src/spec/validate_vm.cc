// VM settings: Proxmox names and the Talos minimums for memory, disk and CPU (talos.md §7.1,
// §10). A value a node inherits from `vm` is reported once, at `vm`, naming the nodes.
#include <algorithm>
#include <array>
#include <climits>
#include <iterator>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "spec/validate.h"

namespace spec {
namespace {

// Talos system requirements: the health check needs 1698 MiB (control plane) / 874 MiB
// (worker) of MemTotal, i.e. 2 GiB / 1 GiB of VM memory; an EPHEMERAL volume below 6 GiB fails
// the disk check, and Talos documents 10 GiB as the minimum disk.
constexpr int kMinMemoryControlPlane = 2048;
constexpr int kMinMemoryWorker = 1024;
constexpr int kMinDisk = 6;
constexpr int kMinDiskDocumented = 10;

constexpr std::string_view kStorageFirst = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kStorageRest = "abcdefghijklmnopqrstuvwxyz0123456789-_.";
constexpr std::string_view kTagFirst =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
constexpr std::string_view kTagRest =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+.";
constexpr std::string_view kOldCpuTypes[] = {"kvm64",   "kvm32",   "qemu64",   "qemu32",
                                             "486",     "pentium", "pentium2", "pentium3",
                                             "coreduo", "core2duo"};

const char* role_name(NodeRole r) {
  return r == NodeRole::ControlPlane ? "control-plane" : "worker";
}

void check_vm_names(const VmDefaults& vm, const Checker& check) {
  for (const auto& [path, value] :
       {std::pair{"vm.storage", &vm.storage}, std::pair{"vm.isoStorage", &vm.iso_storage}}) {
    if (check.has(path) && !matches_charset(*value, kStorageFirst, kStorageRest)) {
      check.error(path, fmt::format("\"{}\" is not a Proxmox storage id", *value),
                  "e.g. local-lvm; see Datacenter → Storage");
    }
  }
  if (check.has("vm.bridge") && !matches_charset(vm.bridge, kStorageFirst, kStorageRest)) {
    check.error("vm.bridge", fmt::format("\"{}\" is not a bridge name", vm.bridge), "e.g. vmbr0");
  }
  for (size_t i = 0; i < vm.tags.size(); ++i) {
    if (!matches_charset(vm.tags[i], kTagFirst, kTagRest)) {
      check.error(fmt::format("vm.tags[{}]", i),
                  fmt::format("\"{}\" is not a Proxmox tag", vm.tags[i]),
                  "use letters, digits and _ - + .");
    }
  }
  const std::string_view cpu = std::string_view(vm.cpu_type).substr(0, vm.cpu_type.find(','));
  if (check.has("vm.cpuType") &&
      std::find(std::begin(kOldCpuTypes), std::end(kOldCpuTypes), cpu) != std::end(kOldCpuTypes)) {
    check.error("vm.cpuType", fmt::format("CPU type {} lacks x86-64-v2, which Talos needs", cpu),
                "use x86-64-v2-AES (the default) or host");
  }
}

void check_vlans(const Cluster& c, const Checker& check) {
  const std::optional<int>& vlan = c.vm_defaults.vlan;
  if (!vlan || !check.has("vm.vlan")) {
    return;
  }
  if (*vlan < 1 || *vlan > 4094) {
    check.error("vm.vlan", fmt::format("VLAN {} is out of range", *vlan), "use a VLAN ID 1 … 4094");
  } else if (c.network.vlan && check.has("network.vlan") && *c.network.vlan != *vlan) {
    check.error("vm.vlan",
                fmt::format("vm.vlan {} differs from network.vlan {}", *vlan, *c.network.vlan),
                "set the VLAN once, in network.vlan");
  }
}

struct Resource {
  const char* key;  // "memory", "diskSize", "cores"
  int Node::*field;
  int VmDefaults::*default_field;
  const char* unit;
};

struct Rule {
  Severity severity;
  int (*min_for)(NodeRole);
  int floor;         // values below it are another rule's business
  const char* what;  // "Talos minimum"
};

void emit(const Checker& check, Severity s, const std::string& path, const std::string& msg,
          const std::string& hint = {}) {
  if (s == Severity::Error) {
    check.error(path, msg, hint);
  } else {
    check.warning(path, msg, hint);
  }
}

// Reports values in [floor, min(role)): per node when the node sets the value, else once at
// vm.<key> naming the nodes that inherit it.
void check_minimum(const Cluster& c, const Checker& check, const Resource& r, const Rule& rule) {
  std::array<std::vector<std::string>, 2> inheriting;  // control planes, workers
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    const Node& n = c.nodes[i];
    const int v = n.*r.field;
    const bool decoded =
        check.has(fmt::format("nodes[{}].role", i));  // else the minimum is unknown
    if (!decoded || v >= rule.min_for(n.role) || v < rule.floor) {
      continue;
    }
    const std::string path = fmt::format("nodes[{}].{}", i, r.key);
    if (check.has(path)) {
      emit(check, rule.severity, path,
           fmt::format("{} {} {} is below the {} of {} {} for a {} node", r.key, v, r.unit,
                       rule.what, rule.min_for(n.role), r.unit, role_name(n.role)));
    } else {
      inheriting[n.role == NodeRole::ControlPlane ? 0 : 1].push_back(n.name);
    }
  }
  const std::string vm_path = fmt::format("vm.{}", r.key);
  for (int role = 0; role < 2 && check.has(vm_path); ++role) {
    if (inheriting[role].empty()) {
      continue;
    }
    const NodeRole nr = role == 0 ? NodeRole::ControlPlane : NodeRole::Worker;
    emit(check, rule.severity, vm_path,
         fmt::format("vm.{} {} {} is below the {} of {} {} for a {} node (used by {})", r.key,
                     c.vm_defaults.*r.default_field, r.unit, rule.what, rule.min_for(nr), r.unit,
                     role_name(nr), fmt::join(inheriting[role], ", ")),
         fmt::format("raise vm.{} or set {} on those nodes", r.key, r.key));
  }
}

int memory_min(NodeRole r) {
  return r == NodeRole::ControlPlane ? kMinMemoryControlPlane : kMinMemoryWorker;
}
int disk_min(NodeRole) {
  return kMinDisk;
}
int disk_documented(NodeRole) {
  return kMinDiskDocumented;
}
int cores_recommended(NodeRole r) {
  return r == NodeRole::ControlPlane ? 2 : 1;
}

}  // namespace

void validate_vm(const Cluster& c, const Checker& check) {
  check_vm_names(c.vm_defaults, check);
  check_vlans(c, check);
  const Resource memory{"memory", &Node::memory_mib, &VmDefaults::memory_mib, "MiB"};
  const Resource disk{"diskSize", &Node::disk_gib, &VmDefaults::disk_gib, "GiB"};
  const Resource cores{"cores", &Node::cores, &VmDefaults::cores, "cores"};
  check_minimum(c, check, memory, {Severity::Error, memory_min, INT_MIN, "Talos minimum"});
  check_minimum(c, check, disk, {Severity::Error, disk_min, INT_MIN, "Talos minimum"});
  check_minimum(c, check, disk,
                {Severity::Warning, disk_documented, kMinDisk, "documented Talos minimum"});
  check_minimum(c, check, cores, {Severity::Warning, cores_recommended, 1, "recommended minimum"});
}

}  // namespace spec
