// The inline manifests of the control planes' machine config (cluster.inlineManifests, e.g. the
// Cilium install), applied server-side through the Kubernetes API. Talos itself only creates
// objects that are missing and never updates them (talos.md §6), so a changed manifest reaches
// the cluster only this way — what `talosctl upgrade-k8s` ends with (talos.md §9.2).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/kube_connect.h"
#include "util/result.h"

namespace engine {

// The number of objects applied (field manager "talos", as Talos's own sync). Nothing is deleted.
// InvalidInput when a manifest is not YAML or an object lacks apiVersion/kind/name.
util::Result<std::size_t> sync_inline_manifests(const std::string& control_plane_config,
                                                const std::vector<std::string>& control_planes,
                                                const KubeConnect& kube);

}  // namespace engine
