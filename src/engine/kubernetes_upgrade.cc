// engine::move_component (see kubernetes_upgrade.h).
#include "engine/kubernetes_upgrade.h"

#include <fmt/format.h>

#include "talos/active_config.h"

namespace engine {
namespace {

using talos::KubernetesComponent;

// Reads the node's active config and applies it with the new image; nothing when it has it.
util::Result<bool> apply_image(const KubernetesNode& node, KubernetesComponent component,
                               const std::string& image, const TalosDialer& dial) {
  ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api, dial(node.address, talos::ConnectMode::Secure));
  ASSIGN_OR_RETURN(std::string active, talos::active_machine_config(*api));
  if (talos::component_image(active, component) == image) {
    return false;
  }
  ASSIGN_OR_RETURN(std::string changed, talos::with_component_image(active, component, image));
  RETURN_IF_ERROR(api->apply_configuration(changed, talos::ApplyMode::NoReboot, false));
  return true;
}

util::Result<void> static_pod_runs(kube::Api& api, const std::string& pod_name,
                                   const std::string& image) {
  ASSIGN_OR_RETURN(kube::PodInfo pod, api.get_pod("kube-system", pod_name));
  if (pod.images.empty() || pod.images.front() != image) {
    return util::Error::unavailable(fmt::format(
        "{} still runs {}", pod_name, pod.images.empty() ? "no container" : pod.images.front()));
  }
  if (!pod.ready) {
    return util::Error::unavailable(fmt::format("{} is not Ready yet ({})", pod_name, pod.phase));
  }
  return {};
}

util::Result<void> kubelet_runs(kube::Api& api, const std::string& node, const std::string& version) {
  ASSIGN_OR_RETURN(kube::NodeInfo info, api.get_node(node));
  if (info.kubelet_version != version) {
    return util::Error::unavailable(
        fmt::format("the kubelet of {} reports {}", node, info.kubelet_version));
  }
  if (!info.ready) {
    return util::Error::unavailable(fmt::format("{} is not Ready yet", node));
  }
  return {};
}

}  // namespace

bool runs_on(KubernetesComponent component, const KubernetesNode& node) {
  return component == KubernetesComponent::Kubelet || node.control_plane;
}

util::Result<void> move_component(const KubernetesNode& node, KubernetesComponent component,
                                  const KubernetesAccess& access, util::Clock& clock,
                                  const WaitPolicy& wait, Progress::Step& step) {
  const std::string image = talos::component_image(node.desired_config, component);
  if (image.empty()) {
    return {};  // the generated config pins no image for it (Talos's default applies)
  }
  const char* name = talos::component_name(component);
  bool applied = false;
  RETURN_IF_ERROR(wait_until(
      fmt::format("{} config of {} with {}", name, node.name, image), clock, wait,
      [&]() -> util::Result<void> {
        ASSIGN_OR_RETURN(applied, apply_image(node, component, image, access.dial));
        return {};
      }));
  step.note(fmt::format("{} → {}{}", name, image, applied ? "" : " (already in its config)"));
  if (component == KubernetesComponent::Proxy) {
    return {};
  }
  const std::string pod_name = fmt::format("{}-{}", name, node.name);
  const std::string version = talos::image_tag(image);
  const std::string what =
      component == KubernetesComponent::Kubelet
          ? fmt::format("the kubelet of {} on {} and Ready", node.name, version)
          : fmt::format("{} running {} and Ready", pod_name, image);
  RETURN_IF_ERROR(wait_until(
      what, clock, wait,
      [&]() -> util::Result<void> {
        util::Result<std::unique_ptr<kube::Api>> answered = first_answering(
            access.control_planes, access.kube, [&](kube::Api& api) {
              return component == KubernetesComponent::Kubelet ? kubelet_runs(api, node.name, version)
                                                               : static_pod_runs(api, pod_name, image);
            });
        if (answered.ok()) {
          return {};
        }
        // A static pod is briefly absent while the kubelet replaces it; other errors (403, a
        // bad request) end the wait at once.
        return answered.error().code == util::ErrorCode::NotFound
                   ? util::Error::unavailable(answered.error().describe())
                   : std::move(answered).error();
      },
      [&](const util::Error& last) { step.note("waiting: " + last.message); }));
  step.note(fmt::format("{} runs {}", component == KubernetesComponent::Kubelet ? "kubelet" : pod_name,
                        version));
  return {};
}

}  // namespace engine
