// What the `talforge node …` verbs share: flags, the cluster's Talos access, one client per node
// (each node is dialled directly, talos.md §1.5's recommendation), and table/JSON/YAML output.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cluster_inputs.h"
#include "cli/context.h"
#include "cli/talos_access.h"
#include "talos/api.h"
#include "util/yaml_emit.h"

namespace CLI {
class App;
}

namespace cli {

struct NodeOptions {
  std::string file = "cluster.yaml";
  std::string nodes;  // comma-separated addresses; empty = every node of cluster.yaml
  std::string format = "table";
  TalosAccessOptions access;
};

// -f, --nodes (when `with_nodes`), -o table|json|yaml, --talosconfig.
void add_node_flags(CLI::App& cmd, NodeOptions& options, bool with_nodes = true);

struct NodeSession {
  ClusterInputs inputs;
  engine::TalosTarget target;
  std::vector<std::string> nodes;
};

// Loads cluster.yaml, its bundle and the Talos credentials; nullopt after reporting a problem.
std::optional<NodeSession> open_node_session(const NodeOptions& options, Context& ctx);

// A client executing on `node`, dialled directly (short deadline, one retry).
util::Result<std::unique_ptr<talos::Api>> node_api(const NodeSession& session,
                                                   const std::string& endpoint);

// Prints rows (the first is the header) as aligned columns, like talosctl's tabwriter output.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

// Prints `doc` as indented JSON or as YAML.
void print_tree(std::ostream& out, const util::Tree& doc, const std::string& format);

}  // namespace cli
