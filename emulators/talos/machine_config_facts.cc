// Facts extraction from an accepted machine config (see machine_config_facts.h). Until v1.13
// everything lives in the v1alpha1 document; v1.12+ may move hostname/addresses/VIP into
// network documents and v1.14 moves cluster settings into Kube*/Discovery* documents.
#include "emulators/talos/machine_config_facts.h"

#include <regex>

#include <openssl/evp.h>

namespace talos_emu {

namespace {

using config_doc::array_at;
using config_doc::Documents;
using config_doc::find;
using config_doc::string_at;

// "ghcr.io/siderolabs/kubelet:v1.34.1@sha256:…" → "v1.34.1"; "" when untagged.
std::string image_tag(std::string image) {
  if (auto at = image.find('@'); at != std::string::npos) {
    image.resize(at);
  }
  auto colon = image.rfind(':');
  auto slash = image.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) {
    return "";
  }
  return image.substr(colon + 1);
}

std::string first_text(const Documents& docs, const std::string& kind,
                       std::initializer_list<const char*> path) {
  const auto* d = docs.first(kind);
  return d == nullptr ? "" : string_at(d->body, path);
}

// Prefers the v1alpha1 field, falls back to the field of a newer document kind.
std::string either(const std::string& legacy, const Documents& docs, const std::string& kind,
                   std::initializer_list<const char*> path) {
  return legacy.empty() ? first_text(docs, kind, path) : legacy;
}

void collect_interface_addresses(const util::Tree& iface, MachineConfig& out) {
  for (const auto& a : array_at(iface, {"addresses"})) {
    if (a.is_string()) {
      out.addresses.push_back(a.get<std::string>());
    }
  }
  if (std::string cidr = string_at(iface, {"cidr"}); !cidr.empty()) {
    out.addresses.push_back(cidr);
  }
  if (out.vip.empty()) {
    out.vip = string_at(iface, {"vip", "ip"});
  }
}

void extract_network(const Documents& docs, MachineConfig& out) {
  if (docs.v1alpha1) {
    const util::Tree& m = *docs.v1alpha1;
    out.hostname = string_at(m, {"machine", "network", "hostname"});
    for (const auto& iface : array_at(m, {"machine", "network", "interfaces"})) {
      collect_interface_addresses(iface, out);
      for (const auto& vlan : array_at(iface, {"vlans"})) {
        collect_interface_addresses(vlan, out);
      }
    }
  }
  if (out.hostname.empty()) {
    out.hostname = first_text(docs, "HostnameConfig", {"hostname"});
  }
  // LinkConfig, VLANConfig, BondConfig, BridgeConfig, DummyLinkConfig: addresses[].address.
  for (const auto& d : docs.others) {
    for (const auto& a : array_at(d.body, {"addresses"})) {
      if (std::string address = string_at(a, {"address"}); !address.empty()) {
        out.addresses.push_back(address);
      }
    }
  }
  if (out.vip.empty()) {
    if (const auto* d = docs.first("Layer2VIPConfig")) {
      out.vip = d->name;
    }
  }
}

void extract_cluster(const Documents& docs, const util::Tree& m, MachineConfig& out) {
  out.cluster_name =
      either(string_at(m, {"cluster", "clusterName"}), docs, "KubeClusterConfig", {"clusterName"});
  out.control_plane_endpoint = either(string_at(m, {"cluster", "controlPlane", "endpoint"}), docs,
                                      "KubeClusterConfig", {"endpoint"});
  out.cluster_id =
      either(string_at(m, {"cluster", "id"}), docs, "DiscoveryIdentityConfig", {"clusterID"});
  out.cluster_secret = either(string_at(m, {"cluster", "secret"}), docs, "DiscoveryIdentityConfig",
                              {"clusterSecret"});
  out.k8s_ca_crt_pem = decode_base64(string_at(m, {"cluster", "ca", "crt"}));
  out.k8s_ca_key_pem = decode_base64(string_at(m, {"cluster", "ca", "key"}));
  if (out.k8s_ca_crt_pem.empty()) {
    out.k8s_ca_crt_pem = first_text(docs, "KubeAPIServerCAConfig", {"issuingCA", "cert"});
    out.k8s_ca_key_pem = first_text(docs, "KubeAPIServerCAConfig", {"issuingCA", "key"});
  }
  for (const auto& [component, key] :
       {std::pair{"kube-apiserver", "apiServer"}, std::pair{"kube-controller-manager", "controllerManager"},
        std::pair{"kube-scheduler", "scheduler"}}) {
    const std::string image = string_at(m, {"cluster", key, "image"});
    if (!image.empty()) {
      out.control_plane_images[component] = image;
    }
  }
  out.cni_name = string_at(m, {"cluster", "network", "cni", "name"});
  if (out.cni_name.empty() && docs.talos_minor >= 14) {
    // v1.14 states the CNI by documents: flannel's own, or external/inline manifests, or none.
    out.cni_name = docs.first("KubeFlannelCNIConfig") != nullptr         ? "flannel"
                   : docs.first("KubeExternalManifestConfig") != nullptr ? "custom"
                                                                         : "none";
  }
  if (out.cni_name.empty()) {
    out.cni_name = "flannel";
  }
  for (const auto& manifest : array_at(m, {"cluster", "inlineManifests"})) {
    out.inline_manifests.emplace_back(string_at(manifest, {"name"}),
                                      string_at(manifest, {"contents"}));
  }
  for (const auto* d : docs.all("KubeInlineManifestConfig")) {
    out.inline_manifests.emplace_back(d->name, string_at(d->body, {"contents"}));
  }
}

void extract_install(const Documents& docs, const util::Tree& m, MachineConfig& out) {
  out.install_disk = string_at(m, {"machine", "install", "disk"});
  out.install_image = string_at(m, {"machine", "install", "image"});
  const auto* unattended = docs.first("UnattendedInstallConfig");
  if (unattended == nullptr) {
    unattended = docs.first("UnattendedInstall");
  }
  if (const auto* d = unattended) {
    if (out.install_image.empty()) {
      out.install_image = string_at(d->body, {"installer", "image"});
    }
    // v1.14 selects the disk by a CEL expression, e.g. disk.dev_path == "/dev/vda".
    static const std::regex kDevPath(R"re(disk\.dev_path\s*==\s*"([^"]+)")re");
    std::smatch match;
    std::string expr = string_at(d->body, {"provisioning", "diskSelector", "match"});
    if (out.install_disk.empty() && std::regex_search(expr, match, kDevPath)) {
      out.install_disk = match[1].str();
    }
  }
}

}  // namespace

std::string decode_base64(const std::string& text) {
  std::string clean;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ') {
      clean += c;
    }
  }
  if (clean.empty() || clean.size() % 4 != 0) {
    return "";
  }
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) {
    return "";
  }
  // EVP_DecodeBlock counts the bytes that '=' padding stands for; drop them.
  size_t padding = clean.size() - clean.find_last_not_of('=') - 1;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

void extract_config_facts(const Documents& docs, MachineConfig& out) {
  static const util::Tree kNoDocument = util::Tree::object();
  const util::Tree& m = docs.v1alpha1 ? *docs.v1alpha1 : kNoDocument;
  out.type = string_at(m, {"machine", "type"});
  out.machine_token = string_at(m, {"machine", "token"});
  out.os_ca_crt_pem = decode_base64(string_at(m, {"machine", "ca", "crt"}));
  out.os_ca_key_pem = decode_base64(string_at(m, {"machine", "ca", "key"}));
  for (const auto& san : array_at(m, {"machine", "certSANs"})) {
    if (san.is_string()) {
      out.cert_sans.push_back(san.get<std::string>());
    }
  }
  const util::Tree* rbac = find(m, {"machine", "features", "rbac"});
  out.rbac = rbac == nullptr || !rbac->is_boolean() || rbac->get<bool>();
  out.kubernetes_version = image_tag(
      either(string_at(m, {"machine", "kubelet", "image"}), docs, "KubeletConfig", {"image"}));
  extract_network(docs, out);
  extract_cluster(docs, m, out);
  extract_install(docs, m, out);
}

}  // namespace talos_emu
