// Machine-config generation with the semantics of `talosctl gen config` (talos.md §4.2–4.3):
// the same inputs give the same documents, byte for byte, for every supported version contract.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "talos/version_contract.h"
#include "util/yaml_emit.h"

namespace talos {

using util::Tree;

enum class MachineRole { ControlPlane, Worker };

// The secrets bundle's values as they go into a config (base64-of-PEM for certificates and
// keys). talos/ does not depend on secrets/; the caller copies them from the bundle. A generated
// config therefore holds secret material: callers write it 0600 and never log it.
struct ClusterSecrets {
  std::string cluster_id;
  std::string cluster_secret;
  std::string bootstrap_token;
  std::string secretbox_encryption_secret;  // exactly one of these two is set
  std::string aescbc_encryption_secret;
  std::string trustd_token;
  std::string os_crt, os_key;
  std::string k8s_crt, k8s_key;
  std::string aggregator_crt, aggregator_key;
  std::string service_account_key;
  std::string etcd_crt, etcd_key;
};

struct CniOptions {
  std::string name;  // flannel | custom | none
  std::vector<std::string> urls;
};

struct RegistryMirror {
  std::string host;
  std::vector<std::string> endpoints;
};

// The inputs of `talosctl gen config`; empty optionals mean "flag not given".
struct GenOptions {
  VersionContract contract;
  std::string cluster_name;
  std::string endpoint;            // https://host:port
  std::string kubernetes_version;  // without the leading v
  std::vector<std::string> additional_sans;
  std::string dns_domain = "cluster.local";
  std::vector<std::string> pod_subnets{"10.244.0.0/16"};
  std::vector<std::string> service_subnets{"10.96.0.0/12"};
  std::string install_disk;
  std::string install_image;
  std::vector<std::string> install_extra_kernel_args;
  std::optional<int> local_api_server_port;
  std::vector<std::pair<std::string, std::string>> sysctls;
  std::optional<CniOptions> cni;
  std::vector<RegistryMirror> registry_mirrors;
  bool allow_scheduling_on_control_planes = false;
};

// The documents of one role's config: the v1alpha1 document first, then the others in the order
// talosctl writes them. Values are normalised (Talos field order).
std::vector<Tree> generate_documents(MachineRole role, const GenOptions& options,
                                     const ClusterSecrets& secrets);

// The host part of an https://host:port endpoint ("[::1]" → "::1").
std::string endpoint_host(const std::string& endpoint);

}  // namespace talos
