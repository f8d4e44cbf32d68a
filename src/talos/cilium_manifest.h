// The Cilium inline manifest for control-plane configs (talos.md §6): either the Talos-documented
// install Job (ServiceAccount + ClusterRoleBinding + Job running `cilium install`) or a manifest
// the user rendered with `helm template`.
#pragma once

#include <string>

namespace talos {

constexpr const char* kCiliumManifestName = "cilium";

// The install-Job manifest (multi-document YAML) for the given Cilium version, with the values
// Talos documents for KubePrism (localhost:7445), no kube-proxy, cgroup v2 and no SYS_MODULE.
std::string cilium_install_job_manifest(const std::string& cilium_version);

}  // namespace talos
