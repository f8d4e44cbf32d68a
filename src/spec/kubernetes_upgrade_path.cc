// spec::check_kubernetes_upgrade (see kubernetes_upgrade_path.h).
#include "spec/kubernetes_upgrade_path.h"

#include <fmt/format.h>

namespace spec {

util::Result<void> check_kubernetes_upgrade(const Version& from, const Version& to) {
  if (to < from) {
    return util::Error::invalid_input(
               fmt::format("Kubernetes {} is older than the {} that runs: Talos cannot downgrade "
                           "Kubernetes",
                           to.str(), from.str()))
        .with_hint(fmt::format("set cluster.kubernetesVersion to {} or newer", from.str()));
  }
  if (to.major != from.major || to.minor > from.minor + 1) {
    const std::string next = fmt::format("{}.{}", from.major, from.minor + 1);
    return util::Error::invalid_input(
               fmt::format("Kubernetes {} → {} skips a minor: Kubernetes upgrades one minor at a "
                           "time",
                           from.str(), to.str()))
        .with_hint(fmt::format("set cluster.kubernetesVersion to a {}.x release, apply, then go on "
                               "to {}",
                               next, to.str()));
  }
  return {};
}

}  // namespace spec
