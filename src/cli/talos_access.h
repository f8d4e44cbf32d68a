// How CLI verbs reach the cluster's Talos API: the talosconfig `gen config` wrote (default
// out/talosconfig, as `gen config --out out` writes it, or --talosconfig FILE), or — when that
// file does not exist — an os:admin client certificate issued in memory from the secrets bundle.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/cluster_inputs.h"
#include "cli/context.h"
#include "engine/talos_connect.h"

namespace CLI {
class App;
}

namespace cli {

inline constexpr const char* kDefaultTalosconfig = "out/talosconfig";

struct TalosAccessOptions {
  std::string talosconfig;  // empty = kDefaultTalosconfig if it exists, else the bundle
};

void add_talosconfig_flag(CLI::App& cmd, TalosAccessOptions& options);

// The Talos target for `inputs`' cluster; endpoints default to the control planes. Problems are
// reported on ctx and yield nullopt.
std::optional<engine::TalosTarget> talos_access(const ClusterInputs& inputs,
                                                const TalosAccessOptions& options, Context& ctx);

std::vector<std::string> control_plane_addresses(const spec::Cluster& cluster);
std::vector<std::string> worker_addresses(const spec::Cluster& cluster);
std::vector<std::string> node_addresses(const spec::Cluster& cluster);

}  // namespace cli
