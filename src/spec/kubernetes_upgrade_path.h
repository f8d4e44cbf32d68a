// Which Kubernetes version changes `talosctl upgrade-k8s` allows (talos.md §9.2): a patch of the
// same minor, or exactly one minor up. Whether the target lies in the Talos release's window is
// cluster.yaml's validation (validate_versions.cc).
#pragma once

#include "spec/versions.h"
#include "util/result.h"

namespace spec {

// OK for `from` == `to`, a newer patch of the same minor, or any patch of the next minor.
// InvalidInput naming the versions and the way forward otherwise (a downgrade, a skipped minor,
// another major).
util::Result<void> check_kubernetes_upgrade(const Version& from, const Version& to);

}  // namespace spec
