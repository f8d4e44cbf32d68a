// kube_emu::KubeState — the object store of one emulated Kubernetes cluster (a fresh Talos
// cluster with Cilium): nodes, kube-system pods and their owners, namespaces, configmaps,
// events, services. Thread-safe; every change bumps one resourceVersion counter and is
// published to watchers. The Talos emulator drives it through the "cluster facts" methods;
// KubeApiServer serves it through the generic object methods.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulators/kube/selector.h"
#include "util/result.h"

namespace kube_emu {

// What the kubelet of one node reports when it registers (Node object, §6.2 of kubernetes.md).
struct NodeFacts {
  std::string name;
  std::string internal_ip;
  bool control_plane = false;
  std::string kubelet_version = "v1.34.1";
  std::string os_image = "Talos (v1.11.6)";
  std::string kernel_version = "6.12.57-talos";
  std::string container_runtime = "containerd://2.1.5";
  int64_t memory_bytes = 2LL * 1024 * 1024 * 1024;
  int cpus = 2;
  std::string system_uuid;  // SMBIOS UUID; empty = derived from the name
  // A control plane's static pod images by pod name prefix ("kube-apiserver" → image); the
  // kubelet replaces a static pod whose image differs. Missing: registry.k8s.io/<name>:<kubelet>.
  std::map<std::string, std::string> static_pod_images;
};

struct KubeStateOptions {
  std::string kubernetes_version = "v1.34.1";  // what GET /version reports
  // Talos deploys the kube-proxy DaemonSet unless cluster.proxy.disabled (the usual setting
  // with Cilium's kube-proxy replacement, hence off by default).
  bool kube_proxy = false;
  // Wall clock for creationTimestamp and Age columns; tests may inject a fixed clock.
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

enum class WatchEventType { Added, Modified, Deleted };
const char* watch_event_type_name(WatchEventType type);  // "ADDED", "MODIFIED", "DELETED"

struct WatchEvent {
  uint64_t resource_version = 0;
  WatchEventType type = WatchEventType::Added;
  std::string resource;    // plural resource name: "nodes", "pods", …
  std::string namespace_;  // empty for cluster-scoped objects
  nlohmann::json object;   // the full object (for DELETED: its last state)
};

// How a PATCH body is applied. All three merge recursively with `null` deleting a field
// (strategic merge is treated as JSON merge patch, which covers what kubectl sends).
enum class PatchKind { StrategicMerge, MergePatch, Apply };

class KubeState {
 public:
  explicit KubeState(KubeStateOptions options = {});
  ~KubeState();
  KubeState(const KubeState&) = delete;
  KubeState& operator=(const KubeState&) = delete;

  // ---- Cluster facts, driven by the Talos emulator ----

  // The node's kubelet registered (or re-registered with new facts): creates or updates the
  // Node, marks its kubelet running, adds the static pods of a control plane and the node's
  // DaemonSet pods (once the CNI runs).
  void upsert_node(const NodeFacts& facts);
  // Cluster-wide: the CNI (Cilium from the inline manifest) is running. Creates the cilium
  // DaemonSet pods and cilium-operator, schedules CoreDNS; nodes turn Ready only while both
  // their kubelet and the CNI run. false removes the CNI pods again.
  void set_cni_running(bool running);
  // A node's kubelet stopped (reboot, shutdown) or started again: Ready condition and the
  // node's pods follow. Unknown names are ignored.
  void set_node_kubelet_running(const std::string& name, bool running);
  // Removes the Node and every pod bound to it (as pod GC would).
  void remove_node(const std::string& name);
  // false = etcd quorum lost: the API server answers 503 to everything but /livez.
  void set_available(bool available);

  // ---- Reads for health checks and tests ----

  bool available() const;
  bool cni_running() const;
  const std::string& kubernetes_version() const;
  bool node_exists(const std::string& name) const;
  bool node_ready(const std::string& name) const;
  bool node_unschedulable(const std::string& name) const;
  std::vector<std::string> node_names() const;  // sorted
  // Names of the pods bound to `node` ("namespace/name"), sorted.
  std::vector<std::string> pods_on_node(const std::string& node) const;
  // What a drain evicts from `node` ("namespace/name", sorted): its pods except DaemonSet pods and
  // mirror (static) pods.
  std::vector<std::string> evictable_pods_on_node(const std::string& node) const;
  // "namespace/name" of every pod, sorted.
  std::vector<std::string> pod_names() const;
  int evictions() const;       // successful POST …/eviction calls
  int node_deletions() const;  // nodes deleted through the API (not remove_node)
  uint64_t resource_version() const;

  // ---- Generic object access, used by KubeApiServer ----
  // `resource` is a plural name ("nodes", "pods", "daemonsets", …); `ns` is empty for
  // cluster-scoped resources. Errors: NotFound (`<resource> "<name>" not found`),
  // AlreadyExists, InvalidInput (bad body), Unavailable (set_available(false)).

  struct ListResult {
    uint64_t resource_version = 0;
    std::vector<nlohmann::json> items;
  };
  // `ns` empty on a namespaced resource = all namespaces.
  ListResult list(const std::string& resource, const std::string& ns,
                  const Selector& selector) const;
  util::Result<nlohmann::json> get(const std::string& resource, const std::string& ns,
                                   const std::string& name) const;
  util::Result<nlohmann::json> create(const std::string& resource, const std::string& ns,
                                      nlohmann::json object);
  // Apply patches create the object when it is missing (`created` is set then).
  util::Result<nlohmann::json> patch(const std::string& resource, const std::string& ns,
                                     const std::string& name, const nlohmann::json& patch,
                                     PatchKind kind, bool* created = nullptr);
  util::Result<nlohmann::json> remove(const std::string& resource, const std::string& ns,
                                      const std::string& name);
  // Eviction: removes the pod (a ReplicaSet pod gets a replacement, as its controller would).
  util::Result<void> evict(const std::string& ns, const std::string& name);

  // Blocks until events newer than `after` exist, `deadline` passes or stop_watches() is called.
  // Returns the events of `resource` (all of them; the caller filters by namespace and
  // selector) with resource_version > after, in order.
  std::vector<WatchEvent> wait_for_events(const std::string& resource, uint64_t after,
                                          std::chrono::steady_clock::time_point deadline) const;
  // A watch may resume from any resourceVersion >= this; older ones are "too old" (410).
  uint64_t oldest_watchable_version() const;
  // Wakes every watcher waiting right now (they return no events), so a stopping server's
  // streams end promptly. Later waits are unaffected.
  void stop_watches();

  std::chrono::system_clock::time_point now() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kube_emu
