// talosconfig or bundle → engine::TalosTarget for the CLI verbs.
#include "cli/talos_access.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "secrets/talosconfig.h"
#include "util/file.h"

namespace cli {

void add_talosconfig_flag(CLI::App& cmd, TalosAccessOptions& options) {
  cmd.add_option("--talosconfig", options.talosconfig,
                 fmt::format("talosconfig to use (default: {} when it exists, else a client "
                             "certificate issued in memory from the secrets bundle)",
                             kDefaultTalosconfig));
}

std::optional<engine::TalosTarget> talos_access(const ClusterInputs& inputs,
                                                const TalosAccessOptions& options, Context& ctx) {
  const bool explicit_file = !options.talosconfig.empty();
  const std::string path = explicit_file ? options.talosconfig : kDefaultTalosconfig;
  if (!explicit_file && !util::file_exists(path)) {
    util::Result<engine::TalosTarget> target = engine::talos_target_from_bundle(
        inputs.bundle, inputs.cluster.name, control_plane_addresses(inputs.cluster),
        node_addresses(inputs.cluster));
    if (!target.ok()) {
      ctx.report(std::move(target).error().with_context("client certificate from the bundle"));
      return std::nullopt;
    }
    return std::move(*target);
  }
  util::Result<std::string> text = util::read_file(path);
  if (!text.ok()) {
    ctx.report(std::move(text).error().with_hint(
        "write one with `talforge talosconfig -o FILE` or `talforge gen config`"));
    return std::nullopt;
  }
  util::Result<secrets::Talosconfig> parsed = secrets::parse_talosconfig(*text, path);
  if (!parsed.ok()) {
    ctx.report(parsed.error());
    return std::nullopt;
  }
  util::Result<engine::TalosTarget> target = engine::talos_target(*parsed);
  if (!target.ok()) {
    ctx.report(std::move(target).error().with_context(path));
    return std::nullopt;
  }
  return std::move(*target);
}

std::vector<std::string> control_plane_addresses(const spec::Cluster& cluster) {
  std::vector<std::string> out;
  for (const spec::Node* n : cluster.control_planes()) {
    out.push_back(n->address);
  }
  return out;
}

std::vector<std::string> worker_addresses(const spec::Cluster& cluster) {
  std::vector<std::string> out;
  for (const spec::Node& n : cluster.nodes) {
    if (n.role != spec::NodeRole::ControlPlane) {
      out.push_back(n.address);
    }
  }
  return out;
}

std::vector<std::string> node_addresses(const spec::Cluster& cluster) {
  std::vector<std::string> out;
  for (const spec::Node& n : cluster.nodes) {
    out.push_back(n.address);
  }
  return out;
}

}  // namespace cli
