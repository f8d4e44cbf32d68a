// Fills plan::Observed from the real estate: one GET /cluster/resources, the config of each VM
// that carries this cluster's tags, the boot-image storages that new VMs need, each running
// node's Talos API (mTLS first, then maintenance mode), and one node list from Kubernetes.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/kube_connect.h"
#include "plan/model.h"
#include "proxmox/api.h"
#include "spec/cluster.h"
#include "talos/api.h"
#include "util/result.h"

namespace engine {

// Opens a Talos API client for a node address in the given mode (Secure uses the cluster's
// admin credentials). No I/O until the first call.
using TalosDialer = std::function<util::Result<std::unique_ptr<talos::Api>>(
    const std::string& address, talos::ConnectMode mode)>;

struct ObserveOptions {
  std::size_t max_parallel_probes = 16;
  // The cluster's Kubernetes API through a control plane, for the nodes an interrupted run left
  // cordoned; empty: not asked.
  KubeConnect kube;
};

// The VMs that carry this cluster's tags and ownership marker (one cluster/resources call plus
// one config read per tagged VM).
util::Result<std::vector<plan::ObservedVm>> observe_owned_vms(const spec::Cluster& cluster,
                                                              proxmox::Api& pve);

// Proxmox failures are errors (nothing can be planned without the VM list); a node that does
// not answer is recorded as Unreachable with the reason.
util::Result<plan::Observed> observe(const spec::Cluster& cluster, const plan::Desired& desired,
                                     proxmox::Api& pve, const TalosDialer& dial,
                                     const ObserveOptions& options = {});

}  // namespace engine
