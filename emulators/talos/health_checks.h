// The 16 cluster health checks of `talosctl health` (talos.md §7.1) as a pure function over a
// read-only snapshot of the emulated cluster; the HealthCheck RPC polls it and streams the lines.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulators/talos/etcd_cluster.h"

namespace talos_emu {

struct ServiceView {
  std::string state = "Running";  // last event state: "Running", "Preparing", "Waiting", …
  bool healthy = true;
};

struct NodeView {
  std::string name;  // hostname
  std::string ip;
  bool control_plane = false;
  bool reachable = true;                        // apid answers (Version with nodes= succeeds)
  std::string stage = "running";                // MachineStatus stage
  std::map<std::string, ServiceView> services;  // "etcd", "kubelet", …
  uint64_t memory_total_mib = 0;
  std::optional<uint64_t> ephemeral_bytes;    // EPHEMERAL volume size; nullopt = not readable
  std::vector<std::string> diagnostics;       // Diagnostics resources' messages
  std::vector<EtcdMember> etcd_members_seen;  // EtcdMemberList answered by this CP node
  std::vector<std::string> static_pods;  // StaticPodStatus ids "kube-system/kube-apiserver-cp-1"
};

struct KubeNodeView {
  std::string name;
  std::vector<std::string> addresses;  // InternalIP / ExternalIP
  bool control_plane_label = false;    // node-role.kubernetes.io/control-plane
  bool ready = false;
  bool unschedulable = false;
};

struct KubePodView {
  std::string app;   // k8s-app label in kube-system
  std::string node;  // spec.nodeName
  bool ready = false;
};

struct WorkloadView {
  int desired = 0;
  int ready = 0;
};

struct ClusterView {
  std::vector<NodeView> nodes;
  std::string kube_api_error;  // non-empty: the Kubernetes API did not answer (e.g. no quorum)
  std::vector<KubeNodeView> kube_nodes;
  std::vector<KubePodView> kube_system_pods;
  std::optional<WorkloadView> kube_proxy;  // DaemonSet k8s-app=kube-proxy, absent with Cilium KPR
  std::optional<WorkloadView> coredns;     // Deployment k8s-app=kube-dns
};

struct HealthCheckResult {
  std::string name;  // "etcd to be healthy"
  bool passed = false;
  std::string detail;  // why it fails ("" when passed)
  // Lines as talosctl prints them: "waiting for <name>: ..." plus "…: OK" or "…: <detail>".
  std::vector<std::string> lines() const;
};

// Evaluates every check in order (a real run stops at the first failing one and polls it).
std::vector<HealthCheckResult> evaluate_health_checks(const ClusterView& view);

// Minimums of checks 5 and 6.
constexpr uint64_t kMinControlPlaneMemoryMiB = 1698;
constexpr uint64_t kMinWorkerMemoryMiB = 874;
// 6 GiB minus BIOS 1 + EFI 100 + BOOT 1000 + META 1 + STATE 100 MiB and ~10 MiB of GPT overhead.
constexpr uint64_t kMinEphemeralBytes = (6144ull - 1202 - 10) * 1024 * 1024;

}  // namespace talos_emu
