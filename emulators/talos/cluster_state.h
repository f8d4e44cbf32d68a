// Everything shared by the nodes of one Talos cluster (grouped by cluster id from the config):
// its etcd, its Kubernetes object store and the cluster-wide CNI state.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "emulators/kube/kube_state.h"
#include "emulators/talos/etcd_cluster.h"

namespace talos_emu {

struct ClusterState {
  ClusterState(std::string id_, std::string name_, std::string kubernetes_version);

  const std::string id;
  const std::string name;
  EtcdCluster etcd;
  std::shared_ptr<kube_emu::KubeState> kube;

  std::mutex mu;
  bool cni_scheduled = false;  // guarded by mu
  bool had_quorum = false;     // guarded by mu: last quorum state pushed to kube
};

}  // namespace talos_emu
