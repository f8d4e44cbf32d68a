// Node and Pod JSON (kubernetes.md §6) → kube::NodeInfo, kube::PodInfo.
#pragma once

#include <nlohmann/json.hpp>

#include "kube/api.h"

namespace kube {

inline constexpr const char* kControlPlaneLabel = "node-role.kubernetes.io/control-plane";

// Missing fields read as empty/false: a node the kubelet just registered has no conditions.
NodeInfo node_info_from_json(const nlohmann::json& node);
PodInfo pod_info_from_json(const nlohmann::json& pod);

}  // namespace kube
