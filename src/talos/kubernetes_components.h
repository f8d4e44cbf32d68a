// The Kubernetes components a Talos machine config pins by image (talos.md §9.2): where each
// image sits in the v1alpha1 document, and a config with one of them replaced — what
// `talosctl upgrade-k8s` applies to move one component at a time.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "util/result.h"

namespace talos {

enum class KubernetesComponent { ApiServer, ControllerManager, Scheduler, Proxy, Kubelet };

// In the order an upgrade moves them: control plane components (each on every control plane),
// kube-proxy, then the kubelet of every node.
inline constexpr std::array<KubernetesComponent, 5> kKubernetesComponents{
    KubernetesComponent::ApiServer, KubernetesComponent::ControllerManager,
    KubernetesComponent::Scheduler, KubernetesComponent::Proxy, KubernetesComponent::Kubelet};

// "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet": also
// the name prefix of a control plane's static pod (<name>-<node>).
const char* component_name(KubernetesComponent component);

// JSON pointer of the component's image in the v1alpha1 document ("/cluster/apiServer/image").
const char* component_image_path(KubernetesComponent component);

// The tag of an image reference ("registry.k8s.io/kube-apiserver:v1.35.4" → "v1.35.4"; a digest
// after it is ignored); empty when it has none.
std::string image_tag(const std::string& image);

// The component's image in a machine config (multi-document YAML); empty when it names none.
std::string component_image(std::string_view config, KubernetesComponent component);

// The config with the component's image set to `image`, everything else as it was (documents,
// their order, other values). InvalidInput when the text is not a machine config.
util::Result<std::string> with_component_image(std::string_view config,
                                               KubernetesComponent component,
                                               const std::string& image);

}  // namespace talos
