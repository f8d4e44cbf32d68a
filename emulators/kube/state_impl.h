// Internals of KubeState shared by its store (kube_state.cc) and its controllers
// (controllers.cc). Every member function expects `mu` to be held.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "emulators/kube/kube_state.h"
#include "emulators/kube/objects.h"

namespace kube_emu {

struct NodeRuntime {
  NodeFacts facts;
  bool kubelet_running = true;
  int index = 0;  // picks the node's pod CIDR
};

// Pods our controllers own: their status follows the node and the CNI.
struct ManagedPod {
  bool host_network = false;
  std::string pod_ip;
  std::string started_at;
};

// A Deployment → ReplicaSet → pods chain (CoreDNS, cilium-operator).
struct ReplicatedWorkload {
  std::string deployment;
  std::string replicaset;
  int replicas = 1;
  bool needs_cni = false;  // exists only while the CNI runs
  PodTemplate pod;
};

// A DaemonSet with one pod per node (cilium agent, kube-proxy).
struct NodeDaemonSet {
  std::string name;
  bool needs_cni = false;
  PodTemplate pod;
};

struct KubeState::Impl {
  KubeStateOptions options;
  mutable std::mutex mu;
  mutable std::condition_variable cv;

  uint64_t rv = 100;
  uint64_t ids = 0;
  std::map<std::string, std::map<std::string, nlohmann::json>> objects;  // resource → ns/name
  std::deque<WatchEvent> events;
  std::map<std::string, NodeRuntime> nodes;
  std::map<std::string, ManagedPod> managed_pods;  // "ns/name"
  std::vector<ReplicatedWorkload> workloads;
  std::vector<NodeDaemonSet> daemonsets;
  bool available = true;
  bool cni = false;
  uint64_t wake_generation = 0;  // stop_watches() bumps it to release waiters
  int evictions = 0;
  int node_deletions = 0;
  int next_node_index = 0;

  static std::string key(const std::string& ns, const std::string& name) { return ns + "/" + name; }
  const nlohmann::json* find(const std::string& resource, const std::string& ns,
                             const std::string& name) const;
  // Stores `object` (uid, creationTimestamp kept or stamped; resourceVersion bumped) and
  // publishes ADDED or MODIFIED.
  const nlohmann::json& put(const std::string& resource, nlohmann::json object);
  // put() only when something other than the bookkeeping fields differs.
  void put_if_changed(const std::string& resource, nlohmann::json object);
  void erase(const std::string& resource, const std::string& ns, const std::string& name);
  std::string now_timestamp() const;

  // controllers.cc: converge every derived object (node conditions and taints, static, DaemonSet
  // and ReplicaSet pods and their statuses) to the facts.
  void reconcile();

 private:
  void publish(WatchEventType type, const std::string& resource, const nlohmann::json& object);
  void reconcile_node(NodeRuntime& rt);
  void reconcile_static_pods();
  void reconcile_daemonset(const NodeDaemonSet& d);
  void reconcile_workload_statuses();
  void reconcile_workload(const ReplicatedWorkload& w);
  void reconcile_pod_statuses();
  void remove_orphan_pods();
  void create_managed_pod(const std::string& name, const PodTemplate& tmpl, const OwnerRef& owner,
                          const std::string& node);
  std::string pick_node_for(const std::string& replicaset) const;
  bool schedulable(const std::string& node) const;
  void record_node_event(const std::string& node, bool ready);
  std::string pod_ip_on(const std::string& node);
};

}  // namespace kube_emu
