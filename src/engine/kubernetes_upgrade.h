// One Kubernetes component on one node moved to a new version the way `talosctl upgrade-k8s`
// does it (talos.md §9.2): the component's image from the desired config goes into the node's
// active config (ApplyConfiguration, no reboot), then Kubernetes must show it running. The order
// of components and nodes is the caller's.
#pragma once

#include <string>
#include <vector>

#include "engine/kube_connect.h"
#include "engine/observe.h"
#include "engine/progress.h"
#include "engine/wait.h"
#include "talos/kubernetes_components.h"
#include "util/clock.h"
#include "util/result.h"

namespace engine {

struct KubernetesNode {
  std::string name;     // the Kubernetes node name
  std::string address;  // its Talos API
  bool control_plane = false;
  std::string desired_config;  // secret: where the new images come from
};

struct KubernetesAccess {
  TalosDialer dial;
  KubeConnect kube;
  std::vector<std::string> control_planes;  // addresses whose Kubernetes API may be asked
};

// Whether the component runs on this node: the control plane components and kube-proxy's image
// (cluster.*) on control planes, the kubelet everywhere.
bool runs_on(talos::KubernetesComponent component, const KubernetesNode& node);

// Waits after the apply until a control plane component's static pod (kube-system/<name>-<node>)
// runs the new image and is Ready, or until the Node reports the kubelet's new version and
// Ready; kube-proxy's image is applied without a wait (with Cilium's kube-proxy replacement it
// runs nowhere). A node whose config already names the image gets no apply (a re-run) but is
// still waited for.
util::Result<void> move_component(const KubernetesNode& node,
                                  talos::KubernetesComponent component,
                                  const KubernetesAccess& access, util::Clock& clock,
                                  const WaitPolicy& wait, Progress::Step& step);

}  // namespace engine
