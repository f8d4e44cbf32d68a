// cluster.yaml (validated) + the generated machine configs → plan::Desired.
#pragma once

#include <string>
#include <vector>

#include "plan/model.h"
#include "spec/cluster.h"
#include "talos/cluster_configs.h"

namespace engine {

// `configs` holds one entry per node of `cluster` (generate_cluster_configs' output).
plan::Desired desired_state(const spec::Cluster& cluster,
                            const std::vector<talos::NodeConfig>& configs,
                            const std::string& schematic_id);

// The VM shape of one node as cluster.yaml defines it.
plan::VmShape desired_vm(const spec::Cluster& cluster, const spec::Node& node);

}  // namespace engine
