// What plan/apply/destroy/status share: the cluster's inputs, its desired state, and clients for
// the Proxmox API and each node's Talos API. Problems are reported on ctx and yield nullopt.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cluster_inputs.h"
#include "cli/context.h"
#include "cli/talos_access.h"
#include "engine/kube_connect.h"
#include "engine/node_bringup.h"
#include "engine/observe.h"
#include "plan/model.h"
#include "proxmox/api.h"
#include "proxmox/client.h"
#include "talos/cluster_configs.h"

namespace cli {

struct PveAccess {
  std::unique_ptr<proxmox::Client> client;
  std::unique_ptr<proxmox::Api> api;
};

// The cluster's Proxmox API (token from the environment variable cluster.yaml names).
std::optional<PveAccess> open_pve(const spec::Cluster& cluster, Context& ctx);

struct Estate {
  ClusterInputs inputs;
  std::vector<talos::NodeConfig> configs;
  plan::Desired desired;
  std::unique_ptr<proxmox::Client> pve_client;
  std::unique_ptr<proxmox::Api> pve;
  engine::TalosDialer dial;
  engine::TalosPortCheck talos_port_open;
  engine::KubeConnect kube;  // admin certificate signed in memory from the bundle
};

// Dials a node's apid: Secure with the target's credentials, Maintenance without; short call
// deadlines and no retries (a node that does not answer is reported, not waited for).
engine::TalosDialer talos_dialer(engine::TalosTarget target);

// engine::observe on the estate; a Proxmox failure is reported on ctx and yields nullopt.
std::optional<plan::Observed> observe_estate(Estate& estate, Context& ctx);

std::optional<Estate> open_estate(const std::string& file, const TalosAccessOptions& access,
                                  Context& ctx);

}  // namespace cli
