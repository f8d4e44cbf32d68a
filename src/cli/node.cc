// `talforge node …`: read-only looks at the cluster's nodes through the Talos API (version,
// services, health). This file registers them and holds what they share.
#include <algorithm>
#include <ostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/node_common.h"
#include "cli/verbs.h"

namespace cli {

void add_node_flags(CLI::App& cmd, NodeOptions& options, bool with_nodes) {
  cmd.add_option("-f,--file", options.file, "cluster file")->capture_default_str();
  if (with_nodes) {
    cmd.add_option("--nodes", options.nodes,
                   "comma-separated node addresses (default: every node of the cluster file)");
  }
  cmd.add_option("-o,--output", options.format, "output format")
      ->check(CLI::IsMember({"table", "json", "yaml"}))
      ->capture_default_str();
  add_talosconfig_flag(cmd, options.access);
}

namespace {

std::vector<std::string> split_nodes(const std::string& csv) {
  std::vector<std::string> out;
  std::stringstream in(csv);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) {
      out.push_back(item);
    }
  }
  return out;
}

}  // namespace

std::optional<NodeSession> open_node_session(const NodeOptions& options, Context& ctx) {
  std::optional<ClusterInputs> inputs = load_cluster_inputs(options.file, ctx);
  if (!inputs) {
    return std::nullopt;
  }
  std::optional<engine::TalosTarget> target = talos_access(*inputs, options.access, ctx);
  if (!target) {
    return std::nullopt;
  }
  std::vector<std::string> nodes =
      options.nodes.empty() ? node_addresses(inputs->cluster) : split_nodes(options.nodes);
  if (nodes.empty()) {
    ctx.report(util::Error::invalid_input("no node to ask")
                   .with_hint("list addresses with --nodes a,b or add nodes to the cluster file"));
    return std::nullopt;
  }
  return NodeSession{std::move(*inputs), std::move(*target), std::move(nodes)};
}

util::Result<std::unique_ptr<talos::Api>> node_api(const NodeSession& session,
                                                   const std::string& endpoint) {
  talos::ConnectOptions options = engine::connect_options(session.target, endpoint);
  options.call_timeout = std::chrono::seconds(10);
  options.retry.max_attempts = 2;
  return talos::make_grpc_api(std::move(options));
}

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += i + 1 < row.size() ? fmt::format("{:<{}}   ", row[i], widths[i]) : row[i];
    }
    out << line << "\n";
  }
}

void print_tree(std::ostream& out, const util::Tree& doc, const std::string& format) {
  if (format == "yaml") {
    out << util::emit_yaml(doc);
  } else {
    out << doc.dump(2) << "\n";
  }
}

void register_node(CLI::App& app, Context& ctx) {
  CLI::App* node = app.add_subcommand(
      "node", "Look at the cluster's nodes through the Talos API (version, services, health)");
  node->require_subcommand(1);
  register_node_version(*node, ctx);
  register_node_services(*node, ctx);
  register_node_health(*node, ctx);
}

}  // namespace cli
