// What the verbs that build configs need from disk: the validated cluster model, its secrets
// bundle and the schematic ID. Problems are reported on ctx and yield nullopt.
#pragma once

#include <optional>
#include <string>

#include "cli/context.h"
#include "factory/schematic.h"
#include "secrets/bundle.h"
#include "spec/cluster.h"
#include "talos/config_gen.h"

namespace cli {

// Loads and validates cluster.yaml, printing its diagnostics (warnings too).
std::optional<spec::Cluster> load_cluster(const std::string& file, Context& ctx);

// The schematic of the cluster's image settings (sorted extensions, its kernel args), and its ID.
factory::Schematic cluster_schematic(const spec::Cluster& cluster);
std::string cluster_schematic_id(const spec::Cluster& cluster);

struct ClusterInputs {
  spec::Cluster cluster;
  secrets::Bundle bundle;
  talos::ClusterSecrets config_secrets;
  std::string schematic_id;
};

// load_cluster plus the secrets bundle named by the cluster (never created here: a missing
// bundle is an error that says how to create one).
std::optional<ClusterInputs> load_cluster_inputs(const std::string& file, Context& ctx);

}  // namespace cli
