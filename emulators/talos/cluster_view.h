// What `talosctl health` sees of an emulated cluster (talos.md §7.1), read the way it reads a
// real one: per node what apid would answer (services, memory, etcd members, COSI volume,
// diagnostics and static pod resources — nothing when apid is unreachable) and the cluster's
// Kubernetes objects. health_checks.h evaluates it; the HealthCheck RPC streams the outcome.
#pragma once

#include <string>
#include <vector>

#include "emulators/talos/health_checks.h"

namespace talos_emu {

class Emulator;
struct ClusterState;

// `control_planes` and `workers` are node addresses as the HealthCheck request lists them.
ClusterView observe_cluster(Emulator& emulator, const ClusterState& cluster,
                            const std::vector<std::string>& control_planes,
                            const std::vector<std::string>& workers);

}  // namespace talos_emu
