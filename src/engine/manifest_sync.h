// The inline manifests of the control planes' machine config (cluster.inlineManifests, e.g. the
// Cilium install), applied server-side through the Kubernetes API. Talos itself only creates
// objects that are missing and never updates them (talos.md §6), so a changed manifest reaches
// the cluster only this way — what `talosctl upgrade-k8s` ends with (talos.md §9.2).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "engine/kube_connect.h"
#include "util/result.h"

namespace engine {

// Where talforge records what it last applied: ConfigMap kube-system/talforge-inline-manifests,
// key sha256 = inline_manifests_digest of the config it applied.
inline constexpr const char* kManifestsRecordNamespace = "kube-system";
inline constexpr const char* kManifestsRecordName = "talforge-inline-manifests";

// SHA-256 (hex) over the names and contents of the config's inline manifests; empty when it has
// none.
std::string inline_manifests_digest(const std::string& control_plane_config);

// The digest recorded by the last sync: "" when none is recorded, nullopt when no control plane's
// Kubernetes API answered.
std::optional<std::string> recorded_manifests_digest(const std::vector<std::string>& control_planes,
                                                     const KubeConnect& kube);

// The number of objects applied (field manager "talos", as Talos's own sync), then the digest is
// recorded. Nothing is deleted. InvalidInput when a manifest is not YAML or an object lacks
// apiVersion/kind/name.
util::Result<std::size_t> sync_inline_manifests(const std::string& control_plane_config,
                                                const std::vector<std::string>& control_planes,
                                                const KubeConnect& kube);

}  // namespace engine
