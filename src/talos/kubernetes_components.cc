// talos::KubernetesComponent helpers (see kubernetes_components.h).
#include "talos/kubernetes_components.h"

#include <vector>

#include "util/yaml_emit.h"
#include "util/yaml_load.h"

namespace talos {
namespace {

using util::Tree;

// The v1alpha1 document is the one without `kind` (talos.md §4.1).
Tree* v1alpha1_document(std::vector<Tree>& docs) {
  for (Tree& doc : docs) {
    if (doc.is_object() && !doc.contains("kind") && doc.value("version", "") == "v1alpha1") {
      return &doc;
    }
  }
  return nullptr;
}

}  // namespace

const char* component_name(KubernetesComponent component) {
  switch (component) {
    case KubernetesComponent::ApiServer:
      return "kube-apiserver";
    case KubernetesComponent::ControllerManager:
      return "kube-controller-manager";
    case KubernetesComponent::Scheduler:
      return "kube-scheduler";
    case KubernetesComponent::Proxy:
      return "kube-proxy";
    case KubernetesComponent::Kubelet:
      return "kubelet";
  }
  return "unknown";
}

const char* component_image_path(KubernetesComponent component) {
  switch (component) {
    case KubernetesComponent::ApiServer:
      return "/cluster/apiServer/image";
    case KubernetesComponent::ControllerManager:
      return "/cluster/controllerManager/image";
    case KubernetesComponent::Scheduler:
      return "/cluster/scheduler/image";
    case KubernetesComponent::Proxy:
      return "/cluster/proxy/image";
    case KubernetesComponent::Kubelet:
      return "/machine/kubelet/image";
  }
  return "";
}

std::string image_tag(const std::string& image) {
  const std::string reference = image.substr(0, image.find('@'));
  const std::size_t colon = reference.rfind(':');
  return colon == std::string::npos || reference.find('/', colon) != std::string::npos
             ? ""
             : reference.substr(colon + 1);
}

std::string component_image(std::string_view config, KubernetesComponent component) {
  util::Result<std::vector<Tree>> docs = util::load_yaml_stream(config, "machine config");
  if (!docs.ok()) {
    return "";
  }
  const Tree* main = v1alpha1_document(*docs);
  const Tree::json_pointer path(component_image_path(component));
  if (main == nullptr || !main->contains(path) || !(*main)[path].is_string()) {
    return "";
  }
  return (*main)[path].get<std::string>();
}

util::Result<std::string> with_component_image(std::string_view config,
                                               KubernetesComponent component,
                                               const std::string& image) {
  ASSIGN_OR_RETURN(std::vector<Tree> docs, util::load_yaml_stream(config, "machine config"));
  Tree* main = v1alpha1_document(docs);
  if (main == nullptr) {
    return util::Error::invalid_input("the machine config has no v1alpha1 document");
  }
  (*main)[Tree::json_pointer(component_image_path(component))] = image;
  return util::emit_yaml_stream(docs);
}

}  // namespace talos
