#include "emulators/talos/cluster_state.h"

namespace talos_emu {

ClusterState::ClusterState(std::string id_, std::string name_, std::string kubernetes_version)
    : id(std::move(id_)), name(std::move(name_)) {
  kube_emu::KubeStateOptions options;
  if (!kubernetes_version.empty()) options.kubernetes_version = kubernetes_version;
  kube = std::make_shared<kube_emu::KubeState>(options);
}

}  // namespace talos_emu
