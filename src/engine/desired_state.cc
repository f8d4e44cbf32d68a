// Builds plan::Desired (see desired_state.h).
#include "engine/desired_state.h"

#include "engine/manifest_sync.h"
#include "factory/client.h"
#include "spec/node_mac.h"
#include "talos/cluster_configs.h"
#include "util/ascii.h"

namespace engine {
namespace {

const talos::NodeConfig* config_of(const std::vector<talos::NodeConfig>& configs,
                                   const std::string& node) {
  for (const talos::NodeConfig& config : configs) {
    if (config.node == node) {
      return &config;
    }
  }
  return nullptr;
}

}  // namespace

plan::VmShape desired_vm(const spec::Cluster& cluster, const spec::Node& node) {
  plan::VmShape vm;
  vm.pve_node = node.pve_node;
  vm.vmid = node.vmid.value_or(0);
  vm.name = node.name;
  vm.cores = node.cores;
  vm.memory_mib = node.memory_mib;
  vm.disk_gib = node.disk_gib;
  vm.mac = util::ascii_lower(spec::node_mac(cluster, node));
  vm.address = node.address;
  return vm;
}

plan::Desired desired_state(const spec::Cluster& cluster,
                            const std::vector<talos::NodeConfig>& configs,
                            const std::string& schematic_id) {
  plan::Desired desired;
  desired.cluster = cluster.name;
  desired.talos_version = cluster.talos_version;
  desired.kubernetes_version = cluster.kubernetes_version;
  desired.schematic_id = schematic_id;
  desired.installer_image = talos::installer_image(cluster, schematic_id);
  desired.boot_image_filename = factory::boot_iso(cluster.image.factory_url, schematic_id,
                                                  cluster.talos_version, cluster.image.platform)
                                    .filename;
  desired.iso_storage = cluster.vm_defaults.iso_storage;
  for (const spec::Node& node : cluster.nodes) {
    plan::DesiredNode out;
    out.name = node.name;
    out.role = node.role;
    out.vm = desired_vm(cluster, node);
    if (const talos::NodeConfig* config = config_of(configs, node.name)) {
      out.config_yaml = config->yaml;
    }
    if (node.role == spec::NodeRole::ControlPlane && desired.manifests_digest.empty()) {
      desired.manifests_digest = inline_manifests_digest(out.config_yaml);  // same on every CP
    }
    desired.nodes.push_back(std::move(out));
  }
  return desired;
}

}  // namespace engine
