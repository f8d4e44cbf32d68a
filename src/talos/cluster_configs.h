// Machine configs for every node of a cluster.yaml, in a documented order of layers:
//   1. the `talosctl gen config` documents for the node's role (config_gen.h);
//   2. what talforge owns: hostname, static network on the physical NIC, nameservers, VIP on
//      control planes, kubelet/etcd subnets, CNI none + no kube-proxy + the Cilium manifest;
//   3. the user's patches: cluster-wide, then the role's, then the node's own, each in file order.
// Later layers win, so a user patch can override anything talforge set (validate warns when it
// touches keys talforge owns).
#pragma once

#include <string>
#include <vector>

#include "spec/cluster.h"
#include "talos/config_gen.h"
#include "util/result.h"

namespace talos {

struct NodeConfig {
  std::string node;  // node name
  MachineRole role = MachineRole::Worker;
  std::string yaml;  // the machine config; holds secrets
};

// The installer image of the cluster's schematic (talos.md §4.5, §8):
// <factory host>/<platform>-installer/<schematic>:<version> (Talos ≥ 1.10),
// <factory host>/installer/<schematic>:<version> before.
std::string installer_image(const spec::Cluster& cluster, const std::string& schematic_id);
// The same for another Talos version ("v1.12.11"), e.g. a step of an upgrade.
std::string installer_image(const spec::Cluster& cluster, const std::string& schematic_id,
                            const std::string& version);

// The gen-config inputs shared by all nodes of the cluster.
GenOptions cluster_gen_options(const spec::Cluster& cluster, const std::string& schematic_id);

// Generates every node's config. Errors name the node and the patch that failed.
util::Result<std::vector<NodeConfig>> generate_cluster_configs(const spec::Cluster& cluster,
                                                               const ClusterSecrets& secrets,
                                                               const std::string& schematic_id);

}  // namespace talos
