// Builds the documents `talosctl gen config` would emit for a role and version contract.
#include "talos/config_gen.h"

#include "talos/config_document.h"

namespace talos {
namespace {

constexpr int kKubePrismPort = 7445;

Tree string_list(const std::vector<std::string>& items) {
  Tree out = Tree::array();
  for (const std::string& s : items) {
    out.push_back(s);
  }
  return out;
}

Tree cert_pair(const std::string& crt, const std::string& key) {
  Tree out = Tree::object();
  out["crt"] = crt;
  out["key"] = key;
  return out;
}

Tree machine_install(const GenOptions& o) {
  Tree install = Tree::object();
  if (!o.install_disk.empty()) {
    install["disk"] = o.install_disk;
  }
  if (!o.install_extra_kernel_args.empty()) {
    install["extraKernelArgs"] = string_list(o.install_extra_kernel_args);
  }
  if (!o.install_image.empty()) {
    install["image"] = o.install_image;
  }
  install["wipe"] = false;
  if (o.contract.at_least(1, 12)) {
    install["grubUseUKICmdline"] = true;
  }
  return install;
}

Tree machine_features(const GenOptions& o) {
  Tree f = Tree::object();
  if (!o.contract.at_least(1, 12)) {
    f["rbac"] = true;
    f["stableHostname"] = true;
    f["apidCheckExtKeyUsage"] = true;
  }
  f["diskQuotaSupport"] = true;
  f["kubePrism"] = {{"enabled", true}, {"port", kKubePrismPort}};
  f["hostDNS"] = {{"enabled", true}, {"forwardKubeDNSToHost", true}};
  return f;
}

Tree registry_mirrors_v1alpha1(const std::vector<RegistryMirror>& mirrors) {
  Tree m = Tree::object();
  for (const RegistryMirror& r : mirrors) {
    m[r.host] = {{"endpoints", string_list(r.endpoints)}};
  }
  return {{"mirrors", m}};
}

Tree machine_section(MachineRole role, const GenOptions& o, const ClusterSecrets& s) {
  const bool cp = role == MachineRole::ControlPlane;
  Tree m = Tree::object();
  m["type"] = cp ? "controlplane" : "worker";
  m["token"] = s.trustd_token;
  m["ca"] = cert_pair(s.os_crt, cp ? s.os_key : "");
  m["certSANs"] = string_list(o.additional_sans);
  m["kubelet"] = {{"image", "ghcr.io/siderolabs/kubelet:v" + o.kubernetes_version},
                  {"defaultRuntimeSeccompProfileEnabled", true},
                  {"disableManifestsDirectory", true}};
  if (!o.contract.at_least(1, 13)) {
    m["network"] = Tree::object();
  }
  m["install"] = machine_install(o);
  if (!o.sysctls.empty()) {
    Tree sysctls = Tree::object();
    for (const auto& [k, v] : o.sysctls) {
      sysctls[k] = v;
    }
    m["sysctls"] = sysctls;
  }
  if (!o.registry_mirrors.empty() && !o.contract.at_least(1, 12)) {
    m["registries"] = registry_mirrors_v1alpha1(o.registry_mirrors);
  }
  m["features"] = machine_features(o);
  if (cp) {
    m["nodeLabels"] = {{"node.kubernetes.io/exclude-from-external-load-balancers", ""}};
  }
  return m;
}

Tree pod_security_admission() {
  Tree defaults = {{"audit", "restricted"}, {"audit-version", "latest"},
                   {"enforce", "baseline"}, {"enforce-version", "latest"},
                   {"warn", "restricted"},  {"warn-version", "latest"}};
  Tree exemptions = {{"namespaces", string_list({"kube-system"})},
                     {"runtimeClasses", Tree::array()},
                     {"usernames", Tree::array()}};
  Tree configuration = {{"apiVersion", "pod-security.admission.config.k8s.io/v1alpha1"},
                        {"defaults", defaults},
                        {"exemptions", exemptions},
                        {"kind", "PodSecurityConfiguration"}};
  return Tree::array({{{"name", "PodSecurity"}, {"configuration", configuration}}});
}

Tree api_server(const GenOptions& o) {
  Tree a = Tree::object();
  a["image"] = "registry.k8s.io/kube-apiserver:v" + o.kubernetes_version;
  std::vector<std::string> sans;
  if (!o.contract.at_least(1, 12)) {
    sans.push_back(endpoint_host(o.endpoint));
  }
  sans.insert(sans.end(), o.additional_sans.begin(), o.additional_sans.end());
  if (!sans.empty()) {
    a["certSANs"] = string_list(sans);
  }
  if (!o.contract.at_least(1, 12)) {
    a["disablePodSecurityPolicy"] = true;
  }
  a["admissionControl"] = pod_security_admission();
  a["auditPolicy"] = {{"apiVersion", "audit.k8s.io/v1"},
                      {"kind", "Policy"},
                      {"rules", Tree::array({{{"level", "Metadata"}}})}};
  return a;
}

Tree cluster_network(const GenOptions& o) {
  Tree n = Tree::object();
  if (o.cni) {
    Tree cni = {{"name", o.cni->name}};
    if (!o.cni->urls.empty()) {
      cni["urls"] = string_list(o.cni->urls);
    }
    n["cni"] = cni;
  }
  n["dnsDomain"] = o.dns_domain;
  n["podSubnets"] = string_list(o.pod_subnets);
  n["serviceSubnets"] = string_list(o.service_subnets);
  return n;
}

void add_control_plane_cluster_parts(Tree& c, const GenOptions& o, const ClusterSecrets& s) {
  c["aggregatorCA"] = cert_pair(s.aggregator_crt, s.aggregator_key);
  c["serviceAccount"] = {{"key", s.service_account_key}};
  c["apiServer"] = api_server(o);
  c["controllerManager"] = {
      {"image", "registry.k8s.io/kube-controller-manager:v" + o.kubernetes_version}};
  c["proxy"] = {{"image", "registry.k8s.io/kube-proxy:v" + o.kubernetes_version}};
  c["scheduler"] = {{"image", "registry.k8s.io/kube-scheduler:v" + o.kubernetes_version}};
}

Tree cluster_section(MachineRole role, const GenOptions& o, const ClusterSecrets& s) {
  const bool cp = role == MachineRole::ControlPlane;
  Tree c = Tree::object();
  c["id"] = s.cluster_id;
  c["secret"] = s.cluster_secret;
  c["controlPlane"] = {{"endpoint", o.endpoint}};
  if (cp && o.local_api_server_port) {
    c["controlPlane"]["localAPIServerPort"] = *o.local_api_server_port;
  }
  c["clusterName"] = o.cluster_name;
  c["network"] = cluster_network(o);
  c["token"] = s.bootstrap_token;
  if (cp) {
    if (!s.aescbc_encryption_secret.empty()) {
      c["aescbcEncryptionSecret"] = s.aescbc_encryption_secret;
    } else {
      c["secretboxEncryptionSecret"] = s.secretbox_encryption_secret;
    }
  }
  c["ca"] = cert_pair(s.k8s_crt, cp ? s.k8s_key : "");
  if (cp) {
    add_control_plane_cluster_parts(c, o, s);
  }
  c["discovery"] = {
      {"enabled", true},
      {"registries", {{"kubernetes", {{"disabled", true}}}, {"service", Tree::object()}}}};
  if (cp) {
    c["etcd"] = {{"ca", cert_pair(s.etcd_crt, s.etcd_key)}};
  }
  if (cp && o.allow_scheduling_on_control_planes) {
    c["allowSchedulingOnControlPlanes"] = true;
  }
  return c;
}

Tree registry_mirror_document(const RegistryMirror& r) {
  Tree endpoints = Tree::array();
  for (const std::string& e : r.endpoints) {
    endpoints.push_back({{"url", e}});
  }
  return {{"apiVersion", "v1alpha1"},
          {"kind", "RegistryMirrorConfig"},
          {"name", r.host},
          {"endpoints", endpoints}};
}

}  // namespace

std::string endpoint_host(const std::string& endpoint) {
  std::string rest = endpoint;
  if (const size_t scheme = rest.find("://"); scheme != std::string::npos) {
    rest = rest.substr(scheme + 3);
  }
  rest = rest.substr(0, rest.find('/'));
  if (!rest.empty() && rest[0] == '[') {
    return rest.substr(1, rest.find(']') - 1);
  }
  return rest.substr(0, rest.rfind(':') == std::string::npos ? rest.size() : rest.rfind(':'));
}

std::vector<Tree> generate_documents(MachineRole role, const GenOptions& options,
                                     const ClusterSecrets& secrets) {
  Tree main = Tree::object();
  main["version"] = "v1alpha1";
  main["debug"] = false;
  main["persist"] = true;
  main["machine"] = machine_section(role, options, secrets);
  main["cluster"] = cluster_section(role, options, secrets);
  std::vector<Tree> docs{std::move(main)};
  if (options.contract.at_least(1, 12)) {
    for (const RegistryMirror& r : options.registry_mirrors) {
      docs.push_back(registry_mirror_document(r));
    }
    docs.push_back({{"apiVersion", "v1alpha1"}, {"kind", "HostnameConfig"}, {"auto", "stable"}});
  }
  for (Tree& doc : docs) {
    util::Result<Tree> normalized = normalize_document(doc);
    TALFORGE_ASSERT(normalized.ok());
    doc = std::move(*normalized);
  }
  return docs;
}

}  // namespace talos
