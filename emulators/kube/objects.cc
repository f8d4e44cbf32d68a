// Seeded object shapes, modelled on what a Talos 1.11 cluster with Cilium serves.
#include "emulators/kube/objects.h"

#include <fmt/format.h>

namespace kube_emu {
namespace {

using nlohmann::json;

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

json labels_json(const std::map<std::string, std::string>& labels) {
  json out = json::object();
  for (const auto& [k, v] : labels) {
    out[k] = v;
  }
  return out;
}

}  // namespace

std::string make_uid(uint64_t n) {
  const uint64_t a = mix(n), b = mix(n ^ 0x5bd1e995ULL);
  return fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", a >> 32, (a >> 16) & 0xffff,
                     a & 0xfff, b >> 52, b & 0xffffffffffffULL);
}

std::string name_suffix(uint64_t n, size_t length) {
  // The alphabet Kubernetes uses for generated names (no vowels, no look-alikes).
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  uint64_t x = mix(n);
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    out += kAlphabet[x % (sizeof(kAlphabet) - 1)];
    x /= (sizeof(kAlphabet) - 1);
    if (x == 0) {
      x = mix(n + i + 1);
    }
  }
  return out;
}

json node_object(const NodeFacts& f, const std::string& pod_cidr) {
  json labels = {{"beta.kubernetes.io/arch", "amd64"},
                 {"beta.kubernetes.io/os", "linux"},
                 {"kubernetes.io/arch", "amd64"},
                 {"kubernetes.io/hostname", f.name},
                 {"kubernetes.io/os", "linux"}};
  json spec = {{"podCIDR", pod_cidr}, {"podCIDRs", {pod_cidr}}};
  if (f.control_plane) {
    labels["node-role.kubernetes.io/control-plane"] = "";
    labels["node.kubernetes.io/exclude-from-external-load-balancers"] = "";
    spec["taints"] = {{{"key", "node-role.kubernetes.io/control-plane"}, {"effect", "NoSchedule"}}};
  }
  const std::string memory = fmt::format("{}Ki", f.memory_bytes / 1024);
  const json capacity = {{"cpu", std::to_string(f.cpus)},
                         {"ephemeral-storage", "10218772Ki"},
                         {"memory", memory},
                         {"pods", "110"}};
  const std::string uuid =
      f.system_uuid.empty() ? make_uid(std::hash<std::string>{}(f.name)) : f.system_uuid;
  json node_info = {
      {"architecture", "amd64"},
      {"bootID", make_uid(std::hash<std::string>{}(f.name + "/boot"))},
      {"containerRuntimeVersion", f.container_runtime},
      {"kernelVersion", f.kernel_version},
      {"kubeletVersion", f.kubelet_version},
      {"machineID", fmt::format("{:016x}{:016x}", mix(std::hash<std::string>{}(f.name)),
                                mix(std::hash<std::string>{}(f.name) + 1))},
      {"operatingSystem", "linux"},
      {"osImage", f.os_image},
      {"systemUUID", uuid}};
  return {{"kind", "Node"},
          {"apiVersion", "v1"},
          {"metadata",
           {{"name", f.name},
            {"labels", labels},
            {"annotations",
             {{"node.alpha.kubernetes.io/ttl", "0"},
              {"volumes.kubernetes.io/controller-managed-attach-detach", "true"}}}}},
          {"spec", spec},
          {"status",
           {{"addresses",
             {{{"type", "InternalIP"}, {"address", f.internal_ip}},
              {{"type", "Hostname"}, {"address", f.name}}}},
            {"capacity", capacity},
            {"allocatable", capacity},
            {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", 10250}}}}},
            {"nodeInfo", node_info}}}};
}

json namespace_object(const std::string& name) {
  return {{"kind", "Namespace"},
          {"apiVersion", "v1"},
          {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/metadata.name", name}}}}},
          {"spec", {{"finalizers", {"kubernetes"}}}},
          {"status", {{"phase", "Active"}}}};
}

json service_object(const std::string& ns, const std::string& name, const std::string& cluster_ip,
                    json labels, int port, const std::string& port_name) {
  return {{"kind", "Service"},
          {"apiVersion", "v1"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", std::move(labels)}}},
          {"spec",
           {{"type", "ClusterIP"},
            {"clusterIP", cluster_ip},
            {"clusterIPs", {cluster_ip}},
            {"ports", {{{"name", port_name}, {"port", port}, {"protocol", "TCP"}}}}}},
          {"status", {{"loadBalancer", json::object()}}}};
}

json owner_reference(const OwnerRef& owner) {
  return {{"apiVersion", owner.api_version},
          {"kind", owner.kind},
          {"name", owner.name},
          {"uid", owner.uid},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

json pod_object(const std::string& name, const PodTemplate& tmpl, const OwnerRef& owner,
                const std::string& node_name) {
  json metadata = {{"name", name},
                   {"namespace", tmpl.ns},
                   {"labels", labels_json(tmpl.labels)},
                   {"ownerReferences", {owner_reference(owner)}}};
  if (tmpl.mirror) {
    const std::string hash = fmt::format("{:032x}", mix(std::hash<std::string>{}(name)));
    metadata["annotations"] = {{"kubernetes.io/config.hash", hash},
                               {"kubernetes.io/config.mirror", hash},
                               {"kubernetes.io/config.source", "file"}};
  } else {
    metadata["generateName"] = name.substr(0, name.rfind('-') + 1);
  }
  json spec = {{"containers", {{{"name", tmpl.container}, {"image", tmpl.image}}}},
               {"restartPolicy", "Always"},
               {"schedulerName", "default-scheduler"},
               {"priorityClassName", tmpl.priority_class},
               {"tolerations", {{{"operator", "Exists"}, {"effect", "NoSchedule"}}}}};
  if (tmpl.host_network) {
    spec["hostNetwork"] = true;
  }
  if (!node_name.empty()) {
    spec["nodeName"] = node_name;
  }
  return {{"kind", "Pod"},
          {"apiVersion", "v1"},
          {"metadata", metadata},
          {"spec", spec},
          {"status", {{"phase", "Pending"}}}};
}

json workload_object(const std::string& kind, const std::string& ns, const std::string& name,
                     const std::map<std::string, std::string>& labels, int replicas,
                     const std::optional<OwnerRef>& owner) {
  json metadata = {{"name", name}, {"namespace", ns}, {"labels", labels_json(labels)}};
  if (owner) {
    metadata["ownerReferences"] = {owner_reference(*owner)};
  }
  json spec = {{"selector", {{"matchLabels", labels_json(labels)}}},
               {"template", {{"metadata", {{"labels", labels_json(labels)}}}}}};
  if (kind != "DaemonSet") {
    spec["replicas"] = replicas;
  }
  return {{"kind", kind},
          {"apiVersion", "apps/v1"},
          {"metadata", metadata},
          {"spec", spec},
          {"status", json::object()}};
}

}  // namespace kube_emu
