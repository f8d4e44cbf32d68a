// engine::observe (see observe.h).
#include "engine/observe.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "engine/manifest_sync.h"
#include "proxmox/vm_facts.h"
#include "talos/active_config.h"
#include "talos/tls_trust.h"
#include "util/ascii.h"
#include "util/parallel.h"

namespace engine {
namespace {

bool has_tag(const proxmox::VmState& vm, const std::string& tag) {
  return std::find(vm.tags.begin(), vm.tags.end(), tag) != vm.tags.end();
}

plan::PowerState power_of(const std::string& status) {
  if (status == "running") {
    return plan::PowerState::Running;
  }
  return status == "stopped" ? plan::PowerState::Stopped : plan::PowerState::Unknown;
}

// The tags are a cheap pre-filter; the description marker (cluster and node name) decides.
util::Result<std::vector<plan::ObservedVm>> owned_vms(const spec::Cluster& cluster,
                                                      const proxmox::ClusterState& state,
                                                      proxmox::Api& pve) {
  std::vector<plan::ObservedVm> out;
  for (const proxmox::VmState& vm : state.vms) {
    if (!has_tag(vm, "talforge") || !has_tag(vm, util::ascii_lower(cluster.name)) ||
        vm.is_template) {
      continue;
    }
    // The running values: a change PVE keeps pending still shows as a change to make (the
    // restart that applies it is part of the update).
    util::Result<proxmox::VmConfig> config = pve.vm_running_config(vm.node, vm.vmid);
    if (!config.ok()) {
      return std::move(config).error().with_context(
          fmt::format("read the config of VM {} on {}", vm.vmid, vm.node));
    }
    const proxmox::VmFacts facts = proxmox::vm_facts(*config);
    if (!facts.owner || facts.owner->cluster != cluster.name) {
      continue;
    }
    plan::ObservedVm observed;
    observed.node = facts.owner->node;
    observed.role =
        has_tag(vm, "controlplane") ? spec::NodeRole::ControlPlane : spec::NodeRole::Worker;
    observed.vm = {vm.node,          vm.vmid,        facts.name, facts.cores,
                   facts.memory_mib, facts.disk_gib, facts.mac,  facts.address};
    observed.power = power_of(vm.status);
    observed.smbios_uuid = facts.smbios_uuid;
    observed.lock = vm.lock;
    out.push_back(std::move(observed));
  }
  return out;
}

// Boot images only matter where a VM is about to be created, so only those storages are listed.
util::Result<std::set<plan::BootImage>> boot_images(const plan::Desired& desired,
                                                    const std::vector<plan::ObservedVm>& vms,
                                                    proxmox::Api& pve) {
  std::set<std::string> pve_nodes;
  for (const plan::DesiredNode& node : desired.nodes) {
    const auto vm = std::find_if(vms.begin(), vms.end(), [&](const plan::ObservedVm& v) {
      return v.node == node.name && v.vm.pve_node == node.vm.pve_node;
    });
    if (vm == vms.end()) {
      pve_nodes.insert(node.vm.pve_node);
    }
  }
  std::set<plan::BootImage> present;
  const std::string suffix = "/" + desired.boot_image_filename;
  for (const std::string& pve_node : pve_nodes) {
    util::Result<std::vector<proxmox::Volume>> volumes =
        pve.storage_content(pve_node, desired.iso_storage, "iso");
    if (!volumes.ok()) {
      return std::move(volumes).error().with_context(
          fmt::format("list storage {} on {}", desired.iso_storage, pve_node));
    }
    for (const proxmox::Volume& volume : *volumes) {
      if (volume.volid.size() > suffix.size() &&
          volume.volid.compare(volume.volid.size() - suffix.size(), suffix.size(), suffix) == 0) {
        present.insert({pve_node, desired.iso_storage, desired.boot_image_filename});
      }
    }
  }
  return present;
}

// A node whose Version answered over mTLS: configured; its active config is read back.
plan::ObservedNode configured_node(const std::string& name, const std::string& version,
                                   talos::Api& secure) {
  plan::ObservedNode node;
  node.node = name;
  node.state = plan::TalosState::Configured;
  node.talos_version = version;
  util::Result<std::string> config = talos::active_machine_config(secure);
  if (config.ok()) {
    node.config_yaml = std::move(*config);
  } else {
    node.error = config.error().message;
  }
  return node;
}

// `known_version`: what a fanned-out Version already answered for this node over mTLS.
plan::ObservedNode probe(const std::string& name, const std::string& address,
                         const std::optional<std::string>& known_version,
                         const TalosDialer& dial) {
  auto secure = dial(address, talos::ConnectMode::Secure);
  if (secure.ok() && known_version) {
    return configured_node(name, *known_version, **secure);
  }
  util::Result<talos::VersionInfo> version =
      secure.ok() ? (*secure)->version() : util::Result<talos::VersionInfo>(secure.error());
  if (version.ok()) {
    return configured_node(name, version->tag, **secure);
  }
  plan::ObservedNode node;
  node.node = name;
  // Version needs os:admin in maintenance mode; Disks answers any caller (talos.md §1.6).
  auto maintenance = dial(address, talos::ConnectMode::Maintenance);
  if (maintenance.ok() && (*maintenance)->disks().ok()) {
    node.state = plan::TalosState::Maintenance;
    return node;
  }
  node.state = talos::is_untrusted_server_certificate(version.error())
                   ? plan::TalosState::ForeignCa
                   : plan::TalosState::Unreachable;
  node.error = version.error().message;
  return node;
}

// One Version call through one endpoint for every running node (`nodes` fan-out, as
// `talosctl -n a,b,c version` does): the nodes it answers for are configured and reachable over
// mTLS, which saves each of them a call of its own. Nodes missing here are probed one by one.
std::map<std::string, std::string> versions_by_address(const std::vector<const spec::Node*>& running,
                                                       const TalosDialer& dial) {
  std::map<std::string, std::string> out;
  if (running.size() < 2) {
    return out;
  }
  const auto endpoint = std::find_if(running.begin(), running.end(), [](const spec::Node* n) {
    return n->role == spec::NodeRole::ControlPlane;
  });
  auto api = dial((endpoint != running.end() ? *endpoint : running.front())->address,
                  talos::ConnectMode::Secure);
  if (!api.ok()) {
    return out;
  }
  std::vector<std::string> addresses;
  for (const spec::Node* node : running) {
    addresses.push_back(node->address);
  }
  auto versions = (*api)->version_on(addresses);
  if (!versions.ok()) {
    return out;
  }
  for (const talos::NodeResult<talos::VersionInfo>& result : *versions) {
    if (result.value.ok()) {
      out[result.node] = result.value->tag;
    }
  }
  return out;
}

std::vector<plan::ObservedNode> probe_nodes(const spec::Cluster& cluster,
                                            const std::vector<plan::ObservedVm>& vms,
                                            const TalosDialer& dial, std::size_t parallel) {
  std::vector<const spec::Node*> running;
  for (const spec::Node& node : cluster.nodes) {
    const auto vm = std::find_if(vms.begin(), vms.end(),
                                 [&](const plan::ObservedVm& v) { return v.node == node.name; });
    if (vm != vms.end() && vm->power == plan::PowerState::Running) {
      running.push_back(&node);
    }
  }
  const std::map<std::string, std::string> versions = versions_by_address(running, dial);
  std::vector<plan::ObservedNode> out(cluster.nodes.size());
  util::parallel_for(cluster.nodes.size(), parallel, [&](std::size_t i) {
    const spec::Node& node = cluster.nodes[i];
    out[i].node = node.name;
    if (std::find(running.begin(), running.end(), &node) == running.end()) {
      return;
    }
    const auto version = versions.find(node.address);
    out[i] = probe(node.name, node.address,
                   version != versions.end() ? std::optional(version->second) : std::nullopt,
                   dial);
  });
  return out;
}

// The member names a configured control plane reports. No control plane with a config means no
// etcd yet; configured ones that cannot answer leave it unknown (never guessed as empty).
std::optional<std::vector<std::string>> etcd_members(const spec::Cluster& cluster,
                                                     const std::vector<plan::ObservedNode>& nodes,
                                                     const TalosDialer& dial) {
  bool any_configured_or_unknown = false;
  for (const spec::Node* cp : cluster.control_planes()) {
    const auto node = std::find_if(nodes.begin(), nodes.end(),
                                   [&](const plan::ObservedNode& n) { return n.node == cp->name; });
    if (node == nodes.end() || node->state == plan::TalosState::NotProbed ||
        node->state == plan::TalosState::Maintenance) {
      continue;
    }
    any_configured_or_unknown = true;
    if (node->state != plan::TalosState::Configured) {
      continue;
    }
    auto api = dial(cp->address, talos::ConnectMode::Secure);
    if (!api.ok()) {
      continue;
    }
    auto members = (*api)->etcd_member_list(false);
    if (members.ok() && !members->empty()) {
      std::vector<std::string> names;
      for (const talos::EtcdMember& member : *members) {
        names.push_back(member.hostname);
      }
      return names;
    }
  }
  if (!any_configured_or_unknown) {
    return std::vector<std::string>{};
  }
  return std::nullopt;
}

// The addresses of the control planes that answered over mTLS: whose Kubernetes API to ask.
std::vector<std::string> configured_control_planes(const spec::Cluster& cluster,
                                                   const std::vector<plan::ObservedNode>& nodes) {
  std::vector<std::string> out;
  for (const spec::Node* cp : cluster.control_planes()) {
    for (const plan::ObservedNode& n : nodes) {
      if (n.node == cp->name && n.state == plan::TalosState::Configured) {
        out.push_back(cp->address);
      }
    }
  }
  return out;
}

// Through the first of them whose Kubernetes API answers (none: nothing known, and the next run
// looks again).
std::vector<plan::LeftCordoned> left_cordoned(const std::vector<std::string>& control_planes,
                                              const KubeConnect& kube) {
  std::vector<plan::LeftCordoned> out;
  (void)first_answering(control_planes, kube, [&](kube::Api& api) -> util::Result<void> {
    ASSIGN_OR_RETURN(std::vector<kube::NodeInfo> listed, api.list_nodes());
    for (const kube::NodeInfo& n : listed) {
      if (n.unschedulable && !n.cordoned_for.empty()) {
        out.push_back({n.name, n.cordoned_for});
      }
    }
    return {};
  });
  return out;
}

}  // namespace

util::Result<std::vector<plan::ObservedVm>> observe_owned_vms(const spec::Cluster& cluster,
                                                              proxmox::Api& pve) {
  util::Result<proxmox::ClusterState> state = pve.cluster();
  if (!state.ok()) {
    return std::move(state).error().with_context("read the Proxmox cluster's resources");
  }
  return owned_vms(cluster, *state, pve);
}

util::Result<plan::Observed> observe(const spec::Cluster& cluster, const plan::Desired& desired,
                                     proxmox::Api& pve, const TalosDialer& dial,
                                     const ObserveOptions& options) {
  plan::Observed observed;
  ASSIGN_OR_RETURN(observed.vms, observe_owned_vms(cluster, pve));
  ASSIGN_OR_RETURN(observed.boot_images_present, boot_images(desired, observed.vms, pve));
  observed.nodes = probe_nodes(cluster, observed.vms, dial, options.max_parallel_probes);
  observed.etcd_members = etcd_members(cluster, observed.nodes, dial);
  if (options.kube) {
    const std::vector<std::string> cps = configured_control_planes(cluster, observed.nodes);
    observed.left_cordoned = left_cordoned(cps, options.kube);
    observed.manifests_digest = recorded_manifests_digest(cps, options.kube);
  }
  return observed;
}

}  // namespace engine
