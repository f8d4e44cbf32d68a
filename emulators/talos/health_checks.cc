// The talosctl health checks over a ClusterView (see health_checks.h).
#include "emulators/talos/health_checks.h"

#include <algorithm>
#include <functional>
#include <set>

#include <fmt/format.h>

namespace talos_emu {

namespace {

using Check = std::function<std::string(const ClusterView&)>;  // "" = passed

std::vector<const NodeView*> control_planes(const ClusterView& v) {
  std::vector<const NodeView*> out;
  for (const NodeView& n : v.nodes) {
    if (n.control_plane) {
      out.push_back(&n);
    }
  }
  return out;
}

std::string service_problem(const NodeView& n, const std::string& service) {
  auto it = n.services.find(service);
  if (!n.reachable || it == n.services.end()) {
    return fmt::format("{}: service \"{}\" not found", n.ip, service);
  }
  if (it->second.state != "Running") {
    return fmt::format("{}: service \"{}\" not in expected state \"Running\": current state [{}]",
                       n.ip, service, it->second.state);
  }
  if (!it->second.healthy) {
    return fmt::format("{}: service \"{}\" is not healthy", n.ip, service);
  }
  return "";
}

std::string services_healthy(const ClusterView& v, const std::string& service) {
  auto cps = control_planes(v);
  for (const NodeView* n : cps) {
    if (std::string p = service_problem(*n, service); !p.empty()) {
      return p;
    }
  }
  return "";
}

std::string member_key(const EtcdMember& m) {
  return fmt::format("{}/{:x}/{}", m.name, m.id, m.learner);
}

std::set<std::string> member_set(const NodeView& n) {
  std::set<std::string> out;
  for (const EtcdMember& m : n.etcd_members_seen) {
    out.insert(member_key(m));
  }
  return out;
}

std::string etcd_consistent(const ClusterView& v) {
  auto cps = control_planes(v);
  for (size_t i = 1; i < cps.size(); ++i) {
    if (member_set(*cps[i]) != member_set(*cps[0])) {
      return fmt::format("etcd members on nodes {} and {} are not consistent", cps[0]->ip,
                         cps[i]->ip);
    }
  }
  return "";
}

std::string url_host(const std::string& url) {
  std::string rest = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  return rest.substr(0, rest.rfind(':'));
}

std::string etcd_members_are_control_planes(const ClusterView& v) {
  auto cps = control_planes(v);
  if (cps.empty()) {
    return "no control plane nodes";
  }
  std::set<std::string> ips;
  for (const NodeView* n : cps) {
    ips.insert(n->ip);
  }
  for (const EtcdMember& m : cps[0]->etcd_members_seen) {
    if (ips.count(url_host(m.peer_url)) == 0) {
      return fmt::format("etcd member {} ({}) is not a control plane node", m.name, m.peer_url);
    }
  }
  return "";
}

std::string apid_ready(const ClusterView& v) {
  for (const NodeView& n : v.nodes) {
    if (!n.reachable) {
      return fmt::format("{}: rpc error: code = Unavailable desc = connection refused", n.ip);
    }
  }
  return "";
}

std::string memory_sizes(const ClusterView& v) {
  for (const NodeView& n : v.nodes) {
    uint64_t minimum = n.control_plane ? kMinControlPlaneMemoryMiB : kMinWorkerMemoryMiB;
    if (n.memory_total_mib < minimum) {
      return fmt::format("{}: memory size is {} MiB, expected at least {} MiB", n.ip,
                         n.memory_total_mib, minimum);
    }
  }
  return "";
}

std::string disk_sizes(const ClusterView& v) {
  for (const NodeView& n : v.nodes) {
    if (n.ephemeral_bytes && *n.ephemeral_bytes < kMinEphemeralBytes) {
      return fmt::format("{}: EPHEMERAL volume size is {} bytes, expected at least {}", n.ip,
                         *n.ephemeral_bytes, kMinEphemeralBytes);
    }
  }
  return "";
}

std::string no_diagnostics(const ClusterView& v) {
  for (const NodeView& n : v.nodes) {
    if (!n.diagnostics.empty()) {
      return fmt::format("{}: {}", n.ip, n.diagnostics.front());
    }
  }
  return "";
}

std::string boot_finished(const ClusterView& v) {
  for (const NodeView& n : v.nodes) {
    if (n.stage != "running") {
      return fmt::format("{}: unexpected stage {}", n.ip, n.stage);
    }
  }
  return "";
}

std::string k8s_nodes_report(const ClusterView& v) {
  if (!v.kube_api_error.empty()) {
    return v.kube_api_error;
  }
  std::set<std::string> expected, actual;
  for (const NodeView& n : v.nodes) {
    expected.insert(n.ip);
  }
  for (const KubeNodeView& k : v.kube_nodes) {
    for (const std::string& a : k.addresses) {
      actual.insert(a);
    }
  }
  if (expected != actual) {
    return fmt::format("expected nodes [{}], got [{}]", fmt::join(expected, " "),
                       fmt::join(actual, " "));
  }
  return "";
}

std::string static_pods_running(const ClusterView& v) {
  for (const NodeView* n : control_planes(v)) {
    for (const char* component : {"kube-apiserver", "kube-controller-manager", "kube-scheduler"}) {
      const std::string prefix = std::string("kube-system/") + component;
      bool found = std::any_of(n->static_pods.begin(), n->static_pods.end(),
                               [&](const std::string& id) { return id.rfind(prefix, 0) == 0; });
      if (!found) {
        return fmt::format("{}: static pod \"{}\" is not running", n->ip, prefix);
      }
    }
  }
  return "";
}

std::string control_plane_components_ready(const ClusterView& v) {
  if (!v.kube_api_error.empty()) {
    return v.kube_api_error;
  }
  size_t cps = control_planes(v).size();
  size_t labelled = std::count_if(v.kube_nodes.begin(), v.kube_nodes.end(),
                                  [](const KubeNodeView& k) { return k.control_plane_label; });
  if (labelled != cps) {
    return fmt::format("expected {} control plane nodes, got {}", cps, labelled);
  }
  for (const char* app : {"kube-apiserver", "kube-controller-manager", "kube-scheduler"}) {
    size_t ready = std::count_if(v.kube_system_pods.begin(), v.kube_system_pods.end(),
                                 [&](const KubePodView& p) { return p.app == app && p.ready; });
    if (ready != cps) {
      return fmt::format("waiting for {} pods: expected {} ready, got {}", app, cps, ready);
    }
  }
  return "";
}

std::string k8s_nodes_ready(const ClusterView& v) {
  if (!v.kube_api_error.empty()) {
    return v.kube_api_error;
  }
  for (const KubeNodeView& k : v.kube_nodes) {
    if (!k.ready) {
      return fmt::format("node \"{}\" is not ready", k.name);
    }
  }
  return "";
}

std::string workload_ready(const ClusterView& v, const std::optional<WorkloadView>& w,
                           const char* what) {
  if (!v.kube_api_error.empty()) {
    return v.kube_api_error;
  }
  if (w && w->ready < w->desired) {
    return fmt::format("{}: expected {} ready, got {}", what, w->desired, w->ready);
  }
  return "";
}

std::string k8s_nodes_schedulable(const ClusterView& v) {
  if (!v.kube_api_error.empty()) {
    return v.kube_api_error;
  }
  for (const KubeNodeView& k : v.kube_nodes) {
    if (k.unschedulable) {
      return fmt::format("node \"{}\" is not schedulable", k.name);
    }
  }
  return "";
}

std::string etcd_healthy(const ClusterView& v) {
  return services_healthy(v, "etcd");
}

std::string kubelet_healthy(const ClusterView& v) {
  return services_healthy(v, "kubelet");
}

const std::vector<std::pair<const char*, Check>>& checks() {
  static const std::vector<std::pair<const char*, Check>> kChecks = {
      {"etcd to be healthy", etcd_healthy},
      {"etcd members to be consistent across nodes", etcd_consistent},
      {"etcd members to be control plane nodes", etcd_members_are_control_planes},
      {"apid to be ready", apid_ready},
      {"all nodes memory sizes", memory_sizes},
      {"all nodes disk sizes", disk_sizes},
      {"no diagnostics", no_diagnostics},
      {"kubelet to be healthy", kubelet_healthy},
      {"all nodes to finish boot sequence", boot_finished},
      {"all k8s nodes to report", k8s_nodes_report},
      {"all control plane static pods to be running", static_pods_running},
      {"all control plane components to be ready", control_plane_components_ready},
      {"all k8s nodes to report ready", k8s_nodes_ready},
      {"kube-proxy to report ready",
       [](const ClusterView& v) { return workload_ready(v, v.kube_proxy, "kube-proxy"); }},
      {"coredns to report ready",
       [](const ClusterView& v) { return workload_ready(v, v.coredns, "coredns"); }},
      {"all k8s nodes to report schedulable", k8s_nodes_schedulable},
  };
  return kChecks;
}

}  // namespace

std::vector<std::string> HealthCheckResult::lines() const {
  const std::string prefix = "waiting for " + name + ": ";
  return {prefix + "...", prefix + (passed ? "OK" : detail)};
}

std::vector<HealthCheckResult> evaluate_health_checks(const ClusterView& view) {
  std::vector<HealthCheckResult> out;
  for (const auto& [name, check] : checks()) {
    std::string detail = check(view);
    out.push_back({name, detail.empty(), detail});
  }
  return out;
}

}  // namespace talos_emu
