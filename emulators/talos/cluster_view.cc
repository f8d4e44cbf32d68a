#include "emulators/talos/cluster_view.h"

#include <algorithm>

#include "emulators/kube/selector.h"
#include "emulators/talos/cosi_resources.h"
#include "emulators/talos/emulator.h"
#include "resource/definitions/block/block.pb.h"
#include "resource/definitions/runtime/runtime.pb.h"

namespace talos_emu {
namespace {

using nlohmann::json;

bool apid_answers(const NodeSnapshot& s) {
  return s.powered && !s.faults.unreachable && s.personality == Personality::Configured;
}

std::vector<cosi::resource::Resource> cosi(Emulator& emulator, const NodeSnapshot& s,
                                           const std::string& ns, const std::string& type) {
  return node_resources(emulator, s, ns, type);
}

std::optional<uint64_t> ephemeral_size(Emulator& emulator, const NodeSnapshot& s) {
  for (const auto& r : cosi(emulator, s, "runtime", "VolumeStatuses.block.talos.dev")) {
    if (r.metadata().id() != "EPHEMERAL")
      continue;
    talos::resource::definitions::block::VolumeStatusSpec spec;
    if (spec.ParseFromString(r.spec().proto_spec()))
      return static_cast<uint64_t>(spec.size());
  }
  return std::nullopt;
}

NodeView observe_node(Emulator& emulator, const std::string& address, bool control_plane) {
  NodeView view;
  view.ip = address;
  view.control_plane = control_plane;
  auto node = emulator.find_node(address);
  if (!node) {
    view.reachable = false;
    view.stage = "unknown";
    return view;
  }
  const NodeSnapshot s = node->snapshot();
  view.name = s.hostname;
  view.stage = stage_name(s.stage);
  view.reachable = apid_answers(s);
  if (!view.reachable)
    return view;  // every per-node read goes through apid
  for (const ServiceRecord& r : s.services) view.services[r.id] = ServiceView{r.state, r.healthy};
  // What the Memory RPC reports: the VM's memory minus what the kernel keeps.
  view.memory_total_mib = static_cast<uint64_t>(std::max<int64_t>(s.spec.memory_mib - 100, 0));
  view.ephemeral_bytes = ephemeral_size(emulator, s);
  for (const auto& r : cosi(emulator, s, "runtime", "Diagnostics.runtime.talos.dev")) {
    talos::resource::definitions::runtime::DiagnosticSpec spec;
    spec.ParseFromString(r.spec().proto_spec());
    view.diagnostics.push_back(spec.message());
  }
  for (const auto& r : cosi(emulator, s, "k8s", "StaticPodStatuses.kubernetes.talos.dev")) {
    view.static_pods.push_back(r.metadata().id());
  }
  if (s.control_plane() && s.cluster)
    view.etcd_members_seen = s.cluster->etcd.members();
  return view;
}

bool has_label(const json& object, const std::string& key, const std::string& value) {
  const json labels = object.value("/metadata/labels"_json_pointer, json::object());
  return labels.contains(key) && labels[key] == value;
}

bool condition_true(const json& object, const std::string& type) {
  for (const json& c : object.value("/status/conditions"_json_pointer, json::array())) {
    if (c.value("type", "") == type)
      return c.value("status", "") == "True";
  }
  return false;
}

KubeNodeView observe_kube_node(const json& node) {
  KubeNodeView view;
  view.name = node.value("/metadata/name"_json_pointer, "");
  for (const json& a : node.value("/status/addresses"_json_pointer, json::array())) {
    const std::string type = a.value("type", "");
    if (type == "InternalIP" || type == "ExternalIP")
      view.addresses.push_back(a.value("address", ""));
  }
  const json labels = node.value("/metadata/labels"_json_pointer, json::object());
  view.control_plane_label = labels.contains("node-role.kubernetes.io/control-plane");
  view.ready = condition_true(node, "Ready");
  view.unschedulable = node.value("/spec/unschedulable"_json_pointer, false);
  return view;
}

// The first `kind` in kube-system labelled k8s-app=`app`: desired and ready replicas.
std::optional<WorkloadView> observe_workload(const kube_emu::KubeState& kube,
                                             const std::string& resource, const std::string& app) {
  for (const json& w : kube.list(resource, "kube-system", kube_emu::Selector{}).items) {
    if (!has_label(w, "k8s-app", app))
      continue;
    if (resource == "daemonsets") {
      return WorkloadView{w.value("/status/desiredNumberScheduled"_json_pointer, 0),
                          w.value("/status/numberReady"_json_pointer, 0)};
    }
    return WorkloadView{w.value("/spec/replicas"_json_pointer, 1),
                        w.value("/status/readyReplicas"_json_pointer, 0)};
  }
  return std::nullopt;
}

void observe_kubernetes(const kube_emu::KubeState& kube, ClusterView* view) {
  if (!kube.available()) {
    view->kube_api_error =
        "the server is currently unable to handle the request (get nodes): etcd has no quorum";
    return;
  }
  for (const json& node : kube.list("nodes", "", kube_emu::Selector{}).items) {
    view->kube_nodes.push_back(observe_kube_node(node));
  }
  for (const json& pod : kube.list("pods", "kube-system", kube_emu::Selector{}).items) {
    const json labels = pod.value("/metadata/labels"_json_pointer, json::object());
    view->kube_system_pods.push_back(KubePodView{labels.value("k8s-app", ""),
                                                 pod.value("/spec/nodeName"_json_pointer, ""),
                                                 condition_true(pod, "Ready")});
  }
  view->kube_proxy = observe_workload(kube, "daemonsets", "kube-proxy");
  view->coredns = observe_workload(kube, "deployments", "kube-dns");
}

}  // namespace

ClusterView observe_cluster(Emulator& emulator, const ClusterState& cluster,
                            const std::vector<std::string>& control_planes,
                            const std::vector<std::string>& workers) {
  ClusterView view;
  for (const auto& a : control_planes) view.nodes.push_back(observe_node(emulator, a, true));
  for (const auto& a : workers) view.nodes.push_back(observe_node(emulator, a, false));
  observe_kubernetes(*cluster.kube, &view);
  return view;
}

}  // namespace talos_emu
