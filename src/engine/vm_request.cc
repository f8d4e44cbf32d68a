// engine::vm_request (see vm_request.h).
#include "engine/vm_request.h"

#include <algorithm>
#include <cctype>

#include "spec/ip.h"
#include "spec/node_mac.h"

namespace engine {

proxmox::VmSpec vm_request(const spec::Cluster& cluster, const spec::Node& node, int vmid,
                           const std::string& boot_iso, const std::string& smbios_uuid) {
  proxmox::VmSpec vm;
  vm.pve_node = node.pve_node;
  vm.vmid = vmid;
  vm.name = node.name;
  vm.cores = node.cores;
  vm.cpu_type = cluster.vm_defaults.cpu_type;
  vm.memory_mib = node.memory_mib;
  vm.disk_gib = node.disk_gib;
  vm.disk_storage = cluster.vm_defaults.storage;
  vm.cloudinit_storage = cluster.vm_defaults.storage;
  vm.boot_iso = boot_iso;
  vm.bridge = cluster.vm_defaults.bridge;
  vm.vlan = cluster.vm_defaults.vlan ? cluster.vm_defaults.vlan : cluster.network.vlan;
  vm.mac = spec::node_mac(cluster, node);
  std::transform(vm.mac.begin(), vm.mac.end(), vm.mac.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const std::optional<spec::Cidr> cidr = spec::parse_cidr(cluster.network.cidr);
  vm.ip_cidr = node.address + "/" + std::to_string(cidr ? cidr->prefix : 32);
  vm.gateway = cluster.network.gateway;
  vm.nameservers = cluster.network.nameservers;
  vm.smbios_uuid = smbios_uuid;
  vm.guest_agent = std::find(cluster.image.extensions.begin(), cluster.image.extensions.end(),
                             "siderolabs/qemu-guest-agent") != cluster.image.extensions.end();
  vm.cluster = cluster.name;
  vm.role = node.role == spec::NodeRole::ControlPlane ? "controlplane" : "worker";
  vm.extra_tags = cluster.vm_defaults.tags;
  return vm;
}

}  // namespace engine
