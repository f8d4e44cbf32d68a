// What the kubelet, the node lifecycle controller, the scheduler and the DaemonSet/ReplicaSet
// controllers would do, collapsed into one synchronous reconcile after every change.
#include <algorithm>

#include <fmt/format.h>

#include "emulators/kube/state_impl.h"

namespace kube_emu {
namespace {

using nlohmann::json;

const char* const kNotReadyTaint = "node.kubernetes.io/not-ready";
const char* const kUnreachableTaint = "node.kubernetes.io/unreachable";
const char* const kUnschedulableTaint = "node.kubernetes.io/unschedulable";

std::string str(const json& object, const char* pointer) {
  const json::json_pointer p(pointer);
  return object.contains(p) && object.at(p).is_string() ? object.at(p).get<std::string>() : "";
}

// The controller owner of a pod, or empty.
std::pair<std::string, std::string> controller_of(const json& pod) {
  for (const json& ref : pod.value("/metadata/ownerReferences"_json_pointer, json::array())) {
    if (ref.value("controller", false)) {
      return {ref.value("kind", ""), ref.value("name", "")};
    }
  }
  return {};
}

// Ready condition of a node: True only while its kubelet and the CNI both run.
struct ReadyState {
  std::string status;
  std::string reason;
  std::string message;
};

ReadyState ready_state(const NodeRuntime& rt, bool cni) {
  if (!rt.kubelet_running) {
    return {"Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."};
  }
  if (!cni) {
    return {"False", "KubeletNotReady",
            "container runtime network not ready: NetworkReady=false "
            "reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not "
            "initialized"};
  }
  return {"True", "KubeletReady", "kubelet is posting ready status"};
}

json pressure_condition(const char* type, const char* reason, const char* message,
                        bool kubelet_running, const std::string& since) {
  if (!kubelet_running) {
    return {{"type", type},
            {"status", "Unknown"},
            {"reason", "NodeStatusUnknown"},
            {"message", "Kubelet stopped posting node status."},
            {"lastHeartbeatTime", since},
            {"lastTransitionTime", since}};
  }
  return {{"type", type},       {"status", "False"},          {"reason", reason},
          {"message", message}, {"lastHeartbeatTime", since}, {"lastTransitionTime", since}};
}

// Replaces the taints the node lifecycle controller manages, keeping everyone else's.
void set_managed_taints(json& node, const std::string& ready, bool unschedulable) {
  json taints = json::array();
  for (const json& t : node.value("/spec/taints"_json_pointer, json::array())) {
    const std::string k = t.value("key", "");
    if (k != kNotReadyTaint && k != kUnreachableTaint && k != kUnschedulableTaint) {
      taints.push_back(t);
    }
  }
  if (unschedulable) {
    taints.push_back({{"key", kUnschedulableTaint}, {"effect", "NoSchedule"}});
  }
  if (ready == "False") {
    taints.push_back({{"key", kNotReadyTaint}, {"effect", "NoSchedule"}});
  } else if (ready == "Unknown") {
    taints.push_back({{"key", kUnreachableTaint}, {"effect", "NoSchedule"}});
  }
  if (taints.empty()) {
    node["spec"].erase("taints");
  } else {
    node["spec"]["taints"] = taints;
  }
}

json pod_condition(const char* type, bool ok, const std::string& since) {
  return {{"type", type}, {"status", ok ? "True" : "False"}, {"lastTransitionTime", since}};
}

}  // namespace

void KubeState::Impl::reconcile() {
  for (auto& [name, rt] : nodes) {
    reconcile_node(rt);
  }
  remove_orphan_pods();
  reconcile_static_pods();
  for (const NodeDaemonSet& d : daemonsets) {
    reconcile_daemonset(d);
  }
  for (const ReplicatedWorkload& w : workloads) {
    reconcile_workload(w);
  }
  reconcile_pod_statuses();
  reconcile_workload_statuses();
}

void KubeState::Impl::reconcile_node(NodeRuntime& rt) {
  const json* current = find("nodes", "", rt.facts.name);
  if (current == nullptr) {
    return;
  }
  json node = *current;
  const ReadyState ready = ready_state(rt, cni);
  std::string since = now_timestamp();
  std::string previous;
  for (const json& c : node.value("/status/conditions"_json_pointer, json::array())) {
    if (c.value("type", "") == "Ready") {
      previous = c.value("status", "");
      if (previous == ready.status) {
        since = c.value("lastTransitionTime", since);
      }
    }
  }
  const bool run = rt.kubelet_running;
  node["status"]["conditions"] = {
      pressure_condition("MemoryPressure", "KubeletHasSufficientMemory",
                         "kubelet has sufficient memory available", run, since),
      pressure_condition("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure",
                         run, since),
      pressure_condition("PIDPressure", "KubeletHasSufficientPID",
                         "kubelet has sufficient PID available", run, since),
      {{"type", "Ready"},
       {"status", ready.status},
       {"reason", ready.reason},
       {"message", ready.message},
       {"lastHeartbeatTime", since},
       {"lastTransitionTime", since}}};
  set_managed_taints(node, ready.status, node.value("/spec/unschedulable"_json_pointer, false));
  put_if_changed("nodes", std::move(node));
  if (previous != ready.status && (previous == "True" || ready.status == "True")) {
    record_node_event(rt.facts.name, ready.status == "True");
  }
}

void KubeState::Impl::record_node_event(const std::string& node, bool ready) {
  const std::string reason = ready ? "NodeReady" : "NodeNotReady";
  const std::string at = now_timestamp();
  put("events",
      {{"kind", "Event"},
       {"apiVersion", "v1"},
       {"metadata", {{"name", fmt::format("{}.{:x}", node, rv + 1)}, {"namespace", "default"}}},
       {"involvedObject", {{"kind", "Node"}, {"name", node}, {"uid", node}, {"apiVersion", "v1"}}},
       {"reason", reason},
       {"message", fmt::format("Node {} status is now: {}", node, reason)},
       {"type", "Normal"},
       {"source", {{"component", "kubelet"}, {"host", node}}},
       {"firstTimestamp", at},
       {"lastTimestamp", at},
       {"count", 1},
       {"reportingComponent", "kubelet"},
       {"reportingInstance", node}});
}

// Pod garbage collection: pods bound to a node that no longer exists go away.
void KubeState::Impl::remove_orphan_pods() {
  std::vector<std::pair<std::string, std::string>> doomed;
  for (const auto& [k, pod] : objects["pods"]) {
    const std::string node = str(pod, "/spec/nodeName");
    if (!node.empty() && find("nodes", "", node) == nullptr) {
      doomed.emplace_back(str(pod, "/metadata/namespace"), str(pod, "/metadata/name"));
    }
  }
  for (const auto& [ns, name] : doomed) {
    erase("pods", ns, name);
  }
}

void KubeState::Impl::create_managed_pod(const std::string& name, const PodTemplate& tmpl,
                                         const OwnerRef& owner, const std::string& node) {
  ManagedPod managed;
  managed.host_network = tmpl.host_network;
  managed_pods[key(tmpl.ns, name)] = managed;
  put("pods", pod_object(name, tmpl, owner, node));
}

void KubeState::Impl::reconcile_static_pods() {
  static const char* const kComponents[] = {"kube-apiserver", "kube-controller-manager",
                                            "kube-scheduler"};
  for (const auto& [name, rt] : nodes) {
    const json* node = find("nodes", "", name);
    if (!rt.facts.control_plane || node == nullptr) {
      continue;
    }
    const OwnerRef owner{"v1", "Node", name, str(*node, "/metadata/uid")};
    for (const char* component : kComponents) {
      const std::string pod_name = fmt::format("{}-{}", component, name);
      const auto configured = rt.facts.static_pod_images.find(component);
      const std::string image =
          configured != rt.facts.static_pod_images.end()
              ? configured->second
              : fmt::format("registry.k8s.io/{}:{}", component, rt.facts.kubelet_version);
      if (const json* pod = find("pods", "kube-system", pod_name)) {
        if (str(*pod, "/spec/containers/0/image") == image) {
          continue;
        }
        erase("pods", "kube-system", pod_name);  // the kubelet runs the new manifest's pod
      }
      PodTemplate tmpl{"kube-system", {{"k8s-app", component}, {"tier", "control-plane"}},
                       component,     image,
                       true,          true};
      create_managed_pod(pod_name, tmpl, owner, name);
    }
  }
}

void KubeState::Impl::reconcile_daemonset(const NodeDaemonSet& d) {
  const std::string& ns = d.pod.ns;
  const std::pair<std::string, std::string> owner_id{"DaemonSet", d.name};
  if (d.needs_cni && !cni) {
    std::vector<std::string> doomed;
    for (const auto& [k, pod] : objects["pods"]) {
      if (controller_of(pod) == owner_id) {
        doomed.push_back(str(pod, "/metadata/name"));
      }
    }
    for (const std::string& name : doomed) {
      erase("pods", ns, name);
    }
    erase("daemonsets", ns, d.name);
    return;
  }
  if (find("daemonsets", ns, d.name) == nullptr) {
    put("daemonsets", workload_object("DaemonSet", ns, d.name, d.pod.labels, 0, {}));
  }
  const json& ds = *find("daemonsets", ns, d.name);
  std::set<std::string> covered;
  for (const auto& [k, pod] : objects["pods"]) {
    if (controller_of(pod) == owner_id) {
      covered.insert(str(pod, "/spec/nodeName"));
    }
  }
  const OwnerRef owner{"apps/v1", "DaemonSet", d.name, str(ds, "/metadata/uid")};
  std::vector<std::string> missing;
  for (const auto& [k, node] : objects["nodes"]) {
    if (!covered.count(str(node, "/metadata/name"))) {
      missing.push_back(str(node, "/metadata/name"));
    }
  }
  for (const std::string& node : missing) {
    create_managed_pod(fmt::format("{}-{}", d.name, name_suffix(++ids, 5)), d.pod, owner, node);
  }
}

bool KubeState::Impl::schedulable(const std::string& node) const {
  const auto rt = nodes.find(node);
  const json* object = find("nodes", "", node);
  if (rt == nodes.end() || object == nullptr || !rt->second.kubelet_running || !cni) {
    return false;
  }
  return !object->value("/spec/unschedulable"_json_pointer, false);
}

// Spreads a ReplicaSet's pods: the schedulable node running the fewest of them, by name.
std::string KubeState::Impl::pick_node_for(const std::string& replicaset) const {
  std::map<std::string, int> load;
  for (const auto& [name, rt] : nodes) {
    if (schedulable(name)) {
      load[name] = 0;
    }
  }
  if (load.empty()) {
    return "";
  }
  for (const auto& [k, pod] : objects.at("pods")) {
    const std::string node = str(pod, "/spec/nodeName");
    if (load.count(node) && controller_of(pod).second == replicaset) {
      ++load[node];
    }
  }
  return std::min_element(load.begin(), load.end(),
                          [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

void KubeState::Impl::reconcile_workload(const ReplicatedWorkload& w) {
  const std::string& ns = w.pod.ns;
  if (w.needs_cni && !cni) {
    std::vector<std::string> doomed;
    for (const auto& [k, pod] : objects["pods"]) {
      if (controller_of(pod).second == w.replicaset) {
        doomed.push_back(str(pod, "/metadata/name"));
      }
    }
    for (const std::string& name : doomed) {
      erase("pods", ns, name);
    }
    erase("replicasets", ns, w.replicaset);
    erase("deployments", ns, w.deployment);
    return;
  }
  if (find("deployments", ns, w.deployment) == nullptr) {
    put("deployments",
        workload_object("Deployment", ns, w.deployment, w.pod.labels, w.replicas, {}));
  }
  if (find("replicasets", ns, w.replicaset) == nullptr) {
    const OwnerRef deploy{"apps/v1", "Deployment", w.deployment,
                          str(*find("deployments", ns, w.deployment), "/metadata/uid")};
    put("replicasets",
        workload_object("ReplicaSet", ns, w.replicaset, w.pod.labels, w.replicas, deploy));
  }
  const OwnerRef owner{"apps/v1", "ReplicaSet", w.replicaset,
                       str(*find("replicasets", ns, w.replicaset), "/metadata/uid")};
  std::vector<std::string> unscheduled;
  int count = 0;
  for (const auto& [k, pod] : objects["pods"]) {
    if (controller_of(pod).second == w.replicaset) {
      ++count;
      if (str(pod, "/spec/nodeName").empty()) {
        unscheduled.push_back(str(pod, "/metadata/name"));
      }
    }
  }
  for (; count < w.replicas; ++count) {
    const std::string name = fmt::format("{}-{}", w.replicaset, name_suffix(++ids, 5));
    create_managed_pod(name, w.pod, owner, "");
    unscheduled.push_back(name);
  }
  for (const std::string& name : unscheduled) {
    const std::string node = pick_node_for(w.replicaset);
    if (node.empty()) {
      break;
    }
    json pod = *find("pods", ns, name);
    pod["spec"]["nodeName"] = node;
    managed_pods[key(ns, name)].pod_ip = w.pod.host_network ? "" : pod_ip_on(node);
    put("pods", std::move(pod));
  }
}

std::string KubeState::Impl::pod_ip_on(const std::string& node) {
  const auto rt = nodes.find(node);
  const int index = rt == nodes.end() ? 0 : rt->second.index;
  return fmt::format("10.244.{}.{}", index % 256, 2 + (++ids % 250));
}

// Kubelet view of each managed pod: Running and Ready while its node's kubelet runs and its
// network exists (host network, or the CNI); Pending while unscheduled.
void KubeState::Impl::reconcile_pod_statuses() {
  std::vector<json> changed;
  for (auto& [k, managed] : managed_pods) {
    const auto slash = k.find('/');
    const json* current = find("pods", k.substr(0, slash), k.substr(slash + 1));
    if (current == nullptr) {
      continue;
    }
    json pod = *current;
    const std::string node = str(pod, "/spec/nodeName");
    const auto rt = nodes.find(node);
    const std::string created = str(pod, "/metadata/creationTimestamp");
    json status = {{"qosClass", "Burstable"}};
    if (node.empty() || rt == nodes.end()) {
      status["phase"] = "Pending";
      status["conditions"] = {{{"type", "PodScheduled"},
                               {"status", "False"},
                               {"reason", "Unschedulable"},
                               {"message", "0/" + std::to_string(nodes.size()) +
                                               " nodes are available: no node is Ready and "
                                               "schedulable."},
                               {"lastTransitionTime", created}}};
    } else {
      const bool kubelet = rt->second.kubelet_running;
      const bool network = managed.host_network || cni;
      const bool running = kubelet && network;
      if (running && managed.started_at.empty()) {
        managed.started_at = now_timestamp();
      }
      const std::string previous_phase = str(pod, "/status/phase");
      const std::string phase = running                                     ? "Running"
                                : (!kubelet && previous_phase == "Running") ? "Running"
                                                                            : "Pending";
      const std::string host_ip = rt->second.facts.internal_ip;
      const std::string pod_ip = managed.host_network ? host_ip : managed.pod_ip;
      json state = running ? json{{"running", {{"startedAt", managed.started_at}}}}
                           : json{{"waiting", {{"reason", "ContainerCreating"}}}};
      if (!kubelet && phase == "Running") {
        state = {{"running", {{"startedAt", managed.started_at}}}};
      }
      const json& container = pod["spec"]["containers"][0];
      status["phase"] = phase;
      status["hostIP"] = host_ip;
      status["hostIPs"] = {{{"ip", host_ip}}};
      if (phase == "Running") {
        status["podIP"] = pod_ip;
        status["podIPs"] = {{{"ip", pod_ip}}};
      }
      status["startTime"] = created;
      status["conditions"] = {pod_condition("PodReadyToStartContainers", running, created),
                              pod_condition("Initialized", true, created),
                              pod_condition("Ready", running, created),
                              pod_condition("ContainersReady", running, created),
                              pod_condition("PodScheduled", true, created)};
      status["containerStatuses"] = {{{"name", container.value("name", "")},
                                      {"image", container.value("image", "")},
                                      {"imageID", ""},
                                      {"ready", running},
                                      {"started", running},
                                      {"restartCount", 0},
                                      {"state", state}}};
    }
    if (pod["status"] != status) {
      pod["status"] = std::move(status);
      changed.push_back(std::move(pod));
    }
  }
  for (json& pod : changed) {
    put("pods", std::move(pod));
  }
}

}  // namespace kube_emu

namespace kube_emu {
namespace {

using nlohmann::json;

bool pod_ready(const json& pod) {
  for (const json& c : pod.value("/status/conditions"_json_pointer, json::array())) {
    if (c.value("type", "") == "Ready") {
      return c.value("status", "") == "True";
    }
  }
  return false;
}

struct PodCount {
  int total = 0;
  int ready = 0;
};

json daemonset_status(const PodCount& c, int desired) {
  json s = {{"currentNumberScheduled", c.total},
            {"desiredNumberScheduled", desired},
            {"numberAvailable", c.ready},
            {"numberMisscheduled", 0},
            {"numberReady", c.ready},
            {"observedGeneration", 1},
            {"updatedNumberScheduled", c.total}};
  if (desired > c.ready) {
    s["numberUnavailable"] = desired - c.ready;
  }
  return s;
}

json replicaset_status(const PodCount& c) {
  return {{"replicas", c.total},
          {"fullyLabeledReplicas", c.total},
          {"readyReplicas", c.ready},
          {"availableReplicas", c.ready},
          {"observedGeneration", 1}};
}

json deployment_status(const PodCount& c, int wanted) {
  const bool available = c.ready >= wanted;
  json s = {{"replicas", c.total},
            {"updatedReplicas", c.total},
            {"readyReplicas", c.ready},
            {"availableReplicas", c.ready},
            {"observedGeneration", 1},
            {"conditions",
             {{{"type", "Available"},
               {"status", available ? "True" : "False"},
               {"reason", available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"},
               {"message", available ? "Deployment has minimum availability."
                                     : "Deployment does not have minimum availability."}},
              {{"type", "Progressing"},
               {"status", "True"},
               {"reason", "NewReplicaSetAvailable"},
               {"message", "ReplicaSet has successfully progressed."}}}}};
  if (wanted > c.ready) {
    s["unavailableReplicas"] = wanted - c.ready;
  }
  return s;
}

}  // namespace

// Status counters of DaemonSets, ReplicaSets and Deployments from their pods (what
// `kubectl get ds,deploy` and the Talos health check "coredns to report ready" read).
void KubeState::Impl::reconcile_workload_statuses() {
  std::map<std::pair<std::string, std::string>, PodCount> counts;  // (kind, ns/name)
  for (const auto& [k, pod] : objects["pods"]) {
    for (const json& ref : pod.value("/metadata/ownerReferences"_json_pointer, json::array())) {
      if (ref.value("controller", false)) {
        PodCount& c = counts[{ref.value("kind", ""),
                              key(pod["metadata"].value("namespace", ""), ref.value("name", ""))}];
        ++c.total;
        c.ready += pod_ready(pod) ? 1 : 0;
      }
    }
  }
  std::vector<std::pair<std::string, json>> updates;
  const int nodes_count = static_cast<int>(objects["nodes"].size());
  for (const auto& [k, ds] : objects["daemonsets"]) {
    json next = ds;
    next["status"] = daemonset_status(counts[{"DaemonSet", k}], nodes_count);
    updates.emplace_back("daemonsets", std::move(next));
  }
  std::map<std::string, PodCount> per_deployment;  // ns/name
  for (const auto& [k, rs] : objects["replicasets"]) {
    const PodCount c = counts[{"ReplicaSet", k}];
    json next = rs;
    next["status"] = replicaset_status(c);
    updates.emplace_back("replicasets", std::move(next));
    for (const json& ref : rs.value("/metadata/ownerReferences"_json_pointer, json::array())) {
      PodCount& d =
          per_deployment[key(rs["metadata"].value("namespace", ""), ref.value("name", ""))];
      d.total += c.total;
      d.ready += c.ready;
    }
  }
  for (const auto& [k, deploy] : objects["deployments"]) {
    json next = deploy;
    next["status"] =
        deployment_status(per_deployment[k], deploy.value("/spec/replicas"_json_pointer, 1));
    updates.emplace_back("deployments", std::move(next));
  }
  for (auto& [resource, object] : updates) {
    put_if_changed(resource, std::move(object));
  }
}

}  // namespace kube_emu
