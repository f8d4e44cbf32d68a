// kube::Api — what talforge asks of a cluster's Kubernetes API (kubernetes.md §5, §7): node
// readiness, cordon/uncordon, drain by eviction, node deletion. One outside system behind one
// interface, so the engine can be tested with a fake and the client against the emulator.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace kube {

struct NodeAddress {
  std::string type;  // "InternalIP", "ExternalIP", "Hostname"
  std::string address;
};

// The fields of a Node (§6.2) the engine decides on.
struct NodeInfo {
  std::string name;
  bool ready = false;  // condition Ready has status "True" (False and Unknown are not ready)
  bool unschedulable = false;   // spec.unschedulable: cordoned
  std::string kubelet_version;  // status.nodeInfo.kubeletVersion, e.g. "v1.34.1"
  std::vector<NodeAddress> addresses;
  std::map<std::string, std::string> labels;
  bool control_plane = false;  // label node-role.kubernetes.io/control-plane present
  // Annotation talforge.dev/cordoned-for: why talforge cordoned the node (empty: it did not).
  std::string cordoned_for;
};

inline constexpr const char* kCordonedForAnnotation = "talforge.dev/cordoned-for";

struct DrainOptions {
  // Evict pods that no controller owns; they are gone for good (kubectl drain --force).
  // Without it drain refuses (Conflict) before evicting anything, naming those pods.
  bool force = false;
  // Whole drain: evictions blocked by a PodDisruptionBudget (429) are retried with backoff
  // until this runs out, and evicted pods must be gone by then.
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  // Pause between polls of an evicted pod (until 404 or a new uid).
  std::chrono::milliseconds poll_interval{std::chrono::milliseconds(500)};
  // First pause after a 429; doubled each retry up to 5 s (kubectl waits 5 s each time).
  std::chrono::milliseconds eviction_retry{std::chrono::milliseconds(500)};
};

// A pod as its kubelet reports it (kubernetes.md §6).
struct PodInfo {
  std::string ns, name;
  std::vector<std::string> images;  // spec.containers[].image, in order
  std::string phase;                // status.phase
  bool ready = false;               // condition Ready=True
};

// What a drain did, "namespace/name" of each pod, sorted.
struct DrainSummary {
  std::vector<std::string> evicted;
  std::vector<std::string> skipped_daemonset;  // their DaemonSet would recreate them at once
  std::vector<std::string> skipped_mirror;     // static pods: the kubelet owns them
};

// Errors of every call: Unavailable (connection refused, 503 — retry later), PermissionDenied
// (401/403, TLS trust or client certificate refused), NotFound (404), Conflict (409), Timeout;
// messages name the verb and path. Implementations are safe to use from one thread at a time.
class Api {
 public:
  virtual ~Api() = default;

  // GET /api/v1/nodes, sorted by name.
  virtual util::Result<std::vector<NodeInfo>> list_nodes() = 0;
  // GET /api/v1/nodes/<name>; NotFound when there is no such node.
  virtual util::Result<NodeInfo> get_node(const std::string& name) = 0;
  // PATCH spec.unschedulable (strategic merge, as kubectl cordon/uncordon); no PATCH when the
  // node is already in the wanted state.
  virtual util::Result<void> cordon(const std::string& name) = 0;
  virtual util::Result<void> uncordon(const std::string& name) = 0;
  // cordon/uncordon as talforge's own (one PATCH each): the cordon records `reason` in the
  // annotation kCordonedForAnnotation, so a later run can tell its cordons (left behind by a
  // killed run) from the user's; uncordon_own removes it again.
  virtual util::Result<void> cordon_for(const std::string& name, const std::string& reason) = 0;
  virtual util::Result<void> uncordon_own(const std::string& name) = 0;
  // cordon, then evict every pod on the node except DaemonSet and mirror pods, and wait until
  // the evicted pods are gone. Timeout names the pod a PodDisruptionBudget kept; the node stays
  // cordoned on failure (as with kubectl).
  virtual util::Result<DrainSummary> drain(const std::string& name,
                                           const DrainOptions& options) = 0;
  // GET /api/v1/namespaces/<ns>/configmaps/<name>: its data; NotFound when there is none.
  virtual util::Result<std::map<std::string, std::string>> get_config_map(
      const std::string& ns, const std::string& name) = 0;
  // GET /api/v1/namespaces/<ns>/pods/<name>; NotFound when there is no such pod.
  virtual util::Result<PodInfo> get_pod(const std::string& ns, const std::string& name) = 0;
  // Server-side apply of one object (PATCH application/apply-patch+yaml with force, as
  // `kubectl apply --server-side --force-conflicts`): created when absent, else its fields set.
  // The kind's resource comes from discovery (GET /api/v1, /apis/<group>/<version>); InvalidInput
  // for an object without apiVersion, kind or name, NotFound for a kind the server lacks.
  virtual util::Result<void> apply_object(const nlohmann::json& object,
                                          const std::string& field_manager) = 0;
  // DELETE /api/v1/nodes/<name>; NotFound when it is already gone.
  virtual util::Result<void> delete_node(const std::string& name) = 0;
  // Returns once the node reports Ready=True, following a watch of that node; Timeout after
  // `timeout`. A node that does not exist yet (kubelet not registered) is waited for too.
  virtual util::Result<NodeInfo> wait_node_ready(const std::string& name,
                                                 std::chrono::milliseconds timeout) = 0;
};

}  // namespace kube
