// Removing a node cluster.yaml no longer lists, without ever losing etcd quorum:
//   control plane: refuse when the etcd members left would not have a majority that answers;
//   then (any node) cordon + drain + delete through the Kubernetes API, a graceful Talos reset
//   (a control plane leaves etcd), the etcd member removed through another control plane if it
//   is still listed, and the VM destroyed with its disks.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/observe.h"
#include "engine/progress.h"
#include "engine/wait.h"
#include "kube/api.h"
#include "plan/model.h"
#include "proxmox/api.h"
#include "util/result.h"

namespace engine {

struct RemovalServices {
  proxmox::Api& pve;
  TalosDialer dial;
  // A Kubernetes API client through the control plane at this address.
  std::function<util::Result<std::unique_ptr<kube::Api>>(const std::string& address)> kube;
  Progress& progress;
};

// `vm`: the observed VM of the node to remove; `staying_control_planes`: addresses of the control
// planes cluster.yaml keeps (they answer for etcd and Kubernetes); `control_plane_addresses`:
// node name → address of every control plane there is, including others still to be removed
// (an etcd member that answers counts for quorum whether or not it stays).
util::Result<void> remove_node(const plan::ObservedVm& vm,
                               const std::vector<std::string>& staying_control_planes,
                               const std::map<std::string, std::string>& control_plane_addresses,
                               RemovalServices& services, const WaitPolicy& wait);

// An etcd member whose node has no VM any more: removed through a staying control plane, after
// the same quorum check (the members left need an answering majority).
util::Result<void> remove_stale_etcd_member(
    const std::string& name, const std::vector<std::string>& staying_control_planes,
    const std::map<std::string, std::string>& control_plane_addresses, RemovalServices& services);

}  // namespace engine
