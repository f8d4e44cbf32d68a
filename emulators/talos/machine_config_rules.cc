// Semantic validation of a machine config, as Talos's v1alpha1 Validate() does (talos.md §4.7).
#include "emulators/talos/machine_config_rules.h"

#include <regex>
#include <set>

#include <fmt/format.h>

namespace talos_emu {

namespace {

using config_doc::array_at;
using config_doc::Documents;
using config_doc::find;
using config_doc::has_text;
using config_doc::string_at;

struct KubernetesWindow {
  int min_minor;
  int max_minor;
};

// Kubernetes minors each Talos minor accepts (talos.md §0), all 1.x.
std::optional<KubernetesWindow> kubernetes_window(int talos_minor) {
  switch (talos_minor) {
    case 9:
      return KubernetesWindow{27, 32};
    case 10:
      return KubernetesWindow{28, 33};
    case 11:
      return KubernetesWindow{29, 34};
    case 12:
      return KubernetesWindow{30, 35};
    case 13:
      return KubernetesWindow{31, 36};
    default:
      return std::nullopt;
  }
}

bool is_url(const std::string& s) {
  static const std::regex kUrl(
      R"(^https?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?(/\S*)?$)");
  return std::regex_match(s, kUrl);
}

bool is_dns_name(const std::string& s) {
  static const std::regex kLabel(R"(^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$)");
  if (s.empty() || s.size() > 253) {
    return false;
  }
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    std::string label = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!std::regex_match(label, kLabel)) {
      return false;
    }
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  return true;
}

std::string endpoint_of(const Documents& docs) {
  std::string endpoint = string_at(*docs.v1alpha1, {"cluster", "controlPlane", "endpoint"});
  if (endpoint.empty()) {
    if (const auto* d = docs.first("KubeClusterConfig")) {
      endpoint = string_at(d->body, {"endpoint"});
    }
  }
  return endpoint;
}

void check_machine(const Documents& docs, const AcceptOptions& options,
                   std::vector<std::string>& errs) {
  const util::Tree& m = *docs.v1alpha1;
  const util::Tree* persist = find(m, {"persist"});
  if (persist != nullptr && persist->is_boolean() && !persist->get<bool>()) {
    errs.push_back(".persist should be enabled");
  }
  const std::string type = string_at(m, {"machine", "type"});
  if (type != "controlplane" && type != "worker") {
    errs.push_back(fmt::format("unknown machine type \"{}\" (use controlplane or worker)", type));
  }
  // Since v1.14 installation is described by an UnattendedInstallConfig document, if at all.
  if (options.platform_mode == "metal" && docs.talos_minor < 14) {
    if (find(m, {"machine", "install"}) == nullptr) {
      errs.push_back("install instructions are required in \"metal\" mode");
    } else if (!has_text(m, {"machine", "install", "disk"}) &&
               find(m, {"machine", "install", "diskSelector"}) == nullptr) {
      errs.push_back("either install disk or diskSelector should be defined");
    }
  }
}

void check_secrets_for_role(const Documents& docs, std::vector<std::string>& errs) {
  const util::Tree& m = *docs.v1alpha1;
  const std::string type = string_at(m, {"machine", "type"});
  if (type == "controlplane") {
    if (!has_text(m, {"machine", "ca", "crt"}) || !has_text(m, {"machine", "ca", "key"})) {
      errs.push_back(
          "machine.ca.crt and machine.ca.key are required on control plane nodes (apid and "
          "trustd sign certificates with the OS CA)");
    }
  } else if (type == "worker") {
    if (has_text(m, {"machine", "ca", "key"})) {
      errs.push_back("machine.ca.key must not be set on worker nodes: remove the OS CA key");
    }
    if (has_text(m, {"cluster", "ca", "key"})) {
      errs.push_back(
          "cluster.ca.key must not be set on worker nodes: remove the Kubernetes CA key");
    }
    if (has_text(m, {"cluster", "etcd", "ca", "key"})) {
      errs.push_back("cluster.etcd must not be set on worker nodes (it carries the etcd CA key)");
    }
    if (!has_text(m, {"machine", "ca", "crt"}) && array_at(m, {"machine", "acceptedCAs"}).empty()) {
      errs.push_back("machine.ca.crt (or machine.acceptedCAs) is required on worker nodes");
    }
  }
}

void check_cluster(const Documents& docs, std::vector<std::string>& errs) {
  const util::Tree& m = *docs.v1alpha1;
  const std::string endpoint = endpoint_of(docs);
  if (endpoint.empty()) {
    errs.push_back("cluster.controlPlane.endpoint is required");
  } else if (!is_url(endpoint)) {
    errs.push_back(fmt::format(
        "cluster.controlPlane.endpoint \"{}\" is not a valid URL (e.g. https://cp.example:6443)",
        endpoint));
  }
  std::string dns_domain = string_at(m, {"cluster", "network", "dnsDomain"});
  if (const auto* d = docs.first("KubeNetworkConfig"); d != nullptr && dns_domain.empty()) {
    dns_domain = string_at(d->body, {"dnsDomain"});
  }
  if (!dns_domain.empty() && !is_dns_name(dns_domain)) {
    errs.push_back(
        fmt::format("cluster.network.dnsDomain \"{}\" is not a valid DNS name", dns_domain));
  }
  if (const util::Tree* cni = find(m, {"cluster", "network", "cni"}); cni != nullptr) {
    const std::string name = string_at(*cni, {"name"});
    if (name != "flannel" && name != "custom" && name != "none") {
      errs.push_back(fmt::format(
          "cluster.network.cni.name \"{}\" is not supported: use flannel, custom or none", name));
    }
    if (name != "custom" && !array_at(*cni, {"urls"}).empty()) {
      errs.push_back(fmt::format(
          "cluster.network.cni.urls is only allowed with cni name \"custom\" (got \"{}\")", name));
    }
  }
  std::set<std::string> seen;
  for (const auto& manifest : array_at(m, {"cluster", "inlineManifests"})) {
    const std::string name = string_at(manifest, {"name"});
    if (name.empty()) {
      errs.push_back("cluster.inlineManifests: inline manifest name can't be empty");
    } else if (!seen.insert(name).second) {
      errs.push_back(
          fmt::format("cluster.inlineManifests: inline manifest name \"{}\" is "
                      "duplicate, names must be unique",
                      name));
    }
  }
  const util::Tree* discovery = find(m, {"cluster", "discovery", "enabled"});
  if (discovery != nullptr && discovery->is_boolean() && discovery->get<bool>() &&
      (!has_text(m, {"cluster", "id"}) || !has_text(m, {"cluster", "secret"}))) {
    errs.push_back("cluster discovery is enabled but cluster.id or cluster.secret is missing");
  }
}

void check_features(const Documents& docs, std::vector<std::string>& errs) {
  const util::Tree& m = *docs.v1alpha1;
  const util::Tree* enabled =
      find(m, {"machine", "features", "kubernetesTalosAPIAccess", "enabled"});
  if (enabled == nullptr || !enabled->is_boolean() || !enabled->get<bool>()) {
    return;
  }
  if (string_at(m, {"machine", "type"}) != "controlplane") {
    errs.push_back(
        "machine.features.kubernetesTalosAPIAccess is only allowed on control plane "
        "nodes");
  }
  const util::Tree* rbac = find(m, {"machine", "features", "rbac"});
  if (rbac != nullptr && rbac->is_boolean() && !rbac->get<bool>()) {
    errs.push_back("machine.features.kubernetesTalosAPIAccess requires machine.features.rbac");
  }
}

void check_interfaces(const Documents& docs, std::vector<std::string>& errs) {
  size_t i = 0;
  for (const auto& iface : array_at(*docs.v1alpha1, {"machine", "network", "interfaces"})) {
    const std::string where = fmt::format("machine.network.interfaces[{}]", i++);
    bool by_name = has_text(iface, {"interface"});
    bool by_selector = find(iface, {"deviceSelector"}) != nullptr;
    if (by_name == by_selector) {
      errs.push_back(where + ": set exactly one of interface or deviceSelector");
    }
    if (find(iface, {"bond"}) != nullptr && find(iface, {"bridge"}) != nullptr) {
      errs.push_back(where + ": interface can't be both a bond and a bridge");
    }
    if (has_text(iface, {"cidr"}) && !array_at(iface, {"addresses"}).empty()) {
      errs.push_back(where + ": set either cidr or addresses, not both");
    }
    size_t r = 0;
    for (const auto& route : array_at(iface, {"routes"})) {
      if (!has_text(route, {"network"}) && !has_text(route, {"gateway"})) {
        errs.push_back(
            fmt::format("{}.routes[{}]: a route needs a network or a gateway", where, r));
      }
      ++r;
    }
  }
}

void check_kubernetes_version(const Documents& docs, const AcceptOptions& options,
                              std::vector<std::string>& errs, std::vector<std::string>& warnings) {
  std::string image = string_at(*docs.v1alpha1, {"machine", "kubelet", "image"});
  auto window = kubernetes_window(docs.talos_minor);
  static const std::regex kTag(R"(:v?1\.([0-9]+)\.[0-9]+[^:/]*(@.*)?$)");
  std::smatch match;
  if (image.empty() || !window || !std::regex_search(image, match, kTag)) {
    return;
  }
  int minor = std::stoi(match[1].str());
  if (minor >= window->min_minor && minor <= window->max_minor) {
    return;
  }
  std::string message = fmt::format(
      "Kubernetes 1.{} (from machine.kubelet.image) is outside the versions Talos v1.{} supports "
      "(1.{}.0 – 1.{}.x)",
      minor, docs.talos_minor, window->min_minor, window->max_minor);
  (options.enforce_kubernetes_window ? errs : warnings).push_back(std::move(message));
}

}  // namespace

std::vector<std::string> check_config_rules(const Documents& docs, const AcceptOptions& options,
                                            std::vector<std::string>& warnings) {
  std::vector<std::string> errs;
  if (!docs.v1alpha1) {
    return errs;
  }
  check_machine(docs, options, errs);
  check_secrets_for_role(docs, errs);
  check_cluster(docs, errs);
  check_features(docs, errs);
  check_interfaces(docs, errs);
  check_kubernetes_version(docs, options, errs, warnings);
  return errs;
}

}  // namespace talos_emu
