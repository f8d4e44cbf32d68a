// Accepts (or rejects) a machine configuration the way a Talos node of a given version does:
// strict YAML decode, per-kind JSON Schema with Talos's hidden-field allowances, and the
// validation rules of talos.md §4.7; then extracts the facts the emulated node runs on.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"
#include "util/yaml_emit.h"

namespace talos_emu {

struct AcceptOptions {
  std::string talos_version;  // "v1.11.6", the version the node runs
  std::string schema_dir;     // directory holding v1.X/config.schema.json; empty = skip schema
  bool maintenance = false;   // maintenance-mode apply (also accepts a config without v1alpha1)
  // Platform mode: "metal" demands machine.install.{disk|diskSelector}; "cloud" (nocloud) and
  // "container" do not.
  std::string platform_mode = "metal";
  // The golden configs pin Kubernetes 1.28 for every release, so by default a version outside
  // the release's window (talos.md §0) only warns; true makes it an error as on a real node.
  bool enforce_kubernetes_window = false;
};

struct MachineConfig {
  std::string raw_yaml;
  std::string type;      // "controlplane" | "worker"
  std::string hostname;  // machine.network.hostname or a HostnameConfig doc (may be empty)
  std::vector<std::string> addresses;  // static CIDRs (interfaces[].addresses, LinkConfig …)
  std::string cluster_name, cluster_id, cluster_secret, control_plane_endpoint;
  std::string os_ca_crt_pem, os_ca_key_pem;    // machine.ca, decoded PEM; key empty on workers
  std::string k8s_ca_crt_pem, k8s_ca_key_pem;  // cluster.ca, decoded PEM
  std::string machine_token;                   // machine.token (trustd auth)
  std::string install_disk, install_image;     // machine.install.{disk,image}
  std::string kubernetes_version;              // machine.kubelet.image tag, e.g. "v1.34.1"
  // cluster.{apiServer,controllerManager,scheduler}.image by static pod name ("kube-apiserver"
  // → "registry.k8s.io/kube-apiserver:v1.34.1"); absent when the config names none.
  std::map<std::string, std::string> control_plane_images;
  std::string cni_name;                        // cluster.network.cni.name (default flannel)
  std::vector<std::pair<std::string, std::string>> inline_manifests;  // name, contents
  std::vector<std::string> cert_sans;
  bool rbac = true;
  std::string vip;                    // Layer2VIPConfig name or interfaces[].vip.ip
  std::vector<std::string> warnings;  // deprecations, for ApplyConfigurationResponse.warnings
  util::Tree v1alpha1;                // the main document as decoded (null when absent)
  std::vector<std::string> kinds;     // kinds of the other documents, in order
};

// Errors (all util::ErrorCode::InvalidInput, so the gRPC layer answers InvalidArgument):
//   "failed to parse config: …", "configuration validation failed: …",
//   "the applied machine configuration doesn't contain v1alpha1 config, did you mean to patch
//   the machine config instead?" (normal mode only).
util::Result<MachineConfig> accept_machine_config(const std::string& yaml,
                                                  const AcceptOptions& options);

// True when old → new cannot be applied live (talos.md §2.4 "applied live" list) and needs a
// reboot. Only the v1alpha1 documents are compared; other documents never force a reboot.
bool change_needs_reboot(const MachineConfig& old_config, const MachineConfig& new_config);

// The v1alpha1 paths (JSON pointers) whose values differ between old and new, for diffs in
// ApplyConfiguration mode_details.
std::vector<std::string> changed_paths(const MachineConfig& old_config,
                                       const MachineConfig& new_config);

}  // namespace talos_emu
