// Defaults that depend on other values (the plain ones are the constants in defaults.h).
#include "spec/defaults.h"

#include "spec/cluster.h"
#include "spec/versions.h"

namespace spec {
namespace {

std::string default_kubernetes(const std::string& talos_version) {
  const std::optional<Version> v = parse_version(talos_version);
  if (!v) {
    return {};
  }
  if (const TalosRelease* r = find_talos_release(*v)) {
    return std::string(r->default_kubernetes);
  }
  const TalosRelease& newest = newest_talos_release();
  const bool newer = *v > Version{newest.major, newest.minor, 0};
  return newer ? std::string(newest.default_kubernetes) : std::string();
}

std::string default_endpoint(const Cluster& c) {
  if (c.vip) {
    return *c.vip;
  }
  for (const Node& n : c.nodes) {
    if (n.role == NodeRole::ControlPlane && !n.address.empty()) {
      return n.address;
    }
  }
  return {};
}

}  // namespace

void apply_defaults(Cluster& c) {
  if (c.kubernetes_version.empty()) {
    c.kubernetes_version = default_kubernetes(c.talos_version);
  }
  if (c.endpoint.empty()) {
    c.endpoint = default_endpoint(c);
  }
  if (!c.vm_defaults.vlan) {
    c.vm_defaults.vlan = c.network.vlan;
  }
  const VmDefaults& vm = c.vm_defaults;
  for (Node& n : c.nodes) {
    if (n.pve_node.empty()) {
      n.pve_node = vm.pve_node;
    }
    n.cores = n.cores != 0 ? n.cores : vm.cores;
    n.memory_mib = n.memory_mib != 0 ? n.memory_mib : vm.memory_mib;
    n.disk_gib = n.disk_gib != 0 ? n.disk_gib : vm.disk_gib;
  }
}

}  // namespace spec
