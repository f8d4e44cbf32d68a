// The cluster's health gate: Talos's server-side checks (talos.md §7.1, in their order) on the
// first control plane, with the node lists taken from cluster.yaml (no hand-kept lists). Each
// progress line ("waiting for …") is a note on the step while it waits.
#pragma once

#include <chrono>

#include "engine/observe.h"
#include "engine/progress.h"
#include "spec/cluster.h"
#include "util/result.h"

namespace engine {

// A cluster without control planes has nothing to check (OK).
util::Result<void> wait_cluster_healthy(const spec::Cluster& cluster, const TalosDialer& dial,
                                        std::chrono::seconds timeout, Progress::Step& step);

}  // namespace engine
