// Builders of the seeded objects of a fresh Talos cluster with Cilium (kubernetes.md §6): Node,
// Namespace, Service and the kube-system workloads with their pods.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulators/kube/kube_state.h"

namespace kube_emu {

// A stable UUID-shaped id and a Kubernetes-style name suffix ("x7kq2"), both from a counter.
std::string make_uid(uint64_t n);
std::string name_suffix(uint64_t n, size_t length);

// Node metadata and spec from the kubelet's facts; status.nodeInfo/addresses/capacity filled,
// conditions left to the state (they depend on kubelet and CNI).
nlohmann::json node_object(const NodeFacts& facts, const std::string& pod_cidr);
nlohmann::json namespace_object(const std::string& name);
nlohmann::json service_object(const std::string& ns, const std::string& name,
                              const std::string& cluster_ip, nlohmann::json labels, int port,
                              const std::string& port_name);

struct OwnerRef {
  std::string api_version;  // "apps/v1", "v1"
  std::string kind;         // "DaemonSet", "ReplicaSet", "Node"
  std::string name;
  std::string uid;
};

// What a controller needs to stamp out one pod.
struct PodTemplate {
  std::string ns = "kube-system";
  std::map<std::string, std::string> labels;
  std::string container;
  std::string image;
  bool host_network = false;
  bool mirror = false;  // static pod: kubernetes.io/config.mirror annotation
  std::string priority_class = "system-cluster-critical";
};

nlohmann::json pod_object(const std::string& name, const PodTemplate& tmpl, const OwnerRef& owner,
                          const std::string& node_name);
nlohmann::json owner_reference(const OwnerRef& owner);

nlohmann::json workload_object(const std::string& kind, const std::string& ns,
                               const std::string& name,
                               const std::map<std::string, std::string>& labels, int replicas,
                               const std::optional<OwnerRef>& owner);

}  // namespace kube_emu
