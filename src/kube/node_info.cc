#include "kube/node_info.h"

namespace kube {
namespace {

std::string string_at(const nlohmann::json& object, const nlohmann::json::json_pointer& where) {
  if (!object.contains(where) || !object[where].is_string()) {
    return "";
  }
  return object[where].get<std::string>();
}

bool ready_condition(const nlohmann::json& node) {
  const nlohmann::json::json_pointer where("/status/conditions");
  if (!node.contains(where) || !node[where].is_array()) {
    return false;
  }
  for (const nlohmann::json& condition : node[where]) {
    if (condition.value("type", "") == "Ready") {
      return condition.value("status", "") == "True";
    }
  }
  return false;
}

}  // namespace

NodeInfo node_info_from_json(const nlohmann::json& node) {
  using Ptr = nlohmann::json::json_pointer;
  NodeInfo info;
  info.name = string_at(node, Ptr("/metadata/name"));
  info.ready = ready_condition(node);
  const Ptr unschedulable("/spec/unschedulable");
  info.unschedulable = node.contains(unschedulable) && node[unschedulable].is_boolean() &&
                       node[unschedulable].get<bool>();
  info.kubelet_version = string_at(node, Ptr("/status/nodeInfo/kubeletVersion"));
  const Ptr addresses("/status/addresses");
  if (node.contains(addresses) && node[addresses].is_array()) {
    for (const nlohmann::json& a : node[addresses]) {
      info.addresses.push_back({a.value("type", ""), a.value("address", "")});
    }
  }
  const Ptr labels("/metadata/labels");
  if (node.contains(labels) && node[labels].is_object()) {
    for (const auto& [key, value] : node[labels].items()) {
      if (value.is_string()) {
        info.labels[key] = value.get<std::string>();
      }
    }
  }
  info.control_plane = info.labels.count(kControlPlaneLabel) > 0;
  const Ptr annotations("/metadata/annotations");
  if (node.contains(annotations) && node[annotations].is_object()) {
    const auto reason = node[annotations].find(kCordonedForAnnotation);
    if (reason != node[annotations].end() && reason->is_string()) {
      info.cordoned_for = reason->get<std::string>();
    }
  }
  return info;
}

PodInfo pod_info_from_json(const nlohmann::json& pod) {
  using Ptr = nlohmann::json::json_pointer;
  PodInfo info;
  info.ns = string_at(pod, Ptr("/metadata/namespace"));
  info.name = string_at(pod, Ptr("/metadata/name"));
  info.phase = string_at(pod, Ptr("/status/phase"));
  info.ready = ready_condition(pod);
  const Ptr containers("/spec/containers");
  if (pod.contains(containers) && pod[containers].is_array()) {
    for (const nlohmann::json& container : pod[containers]) {
      info.images.push_back(container.value("image", ""));
    }
  }
  return info;
}

}  // namespace kube
